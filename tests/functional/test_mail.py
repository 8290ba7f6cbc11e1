"""Mail to citizens (B13) over a real SMTP conversation: the receipt is
queued only when the transaction commits, and ``httttha-send-mail``
delivers the queue, keeping what the server does not take."""
import email
import email.policy
import logging
import os

import pytest
import transaction
from aiosmtpd.controller import Controller
from pyramid.request import Request
from pyramid.scripting import prepare
from substanced.util import get_oid

from httttha.scripts.send_mail import deliver, main
from httttha.services.notifications import submission_receipt

from .submission import VALUES, fill, open_form

AGENCY_TITLE = 'Chi cục Thi hành án dân sự quận Ba Đình'
SENDER = 'hotro@example.invalid'


class Handler(object):
    """Keeps every envelope; ``refuse`` gives the RCPT answer instead."""

    def __init__(self):
        self.envelopes = []
        self.refuse = None

    async def handle_RCPT(self, server, session, envelope, address,
                          rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return '250 Message accepted for delivery'

    def messages(self):
        return [email.message_from_bytes(e.content,
                                         policy=email.policy.default)
                for e in self.envelopes]


class LocalController(Controller):
    """aiosmtpd 1.4.6 keeps the port it was given: with port 0 it would
    test its server on port 0.  Take the bound port first."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        Controller._trigger_server(self)


@pytest.fixture
def smtp():
    controller = LocalController(Handler(), hostname='127.0.0.1', port=0)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


def queued(settings, sub='new'):
    """Names of the messages waiting in the queue (or its ``tmp``)."""
    folder = os.path.join(settings['mail.queue_path'], sub)
    if not os.path.isdir(folder):
        return []
    return sorted(os.listdir(folder))


def with_port(settings, port):
    return dict(settings, **{'mail.port': str(port)})


def queue_receipt(app, code='K7Q-4M2-XD9'):
    """Call the receipt as submit() does, in a transaction left open."""
    registry = app.app.registry
    request = Request.blank('/', base_url='http://thads.example.com')
    env = prepare(request=request, registry=registry)
    request.root = env['root']
    transaction.begin()
    agency = env['root']['thads']['cuc-thads-ha-noi'][
        'chi-cuc-thads-ba-dinh']
    dossier = registry.content.create(
        'Dossier HTTT01', code=code, agency_oid=get_oid(agency),
        data={'applicant': {'full_name': 'Nguyễn Thị Hương',
                            'email': 'huong@example.com'}})
    dossier.__parent__ = agency['ho-so']      # not stored: nothing to undo
    message = submission_receipt(request, dossier)
    assert message is not None

    def closer():
        # Pyramid 1.9's closer leaves the finished callbacks (the ZODB
        # connection) to us
        request._process_finished_callbacks()
        env['closer']()
    return closer


def test_submission_receipt_end_to_end(app_factory, smtp):
    app = app_factory(**{'httttha.captcha': 'false',
                         'mail.host': '127.0.0.1',
                         'mail.port': str(smtp.port)})
    settings = app.app.registry.settings
    page = open_form(app, 'HTTT02')
    form = page.forms['application']
    fill(form, VALUES['HTTT02'])
    fill(form, {'declaration': True})
    preview = form.submit('continue').follow()
    assert queued(settings) == []          # nothing before the last step
    result = preview.forms[0].submit('confirm').follow()
    code = result.html.select_one('#code').get_text()

    # queued, not sent: the SMTP server has heard nothing yet
    (name,) = queued(settings)
    assert queued(settings, 'tmp') == []
    assert smtp.handler.envelopes == []
    with open(os.path.join(settings['mail.queue_path'], 'new', name),
              'rb') as f:
        raw = f.read()
    # 7-bit on disk: the queue does not depend on the locale's encoding
    raw.decode('ascii')

    assert deliver(settings).sent == 1
    (envelope,) = smtp.handler.envelopes
    assert envelope.mail_from == SENDER
    assert envelope.rcpt_tos == ['huong@example.com']
    (message,) = smtp.handler.messages()
    assert message['To'] == 'huong@example.com'
    assert message['X-Actually-To'] is None      # queue headers stripped
    assert code in message['Subject']
    text = message.get_body(('plain',)).get_content()
    assert code in text
    assert 'Kính gửi Nguyễn Thị Hương,' in text
    assert AGENCY_TITLE in text
    link = 'http://thads.example.com/tra-cuu?ma=%s&don-vi=001' % code
    assert link in text
    html = message.get_body(('html',))
    assert html is not None and html.get_content_type() == 'text/html'
    assert 'href="%s"' % link.replace('&', '&amp;') in html.get_content()
    assert AGENCY_TITLE in html.get_content()

    # delivered once: the queue is empty and the next round sends nothing
    assert queued(settings) == []
    assert deliver(settings).sent == 0
    assert len(smtp.handler.envelopes) == 1


def commit_receipt(app):
    """Queue a receipt and commit."""
    closer = queue_receipt(app)
    try:
        transaction.commit()
    finally:
        closer()


def test_no_mail_when_the_transaction_aborts(app_factory, smtp):
    app = app_factory(**{'mail.port': str(smtp.port)})
    settings = app.app.registry.settings
    closer = queue_receipt(app)
    try:
        # written aside until the commit, nothing in the queue proper
        assert len(queued(settings, 'tmp')) == 1
        assert queued(settings) == []
        transaction.abort()
    finally:
        closer()
    assert queued(settings, 'tmp') == []
    assert queued(settings) == []
    assert deliver(settings).sent == 0
    assert smtp.handler.envelopes == []

    # the same with a commit is delivered
    commit_receipt(app)
    assert len(queued(settings)) == 1
    assert deliver(settings).sent == 1
    (message,) = smtp.handler.messages()
    assert 'K7Q-4M2-XD9' in message['Subject']
    assert queued(settings) == []


def test_failing_server_keeps_the_message(app_factory, smtp, closed_port,
                                          caplog):
    app = app_factory(**{'mail.port': str(smtp.port)})
    settings = app.app.registry.settings
    commit_receipt(app)
    (name,) = queued(settings)

    down = with_port(settings, closed_port)
    with caplog.at_level(logging.INFO, logger='httttha.mail'):
        assert deliver(down).sent == 0                # no exception either
        assert deliver(down).sent == 0
    assert queued(settings) == [name]            # kept, and nothing else
    errors = [r for r in caplog.records
              if r.name == 'httttha.mail' and r.levelno == logging.ERROR]
    assert len(errors) == 2
    assert 'huong@example.com' in errors[0].getMessage()
    assert errors[0].exc_info[0] is ConnectionRefusedError

    # the server is back: sent at the next round, once
    assert deliver(settings).sent == 1
    assert len(smtp.handler.envelopes) == 1
    assert queued(settings) == []
    assert deliver(settings).sent == 0
    assert len(smtp.handler.envelopes) == 1


def test_transient_refusal_is_retried(app_factory, smtp):
    app = app_factory(**{'mail.port': str(smtp.port)})
    settings = app.app.registry.settings
    commit_receipt(app)
    smtp.handler.refuse = '451 4.3.0 Try again later'
    assert deliver(settings).sent == 0
    assert len(queued(settings)) == 1
    smtp.handler.refuse = None
    assert deliver(settings).sent == 1
    assert [e.rcpt_tos for e in smtp.handler.envelopes] == [
        ['huong@example.com']]
    assert queued(settings) == []


def test_permanent_refusal_is_dropped(app_factory, smtp):
    app = app_factory(**{'mail.port': str(smtp.port)})
    settings = app.app.registry.settings
    commit_receipt(app)
    smtp.handler.refuse = '550 5.1.1 Mailbox unavailable'
    assert deliver(settings).sent == 0
    # set aside (kept for a look), never tried again
    assert [n for n in queued(settings) if not n.startswith('.')] == []
    assert [n for n in queued(settings) if n.startswith('.rejected-')]
    smtp.handler.refuse = None
    assert deliver(settings).sent == 0
    assert smtp.handler.envelopes == []


def test_command_line(app_factory, smtp, tmp_path, monkeypatch, capsys):
    app = app_factory(**{'mail.port': '1'})
    settings = app.app.registry.settings
    commit_receipt(app)
    ini = tmp_path / 'mail.ini'
    ini.write_text('[app:main]\nuse = egg:httttha\nmail.host = 127.0.0.1\n'
                   'mail.port = 1\nmail.default_sender = %s\n'
                   'mail.queue_path = %s\n' % (
                       SENDER, settings['mail.queue_path']))
    # the environment wins over the file, as in production
    monkeypatch.setenv('HTTTHA_SMTP_PORT', str(smtp.port))
    monkeypatch.delenv('HTTTHA_MAIL_QUEUE', raising=False)
    assert main([str(ini), '--once']) == 0
    assert 'Đã gửi 1 thư.' in capsys.readouterr().out
    assert len(smtp.handler.envelopes) == 1
    assert queued(settings) == []

    ini.write_text('[app:main]\nuse = egg:httttha\nmail.host = 127.0.0.1\n')
    assert main([str(ini), '--once']) == 2
    assert 'mail.queue_path' in capsys.readouterr().err


def _ini(tmp_path, settings, port):
    ini = tmp_path / 'mail.ini'
    ini.write_text('[app:main]\nuse = egg:httttha\nmail.host = 127.0.0.1\n'
                   'mail.port = %s\nmail.default_sender = %s\n'
                   'mail.queue_path = %s\n' % (
                       port, SENDER, settings['mail.queue_path']))
    return str(ini)


def test_command_line_fails_when_nothing_could_be_sent(
        app_factory, smtp, tmp_path, monkeypatch, capsys):
    """Cron and monitoring tell "mail is down" (exit 1) from "nothing to
    send" (exit 0)."""
    app = app_factory(**{'mail.port': str(smtp.port)})
    settings = app.app.registry.settings
    commit_receipt(app)
    monkeypatch.delenv('HTTTHA_SMTP_PORT', raising=False)
    monkeypatch.delenv('HTTTHA_MAIL_QUEUE', raising=False)
    ini = _ini(tmp_path, settings, smtp.port)
    smtp.handler.refuse = '451 4.3.0 Try again later'
    assert main([ini, '--once']) == 1
    out = capsys.readouterr().out
    assert 'Đã gửi 0 thư. 1 thư không gửi được' in out
    assert len(queued(settings)) == 1            # kept for the next round

    smtp.handler.refuse = None
    assert main([ini, '--once']) == 0
    assert 'Đã gửi 1 thư.' in capsys.readouterr().out
    assert main([ini, '--once']) == 0            # nothing left to send
    assert capsys.readouterr().out.strip() == 'Đã gửi 0 thư.'
    assert len(smtp.handler.envelopes) == 1


def test_an_existing_empty_queue_directory_is_used(app_factory, smtp,
                                                  tmp_path):
    """A queue directory made beforehand (by a package, by an
    administrator) is made a Maildir instead of stopping the start."""
    queue = tmp_path / 'empty-queue'
    queue.mkdir()
    app = app_factory(**{'mail.port': str(smtp.port),
                         'mail.queue_path': str(queue)})
    settings = app.app.registry.settings
    assert sorted(os.listdir(queue)) == ['cur', 'new', 'tmp']
    commit_receipt(app)
    assert len(queued(settings)) == 1
    assert deliver(settings) == (1, 0)
    assert [e.rcpt_tos for e in smtp.handler.envelopes] == [
        ['huong@example.com']]
