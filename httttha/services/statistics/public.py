"""The public statistics (A5): the staff table of ``tables`` with the
small-unit rule applied, so that a citizen reads aggregate figures that
cannot point at one person's dossier.

The rule: below the Cục level (rows that are a Chi cục), a unit has a line
of its own only when it received at least ``minimum`` dossiers in the
period (the setting ``httttha.public_stats_min``, 10 by default); the
smaller units are pooled into one line "Các đơn vị khác (dưới N hồ sơ)";
when that pool itself holds fewer than ``minimum`` dossiers it is merged
into the agency's own line, so that no line shows fewer than ``minimum``
dossiers of identifiable Chi cục.  A Chi cục that received fewer than
``minimum`` dossiers publishes no figures of its own at all.
"""
import threading
import time
from collections import OrderedDict

from substanced.util import get_oid

from ... import _
from ..administration.tree import level_rank, tree_nodes
from .tables import Row, Table, table

SETTING = 'httttha.public_stats_min'
DEFAULT_MINIMUM = 10
#: how long a public table is reused (seconds; 0: never): citizens may
#: read figures a minute old, and a burst of visitors costs one count
CACHE_SETTING = 'httttha.public_stats_cache_seconds'
CACHE_DEFAULT = 60
CACHE_ENTRIES = 512
#: rendered pages are some 150 KB each: fewer of them
PAGE_ENTRIES = 64

#: the line of the pooled small units
OTHERS = _('stats-public-others',
           default='Other units (under ${minimum} dossiers)')
#: the agency's own line when the small units were merged into it
OWN_AND_OTHERS = _('stats-public-own-and-others',
                   default='At the unit itself and the units under '
                           '${minimum} dossiers')


def minimum(settings):
    """The threshold from the settings: a whole number of at least 1
    (a bad value falls back to the default rather than publish all)."""
    try:
        value = int(str(settings.get(SETTING, DEFAULT_MINIMUM)).strip())
    except ValueError:
        return DEFAULT_MINIMUM
    return max(value, 1)


class PublicTable(Table):
    """A :class:`~.tables.Table` whose rows follow the small-unit rule.
    ``withheld``: the agency itself is a small Chi cục (no figures may be
    shown); ``pooled``: how many units were pooled or merged;
    ``minimum``: the threshold."""

    def __init__(self, rows, total, procedures, months, minimum,
                 pooled=0, withheld=False):
        super(PublicTable, self).__init__(rows, total, procedures, months)
        self.minimum, self.pooled, self.withheld = minimum, pooled, withheld


def _merge(into, row):
    """Add ``row``'s sums to ``into``."""
    into.total += row.total
    into.late += row.late
    into.overdue += row.overdue
    for mine, theirs in ((into.channels, row.channels),
                         (into.states, row.states),
                         (into.classes, row.classes)):
        for key, number in theirs.items():
            mine[key] = mine.get(key, 0) + number


def pool(staff_table, own_oid, small_level, minimum):
    """The :class:`PublicTable` of ``staff_table`` (a table by unit,
    without procedure lines) of the agency ``own_oid``:
    ``small_level(oid)`` says whether a unit's row is below the Cục
    level; those under ``minimum`` dossiers are pooled."""
    own, shown, small = None, [], []
    for row in staff_table.units:
        if row.oid == own_oid:
            own = row
        elif small_level(row.oid) and row.total < minimum:
            small.append(row)
        else:
            shown.append(row)
    if not small:
        rows = ([own] if own is not None else []) + shown
        return PublicTable(rows, staff_table.total, staff_table.procedures,
                           staff_table.months, minimum)
    mapping = {'minimum': minimum}
    others = Row(_(OTHERS, mapping=mapping))
    for row in small:
        _merge(others, row)
    if others.total >= minimum:
        rows = ([own] if own is not None else []) + shown + [others]
    elif not others.total:
        # units without dossiers: nothing to merge, the own line keeps
        # its title (they are still left out: listing them would name
        # the one small unit behind a pool)
        rows = ([own] if own is not None else []) + shown
    else:
        merged = Row(_(OWN_AND_OTHERS, mapping=mapping), own_oid)
        if own is not None:
            _merge(merged, own)
        _merge(merged, others)
        rows = [merged] + shown
    return PublicTable(rows, staff_table.total, staff_table.procedures,
                       staff_table.months, minimum, pooled=len(small))


def public_table(root, agency, period, minimum, today=None):
    """The public :class:`PublicTable` of ``agency`` over ``period``:
    the staff table by unit with the small-unit rule applied; a Chi cục
    under ``minimum`` dossiers gets an empty, ``withheld`` table."""
    nodes = tree_nodes(root)
    staff_table = table(root, agency, period, today=today)
    oid = get_oid(agency)
    node = nodes[oid]
    if level_rank(node['kind']) >= 2 and staff_table.total.total < minimum:
        return PublicTable([], Row(_('Total')), [], [], minimum,
                           withheld=True)

    def small_level(unit):
        found = nodes.get(unit)
        return found is not None and level_rank(found['kind']) >= 2

    return pool(staff_table, oid, small_level, minimum)


_tables, _pages = OrderedDict(), OrderedDict()
_lock = threading.Lock()


def cache_seconds(settings):
    try:
        return max(0, int(str(settings.get(CACHE_SETTING, CACHE_DEFAULT))))
    except ValueError:
        return CACHE_DEFAULT


def _cached(cache, limit, key, seconds, build):
    """``build()``, reused from ``cache`` (an LRU of ``limit`` entries)
    while younger than ``seconds``."""
    now = time.monotonic()
    with _lock:
        found = cache.get(key)
    if found is not None and now - found[0] < seconds:
        return found[1]
    value = build()
    with _lock:
        cache[key] = (now, value)
        cache.move_to_end(key)
        while len(cache) > limit:
            cache.popitem(last=False)
    return value


def cached_page(key, seconds, build):
    """The bytes of a public statistics page, ``build()`` at most once per
    ``seconds`` and ``key`` (the database, the address, the day) in this
    process: a page for visitors who are not logged in, whose figures
    are reused as long anyway."""
    return _cached(_pages, PAGE_ENTRIES, key, seconds, build)


def cached_public_table(root, agency, period, minimum, today, seconds):
    """:func:`public_table`, reused for ``seconds`` by this process (per
    database, agency, period, threshold and day).  The tables hold plain
    values only, never persistent objects, so threads may share them."""
    if seconds <= 0:
        return public_table(root, agency, period, minimum, today)
    key = (id(root._p_jar.db()), get_oid(agency), period.first,
           period.last, minimum, today)
    return _cached(_tables, CACHE_ENTRIES, key, seconds,
                   lambda: public_table(root, agency, period, minimum, today))
