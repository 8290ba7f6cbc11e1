"""E-mail to citizens (B13).  Messages go through pyramid_mailer's
transactional queue: they are written to the mail queue only when the
transaction commits, and ``httttha-send-mail`` delivers the queue (with
retries, a message stays queued until the SMTP server takes it).
Without a queue configured (``mail.queue_path``) they are sent directly,
still only after the commit."""
from pyramid.renderers import render
from pyramid_mailer import get_mailer
from pyramid_mailer.message import Message
from repoze.sendmail.maildir import Maildir

from .. import _
from ..content.dossier import VN


def lookup_url(request, dossier=None):
    """The public lookup page, with the code filled in when given."""
    query = {'ma': dossier.code} if dossier is not None else {}
    return request.resource_url(request.root, 'tra-cuu', query=query)


def _text(rendered):
    # Chameleon's text renderer gives bytes
    return rendered.decode('utf-8') if isinstance(rendered, bytes) \
        else rendered


def _send(request, message):
    mailer = get_mailer(request)
    if mailer.queue_delivery is not None:
        mailer.send_to_queue(message)
    else:
        mailer.send(message)


def submission_receipt(request, dossier, agency):
    """Tell the applicant their dossier code, the agency and where to look
    the dossier up.  Nothing is sent without an e-mail address."""
    email = dossier.applicant.get('email')
    if not email:
        return None
    values = {'dossier': dossier, 'agency': agency, 'tz': VN,
              'lookup_url': lookup_url(request, dossier),
              'procedure': request.localizer.translate(
                  dossier.procedure_title)}
    subject = request.localizer.translate(_(
        'mail-submitted-subject', default='Dossier ${code} received',
        mapping={'code': dossier.code}))
    message = Message(
        subject=subject, recipients=[email],
        body=_text(render('httttha:templates/mail/submitted.txt', values,
                          request)),
        html=_text(render('httttha:templates/mail/submitted.pt', values,
                          request)))
    _send(request, message)
    return message


def includeme(config):
    config.include('pyramid_mailer')
    queue = config.registry.settings.get('mail.queue_path')
    if queue:
        # made once at start: concurrent first sends would race to make it
        Maildir(queue, create=True)
