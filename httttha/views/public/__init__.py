"""views/public."""
