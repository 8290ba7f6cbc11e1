"""Statistics (A5, B12): counts of dossiers by agency and day of
receipt, procedure, channel (online or at the counter), state, lateness
and, for petitions, the four classifications, kept up to date as
dossiers are added, change or are removed, so that a table of the whole
country over any range of days reads a few thousand small objects and
never a dossier (DESIGN.md, performance rules).

The counts of one agency in one calendar month are one :class:`Counts`
object whose cells carry the day of receipt, so that whole months are
summed and the first and last months of a range are cut at the day.
Concurrent transactions only add to counts, so their conflicts are
resolved by adding both sides' changes.  What each dossier was counted
under is kept beside the counts (by object id), so that a change moves
it from its old cells to its new ones whatever path made the change.

Cells are ``(day, procedure, channel, state, late, due)`` (``day`` the
ordinal of the day of receipt in Vietnam, ``due`` that of an open
dossier's running deadline, as the catalog's ``due`` index holds it, or
None) and, for a classified petition, ``(day, procedure, criterion,
value)`` per classification.  With the deadline in the cell, the
dossiers overdue on any day are counted from the counters too.

A table sums a unit's counters once per process and revision of those
counters (:func:`unit_sums`): a page asked again reads only the
counters' revisions, and a dossier received or changed makes only its
own unit's sums be computed again.
"""
import collections
import datetime
import threading

from BTrees.LOBTree import LOBTree
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from substanced.event import (
    subscribe_added,
    subscribe_modified,
    subscribe_removed,
    subscribe_root_added,
)
from substanced.util import get_oid

from ...interfaces import IDossier
from ..backoffice.deadlines import index_value as deadline_index_value
from ...vntime import VN
from ...workflows.dossier import state_of

_ATTR = '__httttha_statistics__'
#: the reporting year (năm công tác) starts on 1 October
YEAR_STARTS = (10, 1)


def reporting_year(day):
    """The reporting year a date falls in, named by the year it ends in:
    1/10/2025 - 30/9/2026 is 2026."""
    return day.year + 1 if (day.month, day.day) >= YEAR_STARTS else day.year


def year_bounds(year):
    """The first and last day of reporting year ``year``."""
    return (datetime.date(year - 1, *YEAR_STARTS),
            datetime.date(year, *YEAR_STARTS) - datetime.timedelta(days=1))


def month_of(day):
    """The month a date falls in, as one integer (year * 12 + month - 1)."""
    return day.year * 12 + day.month - 1


class Counts(Persistent):
    """Counts of one agency in one month (and the survey's counts of one
    procedure in one month): cell -> number."""

    def __init__(self):
        self.counts = {}

    def add(self, cell, delta):
        counts = dict(self.counts)
        number = counts.get(cell, 0) + delta
        if number:
            counts[cell] = number
        else:
            counts.pop(cell, None)
        self.counts = counts

    def _p_resolveConflict(self, old, committed, new):
        # both transactions only added to cells: apply new's changes on top
        # of the committed state
        merged = dict(committed['counts'])
        before, after = old['counts'], new['counts']
        for cell in set(before) | set(after):
            delta = after.get(cell, 0) - before.get(cell, 0)
            if delta:
                number = merged.get(cell, 0) + delta
                if number:
                    merged[cell] = number
                else:
                    merged.pop(cell, None)
        state = dict(committed)
        state['counts'] = merged
        return state


class Store(Persistent):
    """The site's counts: (agency oid, month) -> :class:`Counts`, and
    what every dossier is counted under: dossier oid -> (agency oid,
    month, cells)."""

    #: the first month with dossiers (the period forms start there)
    first_month = None

    def __init__(self):
        self.counts = OOBTree()
        self.counted = LOBTree()

    def move(self, oid, entry):
        """Count dossier ``oid`` under ``entry`` (None: nowhere) instead
        of where it was counted."""
        old = self.counted.get(oid)
        if old == entry:
            return
        if old is not None:
            counts = self.counts[old[:2]]
            for cell in old[2]:
                counts.add(cell, -1)
            del self.counted[oid]
        if entry is not None:
            counts = self.counts.get(entry[:2])
            if counts is None:
                counts = self.counts[entry[:2]] = Counts()
            for cell in entry[2]:
                counts.add(cell, 1)
            self.counted[oid] = entry
            if self.first_month is None or entry[1] < self.first_month:
                self.first_month = entry[1]

    def sums(self, agency_oid, first, last, into=None, months=None,
             today=None):
        """The cells of ``agency_oid``'s dossiers received from day
        ``first`` to day ``last`` (dates), summed into the dict ``into``
        without their day and with, instead of the deadline, whether the
        dossier is overdue on ``today`` (a date; never when None); and the
        number received in each month into the dict ``months`` when given
        (month -> number)."""
        into = {} if into is None else into
        get = into.get
        low, high = first.toordinal(), last.toordinal()
        late_after = today.toordinal() if today is not None else None
        start, end = month_of(first), month_of(last)
        for (_oid, month), counts in self.counts.items(
                (agency_oid, start), (agency_oid, end)):
            whole = start < month < end
            received = 0
            for cell, number in counts.counts.items():
                if whole or low <= cell[0] <= high:
                    if len(cell) >= 5:
                        # (a cell counted before the deadline was kept
                        # has five items: never overdue)
                        due = cell[5] if len(cell) > 5 else None
                        key = cell[1:5] + (
                            late_after is not None and due is not None and
                            due < late_after,)
                        received += number
                    else:
                        key = cell[1:]
                    into[key] = get(key, 0) + number
            if months is not None and received:
                months[month] = months.get(month, 0) + received
        return into

    def revisions(self, agency_oids, first, last):
        """What the sums of ``agency_oids`` from ``first`` to ``last``
        are made of: the (oid, serial) of each counter they read, or
        None when one is changed in this transaction (not yet a
        revision)."""
        start, end = month_of(first), month_of(last)
        found = []
        for agency_oid in agency_oids:
            for counts in self.counts.values((agency_oid, start),
                                             (agency_oid, end)):
                counts._p_activate()
                if counts._p_changed or counts._p_jar is None:
                    return None
                found.append((counts._p_oid, counts._p_serial))
        return tuple(found)


#: the sums kept by :func:`unit_sums`: key -> (revisions, sums, months)
_sums = collections.OrderedDict()
_sums_lock = threading.Lock()
#: how many units' sums a process keeps (a whole-country table asks 64)
SUMS_KEPT = 1024


def unit_sums(store, agency_oids, first, last, today=None):
    """(sums, months) of :meth:`Store.sums` over every agency of
    ``agency_oids`` (a unit and its subtree), computed once per process
    and revision of the counters read: the dicts are shared, never to be
    changed."""
    oids = tuple(agency_oids)
    revisions = store.revisions(oids, first, last)
    key = (id(store._p_jar.db()) if store._p_jar is not None else None,
           store._p_oid, oids, first, last, today)
    found = _sums.get(key) if revisions is not None else None
    if found is not None and found[0] == revisions:
        return found[1], found[2]
    sums, months = {}, {}
    for oid in oids:
        store.sums(oid, first, last, sums, months, today)
    if revisions is not None:
        with _sums_lock:
            _sums[key] = (revisions, sums, months)
            _sums.move_to_end(key)
            while len(_sums) > SUMS_KEPT:
                _sums.popitem(last=False)
    return sums, months


def ensure_store(root):
    store = getattr(root, _ATTR, None)
    if store is None:
        store = Store()
        setattr(root, _ATTR, store)
    return store


def find_store(root):
    """The site's store, or None before it exists (readers write nothing)."""
    return getattr(root, _ATTR, None)


def entry_of(dossier):
    """Where ``dossier`` is counted: (agency oid, month, cells)."""
    submitted = getattr(dossier, 'submitted', None)
    state = state_of(dossier)
    if submitted is None or state is None:
        return None
    return _entry(submitted.astimezone(VN).date(), dossier.agency_oid,
                  dossier.procedure, dossier.channel, state,
                  getattr(dossier, 'closed_late', False),
                  deadline_index_value(dossier, None),
                  (dossier.classification or {}).items())


def _entry(day, agency_oid, procedure, channel, state, late, due,
           classification=()):
    ordinal = day.toordinal()
    cells = [(ordinal, procedure, channel or 'online', state, bool(late),
              due)]
    cells.extend((ordinal, procedure, criterion, value)
                 for criterion, value in sorted(classification) if value)
    return (agency_oid, month_of(day), tuple(cells))


def _root(resource):
    from pyramid.traversal import find_root
    return find_root(resource)


def count(dossier):
    """Count ``dossier`` where it belongs now."""
    store = ensure_store(_root(dossier))
    store.move(get_oid(dossier), entry_of(dossier))


@subscribe_added(IDossier)
def _added(event):
    if not event.loading:
        count(event.object)


@subscribe_modified(IDossier)
def _modified(event):
    count(event.object)


@subscribe_removed()
def _removed(event):
    # any removal: a dossier, or a folder with dossiers inside
    if event.moving:
        return
    store = find_store(_root(event.parent))
    if store is not None:
        for oid in event.removed_oids:
            if oid in store.counted:
                store.move(oid, None)


@subscribe_root_added()
def _root_added(event):
    ensure_store(event.object)


def rebuild(root, catalog):
    """Count every dossier again from the catalog's stored values (the
    evolve steps of existing sites).  Whether a closed dossier was late
    is taken from the counts being replaced when they know it, so that a
    migration loads no dossier; otherwise closed dossiers are loaded."""
    old = find_store(root)
    known = old.counted if old is not None else {}
    store = Store()
    setattr(root, _ATTR, store)
    rev = {name: catalog[name]._rev_index for name in (
        'agency', 'procedure', 'channel', 'state', 'submitted',
        'classification', 'due')}
    objectmap = root.__objectmap__
    for docid, state in rev['state'].items():
        when = rev['submitted'].get(docid)
        if when is None:
            continue
        day = datetime.datetime.fromtimestamp(when, VN).date()
        late = False
        if state in CLOSED:
            before = known.get(docid)
            if before is not None:
                # (agency, month, cells), or (year, agency, cell) before
                # issue 17, whose main cell ended with ``late``
                cell = before[2]
                main = cell[0] if isinstance(cell[0], tuple) else cell
                late = main[4] if len(main) == 6 else main[-1]
            else:
                dossier = objectmap.object_for(docid)
                late = getattr(dossier, 'closed_late', False)
        words = rev['classification'].get(docid) or ()
        classification = [tuple(word.split(':', 1)) for word in words]
        store.move(docid, _entry(
            day, rev['agency'][docid], rev['procedure'][docid],
            rev['channel'].get(docid), state, late, rev['due'].get(docid),
            classification))
    return store


#: the closed states (on time or late is known for them)
CLOSED = ('completed', 'refused')
