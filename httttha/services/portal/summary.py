"""An agency's public summary (A4): its counts of dossiers in the current
reporting year, read from the statistics counters
(``services.statistics``) of its whole subtree, never from dossiers."""
from ..statistics import find_store, reporting_year, unit_sums, year_bounds
from ..statistics.tables import Row
from .completed import subtree_oids


class Summary(object):
    """The counts of one agency's subtree in one reporting year."""

    def __init__(self, year, row):
        self.year = year
        self.first, self.last = year_bounds(year)
        self.received = row.total
        self.completed = row.closed
        self.in_progress = row.total - row.closed
        self.on_time = row.on_time


def agency_summary(root, agency, today):
    """The :class:`Summary` of ``agency`` and the agencies below it for
    the reporting year of ``today`` (a date in Vietnam)."""
    year = reporting_year(today)
    first, last = year_bounds(year)
    row, sums = Row(''), {}
    store = find_store(root)
    if store is not None:
        sums, _months = unit_sums(store, subtree_oids(root, agency), first,
                                  last)
    for cell, number in sums.items():
        row.add(cell, number)
    return Summary(year, row)
