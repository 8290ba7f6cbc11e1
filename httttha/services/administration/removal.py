"""What may not be removed (SPEC C1): an agency that still has
sub-agencies, users or dossiers, a department that users belong to, and
a dossier folder that holds dossiers.

The rule is a subscriber on Substance D's ``ObjectWillBeRemoved``, below
every view: the SDI's generic contents view, a script or any code that
deletes goes through it.  A move or a rename is also a removal followed
by an addition; it loses nothing and is not refused."""
from substanced.event import subscribe_will_be_removed
from substanced.util import find_catalog, get_oid

from ... import _
from ...interfaces import IAgency, IDepartment, IDossierFolder, IStaffUser


class RemovalRefused(Exception):
    """Removing ``resource`` would lose data; ``message`` (a translation
    string) says why."""

    def __init__(self, resource, message):
        Exception.__init__(self, resource, message)
        self.resource = resource
        self.message = message


def staff_query(context, agency_oids):
    """The catalog query of the users bound to one of ``agency_oids``.
    The ``agency`` index also holds dossiers (and their agency): the
    system catalog's ``interfaces`` index keeps users only."""
    catalog = find_catalog(context, 'httttha')
    system = find_catalog(context, 'system')
    return catalog['agency'].any(list(agency_oids)) & \
        system['interfaces'].any([IStaffUser])


def _dossier_count(agency):
    folder = agency.get('ho-so')
    return len(folder) if folder is not None else 0


def agency_refusal(agency):
    """Why ``agency`` may not be deleted (a translation string), or None
    when it may: it and its subtree hold no sub-agency, user or
    dossier."""
    subtree = list(agency.walk())
    subs = len(subtree) - 1
    users = len(staff_query(agency, [get_oid(a) for a in subtree]).execute())
    dossiers = sum(_dossier_count(a) for a in subtree)
    if not (subs or users or dossiers):
        return None
    return _('agency-not-deletable',
             default='"${title}" cannot be deleted: it still has '
                     '${subs} sub-agencies, ${users} users and ${dossiers} '
                     'dossiers. Move or remove them first.',
             mapping={'title': agency.title, 'subs': subs, 'users': users,
                      'dossiers': dossiers})


def department_users(department):
    """The users who belong to ``department``: the users of its agency
    (a few) whose department it is."""
    agency = department.__parent__.__parent__
    oid = get_oid(department)
    return [user for user in staff_query(department,
                                         [get_oid(agency)]).execute()
            if getattr(user, 'department_oid', None) == oid]


def department_refusal(department):
    """Why ``department`` may not be deleted (users belong to it), or
    None."""
    agency = getattr(getattr(department, '__parent__', None), '__parent__',
                     None)
    if agency is None or get_oid(department, None) is None:
        return None
    users = len(department_users(department))
    if not users:
        return None
    return _('department-not-deletable',
             default='"${title}" cannot be deleted: ${users} users belong '
                     'to it. Move them to another department first.',
             mapping={'title': department.title, 'users': users})


def folder_refusal(folder):
    """Why a dossier folder may not be deleted, or None."""
    if not len(folder):
        return None
    return _('dossier-folder-not-deletable',
             default='The dossier folder cannot be deleted: it holds '
                     '${dossiers} dossiers.',
             mapping={'dossiers': len(folder)})


def contents_refusal(resource):
    """Why a container (a generic folder an agency was moved into, a
    dossier...) may not be deleted: the first refusal of an agency or a
    dossier folder inside it, found through the path index; or None."""
    system = find_catalog(resource, 'system')
    if system is None or get_oid(resource, None) is None:
        return None
    inside = system['path'].eq(resource, include_origin=False) & \
        system['interfaces'].any([IAgency, IDossierFolder, IDepartment])
    for found in inside.execute():
        reason = refusal(found)
        if reason is not None:
            return reason
    return None


def refusal(resource):
    """Why ``resource`` may not be deleted, or None."""
    if IAgency.providedBy(resource):
        return agency_refusal(resource)
    if IDossierFolder.providedBy(resource):
        return folder_refusal(resource)
    if IDepartment.providedBy(resource):
        return department_refusal(resource)
    return contents_refusal(resource)


@subscribe_will_be_removed()
def will_be_removed(event):
    """Refuse to delete a non-empty agency, department or dossier folder,
    or what holds one.  A move or a rename keeps everything; a dump being loaded
    replaces what it loads."""
    # ``moving`` is the destination folder (an empty one is false)
    if event.moving not in (None, False) or event.loading:
        return
    reason = refusal(event.object)
    if reason is not None:
        raise RemovalRefused(event.object, reason)
