"""httttha-deadline-digest <ini> [--today YYYY-MM-DD] [--force]: mail each
agency's officers and leaders the list of their overdue and due-soon
dossiers (B10).  Meant for cron, once a day: nothing is sent on a day off,
nor by a second run on the same day, unless ``--force``.  The mail goes to the queue
(``mail.queue_path``) when the transaction commits; ``httttha-send-mail``
delivers it.  Links point to ``httttha.public_url``."""
import argparse
import datetime
import sys

import transaction
from pyramid.paster import bootstrap, get_appsettings, setup_logging
from pyramid.request import Request

from .. import _
from ..content.dossier import local_time
from ..services.backoffice.deadlines import digest, ensure_calendar
from ..services.settings import prepare_settings
from . import close

def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            'ngày không hợp lệ (cần dạng YYYY-MM-DD): %r' % value)


def run(root, request, today, force=False):
    """Send the digest of ``today`` unless it was sent already; return a
    translatable one-line summary.  The caller commits."""
    store = ensure_calendar(root)
    if not force and not store.calendar().is_working_day(today):
        return _('digest-day-off',
                 default='${day} is not a working day: no deadline digest.',
                 mapping={'day': today.strftime('%d/%m/%Y')})
    if store.last_digest == today.isoformat() and not force:
        return _('digest-already-sent',
                 default='The deadline digest of ${day} was already sent.',
                 mapping={'day': today.strftime('%d/%m/%Y')})
    stats = {}
    messages = digest(root, request, today, stats=stats)
    store.last_digest = today.isoformat()
    return _('digest-summary',
             default='Deadline digest of ${day}: ${overdue} overdue and '
                     '${due_soon} due-soon dossiers in ${agencies} agencies, '
                     '${count} e-mails queued.',
             mapping=dict(stats, day=today.strftime('%d/%m/%Y'),
                          count=len(messages)))


def main(argv=None):
    """The console script; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog='httttha-deadline-digest', description=__doc__.split('\n')[0])
    parser.add_argument('config_uri')
    parser.add_argument('--today', type=_date, default=None,
                        help='ngày tính hạn, dạng YYYY-MM-DD (mặc định: '
                             'hôm nay theo giờ Việt Nam)')
    parser.add_argument('--force', action='store_true',
                        help='gửi lại dù hôm nay đã gửi')
    parser.add_argument('--url', default=None,
                        help='địa chỉ của ứng dụng trong các liên kết (mặc '
                             'định: httttha.public_url)')
    args = parser.parse_args(argv)
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
            summary = run(env['root'], env['request'], today, args.force)
        print(env['request'].localizer.translate(summary))
    finally:
        close(env)
    return 0


if __name__ == '__main__':  # pragma: no cover
    sys.exit(main())
