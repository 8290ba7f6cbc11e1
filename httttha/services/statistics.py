"""Statistics (B12): counts of dossiers by reporting year, agency,
procedure, channel (online or at the counter), state and lateness, kept
up to date as dossiers are added, change or are removed, so that a table
of the whole country reads a few hundred small objects and never a
dossier (DESIGN.md, performance rules).

The counts of one agency in one reporting year are one :class:`Counts`
object; concurrent transactions only add to counts, so their conflicts
are resolved by adding both sides' changes.  What each dossier was
counted under is kept beside the counts (by object id), so that a change
moves it from its old cell to its new one whatever path made the change.
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

from .. import _
from ..content.dossier import VN
from ..interfaces import IDossier
from ..workflows.dossier import state_of

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


class Counts(Persistent):
    """One agency's counts in one reporting year:
    (procedure, channel, state, late) -> number of dossiers."""

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
    """The site's counts: (year, agency oid) -> :class:`Counts`, and what
    every dossier is counted under: dossier oid -> (year, agency oid, cell)."""

    def __init__(self):
        self.counts = OOBTree()
        self.counted = LOBTree()

    def move(self, oid, key):
        """Count dossier ``oid`` under ``key`` (None: nowhere) instead of
        where it was counted."""
        old = self.counted.get(oid)
        if old == key:
            return
        if old is not None:
            self.counts[old[:2]].add(old[2], -1)
            del self.counted[oid]
        if key is not None:
            counts = self.counts.get(key[:2])
            if counts is None:
                counts = self.counts[key[:2]] = Counts()
            counts.add(key[2], 1)
            self.counted[oid] = key

    def years(self):
        return sorted({year for year, _oid in self.counts.keys()},
                      reverse=True)

    def cells(self, year, agency_oids):
        """(agency oid, cell, number) of the agencies in ``year``."""
        for oid in agency_oids:
            counts = self.counts.get((year, oid))
            if counts is not None:
                for cell, number in counts.counts.items():
                    yield oid, cell, number


def ensure_store(root):
    store = getattr(root, _ATTR, None)
    if store is None:
        store = Store()
        setattr(root, _ATTR, store)
    return store


def find_store(root):
    """The site's store, or None before it exists (readers write nothing)."""
    return getattr(root, _ATTR, None)


def key_of(dossier):
    """Where ``dossier`` is counted: (year, agency oid, (procedure,
    channel, state, late))."""
    submitted = getattr(dossier, 'submitted', None)
    state = state_of(dossier)
    if submitted is None or state is None:
        return None
    return (reporting_year(submitted.astimezone(VN).date()),
            dossier.agency_oid,
            (dossier.procedure, dossier.channel or 'online', state,
             bool(getattr(dossier, 'closed_late', False))))


def _root(resource):
    from pyramid.traversal import find_root
    return find_root(resource)


def count(dossier):
    """Count ``dossier`` where it belongs now."""
    store = ensure_store(_root(dossier))
    store.move(get_oid(dossier), key_of(dossier))


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
    evolve step of existing sites; no dossier is loaded)."""
    store = Store()
    setattr(root, _ATTR, store)
    rev = {name: catalog[name]._rev_index for name in (
        'agency', 'procedure', 'channel', 'state', 'submitted')}
    objectmap = root.__objectmap__
    for docid, state in rev['state'].items():
        when = rev['submitted'].get(docid)
        if when is None:
            continue
        day = datetime.datetime.fromtimestamp(when, VN).date()
        late = False
        if state in ('completed', 'refused'):
            dossier = objectmap.object_for(docid)
            late = bool(getattr(dossier, 'closed_late', False))
        store.move(docid, (reporting_year(day), rev['agency'][docid], (
            rev['procedure'][docid], rev['channel'].get(docid, 'online'),
            state, late)))
    return store


# -- tables ---------------------------------------------------------------

#: the states shown together unless the table is by state
STATE_GROUPS = (
    ('waiting', _('Awaiting processing'), (
        'submitted', 'resubmitted', 'awaiting_assignment')),
    ('citizen', _('Awaiting the applicant'), ('needs_supplement',)),
    ('processing', _('Being processed'), (
        'accepted', 'originals_received', 'in_processing', 'assigned',
        'awaiting_approval', 'approved')),
    ('completed', _('Completed'), ('completed',)),
    ('refused', _('Refused'), ('refused',)),
)
CLOSED = ('completed', 'refused')


class Row(object):
    """A line of a table: a unit (or one procedure of it) and its sums."""

    def __init__(self, title, agency=None, procedure=None, level=0):
        self.title, self.agency = title, agency
        self.procedure, self.level = procedure, level
        self.total = self.late = 0
        self.channels, self.states = {}, {}

    def add(self, cell, number):
        _procedure, channel, state, late = cell
        self.total += number
        self.channels[channel] = self.channels.get(channel, 0) + number
        self.states[state] = self.states.get(state, 0) + number
        if late:
            self.late += number

    def state(self, states):
        return sum(self.states.get(s, 0) for s in states)

    @property
    def closed(self):
        return self.state(CLOSED)

    @property
    def on_time(self):
        return self.closed - self.late


def table(root, agency, year, by_procedure=False):
    """The rows of ``agency``'s statistics for reporting ``year``: one per
    direct sub-agency (its whole subtree), one for the agency's own
    dossiers, each split by procedure when asked, and the total."""
    from ..content.application import PROCEDURES
    store = find_store(root)
    units = [(_('At the unit itself'), agency, [get_oid(agency)])] + [
        (sub.title, sub, [get_oid(a) for a in sub.walk()])
        for sub in agency.sub_agencies()]
    rows, total = [], Row(_('Total'))
    for title, unit, oids in units:
        row = Row(title, unit)
        parts = {p: Row(p, unit, p, 1) for p in PROCEDURES}
        if store is not None:
            for _oid, cell, number in store.cells(year, oids):
                row.add(cell, number)
                parts[cell[0]].add(cell, number)
                total.add(cell, number)
        if unit is agency and not row.total and agency.sub_agencies():
            continue        # a Cục's own line only when it has dossiers
        rows.append(row)
        if by_procedure:
            rows.extend(parts[p] for p in PROCEDURES)
    return rows, total
