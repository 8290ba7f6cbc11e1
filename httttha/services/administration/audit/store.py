"""The audit trail's store, in the ``audit`` database: the journal where
requests write and the index that searches read (see the package's
docstring for why there are two)."""
import datetime
import logging
import threading
from collections import Counter

import transaction
from BTrees.LLBTree import LLBTree
from BTrees.LOBTree import LOBTree, LOTreeSet
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from ZODB.POSException import ConflictError

from ....auditlog import Layer
from ....vntime import VN

log = logging.getLogger(__name__)

#: the store's key in the audit database's root
ROOT_KEY = 'httttha_audit'
LAYER_SIZE = 20
#: a request that wrote entries indexes the journal after its response
#: once this many wait (``httttha.audit_index_batch``)
INDEX_BATCH = 50
#: past this many journal layers a writer indexes them itself (only bulk
#: scripts get there: a server indexes after its responses)
MAX_PENDING_LAYERS = 500
#: lowest bits of a key: entries of the same microsecond
SEQ_BITS = 10

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


# -- time: an entry's key is its time in microseconds << SEQ_BITS -----------

def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def micros(when):
    """Microseconds since the epoch of an aware datetime."""
    delta = when - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 1000000 + \
        delta.microseconds


def from_micros(value):
    return _EPOCH + datetime.timedelta(microseconds=value)


def day_of(us):
    """The Vietnamese day (ordinal) of a time in microseconds."""
    return from_micros(us).astimezone(VN).date().toordinal()


def day_start(day):
    """Microseconds at 00:00 in Vietnam of the date ``day``."""
    return micros(VN.localize(datetime.datetime.combine(
        day, datetime.time())).astimezone(datetime.timezone.utc))


def fold(text):
    return (text or '').strip().lower()


# -- the journal: where requests write --------------------------------------

class Journal(Persistent):
    """The layers not yet indexed (and the last indexed one), oldest
    first, as ``(generation, Layer)``: a request appends to the newest,
    and starts a new layer when it is full, dropping those the indexer
    has read entirely.  The layers are those of Substance D's log
    (``httttha.auditlog``): concurrent additions merge, the committed
    ones keeping their places (the indexer counts what it has read of
    a layer)."""

    def __init__(self, layer_size=LAYER_SIZE):
        self.layer_size = layer_size
        self.layers = [(0, Layer())]

    def push(self, item, indexed_generation=0):
        generation, layer = self.layers[-1]
        if len(layer.items) >= self.layer_size:
            layer = Layer()
            self.layers = [(g, l) for g, l in self.layers
                           if g >= indexed_generation] + [
                (generation + 1, layer)]
        layer.append(item)

    def since(self, generation, count):
        """``(generation, layer, start)`` of the layers from
        ``generation`` on, ``start`` the first item not yet read."""
        for gen, layer in self.layers:
            if gen >= generation:
                yield gen, layer, (count if gen == generation else 0)

    def _p_resolveConflict(self, old, committed, new):
        # both started a new layer (each on a layer it saw full): keep
        # new's after the committed ones, numbered on from them; a layer
        # either side dropped stays dropped (the indexer had read it)
        if old['layer_size'] != new['layer_size'] or \
                committed['layer_size'] != new['layer_size']:
            raise ConflictError('audit journal settings changed')
        known = old['layers'][-1][0]
        added = [layer for generation, layer in new['layers']
                 if generation > known]
        floor = max(committed['layers'][0][0], new['layers'][0][0])
        layers = [(g, l) for g, l in committed['layers'] if g >= floor]
        for layer in added:
            layers.append((layers[-1][0] + 1, layer))
        state = dict(committed)
        state['layers'] = layers
        return state


class IndexState(Persistent):
    """How far the indexer has read the journal: every layer before
    ``generation`` and the first ``count`` items of that one.  Written by
    the indexer alone."""
    generation = 0
    count = 0


class AuditStore(Persistent):
    """The journal and the index."""

    def __init__(self, layer_size=LAYER_SIZE):
        self.journal = Journal(layer_size)
        self.state = IndexState()
        self.entries = LOBTree()          # key -> entry tuple
        self.by_user = OOBTree()          # folded login -> LOTreeSet
        self.by_action = OOBTree()
        self.by_code = OOBTree()          # folded object code -> LOTreeSet
        self.by_agency = LOBTree()        # agency oid -> LOTreeSet
        self.sizes = OOBTree()            # (index name, value) -> count
        self.days = LLBTree()             # Vietnamese day ordinal -> count

    def push(self, item):
        """Append a journal item (a request's write)."""
        self.journal.push(item, self.state.generation)

    def pending(self):
        """The journal's items not yet indexed, oldest first."""
        state = self.state
        for _gen, layer, start in self.journal.since(state.generation,
                                                     state.count):
            yield from layer.items[start:]

    def indexes(self, item):
        """``(name, tree, value)`` of each index an item is in."""
        _us, login, agency, _addr, action, _oid, _kind, code = item[:8]
        if login:
            yield 'user', self.by_user, fold(login)
        yield 'action', self.by_action, action
        if code:
            yield 'code', self.by_code, fold(code)
        if agency is not None:
            yield 'agency', self.by_agency, agency

    def add(self, item, counts):
        """Index one journal item; return its key (after every key of
        the same microsecond: the order of the journal).  The counts
        change in ``counts`` (a Counter) until ``count``."""
        key = item[0] << SEQ_BITS
        while key in self.entries:
            key += 1
        self.entries[key] = item
        for name, tree, value in self.indexes(item):
            members = tree.get(value)
            if members is None:
                members = tree[value] = LOTreeSet()
            members.add(key)
            counts[name, value] += 1
        counts['day', day_of(item[0])] += 1
        return key

    def remove(self, key, counts):
        item = self.entries.pop(key)
        for name, tree, value in self.indexes(item):
            members = tree[value]
            members.remove(key)
            counts[name, value] -= 1
            if not members:
                del tree[value]
        counts['day', day_of(item[0])] -= 1

    def count(self, counts):
        """Apply the changes of ``add`` and ``remove`` to the counts (one
        write a count, not one an entry)."""
        for (name, value), step in counts.items():
            tree, key = (self.days, value) if name == 'day' else (
                self.sizes, (name, value))
            total = tree.get(key, 0) + step
            if total > 0:
                tree[key] = total
            else:
                tree.pop(key, None)
        counts.clear()

    def index_pending(self):
        """Move what waits in the journal into the index (the caller
        holds the indexer's role: one transaction at a time); return how
        many entries."""
        state = self.state
        counts = Counter()
        added = 0
        generation, read = state.generation, state.count
        for gen, layer, start in list(self.journal.since(generation, read)):
            for item in layer.items[start:]:
                self.add(item, counts)
                added += 1
            generation, read = gen, len(layer.items)
        self.count(counts)
        if (generation, read) != (state.generation, state.count):
            state.generation, state.count = generation, read
        return added

    def expire(self, before_us, limit=None):
        """Remove the indexed entries older than ``before_us``; return
        how many."""
        keys = list(self.entries.keys(
            max=(before_us << SEQ_BITS) - 1))[:limit]
        counts = Counter()
        for key in keys:
            self.remove(key, counts)
        self.count(counts)
        return len(keys)


def find_store(mapping):
    """The store in the audit database's root ``mapping``, or None."""
    return mapping.get(ROOT_KEY)


def ensure_store(mapping):
    store = mapping.get(ROOT_KEY)
    if store is None:
        store = mapping[ROOT_KEY] = AuditStore()
    return store


def database(registry):
    return getattr(registry, '_zodb_databases', {}).get('audit')


def connection(request):
    """The request's connection to the audit database, or None."""
    from pyramid_zodbconn import get_connection
    try:
        return get_connection(request, 'audit')
    except Exception:
        return None


def in_own_transaction(registry, work, attempts=1):
    """``work(store)`` in a transaction of its own on the audit database;
    its result, or None when it failed (logged; a ConflictError is tried
    again up to ``attempts`` times)."""
    db = database(registry)
    if db is None:
        return None
    for _attempt in range(attempts):
        manager = transaction.TransactionManager()
        try:
            conn = db.open(transaction_manager=manager)
        except Exception:
            # the database is away (a PostgreSQL restart): this runs after
            # a response or beside a request, which must not fail for it
            log.warning('the audit database cannot be opened',
                        exc_info=True)
            return None
        try:
            manager.begin()
            result = work(ensure_store(conn.root()))
            manager.commit()
            return result
        except ConflictError:
            manager.abort()
            log.info('audit transaction conflicted')
        except Exception:
            manager.abort()
            log.exception('audit transaction failed')
            return None
        finally:
            conn.close()
    return None


def write_apart(registry, items):
    """Append ``items`` to the journal in a transaction of their own."""
    def push(store):
        for item in items:
            store.push(item)
        return True
    if in_own_transaction(registry, push, attempts=5) is None:
        log.error('audit entries lost: %r', items)


# -- the indexer ---------------------------------------------------------------

_indexing = threading.Lock()


def batch_size(registry):
    return int(registry.settings.get('httttha.audit_index_batch',
                                     INDEX_BATCH))


def index_if_due(registry, force=False):
    """Index the journal in a transaction of its own when enough waits
    (one indexer per process at a time; a conflict with another
    process's indexer leaves the work to the next run).  Returns the
    number of entries indexed."""
    if not _indexing.acquire(blocking=force):
        return 0
    minimum = 1 if force else batch_size(registry)

    def index(store):
        if sum(1 for _i in store.pending()) < minimum:
            return 0
        return store.index_pending()
    try:
        return in_own_transaction(registry, index) or 0
    finally:
        _indexing.release()
