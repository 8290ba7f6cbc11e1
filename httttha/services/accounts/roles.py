"""What must happen to ACLs when the tree changes: a new or moved agency
gets its role ACLs (and the users of a moved subtree theirs: their
administrators are now those of the new lineage), the Tổng cục's
administrators their grant on the root.  The roles themselves are in ``httttha.permissions``."""
from pyramid.security import Allow
from substanced.event import subscribe_added
from substanced.interfaces import IRoot
from substanced.util import get_acl, get_oid, set_acl

from ...interfaces import IAgency
from ..administration.removal import staff_query
from ...permissions import (  # noqa: F401 (importers find them here too)
    APPROVE,
    ASSIGN,
    DRAFT,
    EDIT_ACCOUNT,
    EDIT_GUIDANCE,
    GENERAL_ADMIN_PERMISSIONS,
    MANAGE_AGENCY,
    MANAGE_CODELISTS,
    MANAGE_REPORTS,
    MANAGE_SITE,
    MANAGE_TREE,
    MANAGE_USERS,
    PROCESS,
    ROLES,
    USER_ADMIN_PERMISSIONS,
    VIEW,
    VIEW_DOSSIERS,
    VIEW_STATS,
    WORK,
    Role,
    agency_acl,
    agency_lineage,
    role_principal,
    user_acl,
)


def grant_general_department(root, agency, registry):
    """The Tổng cục's administrators run the site's settings, the code
    lists and the agencies' codes and levels (granted on the root, so
    inherited everywhere), but none of Substance D's generic views."""
    principal = role_principal('agency_admin', get_oid(agency))
    ace = (Allow, principal, GENERAL_ADMIN_PERMISSIONS)
    acl = [a for a in get_acl(root, []) if a[1] != principal]
    set_acl(root, acl + [ace], registry=registry)


@subscribe_added(IAgency)
def agency_added(event):
    """Give a new (or moved) agency and its sub-agencies their role ACLs."""
    if event.loading:
        return
    agency = event.object
    subtree = list(agency.walk())
    for each in subtree:
        set_acl(each, agency_acl(each), registry=event.registry)
    if event.moving is not None:
        # a new agency has no users yet; a moved one keeps them (roles are
        # held at the agency's oid, which a move keeps), but the
        # administrators of its former ancestors must lose them
        agencies = {get_oid(a): a for a in subtree}
        for user in staff_query(agency, list(agencies)).execute():
            set_acl(user, user_acl(user, agencies[user.agency_oid]),
                    registry=event.registry)
    if IRoot.providedBy(agency.__parent__):
        grant_general_department(agency.__parent__, agency, event.registry)
