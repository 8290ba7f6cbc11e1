"""Cơ cấu tổ chức (issue 15 item 1, SPEC C1) on the living demo data:
the tree of an administrator's scope with the counts under each node and
a search without diacritics; adding, editing, moving and deleting
agencies (refused, with the reason, for an agency with a dossier, a user
or a sub-agency, from the tree and from the generic delete); departments;
a move recomputes who administers the moved agency and its users."""
import re

import pytest
import transaction
from substanced.util import get_oid

from httttha.services.accounts.logins import add_user

from ..conftest import ADMIN_PASSWORD, flash_text, login, logout, open_root
from .submission import submit_dossier

TC = '/manage/thads'
HN = TC + '/cuc-thads-ha-noi'
HP = TC + '/cuc-thads-hai-phong'
BD = HN + '/chi-cuc-thads-ba-dinh'
HK = HN + '/chi-cuc-thads-hoan-kiem'
TREE = '/@@co-cau-to-chuc'


@pytest.fixture
def app(living_app_factory):
    return living_app_factory(**{'httttha.captcha': 'false'})


def _text(element):
    return re.sub(r'\s+', ' ', element.get_text()).strip()


def node(page, code):
    """The tree's row of the agency with ``code`` (its own line, without
    its sub-agencies), or None when the tree does not show it."""
    li = page.html.select_one('#agency-tree li[data-code="%s"]' % code)
    if li is None:
        return None
    row = li.find('summary') or li
    return {
        'title': _text(row.select_one('.agency-title')),
        'dossiers': int(_text(row.select_one('.dossiers'))),
        'users': int(_text(row.select_one('.users'))),
        'links': {a['class'][0]: a['href']
                  for a in li.find(class_='agency-actions',
                                   recursive=False).select('a')},
        'open': li.find('details') is not None and
        li.find('details').has_attr('open'),
        'matched': 'match' in li['class'],
    }


def with_root(app, change):
    """Run ``change(root)`` on the app's database and commit."""
    root, closer = open_root(app)
    try:
        result = change(root)
        transaction.commit()
        return result
    finally:
        transaction.abort()
        closer()


def add_agency(root, parent_path, name, title, code, kind='chi_cuc'):
    from pyramid.threadlocal import get_current_registry
    registry = get_current_registry()
    parent = root
    for part in parent_path.split('/')[2:]:
        parent = parent[part]
    agency = registry.content.create('Agency', title=title, code=code,
                                     kind=kind)
    parent.add(name, agency, registry=registry)
    return agency


def add_staff(root, login_name, agency_path, roles, department=None):
    from pyramid.threadlocal import get_current_registry
    registry = get_current_registry()
    agency = root
    for part in agency_path.split('/')[2:]:
        agency = agency[part]
    user = add_user(root, registry, login_name, 'Demo@2026',
                    '%s@example.invalid' % login_name, 'Cán bộ thử')
    user.must_change_password = False
    dept = agency['phong-ban'][department] if department else None
    user.assign(agency, roles, dept)
    return user


def counts_in_db(app, path):
    """(dossiers, users) of the agency at ``path`` and its subtree, read
    the slow way: every dossier folder and every user."""
    def count(root):
        agency = root
        for part in path.split('/')[2:]:
            agency = agency[part]
        oids = {get_oid(a) for a in agency.walk()}
        dossiers = sum(len(a['ho-so']) for a in agency.walk())
        users = sum(1 for u in root['principals']['users'].values()
                    if getattr(u, 'agency_oid', None) in oids)
        return dossiers, users
    return with_root(app, count)


def csrf(page):
    return page.html.find('input', attrs={'name': 'csrf_token'})['value']


# -- the tree ----------------------------------------------------------------

def test_tree_is_a_tab_and_shows_counts_of_the_scope(app):
    page = login(app, 'quantri.tc').maybe_follow()
    tab = [a for a in page.html.select('.nav-tabs a')
           if _text(a) == 'Cơ cấu tổ chức']
    assert tab, 'the tree is a tab of the administrator\'s landing page'
    page = app.get(tab[0]['href'])
    assert page.html.h1.get_text() == 'Cơ cấu tổ chức'
    items = page.html.select('#agency-tree li')
    assert len(items) == 756            # every agency of the country
    for code, path in (('TC', TC), ('01', HN), ('001', BD)):
        row = node(page, code)
        assert (row['dossiers'], row['users']) == counts_in_db(app, path)
    hn, bd = node(page, '01'), node(page, '001')
    assert bd['dossiers'] > 0 and bd['users'] == 8
    assert hn['dossiers'] > bd['dossiers'] and hn['users'] > bd['users']
    # folded below the top: the Tổng cục open, the Cục closed
    assert node(page, 'TC')['open'] and not hn['open']
    # the top of the scope can be neither moved nor deleted from here
    assert set(node(page, 'TC')['links']) == {
        'edit', 'add', 'departments', 'users-link'}
    assert set(hn['links']) == {'edit', 'add', 'departments', 'users-link',
                                'move', 'delete'}
    # a Chi cục gets no sub-agency
    assert 'add' not in bd['links']
    assert bd['links']['delete'] == \
        HN + '/@@xoa-don-vi?ten=chi-cuc-thads-ba-dinh'


def test_cuc_admin_sees_its_own_subtree(app):
    login(app, 'quantri.hn')
    page = app.get(HN + TREE)
    assert len(page.html.select('#agency-tree li')) == 1 + 30
    assert node(page, 'TC') is None and node(page, '31') is None
    assert (node(page, '01')['dossiers'], node(page, '01')['users']) == \
        counts_in_db(app, HN)
    # its own Cục is the top of its scope: no move, no delete
    assert 'move' not in node(page, '01')['links']
    assert 'delete' not in node(page, '01')['links']
    app.get(TC + TREE, status=403)
    app.get(HP + TREE, status=403)


def test_search_without_diacritics(app):
    login(app, 'quantri.tc')
    page = app.get(TC + TREE, params={'q': 'ha noi'})
    hn = node(page, '01')
    assert hn['title'] == 'Cục Thi hành án dân sự thành phố Hà Nội'
    assert hn['matched']
    assert node(page, 'TC')['open']          # the way to it unfolded
    assert node(page, '31') is None          # Hải Phòng: not shown
    assert node(page, '001') is None         # nor Ba Đình (no match)
    assert 'Tìm thấy' in _text(page.html.select_one('#tree-matches'))
    # the same with the accents, in upper case, and by a Chi cục's name
    page = app.get(TC + TREE, params={'q': 'BA ĐÌNH'})
    assert node(page, '001')['matched'] and node(page, '01')['open']
    assert not node(page, '01')['matched']
    page = app.get(TC + TREE, params={'q': 'khong co don vi nay'})
    assert page.html.select('#agency-tree li') == []
    assert 'Không có cơ quan nào' in _text(
        page.html.select_one('#tree-matches'))
    # what was typed is shown escaped
    page = app.get(TC + TREE, params={'q': '<script>x</script>'})
    assert '<script>x</script>' not in page.text


# -- add and edit ------------------------------------------------------------

def test_add_and_edit_an_agency_with_vietnamese_buttons(app):
    login(app, 'quantri.hn')
    page = app.get(HN + '/@@add_agency')
    buttons = [(_text(b), b.get('type')) for b in
               page.html.select('#deform .deform-form-buttons button')]
    assert buttons == [('Cập nhật', 'submit'), ('Nhập lại', 'reset'),
                       ('Hủy', 'submit')]
    form = page.forms['deform']
    form['name'] = 'chi-cuc-thu'
    form['title'] = 'Chi cục Thử nghiệm'
    form['kind'] = 'chi_cuc'
    form['code'] = '0999'
    form['phone'] = 'không phải số'
    page = form.submit('add')
    # a validation error keeps what was typed
    form = page.forms['deform']
    assert form['title'].value == 'Chi cục Thử nghiệm'
    assert form['code'].value == '0999'
    form['phone'] = '024 1234 5678'
    page = form.submit('add').follow()
    assert 'Đã thêm "Chi cục Thử nghiệm"' in flash_text(page)
    row = node(page, '0999')
    assert row['matched'] and (row['dossiers'], row['users']) == (0, 0)
    # Hủy adds nothing
    form = app.get(HN + '/@@add_agency').forms['deform']
    form['name'] = 'chi-cuc-huy'
    page = form.submit('cancel').follow()
    assert page.request.path == HN + TREE
    assert with_root(app, lambda r: 'chi-cuc-huy' not in
                     r['thads']['cuc-thads-ha-noi'])
    # edit: the property sheet, with the same buttons
    page = app.get(row['links']['edit'])
    buttons = [_text(b) for b in
               page.html.select('#deform .deform-form-buttons button')]
    assert buttons == ['Cập nhật', 'Nhập lại', 'Hủy']
    form = page.forms['deform']
    form['title'] = 'Chi cục Thử nghiệm (đã sửa)'
    form.submit('save').follow()
    page = app.get(HN + TREE, params={'q': 'da sua'})
    assert node(page, '0999')['title'] == 'Chi cục Thử nghiệm (đã sửa)'


# -- delete ------------------------------------------------------------------

def _refusal_everywhere(app, parent, name, expected):
    """Deleting ``name`` from ``parent`` is refused with ``expected``:
    on the tree's confirmation (no Tiếp tục), on a forged POST, and in
    the site administrator's generic delete; it is still there."""
    page = app.get(parent + '/@@xoa-don-vi', params={'ten': name})
    assert _text(page.html.select_one('#delete-refused')) == expected
    assert page.html.select_one('#delete-confirmed') is None
    token = csrf(app.get(parent + TREE))
    done = app.post(parent + '/@@xoa-don-vi?ten=' + name,
                    {'csrf_token': token, 'tiep-tuc': '1'}).follow()
    assert expected in flash_text(done)
    logout(app)
    login(app, 'admin', ADMIN_PASSWORD)
    page = app.get(parent + '/@@contents')
    page = app.post(parent + '/@@contents', {
        'csrf_token': csrf(page), 'item-modify': name,
        'form.delete': 'delete'})
    assert _text(page.html.select_one('#to-delete td.refused')) == expected
    done = app.post(parent + '/@@contents', {
        'csrf_token': csrf(page), 'item-modify': name,
        'form.delete_confirmed': 'delete'}).follow()
    assert expected in flash_text(done)
    logout(app)


def _exists(app, path):
    def find(root):
        here = root
        for part in path.split('/')[2:]:
            here = here.get(part) if hasattr(here, 'get') else None
            if here is None:
                return False
        return True
    return with_root(app, find)


def test_agency_with_a_child_is_not_deleted(app):
    with_root(app, lambda r: (
        add_agency(r, TC, 'cuc-thu', 'Cục Thử', '98', 'cuc'),
        add_agency(r, TC + '/cuc-thu', 'chi-cuc-thu', 'Chi cục Thử', '981')))
    login(app, 'quantri.tc')
    _refusal_everywhere(app, TC, 'cuc-thu', (
        'Không thể xóa "Cục Thử": cơ quan còn 1 đơn vị trực thuộc, 0 người '
        'dùng và 0 hồ sơ. Hãy chuyển hoặc xóa chúng trước.'))
    assert _exists(app, TC + '/cuc-thu/chi-cuc-thu')


def test_agency_with_a_user_is_not_deleted(app):
    with_root(app, lambda r: (
        add_agency(r, HN, 'chi-cuc-thu', 'Chi cục Thử', '0998'),
        add_staff(r, 'canbo.thu', HN + '/chi-cuc-thu', ['officer'])))
    login(app, 'quantri.hn')
    _refusal_everywhere(app, HN, 'chi-cuc-thu', (
        'Không thể xóa "Chi cục Thử": cơ quan còn 0 đơn vị trực thuộc, 1 '
        'người dùng và 0 hồ sơ. Hãy chuyển hoặc xóa chúng trước.'))
    assert _exists(app, HN + '/chi-cuc-thu')


def test_agency_with_a_dossier_is_not_deleted(app):
    code = submit_dossier(app, 'HTTT01', agency='003')      # Tây Hồ
    login(app, 'quantri.hn')
    _refusal_everywhere(app, HN, 'chi-cuc-thads-tay-ho', (
        'Không thể xóa "Chi cục Thi hành án dân sự quận Tây Hồ": cơ quan '
        'còn 0 đơn vị trực thuộc, 0 người dùng và 1 hồ sơ. Hãy chuyển hoặc '
        'xóa chúng trước.'))
    assert _exists(app, HN + '/chi-cuc-thads-tay-ho/ho-so/' + code)


def test_empty_agency_is_deleted_after_confirmation(app):
    with_root(app, lambda r: add_agency(r, HN, 'chi-cuc-thu', 'Chi cục Thử',
                                        '0998'))
    login(app, 'quantri.hn')
    page = app.get(HN + TREE, params={'q': 'chi cuc thu'})
    page = app.get(node(page, '0998')['links']['delete'])
    assert 'Bạn có chắc chắn muốn xóa cơ quan “Chi cục Thử”' in _text(
        page.html.select_one('#delete-question'))
    assert _text(page.html.select_one('#delete-confirmed')) == 'Tiếp tục'
    assert _text(page.html.select_one('#delete-cancel')) == 'Hủy'
    # without the CSRF token: refused, nothing deleted
    app.post(HN + '/@@xoa-don-vi?ten=chi-cuc-thu', {'tiep-tuc': '1'},
             status=400)
    app.post(HN + '/@@xoa-don-vi?ten=chi-cuc-thu',
             {'tiep-tuc': '1', 'csrf_token': 'forged'}, status=400)
    assert _exists(app, HN + '/chi-cuc-thu')
    done = page.forms['confirm-delete'].submit('tiep-tuc').follow()
    assert 'Đã xóa "Chi cục Thử"' in flash_text(done)
    assert done.request.path == HN + TREE
    assert not _exists(app, HN + '/chi-cuc-thu')
    assert node(done, '0998') is None


# -- move --------------------------------------------------------------------

def test_move_recomputes_who_administers_the_agency_and_its_users(app):
    with_root(app, lambda r: add_staff(r, 'quantri.hp', HP,
                                       ['agency_admin']))
    # before: Hà Nội's administrator manages Hoàn Kiếm and its users
    login(app, 'quantri.hn')
    assert 'hotro.002' in app.get(HK + '/@@nguoi-dung').text
    app.get('/manage/principals/users/hotro.002/@@properties')
    logout(app)
    login(app, 'quantri.hp')
    app.get(HK + '/@@nguoi-dung', status=403)
    logout(app)

    login(app, 'quantri.tc')
    page = app.get(TC + TREE, params={'q': 'hoan kiem'})
    page = app.get(node(page, '002')['links']['move'])
    buttons = [_text(b) for b in
               page.html.select('#deform .deform-form-buttons button')]
    assert buttons == ['Cập nhật', 'Nhập lại', 'Hủy']
    form = page.forms['deform']
    choices = [text.strip() for _v, _s, text in form['parent'].options]
    assert 'Cục Thi hành án dân sự thành phố Hải Phòng' in choices
    # no Chi cục, not its own Cục
    assert not any('Chi cục' in c for c in choices)
    assert 'Cục Thi hành án dân sự thành phố Hà Nội' not in choices
    # nothing chosen: the error, and what was typed stays
    form['name'] = 'hoan-kiem-moi'
    page = form.submit('move')
    assert 'Hãy chọn đơn vị cấp trên mới.' in page.text
    form = page.forms['deform']
    assert form['name'].value == 'hoan-kiem-moi'
    form['name'] = 'chi-cuc-thads-hoan-kiem'
    hp_oid = [v for v, _s, text in form['parent'].options
              if text.strip() == 'Cục Thi hành án dân sự thành phố Hải Phòng'
              ][0]
    form['parent'] = hp_oid
    done = form.submit('move').follow()
    assert 'đã được chuyển về "Cục Thi hành án dân sự thành phố Hải ' \
        'Phòng"' in flash_text(done)
    moved = HP + '/chi-cuc-thads-hoan-kiem'
    assert _exists(app, moved) and not _exists(app, HK)
    hp = node(app.get(HP + TREE), '31')
    assert hp['users'] == counts_in_db(app, HP)[1] and hp['users'] >= 3
    logout(app)

    # after: Hà Nội's administrator no longer manages it nor its users
    login(app, 'quantri.hn')
    app.get(moved + '/@@nguoi-dung', status=403)
    app.get(moved + '/@@properties', status=403)
    app.get('/manage/principals/users/hotro.002/@@properties', status=403)
    assert node(app.get(HN + TREE), '002') is None
    logout(app)
    # Hải Phòng's administrator does
    login(app, 'quantri.hp')
    assert 'hotro.002' in app.get(moved + '/@@nguoi-dung').text
    page = app.get('/manage/principals/users/hotro.002/@@properties')
    assert 'hotro.002' in page.text
    assert node(app.get(HP + TREE), '002') is not None
    logout(app)
    # the moved agency's officer keeps its roles, at the new place
    page = login(app, 'hotro.002').maybe_follow()
    assert page.request.path == moved + '/@@ban-lam-viec'


def test_move_is_refused_to_a_name_taken_and_needs_csrf(app):
    with_root(app, lambda r: add_agency(r, HP, 'chi-cuc-thads-hoan-kiem',
                                        'Chi cục trùng tên', '3199'))
    login(app, 'quantri.tc')
    page = app.get(HN + '/@@chuyen-don-vi', params={
        'ten': 'chi-cuc-thads-hoan-kiem'})
    form = page.forms['deform']
    hp_oid = [v for v, _s, text in form['parent'].options
              if text.strip() == 'Cục Thi hành án dân sự thành phố Hải Phòng'
              ][0]
    form['parent'] = hp_oid
    page = form.submit('move')
    assert ('"Cục Thi hành án dân sự thành phố Hải Phòng" đã có một đơn vị '
            'trực thuộc với địa chỉ "chi-cuc-thads-hoan-kiem"') in page.text
    assert _exists(app, HK)
    form = page.forms['deform']
    token = form['_csrf_token_'].value
    form['_csrf_token_'] = 'forged'
    form['name'] = 'hoan-kiem'
    page = form.submit('move')
    # the form's CSRF check (Substance D's schema): shown again, not moved
    assert page.html.select_one('#deform .alert-danger') is not None
    assert _exists(app, HK) and not _exists(app, HP + '/hoan-kiem')
    # with the real token it moves under the new name
    form = page.forms['deform']
    form['_csrf_token_'] = token
    form.submit('move').follow()
    assert not _exists(app, HK) and _exists(app, HP + '/hoan-kiem')


def test_chi_cuc_admin_cannot_move_or_delete_above_itself(app):
    login(app, 'quantri.bd')
    # its own tree: itself, neither movable nor deletable
    page = app.get(BD + TREE)
    assert set(node(page, '001')['links']) == {'edit', 'departments',
                                               'users-link'}
    app.get(TC + TREE, status=403)
    app.get(HN + TREE, status=403)
    for parent, name in ((TC, 'cuc-thads-ha-noi'),
                         (HN, 'chi-cuc-thads-ba-dinh')):
        app.get(parent + '/@@chuyen-don-vi', params={'ten': name},
                status=403)
        app.get(parent + '/@@xoa-don-vi', params={'ten': name}, status=403)
        app.post(parent + '/@@xoa-don-vi?ten=' + name,
                 {'csrf_token': csrf(page), 'tiep-tuc': '1'}, status=403)
    logout(app)
    # nor does a Cục's administrator move or delete its own Cục
    login(app, 'quantri.hn')
    app.get(TC + '/@@chuyen-don-vi', params={'ten': 'cuc-thads-ha-noi'},
            status=403)
    app.get(TC + '/@@xoa-don-vi', params={'ten': 'cuc-thads-ha-noi'},
            status=403)
    assert _exists(app, HN)


# -- departments -------------------------------------------------------------

def test_departments_add_edit_and_delete_only_when_empty(app):
    login(app, 'quantri.hn')
    page = app.get(BD + '/@@danh-sach-phong-ban')
    assert 'Cơ quan chưa có phòng ban nào.' in page.text
    page = app.get(page.html.select_one('#add-department')['href'])
    buttons = [_text(b) for b in
               page.html.select('#deform .deform-form-buttons button')]
    assert buttons == ['Cập nhật', 'Nhập lại', 'Hủy']
    form = page.forms['deform']
    form['name'] = 'phong-nghiep-vu'
    form['title'] = 'Phòng Nghiệp vụ'
    page = form.submit('add').follow()
    assert 'Đã thêm phòng ban "Phòng Nghiệp vụ"' in flash_text(page)
    form = app.get(BD + '/phong-ban/@@add_department').forms['deform']
    form['name'] = 'phong-trong'
    form['title'] = 'Phòng Trống'
    form.submit('add')
    with_root(app, lambda r: add_staff(r, 'canbo.nv', BD, ['officer'],
                                       'phong-nghiep-vu'))
    page = app.get(BD + '/@@danh-sach-phong-ban')
    users = {_text(tr.find_all('td')[1]): _text(tr.select_one('.users'))
             for tr in page.html.select('#departments tbody tr')}
    assert users == {'Phòng Nghiệp vụ': '1', 'Phòng Trống': '0'}
    # edit through its property sheet
    row = page.html.select_one('#department-phong-trong')
    form = app.get(row.select_one('a.edit')['href']).forms['deform']
    form['title'] = 'Phòng Trống (đã sửa)'
    form.submit('save')
    # a department with a user: refused, in the tree's screen...
    expected = ('Không thể xóa phòng ban "Phòng Nghiệp vụ": còn 1 người '
                'dùng thuộc phòng ban này. Hãy chuyển họ sang phòng ban '
                'khác trước.')
    page = app.get(BD + '/@@xoa-phong-ban', params={'ten': 'phong-nghiep-vu'})
    assert _text(page.html.select_one('#delete-refused')) == expected
    done = app.post(BD + '/@@xoa-phong-ban?ten=phong-nghiep-vu',
                    {'csrf_token': csrf(page), 'tiep-tuc': '1'}).follow()
    assert expected in flash_text(done)
    app.post(BD + '/@@xoa-phong-ban?ten=phong-trong', {'tiep-tuc': '1'},
             status=400)
    # ... and in the generic delete
    logout(app)
    login(app, 'admin', ADMIN_PASSWORD)
    page = app.get(BD + '/phong-ban/@@contents')
    page = app.post(BD + '/phong-ban/@@contents', {
        'csrf_token': csrf(page), 'item-modify': 'phong-nghiep-vu',
        'form.delete': 'delete'})
    assert _text(page.html.select_one('#to-delete td.refused')) == expected
    logout(app)
    # an empty one goes, after confirmation
    login(app, 'quantri.hn')
    page = app.get(BD + '/@@xoa-phong-ban', params={'ten': 'phong-trong'})
    assert '“Phòng Trống (đã sửa)”' in _text(
        page.html.select_one('#delete-question'))
    done = page.forms['confirm-delete'].submit('tiep-tuc').follow()
    assert 'Đã xóa phòng ban "Phòng Trống (đã sửa)"' in flash_text(done)
    users = [_text(tr.find_all('td')[1])
             for tr in done.html.select('#departments tbody tr')]
    assert users == ['Phòng Nghiệp vụ']
    # another Cục's administrator reaches none of it
    logout(app)
    with_root(app, lambda r: add_staff(r, 'quantri.hp', HP,
                                       ['agency_admin']))
    login(app, 'quantri.hp')
    app.get(BD + '/@@danh-sach-phong-ban', status=403)
    app.get(BD + '/@@xoa-phong-ban', params={'ten': 'phong-nghiep-vu'},
            status=403)


# -- what the audit trail is told ------------------------------------------

def test_tree_changes_are_told_to_the_audit_trail(app, monkeypatch):
    """The calls to ``audit.record`` (its store is another part of the
    issue): each change with its values before and after."""
    from httttha.services.administration import audit
    calls = []
    monkeypatch.setattr(audit, 'record', lambda request, action, target=None,
                        before=None, after=None, **kw: calls.append(
                            (action, before, after)))
    login(app, 'quantri.tc')
    form = app.get(HN + '/@@add_agency').forms['deform']
    for key, value in {'name': 'chi-cuc-thu', 'title': 'Chi cục Thử',
                       'kind': 'chi_cuc', 'code': '0999'}.items():
        form[key] = value
    form.submit('add')
    assert calls[-1][0] == 'agency.add'
    assert calls[-1][2]['title'] == 'Chi cục Thử'
    form = app.get(HN + '/chi-cuc-thu/@@properties').forms['deform']
    form['title'] = 'Chi cục Đổi tên'
    form.submit('save')
    assert calls[-1] == ('agency.edit', {'title': 'Chi cục Thử'},
                         {'title': 'Chi cục Đổi tên'})
    form = app.get(HN + '/@@chuyen-don-vi',
                   params={'ten': 'chi-cuc-thu'}).forms['deform']
    form['parent'] = [v for v, _s, text in form['parent'].options
                      if 'Hải Phòng' in text][0]
    form.submit('move')
    action, before, after = calls[-1]
    assert action == 'agency.move'
    assert before['parent'].endswith('Hà Nội')
    assert after['parent'].endswith('Hải Phòng')
    page = app.get(HP + '/@@xoa-don-vi', params={'ten': 'chi-cuc-thu'})
    page.forms['confirm-delete'].submit('tiep-tuc')
    assert calls[-1][0] == 'agency.delete'
    assert calls[-1][1]['title'] == 'Chi cục Đổi tên'
    form = app.get(BD + '/phong-ban/@@add_department').forms['deform']
    form['name'] = 'phong-a'
    form['title'] = 'Phòng A'
    form.submit('add')
    assert calls[-1][0] == 'department.add'
    form = app.get(BD + '/phong-ban/phong-a/@@properties').forms['deform']
    form['code'] = 'PA'
    form.submit('save')
    assert calls[-1] == ('department.edit', {'code': ''}, {'code': 'PA'})
    page = app.get(BD + '/@@xoa-phong-ban', params={'ten': 'phong-a'})
    page.forms['confirm-delete'].submit('tiep-tuc')
    assert calls[-1][0] == 'department.delete'
    assert calls[-1][1]['title'] == 'Phòng A'
