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

Cells are ``(day, procedure, channel, state, late)`` (``day`` the
ordinal of the day of receipt in Vietnam) and, for a classified
petition, ``(day, procedure, criterion, value)`` per classification.
"""
import datetime

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

    def sums(self, agency_oid, first, last, into=None, months=None):
        """The cells of ``agency_oid``'s dossiers received from day
        ``first`` to day ``last`` (dates), without their day, summed into
        the dict ``into``; and the number received in each month into
        the dict ``months`` when given (month -> number)."""
        into = {} if into is None else into
        get = into.get
        low, high = first.toordinal(), last.toordinal()
        start, end = month_of(first), month_of(last)
        for (_oid, month), counts in self.counts.items(
                (agency_oid, start), (agency_oid, end)):
            whole = start < month < end
            received = 0
            for cell, number in counts.counts.items():
                if whole or low <= cell[0] <= high:
                    key = cell[1:]
                    into[key] = get(key, 0) + number
                    if len(key) == 4:
                        received += number
            if months is not None and received:
                months[month] = months.get(month, 0) + received
        return into


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
                  (dossier.classification or {}).items())


def _entry(day, agency_oid, procedure, channel, state, late,
           classification=()):
    ordinal = day.toordinal()
    cells = [(ordinal, procedure, channel or 'online', state, bool(late))]
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
        'classification')}
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
                # issue 17: the main cell's last item either way
                cell = before[2]
                late = (cell[0] if isinstance(cell[0], tuple) else cell)[-1]
            else:
                dossier = objectmap.object_for(docid)
                late = getattr(dossier, 'closed_late', False)
        words = rev['classification'].get(docid) or ()
        classification = [tuple(word.split(':', 1)) for word in words]
        store.move(docid, _entry(
            day, rev['agency'][docid], rev['procedure'][docid],
            rev['channel'].get(docid), state, late, classification))
    return store


#: the closed states (on time or late is known for them)
CLOSED = ('completed', 'refused')
