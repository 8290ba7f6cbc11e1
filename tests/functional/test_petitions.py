"""Petitions (HTTT02, B8): classify, assign, propose, send back, revise,
approve, answer, each by a demo user of the right role; refusals to other
roles and agencies; the three outcomes' notices; repeated petitions."""
import datetime

import pytest
import webtest

from httttha.workflows.dossier import state_of

from ..conftest import login, open_root
from .submission import fill, find_dossier, submit_dossier
from .test_back_office import (
    AGENCY_PATH,
    citizen_page,
    detail,
    dossier_path,
    pdf_text,
    queued,
)
from .test_lookup import text

ANSWER = 'Chi cục đã kiểm tra; việc thi hành bản án số 12 đang được tiếp tục.'


@pytest.fixture
def app(app_factory):
    return app_factory(**{'httttha.captcha': 'false'})


def user(app, name):
    browser = webtest.TestApp(app.app, extra_environ=dict(app.extra_environ))
    login(browser, name)
    return browser


def classify(app, code, **values):
    page = user(app, 'hotro.bd').get(dossier_path(code, 'phan-loai'))
    form = page.forms['deform']
    choices = dict({'content': 'kien_nghi', 'condition': 'eligible',
                    'jurisdiction': 'within', 'petitioners': 'several'},
                   **values)
    for name, value in choices.items():
        form[name] = value
    return page, form.submit('forward')


def assign(app, code, leader='khieunai.bd', officer='chuyenvien.bd',
           due='30/12/2026'):
    browser = user(app, leader)
    page = browser.get(dossier_path(code, 'phan-cong'))
    form = page.forms['deform']
    options = {label: value for value, _s, label in form['officer'].options}
    root, closer = open_root(app)
    full_name = root['principals']['users'][officer].full_name
    closer()
    form['officer'] = options[full_name]
    form['due'] = due
    return form.submit('assign')


def propose(app, code, outcome='reply', text=ANSWER, **values):
    browser = user(app, 'chuyenvien.bd')
    page = browser.get(dossier_path(code, 'de-xuat'))
    form = page.forms['deform']
    fill(form, dict(values, outcome=outcome, text=text))
    return page, form.submit('propose')


def decide(app, code, button, comment='', leader='lanhdao.bd'):
    browser = user(app, leader)
    page = browser.get(dossier_path(code, 'phe-duyet'))
    form = page.forms['deform']
    form['comment'] = comment
    return page, form.submit(button)


def answer(app, code, button='send_mail'):
    browser = user(app, 'hotro.bd')
    page = browser.get(dossier_path(code, 'tra-loi'))
    return browser, page.forms['deform'].submit(button)


def state(app, code):
    root, closer = open_root(app)
    try:
        return state_of(find_dossier(root, code))
    finally:
        closer()


def test_petition_through_every_step(app):
    code = submit_dossier(app, procedure='HTTT02')
    assert classify(app, code)[1].status_int == 302
    assert state(app, code) == 'awaiting_assignment'
    assert assign(app, code).status_int == 302
    assert state(app, code) == 'assigned'

    # the officer's queue "Assigned to me"
    officer = user(app, 'chuyenvien.bd')
    page = officer.get(AGENCY_PATH + '/@@ban-lam-viec',
                       params={'hang-doi': 'mine'})
    assert [a.get_text() for a in page.html.select('#dossiers a.code')] == \
        [code]

    propose(app, code, text='Bản dự thảo thứ nhất.')
    assert state(app, code) == 'awaiting_approval'
    page, response = decide(app, code, 'send_back',
                            comment='Nêu rõ số quyết định thi hành án.')
    assert 'Bản dự thảo thứ nhất.' in text(page, '#versions')
    assert state(app, code) == 'assigned'

    # the officer sees the comment and the earlier text, and revises
    page, response = propose(app, code, text=ANSWER)
    assert 'Nêu rõ số quyết định thi hành án.' in text(page, '#versions')
    assert 'Bản dự thảo thứ nhất.' in text(page, '#versions')
    decide(app, code, 'approve', leader='khieunai.bd')
    assert state(app, code) == 'approved'
    mails = len(queued(app))
    browser, response = answer(app, code)
    assert state(app, code) == 'completed'
    assert len(queued(app)) == mails + 1

    root, closer = open_root(app)
    try:
        dossier = find_dossier(root, code)
        actions = [e['action'] for e in dossier.timeline]
        assert actions == ['submitted', 'classify', 'assign', 'propose',
                           'send_back', 'propose', 'approve', 'answer']
        who = [e['who'] for e in dossier.timeline[1:]]
        users = root['principals']['users']
        assert who == [users[n].full_name for n in (
            'hotro.bd', 'khieunai.bd', 'chuyenvien.bd', 'lanhdao.bd',
            'chuyenvien.bd', 'khieunai.bd', 'hotro.bd')]
        assert [v['version'] for v in dossier.proposals] == [1, 2]
        assert dossier.proposals[0]['comment'] == \
            'Nêu rõ số quyết định thi hành án.'
        assert dossier.classification['content'] == 'kien_nghi'
    finally:
        closer()

    citizen, page = citizen_page(app, code)
    timeline = text(page, '#timeline')
    assert ANSWER in timeline
    assert 'Bản dự thảo thứ nhất.' not in page.text      # drafts stay inside
    assert 'Nêu rõ số quyết định' not in page.text
    notice = citizen.get(page.html.select_one('.notice-file a')['href'])
    assert ANSWER in pdf_text(notice.body)


@pytest.mark.parametrize('outcome, values, expected', [
    ('reply', {}, ANSWER),
    ('forward', {'forward_to': 'Tòa án nhân dân quận Ba Đình',
                 'forward_letter': '15/CV-CCTHADS'},
     'Tòa án nhân dân quận Ba Đình'),
    ('archive', {'earlier_code': 'K7Q-4M2-XD9'}, 'K7Q-4M2-XD9'),
])
def test_each_outcome_has_its_notice(app, outcome, values, expected):
    code = submit_dossier(app, procedure='HTTT02')
    classify(app, code)
    assign(app, code)
    propose(app, code, outcome=outcome, **values)
    decide(app, code, 'approve')
    browser, response = answer(app, code, button='send')
    page = response.follow()
    words = pdf_text(browser.get(page.html.select(
        '.notice-link')[-1]['href']).body)
    assert expected in words
    assert {'reply': 'trả lời', 'forward': 'chuyển đơn',
            'archive': 'lưu đơn'}[outcome] in words.lower()
    citizen, page = citizen_page(app, code)
    assert ANSWER in text(page, '#timeline')


def test_steps_refused_without_the_role(app):
    code = submit_dossier(app, procedure='HTTT02')

    def refused(name, view):
        return user(app, name).get(dossier_path(code, view),
                                   expect_errors=True).status_int == 403
    assert refused('chuyenvien.bd', 'phan-loai')      # drafts, not classify
    assert refused('hotro.hn', 'phan-loai')           # another agency
    classify(app, code)
    assert refused('hotro.bd', 'phan-cong')
    assert refused('chuyenvien.bd', 'phan-cong')
    assert refused('khieunai.hn', 'phan-cong')
    assign(app, code)
    assert refused('hotro.bd', 'de-xuat')
    assert refused('chuyenvien.hn', 'de-xuat')
    propose(app, code)
    assert refused('chuyenvien.bd', 'phe-duyet')
    assert refused('lanhdao.hn', 'phe-duyet')
    decide(app, code, 'approve')
    assert refused('chuyenvien.bd', 'tra-loi')
    assert refused('hotro.hn', 'tra-loi')
    assert state(app, code) == 'approved'


def test_only_the_assigned_officer_proposes(app):
    code = submit_dossier(app, procedure='HTTT02')
    classify(app, code)
    root, closer = open_root(app)
    from httttha.services.accounts.logins import add_user
    import transaction
    agency = find_dossier(root, code).agency
    other = add_user(root, app.app.registry, 'chuyenvien2.bd', 'Demo@2026x',
                     'cv2@example.invalid', full_name='Trần Thị Bích')
    other.must_change_password = False
    other.assign(agency, ['specialist'])
    transaction.commit()
    closer()
    assign(app, code, officer='chuyenvien2.bd')
    page, response = propose(app, code)
    assert state(app, code) == 'assigned'         # chuyenvien.bd is not it
    assert 'Chỉ cán bộ được phân công' in response.follow().text

    # the leader reassigns it, with a new deadline: recorded, and now the
    # first officer may propose
    assign(app, code, officer='chuyenvien.bd', due='15/01/2027')
    root, closer = open_root(app)
    dossier = find_dossier(root, code)
    assert [e['action'] for e in dossier.timeline][-2:] == ['assign',
                                                            'reassign']
    assert dossier.timeline[-1]['assignee'] == \
        root['principals']['users']['chuyenvien.bd'].full_name
    assert dossier.due == datetime.date(2027, 1, 15)
    closer()
    propose(app, code)
    assert state(app, code) == 'awaiting_approval'


def test_repeated_petition_is_shown_when_classifying(app):
    first = submit_dossier(app, procedure='HTTT02')
    second = submit_dossier(app, procedure='HTTT02', values={
        'applicant.phone': '0987 000 111'})    # same ID number
    page, _response = classify(app, second)
    assert [a.get_text() for a in page.html.select('#earlier a.code')] == \
        [first]
    page = user(app, 'hotro.bd').get(dossier_path(first, 'phan-loai'))
    assert [a.get_text() for a in page.html.select('#earlier a.code')] == \
        [second]


def test_workspace_filters_by_classification(app):
    code = submit_dossier(app, procedure='HTTT02')
    classify(app, code, condition='unclear')
    staff = user(app, 'khieunai.bd')

    def codes(**params):
        page = staff.get(AGENCY_PATH + '/@@ban-lam-viec', params=dict(
            {'hang-doi': 'assignment', 'thu-tuc': 'HTTT02'}, **params))
        return [a.get_text() for a in page.html.select('#dossiers a.code')]
    assert codes() == [code]
    assert codes(**{'pl-condition': 'unclear'}) == [code]
    assert codes(**{'pl-condition': 'eligible'}) == []
    assert codes(**{'pl-content': 'kien_nghi', 'pl-petitioners':
                    'several'}) == [code]
    assert text(detail(staff, code), '#summary').count('Kiến nghị') >= 1
