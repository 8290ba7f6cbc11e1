"""httttha-send-mail <ini> [--once] [--interval SECONDS]: deliver the mail
queue (``mail.queue_path``) through the SMTP server of the ``mail.*``
settings.  A message the server does not take stays queued and is tried
again on the next round."""
import argparse
import collections
import logging
import os
import re
import smtplib
import sys
import time

from pyramid.paster import get_appsettings, setup_logging
from pyramid_mailer.mailer import Mailer
from repoze.sendmail.maildir import Maildir
from repoze.sendmail.queue import QueueProcessor

from ..services.notifications import ensure_maildir
from ..services.settings import MissingSetting, prepare_settings

log = logging.getLogger('httttha.mail')

NO_QUEUE = ('Chưa cấu hình hàng đợi thư (mail.queue_path): thư được gửi '
            'thẳng qua SMTP, không có hàng đợi nào để gửi.')


#: what one round did: messages sent, and messages that failed (kept for
#: the next round, or set aside when refused for good)
Round = collections.namedtuple('Round', 'sent failed')


class NoQueue(ValueError):
    """``mail.queue_path`` is not set."""


class _Queue(Maildir):
    """The queue without the dot files the processor leaves beside the
    messages (``.sending-*``, ``.rejected-*``): repoze.sendmail 4.5 lists
    them as messages, which would send a message twice and retry a
    rejected one for ever."""

    def __iter__(self):
        return iter([name for name in Maildir.__iter__(self)
                     if not os.path.basename(name).startswith('.')])


class _CRLF(object):
    """repoze.sendmail 4.5 sends bytes with bare LF line ends, which SMTP
    forbids (strict servers answer 500 and the message is discarded);
    smtplib converts str but not bytes."""

    def sendmail(self, from_addr, to_addrs, msg, *args, **kw):
        if isinstance(msg, bytes):
            msg = re.sub(rb'(?<!\r)\n', b'\r\n', msg)
        return super(_CRLF, self).sendmail(from_addr, to_addrs, msg,
                                           *args, **kw)


class _SMTP(_CRLF, smtplib.SMTP):
    pass


class _SMTP_SSL(_CRLF, smtplib.SMTP_SSL):
    pass


def smtp_mailer(settings):
    """The SMTP mailer of the ``mail.*`` settings, sending CRLF."""
    mailer = Mailer.from_settings(settings, 'mail.').smtp_mailer
    mailer.smtp = _SMTP_SSL if issubclass(mailer.smtp, smtplib.SMTP_SSL) \
        else _SMTP
    mailer.smtp_ssl = _SMTP_SSL
    return mailer


def _keep_charsets(message):
    """Mark each part with the charset of its Content-Type.  A message read
    back from the queue has none, and repoze.sendmail then relabels an
    encoded utf-8 part as us-ascii (repoze.sendmail issue #41)."""
    for part in message.walk():
        if not part.is_multipart() and part.get_charset() is None:
            charset = part.get_content_charset()
            if charset:
                part.set_charset(charset)


class _Attempt(object):
    """The SMTP mailer, remembering how the last sending went."""

    def __init__(self, mailer):
        self.mailer = mailer
        self.sent = False
        self.error = None

    def send(self, fromaddr, toaddrs, message):
        try:
            _keep_charsets(message)
            self.mailer.send(fromaddr, toaddrs, message)
            self.sent = True
        except smtplib.SMTPRecipientsRefused as e:
            self.error = e
            codes = [code for code, _msg in e.recipients.values()]
            if codes and all(500 <= code <= 599 for code in codes):
                # every address refused for good: a permanent error for
                # the processor (it only knows SMTPResponseException)
                code, msg = list(e.recipients.values())[0]
                raise smtplib.SMTPResponseException(code, msg)
            raise
        except BaseException as e:
            self.error = e
            raise


class Processor(QueueProcessor):
    """repoze.sendmail's processor logging to ``httttha.mail``, which tries
    a failed message again on the next round (repoze.sendmail leaves its
    ``.sending-`` claim after a failure and skips the message for three
    hours)."""
    log = log

    def __init__(self, mailer, queue_path):
        QueueProcessor.__init__(self, _Attempt(mailer), queue_path,
                                Maildir=_Queue)
        self.sent = self.failed = 0

    def _send_message(self, filename):
        attempt = self.mailer
        attempt.sent, attempt.error = False, None
        QueueProcessor._send_message(self, filename)
        self.sent += attempt.sent
        error = attempt.error
        if error is None:
            return
        self.failed += 1
        head, tail = os.path.split(filename)
        try:
            # the claim is ours: the processor made it before sending
            os.remove(os.path.join(head, '.sending-' + tail))
        except FileNotFoundError:
            pass
        if not isinstance(error, Exception):    # Ctrl-C, SystemExit
            raise error


def deliver(settings):
    """Send every queued message once; return the ``Round``."""
    queue_path = settings.get('mail.queue_path')
    if not queue_path:
        raise NoQueue(NO_QUEUE)
    ensure_maildir(queue_path)
    processor = Processor(smtp_mailer(settings), queue_path)
    processor.send_messages()
    done = Round(processor.sent, processor.failed)
    log.info('Đã gửi %d thư, %d thư không gửi được.', *done)
    return done


def summary(done):
    """The line printed by ``--once``."""
    line = 'Đã gửi %d thư.' % done.sent
    if done.failed:
        line += ' %d thư không gửi được (xem nhật ký httttha.mail).' \
            % done.failed
    return line


def run(settings, interval):
    """Deliver the queue every ``interval`` seconds until interrupted; a
    failing round is logged and the next one tries again."""
    while True:
        try:
            deliver(settings)
        except NoQueue:
            raise
        except Exception:
            log.exception('Lỗi khi gửi hàng đợi thư, sẽ thử lại sau %s giây.',
                          interval)
        time.sleep(interval)


def main(argv=None):
    """The console script; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog='httttha-send-mail', description=__doc__.split('\n')[0])
    parser.add_argument('config_uri')
    parser.add_argument('--once', action='store_true',
                        help='gửi hàng đợi một lần rồi thoát')
    parser.add_argument('--interval', type=float, default=30,
                        help='số giây giữa hai lượt gửi (mặc định 30)')
    args = parser.parse_args(argv)
    if args.interval <= 0:
        parser.error('--interval phải lớn hơn 0')
    setup_logging(args.config_uri)
    try:
        settings = prepare_settings(get_appsettings(args.config_uri))
        if args.once:
            done = deliver(settings)
            print(summary(done))
            if done.failed and not done.sent:
                # mail is down: cron and monitoring must be able to tell
                # this from "nothing to send"
                return 1
        else:
            run(settings, args.interval)
    except (NoQueue, MissingSetting) as e:
        print('Lỗi: %s' % e, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == '__main__':  # pragma: no cover
    sys.exit(main())
