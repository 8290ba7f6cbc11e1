"""The staff layout made for the work (issue 19): Bàn làm việc one click
away, a keyword search over every queue, the queues in groups, Xuất phiếu
as a download beside the form, Vietnam's time on every staff page and
timeline entries named for what happened."""
import datetime
import re

import pytest
import time_machine
import webtest

from httttha import vntime
from httttha.services.demo import demo_dossiers
from httttha.workflows.dossier import state_of

from ..conftest import login, open_root
from .submission import fill, find_dossier, submit_dossier
from .test_back_office import AGENCY_PATH, dossier_path
from .test_lookup import text
from .test_petitions import assign, classify, propose, user

WORKSPACE = AGENCY_PATH + '/@@ban-lam-viec'


@pytest.fixture
def app(app_factory):
    return app_factory(**{'httttha.captcha': 'false'})


def officer(app, name='hotro.bd'):
    staff = webtest.TestApp(app.app, extra_environ=dict(app.extra_environ))
    login(staff, name)
    return staff


def demo_code(app, key):
    root, closer = open_root(app)
    try:
        return demo_dossiers(root)[key]
    finally:
        closer()


def codes(page):
    return [a.get_text() for a in page.html.select('#dossiers a.code')]


def test_workspace_link_in_the_header_of_a_dossier(living_app):
    code = demo_code(living_app, 'bd:HTTT01:online:completed')
    staff = officer(living_app)
    page = staff.get(dossier_path(code, 'chi-tiet'))
    link = page.html.select_one('#header-workspace')
    assert ' '.join(link.get_text().split()) == 'Bàn làm việc'
    # one click: the user's first screen, the workspace of its unit
    page = staff.get(link['href']).maybe_follow()
    assert page.request.path == WORKSPACE
    assert text(page, 'h1') == 'Bàn làm việc'


def test_a_search_with_many_hits_counts_them_not_each_queue(living_app,
                                                           monkeypatch):
    # the commonest family name of Ba Đình's demo applicants
    from collections import Counter
    from httttha.services.backoffice import workspace
    from httttha.text import fold
    root, closer = open_root(living_app)
    try:
        names = [find_dossier(root, code).applicant_name
                 for key, code in demo_dossiers(root).items()
                 if key.startswith('bd:')]
    finally:
        closer()
    family = Counter(fold(n.split()[0]) for n in names).most_common(1)[0]
    assert family[1] >= 3, names
    staff = officer(living_app)
    search = {'tu-khoa': family[0], 'tim-kiem': '1'}
    few = staff.get(WORKSPACE, params=search)
    total = int(text(few, '#queue-all .badge'))
    each = {a['id']: int(a.select_one('.badge').get_text())
            for a in few.html.select('#queues a')}
    assert total >= family[1] and few.html.select_one('#search-many') is None
    # above FILTER_BELOW hits: the hits counted, each queue's count left
    # out and said so; the list is the same
    monkeypatch.setattr(workspace, 'FILTER_BELOW', 1)
    many = staff.get(WORKSPACE, params=search)
    assert text(many, '#queue-all .badge') == str(total)
    assert [b.parent['id'] for b in many.html.select('#queues .badge')] == [
        'queue-all']
    assert 'không đếm riêng từng hàng đợi' in text(many, '#search-many')
    assert codes(many) == codes(few)
    # a queue's tab: its hits, counted
    queue = [q for q, n in each.items() if n and q != 'queue-all'][0]
    narrowed = staff.get(many.html.select_one('#' + queue)['href'])
    assert text(narrowed, '#%s .badge' % queue) == str(each[queue])
    assert len(codes(narrowed)) == min(each[queue], 20)


def test_search_from_the_default_queue_spans_every_queue(living_app):
    done = demo_code(living_app, 'bd:HTTT01:online:completed')
    staff = officer(living_app)
    page = staff.get(WORKSPACE)
    # the default queue holds only new dossiers
    assert 'active' in page.html.select_one('#queue-new').parent['class']
    assert done not in codes(page)

    form = page.forms['filters']
    form['tu-khoa'] = done
    found = form.submit('tim-kiem')
    assert codes(found) == [done]
    assert text(found, '#dossiers td.queue-name') == 'Đã trả kết quả'
    assert text(found, '#queue-all .badge') == '1'
    assert text(found, '#queue-completed .badge') == '1'
    assert text(found, '#queue-new .badge') == '0'
    assert 'mọi hàng đợi' in text(found, '#search-scope')

    # a queue's tab narrows the hits; searching again spans them all
    narrowed = staff.get(found.html.select_one('#queue-new')['href'])
    assert codes(narrowed) == []
    assert narrowed.html.select_one('#dossiers td.queue-name') is None
    again = narrowed.forms['filters'].submit('tim-kiem')
    assert codes(again) == [done]
    back = staff.get(again.html.select_one(
        '#dossiers td.queue-name a')['href'])
    assert codes(back) == [done]
    assert 'active' in back.html.select_one(
        '#queue-completed').parent['class']

    # without a keyword, the filters keep the queue chosen
    page = staff.get(WORKSPACE, params={'hang-doi': 'completed'})
    form = page.forms['filters']
    form['thu-tuc'] = 'HTTT01'
    kept = form.submit('tim-kiem')
    assert done in codes(kept)
    assert 'active' in kept.html.select_one(
        '#queue-completed').parent['class']
    # "every queue" means nothing without a keyword: the default queue
    page = staff.get(WORKSPACE, params={'hang-doi': 'all', 'tim-kiem': 'x'})
    assert page.html.select_one('#queue-all') is None
    assert 'active' in page.html.select_one('#queue-new').parent['class']


def test_queues_are_grouped(living_app):
    page = officer(living_app).get(WORKSPACE)
    groups = {g.select_one('.queue-group-title').get_text(): [
        a['id'] for a in g.select('a')]
        for g in page.html.select('#queues .queue-group')}
    assert groups == {
        'Tiếp nhận': ['queue-new', 'queue-resubmitted', 'queue-waiting',
                      'queue-accepted'],
        'Đang xử lý': ['queue-processing', 'queue-assignment',
                       'queue-mine', 'queue-assigned', 'queue-approval',
                       'queue-approved'],
        'Cần chú ý': ['queue-overdue', 'queue-unsatisfied'],
        'Đã xong': ['queue-completed', 'queue-refused'],
    }


def test_print_the_notice_then_send_from_the_same_form(app):
    code = submit_dossier(app)
    staff = officer(app)
    page = staff.get(dossier_path(code, 'ho-tro'))
    form = page.forms['deform']
    fill(form, {'support': 'valid', 'message': 'Mời Ông/Bà mang bản gốc.',
                'appointment.date': (vntime.today() + datetime.timedelta(
                    days=10)).strftime('%d/%m/%Y'),
                'appointment.place': 'Phòng tiếp dân, 12 Đội Cấn'})

    # Xuất phiếu: a download, so the browser stays on the form
    notice = form.submit('preview')
    assert notice.content_type == 'application/pdf'
    assert notice.headers['Content-Disposition'].startswith('attachment;')
    root, closer = open_root(app)
    assert state_of(find_dossier(root, code)) == 'submitted'
    closer()

    # Gửi, from the same form as it was
    sent = form.submit('send')
    assert sent.status_int == 302
    assert text(sent.follow(), '#state') == 'Hợp lệ, chờ nhận hồ sơ gốc'


def test_walk_in_timeline_says_received_in_person(living_app):
    walk_in = demo_code(living_app, 'bd:HTTT01:counter:submitted')
    online = demo_code(living_app, 'bd:HTTT01:online:submitted')
    staff = officer(living_app)
    first = staff.get(dossier_path(walk_in, 'chi-tiet')).html.select_one(
        '#timeline tbody tr td:nth-of-type(2)')
    assert first.get_text().strip() == 'Tiếp nhận trực tiếp'
    first = staff.get(dossier_path(online, 'chi-tiet')).html.select_one(
        '#timeline tbody tr td:nth-of-type(2)')
    assert first.get_text().strip() == 'Gửi hồ sơ trực tuyến'


#: 23:11 on 30/11 in UTC is 06:11 on 01/12 in Vietnam
LATE_UTC = datetime.datetime(2026, 11, 30, 23, 11,
                             tzinfo=datetime.timezone.utc)


def test_petition_pages_show_vietnam_time(app):
    with time_machine.travel(LATE_UTC, tick=True):
        first = submit_dossier(app, procedure='HTTT02')
        code = submit_dossier(app, procedure='HTTT02', values={
            'applicant.phone': '0987 000 111'})    # same ID number
        # the earlier petition, on the day it came in Vietnam
        page, _response = classify(app, code)
        (earlier,) = page.html.select('#earlier li')
        assert first in earlier.get_text()
        assert '01/12/2026' in earlier.get_text()
        assert '30/11/2026' not in earlier.get_text()
        assign(app, code, due='30/12/2026')
        propose(app, code, text='Bản dự thảo thứ nhất.')
    # the draft version and the timeline say the same time
    page = user(app, 'lanhdao.bd').get(dossier_path(code, 'phe-duyet'))
    heading = text(page, '#versions .panel-heading')
    assert heading.startswith('Phiên bản 1 - ')
    assert re.search(r' - 01/12/2026 06:1\d$', heading), heading
    timeline = user(app, 'lanhdao.bd').get(dossier_path(code, 'chi-tiet'))
    times = [td.get_text() for td in timeline.html.select(
        '#timeline tbody tr td:nth-of-type(1)')]
    assert times and all(t.startswith('01/12/2026 06:1') for t in times)
