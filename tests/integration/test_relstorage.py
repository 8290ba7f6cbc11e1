"""The production configuration on RelStorage/PostgreSQL: settings from the
environment, the agency tree, the initial admin, and two application
instances sharing one database (scale-out)."""
import os

import pytest
import transaction
import webtest
from pyramid.paster import get_appsettings

from httttha import main
from httttha.services.settings import MissingSetting, REQUIRED, \
    prepare_settings
from httttha.services.administration.tree import load_tree, read_rows

from ..conftest import AGENCIES, PROJECT, close_app

PRODUCTION_INI = os.path.join(PROJECT, 'etc', 'production.ini')
ADMIN_PASSWORD = 'Quan@tri2026'
ENVIRON = {
    # production marks cookies Secure: the browser talks HTTPS to the proxy
    'HTTP_HOST': 'thads.example.com', 'wsgi.url_scheme': 'https',
    'REMOTE_ADDR': '127.0.0.1',
}


def production_environ(postgresql, blob_cache):
    return {
        'HTTTHA_ZODB_URI': postgresql.uri('httttha', blob_cache + '/main'),
        'HTTTHA_AUDIT_URI': postgresql.uri('httttha_audit',
                                           blob_cache + '/audit'),
        'HTTTHA_SECRET': 'a-long-random-secret-for-the-tests-only',
        'HTTTHA_ADMIN_PASSWORD': ADMIN_PASSWORD,
        'HTTTHA_SMTP_HOST': '127.0.0.1',
        'HTTTHA_MAIL_SENDER': 'hotro@example.invalid',
        'HTTTHA_MAIL_QUEUE': blob_cache + '/mail',
        'HTTTHA_PUBLIC_URL': 'https://thads.example.com',
    }


@pytest.fixture(scope='module')
def build_app(postgresql, tmp_path_factory):
    """Build apps the way pserve does with production.ini: main() with the
    ini's settings, everything else from the environment."""
    made = []

    def build():
        # each instance its own blob cache, as on separate machines
        cache = str(tmp_path_factory.mktemp('blob-cache'))
        with pytest.MonkeyPatch.context() as mp:
            for name, value in production_environ(postgresql, cache).items():
                mp.setenv(name, value)
            wsgi = main({}, **get_appsettings(PRODUCTION_INI))
        made.append(wsgi)
        return wsgi
    yield build
    for wsgi in made:
        close_app(wsgi)


@pytest.fixture(scope='module')
def first_app(build_app):
    """The first instance, with the agency tree loaded into PostgreSQL."""
    from pyramid.scripting import prepare
    from substanced.db import root_factory
    wsgi = build_app()
    env = prepare(registry=wsgi.registry)
    try:
        root = root_factory(env['request'])
        load_tree(root, read_rows(AGENCIES), wsgi.registry)
        transaction.commit()
    finally:
        transaction.abort()  # nothing left pending if loading failed
        # pyramid_zodbconn closes its connection in a finished callback,
        # which prepare()'s closer does not run: left open, it stayed
        # registered with this thread's transaction manager until the
        # garbage collector came by, and the next request's transaction
        # polled PostgreSQL through it (a 500 instead of the 503 below,
        # depending on when the collector ran)
        env['request']._process_finished_callbacks()
        env['closer']()
    return wsgi


def cuc_count(wsgi):
    page = webtest.TestApp(wsgi, extra_environ=ENVIRON).get('/co-quan-thads')
    assert '63 Cục' in page.html.select_one('#agency-count').get_text()
    return len(page.html.select('#agency-tree > li'))


def test_settings_come_from_the_environment(first_app):
    settings = first_app.registry.settings
    assert settings['httttha.settings_from_env'] is True
    assert settings['httttha.secure_cookies'] is True
    assert settings['substanced.secret'].startswith('a-long-random')
    assert settings['zodbconn.uri'].startswith('postgres://')
    storage = first_app.registry._zodb_databases[''].storage
    assert type(storage).__name__ == 'RelStorage'


def test_agency_list_from_postgresql(first_app):
    assert cuc_count(first_app) == 63


def test_initial_admin_must_change_password(first_app):
    app = webtest.TestApp(first_app, extra_environ=ENVIRON)
    form = app.get('/manage/@@login').forms[0]
    form['login'] = 'admin'
    form['password'] = ADMIN_PASSWORD
    response = form.submit('form.submitted')
    assert response.status_int == 302
    # the auth cookie is Secure and HttpOnly in production
    cookie = [h for h in response.headers.getall('Set-Cookie')
              if h.startswith('httttha_auth=')][0].lower()
    assert 'secure' in cookie and 'httponly' in cookie
    page = response.follow()
    assert page.request.path == '/manage/principals/users/admin/' \
        '@@change_password'
    # the rest of the back office waits until it is changed
    other = app.get('/manage/thads/@@ban-lam-viec')
    assert other.status_int == 302
    assert other.location.endswith('/admin/@@change_password')


def test_second_instance_sees_the_same_tree(first_app, build_app):
    second = build_app()
    assert second.registry._zodb_databases[''] is not \
        first_app.registry._zodb_databases['']
    assert cuc_count(second) == 63
    page = webtest.TestApp(second, extra_environ=ENVIRON).get(
        '/thads/cuc-thads-ha-noi/chi-cuc-thads-ba-dinh/')
    assert page.html.find('h1').get_text() == \
        'Chi cục Thi hành án dân sự quận Ba Đình'


def test_production_settings_refuse_an_empty_environment():
    settings = get_appsettings(PRODUCTION_INI)
    assert settings['httttha.settings_from_env'] == 'true'
    with pytest.raises(MissingSetting) as info:
        prepare_settings(settings, environ={})
    for name in REQUIRED:
        assert name in str(info.value)


def test_healthz_follows_the_database(first_app, postgresql):
    """503 with Retry-After while PostgreSQL is down, 200 once it is back,
    without restarting the process."""
    app = webtest.TestApp(first_app, extra_environ=ENVIRON)
    assert app.get('/healthz').json['database'] == 'ok'
    postgresql.pause()
    try:
        down = app.get('/healthz', status=503)
        assert down.json['status'] == 'down'
        assert down.json['database'] == 'unreachable'
        assert down.headers['Retry-After'] == '30'
        # a page: 503 and a Vietnamese page of its own (no layout without
        # the database), not a 500
        away = app.get('/co-quan-thads', status=503)
        assert away.headers['Retry-After'] == '5'
        assert 'Hệ thống đang bận' in away.text
    finally:
        postgresql.resume()
    # the pooled connections died with the server: the first request that
    # meets one is tried again on a fresh connection, and succeeds
    assert cuc_count(first_app) == 63
    back = app.get('/healthz')
    assert back.json == dict(back.json, status='ok', database='ok')


def test_postgresql_backup_restores_into_new_databases(
        first_app, postgresql, tmp_path, monkeypatch):
    """pg_dump of both databases (blobs are in them), restored with
    pg_restore into empty ones: a process started on those serves the
    same site."""
    from httttha.scripts.backup import backup, restore
    settings = first_app.registry.settings
    lines = backup(settings, str(tmp_path / 'backup'))
    assert [line.split(':')[0] for line in lines] == ['main', 'audit']
    for name in ('restored', 'restored_audit'):
        postgresql.createdb(name)
    cache = str(tmp_path / 'cache')
    environ = dict(production_environ(postgresql, cache),
                   HTTTHA_ZODB_URI=postgresql.uri('restored', cache + '/m'),
                   HTTTHA_AUDIT_URI=postgresql.uri('restored_audit',
                                                   cache + '/a'))
    restored = {'zodbconn.uri': environ['HTTTHA_ZODB_URI'],
                'zodbconn.uri.audit': environ['HTTTHA_AUDIT_URI']}
    assert len(restore(restored, str(tmp_path / 'backup'))) == 2
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    wsgi = main({}, **get_appsettings(PRODUCTION_INI))
    try:
        assert cuc_count(wsgi) == 63
    finally:
        close_app(wsgi)
