"""Lịch làm việc (B10): the Tổng cục's administrators amend the working-day
calendar in the back office; open dossiers' deadlines follow."""
import datetime
import re

import pytest
import transaction
from substanced.util import find_catalog

from httttha.content.dossier import VN, local_time
from httttha.services.backoffice.deadlines import (
    Calendar,
    ensure_calendar,
    get_calendar,
    on_submit,
)

from ..conftest import login, logout, open_root
from .submission import find_dossier, submit_dossier

URL = '/manage/thads/@@lich-lam-viec'
CAL = Calendar()


def next_year():
    return local_time().date().year + 1


def first(year, month, day, working=True):
    """The first working day (or day off) on or after the given date."""
    date = datetime.date(year, month, day)
    while CAL.is_working_day(date) != working:
        date += datetime.timedelta(days=1)
    return date


def first_saturday(year, month):
    date = datetime.date(year, month, 1)
    while date.weekday() != 5 or not date.day > 7 or \
            CAL.is_working_day(date):
        date += datetime.timedelta(days=1)
    return date


def text(node):
    return re.sub(r'\s+', ' ', node.get_text()).strip()


def rows(page, year):
    table = page.html.select_one('#entries-%d' % year)
    if table is None:
        return []
    return [[text(td) for td in tr.select('td')]
            for tr in table.select('tbody tr')]


def stored(app, day):
    root, closer = open_root(app)
    try:
        return ensure_calendar(root).kind_of(day)
    finally:
        closer()


def add(page, day, kind='off', note=''):
    form = page.forms['calendar-form']
    form['day'] = day if isinstance(day, str) else day.strftime('%d/%m/%Y')
    form['kind'] = kind
    form['note'] = note
    return form.submit('add')


@pytest.mark.clock
def test_admin_adds_lists_and_removes_a_day_off(app):
    login(app, 'quantri.tc')
    page = app.get(URL)
    tabs = [text(a) for a in page.html.select('.nav-tabs li.active a')]
    assert tabs == ['Working calendar'] or tabs == ['Lịch làm việc']
    assert text(page.html.find('h1')) == 'Lịch làm việc'
    year = next_year()
    # the public holidays of both years are listed, read-only
    holidays = [text(td) for td in page.html.select(
        '#holidays-%d tbody tr td:nth-of-type(1)' % year)]
    assert '02/09/%d' % year in holidays
    assert '01/01/%d' % year in holidays
    assert rows(page, year) == []

    day = first(year, 3, 10)
    response = add(page, day, 'off', 'Nghỉ do bão')
    assert response.status_int == 302
    page = response.follow()
    weekday = ('Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm',
               'Thứ Sáu')[day.weekday()]
    assert rows(page, year) == [[day.strftime('%d/%m/%Y'), weekday,
                                 'Ngày nghỉ bổ sung', 'Nghỉ do bão',
                                 'quantri.tc', 'Xóa ngày %s' %
                                 day.strftime('%d/%m/%Y')]]
    assert stored(app, day) == 'off'

    # removing asks first
    page = page.click(href=r'xoa=%s' % day.isoformat())
    confirm = page.html.select_one('#confirm-remove')
    assert day.strftime('%d/%m/%Y') in text(confirm)
    assert 'Ngày nghỉ bổ sung' in text(confirm)
    assert stored(app, day) == 'off'            # not yet
    form = [f for f in page.forms.values() if 'remove' in f.fields][0]
    page = form.submit('remove').follow()
    assert rows(page, year) == []
    assert stored(app, day) is None


def test_make_up_saturday(app):
    login(app, 'quantri.tc')
    year = next_year()
    saturday = first_saturday(year, 6)
    page = add(app.get(URL), saturday, 'work', 'Làm bù cho thứ Hai').follow()
    assert rows(page, year)[0][:3] == [saturday.strftime('%d/%m/%Y'),
                                       'Thứ Bảy', 'Ngày làm bù']
    root, closer = open_root(app)
    assert get_calendar(root).is_working_day(saturday)
    closer()

    # the same Saturday cannot be made a day off (it is listed), and
    # another Saturday is already off
    page = add(app.get(URL), saturday + datetime.timedelta(days=7), 'off')
    assert page.status_int == 200
    assert page.html.select_one('#day-error') is not None
    assert stored(app, saturday + datetime.timedelta(days=7)) is None


@pytest.mark.clock
def test_bad_date_keeps_the_input(app):
    login(app, 'quantri.tc')
    year = next_year()
    for bad in ('31/02/%d' % year, '2027-03-10', 'mai'):
        page = add(app.get(URL), bad, 'off', 'Ghi chú giữ lại')
        assert page.status_int == 200
        error = page.html.select_one('#day-error')
        assert error is not None and 'dd/mm/yyyy' in text(error)
        assert page.html.select_one('#day')['aria-invalid'] == 'true'
        form = page.forms['calendar-form']
        assert form['day'].value == bad
        assert form['note'].value == 'Ghi chú giữ lại'
        assert form['kind'].value == 'off'
    # a year out of range
    page = add(app.get(URL), '10/03/%d' % (year + 5), 'off')
    assert page.html.select_one('#day-error') is not None
    root, closer = open_root(app)
    assert list(ensure_calendar(root).off) == []
    closer()


def test_post_without_csrf_is_refused(app):
    login(app, 'quantri.tc')
    day = first(next_year(), 3, 10)
    app.post(URL, {'day': day.strftime('%d/%m/%Y'), 'kind': 'off',
                   'add': '1'}, status=400)
    app.post(URL, {'day': day.strftime('%d/%m/%Y'), 'kind': 'off',
                   'add': '1', 'csrf_token': 'forged'}, status=400)
    assert stored(app, day) is None


def test_other_users_have_no_calendar(app):
    login(app, 'hotro.bd')
    app.get(URL, status=403)
    logout(app)
    # a Cục administrator: not on the Tổng cục, no tab on its own Cục
    login(app, 'quantri.hn')
    app.get(URL, status=403)
    page = app.get('/manage/thads/cuc-thads-ha-noi/@@nguoi-dung')
    assert 'lich-lam-viec' not in str(page.html.select_one('.nav-tabs'))
    app.get('/manage/thads/cuc-thads-ha-noi/@@lich-lam-viec', status=404)


def test_open_dossiers_follow_the_calendar(app_factory):
    app = app_factory(**{'httttha.captcha': 'false'})
    code = submit_dossier(app, 'HTTT01')
    year = next_year()
    monday = first(year, 3, 8)
    while monday.weekday() != 0 or not all(
            CAL.is_working_day(monday + datetime.timedelta(days=n))
            for n in (0, 1, 2, 3, 4, 7, 8)):
        monday += datetime.timedelta(days=1)
    root, closer = open_root(app)
    dossier = find_dossier(root, code)
    dossier.submitted = VN.localize(datetime.datetime.combine(
        monday, datetime.time(9))).astimezone(datetime.timezone.utc)
    on_submit(dossier, get_calendar(root))
    find_catalog(root, 'httttha').reindex_resource(dossier)
    transaction.commit()
    closer()
    assert_due = monday + datetime.timedelta(days=7)   # next Monday

    def due(counted=True):
        from httttha.services import statistics
        root, closer = open_root(app)
        try:
            dossier = find_dossier(root, code)
            found = [d.code for d in find_catalog(root, 'httttha')['due'].eq(
                dossier.due.toordinal()).execute()]
            assert code in found                   # the index follows
            if counted:
                # and the statistics, which count the overdue from it
                entry = statistics.find_store(root).counted[dossier.__oid__]
                assert entry[2][0][5] == dossier.due.toordinal()
            return dossier.due
        finally:
            closer()
    assert due(counted=False) == assert_due

    login(app, 'quantri.tc')
    wednesday = monday + datetime.timedelta(days=2)
    page = add(app.get(URL), wednesday, 'off').follow()
    assert due() == assert_due + datetime.timedelta(days=1)
    page = page.click(href=r'xoa=%s' % wednesday.isoformat())
    form = [f for f in page.forms.values() if 'remove' in f.fields][0]
    form.submit('remove').follow()
    assert due() == assert_due
