"""Retention of the audit trail: the sweep (``httttha-audit-sweep``, cron,
daily) indexes what waits in the journal and removes the entries older
than ``httttha.audit_retention_days``, a batch per transaction."""
import datetime

from .store import in_own_transaction, micros, utcnow

#: how long entries are kept by default (``httttha.audit_retention_days``)
RETENTION_DAYS = 3650


def retention_days(settings):
    return int(settings.get('httttha.audit_retention_days', RETENTION_DAYS))


def sweep(store, settings, now=None, limit=None):
    """Index what waits and remove up to ``limit`` entries older than the
    retention period; return (indexed, removed)."""
    indexed = store.index_pending()
    cutoff = (now or utcnow()) - datetime.timedelta(
        days=retention_days(settings))
    return indexed, store.expire(micros(cutoff), limit)


def sweep_all(registry, batch=50000, now=None):
    """Sweep in transactions of ``batch`` removals until none is left;
    return (indexed, removed)."""
    settings = registry.settings
    total_indexed = total_removed = 0
    while True:
        # a server's indexer may conflict with the first batch: retried
        done = in_own_transaction(registry, lambda store: sweep(
            store, settings, now, batch), attempts=3)
        if done is None:
            raise RuntimeError('the audit sweep failed (see the log)')
        total_indexed += done[0]
        total_removed += done[1]
        if done[1] < batch:
            return total_indexed, total_removed
