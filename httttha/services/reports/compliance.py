"""Tình hình đăng tải báo cáo (D4): for each unit and each period of the
report calendar (Công văn 1607/TCTHADS-VP Phụ lục 2), whether its report
was uploaded on time, late (by how many days), is missing, or is not due
yet: the basis of the "chấm điểm thi đua" the letter announces.

A period counts the first published report of that period (the earliest
Ngày nhập), compared with the due date as days in Vietnam: entered on
the due day itself is on time, the next day late by one.  A pending
report does not count until it is approved (approval keeps its Ngày
nhập).  Everything is read from the catalog (the report_period,
report_state, agency and report_entered indexes): no report is loaded.

The scope: the Tổng cục sees the 63 Cục (and itself, when it has reports
of the year); a Cục sees itself; the rule does not apply to a Chi cục.
"""
import datetime
from collections import OrderedDict

from substanced.util import find_catalog, get_oid

from ... import _
from ...content.report import PUBLISHED
from ...vntime import VN
from ..statistics import reporting_year
from . import calendar

ON_TIME, LATE, MISSING, NOT_DUE = 'on_time', 'late', 'missing', 'not_due'
STATUSES = (ON_TIME, LATE, MISSING, NOT_DUE)
STATUS_TITLES = OrderedDict((
    (ON_TIME, _('compliance-on-time', default='On time')),
    (LATE, _('compliance-late', default='Late')),
    (MISSING, _('compliance-missing', default='Missing')),
    (NOT_DUE, _('compliance-not-due', default='Not due yet')),
))
#: the report types of the calendar, in the order of Phụ lục 2
TYPES = (calendar.MONTHLY,) + tuple(t for t, _m, _d in calendar.CUMULATIVE)
#: the kinds of agency the calendar binds (Phụ lục 2 mục 1)
KINDS = ('tong_cuc', 'cuc')


def applies(agency):
    """Whether the report calendar binds ``agency`` (the Tổng cục and the
    Cục; a Chi cục uploads no periodic report)."""
    return getattr(agency, 'kind', None) in KINDS


def entered_day(timestamp):
    """The day in Vietnam of a Ngày nhập indexed as a timestamp."""
    return datetime.datetime.fromtimestamp(timestamp, VN).date()


def status(due, entered, today):
    """(status, days late) of a period due on ``due`` whose first report
    was entered on the (Vietnamese) day ``entered`` (None: none yet),
    seen on ``today``."""
    if entered is not None:
        late = (entered - due).days
        return (LATE, late) if late > 0 else (ON_TIME, 0)
    return (MISSING, 0) if today > due else (NOT_DUE, 0)


class Cell(object):
    """One unit's report of one period: ``status``, ``days`` late,
    ``entered`` (the day of its first report, or None) and ``docid``."""

    def __init__(self, period, status, days=0, entered=None, docid=None):
        self.period, self.status, self.days = period, status, days
        self.entered, self.docid = entered, docid

    def __repr__(self):
        return '<Cell %s %s %s>' % (self.period.key, self.status, self.days)


def _counts():
    return OrderedDict((s, 0) for s in STATUSES)


class Row(object):
    """One unit: ``oid``, ``title``, ``code``, ``cells`` (one a period, in
    the order of ``Compliance.periods``), ``totals`` (per status) and
    ``late_days`` (the days late, summed)."""

    def __init__(self, agency, cells):
        self.oid, self.title = get_oid(agency), agency.title
        self.code = getattr(agency, 'code', '')
        self.cells = cells
        self.totals = _counts()
        for cell in cells:
            self.totals[cell.status] += 1
        self.late_days = sum(cell.days for cell in cells)


class Compliance(object):
    """The table of ``year`` (reporting year) for ``agency``: ``periods``,
    ``rows`` (units), ``by_period`` (the status counts of each period,
    in the order of ``periods``) and ``totals`` (of every cell)."""

    def __init__(self, agency, year, report_type, today, periods, rows):
        self.agency, self.year, self.report_type = agency, year, report_type
        self.today, self.periods, self.rows = today, periods, rows
        self.by_period = [_counts() for _p in periods]
        self.totals = _counts()
        for row in rows:
            for counts, cell in zip(self.by_period, row.cells):
                counts[cell.status] += 1
                self.totals[cell.status] += 1
        self.late_days = sum(row.late_days for row in rows)


def scope(agency):
    """The units whose reports ``agency`` follows: the Cục below the
    Tổng cục (the Tổng cục itself is added by ``compliance`` when it has
    reports), a Cục itself, nothing for a Chi cục."""
    if not applies(agency):
        return []
    if agency.kind == 'cuc':
        return [agency]
    return [sub for sub in agency.sub_agencies() if sub.kind == 'cuc']


def year_periods(year, report_type=None):
    """The calendar's periods of ``year``, of one type or all, by due
    date."""
    return [p for p in calendar.periods(year)
            if report_type in (None, '') or p.report_type == report_type]


def first_reports(catalog, keys, oids):
    """{(agency oid, period key): (entered timestamp, docid)} of the first
    published report of each unit in ``oids`` and period in ``keys``."""
    keys, oids = list(keys), list(oids)
    if not keys or not oids:
        # hypatia reads an empty "any" as no filter at all
        return {}
    family = catalog.family
    found = catalog['report_period'].applyAny(keys)
    found = family.IF.intersection(
        found, catalog['report_state'].applyEq(PUBLISHED))
    found = family.IF.intersection(found,
                                   catalog['agency'].applyAny(oids))
    period_of = catalog['report_period']._rev_index.get
    agency_of = catalog['agency']._rev_index.get
    entered_of = catalog['report_entered']._rev_index.get
    first = {}
    for docid in found:
        when = entered_of(docid)
        if when is None:
            continue
        key = (agency_of(docid), period_of(docid))
        if key not in first or (when, docid) < first[key]:
            first[key] = (when, docid)
    return first


def has_reports(catalog, oid, year):
    """Whether the unit ``oid`` has a report (any state) of a period of
    reporting ``year``."""
    keys = [p.key for p in calendar.periods(year)]
    found = catalog.family.IF.intersection(
        catalog['report_period'].applyAny(keys),
        catalog['agency'].applyEq(oid))
    return len(found) > 0


def compliance(agency, year, report_type=None, today=None):
    """The compliance table of ``agency`` for reporting ``year``
    (optionally one report type), as seen on ``today`` (a date in
    Vietnam; default today)."""
    if today is None:
        from ...vntime import today as vn_today
        today = vn_today()
    catalog = find_catalog(agency, 'httttha')
    units = scope(agency)
    if agency.kind == 'tong_cuc' and has_reports(
            catalog, get_oid(agency), year):
        units = [agency] + units
    periods = year_periods(year, report_type)
    first = first_reports(catalog, [p.key for p in periods],
                          [get_oid(u) for u in units])
    rows = []
    for unit in units:
        oid = get_oid(unit)
        cells = []
        for period in periods:
            when, docid = first.get((oid, period.key), (None, None))
            day = entered_day(when) if when is not None else None
            mark, days = status(period.due, day, today)
            cells.append(Cell(period, mark, days, day, docid))
        rows.append(Row(unit, cells))
    return Compliance(agency, year, report_type, today, periods, rows)


def years(catalog, today):
    """The reporting years to choose from, newest first: from the first
    one with a report to the current one."""
    current = reporting_year(today)
    found = [calendar.by_key(key) for key in
             catalog['report_period'].unique_values()]
    first = min([p.year for p in found if p is not None] + [current])
    return list(range(current, first - 1, -1))


def period_label(period):
    """The short heading of a period's column: "Tháng 10/2025", "6 tháng"."""
    if period.report_type == calendar.MONTHLY:
        return _('compliance-period-month', default='Month ${month}/${year}',
                 mapping={'month': '%02d' % period.month,
                          'year': period.first.year})
    return _('compliance-period-months', default='${months} months',
             mapping={'months': period.report_type.split('_')[0]})


def cell_text(cell):
    """What a cell says, on the page and in the workbook alike."""
    if cell.status == LATE:
        return _('compliance-late-days', default='Late ${days} days',
                 mapping={'days': cell.days})
    return STATUS_TITLES[cell.status]
