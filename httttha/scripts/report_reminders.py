"""httttha-report-reminders <ini> [--today YYYY-MM-DD]: e-mail each
unit's report administrators the periodic reports due within
``httttha.report_reminder_days`` days (default 3) and those missed since
the day before (D4, Công văn 1607/TCTHADS-VP Phụ lục 2).  Meant for cron,
once a day: each reminder goes once, so a second run sends nothing new.
The mail goes to the queue (``mail.queue_path``) when the transaction
commits; ``httttha-send-mail`` delivers it.  Links point to
``httttha.public_url``."""
import argparse
import sys

import transaction
from pyramid.paster import bootstrap, get_appsettings, setup_logging
from pyramid.request import Request

from .. import _
from ..services.reports.reminders import remind
from ..services.settings import prepare_settings
from ..vntime import local_time
from . import close
from .deadline_digest import _date


def run(root, request, today):
    """Send the reminders of ``today`` not sent yet; return a
    translatable one-line summary.  The caller commits."""
    stats = {}
    messages = remind(root, request, today, stats=stats)
    return _('report-reminders-summary',
             default='Report reminders of ${day}: ${due_soon} due soon and '
                     '${missed} missed reports in ${units} units, ${count} '
                     'e-mails queued.',
             mapping=dict(stats, day=today.strftime('%d/%m/%Y'),
                          count=len(messages)))


def main(argv=None):
    """The console script; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog='httttha-report-reminders', description=__doc__.split('\n')[0])
    parser.add_argument('config_uri')
    parser.add_argument('--today', type=_date, default=None,
                        help='ngày tính hạn, dạng YYYY-MM-DD (mặc định: '
                             'hôm nay theo giờ Việt Nam)')
    parser.add_argument('--url', default=None,
                        help='địa chỉ của ứng dụng trong các liên kết (mặc '
                             'định: httttha.public_url)')
    args = parser.parse_args(argv)
    setup_logging(args.config_uri)
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


if __name__ == '__main__':  # pragma: no cover
    sys.exit(main())
