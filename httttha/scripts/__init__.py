"""Console scripts."""
import argparse
import contextlib
import datetime

import transaction
from pyramid.paster import bootstrap, get_appsettings, setup_logging
from pyramid.request import Request


@contextlib.contextmanager
def opened(config_uri):
    """The application's root and registry for a script, committed at the
    end unless the script fails."""
    setup_logging(config_uri)
    env = bootstrap(config_uri)
    try:
        with transaction.manager:
            yield env['root'], env['registry'], env['request']
    finally:
        close(env)


def close(env):
    """End a bootstrapped script: its request's finished callbacks (the
    ZODB connection: Pyramid 1.9's closer leaves them to us), the
    environment and the databases, so FileStorage writes its index and
    unlocks."""
    env['request']._process_finished_callbacks()
    env['closer']()
    for db in getattr(env['registry'], '_zodb_databases', {}).values():
        db.close()


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            'ngày không hợp lệ (cần dạng YYYY-MM-DD): %r' % value)


def daily_mail_parser(prog, doc):
    """The arguments of a daily mailing script (the deadline digest, the
    report reminders): the ini file, ``--today`` and ``--url``."""
    parser = argparse.ArgumentParser(prog=prog,
                                     description=doc.split('\n')[0])
    parser.add_argument('config_uri')
    parser.add_argument('--today', type=_date, default=None,
                        help='ngày tính hạn, dạng YYYY-MM-DD (mặc định: '
                             'hôm nay theo giờ Việt Nam)')
    parser.add_argument('--url', default=None,
                        help='địa chỉ của ứng dụng trong các liên kết (mặc '
                             'định: httttha.public_url)')
    return parser


def run_daily_mail(args, run):
    """Run ``run(root, request, today)`` in one transaction, with a
    request whose links start at the site's public address, and print
    the translated summary it returns."""
    from ..services.settings import prepare_settings
    from ..vntime import local_time
    setup_logging(args.config_uri)
    # prepared as the application does: production gives the address
    # in HTTTHA_PUBLIC_URL
    url = args.url or prepare_settings(dict(get_appsettings(
        args.config_uri)))['httttha.public_url']
    today = args.today or local_time().date()
    env = bootstrap(args.config_uri,
                    request=Request.blank('/', base_url=url.rstrip('/')))
    try:
        with transaction.manager:
            summary = run(env['root'], env['request'], today)
        print(env['request'].localizer.translate(summary))
    finally:
        close(env)
    return 0
