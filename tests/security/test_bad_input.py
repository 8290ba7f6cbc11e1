"""Hostile requests get 4xx, never 500: a Vietnamese page in the portal's
layout (with the security headers and no script) for the portal and the
management login, JSON as ``docs/case-management.openapi.yaml`` says for
the API.  And a real bug shows a Vietnamese 500 page, not waitress's
English "Internal Server Error"."""
import io
import json
import logging

import pytest
import yaml
from bs4 import BeautifulSoup
from webob import Request

from ..conftest import PROJECT
from ..functional.test_handover import IN_TOKEN, hand_over, make_app, \
    transferred

BOUNDARY = 'xYzZy'


def multipart(*parts, close=True, boundary=BOUNDARY):
    """A multipart body of (name, value) fields, optionally cut short."""
    out = b''
    for name, value in parts:
        out += (b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n'
                % (boundary.encode(), name) + value + b'\r\n')
    if close:
        out += b'--%s--\r\n' % boundary.encode()
    return out


MP = 'multipart/form-data; boundary=' + BOUNDARY
FORM = 'application/x-www-form-urlencoded'
KE_KHAI = '/ke-khai?co-quan=001&thu-tuc=HTTT01'
DECISION = '/api/v1/ho-so/{code}/quyet-dinh'

#: (method, path, content type, body, extra headers, expected status);
#: paths under /api are answered in JSON, the others with a page
HOSTILE = [
    # bad percent-encoding in the path (the issue's own findings first)
    ('GET', '/%ff', None, None, {}, 400),
    ('GET', '/ho-so/%ff', None, None, {}, 400),
    ('GET', '/tep-ho-so/%ff/%c3%28', None, None, {}, 400),
    ('GET', '/co-quan-thads/%e2%82', None, None, {}, 400),
    ('GET', '/manage/%ff', None, None, {}, 400),
    ('GET', '/manage/thads/%ff/@@contents', None, None, {}, 400),
    ('GET', '/api/%ff', None, None, {}, 400),
    ('GET', '/api/v1/ho-so/%ff/tep/x.pdf', None, None, {}, 400),
    # bad percent-encoding and invalid UTF-8 in the query
    ('GET', '/tra-cuu?ma=%ff&don-vi=001', None, None, {}, 400),
    ('GET', '/tra-cuu?tu-khoa=%c0%af&don-vi=001', None, None, {}, 400),
    ('GET', '/ke-khai?co-quan=%ff&thu-tuc=HTTT01', None, None, {}, 400),
    ('GET', '/ho-tro-truc-tuyen?co-quan=%fe', None, None, {}, 400),
    ('GET', '/?_LOCALE_=%ff', None, None, {}, 400),
    ('GET', '/manage/@@login?came_from=%ff', None, None, {}, 400),
    ('GET', '/api/v1/ho-so/X/quyet-dinh?a=%ff', None, None, {}, 400),
    # multipart without a boundary, cut short, in another charset
    ('POST', KE_KHAI, 'multipart/form-data', b'x', {}, 400),
    ('POST', '/manage/@@login', 'multipart/form-data', b'x', {}, 400),
    ('POST', '/xac-nhan/abc', 'multipart/form-data', b'x', {}, 400),
    ('POST', '/ho-so/AAA-BBB-CCC', 'multipart/form-data', b'', {}, 400),
    ('POST', DECISION, 'multipart/form-data', b'x', {}, 400),
    ('POST', KE_KHAI, MP, multipart((b'draft', b'abc'), close=False), {}, 400),
    ('POST', KE_KHAI, MP, b'--' + BOUNDARY.encode() + b'\r\nContent-Dis',
     {}, 400),
    ('POST', '/manage/@@login', MP,
     multipart((b'login', b'admin'), close=False), {}, 400),
    ('POST', '/ho-so/AAA-BBB-CCC', FORM + '; charset=latin-1',
     b'so-giay-to=\xe9', {}, 400),
    # invalid UTF-8 in form fields (names and values)
    ('POST', '/ho-so/AAA-BBB-CCC', FORM, b'so-giay-to=%ff&csrf_token=x',
     {}, 400),
    ('POST', '/manage/@@login', FORM,
     b'login=%ff&password=x&form.submitted=1', {}, 400),
    ('POST', KE_KHAI, MP, multipart((b'draft\xff', b'abc')), {}, 400),
    ('POST', KE_KHAI, MP, multipart((b'applicant', b'\xc3\x28')), {}, 400),
    ('POST', '/tra-cuu', FORM, b'ma=%ff', {}, 400),
    # a public body over the upload limit (30 MB in all) and a malformed
    # length
    ('POST', KE_KHAI, MP, multipart((b'x', b'a' * (32 * 1024 * 1024))),
     {}, 413),
    ('POST', KE_KHAI, FORM, b'a=b', {'CONTENT_LENGTH': 'abc'}, 200),
    # not JSON, or not an object, on the API (with the right token)
    ('POST', DECISION, 'application/json', b'{"so_quyet_dinh": ', {}, 400),
    ('POST', DECISION, 'application/json', b'\xff\xfe', {}, 400),
    ('POST', DECISION, 'application/json', b'[1, 2]', {}, 400),
    ('POST', DECISION, 'application/json', b'"text"', {}, 400),
    ('POST', DECISION, 'application/json', b'null', {}, 400),
    ('POST', DECISION, 'text/plain', b'so_quyet_dinh=1', {}, 400),
    ('POST', DECISION, FORM, b'so_quyet_dinh=%ff', {}, 400),
    ('POST', DECISION, 'application/json',
     b'{"so_quyet_dinh": "' + b'9' * 70000 + b'"}', {}, 413),
    # unknown methods
    ('PROPFIND', '/', None, None, {}, 405),
    ('DELETE', '/tra-cuu', None, None, {}, 405),
    ('PUT', '/ke-khai', 'text/plain', b'x', {}, 405),
    ('TRACE', '/manage/@@login', None, None, {}, 405),
    ('BREW', '/api/v1/ho-so/X/quyet-dinh', None, None, {}, 405),
    # overlong values
    ('GET', '/ho-so/' + 'A' * 20000, None, None, {}, 200),
    ('GET', '/' + 'a' * 5000, None, None, {}, 404),
    ('GET', '/tra-cuu?don-vi=001&tu-khoa=' + 'x' * 100000, None, None, {},
     200),
    ('GET', '/tra-cuu?don-vi=' + '9' * 10000 + '&ma=A', None, None, {}, 200),
    ('GET', '/xac-nhan/' + 'f' * 10000, None, None, {}, 404),
    ('GET', '/api/v1/ho-so/' + 'A' * 10000 + '/tep/x', None, None, {}, 404),
    # query parameters repeated
    ('GET', '/tra-cuu?ma=A&ma=B&don-vi=001&don-vi=79', None, None, {}, 200),
    ('GET', '/ke-khai?co-quan=001&co-quan=79&thu-tuc=HTTT01&thu-tuc=HTTT02',
     None, None, {}, 200),
    ('GET', '/ho-tro-truc-tuyen?co-quan=001&co-quan=001&cuc=01&cuc=x', None,
     None, {}, 200),
    # the lookup and submission forms with missing fields
    ('POST', '/ho-so/AAA-BBB-CCC', FORM, b'', {}, 200),
    ('POST', '/ho-so', FORM, b'so-giay-to=1', {}, 200),
    ('POST', KE_KHAI, FORM, b'', {}, 200),
    ('POST', KE_KHAI, MP, multipart((b'draft', b'')), {}, 200),
    ('POST', '/ke-khai', FORM, b'draft=x', {}, 302),
    ('POST', '/xac-nhan/', FORM, b'', {}, 404),
    ('GET', '/to-khai/', None, None, {}, 404),
    ('GET', '/tra-cuu?ma=&tu-khoa=', None, None, {}, 200),
    ('POST', '/bo-sung-ho-so/AAA-BBB-CCC', FORM, b'', {}, 302),
    ('POST', '/manage/@@login', FORM, b'form.submitted=1', {}, 200),
    # /manage with bad encoding in a view name
    ('GET', '/manage/@@%ff%fe', None, None, {}, 400),
    ('GET', '/manage/thads/@@nguoi-dung?trang=%ff', None, None, {}, 400),
]


def _id(case):
    method, path, ctype, body = case[:4]
    return '%s %s %s %s' % (method, path[:50], ctype or '',
                            len(body) if body else '')


def send(wsgi, method, path, ctype=None, body=None, environ=None,
         headers=None):
    request = Request.blank(path)
    request.method = method
    request.environ.update({'HTTP_HOST': 'thads.example.com',
                            'REMOTE_ADDR': '127.0.0.1'})
    if body is not None:
        request.environ['wsgi.input'] = io.BytesIO(body)
        request.environ['CONTENT_LENGTH'] = str(len(body))
    if ctype:
        request.environ['CONTENT_TYPE'] = ctype
    for name, value in (headers or {}).items():
        request.headers[name] = value
    request.environ.update(environ or {})
    return request.get_response(wsgi)


def error_codes():
    with open('%s/docs/case-management.openapi.yaml' % PROJECT) as f:
        spec = yaml.safe_load(f)
    return spec['components']['schemas']['Error']['properties']['error'][
        'enum']


HEADINGS = {400: 'Yêu cầu không hợp lệ', 404: 'Không tìm thấy trang',
            405: 'Phương thức không được phép',
            413: 'Dữ liệu gửi lên quá lớn', 500: 'Lỗi hệ thống'}


def check_page(response, status):
    """A Vietnamese page of the portal: its layout, the security headers,
    no script; for an error, its heading."""
    assert response.content_type == 'text/html'
    html = BeautifulSoup(response.text, 'html.parser')
    assert html.html['lang'] == 'vi'
    assert html.select_one('header.site-header #menu') is not None
    assert html.select_one('footer #contacts') is not None
    # no inline script (an error page none at all)
    assert html.find('script', src=False) is None
    if status >= 400:
        assert html.find('script') is None
    assert response.headers['X-Content-Type-Options'] == 'nosniff'
    assert 'X-Frame-Options' in response.headers
    if status >= 400:
        assert html.h1.get_text().strip() == HEADINGS[status]
        assert HEADINGS[status] in html.title.get_text()
        assert 'Not Found' not in response.text
        assert 'Internal Server Error' not in response.text


def check_json(response, codes):
    assert response.content_type == 'application/json'
    body = response.json
    assert body['error'] in codes
    assert body['message'] and body['message'].isascii() is False, body


@pytest.fixture(scope='module')
def served(tmp_path_factory, template_db):
    """One application for the whole table, with a handed-over dossier
    for the API's decision endpoint."""
    import shutil
    import os
    import webtest
    from httttha import main
    from ..conftest import close_app, make_settings
    directory = str(tmp_path_factory.mktemp('badinput'))
    os.rmdir(directory)
    shutil.copytree(template_db, directory)
    wsgi = main({}, **make_settings(directory, **{
        'httttha.captcha': 'false',
        'httttha.case_management_inbound_token': IN_TOKEN}))
    app = webtest.TestApp(wsgi, extra_environ={
        'HTTP_HOST': 'thads.example.com', 'REMOTE_ADDR': '127.0.0.1'})
    code = transferred(app)
    hand_over(app, code)
    yield wsgi, code
    close_app(wsgi)


@pytest.mark.parametrize('case', HOSTILE, ids=[_id(c) for c in HOSTILE])
def test_hostile_request(served, case):
    wsgi, code = served
    method, path, ctype, body, environ, status = case
    path = path.replace('{code}', code)
    api = path.startswith('/api/')
    response = send(wsgi, method, path, ctype, body, environ, headers={
        'Authorization': 'Bearer ' + IN_TOKEN} if api else None)
    assert response.status_int == status, response.text[:500]
    if api:
        check_json(response, error_codes())
        if status == 405:
            assert response.headers['Allow']
    elif path.startswith('/manage') and status == 200:
        # the management login form, again, with its message
        assert 'name="login"' in response.text
    elif status != 302:
        check_page(response, status)
    if status == 405:
        assert 'POST' in response.headers['Allow']


def test_bad_cookies_are_ignored(served):
    """Invalid UTF-8 and junk in cookies (the session's and the auth
    ticket's included) are ignored: the page is served, anonymous."""
    wsgi, _code = served
    for cookie in ('httttha_session=\xff\xfe; httttha_auth=\xc3\x28',
                   'httttha_session="%ff"; a=b' + ';' * 100,
                   'httttha_auth=' + 'A' * 5000 + '!' * 10):
        response = send(wsgi, 'GET', '/tra-cuu', environ={
            'HTTP_COOKIE': cookie})
        assert response.status_int == 200
        check_page(response, 200)
        response = send(wsgi, 'GET', '/manage/@@login', environ={
            'HTTP_COOKIE': cookie})
        assert response.status_int == 200
        assert 'name="login"' in response.text


def test_a_real_bug_shows_a_vietnamese_500_page(served, monkeypatch, caplog):
    """A view that fails shows the Vietnamese 500 page in the layout (no
    English "Internal Server Error"), the traceback goes to the log, and
    the API answers JSON."""
    from httttha.views.public import site
    wsgi, code = served

    def broken(*args, **kw):
        raise RuntimeError('hỏng')
    monkeypatch.setattr(site, 'agency_options', broken)
    with caplog.at_level(logging.ERROR, logger='httttha.views.errors'):
        response = send(wsgi, 'GET', '/')
    assert response.status_int == 500
    check_page(response, 500)
    assert 'hỏng' not in response.text
    assert any(r.exc_info and isinstance(r.exc_info[1], RuntimeError)
               for r in caplog.records)

    from httttha.views.api import casemanagement
    monkeypatch.setattr(casemanagement, 'dossier_by_code', broken)
    response = send(wsgi, 'POST', DECISION.format(code=code),
                    'application/json', json.dumps({}).encode(),
                    headers={'Authorization': 'Bearer ' + IN_TOKEN})
    assert response.status_int == 500
    assert response.json['error'] == 'server_error'
    assert response.json['error'] in error_codes()


def test_the_404_page_is_vietnamese(served):
    wsgi, _code = served
    for path in ('/khong-co-trang-nay', '/manage/khong-co/@@x',
                 '/thads/khong-co-co-quan-nay'):
        response = send(wsgi, 'GET', path)
        assert response.status_int == 404
        check_page(response, 404)
