"""The audit trail's store over time (issue 15, C5): the retention sweep
run as cron runs it, the evolve step of a site made before the store,
and the order of entries written a few milliseconds apart, whether they
wait in the journal or are indexed."""
import datetime
import io
import itertools
import os
import re
from contextlib import redirect_stdout

import time_machine
import transaction
import webtest
from substanced.evolution import EvolutionManager
from substanced.util import get_acl, set_acl

from httttha import main
from httttha.permissions import VIEW_AUDIT
from httttha.vntime import VN
from httttha.services.administration import audit
from httttha.scripts import audit_sweep
from httttha.services.administration.audit.store import AuditStore, \
    ROOT_KEY, SEQ_BITS, day_of, micros

from ..conftest import close_app, login, logout, make_settings, open_root
from .test_admin_audit import HANOI, NOW, search

DAY = datetime.timedelta(days=1)


def _directory(app):
    uri = app.app.registry.settings['zodbconn.uri.audit']
    return os.path.dirname(uri[len('file://'):])


def _reopen(directory, **settings):
    wsgi = main({}, **make_settings(directory, **settings))
    return webtest.TestApp(wsgi, extra_environ={
        'HTTP_HOST': 'thads.example.com', 'REMOTE_ADDR': '127.0.0.1'})


def _ini(directory, **settings):
    """An ini file of the application on ``directory`` (as cron's)."""
    path = os.path.join(directory, 'sweep.ini')
    lines = ['[app:main]', 'use = call:httttha:main']
    for name, value in sorted(make_settings(directory, **settings).items()):
        if name not in ('here', '__file__'):
            lines.append('%s = %s' % (name, str(value).replace('%', '%%')))
    with open(path, 'w') as ini:
        ini.write('\n'.join(lines) + '\n')
    return path


def _assert_consistent(store):
    """Every index and count holds exactly the entries stored."""
    expected, days = {}, {}
    for key, item in store.entries.items():
        for name, _tree, value in store.indexes(item):
            expected.setdefault((name, value), set()).add(key)
        days[day_of(item[0])] = days.get(day_of(item[0]), 0) + 1
    found = {(name, value): set(members)
             for name, tree in (('user', store.by_user),
                                ('action', store.by_action),
                                ('code', store.by_code),
                                ('agency', store.by_agency))
             for value, members in tree.items()}
    assert found == expected
    assert dict(store.sizes.items()) == {
        pair: len(keys) for pair, keys in expected.items()}
    assert dict(store.days.items()) == days


def test_sweep_removes_what_is_older_than_the_retention(living_app_factory):
    """Entries older than ``httttha.audit_retention_days`` go, from the
    entries and from every index; newer ones stay and are indexed."""
    retention = {'httttha.audit_retention_days': '30'}
    app = living_app_factory(**retention)
    registry = app.app.registry
    with time_machine.travel(NOW - 40 * DAY, tick=True):
        login(app, 'hotro.bd', 'Sai@mat-khau1')
        assert audit.index_if_due(registry, force=True) >= 1
    with time_machine.travel(NOW - 10 * DAY, tick=True):
        login(app, 'hotro.bd', 'Sai@mat-khau1')     # waits in the journal
    with time_machine.travel(NOW, tick=True):
        login(app, 'quantri.hn')
        rows, total, _p = search(app, hanh_dong='login.failure', tu_ngay='',
                                 den_ngay='')
        assert [r['Người dùng'] for r in rows] == ['hotro.bd'] * 2
        directory = _directory(app)
        close_app(app.app)
        out = io.StringIO()
        with redirect_stdout(out):
            assert audit_sweep.main([_ini(directory, **retention)]) == 0
        said = re.search(r'(\d+) mục được lập chỉ mục, (\d+) mục quá 30 '
                         r'ngày đã xóa\.', out.getvalue())
        assert said and int(said.group(1)) >= 2 and int(said.group(2)) >= 1
        app = _reopen(directory, **retention)
        try:
            login(app, 'quantri.hn')
            rows, total, _p = search(app, hanh_dong='login.failure',
                                     tu_ngay='', den_ngay='')
            assert total == 1
            assert rows[0]['Thời gian'].startswith('08/06/2027')
            old_day = (NOW - 40 * DAY).strftime('%d/%m/%Y')
            rows, total, _p = search(app, tu_ngay=old_day, den_ngay=old_day)
            assert (rows, total) == ([], 0)
            root, closer = open_root(app)
            try:
                store = audit.find_store(audit.audit_root(root))
                # the sweep indexed what waited: only the login since
                assert [(i[1], i[4]) for i in store.pending()] == [
                    ('quantri.hn', 'login.success')]
                assert len(store.by_action['login.failure']) == 1
                cutoff = micros(NOW - 30 * DAY) << SEQ_BITS
                assert min(store.entries.keys()) >= cutoff
                assert day_of(micros(NOW - 40 * DAY)) not in store.days
                _assert_consistent(store)
            finally:
                closer()
        finally:
            close_app(app.app)


def test_evolve_step_makes_the_store_and_lets_admins_read_it(
        living_app_factory):
    """A site made before the audit trail: no store in the audit
    database, agency ACLs without VIEW_AUDIT, and the step unfinished.
    Substance D's evolve runs the step: the store is there, the agency
    administrators open the screen, and what is recorded is found."""
    with time_machine.travel(NOW, tick=True):
        app = living_app_factory()
        registry = app.app.registry
        root, closer = open_root(app)
        try:
            for agency in root['thads'].walk():
                set_acl(agency, [(action, who, _without_audit(perms))
                                 for action, who, perms in get_acl(agency)],
                        registry=registry)
            manager = EvolutionManager(root, registry)
            name = [n for n in manager.get_finished_steps()
                    if n.endswith('.add_audit_store')]
            assert name == ['httttha.services.administration.audit.'
                            'add_audit_store']
            manager.remove_finished_step(name[0])
            transaction.commit()
        finally:
            closer()
        login(app, 'quantri.hn')
        app.get(HANOI + '/@@nhat-ky', status=403)
        logout(app)
        root, closer = open_root(app)
        try:
            del audit.audit_root(root)[ROOT_KEY]
            transaction.commit()
            assert audit.find_store(audit.audit_root(root)) is None
            manager = EvolutionManager(root, registry)
            assert [n for n, _f in manager.get_unfinished_steps()] == name
            manager.evolve(commit=True)
            assert list(manager.get_unfinished_steps()) == []
            assert isinstance(audit.find_store(audit.audit_root(root)),
                              AuditStore)
        finally:
            closer()
        login(app, 'hotro.bd', 'Sai@mat-khau1')
        login(app, 'quantri.hn')
        rows, total, _p = search(app, hanh_dong='login.failure')
        assert [r['Người dùng'] for r in rows] == ['hotro.bd']
        logout(app)
        login(app, 'quantri.tc')
        rows, _t, _p = search(app, path='/manage/thads',
                              hanh_dong='login.failure')
        assert [r['Người dùng'] for r in rows] == ['hotro.bd']


def _without_audit(permissions):
    if isinstance(permissions, (list, tuple)):
        return [p for p in permissions if p != VIEW_AUDIT]
    return permissions


# -- the order of entries ------------------------------------------------------

def _item(login, when):
    return (micros(when), login, None, '10.0.0.1', 'login.failure', None,
            '', '', '', None)


def test_entries_a_few_ms_apart_list_newest_first(living_app_factory):
    """A request that took its time commits an older entry after a newer
    one was indexed; another writes in the same microsecond as an indexed
    one: the screen lists them by time, newest first, and keeps the order
    once they are all indexed."""
    with time_machine.travel(NOW, tick=True):
        app = living_app_factory()
        registry = app.app.registry
        t0 = audit.utcnow() - datetime.timedelta(seconds=5)
        ms = datetime.timedelta(milliseconds=1)
        audit.write_apart(registry, [_item('thu-tu-b', t0 + 3 * ms)])
        audit.write_apart(registry, [_item('thu-tu-d', t0 + 6 * ms)])
        assert audit.index_if_due(registry, force=True) == 2
        audit.write_apart(registry, [
            _item('thu-tu-e', t0 + 7 * ms),
            _item('thu-tu-a', t0),              # older than the indexed
            _item('thu-tu-c', t0 + 3 * ms),     # the microsecond of b
            _item('thu-tu-c2', t0 + 3 * ms),
        ])
        expected = ['thu-tu-e', 'thu-tu-d', 'thu-tu-c2', 'thu-tu-c',
                    'thu-tu-b', 'thu-tu-a']
        login(app, 'quantri.tc')
        rows, total, _p = search(app, path='/manage/thads',
                                 hanh_dong='login.failure')
        assert [r['Người dùng'] for r in rows] == expected
        assert audit.index_if_due(registry, force=True) >= 4
        rows, total, _p = search(app, path='/manage/thads',
                                 hanh_dong='login.failure')
        assert [r['Người dùng'] for r in rows] == expected


def test_every_page_of_a_mixed_result_is_in_order():
    """Pages of any size from any start, over indexed entries and
    waiting ones interleaved (and equal times), are the slices of the
    order the entries keep once indexed; with and without filters."""
    store = AuditStore(layer_size=3)
    base = NOW
    times = [base + datetime.timedelta(milliseconds=m) for m in (
        5, 1, 9, 3, 3, 7, 0, 8, 3, 2, 6, 4)]
    for number, when in enumerate(times[:6]):
        store.push(_item('u%d' % number, when))
    store.index_pending()
    for number, when in enumerate(times[6:], 6):
        store.push(_item('u%d' % number, when))
    queries = [audit.Query(), audit.Query(action='login.failure'),
               audit.Query(base.date(), base.date())]
    before = [[e.user for e in audit.search(store, q, 0, 100)[1]]
              for q in queries]
    assert before[0] == before[1] == before[2]
    for query in queries:
        result = audit.Result(store, query)
        assert result.total == 12
        for start, size in itertools.product(range(14), range(1, 6)):
            users = [e.user for e in result.entries(start, size)]
            assert users == before[0][start:start + size], (start, size)
    store.index_pending()
    after = [e.user for e in audit.search(store, audit.Query(), 0, 100)[1]]
    assert after == before[0]
    assert after[:4] == ['u2', 'u7', 'u5', 'u10']
    # equal times: the later written first (u8 after u4 after u3)
    assert after[6:9] == ['u8', 'u4', 'u3']


def test_pages_of_a_period_of_whole_days_read_only_what_they_show():
    """A period of days counts each day from the days' counts and pages
    back from the newest entry of a day: every page of a period over
    three days of a store with entries before and after it is the slice
    of those entries, newest first."""
    store = AuditStore(layer_size=4)
    days = [NOW + datetime.timedelta(days=d) for d in range(-1, 4)]
    for day_number, day in enumerate(days):
        for n in range(5):
            store.push(_item('d%d-%d' % (day_number, n),
                             day + datetime.timedelta(minutes=n)))
    store.index_pending()
    first, last = days[1].astimezone(VN).date(), \
        days[3].astimezone(VN).date()
    result = audit.Result(store, audit.Query(first, last))
    expected = ['d%d-%d' % (d, n) for d in (3, 2, 1) for n in range(4, -1,
                                                                     -1)]
    assert result.total == len(expected) == 15
    for start, size in itertools.product(range(16), (1, 4, 7)):
        assert [e.user for e in result.entries(start, size)] == \
            expected[start:start + size], (start, size)
