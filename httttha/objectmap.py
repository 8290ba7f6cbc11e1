"""Finding an object by its oid without building a request.

Substance D's object map finds the object of an oid from its path with
Pyramid's ``find_resource``, which makes a blank WebOb request and runs
the traverser for every lookup.  The catalog's indexing looks up every
object added or changed once per index (about forty lookups for a
submitted dossier and its file), and every catalog result is one: that
was a large share of a submission's time.  ``install()`` makes the object
map walk the path with ``__getitem__`` instead, which is what the
traverser does for the paths the object map stores (absolute tuples of
plain names); any other path still goes to ``find_resource``.
"""
from pyramid.traversal import find_resource, find_root
from substanced.folder import Folder
from substanced.objectmap import ObjectMap
from substanced.util import wrap_if_broken

_FOLDER_GETITEM = Folder.__getitem__


def _plain(name):
    return (isinstance(name, str) and name not in ('', '.', '..')
            and not name.startswith('@@'))


def _find_resource(self, context, path_tuple):
    if context is None:
        context = self.root
    if not (path_tuple and path_tuple[0] == ''
            and all(_plain(name) for name in path_tuple[1:])):
        return wrap_if_broken(find_resource(context, path_tuple))
    resource = find_root(context)
    for name in path_tuple[1:]:
        if getattr(type(resource), '__getitem__', None) is _FOLDER_GETITEM:
            # a folder's own lookup, without its statsd timer (a list
            # page finds a few hundred objects of their oids)
            resource = resource.data[name]
            continue
        try:
            getitem = resource.__getitem__
        except AttributeError:
            raise KeyError(name)
        resource = getitem(name)
    return wrap_if_broken(resource)


def install():
    """Patch ``substanced.objectmap.ObjectMap`` (idempotent)."""
    ObjectMap._find_resource = _find_resource
