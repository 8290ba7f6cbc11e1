"""The report calendar of Công văn 1607/TCTHADS-VP Phụ lục 2 (D4): in
each reporting year (1/10 - 30/9, named by the year it ends in) the
monthly reports of October, November, January, February, April, May,
July and August, and the 3-, 6-, 9- and 12-month reports (December,
March, June and September have none of their own); when each is due
(mục 2 cột 3) and the short title to write in "Tên báo cáo" (cột 5).

A period is named by a key: ``'thang:<year>:<month>'`` for a monthly
report (``year`` the reporting year), ``'<n>_thang:<year>'`` for the
others; the report types are the codes of the list "Loại báo cáo".
"""
import datetime

from ..statistics import year_bounds

MONTHLY = 'thang'
#: (report type, months from 1 October it covers, due (month, day): in
#: the reporting year, the 12-month report's in the October after it)
CUMULATIVE = (
    ('3_thang', 3, (1, 10)),
    ('6_thang', 6, (4, 15)),
    ('9_thang', 9, (7, 15)),
    ('12_thang', 12, (10, 15)),
)
#: the months with a monthly report, in the reporting year's order
MONTHS = (10, 11, 1, 2, 4, 5, 7, 8)
ROMAN = {3: 'I', 9: 'III'}


class Period(object):
    """One report due: ``key``, ``report_type``, ``year`` (reporting
    year), ``month`` (monthly reports), ``first``/``last`` (the days it
    reports on), ``due`` (the last day to upload it), ``title`` (what
    Phụ lục 2 cột 5 says to write)."""

    def __init__(self, report_type, year, month, first, last, due, title):
        self.report_type, self.year, self.month = report_type, year, month
        self.first, self.last, self.due = first, last, due
        self.title = title

    @property
    def key(self):
        if self.report_type == MONTHLY:
            return '%s:%d:%d' % (MONTHLY, self.year, self.month)
        return '%s:%d' % (self.report_type, self.year)

    def __repr__(self):
        return '<Period %s due %s>' % (self.key, self.due)


def _month_year(year, month):
    """The calendar year of ``month`` in reporting year ``year``."""
    return year - 1 if month >= 10 else year


def _month_end(year, month):
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def monthly(year, month):
    calendar_year = _month_year(year, month)
    first = datetime.date(calendar_year, month, 1)
    last = _month_end(calendar_year, month)
    # the 10th of the next month until February's, the 5th from April's
    # (Phụ lục 2 cột 3)
    following = last + datetime.timedelta(days=1)
    due = following.replace(day=10 if month in (10, 11, 1, 2) else 5)
    title = 'Kết quả công tác THADS, HC tháng %s năm %d' % (
        '%02d' % month if month < 3 else month, calendar_year)
    return Period(MONTHLY, year, month, first, last, due, title)


def cumulative(report_type, year):
    months, (due_month, due_day) = dict(
        (t, (m, d)) for t, m, d in CUMULATIVE)[report_type]
    first = year_bounds(year)[0]
    end_month = (9 + months) % 12 or 12
    last = _month_end(_month_year(year, end_month), end_month)
    due = datetime.date(_month_year(year, due_month) if due_month != 10
                        else year, due_month, due_day)
    if months in (3, 9):
        title = 'Kết quả công tác THADS, HC Quý %s năm %d' % (
            ROMAN[months], year)
    elif months == 6:
        title = ('Kết quả công tác THADS, HC 6 tháng đầu năm, phương '
                 'hướng, nhiệm vụ 6 tháng cuối năm %d' % year)
    else:
        title = ('Kết quả công tác THADS, HC năm %d, phương hướng, nhiệm '
                 'vụ, giải pháp chủ yếu năm %d' % (year, year + 1))
    return Period(report_type, year, None, first, last, due, title)


def periods(year):
    """Every report due in reporting year ``year``, by due date."""
    found = [monthly(year, month) for month in MONTHS]
    found += [cumulative(t, year) for t, _m, _d in CUMULATIVE]
    return sorted(found, key=lambda p: (p.due, p.key))


def by_key(key):
    """The period of ``key``, or None when it names none."""
    try:
        parts = key.split(':')
        if parts[0] == MONTHLY and len(parts) == 3:
            month = int(parts[2])
            return monthly(int(parts[1]), month) if month in MONTHS else None
        if len(parts) == 2 and parts[0] in dict(
                (t, m) for t, m, _d in CUMULATIVE):
            return cumulative(parts[0], int(parts[1]))
    except (AttributeError, ValueError):
        pass
    return None
