"""Submissions per second on RelStorage/PostgreSQL with 1, 2 and 4
application processes (issue 20), on this machine:

    python -m httttha.bench.scaleout [--processes 1,2,4] [--seconds 60]
        [--clients 8] [--out bench/results]

A throwaway PostgreSQL (Debian's) holds the agency tree; each round starts
that many processes of the application (``python -m httttha.bench.server``
with the benchmark's settings, but the production number of retries) and
8 citizens going through the whole wizard with a 200 KB PDF, each citizen
always on the same process (as nginx's round robin spreads them).  Every
round must end with zero errors; the retries logged by the processes are
counted."""
import argparse
import json
import os
import shutil
import sys
import tempfile

from ..content.dossier import local_time
from .measure import submissions, summarize
from .postgresql import PostgreSQL, bin_dir
from .server import SERVER_OVERRIDES, Server

#: Chi cục THADS quận Ba Đình, the agency the citizens file with
AGENCY = '001'


def _overrides(pg, cache):
    overrides = dict(SERVER_OVERRIDES)
    overrides.update({
        'zodbconn.uri': pg.uri('httttha', cache + '/main'),
        'zodbconn.uri.audit': pg.uri('httttha_audit', cache + '/audit'),
        'mail.queue_path': cache + '/mail',
        'substanced.uploads_tempdir': cache + '/tmp',
        # the production default: the point is zero errors without
        # piling up retries
        'retry.attempts': '3',
    })
    return overrides


def _load_tree(overrides, ini):
    """The agency tree into the empty databases."""
    import transaction
    from pyramid.scripting import prepare
    from substanced.db import root_factory
    from .. import main
    from ..services.administration.tree import load_tree, read_rows
    from .server import read_ini
    settings = dict(read_ini(ini)[0], **overrides)
    app = main({}, **settings)
    env = prepare(registry=app.registry)
    try:
        root = root_factory(env['request'])
        agencies = os.path.join(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))), 'data', 'agencies.csv')
        load_tree(root, read_rows(agencies), app.registry)
        transaction.commit()
    finally:
        transaction.abort()
        env['closer']()
        for db in app.registry._zodb_databases.values():
            db.close()


def round_of(count, ini, overrides, seconds, clients, log):
    """One measurement with ``count`` processes: its summary."""
    servers = [Server('serve', ini, overrides) for _i in range(count)]
    try:
        for server in servers:
            server.wait()
        latencies, errors, elapsed, messages, _tokens = submissions(
            [server.url for server in servers], AGENCY, seconds, clients)
    finally:
        for server in servers:
            server.stop()
    retries = 0
    for server in servers:
        with open(server.log.name, errors='replace') as f:
            retries += f.read().count('trying again')
    result = summarize('processes_%d' % count,
                       'Submissions, %d process%s on PostgreSQL' % (
                           count, 'es' if count > 1 else ''),
                       latencies, errors, elapsed,
                       {'processes': count, 'clients': clients,
                        'retries': retries, 'messages': messages})
    log('  %d process(es): %d submissions, %d errors, %.1f/s, p95 %s ms, '
        '%d retries' % (count, result['requests'], errors, result['rps'],
                        result['p95_ms'], retries))
    return result


def main(argv=None):
    p = argparse.ArgumentParser(prog='python -m httttha.bench.scaleout',
                                description=__doc__.split('\n')[0])
    p.add_argument('--ini', default='etc/bench.ini')
    p.add_argument('--processes', default='1,2,4')
    p.add_argument('--seconds', type=float, default=60.0)
    p.add_argument('--clients', type=int, default=8)
    p.add_argument('--out', default='bench/results')
    options = p.parse_args(argv)

    def log(*args):
        print(*args, file=sys.stderr, flush=True)
    bindir = bin_dir()
    if bindir is None:
        p.error('PostgreSQL is not installed (Debian: postgresql)')
    pg = PostgreSQL(bindir)
    cache = tempfile.mkdtemp(prefix='httttha-scaleout-')
    results = {'date': local_time().isoformat(), 'seconds': options.seconds,
               'clients': options.clients, 'rounds': []}
    try:
        pg.start()
        overrides = _overrides(pg, cache)
        _load_tree(overrides, options.ini)
        for count in [int(n) for n in options.processes.split(',')]:
            results['rounds'].append(round_of(
                count, options.ini, overrides, options.seconds,
                options.clients, log))
    finally:
        pg.stop()
        shutil.rmtree(cache, ignore_errors=True)
    os.makedirs(options.out, exist_ok=True)
    path = os.path.join(options.out, 'scaleout-%s.json' %
                        local_time().date().isoformat())
    with open(path, 'w') as f:
        json.dump(results, f, indent=1)
    print('| Processes | Submissions | Errors | Retries | req/s | p50 ms | '
          'p95 ms |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
    for r in results['rounds']:
        print('| %d | %d | %d | %d | %.1f | %s | %s |' % (
            r['processes'], r['requests'], r['errors'], r['retries'],
            r['rps'], r['p50_ms'], r['p95_ms']))
    print('\nWritten to %s' % path)
    return 1 if any(r['errors'] for r in results['rounds']) else 0


if __name__ == '__main__':  # pragma: no cover
    sys.exit(main())
