"""The order of Báo cáo trực tuyến's list (Công văn 1607/TCTHADS-VP
Phụ lục 3): newest Ngày ban hành first, then newest Ngày nhập, reports
without a Ngày ban hành last; a page orders only as far as it shows."""
import types

from BTrees import family64
from hypatia.field import FieldIndex

from httttha.services.reports.browse import Found


class Catalog(dict):
    family = family64


def catalog_of(reports):
    """reports: {docid: (issued or None, entered)}."""
    catalog = Catalog(report_issued=FieldIndex('issued', family=family64),
                      report_entered=FieldIndex('entered', family=family64))
    for docid, (issued, entered) in reports.items():
        report = types.SimpleNamespace(issued=issued, entered=entered)
        for index in catalog.values():
            index.index_doc(docid, report)
    return catalog


def test_newest_issue_first_then_newest_entry_then_undated():
    reports = {1: (10, 100), 2: (12, 50), 3: (10, 300), 4: (None, 999),
               5: (12, 50), 6: (11, 1)}
    catalog = catalog_of(reports)
    found = Found(catalog, [1, 2, 3, 4, 5, 6])
    assert len(found) == 6
    assert found[:2] == [5, 2]
    assert found.days            # the older days are not read yet
    assert found[2:] == [6, 3, 1, 4]
    assert list(found) == [5, 2, 6, 3, 1, 4]


def test_only_the_reports_found_are_listed():
    catalog = catalog_of({1: (10, 1), 2: (11, 2), 3: (12, 3)})
    found = Found(catalog, [1, 3])
    assert list(found) == [3, 1] and len(found) == 2
    assert list(Found(catalog, [])) == []


def test_a_search_by_period_reads_only_its_days():
    # the reports of days 20-21 (a year or month searched), amid others
    reports = {1: (10, 1), 2: (20, 2), 3: (21, 3), 4: (21, 4), 5: (30, 5)}
    catalog = catalog_of(reports)
    found = Found(catalog, [2, 3, 4], days=(20, 21))
    assert found[:1] == [4]
    assert found.days == [20]    # day 30 was never read
    assert list(found) == [4, 3, 2]


def test_the_days_of_a_year_and_of_its_months():
    import datetime
    from httttha.services.reports.browse import Filters

    def days(year, month):
        filters = Filters.__new__(Filters)
        filters.year, filters.month = year, month
        first, last = filters.days
        return (datetime.date.fromordinal(first),
                datetime.date.fromordinal(last))

    assert days(2027, None) == (datetime.date(2027, 1, 1),
                                datetime.date(2027, 12, 31))
    assert days(2028, 2) == (datetime.date(2028, 2, 1),
                             datetime.date(2028, 2, 29))
    assert days(2027, 12) == (datetime.date(2027, 12, 1),
                              datetime.date(2027, 12, 31))
    no_year = Filters.__new__(Filters)
    no_year.year, no_year.month = None, 5
    assert no_year.days is None
