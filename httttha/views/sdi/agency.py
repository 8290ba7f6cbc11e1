"""Back-office views of an agency: the staff's landing, the workspace,
the page of what a role does, adding agencies and departments (the
users screen is in ``users``)."""
from pyramid.httpexceptions import HTTPFound
from pyramid.security import has_permission
from pyramid.view import view_config
from substanced.form import FormView
from substanced.sdi import mgmt_view
from substanced.util import get_oid

from ... import _
from ...content.agency import AgencySchema, DepartmentSchema
from ...content.application import PROCEDURES
from ...content.dossier import local_time
from ...interfaces import IAgency, IDepartmentFolder
from ...services.accounts import roles
from ...services.administration import audit, codelists
from ...services.administration.tree import audited_values
from ...workflows.dossier import STATE_TITLES, state_of
from ..paging import Page
from . import form_buttons
from .tree import tree_url

#: where each role lands (the first the user holds, in this order): the
#: workspace for those who process dossiers, the users screen for the
#: administrators, the statistics for the viewers, and for the roles whose
#: screens come later the page saying what they can do
LANDINGS = (
    (('officer', 'specialist', 'leader', 'complaints_leader'), 'ban-lam-viec'),
    (('agency_admin',), 'nguoi-dung'),
    (('viewer',), 'thong-ke'),
    (('web_editor',), 'huong-dan'),
    (('report_admin',), 'quan-tri-bao-cao'),
)


def landing(user):
    """The view name ``user`` lands on in its agency."""
    held = set(getattr(user, 'roles', ()))
    for names, view in LANDINGS:
        if held.intersection(names):
            return view
    return 'chuc-nang'


@view_config(name='httt', permission='view')
@mgmt_view(name='httt', permission='view', tab_condition=False)
def staff_entry(context, request):
    """The staff entry point: the screen made for the user's roles in its
    agency."""
    user = request.user
    if user is None:
        return HTTPFound(request.sdiapi.mgmt_path(request.root, '@@login'))
    agency = user.agency() if hasattr(user, 'agency') else None
    if agency is None:
        return HTTPFound(request.sdiapi.mgmt_path(request.root,
                                                  '@@manage_main'))
    return HTTPFound(request.sdiapi.mgmt_path(agency, '@@' + landing(user)))


#: what each role does, and where (None: its screens come with a later
#: version); the page ``chuc-nang`` lists those of the user's roles
FUNCTIONS = {
    'officer': (_('Receive and process the online dossiers'),
                'ban-lam-viec'),
    'specialist': (_('Draft the answers to the petitions assigned to you'),
                   'ban-lam-viec'),
    'leader': (_('Assign, approve and follow the dossiers'), 'ban-lam-viec'),
    'complaints_leader': (_('Assign and approve the petitions'),
                          'ban-lam-viec'),
    'agency_admin': (_('Manage the accounts and roles of the users'),
                     'nguoi-dung'),
    'viewer': (_('Follow the statistics of online support'), 'thong-ke'),
    'web_editor': (_('Edit the guidance pages, the questions and answers '
                     'and the news of the agency on the portal'),
                   'huong-dan'),
    'report_admin': (_('Receive, approve, search and export the periodic '
                       'reports'), 'quan-tri-bao-cao'),
}


@mgmt_view(context=IAgency, name='chuc-nang', permission=roles.VIEW,
           tab_condition=False, renderer='httttha:templates/sdi/functions.pt')
def functions(context, request):
    """Chức năng: what the user's roles here let it do, with a link to
    each screen that exists (the web editor's and the report
    administrator's come with later versions: said, never a 403)."""
    user = request.user
    here = get_oid(context)
    held = [r for r in getattr(user, 'roles', ())
            if getattr(user, 'agency_oid', None) == here]
    tabs = {v['view_name'] for v in request.sdiapi.mgmt_views(context)}
    rows = []
    for name in held:
        text, view = FUNCTIONS[name]
        rows.append({'role': roles.ROLES[name].title, 'text': text,
                     'url': request.sdiapi.mgmt_path(context, '@@' + view)
                     if view in tabs else None})
    return {'agency': context, 'rows': rows,
            'password_url': request.sdiapi.mgmt_path(
                user, '@@change_password') if user is not None else None}


@mgmt_view(context=IAgency, name='ban-lam-viec', tab_title=_('Workspace'),
           permission=roles.WORK,
           renderer='httttha:templates/sdi/workspace.pt')
def workspace(context, request):
    """Bàn làm việc: the unit, the user's roles here and the queues of
    dossiers, filtered, sorted and paged."""
    from ...services.backoffice import deadlines, workspace as service
    user = request.user
    here = get_oid(context)
    # every entry of the code lists, deactivated ones too: old petitions
    # keep the values they were classified with
    classifications = codelists.classifications(context, request,
                                                active=False)
    filters = service.Filters(request.GET, classifications)
    today = local_time().date()
    counts, results = service.queues(request, context, filters, today)
    page = Page(request, len(results), filters.size)
    rows = service.page_rows(context, results, filters, page.start,
                             page.end)
    calendar = deadlines.get_calendar(request.root)
    titles = {name: title for name, title, _s in service.QUEUES}
    return {
        'agency': context,
        'roles': [roles.ROLES[r].title for r in getattr(user, 'roles', ())
                  if getattr(user, 'agency_oid', None) == here],
        'can_manage_users': has_permission(roles.MANAGE_USERS, context,
                                           request),
        'can_register': has_permission(roles.PROCESS, context, request),
        'filters': filters, 'counts': counts,
        'groups': [(title, [(name, titles[name]) for name in names])
                   for title, names in service.QUEUE_GROUPS],
        'every_queue': service.EVERY_QUEUE,
        'page': page, 'has_subs': bool(context.sub_agencies()),
        'rows': [{'dossier': d, 'state': state_of(d),
                  'queue': service.STATE_QUEUE.get(state_of(d)),
                  'status': deadlines.status(d, today, calendar),
                  'received': local_time(d.submitted)} for d in rows],
        'state_titles': STATE_TITLES, 'procedures': PROCEDURES,
        'sizes': service.PAGE_SIZES,
        'classifications': classifications,
    }


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
