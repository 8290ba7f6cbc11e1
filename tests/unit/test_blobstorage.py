"""Blob files survive the transactions of other threads (``blobstorage``):
ZODB's ``BlobStorage`` proxy, which ``file://…?blobstorage_dir=…`` URIs
use, deleted the files of a transaction that had just committed when a
transaction of another thread began at that moment and aborted (a
``ConflictError``): the dossier, or the draft, kept its blob and lost its
bytes (``POSKeyError: No blob file``)."""
import threading

import pytest
import transaction
import zodburi
from ZODB import DB
from ZODB.blob import Blob, BlobStorage
from ZODB.Connection import TransactionMetaData
from ZODB.POSException import POSKeyError

from httttha.blobstorage import install


@pytest.fixture
def db(tmp_path):
    install()
    factory, kw = zodburi.resolve_uri(
        'file://%s/Data.fs?blobstorage_dir=%s/blobs' % (tmp_path, tmp_path))
    storage = factory()
    assert isinstance(storage, BlobStorage)    # the proxy is what we test
    database = DB(storage)
    yield database
    database.close()


def _store_blob(conn, tm, data):
    blob = Blob()
    with blob.open('w') as f:
        f.write(data)
    conn.root()['blob'] = blob
    return blob


def _read(db, name='blob'):
    tm = transaction.TransactionManager()
    conn = db.open(tm)
    try:
        with conn.root()[name].open('r') as f:
            return f.read()
    finally:
        tm.abort()
        conn.close()


def _abort_in_other_thread(db):
    """A transaction of another thread that begins and fails the way a
    ConflictError makes it fail: in its first phase, after tpc_begin."""
    def other():
        tm = transaction.TransactionManager()
        conn = db.open(tm)
        conn.root()['other'] = 1
        txn = tm.get()
        conn.tpc_begin(txn)
        conn.commit(txn)
        conn.tpc_abort(txn)
        tm.abort()
        conn.close()
    thread = threading.Thread(target=other)
    thread.start()
    thread.join(10)
    assert not thread.is_alive()


def test_an_abort_right_after_a_commit_keeps_its_blob(db):
    """Another thread's transaction aborts in the moment between the
    storage releasing its commit lock and the proxy forgetting the files
    of the transaction that committed."""
    base = db.storage._BlobStorage__storage
    real_finish = type(base).tpc_finish

    def finish_then_abort_elsewhere(self, *args, **kw):
        tid = real_finish(self, *args, **kw)     # the lock is released here
        _abort_in_other_thread(db)
        return tid
    tm = transaction.TransactionManager()
    conn = db.open(tm)
    _store_blob(conn, tm, b'the judgment')
    base.tpc_finish = finish_then_abort_elsewhere.__get__(base)
    try:
        tm.commit()
    finally:
        del base.tpc_finish
    conn.close()
    assert _read(db) == b'the judgment'


def test_aborting_another_transaction_keeps_the_files_in_progress(db):
    """tpc_abort of a transaction the storage is not committing (it
    failed before reaching this storage) leaves the files of the one in
    progress alone."""
    tm = transaction.TransactionManager()
    conn = db.open(tm)
    _store_blob(conn, tm, b'in progress')
    txn = tm.get()
    conn.tpc_begin(txn)
    conn.commit(txn)          # the blob file is in place, not committed
    # never began on this storage
    db.storage.tpc_abort(TransactionMetaData())
    conn.tpc_vote(txn)
    conn.tpc_finish(txn)
    tm.abort()
    conn.close()
    assert _read(db) == b'in progress'


def test_an_aborted_transaction_still_removes_its_own_files(db):
    tm = transaction.TransactionManager()
    conn = db.open(tm)
    _store_blob(conn, tm, b'never committed')
    txn = tm.get()
    conn.tpc_begin(txn)
    conn.commit(txn)
    dirty = list(db.storage.dirty_oids)
    assert len(dirty) == 1
    conn.tpc_abort(txn)
    tm.abort()
    conn.close()
    assert db.storage.dirty_oids == []
    oid, serial = dirty[0]
    with pytest.raises(POSKeyError):
        db.storage.loadBlob(oid, serial)
