"""The catalog's own sets of docids, and their intersection: lists read
them from the indexes' forward maps (no copy, no query objects) and
intersect them in C, smallest first."""


def stored(index, value):
    """The index's own set of docids holding ``value`` (not a copy; hypatia
    keeps them in ``_fwd_index``), or an empty set.  Not for the indexes
    of ``.unique``, whose one-document values are elsewhere."""
    return index._fwd_index.get(value) or index.family.IF.Set()


def intersect(family, sets):
    """The intersection of ``sets``, smallest first; None (everything)
    for no set."""
    result = None
    for docids in sorted(sets, key=len):
        result = docids if result is None else family.IF.intersection(
            result, docids)
        if not result:
            break
    return result
