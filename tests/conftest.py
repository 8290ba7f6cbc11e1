"""Shared fixtures: a real FileStorage database with the whole agency tree
and the demo accounts, built once, and WebTest apps on copies of it."""
import datetime
import os
import re
import shutil
import socket
import time

import pytest
import time_machine
import transaction
import webtest
from pyramid.paster import get_appsettings

from httttha import main
from httttha.services.demo import DEMO_PASSWORD, create_demo_users
from httttha.services.administration.tree import load_tree, read_rows

HERE = os.path.dirname(__file__)
PROJECT = os.path.dirname(HERE)
AGENCIES = os.path.join(PROJECT, 'httttha', 'data', 'agencies.csv')
ADMIN_PASSWORD = 'Admin@2026'


def make_settings(directory, **extra):
    settings = get_appsettings(os.path.join(PROJECT, 'etc',
                                            'development.ini'))
    settings = dict(settings)
    settings.update({
        'zodbconn.uri': 'file://%s/Data.fs?blobstorage_dir=%s/blobs' % (
            directory, directory),
        'zodbconn.uri.audit': 'file://%s/audit.fs' % directory,
        'substanced.uploads_tempdir': directory,
        'substanced.initial_password': ADMIN_PASSWORD,
        'pyramid.reload_templates': 'false',
        'mail.host': '127.0.0.1',
        'mail.queue_path': os.path.join(directory, 'mail'),
        # the Host the tests send; security tests send another one
        'httttha.public_url': 'http://thads.example.com',
    })
    settings.update(extra)
    return settings


def close_app(wsgi_app):
    for db in wsgi_app.registry._zodb_databases.values():
        db.close()


@pytest.fixture(scope='session')
def template_db(tmp_path_factory):
    """A database with the agency tree and the demo users, built once."""
    directory = str(tmp_path_factory.mktemp('template'))
    app = main({}, **make_settings(directory))
    from substanced.db import root_factory
    from pyramid.scripting import prepare
    env = prepare(registry=app.registry)
    root = root_factory(env['request'])
    load_tree(root, read_rows(AGENCIES), app.registry)
    create_demo_users(root, app.registry, env['request'].localizer.translate)
    transaction.commit()
    env['closer']()
    close_app(app)
    return directory


def _factory_of(source, tmp_path, made):
    """Build WebTest apps, with settings overrides, each on a fresh copy
    of the database in ``source``."""
    def factory(**settings):
        directory = str(tmp_path / ('db%d' % len(made)))
        copy_db(source, directory)
        wsgi = main({}, **make_settings(directory, **settings))
        made.append(wsgi)
        return webtest.TestApp(wsgi, extra_environ={
            'HTTP_HOST': 'thads.example.com', 'REMOTE_ADDR': '127.0.0.1'})
    return factory


def copy_db(source, directory):
    shutil.copytree(source, directory)
    for name in os.listdir(directory):
        if name.endswith(('.lock', '.tmp')):
            os.remove(os.path.join(directory, name))


@pytest.fixture
def app_factory(template_db, tmp_path):
    """Build a WebTest app on a fresh copy of the template database."""
    made = []
    yield _factory_of(template_db, tmp_path, made)
    for wsgi in made:
        close_app(wsgi)


@pytest.fixture
def app(app_factory):
    return app_factory()


def login(app, name, password=DEMO_PASSWORD, follow=True):
    """Log in through the real form; return the response after it."""
    page = app.get('/manage/@@login')
    # the page of a logged-in user also holds the header's logout forms
    form = [f for f in page.forms.values() if 'login' in f.fields][0]
    form['login'] = name
    form['password'] = password
    response = form.submit('form.submitted')
    if follow and response.status_int == 302:
        response = response.follow()
    return response


def logout(app, relogin=False):
    """Log out as the header's button does (a POST with the CSRF token);
    return the response after it."""
    page = app.get('/manage/@@logout', params={'relogin': 1} if relogin
                   else {})
    if page.status_int == 302:      # nobody logged in
        return page
    form = page.forms['logout-form']
    return form.submit()


def flash_text(response):
    return ' '.join(re.sub(r'\s+', ' ', el.get_text()) for el in
                    response.html.select('#messages .alert'))


def open_root(app):
    """The ZODB root of a WebTest app's database (commit when done)."""
    from substanced.db import root_factory
    from pyramid.scripting import prepare
    env = prepare(registry=app.app.registry)
    return root_factory(env['request']), env['closer']


def open_template_root(directory):
    """Open the template database read-only: (root, closer)."""
    from ZODB import DB
    from ZODB.FileStorage import FileStorage
    storage = FileStorage(os.path.join(directory, 'Data.fs'), read_only=True,
                          blob_dir=os.path.join(directory, 'blobs'))
    db = DB(storage)
    conn = db.open()
    root = conn.root()['app_root']

    def closer():
        conn.close()
        db.close()
    return root, closer


@pytest.fixture
def receiver():
    """A fake case-management software listening on loopback."""
    from .fakes import Receiver
    receiver = Receiver().start()
    try:
        yield receiver
    finally:
        receiver.stop()


@pytest.fixture
def closed_port():
    """A port where nothing listens (bound, not listening: refused)."""
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


# -- the living database: the demo data with dossiers ----------------------

#: when the living database's dossiers are dated up to: a fixed moment,
#: so the data never depends on the machine's clock
LIVING_NOW = datetime.datetime(2026, 3, 16, 3, 0,
                               tzinfo=datetime.timezone.utc)
#: how long building ``living_db`` took, in seconds (its test reports it)
LIVING_BUILD_SECONDS = []


@pytest.fixture(scope='session')
def living_db(template_db, tmp_path_factory):
    """The template database with the full demo data (``services.demo``):
    the officer and leader of one Chi cục of every Cục, and dossiers of
    the three procedures in every state at Ba Đình, Hà Nội and the Tổng
    cục, dated up to ``LIVING_NOW``.  Built once."""
    from pyramid.scripting import prepare
    from substanced.db import root_factory
    from httttha.services.backoffice.periods import find_periods
    from httttha.services.demo import (create_demo_dossiers,
                                       create_demo_reports,
                                       create_regional_staff)
    started = time.time()
    directory = str(tmp_path_factory.mktemp('living') / 'db')
    copy_db(template_db, directory)
    app = main({}, **make_settings(directory))
    env = prepare(registry=app.registry)
    try:
        root = root_factory(env['request'])
        create_regional_staff(root, app.registry)
        create_demo_dossiers(root, app.registry, env['request'],
                             now=LIVING_NOW)
        create_demo_reports(root, app.registry, env['request'],
                            now=LIVING_NOW)
        # the demo history predates the period lock (Quy chế Điều 7),
        # whatever clock the first test that builds the template runs at;
        # tests of the lock move its start on the screen
        find_periods(root).since = datetime.date(
            LIVING_NOW.year, LIVING_NOW.month + 1, 1)
        transaction.commit()
    finally:
        transaction.abort()
        env['request']._process_finished_callbacks()
        env['closer']()
        close_app(app)
    LIVING_BUILD_SECONDS.append(time.time() - started)
    return directory


@pytest.fixture
def living_app_factory(living_db, tmp_path):
    """Build a WebTest app, with settings overrides, on a fresh copy of
    the living database."""
    made = []
    yield _factory_of(living_db, tmp_path, made)
    for wsgi in made:
        close_app(wsgi)


@pytest.fixture
def living_app(living_app_factory):
    """A WebTest app on a fresh copy of the living database."""
    return living_app_factory()


# -- the clock --------------------------------------------------------------
# Tests marked ``clock`` read dates (today, deadlines, reporting years): each
# runs on the machine's clock and again at each instant below, where the
# machine's (UTC) date and Vietnam's differ or a period turns over, so the
# suite passes at any hour.  The clock ticks on from the instant (ZODB's
# transaction ids must grow).
CLOCK_INSTANTS = {
    # 06:30 on Wednesday 11/03/2026 in Vietnam, still 10/03 in UTC
    'evening-utc': '2026-03-10T23:30:00+00:00',
    # 23:59 on 30/09/2026 in Vietnam: the reporting year's last minute
    'year-end': '2026-09-30T16:59:00+00:00',
    # 06:30 on 01/10/2026 in Vietnam: a new reporting year, 30/09 in UTC
    'new-year': '2026-09-30T23:30:00+00:00',
    # 06:30 on 01/01/2027 in Vietnam (a new calendar year: the working
    # calendar's years, notice numbers), 31/12/2026 in UTC
    'calendar-year': '2026-12-31T23:30:00+00:00',
    # 06:30 on Thursday 04/02/2027 in Vietnam, the first day of the Tết
    # holidays; Wednesday 03/02, the last working day before them, in UTC
    'tet-eve': '2027-02-03T23:30:00+00:00',
}


def pytest_generate_tests(metafunc):
    if metafunc.definition.get_closest_marker('clock') is not None:
        metafunc.parametrize('frozen_clock', [None] + list(CLOCK_INSTANTS),
                             ids=['machine'] + list(CLOCK_INSTANTS),
                             indirect=True)


@pytest.fixture(autouse=True)
def frozen_clock(request):
    """The instant a ``clock`` test runs at (None: the machine's clock).
    Autouse, so it starts before the test's databases and dossiers."""
    name = getattr(request, 'param', None)
    if name is None:
        yield None
        return
    at = datetime.datetime.fromisoformat(CLOCK_INSTANTS[name])
    with time_machine.travel(at, tick=True):
        yield at
