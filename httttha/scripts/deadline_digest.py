"""httttha-deadline-digest <ini> [--today YYYY-MM-DD] [--force]: mail each
agency's officers and leaders the list of their overdue and due-soon
dossiers (B10).  Meant for cron, once a day: nothing is sent on a day off,
nor by a second run on the same day, unless ``--force``.  The mail goes to the queue
(``mail.queue_path``) when the transaction commits; ``httttha-send-mail``
delivers it.  Links point to ``httttha.public_url``."""
import sys

from .. import _
from ..services.backoffice.deadlines import digest, ensure_calendar
from . import daily_mail_parser, run_daily_mail

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
    parser = daily_mail_parser('httttha-deadline-digest', __doc__)
    parser.add_argument('--force', action='store_true',
                        help='gửi lại dù hôm nay đã gửi')
    args = parser.parse_args(argv)
    return run_daily_mail(args, lambda root, request, today: run(
        root, request, today, args.force))


if __name__ == '__main__':  # pragma: no cover
    sys.exit(main())
