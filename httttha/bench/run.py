"""The benchmark runner (issue 7): serve the application under waitress in
a process of its own (:mod:`.server`), load it from concurrent clients on
loopback (:mod:`.client`, :mod:`.measure`), and report p50 / p95 / p99
latency and requests per second for each public, staff and submission
path, against a bare Pyramid "hello" view served with the same waitress
settings (the machine's baseline; :mod:`.report`).

The database is read (sample codes, applicants, agencies; :mod:`.database`)
before the server starts, read-only; the submissions measured add
dossiers to it.
"""
import argparse
import json
import os
import sys
import urllib.parse

from .client import Client, login, pdf_of_size, submit
from .database import (ADMIN_AGENCY, LEADER_AGENCY, OFFICER_AGENCY, db_size,
                       file_uri, sample)
from .measure import load, submissions, summarize
from .report import machine, markdown
from .server import SERVER_OVERRIDES, Server, read_ini

#: every measurement, in the order run and reported: (key, title)
MEASUREMENTS = (
    ('hello', 'Baseline: bare Pyramid "hello"'),
    ('home', 'Home page'),
    ('agency_page', "An agency's public page"),
    ('lookup_code', 'Lookup by code + agency'),
    ('lookup_keywords', 'Lookup by name + phone'),
    ('workspace_officer', 'Workspace, Chi cục officer (filters)'),
    ('workspace_leader', 'Workspace, Cục leader, subtree (filters)'),
    ('workspace_admin', 'Workspace, Tổng cục admin, all (filters)'),
    ('workspace_officer_plain', 'Workspace, Chi cục officer (no filter)'),
    ('workspace_leader_plain', 'Workspace, Cục leader, subtree (no filter)'),
    ('workspace_admin_plain', 'Workspace, Tổng cục admin, all (no filter)'),
    ('users_admin', 'Users, Tổng cục admin, whole tree (first page)'),
    ('audit_admin', 'Audit trail, Tổng cục admin, last 30 days'),
    ('completed_list', 'Completed dossiers (/ho-so-da-co-ket-qua), all'),
    ('completed_list_cuc', 'Completed dossiers, one Cục and its Chi cục'),
    ('guidance_search', 'Guidance search (/huong-dan?tu-khoa=...)'),
    ('stats_tree', 'Statistics, whole tree, 7 months of days: Cục × '
                   'procedure × state'),
    ('stats_cuc', 'Statistics, one Cục by Chi cục'),
    ('stats_export', 'Statistics, whole tree, Excel export'),
    ('stats_public', 'Public statistics (/thong-ke), whole country'),
    ('reports_browse', 'Online reports (Báo cáo trực tuyến), whole '
                       'system, first page, an official'),
    ('reports_search', 'Online reports, keyword + year, an official'),
    ('reports_compliance', 'Report compliance, Tổng cục, reporting year '
                           '(Tổng cục admin)'),
    ('submissions', 'Submissions HTTT01 + 200 KB PDF (whole wizard)'),
    ('application_pdf', 'Application PDF (/to-khai)'),
)

#: the statistics (issue 17): a range of days cutting two months, the
#: reporting year of a Cục, the whole tree's workbook, the public page
STATS_TREE = ('/manage/{top}/@@thong-ke?ky=khoang&tu-ngay=15/02/{year}'
              '&den-ngay=14/09/{year}&theo=thu-tuc,trang-thai')
STATS_CUC = '/manage/{cuc}/@@thong-ke?nam={year}'
STATS_EXPORT = ('/manage/{top}/@@thong-ke?ky=khoang&tu-ngay=15/02/{year}'
                '&den-ngay=14/09/{year}&theo=thu-tuc,trang-thai&format=xlsx')
STATS_PUBLIC = ('/thong-ke?ky=khoang&tu-ngay=15/02/{year}'
                '&den-ngay=14/09/{year}')


#: the periodic reports (issue 18): the top agency's list as any official
#: opens it, and a search typed without diacritics within one year of
#: Ngày ban hành (the generator's reports: 5 reporting years before the
#: current one)
REPORTS_BROWSE = '/manage/{top}/@@bao-cao-truc-tuyen'
REPORTS_SEARCH = ('/manage/{top}/@@bao-cao-truc-tuyen?tu-khoa=ket+qua+cong+'
                  'tac+thang&nam={year}')


#: the compliance of the whole system's reports, current reporting year
REPORTS_COMPLIANCE = '/manage/{top}/@@tinh-hinh-bao-cao'


#: the guidance pages are built beside this measurement: probed, measured
#: only if present (a search typed without diacritics)
GUIDANCE_SEARCH = '/huong-dan?tu-khoa=ho+so+thi+hanh+an'


class Processes(object):
    """The application's processes as one server: ``url`` is the list of
    their URLs when there are several (:func:`.measure.load` spreads the
    clients), ``memory`` the largest peak and the sum of the RSS."""

    def __init__(self):
        self.servers = []

    def add(self, server):
        self.servers.append(server)
        self.urls = [s.url for s in self.servers]
        self.url = self.urls[0] if len(self.urls) == 1 else self.urls
        self.pid = ','.join(str(s.pid) for s in self.servers)
        self.log_names = ','.join(s.log.name for s in self.servers)

    def memory(self):
        each = [s.memory() for s in self.servers]
        if len(each) == 1:
            return each[0]
        return {'peak_rss_bytes': max(m.get('peak_rss_bytes', 0)
                                      for m in each),
                'rss_bytes': sum(m.get('rss_bytes', 0) for m in each),
                'processes': each}

    def stop(self):
        for server in self.servers:
            server.stop()


def probe(client, path):
    """Whether the view at ``path`` exists (anything but a 404)."""
    try:
        return client.get(path).status not in (404,)
    except Exception:
        return False


def run(options, log=print):
    """Run every measurement; return the results (a dict for JSON)."""
    ini = os.path.abspath(options.ini)
    settings, server_settings = read_ini(ini)
    data, _blobs = file_uri(settings.get('zodbconn.uri'))
    db_dir = os.path.dirname(data) if data else None
    overrides = dict(SERVER_OVERRIDES)
    if db_dir:
        overrides['mail.queue_path'] = os.path.join(db_dir, 'mail')
    overrides.update(dict(s.split('=', 1) for s in options.set or ()))
    seconds, concurrency = options.seconds, options.concurrency
    from ..content.dossier import local_time
    results = {
        'date': local_time().isoformat(timespec='seconds'),
        'dossiers': options.dossiers, 'ini': options.ini,
        'machine': machine(),
        'settings': {'seconds': seconds, 'concurrency': concurrency,
                     'submit_seconds': options.submit_seconds,
                     'submit_clients': options.submit_clients,
                     'processes': options.processes,
                     'waitress': server_settings},
        'measurements': [],
    }
    titles = dict(MEASUREMENTS)
    found = {}

    def record(name, latencies, errors, elapsed, messages, **extra):
        result = summarize(name, titles[name], latencies, errors, elapsed,
                           extra)
        if messages:
            result['error_samples'] = messages[:5]
        found[name] = result
        memory = extra.get('server') or {}
        log('  %-18s %6d req %4d err  p50 %8s  p95 %8s  p99 %8s ms  %8.1f '
            'req/s%s' % (name, result['requests'], errors, result['p50_ms'],
                         result['p95_ms'], result['p99_ms'], result['rps'],
                         '  peak RSS %.0f MiB' % (
                             memory['peak_rss_bytes'] / 2 ** 20)
                         if memory.get('peak_rss_bytes') else ''))

    log('baseline: bare Pyramid hello under waitress %s' % server_settings)
    with Server('hello', ini) as hello:
        record('hello', *load(hello.url, ['/'], seconds, concurrency))
        results['hello_peak_rss_bytes'] = hello.memory()['peak_rss_bytes']

    log('sampling the database %s' % settings.get('zodbconn.uri'))
    picked = sample(settings, options.officer_agency)
    if not picked['dossiers']:
        raise SystemExit('no dossier in the database: run the generator '
                         'first (httttha-bench-data %s --dossiers N)'
                         % options.ini)
    if picked['generated'] and picked['generated'] != options.dossiers:
        # the database holds more than asked for (it is reused): report
        # what was measured
        log('the database holds %d generated dossiers' % picked['generated'])
        options.dossiers = results['dossiers'] = picked['generated']
    results['db_size_before'] = db_size(dict(settings, **overrides))
    year, keyword = picked['year'], options.keyword or picked['keyword']
    results['sample'] = {'dossiers': len(picked['dossiers']), 'year': year,
                         'keyword': keyword}
    by_code = ['/tra-cuu?' + urllib.parse.urlencode(
        {'ma': d['code'], 'don-vi': d['agency']}) for d in picked['dossiers']]
    by_words = ['/tra-cuu?' + urllib.parse.urlencode(
        {'tu-khoa': '%s %s' % (d['name'], d['phone']),
         'don-vi': d['agency']})
        for d in picked['dossiers'] if d['name'] and d['phone']]
    filters = urllib.parse.urlencode({
        'thu-tuc': 'HTTT01', 'tu-ngay': '01/01/%d' % year,
        'den-ngay': '31/12/%d' % year, 'tu-khoa': keyword})

    def staff(user, password):
        return lambda client: login(client, user, password)
    admin_password = options.admin_password or settings.get(
        'substanced.initial_password', '')
    users = dict(picked['staff'])
    for key in ('officer', 'leader', 'password'):
        if getattr(options, key):
            users[key] = getattr(options, key)
    results['sample']['staff'] = [users['officer'], users['leader'],
                                  options.admin]
    officer = staff(users['officer'], users['password'])
    leader = staff(users['leader'], users['password'])
    admin = staff(options.admin, admin_password)

    log('application server: %s' % ini)
    # several processes on one database (RelStorage: bench.scaleout), each
    # client staying on one of them as nginx's round robin spreads them
    server = Processes()
    try:
        for _i in range(options.processes):
            server.add(Server('serve', ini, overrides).wait())
    except Exception:
        server.stop()
        raise
    try:
        log('  server pid %s, %s, started: %s' % (
            server.pid, server.url, server.memory()))
        wanted = (set(options.only.split(',')) if getattr(
            options, 'only', None) else set(titles))

        def measure(name, paths, setup=None):
            if name in wanted:
                record(name, *load(server.url, paths, seconds, concurrency,
                                   setup=setup), server=server.memory())

        measure('home', ['/'])
        measure('agency_page', ['/' + options.officer_agency.strip('/')])
        measure('lookup_code', by_code)
        measure('lookup_keywords', by_words or by_code)
        measure('workspace_officer', ['/manage/%s/@@ban-lam-viec?%s' % (
            options.officer_agency.strip('/'), filters)], officer)
        measure('workspace_leader', [
            '/manage/%s/@@ban-lam-viec?%s&pham-vi=tat-ca' % (
                LEADER_AGENCY, filters)], leader)
        measure('workspace_admin', [
            '/manage/%s/@@ban-lam-viec?%s&pham-vi=tat-ca' % (
                ADMIN_AGENCY, filters)], admin)
        measure('workspace_officer_plain', ['/manage/%s/@@ban-lam-viec' % (
            options.officer_agency.strip('/'))], officer)
        measure('workspace_leader_plain', [
            '/manage/%s/@@ban-lam-viec?pham-vi=tat-ca' % LEADER_AGENCY],
            leader)
        measure('workspace_admin_plain', [
            '/manage/%s/@@ban-lam-viec?pham-vi=tat-ca' % ADMIN_AGENCY], admin)
        measure('users_admin', ['/manage/%s/@@nguoi-dung' % ADMIN_AGENCY],
                admin)
        measure('audit_admin', ['/manage/%s/@@nhat-ky' % ADMIN_AGENCY],
                admin)
        measure('completed_list', ['/ho-so-da-co-ket-qua'])
        measure('completed_list_cuc', [
            '/ho-so-da-co-ket-qua?' + urllib.parse.urlencode(
                {'don-vi': picked.get('cuc_code', ''), 'page': page})
            for page in (1, 2, 3)])
        if 'guidance_search' in wanted:
            public = Client(server.urls[0])
            if probe(public, GUIDANCE_SEARCH):
                measure('guidance_search', [GUIDANCE_SEARCH])
            else:
                log('  %-18s not built (404 at %s)' % (
                    'guidance_search', GUIDANCE_SEARCH))
                found['guidance_search'] = {
                    'name': 'guidance_search',
                    'title': titles['guidance_search'], 'built': False,
                    'url': GUIDANCE_SEARCH}
            public.close()
        stats = {'stats_tree': STATS_TREE.format(top=ADMIN_AGENCY, year=year),
                 'stats_cuc': STATS_CUC.format(cuc=LEADER_AGENCY, year=year),
                 'stats_export': STATS_EXPORT.format(top=ADMIN_AGENCY,
                                                     year=year),
                 'stats_public': STATS_PUBLIC.format(year=year)}
        probe_client = Client(server.urls[0])
        admin(probe_client)
        for name, path in stats.items():
            if name not in wanted:
                continue
            if probe(probe_client, path):
                # citizens read the public page without logging in
                measure(name, [path],
                        None if name == 'stats_public' else admin)
            else:
                log('  %-18s not built (404 at %s)' % (name, path))
                found[name] = {'name': name, 'title': titles[name],
                               'built': False, 'url': path}
        probe_client.close()
        # the reports' list, as the officer (every official reads it)
        from ..content.dossier import local_time as _local
        reports = {'reports_browse': REPORTS_BROWSE.format(top=ADMIN_AGENCY),
                   'reports_search': REPORTS_SEARCH.format(
                       top=ADMIN_AGENCY, year=_local().year - 2)}
        if wanted & set(reports):
            probe_client = Client(server.urls[0])
            officer(probe_client)
            for name, path in reports.items():
                if name not in wanted:
                    continue
                if probe(probe_client, path):
                    measure(name, [path], officer)
                else:
                    log('  %-18s not built (404 at %s)' % (name, path))
                    found[name] = {'name': name, 'title': titles[name],
                                   'built': False, 'url': path}
            probe_client.close()
        measure('reports_compliance', [REPORTS_COMPLIANCE.format(
            top=ADMIN_AGENCY)], admin)
        tokens = []
        submitter = {}
        if wanted & {'submissions', 'application_pdf'}:
            # one submission alone first; its browser session is the one
            # allowed to print it (the PDF is measured on its token)
            warm = Client(server.urls[0])
            tokens.append(submit(warm, picked['agency_code'], 10 ** 8,
                                 pdf_of_size()))
            submitter = dict(warm.cookies)
            warm.close()
        if 'submissions' in wanted:
            latencies, errors, elapsed, messages, made = submissions(
                server.url, picked['agency_code'], options.submit_seconds,
                options.submit_clients)
            tokens += made
            record('submissions', latencies, errors, elapsed, messages,
                   clients=options.submit_clients, upload_bytes=200 * 1024,
                   server=server.memory())
        # after submission only the submitting session may print it
        measure('application_pdf', ['/to-khai/%s' % t for t in tokens[:1]],
                lambda client: client.cookies.update(submitter))
        results['server'] = server.memory()
    finally:
        server.stop()
        results['server_log'] = server.log_names
        log('  server log: %s' % server.log_names)
    results['db_size_after'] = db_size(dict(settings, **overrides))
    base = found['hello']
    for name, _title in MEASUREMENTS:
        result = found.get(name)
        if result is None:
            continue
        if result.get('built') and name != 'hello':
            # every ratio is a slowdown factor against the baseline (for
            # throughput: hello's requests per second / these)
            result['ratio'] = {
                key: (round(result[key] / base[key], 2)
                      if result.get(key) and base.get(key) else None)
                for key in ('p50_ms', 'p95_ms', 'p99_ms')}
            result['ratio']['rps'] = (round(base['rps'] / result['rps'], 2)
                                      if result.get('rps') else None)
            result['ratio_p95'] = result['ratio']['p95_ms']
        elif name == 'hello':
            result['ratio'] = {k: 1.0 for k in ('p50_ms', 'p95_ms', 'p99_ms',
                                                'rps')}
            result['ratio_p95'] = 1.0
        results['measurements'].append(result)
    return results


def parser():
    p = argparse.ArgumentParser(
        prog='python -m httttha.scripts.bench',
        description='Benchmark the application under waitress on loopback.')
    p.add_argument('--ini', default='etc/bench.ini')
    p.add_argument('--dossiers', type=int, default=None,
                   help='N, the number of dossiers generated (for the '
                        'report and the file name)')
    p.add_argument('--seconds', type=float, default=15.0,
                   help='duration of each read measurement')
    p.add_argument('--concurrency', type=int, default=4,
                   help='concurrent clients of each read measurement')
    p.add_argument('--submit-seconds', type=float, default=60.0)
    p.add_argument('--submit-clients', type=int, default=8)
    p.add_argument('--out', default='bench/results')
    p.add_argument('--officer', default=None,
                   help="default: the generator's hotro-<code> of the "
                        "officer's agency if present, else hotro.bd")
    p.add_argument('--officer-agency', default=OFFICER_AGENCY)
    p.add_argument('--leader', default=None,
                   help="default: the generator's lanhdao-<code> of Cục Hà "
                        "Nội if present, else lanhdao.hn")
    p.add_argument('--admin', default='admin')
    p.add_argument('--password', default=None,
                   help="the officer's and the leader's password (default: "
                        "the generator's, or the demo users')")
    p.add_argument('--admin-password', default=None,
                   help='default: substanced.initial_password of the ini')
    p.add_argument('--keyword', default=None,
                   help='workspace keyword (default: the commonest first '
                        'word of the sampled names)')
    p.add_argument('--set', action='append', metavar='KEY=VALUE',
                   help='an application setting for the server')
    p.add_argument('--processes', type=int, default=1,
                   help='application processes (on RelStorage: --set '
                        'zodbconn.uri=postgres://...)')
    p.add_argument('--only', default=None, metavar='NAME,NAME',
                   help='measure only these (the baseline always runs): '
                        + ', '.join(name for name, _t in MEASUREMENTS[1:]))
    return p


def main(argv=None):
    options = parser().parse_args(argv)
    results = run(options, log=lambda *a: print(*a, file=sys.stderr,
                                                flush=True))
    os.makedirs(options.out, exist_ok=True)
    from ..content.dossier import local_time
    name = '%s-%s.json' % (local_time().date().isoformat(),
                           options.dossiers if options.dossiers is not None
                           else 'x')
    path = os.path.join(options.out, name)
    with open(path, 'w') as f:
        json.dump(results, f, indent=2, ensure_ascii=False, default=str)
        f.write('\n')
    table = markdown(results)
    sys.stdout.write(table)
    sys.stdout.write('\nWritten to %s\n' % path)
    errors = sum(r.get('errors', 0) for r in results['measurements'])
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
