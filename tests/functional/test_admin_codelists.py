"""Quản lý danh mục (issue 15 item 3, SPEC C4) on the living database:
only the Tổng cục's administrators manage the lists; an entry in use is
neither deleted nor recoded; a new support type is offered and chosen by
the officer; a deactivated one leaves the forms but stays on the old
dossiers (staff and citizen); the evolve step makes the lists of a site
that had none, with the uses of its dossiers."""
import re

import transaction
import webtest

from httttha.services.demo import demo_dossiers
from httttha.workflows.dossier import state_of

from ..conftest import flash_text, login, open_root
from .submission import fields_by_path, fill, find_dossier
from .test_lookup import open_with_id

LISTS = '/manage/danh-muc'
SUPPORT = LISTS + '/loai-ho-tro'
BA_DINH = '/manage/thads/cuc-thads-ha-noi/chi-cuc-thads-ba-dinh'


def browser(app, name=None):
    staff = webtest.TestApp(app.app, extra_environ=dict(app.extra_environ))
    if name:
        login(staff, name)
    return staff


def words(page, selector):
    return [' '.join(el.get_text().split())
            for el in page.html.select(selector)]


def dossier_code(app, key):
    root, closer = open_root(app)
    try:
        return demo_dossiers(root)[key]
    finally:
        closer()


def dossier_path(code, view):
    return '%s/ho-so/%s/@@%s' % (BA_DINH, code, view)


def support_options(page):
    """The support types the Hỗ trợ form offers (its radio buttons)."""
    fields = fields_by_path(page.forms['deform'])['support']
    return {value for field in fields for value, _s, _t in field.options}


def add_entry(admin, list_path, code, title, effect=None, order=None):
    page = admin.get(list_path + '/@@them')
    form = page.forms['deform']
    values = {'code': code, 'title': title}
    if effect:
        values['effect'] = effect
    if order is not None:
        values['order'] = str(order)
    fill(form, values)
    return form.submit('update')


def form_to(page, suffix):
    """The page's form that posts to a URL ending with ``suffix``."""
    return [f for f in page.forms.values() if f.action.endswith(suffix)][0]


def entry_row(page, code):
    row = page.html.select_one('#entries tr[data-code="%s"]' % code)
    return None if row is None else {
        name: ' '.join(row.select_one('.' + name).get_text().split())
        for name in ('code', 'title', 'state', 'uses')}


def citizen_page(app, code):
    root, closer = open_root(app)
    id_number = find_dossier(root, code).applicant['id_number']
    closer()
    citizen = browser(app)
    return open_with_id(citizen, code, id_number).follow()


def test_only_general_department_admins_reach_code_lists(living_app):
    admin = browser(living_app, 'quantri.tc')
    # one click from the landing page: the Tổng cục's tab "Danh mục"
    landing = admin.get('/manage/@@httt').maybe_follow()
    tab = [a for a in landing.html.select('a')
           if a.get('href', '').endswith('/thads/@@danh-muc')]
    assert tab and ' '.join(tab[0].get_text().split()) == 'Danh mục'
    page = admin.get(tab[0]['href']).follow()
    assert page.request.path == LISTS + '/@@danh-sach'
    titles = words(page, '#codelists tbody td:first-child')
    for title in ('Loại hỗ trợ', 'Lý do từ chối', 'Phân loại đơn theo nội '
                  'dung', 'Phân loại đơn theo điều kiện xử lý',
                  'Phân loại đơn theo thẩm quyền giải quyết',
                  'Phân loại đơn theo số người gửi', 'Giấy tờ hồ sơ gốc',
                  'Loại báo cáo', 'Thang đánh giá'):
        assert title in titles
    entries = admin.get(SUPPORT + '/@@muc')
    assert entry_row(entries, 'valid')['title'] == 'Đầy đủ, hợp lệ'

    # a Cục's administrator, an officer and a leader are refused, and
    # their forged posts change nothing
    for name in ('quantri.hn', 'hotro.bd', 'lanhdao.tc', 'quantri.bd'):
        other = browser(living_app, name)
        for path in (LISTS + '/@@danh-sach', SUPPORT + '/@@muc',
                     SUPPORT + '/@@them', SUPPORT + '/valid/@@sua',
                     SUPPORT + '/valid/@@xoa', '/manage/thads/@@danh-muc'):
            assert other.get(path, expect_errors=True).status_int == 403, \
                (name, path)
        own = other.get('/manage/@@httt').maybe_follow()
        assert not [a for a in own.html.select('a')
                    if 'danh-muc' in a.get('href', '')]
        token = own.html.select_one('input[name="csrf_token"]')
        token = token['value'] if token is not None else ''
        assert other.post(SUPPORT + '/supplement/@@trang-thai', {
            'csrf_token': token, 'active': '0'},
            expect_errors=True).status_int in (403, 400)
    assert entry_row(admin.get(SUPPORT + '/@@muc'),
                     'supplement')['state'] == 'Đang sử dụng'
    # anonymous: the login page, not the lists
    anonymous = browser(living_app)
    page = anonymous.get(LISTS + '/@@danh-sach', expect_errors=True)
    assert 'Loại hỗ trợ' not in page.text


def test_used_entry_is_not_deleted_nor_recoded(living_app):
    admin = browser(living_app, 'quantri.tc')
    page = admin.get(SUPPORT + '/@@muc')
    row = entry_row(page, 'out_of_jurisdiction')
    assert int(row['uses']) >= 1       # the demo's refused dossiers

    # search without accents
    found = admin.get(SUPPORT + '/@@muc', params={'tu-khoa': 'tham quyen'})
    assert [r.get('data-code') for r in found.html.select(
        '#entries tbody tr')] == ['out_of_jurisdiction']

    # delete: the confirmation says why not, and has no "Đồng ý"
    confirm = admin.get(SUPPORT + '/out_of_jurisdiction/@@xoa')
    reason = ' '.join(confirm.html.select_one('.refused').get_text().split())
    assert reason.startswith('Không thể xóa “Không thuộc thẩm quyền thi '
                             'hành án”: mục này đã được sử dụng cho')
    assert confirm.html.select_one('#delete-confirmed') is None
    # a forged confirmation is refused with the same reason
    token = page.html.select_one('input[name="csrf_token"]')['value']
    response = admin.post(SUPPORT + '/out_of_jurisdiction/@@xoa',
                          {'csrf_token': token}).follow()
    assert 'Không thể xóa “Không thuộc thẩm quyền thi hành án”' in \
        flash_text(response)
    assert entry_row(response, 'out_of_jurisdiction') is not None

    # the code cannot change; the user's other input stays in the form
    edit = admin.get(SUPPORT + '/out_of_jurisdiction/@@sua')
    assert 'đã được sử dụng cho' in flash_text(edit)
    assert [' '.join(b.get_text().split()) for b in edit.html.select(
        '#deform button')] == ['Cập nhật', 'Nhập lại', 'Hủy']
    form = edit.forms['deform']
    fill(form, {'code': 'ngoai_tham_quyen',
                'title': 'Không thuộc thẩm quyền (đã sửa)'})
    response = form.submit('update')
    assert response.status_int == 200
    assert ('“Không thuộc thẩm quyền thi hành án” đã được sử dụng cho' in
            response.text)
    assert 'nên không thể đổi mã' in response.text
    assert response.forms['deform']['title'].value == \
        'Không thuộc thẩm quyền (đã sửa)'
    # the title alone may change
    form = response.forms['deform']
    form['code'] = 'out_of_jurisdiction'
    response = form.submit('update').follow()
    assert 'Đã cập nhật “Không thuộc thẩm quyền (đã sửa)”' in \
        flash_text(response)
    assert entry_row(response, 'out_of_jurisdiction')['title'] == \
        'Không thuộc thẩm quyền (đã sửa)'
    assert entry_row(response, 'ngoai_tham_quyen') is None

    # an unused entry: recoded, then deleted after the confirmation
    reasons = LISTS + '/ly-do-tu-choi'
    response = add_entry(admin, reasons, 'tam_dinh_chi',
                         'Tạm đình chỉ thi hành án').follow()
    assert 'Đã thêm “Tạm đình chỉ thi hành án” vào danh mục.' in \
        flash_text(response)
    # the code must be a slug, and free
    for bad, message in (('Tạm dừng', 'chữ thường không dấu'),
                         ('expired', 'đã có trong danh mục')):
        page = add_entry(admin, reasons, bad, 'Một lý do')
        assert message in page.text
        assert page.forms['deform']['title'].value == 'Một lý do'
    edit = admin.get(reasons + '/tam_dinh_chi/@@sua')
    form = edit.forms['deform']
    form['code'] = 'dinh_chi'
    form.submit('update').follow()
    confirm = admin.get(reasons + '/dinh_chi/@@xoa')
    assert confirm.html.select_one('.refused') is None
    assert [b.get_text() for b in confirm.html.select(
        '#confirm-delete button, #confirm-delete a')] == ['Đồng ý', 'Hủy']
    response = form_to(confirm, '/dinh_chi/@@xoa').submit().follow()
    assert 'Đã xóa “Tạm đình chỉ thi hành án”.' in flash_text(response)
    assert entry_row(response, 'dinh_chi') is None


def test_new_support_type_is_offered_and_chosen(living_app):
    admin = browser(living_app, 'quantri.tc')
    response = add_entry(admin, SUPPORT, 'chuyen_co_quan_khac',
                         'Chuyển đơn đến cơ quan có thẩm quyền',
                         effect='refuse').follow()
    row = entry_row(response, 'chuyen_co_quan_khac')
    assert row == {'code': 'chuyen_co_quan_khac',
                   'title': 'Chuyển đơn đến cơ quan có thẩm quyền',
                   'state': 'Đang sử dụng', 'uses': '0'}

    code = dossier_code(living_app, 'bd:HTTT01:online:submitted')
    officer = browser(living_app, 'hotro.bd')
    page = officer.get(dossier_path(code, 'ho-tro'))
    assert 'Chuyển đơn đến cơ quan có thẩm quyền' in words(
        page, '#deform label')
    form = page.forms['deform']
    fill(form, {'support': 'chuyen_co_quan_khac',
                'refusal_reason': 'out_of_jurisdiction',
                'message': 'Đề nghị gửi đơn đến Cục THADS tỉnh Bắc Ninh.'})
    page = form.submit('send').follow()
    assert 'Loại hỗ trợ: Chuyển đơn đến cơ quan có thẩm quyền' in words(
        page, '#timeline .support-type')
    assert ('Lý do từ chối: Cơ quan thi hành án dân sự được yêu cầu không '
            'có thẩm quyền thi hành án') in words(page,
                                                  '#timeline .refusal-reason')
    root, closer = open_root(living_app)
    dossier = find_dossier(root, code)
    assert state_of(dossier) == 'refused'
    assert dossier.timeline[-1]['support'] == 'chuyen_co_quan_khac'
    closer()
    # the citizen reads it too
    citizen = citizen_page(living_app, code)
    assert 'Loại hỗ trợ: Chuyển đơn đến cơ quan có thẩm quyền' in words(
        citizen, '.support-type')
    # now in use: it cannot be deleted any more
    confirm = admin.get(SUPPORT + '/chuyen_co_quan_khac/@@xoa')
    assert 'đã được sử dụng cho 1 hồ sơ' in confirm.html.select_one(
        '.refused').get_text()
    # nor can what it does change: the dossier was refused by it
    form = admin.get(SUPPORT + '/chuyen_co_quan_khac/@@sua').forms['deform']
    fill(form, {'effect': 'accept'})
    response = form.submit('update')
    assert 'nên không thể đổi tác dụng' in response.text
    root, closer = open_root(living_app)
    assert root['danh-muc']['loai-ho-tro']['chuyen_co_quan_khac'].effect \
        == 'refuse'
    closer()


def test_deactivated_entry_leaves_forms_but_stays_on_dossiers(living_app):
    admin = browser(living_app, 'quantri.tc')
    page = admin.get(SUPPORT + '/@@muc')
    form = form_to(page, '/out_of_jurisdiction/@@trang-thai')
    response = form.submit().follow()
    assert 'đã ngừng sử dụng' in flash_text(response)
    assert entry_row(response, 'out_of_jurisdiction')['state'] == \
        'Ngừng sử dụng'
    # its title edited afterwards: old dossiers keep the one they got
    edit = admin.get(SUPPORT + '/out_of_jurisdiction/@@sua')
    form = edit.forms['deform']
    form['title'] = 'Tên mới của loại hỗ trợ'
    form.submit('update').follow()

    # the officer's form no longer offers it, and a forged choice of it
    # is refused without moving the dossier
    code = dossier_code(living_app, 'bd:HTTT01:online:submitted')
    officer = browser(living_app, 'hotro.bd')
    page = officer.get(dossier_path(code, 'ho-tro'))
    offered = support_options(page)
    assert offered == {'valid', 'no_right', 'supplement'}
    assert 'Tên mới của loại hỗ trợ' not in page.text
    form = page.forms['deform']
    fill(form, {'message': 'Không thuộc thẩm quyền.'})
    radio = fields_by_path(form)['support'][0]
    radio.value = 'no_right'
    forged = [(name, 'out_of_jurisdiction' if name == radio.name else value)
              for name, value in form.submit_fields('send')]
    response = officer.post(dossier_path(code, 'ho-tro'), forged)
    assert response.status_int == 200
    assert response.html.select_one('#deform .has-error') is not None
    root, closer = open_root(living_app)
    assert state_of(find_dossier(root, code)) == 'submitted'
    closer()

    # the old refused dossier still shows the title it was given, to the
    # staff and to the citizen
    refused = dossier_code(living_app, 'bd:HTTT01:online:refused')
    page = officer.get(dossier_path(refused, 'chi-tiet'))
    assert 'Loại hỗ trợ: Không thuộc thẩm quyền thi hành án' in words(
        page, '#timeline .support-type')
    citizen = citizen_page(living_app, refused)
    assert 'Loại hỗ trợ: Không thuộc thẩm quyền thi hành án' in words(
        citizen, '.support-type')

    # activated again: offered again, with its new title
    page = admin.get(SUPPORT + '/@@muc')
    form = form_to(page, '/out_of_jurisdiction/@@trang-thai')
    form.submit().follow()
    page = officer.get(dossier_path(code, 'ho-tro'))
    assert 'out_of_jurisdiction' in support_options(page)
    assert 'Tên mới của loại hỗ trợ' in words(page, '#deform label')


def test_classification_and_originals_offer_active_entries(living_app):
    admin = browser(living_app, 'quantri.tc')
    conditions = LISTS + '/phan-loai-dieu-kien'
    add_entry(admin, conditions, 'trung_lap', 'Đơn trùng lặp').follow()
    page = admin.get(conditions + '/@@muc')
    form = form_to(page, '/unclear/@@trang-thai')
    form.submit().follow()

    petition = dossier_code(living_app, 'bd:HTTT02:online:submitted')
    officer = browser(living_app, 'hotro.bd')
    page = officer.get(dossier_path(petition, 'phan-loai'))
    options = [value for value, _s, _l in
               page.forms['deform']['condition'].options]
    assert 'trung_lap' in options and 'unclear' not in options
    form = page.forms['deform']
    for name, value in {'content': 'kien_nghi', 'condition': 'trung_lap',
                        'jurisdiction': 'within',
                        'petitioners': 'one'}.items():
        form[name] = value
    page = form.submit('forward').follow()
    assert 'Đơn trùng lặp' in page.text
    response = admin.get(conditions + '/trung_lap/@@xoa')
    assert response.html.select_one('.refused') is not None

    # a paper kind activated in the list joins the originals checklist
    papers = LISTS + '/giay-to-ho-so-goc'
    page = admin.get(papers + '/@@muc')
    form = form_to(page, '/ban_an/@@trang-thai')
    form.submit().follow()
    accepted = dossier_code(living_app, 'bd:HTTT01:online:accepted')
    page = officer.get(dossier_path(accepted, 'nhan-ho-so-goc'))
    legends = words(page, '#deform legend, #deform .panel-heading, '
                          '#deform label')
    assert any('Bản án, quyết định của Tòa án (bản sao có chứng thực)' in w
               for w in legends)
    form = page.forms['deform']
    for path, (field,) in fields_by_path(form).items():
        if path.endswith('.matched'):
            field.checked = True
    form.submit('save').follow()
    root, closer = open_root(living_app)
    dossier = find_dossier(root, accepted)
    assert state_of(dossier) == 'originals_received'
    assert [i.get('code') for i in dossier.timeline[-1]['checklist']][:3] \
        == ['don_yeu_cau', 'giay_to_tuy_than', 'ban_an']
    assert root['danh-muc']['giay-to-ho-so-goc']['ban_an'].used() == 1
    closer()


def test_evolve_step_makes_the_lists_of_a_site_without_them(living_app):
    from httttha.evolve import add_codelists
    root, closer = open_root(living_app)
    try:
        folder = root['danh-muc']
        for name in list(folder):
            del folder[name]
        transaction.commit()
        assert not len(root['danh-muc'])
        add_codelists(root, living_app.app.registry)
        transaction.commit()
        support = root['danh-muc']['loai-ho-tro']
        assert [(e.__name__, e.title, e.effect, e.active)
                for e in support.entries()] == [
            ('out_of_jurisdiction', 'Không thuộc thẩm quyền thi hành án',
             'refuse', True),
            ('valid', 'Đầy đủ, hợp lệ', 'accept', True),
            ('no_right', 'Người yêu cầu không có quyền yêu cầu thi hành án',
             'refuse', True),
            ('supplement', 'Hồ sơ cần bổ sung, sửa đổi', 'supplement',
             True)]
        # the uses of the dossiers already stored are counted
        assert support['valid'].used() > 0
        assert support['no_right'].used() > 0
        conditions = root['danh-muc']['phan-loai-dieu-kien']
        assert conditions['eligible'].used() > 0
        assert conditions['unclear'].used() == 0
        papers = root['danh-muc']['giay-to-ho-so-goc']
        assert papers['don_yeu_cau'].used() > 0
        assert sorted(root['danh-muc']) == sorted([
            'loai-ho-tro', 'ly-do-tu-choi', 'phan-loai-noi-dung',
            'phan-loai-dieu-kien', 'phan-loai-tham-quyen',
            'phan-loai-so-nguoi', 'giay-to-ho-so-goc', 'loai-bao-cao',
            'thang-danh-gia'])
        assert [e.title for e in root['danh-muc']['thang-danh-gia']
                .entries()] == ['Rất hài lòng', 'Hài lòng', 'Bình thường',
                                'Không hài lòng']
        # run again: nothing changes, nothing is counted twice
        used = support['valid'].used()
        add_codelists(root, living_app.app.registry)
        assert support['valid'].used() == used
    finally:
        transaction.abort()
        closer()
    # the used entry it made is protected like any other
    admin = browser(living_app, 'quantri.tc')
    confirm = admin.get(SUPPORT + '/valid/@@xoa')
    assert confirm.html.select_one('.refused') is not None
    assert re.search(r'được sử dụng cho \d+ hồ sơ', confirm.text)
