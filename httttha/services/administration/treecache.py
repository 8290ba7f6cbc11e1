"""Per-process caches of what is derived from the agency tree (the public
pages' agency select, the outline of the tree), kept valid by a version
stored in the database.

The version is a random token on the root, replaced whenever an agency is
added, edited, renamed, moved or removed (subscribers below; ``services.administration.tree.load_tree`` for its in-place updates).
A cache entry is used only while the token it was built under is still
the one this request's connection sees, so every process, and every
database served by one process (tests), drops its copy after a change
committed anywhere.  A database without the token (before the evolve
step) is read uncached.
"""
import threading
import uuid

from persistent import Persistent
from pyramid.traversal import find_root
from substanced.event import (
    subscribe_acl_modified,
    subscribe_added,
    subscribe_modified,
    subscribe_removed,
    subscribe_root_added,
)
from substanced.interfaces import IRoot

from ...interfaces import IAgency

ATTR = 'agency_tree_version'


class TreeVersion(Persistent):
    """The agency tree's current version (a random token)."""

    def __init__(self):
        self.bump()

    def bump(self):
        self.value = uuid.uuid4().hex

    def _p_resolveConflict(self, old, committed, new):
        # two transactions changed the tree at once: either new token is
        # unknown to every cache, which is all that matters
        return new


def ensure_tree_version(root):
    """The root's version store, created when missing (new sites get it
    from the root-added subscriber, older ones from an evolve step)."""
    store = getattr(root, ATTR, None)
    if store is None:
        store = TreeVersion()
        setattr(root, ATTR, store)
    return store


def tree_version(root):
    """The current version token, or None when the site has none yet."""
    store = getattr(root, ATTR, None)
    return store.value if store is not None else None


def tree_changed(root):
    """Record that the agency tree under ``root`` changed: every cache
    built from it is stale."""
    ensure_tree_version(root).bump()


_cache = {}
_lock = threading.Lock()


def cached(root, name, build):
    """``build()``, computed once per process and tree version.

    ``build`` must return plain data (no persistent objects: they belong
    to one connection) and the result must not be mutated."""
    version = tree_version(root)
    if version is None:
        return build()
    entry = _cache.get(name)
    if entry is not None and entry[0] == version:
        return entry[1]
    value = build()
    with _lock:
        _cache[name] = (version, value)
    return value


def clear():
    """Forget every cached value (tests)."""
    with _lock:
        _cache.clear()


@subscribe_root_added()
def _root_added(event):
    """New sites get the version store with the rest."""
    ensure_tree_version(event.object)


@subscribe_added(IAgency)
@subscribe_removed(IAgency)
def agency_added_or_removed(event):
    """An agency added, removed, renamed or moved (a rename or a move is
    a removal and an addition): the caches of the tree are stale."""
    _tree_changed(event.parent)


@subscribe_acl_modified()
def acl_modified(event):
    """The ACL of the site, an agency or one of its folders changed (an
    evolve step, a move): the visible agencies kept per principals
    (``services.backoffice.scope``) are stale.  Users' and reports' ACLs
    are not the tree's."""
    resource = event.object
    parent = getattr(resource, '__parent__', None)
    if IRoot.providedBy(resource) or IAgency.providedBy(resource) or \
            IAgency.providedBy(parent):
        _tree_changed(resource)


@subscribe_modified(IAgency)
def agency_modified(event):
    """An agency's details edited in its property sheet (title, code...):
    the caches of the tree are stale."""
    _tree_changed(event.object)


def _tree_changed(resource):
    root = find_root(resource)
    # an agency outside a site (being built) has no site to tell yet
    if IRoot.providedBy(root):
        tree_changed(root)
