"""The deployment recipe of ``deploy/``: Debian's nginx, configured with
``deploy/nginx/httttha-proxy.conf``, in front of two application
processes started as ``deploy/systemd/httttha@.service`` starts them
(``pserve <ini> http_port=N``) on RelStorage.  A citizen submits and looks
up through it, and the application counts the real client, whatever
X-Forwarded-For the client sends."""
import os
import shutil
import socket
import subprocess
import sys

import pytest
import webtest

from ..browser.conftest import _wait_for_port
from ..conftest import AGENCIES, PROJECT
from ..functional.submission import BA_DINH, submit_dossier
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


@pytest.fixture(scope='module')
def site(postgresql, tmp_path_factory):
    """The URL of nginx in front of two processes."""
    base = str(tmp_path_factory.mktemp('deploy'))
    for name in ('deploy', 'deploy_audit'):
        postgresql.run('createdb', '-h', '127.0.0.1', '-p',
                       str(postgresql.port), '-U', 'postgres', name)
    port, first, second = _free_port(), _free_port(), _free_port()
    env = dict(os.environ, **production_environ(postgresql, base + '/cache'))
    env.update(HTTTHA_ZODB_URI=postgresql.uri('deploy', base + '/cache/m'),
               HTTTHA_AUDIT_URI=postgresql.uri('deploy_audit',
                                               base + '/cache/a'),
               HTTTHA_PUBLIC_URL='http://127.0.0.1:%d' % port)
    # production.ini, but the test speaks HTTP to nginx (no Secure
    # cookies) and is no person (no CAPTCHA)
    ini = os.path.join(base, 'test.ini')
    with open(ini, 'w') as f:
        f.write('[app:main]\nuse = config:%s#main\nhttttha.captcha = false\n'
                'httttha.secure_cookies = false\n'
                '[server:main]\nuse = config:%s#main\n' % (
                    PRODUCTION_INI, PRODUCTION_INI))
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
        yield 'http://127.0.0.1:%d' % port
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
