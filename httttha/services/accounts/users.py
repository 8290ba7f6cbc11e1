"""Người dùng (SPEC C2, C3): the users of an agency's subtree, found and
paged in the catalog, and what an administrator does to one (edit, lock,
unlock, delete, roles, a temporary password), each written to the audit
trail.

Who may act on whom is the ACLs' (``permissions.user_acl``: the
administrators of the user's agency and of its ancestors; an agency's
administrators are managed from the level above) plus two rules the ACLs
cannot say: nobody changes their own roles (``content.user``), and the
administrator role is granted only from the level above
(``content.user.admin_grant_refused``)."""
import re
import secrets
import string

from pyramid.events import subscriber
from substanced.event import (
    subscribe_added,
    subscribe_modified,
    subscribe_will_be_removed,
)
from substanced.objectmap import find_objectmap
from substanced.util import find_catalog, find_service, get_oid

from ... import _
from ...content.user import MembershipChanged, revoke_tickets
from ...interfaces import IAgency, IDepartment, IDossier, IStaffUser
from ...text import fold
from ..administration import audit
from ..administration.removal import RemovalRefused, staff_query
from ..administration.treecache import cached

PAGE_SIZE = 50

#: what the list and its export show when the user is locked
LOCKED = _('Locked')

HAS_HISTORY = _('user-has-history',
                default='${login} cannot be deleted: the account appears in '
                        'the history of dossiers, which must stay readable. '
                        'Lock the account instead of deleting it.')


# -- the scope: the agencies of a subtree --------------------------------

def subtree(agency):
    """``(oid, title, depth)`` of ``agency`` and of every agency below it,
    parents first: built once per process and tree version (the Tổng
    cục's is 756 agencies)."""
    root = find_root_of(agency)

    def build():
        base = _depth(agency)
        return tuple((get_oid(a), a.title, _depth(a) - base)
                     for a in agency.walk())
    return cached(root, 'users-subtree:%s' % get_oid(agency), build)


def _depth(agency):
    depth = 0
    parent = agency.parent_agency
    while parent is not None:
        depth += 1
        parent = parent.parent_agency
    return depth


def find_root_of(resource):
    while getattr(resource, '__parent__', None) is not None:
        resource = resource.__parent__
    return resource


def object_for(context, oid):
    """The object of ``oid`` (a string from a form), or None."""
    try:
        return find_objectmap(context).object_for(int(oid))
    except (TypeError, ValueError, OverflowError):
        return None


# -- the list --------------------------------------------------------------

class Filters(object):
    """What the users screen asks: a keyword, an agency of the subtree,
    a department of that agency (each ignored when not valid)."""

    def __init__(self, context, params):
        self.keyword = (params.get('q') or '').strip()[:100]
        scope = {str(oid) for oid, _t, _d in subtree(context)}
        agency = params.get('don-vi') or ''
        self.agency = agency if agency in scope else ''
        self.department = ''
        department = params.get('phong-ban') or ''
        if self.agency and department:
            found = object_for(context, department)
            if IDepartment.providedBy(found) and get_oid(
                    found.__parent__.__parent__) == int(self.agency):
                self.department = department

    def params(self):
        return {'q': self.keyword, 'don-vi': self.agency,
                'phong-ban': self.department}


def departments(context, agency_oid):
    """``(oid, title)`` of the departments of the agency ``agency_oid``."""
    agency = object_for(context, agency_oid) if agency_oid else None
    if not IAgency.providedBy(agency):
        return ()
    return tuple((get_oid(d), d.title) for d in sorted(
        agency['phong-ban'].values(), key=lambda d: d.title))


def search(context, filters):
    """The users of ``context``'s subtree ``filters`` selects, as a
    catalog result set (unsorted, not loaded)."""
    catalog = find_catalog(context, 'httttha')
    if filters.agency:
        oids = [int(filters.agency)]
    else:
        oids = [oid for oid, _t, _d in subtree(context)]
    query = staff_query(context, oids)
    if filters.department:
        query &= catalog['department'].eq(int(filters.department))
    # every word a prefix, without diacritics; only letters and digits
    # reach the text index's query parser (its operators and globs too)
    words = [w for w in re.findall(r'[a-z0-9]+', fold(filters.keyword))
             if w not in ('and', 'or', 'not')][:10]
    for word in words:
        query &= catalog['title_folded'].contains(word + '*')
    return query.execute()


def sorted_page(context, resultset, start, end):
    """The users ``start:end`` of ``resultset`` by name: the catalog sorts
    and stops at ``end``."""
    if not len(resultset) or end <= start:
        return []
    catalog = find_catalog(context, 'httttha')
    return list(resultset.sort(catalog['sort_name'], limit=end))[start:end]


def row(context, user, role_titles):
    """What the list and the export show of one user (plain values)."""
    agency = user.agency()
    department = user.department()
    return {
        'user': user,
        'login': user.__name__,
        'full_name': user.full_name,
        'email': user.email or '',
        'job_title': user.job_title,
        'agency': agency.title if agency is not None else '',
        'department': department.title if department is not None else '',
        'roles': [role_titles[r] for r in user.roles if r in role_titles],
        'locked': bool(user.disabled),
    }


# -- what an administrator does -------------------------------------------

def snapshot(user):
    """Plain values of ``user`` for the audit trail."""
    return {'login': user.__name__, 'full_name': user.full_name,
            'email': user.email or '', 'job_title': user.job_title,
            'agency': user.agency_oid, 'department': user.department_oid,
            'roles': list(user.roles), 'locked': bool(user.disabled)}


def add(request, agency, appstruct):
    """A new user of ``agency`` (its department and roles from the
    form); it must change the password at the first login."""
    from .logins import add_user
    department = object_for(agency, appstruct.get('department'))
    user = add_user(agency, request.registry, appstruct['name'],
                    appstruct['password'], appstruct['email'],
                    full_name=appstruct['full_name'],
                    job_title=appstruct.get('job_title', ''))
    user.assign(agency, appstruct['roles'], department)
    audit.record(request, 'user.add', user, after=snapshot(user))
    return user


def edit(request, user, appstruct):
    """Full name, e-mail, job title, agency and department (the roles
    stay: they are held at the agency, so a user who changes agency keeps
    them there)."""
    before = snapshot(user)
    agency = object_for(user, appstruct['agency'])
    department = object_for(user, appstruct.get('department'))
    user.full_name = appstruct['full_name']
    user.email = appstruct['email']
    user.job_title = appstruct.get('job_title', '')
    user.assign(agency, user.roles, department)
    after = snapshot(user)
    if after != before:
        audit.record(request, 'user.edit', user, before=before, after=after)
    return user


def set_roles(request, user, new_roles):
    """Assign and revoke roles at the user's agency."""
    before = list(user.roles)
    user.assign(user.agency(), new_roles, user.department())
    if list(user.roles) != before:
        audit.record(request, 'user.roles', user, before={'roles': before},
                     after={'roles': list(user.roles)})


def lock(request, user):
    """The user can no longer log in; every session it has ends now."""
    user.disabled = True
    revoke_tickets(user)
    audit.record(request, 'user.lock', user, before={'locked': False},
                 after={'locked': True})


def unlock(request, user):
    """The user may log in again (its failed logins are forgotten)."""
    user.disabled = False
    user.failed_logins = 0
    user.locked_until = None
    audit.record(request, 'user.unlock', user, before={'locked': True},
                 after={'locked': False})


TEMPORARY_ALPHABET = string.ascii_letters + string.digits


def temporary_password():
    """A random password under the policy (upper, lower, digit, special):
    shown once to the administrator, changed by the user at the next
    login."""
    while True:
        body = ''.join(secrets.choice(TEMPORARY_ALPHABET) for _i in range(10))
        if any(c.isupper() for c in body) and any(
                c.islower() for c in body) and any(c.isdigit() for c in body):
            return body + secrets.choice('@#$%&!')


def reset_password(request, user):
    """Set a temporary password, which the user must change at the next
    login (every session it has ends); returns it."""
    password = temporary_password()
    user.reset_password(password)
    # the auth trail never holds a password
    audit.record(request, 'user.reset-password', user)
    return password


def deletion_refusal(user):
    """Why ``user`` may not be deleted (a translation string), or None:
    it appears in a dossier's history (a timeline entry names it, or a
    petition is assigned to it)."""
    if user.has_history or _assigned(user):
        return _(HAS_HISTORY, mapping={'login': user.__name__})
    return None


def _assigned(user):
    catalog = find_catalog(user, 'httttha')
    return catalog is not None and bool(
        len(catalog['assignee'].eq(get_oid(user)).execute()))


def delete(request, user):
    """Delete ``user`` (RemovalRefused when it has a history)."""
    reason = deletion_refusal(user)
    if reason is not None:
        raise RemovalRefused(user, reason)
    audit.record(request, 'user.delete', user, before=snapshot(user))
    del user.__parent__[user.__name__]


@subscribe_will_be_removed(IStaffUser)
def user_will_be_removed(event):
    """Below every view (the site administrator's generic contents view
    too): a user the history names is never deleted.  A rename is a move:
    it loses nothing."""
    if event.moving not in (None, False) or event.loading:
        return
    reason = deletion_refusal(event.object)
    if reason is not None:
        raise RemovalRefused(event.object, reason)


# -- the history flag ---------------------------------------------------------

def mark_history(dossier):
    """Flag the staff the timeline of ``dossier`` names (by login) and
    the officer a petition is assigned to.  A flag is written once per
    user, so later entries do not write the user again (no conflict
    between concurrent transitions of one officer)."""
    users = find_service(dossier, 'principals', 'users')
    if users is None:
        return
    for entry in getattr(dossier, 'timeline', ()):
        login = entry.get('who_login')
        if login:
            _flag(users.get(login))
    if getattr(dossier, 'assignee', None):
        _flag(find_objectmap(dossier).object_for(dossier.assignee))


def _flag(user):
    if user is not None and IStaffUser.providedBy(user) and \
            not user.has_history:
        user.has_history = True


@subscribe_added(IDossier)
def dossier_added(event):
    if not event.loading:
        mark_history(event.object)


@subscribe_modified(IDossier)
def dossier_modified(event):
    mark_history(event.object)


@subscriber(MembershipChanged)
def membership_changed(event):
    """The property sheet "Cơ quan và vai trò" changed a user: audited
    as the screens' own changes are."""
    roles_changed = event.before['roles'] != event.after['roles']
    audit.record(event.request, 'user.roles' if roles_changed else
                 'user.edit', event.user, before=event.before,
                 after=event.after)
