"""Bàn làm việc (B2): the staff's queues of dossiers, filtered and paged
by the catalogs.  Every list is limited to the agencies whose dossiers
the user may open (officers their unit, leaders their subtree, through
the ACLs), and is built from the indexes' sets of docids with C-level
intersections, smallest first, so that a page of the whole country
costs about as much as a page of one Chi cục."""
import datetime

from hypatia.util import ResultSet
from pyramid.traversal import find_root
from substanced.util import find_catalog, find_objectmap, get_oid

from ... import _
from ...text import fold
from ...content.application import PROCEDURES
from ...content.dossier import id_hash
from ...catalog.sets import intersect, stored
from ..intake import numbering
from ..intake.lookup import parse_keywords, phone_forms
from .petitions import CLASSIFICATIONS
from .scope import visible_agencies
from ..intake.submission import ensure_salt
from ..administration.tree import root_agency
from ..statistics import find_store, unit_sums

#: (name, title, states); the overdue queue is by deadline
QUEUES = (
    ('new', _('New'), ('submitted',)),
    ('resubmitted', _('Supplemented'), ('resubmitted',)),
    ('waiting', _('Waiting for the applicant'), ('needs_supplement',)),
    ('accepted', _('Awaiting the original papers'), ('accepted',)),
    ('processing', _('In processing'), (
        'originals_received', 'in_processing')),
    ('assignment', _('Awaiting assignment'), ('awaiting_assignment',)),
    ('mine', _('Assigned to me'), None),
    ('assigned', _('Assigned'), ('assigned',)),
    ('approval', _('Awaiting approval'), ('awaiting_approval',)),
    ('approved', _('Approved, awaiting the answer'), ('approved',)),
    ('overdue', _('Overdue'), None),
    ('completed', _('Completed'), ('completed',)),
    ('refused', _('Refused'), ('refused',)),
    # a low satisfaction answer waiting for a leader (services.portal.survey)
    ('unsatisfied', _('workspace-unsatisfied',
                      default='Unsatisfied feedback'), None),
)
#: a keyword search spans every queue: this pseudo-queue holds the hits
#: of all the others (each hit shows the queue its state puts it in)
EVERY_QUEUE = 'all'
#: the queue of each state (the queues by deadline, assignee or survey
#: overlap these)
STATE_QUEUE = {state: (name, title) for name, title, states in QUEUES
               if states for state in states}
#: the queues as the workspace shows them, in groups that fit a tablet
QUEUE_GROUPS = (
    (_('queue-group-reception', default='Reception'),
     ('new', 'resubmitted', 'waiting', 'accepted')),
    (_('queue-group-processing', default='Processing'),
     ('processing', 'assignment', 'mine', 'assigned', 'approval',
      'approved')),
    (_('queue-group-attention', default='Needs attention'),
     ('overdue', 'unsatisfied')),
    (_('queue-group-done', default='Done'), ('completed', 'refused')),
)
SORTS = ('submitted', 'due', 'code')
PAGE_SIZES = (20, 50, 100)


class Filters(object):
    """The workspace's filters, read from the query string; bad values
    fall back to the defaults (and are reported in ``errors``)."""

    def __init__(self, params, classifications=CLASSIFICATIONS):
        self.errors = []
        self.keyword = params.get('tu-khoa', '').strip()[:200]
        self.queue = params.get('hang-doi', '')
        # the search form (its button, or Enter) looks in every queue;
        # a queue's tab narrows the hits to that queue
        if self.keyword and (not self.queue or 'tim-kiem' in params):
            self.queue = EVERY_QUEUE
        if self.queue not in dict((q[0], q) for q in QUEUES) and not (
                self.queue == EVERY_QUEUE and self.keyword):
            self.queue = 'new'
        self.procedure = params.get('thu-tuc', '')
        if self.procedure not in PROCEDURES:
            self.procedure = ''
        self.subtree = params.get('pham-vi') == 'tat-ca'
        # petitions: 'pl-<criterion>' = a value of its code list
        self.classification = {}
        for name, _title, values in classifications:
            value = params.get('pl-' + name, '')
            if value in dict(values):
                self.classification[name] = value
        self.date_from = self._date(params, 'tu-ngay')
        self.date_to = self._date(params, 'den-ngay')
        self.sort = params.get('sap-xep', 'submitted')
        if self.sort not in SORTS:
            self.sort = 'submitted'
        try:
            self.size = int(params.get('so-dong', 20))
        except ValueError:
            self.size = 20
        if self.size not in PAGE_SIZES:
            self.size = 20

    def _date(self, params, name):
        text = params.get(name, '').strip()
        if not text:
            return None
        try:
            return datetime.datetime.strptime(text, '%d/%m/%Y').date()
        except ValueError:
            self.errors.append(_('Write dates as dd/mm/yyyy.'))
            return None


#: below this many dossiers found, the queues are counted dossier by
#: dossier (each one's state, deadline and assignee read from the indexes)
FILTER_BELOW = 5000
#: a set this many times larger than the dossiers found so far is not
#: walked whole, as an intersection walks both sets: each dossier found
#: is looked up in it
LOOKUP_RATIO = 8
#: up to this many dossiers found, each one's day of submission is read
#: from the index rather than a union of every day's set of the period
#: built (a year at a million dossiers unites 450 000)
DAYS_LOOKED_UP_BELOW = 20000


def base_docids(request, agency, filters):
    """The docids of the dossiers of ``agency`` (or of its subtree) the
    user may open, narrowed by the filters other than the queue; None
    stands for every dossier of the site.  The sets are C-level BTrees
    intersected smallest first; the dossiers found so far are looked up
    one by one in a set much larger than they are."""
    catalog = find_catalog(agency, 'httttha')
    family = catalog.family
    visible, scope = visible_agencies(request, agency, filters.subtree)
    sets = []
    top = root_agency(find_root(agency))
    whole = filters.subtree and len(visible) == scope
    dated = filters.date_from or filters.date_to
    # a whole Cục: its own set (``cuc``), or its days (in the keys of
    # ``day_procedure_cuc``), not a union of its agencies' sets
    cuc = get_oid(agency) if whole and agency.__parent__ is top else None
    if cuc is not None and not dated:
        sets.append(stored(catalog['cuc'], cuc))
    elif not (whole and (agency is top or cuc)):
        # (users have an agency too: the queues' state sets leave them out)
        sets.append(family.IF.multiunion(
            [stored(catalog['agency'], oid) for oid in visible]))
    if filters.procedure and not dated:
        # with dates, the days of the procedure (``day_procedure``) are
        # the procedure's filter: no walk of its whole set
        sets.append(stored(catalog['procedure'], filters.procedure))
    if filters.keyword:
        sets.append(_keyword_docids(catalog, agency, filters.keyword))
    if filters.classification:
        sets.append(catalog['classification'].applyAll(
            ['%s:%s' % item for item in sorted(
                filters.classification.items())]))
    result = None
    for docids in sorted(sets, key=len):
        if result is None:
            result = docids
        elif len(docids) > LOOKUP_RATIO * len(result):
            result = family.IF.Set(d for d in result if d in docids)
        else:
            result = family.IF.intersection(result, docids)
        if not result:
            return family.IF.Set()
    if not dated:
        return result
    first = filters.date_from.toordinal() if filters.date_from else 0
    last = filters.date_to.toordinal() if filters.date_to else 10 ** 7
    procedure = filters.procedure
    if result is not None and len(result) <= DAYS_LOOKED_UP_BELOW:
        day_of = catalog['day_procedure_cuc']._rev_index.get
        return family.IF.Set(d for d in result if _within(
            day_of(d, (0, None, None)), first, last, procedure, cuc))
    days = _submitted_within(catalog, first, last, procedure, cuc)
    return days if result is None else family.IF.intersection(result, days)


def _within(key, first, last, procedure, cuc):
    """Whether a ``day_procedure_cuc`` key is within the days, of the
    procedure and of the Cục (any, when none is given)."""
    return first <= key[0] <= last and (
        not procedure or key[1] == procedure) and (
        cuc is None or key[2] == cuc)


#: after every procedure's name (the keys of ``day_procedure`` are (day,
#: procedure)): a day's last key
_LAST = '\uffff'


def _submitted_within(catalog, first, last, procedure=None, cuc=None):
    """The dossiers submitted from day ``first`` to day ``last``
    (ordinals), of ``procedure`` and of the Cục ``cuc`` only if given."""
    if cuc is None:
        days = catalog['day_procedure']._fwd_index
        sets = [docids for (_day, which), docids in days.items(
            (first,), (last, _LAST)) if not procedure or which == procedure]
    else:
        index = catalog['day_procedure_cuc']._fwd_index
        procedures = [procedure] if procedure else sorted(PROCEDURES)
        sets = [index.get((day, which, cuc))
                for day in _days(catalog['day_procedure']._fwd_index,
                                 first, last)
                for which in procedures]
    return catalog.family.IF.multiunion([s for s in sets if s is not None])


def _days(index, first, last):
    """The days from ``first`` to ``last`` that have dossiers."""
    day = first
    while True:
        try:
            key = index.minKey((day,))
        except ValueError:
            return
        if key[0] > last:
            return
        yield key[0]
        day = key[0] + 1


def _keyword_docids(catalog, agency, keyword):
    code = numbering.normalize(keyword)
    if code is not None:
        return catalog['code'].applyEq(code)
    words, numbers, emails = parse_keywords(keyword)
    applicant = catalog['applicant']
    salt = ensure_salt(find_root(agency))
    family = catalog.family
    parts = ([applicant.applyAll(words)] if words else []) + [
        family.IF.union(applicant.applyAny(phone_forms(n)),
                        catalog['id_hash'].applyEq(id_hash(n, salt)))
        for n in numbers] + [applicant.applyEq(e) for e in emails]
    if not parts:
        # nothing identifying: match the folded text as a name word
        parts = [applicant.applyEq(fold(keyword))]
    return intersect(family, parts)


def queue_sets(catalog, name, today, user_oid=None):
    """The disjoint sets of docids whose union is queue ``name``."""
    states = dict((q[0], q[2]) for q in QUEUES)[name]
    if states is not None:
        return [stored(catalog['state'], s) for s in states]
    if name == 'unsatisfied':
        return [stored(catalog['survey_alert'], 1)]
    if name == 'mine':
        return [catalog.family.IF.intersection(
            stored(catalog['assignee'], user_oid),
            stored(catalog['state'], 'assigned'))]
    # only open dossiers with a running clock have a ``due`` value; each
    # past day's set, not their union: counting them is a sum of lengths
    return list(catalog['due']._fwd_index.values(
        max=today.toordinal(), excludemax=True))


def queues(request, agency, filters, today):
    """The count of every queue and the result set of the chosen one."""
    catalog = find_catalog(agency, 'httttha')
    family = catalog.family
    base = base_docids(request, agency, filters)
    me = get_oid(request.user, None)
    if base is not None and len(base) <= FILTER_BELOW:
        return _queues_of_few(catalog, base, filters.queue, today, me,
                              find_objectmap(agency).object_for)

    found = {}

    def within(name):
        # each queue's sets within ``base``, made once for its count and
        # for the list when it is the chosen one
        if name not in found:
            sets = queue_sets(catalog, name, today, me)
            if base is not None:
                if len(sets) > 2:   # the overdue's days: one walk of base
                    sets = [family.IF.multiunion(sets)]
                sets = [family.IF.intersection(base, s) for s in sets]
            found[name] = sets
        return found[name]
    if filters.keyword:
        # a search with more hits than FILTER_BELOW: how many, and how
        # many in the chosen queue, but not in each queue (an
        # intersection per queue of the hits with the queue's whole set:
        # tens of ms at a million).  A keyword other than a code is
        # looked for in the dossiers' own indexes (applicant, id_hash):
        # no user or agency among its hits
        hits = _with_state(catalog, base,
                           numbering.normalize(filters.keyword) is None)
        chosen = hits if filters.queue == EVERY_QUEUE else \
            family.IF.multiunion(within(filters.queue))
        counts = dict.fromkeys((q[0] for q in QUEUES), None)
        counts[EVERY_QUEUE] = len(hits)
        if filters.queue != EVERY_QUEUE:
            counts[filters.queue] = len(chosen)
        return counts, ResultSet(chosen, len(chosen),
                                 find_objectmap(agency).object_for)
    counts = _counted(request, agency, filters, today, base, catalog, me)
    if counts is None:
        counts = {name: sum(len(s) for s in within(name))
                  for name, _t, _s in QUEUES}
    chosen = family.IF.multiunion(within(filters.queue))
    return counts, ResultSet(chosen, len(chosen),
                             find_objectmap(agency).object_for)


def _with_state(catalog, docids, dossiers_only=False):
    """``docids`` less those in no queue: objects without a state (the
    users of an agency; none when ``docids`` are known to be dossiers),
    and states no queue lists."""
    state = catalog['state']
    family = catalog.family
    outside = [] if dossiers_only else [state.not_indexed()]
    outside += [state._fwd_index[value] for value in state._fwd_index.keys()
                if value not in STATE_QUEUE]
    if not outside:
        return docids
    return family.IF.difference(docids, family.IF.multiunion(outside))


#: up to this many agencies in scope, the queues are counted from the
#: statistics counters (a Cục's; the whole country's sets are counted
#: whole, without an intersection)
COUNTED_UP_TO = 100


def _counted(request, agency, filters, today, base, catalog, me):
    """The queues' counts from the statistics counters, which know each
    dossier's procedure, day of receipt, state and deadline, instead of
    an intersection of ``base`` with every queue's sets; None when the
    filters go beyond those (a keyword, a classification) or the scope
    is the whole country.  The queues by assignee and by survey answer
    are small sets, each dossier of them tested against ``base``."""
    if filters.keyword or filters.classification or base is None:
        return None
    store = find_store(find_root(agency))
    visible, _scope = visible_agencies(request, agency, filters.subtree)
    if store is None or len(visible) > COUNTED_UP_TO:
        return None
    sums, _months = unit_sums(
        store, visible, filters.date_from or datetime.date.min,
        filters.date_to or datetime.date.max, today)
    counts = dict.fromkeys([q[0] for q in QUEUES], 0)
    for key, number in sums.items():
        if len(key) != 5 or filters.procedure and \
                key[0] != filters.procedure:
            continue        # a classification's cell, another procedure
        _procedure, _channel, state, _late, overdue = key
        queue = STATE_QUEUE.get(state)
        if queue is not None:
            counts[queue[0]] += number
        if overdue:
            counts['overdue'] += number
    for name in ('mine', 'unsatisfied'):
        counts[name] = sum(1 for docids in queue_sets(catalog, name, today,
                                                      me)
                           for docid in docids if docid in base)
    return counts


def _queues_of_few(catalog, base, queue, today, me, resolver):
    """``queues`` for a few dossiers: each one's state, deadline and
    assignee read from the indexes, in one pass."""
    state_queue = {state: name for state, (name, _t) in STATE_QUEUE.items()}
    state_of = catalog['state']._rev_index.get
    due_of = catalog['due']._rev_index.get
    assignee_of = catalog['assignee']._rev_index.get
    alert_of = catalog['survey_alert']._rev_index.get
    counts = dict.fromkeys((q[0] for q in QUEUES), 0)
    counts[EVERY_QUEUE] = 0
    chosen = []
    late = today.toordinal()
    for docid in base:
        state = state_of(docid)
        names = [state_queue.get(state)]
        if names[0] is not None:
            names.append(EVERY_QUEUE)
        if state == 'assigned' and me is not None and assignee_of(
                docid) == me:
            names.append('mine')
        due = due_of(docid)
        if due is not None and due < late:
            names.append('overdue')
        if alert_of(docid):
            names.append('unsatisfied')
        for name in names:
            if name is not None:
                counts[name] += 1
        if queue in names:
            chosen.append(docid)
    chosen = catalog.family.IF.Set(chosen)
    return counts, ResultSet(chosen, len(chosen), resolver)


#: below this many results, hypatia's n-best sort (linear in the
#: results) is cheaper than scanning the days back from the newest
SCAN_FROM = 5000


def page_rows(agency, results, filters, start, end):
    """The dossiers of one page, sorted by the catalog."""
    catalog = find_catalog(agency, 'httttha')
    if filters.sort == 'submitted' and len(results) >= SCAN_FROM:
        docids = _newest(catalog, results.ids, end, filters.date_from,
                         filters.date_to)
    else:
        docids = catalog[filters.sort].sort(
            results.ids, reverse=filters.sort == 'submitted', limit=end,
            raise_unsortable=False)
    resolve = results.resolver
    return [resolve(docid) for docid in list(docids)[start:end]]


def _newest(catalog, docids, limit, first=None, last=None):
    """The ``limit`` newest of many ``docids``: the days of submission
    from the last one back (from ``last``, to ``first``, the days the
    filters allow), each day's dossiers sorted by their time, until the
    page is full; for a large result a few days suffice, where sorting
    would look at every docid."""
    days = catalog['day_procedure']._fwd_index
    when = catalog['submitted']._rev_index
    low = first.toordinal() if first else None
    found = []
    try:
        day = days.maxKey((last.toordinal(), _LAST)) if last \
            else days.maxKey()
    except ValueError:
        day = None      # no dossier before ``last``
    while day is not None and len(found) < limit and (
            low is None or day[0] >= low):
        hits = [d for sets in days.values((day[0],), (day[0], _LAST))
                for d in sets if d in docids]
        found.extend(sorted(hits, key=when.get, reverse=True))
        try:
            day = days.maxKey((day[0] - 1, _LAST))
        except ValueError:
            day = None
    return found[:limit]
