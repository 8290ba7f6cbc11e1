"""Handover to the case-management software (B6, "Chuyển thụ lý THA").

An HTTT01 dossier the agency transfers is sent, with every declared value
and the metadata of its files, to the case-management software through
``ICaseManagement``.  Sending goes through a queue kept in the database:
``request_handover`` marks the dossier pending and tries at once;
whatever fails stays pending and ``httttha-handover`` tries again, so a
dossier is never lost, and once the receiver has taken it (a 2xx reply)
it is never sent again.  Every request carries the dossier code as its
``Idempotency-Key``: a request repeated because our own transaction
failed after the receiver took it must be recognised there.

The receiver reports back the enforcement decision through the inbound
API (``views/api/casemanagement.py``), which calls ``store_decision``.
The contract of both directions is ``docs/case-management.openapi.yaml``.

Settings (all optional):

``httttha.case_management_url``            where the handover is POSTed
``httttha.case_management_token``          our bearer token there
``httttha.case_management_timeout``        seconds per attempt (10)
``httttha.case_management_quick_timeout``  seconds for the attempt made
                                           during the officer's request (3;
                                           0: no such attempt, the script
                                           sends)
``httttha.case_management_inbound_token``  the receiver's bearer token for
                                           our API (none: API refuses all)
``httttha.case_management_public_url``     base URL of our API in the
                                           payload's links (default:
                                           ``httttha.public_url``; never
                                           the request's Host header)
"""
import datetime
import hashlib
import hmac
import http.client
import itertools
import json
import logging
import random
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping

import colander
from BTrees.OOBTree import OOTreeSet
from persistent.mapping import PersistentMapping
from pyramid.i18n import make_localizer
from pyramid.interfaces import ILocalizer, ITranslationDirectories
from pyramid.traversal import find_root
from substanced.event import ObjectModified
from substanced.objectmap import find_objectmap
from substanced.util import get_oid
from translationstring import TranslationString
from zope.interface import Interface, implementer

from ... import _
from ...content.dossier import local_time, now
from ...workflows.dossier import state_of

log = logging.getLogger(__name__)

#: version of the payload's shape; bumped on incompatible changes
SCHEMA_VERSION = 1

#: the root's set of the oids of dossiers waiting to be handed over
PENDING_ATTR = '__httttha_handover_pending__'

#: stop a round after this many receivers in a row that did not answer:
#: when it is down there is no use waiting out every timeout
UNREACHABLE_STREAK = 3

#: the most of a refusal's body kept in ``last_error``
DETAIL_CHARS = 300

#: the most of a reply read (it is kept in the dossier)
MAX_REPLY = 1 << 20

SYSTEM = _('Case-management software')
SENT_MESSAGE = _('The dossier has been handed over to the enforcement '
                 'processing unit.')
DECISION_MESSAGE = _('Enforcement decision No. ${number} of ${date}')
#: what the officer reads: what happens, never a setting's name (the
#: administrator's screen names it: ``ADMIN_NOT_CONFIGURED``)
NOT_CONFIGURED = _('handover-not-connected',
                   default='The case-management software is not connected; '
                   'the dossier will be handed over automatically once it '
                   'is.')
#: a dossier the receiver refused (or that could not be prepared)
HELD = _('handover-held',
         default='The case-management software has not taken the dossier '
                 'yet; it is tried again automatically. If this lasts, '
                 'tell the system administrator.')
ADMIN_NOT_CONFIGURED = _(
    'handover-admin-not-configured',
    default='Handover to the case-management software (Chuyển thụ lý '
            'THA) is not configured: set httttha.case_management_url and '
            'httttha.case_management_token (environment '
            'HTTTHA_CASE_MANAGEMENT_URL and HTTTHA_CASE_MANAGEMENT_TOKEN). '
            '${count} dossier(s) are waiting.')
REFUSED = _('The case-management software answered ${status}: ${detail}')
UNREACHABLE = _('The case-management software could not be reached: '
                '${error}')
BROKEN = _('The handover could not be prepared: ${error}')
NOT_TRANSFERRED = _('Only a dossier transferred for enforcement can be '
                    'handed over.')

#: ``handover_state`` values, as shown to the staff
STATE_TITLES = {
    'pending': _('Waiting to be handed over'),
    'sent': _('Handed over'),
}


class ICaseManagement(Interface):
    """The case-management software that takes transferred dossiers."""

    def send(payload, timeout=None):
        """Deliver ``payload`` (the dict of ``handover_payload``); return
        the receiver's JSON reply as a dict, or raise ``HandoverFailed``.
        ``timeout``: seconds for this attempt (None: the
        implementation's own)."""


class HandoverFailed(Exception):
    """The receiver did not take the handover.  ``reason`` says why (a
    translation string); ``status`` is the HTTP status it answered, None
    when it did not answer at all."""

    def __init__(self, reason, status=None):
        Exception.__init__(self, reason)
        self.reason = reason
        self.status = status

    @property
    def unreachable(self):
        return self.status is None

    def __str__(self):
        reason = self.reason
        if isinstance(reason, TranslationString):
            return reason.interpolate()
        return str(reason)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is a refusal: urllib would turn the POST into a GET (a
    "success" that delivered nothing) and carry the token elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


@implementer(ICaseManagement)
class HttpCaseManagement(object):
    """POSTs the payload as UTF-8 JSON to ``url`` with the bearer
    ``token`` and the dossier code as ``Idempotency-Key``.  A 2xx reply
    is success; any other reply, a redirect or a network error raises
    ``HandoverFailed``."""

    def __init__(self, url, token, timeout=10):
        if urllib.parse.urlsplit(url).scheme not in ('http', 'https'):
            raise ValueError('httttha.case_management_url '
                             '(HTTTHA_CASE_MANAGEMENT_URL) phải là địa chỉ '
                             'http hoặc https: %r' % url)
        self.url = url
        self.token = token
        self.timeout = float(timeout)
        self._opener = urllib.request.build_opener(_NoRedirect)

    def send(self, payload, timeout=None):
        body = json.dumps(payload, ensure_ascii=False).encode('utf-8')
        request = urllib.request.Request(self.url, data=body, method='POST',
                                         headers={
            'Content-Type': 'application/json; charset=utf-8',
            'Accept': 'application/json',
            'Authorization': 'Bearer %s' % self.token,
            'Idempotency-Key': payload['code'],
            'User-Agent': 'httttha-handover/%d' % SCHEMA_VERSION,
        })
        timeout = self.timeout if timeout is None else timeout
        try:
            with self._opener.open(request, timeout=timeout) as response:
                status = response.status
                raw = response.read(MAX_REPLY)
        except urllib.error.HTTPError as e:
            raise HandoverFailed(_(REFUSED, mapping={
                'status': '%s %s' % (e.code, e.reason),
                'detail': _detail(e)}), status=e.code)
        except (OSError, http.client.HTTPException) as e:
            # URLError, refused, reset, timeout, bad status line
            error = getattr(e, 'reason', None) or e
            raise HandoverFailed(_(UNREACHABLE, mapping={
                'error': str(error) or type(error).__name__}))
        if not 200 <= status < 300:      # 1xx: not a reply we know
            raise HandoverFailed(_(REFUSED, mapping={
                'status': str(status), 'detail': ''}), status=status)
        return _reply(raw)


def _detail(error):
    try:
        text = error.read(DETAIL_CHARS * 4).decode('utf-8', 'replace')
    except (OSError, http.client.HTTPException):
        text = ''
    return ' '.join(text.split())[:DETAIL_CHARS]


def _reply(raw):
    """The receiver's reply as a dict: its JSON object, ``{}`` for an
    empty body, otherwise the body kept under ``raw``."""
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw.decode('utf-8'))
    except ValueError:
        return {'raw': raw.decode('utf-8', 'replace')[:2000]}
    return value if isinstance(value, dict) else {'reply': value}


@implementer(ICaseManagement)
class NotConfigured(object):
    """No receiver configured: every attempt fails with a reason that
    says so, and the dossiers stay pending until one is."""

    def send(self, payload, timeout=None):
        raise HandoverFailed(NOT_CONFIGURED)


def from_settings(settings):
    """The connector the settings describe."""
    url = (settings.get('httttha.case_management_url') or '').strip()
    token = (settings.get('httttha.case_management_token') or '').strip()
    if not (url and token):
        return NotConfigured()
    return HttpCaseManagement(url, token, timeout=float(settings.get(
        'httttha.case_management_timeout', 10)))


def case_management(registry):
    """The registered connector, or the one of the settings (scripts and
    tests that did not include this module)."""
    connector = registry.queryUtility(ICaseManagement)
    if connector is None:
        connector = from_settings(registry.settings)
    return connector


def includeme(config):
    """Register the connector of the settings."""
    connector = from_settings(config.registry.settings)
    if isinstance(connector, NotConfigured):
        log.warning('Chưa cấu hình phần mềm quản lý thi hành án '
                    '(httttha.case_management_url/_token): hồ sơ chuyển '
                    'thụ lý sẽ chờ trong hàng đợi.')
    config.registry.registerUtility(connector, ICaseManagement)


# the payload

def jsonable(value):
    """``value`` with dates in ISO 8601 and mappings and sequences as
    plain dicts and lists."""
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if value is colander.null or value is None:
        return None
    if isinstance(value, TranslationString):
        return value.interpolate()
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def measure(f):
    """(size in bytes, SHA-256 in hex) of the File ``f``."""
    digest, size = hashlib.sha256(), 0
    with f.blob.open('r') as stream:
        for chunk in iter(lambda: stream.read(1 << 16), b''):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _file_entry(base, slot, f):
    size, sha256 = measure(f)
    return {'name': f.__name__, 'slot': slot,
            'filename': f.title or f.__name__, 'mimetype': f.mimetype,
            'size': size, 'sha256': sha256,
            'url': '%s/tep/%s' % (base, urllib.parse.quote(f.__name__))}


def api_base(request, dossier):
    """Where the receiver reaches our API: the configured URLs, never the
    Host header of the request that asked for the handover (handovers
    asked before stored that, and it is ignored)."""
    settings = request.registry.settings
    base = settings.get('httttha.case_management_public_url') or \
        settings['httttha.public_url']
    return base.rstrip('/') + '/api/v1/ho-so/' + urllib.parse.quote(
        dossier.code)


def _latest(dossier, test):
    for entry in reversed(dossier.timeline):
        if test(entry):
            return entry
    return None


def _step(entry, when, by):
    if entry is None:
        return None
    return {when: jsonable(entry['when']), by: entry.get('who') or '',
            'note': entry.get('note') or ''}


def _originals(dossier):
    """The reception of the original papers, with the officer's
    checklist (paper, matches, note) when one was kept."""
    entry = _latest(dossier, lambda e: e['action'] == 'receive_originals')
    step = _step(entry, 'received_at', 'received_by')
    if step is not None:
        step['checklist'] = [
            {'label': item.get('label') or '',
             'matched': bool(item.get('matched')),
             'note': item.get('note') or ''}
            for item in entry.get('checklist') or ()]
    return step


def handover_payload(request, dossier):
    """What the case-management software receives (see the OpenAPI file):
    the dossier's identity, every declared value, the appointment and the
    reception of the original papers, and its files as metadata with a
    download link."""
    translate = vi_translate(request.registry)
    agency = dossier.agency
    appointment = _latest(dossier, lambda e: e.get('appointment'))
    handover = getattr(dossier, 'handover', None) or {}
    base = api_base(request, dossier)
    return {
        'schema_version': SCHEMA_VERSION,
        'code': dossier.code,
        'procedure': dossier.procedure,
        'procedure_title': translate(dossier.procedure_title),
        'agency': {'code': getattr(agency, 'code', None),
                   'title': getattr(agency, 'title', None)},
        'channel': dossier.channel,
        'submitted': jsonable(dossier.submitted),
        'requested_at': jsonable(handover.get('requested_at')),
        'declared': jsonable(dossier.declared),
        'appointment': None if appointment is None else dict(
            jsonable(appointment['appointment']),
            given_at=jsonable(appointment['when'])),
        'originals': _originals(dossier),
        'transfer': _step(_latest(
            dossier, lambda e: e['action'] == 'transfer'),
            'transferred_at', 'transferred_by'),
        'attachments': [_file_entry(base, slot, f)
                        for slot, f in dossier.attachments()],
        'decision_url': base + '/quyet-dinh',
    }


# the queue

def vi_translate(registry):
    """Translate into the site's language (Vietnamese): what is stored
    for the citizen does not depend on the officer's own language."""
    name = registry.settings.get('pyramid.default_locale_name', 'vi')
    localizer = registry.queryUtility(ILocalizer, name=name)
    if localizer is None:
        localizer = make_localizer(name, registry.queryUtility(
            ITranslationDirectories, default=[]))
        registry.registerUtility(localizer, ILocalizer, name=name)
    return localizer.translate


def pending_set(root, create=False):
    """The oids of the dossiers waiting to be handed over (None when
    there is no set yet and ``create`` is false)."""
    pending = getattr(root, PENDING_ATTR, None)
    if pending is None and create:
        pending = OOTreeSet()
        setattr(root, PENDING_ATTR, pending)
    return pending


def handover_state(dossier):
    """'pending', 'sent', or None when no handover was asked for."""
    handover = getattr(dossier, 'handover', None)
    return handover.get('state') if handover is not None else None


def request_handover(request, dossier):
    """Queue ``dossier`` (transferred: state ``in_processing``) for the
    case-management software and try to deliver it at once with a short
    timeout (``httttha.case_management_quick_timeout``; with 0 only the
    script sends).  Call it after ``act(request, dossier, 'transfer')``, as
    the last step of the same transaction: the receiver may take the
    dossier before that transaction commits, and a retried request sends
    it again under the same Idempotency-Key.  Returns the dossier's
    ``handover`` mapping; a dossier already sent is left as it is."""
    if state_of(dossier) != 'in_processing':
        raise ValueError(NOT_TRANSFERRED)
    handover = getattr(dossier, 'handover', None)
    if handover is not None and handover.get('state') == 'sent':
        return handover
    if handover is None:
        dossier.handover = handover = PersistentMapping({
            'state': 'pending', 'attempts': 0, 'last_error': None,
            'requested_at': now(), 'last_attempt_at': None,
            'sent_at': None, 'reply': None,
            'base_url': request.registry.settings['httttha.public_url'],
        })
    pending_set(find_root(dossier), create=True).add(get_oid(dossier))
    quick = float(request.registry.settings.get(
        'httttha.case_management_quick_timeout', 3))
    if quick > 0:     # 0: never make the officer wait, the script sends
        deliver(request, dossier, timeout=quick)
    return handover


def deliver(request, dossier, timeout=None):
    """Try once to hand ``dossier`` over; return True when it has been
    (now or before).  A failure is kept in ``handover`` (attempts,
    last_error) and logged; the dossier stays pending."""
    handover = getattr(dossier, 'handover', None)
    if handover is None:
        return False
    pending = pending_set(find_root(dossier))
    if handover['state'] == 'sent':
        if pending is not None:
            pending.discard(get_oid(dossier))
        return True
    registry = request.registry
    translate = vi_translate(registry)
    handover['attempts'] += 1
    handover['last_attempt_at'] = now()
    kw = {} if timeout is None else {'timeout': timeout}
    try:
        reply = case_management(registry).send(
            handover_payload(request, dossier), **kw)
    except HandoverFailed as e:
        handover['last_error'] = translate(e.reason)
        handover['unreachable'] = e.unreachable
        log.warning('Chưa chuyển được hồ sơ %s (lần %d): %s', dossier.code,
                    handover['attempts'], handover['last_error'])
        return False
    except Exception as e:
        # a bug must not cost the officer's transfer: it stays pending
        handover['last_error'] = translate(_(BROKEN, mapping={
            'error': '%s: %s' % (type(e).__name__, e)}))
        handover['unreachable'] = False
        log.exception('Lỗi khi chuyển hồ sơ %s', dossier.code)
        return False
    handover.update(state='sent', sent_at=now(), reply=reply,
                    last_error=None, unreachable=False)
    if pending is not None:
        pending.discard(get_oid(dossier))
    dossier.record('handover_sent', who=translate(SYSTEM),
                   message=translate(SENT_MESSAGE))
    registry.subscribers((ObjectModified(dossier), dossier), None)
    log.info('Đã chuyển hồ sơ %s sang phần mềm quản lý thi hành án '
             '(lần %d).', dossier.code, handover['attempts'])
    return True


class Round(object):
    """What a round of ``deliver_pending`` did."""

    def __init__(self):
        self.sent = 0
        self.failed = 0
        self.dropped = 0        # oids of dossiers gone or already sent
        self.stopped = False    # the receiver did not answer: cut short

    def __repr__(self):
        return '<Round sent=%d failed=%d dropped=%d stopped=%s>' % (
            self.sent, self.failed, self.dropped, self.stopped)


def _some(pending, limit):
    """Up to ``limit`` oids of ``pending``, from a random point round to
    it: dossiers that keep failing cannot starve the others."""
    if not pending:
        return []
    start = random.randint(pending.minKey(), pending.maxKey())
    return list(itertools.islice(itertools.chain(
        pending.keys(min=start),
        pending.keys(max=start, excludemax=True)), limit))


def deliver_pending(request, limit=100, commit=None):
    """Try every pending dossier (at most ``limit``) once; return a
    ``Round``.  ``request.root`` must be the application root.
    ``commit``, when given, is called after each dossier (the script
    commits there, so that one failure does not undo the others); it
    returns False when the dossier's changes could not be kept.  A round
    stops early after ``UNREACHABLE_STREAK`` dossiers in a row found the
    receiver unreachable."""
    done = Round()
    pending = pending_set(request.root)
    if pending is None:
        return done
    objectmap = find_objectmap(request.root)
    streak = 0
    for oid in _some(pending, limit):
        dossier = objectmap.object_for(oid)
        if dossier is None or handover_state(dossier) != 'pending':
            # deleted, or sent by someone else meanwhile
            pending.discard(oid)
            done.dropped += 1
            if commit is not None:
                commit()
            continue
        sent = deliver(request, dossier)
        if commit is not None and commit() is False:
            sent = False
        if sent:
            done.sent += 1
            streak = 0
            continue
        done.failed += 1
        handover = getattr(dossier, 'handover', None) or {}
        streak = streak + 1 if handover.get('unreachable') else 0
        if streak >= UNREACHABLE_STREAK:
            done.stopped = True
            break
    return done


def pending_count(root):
    pending = pending_set(root)
    return len(pending) if pending is not None else 0


def officer_note(handover):
    """What an officer reads of a handover that has not gone through: that
    it will go by itself, or (refused by the receiver) whom to tell; the
    technical reason (``last_error``) is for the logs and administrators."""
    if not handover or handover.get('state') == 'sent' or \
            not handover.get('last_error'):
        return None
    return NOT_CONFIGURED if handover.get('unreachable') else HELD


def admin_notes(request):
    """The lines of the system administrator's screen about the handover:
    the settings to give when no receiver is configured."""
    if not isinstance(case_management(request.registry), NotConfigured):
        return []
    return [_(ADMIN_NOT_CONFIGURED,
              mapping={'count': pending_count(request.root)})]


# the decision reported back

def store_decision(request, dossier, number, date, note=''):
    """Keep the enforcement decision the case-management software
    reports for ``dossier`` and tell the citizen.  The same decision
    reported again changes nothing; a different one replaces it (with a
    new timeline entry).  Returns 'stored', 'updated' or 'unchanged'."""
    current = getattr(dossier, 'decision', None)
    if current is not None and current['number'] == number and \
            current['date'] == date:
        if (note or '') != (current.get('note') or ''):
            dossier.decision = dict(current, note=note or '')
        return 'unchanged'
    registry = request.registry
    translate = vi_translate(registry)
    dossier.decision = {'number': number, 'date': date, 'note': note or '',
                        'received_at': now()}
    dossier.record(
        'decision_received', who=translate(SYSTEM),
        message=translate(_(DECISION_MESSAGE, mapping={
            'number': number, 'date': date.strftime('%d/%m/%Y')})),
        decision_number=number, decision_date=date)
    registry.subscribers((ObjectModified(dossier), dossier), None)
    log.info('Nhận quyết định thi hành án %s ngày %s cho hồ sơ %s',
             number, date.isoformat(), dossier.code)
    return 'updated' if current is not None else 'stored'


def today_in_vietnam():
    return local_time().date()


def tokens_match(given, expected):
    """Constant-time comparison of a bearer token with the configured
    one; never true when none is configured."""
    if not expected:
        return False
    return hmac.compare_digest((given or '').encode('utf-8'),
                               expected.encode('utf-8'))
