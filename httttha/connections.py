"""A fix for ZODB's ``Connection.open`` when the database is away.

``DB.open`` takes a connection from the pool and opens it; opening starts
a transaction, which RelStorage does by asking PostgreSQL.  When that
fails (the server restarted or is down) the exception leaves the
connection neither in the pool nor registered with its transaction
manager, yet still counted as open: the pool loses it, and closing the
database later fails (``KeyError`` in ``unregisterSynch``), which stops a
process that shuts down after an outage from closing its storages.

``install()`` makes a failed open give the connection back to the pool
before the error goes on, so a request in an outage costs nothing once
the database is back.
"""
import logging

from ZODB.Connection import Connection

log = logging.getLogger(__name__)

_open = Connection.open


def _safe_open(self, transaction_manager=None, delegate=True):
    try:
        return _open(self, transaction_manager, delegate)
    except BaseException:
        # not registered: close must not unregister it
        self.transaction_manager = None
        try:
            self.close()
        except Exception:
            log.warning('a connection that failed to open could not be '
                        'returned to the pool', exc_info=True)
        raise


def install():
    """Replace ``Connection.open`` (once)."""
    if Connection.open is not _safe_open:
        Connection.open = _safe_open
