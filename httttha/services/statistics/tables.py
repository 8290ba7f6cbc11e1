"""The statistics tables (B12, A5): one row per unit below an agency
(its whole subtree), the agency's own line, optionally each split by
procedure, summed from the counters over a period, with the open
dossiers overdue on a day (the counters keep each one's deadline).
Units come from the agency tree's per-process cache, so a table loads no
agency and no dossier."""
from substanced.util import get_oid

from ... import _
from ...content.application import PROCEDURES
from ..administration.tree import tree_nodes
from . import CLOSED, find_store, month_of, reporting_year, unit_sums

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
#: every state, in the order of the table by state
STATES = tuple(s for _n, _t, states in STATE_GROUPS for s in states)


class Row(object):
    """A line of a table: a unit (or one procedure of it) and its sums.
    ``oid`` is the unit's agency oid (None for the total), ``children``
    whether it has units below (a link drills down into it)."""

    def __init__(self, title, oid=None, procedure=None, level=0,
                 children=False, path=None):
        self.title, self.oid, self.path = title, oid, path
        self.procedure, self.level = procedure, level
        self.children = children
        self.total = self.late = self.overdue = 0
        self.channels, self.states, self.classes = {}, {}, {}

    def add(self, cell, number):
        """Add the day-less cell (procedure, channel, state, late,
        overdue) or (procedure, criterion, value)."""
        if len(cell) == 3:
            key = cell[1:]
            self.classes[key] = self.classes.get(key, 0) + number
            return
        _procedure, channel, state, late, overdue = cell
        self.total += number
        self.channels[channel] = self.channels.get(channel, 0) + number
        self.states[state] = self.states.get(state, 0) + number
        if late:
            self.late += number
        if overdue:
            self.overdue += number

    def state(self, states):
        return sum(self.states.get(s, 0) for s in states)

    @property
    def closed(self):
        return self.state(CLOSED)

    @property
    def on_time(self):
        return self.closed - self.late

    @property
    def open(self):
        return self.total - self.closed


class Table(object):
    """``rows`` (units, with their procedures when asked), ``total``,
    ``procedures`` (a row per procedure over the whole scope) and
    ``months`` ([(first day of the month, dossiers received)], every
    month of the period) of one agency over one period."""

    def __init__(self, rows, total, procedures, months):
        self.rows, self.total, self.procedures = rows, total, procedures
        self.months = months

    @property
    def units(self):
        """The rows of units (without their procedure lines)."""
        return [row for row in self.rows if not row.level]


def subtree(nodes, oid):
    """The oids of the agency ``oid`` and of every agency below it."""
    oids, todo = [], [oid]
    while todo:
        each = todo.pop()
        node = nodes.get(each)
        if node is not None:
            oids.append(each)
            todo.extend(node['children'])
    return oids


def table(root, agency, period, by_procedure=False, today=None):
    """The :class:`Table` of ``agency`` over ``period``: one row per
    direct sub-agency (its whole subtree), one for the agency's own
    dossiers (a Cục's only when it has some), each split by procedure
    when asked; with the open dossiers overdue on ``today`` when given."""
    nodes = tree_nodes(root)
    oid = get_oid(agency)
    node = nodes[oid]
    units = [(_('At the unit itself'), oid, [oid], False)] + [
        (nodes[c]['title'], c, subtree(nodes, c),
         bool(nodes[c]['children']))
        for c in node['children']]
    paths = {c: nodes[c]['path'] for c in node['children']}
    store = find_store(root)
    total = Row(_('Total'))
    procedures = {p: Row(p, procedure=p, level=1) for p in PROCEDURES}
    rows, months = [], {}
    for title, unit, oids, children in units:
        sums = {}
        if store is not None:
            sums, received = unit_sums(store, oids, period.first,
                                       period.last, today)
            for month, number in received.items():
                months[month] = months.get(month, 0) + number
        row = Row(title, unit, children=children, path=paths.get(unit))
        parts = {p: Row(p, unit, p, 1) for p in PROCEDURES}
        for cell, number in sums.items():
            row.add(cell, number)
            parts[cell[0]].add(cell, number)
            total.add(cell, number)
            procedures[cell[0]].add(cell, number)
        if unit == oid and not row.total and node['children']:
            continue        # a Cục's own line only when it has dossiers
        rows.append(row)
        if by_procedure:
            rows.extend(parts[p] for p in PROCEDURES)
    return Table(rows, total, [procedures[p] for p in PROCEDURES],
                 [(day, months.get(month_of(day), 0))
                  for day in period.months()])


def compare(current, earlier):
    """{oid: earlier row} of the units of ``earlier`` (the same period a
    year before), and None for the total's key, to show beside
    ``current``'s rows."""
    found = {row.oid: row for row in earlier.units}
    found[None] = earlier.total
    return found


def first_year(root, today):
    """The first year the period forms offer: that of the first dossier."""
    store = find_store(root)
    if store is None or store.first_month is None:
        return today.year - 1
    return min(store.first_month // 12, today.year - 1)


def last_year(today):
    """The last year the forms offer: the current reporting year (from
    October, the next calendar year)."""
    return reporting_year(today)
