"""The completed list's rules that need no database: the masked code and
the period read from the query string."""
import datetime

import pytest

from httttha.services.portal.completed import Filters, mask


def test_mask_hides_the_middle_group():
    assert mask('K7Q-4M2-XD9') == 'K7Q-•••-XD9'
    assert mask('ABC') == '•••'
    assert mask('') == ''


@pytest.mark.parametrize('text, first, last', [
    ('03/2026', datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)),
    ('2024-02', datetime.date(2024, 2, 1), datetime.date(2024, 2, 29)),
    ('12/2026', datetime.date(2026, 12, 1), datetime.date(2026, 12, 31)),
    (' 2/2025 ', datetime.date(2025, 2, 1), datetime.date(2025, 2, 28)),
])
def test_a_month_is_its_first_to_last_day(text, first, last):
    filters = Filters(None, {'thang': text})
    assert (filters.date_from, filters.date_to) == (first, last)
    assert filters.days == (first.toordinal(), last.toordinal())
    assert filters.month == first.strftime('%m/%Y') and not filters.errors


def test_a_month_wins_over_dates_and_bad_values_are_dropped():
    filters = Filters(None, {'thang': '04/2026', 'tu-ngay': '01/01/2026'})
    assert filters.date_from == datetime.date(2026, 4, 1)
    for params in ({'thang': '0/2026'}, {'thang': '2026'},
                   {'tu-ngay': '2026-01-01'}, {'den-ngay': '32/01/2026'},
                   {'tu-ngay': '02/01/2026', 'den-ngay': '01/01/2026'},
                   {'thu-tuc': 'httt01'}):
        filters = Filters(None, params)
        assert filters.errors, params
        assert filters.days == (None, None) and filters.procedure == ''
    filters = Filters(None, {'tu-ngay': '01/01/2026'})
    assert filters.days == (datetime.date(2026, 1, 1).toordinal(), None)
