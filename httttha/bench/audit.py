"""httttha-bench-audit: the audit trail's search at scale (issue 15).

Fills an audit store of its own (a FileStorage, ``--path``) with
``--entries`` entries in bulk, indexed as the indexer does but without
the journal (``record`` is not called: ten million requests would take
days), spread over ``--days`` days before ``--until``, across 756
agencies (63 Cục of 12 Chi cục each), three users each and a plausible mix
of actions and dossier codes.  Then opens it afresh and times the
screen's queries (the whole search: counting and the newest-first page
of 50 entries): first with a cold cache, then warm (median of
``--repeat``).  Prints a Markdown table.

    httttha-bench-audit --entries 10000000 --path var/bench-audit
"""
import argparse
import collections
import datetime
import os
import random
import statistics
import sys
import time

import transaction
from ZODB import DB
from ZODB.FileStorage import FileStorage

from ..services.administration import audit
from ..services.administration.audit.store import AuditStore, ROOT_KEY
from ..vntime import VN

CUCS, CHI_CUCS, USERS_PER_AGENCY = 63, 11, 3
TOP = 1
#: (action, weight): reads and state changes dominate
MIX = (('dossier.read', 40), ('dossier.transition', 20),
       ('dossier.file', 10), ('login.success', 15), ('login.failure', 5),
       ('access.denied', 3), ('dossier.submit', 5), ('user.edit', 1),
       ('calendar.add', 1))


def agencies():
    """[(oid, cuc oid)] of the synthetic tree (oid 1: the Tổng cục)."""
    result = [(TOP, None)]
    oid = 100
    for _c in range(CUCS):
        cuc = oid
        result.append((cuc, cuc))
        oid += 1
        for _s in range(CHI_CUCS):
            result.append((oid, cuc))
            oid += 1
    return result


def fill(path, count, days, until, seed=15, batch=200000):
    """Write ``count`` entries into a new store at ``path``."""
    os.makedirs(path, exist_ok=True)
    storage = FileStorage(os.path.join(path, 'audit.fs'))
    db = DB(storage, cache_size=200000)
    conn = db.open()
    root = conn.root()
    store = root[ROOT_KEY] = AuditStore()
    transaction.commit()
    rng = random.Random(seed)
    tree = agencies()
    actions = [a for a, w in MIX for _i in range(w)]
    end = audit.micros(until)
    start = end - days * 86400 * 10 ** 6
    step = (end - start) // count
    counts = collections.Counter()
    started = time.time()
    us = start
    for n in range(count):
        us += rng.randint(1, 2 * step - 1) if step > 1 else 1
        agency, _cuc = tree[rng.randrange(len(tree))]
        login = 'u%d.%d' % (agency, rng.randrange(USERS_PER_AGENCY))
        action = actions[rng.randrange(len(actions))]
        code = ''
        if action.startswith('dossier.'):
            # a dossier is touched about ten times in its life
            code = 'HS%08d' % (n // 10 + rng.randrange(50))
        elif action == 'user.edit':
            code = login
        store.add((us, login, agency, '10.%d.%d.%d' % (
            agency % 250, n % 250, 1), action, None, '', code, '', None), counts)
        if (n + 1) % batch == 0:
            store.count(counts)
            transaction.commit()
            conn.cacheMinimize()
            rate = (n + 1) / (time.time() - started)
            print('%d entries, %.0f/s' % (n + 1, rate), file=sys.stderr)
    store.count(counts)
    transaction.commit()
    seconds = time.time() - started
    conn.close()
    db.close()
    return seconds


def queries(until, cuc=100):
    """(title, Query) of what the screen asks."""
    today = until.astimezone(VN).date()
    month = today - datetime.timedelta(days=30)
    year = today - datetime.timedelta(days=365)
    subtree = [cuc] + list(range(cuc + 1, cuc + 1 + CHI_CUCS))
    chi_cuc = cuc + 1
    return (
        ('Tổng cục, no filter, last 30 days (default)',
         audit.Query(month, today)),
        ('Tổng cục, no filter, whole history', audit.Query()),
        ('Tổng cục, failed logins, last year',
         audit.Query(year, today, action='login.failure')),
        ('Cục subtree, last 30 days', audit.Query(month, today,
                                                   agencies=subtree)),
        ('Cục subtree, failed logins, last year',
         audit.Query(year, today, action='login.failure', agencies=subtree)),
        ('Cục subtree, one user, last year',
         audit.Query(year, today, user='u%d.0' % chi_cuc,
                     agencies=subtree)),
        ('Tổng cục, one dossier code, whole history',
         audit.Query(code='HS%08d' % 1000)),
        ('Tổng cục, dossier reads, last year',
         audit.Query(year, today, action='dossier.read')),
    )


def measure(path, until, repeat=5):
    """[(title, total, cold ms, warm median ms)]."""
    rows = []
    for title, query in queries(until):
        storage = FileStorage(os.path.join(path, 'audit.fs'),
                              read_only=True)
        db = DB(storage, cache_size=50000)
        conn = db.open()
        store = conn.root()[ROOT_KEY]
        times = []
        total = None
        for _i in range(repeat + 1):
            started = time.perf_counter()
            result = audit.Result(store, query)
            result.entries(0, 50)
            times.append((time.perf_counter() - started) * 1000)
            total = result.total
        rows.append((title, total, times[0], statistics.median(times[1:])))
        conn.close()
        db.close()
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(prog='httttha-bench-audit',
                                     description=__doc__.split('\n')[0])
    parser.add_argument('--entries', type=int, default=1000000)
    parser.add_argument('--days', type=int, default=3650)
    parser.add_argument('--path', default='var/bench-audit')
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--until', default='2026-11-20T03:00:00+00:00',
                        help='the newest entry (ISO time; fixed, so that '
                        'runs compare)')
    parser.add_argument('--measure-only', action='store_true',
                        help='measure an existing store')
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    until = datetime.datetime.fromisoformat(args.until)
    if not args.measure_only:
        if os.path.exists(os.path.join(args.path, 'audit.fs')):
            parser.error('%s holds a store already (--measure-only?)'
                         % args.path)
        seconds = fill(args.path, args.entries, args.days, until)
        print('Filled %d entries in %.0f s' % (args.entries, seconds))
    size = os.path.getsize(os.path.join(args.path, 'audit.fs'))
    print('\nAudit store: %d entries over %d days, %.1f GiB on disk\n' % (
        args.entries, args.days, size / 2 ** 30))
    print('| Query | Entries found | Cold ms | Warm ms (median) |')
    print('| --- | ---: | ---: | ---: |')
    for title, total, cold, warm in measure(args.path, until, args.repeat):
        print('| %s | %d | %.0f | %.0f |' % (title, total, cold, warm))
    return 0


if __name__ == '__main__':
    sys.exit(main())
