"""views/sdi."""
