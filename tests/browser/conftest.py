"""The real application served by waitress, and Debian's chromium driven by
Playwright, for tests of what a person sees in a browser."""
import contextlib
import os
import shutil
import socket
import threading
import time

import pytest

from httttha import main

from ..conftest import close_app, make_settings

CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = [
    '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run',
    '--disable-quic',
]


def _wait_for_port(host, port, timeout=10.0):
    """Poll until the server accepts connections (bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError('the test server did not start on %s:%s'
                                   % (host, port))
            time.sleep(0.02)


@pytest.fixture(scope='session')
def live_server(template_db, tmp_path_factory):
    """Base URL of the app under waitress, on a copy of the template
    database (the browser tests share it: they only read or log in)."""
    with serve(template_db, tmp_path_factory.mktemp('browser')) as url:
        yield url


@pytest.fixture(scope='module')
def living_server(living_db, tmp_path_factory):
    """Base URL of the app under waitress on a copy of the living
    database (the demo dossiers), for one module of tests that change
    them, and the demo dossiers' codes (``services.demo``)."""
    from httttha.services.demo import demo_dossiers
    from ..conftest import open_template_root
    directory = tmp_path_factory.mktemp('browser-living')
    root, closer = open_template_root(living_db)
    try:
        codes = dict(demo_dossiers(root))
    finally:
        closer()
    with serve(living_db, directory) as url:
        yield url, codes


@contextlib.contextmanager
def serve(source, parent):
    """The app under waitress on a copy of the database in ``source``
    (made in ``parent``): its base URL while the block runs."""
    from waitress.server import create_server
    directory = str(parent / 'db')
    shutil.copytree(source, directory)
    for name in os.listdir(directory):
        # a copied lock file would make FileStorage refuse to open
        if name.endswith(('.lock', '.tmp')):
            os.remove(os.path.join(directory, name))
    wsgi = main({}, **make_settings(directory))
    server = create_server(wsgi, host='127.0.0.1', port=0, threads=4)
    port = int(server.effective_port)  # waitress may report it as a str
    thread = threading.Thread(target=server.run, name='waitress',
                              daemon=True)
    thread.start()
    try:
        _wait_for_port('127.0.0.1', port)
        yield 'http://127.0.0.1:%d' % port
    finally:
        server.close()
        # the loop ends once its last channel is gone; keep-alive
        # connections were dropped when the browser (torn down first) closed
        thread.join(timeout=5)
        server.task_dispatcher.shutdown()
        close_app(wsgi)


@pytest.fixture(scope='session')
def chromium():
    """Debian's chromium (never Playwright's own download): a failure, not
    a skip, when it is missing, so that no test is silently left out."""
    if not os.path.exists(CHROMIUM):
        pytest.fail('%s is missing: run `make test`, which installs '
                    'Debian\'s chromium for the browser tests.' % CHROMIUM,
                    pytrace=False)
    return CHROMIUM


@pytest.fixture(scope='session')
def browser(chromium, live_server):
    """The browser; it depends on the server so as to close first."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium,
                                    args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser, live_server):
    """A fresh browser profile (no cookies) per test."""
    context = browser.new_context(base_url=live_server, locale='vi-VN',
                                  viewport={'width': 1280, 'height': 900})
    context.set_default_timeout(10000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(scope='session')
def screenshot_dir(tmp_path_factory):
    """Screenshots for a person to look at, outside the repository."""
    return tmp_path_factory.mktemp('screenshots')


def log_in(page, login, password=None):
    """Log in through the staff login form (a demo user by default)."""
    from httttha.services.demo import DEMO_PASSWORD
    page.goto('/manage/@@login')
    page.fill('input[name=login]', login)
    page.fill('input[name=password]', password or DEMO_PASSWORD)
    page.click('[name="form.submitted"]')
    page.wait_for_load_state()
