"""httttha-report-reminders <ini> [--today YYYY-MM-DD]: e-mail each
unit's report administrators the periodic reports due within
``httttha.report_reminder_days`` days (default 3) and those missed since
the day before (D4, Công văn 1607/TCTHADS-VP Phụ lục 2).  Meant for cron,
once a day: each reminder goes once, so a second run sends nothing new.
The mail goes to the queue (``mail.queue_path``) when the transaction
commits; ``httttha-send-mail`` delivers it.  Links point to
``httttha.public_url``."""
import sys

from .. import _
from ..services.reports.reminders import remind
from . import daily_mail_parser, run_daily_mail


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
    args = daily_mail_parser('httttha-report-reminders',
                             __doc__).parse_args(argv)
    return run_daily_mail(args, run)


if __name__ == '__main__':  # pragma: no cover
    sys.exit(main())
