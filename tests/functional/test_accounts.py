"""Login, lockout, forced password change, password policy, logout (B1)."""
import datetime

import transaction

from ..conftest import ADMIN_PASSWORD, flash_text, login, logout, open_root

WEAK = 'abc12345'
POLICY_MESSAGE = 'Mật khẩu phải có chữ in hoa'


def test_login_shows_name_and_agency_in_header(app):
    page = login(app, 'hotro.bd')
    page = page.maybe_follow()
    header = page.html.select_one('.httttha-user button').get_text()
    assert 'Công chức hỗ trợ trực tuyến' in header
    assert 'Chi cục Thi hành án dân sự quận Ba Đình' in header
    assert page.html.select_one('#unit-name').get_text() == \
        'Chi cục Thi hành án dân sự quận Ba Đình'


def test_login_page_is_vietnamese(app):
    page = app.get('/manage/@@login')
    assert page.html.find('h2').get_text().strip() == 'Đăng nhập'
    assert page.html.find('html')['lang'] == 'vi'


def test_wrong_password_is_refused_in_vietnamese(app):
    page = login(app, 'hotro.bd', 'Sai@mat-khau1')
    assert 'Tên đăng nhập hoặc mật khẩu không đúng' in flash_text(page)
    assert app.get('/httt').location.endswith('/manage/@@login')


def test_lockout_after_five_failures_and_expiry(app):
    for _ in range(4):
        page = login(app, 'hotro.hn', 'Sai@mat-khau1')
        assert 'không đúng' in flash_text(page)
    page = login(app, 'hotro.hn', 'Sai@mat-khau1')
    assert 'bị khóa 15 phút' in flash_text(page)
    # the right password is refused while locked
    page = login(app, 'hotro.hn')
    assert 'bị khóa' in flash_text(page)
    assert 'httttha_auth' not in app.cookies or not app.cookies[
        'httttha_auth']
    # other accounts are not affected
    assert login(app, 'hotro.bd', follow=False).status_int == 302
    logout(app)
    # the lock expires
    root, closer = open_root(app)
    user = root['principals']['users']['hotro.hn']
    assert user.locked_until is not None
    user.locked_until = datetime.datetime.now(
        datetime.timezone.utc) - datetime.timedelta(seconds=1)
    transaction.commit()
    closer()
    page = login(app, 'hotro.hn', follow=False)
    assert page.follow().location.endswith('/@@ban-lam-viec')
    root, closer = open_root(app)
    assert root['principals']['users']['hotro.hn'].locked_until is None
    closer()


def _add_user_as(app, admin, agency_path, name, password):
    login(app, admin)
    page = app.get('/manage%s/@@them-nguoi-dung' % agency_path)
    form = page.forms['deform']
    form['name'] = name
    form['full_name'] = 'Nguyễn Văn Thành'
    form['email'] = '%s@example.invalid' % name
    form['password'] = password
    form['password-confirm'] = password
    form.set('checkbox', True, index=0)  # first role: officer
    return form.submit('add')


def test_new_user_must_change_password_at_first_login(app):
    response = _add_user_as(app, 'quantri.hn', '/thads/cuc-thads-ha-noi',
                            'thanh.nv', 'Khoi@tao2026')
    assert response.status_int == 302
    logout(app)
    page = login(app, 'thanh.nv', 'Khoi@tao2026')
    assert page.request.path.endswith('/@@change_password')
    # any other back-office page sends the user back there
    other = app.get('/manage/thads/cuc-thads-ha-noi/@@ban-lam-viec')
    assert other.status_int == 302
    assert other.location.endswith('/thanh.nv/@@change_password')
    page = app.get(other.location)
    form = page.forms['deform']
    form['current_password'] = 'Khoi@tao2026'
    form['password'] = WEAK
    form['password-confirm'] = WEAK
    page = form.submit('change')
    assert POLICY_MESSAGE in page.text
    form = page.forms['deform']
    form['current_password'] = 'Khoi@tao2026'
    form['password'] = 'Moi@matkhau9'
    form['password-confirm'] = 'Moi@matkhau9'
    page = form.submit('change').maybe_follow()
    assert 'Mật khẩu của bạn đã được thay đổi' in flash_text(page)
    assert app.get('/manage/thads/cuc-thads-ha-noi/@@ban-lam-viec') \
        .status_int == 200
    root, closer = open_root(app)
    user = root['principals']['users']['thanh.nv']
    assert user.check_password('Moi@matkhau9')
    assert not user.must_change_password
    closer()


def test_weak_password_refused_when_adding_user(app):
    page = _add_user_as(app, 'quantri.hn', '/thads/cuc-thads-ha-noi',
                        'yeu.nv', WEAK)
    assert page.status_int == 200
    assert POLICY_MESSAGE in page.text
    # the other values stay filled in
    assert page.forms['deform']['full_name'].value == 'Nguyễn Văn Thành'
    root, closer = open_root(app)
    assert 'yeu.nv' not in root['principals']['users']
    closer()


def test_weak_password_refused_in_site_admin_add_user(app):
    login(app, 'admin', ADMIN_PASSWORD)
    page = app.get('/manage/principals/users/@@add_user')
    form = page.forms['deform']
    form['name'] = 'yeu2'
    form['full_name'] = 'Trần Thị Yếu'
    form['email'] = 'yeu2@example.invalid'
    form['password'] = WEAK
    form['password-confirm'] = WEAK
    page = form.submit('add')
    assert POLICY_MESSAGE in page.text


def test_weak_password_refused_on_reset(app):
    # issue 13: substanced's reset objects gave way to httttha's tokens
    from httttha.services.accounts.passwordreset import issue_token
    root, closer = open_root(app)
    user = root['principals']['users']['hotro.bd']
    token = issue_token(root, user, 600)
    transaction.commit()
    closer()
    page = app.get('/manage/@@dat-lai-mat-khau', params={'ma': token})
    form = page.forms['deform']
    form['new_password'] = WEAK
    form['new_password-confirm'] = WEAK
    page = form.submit('reset')
    assert POLICY_MESSAGE in page.text


def test_weak_password_refused_by_the_model():
    from httttha.content.user import StaffUser
    from httttha.services.accounts.logins import WeakPassword
    import pytest
    with pytest.raises(WeakPassword):
        StaffUser(password=WEAK)
    user = StaffUser(password='Dung@chuan1')
    with pytest.raises(WeakPassword):
        user.set_password('ALLUPPER@1')


def test_logout_and_login_as_another_account(app):
    badinh = '/manage/thads/cuc-thads-ha-noi/chi-cuc-thads-ba-dinh/'
    login(app, 'hotro.bd')
    assert app.get(badinh + '@@ban-lam-viec').status_int == 200
    page = logout(app, relogin=True)
    assert page.location.endswith('/manage/@@login')
    page = login(app, 'lanhdao.hn').maybe_follow()
    assert 'Lãnh đạo' in page.html.select_one('.httttha-user button').text
    assert page.html.select_one('#unit-name').get_text() == \
        'Cục Thi hành án dân sự thành phố Hà Nội'
    logout(app)
    # logged out: a staff page asks for a login, then comes back to it
    page = app.get(badinh + '@@ban-lam-viec', status=403)
    assert page.html.find('input', {'name': 'login'}) is not None
    page = login(app, 'hotro.bd')
    assert page.request.path == badinh + '@@ban-lam-viec'


def test_httt_leads_to_the_workspace(app):
    assert app.get('/httt').location.endswith('/manage/@@login')
    login(app, 'hotro.bd')
    page = app.get('/httt')
    assert page.location.endswith(
        '/manage/thads/cuc-thads-ha-noi/chi-cuc-thads-ba-dinh/@@ban-lam-viec')
    page = page.follow()
    assert page.html.find('h1').get_text() == 'Bàn làm việc'
