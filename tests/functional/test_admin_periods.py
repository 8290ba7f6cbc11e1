"""Khóa số liệu (issue 15 item 5, SPEC C6, Quy chế Điều 7): a reporting
month closes 10 days after its end; staff steps on a dossier received in
a closed month are refused unless a grant of the Tổng cục covers them.

On the living data (dossiers received in February and March 2026) with
the clock frozen in April 2026: March is closed from 11/04/2026."""
import datetime
import re

import pytest
import time_machine
import webtest

from httttha.content.dossier import VN
from httttha.services.backoffice import periods
from httttha.services.demo import demo_dossiers
from httttha.workflows.dossier import state_of

from ..conftest import flash_text, login, open_root
from .submission import fill, find_dossier, png_bytes, submit_dossier
from .test_lookup import open_with_id

URL = '/manage/thads/@@khoa-so-lieu'
HANOI = '/manage/thads/cuc-thads-ha-noi'
BA_DINH = HANOI + '/chi-cuc-thads-ba-dinh'
PATHS = {'bd': BA_DINH, 'hn': HANOI}
CLOSED_ON = '11/04/2026'


def vn(year, month, day, hour=10, minute=0):
    """A moment of a day in Vietnam."""
    return VN.localize(datetime.datetime(
        year, month, day, hour, minute)).astimezone(datetime.timezone.utc)


#: the last minutes of March's data (it closes from 11/04 on, Vietnam's
#: day), the first ones after (within a session's idle timeout), later
LAST_MINUTES = vn(2026, 4, 10, 23, 50)
FIRST_MINUTES = vn(2026, 4, 11, 0, 5)
CLOSED_DAY = vn(2026, 4, 20)


@pytest.fixture
def clock(living_db):
    """The clock, frozen in April 2026 (the living data is built before,
    as it always is); tests move it on."""
    with time_machine.travel(CLOSED_DAY, tick=True) as traveller:
        yield traveller


@pytest.fixture
def app(clock, living_app_factory):
    app = living_app_factory(**{'httttha.captcha': 'false'})
    # the living data is older than the lock's store: lock it from
    # January 2026 on, as the Tổng cục's administrator does on the screen
    admin = browser(app, 'quantri.tc')
    form = admin.get(URL).forms['since-form']
    form['since'] = '01/2026'
    page = form.submit('set_since').follow()
    assert 'Khóa số liệu được áp dụng từ kỳ 01/2026.' in flash_text(page)
    return app


def browser(app, name):
    user = webtest.TestApp(app.app, extra_environ=dict(app.extra_environ))
    login(user, name)
    return user


def dossier_of(app, key):
    """What a step may change of demo dossier ``key``: code, period,
    state, timeline, files, proposals, assignee."""
    root, closer = open_root(app)
    try:
        dossier = find_dossier(root, demo_dossiers(root)[key])
        return {'code': dossier.code,
                'period': periods.dossier_period(dossier).label(),
                'state': state_of(dossier),
                'timeline': [dict(e) for e in dossier.timeline],
                'files': sorted(dossier.keys()),
                'proposals': [dict(p) for p in dossier.proposals or ()],
                'assignee': dossier.assignee,
                'id_number': dossier.applicant['id_number']}
    finally:
        closer()


def path(app, key, view):
    """The back-office URL of view ``view`` of demo dossier ``key``."""
    return '%s/ho-so/%s/@@%s' % (PATHS[key.split(':')[0]],
                                 dossier_of(app, key)['code'], view)


def transfer_form(page):
    return [f for f in page.forms.values()
            if f.action.endswith('@@chuyen-thu-ly')][0]


def fill_accept(form):
    """The "Hỗ trợ" form filled in: complete and valid, an appointment."""
    fill(form, {'support': 'valid', 'message': 'Mời Ông/Bà mang bản gốc.',
                'appointment.date': '05/05/2026',
                'appointment.place': 'Phòng tiếp dân'})
    return form


def grant(app, agency_code, month='03/2026', until='22/04/2026',
          subtree=False, kind='month', year=''):
    admin = browser(app, 'quantri.tc')
    form = admin.get(URL).forms['grant-form']
    form['agency'] = agency_code
    form['subtree'] = subtree
    form['kind'] = kind
    form['month'] = month
    form['year'] = year
    form['reason'] = 'Cập nhật kết quả hỗ trợ bị nhập thiếu.'
    form['document'] = '123/CTHADS-VP'
    form['document_date'] = '15/04/2026'
    form['valid_until'] = until
    return form.submit('add')


def agency_code(app, prefix):
    root, closer = open_root(app)
    try:
        agency = root['thads']['cuc-thads-ha-noi']
        if prefix == 'bd':
            agency = agency['chi-cuc-thads-ba-dinh']
        return agency.code
    finally:
        closer()


def refused_message(page):
    return re.sub(r'\s+', ' ', flash_text(page))


SUBMITTED = 'bd:HTTT01:online:submitted'
ORIGINALS = 'bd:HTTT01:online:originals_received'


# -- refusal ------------------------------------------------------------------

def test_a_step_opened_before_the_closing_is_refused_after_it(app, clock):
    """The officer opens "Hỗ trợ" on a dossier received in March at 23:50
    on 10/04 (Vietnam), when March is still open, and sends it at 00:05 on
    11/04 (still 10/04 on a UTC machine): the step is refused with the
    reason (Điều 7), the dossier is unchanged."""
    before = dossier_of(app, SUBMITTED)
    assert before['period'] == '03/2026' and before['state'] == 'submitted'
    clock.move_to(LAST_MINUTES)
    officer = browser(app, 'hotro.bd')
    form = fill_accept(officer.get(path(app, SUBMITTED, 'ho-tro')).forms[
        'deform'])
    clock.move_to(FIRST_MINUTES)
    page = form.submit('send').follow()
    message = refused_message(page)
    assert 'Hồ sơ %s được tiếp nhận trong kỳ báo cáo 03/2026, đã khóa ' \
        'số liệu từ ngày %s.' % (before['code'], CLOSED_ON) in message
    assert 'Điều 7' in message and 'Tổng cục Thi hành án dân sự cho ' \
        'phép' in message
    after = dossier_of(app, SUBMITTED)
    assert after == before
    # opening the step again says so at once, before any typing
    page = officer.get(path(app, SUBMITTED, 'ho-tro')).follow()
    assert 'đã khóa số liệu từ ngày %s' % CLOSED_ON in \
        refused_message(page)
    assert page.html.select_one('form#deform') is None


def test_a_step_without_form_is_refused_by_the_workflow(app):
    """"Chuyển thụ lý THA" (a button, no form): refused by the event the
    workflow sends before every transition; the dossier is unchanged."""
    before = dossier_of(app, ORIGINALS)
    assert before['state'] == 'originals_received'
    officer = browser(app, 'hotro.bd')
    detail = officer.get(path(app, ORIGINALS, 'chi-tiet'))
    form = transfer_form(detail)
    page = form.submit().follow()
    assert 'đã khóa số liệu từ ngày %s' % CLOSED_ON in \
        refused_message(page)
    assert dossier_of(app, ORIGINALS) == before


def test_a_leaders_petition_step_is_refused_too(app):
    key = 'bd:HTTT02:online:awaiting_assignment'
    before = dossier_of(app, key)
    leader = browser(app, 'lanhdao.bd')
    page = leader.get(path(app, key, 'phan-cong')).follow()
    assert 'Hồ sơ %s được tiếp nhận trong kỳ báo cáo %s' % (
        before['code'], before['period']) in refused_message(page)
    assert dossier_of(app, key) == before


def test_dossiers_of_the_open_period_are_unaffected(app):
    """A dossier received today (April, open) is processed as always."""
    citizen = webtest.TestApp(app.app, extra_environ=dict(app.extra_environ))
    code = submit_dossier(citizen, 'HTTT01')
    officer = browser(app, 'hotro.bd')
    page = officer.get('%s/ho-so/%s/@@ho-tro' % (BA_DINH, code))
    page = fill_accept(page.forms['deform']).submit('send').follow()
    assert 'khóa số liệu' not in refused_message(page)
    root, closer = open_root(app)
    try:
        assert state_of(find_dossier(root, code)) == 'accepted'
    finally:
        closer()


def test_the_citizen_still_supplements_then_the_officer_is_refused(app):
    """The citizen's supplement answers the officer's request: it is not
    refused (the citizen does not change the period's data); the
    officer's next step is."""
    key = 'bd:HTTT01:online:needs_supplement'
    before = dossier_of(app, key)
    assert before['period'] == '03/2026'
    citizen = webtest.TestApp(app.app, extra_environ=dict(app.extra_environ))
    page = open_with_id(citizen, before['code'],
                        before['id_number']).follow()
    form = page.click(href='/bo-sung-ho-so/').forms['supplement']
    fill(form, {'files.other_1.upload': webtest.Upload(
        'Bản sao.png', png_bytes(), 'image/png'), 'declaration': True})
    form.submit('send').follow()
    assert dossier_of(app, key)['state'] == 'resubmitted'
    officer = browser(app, 'hotro.bd')
    page = officer.get(path(app, key, 'ho-tro')).follow()
    assert 'đã khóa số liệu từ ngày %s' % CLOSED_ON in \
        refused_message(page)
    assert dossier_of(app, key)['state'] == 'resubmitted'


# -- grants ---------------------------------------------------------------------

def test_a_grant_allows_the_step_until_it_expires(app, clock):
    page = grant(app, agency_code(app, 'bd')).follow()
    assert 'Đã cấp cho phép số 1: Chi cục Thi hành án dân sự quận Ba ' \
        'Đình được cập nhật dữ liệu kỳ 03/2026 đến hết ngày 22/04/2026.' \
        in flash_text(page)
    row = page.html.select_one('#grant-list tr[data-number="1"]')
    assert '123/CTHADS-VP, ngày 15/04/2026' in row.get_text()
    assert row.select_one('.state').get_text().strip() == 'Còn hiệu lực'
    officer = browser(app, 'hotro.bd')
    form = fill_accept(officer.get(path(app, SUBMITTED, 'ho-tro')).forms[
        'deform'])
    page = form.submit('send').follow()
    assert 'khóa số liệu' not in refused_message(page)
    assert dossier_of(app, SUBMITTED)['state'] == 'accepted'
    # the last minutes of the grant, then the day after
    clock.move_to(vn(2026, 4, 22, 23, 55))
    officer = browser(app, 'hotro.bd')
    detail = officer.get(path(app, ORIGINALS, 'chi-tiet'))
    form = transfer_form(detail)
    clock.move_to(vn(2026, 4, 23, 0, 10))
    before = dossier_of(app, ORIGINALS)
    page = form.submit().follow()
    assert 'đã khóa số liệu từ ngày %s' % CLOSED_ON in \
        refused_message(page)
    assert dossier_of(app, ORIGINALS) == before
    admin = browser(app, 'quantri.tc')
    row = admin.get(URL).html.select_one('#grant-list tr[data-number="1"]')
    assert row.select_one('.state').get_text().strip() == 'Hết hạn'
    assert row.select_one('a.revoke') is None


def test_a_grant_without_subtree_does_not_cover_the_chi_cuc(app):
    grant(app, agency_code(app, 'hn'))
    before = dossier_of(app, SUBMITTED)
    officer = browser(app, 'hotro.bd')
    page = officer.get(path(app, SUBMITTED, 'ho-tro')).follow()
    assert 'đã khóa số liệu' in refused_message(page)
    assert dossier_of(app, SUBMITTED) == before
    # the Cục's own dossier is covered
    hanoi = browser(app, 'hotro.hn')
    page = hanoi.get(path(app, 'hn:HTTT01:online:submitted', 'ho-tro'))
    assert page.html.select_one('form#deform') is not None
    # with its sub-agencies, the Chi cục's too
    grant(app, agency_code(app, 'hn'), subtree=True)
    page = officer.get(path(app, SUBMITTED, 'ho-tro'))
    page = fill_accept(page.forms['deform']).submit('send').follow()
    assert dossier_of(app, SUBMITTED)['state'] == 'accepted'


def test_a_grant_of_a_reporting_year(app):
    """A grant for the reporting year 2025-2026 covers March 2026."""
    grant(app, agency_code(app, 'bd'), kind='year', month='', year='2026')
    officer = browser(app, 'hotro.bd')
    detail = officer.get(path(app, ORIGINALS, 'chi-tiet'))
    form = transfer_form(detail)
    form.submit().follow()
    assert dossier_of(app, ORIGINALS)['state'] == 'in_processing'


def test_revoking_asks_first_then_refuses_again(app):
    grant(app, agency_code(app, 'bd'))
    admin = browser(app, 'quantri.tc')
    page = admin.get(URL).click(href=r'thu-hoi=1')
    panel = page.html.select_one('#confirm-revoke')
    assert 'Thu hồi cho phép số 1' in panel.get_text()
    assert [b.get_text() for b in panel.select('button, a')] == [
        'Đồng ý', 'Hủy']
    # Hủy: nothing changes
    page = page.click(linkid='revoke-cancel')
    assert page.html.select_one('#confirm-revoke') is None
    row = page.html.select_one('#grant-list tr[data-number="1"]')
    assert row.select_one('.state').get_text().strip() == 'Còn hiệu lực'
    page = admin.get(URL + '?thu-hoi=1')
    form = [f for f in page.forms.values() if 'number' in f.fields][0]
    page = form.submit('revoke').follow()
    assert 'Đã thu hồi cho phép số 1.' in flash_text(page)
    row = page.html.select_one('#grant-list tr[data-number="1"]')
    assert row.select_one('.state').get_text().strip().startswith(
        'Đã thu hồi')
    officer = browser(app, 'hotro.bd')
    page = officer.get(path(app, SUBMITTED, 'ho-tro')).follow()
    assert 'đã khóa số liệu' in refused_message(page)


# -- the screen -----------------------------------------------------------------

def test_the_periods_and_their_state(app):
    admin = browser(app, 'quantri.tc')
    landing = admin.get('/manage/@@httt').follow()
    tab = [a for a in landing.html.select('.nav-tabs a')
           if a.get('href', '').endswith('@@khoa-so-lieu')]
    assert [a.get_text().strip() for a in tab] == ['Khóa số liệu']
    page = admin.get(URL)

    def state(label):
        row = page.html.select_one('#period-list tr[data-period="%s"]'
                                   % label)
        return re.sub(r'\s+', ' ', row.select('td')[-1].get_text()).strip()
    assert state('04/2026') == 'Đang mở (khóa từ ngày 11/05/2026)'
    assert state('03/2026') == 'Đã khóa từ ngày 11/04/2026'
    assert state('01/2026') == 'Đã khóa từ ngày 11/02/2026'
    assert state('12/2025') == 'Không áp dụng khóa'
    assert 'Một tháng tự động khóa 10 ngày sau ngày cuối tháng' in \
        re.sub(r'\s+', ' ', page.html.get_text())


def test_the_closing_delay_is_a_setting(clock, living_app_factory):
    app = living_app_factory(**{'httttha.period_close_days': '25'})
    admin = browser(app, 'quantri.tc')
    form = admin.get(URL).forms['since-form']
    form['since'] = '01/2026'
    page = form.submit('set_since').follow()
    row = page.html.select_one('#period-list tr[data-period="03/2026"]')
    assert 'Đang mở (khóa từ ngày 26/04/2026)' in row.get_text()


def test_a_wrong_grant_keeps_the_input(app):
    admin = browser(app, 'quantri.tc')
    form = admin.get(URL).forms['grant-form']
    form['agency'] = agency_code(app, 'bd')
    form['subtree'] = True
    form['kind'] = 'month'
    form['month'] = '04/2026'              # not over yet
    form['reason'] = 'Nhập thiếu kết quả.'
    form['document'] = ''
    form['document_date'] = '31/02/2026'
    form['valid_until'] = '01/04/2026'     # in the past
    page = form.submit('add')
    assert page.status_int == 200
    errors = [p.get_text() for p in page.html.select('.error-msg')]
    assert errors == ['Nhập số, ký hiệu văn bản.',
                      'Nhập ngày theo dạng dd/mm/yyyy, ví dụ 02/09/2027.',
                      'Ngày hết hiệu lực không được trước ngày hôm nay.']
    form = page.forms['grant-form']
    assert form['agency'].value == agency_code(app, 'bd')
    assert form['subtree'].checked
    assert form['reason'].value == 'Nhập thiếu kết quả.'
    assert form['month'].value == '04/2026'
    # the fields right, the month not over: said on the month
    form['document'] = '12/CTHADS'
    form['document_date'] = '15/04/2026'
    form['valid_until'] = '30/04/2026'
    page = form.submit('add')
    assert 'Chọn một tháng đã kết thúc.' in page.html.select_one(
        '#grant-form').get_text()
    assert page.html.select_one('#grant-list') is None   # nothing stored
    buttons = [b.get_text().strip() for b in page.html.select(
        '#grant-form button, #grant-form a.btn')]
    assert buttons == ['Cập nhật', 'Nhập lại', 'Hủy']


# -- who may ----------------------------------------------------------------------

@pytest.mark.parametrize('name', ['quantri.hn', 'hotro.bd', 'lanhdao.hn'])
def test_only_the_tong_cucs_administrators_reach_the_screen(app, name):
    user = browser(app, name)
    assert user.get(URL, status=403).status_int == 403
    token = user.get('/manage/@@httt').follow().html.select_one(
        'input[name=csrf_token]')
    csrf = token['value'] if token is not None else ''
    user.post(URL, {'csrf_token': csrf, 'agency': agency_code(app, 'bd'),
                    'kind': 'month', 'month': '03/2026', 'reason': 'x',
                    'document': '1', 'document_date': '15/04/2026',
                    'valid_until': '30/04/2026', 'add': '1'}, status=403)
    user.get(HANOI + '/@@khoa-so-lieu', status=403)
    root, closer = open_root(app)
    try:
        assert len(periods.find_periods(root).grants) == 0
    finally:
        closer()
    # no tab on their own agency either
    landing = user.get('/manage/@@httt').follow()
    assert 'khoa-so-lieu' not in str(landing.html.select_one('.nav-tabs'))


def test_the_screen_is_the_tong_cucs_only(app):
    admin = browser(app, 'quantri.tc')
    admin.get(HANOI + '/@@khoa-so-lieu', status=404)


def test_posts_need_the_csrf_token(app):
    grant(app, agency_code(app, 'bd'))
    admin = browser(app, 'quantri.tc')
    admin.get(URL)
    values = {'agency': agency_code(app, 'bd'), 'kind': 'month',
              'month': '02/2026', 'reason': 'x', 'document': '1',
              'document_date': '15/04/2026', 'valid_until': '30/04/2026',
              'add': '1'}
    admin.post(URL, values, status=400)
    admin.post(URL, dict(values, csrf_token='forged'), status=400)
    admin.post(URL, {'number': '1', 'revoke': '1'}, status=400)
    admin.post(URL, {'since': '01/2020', 'set_since': '1'}, status=400)
    root, closer = open_root(app)
    try:
        store = periods.find_periods(root)
        assert list(store.grants.keys()) == [1]
        assert store.grants[1].revoked is None
        assert store.since == datetime.date(2026, 1, 1)
    finally:
        closer()


def test_bad_input_is_answered_in_vietnamese_never_500(app):
    admin = browser(app, 'quantri.tc')
    page = admin.get(URL + '?thu-hoi=99999999999999999999')
    assert page.html.select_one('#confirm-revoke') is None
    admin.get(URL + '?thu-hoi=abc')
    token = admin.get(URL).forms['grant-form']['csrf_token'].value
    for number in ('99999999999999999999', '-1', '', '7'):
        page = admin.post(URL, {'csrf_token': token, 'number': number,
                                'revoke': '1'}).follow()
        assert 'Cho phép này không còn hiệu lực.' in flash_text(page)
    page = admin.post(URL, {'csrf_token': token, 'agency': 'KHONG-CO',
                            'kind': 'quarter', 'month': '13/2026',
                            'year': 'abcd', 'document_date': 'x',
                            'valid_until': '31/12/2099', 'reason': ' ',
                            'document': 'y' * 300, 'add': '1'})
    errors = [p.get_text() for p in page.html.select('.error-msg')]
    assert errors[:2] == ['Chọn đơn vị.', 'Nhập tháng theo dạng mm/yyyy, '
                                          'ví dụ 03/2026.']
    assert 'Tối đa 200 ký tự.' in errors
    assert 'Cho phép có hiệu lực tối đa một năm.' in errors
    page = admin.post(URL, {'csrf_token': token, 'since': '2026',
                            'set_since': '1'})
    assert page.html.select_one('#since-form .error-msg').get_text() == \
        'Nhập tháng theo dạng mm/yyyy, ví dụ 03/2026.'


def test_the_evolve_step_gives_an_older_site_the_lock(clock, app_factory):
    """A site made before the lock gets its store (locking from the month
    of the upgrade) and the Tổng cục's administrators their permission."""
    import transaction
    from substanced.util import get_acl, set_acl
    from httttha.evolve import add_period_lock
    from httttha.permissions import MANAGE_PERIODS
    app = app_factory()
    root, closer = open_root(app)
    try:
        delattr(root, periods._ATTR)
        set_acl(root, [(action, who, tuple(p for p in perms
                                          if p != MANAGE_PERIODS))
                       if isinstance(perms, (list, tuple)) else
                       (action, who, perms)
                       for action, who, perms in get_acl(root, [])])
        transaction.commit()
        admin = browser(app, 'quantri.tc')
        admin.get(URL, status=403)
        add_period_lock(root, app.app.registry)
        transaction.commit()
        assert periods.find_periods(root).since == datetime.date(2026, 4, 1)
    finally:
        transaction.abort()
        closer()
    page = admin.get(URL)
    row = page.html.select_one('#period-list tr[data-period="03/2026"]')
    assert 'Không áp dụng khóa' in row.get_text()
