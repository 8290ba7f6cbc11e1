"""views/api."""
