"""Searching the audit trail: the small key sets of a query's filters
intersected within its period's key range, newest first, with the
entries still waiting in the journal merged in by time."""
import datetime
import heapq
from collections import namedtuple

from BTrees.LOBTree import LOSet, intersection, multiunion

from .store import SEQ_BITS, day_of, day_start, fold, from_micros

#: what an entry holds; ``key`` orders entries by time (None while the
#: entry waits in the journal)
Entry = namedtuple('Entry', 'key when user agency address action '
                   'target_oid target_type target_code target_title details')


class Query(object):
    """What the screen asks: a period (Vietnamese days, inclusive), a
    user's login, an action, an object code, and the agencies whose
    entries may be shown (None: every entry, for the Tổng cục)."""

    def __init__(self, start=None, end=None, user='', action='', code='',
                 agencies=None):
        self.start, self.end = start, end
        self.user, self.action = fold(user), (action or '').strip()
        self.code = fold(code)
        self.agencies = None if agencies is None else frozenset(agencies)
        #: lowest and highest time in microseconds, inclusive
        self.low = day_start(start) if start else 0
        self.high = (day_start(end + datetime.timedelta(days=1)) - 1
                     if end else 2 ** 52)

    def matches(self, item):
        return (self.low <= item[0] <= self.high
                and (not self.user or fold(item[1]) == self.user)
                and (not self.action or item[4] == self.action)
                and (not self.code or fold(item[7]) == self.code)
                and (self.agencies is None or item[2] in self.agencies))


def _sets(store, query):
    """[(size, set or list of sets)] of the query's filters, smallest
    first; None when a filter matches nothing."""
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
        self.low = query.low << SEQ_BITS
        self.high = (query.high << SEQ_BITS) | ((1 << SEQ_BITS) - 1)
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
            return
        # no filter: counted by day (a period is whole Vietnamese days, as
        # the days' counts are), paged day by day
        self.days = list(store.days.items(day_of(query.low),
                                          day_of(query.high)))
        self.total = sum(count for _day, count in self.days)

    def _day_keys(self, day, skip, take):
        """``take`` keys of a Vietnamese day (an ordinal) within the
        period, newest first, after its ``skip`` newest: read back from
        the newest, never the whole day (a busy day holds millions)."""
        date = datetime.date.fromordinal(day)
        low = max(self.low, day_start(date) << SEQ_BITS)
        high = min(self.high, (day_start(
            date + datetime.timedelta(days=1)) << SEQ_BITS) - 1)
        entries = self.store.entries
        found = []
        try:
            key = entries.maxKey(high)
        except ValueError:
            return found
        while key >= low and len(found) < take:
            if skip:
                skip -= 1
            else:
                found.append(key)
            try:
                key = entries.maxKey(key - 1)
            except ValueError:
                break
        return found

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
            result.extend(self._day_keys(day, max(0, start - skipped),
                                         size - len(result)))
            skipped += count
            if len(result) >= size:
                break
        return result


def _waiting_order(item, position):
    # after every indexed key of its microsecond, and in journal order:
    # where the indexer will put it
    return (item[0], 1, position)


def _key_order(key):
    return (key >> SEQ_BITS, 0, key)


class Result(object):
    """The entries matching a query: ``total`` and ``entries(start,
    size)``, newest first, the indexed ones and those still waiting in
    the journal (a few dozen, filtered one by one) in one order: the
    order they keep once indexed."""

    def __init__(self, store, query):
        self.store = store
        self.waiting = sorted(
            ((_waiting_order(item, position), item) for position, item in
             enumerate(store.pending()) if query.matches(item)),
            key=lambda pair: pair[0], reverse=True)
        self.indexed = _Indexed(store, query)
        self.total = len(self.waiting) + self.indexed.total

    def entries(self, start, size):
        """The entries ``start`` to ``start + size`` of the result.

        An indexed entry at position ``i`` has at most ``len(waiting)``
        waiting ones before it, so the page is among the indexed keys
        from ``start - len(waiting)`` on; the indexed key just before
        those (the pivot) tells how many waiting entries come earlier."""
        waiting = self.waiting
        first = max(0, start - len(waiting))
        keys = self.indexed.page(max(0, first - 1),
                                 start + size - max(0, first - 1))
        earlier = 0
        if first:
            if not keys:
                return []
            pivot = _key_order(keys.pop(0))
            earlier = sum(1 for order, _item in waiting if order > pivot)
        merged = heapq.merge(
            waiting[earlier:],
            [(_key_order(key), key) for key in keys],
            key=lambda pair: pair[0], reverse=True)
        skip = start - first - earlier
        rows = []
        for position, (_order, found) in enumerate(merged):
            if position >= skip + size:
                break
            if position >= skip:
                rows.append((None, found) if isinstance(found, tuple)
                            else (found, self.store.entries[found]))
        return [_entry(key, item) for key, item in rows]


def search(store, query, start=0, size=50):
    """``(total, [Entry])`` of the entries matching ``query``, newest
    first, from ``start``."""
    result = Result(store, query)
    return result.total, result.entries(start, size)


def _entry(key, item):
    us, login, agency, address, action, oid, kind, code, title, details = \
        item
    return Entry(key, from_micros(us), login, agency, address, action, oid,
                 kind, code, title, details or {})
