"""Staff user: substanced's User bound to an agency, with roles held there."""
import secrets

import colander
import deform.widget
import substanced.principal
from pyramid.httpexceptions import HTTPForbidden
from pyramid.security import has_permission  # noqa: Pyramid 1.9 API
from substanced.content import content
from substanced.objectmap import find_objectmap
from substanced.principal import User
from substanced.property import PropertySheet
from substanced.schema import Schema
from substanced.util import find_catalog, find_service, get_oid, set_acl
from zope.interface import implementer

from .. import _
from ..interfaces import IAgency, IStaffUser
from ..permissions import EDIT_ACCOUNT, MANAGE_USERS, ROLES, user_acl

# substanced offers only the locales it ships a catalog for; we ship 'vi'.
if 'vi' not in substanced.principal._LOCALES:
    substanced.principal._LOCALES.append('vi')

TIMEZONE = 'Asia/Ho_Chi_Minh'


# -- the rules of an account (Quyết định 11/QĐ-TCTHADS Điều 8) ----------

MIN_LENGTH = 8


class WeakPassword(ValueError):
    """The password does not follow the policy."""


def password_problem(password):
    """A translatable message saying what the password lacks, or None."""
    if len(password or '') < MIN_LENGTH:
        return _('password-too-short',
                 default='The password must have at least ${n} characters.',
                 mapping={'n': MIN_LENGTH})
    if not any(c.isupper() for c in password):
        return _('The password must contain an upper-case letter.')
    if not any(c.islower() for c in password):
        return _('The password must contain a lower-case letter.')
    if all(c.isalnum() for c in password):
        return _('The password must contain a special character '
                 '(for example ! @ # $ %).')
    if len(password) > 100:
        return _('The password may have at most 100 characters.')
    return None


def check_password_policy(password):
    """Raise :class:`WeakPassword` if ``password`` breaks the policy."""
    problem = password_problem(password)
    if problem is not None:
        raise WeakPassword(problem)


def password_validator(node, value):
    """Colander validator enforcing the password policy."""
    problem = password_problem(value)
    if problem is not None:
        raise colander.Invalid(node, problem)


#: the login rule: every login is made and changed under it
LOGIN_RULE = colander.Regex(
    r'^[a-z0-9._-]{3,50}$', _('3-50 lower-case letters, digits, dots, '
                              'hyphens or underscores.'))


def login_validator(context, current=None):
    """A validator of a new login: the rule, and not taken by a user or
    a group (``current``, the login being changed, may stay)."""
    users = find_service(context, 'principals', 'users')
    groups = find_service(context, 'principals', 'groups')

    def unused(node, value):
        if value != current and (value in users or value in groups):
            raise colander.Invalid(node, _('This login is already taken.'))
    return colander.All(LOGIN_RULE, unused)


def revoke_tickets(user):
    """Invalidate every auth ticket ``user`` holds (all browsers)."""
    user.ticket_generation = secrets.token_hex(8)


@content(
    'User',
    icon='glyphicon glyphicon-user',
    add_view='add_user',
    # no tab_order naming 'properties': with two permitted views of that
    # name (Substance D's and views.sdi.navigation's) substanced's tab
    # sorting removes the same tab twice and fails
)
@implementer(IStaffUser)
class StaffUser(User):
    """A staff account.  Every way of setting its password goes through the
    policy of Quyết định 11/QĐ-TCTHADS Điều 8, and a new account must change it at first
    login."""
    full_name = ''
    job_title = ''
    agency_oid = None
    department_oid = None
    roles = ()
    must_change_password = False
    failed_logins = 0
    locked_until = None
    last_failed_at = None
    #: changed by logout and every new password: older tickets stop working
    ticket_generation = None
    #: locked by an administrator: no login until unlocked
    disabled = False
    #: set once a dossier's timeline names the user (or a petition is
    #: assigned to it): the account is then locked, never deleted
    has_history = False

    def __init__(self, password=None, email=None, tzname=None, locale=None,
                 full_name='', job_title=''):
        if password is not None:
            check_password_policy(password)
        User.__init__(self, password=password, email=email,
                      tzname=tzname or TIMEZONE, locale=locale or 'vi')
        self.full_name = full_name
        self.job_title = job_title
        self.must_change_password = password is not None

    def set_password(self, password):
        """Set a new password; every auth ticket issued before (on any
        browser) and every pending reset link stop working."""
        check_password_policy(password)
        User.set_password(self, password)
        self.must_change_password = False
        revoke_tickets(self)

    def reset_password(self, password):
        """Set a password chosen by an administrator: the user must change
        it at the next login."""
        self.set_password(password)
        self.must_change_password = True

    @property
    def sdi_title(self):
        return self.full_name or self.__name__

    def agency(self):
        """The agency this user belongs to, or None."""
        if self.agency_oid is None:
            return None
        return find_objectmap(self).object_for(self.agency_oid)

    def department(self):
        if self.department_oid is None:
            return None
        return find_objectmap(self).object_for(self.department_oid)

    def assign(self, agency, roles=(), department=None):
        """Bind the user to ``agency`` with ``roles`` (and a department of
        that agency); the agency's administrators then manage it."""
        unknown = set(roles) - set(ROLES)
        if unknown:
            raise ValueError('unknown roles: %s' % sorted(unknown))
        if department is not None and department.__parent__.__parent__ \
                is not agency:
            raise ValueError('department of another agency')
        self.agency_oid = get_oid(agency)
        self.department_oid = department and get_oid(department)
        self.roles = tuple(r for r in ROLES if r in roles)
        set_acl(self, user_acl(self, agency))
        catalog = find_catalog(self, 'httttha')
        if catalog is not None:
            catalog.reindex_resource(self)


def _all_agencies(root):
    top = next((v for v in root.values() if IAgency.providedBy(v)), None)
    return list(top.walk()) if top is not None else []


def managed_agencies(request):
    """The agencies whose users the requesting user may manage."""
    return [a for a in _all_agencies(request.root)
            if has_permission(MANAGE_USERS, a, request)]


@colander.deferred
def agency_widget(node, kw):
    request = kw['request']
    values = [('', _('- choose -'))] + [
        (str(get_oid(a)), a.title) for a in managed_agencies(request)]
    return deform.widget.Select2Widget(values=values)


@colander.deferred
def agency_validator(node, kw):
    request = kw['request']

    def validate(node, value):
        allowed = {str(get_oid(a)) for a in managed_agencies(request)}
        if value not in allowed:
            raise colander.Invalid(
                node, _('You cannot manage the users of this agency.'))
    return validate


@colander.deferred
def department_widget(node, kw):
    request = kw['request']
    values = [('', _('- none -'))]
    for agency in managed_agencies(request):
        for dept in sorted(agency['phong-ban'].values(),
                           key=lambda d: d.title):
            values.append((str(get_oid(dept)), '%s - %s' % (
                agency.short_name or agency.title, dept.title)))
    return deform.widget.SelectWidget(values=values)


ROLE_CHOICES = tuple((name, role.title) for name, role in ROLES.items())


def _object_for(context, oid):
    try:
        return find_objectmap(context).object_for(int(oid))
    except (TypeError, ValueError):
        return None


def resolve_membership(context, appstruct):
    """The agency and department (or None) a membership form names."""
    agency = _object_for(context, appstruct['agency'])
    department = None
    if appstruct.get('department'):
        department = _object_for(context, appstruct['department'])
    return agency, department


SELF_CHANGE = _('self-membership-refused',
                default='You cannot change your own login, agency, '
                        'department or roles: another administrator must do '
                        'it.')


ADMIN_GRANT = _('admin-grant-refused',
                default='Only an administrator of the level above may make '
                        'a user administrator of this agency.')


def admin_grant_refused(request, agency, roles, user=None):
    """Whether giving ``roles`` at ``agency`` to ``user`` (None: a new
    user) makes an administrator the requesting user may not make
    (Điều 10: a Cục's administrators are managed by the Tổng cục's; an
    agency's administrator role is granted from the level above, the
    Tổng cục's by the site administrator)."""
    if 'agency_admin' not in set(roles or ()) or agency is None:
        return False
    if user is not None and 'agency_admin' in user.roles and \
            user.agency_oid == get_oid(agency):
        return False            # held already: nothing is granted
    above = agency.__parent__
    return not has_permission(MANAGE_USERS, above, request)


class MembershipChanged(object):
    """An administrator changed ``user``'s login, agency, department or
    roles through its property sheet (``before``/``after``: plain
    values); the audit trail listens."""

    def __init__(self, request, user, before, after):
        self.request = request
        self.user = user
        self.before = before
        self.after = after


def self_change_refused(request, user, appstruct):
    """Whether ``appstruct`` would change the requesting user's own
    agency, department or roles (separation of duties)."""
    if request.user is None or request.user is not user:
        return False
    return (appstruct.get('login', user.__name__) != user.__name__ or
            str(appstruct.get('agency') or '') !=
            str(user.agency_oid or '') or
            str(appstruct.get('department') or '') !=
            str(user.department_oid or '') or
            set(appstruct.get('roles') or ()) != set(user.roles))


@colander.deferred
def membership_validator(node, kw):
    request = kw['request']
    context = kw.get('context')

    def validate(form, value):
        if self_change_refused(request, context, value):
            error = colander.Invalid(form, SELF_CHANGE)
            error['roles'] = SELF_CHANGE
            raise error
        agency, department = resolve_membership(request.root, value)
        if admin_grant_refused(request, agency, value.get('roles'),
                               context if IStaffUser.providedBy(context)
                               else None):
            error = colander.Invalid(form, ADMIN_GRANT)
            error['roles'] = ADMIN_GRANT
            raise error
        if value.get('department') and (
                department is None or department.__parent__.__parent__
                is not agency):
            error = colander.Invalid(form)
            error['department'] = _('This department is not in the chosen '
                                    'agency.')
            raise error
    return validate


@colander.deferred
def login_change_validator(node, kw):
    context = kw['context']
    return login_validator(context, getattr(context, '__name__', None))


class MembershipSchema(Schema):
    """Login, agency, department and roles of a user: the user
    administration, where logins change under the login rule."""
    validator = membership_validator
    login = colander.SchemaNode(colander.String(), title=_('Login'),
                                validator=login_change_validator)
    full_name = colander.SchemaNode(colander.String(), title=_('Full name'),
                                    validator=colander.Length(1, 100))
    job_title = colander.SchemaNode(colander.String(), title=_('Job title'),
                                    missing='',
                                    validator=colander.Length(max=100))
    agency = colander.SchemaNode(colander.String(), title=_('Agency'),
                                 widget=agency_widget,
                                 validator=agency_validator)
    department = colander.SchemaNode(colander.String(),
                                     title=_('Department'), missing='',
                                     widget=department_widget)
    roles = colander.SchemaNode(
        colander.Set(), title=_('Roles'), missing=(),
        widget=deform.widget.CheckboxChoiceWidget(values=ROLE_CHOICES),
        validator=colander.ContainsOnly([r for r in ROLES]))


class MembershipPropertySheet(PropertySheet):
    """Edits agency, department and roles; only the agency administrators
    of the user's agency (or above) may change them."""
    schema = MembershipSchema()
    permissions = (('view', MANAGE_USERS), ('change', MANAGE_USERS))

    def get(self):
        user = self.context
        return {
            'login': user.__name__,
            'full_name': user.full_name,
            'job_title': user.job_title,
            'agency': str(user.agency_oid or ''),
            'department': str(user.department_oid or ''),
            'roles': set(user.roles),
        }

    def set(self, appstruct, omit=()):
        user = self.context
        if self_change_refused(self.request, user, appstruct):
            # the form's validator says so first; this guards other callers
            raise HTTPForbidden()
        before = self.get()
        if appstruct.get('login', user.__name__) != user.__name__:
            user.name = appstruct['login']      # substanced's renamer
        user.full_name = appstruct['full_name']
        user.job_title = appstruct['job_title']
        agency, department = resolve_membership(user, appstruct)
        user.assign(agency, appstruct['roles'], department)
        after = self.get()
        if after != before:
            self.request.registry.notify(MembershipChanged(
                self.request, user, _plain(before), _plain(after)))


def _plain(values):
    return dict(values, roles=sorted(values['roles']))


#: the languages a user may read the management interface in, by name
LANGUAGES = (('vi', _('Vietnamese')), ('en', _('English')))


class PreferencesSchema(Schema):
    """What users edit of themselves: e-mail and language.  The login is
    not here: it changes only through the user administration, under the
    login rule.  Nor is substanced's time zone (an English list of 400
    zones): every time is shown in Vietnam's (``vntime``), whatever a
    user's zone says, so the field would change nothing."""
    email = colander.SchemaNode(
        colander.String(), title=_('E-mail'),
        validator=colander.All(colander.Email(), colander.Length(max=100)))
    locale = colander.SchemaNode(
        colander.String(), title=_('Language'), missing='vi',
        widget=deform.widget.SelectWidget(values=LANGUAGES),
        validator=colander.OneOf([code for code, _t in LANGUAGES]))


class StaffPreferencesSheet(PropertySheet):
    """substanced's Preferences without the login, for the user and the
    administrators of its agency."""
    schema = PreferencesSchema()
    permissions = (('view', EDIT_ACCOUNT), ('change', EDIT_ACCOUNT))


def includeme(config):
    config.add_propertysheet(_('Agency and roles'), MembershipPropertySheet,
                             IStaffUser)
    # the same name for IStaffUser hides substanced's sheet for IUser,
    # whose login field let users rename themselves
    config.add_propertysheet(_('Preferences'), StaffPreferencesSheet,
                             IStaffUser)
