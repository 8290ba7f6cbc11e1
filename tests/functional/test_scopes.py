"""Who reaches which staff pages (SPEC C2, C3), through real requests."""
from ..conftest import login

HANOI = '/manage/thads/cuc-thads-ha-noi'
BADINH = HANOI + '/chi-cuc-thads-ba-dinh'
HOANKIEM = HANOI + '/chi-cuc-thads-hoan-kiem'
HAIPHONG = '/manage/thads/cuc-thads-hai-phong'
MEMBERSHIP = '/manage/principals/users/%s/@@properties/Agency and roles'


def test_chi_cuc_officer_stays_in_own_unit(app):
    login(app, 'hotro.bd')
    page = app.get(BADINH + '/@@ban-lam-viec')
    assert page.html.select_one('#unit-name').get_text() == \
        'Chi cục Thi hành án dân sự quận Ba Đình'
    for path in (HOANKIEM + '/@@ban-lam-viec', HANOI + '/@@ban-lam-viec',
                 HANOI + '/@@properties', HOANKIEM + '/ho-so/@@contents'):
        page = app.get(path, status=403)
        assert page.html.select_one('#unit-name') is None


def test_cuc_leader_views_its_chi_cuc_but_not_another_cuc(app):
    login(app, 'lanhdao.hn')
    page = app.get(BADINH + '/@@properties')
    # shown read-only: a leader views, an administrator edits
    assert 'Chi cục Thi hành án dân sự quận Ba Đình' in page.html.select_one(
        '#form').get_text()
    assert page.html.find('input', {'name': 'title'}) is None
    app.get(HAIPHONG + '/@@properties', status=403)
    # the Chi cục's own workspace belongs to its own staff
    app.get(BADINH + '/@@ban-lam-viec', status=403)


def test_cuc_officer_does_not_process_chi_cuc_dossiers(app):
    login(app, 'hotro.hn')
    app.get(HANOI + '/@@ban-lam-viec', status=200)
    app.get(BADINH + '/@@ban-lam-viec', status=403)
    app.get(BADINH + '/ho-so/@@contents', status=403)


def test_cuc_admin_manages_users_of_its_subtree_only(app):
    login(app, 'quantri.hn')
    page = app.get(HANOI + '/@@nguoi-dung')
    logins = {a.get_text() for a in page.html.select('#users tbody a')}
    assert {'hotro.hn', 'hotro.bd', 'quantri.bd'} <= logins
    assert not any(name.endswith('.tc') for name in logins)
    app.get('/manage/thads/@@nguoi-dung', status=403)
    app.get(HAIPHONG + '/@@nguoi-dung', status=403)
    app.get(HAIPHONG + '/@@them-nguoi-dung', status=403)
    # a user of a Chi cục below: editable; a user of the Tổng cục: not
    page = app.get(MEMBERSHIP % 'hotro.bd')
    assert page.html.find('input', {'name': 'full_name'}) is not None
    app.get(MEMBERSHIP % 'hotro.tc', status=403)


def test_cuc_admin_can_move_a_user_only_within_its_subtree(app):
    login(app, 'quantri.hn')
    page = app.get(MEMBERSHIP % 'hotro.bd')
    form = page.forms['deform']
    choices = [value for value, _sel, _text in form['agency'].options]
    titles = [text for _v, _s, text in form['agency'].options]
    assert 'Chi cục Thi hành án dân sự quận Hoàn Kiếm' in titles
    assert 'Cục Thi hành án dân sự thành phố Hải Phòng' not in titles
    # a forged value outside the subtree is refused in Vietnamese
    form['agency'].force_value('1')
    page = form.submit('save')
    assert 'Bạn không có quyền quản lý người dùng của cơ quan này' in page.text
    assert len(choices) > 20


def test_user_search_folds_accents(app):
    login(app, 'quantri.hn')
    page = app.get(HANOI + '/@@nguoi-dung', params={'q': 'cong chuc ho tro'})
    logins = {a.get_text() for a in page.html.select('#users tbody a')}
    # 'Công chức hỗ trợ trực tuyến' of Hà Nội and Ba Đình, nobody else
    assert logins == {'hotro.hn', 'hotro.bd'}
