"""E-mail to citizens (B13).  Messages go through pyramid_mailer's
transactional queue: they are written to the mail queue only when the
transaction commits, and ``httttha-send-mail`` delivers the queue (with
retries, a message stays queued until the SMTP server takes it).
Without a queue configured (``mail.queue_path``) they are sent directly,
still only after the commit."""
import os
from email.header import Header

from pyramid.renderers import render
from pyramid_mailer import get_mailer
from pyramid_mailer.interfaces import IMailer
from pyramid_mailer.mailer import Mailer as _Mailer
from pyramid_mailer.message import Attachment, Message
from repoze.sendmail.delivery import (
    MailDataManager,
    MailDataManagerState,
    QueuedMailDelivery,
)
from repoze.sendmail.maildir import Maildir

from .. import _
from ..content.dossier import VN
from ..printing.timeline import notice_pdf
from .settings import lookup_url, public_url


def dossier_url(request, dossier):
    """The citizen's page of ``dossier`` (it asks for the ID number)."""
    return public_url(request, request.root, 'ho-so', dossier.code)


def as_text(rendered):
    """A rendered template as text (Chameleon's text renderer gives
    bytes)."""
    return rendered.decode('utf-8') if isinstance(rendered, bytes) \
        else rendered


def send(request, message):
    """Queue ``message`` (sent when the transaction commits)."""
    mailer = get_mailer(request)
    if mailer.queue_delivery is not None:
        mailer.send_to_queue(message)
    else:
        mailer.send(message)


def _mail_applicant(request, dossier, template, subject, attachments=(),
                    **values):
    """Send the applicant of ``dossier`` the mail ``template`` (``.txt``
    and ``.pt`` under templates/mail).  Nothing is sent without an e-mail
    address."""
    email = dossier.applicant.get('email')
    if not email:
        return None
    values.update({
        'dossier': dossier, 'agency': dossier.agency, 'tz': VN,
        'lookup_url': lookup_url(request, dossier),
        'dossier_url': dossier_url(request, dossier),
        'procedure': request.localizer.translate(dossier.procedure_title)})
    path = 'httttha:templates/mail/%s.' % template
    message = Message(
        subject=request.localizer.translate(subject), recipients=[email],
        body=as_text(render(path + 'txt', values, request)),
        html=as_text(render(path + 'pt', values, request)),
        attachments=list(attachments))
    send(request, message)
    return message


def submission_receipt(request, dossier):
    """Tell the applicant their dossier code, the agency and where to look
    the dossier up."""
    return _mail_applicant(request, dossier, 'submitted', _(
        'mail-submitted-subject', default='Dossier ${code} received',
        mapping={'code': dossier.code}))


def supplement_receipt(request, dossier, changes):
    """Confirm a supplement: what changed (labels only) and where to
    follow the dossier."""
    return _mail_applicant(request, dossier, 'resubmitted', _(
        'mail-resubmitted-subject', default='Dossier ${code} supplemented',
        mapping={'code': dossier.code}), changes=changes,
        changes_text='\n'.join('    - ' + c['label'] for c in changes))


class _QueuedMessage(MailDataManager):
    """repoze.sendmail's data manager of a queued message, aborting as
    the transaction package expects when a commit fails.

    A message is written to the queue's ``tmp/`` when it is sent and
    moved to ``new/`` when the transaction commits.  When the commit
    fails after its first phase began (a database ``ConflictError``,
    which pyramid_retry then retries), the transaction calls ``abort``
    and then ``tpc_abort`` on every data manager: repoze.sendmail's
    ``abort`` raises ``TPC_InProgress`` there (logged as an error at
    every retried conflict) and neither drops the written message, which
    stayed in ``tmp/`` until garbage collection.  Here ``abort`` leaves
    that case to ``tpc_abort``, which drops the message; and once the
    message is queued or dropped, ``abort`` (which a transaction with
    after-commit hooks calls on every data manager after committing)
    has nothing left to do, where repoze.sendmail's raises."""

    def abort(self, trans):
        if self.tpc_phase == 0 and self.state not in (
                MailDataManagerState.TPC_FINISHED,
                MailDataManagerState.TPC_ABORTED):
            MailDataManager.abort(self, trans)

    def tpc_abort(self, trans):
        MailDataManager.tpc_abort(self, trans)
        if self.onAbort is not None:
            self.onAbort()


class _QueuedDelivery(QueuedMailDelivery):
    def createDataManager(self, fromaddr, toaddrs, message):
        # as repoze.sendmail's, without copying the message first (by
        # writing it out and parsing it again) to add two headers: the
        # message is made for this one sending (pyramid_mailer's
        # to_message) and send() has already added its own to it
        message['X-Actually-From'] = Header(fromaddr, 'utf-8')
        message['X-Actually-To'] = Header(','.join(toaddrs), 'utf-8')
        pending = Maildir(self.queuePath, True).add(message)
        return _QueuedMessage(
            pending.commit, onAbort=pending.abort,
            transaction_manager=self.transaction_manager)


class Mailer(_Mailer):
    """pyramid_mailer's mailer queueing through ``_QueuedDelivery``
    (``bind``, which ``get_mailer`` calls for each request, keeps the
    class)."""

    def __init__(self, **kw):
        _Mailer.__init__(self, **kw)
        if self.queue_delivery is not None:
            self.queue_delivery = _QueuedDelivery(
                self.queue_path, transaction_manager=self.transaction_manager)


def includeme(config):
    # substanced includes pyramid_mailer (registering its mailer and
    # request.mailer, which looks the mailer up): ours replaces it
    config.include('pyramid_mailer')
    config.registry.registerUtility(
        Mailer.from_settings(config.registry.settings, 'mail.'), IMailer)
    queue = config.registry.settings.get('mail.queue_path')
    if queue:
        # made once at start: concurrent first sends would race to make it
        ensure_maildir(queue)


def ensure_maildir(path):
    """Make the mail queue ``path`` a Maildir: repoze.sendmail makes one
    only where nothing exists and refuses a directory without its three
    folders (an empty one an administrator or a package made first)."""
    for sub in ('cur', 'new', 'tmp'):
        os.makedirs(os.path.join(path, sub), exist_ok=True)


def agency_response(request, dossier, entry):
    """A copy of the agency's answer ``entry`` (the dossier page is the
    source of truth): the message, the appointment, the notice as PDF."""
    from ..content.dossier import action_title
    translate = request.localizer.translate
    attachments = []
    if entry.get('slip'):
        attachments.append(Attachment(
            'thong-bao-%s.pdf' % dossier.code, 'application/pdf',
            notice_pdf(request, dossier, entry)))
    appointment = entry.get('appointment')
    return _mail_applicant(
        request, dossier, 'response', _(
            'mail-response-subject', default='Dossier ${code}: ${action}',
            mapping={'code': dossier.code,
                     'action': translate(action_title(dossier, entry))}),
        attachments=attachments, entry=entry,
        action=translate(action_title(dossier, entry)),
        appointment=appointment,
        appointment_text=_appointment_text(appointment),
        survey_url=_survey_url(request, dossier, entry))


def _survey_url(request, dossier, entry):
    """The satisfaction survey of a dossier that has its result: a link
    with its token (no ID number needed), or None."""
    from substanced.util import get_oid
    from ..content.survey import ANSWERABLE, survey_token
    if entry.get('state') not in ANSWERABLE:
        return None
    return public_url(request, request.root, 'danh-gia', 'ho-so',
                      dossier.code, query={
                          'ma': survey_token(request.registry,
                                             get_oid(dossier))})


def _appointment_text(appointment):
    if not appointment:
        return ''
    parts = [appointment['date'].strftime('%d/%m/%Y')
             if hasattr(appointment.get('date'), 'strftime')
             else appointment.get('date') or '']
    parts += [appointment.get(k) or '' for k in ('time', 'place')]
    text = ', '.join(p for p in parts if p)
    if appointment.get('officer'):
        text += '; cán bộ: %s' % appointment['officer']
    if appointment.get('contact'):
        text += '; liên hệ: %s' % appointment['contact']
    return text
