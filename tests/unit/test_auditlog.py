"""The audit log in small layers (``httttha.auditlog``): Substance D's
interface and numbering, concurrent additions merged, a write that stays
small, and the entries of Substance D's own log kept."""
import pickle

import pytest
import transaction
import ZODB
from substanced.audit import AuditLog as SubstancedAuditLog
from ZODB.FileStorage import FileStorage

from httttha.auditlog import AuditLog, ensure_auditlog


def test_entries_ids_and_newer_as_substance_d_numbers_them():
    ours, theirs = AuditLog(layer_size=3), SubstancedAuditLog(layer_size=3)
    for log in (ours, theirs):
        for i in range(8):
            log.add('ContentAdded', i % 2, n=i)
    assert [(g, i, e.oid) for g, i, e in ours] == \
        [(g, i, e.oid) for g, i, e in theirs]
    assert ours.latest_id() == theirs.latest_id() == (2, 1)
    assert len(ours) == 8
    assert [(g, i) for g, i, _e in ours.newer(1, 0)] == \
        [(g, i) for g, i, _e in theirs.newer(1, 0)]
    assert [e.oid for _g, _i, e in ours.newer(0, 0, oids=[1])] == [1, 1, 1, 1]
    assert [e.oid for _g, _i, e in ours.newer(0, 0, oids=1)] == [1, 1, 1, 1]
    # the oldest layers go
    small = AuditLog(max_layers=2, layer_size=2)
    for i in range(7):
        small.add('ContentAdded', None, n=i)
    assert [(g, i) for g, i, _e in small] == [(2, 0), (2, 1), (3, 0)]


def test_a_write_stays_small():
    log = AuditLog()
    for i in range(1000):
        log.add('ContentAdded', i, object_path='/thads/cuc/ho-so/%d' % i)
    layer = log.entries.layers[-1][1]
    assert len(pickle.dumps(layer.__getstate__())) < 20000


@pytest.fixture
def db(tmp_path):
    database = ZODB.DB(FileStorage(str(tmp_path / 'Data.fs')))
    yield database
    database.close()


def _two(db):
    first, second = (transaction.TransactionManager(),
                     transaction.TransactionManager())
    return (first, db.open(first)), (second, db.open(second))


@pytest.mark.parametrize('before', [1, 2])
def test_concurrent_additions_are_merged(db, before):
    """Two transactions add entries at once: to the same layer (1
    entry before), or each starting a new layer (2 before: full)."""
    (tm1, one), (tm2, two) = _two(db)
    one.root()['log'] = AuditLog(layer_size=2)
    for i in range(before):
        one.root()['log'].add('ContentAdded', None, n='before %d' % i)
    tm1.commit()
    two.sync()
    one.root()['log'].add('ContentAdded', None, n='one')
    two.root()['log'].add('ContentAdded', None, n='two')
    tm1.commit()
    tm2.commit()
    tm1.begin()
    log = one.root()['log']
    payloads = [e.payload for _g, _i, e in log]
    assert len(payloads) == before + 2
    assert '"one"' in payloads[-2] and '"two"' in payloads[-1]
    ids = [(g, i) for g, i, _e in log]
    assert ids == sorted(set(ids))           # unique, in order
    assert log.latest_id() == ids[-1]


def test_substance_d_log_is_replaced_with_its_entries(db, tmp_path):
    """A site whose audit database holds Substance D's log keeps its
    entries (evolve step; new sites get the layered log at once)."""
    audit_db = ZODB.DB(FileStorage(str(tmp_path / 'audit.fs')),
                       database_name='audit',
                       databases=db.databases)
    db.database_name = ''
    db.databases[''] = db
    try:
        tm = transaction.TransactionManager()
        conn = db.open(tm)
        root = conn.root()
        old = conn.get_connection('audit').root()['auditlog'] = \
            SubstancedAuditLog()
        old.add('ContentAdded', 5, object_path='/a')
        old.add('ACLModified', 6, object_path='/b')
        log = ensure_auditlog(root)
        assert isinstance(log, AuditLog)
        assert conn.get_connection('audit').root()['auditlog'] is log
        assert [(g, i, e.name, e.oid) for g, i, e in log] == [
            (0, 0, 'ContentAdded', 5), (0, 1, 'ACLModified', 6)]
        assert ensure_auditlog(root) is log
        tm.commit()
        conn.close()
    finally:
        audit_db.close()


def test_new_sites_get_the_layered_log(app_factory):
    app = app_factory()
    from pyramid.scripting import prepare
    from substanced.db import root_factory
    from substanced.util import get_auditlog
    env = prepare(registry=app.app.registry)
    try:
        root = root_factory(env['request'])
        assert isinstance(get_auditlog(root), AuditLog)
    finally:
        env['closer']()


def test_the_sdi_reads_it(app_factory):
    """The SDI's Auditing tab and its event stream show a submission."""
    from tests.conftest import ADMIN_PASSWORD, login
    from tests.functional.submission import submit_dossier
    app = app_factory(**{'httttha.captcha': 'false'})
    code = submit_dossier(app, 'HTTT02')
    login(app, 'admin', ADMIN_PASSWORD)
    page = app.get('/manage/@@auditing')
    # the event's name as people read it (issue 19), its data as it is
    assert 'Thêm nội dung' in page.text and code in page.text
    assert app.get('/manage/@@auditstream-sse').text.startswith('id: ')
    stream = app.get('/manage/@@auditstream-sse?all=1',
                     headers={'Last-Event-Id': '0-0'})
    assert 'event: ContentAdded' in stream.text
