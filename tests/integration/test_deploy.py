"""The deployment recipe of ``deploy/``: Debian's nginx, configured with
``deploy/nginx/httttha-proxy.conf``, in front of two application
processes started as ``deploy/systemd/httttha@.service`` starts them
(``pserve <ini> http_port=N``) on RelStorage.  A citizen submits and looks
up through it, and the application counts the real client, whatever
X-Forwarded-For the client sends."""
import os
import re
import shutil
import socket
import subprocess
import sys
import threading

import pytest
import webtest

from ..browser.conftest import _wait_for_port
from ..conftest import AGENCIES, PROJECT
from ..functional.submission import BA_DINH, pdf_bytes, submit_dossier
from .test_relstorage import PRODUCTION_INI, production_environ

BIN = os.path.dirname(sys.executable)


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _nginx():
    for path in (shutil.which('nginx'), '/usr/sbin/nginx'):
        if path and os.path.exists(path):
            return path
    pytest.fail('nginx is missing: run `make test`, which installs '
                'Debian\'s nginx for the deployment test.', pytrace=False)


NGINX_CONF = '''
daemon off;
{user}
pid {base}/nginx.pid;
error_log {base}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log {base}/access.log;
    client_body_temp_path {base}/body;
    proxy_temp_path {base}/proxy;
    fastcgi_temp_path {base}/fastcgi;
    uwsgi_temp_path {base}/uwsgi;
    scgi_temp_path {base}/scgi;
    upstream httttha {{
        server 127.0.0.1:{first};
        server 127.0.0.1:{second};
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://httttha;
            include {proxy};
        }}
    }}
}}
'''


class Site(str):
    """nginx's URL; ``env``: the processes' environment, ``log``: their
    output, ``processes``: their own URLs."""

    def __new__(cls, url, env, log, processes):
        site = str.__new__(cls, url)
        site.env, site.log, site.processes = env, log, processes
        return site

    def root(self):
        """(the application root read from PostgreSQL, closer)."""
        from ZODB import DB
        from zodburi import resolve_uri
        factory, kw = resolve_uri(self.env['HTTTHA_ZODB_URI'])
        db = DB(factory(), **kw)
        conn = db.open()

        def close():
            conn.close()
            db.close()
        return conn.root()['app_root'], close


@pytest.fixture(scope='module')
def site(postgresql, tmp_path_factory):
    """nginx in front of two processes (a ``Site``)."""
    base = str(tmp_path_factory.mktemp('deploy'))
    for name in ('deploy', 'deploy_audit'):
        postgresql.createdb(name)
    port, first, second = _free_port(), _free_port(), _free_port()
    env = dict(os.environ, **production_environ(postgresql, base + '/cache'))
    env.update(HTTTHA_ZODB_URI=postgresql.uri('deploy', base + '/cache/m'),
               HTTTHA_AUDIT_URI=postgresql.uri('deploy_audit',
                                               base + '/cache/a'),
               HTTTHA_PUBLIC_URL='http://127.0.0.1:%d' % port)
    # production.ini, but the test speaks HTTP to nginx (no Secure
    # cookies), is no person (no CAPTCHA) and is one client address for
    # every simulated citizen (no limits on submissions and drafts)
    with open(PRODUCTION_INI, encoding='utf-8') as f:
        text = f.read()
    for setting, value in (('httttha.captcha', 'false'),
                           ('httttha.secure_cookies', 'false'),
                           ('httttha.submit_limit', '100000'),
                           ('httttha.draft_limit', '100000')):
        text, found = re.subn(r'(?m)^%s = .*$' % re.escape(setting),
                              '%s = %s' % (setting, value), text)
        assert found == 1, setting
    ini = os.path.join(base, 'test.ini')
    with open(ini, 'w', encoding='utf-8') as f:
        f.write(text)
    subprocess.run([os.path.join(BIN, 'httttha-load-agencies'), ini,
                    AGENCIES], env=env, check=True, capture_output=True)
    processes = []
    log = open(os.path.join(base, 'app.log'), 'wb')
    try:
        for number in (first, second):
            processes.append(subprocess.Popen(
                [os.path.join(BIN, 'pserve'), ini, 'http_port=%d' % number],
                env=env, stdout=log, stderr=subprocess.STDOUT))
        conf = os.path.join(base, 'nginx.conf')
        with open(conf, 'w') as f:
            f.write(NGINX_CONF.format(
                base=base, port=port, first=first, second=second,
                user='user root;' if os.geteuid() == 0 else '',
                proxy=os.path.join(PROJECT, 'deploy', 'nginx',
                                   'httttha-proxy.conf')))
        processes.append(subprocess.Popen(
            [_nginx(), '-c', conf, '-p', base], stdout=log,
            stderr=subprocess.STDOUT))
        for number in (first, second, port):
            _wait_for_port('127.0.0.1', number, timeout=60)
        yield Site('http://127.0.0.1:%d' % port, env,
                   os.path.join(base, 'app.log'),
                   ['http://127.0.0.1:%d' % n for n in (first, second)])
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        log.close()


def test_submission_and_lookup_through_nginx(site):
    app = webtest.TestApp(site)
    assert 'Hỗ trợ trực tuyến' in app.get('/').text
    code = submit_dossier(app, 'HTTT02')
    # each request may go to either process: both see the dossier
    for _i in range(4):
        page = app.get('/tra-cuu', params={'ma': code, 'don-vi': BA_DINH})
        assert [td.get_text(strip=True) for td in page.html.select(
            '#results tbody tr td:first-child')] == [code]
    assert app.get('/healthz').json['database'] == 'ok'


def test_forged_client_addresses_do_not_escape_throttling(site):
    """Failed lookups are counted per client address; a client that
    sends a new X-Forwarded-For each time is still one client."""
    app = webtest.TestApp(site)
    for number in range(5):
        app.get('/tra-cuu', params={'ma': 'K7Q-4M2-XD9', 'don-vi': BA_DINH},
                headers={'X-Forwarded-For': '10.0.0.%d' % number})
    page = app.get('/tra-cuu', params={'ma': 'K7Q-4M2-XD9',
                                       'don-vi': BA_DINH},
                   headers={'X-Forwarded-For': '10.0.0.99'})
    assert 'tạm khóa' in page.html.select_one('#lookup-message').get_text()


CLIENTS, EACH = 10, 20


def _ba_dinh(root):
    return root['thads']['cuc-thads-ha-noi']['chi-cuc-thads-ba-dinh']['ho-so']


def test_concurrent_submissions_over_two_processes(site):
    """200 submissions, each with its own 200 KB PDF, from 10 clients at
    once, spread by nginx over both processes: every one answered without
    an error, each with its own code, and every dossier stored once with
    its file; the retries are in the processes' log."""
    root, close = site.root()
    before = set(_ba_dinh(root).keys())
    close()
    codes, failures = {}, []

    def citizen(number):
        app = webtest.TestApp(site)
        try:
            for n in range(EACH):
                body = pdf_bytes('Ban an %d-%d' % (number, n),
                                 pad=200 * 1024)
                code = submit_dossier(app, 'HTTT01', files={
                    'judgment': ('ban-an-%d-%d.pdf' % (number, n), body)})
                codes[code] = body
        except Exception as e:              # a failed answer: below
            failures.append(repr(e)[:1000])
    threads = [threading.Thread(target=citizen, args=(n,))
               for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with open(site.log, encoding='utf-8') as f:
        log = f.read()
    print('retries logged: %d' % log.count('trying again'))
    assert failures == []
    assert len(codes) == CLIENTS * EACH
    assert 'gave up after' not in log and 'Traceback' not in log

    root, close = site.root()
    try:
        folder = _ba_dinh(root)
        assert set(folder.keys()) - before == set(codes)
        for code, body in codes.items():
            (attachment,) = [f for _slot, f in folder[code].attachments()]
            with attachment.blob.open('r') as f:
                assert f.read() == body, code
    finally:
        close()


def _status(error):
    """The HTTP status of WebTest's AppError ('Bad response: 503 …')."""
    found = re.search(r'Bad response: (\d{3})', str(error))
    return int(found.group(1)) if found else None


def test_postgresql_restart_during_submissions(site, postgresql):
    """PostgreSQL stops and starts again while citizens submit through
    both processes: no answer is a 500 (a 503 asks to come back), every
    submission that was acknowledged is stored, and both processes serve
    again by themselves."""
    acknowledged, statuses, problems = [], [], []
    stop = threading.Event()
    progress = threading.Condition()

    def citizen():
        app = webtest.TestApp(site)
        while not stop.is_set():
            try:
                code = submit_dossier(app, 'HTTT02')
            except webtest.AppError as e:
                code, status = None, _status(e)
                if status is None:
                    problems.append(repr(e)[:500])
            except Exception as e:          # a refused form: a problem
                code, status = None, None
                problems.append(repr(e)[:500])
            else:
                status = 200
            with progress:
                statuses.append(status)
                if code:
                    acknowledged.append(code)
                progress.notify_all()

    def wait_for(condition):
        with progress:
            assert progress.wait_for(condition, timeout=120), statuses[-20:]
    threads = [threading.Thread(target=citizen) for _i in range(4)]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: len(acknowledged) >= 8)
        postgresql.pause()
        try:
            wait_for(lambda: statuses.count(503) >= 4)
        finally:
            postgresql.resume()
        before = len(acknowledged)
        wait_for(lambda: len(acknowledged) >= before + 8)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert problems == []
    assert set(statuses) <= {200, 503}, sorted(set(statuses))
    for url in site.processes:                # each one, not through nginx
        direct = webtest.TestApp(url)
        assert direct.get('/healthz').json['status'] != 'down'
        assert 'Hỗ trợ trực tuyến' in direct.get('/').text
    root, close = site.root()
    try:
        folder = _ba_dinh(root)
        missing = [code for code in acknowledged if code not in folder]
        assert missing == []
    finally:
        close()
