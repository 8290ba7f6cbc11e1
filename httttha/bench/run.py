"""The benchmark runner (issue 7): serve the application under waitress in
a process of its own, load it from concurrent clients on loopback, and
report p50 / p95 / p99 latency and requests per second for each public,
staff and submission path, against a bare Pyramid "hello" view served
with the same waitress settings (the machine's baseline).

The client is plain ``http.client`` (one keep-alive connection and one
cookie jar per client thread): no dependency beyond the test extra's
BeautifulSoup, used to read the forms.  The server is a separate process
(``python -m httttha.bench.run serve-process …``) so that the client does
not share its GIL; its peak RSS is read from ``/proc/<pid>/status``.

The database is read (sample codes, applicants, agencies) before the
server starts, read-only; the submissions measured add dossiers to it.
"""
import argparse
import configparser
import http.client
import http.cookies
import io
import json
import os
import platform
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

#: every measurement, in the order run and reported: (key, title)
MEASUREMENTS = (
    ('hello', 'Baseline: bare Pyramid "hello"'),
    ('home', 'Home page'),
    ('agency_page', "An agency's public page"),
    ('lookup_code', 'Lookup by code + agency'),
    ('lookup_keywords', 'Lookup by name + phone'),
    ('workspace_officer', 'Workspace, Chi cục officer (filters)'),
    ('workspace_leader', 'Workspace, Cục leader, subtree (filters)'),
    ('workspace_admin', 'Workspace, Tổng cục admin, all (filters)'),
    ('stats_tree', 'Statistics, whole tree: Cục × procedure × state'),
    ('stats_cuc', 'Statistics, one Cục by Chi cục'),
    ('submissions', 'Submissions HTTT01 + 200 KB PDF (whole wizard)'),
    ('application_pdf', 'Application PDF (/to-khai)'),
)

#: the application's settings for the benchmark server: no CAPTCHA (it
#: is the only way for a program to submit), and no throttling of the one
#: loopback address all clients come from
SERVER_OVERRIDES = {
    'httttha.captcha': 'false',
    'httttha.submit_limit': '1000000000',
    'httttha.lookup_failures': '1000000000',
    'httttha.lookup_client_failures': '1000000000',
    'retry.attempts': '10',
    'pyramid.reload_templates': 'false',
    'pyramid.debug_authorization': 'false',
    'pyramid.debug_notfound': 'false',
    'pyramid.debug_routematch': 'false',
}

TIMEOUT = 60
OFFICER_AGENCY = 'thads/cuc-thads-ha-noi/chi-cuc-thads-ba-dinh'
LEADER_AGENCY = 'thads/cuc-thads-ha-noi'
ADMIN_AGENCY = 'thads'
#: statistics views are a later issue: probed, measured only if present
STATS_TREE = '/manage/{top}/@@thong-ke?nam={year}&theo=cuc,thu-tuc,trang-thai'
STATS_CUC = '/manage/{cuc}/@@thong-ke?nam={year}&theo=chi-cuc'

# -- settings and the database ---------------------------------------------


def read_ini(ini):
    """(application settings, waitress settings) of ``ini``."""
    from pyramid.paster import get_appsettings
    app = dict(get_appsettings(ini))
    parser = configparser.ConfigParser(
        defaults={'here': os.path.dirname(os.path.abspath(ini)),
                  '__file__': os.path.abspath(ini)},
        interpolation=configparser.BasicInterpolation())
    parser.read(ini)
    server = {}
    if parser.has_section('server:main'):
        server = {k: v for k, v in parser.items('server:main')
                  if k not in ('use', 'listen', 'host', 'port', 'here',
                               '__file__')}
    return app, server


def file_uri(uri):
    """(Data.fs path, blob directory or None) of a ``file://`` URI."""
    if not uri or not uri.startswith('file://'):
        return None, None
    parsed = urllib.parse.urlsplit(uri)
    path = os.path.normpath(urllib.parse.unquote(parsed.path))
    query = urllib.parse.parse_qs(parsed.query)
    blobs = query.get('blobstorage_dir', [None])[0]
    return path, os.path.normpath(blobs) if blobs else None


def db_paths(settings):
    """The files and directories the databases live in."""
    paths = []
    for key in ('zodbconn.uri', 'zodbconn.uri.audit'):
        data, blobs = file_uri(settings.get(key))
        if data:
            paths += [data, data + '.index']
        if blobs:
            paths.append(blobs)
    return paths


def disk_size(path):
    """Bytes under ``path`` (a file or a directory tree)."""
    if os.path.isfile(path):
        return os.path.getsize(path)
    total = 0
    for top, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(top, name))
            except OSError:
                pass
    return total


def db_size(settings):
    """{'total': bytes, <path>: bytes} of the databases on disk."""
    sizes = {p: disk_size(p) for p in db_paths(settings) if os.path.exists(p)}
    return dict(sizes, total=sum(sizes.values()))


def _traverse(root, path):
    node = root
    for name in path.strip('/').split('/'):
        node = node[name]
    return node


def sample(settings, officer_agency=OFFICER_AGENCY, per_agency=20,
           wanted=400, seed=7):
    """Read, read-only, what the clients need from the database: sample
    dossiers (code, agency code, name, phone), the reporting year and a
    common keyword.  Taken from the officer's agency first, then from
    other agencies of the tree (never loading a whole folder)."""
    import itertools
    from collections import Counter
    from ZODB import DB
    from ZODB.FileStorage import FileStorage
    from ..catalog import fold
    data, blobs = file_uri(settings['zodbconn.uri'])
    if data is None:
        raise SystemExit('the benchmark needs a file:// database '
                         '(zodbconn.uri = %s)' % settings['zodbconn.uri'])
    storage = FileStorage(data, read_only=True, blob_dir=blobs)
    db = DB(storage)
    conn = db.open()
    try:
        root = conn.root()['app_root']
        home = _traverse(root, officer_agency)
        top = _traverse(root, ADMIN_AGENCY)
        others = [a for a in itertools.islice(top.walk(), 2000)
                  if a is not home]
        random.Random(seed).shuffle(others)
        dossiers = []
        for agency in [home] + others:
            if len(dossiers) >= wanted:
                break
            folder = agency.get('ho-so') if hasattr(agency, 'get') else None
            if folder is None:
                continue
            for dossier in itertools.islice(folder.data.values(),
                                            per_agency):
                applicant = dossier.applicant
                dossiers.append({
                    'code': dossier.code, 'agency': agency.code,
                    'name': applicant.get('full_name', ''),
                    'phone': applicant.get('phone', ''),
                    'year': (dossier.submitted.year
                             if getattr(dossier, 'submitted', None)
                             else None),
                    'home': agency is home,
                })
        staff = staff_users(root, home, _traverse(root, LEADER_AGENCY))
        from ..content.dossier import local_time
        from .data import bench_state
        state = bench_state(root)
        years = Counter(d['year'] for d in dossiers if d['year'])
        words = Counter(fold(d['name']).split()[0] for d in dossiers
                        if d['name'])
        return {
            'dossiers': dossiers,
            'year': (years.most_common(1)[0][0] if years
                     else local_time().year),
            'keyword': words.most_common(1)[0][0] if words else 'nguyen',
            'agency_code': home.code,
            'staff': staff,
            'generated': state['dossiers'] if state else None,
        }
    finally:
        conn.close()
        db.close()


def staff_users(root, officer_agency, leader_agency):
    """The officer's and the leader's logins and password: the bench
    generator's staff (``hotro-<code>``, ``lanhdao-<code>``) when the
    database has them, else the demo users."""
    from ..services.demo import DEMO_PASSWORD
    users = root['principals']['users']
    officer = 'hotro-%s' % officer_agency.code.lower()
    leader = 'lanhdao-%s' % leader_agency.code.lower()
    if officer in users and leader in users:
        from .data import BENCH_PASSWORD
        return {'officer': officer, 'leader': leader,
                'password': BENCH_PASSWORD}
    return {'officer': 'hotro.bd', 'leader': 'lanhdao.hn',
            'password': DEMO_PASSWORD}


# -- the server process ------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def hello_app():
    """A bare Pyramid application with one view: the baseline."""
    from pyramid.config import Configurator
    from pyramid.response import Response

    def hello(request):
        return Response('hello')
    config = Configurator()
    config.add_view(hello)
    return config.make_wsgi_app()


def serve(argv):
    """Entry point of the server process: ``serve|hello INI PORT
    [key=value …]`` (application settings overrides)."""
    kind, ini, port = argv[0], argv[1], int(argv[2])
    import waitress
    app_settings, server_settings = read_ini(ini)
    if kind == 'hello':
        app = hello_app()
    else:
        from .. import main
        app_settings.update(dict(a.split('=', 1) for a in argv[3:]))
        for key in ('mail.queue_path', 'substanced.uploads_tempdir'):
            if app_settings.get(key):
                # made before the first request: a cold server's threads
                # would race to create the mail queue
                os.makedirs(app_settings[key], exist_ok=True)
        app = main({}, **app_settings)
    server_settings.setdefault('ident', 'httttha-bench')
    print('serving %s on 127.0.0.1:%d' % (kind, port), flush=True)
    waitress.serve(app, listen='127.0.0.1:%d' % port, _quiet=True,
                   **server_settings)


class Server(object):
    """The application (or the hello baseline) in a process of its own."""

    def __init__(self, kind, ini, overrides=None):
        self.kind = kind
        self.port = free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        self.log = tempfile.NamedTemporaryFile(
            prefix='httttha-bench-%s-' % kind, suffix='.log', delete=False)
        command = [sys.executable, '-m', 'httttha.bench.run',
                   'serve-process', kind, ini, str(self.port)]
        command += ['%s=%s' % item for item in (overrides or {}).items()]
        self.process = subprocess.Popen(
            command, stdout=self.log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
        self.pid = self.process.pid

    def wait(self, timeout=300):
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError('the %s server exited (%s):\n%s' % (
                    self.kind, self.process.returncode, self.log_tail()))
            try:
                with socket.create_connection(('127.0.0.1', self.port),
                                              timeout=0.5):
                    return self
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError('the %s server did not start:\n%s'
                                       % (self.kind, self.log_tail()))
                time.sleep(0.1)

    def log_tail(self, chars=4000):
        with open(self.log.name, errors='replace') as f:
            return f.read()[-chars:]

    def memory(self):
        """{'peak_rss_bytes', 'rss_bytes'} from /proc (VmHWM, VmRSS)."""
        values = {}
        try:
            with open('/proc/%d/status' % self.pid) as f:
                for line in f:
                    key, _, rest = line.partition(':')
                    if key in ('VmHWM', 'VmRSS'):
                        values[key] = int(rest.split()[0]) * 1024
        except OSError:
            pass
        return {'peak_rss_bytes': values.get('VmHWM'),
                'rss_bytes': values.get('VmRSS')}

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.log.close()

    def __enter__(self):
        return self.wait()

    def __exit__(self, *exc):
        self.stop()


# -- the client ------------------------------------------------------------


class Response(object):
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self):
        return self.body.decode('utf-8', 'replace')

    def location(self):
        """The redirect's path (and query)."""
        parsed = urllib.parse.urlsplit(self.headers.get('Location', ''))
        return parsed.path + ('?' + parsed.query if parsed.query else '')


class Client(object):
    """One browser-like client: a keep-alive connection and cookies; does
    not follow redirects."""

    def __init__(self, url):
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port = parsed.hostname, parsed.port
        self.cookies = {}
        self.conn = None

    def _connect(self):
        self.close()
        self.conn = http.client.HTTPConnection(self.host, self.port,
                                               timeout=TIMEOUT)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers['Cookie'] = '; '.join('%s=%s' % item
                                          for item in self.cookies.items())
        for attempt in (0, 1):
            fresh = self.conn is None
            if fresh:
                self._connect()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                raw = self.conn.getresponse()
                data = raw.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError,
                    BrokenPipeError, http.client.CannotSendRequest):
                # a kept-alive connection the server closed: once more on
                # a new one (a fresh connection failing is an error)
                self.close()
                if fresh or attempt:
                    raise
        for header in raw.msg.get_all('Set-Cookie') or ():
            cookie = http.cookies.SimpleCookie()
            try:
                cookie.load(header)
            except http.cookies.CookieError:
                continue
            for name, morsel in cookie.items():
                if not morsel.value or morsel['max-age'] == '0':
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if raw.getheader('Connection', '').lower() == 'close':
            self.close()
        return Response(raw.status, raw.msg, data)

    def get(self, path):
        return self.request('GET', path)

    def post(self, path, fields, enctype=None):
        """POST ``fields`` ([(name, value, filename or None)]) encoded as
        a browser does for ``enctype``."""
        if enctype == 'multipart/form-data':
            body, content_type = multipart(fields)
        else:
            body = urllib.parse.urlencode(
                [(n, v) for n, v, _f in fields]).encode('utf-8')
            content_type = 'application/x-www-form-urlencoded'
        return self.request('POST', path, body,
                            {'Content-Type': content_type})


def multipart(fields):
    boundary = '----httttha%s' % uuid.uuid4().hex
    out = io.BytesIO()
    for name, value, filename in fields:
        if filename is not None:
            head = ('Content-Disposition: form-data; name="%s"; '
                    'filename="%s"\r\nContent-Type: %s' % (
                        name, filename, 'application/pdf' if filename
                        else 'application/octet-stream'))
        else:
            head = 'Content-Disposition: form-data; name="%s"' % name
        if isinstance(value, str):
            value = value.encode('utf-8')
        out.write(('--%s\r\n%s\r\n\r\n' % (boundary, head)).encode('utf-8'))
        out.write(value + b'\r\n')
    out.write(('--%s--\r\n' % boundary).encode('ascii'))
    return out.getvalue(), 'multipart/form-data; boundary=%s' % boundary


def form_fields(html, selector, values, button, files=None):
    """The fields a browser sends from form ``selector``, filled from
    ``values`` (deform paths such as ``applicant.full_name``; ``True``
    ticks a checkbox) and ``files`` ({path: (filename, bytes)}), with the
    pressed ``button``: (action, enctype, [(name, value, filename)])."""
    from bs4 import BeautifulSoup
    files = files or {}
    form = BeautifulSoup(html, 'html.parser').select_one(selector)
    if form is None:
        raise ValueError('no form %s in the page' % selector)
    stack, fields, seen = [], [], set()
    for el in form.find_all(['input', 'select', 'textarea', 'button']):
        name = el.get('name')
        kind = (el.get('type') or '').lower()
        if not name or el.has_attr('disabled'):
            continue
        if name in ('__start__', '__end__'):
            fields.append((name, el.get('value', ''), None))
            if name == '__start__':
                stack.append(tuple(el['value'].split(':')))
            elif stack:
                stack.pop()
            continue
        path = [n for n, k in stack if k != 'rename']
        path.append(stack[-1][0] if stack and stack[-1][1] == 'rename'
                    else name)
        path = '.'.join(path)
        seen.add(path)
        wanted = values.get(path)
        if el.name == 'button' or kind in ('submit', 'button', 'image',
                                           'reset'):
            if name == button:
                fields.append((name, el.get('value', ''), None))
        elif kind == 'file':
            filename, body = files.get(path, ('', b''))
            fields.append((name, body, filename))
        elif kind in ('radio', 'checkbox'):
            value = el.get('value', 'on')
            if wanted is None:
                checked = el.has_attr('checked')
            elif isinstance(wanted, bool):
                checked = wanted
            else:
                checked = value == wanted
            if checked:
                fields.append((name, value, None))
        elif el.name == 'select':
            options = [o.get('value', o.get_text())
                       for o in el.find_all('option')]
            chosen = [o.get('value', o.get_text()) for o in
                      el.find_all('option') if o.has_attr('selected')]
            if wanted is not None and wanted not in options:
                raise ValueError('%s is not an option of %s' % (wanted, path))
            value = wanted if wanted is not None else (
                chosen or options or [''])[0]
            fields.append((name, value, None))
        elif el.name == 'textarea':
            fields.append((name, wanted if wanted is not None
                           else el.get_text(), None))
        elif name == '_charset_':
            fields.append((name, 'UTF-8', None))
        else:
            fields.append((name, wanted if wanted is not None
                           else el.get('value', ''), None))
    missing = set(values) - seen
    if missing:
        raise ValueError('no such field: %s' % ', '.join(sorted(missing)))
    return (form.get('action') or '',
            form.get('enctype', 'application/x-www-form-urlencoded'), fields)


def login(client, name, password):
    """Log in through the SDI's form; raise unless it worked."""
    page = client.get('/manage/@@login')
    if page.status != 200:
        raise RuntimeError('login page: %s' % page.status)
    action, enctype, fields = form_fields(
        page.text, 'form', {'login': name, 'password': password},
        'form.submitted')
    action = urllib.parse.urlsplit(action).path or '/manage/@@login'
    done = client.post(action, fields, enctype)
    if done.status != 302:
        raise RuntimeError('login as %s failed (%s)' % (name, done.status))


# -- measuring ---------------------------------------------------------------


def percentile(ordered, fraction):
    """Nearest-rank percentile of sorted values."""
    if not ordered:
        return None
    index = max(0, min(len(ordered) - 1,
                       int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[index]


def summarize(name, title, latencies, errors, elapsed, extra=None):
    ordered = sorted(latencies)
    result = {
        'name': name, 'title': title, 'built': True,
        'requests': len(latencies), 'errors': errors,
        'seconds': round(elapsed, 3),
        'p50_ms': _ms(percentile(ordered, 0.50)),
        'p95_ms': _ms(percentile(ordered, 0.95)),
        'p99_ms': _ms(percentile(ordered, 0.99)),
        'rps': round(len(latencies) / elapsed, 2) if elapsed else 0.0,
    }
    result.update(extra or {})
    return result


def _ms(seconds):
    return None if seconds is None else round(seconds * 1000.0, 2)


def load(url, paths, seconds, concurrency, setup=None, expect=(200,),
         warmup=None):
    """``concurrency`` clients request ``paths`` (a list, taken in turn
    from a random start, or a callable(client, i) -> Response) for
    ``seconds``; return (latencies of the successful requests, errors,
    elapsed, first error messages)."""
    latencies, errors, messages = [], [0], []
    lock = threading.Lock()
    state = {}

    def go():
        # the barrier's action: runs before any worker is released
        state['started'] = time.monotonic()
        state['deadline'] = state['started'] + seconds
    ready = threading.Barrier(concurrency + 1, action=go)

    def one(client, i):
        if callable(paths):
            return paths(client, i)
        return client.get(paths[i % len(paths)])

    def worker(number):
        client = Client(url)
        mine, bad = [], 0
        failed_setup = None
        try:
            if setup is not None:
                setup(client)
            for i in range(warmup if warmup is not None else 2):
                one(client, number + i)
        except Exception as e:
            failed_setup = e
        try:
            ready.wait(TIMEOUT * 5)
        except threading.BrokenBarrierError:
            return
        if failed_setup is not None:
            with lock:
                errors[0] += 1
                messages.append('setup: %r' % failed_setup)
            return
        i = random.Random(number).randrange(1 << 16)
        while time.monotonic() < state['deadline']:
            start = time.perf_counter()
            try:
                response = one(client, i)
                ok = response.status in expect
                why = 'status %s' % response.status
            except Exception as e:
                ok, why = False, repr(e)
            took = time.perf_counter() - start
            if ok:
                mine.append(took)
            else:
                bad += 1
                if len(messages) < 5:
                    with lock:
                        messages.append(why)
            i += 1
        client.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=worker, args=(n,), daemon=True)
               for n in range(concurrency)]
    for thread in threads:
        thread.start()
    ready.wait(TIMEOUT * 5)
    for thread in threads:
        thread.join(seconds + TIMEOUT * 2)
    elapsed = time.monotonic() - state['started']
    return latencies, errors[0], elapsed, messages


# -- submissions --------------------------------------------------------------

APPLICATION = {
    'applicant.kind': 'person',
    'applicant.full_name': 'Nguyễn Thị Hương',
    'applicant.birth_date': '12/05/1980',
    'applicant.id_type': 'cccd',
    'applicant.id_number': '001180012345',
    'applicant.id_date': '01/07/2021',
    'applicant.id_place': 'Cục Cảnh sát QLHC về TTXH',
    'applicant.address': '12 phố Đội Cấn, phường Đội Cấn, quận Ba Đình, '
                         'Hà Nội',
    'applicant.phone': '0912 345 678',
    'applicant.email': 'huong@example.com',
    'judgment.number': '12/2024/DS-ST',
    'judgment.date': '15/03/2024',
    'judgment.issuer': 'Tòa án nhân dân quận Ba Đình',
    'role': 'creditor',
    'creditor.name': 'Nguyễn Thị Hương',
    'creditor.address': '12 phố Đội Cấn, Ba Đình, Hà Nội',
    'debtor.name': 'Trần Văn Bình',
    'debtor.address': '45 Kim Mã, Ba Đình, Hà Nội',
    'content': 'Buộc ông Trần Văn Bình trả 150.000.000 đồng.',
    'assets': 'Căn hộ 45 Kim Mã.',
    'declaration': True,
}


def pdf_of_size(size=200 * 1024):
    """A valid PDF of about ``size`` bytes (a scanned judgment's weight)."""
    from reportlab.pdfgen.canvas import Canvas
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    canvas.drawString(72, 720, 'Ban an so 12/2024/DS-ST')
    canvas.save()
    body = out.getvalue()
    return body + b'%' * max(0, size - len(body))


def submit(client, agency_code, number, pdf, procedure='HTTT01'):
    """The whole wizard, as a citizen's browser does it: the form, the
    POST with the upload, the preview, the confirmation, the result.
    Returns the draft token; raises on any unexpected answer."""
    page = client.get('/ke-khai?co-quan=%s&thu-tuc=%s' % (agency_code,
                                                           procedure))
    if page.status != 200:
        raise RuntimeError('form: status %s' % page.status)
    values = dict(APPLICATION)
    values['applicant.full_name'] = 'Nguyễn Thị Hương %d' % number
    values['applicant.id_number'] = '0011%08d' % (number % 10 ** 8)
    action, enctype, fields = form_fields(
        page.text, 'form#application', values, 'continue',
        files={'files.judgment.upload': ('ban-an.pdf', pdf)})
    action = _path(action) or '/ke-khai?co-quan=%s&thu-tuc=%s' % (
        agency_code, procedure)
    sent = client.post(action, fields, enctype)
    if sent.status != 302:
        raise RuntimeError('form POST: status %s %s' % (
            sent.status, _error_messages(sent.text)))
    preview = sent.location()
    token = preview.rstrip('/').rsplit('/', 1)[1]
    page = client.get(preview)
    if page.status != 200:
        raise RuntimeError('preview: status %s' % page.status)
    action, enctype, fields = form_fields(page.text, 'form:has(#confirm)',
                                          {}, 'confirm')
    done = client.post(_path(action) or preview, fields, enctype)
    if done.status != 302:
        raise RuntimeError('confirm: status %s' % done.status)
    result = client.get(done.location())
    if result.status != 200 or 'id="code"' not in result.text:
        raise RuntimeError('result: status %s' % result.status)
    return token


def _path(url):
    parsed = urllib.parse.urlsplit(url)
    return parsed.path + ('?' + parsed.query if parsed.query else '')


def _error_messages(html):
    found = re.findall(r'class="error-msg[^"]*"[^>]*>(.*?)<', html, re.S)
    return [m.strip() for m in found][:5]


def submissions(url, agency_code, seconds, clients=8, pdf=None):
    """``clients`` citizens each submitting one application after another
    for ``seconds``: (latencies of whole submissions, errors, elapsed,
    messages, draft tokens)."""
    pdf = pdf or pdf_of_size()
    tokens, lock = [], threading.Lock()
    counter = iter(range(10 ** 9))

    def one(client, _i):
        with lock:
            number = next(counter)
        token = submit(client, agency_code, number, pdf)
        with lock:
            tokens.append(token)
        return Response(200, {}, b'')

    latencies, errors, elapsed, messages = load(
        url, one, seconds, clients, warmup=0)
    return latencies, errors, elapsed, messages, tokens


# -- the run -----------------------------------------------------------------


def machine():
    """CPU, memory, Python: what the figures depend on."""
    info = {'python': platform.python_version(),
            'platform': platform.platform(), 'cpus': os.cpu_count()}
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    info['cpu'] = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open('/proc/meminfo') as f:
            for line in f:
                if line.startswith('MemTotal'):
                    info['memory_bytes'] = int(line.split()[1]) * 1024
    except OSError:
        pass
    return info


def probe(client, path):
    """Whether the view at ``path`` exists (anything but a 404)."""
    try:
        return client.get(path).status not in (404,)
    except Exception:
        return False


def run(options, log=print):
    """Run every measurement; return the results (a dict for JSON)."""
    ini = os.path.abspath(options.ini)
    settings, server_settings = read_ini(ini)
    data, _blobs = file_uri(settings.get('zodbconn.uri'))
    db_dir = os.path.dirname(data) if data else None
    overrides = dict(SERVER_OVERRIDES)
    if db_dir:
        overrides['mail.queue_path'] = os.path.join(db_dir, 'mail')
    overrides.update(dict(s.split('=', 1) for s in options.set or ()))
    seconds, concurrency = options.seconds, options.concurrency
    from ..content.dossier import local_time
    results = {
        'date': local_time().isoformat(timespec='seconds'),
        'dossiers': options.dossiers, 'ini': options.ini,
        'machine': machine(),
        'settings': {'seconds': seconds, 'concurrency': concurrency,
                     'submit_seconds': options.submit_seconds,
                     'submit_clients': options.submit_clients,
                     'waitress': server_settings},
        'measurements': [],
    }
    titles = dict(MEASUREMENTS)
    found = {}

    def record(name, latencies, errors, elapsed, messages, **extra):
        result = summarize(name, titles[name], latencies, errors, elapsed,
                           extra)
        if messages:
            result['error_samples'] = messages[:5]
        found[name] = result
        log('  %-18s %6d req %4d err  p50 %8s  p95 %8s  p99 %8s ms  %8.1f '
            'req/s' % (name, result['requests'], errors, result['p50_ms'],
                       result['p95_ms'], result['p99_ms'], result['rps']))

    log('baseline: bare Pyramid hello under waitress %s' % server_settings)
    with Server('hello', ini) as hello:
        record('hello', *load(hello.url, ['/'], seconds, concurrency))
        results['hello_peak_rss_bytes'] = hello.memory()['peak_rss_bytes']

    log('sampling the database %s' % settings.get('zodbconn.uri'))
    picked = sample(settings, options.officer_agency)
    if not picked['dossiers']:
        raise SystemExit('no dossier in the database: run the generator '
                         'first (httttha-bench-data %s --dossiers N)'
                         % options.ini)
    if picked['generated'] and picked['generated'] != options.dossiers:
        # the database holds more than asked for (it is reused): report
        # what was measured
        log('the database holds %d generated dossiers' % picked['generated'])
        options.dossiers = results['dossiers'] = picked['generated']
    results['db_size_before'] = db_size(settings)
    year, keyword = picked['year'], options.keyword or picked['keyword']
    results['sample'] = {'dossiers': len(picked['dossiers']), 'year': year,
                         'keyword': keyword}
    by_code = ['/tra-cuu?' + urllib.parse.urlencode(
        {'ma': d['code'], 'don-vi': d['agency']}) for d in picked['dossiers']]
    by_words = ['/tra-cuu?' + urllib.parse.urlencode(
        {'tu-khoa': '%s %s' % (d['name'], d['phone']),
         'don-vi': d['agency']})
        for d in picked['dossiers'] if d['name'] and d['phone']]
    filters = urllib.parse.urlencode({
        'thu-tuc': 'HTTT01', 'tu-ngay': '01/01/%d' % year,
        'den-ngay': '31/12/%d' % year, 'tu-khoa': keyword})

    def staff(user, password):
        return lambda client: login(client, user, password)
    admin_password = options.admin_password or settings.get(
        'substanced.initial_password', '')
    users = dict(picked['staff'])
    for key in ('officer', 'leader', 'password'):
        if getattr(options, key):
            users[key] = getattr(options, key)
    results['sample']['staff'] = [users['officer'], users['leader'],
                                  options.admin]
    officer = staff(users['officer'], users['password'])
    leader = staff(users['leader'], users['password'])
    admin = staff(options.admin, admin_password)

    log('application server: %s' % ini)
    server = Server('serve', ini, overrides).wait()
    try:
        log('  server pid %d, %s, started: %s' % (
            server.pid, server.url, server.memory()))
        wanted = (set(options.only.split(',')) if getattr(
            options, 'only', None) else set(titles))

        def measure(name, paths, setup=None):
            if name in wanted:
                record(name, *load(server.url, paths, seconds, concurrency,
                                   setup=setup))

        measure('home', ['/'])
        measure('agency_page', ['/' + options.officer_agency.strip('/')])
        measure('lookup_code', by_code)
        measure('lookup_keywords', by_words or by_code)
        measure('workspace_officer', ['/manage/%s/@@ban-lam-viec?%s' % (
            options.officer_agency.strip('/'), filters)], officer)
        measure('workspace_leader', [
            '/manage/%s/@@ban-lam-viec?%s&pham-vi=tat-ca' % (
                LEADER_AGENCY, filters)], leader)
        measure('workspace_admin', [
            '/manage/%s/@@ban-lam-viec?%s&pham-vi=tat-ca' % (
                ADMIN_AGENCY, filters)], admin)
        stats = {'stats_tree': STATS_TREE.format(top=ADMIN_AGENCY, year=year),
                 'stats_cuc': STATS_CUC.format(cuc=LEADER_AGENCY, year=year)}
        probe_client = Client(server.url)
        admin(probe_client)
        for name, path in stats.items():
            if name not in wanted:
                continue
            if probe(probe_client, path):
                measure(name, [path], admin)
            else:
                log('  %-18s not built (404 at %s)' % (name, path))
                found[name] = {'name': name, 'title': titles[name],
                               'built': False, 'url': path}
        probe_client.close()
        tokens = []
        submitter = {}
        if wanted & {'submissions', 'application_pdf'}:
            # one submission alone first; its browser session is the one
            # allowed to print it (the PDF is measured on its token)
            warm = Client(server.url)
            tokens.append(submit(warm, picked['agency_code'], 10 ** 8,
                                 pdf_of_size()))
            submitter = dict(warm.cookies)
            warm.close()
        if 'submissions' in wanted:
            latencies, errors, elapsed, messages, made = submissions(
                server.url, picked['agency_code'], options.submit_seconds,
                options.submit_clients)
            tokens += made
            record('submissions', latencies, errors, elapsed, messages,
                   clients=options.submit_clients, upload_bytes=200 * 1024)
        # after submission only the submitting session may print it
        measure('application_pdf', ['/to-khai/%s' % t for t in tokens[:1]],
                lambda client: client.cookies.update(submitter))
        results['server'] = server.memory()
    finally:
        server.stop()
        results['server_log'] = server.log.name
        log('  server log: %s' % server.log.name)
    results['db_size_after'] = db_size(settings)
    base = found['hello']
    for name, _title in MEASUREMENTS:
        result = found.get(name)
        if result is None:
            continue
        if result.get('built') and name != 'hello':
            # every ratio is a slowdown factor against the baseline (for
            # throughput: hello's requests per second / these)
            result['ratio'] = {
                key: (round(result[key] / base[key], 2)
                      if result.get(key) and base.get(key) else None)
                for key in ('p50_ms', 'p95_ms', 'p99_ms')}
            result['ratio']['rps'] = (round(base['rps'] / result['rps'], 2)
                                      if result.get('rps') else None)
            result['ratio_p95'] = result['ratio']['p95_ms']
        elif name == 'hello':
            result['ratio'] = {k: 1.0 for k in ('p50_ms', 'p95_ms', 'p99_ms',
                                                'rps')}
            result['ratio_p95'] = 1.0
        results['measurements'].append(result)
    return results


def _num(value, digits=1):
    return '–' if value is None else ('%.*f' % (digits, value))


def _bytes(value):
    if value is None:
        return '–'
    for unit in ('B', 'KiB', 'MiB', 'GiB'):
        if value < 1024 or unit == 'GiB':
            return '%.1f %s' % (value, unit) if unit != 'B' else \
                '%d B' % value
        value /= 1024.0


def markdown(results):
    """The results as a Markdown table (one row per measurement)."""
    m = results['machine']
    lines = [
        '## httttha benchmark: %s dossiers, %s' % (
            '{:,}'.format(results['dossiers'] or 0), results['date']),
        '',
        '%s × %s, %s RAM, Python %s; waitress %s; %d clients × %s s '
        '(submissions: %d × %s s)' % (
            m.get('cpus'), m.get('cpu', '?'), _bytes(m.get('memory_bytes')),
            m.get('python'), ', '.join('%s=%s' % kv for kv in sorted(
                results['settings']['waitress'].items())) or 'defaults',
            results['settings']['concurrency'], results['settings']['seconds'],
            results['settings']['submit_clients'],
            results['settings']['submit_seconds']),
        '',
        '| Measurement | Requests | Errors | p50 ms | p95 ms | p99 ms '
        '| req/s | p50 × hello | p95 × hello | p99 × hello '
        '| hello req/s ÷ req/s |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: '
        '| ---: | ---: |',
    ]
    for r in results['measurements']:
        if not r.get('built'):
            lines.append('| %s | not built | | | | | | | | | |' % r['title'])
            continue
        ratio = r.get('ratio') or {}
        lines.append('| %s | %d | %d | %s | %s | %s | %s | %s | %s | %s '
                     '| %s |' % (
                         r['title'], r['requests'], r['errors'],
                         _num(r['p50_ms']), _num(r['p95_ms']),
                         _num(r['p99_ms']), _num(r['rps']),
                         _num(ratio.get('p50_ms')), _num(ratio.get('p95_ms')),
                         _num(ratio.get('p99_ms')), _num(ratio.get('rps'))))
    server = results.get('server') or {}
    after = results.get('db_size_after') or {}
    before = results.get('db_size_before') or {}
    lines += [
        '',
        '| Resource | Value |', '| --- | ---: |',
        '| Server peak RSS (VmHWM) | %s |' % _bytes(
            server.get('peak_rss_bytes')),
        '| Hello server peak RSS | %s |' % _bytes(
            results.get('hello_peak_rss_bytes')),
        '| Database on disk, before | %s |' % _bytes(before.get('total')),
        '| Database on disk, after the submissions | %s |' % _bytes(
            after.get('total')),
    ]
    return '\n'.join(lines) + '\n'


def parser():
    p = argparse.ArgumentParser(
        prog='python -m httttha.scripts.bench',
        description='Benchmark the application under waitress on loopback.')
    p.add_argument('--ini', default='etc/bench.ini')
    p.add_argument('--dossiers', type=int, default=None,
                   help='N, the number of dossiers generated (for the '
                        'report and the file name)')
    p.add_argument('--seconds', type=float, default=15.0,
                   help='duration of each read measurement')
    p.add_argument('--concurrency', type=int, default=4,
                   help='concurrent clients of each read measurement')
    p.add_argument('--submit-seconds', type=float, default=60.0)
    p.add_argument('--submit-clients', type=int, default=8)
    p.add_argument('--out', default='bench/results')
    p.add_argument('--officer', default=None,
                   help="default: the generator's hotro-<code> of the "
                        "officer's agency if present, else hotro.bd")
    p.add_argument('--officer-agency', default=OFFICER_AGENCY)
    p.add_argument('--leader', default=None,
                   help="default: the generator's lanhdao-<code> of Cục Hà "
                        "Nội if present, else lanhdao.hn")
    p.add_argument('--admin', default='admin')
    p.add_argument('--password', default=None,
                   help="the officer's and the leader's password (default: "
                        "the generator's, or the demo users')")
    p.add_argument('--admin-password', default=None,
                   help='default: substanced.initial_password of the ini')
    p.add_argument('--keyword', default=None,
                   help='workspace keyword (default: the commonest first '
                        'word of the sampled names)')
    p.add_argument('--set', action='append', metavar='KEY=VALUE',
                   help='an application setting for the server')
    p.add_argument('--only', default=None, metavar='NAME,NAME',
                   help='measure only these (the baseline always runs): '
                        + ', '.join(name for name, _t in MEASUREMENTS[1:]))
    return p


def main(argv=None):
    options = parser().parse_args(argv)
    results = run(options, log=lambda *a: print(*a, file=sys.stderr,
                                                flush=True))
    os.makedirs(options.out, exist_ok=True)
    from ..content.dossier import local_time
    name = '%s-%s.json' % (local_time().date().isoformat(),
                           options.dossiers if options.dossiers is not None
                           else 'x')
    path = os.path.join(options.out, name)
    with open(path, 'w') as f:
        json.dump(results, f, indent=2, ensure_ascii=False, default=str)
        f.write('\n')
    table = markdown(results)
    sys.stdout.write(table)
    sys.stdout.write('\nWritten to %s\n' % path)
    errors = sum(r.get('errors', 0) for r in results['measurements'])
    return 1 if errors else 0


if __name__ == '__main__':
    if sys.argv[1:2] == ['serve-process']:
        serve(sys.argv[2:])
    else:
        sys.exit(main())
