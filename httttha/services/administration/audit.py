"""Nhật ký hệ thống (C5): one append-only audit trail of who did what,
where and from which address.

The store lives in the ``audit`` database (its own URI, so that tens of
millions of entries never weigh on the main database's cache, packing or
backups), in two parts:

* the **journal**, where requests write.  Entries go into small
  persistent layers (``LAYER_SIZE`` each) that merge concurrent additions
  (``_p_resolveConflict``), as ``httttha/auditlog.py`` does for Substance
  D's log: a request touches the newest layer only (and the list of
  layers when it starts a new one), so two requests writing entries at
  once never conflict, in one process or in many (RelStorage).
* the **index**, written by one indexer at a time in a transaction of
  its own, never by a request's: the entries keyed by time
  (microseconds << 10, so keys sort by time and page newest first), the
  sorted key sets of each user, action, object code and agency, and
  counts per day.  A request that wrote entries runs the indexer after
  its response when ``INDEX_BATCH`` entries wait (one at a time per
  process; two processes indexing at once conflict with each other only,
  and the loser leaves the work to the next run).

A search intersects the small key sets of its filters within the key
range of its period, and adds the entries still waiting in the journal
(filtered one by one: a few dozen), so what was written is found at
once.  ``sweep`` (``httttha-audit-sweep``, daily from cron) indexes what
waits and removes entries older than ``httttha.audit_retention_days``.
"""
import argparse
import datetime
import logging
import threading
from collections import OrderedDict, namedtuple

import transaction
from BTrees.LLBTree import LLBTree
from BTrees.LOBTree import LOBTree
from BTrees.OOBTree import OOBTree
from BTrees.LOBTree import LOTreeSet, LOSet, intersection, multiunion
from persistent import Persistent
from pyramid.events import subscriber
from substanced.event import subscribe_root_added
from ZODB.POSException import ConflictError

from ... import _
from ...vntime import VN
from ...workflows.dossier import DossierTransitioned

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
#: how long entries are kept by default (``httttha.audit_retention_days``)
RETENTION_DAYS = 3650
#: lowest bits of a key: entries of the same microsecond
SEQ_BITS = 10

#: action -> title shown on the screen and in the export
ACTIONS = OrderedDict((
    ('login.success', _('audit-login.success', default='Login')),
    ('login.failure', _('audit-login.failure', default='Failed login')),
    ('login.locked', _('audit-login.locked', default='Login refused: '
                       'account locked')),
    ('login.throttled', _('audit-login.throttled', default='Login refused: '
                          'too many failures from the address')),
    ('access.denied', _('audit-access.denied', default='Access denied')),
    ('dossier.submit', _('audit-dossier.submit', default='Dossier submitted')),
    ('dossier.transition', _('audit-dossier.transition',
                             default='Dossier state changed')),
    ('dossier.read', _('audit-dossier.read', default='Dossier opened')),
    ('dossier.file', _('audit-dossier.file', default='Dossier file opened')),
    ('calendar.add', _('audit-calendar.add',
                       default='Working calendar: day added')),
    ('calendar.remove', _('audit-calendar.remove',
                          default='Working calendar: day removed')),
    ('agency.add', _('audit-agency.add', default='Agency added')),
    ('agency.edit', _('audit-agency.edit', default='Agency edited')),
    ('agency.move', _('audit-agency.move', default='Agency moved')),
    ('agency.delete', _('audit-agency.delete', default='Agency deleted')),
    ('department.add', _('audit-department.add', default='Department added')),
    ('department.edit', _('audit-department.edit',
                          default='Department edited')),
    ('department.delete', _('audit-department.delete',
                            default='Department deleted')),
    ('user.add', _('audit-user.add', default='User added')),
    ('user.edit', _('audit-user.edit', default='User edited')),
    ('user.lock', _('audit-user.lock', default='User locked')),
    ('user.unlock', _('audit-user.unlock', default='User unlocked')),
    ('user.delete', _('audit-user.delete', default='User deleted')),
    ('user.roles', _('audit-user.roles', default='Roles changed')),
    ('user.reset-password', _('audit-user.reset-password',
                              default='Password reset by an administrator')),
    ('codelist.add', _('audit-codelist.add', default='Code list entry added')),
    ('codelist.edit', _('audit-codelist.edit',
                        default='Code list entry edited')),
    ('codelist.activate', _('audit-codelist.activate',
                            default='Code list entry activated')),
    ('codelist.deactivate', _('audit-codelist.deactivate',
                              default='Code list entry deactivated')),
    ('codelist.delete', _('audit-codelist.delete',
                          default='Code list entry deleted')),
    ('period.grant', _('audit-period.grant',
                       default='Closed period: grant given')),
    ('period.revoke', _('audit-period.revoke',
                        default='Closed period: grant revoked')),
    ('period.change', _('audit-period.change',
                        default='Change in a closed period under a grant')),
))

#: what an entry holds; ``key`` orders entries by time
Entry = namedtuple('Entry', 'key when user agency address action '
                   'target_oid target_type target_code target_title details')


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def micros(when):
    """Microseconds since the epoch of an aware datetime."""
    delta = when - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    return (delta.days * 86400 + delta.seconds) * 1000000 + \
        delta.microseconds


def from_micros(value):
    return datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + \
        datetime.timedelta(microseconds=value)


def day_of(us):
    """The Vietnamese day (ordinal) of a time in microseconds."""
    return from_micros(us).astimezone(VN).date().toordinal()


def day_start(day):
    """Microseconds at 00:00 in Vietnam of the date ``day``."""
    return micros(VN.localize(datetime.datetime.combine(
        day, datetime.time())).astimezone(datetime.timezone.utc))


# -- the journal: where requests write --------------------------------------

class Layer(Persistent):
    """Up to about ``LAYER_SIZE`` journal entries, in the order added."""

    def __init__(self):
        self.items = []

    def append(self, item):
        self.items.append(item)
        self._p_changed = True

    def _p_resolveConflict(self, old, committed, new):
        # entries are only ever added: the new ones go after the
        # committed ones, which keep their places (the indexer counts
        # what it has read of a layer)
        before = len(old['items'])
        if len(committed['items']) < before or len(new['items']) < before:
            raise ConflictError('audit journal layer shortened')
        state = dict(committed)
        state['items'] = committed['items'] + new['items'][before:]
        return state


class Journal(Persistent):
    """The layers not yet indexed (and the last indexed one), oldest
    first, as ``(generation, Layer)``: a request appends to the newest,
    and starts a new layer when it is full, dropping those the indexer
    has read entirely."""

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
    """The journal and the index (see the module's docstring)."""

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


def find_store(audit_root):
    return audit_root.get(ROOT_KEY)


def ensure_store(audit_root):
    store = audit_root.get(ROOT_KEY)
    if store is None:
        store = audit_root[ROOT_KEY] = AuditStore()
    return store


def _fold(text):
    return (text or '').strip().lower()


def _plain(value, depth=0):
    """Plain values only (the entry keeps no object of the main database,
    nor anything that would need its code to be read)."""
    if value is None or isinstance(value, (bool, int, float, str,
                                           datetime.date)):
        return value
    if depth > 4:
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(v, depth + 1) for v in value]
        return sorted(items, key=str) if isinstance(
            value, (set, frozenset)) else items
    return str(value)


# -- writing -----------------------------------------------------------------

def _agency_of(resource):
    """The agency a resource belongs to: itself for an agency, the user's
    for a staff account, else the nearest agency above it."""
    if resource is None:
        return None
    if getattr(resource, 'is_agency', False):
        return resource
    if getattr(resource, 'agency_oid', None) is not None and hasattr(
            resource, 'check_password'):
        from ..accounts.logins import user_agency
        try:
            return user_agency(resource)
        except Exception:
            return None
    agency = getattr(resource, 'agency', None)
    if getattr(agency, 'is_agency', False):
        return agency
    node = getattr(resource, '__parent__', None)
    while node is not None:
        if getattr(node, 'is_agency', False):
            return node
        node = getattr(node, '__parent__', None)
    return None


def _oid(resource):
    from substanced.util import get_oid
    return get_oid(resource, None) if resource is not None else None


def _describe(request, target):
    """(oid, type, code, title) of a target, read from it now."""
    if target is None:
        return None, '', '', ''
    try:
        kind = request.registry.content.typeof(target) or ''
    except Exception:
        kind = ''
    kind = kind or type(target).__name__
    if hasattr(target, 'check_password'):       # a staff account
        code = target.__name__ or ''
        title = getattr(target, 'full_name', '') or code
    else:
        code = getattr(target, 'code', None) or getattr(
            target, '__name__', '') or ''
        title = getattr(target, 'title', '') or ''
    return _oid(target), kind, str(code), str(title)


def make_item(request, action, target=None, before=None, after=None,
              agency=None, user=None, when=None, **details):
    """The journal item of an entry (a plain tuple)."""
    acting = request.user if user is None else user
    if isinstance(acting, str):
        login, acting = acting, None
    else:
        login = getattr(acting, '__name__', '') or ''
    if agency is None:
        agency = _agency_of(target)
    if agency is None and acting is not None:
        agency = _agency_of(acting)
    oid, kind, code, title = _describe(request, target)
    extra = dict(details)
    if before is not None:
        extra['before'] = before
    if after is not None:
        extra['after'] = after
    return (micros(when or utcnow()), login,
            agency if isinstance(agency, int) else _oid(agency),
            request.client_addr or '', action, oid, kind, code, title,
            _plain(extra) or None)


def _audit_connection(request):
    from pyramid_zodbconn import get_connection
    try:
        return get_connection(request, 'audit')
    except Exception:
        return None


def _database(registry):
    return getattr(registry, '_zodb_databases', {}).get('audit')


def record(request, action, target=None, before=None, after=None,
           agency=None, user=None, **details):
    """Append one entry to the audit trail.

    ``action``: a dotted name from ``ACTIONS`` (``'user.roles'``,
    ``'agency.move'``, ``'dossier.transition'``, ``'login.failure'``…).
    ``target``: the resource acted on (dossier, agency, department, user,
    code-list entry, grant) or None; the entry keeps its oid, content type
    and code or name, never the object.
    ``before``/``after``: dicts of plain values (strings, numbers, dates,
    lists of those) for changes.
    ``agency``: the agency whose administrators may read the entry;
    defaults to the target's agency, else the acting user's.
    ``user``: the acting user (default ``request.user``; a login name for
    failed logins).  ``details``: further plain values.
    The client address and the time are taken here.  Never raises on a
    store conflict: concurrent requests append without conflicting."""
    try:
        item = make_item(request, action, target, before, after, agency,
                         user, **details)
    except Exception:
        log.exception('audit entry %s could not be made', action)
        return
    if getattr(request, 'exception', None) is not None:
        # an exception view answers (a denial): the request's transaction
        # is aborted, so the entry is written in a transaction of its own
        write_apart(request.registry, [item])
    else:
        conn = _audit_connection(request)
        if conn is None:
            log.warning('no audit database: %s not recorded', action)
            return
        store = ensure_store(conn.root())
        store.journal.push(item, store.state.generation)
        if len(store.journal.layers) > MAX_PENDING_LAYERS:
            # nobody indexes (a bulk script without finished callbacks):
            # this transaction does, rather than let the journal grow
            index_pending(store)
    _index_after(request)


def write_apart(registry, items):
    """Append ``items`` to the journal in a transaction of their own."""
    db = _database(registry)
    if db is None:
        return
    for attempt in range(5):
        manager = transaction.TransactionManager()
        conn = db.open(transaction_manager=manager)
        try:
            manager.begin()
            store = ensure_store(conn.root())
            for item in items:
                store.journal.push(item, store.state.generation)
            manager.commit()
            return
        except ConflictError:
            manager.abort()
        except Exception:
            manager.abort()
            log.exception('audit entries could not be written')
            return
        finally:
            conn.close()
    log.error('audit entries lost after repeated conflicts: %r', items)


def denied(request, exc=None):
    """A refused request of a logged-in user: the path and, when
    Pyramid's security refused it, the permission (anonymous visitors are
    sent to the login form, and failed logins have entries of their own)."""
    if getattr(request, 'user', None) is None:
        return
    result = getattr(exc, 'result', None)
    permission = getattr(result, 'permission', None)
    target = getattr(request, 'context', None)
    if target is exc or target is None or getattr(
            target, '__name__', None) is None:
        target = None
    details = {'path': request.path_info[:500], 'method': request.method}
    if permission:
        details['permission'] = str(permission)
    try:
        # the entry belongs to the agency of the one refused
        record(request, 'access.denied', target,
               agency=_agency_of(request.user), **details)
    except Exception:
        log.exception('a denial could not be recorded')


# -- indexing ----------------------------------------------------------------

_indexing = threading.Lock()


def _index_after(request):
    if request.__dict__.get('_httttha_audit_index'):
        return
    request.__dict__['_httttha_audit_index'] = True
    request.add_finished_callback(
        lambda req: index_if_due(req.registry))


def batch_size(registry):
    return int(registry.settings.get('httttha.audit_index_batch',
                                     INDEX_BATCH))


def pending(store):
    """The journal's items not yet indexed, oldest first."""
    state = store.state
    for _gen, layer, start in store.journal.since(state.generation,
                                                  state.count):
        for item in layer.items[start:]:
            yield item


def index_if_due(registry, force=False):
    """Index the journal in a transaction of its own when enough waits
    (one indexer per process at a time; a conflict with another
    process's indexer leaves the work to the next run).  Returns the
    number of entries indexed."""
    db = _database(registry)
    if db is None or not _indexing.acquire(blocking=force):
        return 0
    try:
        manager = transaction.TransactionManager()
        conn = db.open(transaction_manager=manager)
        try:
            manager.begin()
            store = find_store(conn.root())
            if store is None:
                return 0
            waiting = sum(1 for _i in pending(store))
            if not waiting or (not force and waiting < batch_size(registry)):
                return 0
            count = index_pending(store)
            manager.commit()
            return count
        except ConflictError:
            manager.abort()
            log.info('audit indexing conflicted with another indexer')
            return 0
        except Exception:
            manager.abort()
            log.exception('audit indexing failed')
            return 0
        finally:
            conn.close()
    finally:
        _indexing.release()


def _add_to(tree, value, key, store, name):
    members = tree.get(value)
    if members is None:
        members = tree[value] = LOTreeSet()
    if members.add(key):
        size_key = (name, value)
        store.sizes[size_key] = store.sizes.get(size_key, 0) + 1


def add_entry(store, item):
    """Index one journal item; return its key."""
    us = item[0]
    key = us << SEQ_BITS
    while key in store.entries:
        key += 1
    store.entries[key] = item
    _, login, agency, _addr, action, _oid, _kind, code = item[:8]
    if login:
        _add_to(store.by_user, _fold(login), key, store, 'user')
    _add_to(store.by_action, action, key, store, 'action')
    if code:
        _add_to(store.by_code, _fold(code), key, store, 'code')
    if agency is not None:
        _add_to(store.by_agency, agency, key, store, 'agency')
    day = day_of(us)
    store.days[day] = store.days.get(day, 0) + 1
    return key


def index_pending(store):
    """Move what waits in the journal into the index (the caller holds
    the indexer's role: one transaction at a time)."""
    state = store.state
    count = 0
    generation, read = state.generation, state.count
    for gen, layer, start in list(store.journal.since(state.generation,
                                                      state.count)):
        items = layer.items
        for item in items[start:]:
            add_entry(store, item)
            count += 1
        generation, read = gen, len(items)
    if (generation, read) != (state.generation, state.count):
        state.generation, state.count = generation, read
    return count


def _remove_from(tree, value, key, store, name):
    members = tree.get(value)
    if members is not None and key in members:
        members.remove(key)
        size_key = (name, value)
        left = store.sizes.get(size_key, 1) - 1
        if left > 0 and len(members):
            store.sizes[size_key] = left
        else:
            store.sizes.pop(size_key, None)
            del tree[value]


def expire(store, before_us, limit=None):
    """Remove the indexed entries older than ``before_us``; return how
    many."""
    keys = list(store.entries.keys(max=(before_us << SEQ_BITS) - 1))
    if limit is not None:
        keys = keys[:limit]
    for key in keys:
        item = store.entries.pop(key)
        _, login, agency, _addr, action, _oid, _kind, code = item[:8]
        if login:
            _remove_from(store.by_user, _fold(login), key, store, 'user')
        _remove_from(store.by_action, action, key, store, 'action')
        if code:
            _remove_from(store.by_code, _fold(code), key, store, 'code')
        if agency is not None:
            _remove_from(store.by_agency, agency, key, store, 'agency')
        day = day_of(item[0])
        left = store.days.get(day, 1) - 1
        if left > 0:
            store.days[day] = left
        else:
            store.days.pop(day, None)
    return len(keys)


# -- searching ---------------------------------------------------------------

class Query(object):
    """What the screen asks: a period (Vietnamese days, inclusive), a
    user's login, an action, an object code, and the agencies whose
    entries may be shown (None: every entry, for the Tổng cục)."""

    def __init__(self, start=None, end=None, user='', action='', code='',
                 agencies=None):
        self.start, self.end = start, end
        self.user, self.action = _fold(user), (action or '').strip()
        self.code = _fold(code)
        self.agencies = None if agencies is None else frozenset(agencies)

    def bounds(self):
        """(lowest, highest) time in microseconds, inclusive."""
        low = day_start(self.start) if self.start else 0
        high = (day_start(self.end + datetime.timedelta(days=1)) - 1
                if self.end else 2 ** 52)
        return low, high

    def matches(self, item):
        low, high = self.bounds()
        return (low <= item[0] <= high
                and (not self.user or _fold(item[1]) == self.user)
                and (not self.action or item[4] == self.action)
                and (not self.code or _fold(item[7]) == self.code)
                and (self.agencies is None or item[2] in self.agencies))


def _sets(store, query):
    """[(size, set or list of sets)] of the query's filters."""
    found = []
    for name, tree, value in (('user', store.by_user, query.user),
                              ('action', store.by_action, query.action),
                              ('code', store.by_code, query.code)):
        if value:
            members = tree.get(value)
            if members is None:
                return None
            found.append((store.sizes.get((name, value), 0), members))
    if query.agencies is not None:
        parts = [(store.sizes.get(('agency', oid), 0), store.by_agency[oid])
                 for oid in query.agencies if oid in store.by_agency]
        if not parts:
            return None
        found.append((sum(size for size, _s in parts),
                      [members for _size, members in parts]))
    found.sort(key=lambda pair: pair[0])
    return found


def _in_range(members, low, high):
    if isinstance(members, list):
        return multiunion([LOSet(m.keys(low, high)) for m in members])
    return LOSet(members.keys(low, high))


def _contains(members, key):
    if isinstance(members, list):
        return any(key in m for m in members)
    return key in members


class _Indexed(object):
    """The indexed keys matching a query, newest first: ``total`` and
    ``page(start, size)``."""

    def __init__(self, store, query):
        self.store = store
        low, high = query.bounds()
        self.low, self.high = low << SEQ_BITS, (high << SEQ_BITS) | (
            (1 << SEQ_BITS) - 1)
        self.query = query
        sets = _sets(store, query)
        self.keys = None
        if sets is None:
            self.keys = LOSet()
        elif sets:
            keys = _in_range(sets[0][1], self.low, self.high)
            for size, members in sets[1:]:
                if not keys:
                    break
                if len(keys) * 16 < size:
                    # few candidates: look each up in the larger set
                    keys = LOSet([k for k in keys if _contains(members, k)])
                else:
                    keys = intersection(keys, _in_range(
                        members, keys.minKey(), keys.maxKey()))
            self.keys = keys
        if self.keys is not None:
            self.total = len(self.keys)
        else:
            # no filter: counted by day, paged day by day
            first, last = day_of(low), day_of(min(high, micros(
                utcnow()) + 86400 * 10 ** 6))
            self.days = list(store.days.items(first, last))
            self.total = sum(n for _d, n in self.days)
            if self.days and (query.start or query.end):
                # the period's first and last days may be partial
                self.total = None

    def page(self, start, size):
        if size <= 0:
            return []
        if self.keys is not None:
            last = len(self.keys) - 1
            return [self.keys[last - i] for i in range(
                start, min(start + size, len(self.keys)))]
        result = []
        skipped = 0
        for day, count in reversed(self.days):
            if skipped + count <= start:
                skipped += count
                continue
            date = datetime.date.fromordinal(day)
            low = max(self.low, day_start(date) << SEQ_BITS)
            high = min(self.high, (day_start(
                date + datetime.timedelta(days=1)) << SEQ_BITS) - 1)
            keys = list(self.store.entries.keys(low, high))
            keys.reverse()
            begin = max(0, start - skipped)
            result.extend(keys[begin:begin + size - len(result)])
            skipped += count
            if len(result) >= size:
                break
        return result


class Result(object):
    """The entries matching a query: ``total`` and ``entries(start,
    size)``, newest first.  Entries still waiting in the journal come
    first (they are the newest)."""

    def __init__(self, store, query):
        self.store = store
        self.waiting = [item for item in pending(store)
                        if query.matches(item)]
        self.waiting.sort(key=lambda item: item[0], reverse=True)
        self.indexed = _Indexed(store, query)
        total = self.indexed.total
        if total is None:
            total = _count_days(store, self.indexed)
        self.total = len(self.waiting) + total

    def entries(self, start, size):
        waiting = self.waiting
        rows = [(None, item) for item in waiting[start:start + size]]
        if len(rows) < size:
            begin = max(0, start - len(waiting))
            for key in self.indexed.page(begin, size - len(rows)):
                rows.append((key, self.store.entries[key]))
        return [_entry(key, item) for key, item in rows]


def search(store, query, start=0, size=50):
    """``(total, [Entry])`` of the entries matching ``query``, newest
    first, from ``start``."""
    result = Result(store, query)
    return result.total, result.entries(start, size)


def _count_days(store, indexed):
    """The count of a period whose edge days are partial: whole days from
    the day counts, the edges counted in the entries."""
    total = 0
    days = indexed.days
    for position, (day, count) in enumerate(days):
        if 0 < position < len(days) - 1:
            total += count
            continue
        date = datetime.date.fromordinal(day)
        low = max(indexed.low, day_start(date) << SEQ_BITS)
        high = min(indexed.high, (day_start(
            date + datetime.timedelta(days=1)) << SEQ_BITS) - 1)
        total += len(store.entries.keys(low, high))
    return total


def _entry(key, item):
    us, login, agency, address, action, oid, kind, code, title, details = \
        item
    return Entry(key, from_micros(us), login, agency, address, action, oid,
                 kind, code, title, details or {})


# -- retention ---------------------------------------------------------------

def retention_days(settings):
    return int(settings.get('httttha.audit_retention_days', RETENTION_DAYS))


def sweep(store, settings, now=None, limit=None):
    """Index what waits and remove entries older than the retention
    period; return (indexed, removed)."""
    indexed = index_pending(store)
    cutoff = (now or utcnow()) - datetime.timedelta(
        days=retention_days(settings))
    return indexed, expire(store, micros(cutoff), limit)


def audit_root(root):
    """The audit database's root mapping of a main-database root."""
    conn = getattr(root, '_p_jar', None)
    if conn is None:
        return None
    try:
        return conn.get_connection('audit').root()
    except KeyError:
        return None


def main(argv=None):
    """httttha-audit-sweep <ini>: index the audit journal and remove the
    entries older than ``httttha.audit_retention_days`` (cron, daily)."""
    import sys
    from pyramid.paster import bootstrap, setup_logging
    parser = argparse.ArgumentParser(prog='httttha-audit-sweep',
                                     description=main.__doc__)
    parser.add_argument('config_uri')
    parser.add_argument('--batch', type=int, default=50000,
                        help='entries removed per transaction')
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    setup_logging(args.config_uri)
    env = bootstrap(args.config_uri)
    try:
        settings = env['registry'].settings
        db = _database(env['registry'])
        total_indexed = total_removed = 0
        while True:
            manager = transaction.TransactionManager()
            conn = db.open(transaction_manager=manager)
            try:
                manager.begin()
                store = ensure_store(conn.root())
                indexed, removed = sweep(store, settings, limit=args.batch)
                manager.commit()
            finally:
                conn.close()
            total_indexed += indexed
            total_removed += removed
            if removed < args.batch:
                break
        print('Nhật ký hệ thống: %d mục được lập chỉ mục, %d mục quá %d '
              'ngày đã xóa.' % (total_indexed, total_removed,
                                retention_days(settings)))
    finally:
        env['closer']()
    return 0


# -- what is recorded without a view's call ------------------------------------

@subscriber(DossierTransitioned)
def dossier_transitioned(event):
    """Every state change of a dossier: who, from, to, when (the
    timeline's last entry is the state it leaves)."""
    dossier = event.dossier
    timeline = getattr(dossier, 'timeline', None) or []
    before = timeline[-1].get('state', '') if timeline else ''
    record(event.request, 'dossier.transition', dossier,
           before={'state': before}, after={'state': event.state},
           when=event.when)


@subscribe_root_added()
def _root_added(event):
    root = audit_root(event.object)
    if root is not None:
        ensure_store(root)


# -- the store's creation ------------------------------------------------------

def add_audit_store(root, registry):
    """Issue 15 (C5): the audit trail's store, and the agency
    administrators' permission to read it (the agencies' ACLs anew)."""
    from substanced.util import set_acl
    from ...permissions import agency_acl
    from .tree import root_agency
    audit = audit_root(root)
    if audit is not None:
        ensure_store(audit)
    top = root_agency(root)
    for agency in (top.walk() if top is not None else ()):
        set_acl(agency, agency_acl(agency), registry=registry)


def includeme(config):
    config.add_evolution_step(add_audit_store)
