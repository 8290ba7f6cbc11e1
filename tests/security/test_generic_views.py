"""Issue 13, section 1: agency roles reach httttha's purpose-made views
only; Substance D's generic views (contents, add Folder/File, the
principals folder and its password resets, the generic file URL) are the
site administrator's alone.  Each test here failed on 19c2e81."""
from urllib.parse import quote

import pytest
import transaction
import webtest

from ..conftest import ADMIN_PASSWORD, login, open_root
from ..functional.submission import (
    BA_DINH,
    find_dossier,
    pdf_bytes,
    submit_dossier,
)

TOP = '/manage/thads'
HANOI = TOP + '/cuc-thads-ha-noi'
BADINH = HANOI + '/chi-cuc-thads-ba-dinh'
XHR = {'X-Requested-With': 'XMLHttpRequest'}


@pytest.fixture
def app(app_factory):
    return app_factory(**{'httttha.captcha': 'false'})


def staff(app, name, password=None):
    browser = webtest.TestApp(app.app, extra_environ=dict(app.extra_environ))
    if password:
        login(browser, name, password)
    else:
        login(browser, name)
    return browser


def test_general_department_admin_cannot_list_password_resets(app):
    """quantri.tc listed pending reset tokens (sdi.view on the root) and
    could take over ``admin``."""
    root, close = open_root(app)
    principals = root['principals']
    principals.add_reset(principals['users']['admin'])
    token = list(principals['resets'].keys())[0]
    transaction.commit()
    close()
    tc = staff(app, 'quantri.tc')
    for path in ('/manage/principals/resets/@@contents',
                 '/manage/principals/users/@@contents',
                 '/manage/principals/@@contents', '/manage/@@contents',
                 '/manage/@@database', '/manage/catalogs/@@contents'):
        page = tc.get(path, headers=XHR, expect_errors=True)
        assert page.status_int == 403, path
        assert token not in page.text
        assert 'admin@example.invalid' not in page.text


@pytest.mark.parametrize('view', ['add_folder', 'add_file', 'upload'])
def test_agency_admin_adds_no_generic_content(app, view):
    """quantri.bd added a Folder and a text/html File to its agency (a
    stored XSS against the site administrator)."""
    admin = staff(app, 'quantri.bd')
    for path in (BADINH, BADINH + '/huong-dan', BADINH + '/bao-cao'):
        page = admin.get(path + '/@@' + view, expect_errors=True)
        assert page.status_int in (403, 404)
        assert 'id="deform"' not in page.text
    # and a forged POST is refused before any view runs
    token = admin.get(BADINH + '/@@nguoi-dung').html.find(
        'input', {'name': 'csrf_token'})
    response = admin.post(BADINH + '/@@' + view, {
        'name': 'x', 'title': 'x', 'mimetype': 'text/html',
        'csrf_token': token['value'] if token else '',
        'submit': 'add'}, expect_errors=True)
    assert response.status_int in (403, 404)
    root, close = open_root(app)
    agency = root['thads']['cuc-thads-ha-noi']['chi-cuc-thads-ba-dinh']
    assert 'x' not in agency
    close()


ALL_ROLES = ('hotro', 'chuyenvien', 'lanhdao', 'khieunai', 'quantri',
             'bientap', 'baocao', 'theodoi')


def test_dossier_files_and_lists_need_the_dossier_permission(app):
    """Viewer, web editor, report and agency administrators (and the
    Tổng cục's, nationwide) opened a dossier's files through the generic
    file URL and saw the applicant's name in ``@@contents``."""
    code = submit_dossier(app, 'HTTT01', BA_DINH, files={
        'judgment': ('Bản án.pdf', pdf_bytes())})
    root, close = open_root(app)
    dossier = find_dossier(root, code)
    name = quote(next(f.__name__ for f in dossier.values()
                      if getattr(f, 'is_attachment', False)))
    applicant = dossier.applicant['full_name']
    close()
    folder = BADINH + '/ho-so'
    denied = ['%s.%s' % (r, where) for r in ('theodoi', 'bientap', 'baocao',
                                            'quantri')
              for where in ('bd', 'hn', 'tc')]
    denied += ['hotro.hn', 'hotro.tc', 'khieunai.hn', 'chuyenvien.hn']
    for login_name in denied:
        browser = staff(app, login_name)
        for path in ('%s/%s/%s' % (folder, code, name),
                     '%s/%s/%s/@@view' % (folder, code, name),
                     '%s/%s/@@contents' % (folder, code),
                     folder + '/@@contents', '%s/%s' % (folder, code),
                     '%s/%s/@@chi-tiet' % (folder, code),
                     '%s/%s/@@tep/%s' % (folder, code, name)):
            page = browser.get(path, headers=XHR, expect_errors=True)
            assert page.status_int in (403, 404), (login_name, path)
            assert applicant not in page.text, (login_name, path)
            assert b'%PDF' not in page.body
    # those who may view the dossier open its file through the dossier
    for login_name in ('hotro.bd', 'lanhdao.bd', 'lanhdao.hn',
                       'lanhdao.tc'):
        browser = staff(app, login_name)
        page = browser.get('%s/%s/@@chi-tiet' % (folder, code))
        link = page.html.select_one('a[href$="/@@tep/%s"]' % name)
        assert link is not None
        download = browser.get(link['href'])
        assert download.body.startswith(b'%PDF')
        assert download.headers['Content-Disposition'].startswith(
            'attachment')


def test_complaints_leader_finds_no_other_unit_dossier(app):
    """khieunai.hn found Ba Đình's dossiers by ID number in the whole
    subtree: the workspace checked ``sdi.view`` on each dossier folder."""
    code = submit_dossier(app, 'HTTT01', BA_DINH)
    browser = staff(app, 'khieunai.hn')
    page = browser.get(HANOI + '/@@ban-lam-viec', params={
        'pham-vi': 'tat-ca', 'tu-khoa': '001180012345'})
    assert page.html.select('#dossiers a.code') == []
    page = browser.get(HANOI + '/@@ban-lam-viec', params={
        'pham-vi': 'tat-ca', 'tu-khoa': code})
    assert page.html.select('#dossiers a.code') == []
    # the Cục's leader, who views its Chi cục's dossiers, does find it
    leader = staff(app, 'lanhdao.hn')
    page = leader.get(HANOI + '/@@ban-lam-viec', params={
        'pham-vi': 'tat-ca', 'tu-khoa': code})
    assert code in [a.get_text() for a in page.html.select('#dossiers a')]


def test_anonymous_guess_answers_as_an_unknown_code(app):
    """An existing code answered 403 with the applicant's name in the
    title, an unknown one 404."""
    code = submit_dossier(app, 'HTTT01', BA_DINH)
    root, close = open_root(app)
    applicant = find_dossier(root, code).applicant['full_name']
    close()
    anonymous = webtest.TestApp(app.app,
                                extra_environ=dict(app.extra_environ))
    unknown = 'AAA-AAA-AAA'
    for view in ('', '/@@chi-tiet', '/@@manage_main', '/@@contents'):
        real = anonymous.get('%s/ho-so/%s%s' % (BADINH, code, view),
                             expect_errors=True)
        fake = anonymous.get('%s/ho-so/%s%s' % (BADINH, unknown, view),
                             expect_errors=True)
        assert real.status_int == fake.status_int == 404
        assert applicant not in real.text
        assert real.text.replace(code, unknown) == fake.text
    # a staff member of another Cục is refused without the name either
    other = staff(app, 'hotro.hn')
    for view in ('', '/@@chi-tiet'):
        page = other.get('%s/ho-so/%s%s' % (BADINH, code, view),
                         expect_errors=True)
        assert page.status_int == 403
        assert applicant not in page.text
        assert page.html.title.get_text().strip() != ''


def test_agency_codes_are_unique_and_kept_by_the_general_department(app):
    """quantri.bd set Ba Đình's code to 79 (TP HCM's) and its level to
    Cục: citizens choosing TP HCM filed into Ba Đình."""
    admin = staff(app, 'quantri.bd')
    page = admin.get(BADINH + '/@@properties')
    form = page.forms['deform']
    assert form['code'].value == BA_DINH if 'code' in form.fields else True
    # the field is shown read-only; a forged value is refused
    response = admin.post(BADINH + '/@@properties', {
        '_csrf_token_': form['_csrf_token_'].value, 'name':
        'chi-cuc-thads-ba-dinh', 'title': 'Chi cục THADS quận Ba Đình',
        'short_name': '', 'kind': 'cuc', 'code': '79', 'address': '',
        'phone': '', 'email': '', 'working_hours': '', 'head_title': '',
        'head_name': '', 'save': 'save'})
    assert 'Chỉ quản trị viên của Tổng cục' in response.text
    root, close = open_root(app)
    agency = root['thads']['cuc-thads-ha-noi']['chi-cuc-thads-ba-dinh']
    assert (agency.code, agency.kind) == (BA_DINH, 'chi_cuc')
    close()
    # the Tổng cục's administrator changes codes, but never to a taken one
    tc = staff(app, 'quantri.tc')
    form = tc.get(BADINH + '/@@properties').forms['deform']
    form['code'] = '79'
    response = form.submit('save')
    assert 'Mã 79 đã được dùng cho Cục Thi hành án dân sự' in response.text
    form = response.forms['deform']
    form['code'] = '001A'
    form.submit('save').follow()
    root, close = open_root(app)
    from httttha.services.administration.tree import agency_by_code
    assert agency_by_code(root, '001A').__name__ == 'chi-cuc-thads-ba-dinh'
    assert agency_by_code(root, '79').title.endswith('Hồ Chí Minh')
    close()


def test_cuc_admin_adds_only_lower_level_agencies(app):
    admin = staff(app, 'quantri.hn')
    form = admin.get(HANOI + '/@@add_agency').forms['deform']
    values = {'name': 'chi-cuc-moi', 'title': 'Chi cục mới', 'kind': 'cuc',
              'code': '01'}
    for key, value in values.items():
        form[key] = value
    page = form.submit('add')
    text = page.text
    assert 'Mã 01 đã được dùng' in text
    assert 'cấp thấp hơn' in text
    root, close = open_root(app)
    assert 'chi-cuc-moi' not in root['thads']['cuc-thads-ha-noi']
    close()


def test_site_administrator_keeps_the_generic_views(app):
    admin = staff(app, 'admin', ADMIN_PASSWORD)
    page = admin.get('/manage/principals/users/@@contents')
    assert page.html.select_one('ul.nav-tabs li.active a') is not None
    assert 'hotro.bd' in page.text          # the grid's rows
    form = admin.get(BADINH + '/@@add_folder').forms['deform']
    assert 'name' in form.fields


@pytest.mark.parametrize('name,screen', [
    ('hotro.bd', '/@@ban-lam-viec'), ('quantri.hn', '/@@nguoi-dung'),
    ('theodoi.hn', '/@@thong-ke'), ('bientap.bd', '/@@huong-dan'),
    ('baocao.bd', '/@@quan-tri-bao-cao')])
def test_staff_land_on_a_screen_of_their_own(app, name, screen):
    """``/manage`` and ``/manage/@@httt`` lead each role to the first
    screen it has in its agency, never to a 403 page."""
    browser = staff(app, name)
    for path in ('/manage', '/manage/@@httt'):
        page = browser.get(path)
        while page.status_int == 302:
            page = page.follow()
        assert page.request.path.endswith(screen), (path, page.request.path)
        assert page.html.select_one('ul.nav-tabs') is not None


def test_evolve_step_takes_the_generic_permissions_back(app):
    """Sites made before this issue stored ACLs that gave agency roles
    ``sdi.view`` and more: the evolve step writes them anew."""
    from pyramid.security import Allow
    from substanced.util import get_acl, set_acl
    from httttha.evolve import close_generic_views
    root, close = open_root(app)
    registry = app.app.registry
    badinh = root['thads']['cuc-thads-ha-noi']['chi-cuc-thads-ba-dinh']
    user = root['principals']['users']['hotro.bd']
    old = ('sdi.view', 'sdi.add-content', 'sdi.manage-contents')
    for resource in (root, badinh, user):
        set_acl(resource, get_acl(resource, []) + [
            (Allow, 'role:agency_admin@%s' % root['thads'].__oid__, old)],
            registry=registry)
    close_generic_views(root, registry)

    def generic(resource):
        return [ace for ace in get_acl(resource, [])
                if str(ace[1]).startswith('role:') and any(
                    p.startswith('sdi.') for p in (
                        ace[2] if isinstance(ace[2], (list, tuple))
                        else [ace[2]]))]
    try:
        assert generic(root) == generic(badinh) == generic(user) == []
        assert any(ace[1] == user.__oid__ for ace in get_acl(user))
    finally:
        transaction.abort()
        close()
