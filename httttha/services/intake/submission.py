"""Online submission: drafts of the wizard and the final storing of a
dossier.  Views call these; the rules live here."""
import logging
import secrets
import threading

from pyramid.settings import asbool
from substanced.event import subscribe_root_added
from substanced.util import get_oid
from substanced.workflow import get_workflow

from ... import _
from ...content.dossier import CONTENT_TYPES, id_hash
from ...workflows.dossier import TYPE as WORKFLOW
from .. import notifications
from .numbering import issue_code
from .scratch import (
    UPLOAD_WINDOW, Draft, count_upload, ensure_scratch, expired, expiring_key,
    hit, sweep, uploaded)

log = logging.getLogger(__name__)

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
        self.draft_limit = int(settings['httttha.draft_limit'])
        self.draft_uploads_max = int(
            float(settings['httttha.draft_uploads_max_mb']) * mb)


def limits(registry):
    value = getattr(registry, '_httttha_limits', None)
    if value is None:
        value = registry._httttha_limits = Limits(registry.settings)
    return value


class DraftRefused(Exception):
    """No draft may be stored now: too many from one client address, or
    the drafts' uploads are at their cap.  ``message`` says it to the
    citizen."""

    def __init__(self, message):
        Exception.__init__(self, message)
        self.message = message


TOO_MANY_DRAFTS = _(
    'draft-too-many', default='Too many forms have been sent from your '
    'network in the last hour. Please try again later, or contact the '
    'agency.')
UPLOADS_FULL = _(
    'draft-uploads-full', default='The service cannot keep more attached '
    'files for the moment. Please try again in a few hours, or file the '
    'request at the agency.')


def new_draft(root, registry, agency, procedure, client):
    """Start a draft for ``client`` (an IP address), stored when the
    citizen sends the form, valid or not, with its uploads; returns its
    token.  Expired drafts are swept on the way.  Raises ``DraftRefused``
    over the client's hourly limit or the uploads' cap, so that one
    address cannot fill the disk with forms that never validate."""
    settings = limits(registry)
    scratch = ensure_scratch(root)
    if uploaded(scratch) >= settings.draft_uploads_max:
        raise DraftRefused(UPLOADS_FULL)
    sweep(scratch.counters)
    if not hit(scratch.counters, 'draft', client, settings.draft_limit,
               UPLOAD_WINDOW):
        raise DraftRefused(TOO_MANY_DRAFTS)
    drafts = scratch.drafts
    sweep(drafts)
    token = expiring_key(settings.draft_seconds)
    drafts[token] = Draft(get_oid(agency), procedure)
    return token


def count_draft_uploads(root, registry, draft):
    """Count what this request uploaded into ``draft`` against the cap."""
    count_upload(ensure_scratch(root), draft.files.written(),
                 limits(registry).draft_seconds)


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


#: how long a submission waits for the others of this process (seconds)
#: before it goes on beside them (a conflict is then retried)
CREATE_WAIT = 10

_creating = threading.Lock()

#: the PostgreSQL advisory lock of dossier creation ("HTTTHA" in ASCII)
CLUSTER_LOCK_KEY = 0x485454544841


class ClusterLock(object):
    """The processes' turn at creating dossiers when they share one
    PostgreSQL (RelStorage): a session-level advisory lock, taken on a
    connection of this process's own.  Only the thread holding the
    process's lock uses it, so one connection is enough."""

    def __init__(self, connmanager):
        self.connmanager = connmanager
        self.conn = None

    def _execute(self, sql, *args):
        if self.conn is None:
            self.conn, cursor = self.connmanager.open()
            cursor.close()
        with self.conn.cursor() as cursor:
            cursor.execute(sql, args)
        self.conn.commit()      # the lock outlives the transaction

    def acquire(self, timeout):
        """Whether the turn was had within ``timeout`` seconds (False on
        a timeout or a lost connection: the submission goes on without it
        and a conflict, if any, is retried)."""
        try:
            self._execute("SET lock_timeout = '%sms'" % int(timeout * 1000))
            self._execute('SELECT pg_advisory_lock(%s)', CLUSTER_LOCK_KEY)
            return True
        except Exception:
            log.warning('no turn across processes for this submission',
                        exc_info=True)
            self._drop()
            return False

    def release(self):
        try:
            self._execute('SELECT pg_advisory_unlock(%s)', CLUSTER_LOCK_KEY)
        except Exception:
            # the lock went with the connection
            self._drop()

    def _drop(self):
        conn, self.conn = self.conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:
                pass


def cluster_lock(registry):
    """The ``ClusterLock`` of this process, or None on a storage of one
    process (FileStorage: the process's lock is the whole turn)."""
    lock = getattr(registry, '_httttha_cluster_lock', False)
    if lock is False:
        storage = registry._zodb_databases[''].storage
        manager = getattr(getattr(storage, '_adapter', None), 'connmanager',
                          None)
        lock = registry._httttha_cluster_lock = (
            ClusterLock(manager) if manager is not None else None)
    return lock


def one_at_a_time(request):
    """Hold this process's lock on creating dossiers until the current
    transaction ends (committed or aborted), and go on from a fresh view
    of the database: the request's transaction is begun anew, so call it
    before the request has written anything.

    A new dossier and its file change the same structures in every
    submission: Substance D's object map (paths, extents, the path
    index), the catalogs' indexes, the agency's folder.  They are BTrees,
    and inserting into a BTree reads its inner nodes as current, so two
    submissions in flight at once conflict whenever either splits a
    bucket that the other's tree nodes lead to, which happens every few
    insertions: with a few clients, more than one submission in two was
    retried, and retrying is the whole work again.  Taking turns, the
    threads of a process do not conflict with each other, and the new
    transaction sees what the previous one committed.  Across processes
    (several on RelStorage) the advisory lock does the same: without it,
    two processes made one submission in sixteen fail after its retries.
    A submission that waits longer than ``CREATE_WAIT`` goes on without
    its turn, and a conflict is retried as before."""
    if not _creating.acquire(timeout=CREATE_WAIT):
        return
    across = cluster_lock(request.registry)
    if across is not None and not across.acquire(CREATE_WAIT):
        across = None
    released = []

    def release(*_args):
        if not released:
            released.append(True)
            if across is not None:
                across.release()
            _creating.release()
    try:
        manager = request.tm
        # nothing is written yet: drop the view taken when the request
        # began, which may predate the commits made while we waited
        manager.abort()
        txn = manager.begin()
        txn.note(request.path_info)
        txn.addAfterCommitHook(release)
        txn.addAfterAbortHook(release)
    except BaseException:
        release()
        raise


def submit(request, draft, agency):
    """Store ``draft`` as a new dossier of ``agency`` and return it;
    ``Throttled`` when the client address is over its limit.

    The draft remembers the code, so the same draft sent twice (a
    double click, a refresh) yields the same dossier: taking turns
    (``one_at_a_time``, which the view calls first), the second send
    finds the code when its turn comes; otherwise both write the draft,
    so one of them conflicts and is retried, and the retry finds the
    code."""
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
    from ..administration import audit
    audit.record(request, 'dossier.submit', dossier)
    return dossier


def create_dossier(request, agency, procedure, data, files, channel,
                   send_events=True, **entry):
    """Store a new dossier of ``agency`` from the application's ``data``
    (``files``: slot -> upload info, recorded by filename) and start its
    workflow and deadlines; the caller adds the files.  ``entry`` goes
    into the first timeline entry.  Without ``send_events`` the caller
    sends the ``ObjectAdded`` event (which indexes and counts the
    dossier) when it is complete."""
    from ..backoffice import deadlines
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
    agency['ho-so'].add(code, dossier, registry=registry,
                        send_events=send_events)
    return dossier


def attach(registry, dossier, draft, slot, info):
    """Move the upload ``info`` of ``draft`` into ``dossier`` as the
    citizen's file for ``slot``: the file takes over the draft's blob (the
    caller clears the draft's files), so the bytes are neither copied nor
    stored again."""
    attachment = dossier.add_file(registry, None, info['filename'],
                                  info['mimetype'], is_attachment=True,
                                  slot=slot)
    attachment.blob = draft.files.blob(info['uid'])
    return attachment


@subscribe_root_added()
def _root_added(event):
    """A new site gets it with the rest."""
    ensure_salt(event.object)
