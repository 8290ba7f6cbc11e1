"""Reading identifying items out of a lookup's keywords."""
import pytest

from httttha.services.intake.lookup import parse_keywords


@pytest.mark.parametrize('text, expected', [
    ('Nguyễn Thị Hương 0912 345 678',
     (['nguyen', 'thi', 'huong'], ['0912345678'], [])),
    ('0912.345.678 001180012345', ([], ['0912345678', '001180012345'], [])),
    ('+84 912 345 678, Hương', (['huong'], ['84912345678'], [])),
    ('Trần An B1234567', (['tran', 'an'], ['b1234567'], [])),
    ('an@example.com 0912345678', ([], ['0912345678'], ['an@example.com'])),
    ('12 34', ([], ['1234'], [])),
    ('', ([], [], [])),
])
def test_parse_keywords(text, expected):
    assert parse_keywords(text) == expected
