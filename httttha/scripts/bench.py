"""``python -m httttha.scripts.bench --ini etc/bench.ini --dossiers N``:
serve the application under waitress on loopback, measure each public,
staff and submission path (p50 / p95 / p99, requests per second) against
a bare Pyramid "hello" baseline, write ``bench/results/<date>-<N>.json``
and print a Markdown table.  The database is made beforehand by
``httttha-bench-data <ini> --dossiers N``.  The logic is in
``httttha.bench`` (run, server, client, measure, report)."""
import sys

from ..bench.run import main

if __name__ == '__main__':
    sys.exit(main())
