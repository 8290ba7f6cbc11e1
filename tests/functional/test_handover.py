"""Chuyển thụ lý THA (B6) end to end: a real dossier walked to its
transfer is handed over to a fake case-management software over real
HTTP; a receiver that is down leaves it pending until ``deliver_pending``
or ``httttha-handover`` delivers it, once; the receiver reports the
decision and fetches the files through the token-protected API."""
import contextlib
import datetime
import hashlib
from urllib.parse import quote

import pytest
import transaction
from pyramid.request import Request
from pyramid.scripting import prepare
from pyramid.traversal import find_root
from substanced.util import get_oid

from httttha.scripts.handover import main
from httttha.services.backoffice import casemanagement as cm

from ..conftest import close_app, login, make_settings, open_root, \
    open_template_root
from .submission import find_dossier, pdf_bytes, staff_act, submit_dossier

OUT_TOKEN = 'token-gui-di'
IN_TOKEN = 'token-nhan-ve'
PDF = pdf_bytes('Ban an so 12/2024/DS-ST')
FILENAME = 'Bản án 12-2024.pdf'
OFFICER = 'Công chức hỗ trợ trực tuyến'


def make_app(app_factory, url=None, **settings):
    settings = dict({'httttha.captcha': 'false',
                     'httttha.case_management_inbound_token': IN_TOKEN},
                    **settings)
    if url:
        settings.update({'httttha.case_management_url': url,
                         'httttha.case_management_token': OUT_TOKEN})
    return app_factory(**settings)


def transferred(app, transfer=True):
    """A new HTTT01 dossier, accepted, originals received and (with
    ``transfer``) transferred; its code."""
    code = submit_dossier(app, 'HTTT01', files={'judgment': (FILENAME, PDF)})
    steps = ['accept', 'receive_originals'] + (['transfer'] if transfer
                                               else [])
    for step in steps:
        staff_act(app, 'hotro.bd', code, step)
    return code


@contextlib.contextmanager
def in_request(app):
    """A request of the site, as the officer's action runs; committed
    when the block ends without error."""
    request = Request.blank('/', base_url='http://thads.example.com')
    env = prepare(request=request, registry=app.app.registry)
    request.root = env['root']
    try:
        yield request, env['root']
        transaction.commit()
    finally:
        transaction.abort()
        request._process_finished_callbacks()
        env['closer']()


def hand_over(app, code):
    """What the staff view does after the transfer."""
    with in_request(app) as (request, root):
        return dict(cm.request_handover(request, find_dossier(root, code)))


@contextlib.contextmanager
def dossier_of(app, code):
    root, closer = open_root(app)
    try:
        yield find_dossier(root, code)
    finally:
        transaction.abort()
        closer()


def test_handover_at_once(app_factory, receiver):
    app = make_app(app_factory, receiver.url)
    code = transferred(app)
    assert receiver.requests == []          # nothing before the handover
    handover = hand_over(app, code)
    assert handover['state'] == 'sent'

    (request,) = receiver.requests
    assert request['method'] == 'POST'
    assert request['headers']['Authorization'] == 'Bearer ' + OUT_TOKEN
    assert request['headers']['Idempotency-Key'] == code
    payload = receiver.json()
    assert payload['code'] == code
    assert payload['procedure'] == 'HTTT01'
    assert payload['agency']['code'] == '001'
    assert payload['declared']['applicant']['full_name'] == \
        'Nguyễn Thị Hương'
    assert payload['declared']['judgment']['date'] == '2024-03-15'
    # the officer's name (demo users are named after their role)
    assert payload['originals']['received_by'] == OFFICER
    assert payload['transfer']['transferred_by'] == OFFICER
    (attachment,) = payload['attachments']
    assert attachment['sha256'] == hashlib.sha256(PDF).hexdigest()
    assert attachment['size'] == len(PDF)
    assert attachment['filename'] == FILENAME
    assert attachment['url'].startswith(
        'http://thads.example.com/api/v1/ho-so/%s/tep/' % code)
    assert payload['decision_url'] == \
        'http://thads.example.com/api/v1/ho-so/%s/quyet-dinh' % code

    with dossier_of(app, code) as dossier:
        assert cm.handover_state(dossier) == 'sent'
        assert dossier.handover['attempts'] == 1
        assert dossier.handover['reply'] == receiver.reply
        assert dossier.handover['sent_at'] is not None
        entry = dossier.timeline[-1]
        assert entry['action'] == 'handover_sent'
        assert entry['message']
        assert cm.pending_count(find_root(dossier)) == 0

    # the receiver downloads the file with its token
    path = attachment['url'][len('http://thads.example.com'):]
    response = app.get(path, headers={
        'Authorization': 'Bearer ' + IN_TOKEN})
    assert response.body == PDF
    assert response.content_type == 'application/pdf'
    assert 'no-store' in response.headers['Cache-Control']

    # asked again (a double click): nothing sent again
    assert hand_over(app, code)['state'] == 'sent'
    assert len(receiver.requests) == 1


def test_receiver_down_then_back(app_factory, receiver, closed_port):
    app = make_app(app_factory, 'http://127.0.0.1:%d/x' % closed_port)
    code = transferred(app)
    handover = hand_over(app, code)
    # the transfer is kept, the handover waits
    assert handover['state'] == 'pending'
    assert handover['attempts'] == 1
    assert 'refused' in handover['last_error'].lower()
    with dossier_of(app, code) as dossier:
        assert cm.handover_state(dossier) == 'pending'
        assert dossier.timeline[-1]['action'] == 'transfer'
        assert list(cm.pending_set(find_root(dossier))) == [
            get_oid(dossier)]

    # the receiver is up now (another address)
    app.app.registry.registerUtility(
        cm.HttpCaseManagement(receiver.url, OUT_TOKEN), cm.ICaseManagement)
    with in_request(app) as (request, root):
        done = cm.deliver_pending(request)
    assert (done.sent, done.failed) == (1, 0)
    assert len(receiver.requests) == 1
    assert receiver.json()['code'] == code
    with in_request(app) as (request, root):
        done = cm.deliver_pending(request)
    assert (done.sent, done.failed) == (0, 0)
    assert len(receiver.requests) == 1       # exactly one, ever
    with dossier_of(app, code) as dossier:
        assert dossier.handover['state'] == 'sent'
        assert dossier.handover['attempts'] == 2
        assert dossier.handover['last_error'] is None
        actions = [e['action'] for e in dossier.timeline]
        assert actions.count('handover_sent') == 1


def write_ini(path, directory, **extra):
    settings = make_settings(directory, **extra)
    lines = ['[app:main]', 'use = egg:httttha']
    for key, value in sorted(settings.items()):
        if key in ('here', '__file__') or not isinstance(value, str):
            continue
        lines.append('%s = %s' % (key, value.replace('%', '%%')))
    path.write_text('\n'.join(lines) + '\n', encoding='utf-8')
    return str(path)


NOT_CONNECTED = ('Chưa kết nối được phần mềm quản lý thi hành án; hồ sơ '
                 'sẽ được chuyển tự động khi kết nối lại')


def test_console_script(app_factory, receiver, tmp_path, capsys, caplog):
    # no receiver configured: the dossier waits, and says why (to the
    # officer, what will happen; no setting's name)
    app = make_app(app_factory)
    code = transferred(app)
    handover = hand_over(app, code)
    assert handover['state'] == 'pending'
    assert handover['last_error'] == NOT_CONNECTED
    directory = app.app.registry.settings['substanced.uploads_tempdir']
    close_app(app.app)                  # one process at a time on the file

    # a round of the script without a receiver: Vietnamese throughout, and
    # nothing handed over, which the exit code tells cron and monitoring
    ini = write_ini(tmp_path / 'none.ini', directory)
    caplog.clear()
    assert main([ini, '--once']) == 1
    assert 'Đã chuyển 0 hồ sơ, 1 hồ sơ chưa chuyển được' in \
        capsys.readouterr().out
    assert NOT_CONNECTED in caplog.text
    assert 'case-management' not in caplog.text

    ini = write_ini(tmp_path / 'handover.ini', directory, **{
        'httttha.case_management_url': receiver.url,
        'httttha.case_management_token': OUT_TOKEN})
    assert main([ini, '--once']) == 0
    out = capsys.readouterr().out
    assert 'Đã chuyển 1 hồ sơ' in out
    assert 'còn 0 hồ sơ chờ' in out
    (request,) = receiver.requests
    assert request['headers']['Idempotency-Key'] == code
    # the links point where the officer worked, not at the script's host
    assert receiver.json()['decision_url'].startswith(
        'http://thads.example.com/')

    assert main([ini, '--once']) == 0
    assert 'Đã chuyển 0 hồ sơ' in capsys.readouterr().out
    assert len(receiver.requests) == 1

    root, closer = open_template_root(directory)
    try:
        dossier = find_dossier(root, code)
        assert dossier.handover['state'] == 'sent'
        assert dossier.timeline[-1]['action'] == 'handover_sent'
    finally:
        closer()


def api(app, method, path, body=None, token=IN_TOKEN, headers=None):
    """Call the API as the case-management software does."""
    headers = dict(headers or {})
    if token is not None:
        headers['Authorization'] = 'Bearer ' + token
    if method == 'get':
        return app.get(path, headers=headers, expect_errors=True)
    if method == 'post_json':
        return app.post_json(path, body, headers=headers,
                             expect_errors=True)
    return getattr(app, method)(path, body, headers=headers,
                                expect_errors=True)


def test_inbound_api(app_factory):
    app = make_app(app_factory)            # handovers wait: not needed here
    code = transferred(app)
    hand_over(app, code)
    other = transferred(app, transfer=False)
    url = '/api/v1/ho-so/%s/quyet-dinh' % code
    good = {'so_quyet_dinh': '345/QĐ-CCTHADS',
            'ngay_quyet_dinh': '2024-04-02', 'ghi_chu': 'Thụ lý ngay'}

    # no token, a wrong one, another scheme: 401, JSON
    for token, headers in ((None, {}), ('sai', {}),
                           (None, {'Authorization': 'Basic ' + IN_TOKEN})):
        response = api(app, 'post_json', url, good, token=token,
                       headers=headers)
        assert response.status_int == 401
        assert response.content_type == 'application/json'
        assert response.json['error'] == 'unauthorized'
        assert response.headers['WWW-Authenticate'].startswith('Bearer')

    # a site with no inbound token refuses everything
    settings = app.app.registry.settings
    settings['httttha.case_management_inbound_token'] = ''
    try:
        assert api(app, 'post_json', url, good, token='').status_int == 401
    finally:
        settings['httttha.case_management_inbound_token'] = IN_TOKEN

    # not JSON, not an object: 400
    for body in (b'{"so_quyet_dinh": ', b'["345"]', b'\xff'):
        response = api(app, 'post', url, body,
                       headers={'Content-Type': 'application/json'})
        assert response.status_int == 400
        assert response.json['error'] == 'bad_json'

    # too large: 413
    response = api(app, 'post', url, b'{"ghi_chu": "' + b'x' * 70000 + b'"}',
                   headers={'Content-Type': 'application/json'})
    assert response.status_int == 413
    assert response.json['error'] == 'too_large'

    # invalid values: 400 with the fields, in Vietnamese
    response = api(app, 'post_json', url, dict(good,
                                               ngay_quyet_dinh='02/04/2024'))
    assert response.status_int == 400
    assert response.json['error'] == 'invalid'
    assert response.json['errors'] == {'ngay_quyet_dinh': 'Ngày không hợp lệ'}
    response = api(app, 'post_json', url, {'ngay_quyet_dinh': '2024-02-30'})
    assert response.json['errors'] == {
        'so_quyet_dinh': 'Bắt buộc nhập',
        'ngay_quyet_dinh': 'Ngày không hợp lệ'}
    response = api(app, 'post_json', url, dict(good,
                                               ngay_quyet_dinh='2999-01-01'))
    assert response.status_int == 400
    assert set(response.json['errors']) == {'ngay_quyet_dinh'}

    # unknown dossier 404; one never handed over 409
    response = api(app, 'post_json', '/api/v1/ho-so/AAA-BBB-CCC/quyet-dinh',
                   good)
    assert response.status_int == 404
    assert response.json['error'] == 'unknown_dossier'
    response = api(app, 'post_json', '/api/v1/ho-so/%s/quyet-dinh' % other,
                   good)
    assert response.status_int == 409
    assert response.json['error'] == 'not_handed_over'

    # nothing stored by any of that
    with dossier_of(app, code) as dossier:
        assert getattr(dossier, 'decision', None) is None

    # the decision (no session, no CSRF token: the bearer token is enough)
    response = api(app, 'post_json', url, good)
    assert response.status_int == 200
    assert response.json['ket_qua'] == 'stored'
    assert response.json['ngay_quyet_dinh'] == '2024-04-02'
    # posted again: the same, one entry
    response = api(app, 'post_json', url, good)
    assert response.status_int == 200
    assert response.json['ket_qua'] == 'unchanged'
    with dossier_of(app, code) as dossier:
        assert dossier.decision['number'] == '345/QĐ-CCTHADS'
        assert dossier.decision['date'] == datetime.date(2024, 4, 2)
        assert dossier.decision['note'] == 'Thụ lý ngay'
        assert dossier.decision['received_at'] is not None
        entries = [e for e in dossier.timeline
                   if e['action'] == 'decision_received']
        assert len(entries) == 1
        assert '345/QĐ-CCTHADS' in entries[0]['message']
        assert '02/04/2024' in entries[0]['message']

    # the wrong method, an unknown endpoint: JSON, not a page
    response = api(app, 'get', url)
    assert response.status_int == 405
    assert response.headers['Allow'] == 'POST'
    assert response.json['error'] == 'method_not_allowed'
    response = api(app, 'get', '/api/v2/khac')
    assert response.status_int == 404
    assert response.json['error'] == 'not_found'

    # files: with the token only, and only the dossier's own
    with dossier_of(app, code) as dossier:
        ((_slot, f),) = dossier.attachments()
        name = f.__name__
    path = '/api/v1/ho-so/%s/tep/%s' % (code, quote(name))
    response = api(app, 'get', path)
    assert response.status_int == 200 and response.body == PDF
    assert "UTF-8''" + quote(FILENAME) in response.headers[
        'Content-Disposition']
    response = api(app, 'get', path, token=None)
    assert response.status_int == 401
    assert response.content_type == 'application/json'
    response = api(app, 'get', '/api/v1/ho-so/%s/tep/khong-co.pdf' % code)
    assert response.status_int == 404
    assert response.json['error'] == 'unknown_file'
    response = api(app, 'get', '/api/v1/ho-so/%s/tep/%s' % (
        other, quote(name)))
    assert response.status_int == 409

    # only a transferred dossier can be handed over
    with pytest.raises(ValueError):
        hand_over(app, other)
    with dossier_of(app, other) as dossier:
        assert cm.handover_state(dossier) is None


def test_security_headers_and_no_cookie(app_factory):
    """The API sets no session and keeps the site's security headers."""
    app = make_app(app_factory)
    response = api(app, 'get', '/api/v1/ho-so/AAA-BBB-CCC/tep/x.pdf')
    assert response.status_int == 404
    assert 'Set-Cookie' not in response.headers
    assert response.headers['X-Content-Type-Options'] == 'nosniff'
    assert response.headers['Cache-Control'] == 'no-store'



def test_the_officer_reads_what_happens_the_administrator_what_to_set(
        app_factory):
    """Issue 19: no receiver configured.  The officer reads that the
    dossier will go by itself, never a setting's name; the Tổng cục's
    administrator reads which settings to give."""
    app = make_app(app_factory)
    code = transferred(app)
    hand_over(app, code)
    login(app, 'hotro.bd')
    page = app.get('/manage/thads/cuc-thads-ha-noi/chi-cuc-thads-ba-dinh/'
                   'ho-so/%s/@@chi-tiet' % code)
    assert NOT_CONNECTED in page.html.select_one('#handover-note').get_text()
    assert 'case_management' not in page.text
    login(app, 'quantri.hn')
    page = app.get('/manage/thads/cuc-thads-ha-noi/@@nguoi-dung')
    assert not page.html.select('.system-note')
    login(app, 'quantri.tc')
    (note,) = [' '.join(n.get_text().split()) for n in
               app.get('/manage/thads/@@nguoi-dung').html.select(
                   '.system-note')]
    assert 'httttha.case_management_url' in note
    assert 'HTTTHA_CASE_MANAGEMENT_TOKEN' in note
    assert 'Số hồ sơ đang chờ chuyển: 1.' in note
