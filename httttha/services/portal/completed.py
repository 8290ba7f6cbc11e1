"""Hồ sơ đã có kết quả (A8): the public list of the dossiers that have a
result (completed, or refused: the two states that close a dossier),
anonymised, newest result first, filtered by agency subtree, procedure
and period.

Everything is read from the catalog until the page is known: the
``result_date``, ``result_day`` and ``result_unit`` (procedure, agency)
indexes, which hold the closed dossiers only, so that the filters are
unions of their sets and never intersections with the large sets of the
``state`` or ``procedure`` indexes.  Only the dossiers of the page shown
are loaded.  A large result is paged by
scanning the days of result back from the newest (a day's few hundred
dossiers sorted by their time), as the workspace does, instead of
sorting every docid; the pages reachable are limited so that no page
costs more than ``MAX_PAGES`` pages' worth of that scan.
"""
import datetime

from substanced.util import find_catalog, find_objectmap, get_oid

from ... import _
from ...content.application import PROCEDURE_TITLES, PROCEDURES
from ...content.codelist import SUPPORT
from ...content.dossier import VN
from ...workflows.dossier import STATE_TITLES, state_of
from ..administration.codelists import entry_titles, title_of
from ..administration.tree import agency_by_code, root_agency, tree_nodes
from ..backoffice.deadlines import CLOSED

PAGE_SIZE = 20
#: the deepest page offered (older results: narrow the filters)
MAX_PAGES = 100
#: below this many results, hypatia's n-best sort (a Python step per
#: result) is cheaper than scanning the days back from the newest (a
#: C-level intersection per day)
SCAN_FROM = 500
#: how much cheaper a C-level union and intersection is, per docid, than
#: reading a candidate's day of result from the index in Python
C_SPEEDUP = 30

UNKNOWN_AGENCY = _('completed-unknown-agency',
                   default='No agency has this code: the list shows the '
                           'dossiers of every agency.')
UNKNOWN_PROCEDURE = _('completed-unknown-procedure',
                      default='Choose a procedure from the list: the list '
                              'shows every procedure.')
BAD_MONTH = _('completed-bad-month',
              default='Write the month as mm/yyyy (for example 03/2026).')
BAD_DATE = _('Write dates as dd/mm/yyyy.')
REVERSED = _('completed-period-reversed',
             default='The end date is before the start date: the period '
                     'was ignored.')

#: the petitions' answers (services.backoffice.petitions.OUTCOMES), read
#: here without importing the back office into the catalog's index views
PETITION_OUTCOMES = {
    'reply': _('Reply within jurisdiction'),
    'forward': _('Forward to the competent body and guide the '
                 'petitioner'),
    'archive': _('Keep on file (repeated or multi-addressed petition) and '
                 'inform'),
}


def result_entry(dossier):
    """The timeline entry that gave ``dossier`` its result (the step into
    a closing state), or None while it has none."""
    if state_of(dossier) not in CLOSED:
        return None
    found = None
    for entry in dossier.timeline:
        state = entry.get('state')
        if state in CLOSED:
            if found is None:
                found = entry
        elif state:
            found = None
    return found


def result_time(dossier):
    """When ``dossier`` got its result (UTC), or None (the index views'
    value: only closed dossiers are in the list's indexes)."""
    entry = result_entry(dossier)
    return entry.get('when') if entry is not None else None


def mask(code):
    """The code with its middle group hidden: ``K7Q-•••-XD9``."""
    parts = (code or '').split('-')
    if len(parts) < 3:
        return '•' * len(code or '')
    return '-'.join([parts[0]] + ['•' * len(p) for p in parts[1:-1]] +
                    [parts[-1]])


def _date(text, pattern):
    return datetime.datetime.strptime(text, pattern).date()


class Filters(object):
    """The list's filters, read from the query string: ``don-vi`` (an
    agency code: its subtree), ``thu-tuc``, and the period of the result,
    ``thang`` (mm/yyyy) or ``tu-ngay`` / ``den-ngay`` (dd/mm/yyyy).  A
    bad value is dropped (the list falls back to not filtering by it)
    and reported in ``errors``."""

    def __init__(self, root, params):
        self.errors = []
        code = params.get('don-vi', '').strip()[:20]
        self.agency = agency_by_code(root, code) if code else None
        if code and self.agency is None:
            self.errors.append(UNKNOWN_AGENCY)
        self.procedure = params.get('thu-tuc', '').strip()
        if self.procedure not in PROCEDURES:
            if self.procedure:
                self.errors.append(UNKNOWN_PROCEDURE)
            self.procedure = ''
        self.month = params.get('thang', '').strip()[:10]
        self.date_from = self.date_to = None
        if self.month:
            self._month()
        else:
            self.date_from = self._day(params, 'tu-ngay')
            self.date_to = self._day(params, 'den-ngay')
            if self.date_from and self.date_to and \
                    self.date_from > self.date_to:
                self.errors.append(REVERSED)
                self.date_from = self.date_to = None

    def _month(self):
        for pattern in ('%m/%Y', '%Y-%m'):
            try:
                first = _date(self.month, pattern)
                break
            except ValueError:
                continue
        else:
            self.errors.append(BAD_MONTH)
            self.month = ''
            return
        following = (first.replace(day=28) + datetime.timedelta(days=4)
                     ).replace(day=1)
        self.month = first.strftime('%m/%Y')
        self.date_from = first
        self.date_to = following - datetime.timedelta(days=1)

    def _day(self, params, name):
        text = params.get(name, '').strip()[:20]
        if not text:
            return None
        try:
            return _date(text, '%d/%m/%Y')
        except ValueError:
            if BAD_DATE not in self.errors:
                self.errors.append(BAD_DATE)
            return None

    @property
    def days(self):
        """(first, last) day ordinals of the period, None for no bound."""
        return (self.date_from.toordinal() if self.date_from else None,
                self.date_to.toordinal() if self.date_to else None)


def subtree_oids(root, agency):
    """The oids of ``agency`` and of every agency below it (from the
    tree's per-process cache)."""
    nodes = tree_nodes(root)
    oids, todo = [], [get_oid(agency)]
    while todo:
        oid = todo.pop()
        node = nodes.get(oid)
        if node is None:
            continue
        oids.append(oid)
        todo.extend(node['children'])
    return oids


class Results(object):
    """The dossiers with a result that pass the filters: ``docids`` (None:
    every one of the period's days), ``total``, and the period's day
    bounds the page scans."""

    def __init__(self, root, filters):
        catalog = find_catalog(root, 'httttha')
        self.catalog = catalog
        self.root = root
        family = catalog.family
        days = catalog['result_day']
        self.low, self.high = filters.days
        unit = catalog['result_unit']._fwd_index
        agency = filters.agency
        oids = None
        if agency is not None and agency is not root_agency(root):
            oids = subtree_oids(root, agency)
        procedures = [filters.procedure] if filters.procedure \
            else list(PROCEDURES)
        period = self.low is not None or self.high is not None
        if oids is None and not filters.procedure:
            self.docids = None
            if not period:
                self.total = days.indexed_count()
            else:
                self.total = sum(len(s) for s in self._day_sets())
            return
        if oids is None:
            # one procedure everywhere: its (procedure, agency) sets
            # (object ids may be negative: the keys between (p,) and
            # (p + '\0',) are exactly the (p, oid) ones)
            sets = list(unit.values((filters.procedure,),
                                    (filters.procedure + '\0',)))
        else:
            sets = [unit[key] for key in (
                (procedure, oid) for procedure in procedures
                for oid in oids) if key in unit]
        found = sum(len(s) for s in sets)
        if not period and self._large(found, days, PAGE_SIZE * 3):
            # a large share of all the results (a big Cục): the newest
            # days are read back and each result tested, rather than
            # the union of its sets made at every request
            self.wanted = frozenset(
                unit.keys((filters.procedure,), (filters.procedure + '\0',))
                if oids is None else
                (key for key in ((procedure, oid) for procedure in procedures
                                 for oid in oids) if key in unit))
            self.docids = None
            self.total = found
            return
        closed = family.IF.multiunion(sets)
        if period:
            day_sets = list(self._day_sets())
            if sum(len(s) for s in day_sets) < C_SPEEDUP * len(closed):
                closed = family.IF.intersection(
                    closed, family.IF.multiunion(day_sets))
            else:
                # a long period and few candidates: test each one
                day_of = days._rev_index.get
                low = self.low if self.low is not None else 0
                high = self.high if self.high is not None else 10 ** 7
                closed = family.IF.Set(
                    d for d in closed if low <= (day_of(d) or 0) <= high)
        self.docids = closed
        self.total = len(closed)

    #: the (procedure, agency) pairs a page keeps when it tests each
    #: result (None: every result, or the union in ``docids``)
    wanted = None

    @staticmethod
    def _large(found, days, depth):
        """Whether testing the newest results one by one for the first
        pages (``depth`` results) costs less than the union of the sets
        of the ``found`` results: how many of all the results must be
        read for ``depth`` hits, against the size of the union (made in
        C)."""
        if not found:
            return False
        read = depth * days.indexed_count() / found
        return read * C_SPEEDUP < found

    def _day_sets(self):
        forward = self.catalog['result_day']._fwd_index
        return forward.values(self.low, self.high)

    def page(self, start, end):
        """The dossiers from ``start`` to ``end`` in the order of the list
        (newest result first)."""
        if end <= start or not self.total:
            return []
        catalog = self.catalog
        if self.docids is not None and len(self.docids) < SCAN_FROM:
            docids = list(catalog['result_date'].sort(
                self.docids, reverse=True, limit=end,
                raise_unsortable=False))
        else:
            docids = self._newest(end)
        resolve = find_objectmap(self.root).object_for
        dossiers = (resolve(docid) for docid in docids[start:end])
        return [d for d in dossiers if d is not None]

    def _newest(self, limit):
        """The ``limit`` newest results: the days of result from the last
        one of the period back, each day's results sorted by their time,
        until the page is full."""
        family = self.catalog.family
        days = self.catalog['result_day']._fwd_index
        when = self.catalog['result_date']._rev_index.get
        unit_of = self.catalog['result_unit']._rev_index.get
        wanted = self.wanted
        found = []
        try:
            day = days.maxKey(self.high) if self.high is not None \
                else days.maxKey()
        except ValueError:      # no day of result in the period
            day = None
        while day is not None and len(found) < limit:
            if self.low is not None and day < self.low:
                break
            if wanted is not None:
                hits = [d for d in days[day] if unit_of(d) in wanted]
            elif self.docids is None:
                hits = days[day]
            else:
                hits = family.IF.intersection(days[day], self.docids)
            found.extend(sorted(hits, key=lambda d: when(d) or 0,
                                reverse=True))
            try:
                day = days.maxKey(day - 1)
            except ValueError:
                day = None
        return found[:limit]


def _local_date(when):
    return when.astimezone(VN).date() if when is not None else None


def outcome(dossier, entry, request=None, memo=None):
    """The result in words: a petition's answer (reply, forward, keep on
    file), or a request's support decision (as titled when decided) with
    its refusal reason.  ``memo`` keeps the titles read from the code
    lists for the next dossiers of a page."""
    translate = request.localizer.translate if request is not None \
        else (lambda text: text)
    memo = {} if memo is None else memo
    if dossier.procedure == 'HTTT02':
        code = entry.get('outcome')
        if not code and dossier.proposals:
            code = dossier.proposals[-1].get('outcome')
        title = PETITION_OUTCOMES.get(code)
        return translate(title) if title is not None else ''
    for each in reversed(dossier.timeline):
        if each.get('support'):
            key = tuple(each.get(k) for k in (
                'support', 'support_title', 'refusal_reason',
                'refusal_reason_title'))
            if key not in memo:
                titles = entry_titles(dossier, each, request)
                support = titles.get('support') or title_of(
                    dossier, SUPPORT, each['support'], request)
                reason = titles.get('refusal_reason')
                memo[key] = '%s: %s' % (support, reason) if reason \
                    else support
            return memo[key]
    return ''


def rows(request, dossiers):
    """The rows of a page (:func:`row`)."""
    memo = {}
    return [row(request, dossier, memo) for dossier in dossiers]


def row(request, dossier, memo=None):
    """What the list shows of one dossier: nothing that names or
    identifies the applicant."""
    entry = result_entry(dossier) or {}
    state = state_of(dossier)
    node = tree_nodes(request.root).get(dossier.agency_oid) or {}
    translate = request.localizer.translate
    return {
        'code': mask(dossier.code),
        'procedure': dossier.procedure,
        'procedure_title': translate(PROCEDURE_TITLES[dossier.procedure]),
        'agency': node.get('title', ''),
        'received': _local_date(dossier.submitted),
        'result': _local_date(entry.get('when')),
        'state': state,
        'state_title': translate(STATE_TITLES.get(state, state)),
        'outcome': outcome(dossier, entry, request, memo),
        'late': bool(getattr(dossier, 'closed_late', False)),
    }
