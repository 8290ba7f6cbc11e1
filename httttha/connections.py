"""Fixes for ZODB's ``Connection`` when the database is away.

``DB.open`` takes a connection from the pool and opens it; opening starts
a transaction, which RelStorage does by asking PostgreSQL.  When that
fails (the server restarted or is down) the exception leaves the
connection neither in the pool nor registered with its transaction
manager, yet still counted as open: the pool loses it, and closing the
database later fails (``KeyError`` in ``unregisterSynch``), which stops a
process that shuts down after an outage from closing its storages.

At the end of every transaction the connection also polls the database
for the next one (``afterCompletion``).  When the database has just gone
away, that raises after the response was made, in pyramid_zodbconn's
finished callback: the answer, even a 503 page, becomes waitress's 500.

``install()`` makes a failed open give the connection back to the pool
before the error goes on, so a request in an outage costs nothing once
the database is back, and lets a failed poll at the end of a transaction
pass with a warning: the next transaction polls again when it begins.
"""
import logging

from ZODB.Connection import Connection

log = logging.getLogger(__name__)

_open = Connection.open
_after_completion = Connection.afterCompletion


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


def _safe_after_completion(self, transaction):
    try:
        return _after_completion(self, transaction)
    except Exception as e:
        log.warning('the database could not be polled after a transaction '
                    '(%s); the next transaction polls again', type(e).__name__)


def install():
    """Replace ``Connection.open`` and ``afterCompletion`` (once)."""
    if Connection.open is not _safe_open:
        Connection.open = _safe_open
        Connection.afterCompletion = _safe_after_completion
