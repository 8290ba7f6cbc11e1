"""The small-unit rule of the public statistics (A5): no line shows fewer
than N dossiers of identifiable Chi cục."""
import pytest

from httttha.services.statistics.public import (
    DEFAULT_MINIMUM,
    OTHERS,
    OWN_AND_OTHERS,
    minimum,
    pool,
)
from httttha.services.statistics.tables import Row, Table

OWN = 1


def unit(oid, total, late=0, overdue=0, online=None, state='completed'):
    """A unit's row of ``total`` dossiers, all in ``state``."""
    row = Row('Chi cục %d' % oid, oid)
    online = total if online is None else online
    for channel, number in (('online', online), ('counter', total - online)):
        if number:
            row.add(('HTTT01', channel, state, False, False), number)
    row.late, row.overdue = late, overdue
    return row


def staff(*rows):
    total = Row('Total')
    for row in rows:
        total.total += row.total
    return Table(list(rows), total, [], [])


def chi_cuc(oid):
    return oid != OWN


def check_no_small_line(public, n):
    """No line but the agency's own (without Chi cục) under ``n``."""
    for row in public.rows:
        assert row.oid == OWN or row.total >= n


def test_large_units_are_shown_small_ones_pooled():
    rows = [unit(OWN, 4), unit(2, 12), unit(3, 10), unit(4, 3, late=1),
            unit(5, 7, online=2, overdue=2), unit(6, 0)]
    public = pool(staff(*rows), OWN, chi_cuc, 10)
    titles = [row.title for row in public.rows]
    assert titles[:3] == ['Chi cục %d' % i for i in (OWN, 2, 3)]
    others = public.rows[3]
    assert len(public.rows) == 4
    assert others.title == OTHERS and others.title.mapping == {'minimum': 10}
    # the pool sums every figure of the small units
    assert others.oid is None and others.total == 10
    assert others.channels == {'online': 5, 'counter': 5}
    assert others.states == {'completed': 10}
    assert (others.late, others.overdue) == (1, 2)
    assert public.pooled == 3 and not public.withheld
    # the totals are those of the staff table
    assert sum(row.total for row in public.rows) == 36
    assert public.total.total == 36
    check_no_small_line(public, 10)


def test_a_small_pool_is_merged_into_the_own_line():
    rows = [unit(OWN, 4, late=1), unit(2, 15), unit(3, 6, overdue=1)]
    public = pool(staff(*rows), OWN, chi_cuc, 10)
    merged, shown = public.rows
    assert merged.title == OWN_AND_OTHERS and merged.oid == OWN
    assert merged.total == 10 and merged.late == 1 and merged.overdue == 1
    assert shown.oid == 2 and shown.total == 15
    assert public.pooled == 1
    # the Chi cục's figures cannot be read apart from the Cục's own
    assert all(row.title != 'Chi cục 3' for row in public.rows)


def test_the_own_line_is_made_when_the_staff_table_left_it_out():
    # a Cục without dossiers of its own has no own line in the staff table
    public = pool(staff(unit(2, 20), unit(3, 1)), OWN, chi_cuc, 10)
    assert [(row.oid, row.total) for row in public.rows] == [
        (OWN, 1), (2, 20)]
    assert public.rows[0].title == OWN_AND_OTHERS


def test_rows_above_the_chi_cuc_level_are_always_shown():
    # the Tổng cục's table: its rows are Cục, shown however small
    rows = [unit(OWN, 0), unit(2, 1), unit(3, 50)]
    public = pool(staff(*rows), OWN, lambda oid: False, 10)
    assert [row.total for row in public.rows] == [0, 1, 50]
    assert public.pooled == 0


def test_nothing_to_pool_keeps_the_table():
    rows = [unit(OWN, 3), unit(2, 10)]
    public = pool(staff(*rows), OWN, chi_cuc, 10)
    assert public.rows == rows and public.minimum == 10


@pytest.mark.parametrize('value, expected', [
    (None, DEFAULT_MINIMUM), ('25', 25), (' 5 ', 5), ('0', 1), ('-3', 1),
    ('mười', DEFAULT_MINIMUM), ('', DEFAULT_MINIMUM)])
def test_minimum_setting(value, expected):
    settings = {} if value is None else {'httttha.public_stats_min': value}
    assert minimum(settings) == expected


def test_units_without_dossiers_are_left_out():
    # listed with 0, they would name the single small unit behind a pool
    rows = [unit(OWN, 4), unit(2, 12), unit(3, 0), unit(4, 0)]
    public = pool(staff(*rows), OWN, chi_cuc, 10)
    assert [(row.title, row.total) for row in public.rows] == [
        ('Chi cục %d' % OWN, 4), ('Chi cục 2', 12)]
    assert public.pooled == 2
