"""The demo data: `make run`'s data step on a fresh database makes
dossiers of the three procedures in every state at the demo agencies and
the demo staff of every Cục, and a second run adds nothing; the living
test database is built from the same code."""
import os
import shutil

import pytest
import transaction

from httttha.scripts import demo_data, load_agencies
from httttha.services.demo import (
    DEMO_PASSWORD,
    demo_dossiers,
    dossier_plan,
    regional_logins,
)
from httttha.workflows.dossier import STATE_TITLES, petition_workflow, \
    request_workflow, state_of

from ..conftest import (
    AGENCIES,
    LIVING_BUILD_SECONDS,
    PROJECT,
    login,
    open_template_root,
)

#: the states of each procedure's workflow
STATES = {
    'HTTT01': set(request_workflow._states),
    'HTTT02': set(petition_workflow._states),
    'HTTT03': set(request_workflow._states) - {'in_processing'},
}
DEMO_AGENCIES = {'bd': 'chi-cuc-thads-ba-dinh', 'hn': 'cuc-thads-ha-noi',
                 'tc': 'thads'}


def dossiers_by_agency(root):
    """{agency name: {procedure: {state: count}}} of the demo dossiers."""
    from httttha.services.intake.lookup import dossier_by_code
    found = {}
    for key, code in demo_dossiers(root).items():
        dossier = dossier_by_code(root, code)
        by_state = found.setdefault(dossier.agency.__name__, {}).setdefault(
            dossier.procedure, {})
        by_state[state_of(dossier)] = by_state.get(state_of(dossier), 0) + 1
    return found


def assert_every_state(root):
    found = dossiers_by_agency(root)
    for name in ('chi-cuc-thads-ba-dinh', 'cuc-thads-ha-noi'):
        for procedure in ('HTTT01', 'HTTT02', 'HTTT03'):
            assert set(found[name][procedure]) == STATES[procedure], (
                name, procedure)
    assert set(found['thads']) == {'HTTT02'}
    assert set(found['thads']['HTTT02']) == STATES['HTTT02']
    # every state of the dossier workflow is shown somewhere
    shown = set().union(*(set(states) for by_proc in found.values()
                          for states in by_proc.values()))
    assert shown == set(STATE_TITLES)


def test_state_titles_cover_the_workflows():
    assert STATES['HTTT01'] | STATES['HTTT02'] == set(STATE_TITLES)


@pytest.fixture
def keep_logging():
    """The scripts configure logging from the ini (to the stderr of the
    moment, captured here): put the loggers back afterwards."""
    import logging
    names = (None, 'httttha', 'substanced')
    saved = [(logging.getLogger(n), list(logging.getLogger(n).handlers),
              logging.getLogger(n).level) for n in names]
    yield
    for logger, handlers, level in saved:
        logger.handlers[:] = handlers
        logger.setLevel(level)


@pytest.fixture
def development_ini(tmp_path, keep_logging):
    """etc/development.ini under a temporary directory: its database,
    mail queue and uploads go to that directory's ``var``."""
    etc = tmp_path / 'etc'
    etc.mkdir()
    shutil.copy(os.path.join(PROJECT, 'etc', 'development.ini'), etc)
    (tmp_path / 'var' / 'tmp').mkdir(parents=True)
    return str(etc / 'development.ini')


def test_data_step_of_make_run(development_ini, capsys):
    """What `make data` runs, on a fresh database, twice."""
    assert load_agencies.main([development_ini, AGENCIES]) == 0
    assert demo_data.main([development_ini]) == 0
    first = capsys.readouterr().out
    assert demo_data.main([development_ini]) == 0
    second = capsys.readouterr().out
    assert 'Đã tạo 150 tài khoản mẫu và %d hồ sơ mẫu' % len(
        dossier_plan()) in first
    assert 'Đã tạo 0 tài khoản mẫu và 0 hồ sơ mẫu' in second
    assert 'có %d hồ sơ mẫu.' % len(dossier_plan()) in second
    # the new logins are printed
    assert 'Tài khoản mẫu (mật khẩu %s):' % DEMO_PASSWORD in second
    for login_ in ('hotro.bd', 'quantri.tc', 'hotro.002', 'lanhdao.002',
                   'hotro.760', 'lanhdao.760'):
        assert '  %s ' % login_ in second
    directory = os.path.join(os.path.dirname(development_ini), '..', 'var')
    root, closer = open_template_root(directory)
    try:
        assert_every_state(root)
        assert len(demo_dossiers(root)) == len(dossier_plan())
        catalog = root['catalogs']['httttha']
        assert len(catalog['procedure'].any(
            ['HTTT01', 'HTTT02', 'HTTT03']).execute()) == len(dossier_plan())
    finally:
        closer()


def test_living_db_holds_every_state(living_db):
    root, closer = open_template_root(living_db)
    try:
        assert_every_state(root)
        logins = regional_logins(root)
        # an officer and a leader at one Chi cục of each of the 63 Cục
        assert len(logins) == 126
        assert {a.__parent__.kind for _l, a, _r in logins} == {'cuc'}
        assert len({a.__parent__.code for _l, a, _r in logins}) == 63
        users = root['principals']['users']
        assert all(login_ in users for login_, _a, _r in logins)
    finally:
        closer()
    print('living_db built in %.1f s' % LIVING_BUILD_SECONDS[0])


def test_living_app_shows_dossiers_to_staff(living_db, living_app):
    root, closer = open_template_root(living_db)
    try:
        made = dict(demo_dossiers(root))
    finally:
        closer()
    page = login(living_app, 'hotro.bd').maybe_follow()
    # the officer's queue: the new dossiers of Ba Đình, online and walk-in
    assert made['bd:HTTT01:online:submitted'] in page.text
    assert made['bd:HTTT01:counter:submitted'] in page.text
    assert made['hn:HTTT01:online:submitted'] not in page.text
    page = login(living_app, 'hotro.002').maybe_follow()
    assert page.request.path == (
        '/manage/thads/cuc-thads-ha-noi/chi-cuc-thads-hoan-kiem/'
        '@@ban-lam-viec')
