"""Back-office views of an agency: workspace, users, adding agencies,
departments and users."""
import colander
import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.security import has_permission
from pyramid.view import view_config
from substanced.form import FormView
from substanced.sdi import mgmt_view
from substanced.util import find_catalog, get_oid

from ... import _
from ...text import fold
from ...content.agency import AgencySchema, DepartmentSchema
from ...content.application import PROCEDURES
from ...content.dossier import local_time
from ...content.user import ROLE_CHOICES
from ...interfaces import IAgency, IDepartmentFolder
from ...services.accounts import roles
from ...services.accounts.logins import add_user
from ...services.administration import audit
from ...services.administration.removal import staff_query
from ...services.administration.tree import audited_values
from ...workflows.dossier import STATE_TITLES, state_of
from ..paging import Page
from .accounts import AddUserSchema
from .tree import form_buttons, tree_url

PAGE_SIZE = 50


@view_config(name='httt', permission='view')
@mgmt_view(name='httt', permission='view', tab_condition=False)
def staff_entry(context, request):
    """The staff entry point: the first screen the user's roles give in
    its agency (the workspace for those who process dossiers)."""
    user = request.user
    if user is None:
        return HTTPFound(request.sdiapi.mgmt_path(request.root, '@@login'))
    agency = user.agency() if hasattr(user, 'agency') else None
    if agency is None:
        return HTTPFound(request.sdiapi.mgmt_path(request.root,
                                                  '@@manage_main'))
    tabs = request.sdiapi.mgmt_views(agency)
    view = tabs[0]['view_name'] if tabs else 'ban-lam-viec'
    return HTTPFound(request.sdiapi.mgmt_path(agency, '@@' + view))


@mgmt_view(context=IAgency, name='ban-lam-viec', tab_title=_('Workspace'),
           permission=roles.WORK,
           renderer='httttha:templates/sdi/workspace.pt')
def workspace(context, request):
    """Bàn làm việc: the unit, the user's roles here and the queues of
    dossiers, filtered, sorted and paged."""
    from ...services.backoffice import deadlines, workspace as service
    user = request.user
    here = get_oid(context)
    filters = service.Filters(request.GET)
    today = local_time().date()
    counts, results = service.queues(request, context, filters, today)
    page = Page(request, len(results), filters.size)
    rows = service.page_rows(context, results, filters, page.start,
                             page.end)
    calendar = deadlines.get_calendar(request.root)
    return {
        'agency': context,
        'roles': [roles.ROLES[r].title for r in getattr(user, 'roles', ())
                  if getattr(user, 'agency_oid', None) == here],
        'can_manage_users': has_permission(roles.MANAGE_USERS, context,
                                           request),
        'can_register': has_permission(roles.PROCESS, context, request),
        'filters': filters, 'queues': service.QUEUES, 'counts': counts,
        'page': page, 'has_subs': bool(context.sub_agencies()),
        'rows': [{'dossier': d, 'state': state_of(d),
                  'status': deadlines.status(d, today, calendar),
                  'received': local_time(d.submitted)} for d in rows],
        'state_titles': STATE_TITLES, 'procedures': PROCEDURES,
        'sizes': service.PAGE_SIZES,
        'classifications': service.CLASSIFICATIONS,
    }


@mgmt_view(context=IAgency, name='nguoi-dung', tab_title=_('Users'),
           permission=roles.MANAGE_USERS,
           renderer='httttha:templates/sdi/users.pt')
def users(context, request):
    """The users of this agency and of its sub-agencies, paged."""
    catalog = find_catalog(context, 'httttha')
    oids = [get_oid(a) for a in context.walk()]
    # users only: the agency index holds the dossiers of these agencies too
    query = staff_query(context, oids)
    keyword = request.params.get('q', '').strip()
    if keyword:
        query &= catalog['title_folded'].contains(fold(keyword) + '*')
    resultset = query.execute()
    page = Page(request, len(resultset), PAGE_SIZE)
    resultset = resultset.sort(catalog['sort_name'], limit=page.end)
    agencies = {get_oid(a): a for a in context.walk()}
    rows = list(resultset)[page.start:page.end]
    role_titles = dict(ROLE_CHOICES)
    return {
        'rows': [{
            'user': u,
            'agency': agencies.get(u.agency_oid),
            'roles': [role_titles[r] for r in u.roles],
        } for u in rows],
        'page': page,
        'keyword': keyword,
    }


@mgmt_view(context=IAgency, name='them-nguoi-dung',
           permission=roles.MANAGE_USERS, tab_condition=False,
           renderer='substanced.sdi:templates/form.pt')
class AddAgencyUserView(FormView):
    """Add a user to this agency with roles held here."""
    title = _('Add user')
    buttons = (deform.Button('add', _('Add')), deform.Button(
        'cancel', _('Cancel'), type='submit'))

    class schema(AddUserSchema):
        job_title = colander.SchemaNode(colander.String(),
                                        title=_('Job title'), missing='')
        roles = colander.SchemaNode(
            colander.Set(), title=_('Roles'),
            widget=deform.widget.CheckboxChoiceWidget(values=ROLE_CHOICES),
            validator=colander.All(
                colander.Length(min=1, min_err=_('Choose at least one role.')),
                colander.ContainsOnly(list(roles.ROLES))))
    schema = schema()

    def add_success(self, appstruct):
        user_roles = appstruct.pop('roles')
        user = add_user(self.context, self.request.registry, **appstruct)
        user.assign(self.context, user_roles)
        self.request.sdiapi.flash(self.request.localizer.translate(_(
            'user-added', default='User ${login} added.',
            mapping={'login': user.__name__})), 'success')
        return HTTPFound(self.request.sdiapi.mgmt_path(
            self.context, '@@nguoi-dung'))

    def cancel_success(self, appstruct):
        return HTTPFound(self.request.sdiapi.mgmt_path(
            self.context, '@@nguoi-dung'))
    cancel_failure = cancel_success


@mgmt_view(context=IAgency, name='add_agency',
           permission=roles.MANAGE_AGENCY, tab_condition=False,
           renderer='substanced.sdi:templates/form.pt')
class AddAgencyView(FormView):
    """Thêm mới đơn vị: add a sub-agency (Cập nhật / Nhập lại / Hủy)."""
    title = _('Add agency')
    schema = AgencySchema()
    # the button keeps its name 'add' (the form's contract), titled Cập nhật
    buttons = form_buttons('add')

    def add_success(self, appstruct):
        name = appstruct.pop('name')
        agency = self.request.registry.content.create('Agency', **appstruct)
        self.context.add(name, agency, registry=self.request.registry)
        audit.record(self.request, 'agency.add', agency,
                     after=audited_values(agency))
        self.request.sdiapi.flash(self.request.localizer.translate(_(
            'agency-added', default='"${title}" was added.',
            mapping={'title': agency.title})), 'success')
        return HTTPFound(tree_url(self.request, agency, q=agency.title))

    def cancel_success(self, appstruct):
        return HTTPFound(tree_url(self.request, self.context))
    cancel_failure = cancel_success


@mgmt_view(context=IDepartmentFolder, name='add_department',
           permission=roles.MANAGE_AGENCY, tab_condition=False,
           renderer='substanced.sdi:templates/form.pt')
class AddDepartmentView(FormView):
    """Add a department (phòng ban) to an agency (Cập nhật / Nhập lại /
    Hủy)."""
    title = _('Add department')
    schema = DepartmentSchema()
    buttons = form_buttons('add')

    def _list(self):
        return HTTPFound(self.request.sdiapi.mgmt_path(
            self.context.__parent__, '@@danh-sach-phong-ban'))

    def add_success(self, appstruct):
        name = appstruct.pop('name')
        dept = self.request.registry.content.create('Department', **appstruct)
        self.context.add(name, dept, registry=self.request.registry)
        audit.record(self.request, 'department.add', dept,
                     agency=self.context.__parent__,
                     after=audited_values(dept))
        self.request.sdiapi.flash(self.request.localizer.translate(_(
            'department-added', default='The department "${title}" was '
                                        'added.',
            mapping={'title': dept.title})), 'success')
        return self._list()

    def cancel_success(self, appstruct):
        return self._list()
    cancel_failure = cancel_success
