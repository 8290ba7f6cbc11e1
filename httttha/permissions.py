"""Permissions, the roles that carry them on the agency tree, and the
ACLs that say so.

A user holds roles at one agency.  The group finder turns each role into a
principal ``role:<name>@<agency oid>`` and every agency carries an ACL for
the role principals of itself and of its ancestors:

* *subtree* permissions are granted on the agency and so inherited by its
  sub-agencies (a Cục leader sees its Chi cục's statistics);
* *local* permissions are granted on the agency and explicitly denied to the
  ancestors' role principals on every sub-agency (a Cục officer does not
  process a Chi cục's dossiers).

The tree itself therefore scopes everything and no view filters by hand.
"""
from collections import OrderedDict

from pyramid.security import Allow, Deny
from substanced.util import get_oid

from . import _

VIEW = 'httttha.view'                  # open an agency in the back office
WORK = 'httttha.work'                  # the workspace (Bàn làm việc)
VIEW_DOSSIERS = 'httttha.view-dossiers'
PROCESS = 'httttha.process'            # receive, check, answer dossiers
DRAFT = 'httttha.draft'                # draft a reply for a leader
ASSIGN = 'httttha.assign'
APPROVE = 'httttha.approve'
VIEW_STATS = 'httttha.view-stats'
MANAGE_AGENCY = 'httttha.manage-agency'
MANAGE_USERS = 'httttha.manage-users'
EDIT_GUIDANCE = 'httttha.edit-guidance'
MANAGE_REPORTS = 'httttha.manage-reports'
#: a report's creator alone approves, edits, unapproves it (Công văn
#: 1607/TCTHADS-VP Phụ lục 1 Bước 7): granted by the report's own ACL
MANAGE_OWN_REPORT = 'httttha.manage-own-report'
#: every logged-in official reads the published reports (Phụ lục 3); a
#: pending report's ACL gives it to the report administrators of its unit
#: and the units above instead ("quản trị viên khác chỉ có quyền xem")
VIEW_REPORTS = 'httttha.view-reports'
#: the principal of every staff user bound to an agency
STAFF = 'httttha:staff'
MANAGE_CODELISTS = 'httttha.manage-codelists'
MANAGE_SITE = 'httttha.manage-site'    # the site's settings (footer contacts)
MANAGE_TREE = 'httttha.manage-tree'    # agencies' codes and levels
EDIT_ACCOUNT = 'httttha.edit-account'  # an account's e-mail, zone, language
VIEW_AUDIT = 'httttha.view-audit'      # the audit trail of the subtree
#: grants to change data of closed reporting periods (Quy chế Điều 7: the
#: Tổng cục decides), apart from MANAGE_TREE so it can be given alone
MANAGE_PERIODS = 'httttha.manage-periods'

#: Substance D's generic views (contents, add Folder/File, rename,
#: Security, Undo, Database, Catalogs, principals, password resets) check
#: ``sdi.*`` permissions.  No role carries one: they belong to the site
#: administrator (group:admins, ALL_PERMISSIONS on the root) alone, and
#: agency roles reach only httttha's purpose-made views.


class Role(object):
    """A role: its title and the permissions it gives."""

    def __init__(self, name, title, subtree=(), local=()):
        self.name = name
        self.title = title
        self.subtree = frozenset(subtree)
        self.local = frozenset(local) - self.subtree


ROLES = OrderedDict((role.name, role) for role in (
    Role('officer', _('Online-support officer'),
         local=(VIEW, WORK, VIEW_DOSSIERS, PROCESS)),
    Role('specialist', _('Specialist'),
         local=(VIEW, WORK, VIEW_DOSSIERS, DRAFT)),
    Role('leader', _('Leader'),
         subtree=(VIEW, VIEW_DOSSIERS, VIEW_STATS),
         local=(WORK, PROCESS, ASSIGN, APPROVE)),
    Role('complaints_leader', _('Complaints leader'),
         subtree=(VIEW, VIEW_STATS),
         local=(WORK, VIEW_DOSSIERS, ASSIGN, APPROVE)),
    # the administrator also writes its own agency's guidance (A6), as
    # its web editor does: local, so a Cục's does not rewrite its Chi
    # cục's pages
    Role('agency_admin', _('Agency administrator'),
         subtree=(VIEW, VIEW_STATS, MANAGE_AGENCY, MANAGE_USERS,
                  VIEW_AUDIT),
         local=(EDIT_GUIDANCE,)),
    Role('web_editor', _('Web editor'),
         local=(VIEW, EDIT_GUIDANCE)),
    Role('report_admin', _('Report administrator'),
         local=(VIEW, MANAGE_REPORTS)),
    Role('viewer', _('Viewer'),
         subtree=(VIEW, VIEW_STATS)),
))

#: what an agency administrator may do to the users of its subtree
USER_ADMIN_PERMISSIONS = (MANAGE_USERS, EDIT_ACCOUNT)

#: what the Tổng cục's administrators hold on the root, so on everything:
#: the site's settings, the code lists, agencies' codes and levels, the
#: period lock's grants
GENERAL_ADMIN_PERMISSIONS = (MANAGE_SITE, MANAGE_CODELISTS, MANAGE_TREE,
                             MANAGE_PERIODS)


def role_principal(role, agency_oid):
    """The principal standing for ``role`` held at the agency ``agency_oid``."""
    return 'role:%s@%s' % (role, agency_oid)


def agency_lineage(agency):
    """The agencies from ``agency`` up to the root agency."""
    result = []
    while agency is not None:
        if getattr(agency, 'is_agency', False):
            result.append(agency)
        agency = getattr(agency, '__parent__', None)
    return result


def agency_acl(agency):
    """The ACL an agency carries: grants for its own role principals, and
    denials of the local permissions of every ancestor's role principals."""
    oid = get_oid(agency)
    acl = []
    for role in ROLES.values():
        perms = sorted(role.subtree | role.local)
        if perms:
            acl.append((Allow, role_principal(role.name, oid), perms))
    lineage = agency_lineage(agency)
    if len(lineage) == 1:
        # the top of the tree: every official reads the published
        # reports, everywhere below
        acl.append((Allow, STAFF, (VIEW_REPORTS,)))
    for ancestor in lineage[1:]:
        ancestor_oid = get_oid(ancestor)
        for role in ROLES.values():
            if role.local:
                acl.append((Deny, role_principal(role.name, ancestor_oid),
                            sorted(role.local)))
    return acl


def user_acl(user, agency):
    """The ACL of a staff user: the user changes its own password and
    preferences (not its login, agency or roles: the user administration
    sets those), the administrators of its agency and of every ancestor
    manage it; an administrator, only those of the ancestors."""
    acl = [(Allow, get_oid(user), ('sdi.change-password', EDIT_ACCOUNT))]
    lineage = agency_lineage(agency)
    if 'agency_admin' in getattr(user, 'roles', ()):
        # Điều 10: an agency's administrators are managed from the level
        # above (the Tổng cục's by the site administrator)
        lineage = lineage[1:]
    for each in lineage:
        acl.append((Allow, role_principal('agency_admin', get_oid(each)),
                    USER_ADMIN_PERMISSIONS))
    return acl
