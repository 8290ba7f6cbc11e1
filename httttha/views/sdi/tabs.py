"""The tabs of a management page: Substance D's ``sdi_mgmt_views`` (1.0),
which on every page looks at each of the ~190 management views of the
site (and computes the path of each) to keep those that can apply to
the page's object.  Which
views can apply depends only on the object's class and interfaces, so
here it is worked out once per process and kind of object; each page
then asks the tab conditions, predicates and permissions of those views
alone, as Substance D does, and orders the tabs as Substance D does.
On an agency or the site, what passes is kept per principals and tree
version (``STABLE`` says which conditions allow it)."""
import collections
import operator
import threading

from pyramid.request import Request
from pyramid.util import FIRST, LAST, TopologicalSorter
from substanced.interfaces import IRoot
from substanced.property.views import has_permission_to_view_any_propertysheet
from substanced.sdi import CENTER1, CENTER2, MAX_ORDER
from substanced.util import _, get_oid
from zope.interface import Interface, providedBy
from zope.interface.interfaces import IInterface

from ...interfaces import IAgency
from ...services.administration.treecache import tree_version


def _applicable(registry, context):
    """The management views whose context ``context`` is, each as
    (name, its introspectables, its place in the object's resolution
    order), in the order Substance D meets them."""
    cache = registry.__dict__.setdefault('_httttha_tabs', {})
    spec = providedBy(context)
    key = (type(context), spec)
    found = cache.get(key)
    if found is not None:
        return found
    sro = list(enumerate(spec.__sro__[:-1]))
    found = []
    for data in registry.introspector.get_category('sdi views'):
        for view_intr in data['related']:
            if view_intr.category_name != 'views':
                continue
            intr_context = view_intr['context'] or Interface
            if IInterface.providedBy(intr_context):
                if not intr_context.providedBy(context):
                    continue
                index = next((i for i, s in sro if s is intr_context),
                             MAX_ORDER)
            elif isinstance(context, intr_context):
                index = next((i for i, s in sro
                              if s.implementedBy(intr_context)), MAX_ORDER)
            else:
                continue
            found.append((view_intr['name'], data['introspectable'],
                          view_intr['derived_callable'], index))
    cache[key] = found
    return found


#: tab conditions that depend only on the object, the user's principals
#: and the agency tree's version, which changes with every ACL of the
#: site and its agencies (``treecache``): the others (a dossier's state,
#: a folder's services) are asked on every page
STABLE = {has_permission_to_view_any_propertysheet}


def stable(condition):
    """Declare a tab condition stable (see ``STABLE``)."""
    STABLE.add(condition)
    return condition


#: the views that pass, kept per agency (or the site), principals and
#: tree version: (name, its introspectable, its view, its place, the
#: condition still to ask or None)
_kept = collections.OrderedDict()
_kept_lock = threading.Lock()
KEPT = 2048


def mgmt_views(context, request, names=None):
    """What Substance D's ``sdi_mgmt_views`` answers, from the views that
    can apply to ``context`` only; on an agency or the site, the views
    that pass their stable conditions, predicates and permission are
    kept, and only the other conditions are asked again."""
    if not hasattr(context, '__name__'):
        return []  # an exception: no tabs (as Substance D)
    key = _key(context, request) if names is None else None
    passing = _kept.get(key) if key is not None else None
    if passing is None:
        passing = _passing(context, request, names)
        if key is not None:
            with _kept_lock:
                _kept[key] = passing
                while len(_kept) > KEPT:
                    _kept.popitem(last=False)
    unordered = []
    for view_name, sdi_intr, derived, sro_index, condition in passing:
        if condition is not None and not condition(context, request):
            continue
        unordered.append({
            'view_name': view_name,
            'tab_before': sdi_intr['tab_before'],
            'tab_after': sdi_intr['tab_after'],
            'title': _(sdi_intr['tab_title'] or view_name.capitalize()),
            'class': 'active' if view_name == request.view_name else None,
            'predicate_order': getattr(derived, '__order__', MAX_ORDER),
            'sro_index': sro_index,
            'url': request.sdiapi.mgmt_path(request.context,
                                            '@@%s' % view_name),
        })
    return _ordered(context, request, unordered)


def _key(context, request):
    """What the tabs of an agency or the site depend on, besides their
    unstable conditions; None for other objects (a report's or a
    dossier's ACL changes without the tree)."""
    if not (IAgency.providedBy(context) or IRoot.providedBy(context)):
        return None
    version = tree_version(request.root)
    if version is None:
        return None
    return (id(request.registry), get_oid(context, None), type(context),
            providedBy(context), version,
            frozenset(request.effective_principals), request.is_xhr,
            frozenset(request.GET.keys()), request.script_name)


def _passing(context, request, names):
    """The views that apply and pass (their unstable conditions left to
    ask, with ``names``: no condition, as Substance D)."""
    # a request for each view's own path, as the view would be visited
    req = Request(request.environ.copy())
    req.script_name = request.script_name
    req.context = context
    req.matched_route = request.matched_route
    req.method = 'GET'
    req.registry = request.registry
    passing = []
    for view_name, sdi_intr, derived, sro_index in _applicable(
            request.registry, context):
        later = None
        if names is not None:
            if view_name not in names:
                continue
        else:
            condition = sdi_intr['tab_condition']
            if callable(condition):
                if condition not in STABLE:
                    later = condition
                elif not condition(context, request):
                    continue
            elif condition is not None and not condition:
                continue
        # only the predicates and permission read the path (set later
        # than Substance D does, for the views that get that far)
        req.path_info = request.sdiapi.mgmt_path(context, view_name)
        if hasattr(derived, '__predicated__') and \
                not derived.__predicated__(context, req):
            continue
        if hasattr(derived, '__permitted__') and \
                not derived.__permitted__(context, req):
            continue
        passing.append((view_name, sdi_intr, derived, sro_index, later))
    return passing


def _ordered(context, request, unordered):
    """Substance D's order of the tabs, unchanged: one tab per view name
    (the likeliest view's), the content type's ``tab_order`` first, then
    by title within ``tab_before``/``tab_after``."""
    unordered.sort(key=lambda s: (s['sro_index'], s['predicate_order']))
    deduplicated = []
    view_names = set()
    for view_data in unordered:
        if view_data['view_name'] not in view_names:
            view_names.add(view_data['view_name'])
            deduplicated.append(view_data)
    manually_ordered = []
    tab_order = request.registry.content.metadata(context, 'tab_order')
    if tab_order is not None:
        for ordered_name in [y for y in tab_order if y in view_names]:
            for view_data in unordered[:]:
                if view_data['view_name'] == ordered_name:
                    deduplicated.remove(view_data)
                    manually_ordered.append(view_data)
    # reversed, as Substance D does, for the topological sort below to
    # leave tabs that share their before/after in ascending order
    lexically_ordered = sorted(deduplicated, key=operator.itemgetter('title'),
                               reverse=True)
    tsorter = TopologicalSorter(default_after=CENTER1, default_before=CENTER2)
    tsorter.add(CENTER1, None, after=FIRST, before=CENTER2)
    tsorter.add(CENTER2, None, after=CENTER1, before=LAST)
    for view_data in lexically_ordered:
        tsorter.add(view_data['view_name'], view_data,
                    before=view_data.get('tab_before', None),
                    after=view_data.get('tab_after', None))
    return manually_ordered + [x[1] for x in tsorter.sorted()
                               if x[0] not in (CENTER1, CENTER2)]
