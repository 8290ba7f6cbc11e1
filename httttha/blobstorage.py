"""A fix for ZODB's ``BlobStorage`` proxy under concurrent commits.

``file://…?blobstorage_dir=…`` URIs (zodburi) wrap the FileStorage in
``ZODB.blob.BlobStorage``, a proxy that keeps the blob files of the
transaction being committed in one list per storage (``dirty_oids``):
forgotten at ``tpc_finish``, deleted at ``tpc_abort``.  The proxy (ZODB
5 and 6) gets both wrong when several threads commit:

- ``tpc_finish`` forgets the files only after the FileStorage has
  released its commit lock.  A transaction of another thread that begins
  in that moment and aborts (a ``ConflictError``, which pyramid_retry
  then retries) deletes the files of the transaction that has just
  committed: its blobs are in the database and their files are gone
  (``POSKeyError: No blob file``), e.g. the upload of a citizen's draft,
  found missing when the application is confirmed, or a dossier's file.
- ``tpc_abort`` deletes the files listed even when the transaction
  aborted is not the one the storage is committing, i.e. the files of
  another thread's transaction in progress.

``install()`` replaces the two methods: only the transaction being
committed forgets or deletes the files, and it does so while it still
holds the storage's commit lock (at ``tpc_finish`` in the callback the
storage calls under its lock, at ``tpc_abort`` before the storage's own
abort releases it).
FileStorage's own blob support (``FileStorage(…, blob_dir=…)``) and
RelStorage do not use the proxy and are not affected.
"""
from ZODB.blob import BlobStorage


def _tpc_finish(self, transaction, f=None):
    def finish(tid):
        # called by the storage while it holds its commit lock, before
        # any other transaction can begin and store blob files
        try:
            if f is not None:
                f(tid)
        finally:
            self._blob_tpc_finish()
    return self._BlobStorage__storage.tpc_finish(transaction, finish)


def _tpc_abort(self, transaction):
    storage = self._BlobStorage__storage
    # only the transaction that holds the commit lock has stored files
    # (while it does, no other can become the storage's transaction), and
    # it deletes them before the storage's tpc_abort releases the lock
    if storage.tpc_transaction() is transaction:
        self._blob_tpc_abort()
    storage.tpc_abort(transaction)


def install():
    """Patch ``ZODB.blob.BlobStorage`` (once; idempotent)."""
    if BlobStorage.tpc_finish is not _tpc_finish:
        BlobStorage.tpc_finish = _tpc_finish
        BlobStorage.tpc_abort = _tpc_abort
