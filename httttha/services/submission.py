"""Online submission: drafts of the wizard and the final storing of a
dossier.  Views call these; the rules live here."""
import secrets

from pyramid.settings import asbool
from substanced.util import get_oid
from substanced.workflow import get_workflow

from .. import _
from ..content.dossier import CONTENT_TYPES, id_hash
from ..workflows.dossier import TYPE as WORKFLOW
from . import notifications
from .numbering import issue_code
from .scratch import Draft, ensure_scratch, expired, expiring_key, hit, sweep

SALT_ATTR = '__httttha_salt__'


def ensure_salt(root):
    """The site's key for hashing ID numbers, made once."""
    salt = getattr(root, SALT_ATTR, None)
    if salt is None:
        salt = secrets.token_hex(16)
        setattr(root, SALT_ATTR, salt)
    return salt


class Limits(object):
    """The submission settings, read once per registry."""

    def __init__(self, settings):
        mb = 1024 * 1024
        self.max_file = int(float(settings['httttha.upload_max_file_mb']) * mb)
        self.max_total = int(
            float(settings['httttha.upload_max_total_mb']) * mb)
        self.draft_seconds = int(float(settings['httttha.draft_hours']) * 3600)
        self.submit_limit = int(settings['httttha.submit_limit'])
        self.submit_window = int(
            settings['httttha.submit_window_minutes']) * 60
        self.captcha = asbool(settings['httttha.captcha'])


def limits(registry):
    value = getattr(registry, '_httttha_limits', None)
    if value is None:
        value = registry._httttha_limits = Limits(registry.settings)
    return value


def new_draft(root, registry, agency, procedure):
    """Start a draft (stored only once the citizen first sends the form);
    returns its token.  Expired drafts are swept on the way."""
    drafts = ensure_scratch(root).drafts
    sweep(drafts)
    token = expiring_key(limits(registry).draft_seconds)
    drafts[token] = Draft(get_oid(agency), procedure)
    return token


def get_draft(root, token):
    """The draft of ``token``, or None when unknown or expired."""
    if not isinstance(token, str) or expired(token):
        return None
    return ensure_scratch(root).drafts.get(token)


class Throttled(Exception):
    """Too many submissions from one client address."""
    message = _('Too many applications have been sent from your network '
                'in a short time. Please try again in an hour, or contact '
                'the agency.')


def may_submit(root, registry, client, count=False):
    """Whether ``client`` (an IP address) is under the submission limit;
    with ``count``, this submission is counted."""
    settings = limits(registry)
    counters = ensure_scratch(root).counters
    if count:
        sweep(counters)
    return hit(counters, 'submit', client, settings.submit_limit,
               settings.submit_window, count=count)


def submit(request, draft, agency):
    """Store ``draft`` as a new dossier of ``agency`` and return it;
    ``Throttled`` when the client address is over its limit.

    The draft remembers the code, so the same draft sent twice (a
    double click, a refresh) yields the same dossier: two concurrent
    sends both write the draft, so one of them conflicts and is retried,
    and the retry finds the code."""
    registry = request.registry
    if draft.code is not None:
        return agency['ho-so'].get(draft.code)
    if not may_submit(request.root, registry, request.client_addr,
                      count=True):
        raise Throttled()
    data = dict(draft.data)
    files = data.pop('files', {}) or {}
    dossier = create_dossier(request, agency, draft.procedure, data, files,
                             channel='online')
    for slot, info in files.items():
        if info:
            attach(registry, dossier, draft, slot, info)
    draft.code = dossier.code
    draft.data = None
    draft.files.clear()
    notifications.submission_receipt(request, dossier)
    return dossier


def create_dossier(request, agency, procedure, data, files, channel,
                   **entry):
    """Store a new dossier of ``agency`` from the application's ``data``
    (``files``: slot -> upload info, recorded by filename) and start its
    workflow and deadlines; the caller adds the files.  ``entry`` goes
    into the first timeline entry."""
    from . import deadlines
    root, registry = request.root, request.registry
    data = dict(data)
    data['files'] = {slot: f['filename'] for slot, f in files.items() if f}
    code = issue_code(root)
    content_type = CONTENT_TYPES[procedure]
    dossier = registry.content.create(
        content_type, code=code, data=data, agency_oid=get_oid(agency),
        channel=channel,
        id_hash=id_hash(data['applicant']['id_number'], ensure_salt(root)))
    get_workflow(request, WORKFLOW, content_type).initialize(dossier, request)
    deadlines.on_submit(dossier, deadlines.get_calendar(root))
    who = entry.pop('who', None) or data['applicant']['full_name']
    dossier.record('submitted', who=who, state='submitted', **entry)
    agency['ho-so'].add(code, dossier, registry=registry)
    return dossier


def attach(registry, dossier, draft, slot, info):
    """Move the upload ``info`` of ``draft`` into ``dossier`` as the
    citizen's file for ``slot``."""
    with draft.files.open(info['uid']) as stream:
        return dossier.add_file(registry, stream, info['filename'],
                                info['mimetype'], is_attachment=True,
                                slot=slot)
