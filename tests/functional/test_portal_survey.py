"""Đánh giá mức độ hài lòng (issue 16, A7) on the living data: the forms
edited per agency and procedure, a completed dossier assessed once from
its page or the result mail's link, the free survey with its CAPTCHA,
the results, the follow-up queue of a low answer, and who may do what."""
import io
import re

import openpyxl
import pytest
import webtest

from httttha.services.demo import demo_dossiers, regional_logins
from httttha.services.intake import captcha
from httttha.services.intake.scratch import ensure_scratch

from ..conftest import login, logout, open_root
from .submission import BA_DINH as BA_DINH_CODE, fields_by_path

HANOI = '/manage/thads/cuc-thads-ha-noi'
BA_DINH = HANOI + '/chi-cuc-thads-ba-dinh'
SECRET_TEXT = 'Góp ý riêng: cán bộ Nguyễn Văn Z trả lời chậm'


@pytest.fixture
def app(living_app_factory):
    return living_app_factory(**{'httttha.captcha': 'false'})


def demo(app, key):
    """(code, ID number) of the demo dossier of scenario ``key``."""
    root, closer = open_root(app)
    try:
        code = demo_dossiers(root)[key]
        from httttha.services.intake.lookup import dossier_by_code
        dossier = dossier_by_code(root, code)
        return code, dossier.declared['applicant']['id_number']
    finally:
        closer()


def citizen(app):
    """Another browser (no staff session)."""
    return webtest.TestApp(app.app, extra_environ=dict(app.extra_environ))


def open_dossier(browser, code, id_number):
    page = browser.get('/ho-so/%s' % code)
    form = page.forms['check-form']
    form['so-giay-to'] = id_number
    return form.submit().follow()


def text(page, selector):
    found = page.html.select_one(selector)
    return ' '.join(found.get_text().split()) if found else ''


def questions(page):
    """{question text: [field]} of the survey form shown."""
    form = page.forms['survey']
    result = {}
    for item in page.html.select('#survey .form-group, #survey .field'):
        label = item.select_one('label, legend')
        if label is None:
            continue
        title = ' '.join(label.get_text().replace('*', '').split())
        names = {i.get('name') for i in item.select('input, textarea')}
        result[title] = names
    return form, result


def answer(page, scale='rat_hai_long', comment=''):
    """Fill every scale question with ``scale``, the first option of the
    single choices, and the free text with ``comment``."""
    form = page.forms['survey']
    fields = fields_by_path(form)
    for path, found in fields.items():
        first = found[0]
        if path in ('csrf_token', '_charset_', '__formid__', 'ma',
                    'co-quan', 'thu-tuc') or path.startswith('captcha'):
            continue
        tag = getattr(first, 'tag', '')
        if tag == 'textarea':
            first.value = comment
        elif first.__class__.__name__ == 'Radio':
            options = first.options
            values = [v for v, _s, *_rest in options]
            first.value = scale if scale in values else values[0]
    return form


def ba_dinh_own_form(app):
    """Hà Nội's administrator gives Ba Đình its own HTTT01 form with a
    question of its own; returns the questions page."""
    login(app, 'quantri.hn')
    page = app.get(BA_DINH + '/@@khao-sat')
    row = page.html.select_one('tr[data-procedure="HTTT01"] .owner')
    assert 'Dùng mẫu của Tổng cục Thi hành án dân sự' in row.get_text()
    assert 'mẫu chung toàn quốc' in row.get_text()
    create = [f for f in page.forms.values()
              if f.get('thu-tuc', default=None) is not None
              and f['thu-tuc'].value == 'HTTT01'][0]
    page = create.submit().follow()
    assert 'Mẫu phiếu khảo sát HTTT01' in page.text
    page = page.click(href='@@them-cau-hoi')
    form = page.forms['deform']
    form['text'] = 'Cán bộ Chi cục Ba Đình có hướng dẫn tận tình không?'
    form['kind'] = 'scale'
    form['required'] = True
    page = form.submit('update').follow()
    assert 'Cán bộ Chi cục Ba Đình có hướng dẫn tận tình không?' in \
        text(page, '#questions')
    logout(app)
    return page


def test_form_edited_per_agency_with_audit(app):
    page = ba_dinh_own_form(app)
    login(app, 'quantri.hn')
    page = app.get(page.request.url)
    rows = page.html.select('#questions tbody tr')
    last = rows[-1]
    assert 'Ba Đình' in last.select_one('.text').get_text()
    # a choice without options is refused, keeping the text typed
    edit = app.get(BA_DINH + '/khao-sat/HTTT01/@@sua-cau-hoi',
                   params={'q': last['data-qid']})
    form = edit.forms['deform']
    form['text'] = 'Ông/Bà đến Chi cục bằng phương tiện gì?'
    form['kind'] = 'single'
    form['choices'] = 'Xe máy'
    failed = form.submit('update')
    assert 'ít nhất hai lựa chọn' in failed.text
    assert 'Ông/Bà đến Chi cục bằng phương tiện gì?' in failed.text
    form = failed.forms['deform']
    form['choices'] = 'Xe máy\nÔ tô\nĐi bộ'
    page = form.submit('update').follow()
    assert 'Xe máy; Ô tô; Đi bộ' in text(page, '#questions')
    # moved up one place
    qids = [tr['data-qid'] for tr in page.html.select('#questions tbody tr')]
    move = [f for f in page.forms.values()
            if f.get('q', default=None) is not None
            and f['q'].value == qids[-1]][0]
    page = move.submit('huong', value='len').follow()
    after = [tr['data-qid'] for tr in page.html.select('#questions tbody tr')]
    assert after == qids[:-2] + [qids[-1], qids[-2]]
    # deleted after a confirmation
    confirm = app.get(BA_DINH + '/khao-sat/HTTT01/@@xoa-cau-hoi',
                      params={'q': qids[-1]})
    assert 'Bạn có chắc chắn muốn xóa không?' in confirm.text
    assert 'Hủy' in confirm.text
    page = confirm.forms['confirm-form'].submit().follow()
    assert [tr['data-qid'] for tr in page.html.select(
        '#questions tbody tr')] == qids[:-2] + [qids[-2]]
    # every change is in the audit trail
    page = app.get(HANOI + '/@@nhat-ky')
    for title in ('Khảo sát: tạo mẫu riêng', 'Khảo sát: thêm câu hỏi',
                  'Khảo sát: sửa câu hỏi', 'Khảo sát: di chuyển câu hỏi',
                  'Khảo sát: xóa câu hỏi'):
        assert title in page.text, title
    # the Tổng cục's form is untouched and still the national default
    page = app.get(HANOI + '/@@khao-sat')
    assert 'mẫu chung toàn quốc' in text(
        page, 'tr[data-procedure="HTTT01"] .owner')


def test_answered_once_from_the_dossier_page(app):
    ba_dinh_own_form(app)
    code, id_number = demo(app, 'bd:HTTT01:online:completed')
    browser = citizen(app)
    page = open_dossier(browser, code, id_number)
    assert 'Đánh giá mức độ hài lòng' in text(page, '#survey')
    page = page.click(href='/danh-gia/ho-so/%s' % code)
    assert 'Cán bộ Chi cục Ba Đình có hướng dẫn tận tình không?' in page.text
    form = answer(page, 'rat_hai_long', SECRET_TEXT)
    again = page.forms['survey']     # the same form, sent twice
    page = form.submit('send').follow()
    assert 'Ông/Bà đã đánh giá hồ sơ này' in text(page, '#survey')
    assert 'đánh giá của Ông/Bà đã được ghi nhận' in page.text.lower() or \
        'Cảm ơn' in page.text
    # a second answer is refused, whatever the way
    page = browser.get('/danh-gia/ho-so/%s' % code)
    assert 'đã được đánh giá' in text(page, '#survey-message')
    assert 'survey' not in page.forms
    again_page = again.submit('send')
    assert 'đã được đánh giá' in text(again_page, '#survey-message')
    # the results: one answer, averages of 5
    login(app, 'lanhdao.hn')
    page = app.get(HANOI + '/@@ket-qua-khao-sat', params={
        'thu-tuc': 'HTTT01'})
    assert text(page, '#answer-count') == '1'
    averages = [a.get_text() for a in page.html.select('.average')]
    assert averages and set(averages) == {'5.00'}
    assert SECRET_TEXT in text(page, '#texts')
    # the free text is on no public page
    for url in ('/', '/danh-gia', '/ho-so/%s' % code, '/tra-cuu'):
        assert SECRET_TEXT not in browser.get(url).text
    # the export holds the counts
    export = app.get(HANOI + '/@@ket-qua-khao-sat', params={
        'thu-tuc': 'HTTT01', 'xuat': 'xlsx'})
    sheet = openpyxl.load_workbook(io.BytesIO(export.body)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert '1 lượt đánh giá' in values[0][0]
    assert any(row[5] == 5 for row in values[3:])


def test_low_answer_queue_and_follow_up(app):
    code, id_number = demo(app, 'bd:HTTT01:online:completed')
    browser = citizen(app)
    open_dossier(browser, code, id_number)
    page = browser.get('/danh-gia/ho-so/%s' % code)
    answer(page, 'khong_hai_long').submit('send').follow()
    login(app, 'lanhdao.bd')
    page = app.get(BA_DINH + '/@@ban-lam-viec', params={
        'hang-doi': 'unsatisfied'})
    assert text(page, '#queue-unsatisfied .badge') == '1'
    assert [a.get_text() for a in page.html.select('#dossiers a.code')] == [
        code]
    page = page.click(href='@@phan-hoi')
    assert text(page, '#score') == '1.00'
    form = page.forms['follow-up-form']
    form['ghi-chu'] = 'Đã gọi điện xin lỗi và giải thích cho người yêu cầu.'
    page = form.submit().follow()
    assert text(page, '#queue-unsatisfied .badge') == '0'
    assert code not in text(page, '#dossiers')
    page = app.get(BA_DINH + '/ho-so/%s/@@chi-tiet' % code)
    assert 'Đã xử lý phản hồi chưa hài lòng' in page.text
    logout(app)
    login(app, 'quantri.bd')
    page = app.get(BA_DINH + '/@@nhat-ky')
    assert 'Khảo sát: đã xử lý phản hồi chưa hài lòng' in page.text
    # the officer may read, not follow up
    logout(app)


def test_officer_cannot_follow_up(app):
    code, id_number = demo(app, 'bd:HTTT01:online:completed')
    browser = citizen(app)
    open_dossier(browser, code, id_number)
    page = browser.get('/danh-gia/ho-so/%s' % code)
    answer(page, 'khong_hai_long').submit('send')
    login(app, 'hotro.bd')
    page = app.get(BA_DINH + '/ho-so/%s/@@phan-hoi' % code)
    assert 'follow-up-form' not in page.forms
    csrf = page.html.select_one('input[name="csrf_token"]')['value']
    app.post(BA_DINH + '/ho-so/%s/@@xu-ly-phan-hoi' % code,
             {'csrf_token': csrf}, status=403)
    page = app.get(BA_DINH + '/@@ban-lam-viec', params={
        'hang-doi': 'unsatisfied'})
    assert text(page, '#queue-unsatisfied .badge') == '1'


def test_mail_link_token(app):
    code, _id = demo(app, 'bd:HTTT01:online:completed')
    root, closer = open_root(app)
    try:
        from httttha.content.survey import survey_token
        from httttha.services.intake.lookup import dossier_by_code
        from substanced.util import get_oid
        token = survey_token(app.app.registry,
                             get_oid(dossier_by_code(root, code)))
    finally:
        closer()
    browser = citizen(app)
    # no ID number, no token: no form
    page = browser.get('/danh-gia/ho-so/%s' % code)
    assert 'mở hồ sơ' in text(page, '#survey-message')
    assert 'survey' not in page.forms
    page = browser.get('/danh-gia/ho-so/%s' % code, params={'ma': 'x' * 32})
    assert 'survey' not in page.forms
    page = browser.get('/danh-gia/ho-so/%s' % code, params={'ma': token})
    page = answer(page, 'hai_long').submit('send')
    assert 'Cảm ơn' in text(page, '#survey-message') or \
        'ghi nhận' in text(page, '#survey-message')
    page = browser.get('/danh-gia/ho-so/%s' % code, params={'ma': token})
    assert 'đã được đánh giá' in text(page, '#survey-message')


def test_not_completed_refused(app):
    code, id_number = demo(app, 'bd:HTTT01:online:in_processing')
    browser = citizen(app)
    page = open_dossier(browser, code, id_number)
    assert page.html.select_one('#survey') is None
    page = browser.get('/danh-gia/ho-so/%s' % code)
    assert 'chưa có kết quả' in text(page, '#survey-message')
    assert 'survey' not in page.forms
    # nor by posting
    response = browser.post('/danh-gia/ho-so/%s' % code, {
        'csrf_token': 'forged'})
    assert 'chưa có kết quả' in text(response, '#survey-message')


def test_free_survey_with_captcha(living_app_factory):
    app = living_app_factory()
    page = app.get('/')
    assert 'href="http://thads.example.com/danh-gia"' in page.text or \
        '/danh-gia' in [a.get('href', '').replace(
            'http://thads.example.com', '') for a in page.html.select(
                '#menu a')]
    page = app.get('/danh-gia')
    form = page.forms['survey-choose']
    form['co-quan'] = BA_DINH_CODE
    form['thu-tuc'] = 'HTTT01'
    page = form.submit()
    assert 'Chi cục Thi hành án dân sự quận Ba Đình' in text(
        page, '#survey-about')
    # a wrong CAPTCHA: refused, nothing stored
    form = answer(page, 'hai_long', SECRET_TEXT)
    fields_by_path(form)['captcha.answer'][0].value = '00000x'
    failed = form.submit('send')
    assert 'Mã bảo vệ không đúng' in failed.text
    form = answer(failed, 'hai_long', SECRET_TEXT)
    token = fields_by_path(form)['captcha.token'][0].value
    root, closer = open_root(app)
    try:
        right = captcha.answer_for(ensure_scratch(root).captchas, token)
    finally:
        closer()
    fields_by_path(form)['captcha.answer'][0].value = right
    page = form.submit('send')
    assert 'đã được ghi nhận' in text(page, '#survey-message')
    assert SECRET_TEXT not in page.text
    login(app, 'lanhdao.bd')
    page = app.get(BA_DINH + '/@@ket-qua-khao-sat', params={
        'thu-tuc': 'HTTT01'})
    assert text(page, '#answer-count') == '1'
    assert text(page, '#low-count') == '0'
    assert SECRET_TEXT in text(page, '#texts')


def test_free_survey_throttled_and_csrf(living_app_factory):
    app = living_app_factory(**{'httttha.captcha': 'false',
                                'httttha.submit_limit': '1'})
    params = {'co-quan': BA_DINH_CODE, 'thu-tuc': 'HTTT01'}
    page = app.get('/danh-gia', params=params)
    form = answer(page, 'hai_long')
    form['csrf_token'] = 'forged'
    page = form.submit('send')
    assert 'hết hạn' in text(page, '#survey-message')
    answer(page, 'hai_long').submit('send')
    page = app.get('/danh-gia', params=params)
    page = answer(page, 'hai_long').submit('send')
    assert 'quá nhiều' in text(page, '#survey-message').lower()
    login(app, 'lanhdao.bd')
    page = app.get(BA_DINH + '/@@ket-qua-khao-sat', params={
        'thu-tuc': 'HTTT01'})
    assert text(page, '#answer-count') == '1'


def test_scope_of_editing_and_results(app):
    root, closer = open_root(app)
    try:
        other = [name for name, agency, role in regional_logins(root)
                 if role == 'leader' and
                 agency.__parent__.__name__ == 'cuc-thads-hai-phong'][0]
    finally:
        closer()
    # a Chi cục's administrator: not its Cục's forms, nor the national
    login(app, 'quantri.bd')
    app.get(HANOI + '/@@khao-sat', status=403)
    app.get('/manage/thads/khao-sat/HTTT01/@@cau-hoi', status=403)
    app.get(BA_DINH + '/@@khao-sat', status=200)
    logout(app)
    # Hà Nội's administrator: not another Cục's
    login(app, 'quantri.hn')
    app.get('/manage/thads/cuc-thads-hai-phong/@@khao-sat', status=403)
    app.get('/manage/thads/cuc-thads-hai-phong/@@ket-qua-khao-sat',
            status=403)
    page = app.get(BA_DINH + '/@@khao-sat')
    # CSRF on the administrators' POSTs
    for data in ({'thu-tuc': 'HTTT01'},
                 {'thu-tuc': 'HTTT01', 'csrf_token': 'forged'}):
        app.post(BA_DINH + '/@@tao-mau-khao-sat', data, status=400)
    page = app.get(BA_DINH + '/@@khao-sat')
    assert 'Dùng mẫu của' in text(page, 'tr[data-procedure="HTTT01"] .owner')
    logout(app)
    # another Cục's leader: not Ba Đình's results; an officer: none
    login(app, other)
    app.get(BA_DINH + '/@@ket-qua-khao-sat', status=403)
    logout(app)
    login(app, 'hotro.bd')
    app.get(BA_DINH + '/@@ket-qua-khao-sat', status=403)
    app.get(BA_DINH + '/@@khao-sat', status=403)


def test_result_mail_carries_a_working_link(app):
    """The result mail's link opens the dossier's survey without the ID
    number; a mail of another step has no link."""
    import email
    import os
    import transaction
    from pyramid.scripting import prepare
    from substanced.db import root_factory
    from httttha.services import notifications
    from httttha.services.intake.lookup import dossier_by_code
    code, _id = demo(app, 'bd:HTTT01:online:completed')
    env = prepare(registry=app.app.registry)
    request = env['request']
    try:
        request.root = root_factory(request)
        dossier = dossier_by_code(request.root, code)
        applicant = dict(dossier.declared['applicant'],
                         email='nguoi.yeu.cau@example.com')
        dossier.declared['applicant'] = applicant
        result = [e for e in dossier.timeline
                  if e.get('state') == 'completed'][-1]
        earlier = [e for e in dossier.timeline
                   if e.get('state') == 'accepted'][-1]
        notifications.agency_response(request, dossier, earlier)
        notifications.agency_response(request, dossier, result)
        transaction.commit()
    finally:
        transaction.abort()
        env['closer']()
    folder = os.path.join(app.app.registry.settings['mail.queue_path'],
                          'new')
    bodies = []
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), 'rb') as f:
            message = email.message_from_binary_file(f)
        for part in message.walk():
            if part.get_content_type() == 'text/plain':
                bodies.append(part.get_payload(decode=True).decode('utf-8'))
    links = [re.findall(r'http://thads\.example\.com/danh-gia/ho-so/\S+',
                        body) for body in bodies]
    assert sorted(len(found) for found in links) == [0, 1]
    link = [found for found in links if found][0][0]
    browser = citizen(app)
    page = browser.get(link.replace('http://thads.example.com', ''))
    assert 'survey' in page.forms
    page = answer(page, 'hai_long').submit('send')
    assert 'đã được ghi nhận' in text(page, '#survey-message')
