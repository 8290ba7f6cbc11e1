"""Người dùng (SPEC C2, C3): the users screen of an agency (its subtree,
by agency and department, searched and paged in the catalog, exported to
Excel) and, on each user, Thông tin (edit), Vai trò (roles), Tài khoản
(lock, unlock, temporary password) and Xóa (with confirmation).  The
rules are in ``services.accounts.users``."""
import colander
import deform
from pyramid.httpexceptions import HTTPFound
from substanced.form import FormView
from substanced.schema import Schema
from substanced.sdi import mgmt_view
from substanced.util import get_oid

from ... import _
from ...content.user import (
    ADMIN_GRANT,
    ROLE_CHOICES,
    SELF_CHANGE,
    admin_grant_refused,
)
from ...interfaces import IAgency, IDepartment, IStaffUser
from ...permissions import MANAGE_SITE, MANAGE_USERS, ROLES
from ...services.accounts import users as service
from ...services.administration.removal import RemovalRefused
from ...services.backoffice import casemanagement
from ..paging import Page
from ..spreadsheet import xlsx_response
from . import form_buttons
from .accounts import AddUserSchema


def _flash(request, message, queue='success'):
    request.sdiapi.flash(request.localizer.translate(message), queue)


def users_url(request, user):
    """The users screen of the agency ``user`` belongs to, filtered on it."""
    agency = user.agency()
    if agency is None:
        return request.sdiapi.mgmt_path(request.root, '@@manage_main')
    return request.sdiapi.mgmt_path(agency, '@@nguoi-dung')


# -- the list ---------------------------------------------------------------

@mgmt_view(context=IAgency, name='nguoi-dung', tab_title=_('Users'),
           permission=MANAGE_USERS,
           renderer='httttha:templates/sdi/users.pt')
def users(context, request):
    """The users of this agency and of its sub-agencies: filtered by
    agency, department and keyword, paged in the catalog."""
    filters = service.Filters(context, request.GET)
    resultset = service.search(context, filters)
    page = Page(request, len(resultset), service.PAGE_SIZE)
    role_titles = {name: request.localizer.translate(title)
                   for name, title in ROLE_CHOICES}
    rows = [service.row(context, u, role_titles) for u in
            service.sorted_page(context, resultset, page.start, page.end)]
    params = filters.params()
    return {
        'rows': rows,
        'page': page,
        'system_notes': system_notes(request, context),
        'keyword': filters.keyword,
        'filters': filters,
        'agencies': service.subtree(context),
        'departments': service.departments(context, filters.agency),
        'export_url': request.sdiapi.mgmt_path(
            context, '@@xuat-nguoi-dung', query=params),
        'add_url': request.sdiapi.mgmt_path(
            context, '@@them-nguoi-dung',
            query={'don-vi': filters.agency} if filters.agency else {}),
    }


def system_notes(request, agency):
    """What the system administrator must set up, on the Tổng cục
    administrator's landing screen (there is no status page of its own):
    the settings' names, which officers never see."""
    if agency.parent_agency is not None or not request.has_permission(
            MANAGE_SITE, request.root):
        return []
    translate = request.localizer.translate
    return [translate(note) for note in casemanagement.admin_notes(request)]


#: the export's columns
EXPORT_HEADERS = (_('No.'), _('Login'), _('Full name'), _('E-mail'),
                  _('Job title'), _('Agency'), _('Department'), _('Roles'),
                  _('Status'))


@mgmt_view(context=IAgency, name='xuat-nguoi-dung', permission=MANAGE_USERS,
           tab_condition=False, request_method='GET')
def export_users(context, request):
    """The filtered list as an Excel workbook (every page)."""
    translate = request.localizer.translate
    filters = service.Filters(context, request.GET)
    resultset = service.search(context, filters)
    role_titles = {name: translate(title) for name, title in ROLE_CHOICES}
    locked, active = translate(_('Locked')), translate(_('Active'))

    def lines():
        users = service.sorted_page(context, resultset, 0, len(resultset))
        for number, user in enumerate(users, 1):
            row = service.row(context, user, role_titles)
            yield (number, row['login'], row['full_name'], row['email'],
                   row['job_title'], row['agency'], row['department'],
                   ', '.join(row['roles']),
                   locked if row['locked'] else active)
    title = translate(_('users-export-title', default='Users of ${agency}',
                        mapping={'agency': context.title}))
    return xlsx_response(
        'nguoi-dung-%s' % (context.code or context.__name__), title,
        [translate(h) for h in EXPORT_HEADERS], lines(),
        widths={0: 6, 2: 28, 3: 28, 5: 40, 7: 40})


# -- the forms ----------------------------------------------------------------

def _scope_agency(request):
    """Where the requesting administrator's scope starts: its agency, or
    the Tổng cục for the site administrator."""
    user = request.user
    if user is not None and 'agency_admin' in getattr(user, 'roles', ()):
        agency = user.agency()
        if agency is not None:
            return agency
    from ...services.administration.tree import root_agency
    return root_agency(request.root)


def _agency_values(request):
    top = _scope_agency(request)
    if top is None:
        return []
    return [(str(oid), '\u2003' * depth + title)
            for oid, title, depth in service.subtree(top)]


@colander.deferred
def agency_widget(node, kw):
    return deform.widget.SelectWidget(values=_agency_values(kw['request']))


@colander.deferred
def agency_validator(node, kw):
    request = kw['request']

    def validate(node, value):
        agency = service.object_for(request.root, value)
        if not IAgency.providedBy(agency) or not request.has_permission(
                MANAGE_USERS, agency):
            raise colander.Invalid(
                node, _('You cannot manage the users of this agency.'))
    return validate


@colander.deferred
def department_widget(node, kw):
    request, context = kw['request'], kw['context']
    if IStaffUser.providedBy(context):
        agency_oid = context.agency_oid
    else:
        agency_oid = request.params.get('agency') or request.params.get(
            'don-vi') or get_oid(context)
    values = [('', _('- none -'))] + [
        (str(oid), title) for oid, title in
        service.departments(request.root, agency_oid)]
    return deform.widget.SelectWidget(values=values)


@colander.deferred
def membership_validator(node, kw):
    """The department is one of the chosen agency's; the administrator
    role is granted from the level above only."""
    request, context = kw['request'], kw['context']
    user = context if IStaffUser.providedBy(context) else None

    def validate(form, value):
        agency = service.object_for(request.root, value['agency'])
        if value.get('department'):
            department = service.object_for(request.root,
                                            value['department'])
            if not IDepartment.providedBy(department) or \
                    department.__parent__.__parent__ is not agency:
                error = colander.Invalid(form)
                error['department'] = _('This department is not in the '
                                        'chosen agency.')
                raise error
        roles = value.get('roles', user.roles if user else ())
        if admin_grant_refused(request, agency, roles, user):
            error = colander.Invalid(form, ADMIN_GRANT)
            error['roles' if 'roles' in value else 'agency'] = ADMIN_GRANT
            raise error
    return validate


def _agency_node():
    return colander.SchemaNode(
        colander.String(), title=_('Agency'), widget=agency_widget,
        validator=agency_validator)


def _department_node():
    return colander.SchemaNode(
        colander.String(), title=_('Department'), missing='',
        widget=department_widget)


def _roles_node(required=True):
    return colander.SchemaNode(
        colander.Set(), title=_('Roles'),
        widget=deform.widget.CheckboxChoiceWidget(values=ROLE_CHOICES),
        missing=colander.required if required else (),
        validator=colander.All(
            colander.Length(min=1, min_err=_('Choose at least one role.')),
            colander.ContainsOnly(list(ROLES))) if required else
        colander.ContainsOnly(list(ROLES)))


class AddSchema(AddUserSchema):
    """Thêm người dùng: the account, its agency, department and roles."""
    validator = membership_validator
    job_title = colander.SchemaNode(
        colander.String(), title=_('Job title'), missing='',
        validator=colander.Length(max=100))
    agency = _agency_node()
    department = _department_node()
    roles = _roles_node()


@mgmt_view(context=IAgency, name='them-nguoi-dung',
           permission=MANAGE_USERS, tab_condition=False,
           renderer='substanced.sdi:templates/form.pt')
class AddAgencyUserView(FormView):
    """Add a user to an agency of this subtree with roles held there."""
    title = _('Add user')
    schema = AddSchema()
    buttons = form_buttons('add')

    def show(self, form):
        chosen = self.request.params.get('don-vi') or str(
            get_oid(self.context))
        return {'form': form.render({'agency': chosen})}

    def add_success(self, appstruct):
        agency = service.object_for(self.request.root, appstruct['agency'])
        user = service.add(self.request, agency, appstruct)
        _flash(self.request, _('user-added', default='User ${login} added.',
                               mapping={'login': user.__name__}))
        return HTTPFound(self.request.sdiapi.mgmt_path(
            self.context, '@@nguoi-dung'))

    def cancel_success(self, appstruct=None):
        return HTTPFound(self.request.sdiapi.mgmt_path(
            self.context, '@@nguoi-dung'))
    cancel_failure = cancel_success


class EditSchema(Schema):
    """Thông tin: what an administrator edits of a user."""
    validator = membership_validator
    full_name = colander.SchemaNode(colander.String(), title=_('Full name'),
                                    validator=colander.Length(1, 100))
    email = colander.SchemaNode(colander.String(), title=_('E-mail'),
                                validator=colander.Email())
    job_title = colander.SchemaNode(
        colander.String(), title=_('Job title'), missing='',
        validator=colander.Length(max=100))
    agency = _agency_node()
    department = _department_node()


@mgmt_view(context=IStaffUser, name='sua-nguoi-dung',
           tab_title=_('Information'), permission=MANAGE_USERS,
           renderer='substanced.sdi:templates/form.pt')
class EditUserView(FormView):
    """Sửa người dùng: full name, e-mail, job title, agency, department."""
    title = _('Edit user')
    schema = EditSchema()
    buttons = form_buttons('save')

    def show(self, form):
        user = self.context
        return {'form': form.render({
            'full_name': user.full_name, 'email': user.email or '',
            'job_title': user.job_title,
            'agency': str(user.agency_oid or ''),
            'department': str(user.department_oid or '')})}

    def save_success(self, appstruct):
        user = self.context
        if self.request.user is user and (
                appstruct['agency'] != str(user.agency_oid or '') or
                appstruct['department'] != str(user.department_oid or '')):
            _flash(self.request, SELF_CHANGE, 'danger')
            return HTTPFound(self.request.sdiapi.mgmt_path(
                user, '@@sua-nguoi-dung'))
        service.edit(self.request, user, appstruct)
        _flash(self.request, _('user-saved', default='The account of '
                               '${login} has been updated.',
                               mapping={'login': user.__name__}))
        return HTTPFound(users_url(self.request, user))

    def cancel_success(self, appstruct=None):
        return HTTPFound(users_url(self.request, self.context))
    cancel_failure = cancel_success


class RolesSchema(Schema):
    """Vai trò: the roles the user holds at its agency."""
    validator = membership_validator
    agency = colander.SchemaNode(colander.String(),
                                 widget=deform.widget.HiddenWidget())
    roles = _roles_node(required=False)


@mgmt_view(context=IStaffUser, name='vai-tro', tab_title=_('Roles'),
           permission=MANAGE_USERS,
           renderer='substanced.sdi:templates/form.pt')
class RolesView(FormView):
    """Gán hoặc hủy vai trò (Điều 10-11): nobody changes their own."""
    title = _('Assign or revoke roles')
    schema = RolesSchema()
    buttons = form_buttons('save')

    def show(self, form):
        user = self.context
        return {'form': form.render({'agency': str(user.agency_oid or ''),
                                     'roles': set(user.roles)})}

    def save_success(self, appstruct):
        user = self.context
        if self.request.user is user:
            _flash(self.request, SELF_CHANGE, 'danger')
            return HTTPFound(self.request.sdiapi.mgmt_path(user, '@@vai-tro'))
        if appstruct['agency'] != str(user.agency_oid or ''):
            # the form was of another agency (changed meanwhile)
            return HTTPFound(self.request.sdiapi.mgmt_path(user, '@@vai-tro'))
        service.set_roles(self.request, user, appstruct['roles'])
        _flash(self.request, _('user-roles-saved', default='The roles of '
                               '${login} have been updated.',
                               mapping={'login': user.__name__}))
        return HTTPFound(users_url(self.request, user))

    def cancel_success(self, appstruct=None):
        return HTTPFound(users_url(self.request, self.context))
    cancel_failure = cancel_success


# -- the account: lock, unlock, temporary password, delete ---------------------

SELF_ACCOUNT = _('self-account-refused',
                 default='You cannot lock, delete or reset the password of '
                         'your own account here.')


def _account(context, request, password=None):
    return {'user': context, 'password': password,
            'refusal': service.deletion_refusal(context),
            'back': users_url(request, context),
            'is_self': request.user is context}


@mgmt_view(context=IStaffUser, name='tai-khoan', tab_title=_('Account'),
           permission=MANAGE_USERS, request_method='GET',
           renderer='httttha:templates/sdi/users_account.pt')
def account(context, request):
    """The account's state and its buttons."""
    return _account(context, request)


@mgmt_view(context=IStaffUser, name='tai-khoan', permission=MANAGE_USERS,
           request_method='POST', check_csrf=True, tab_condition=False,
           renderer='httttha:templates/sdi/users_account.pt')
def account_action(context, request):
    """Khóa, Mở khóa, Đặt lại mật khẩu.  The temporary password is shown
    in this answer only (never flashed: the session is a cookie)."""
    if request.user is context:
        _flash(request, SELF_ACCOUNT, 'danger')
        return HTTPFound(request.sdiapi.mgmt_path(context, '@@tai-khoan'))
    action = request.POST.get('action')
    if action == 'lock':
        service.lock(request, context)
        _flash(request, _('user-locked', default='The account ${login} is '
                          'locked: it cannot log in any more.',
                          mapping={'login': context.__name__}))
    elif action == 'unlock':
        service.unlock(request, context)
        _flash(request, _('user-unlocked', default='The account ${login} is '
                          'unlocked.', mapping={'login': context.__name__}))
    elif action == 'reset-password':
        password = service.reset_password(request, context)
        request.response.headers['Cache-Control'] = 'no-store'
        return _account(context, request, password)
    return HTTPFound(request.sdiapi.mgmt_path(context, '@@tai-khoan'))


@mgmt_view(context=IStaffUser, name='xoa-nguoi-dung', permission=MANAGE_USERS,
           request_method='GET', tab_condition=False,
           renderer='httttha:templates/sdi/users_delete.pt')
def confirm_delete(context, request):
    """Xóa người dùng: asks first (Đồng ý / Hủy), or says why not."""
    return _account(context, request)


@mgmt_view(context=IStaffUser, name='xoa-nguoi-dung', permission=MANAGE_USERS,
           request_method='POST', check_csrf=True, tab_condition=False)
def delete(context, request):
    """Delete the confirmed user, back to the users screen."""
    back = users_url(request, context)
    if request.user is context:
        _flash(request, SELF_ACCOUNT, 'danger')
        return HTTPFound(back)
    login = context.__name__
    try:
        service.delete(request, context)
    except RemovalRefused as e:
        request.tm.doom()
        _flash(request, e.message, 'danger')
        return HTTPFound(request.sdiapi.mgmt_path(context, '@@xoa-nguoi-dung'))
    _flash(request, _('user-deleted', default='The account ${login} has been '
                      'deleted.', mapping={'login': login}))
    return HTTPFound(back)
