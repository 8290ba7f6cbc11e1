"""Báo cáo trực tuyến, the reading side (D3, Công văn 1607/TCTHADS-VP
Phụ lục 3): the published reports every official reads, searched by
keyword (typed with or without diacritics), unit, year and month of Ngày
ban hành, newest Ngày ban hành first, 20 to a page.

Everything is answered from the catalog's report indexes; only the
reports of the page shown (or of the export) are loaded."""
import datetime

from substanced.objectmap import find_objectmap
from substanced.util import find_catalog

from ... import _
from ...catalog.sets import intersect, stored
from ...content.report import PUBLISHED
from ...text import fold, search_words
from ..administration.tree import root_agency, tree_nodes
from ..administration.treecache import cached

PAGE_SIZE = 20
#: the longest keyword read (a longer one is cut, never refused)
KEYWORD_MAX = 200
#: the first year a report can be dated (the module began in 2018)
FIRST_YEAR = 2000

BAD_YEAR = _('reports-bad-year', default='The year must be a number such as '
                                         '2027.')
BAD_MONTH = _('reports-bad-month', default='The month must be a number from '
                                           '1 to 12.')
UNKNOWN_UNIT = _('reports-unknown-unit',
                 default='No unit of this list has this code.')


class Filters(object):
    """What the user asked for, read from the query string ``params``
    within the units below ``scope`` (an agency: its page): ``keyword``
    (as typed) and its ``words``, ``unit`` (the node of the unit chosen
    by its code, from ``tree_nodes``), ``year``, ``month``; ``values``
    (the form as typed, for redisplay) and ``errors`` (field -> message:
    a malformed filter is said and left out, never an error page)."""

    def __init__(self, root, scope, params):
        self.root = root
        self.nodes = tree_nodes(root)
        self.scope = scope
        self.scope_oid = scope.__oid__
        values = {}
        for name in ('tu-khoa', 'don-vi', 'nam', 'thang'):
            value = params.get(name)
            values[name] = value.strip()[:KEYWORD_MAX] \
                if isinstance(value, str) else ''
        self.values = values
        self.errors = {}
        self.keyword = values['tu-khoa']
        self.words = search_words(self.keyword)
        self.unit = None
        if values['don-vi']:
            self.unit = self._unit(values['don-vi'])
            if self.unit is None:
                self.errors['don-vi'] = UNKNOWN_UNIT
        self.year = self._number('nam', FIRST_YEAR, 9999, BAD_YEAR)
        self.month = self._number('thang', 1, 12, BAD_MONTH)

    def _number(self, name, low, high, message):
        text = self.values[name]
        if not text:
            return None
        if text.isdigit() and low <= int(text) <= high:
            return int(text)
        self.errors[name] = message
        return None

    def _unit(self, code):
        for oid in self.scope_oids():
            node = self.nodes[oid]
            if node['code'] == code:
                return node
        return None

    def scope_oids(self):
        """The oids of the scope and every unit below it."""
        oids, todo = [], [self.scope_oid]
        while todo:
            oid = todo.pop()
            node = self.nodes.get(oid)
            if node is not None:
                oids.append(oid)
                todo.extend(node['children'])
        return oids

    @property
    def whole_system(self):
        """Whether the scope is the top of the tree (no unit filter)."""
        return self.nodes.get(self.scope_oid, {}).get('parent', 0) is None

    @property
    def days(self):
        """The first and last days of issue (ordinals) the year and month
        allow, or None."""
        if self.year is None:
            return None
        first = datetime.date(self.year, self.month or 1, 1)
        if self.month is None or self.month == 12:
            last = datetime.date(self.year, 12, 31)
        else:
            last = datetime.date(self.year, self.month + 1, 1) - \
                datetime.timedelta(days=1)
        return first.toordinal(), last.toordinal()

    @property
    def query(self):
        """The filters as a query string's parameters (links, export)."""
        return {name: value for name, value in self.values.items()
                if value and name not in self.errors}


class Found(object):
    """The docids of the reports found, newest Ngày ban hành first (then
    newest Ngày nhập, then newest docid), ordered only as far as asked:
    ``len()`` and slices, as of a list.  A page reads the days of issue
    back from the newest, not every report's dates."""

    def __init__(self, catalog, docids, days=None):
        self.docids = catalog.family.IF.Set(docids)
        self.issued = catalog['report_issued']._fwd_index
        self.entered = catalog['report_entered']._rev_index.get
        self.ordered = []
        # the days of issue the reports can have (a search by year or
        # month: its ordinals), not the five years of every report
        self.span = days or (None, None)
        self.days = None

    def __len__(self):
        return len(self.docids)

    def __iter__(self):
        return iter(self[:len(self)])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError('Found takes slices only')
        stop = len(self) if index.stop is None else index.stop
        self._order(min(stop, len(self)))
        return self.ordered[index]

    def _order(self, wanted):
        if self.days is None:
            self.days = list(self.issued.keys(*self.span))
        has = self.docids.has_key
        entered = self.entered
        while len(self.ordered) < wanted and self.days:
            hits = [d for d in self.issued[self.days.pop()] if has(d)]
            hits.sort(key=lambda d: (entered(d, 0), d), reverse=True)
            self.ordered.extend(hits)
        if len(self.ordered) < wanted and not self.days:
            # reports without a Ngày ban hành come last
            listed = set(self.ordered)
            rest = [d for d in self.docids if d not in listed]
            rest.sort(key=lambda d: (entered(d, 0), d), reverse=True)
            self.ordered.extend(rest)


def search(root, filters):
    """The docids of the published reports that pass ``filters``, newest
    Ngày ban hành first (then newest Ngày nhập): a :class:`Found`."""
    catalog = find_catalog(root, 'httttha')
    sets = [stored(catalog['report_state'], PUBLISHED)] + [
        stored(catalog['report_words'], word) for word in filters.words]
    if filters.year is not None:
        sets.append(stored(catalog['report_year'], filters.year))
    if filters.month is not None:
        sets.append(stored(catalog['report_month'], filters.month))
    docids = intersect(catalog.family, sets)
    # the unit: the agency index holds every dossier too, so its sets are
    # large; the reports found are few, each looked up by its docid
    if filters.unit is not None:
        wanted = {filters.unit['oid']}
    elif not filters.whole_system:
        wanted = set(filters.scope_oids())
    else:
        wanted = None
    if wanted is not None:
        agency = catalog['agency']._rev_index
        docids = [d for d in docids if agency.get(d) in wanted]
    return Found(catalog, docids, filters.days)


def reports(root, docids):
    """The reports of ``docids`` (a page of ``search``), in that order."""
    objectmap = find_objectmap(root)
    found = []
    for docid in docids:
        report = objectmap.object_for(docid)
        if report is not None:
            found.append(report)
    return found


def unit_title(root, agency_oid):
    """The short name of the unit ``agency_oid`` (Đơn vị)."""
    node = tree_nodes(root).get(agency_oid)
    if node is None:
        return ''
    return node['short_name'] or node['title']


def _province(node):
    """A Cục's name as Phụ lục 3 lists it: its province."""
    name = node['short_name'] or node['title']
    for prefix in ('Cục THADS ', 'TP. '):
        if name.startswith(prefix):
            name = name[len(prefix):]
    return name


def units(root):
    """The unit list at the side (Phụ lục 3): the top of the tree and
    "Các cơ quan THADS địa phương", its Cục in the order of their
    provinces' names: (top node, [(province, node)]); once per process
    and tree version."""
    return cached(root, 'report-units', lambda: _units(root))


def _units(root):
    nodes = tree_nodes(root)
    top = root_agency(root)
    if top is None:
        return None, []
    node = nodes[top.__oid__]
    cucs = [(_province(nodes[oid]), nodes[oid]) for oid in node['children']]
    cucs.sort(key=lambda pair: (fold(pair[0]), pair[0]))
    return node, cucs


def choices(root, scope):
    """The units the search form offers: the scope and the units right
    below it (the Tổng cục and the 63 Cục; a Cục and its Chi cục):
    [(code, title)]; once per process, tree version and scope."""
    return cached(root, 'report-choices-%d' % scope.__oid__,
                  lambda: _choices(root, scope))


def _choices(root, scope):
    nodes = tree_nodes(root)
    node = nodes.get(scope.__oid__)
    if node is None:
        return []
    below = sorted((nodes[oid] for oid in node['children']),
                   key=lambda n: fold(_province(n)))
    return [(n['code'], n['short_name'] or n['title'])
            for n in [node] + below]


def years(root):
    """The years of Ngày ban hành of the reports there are, newest first
    (the form's Năm)."""
    catalog = find_catalog(root, 'httttha')
    return sorted(catalog['report_year']._fwd_index.keys(), reverse=True)
