"""The report calendar of Công văn 1607/TCTHADS-VP Phụ lục 2 (D4) and the
rules of on time, late and missing."""
import datetime

import pytest

from httttha.services.reports import calendar
from httttha.services.reports.compliance import (
    LATE,
    MISSING,
    NOT_DUE,
    ON_TIME,
    entered_day,
    status,
)

D = datetime.date

#: Phụ lục 2 mục 2 for reporting year 2018, row by row: (TT, type,
#: month, cột 2's days reported on, cột 3's due date, cột 5's title)
TABLE_2018 = [
    (1, 'thang', 10, '01/10/2017-31/10/2017', '10/11/2017',
     'Kết quả công tác THADS, HC tháng 10 năm 2017'),
    (2, 'thang', 11, '01/11/2017-30/11/2017', '10/12/2017',
     'Kết quả công tác THADS, HC tháng 11 năm 2017'),
    (3, '3_thang', None, '01/10/2017-31/12/2017', '10/01/2018',
     'Kết quả công tác THADS, HC Quý I năm 2018'),
    (4, 'thang', 1, '01/01/2018-31/01/2018', '10/02/2018',
     'Kết quả công tác THADS, HC tháng 01 năm 2018'),
    (5, 'thang', 2, '01/02/2018-28/02/2018', '10/03/2018',
     'Kết quả công tác THADS, HC tháng 02 năm 2018'),
    (6, '6_thang', None, '01/10/2017-31/03/2018', '15/04/2018',
     'Kết quả công tác THADS, HC 6 tháng đầu năm, phương hướng, nhiệm vụ '
     '6 tháng cuối năm 2018'),
    (7, 'thang', 4, '01/04/2018-30/04/2018', '05/05/2018',
     'Kết quả công tác THADS, HC tháng 4 năm 2018'),
    (8, 'thang', 5, '01/05/2018-31/05/2018', '05/06/2018',
     'Kết quả công tác THADS, HC tháng 5 năm 2018'),
    (9, '9_thang', None, '01/10/2017-30/06/2018', '15/07/2018',
     'Kết quả công tác THADS, HC Quý III năm 2018'),
    (10, 'thang', 7, '01/07/2018-31/07/2018', '05/08/2018',
     'Kết quả công tác THADS, HC tháng 7 năm 2018'),
    # the letter prints "01/8-30/8": August has 31 days
    (11, 'thang', 8, '01/08/2018-31/08/2018', '05/09/2018',
     'Kết quả công tác THADS, HC tháng 8 năm 2018'),
    (12, '12_thang', None, '01/10/2017-30/09/2018', '15/10/2018',
     'Kết quả công tác THADS, HC năm 2018, phương hướng, nhiệm vụ, giải '
     'pháp chủ yếu năm 2019'),
]


def fmt(day):
    return day.strftime('%d/%m/%Y')


def test_reporting_year_2018_as_the_table_prints_it():
    found = calendar.periods(2018)
    assert len(found) == len(TABLE_2018) == 12
    for period, (tt, kind, month, days, due, title) in zip(found,
                                                          TABLE_2018):
        assert (period.report_type, period.month) == (kind, month), tt
        assert '%s-%s' % (fmt(period.first), fmt(period.last)) == days, tt
        assert fmt(period.due) == due, tt
        assert period.title == title, tt
        assert period.year == 2018
        # every key names its period again
        again = calendar.by_key(period.key)
        assert (again.key, again.due, again.title) == (
            period.key, period.due, period.title)


def test_six_month_title_of_2027():
    period = calendar.cumulative('6_thang', 2027)
    assert period.title == ('Kết quả công tác THADS, HC 6 tháng đầu năm, '
                            'phương hướng, nhiệm vụ 6 tháng cuối năm 2027')
    assert period.key == '6_thang:2027'
    assert (period.first, period.last, period.due) == (
        D(2026, 10, 1), D(2027, 3, 31), D(2027, 4, 15))
    assert calendar.by_key('6_thang:2027').title == period.title


def test_keys_and_leap_february():
    assert calendar.monthly(2024, 2).last == D(2024, 2, 29)
    assert calendar.monthly(2027, 10).key == 'thang:2027:10'
    assert calendar.monthly(2027, 10).first == D(2026, 10, 1)
    # December, March, June and September have no report of their own
    for key in ('thang:2027:12', 'thang:2027:3', 'thang:x:1', '7_thang:2027',
                'thang:2027', '', 'chuyen_de'):
        assert calendar.by_key(key) is None, key
    assert calendar.by_key(None) is None


@pytest.mark.parametrize('entered, expected', [
    (D(2018, 4, 1), (ON_TIME, 0)),      # early
    (D(2018, 4, 15), (ON_TIME, 0)),     # the due day itself
    (D(2018, 4, 16), (LATE, 1)),        # the day after
    (D(2018, 4, 17), (LATE, 2)),
    (D(2018, 5, 15), (LATE, 30)),
])
def test_status_of_a_report(entered, expected):
    due = calendar.cumulative('6_thang', 2018).due
    for today in (D(2018, 4, 10), D(2018, 6, 1)):
        assert status(due, entered, today) == expected


def test_status_without_report():
    due = D(2018, 4, 15)
    assert status(due, None, D(2018, 4, 14)) == (NOT_DUE, 0)
    assert status(due, None, D(2018, 4, 15)) == (NOT_DUE, 0)
    assert status(due, None, D(2018, 4, 16)) == (MISSING, 0)


def test_entered_is_a_day_in_vietnam():
    # 23:30 on 15/04 in Vietnam is 16:30 UTC the same day; 00:30 on 16/04
    # in Vietnam is still 15/04 in UTC
    evening = datetime.datetime(2018, 4, 15, 16, 30,
                                tzinfo=datetime.timezone.utc)
    after_midnight = datetime.datetime(2018, 4, 15, 17, 30,
                                       tzinfo=datetime.timezone.utc)
    due = D(2018, 4, 15)
    assert status(due, entered_day(evening.timestamp()), D(2018, 5, 1)) == \
        (ON_TIME, 0)
    assert status(due, entered_day(after_midnight.timestamp()),
                  D(2018, 5, 1)) == (LATE, 1)
