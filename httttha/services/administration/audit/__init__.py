"""Nhật ký hệ thống (C5): one append-only audit trail of who did what,
where and from which address.

``record`` is what the rest of the application calls.  The store
(``store``) lives in the ``audit`` database (its own URI, so that tens of
millions of entries never weigh on the main database's cache, packing or
backups), in two parts:

* the **journal**, where requests write.  Entries go into small
  persistent layers that merge concurrent additions
  (``_p_resolveConflict``), as ``httttha/auditlog.py`` does for Substance
  D's log: a request touches the newest layer only (and the list of
  layers when it starts a new one), so two requests writing entries at
  once never conflict, in one process or in many (RelStorage).
* the **index**, written by one indexer at a time in a transaction of
  its own, never by a request's: the entries keyed by time
  (microseconds << 10, so keys sort by time and page newest first), the
  sorted key sets of each user, action, object code and agency, and
  counts per day.  A request that wrote entries runs the indexer after
  its response when ``INDEX_BATCH`` entries wait (one at a time per
  process; two processes indexing at once conflict with each other only,
  and the loser leaves the work to the next run).

A search (``search``) intersects the small key sets of its filters within
the key range of its period, and merges in the entries still waiting in
the journal, so what was written is found at once.  ``sweep``
(``httttha-audit-sweep``, daily from cron) indexes what waits and removes
entries older than ``httttha.audit_retention_days``.
"""
import datetime
import logging
from collections import OrderedDict

from pyramid.events import subscriber
from substanced.event import subscribe_root_added

from .... import _
from ....auditlog import audit_root
from ....content.agency import find_agency, root_agency
from ....workflows.dossier import DossierTransitioned
from .search import Entry, Query, Result, search
from .store import (
    MAX_PENDING_LAYERS,
    connection,
    ensure_store,
    find_store,
    index_if_due,
    micros,
    utcnow,
    write_apart,
)
from .sweep import retention_days

__all__ = ['ACTIONS', 'record', 'denied', 'agency_of', 'connection',
           'find_store', 'ensure_store', 'audit_root', 'index_if_due',
           'Query', 'Result', 'Entry', 'search', 'retention_days']

log = logging.getLogger(__name__)

SEQ_BITS = 10

#: action -> title shown on the screen and in the export
ACTIONS = OrderedDict((
    ('login.success', _('audit-login.success', default='Login')),
    ('login.failure', _('audit-login.failure', default='Failed login')),
    ('login.locked', _('audit-login.locked', default='Login refused: '
                       'account locked')),
    ('login.throttled', _('audit-login.throttled', default='Login refused: '
                          'too many failures from the address')),
    ('access.denied', _('audit-access.denied', default='Access denied')),
    ('dossier.submit', _('audit-dossier.submit', default='Dossier submitted')),
    ('dossier.transition', _('audit-dossier.transition',
                             default='Dossier state changed')),
    ('dossier.read', _('audit-dossier.read', default='Dossier opened')),
    ('dossier.file', _('audit-dossier.file', default='Dossier file opened')),
    ('statistics.export', _('audit-statistics.export',
                            default='Statistics exported to Excel')),
    ('calendar.add', _('audit-calendar.add',
                       default='Working calendar: day added')),
    ('calendar.remove', _('audit-calendar.remove',
                          default='Working calendar: day removed')),
    ('agency.add', _('audit-agency.add', default='Agency added')),
    ('agency.edit', _('audit-agency.edit', default='Agency edited')),
    ('agency.move', _('audit-agency.move', default='Agency moved')),
    ('agency.delete', _('audit-agency.delete', default='Agency deleted')),
    ('department.add', _('audit-department.add', default='Department added')),
    ('department.edit', _('audit-department.edit',
                          default='Department edited')),
    ('department.delete', _('audit-department.delete',
                            default='Department deleted')),
    ('user.add', _('audit-user.add', default='User added')),
    ('user.edit', _('audit-user.edit', default='User edited')),
    ('user.lock', _('audit-user.lock', default='User locked')),
    ('user.unlock', _('audit-user.unlock', default='User unlocked')),
    ('user.delete', _('audit-user.delete', default='User deleted')),
    ('user.roles', _('audit-user.roles', default='Roles changed')),
    ('user.reset-password', _('audit-user.reset-password',
                              default='Password reset by an administrator')),
    ('codelist.add', _('audit-codelist.add', default='Code list entry added')),
    ('codelist.edit', _('audit-codelist.edit',
                        default='Code list entry edited')),
    ('codelist.activate', _('audit-codelist.activate',
                            default='Code list entry activated')),
    ('codelist.deactivate', _('audit-codelist.deactivate',
                              default='Code list entry deactivated')),
    ('codelist.delete', _('audit-codelist.delete',
                          default='Code list entry deleted')),
    ('period.grant', _('audit-period.grant',
                       default='Closed period: grant given')),
    ('period.revoke', _('audit-period.revoke',
                        default='Closed period: grant revoked')),
    ('period.change', _('audit-period.change',
                        default='Change in a closed period under a grant')),
    ('period.since', _('audit-period.since',
                       default='Closed periods: lock start changed')),
    ('guidance.add', _('audit-guidance.add', default='Guidance page added')),
    ('guidance.edit', _('audit-guidance.edit',
                        default='Guidance page edited')),
    ('guidance.publish', _('audit-guidance.publish',
                           default='Guidance page published')),
    ('guidance.unpublish', _('audit-guidance.unpublish',
                             default='Guidance page unpublished')),
    ('guidance.archive', _('audit-guidance.archive',
                           default='Guidance page archived')),
    ('guidance.order', _('audit-guidance.order',
                         default='Guidance page moved in the order')),
    ('guidance.delete', _('audit-guidance.delete',
                          default='Guidance page deleted')),
    ('faq.add', _('audit-faq.add', default='FAQ entry added')),
    ('faq.edit', _('audit-faq.edit', default='FAQ entry edited')),
    ('faq.publish', _('audit-faq.publish', default='FAQ entry published')),
    ('faq.unpublish', _('audit-faq.unpublish',
                        default='FAQ entry unpublished')),
    ('faq.archive', _('audit-faq.archive', default='FAQ entry archived')),
    ('faq.order', _('audit-faq.order',
                    default='FAQ entry moved in the order')),
    ('faq.delete', _('audit-faq.delete', default='FAQ entry deleted')),
    ('survey.form.add', _('audit-survey.form.add',
                          default='Survey: own form created')),
    ('survey.form.edit', _('audit-survey.form.edit',
                           default='Survey: form edited')),
    ('survey.form.delete', _('audit-survey.form.delete',
                             default='Survey: own form deleted')),
    ('survey.question.add', _('audit-survey.question.add',
                              default='Survey: question added')),
    ('survey.question.edit', _('audit-survey.question.edit',
                               default='Survey: question edited')),
    ('survey.question.move', _('audit-survey.question.move',
                               default='Survey: question moved')),
    ('survey.question.delete', _('audit-survey.question.delete',
                                 default='Survey: question deleted')),
    ('survey.followup', _('audit-survey.followup',
                          default='Survey: unsatisfied feedback followed up')),
    ('report.add', _('audit-report.add', default='Report uploaded')),
    ('report.edit', _('audit-report.edit', default='Report edited')),
    ('report.approve', _('audit-report.approve', default='Report approved')),
    ('report.unapprove', _('audit-report.unapprove',
                           default='Report approval withdrawn')),
    ('report.export', _('audit-report.export',
                        default='Online reports exported to Excel')),
    ('report.compliance-export', _('audit-report.compliance-export',
                                   default='Report compliance exported to '
                                           'Excel')),
))


def _plain(value, depth=0):
    """Plain values only (the entry keeps no object of the main database,
    nor anything that would need its code to be read)."""
    if value is None or isinstance(value, (bool, int, float, str,
                                           datetime.date)):
        return value
    if depth > 4:
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(v, depth + 1) for v in value]
        return sorted(items, key=str) if isinstance(
            value, (set, frozenset)) else items
    return str(value)


# -- writing -----------------------------------------------------------------

def agency_of(resource):
    """The agency a resource belongs to: a staff account's or a dossier's
    ``agency``, else the nearest agency at or above it."""
    agency = getattr(resource, 'agency', None)
    if callable(agency):        # a staff account's
        agency = agency()
    if getattr(agency, 'is_agency', False):
        return agency
    return find_agency(resource)


def _oid(resource):
    from substanced.util import get_oid
    return get_oid(resource, None) if resource is not None else None


def _describe(request, target):
    """(oid, type, code, title) of a target, read from it now."""
    if target is None:
        return None, '', '', ''
    try:
        kind = request.registry.content.typeof(target) or ''
    except Exception:
        kind = ''
    kind = kind or type(target).__name__
    if hasattr(target, 'check_password'):       # a staff account
        code = target.__name__ or ''
        title = getattr(target, 'full_name', '') or code
    else:
        code = getattr(target, 'code', None) or getattr(
            target, '__name__', '') or ''
        title = getattr(target, 'title', '') or ''
    return _oid(target), kind, str(code), str(title)


def make_item(request, action, target=None, before=None, after=None,
              agency=None, user=None, when=None, **details):
    """The journal item of an entry (a plain tuple)."""
    acting = request.user if user is None else user
    if isinstance(acting, str):
        login, acting = acting, None
    else:
        login = getattr(acting, '__name__', '') or ''
    if agency is None:
        agency = agency_of(target)
    if agency is None and acting is not None:
        agency = agency_of(acting)
    oid, kind, code, title = _describe(request, target)
    extra = dict(details)
    if before is not None:
        extra['before'] = before
    if after is not None:
        extra['after'] = after
    return (micros(when or utcnow()), login,
            agency if isinstance(agency, int) else _oid(agency),
            request.client_addr or '', action, oid, kind, code, title,
            _plain(extra) or None)


def record(request, action, target=None, before=None, after=None,
           agency=None, user=None, **details):
    """Append one entry to the audit trail.

    ``action``: a dotted name from ``ACTIONS`` (``'user.roles'``,
    ``'agency.move'``, ``'dossier.transition'``, ``'login.failure'``…).
    ``target``: the resource acted on (dossier, agency, department, user,
    code-list entry, grant) or None; the entry keeps its oid, content type
    and code or name, never the object.
    ``before``/``after``: dicts of plain values (strings, numbers, dates,
    lists of those) for changes.
    ``agency``: the agency whose administrators may read the entry;
    defaults to the target's agency, else the acting user's.
    ``user``: the acting user (default ``request.user``; a login name for
    failed logins).  ``details``: further plain values.
    The client address and the time are taken here.  Never raises on a
    store conflict: concurrent requests append without conflicting."""
    try:
        item = make_item(request, action, target, before, after, agency,
                         user, **details)
    except Exception:
        log.exception('audit entry %s could not be made', action)
        return
    if getattr(request, 'exception', None) is not None:
        # an exception view answers (a denial): the request's transaction
        # is aborted, so the entry is written in a transaction of its own
        write_apart(request.registry, [item])
    else:
        conn = connection(request)
        if conn is None:
            log.warning('no audit database: %s not recorded', action)
            return
        store = ensure_store(conn.root())
        store.push(item)
        if len(store.journal.layers) > MAX_PENDING_LAYERS:
            # nobody indexes (a bulk script without finished callbacks):
            # this transaction does, rather than let the journal grow
            store.index_pending()
    _index_after(request)


def denied(request, exc=None):
    """A refused request of a logged-in user: the path and, when
    Pyramid's security refused it, the permission (anonymous visitors are
    sent to the login form, and failed logins have entries of their own)."""
    if getattr(request, 'user', None) is None:
        return
    result = getattr(exc, 'result', None)
    permission = getattr(result, 'permission', None)
    target = getattr(request, 'context', None)
    if target is exc or target is None or getattr(
            target, '__name__', None) is None:
        target = None
    details = {'path': request.path_info[:500], 'method': request.method}
    if permission:
        details['permission'] = str(permission)
    try:
        # the entry belongs to the agency of the one refused
        record(request, 'access.denied', target,
               agency=agency_of(request.user), **details)
    except Exception:
        log.exception('a denial could not be recorded')


def _index_after(request):
    """Run the indexer once after the response, if enough waits."""
    if request.__dict__.get('_httttha_audit_index'):
        return
    request.__dict__['_httttha_audit_index'] = True
    request.add_finished_callback(
        lambda req: index_if_due(req.registry))


# -- what is recorded without a view's call ------------------------------------

@subscriber(DossierTransitioned)
def dossier_transitioned(event):
    """Every state change of a dossier: who, from, to, when (the
    timeline's last entry is the state it leaves)."""
    dossier = event.dossier
    timeline = getattr(dossier, 'timeline', None) or []
    before = timeline[-1].get('state', '') if timeline else ''
    record(event.request, 'dossier.transition', dossier,
           before={'state': before}, after={'state': event.state},
           when=event.when)


@subscribe_root_added()
def _root_added(event):
    root = audit_root(event.object)
    if root is not None:
        ensure_store(root)


# -- the store's creation ------------------------------------------------------

def add_audit_store(root, registry):
    """Issue 15 (C5): the audit trail's store, and the agency
    administrators' permission to read it (the agencies' ACLs anew)."""
    from substanced.util import set_acl
    from ....permissions import agency_acl
    audit = audit_root(root)
    if audit is not None:
        ensure_store(audit)
    top = root_agency(root)
    for agency in (top.walk() if top is not None else ()):
        set_acl(agency, agency_acl(agency), registry=registry)


def includeme(config):
    config.add_evolution_step(add_audit_store)

