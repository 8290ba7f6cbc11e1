"""Issue 13, section 0: the suite and the application read dates in
Vietnam's time (UTC+7), never in the machine's zone, so CI passes at any
hour.  The date-sensitive tests are marked ``clock`` and also run at the
instants of ``tests/conftest.py`` ``CLOCK_INSTANTS``."""
import datetime
import os
import re

import pytest
import time_machine

from httttha.content.dossier import local_time
from httttha.services import statistics
from httttha.services.backoffice.deadlines import Calendar, public_holidays

from ..conftest import CLOCK_INSTANTS, PROJECT
from ..functional.submission import (
    VALUES,
    errors,
    fill,
    open_form,
    submit_dossier,
)

UTC = datetime.timezone.utc
#: 06:30 on 11/03/2026 in Vietnam, still 10/03 on the machine (UTC)
EVENING = datetime.datetime(2026, 3, 10, 23, 30, tzinfo=UTC)

#: what reads the machine's date or zone (its "today" is UTC's, and a naive
#: now() is the machine's wall clock)
MACHINE_CLOCK = re.compile(
    r'date\.today\(|\.now\(\s*\)|datetime\.utcnow\(|'
    r'fromtimestamp\([^,()]*\)|localtime\(|time\.strftime\(|mktime\(')


@pytest.fixture
def app(app_factory):
    return app_factory(**{'httttha.captcha': 'false'})


def _sources(top):
    for folder, _dirs, files in os.walk(os.path.join(PROJECT, top)):
        for name in files:
            if name.endswith('.py'):
                yield os.path.join(folder, name)


@pytest.mark.parametrize('top', ['tests', 'httttha'])
def test_nothing_reads_the_machines_date(top):
    """Tests and application take today from Vietnam's clock
    (``local_time()``) or a fixed date, never from the machine's zone."""
    found = []
    for path in _sources(top):
        with open(path, encoding='utf-8') as f:
            for number, line in enumerate(f, 1):
                code = line.split('#')[0]
                if MACHINE_CLOCK.search(code) and path != __file__:
                    found.append('%s:%d: %s' % (os.path.relpath(
                        path, PROJECT), number, line.strip()))
    assert found == []


def test_the_instants_cover_the_turning_points():
    """The frozen-clock runs land where the machine's date and Vietnam's
    differ and where a period turns over."""
    local = {name: local_time(datetime.datetime.fromisoformat(at))
             for name, at in CLOCK_INSTANTS.items()}
    utc = {name: datetime.datetime.fromisoformat(at)
           for name, at in CLOCK_INSTANTS.items()}
    # each evening instant: another day in Vietnam than in UTC
    for name in ('evening-utc', 'new-year', 'calendar-year', 'tet-eve'):
        assert local[name].date() == utc[name].date() + datetime.timedelta(
            days=1), name
    # the last minute of the reporting year, then the first morning of
    # the next one (still 30/09 on the machine)
    year_end, new_year = local['year-end'], local['new-year']
    assert (year_end.month, year_end.day, year_end.hour,
            year_end.minute) == (9, 30, 23, 59)
    assert (new_year.month, new_year.day) == (10, 1)
    assert statistics.reporting_year(new_year.date()) == \
        statistics.reporting_year(utc['new-year'].date()) + 1
    # a new calendar year in Vietnam, the old one in UTC
    assert local['calendar-year'].timetuple()[:3] == (
        utc['calendar-year'].year + 1, 1, 1)
    # the eve of Tết: the machine's day is the last working day, Vietnam's
    # the first day of the Tết holidays
    calendar = Calendar()
    tet = local['tet-eve'].date()
    assert calendar.is_working_day(utc['tet-eve'].date())
    assert not calendar.is_working_day(tet) and tet.weekday() < 5
    assert 'Tết' in dict(public_holidays(tet.year))[tet]


def test_a_date_written_today_in_vietnam_is_not_in_the_future(app):
    """At 06:30 in Vietnam (23:30 UTC the day before) a citizen may date
    a decision today; tomorrow is refused."""
    with time_machine.travel(EVENING, tick=True):
        today = local_time().date()
        assert today == datetime.date(2026, 3, 11)
        code = submit_dossier(app, 'HTTT03', values={
            'decision.date': today.strftime('%d/%m/%Y')})
        assert code
        form = open_form(app, 'HTTT03').forms['application']
        tomorrow = today + datetime.timedelta(days=1)
        fill(form, dict(VALUES['HTTT03'], **{
            'decision.date': tomorrow.strftime('%d/%m/%Y'),
            'declaration': True}))
        page = form.submit('continue')
        assert page.status_int == 200
        assert 'Ngày không được sau ngày hôm nay.' in errors(page)
