"""Người dùng and vai trò (issue 15 item 2, SPEC C2, C3) on the living
demo data (dossiers of every kind at Ba Đình, Hà Nội and the Tổng cục):
the Hà Nội Cục's administrator ``quantri.hn`` adds, edits, locks,
unlocks, deletes and re-roles a Chi cục's users; the rules of Điều 10
hold against it and against a Chi cục's administrator; the list pages,
searches and exports; every role lands on its own page."""
import io
import re

import openpyxl
import pytest
import transaction
import webtest


from ..conftest import flash_text, login, open_root

TOP = '/manage/thads'
HANOI = TOP + '/cuc-thads-ha-noi'
BADINH = HANOI + '/chi-cuc-thads-ba-dinh'
USER = '/manage/principals/users/%s/@@%s'


def text(page):
    return re.sub(r'\s+', ' ', page.html.get_text())


def rows(page):
    """{login: cells} of the users list."""
    result = {}
    for tr in page.html.select('#users tbody tr'):
        cells = [re.sub(r'\s+', ' ', td.get_text()).strip()
                 for td in tr.find_all('td')]
        result[cells[1]] = cells
    return result


def total(page):
    return int(re.search(r'Tổng số: (\d+)', text(page)).group(1))


def stored(app, login_name):
    """The stored user (a plain copy of what the tests read), or None."""
    root, closer = open_root(app)
    try:
        user = root['principals']['users'].get(login_name)
        if user is None:
            return None
        agency = user.agency()
        department = user.department()
        return {'full_name': user.full_name, 'email': user.email,
                'job_title': user.job_title, 'roles': set(user.roles),
                'agency': agency.title if agency is not None else None,
                'department': department.title if department else None,
                'disabled': user.disabled,
                'must_change_password': user.must_change_password}
    finally:
        transaction.abort()
        closer()


def add_department(app, path, name, title):
    """A department of the agency at ``path`` below the Tổng cục; its
    oid."""
    from substanced.util import get_oid
    root, closer = open_root(app)
    agency = root['thads']
    for part in path:
        agency = agency[part]
    dept = app.app.registry.content.create('Department', title=title)
    agency['phong-ban'].add(name, dept, registry=app.app.registry)
    oid = get_oid(dept)
    transaction.commit()
    closer()
    return oid


def other_cuc_user(app):
    """A login of a Chi cục of another Cục than Hà Nội."""
    root, closer = open_root(app)
    try:
        for user in root['principals']['users'].values():
            agency = user.agency() if hasattr(user, 'agency') else None
            if agency is not None and agency.parent_agency is not None and \
                    agency.parent_agency.__name__ == 'cuc-thads-hai-phong':
                return user.__name__
    finally:
        transaction.abort()
        closer()


def browser(app):
    """Another browser on the same application."""
    return webtest.TestApp(app.app, extra_environ=dict(app.extra_environ))


# -- add, edit, lock, unlock, delete, roles -----------------------------------

def test_cuc_admin_adds_a_chi_cuc_user_with_department(living_app):
    dept = add_department(living_app, ('cuc-thads-ha-noi',
                                       'chi-cuc-thads-ba-dinh'),
                          'phong-nghiep-vu', 'Phòng Nghiệp vụ')
    login(living_app, 'quantri.hn')
    page = living_app.get(HANOI + '/@@nguoi-dung')
    page = page.click(href='@@them-nguoi-dung')
    form = page.forms['deform']
    # Cập nhật, Nhập lại, Hủy
    buttons = [b.get_text().strip() for b in
               page.html.select('#deform button')]
    assert buttons == ['Cập nhật', 'Nhập lại', 'Hủy']
    form['name'] = 'thanh.nv'
    form['full_name'] = 'Nguyễn Văn Thành'
    form['email'] = 'thanh.nv@example.invalid'
    form['job_title'] = 'Chấp hành viên'
    form['password'] = form['password-confirm'] = 'Khoi@tao2026'
    form['agency'] = next(v for v, _s, t in form['agency'].options
                          if 'Ba Đình' in t)
    # no role: refused, and the rest of the input stays
    page = form.submit('add')
    assert 'Chọn ít nhất một vai trò' in page.text
    form = page.forms['deform']
    assert form['full_name'].value == 'Nguyễn Văn Thành'
    assert form['job_title'].value == 'Chấp hành viên'
    # the department list is now Ba Đình's
    assert ('%s' % dept) in [v for v, _s, _t in form['department'].options]
    form['department'] = str(dept)
    form['password'] = form['password-confirm'] = 'Khoi@tao2026'
    form.set('checkbox', True, index=0)          # officer
    page = form.submit('add').follow()
    assert 'Đã thêm người dùng thanh.nv' in flash_text(page)
    assert stored(living_app, 'thanh.nv') == {
        'full_name': 'Nguyễn Văn Thành', 'email': 'thanh.nv@example.invalid',
        'job_title': 'Chấp hành viên', 'roles': {'officer'},
        'agency': 'Chi cục Thi hành án dân sự quận Ba Đình',
        'department': 'Phòng Nghiệp vụ', 'disabled': False,
        'must_change_password': True}
    # listed by department
    page = living_app.get(HANOI + '/@@nguoi-dung', params={
        'don-vi': form['agency'].value, 'phong-ban': str(dept)})
    assert set(rows(page)) == {'thanh.nv'}
    assert rows(page)['thanh.nv'][4] == 'Phòng Nghiệp vụ'


def test_cuc_admin_edits_a_chi_cuc_user(living_app):
    dept = add_department(living_app, ('cuc-thads-ha-noi',
                                       'chi-cuc-thads-ba-dinh'),
                          'phong-to-chuc', 'Phòng Tổ chức')
    login(living_app, 'quantri.hn')
    page = living_app.get(HANOI + '/@@nguoi-dung', params={'q': 'theodoi'})
    page = page.click(href=USER % ('theodoi.bd', 'sua-nguoi-dung'))
    form = page.forms['deform']
    assert form['full_name'].value == 'Theo dõi, thống kê'
    form['full_name'] = 'Trần Thị Bình'
    form['email'] = 'not an address'
    form['job_title'] = 'Thư ký'
    page = form.submit('save')
    # the error keeps the other fields
    assert page.html.select('.has-error') or 'error' in page.text
    form = page.forms['deform']
    assert form['full_name'].value == 'Trần Thị Bình'
    form['email'] = 'binh.tt@example.invalid'
    form['department'] = str(dept)
    page = form.submit('save').follow()
    assert 'Đã cập nhật thông tin tài khoản theodoi.bd' in flash_text(page)
    assert stored(living_app, 'theodoi.bd') == {
        'full_name': 'Trần Thị Bình', 'email': 'binh.tt@example.invalid',
        'job_title': 'Thư ký', 'roles': {'viewer'},
        'agency': 'Chi cục Thi hành án dân sự quận Ba Đình',
        'department': 'Phòng Tổ chức', 'disabled': False,
        'must_change_password': False}
    # moved to another Chi cục of Hà Nội, not out of the subtree
    page = living_app.get(USER % ('theodoi.bd', 'sua-nguoi-dung'))
    form = page.forms['deform']
    titles = [t.strip() for _v, _s, t in form['agency'].options]
    assert 'Cục Thi hành án dân sự thành phố Hải Phòng' not in titles
    form['agency'] = next(v for v, _s, t in form['agency'].options
                          if 'Hoàn Kiếm' in t)
    form['department'] = ''
    form.submit('save').follow()
    assert stored(living_app, 'theodoi.bd')['agency'] == \
        'Chi cục Thi hành án dân sự quận Hoàn Kiếm'
    # a forged agency outside the subtree
    page = living_app.get(USER % ('theodoi.bd', 'sua-nguoi-dung'))
    form = page.forms['deform']
    form['agency'].force_value('1')
    page = form.submit('save')
    assert 'Bạn không có quyền quản lý người dùng của cơ quan này' in \
        page.text


def test_lock_refuses_login_and_ends_sessions_then_unlock(living_app):
    # the user is logged in elsewhere
    other = browser(living_app)
    login(other, 'hotro.002')
    assert other.get(HANOI + '/chi-cuc-thads-hoan-kiem/@@ban-lam-viec'
                     ).status_int == 200
    login(living_app, 'quantri.hn')
    page = living_app.get(USER % ('hotro.002', 'tai-khoan'))
    assert page.html.select_one('#account-status').get_text() == \
        'Đang hoạt động'
    page = page.forms['account-form'].submit('action', value='lock').follow()
    assert 'Đã khóa tài khoản hotro.002' in flash_text(page)
    assert page.html.select_one('#account-status').get_text() == 'Đã khóa'
    assert stored(living_app, 'hotro.002')['disabled']
    # the open session ends
    page = other.get(HANOI + '/chi-cuc-thads-hoan-kiem/@@ban-lam-viec',
                     status='*')
    assert page.status_int in (302, 403)
    assert 'Bàn làm việc' not in page.text or page.status_int == 302
    # and no new one starts, with the reason in Vietnamese
    fresh = browser(living_app)
    page = login(fresh, 'hotro.002')
    assert 'Tài khoản đã bị quản trị viên khóa' in flash_text(page)
    assert fresh.get('/httt').location.endswith('/manage/@@login')
    # a wrong password does not tell the account is locked
    page = login(browser(living_app), 'hotro.002', 'Sai@mat-khau1')
    assert 'bị quản trị viên khóa' not in flash_text(page)
    # the list shows it
    page = living_app.get(HANOI + '/@@nguoi-dung', params={'q': 'hotro.002'})
    assert rows(page)['hotro.002'][6] == 'Đã khóa'
    # unlocked: logs in again
    page = living_app.get(USER % ('hotro.002', 'tai-khoan'))
    page = page.forms['account-form'].submit('action', value='unlock')
    assert 'Đã mở khóa tài khoản hotro.002' in flash_text(page.follow())
    page = login(fresh, 'hotro.002', follow=False)
    assert page.status_int == 302
    assert page.follow().location.endswith(
        '/chi-cuc-thads-hoan-kiem/@@ban-lam-viec')


def test_reset_password_forces_a_change_at_next_login(living_app):
    login(living_app, 'quantri.hn')
    page = living_app.get(USER % ('lanhdao.002', 'tai-khoan'))
    page = page.forms['account-form'].submit('action',
                                             value='reset-password')
    password = page.html.select_one('#temporary-password code').get_text()
    assert len(password) >= 8
    assert 'no-store' in page.headers['Cache-Control']
    # shown once: not in the next page
    page = living_app.get(USER % ('lanhdao.002', 'tai-khoan'))
    assert password not in page.text
    assert stored(living_app, 'lanhdao.002')['must_change_password']
    other = browser(living_app)
    assert 'không đúng' in flash_text(login(other, 'lanhdao.002'))
    page = login(other, 'lanhdao.002', password, follow=False)
    assert page.location.endswith('/principals/users/lanhdao.002'
                                  '/@@change_password')


def test_delete_a_chi_cuc_user_without_history(living_app):
    login(living_app, 'quantri.hn')
    page = living_app.get(HANOI + '/@@nguoi-dung', params={'q': 'bientap'})
    assert {'bientap.hn', 'bientap.bd'} <= set(rows(page))
    form = next(f for f in page.forms.values()
                if f.action.endswith('/bientap.bd/@@xoa-nguoi-dung'))
    page = form.submit()
    # asks first: Đồng ý / Hủy
    assert 'Bạn có chắc chắn muốn xóa tài khoản bientap.bd' in text(page)
    assert page.html.select_one('#delete-confirmed').get_text() == 'Đồng ý'
    assert page.html.select_one('#delete-cancel').get_text() == 'Hủy'
    assert stored(living_app, 'bientap.bd') is not None
    page = page.forms['confirm-delete'].submit().follow()
    assert 'Đã xóa tài khoản bientap.bd' in flash_text(page)
    assert stored(living_app, 'bientap.bd') is None
    page = living_app.get(HANOI + '/@@nguoi-dung', params={'q': 'bientap'})
    assert set(rows(page)) == {'bientap.hn'}


def test_a_user_in_a_timeline_is_locked_not_deleted(living_app):
    login(living_app, 'quantri.hn')
    page = living_app.get(USER % ('hotro.bd', 'xoa-nguoi-dung'))
    assert 'Khóa tài khoản thay vì xóa' in \
        page.html.select_one('#refusal').get_text()
    assert page.html.select_one('#delete-confirmed') is None
    # a forged confirmation is refused too
    token = page.forms['confirm-delete']['csrf_token'].value
    page = living_app.post(USER % ('hotro.bd', 'xoa-nguoi-dung'),
                           {'csrf_token': token}).follow()
    assert 'Khóa tài khoản thay vì xóa' in flash_text(page)
    assert stored(living_app, 'hotro.bd') is not None
    # a leader who only approved, and a specialist assigned a petition
    for name in ('lanhdao.bd', 'chuyenvien.bd'):
        page = living_app.get(USER % (name, 'xoa-nguoi-dung'))
        assert page.html.select_one('#refusal') is not None, name


def test_history_flag_follows_new_timeline_entries_and_the_evolve_step(
        living_app):
    from substanced.event import ObjectModified
    from httttha.evolve import manage_users
    root, closer = open_root(living_app)
    registry = living_app.app.registry
    users = root['principals']['users']
    assert not users['theodoi.bd'].has_history
    assert users['hotro.bd'].has_history
    # an entry naming the user flags it (the workflow's reindex event)
    dossier = next(iter(root['thads']['cuc-thads-ha-noi'][
        'chi-cuc-thads-ba-dinh']['ho-so'].values()))
    dossier.record('note', who='Người theo dõi', who_login='theodoi.bd')
    registry.subscribers((ObjectModified(dossier), dossier), None)
    assert users['theodoi.bd'].has_history
    # the evolve step finds the same from the stored timelines
    for user in users.values():
        user.has_history = False
    manage_users(root, registry)
    assert users['theodoi.bd'].has_history and users['hotro.bd'].has_history
    assert not users['bientap.bd'].has_history
    assert not users['hotro.002'].has_history
    transaction.abort()
    closer()


def test_cuc_admin_re_roles_a_chi_cuc_user(living_app):
    login(living_app, 'quantri.hn')
    page = living_app.get(USER % ('chuyenvien.bd', 'vai-tro'))
    form = page.forms['deform']
    values = [f._value for f in form.fields['checkbox']]
    boxes = dict(zip(values, form.fields['checkbox']))
    boxes['officer'].checked = True
    boxes['specialist'].checked = False
    boxes['agency_admin'].checked = True     # a Chi cục's: from the Cục
    page = form.submit('save').follow()
    assert 'Đã cập nhật vai trò của chuyenvien.bd' in flash_text(page)
    assert stored(living_app, 'chuyenvien.bd')['roles'] == {
        'officer', 'agency_admin'}
    # revoked again
    page = living_app.get(USER % ('chuyenvien.bd', 'vai-tro'))
    form = page.forms['deform']
    for field in form.fields['checkbox']:
        field.checked = field._value == 'specialist'
    form.submit('save').follow()
    assert stored(living_app, 'chuyenvien.bd')['roles'] == {'specialist'}


def test_cuc_admin_cannot_make_a_cuc_administrator(living_app):
    """Điều 10: the Cục's administrators are managed by the Tổng cục."""
    login(living_app, 'quantri.hn')
    page = living_app.get(USER % ('hotro.hn', 'vai-tro'))
    form = page.forms['deform']
    for field in form.fields['checkbox']:
        if field._value == 'agency_admin':
            field.checked = True
    page = form.submit('save')
    assert 'Chỉ quản trị viên của cấp trên mới được giao vai trò quản trị ' \
        'viên' in page.text
    assert stored(living_app, 'hotro.hn')['roles'] == {'officer'}
    # the Tổng cục's administrator may, and then manages that account
    login(living_app, 'quantri.tc')
    page = living_app.get(USER % ('hotro.hn', 'vai-tro'))
    form = page.forms['deform']
    for field in form.fields['checkbox']:
        if field._value == 'agency_admin':
            field.checked = True
    form.submit('save').follow()
    assert stored(living_app, 'hotro.hn')['roles'] == {
        'officer', 'agency_admin'}
    # now a Cục administrator: out of quantri.hn's hands
    login(living_app, 'quantri.hn')
    living_app.get(USER % ('hotro.hn', 'sua-nguoi-dung'), status=403)


def test_refused_on_another_cucs_user_and_on_itself(living_app):
    stranger = other_cuc_user(living_app)
    assert stranger
    login(living_app, 'quantri.hn')
    page = living_app.get(HANOI + '/@@nguoi-dung', params={'q': stranger})
    assert total(page) == 0
    for view in ('sua-nguoi-dung', 'vai-tro', 'tai-khoan', 'xoa-nguoi-dung'):
        living_app.get(USER % (stranger, view), status=403)
    csrf = living_app.get(USER % ('hotro.bd', 'tai-khoan')).forms[
        'account-form']['csrf_token'].value
    living_app.post(USER % (stranger, 'tai-khoan'),
                    {'csrf_token': csrf, 'action': 'lock'}, status=403)
    living_app.post(USER % (stranger, 'xoa-nguoi-dung'),
                    {'csrf_token': csrf}, status=403)
    assert not stored(living_app, stranger)['disabled']
    # itself: its roles, its account
    for view in ('vai-tro', 'sua-nguoi-dung', 'tai-khoan', 'xoa-nguoi-dung'):
        living_app.get(USER % ('quantri.hn', view), status=403)
    living_app.post(USER % ('quantri.hn', 'vai-tro'),
                    {'csrf_token': csrf, 'save': 'save'}, status=403)
    assert stored(living_app, 'quantri.hn')['roles'] == {'agency_admin'}


def test_chi_cuc_admin_refused_on_the_cucs_users(living_app):
    login(living_app, 'quantri.bd')
    page = living_app.get(BADINH + '/@@nguoi-dung')
    assert 'hotro.hn' not in rows(page)
    living_app.get(HANOI + '/@@nguoi-dung', status=403)
    for name in ('hotro.hn', 'quantri.hn'):
        for view in ('sua-nguoi-dung', 'vai-tro', 'tai-khoan',
                     'xoa-nguoi-dung'):
            living_app.get(USER % (name, view), status=403)
    # its own Chi cục's users it manages
    living_app.get(USER % ('hotro.bd', 'sua-nguoi-dung'), status=200)
    # but not itself, nor the Cục as a choice of agency
    living_app.get(USER % ('quantri.bd', 'vai-tro'), status=403)
    form = living_app.get(USER % ('hotro.bd', 'sua-nguoi-dung')).forms[
        'deform']
    titles = [t.strip() for _v, _s, t in form['agency'].options]
    assert titles == ['Chi cục Thi hành án dân sự quận Ba Đình']


def test_csrf_is_required(living_app):
    login(living_app, 'quantri.hn')
    page = living_app.post(USER % ('hotro.002', 'tai-khoan'),
                           {'action': 'lock'}, status='*')
    assert page.status_int in (400, 403, 404)   # check_csrf: no view matches
    page = living_app.post(USER % ('bientap.bd', 'xoa-nguoi-dung'),
                           {'csrf_token': 'forged'}, status='*')
    assert page.status_int in (400, 403, 404)   # check_csrf: no view matches
    assert not stored(living_app, 'hotro.002')['disabled']
    assert stored(living_app, 'bientap.bd') is not None
    # a form without its token saves nothing
    form = living_app.get(USER % ('bientap.bd', 'vai-tro')).forms['deform']
    fields = [(k, v) for k, v in form.submit_fields('save')
              if k != 'csrf_token']
    living_app.post(USER % ('bientap.bd', 'vai-tro'),
                    fields + [('checkbox', 'officer')], status='*')
    assert stored(living_app, 'bientap.bd')['roles'] == {'web_editor'}


# -- the list: paging, search, export ----------------------------------------

def test_paging_search_and_agency_filter_of_the_tong_cuc(living_app):
    root, closer = open_root(living_app)
    everyone = sum(1 for u in root['principals']['users'].values()
                   if getattr(u, 'agency_oid', None) is not None)
    transaction.abort()
    closer()
    login(living_app, 'quantri.tc')
    page = living_app.get(TOP + '/@@nguoi-dung')
    assert total(page) == everyone > 100
    first = rows(page)
    assert len(first) == 50
    page = living_app.get(TOP + '/@@nguoi-dung', params={'page': 2})
    second = rows(page)
    assert len(second) == 50 and not set(first) & set(second)
    # sorted by name across pages
    names = [c[2] for c in first.values()] + [c[2] for c in second.values()]
    from httttha.text import fold
    assert [fold(n) for n in names] == sorted(fold(n) for n in names)
    # search without diacritics, by name or login
    page = living_app.get(TOP + '/@@nguoi-dung',
                          params={'q': 'quan tri vien'})
    assert {'quantri.tc', 'quantri.hn', 'quantri.bd'} <= set(rows(page))
    page = living_app.get(TOP + '/@@nguoi-dung', params={'q': 'lanhdao.bd'})
    assert set(rows(page)) == {'lanhdao.bd'}
    # one agency of the subtree
    form = living_app.get(TOP + '/@@nguoi-dung').forms['users-filter']
    form['don-vi'] = next(v for v, _s, t in form['don-vi'].options
                          if t.strip() == 'Cục Thi hành án dân sự '
                                          'thành phố Hà Nội')
    page = form.submit()
    assert set(rows(page)) == {p + '.hn' for p in (
        'hotro', 'chuyenvien', 'lanhdao', 'khieunai', 'quantri', 'bientap',
        'baocao', 'theodoi')}
    # a page out of range shows the last
    page = living_app.get(TOP + '/@@nguoi-dung', params={'page': 10 ** 6})
    assert rows(page)


def test_export_holds_the_listed_users(living_app):
    login(living_app, 'quantri.hn')
    page = living_app.get(HANOI + '/@@nguoi-dung', params={'q': 'hotro'})
    listed = set(rows(page))
    assert listed == {'hotro.hn', 'hotro.bd', 'hotro.002'}
    response = page.click(href='@@xuat-nguoi-dung')
    assert response.content_type == ('application/vnd.openxmlformats-'
                                     'officedocument.spreadsheetml.sheet')
    # the workbook is written in constant memory (inline strings): read
    # it as Excel would
    sheet = openpyxl.load_workbook(io.BytesIO(response.body)).active
    cells = [v for row in sheet.iter_rows(values_only=True) for v in row
             if isinstance(v, str)]
    strings = '\n'.join(cells)
    for name in listed:
        assert name in cells
    assert 'lanhdao.bd' not in strings and 'quantri.hn' not in strings
    assert 'Danh sách người dùng của Cục Thi hành án dân sự thành phố Hà ' \
        'Nội' in strings
    assert 'Công chức hỗ trợ trực tuyến' in strings
    # and only for administrators of the scope
    login(living_app, 'quantri.bd')
    living_app.get(HANOI + '/@@xuat-nguoi-dung', status=403)


# -- landing pages ------------------------------------------------------------

LANDINGS = {
    'hotro': ('ban-lam-viec', 'Bàn làm việc'),
    'chuyenvien': ('ban-lam-viec', 'Bàn làm việc'),
    'lanhdao': ('ban-lam-viec', 'Bàn làm việc'),
    'khieunai': ('ban-lam-viec', 'Bàn làm việc'),
    'quantri': ('nguoi-dung', 'Thêm người dùng'),
    'theodoi': ('thong-ke', 'Thống kê'),
    # issue 16: the web editor's own screen
    'bientap': ('huong-dan', 'Hướng dẫn và hỏi đáp'),
    # issue 18: the report administrator's own screen
    'baocao': ('quan-tri-bao-cao', 'Quản trị báo cáo THADS'),
}


@pytest.mark.parametrize('suffix', ['tc', 'hn'])
@pytest.mark.parametrize('prefix', sorted(LANDINGS))
def test_every_role_lands_on_its_own_page(living_app, prefix, suffix):
    view, shown = LANDINGS[prefix]
    page = login(living_app, '%s.%s' % (prefix, suffix), follow=False)
    assert page.status_int == 302
    page = page.follow()                 # /manage/@@httt
    assert page.status_int == 302
    page = page.follow()
    assert page.status_int == 200
    assert page.request.path.endswith('/@@' + view)
    assert shown in page.text


def test_bad_filters_and_forged_choices_never_fail(living_app):
    login(living_app, 'quantri.hn')
    root, closer = open_root(living_app)
    from substanced.util import get_oid
    strangers = [str(get_oid(root[name])) for name in ('principals',
                                                       'catalogs')]
    transaction.abort()
    closer()
    for params in ({'don-vi': 'abc'}, {'don-vi': '9' * 40},
                   {'don-vi': strangers[0], 'phong-ban': strangers[1]},
                   {'phong-ban': '-1', 'page': 'x'}, {'q': '*' * 500}):
        page = living_app.get(HANOI + '/@@nguoi-dung', params=params)
        assert total(page) >= 0
        living_app.get(HANOI + '/@@xuat-nguoi-dung', params=params)
    page = living_app.get(HANOI + '/@@them-nguoi-dung',
                          params={'don-vi': strangers[0]})
    form = page.forms['deform']
    form['name'] = 'gia.mao'
    form['full_name'] = 'Giả mạo'
    form['email'] = 'gia.mao@example.invalid'
    form['password'] = form['password-confirm'] = 'Khoi@tao2026'
    form['agency'].force_value(strangers[0])
    form['department'].force_value(strangers[1])
    form.set('checkbox', True, index=0)
    page = form.submit('add')
    assert 'Bạn không có quyền quản lý người dùng của cơ quan này' in \
        page.text
    assert stored(living_app, 'gia.mao') is None
