"""Marker interfaces of the content types."""
from zope.interface import Interface


class IAgency(Interface):
    """An enforcement agency (Tổng cục, Cục or Chi cục)."""


class IAgencyContainer(Interface):
    """One of the fixed containers every agency holds."""


class IDossierFolder(IAgencyContainer):
    """The dossiers of one agency (ho-so)."""


class IDossier(Interface):
    """An online request (HTTT01, HTTT02 or HTTT03)."""


class IAttachment(Interface):
    """A file attached to a dossier."""


class IDepartmentFolder(IAgencyContainer):
    """The departments of one agency (phong-ban)."""


class IDepartment(Interface):
    """A department (phòng ban) inside an agency."""


class IStaffUser(Interface):
    """A staff account bound to an agency."""


class ICodeLists(Interface):
    """The code lists (danh-muc)."""
