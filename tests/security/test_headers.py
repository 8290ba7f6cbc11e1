"""Security headers, Content-Security-Policy and cookie flags (issue 13):
every response carries a strict policy; public and error pages run no
inline script; the management interface runs only inline scripts with the
request's nonce; every cookie is HttpOnly and SameSite; a stored file is
a download, never a page of our origin."""
import io
import re

import pytest
import transaction

from ..conftest import ADMIN_PASSWORD, login, open_root

BD = '/manage/thads/cuc-thads-ha-noi/chi-cuc-thads-ba-dinh'


def policy(response):
    """The Content-Security-Policy as {directive: [sources]}."""
    header = response.headers.get('Content-Security-Policy')
    assert header, 'no Content-Security-Policy on %s' % response.request.url
    directives = {}
    for part in header.split(';'):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_strict(response):
    """The parts of the policy every response shares."""
    p = policy(response)
    assert p['default-src'] == ["'self'"]
    assert p['object-src'] == ["'none'"]
    assert p['base-uri'] == ["'none'"]
    assert p['frame-ancestors'] == ["'self'"]
    assert p['form-action'] == ["'self'"]
    for sources in p.values():
        assert "'unsafe-eval'" not in sources
        assert '*' not in sources
    assert "'unsafe-inline'" not in p['script-src']
    assert response.headers['X-Content-Type-Options'] == 'nosniff'
    return p


def inline_scripts(response):
    """The <script> elements without src of an HTML page."""
    return [s for s in response.html.find_all('script') if not s.get('src')]


def inline_handlers(response):
    """Elements with on...= attributes or javascript: links."""
    found = []
    for element in response.html.find_all(True):
        for name, value in element.attrs.items():
            if name.lower().startswith('on') or (
                    isinstance(value, str) and
                    value.strip().lower().startswith('javascript:')):
                found.append(str(element)[:120])
    return found


def assert_public_policy(response):
    p = assert_strict(response)
    assert p['script-src'] == ["'self'"]
    assert p['style-src'] == ["'self'"]
    if 'html' in response.content_type:
        assert inline_scripts(response) == []
        assert inline_handlers(response) == []
        assert not response.html.find_all(style=True)
        assert not response.html.find_all('style')


def nonce_of(response):
    p = assert_strict(response)
    nonces = [s for s in p['script-src'] if s.startswith("'nonce-")]
    assert len(nonces) == 1, p['script-src']
    assert p['script-src'] == ["'self'", nonces[0]]
    return nonces[0][len("'nonce-"):-1]


def assert_management_page(response):
    """Every inline script carries the request's nonce, no handler is
    inline; returns the nonce."""
    nonce = nonce_of(response)
    assert len(nonce) >= 22
    for script in inline_scripts(response):
        assert script.get('nonce') == nonce, str(script)[:200]
    assert inline_handlers(response) == []
    return nonce


@pytest.mark.parametrize('path', [
    '/', '/co-quan-thads', '/tra-cuu', '/ho-tro-truc-tuyen',
])
def test_public_pages_run_no_inline_script(app, path):
    page = app.get(path)
    assert page.content_type == 'text/html'
    assert_public_policy(page)


@pytest.mark.parametrize('procedure', ['HTTT01', 'HTTT02', 'HTTT03'])
def test_public_forms_run_no_inline_script(app, procedure):
    from ..functional.submission import open_form
    form = open_form(app, procedure)
    assert form.forms['application']
    assert_public_policy(form)
    # a refused submission shows the form again, with its errors
    again = form.forms['application'].submit('continue')
    assert again.html.select('.error-msg')
    assert_public_policy(again)


def test_public_error_pages_have_the_policy(app):
    missing = app.get('/khong-co-trang-nay', status=404)
    assert_public_policy(missing)


def test_static_files_have_the_policy(app):
    css = app.get('/static/portal.css')
    assert_public_policy(css)
    sdi = app.get('/manage/@@login').html.find(
        'script', src=re.compile('jquery'))['src']
    script = app.get(sdi.replace('http://thads.example.com', ''))
    assert script.headers['Content-Security-Policy']
    assert_strict(script)


def test_management_pages_allow_only_nonced_inline_scripts(app):
    login(app, 'quantri.bd')
    first = app.get(BD + '/@@them-nguoi-dung')
    nonce = assert_management_page(first)
    second = app.get(BD + '/@@them-nguoi-dung')
    assert assert_management_page(second) != nonce


def test_deform_widget_scripts_carry_the_nonce(app):
    login(app, 'hotro.bd')
    assert_management_page(app.get('/manage/@@httt').maybe_follow())
    form = app.get(BD + '/@@tiep-nhan-truc-tiep', {'thu-tuc': 'HTTT01'})
    nonce = assert_management_page(form)
    # the upload widget's deform.addCallback is inline: with the nonce
    widgets = [s for s in inline_scripts(form)
               if 'deform.addCallback' in s.get_text()]
    assert widgets and all(s['nonce'] == nonce for s in widgets)


def test_admin_grid_and_acl_pages_use_the_nonce(app):
    login(app, 'admin', ADMIN_PASSWORD)
    contents = app.get('/manage/principals/users/@@contents')
    nonce = assert_management_page(contents)
    # the grid's configuration is an inline script: with the nonce
    grid = [s for s in inline_scripts(contents)
            if 'load_contents' in s.get_text()]
    assert grid and grid[0]['nonce'] == nonce
    acl = app.get('/manage/@@acl_edit')
    assert_management_page(acl)
    assert any(s.get('nonce') for s in inline_scripts(acl))
    assert_management_page(app.get('/manage/@@database'))
    assert_management_page(app.get(
        '/manage/principals/users/admin/@@properties'))


def test_management_error_pages_have_the_policy(app):
    denied = app.get(BD + '/@@ban-lam-viec', status=403)
    assert_management_page(denied)
    login(app, 'hotro.bd')
    forbidden = app.get('/manage/@@database', status=403)
    assert_management_page(forbidden)
    # "return to where you were", bound from static/sdi-csp.js, translated
    back = forbidden.html.find('a', attrs={'data-history-back': '2'})
    assert back.get_text() == 'quay lại trang trước'
    missing = app.get('/manage/khong-co-gi', status=404)
    assert_strict(missing)


def test_every_cookie_is_httponly_and_samesite(app):
    page = app.get('/manage/@@login')
    # the session cookie, set by a response callback, that the tween missed
    cookies = page.headers.getall('Set-Cookie')
    assert any(c.startswith('httttha_session=') for c in cookies)
    form = page.forms[0]
    form['login'] = 'hotro.bd'
    form['password'] = 'Demo@2026'
    after = form.submit('form.submitted')
    cookies += after.headers.getall('Set-Cookie')
    assert any(c.startswith('httttha_auth=') for c in cookies)
    for cookie in cookies:
        flags = [f.strip().lower() for f in cookie.split(';')[1:]]
        assert 'httponly' in flags, cookie
        assert 'samesite=lax' in flags or 'samesite=strict' in flags, cookie
        assert 'secure' not in flags, cookie


def test_cookies_are_secure_behind_https(app_factory):
    app = app_factory(**{'httttha.secure_cookies': 'true'})
    page = app.get('/manage/@@login', extra_environ={
        'wsgi.url_scheme': 'https'})
    cookies = page.headers.getall('Set-Cookie')
    assert cookies
    for cookie in cookies:
        flags = [f.strip().lower() for f in cookie.split(';')[1:]]
        assert 'secure' in flags and 'httponly' in flags, cookie
        assert 'samesite=lax' in flags or 'samesite=strict' in flags, cookie
    assert page.headers['Strict-Transport-Security']


def _stored_html_file(app):
    """A text/html File in Ba Đình, made as an administrator would."""
    from substanced.file import File
    from substanced.folder import Folder
    root, closer = open_root(app)
    try:
        agency = root['thads']['cuc-thads-ha-noi']['chi-cuc-thads-ba-dinh']
        folder = Folder()
        agency['tai-lieu'] = folder
        page = File(io.BytesIO(
            b'<html><script>alert(document.cookie)</script></html>'),
            'text/html', title='trang.html')
        folder['trang.html'] = page
        transaction.commit()
    finally:
        closer()
    return BD + '/tai-lieu/trang.html'


def test_a_stored_html_file_is_a_download(app):
    path = _stored_html_file(app)
    login(app, 'admin', ADMIN_PASSWORD)
    response = app.get(path)
    assert response.body.startswith(b'<html><script>')
    assert response.headers['Content-Disposition'].startswith('attachment;')
    assert 'filename="trang.html"' in response.headers['Content-Disposition']
    assert response.headers['X-Content-Type-Options'] == 'nosniff'
    assert 'html' not in response.content_type
    assert 'no-store' in response.headers['Cache-Control']
    p = policy(response)
    assert p['default-src'] == ["'none'"] and 'sandbox' in p


def test_download_helper_never_serves_active_content():
    from httttha.views import safe_mimetype
    for active in ('text/html', 'TEXT/HTML; charset=utf-8', 'image/svg+xml',
                   'application/xhtml+xml', 'text/xml', 'application/xml',
                   'application/javascript', 'text/javascript', '', None):
        assert safe_mimetype(active) == 'application/octet-stream', active
    for passive in ('application/pdf', 'image/jpeg', 'image/png'):
        assert safe_mimetype(passive) == passive
