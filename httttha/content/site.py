"""Site-wide settings kept on the root: the footer's support contacts, and
the containers that live beside the agency tree."""
import colander
from pyramid.security import Allow, Everyone
from substanced.content import content
from substanced.event import subscribe_root_added
from substanced.folder import Folder
from substanced.interfaces import IRoot
from substanced.property import PropertySheet
from substanced.schema import Schema
from substanced.util import get_acl, set_acl
from zope.interface import implementer

from .. import _
from ..interfaces import ICodeLists
from ..permissions import MANAGE_SITE

DEFAULT_CONTACTS = {
    'support_address': '60 Trần Phú, Ba Đình, Hà Nội',
    'support_email': 'hotro.thads@moj.gov.vn',
    'support_phone': '024 6273 9629',
}


class ContactSchema(Schema):
    """The support contacts shown in the public footer."""
    support_address = colander.SchemaNode(
        colander.String(), title=_('Support address'),
        validator=colander.Length(1, 300))
    support_email = colander.SchemaNode(
        colander.String(), title=_('Support e-mail'),
        validator=colander.Email())
    support_phone = colander.SchemaNode(
        colander.String(), title=_('Support phone'),
        validator=colander.Regex(r'^[0-9 ().+\-]{6,30}$',
                                 _('Invalid phone number')))


class ContactPropertySheet(PropertySheet):
    schema = ContactSchema()
    permissions = (('view', MANAGE_SITE), ('change', MANAGE_SITE))

    def get(self):
        return contacts(self.context)


def contacts(root):
    """The footer contacts, with defaults for those never edited."""
    return {key: getattr(root, key, default)
            for key, default in DEFAULT_CONTACTS.items()}


@content('Code Lists', icon='glyphicon glyphicon-list')
@implementer(ICodeLists)
class CodeLists(Folder):
    """The code lists (danh mục): one ``content.codelist.CodeList`` per
    list, made by ``services.administration.codelists``."""
    title = _('Code lists')


@subscribe_root_added()
def root_added(event):
    """Anonymous visitors may see the public pages; the code lists' folder
    exists."""
    root = event.object
    registry = event.registry
    set_acl(root, get_acl(root, []) + [(Allow, Everyone, 'view')],
            registry=registry)
    if 'danh-muc' not in root:
        # the code lists' service may have made it already (with the lists)
        codelists = registry.content.create('Code Lists')
        codelists.__sdi_deletable__ = False
        root.add('danh-muc', codelists, registry=registry)
    root['catalogs'].add_catalog('httttha')
    if registry.settings.get('httttha.demo'):
        # the development admin's password is printed by `make run`; in
        # production the initial admin must change theirs at first login
        for user in root['principals']['users'].values():
            user.must_change_password = False


def includeme(config):
    config.add_propertysheet(_('Contact information'), ContactPropertySheet,
                             IRoot)
