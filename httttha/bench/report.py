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
    return '\n'.join(lines) + '\n'
