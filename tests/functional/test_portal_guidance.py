"""Hướng dẫn và hỏi đáp (issue 16, A6) on the living data: the web editor
of Cục Hà Nội writes, previews, publishes, unpublishes, reorders and
deletes; what citizens see on /huong-dan, the page of a guidance, the
Cục's page and the search without diacritics; who may not edit; the
sanitiser on save and on display; CSRF; the audit trail; the shipped
national content and its evolve step."""
import re

import transaction
import webtest

from httttha.services.administration import audit

from ..conftest import flash_text, login, open_root

HANOI = '/manage/thads/cuc-thads-ha-noi'
GUIDANCE = HANOI + '/@@huong-dan'
PAYLOAD = (
    '<p>Mẫu đơn yêu cầu thi hành án <strong>Hà Nội</strong> '
    '<a href="https://moj.gov.vn/x">xem</a></p>'
    '<script>alert("s")</script>'
    '<img src=x onerror=alert(1)>'
    '<a href="javascript:alert(2)">bấm</a>'
    '<svg onload=alert(3)><circle/></svg>'
    '<p style="position:fixed;top:0" onclick="alert(4)">Phí thẩm định giá</p>'
)
DANGEROUS = ('<script', 'onerror', 'javascript:', '<svg', 'onload',
             'style=', 'onclick', 'alert(')


def text(page):
    return re.sub(r'\s+', ' ', page.html.get_text())


def stored(app, path):
    """The item at ``path`` below the Tổng cục (a tuple of names)."""
    root, closer = open_root(app)
    try:
        obj = root['thads']
        for name in path:
            obj = obj[name]
        return {k: v for k, v in vars(obj).items() if not k.startswith('_')}
    finally:
        transaction.abort()
        closer()


def actions(app, action):
    root, closer = open_root(app)
    try:
        store = audit.find_store(audit.audit_root(root))
        _total, entries = audit.search(store, audit.Query(action=action))
        return [(e.user, e.target_title, e.details) for e in entries]
    finally:
        transaction.abort()
        closer()


def row_form(page, table, title, action):
    """The form of ``action`` ('trang-thai' with its button class, or
    'thu-tu') in the row of ``title``."""
    for tr in page.html.select('#%s tbody tr' % table):
        if tr.select_one('.title').get_text().strip() == title:
            return tr
    raise AssertionError(title)


def post_button(app, page, table, title, css):
    """Press the button ``css`` of the row ``title``: its form posted with
    its own fields (the CSRF token)."""
    tr = row_form(page, table, title, None)
    button = tr.select_one('button.' + css)
    form = button.find_parent('form')
    fields = {i['name']: i['value'] for i in form.select('input')}
    return app.post(form['action'], fields).follow()


def add_page(app, title='Mẫu đơn và lệ phí tại Hà Nội', body=PAYLOAD):
    page = app.get(GUIDANCE)
    page = page.click(href='@@them-huong-dan')
    form = page.forms['deform']
    form['title'] = title
    form['summary'] = 'Những điều cần biết khi nộp đơn tại Cục THADS Hà Nội.'
    form['body'] = body
    checkbox = [f for f in form.fields['checkbox'] if f._value == 'HTTT01']
    checkbox[0].checked = True
    form.set('upload', webtest.Upload('Mẫu đơn yêu cầu.pdf',
                                    b'%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n'
                                    b'trailer<<>>\n%%EOF\n',
                                    'application/pdf'), index=0)
    return form.submit('update').follow()


def add_faq(app, question, answer, procedure='HTTT01'):
    page = app.get(HANOI + '/@@them-hoi-dap')
    form = page.forms['deform']
    form['question'] = question
    form['answer'] = answer
    form['procedure'] = procedure
    return form.submit('update').follow()


def test_web_editor_publishes_guidance_and_faq(living_app):
    app = living_app
    # the web editor lands on the guidance screen of its Cục
    page = login(app, 'bientap.hn')
    while page.status_int == 302:
        page = page.follow()
    assert page.request.path == GUIDANCE
    assert 'Hướng dẫn và hỏi đáp' in text(page)

    page = add_page(app)
    assert 'bản nháp' in flash_text(page).lower() or 'nháp' in text(page)
    names = [tr['data-name'] for tr in page.html.select('#pages tbody tr')]
    assert len(names) == 1
    name = names[0]
    assert name == 'mau-don-va-le-phi-tai-ha-noi'
    assert row_form(page, 'pages', 'Mẫu đơn và lệ phí tại Hà Nội', None
                    ).select_one('.state').get_text() == 'Bản nháp'
    # sanitised on save
    saved = stored(app, ('cuc-thads-ha-noi', 'huong-dan', name))
    for bad in DANGEROUS:
        assert bad not in saved['body'], bad
    assert 'rel="noopener noreferrer"' in saved['body']
    assert 'Phí thẩm định giá' in saved['body']
    assert saved['procedures'] == ('HTTT01',)

    page = add_faq(app, 'Nộp đơn tại Hà Nội có cần đặt lịch trước không?',
                   '<p>Có, hãy gửi trực tuyến để được hẹn lịch.</p>'
                   '<img src=x onerror=alert(1)>')
    assert len(page.html.select('#faq tbody tr')) == 1

    # a draft is not on the portal
    citizen = webtest.TestApp(app.app, extra_environ=dict(app.extra_environ))
    citizen.get('/huong-dan/01/' + name, status=404)
    assert 'Mẫu đơn và lệ phí' not in text(citizen.get(
        '/thads/cuc-thads-ha-noi'))

    # preview: the page as it will look, sanitised
    preview = app.get(HANOI + '/huong-dan/%s/@@xem-truoc' % name)
    assert 'Mẫu đơn yêu cầu thi hành án' in text(preview)
    body = str(preview.html.select_one('#preview'))
    for bad in DANGEROUS:
        assert bad not in body, bad
    assert 'Mẫu đơn yêu cầu.pdf' in text(preview)

    page = app.get(GUIDANCE)
    page = post_button(app, page, 'pages', 'Mẫu đơn và lệ phí tại Hà Nội',
                       'publish')
    assert 'được đăng' in flash_text(page)
    page = post_button(app, page, 'faq',
                       'Nộp đơn tại Hà Nội có cần đặt lịch trước không?',
                       'publish')
    assert row_form(page, 'faq', 'Nộp đơn tại Hà Nội có cần đặt lịch '
                    'trước không?', None).select_one(
        '.state').get_text() == 'Đã đăng'

    # the Cục's public page: its guidance and FAQ
    agency = citizen.get('/thads/cuc-thads-ha-noi')
    block = agency.html.select_one('#agency-guidance')
    assert 'Mẫu đơn và lệ phí tại Hà Nội' in block.get_text()
    assert 'Nộp đơn tại Hà Nội có cần đặt lịch trước không?' in \
        block.get_text()
    assert 'onerror' not in str(block)
    # /huong-dan of the Cục: the FAQ grouped by procedure
    listing = citizen.get('/huong-dan', params={'co-quan': '01'})
    local = listing.html.select_one('#local-guidance')
    assert 'Nộp đơn tại Hà Nội có cần đặt lịch trước không?' in \
        local.get_text()
    assert 'Hỗ trợ trực tuyến yêu cầu thi hành án dân sự' in \
        local.select_one('.faq-group h3').get_text()
    # the page itself, printable, sanitised on display too
    shown = citizen.get('/huong-dan/01/' + name)
    article = str(shown.html.select_one('#guidance-page'))
    for bad in DANGEROUS:
        assert bad not in article, bad
    assert 'guidance.css' in shown.text
    link = shown.html.select_one('#attachments a')
    assert link.get_text() == 'Mẫu đơn yêu cầu.pdf'
    download = citizen.get(link['href'])
    assert download.body.startswith(b'%PDF')
    assert download.headers['Content-Disposition'].startswith('attachment')

    # search without diacritics, over titles and bodies
    for words in ('mau don le phi ha noi', 'tham dinh gia', 'DAT LICH'):
        found = citizen.get('/huong-dan', params={'tu-khoa': words})
        results = found.html.select_one('#search-results').get_text()
        assert ('Mẫu đơn và lệ phí tại Hà Nội' in results or
                'Nộp đơn tại Hà Nội có cần đặt lịch' in results), words
    found = citizen.get('/huong-dan', params={'tu-khoa': 'xyzzy khong co'})
    assert found.html.select_one('#no-results') is not None

    # unpublished: gone everywhere
    page = app.get(GUIDANCE)
    page = post_button(app, page, 'pages', 'Mẫu đơn và lệ phí tại Hà Nội',
                       'unpublish')
    page = post_button(app, page, 'faq',
                       'Nộp đơn tại Hà Nội có cần đặt lịch trước không?',
                       'unpublish')
    citizen.get('/huong-dan/01/' + name, status=404)
    citizen.get(link['href'], status=404)
    assert citizen.get('/thads/cuc-thads-ha-noi').html.select_one(
        '#agency-guidance') is None
    found = citizen.get('/huong-dan', params={'tu-khoa': 'mau don ha noi'})
    assert 'Mẫu đơn và lệ phí tại Hà Nội' not in found.html.select_one(
        '#search-results').get_text()

    # every change in the audit trail, by the editor
    for action in ('guidance.add', 'guidance.publish', 'guidance.unpublish',
                   'faq.add', 'faq.publish', 'faq.unpublish'):
        entries = actions(app, action)
        assert entries and entries[0][0] == 'bientap.hn', action


def test_reorder_edit_and_delete_with_confirmation(living_app):
    app = living_app
    login(app, 'bientap.hn')
    add_page(app, 'Trang thứ nhất', '<p>một</p>')
    add_page(app, 'Trang thứ hai', '<p>hai</p>')
    page = app.get(GUIDANCE)
    titles = [t.get_text() for t in page.html.select('#pages .title')]
    assert titles == ['Trang thứ nhất', 'Trang thứ hai']
    page = post_button(app, page, 'pages', 'Trang thứ hai', 'up')
    titles = [t.get_text() for t in page.html.select('#pages .title')]
    assert titles == ['Trang thứ hai', 'Trang thứ nhất']
    assert actions(app, 'guidance.order')[0][0] == 'bientap.hn'

    # edit: a validation error keeps the other input
    edit = app.get(HANOI + '/huong-dan/trang-thu-nhat/@@sua')
    form = edit.forms['deform']
    assert form['title'].value == 'Trang thứ nhất'
    form['title'] = ''
    form['summary'] = 'Tóm tắt mới'
    failed = form.submit('update')
    assert failed.forms['deform']['summary'].value == 'Tóm tắt mới'
    form = failed.forms['deform']
    form['title'] = 'Trang đầu tiên'
    form['body'] = '<p>mới <script>x()</script></p>'
    for field in form.fields['checkbox']:
        if field._value == 'Mẫu đơn yêu cầu.pdf':
            field.checked = True
    form.submit('update').follow()
    saved = stored(app, ('cuc-thads-ha-noi', 'huong-dan', 'trang-thu-nhat'))
    assert saved['title'] == 'Trang đầu tiên'
    assert '<script' not in saved['body']
    entry = actions(app, 'guidance.edit')[0]
    assert entry[2]['before']['title'] == 'Trang thứ nhất'
    assert entry[2]['after']['files'] == []

    # delete asks first; Hủy keeps it
    confirm = app.get(HANOI + '/huong-dan/trang-thu-hai/@@xoa')
    assert 'Bạn có chắc chắn muốn xóa' in text(confirm)
    assert confirm.html.select_one('#delete-cancel')['href'].endswith(
        '@@huong-dan')
    # without the CSRF token: refused, nothing deleted
    app.post(HANOI + '/huong-dan/trang-thu-hai/@@xoa', {}, status=400)
    assert 'trang-thu-hai' in [tr['data-name'] for tr in app.get(
        GUIDANCE).html.select('#pages tbody tr')]
    page = confirm.forms[[k for k, f in confirm.forms.items()
                          if f.action.endswith('@@xoa')][0]].submit().follow()
    assert 'đã được xóa' in flash_text(page) or 'Đã xóa' in flash_text(page)
    assert [t.get_text() for t in page.html.select('#pages .title')] == [
        'Trang đầu tiên']
    assert actions(app, 'guidance.delete')[0][0] == 'bientap.hn'


def test_csrf_on_every_post(living_app):
    app = living_app
    login(app, 'bientap.hn')
    add_page(app, 'Trang CSRF', '<p>x</p>')
    item = HANOI + '/huong-dan/trang-csrf'
    for view, data in (('@@trang-thai', {'action': 'publish'}),
                       ('@@thu-tu', {'direction': 'up'}),
                       ('@@xoa', {'confirm': '1'})):
        app.post(item + '/' + view, data, status=400)
        app.post(item + '/' + view, dict(data, csrf_token='forged'),
                 status=400)
    assert stored(app, ('cuc-thads-ha-noi', 'huong-dan', 'trang-csrf'))[
        'state'] == 'draft'
    form = app.get(HANOI + '/@@them-hoi-dap').forms['deform']
    form['question'] = 'Câu hỏi giả mạo?'
    form['answer'] = '<p>x</p>'
    form['_csrf_token_'] = 'forged'
    form.submit('update', expect_errors=True)
    page = app.get(GUIDANCE)
    assert page.html.select_one('#no-faq') is not None


def test_who_may_not_edit_guidance(living_app):
    app = living_app
    login(app, 'bientap.hn')
    # another Cục's, the national, its own Chi cục's: 403
    for path in ('/manage/thads/cuc-thads-hai-phong/@@huong-dan',
                 '/manage/thads/@@huong-dan',
                 '/manage/thads/huong-dan/yeu-cau-thi-hanh-an/@@sua',
                 '/manage/thads/huong-dan/hoi-dap-phi/@@sua',
                 HANOI + '/chi-cuc-thads-ba-dinh/@@huong-dan',
                 HANOI + '/chi-cuc-thads-ba-dinh/@@them-huong-dan'):
        app.get(path, status=403)
    app.post('/manage/thads/huong-dan/yeu-cau-thi-hanh-an/@@trang-thai',
             {'action': 'unpublish', 'csrf_token': csrf(app)}, status=403)
    assert stored(app, ('huong-dan', 'yeu-cau-thi-hanh-an'))[
        'state'] == 'published'
    # nor any dossier, nor the workspace
    root, closer = open_root(app)
    codes = list(root['thads']['cuc-thads-ha-noi']['ho-so'].keys())[:3]
    transaction.abort()
    closer()
    assert codes
    for code in codes:
        app.get(HANOI + '/ho-so/%s/@@chi-tiet' % code, status=403)
    app.get(HANOI + '/@@ban-lam-viec', status=403)
    # officers and leaders do not edit guidance
    for name in ('hotro.hn', 'lanhdao.hn', 'theodoi.hn'):
        other = webtest.TestApp(app.app, extra_environ=dict(
            app.extra_environ))
        login(other, name)
        other.get(GUIDANCE, status=403)
        other.get(HANOI + '/@@them-hoi-dap', status=403)
    # the Cục's administrator does, its own Cục only
    admin = webtest.TestApp(app.app, extra_environ=dict(app.extra_environ))
    login(admin, 'quantri.hn')
    assert 'Hướng dẫn và hỏi đáp' in text(admin.get(GUIDANCE))
    admin.get(HANOI + '/chi-cuc-thads-ba-dinh/@@huong-dan', status=403)


def csrf(app):
    page = app.get(GUIDANCE)
    return page.html.select_one('input[name=csrf_token]')['value'] \
        if page.html.select_one('input[name=csrf_token]') else \
        app.get(HANOI + '/@@them-hoi-dap').forms['deform'][
            '_csrf_token_'].value


def test_shipped_national_guidance(living_app):
    citizen = living_app
    page = citizen.get('/huong-dan')
    pages = [a.get_text() for a in page.html.select('#guidance-pages a')]
    assert 'Hỗ trợ trực tuyến yêu cầu thi hành án dân sự' in pages
    assert 'Gửi phản ánh, kiến nghị về thi hành án dân sự' in pages
    assert 'Hỗ trợ trực tuyến yêu cầu xác nhận kết quả thi hành án dân sự' \
        in pages
    assert 'Theo dõi và bổ sung hồ sơ đã gửi' in pages
    assert len(page.html.select('#faq details')) >= 10
    groups = [h.get_text() for h in page.html.select('#faq h3')]
    assert groups[0] == 'Hỗ trợ trực tuyến yêu cầu thi hành án dân sự'
    assert groups[-1] == 'Câu hỏi chung'
    # the menu shows the page
    assert 'Hướng dẫn' in [a.get_text() for a in page.html.select('#menu a')]
    # a page: the legal basis of an online request (Quy trình 2019, 4.a)
    shown = citizen.get(page.html.select('#guidance-pages a')[0]['href'])
    assert 'chưa phải là căn cứ để thụ lý thi hành án' in text(shown)
    assert '05 ngày làm việc' in text(shown)
    found = citizen.get('/huong-dan', params={'tu-khoa': 'quen ma ho so'})
    assert 'Tôi quên mã hồ sơ thì làm thế nào?' in text(found)
    # hostile keywords are only words
    for keyword in ('"', 'AND OR NOT', '*', '(((', 'a' * 500, 'đ'):
        assert citizen.get('/huong-dan', params={'tu-khoa': keyword}
                           ).status_int == 200


def test_evolve_step_adds_the_content_once(living_app):
    from httttha.evolve import add_guidance
    root, closer = open_root(living_app)
    try:
        folder = root['thads']['huong-dan']
        count = len(folder)
        assert count >= 15
        folder['yeu-cau-thi-hanh-an'].title = 'Đã biên tập'
        del folder['hoi-dap-phi']
        add_guidance(root, living_app.app.registry)
        assert len(folder) == count
        assert folder['yeu-cau-thi-hanh-an'].title == 'Đã biên tập'
        assert folder['hoi-dap-phi'].state == 'published'
        transaction.commit()
    finally:
        transaction.abort()
        closer()
    found = living_app.get('/huong-dan', params={'tu-khoa': 'mat phi'})
    assert 'có mất phí không' in text(found)
