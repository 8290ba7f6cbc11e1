"""Staff accounts in the SDI: login with lockout and throttling, forced
password change, logout (a POST that revokes the ticket), log in as
another account, password reset by e-mail, and every form that sets a
password (each replaces substanced's view of the same name)."""
import colander
import deform
from pyramid.events import ContextFound, subscriber
from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.renderers import get_renderer
from pyramid.security import NO_PERMISSION_REQUIRED, Authenticated, forget
from pyramid.session import check_csrf_token
from substanced.event import LoggedIn
from substanced.form import FormView
from substanced.interfaces import IPasswordReset, IUser, IUsers
from substanced.principal import groups_choices
from substanced.schema import MultireferenceIdSchemaNode, Schema
from substanced.sdi import mgmt_view

from ... import _
from ...services.accounts import passwordreset
from ...services.administration import audit
from ...services.accounts.logins import (
    add_user,
    authenticate,
    login_validator,
    password_validator,
    remember_user,
    revoke_tickets,
)

LOGIN_TEMPLATE = 'substanced.sdi.views:templates/login.pt'

MESSAGES = {
    'unknown': _('Wrong login or password.'),
    'wrong': _('Wrong login or password.'),
    'locked': _('login-locked', default='This account is locked for '
                '${minutes} minutes after repeated failed logins.'),
    'disabled': _('login-disabled', default='This account has been '
                  'locked by an administrator: ask the administrator of '
                  'your agency to unlock it.'),
    'throttled': _('login-throttled', default='Too many failed logins from '
                   'this address: please try again in ${minutes} minutes.'),
    'csrf': _('The form has expired; please log in again.'),
}


def _flash(request, message, queue='info'):
    request.sdiapi.flash(request.localizer.translate(message), queue)


@mgmt_view(name='login', renderer=LOGIN_TEMPLATE, tab_condition=False,
           permission=NO_PERMISSION_REQUIRED)
@mgmt_view(renderer=LOGIN_TEMPLATE, context=HTTPForbidden,
           permission=NO_PERMISSION_REQUIRED, tab_condition=False)
@mgmt_view(renderer='substanced.sdi.views:templates/forbidden.pt',
           context=HTTPForbidden, permission=NO_PERMISSION_REQUIRED,
           effective_principals=Authenticated, tab_condition=False)
def login(context, request):
    """substanced's login, with lockout after repeated failures and a
    forced password change for new accounts."""
    if isinstance(context, HTTPForbidden):
        request.response.status_int = 403
        if request.user is not None:
            audit.denied(request, context)
    referrer = request.url
    if request.view_name in ('login', 'logout') or \
            '/auditstream-sse' in referrer:
        # after a plain login, go to the user's own workspace
        referrer = request.sdiapi.mgmt_path(request.virtual_root, '@@httt')
    came_from = request.session.setdefault('sdi.came_from', referrer)
    login = ''
    if 'form.submitted' in request.params:
        login = request.params.get('login', '').strip()
        try:
            check_csrf_token(request)
        except Exception:
            _flash(request, MESSAGES['csrf'], 'danger')
        else:
            user, outcome = authenticate(
                request, login, request.params.get('password', ''))
            if outcome == 'ok':
                request.session.pop('sdi.came_from', None)
                # a token an attacker planted before the login is no use
                request.session.new_csrf_token()
                headers = remember_user(request, user)
                request.registry.notify(
                    LoggedIn(login, user, context, request))
                if user.must_change_password:
                    came_from = request.sdiapi.mgmt_path(
                        user, '@@change_password')
                return HTTPFound(location=came_from, headers=headers)
            message = MESSAGES[outcome]
            if outcome in ('locked', 'throttled'):
                message = _(message, mapping={'minutes': request.registry.
                            settings['httttha.lockout_minutes']})
            _flash(request, message, 'danger')
    return dict(
        url=request.sdiapi.mgmt_path(request.virtual_root, '@@login'),
        came_from=came_from,
        login=login,
        password='',
        login_template=get_renderer(LOGIN_TEMPLATE).implementation(),
    )


@mgmt_view(name='logout', tab_condition=False, request_method='GET',
           permission=NO_PERMISSION_REQUIRED,
           renderer='httttha:templates/sdi/logout.pt')
def logout_confirm(request):
    """A GET never logs out (a link or an image could): it asks."""
    if request.user is None:
        return HTTPFound(location=request.sdiapi.mgmt_path(
            request.virtual_root, '@@login'))
    return {'url': request.sdiapi.mgmt_path(request.virtual_root,
                                            '@@logout'),
            'relogin': bool(request.params.get('relogin'))}


@mgmt_view(name='logout', tab_condition=False, request_method='POST',
           permission=NO_PERMISSION_REQUIRED)
def logout(request):
    """Log out: the user's tickets are revoked (a copied cookie opens
    nothing any more); with ``relogin`` go straight to the login form, to
    log in as another account."""
    try:
        check_csrf_token(request)
    except Exception:
        _flash(request, _('The form has expired; please try again.'),
               'danger')
        return HTTPFound(location=request.sdiapi.mgmt_path(
            request.virtual_root, '@@logout'))
    user = request.user
    if user is not None:
        revoke_tickets(user)
    headers = forget(request)
    request.session.invalidate()
    target = request.params.get('relogin') and '@@login' or ''
    return HTTPFound(location=request.sdiapi.mgmt_path(
        request.virtual_root, target), headers=headers)


ALLOWED_WHILE_FORCED = ('change_password', 'logout', 'login',
                        'resetpassword', passwordreset.VIEW)


@subscriber(ContextFound)
def force_password_change(event):
    """A user whose password was set by someone else must change it before
    using the back office."""
    request = event.request
    if not request.sdiapi.is_mgmt() or request.view_name in \
            ALLOWED_WHILE_FORCED:
        return
    user = request.user
    if user is not None and getattr(user, 'must_change_password', False):
        _flash(request, _('Please choose a new password before you go on.'),
               'warning')
        raise HTTPFound(request.sdiapi.mgmt_path(user, '@@change_password'))


def password_node(title=_('New password')):
    return colander.SchemaNode(
        colander.String(), title=title, validator=password_validator,
        description=_('At least 8 characters, with upper-case and '
                      'lower-case letters and a special character.'),
        widget=deform.widget.CheckedPasswordWidget(redisplay=False))


class ChangePasswordSchema(Schema):
    current_password = colander.SchemaNode(
        colander.String(), title=_('Current password'),
        widget=deform.widget.PasswordWidget(redisplay=False))
    password = password_node()


@mgmt_view(context=IUser, name='change_password',
           tab_title=_('Change password'), permission='sdi.change-password',
           renderer='substanced.sdi:templates/form.pt')
class ChangePasswordView(FormView):
    """A user changes their own password (checked against the policy)."""
    title = _('Change password')
    schema = ChangePasswordSchema()
    buttons = (deform.Button('change', _('Change password')),)

    def change_success(self, appstruct):
        user = self.context
        if user is not self.request.user:
            raise HTTPForbidden()
        if not user.check_password(appstruct['current_password']):
            _flash(self.request, _('The current password is wrong.'),
                   'danger')
            return HTTPFound(self.request.sdiapi.mgmt_path(
                user, '@@change_password'))
        # every ticket issued before (other browsers) stops working; this
        # browser gets a new one
        user.set_password(appstruct['password'])
        self.request.session.new_csrf_token()
        _flash(self.request, _('Your password has been changed.'), 'success')
        return HTTPFound(self.request.sdiapi.mgmt_path(
            self.request.virtual_root, '@@httt'),
            headers=remember_user(self.request, user))


@mgmt_view(context=IPasswordReset, tab_condition=False,
           permission=NO_PERMISSION_REQUIRED)
def old_reset_link(request):
    """substanced's reset links (``/manage/principals/resets/<token>``)
    work no more: resets go through ``@@dat-lai-mat-khau``."""
    return HTTPNotFound()


class ResetRequestSchema(Schema):
    login = colander.SchemaNode(
        colander.String(), title=_('Login'),
        validator=colander.Length(max=100))


RESET_SENT = _('reset-mail-sent', default='If this login exists and has an '
               'e-mail address, a message with a link to choose a new '
               'password has been sent to that address.')
RESET_THROTTLED = _('reset-throttled', default='Too many password reset '
                    'requests from this address: please try again later.')
RESET_INVALID = _('reset-link-invalid', default='This password reset link is '
                  'not valid: it has expired or has been used. Ask for a '
                  'new one.')


@mgmt_view(name='resetpassword', tab_condition=False,
           renderer='substanced.sdi:templates/form.pt',
           permission=NO_PERMISSION_REQUIRED)
class ResetRequestView(FormView):
    """Ask for a reset link ("Quên mật khẩu?"): the same answer whether
    the login exists or not."""
    title = _('Forgot your password?')
    schema = ResetRequestSchema()
    buttons = (deform.Button('send', _('Send the link')),)

    def send_success(self, appstruct):
        request = self.request
        try:
            passwordreset.request_reset(request, appstruct['login'])
        except passwordreset.Throttled:
            _flash(request, RESET_THROTTLED, 'danger')
            return HTTPFound(request.sdiapi.mgmt_path(
                request.virtual_root, '@@resetpassword'))
        _flash(request, RESET_SENT, 'success')
        return HTTPFound(request.sdiapi.mgmt_path(
            request.virtual_root, '@@login'))


class ResetSchema(Schema):
    ma = colander.SchemaNode(colander.String(),
                             widget=deform.widget.HiddenWidget())
    new_password = password_node()


@mgmt_view(name=passwordreset.VIEW, tab_condition=False,
           renderer='substanced.sdi:templates/form.pt',
           permission=NO_PERMISSION_REQUIRED)
class ResetView(FormView):
    """The page a password-reset e-mail links to (``?ma=<token>``)."""
    title = _('Reset password')
    schema = ResetSchema()
    buttons = (deform.Button('reset', _('Reset password')),)

    def __call__(self):
        token = self.request.params.get('ma', '')
        if passwordreset.user_for_token(self.request.root, token) is None:
            _flash(self.request, RESET_INVALID, 'danger')
            return HTTPFound(self.request.sdiapi.mgmt_path(
                self.request.virtual_root, '@@resetpassword'))
        return FormView.__call__(self)

    def show(self, form):
        return {'form': form.render({'ma': self.request.params.get('ma')})}

    def reset_success(self, appstruct):
        request = self.request
        user = passwordreset.reset_password(
            request.root, appstruct['ma'], appstruct['new_password'])
        if user is None:
            _flash(request, RESET_INVALID, 'danger')
            return HTTPFound(request.sdiapi.mgmt_path(
                request.virtual_root, '@@resetpassword'))
        _flash(request, _('Your password has been reset; you may now '
                          'log in.'), 'success')
        return HTTPFound(request.sdiapi.mgmt_path(
            request.virtual_root, '@@login'))


@colander.deferred
def new_login_validator(node, kw):
    return login_validator(kw['context'])


class AddUserSchema(Schema):
    name = colander.SchemaNode(colander.String(), title=_('Login'),
                               validator=new_login_validator)
    full_name = colander.SchemaNode(colander.String(), title=_('Full name'),
                                    validator=colander.Length(1, 100))
    email = colander.SchemaNode(colander.String(), title=_('E-mail'),
                                validator=colander.Email())
    password = password_node(_('Password'))


class AddUserToGroupsSchema(AddUserSchema):
    groupids = MultireferenceIdSchemaNode(choices_getter=groups_choices,
                                          title=_('Groups'))


@mgmt_view(context=IUsers, name='add_user', permission='sdi.add-user',
           renderer='substanced.sdi:templates/form.pt', tab_condition=False)
class AddUserView(FormView):
    """Site administrators add a user without an agency."""
    title = _('Add user')
    schema = AddUserToGroupsSchema()
    buttons = (deform.Button('add', _('Add')),)

    def add_success(self, appstruct):
        groupids = appstruct.pop('groupids')
        user = add_user(self.context, self.request.registry, **appstruct)
        user.groupids = groupids
        return HTTPFound(self.request.sdiapi.mgmt_path(user, '@@properties'))
