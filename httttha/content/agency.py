"""Agency (Tổng cục / Cục / Chi cục), its fixed containers and departments."""
import colander
import deform.widget
from persistent import Persistent
from pyramid.security import Deny, Everyone
from substanced.content import content
from substanced.folder import Folder
from substanced.property import PropertySheet
from substanced.schema import NameSchemaNode, Schema
from substanced.util import find_catalog, renamer
from zope.interface import implementer

from .. import _
from ..interfaces import (
    IAgency,
    IAgencyContainer,
    IDepartment,
    IDepartmentFolder,
    IDossierFolder,
)
from ..permissions import MANAGE_AGENCY, MANAGE_TREE, VIEW

KINDS = (
    ('tong_cuc', _('General Department')),
    ('cuc', _('Provincial Department')),
    ('chi_cuc', _('District Sub-department')),
)

#: name -> (content type, title) of the containers every agency holds
CONTAINERS = (
    ('ho-so', 'Dossier Folder', _('Dossiers')),
    ('huong-dan', 'Guidance Folder', _('Guidance')),
    ('bao-cao', 'Report Folder', _('Reports')),
    ('khao-sat', 'Survey Folder', _('Survey')),
    ('phong-ban', 'Department Folder', _('Departments')),
)

PHONE = colander.Regex(r'^[0-9 ().+\-]{6,30}$', _('Invalid phone number'))

#: the Tổng cục's administrators alone change an agency's code or level
#: (``MANAGE_TREE``, granted on the root): the public forms find agencies
#: by code

def _is_adding(request):
    return request.view_name == 'add_agency'


@colander.deferred
def unique_code(node, kw):
    """No two agencies share a code: citizens choose an agency by it."""
    request = kw['request']
    context = request.context

    def validate(node, value):
        catalog = find_catalog(context, 'httttha')
        for other in catalog['code'].eq(value).execute():
            if getattr(other, 'is_agency', False) and (
                    _is_adding(request) or other is not context):
                raise colander.Invalid(node, _(
                    'agency-code-taken',
                    default='The code ${code} is already used by ${agency}.',
                    mapping={'code': value, 'agency': other.title}))
    return colander.All(colander.Length(1, 20), validate)


def _kind_below_parent(parent):
    rank = [k for k, _t in KINDS]

    def validate(node, value):
        if parent.kind in rank and value in rank and \
                rank.index(value) <= rank.index(parent.kind):
            raise colander.Invalid(node, _(
                'A sub-agency must be of a lower level than its parent.'))
    return validate


def _unchanged(current):
    def validate(node, value):
        if value != current:
            raise colander.Invalid(node, _(
                'Only the administrators of the General Department may '
                'change an agency\'s code or level.'))
    return validate


class AgencySchema(Schema):
    """What an agency is described by."""
    name = NameSchemaNode(editing=lambda c, r: r.registry.content.istype(
        c, 'Agency'), title=_('Address in the URL'))
    title = colander.SchemaNode(colander.String(), title=_('Name'),
                                validator=colander.Length(1, 200))
    short_name = colander.SchemaNode(colander.String(), title=_('Short name'),
                                     missing='',
                                     validator=colander.Length(max=100))
    kind = colander.SchemaNode(
        colander.String(), title=_('Level'),
        widget=deform.widget.SelectWidget(values=KINDS),
        validator=colander.OneOf([k for k, _t in KINDS]))
    code = colander.SchemaNode(colander.String(), title=_('Code'),
                               validator=unique_code)
    address = colander.SchemaNode(colander.String(), title=_('Address'),
                                  missing='',
                                  validator=colander.Length(max=300))
    phone = colander.SchemaNode(colander.String(), title=_('Phone'),
                                missing='', validator=PHONE)
    email = colander.SchemaNode(colander.String(), title=_('E-mail'),
                                missing='', validator=colander.Email())
    working_hours = colander.SchemaNode(
        colander.String(), title=_('Working hours'), missing='',
        validator=colander.Length(max=200))
    head_title = colander.SchemaNode(colander.String(), title=_('Head title'),
                                     missing='',
                                     validator=colander.Length(max=100))
    head_name = colander.SchemaNode(colander.String(), title=_('Head name'),
                                    missing='',
                                    validator=colander.Length(max=100))

    def after_bind(self, schema, kw):
        request = kw['request']
        context = request.context
        if request.has_permission(MANAGE_TREE, context):
            return
        if _is_adding(request):
            schema['kind'].validator = colander.All(
                schema['kind'].validator, _kind_below_parent(context))
            return
        # shown, not editable; a forged value is refused
        schema['code'].widget = deform.widget.TextInputWidget(readonly=True)
        schema['kind'].widget = deform.widget.SelectWidget(values=KINDS,
                                                           readonly=True)
        for name in ('code', 'kind'):
            current = getattr(context, name, '')
            schema[name].missing = current
            schema[name].validator = _unchanged(current)


class AgencyPropertySheet(PropertySheet):
    schema = AgencySchema()
    permissions = (('view', VIEW), ('change', MANAGE_AGENCY))


#: the stored details (not the URL name, nor the schema's CSRF token: an
#: agency's ``_csrf_token_`` attribute would be shown as the token in its
#: property sheet, and saving it would always fail)
FIELDS = tuple(node.name for node in AgencySchema().children
               if node.name not in ('name', '_csrf_token_'))


#: the Tổng cục's name under the root; the tree hangs below it
ROOT_NAME = 'thads'


def root_agency(root):
    """The Tổng cục, or None before the tree is loaded."""
    return root.get(ROOT_NAME)


def find_agency(context):
    """The agency ``context`` is in (or is), or None."""
    while context is not None:
        if getattr(context, 'is_agency', False):
            return context
        context = getattr(context, '__parent__', None)
    return None

@content(
    'Agency',
    icon='glyphicon glyphicon-tower',
    add_view='add_agency',
    propertysheets=((_('Details'), AgencyPropertySheet),),
    catalog=True,
    after_create='after_create',
    tab_order=('ban-lam-viec', 'nguoi-dung', 'co-cau-to-chuc', 'thong-ke'),
)
@implementer(IAgency)
class Agency(Folder):
    """An enforcement agency; sub-agencies are its children."""
    is_agency = True
    name = renamer()

    def __init__(self, **kw):
        Folder.__init__(self)
        for field in FIELDS:
            setattr(self, field, '')
        self.kind = 'chi_cuc'
        self.update(**kw)

    def update(self, **kw):
        """Set the given fields; return the names of those that changed."""
        changed = []
        for field in FIELDS:
            if field in kw and getattr(self, field) != kw[field]:
                setattr(self, field, kw[field])
                changed.append(field)
        return changed

    @property
    def sdi_title(self):
        return self.title

    def __sdi_addable__(self, context, introspectable):
        return introspectable.get('content_type') == 'Agency'

    def after_create(self, inst, registry):
        for name, content_type, _title in CONTAINERS:
            container = registry.content.create(content_type)
            container.__sdi_deletable__ = False
            if name == 'ho-so':
                # the public reaches dossiers only through checked views
                container.__acl__ = [(Deny, Everyone, 'view')]
            self.add(name, container, registry=registry)

    def sub_agencies(self):
        """The direct sub-agencies, by code."""
        return sorted((v for v in self.values()
                       if getattr(v, 'is_agency', False)),
                      key=lambda a: (a.code, a.title))

    def walk(self):
        """This agency and all agencies below it, parents first."""
        yield self
        for sub in self.sub_agencies():
            yield from sub.walk()

    @property
    def parent_agency(self):
        parent = self.__parent__
        return parent if getattr(parent, 'is_agency', False) else None


class _Container(Folder):
    """Base of the fixed containers: never added or deleted by hand."""

    def __sdi_addable__(self, context, introspectable):
        return False


@content('Dossier Folder', icon='glyphicon glyphicon-folder-open')
@implementer(IDossierFolder)
class DossierFolder(_Container):
    """The dossiers of one agency (a BTree folder, never ordered)."""
    title = _('Dossiers')


@content('Guidance Folder', icon='glyphicon glyphicon-book')
@implementer(IAgencyContainer)
class GuidanceFolder(_Container):
    """Guidance pages and FAQ of one agency."""
    title = _('Guidance')


@content('Report Folder', icon='glyphicon glyphicon-list-alt')
@implementer(IAgencyContainer)
class ReportFolder(_Container):
    """Periodic reports of one agency."""
    title = _('Reports')


@content('Survey Folder', icon='glyphicon glyphicon-star')
@implementer(IAgencyContainer)
class SurveyFolder(_Container):
    """Satisfaction survey of one agency."""
    title = _('Survey')


@content('Department Folder', icon='glyphicon glyphicon-th-list')
@implementer(IDepartmentFolder)
class DepartmentFolder(_Container):
    """Departments (phòng ban) of one agency."""
    title = _('Departments')

    def __sdi_addable__(self, context, introspectable):
        return introspectable.get('content_type') == 'Department'


class DepartmentSchema(Schema):
    """A department's name and code."""
    name = NameSchemaNode(editing=lambda c, r: r.registry.content.istype(
        c, 'Department'), title=_('Address in the URL'))
    title = colander.SchemaNode(colander.String(), title=_('Name'),
                                validator=colander.Length(1, 200))
    code = colander.SchemaNode(colander.String(), title=_('Code'),
                               missing='', validator=colander.Length(max=20))


class DepartmentPropertySheet(PropertySheet):
    schema = DepartmentSchema()
    permissions = (('view', VIEW), ('change', MANAGE_AGENCY))


@content(
    'Department',
    icon='glyphicon glyphicon-briefcase',
    add_view='add_department',
    propertysheets=((_('Details'), DepartmentPropertySheet),),
    catalog=True,
)
@implementer(IDepartment)
class Department(Persistent):
    """A department inside an agency."""
    name = renamer()

    def __init__(self, title='', code=''):
        self.title = title
        self.code = code

    @property
    def sdi_title(self):
        return self.title
