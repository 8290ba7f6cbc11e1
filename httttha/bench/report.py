"""The report: the machine the figures were measured on, and the results
as a Markdown table."""
import os
import platform


def machine():
    """CPU, memory, Python: what the figures depend on."""
    info = {'python': platform.python_version(),
            'platform': platform.platform(), 'cpus': os.cpu_count()}
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    info['cpu'] = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open('/proc/meminfo') as f:
            for line in f:
                if line.startswith('MemTotal'):
                    info['memory_bytes'] = int(line.split()[1]) * 1024
    except OSError:
        pass
    return info


#: the targets of issues 7, 16-18 and 21 at N = 1 000 000: (measurement,
#: what is compared, limit); 'p95_ms' at most the limit, 'home' a p95 at
#: most the limit times the home page's, 'rps' at least the limit
TARGETS = (
    ('lookup_code', 'p95_ms', 25), ('lookup_keywords', 'p95_ms', 40),
    ('workspace_officer', 'p95_ms', 150), ('workspace_leader', 'p95_ms', 150),
    ('workspace_admin', 'p95_ms', 150),
    ('workspace_officer_plain', 'p95_ms', 100),
    ('workspace_leader_plain', 'p95_ms', 100),
    ('workspace_admin_plain', 'p95_ms', 100),
    ('completed_list', 'home', 3), ('completed_list_cuc', 'home', 3),
    ('guidance_search', 'home', 3),
    ('stats_tree', 'p95_ms', 500), ('stats_cuc', 'p95_ms', 150),
    ('stats_export', 'p95_ms', 2000), ('stats_public', 'home', 3),
    ('reports_browse', 'home', 3), ('reports_search', 'home', 3),
    ('submissions', 'rps', 20), ('application_pdf', 'p95_ms', 150),
)
#: the server's peak RSS at most (bytes)
RSS_TARGET = 1.5e9


def targets(results):
    """[(title, target, measured, met)] of the targets whose measurement
    ran (submissions also need zero errors)."""
    found = {r['name']: r for r in results['measurements']
             if r.get('built')}
    home = (found.get('home') or {}).get('p95_ms')
    rows = []
    for name, what, limit in TARGETS:
        r = found.get(name)
        if r is None:
            continue
        if what == 'p95_ms':
            target, measured = 'p95 ≤ %s ms' % limit, r['p95_ms']
            met = measured is not None and measured <= limit
            shown = '%s ms' % _num(measured)
        elif what == 'home':
            if not home:
                continue
            ratio = r['p95_ms'] / home if r['p95_ms'] is not None else None
            target = 'p95 ≤ %s × home (%s ms)' % (limit, _num(limit * home))
            met = ratio is not None and ratio <= limit
            shown = '%s ms (%s ×)' % (_num(r['p95_ms']), _num(ratio))
        else:
            target = '≥ %s/s, no error' % limit
            met = r['rps'] >= limit and not r['errors']
            shown = '%s/s, %d errors' % (_num(r['rps']), r['errors'])
        rows.append((r['title'], target, shown, met))
    rss = (results.get('server') or {}).get('peak_rss_bytes')
    if rss is not None:
        rows.append(('Server peak RSS', '≤ 1.5 GB', _bytes(rss),
                     rss <= RSS_TARGET))
    return rows


def _num(value, digits=1):
    return '–' if value is None else ('%.*f' % (digits, value))


def _bytes(value):
    if value is None:
        return '–'
    for unit in ('B', 'KiB', 'MiB', 'GiB'):
        if value < 1024 or unit == 'GiB':
            return '%.1f %s' % (value, unit) if unit != 'B' else \
                '%d B' % value
        value /= 1024.0


def markdown(results):
    """The results as a Markdown table (one row per measurement)."""
    m = results['machine']
    lines = [
        '## httttha benchmark: %s dossiers, %s' % (
            '{:,}'.format(results['dossiers'] or 0), results['date']),
        '',
        '%s × %s, %s RAM, Python %s; waitress %s; %d clients × %s s '
        '(submissions: %d × %s s)' % (
            m.get('cpus'), m.get('cpu', '?'), _bytes(m.get('memory_bytes')),
            m.get('python'), ', '.join('%s=%s' % kv for kv in sorted(
                results['settings']['waitress'].items())) or 'defaults',
            results['settings']['concurrency'], results['settings']['seconds'],
            results['settings']['submit_clients'],
            results['settings']['submit_seconds']),
        '',
        '| Measurement | Requests | Errors | p50 ms | p95 ms | p99 ms '
        '| req/s | p50 × hello | p95 × hello | p99 × hello '
        '| hello req/s ÷ req/s |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: '
        '| ---: | ---: |',
    ]
    for r in results['measurements']:
        if not r.get('built'):
            lines.append('| %s | not built | | | | | | | | | |' % r['title'])
            continue
        ratio = r.get('ratio') or {}
        lines.append('| %s | %d | %d | %s | %s | %s | %s | %s | %s | %s '
                     '| %s |' % (
                         r['title'], r['requests'], r['errors'],
                         _num(r['p50_ms']), _num(r['p95_ms']),
                         _num(r['p99_ms']), _num(r['rps']),
                         _num(ratio.get('p50_ms')), _num(ratio.get('p95_ms')),
                         _num(ratio.get('p99_ms')), _num(ratio.get('rps'))))
    server = results.get('server') or {}
    after = results.get('db_size_after') or {}
    before = results.get('db_size_before') or {}
    lines += [
        '',
        '| Resource | Value |', '| --- | ---: |',
        '| Server peak RSS (VmHWM) | %s |' % _bytes(
            server.get('peak_rss_bytes')),
        '| Hello server peak RSS | %s |' % _bytes(
            results.get('hello_peak_rss_bytes')),
        '| Database on disk, before | %s |' % _bytes(before.get('total')),
        '| Database on disk, after the submissions | %s |' % _bytes(
            after.get('total')),
    ]
    met = targets(results)
    if met:
        lines += ['', '| Target | Limit | Measured | |',
                  '| --- | --- | ---: | --- |']
        lines += ['| %s | %s | %s | %s |' % (title, target, shown,
                                             'met' if ok else '**miss**')
                  for title, target, shown, ok in met]
    return '\n'.join(lines) + '\n'
