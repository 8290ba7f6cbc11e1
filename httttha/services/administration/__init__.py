"""The agency tree and what guards it: loading and finding agencies, the
per-process caches of the tree, what may not be removed (C1)."""
