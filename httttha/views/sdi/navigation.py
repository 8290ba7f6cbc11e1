"""What a staff member sees around a page: the property sheets of the
things they administer, the breadcrumbs and the title, and nothing of
what they may not see.

Substance D's generic views check ``sdi.*`` permissions that only the
site administrator holds (see ``services.accounts.roles``); the views here give
agency roles the property sheets they need under httttha's own
permissions, and keep a denied page from naming what was denied."""
import re

from pyramid.events import ContextFound, subscriber
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.i18n import TranslationString
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.traversal import (
    PATH_SEGMENT_SAFE,
    find_interface,
    lineage,
    quote_path_segment,
)
from substanced.interfaces import IRoot
from substanced.property.views import (
    PropertySheetsView,
    has_permission_to_view_any_propertysheet,
)
from substanced.sdi import MANAGE_ROUTE_NAME, mgmt_view, sdiapi
from substanced.sdi.views.manage import ManagementViews

from ... import _
from ...interfaces import IAgency, IDepartment, IDossier, IStaffUser
from ...services.accounts import roles
from . import form_buttons, tabs
from .tree import tree_url

SHEETS = dict(name='properties', propertied=True, tab_title=_('Properties'),
              renderer='substanced.property:templates/propertysheets.pt',
              tab_condition=has_permission_to_view_any_propertysheet)


@mgmt_view(context=IAgency, permission=roles.VIEW, **SHEETS)
@mgmt_view(context=IDepartment, permission=roles.VIEW, **SHEETS)
@mgmt_view(context=IStaffUser, permission=roles.EDIT_ACCOUNT, **SHEETS)
@mgmt_view(context=IRoot, permission=roles.MANAGE_SITE, **SHEETS)
class PropertiesView(PropertySheetsView):
    """Substance D's property sheets of an agency, a department, a staff
    account and the site, under the permission each is about (each sheet
    still says who may view and who may change it), with the buttons of
    every administration form: Cập nhật / Nhập lại / Hủy."""
    buttons = form_buttons('save')

    def cancel_success(self, appstruct):
        """Hủy: nothing saved; an agency's or a department's sheet goes
        back to the tree (or the departments), others stay."""
        context = self.context
        if IAgency.providedBy(context):
            return HTTPFound(tree_url(self.request, context))
        if IDepartment.providedBy(context):
            return HTTPFound(self.request.sdiapi.mgmt_path(
                context.__parent__.__parent__, '@@danh-sach-phong-ban'))
        return HTTPFound(self.request.sdiapi.mgmt_path(
            context, '@@properties', self.active_sheet_name))
    cancel_failure = cancel_success


@subscriber(ContextFound)
def hide_denied_dossiers(event):
    """Under a dossier, an anonymous request answers exactly as an unknown
    code does (404, not the login page): neither the dossier's existence
    nor the applicant's name leaks to a guesser.  Staff who may not view
    it get the 403 page, which names nothing (``page_title``)."""
    request = event.request
    route = request.matched_route
    if route is None or route.name != MANAGE_ROUTE_NAME or \
            request.authenticated_userid is not None:
        return
    if find_interface(request.context, IDossier) is not None:
        raise HTTPNotFound(request.path_info)  # as the router's own 404


#: the management interface's name, where Substance D says its own
PRODUCT = _('Online support for civil judgment enforcement (staff)')


def product_name(request):
    """The management interface's name in the header and the titles."""
    return request.localizer.translate(PRODUCT)


def substanced_text(request, text):
    """``text`` in Vietnamese when it is one of Substance D's English
    strings that its code does not mark for translation ('Updated
    properties', a property sheet's name): the ``substanced`` catalog
    holds them; any other text is returned as it is."""
    if not text or isinstance(text, TranslationString):
        return request.localizer.translate(text) if text else text
    translated = request.localizer.translate(
        TranslationString(text, domain='substanced'))
    return text if translated == text else translated


def sheet_title(request, name):
    """A property sheet's tab: its name, translated (Substance D's unnamed
    sheets are 'Basic')."""
    return substanced_text(request, name or 'Basic')


#: Substance D's content types as the site administrator meets them (in
#: the breadcrumbs, for objects without a title, and the Add menu)
CONTENT_TYPES = {
    'Principals': _('Users and groups'),
    'Users': _('Accounts'),
    'Groups': _('Groups'),
    'Password Resets': _('Password reset requests'),
    'Catalogs': _('Search indexes'),
    'Lock Service': _('Locks'),
    'Code Lists': _('Code lists'),
    'Folder': _('content-type-folder', default='Folder'),
    'File': _('content-type-file', default='File'),
    'User': _('content-type-user', default='User'),
    'Group': _('content-type-group', default='Group'),
}


#: the events of Substance D's audit log (its Auditing tab)
AUDIT_EVENTS = {
    'LoggedIn': _('audit-event-logged-in', default='Logged in'),
    'ContentAdded': _('audit-event-added', default='Content added'),
    'ContentRemoved': _('audit-event-removed', default='Content removed'),
    'ContentModified': _('audit-event-modified', default='Content changed'),
    'ContentMoved': _('audit-event-moved', default='Content moved'),
    'ContentDuplicated': _('audit-event-duplicated',
                           default='Content duplicated'),
    'ACLModified': _('audit-event-acl', default='Permissions changed'),
}


def audit_event_title(request, name):
    """An event of Substance D's audit log as people read it."""
    title = AUDIT_EVENTS.get(name)
    return request.localizer.translate(title) if title else name


def type_title(request, content_type):
    """A content type's name as people read it."""
    title = CONTENT_TYPES.get(content_type)
    return request.localizer.translate(title) if title else content_type


#: a name that a path holds as it is (no character to quote)
_PLAIN_NAME = re.compile(r'[A-Za-z0-9._~-]+')


class StaffSDIAPI(sdiapi):
    """``request.sdiapi`` whose messages are Vietnamese even where
    Substance D flashes hard-coded English, and whose breadcrumbs name
    the root and Substance D's services in Vietnamese, and whose tabs
    are looked for among the views that can apply (``tabs``)."""
    sdi_mgmt_views = staticmethod(tabs.mgmt_views)

    def breadcrumbs(self):
        crumbs = sdiapi.breadcrumbs(self)
        # the crumbs run from the (virtual) root down to the context
        resources = list(lineage(self.request.context))[:len(crumbs)]
        for crumb, resource in zip(crumbs, reversed(resources)):
            if IRoot.providedBy(resource):
                crumb['name'] = product_name(self.request)
            elif getattr(resource, 'sdi_title', None) is None and \
                    crumb['content_type'] in CONTENT_TYPES:
                crumb['name'] = type_title(self.request,
                                           crumb['content_type'])
        return crumbs

    def mgmt_path(self, obj, *elements, **kw):
        """Substance D's, with the path of each place computed once per
        request, and a child's made from its parent's: the tabs ask it
        for every management view, a list for each row and its files."""
        if kw:
            return sdiapi.mgmt_path(self, obj, *elements, **kw)
        base = self._path(obj)
        if not elements:
            return base
        # as Pyramid's route_url appends them
        return base + ('' if base.endswith('/') else '/') + '/'.join(
            quote_path_segment(e, safe=PATH_SEGMENT_SAFE) for e in elements)

    def _path(self, obj):
        # kept with the object's name and parent, so that renaming or
        # moving it within the request computes its path again
        paths = self.__dict__.setdefault('_paths', {})
        name = getattr(obj, '__name__', None)
        parent = getattr(obj, '__parent__', None)
        found = paths.get(id(obj))
        if found is not None and found[0] is obj and found[1] == name \
                and found[2] is parent:
            return found[3]
        if parent is not None and isinstance(name, str) and \
                _PLAIN_NAME.fullmatch(name) and \
                'HTTP_X_VHM_ROOT' not in self.request.environ:
            # what resource_path_tuple would give: the parent's path and
            # this name (a plain name needs no quoting; the root's path
            # alone has no final slash)
            path = self._path(parent)
            path += ('' if path.endswith('/') else '/') + name + '/'
        else:
            path = sdiapi.mgmt_path(self, obj)
        paths[id(obj)] = (obj, name, parent, path)
        return path

    def get_flash_with_undo_snippet(self, msg, queue='',
                                    allow_duplicate=True):
        return sdiapi.get_flash_with_undo_snippet(
            self, substanced_text(self.request, msg), queue, allow_duplicate)

    def flash(self, msg, queue='info', allow_duplicate=True):
        return sdiapi.flash(self, substanced_text(self.request, msg), queue,
                            allow_duplicate)


def page_title(request):
    """The title of a management page: the nearest agency's (or other
    titled object's) name, the product's where there is none (the root's
    is substanced's "Substance D"); never that of a denied resource."""
    if getattr(request, 'exception', None) is None:
        for resource in lineage(request.context):
            title = not IRoot.providedBy(resource) and getattr(
                resource, 'sdi_title', None)
            if title:
                return title
    return product_name(request)


def breadcrumbs(request):
    """The way back up from this page: the site administrator gets
    Substance D's; staff get the agencies (and the dossier) they may open."""
    context = request.context
    if getattr(request, 'exception', None) is not None:
        return []
    if request.has_permission('sdi.view', context):
        return request.sdiapi.breadcrumbs()
    crumbs = []
    for resource in lineage(context):
        if IDossier.providedBy(resource):
            if not request.has_permission(roles.VIEW_DOSSIERS, resource):
                break
            view = '@@chi-tiet'
        elif IAgency.providedBy(resource):
            if not request.has_permission(roles.VIEW, resource):
                break
            view = '@@manage_main'
        else:
            continue
        crumbs.insert(0, {
            'url': request.sdiapi.mgmt_path(resource, view),
            'name': resource.sdi_title,
            'active': 'active' if resource is context else None,
            'icon': request.registry.content.metadata(resource, 'icon'),
            'content_type': request.registry.content.typeof(resource),
        })
    return crumbs


@mgmt_view(context=IRoot, name='', tab_condition=False,
           permission=NO_PERMISSION_REQUIRED)
@mgmt_view(context=IRoot, name='manage_main', tab_condition=False,
           permission=NO_PERMISSION_REQUIRED)
def landing(context, request):
    """``/manage``: the site administrator's tabs of the root; staff, who
    have none there, go to their own agency's first screen."""
    if request.user is not None and not request.sdiapi.mgmt_views(context):
        return HTTPFound(request.sdiapi.mgmt_path(context, '@@httt'))
    return ManagementViews(context, request).manage_main()


def reports_url(request):
    """Báo cáo trực tuyến of the whole system (the staff menu's link:
    every official reaches it in one click), or None for those who may
    not read reports (the site administrator without an agency still
    may)."""
    from ...content.agency import root_agency
    from ...permissions import VIEW_REPORTS
    if request.user is None or getattr(request, 'exception', None) \
            is not None:
        return None
    top = root_agency(request.root)
    if top is None or not request.has_permission(VIEW_REPORTS, top):
        return None
    return request.sdiapi.mgmt_path(top, '@@bao-cao-truc-tuyen')
