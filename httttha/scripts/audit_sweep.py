"""httttha-audit-sweep <ini> [--batch N]: index the audit journal and
remove the entries older than ``httttha.audit_retention_days`` (C5).
Meant for cron, once a day; a batch of removals per transaction, so it
never holds a long one while the servers write."""
import argparse
import sys

from pyramid.paster import bootstrap, setup_logging

from ..services.administration.audit.store import database
from ..services.administration.audit.sweep import retention_days, sweep_all
from . import close


def main(argv=None):
    parser = argparse.ArgumentParser(prog='httttha-audit-sweep',
                                     description=__doc__.split('\n')[0])
    parser.add_argument('config_uri')
    parser.add_argument('--batch', type=int, default=50000,
                        help='entries removed per transaction')
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    setup_logging(args.config_uri)
    env = bootstrap(args.config_uri)
    try:
        registry = env['registry']
        if database(registry) is None:
            parser.error('no audit database (zodbconn.uri.audit)')
        indexed, removed = sweep_all(registry, args.batch)
        print('Nhật ký hệ thống: %d mục được lập chỉ mục, %d mục quá %d '
              'ngày đã xóa.' % (indexed, removed,
                                retention_days(registry.settings)))
    finally:
        close(env)
    return 0


if __name__ == '__main__':
    sys.exit(main())
