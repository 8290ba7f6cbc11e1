"""Many citizens submitting to one agency at the same moment: twenty
threads, each its own browser-like client (cookies, no JavaScript),
against the real application under waitress on loopback, each sending
HTTT01 applications with a scanned judgment (a PDF of 200 KB, as the
benchmark does): the first all at once, the next ones as fast as the
server answers.  Every dossier must be stored once, with its own code,
its file intact, and be findable in the catalog: ZODB conflicts are
retried (pyramid_retry), never shown to a citizen and never lose or
duplicate a dossier or its upload (a retried request with an upload
must still work), and no failed commit leaves an error in the log or a
message half-queued."""
import collections
import http.cookiejar
import logging
import os
import shutil
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from bs4 import BeautifulSoup
from pyramid.scripting import prepare
from pyramid_retry import IBeforeRetry
from substanced.db import root_factory
from substanced.util import find_catalog, get_oid
from waitress.server import create_server
from ZODB.POSException import POSKeyError

from httttha import main
from httttha.services.intake import submission
from httttha.bench.client import form_fields, multipart, pdf_of_size
from httttha.services.intake.numbering import is_valid
from httttha.workflows.dossier import state_of

from ..browser.conftest import _wait_for_port
from ..conftest import close_app, make_settings
from ..functional.submission import BA_DINH, VALUES

CLIENTS = 20
#: applications each client sends, one after another
ROUNDS = 3
PROCEDURE = 'HTTT01'
#: the upload slot filled, and the size of each client's PDF
SLOT = 'judgment'
PDF_SIZE = 200 * 1024
OVERRIDES = {
    # CAPTCHA off: allowed for automated tests only (a warning is logged)
    'httttha.captcha': 'false',
    # every client comes from 127.0.0.1
    'httttha.submit_limit': '1000',
    'retry.attempts': '10',
}
#: bounds every wait, so that a deadlock fails the test instead of hanging
TIMEOUT = 20


class LiveServer(object):
    """The running server: its URL, WSGI app, database directory, and the
    retries pyramid_retry made (one per conflict)."""

    def __init__(self, url, wsgi, directory):
        self.url = url
        self.wsgi = wsgi
        self.directory = directory
        # (exception, class of the object, path, attempt that failed)
        self.retries = []
        self.lock = threading.Lock()

    def before_retry(self, event):
        exc = event.exception
        with self.lock:
            self.retries.append((type(exc).__name__,
                                 getattr(exc, 'class_name', None),
                                 event.request.path,
                                 event.environ.get('retry.attempt', 0) + 1))

    def retry_summary(self):
        with self.lock:
            counts = collections.Counter(
                '%s on %s' % (name, cls or '?')
                for name, cls, _path, _attempt in self.retries)
            most = max([attempt for *_r, attempt in self.retries] or [0])
        return '%d conflicts retried, at most %d times in one request (%s)' % (
            sum(counts.values()), most,
            ', '.join('%d %s' % (n, what)
                      for what, n in counts.most_common()) or 'none')


@pytest.fixture(params=['in_turn', 'at_once'])
def live_server(request, template_db, tmp_path, monkeypatch):
    """The app under waitress (8 threads) on a fresh copy of the template
    database, with the overrides above.

    ``in_turn``: as served, the submissions of the process take turns
    (``submission.one_at_a_time``).  ``at_once``: without the turns, as
    if each thread were a process of its own sharing the database
    (RelStorage): the submissions conflict and are retried, uploads and
    all; twenty writers at once, the unluckiest retries more than the
    ten times a single process needs."""
    directory = str(tmp_path / 'db')
    shutil.copytree(template_db, directory)
    for name in os.listdir(directory):
        if name.endswith(('.lock', '.tmp')):
            os.remove(os.path.join(directory, name))
    overrides = dict(OVERRIDES)
    if request.param == 'at_once':
        monkeypatch.setattr(submission, 'CREATE_WAIT', 0)
        overrides['retry.attempts'] = '30'
    wsgi = main({}, **make_settings(directory, **overrides))
    server = create_server(wsgi, host='127.0.0.1', port=0, threads=8)
    port = int(server.effective_port)
    live = LiveServer('http://127.0.0.1:%d' % port, wsgi, directory)
    live.turns = request.param
    # count the retries pyramid_retry makes (a conflict each)
    wsgi.registry.registerHandler(live.before_retry, (IBeforeRetry,))
    closing = threading.Event()

    def serve():
        try:
            server.run()
        except (OSError, ValueError):
            # the loop was in select() on the socket close() closed
            if not closing.is_set():
                raise
    thread = threading.Thread(target=serve, name='waitress', daemon=True)
    thread.start()
    try:
        _wait_for_port('127.0.0.1', port)
        # no warm-up: the first requests meet a cold server (templates
        # not yet compiled), as after a restart under load
        yield live
    finally:
        closing.set()
        server.close()
        thread.join(timeout=5)
        server.task_dispatcher.shutdown()
        close_app(wsgi)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand 3xx responses back as they are, to read their Location."""

    def _keep(self, req, fp, code, msg, headers):
        return fp

    http_error_301 = http_error_302 = http_error_303 = _keep
    http_error_307 = http_error_308 = _keep


class Client(object):
    """A cookie-keeping HTTP client that does not follow redirects."""

    def __init__(self, base):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())
        self.statuses = []

    def request(self, path, data=None, headers=None):
        """(status, headers, body text); error statuses are returned,
        not raised."""
        url = urllib.parse.urljoin(self.base, path)
        req = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            response = self.opener.open(req, timeout=TIMEOUT)
        except urllib.error.HTTPError as e:
            response = e
        with response:
            status = response.status if hasattr(response, 'status') \
                else response.code
            body = response.read().decode('utf-8', 'replace')
            headers = response.headers
        self.statuses.append((status, path))
        return status, headers, body

    def get(self, path):
        return self.request(path)

    def post(self, path, enctype, fields):
        """POST ``fields`` ((name, value, is_file) in order) encoded the
        way a browser does for the form's ``enctype``."""
        if enctype == 'multipart/form-data':
            body, content_type = multipart(fields)
        else:
            body = urllib.parse.urlencode(
                [(name, value) for name, value, _f in fields]).encode('ascii')
            content_type = enctype
        return self.request(path, body, {'Content-Type': content_type})


def location_path(headers):
    location = headers['Location']
    parsed = urllib.parse.urlsplit(location)
    return parsed.path + ('?' + parsed.query if parsed.query else '')


def pdf_for(number):
    """A PDF of ``PDF_SIZE`` bytes that is this application's own (its
    last bytes say whose it is), so that a file mixed up between dossiers
    or cut short is seen."""
    body = pdf_of_size(PDF_SIZE)
    mark = b'%%application-%05d\n' % number
    return body[:len(body) - len(mark)] + mark


def citizen(server, barrier, number, results, agency=BA_DINH, rounds=1):
    """One citizen's browser sending ``rounds`` applications, each with
    its own PDF.  The first: open the form, then (with all the others at
    once) send it, then (again all at once) confirm; read the code.  The
    next ones one after another, as fast as the server answers (as the
    benchmark's clients do), so that commits and retried conflicts of
    different requests interleave in every way."""
    client = Client(server.url)
    results[number] = {'client': client, 'applications': []}
    try:
        for step in range(rounds):
            application = number * rounds + step
            results[number]['applications'].append(apply(
                client, application, agency,
                barrier if step == 0 else None))
    except BaseException as e:
        results[number]['error'] = e
        results[number]['last'] = client.statuses[-1:]
        barrier.abort()       # the others must not wait for this one


def apply(client, number, agency, barrier=None, clicks=1):
    """The whole wizard for application ``number`` (waiting for the
    others at ``barrier`` before each POST; the last one sent ``clicks``
    times at once, as a double click does): {'pdf', 'token', 'code'}."""
    pdf = pdf_for(number)
    status, _h, html = client.get(
        '/ke-khai?co-quan=%s&thu-tuc=%s' % (agency, PROCEDURE))
    assert status == 200, status
    values = dict(VALUES[PROCEDURE], declaration=True)
    # a different applicant each, as it would be
    values['applicant.full_name'] = 'Nguyễn Thị Hương %d' % number
    values['applicant.id_number'] = '0011800%05d' % number
    form = form_fields(html, 'form#application', values, 'continue',
                       files={'files.%s.upload' % SLOT: (
                           'ban-an-%d.pdf' % number, pdf)})
    if barrier is not None:
        barrier.wait(TIMEOUT)

    status, headers, body = client.post(*form)
    assert status == 302, (status, _errors(body))
    preview = location_path(headers)
    assert preview.startswith('/xac-nhan/'), preview
    token = preview.rsplit('/', 1)[1]
    status, _h, html = client.get(preview)
    assert status == 200, status
    form = form_fields(html, 'form:has(#confirm)', {}, 'confirm')
    assert urllib.parse.urlsplit(form[0]).path == preview, form[0]
    if barrier is not None:
        barrier.wait(TIMEOUT)

    answers = []

    def click():
        answers.append(client.post(*form))
    clicking = [threading.Thread(target=click) for _i in range(clicks)]
    for thread in clicking:
        thread.start()
    for thread in clicking:
        thread.join(TIMEOUT)
    assert len(answers) == clicks, answers
    for status, headers, body in answers:
        assert status == 302, (status, body[:2000])
        result = location_path(headers)
        assert result == '/ket-qua/%s' % token, result
    status, _h, html = client.get(result)
    assert status == 200, status
    code = BeautifulSoup(html, 'html.parser').select_one('#code')
    return {'pdf': pdf, 'token': token, 'code': code.get_text().strip()}


def _errors(body):
    soup = BeautifulSoup(body, 'html.parser')
    return [p.get_text().strip() for p in soup.select('.error-msg')] or \
        body[:2000]


class _Errors(logging.Handler):
    """Errors the transaction machinery logs while it goes on, e.g. a
    data manager that failed to abort (``Error in abort() on manager``):
    a failed commit must clean up every resource it joined."""

    def __init__(self):
        logging.Handler.__init__(self, logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append('%s: %s%s' % (
            record.name, record.getMessage(),
            ' (%r)' % (record.exc_info[1],) if record.exc_info else ''))


@pytest.fixture
def logged_errors():
    handler = _Errors()
    logger = logging.getLogger('txn')
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)


def test_concurrent_submissions_to_one_agency(live_server, logged_errors):
    barrier = threading.Barrier(CLIENTS)
    results = {}
    threads = [threading.Thread(target=citizen, name='citizen-%d' % n,
                                args=(live_server, barrier, n, results),
                                kwargs={'rounds': ROUNDS}, daemon=True)
               for n in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * ROUNDS + 10)
    elapsed = time.monotonic() - started
    assert not any(t.is_alive() for t in threads), 'a client hangs'

    expected = CLIENTS * ROUNDS
    report = '%d citizens, %d applications in %.1f s; %s' % (
        CLIENTS, expected, elapsed, live_server.retry_summary())
    print('\n' + report)
    errors = [s for r in results.values() for s in r['client'].statuses
              if s[0] >= 500]
    failed = {n: r['last'] + [(str(r['error']) or repr(r['error'])
                               ).splitlines()[0][:300]]
              for n, r in sorted(results.items()) if 'error' in r
              and not isinstance(r['error'], threading.BrokenBarrierError)}
    assert not errors and not failed, (
        '%d server errors, %d of %d citizens failed; %s\n%s' % (
            len(errors), len(failed), CLIENTS, report,
            '\n'.join('%s: %s' % item for item in failed.items())))
    # the audit trails' writes (a submission each: its journal layers,
    # httttha.auditlog's, and Substance D's log) never conflict
    audited = [r for r in live_server.retries if 'audit' in (r[1] or '')]
    assert not audited, report
    confirmations = [r for r in live_server.retries
                     if r[2].startswith('/xac-nhan/')]
    if live_server.turns == 'in_turn':
        assert not confirmations, report
    else:
        # the retried confirmations are what this variant is about
        assert confirmations, report
    applications = [a for r in results.values() for a in r['applications']]
    codes = [a['code'] for a in applications]
    assert len(codes) == expected and all(codes), results
    assert len(set(codes)) == expected, codes
    assert all(is_valid(code) for code in codes), codes

    # the database: exactly these dossiers, submitted, all in the catalog,
    # each with its file
    env = prepare(registry=live_server.wsgi.registry)
    try:
        root = root_factory(env['request'])
        agency = root['thads']['cuc-thads-ha-noi']['chi-cuc-thads-ba-dinh']
        folder = agency['ho-so']
        assert sorted(folder.keys()) == sorted(codes)
        catalog = find_catalog(root, 'httttha')
        # no entry lost, none left over or doubled
        indexed = (catalog['agency'].eq(get_oid(agency))
                   & catalog['procedure'].eq(PROCEDURE)
                   & catalog['state'].eq('submitted')).execute()
        assert sorted(d.code for d in indexed) == sorted(codes)
        names = set()
        uploads = {a['code']: a['pdf'] for a in applications}
        lost = []
        for code in codes:
            dossier = folder[code]
            assert state_of(dossier) == 'submitted'
            assert dossier.procedure == PROCEDURE
            assert [e['action'] for e in dossier.timeline] == ['submitted']
            names.add(dossier.applicant['full_name'])
            found = list(catalog['code'].eq(code).execute())
            assert found == [dossier], code
            # its one file, stored once, byte for byte the upload
            files = dossier.attachments()
            assert [slot for slot, _f in files] == [SLOT], (code, files)
            try:
                with files[0][1].blob.open('r') as stream:
                    if stream.read() != uploads[code]:
                        lost.append((code, 'other bytes'))
            except POSKeyError as e:
                lost.append((code, repr(e)))
        assert not lost, '%d of %d files lost: %s' % (
            len(lost), expected, lost[:3])
        assert len(names) == expected   # each draft became its own dossier
    finally:
        env['closer']()

    # one receipt each, none doubled by a retry, and none left
    # half-written by an aborted attempt
    mail = os.path.join(live_server.directory, 'mail')
    assert len(os.listdir(os.path.join(mail, 'new'))) == expected
    assert os.listdir(os.path.join(mail, 'tmp')) == []
    assert logged_errors == []


def test_a_double_click_makes_one_dossier(live_server, logged_errors):
    """The confirmation sent three times at once (a double click, a
    refresh) stores one dossier, with one receipt, and answers each with
    its code."""
    application = apply(Client(live_server.url), 1, BA_DINH, clicks=3)
    env = prepare(registry=live_server.wsgi.registry)
    try:
        root = root_factory(env['request'])
        folder = root['thads']['cuc-thads-ha-noi']['chi-cuc-thads-ba-dinh'][
            'ho-so']
        assert list(folder.keys()) == [application['code']]
    finally:
        env['closer']()
    queued = os.listdir(os.path.join(live_server.directory, 'mail', 'new'))
    assert len(queued) == 1
    assert logged_errors == []
