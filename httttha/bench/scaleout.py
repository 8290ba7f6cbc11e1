"""Submissions per second on RelStorage/PostgreSQL with 1, 2 and 4
application processes (issue 20), on this machine:

    python -m httttha.bench.scaleout [--processes 1,2,4] [--seconds 60]
        [--clients 8] [--out bench/results]

With ``--whole``, the database the generator filled (``--ini``, a
FileStorage) is first copied into PostgreSQL (RelStorage's
``zodbconvert``), and each round is the whole benchmark of
:mod:`.run`, every page as well as the submissions (issue 21):

    python -m httttha.bench.scaleout --whole --ini etc/bench.ini
        --dossiers N [--processes 1,2]

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


#: the application's two databases: (setting, PostgreSQL database)
STORES = (('zodbconn.uri', 'httttha'),
          ('zodbconn.uri.audit', 'httttha_audit'))

ZODBCONVERT = """%%import relstorage
<filestorage source>
  path %(data)s
  %(blobs)s
  read-only true
</filestorage>
<relstorage destination>
  blob-dir %(cache)s
  shared-blob-dir false
  <postgresql>
    dsn dbname='%(db)s' host='127.0.0.1' port='%(port)d' user='postgres'
  </postgresql>
</relstorage>
"""


def copy_databases(pg, ini, cache, log):
    """The benchmark's FileStorage databases (``ini``, filled by
    ``httttha-bench-data``) copied into PostgreSQL by RelStorage's
    ``zodbconvert``, blobs included."""
    from relstorage.zodbconvert import main as zodbconvert
    from .database import file_uri
    from .server import read_ini
    settings = read_ini(ini)[0]
    for key, db in STORES:
        data, blobs = file_uri(settings[key])
        path = os.path.join(cache, db + '.conf')
        with open(path, 'w') as f:
            f.write(ZODBCONVERT % {
                'data': data, 'db': db, 'port': pg.port,
                'blobs': 'blob-dir %s' % blobs if blobs else '',
                'cache': os.path.join(cache, 'convert-' + db)})
        log('copying %s into PostgreSQL (%s)' % (data, db))
        zodbconvert(['zodbconvert', path])


def whole_benchmark(options, pg, cache, log):
    """Every measurement of :mod:`.run` on the PostgreSQL copy of the
    benchmark database, once per number of processes: {count: results}."""
    from . import run
    found = {}
    for count in [int(n) for n in options.processes.split(',')]:
        args = ['--ini', options.ini, '--processes', str(count),
                '--out', options.out,
                '--seconds', str(options.read_seconds),
                '--concurrency', str(options.concurrency),
                '--submit-seconds', str(options.seconds),
                '--submit-clients', str(options.clients)]
        if options.dossiers:
            args += ['--dossiers', str(options.dossiers)]
        for key, db in STORES:
            args += ['--set', '%s=%s' % (key, pg.uri(
                db, os.path.join(cache, '%s-%d' % (db, count))))]
        args += ['--set', 'retry.attempts=3']
        log('%d process(es) on PostgreSQL' % count)
        found[count] = run.run(run.parser().parse_args(args), log=log)
        found[count]['processes'] = count
    return found


def main(argv=None):
    p = argparse.ArgumentParser(prog='python -m httttha.bench.scaleout',
                                description=__doc__.split('\n')[0])
    p.add_argument('--ini', default='etc/bench.ini')
    p.add_argument('--processes', default='1,2,4')
    p.add_argument('--seconds', type=float, default=60.0)
    p.add_argument('--clients', type=int, default=8)
    p.add_argument('--out', default='bench/results')
    p.add_argument('--whole', action='store_true',
                   help="copy --ini's database (httttha-bench-data) into "
                        "PostgreSQL and run every measurement of the "
                        "benchmark, not only the submissions on an empty "
                        "tree")
    p.add_argument('--dossiers', type=int, default=None,
                   help='with --whole: N, for the report')
    p.add_argument('--read-seconds', type=float, default=15.0,
                   help='with --whole: duration of each read measurement')
    p.add_argument('--concurrency', type=int, default=4,
                   help='with --whole: clients of each read measurement')
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
        if options.whole:
            copy_databases(pg, options.ini, cache, log)
            return _write_whole(options, whole_benchmark(
                options, pg, cache, log))
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


def _write_whole(options, found):
    """The results of --whole: one JSON per number of processes, and the
    p95 of each measurement side by side."""
    from .report import markdown
    os.makedirs(options.out, exist_ok=True)
    day = local_time().date().isoformat()
    for count, results in found.items():
        path = os.path.join(options.out, 'scaleout-%s-%s-p%d.json' % (
            day, options.dossiers or 'x', count))
        with open(path, 'w') as f:
            json.dump(results, f, indent=2, ensure_ascii=False, default=str)
            f.write('\n')
        print(markdown(results))
        print('Written to %s\n' % path)
    counts = sorted(found)
    print('| Measurement | ' + ' | '.join(
        'p95 ms, %d process%s | req/s' % (c, 'es' if c > 1 else '')
        for c in counts) + ' |')
    print('| --- |' + ' ---: | ---: |' * len(counts))
    rows = {}
    for count in counts:
        for r in found[count]['measurements']:
            if r.get('built'):
                rows.setdefault(r['title'], {})[count] = r
    for title, by_count in rows.items():
        print('| %s | %s |' % (title, ' | '.join(
            '%s | %s' % (by_count[c]['p95_ms'], by_count[c]['rps'])
            if c in by_count else ' | ' for c in counts)))
    return 1 if any(r.get('errors') for results in found.values()
                    for r in results['measurements']) else 0


if __name__ == '__main__':  # pragma: no cover
    sys.exit(main())
