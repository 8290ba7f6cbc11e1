"""Which agencies' dossiers a user may open: the one check every list and
search of dossiers makes (the workspace, earlier petitions of a person)."""
from pyramid.security import effective_principals
from substanced.util import find_objectmap, get_oid

from ..accounts.roles import VIEW_DOSSIERS
from ..administration.treecache import cached


def visible_agencies(request, agency, subtree):
    """The oids of the agencies in scope whose dossiers the user may open,
    and how many agencies the scope has.  Dossiers carry no ACL of their
    own, so the ``allowed`` check of each agency's dossier folder (the
    objectmap's cached ACLs, as the system catalog's ``allowed`` index
    does per object) stands for all of its dossiers: a check per agency
    instead of one per dossier."""
    def build():
        return tuple((get_oid(a), get_oid(a['ho-so'])) for a in (
            agency.walk() if subtree else [agency]))
    scope = cached(request.root, ('scope', get_oid(agency), subtree), build)
    principals = effective_principals(request)

    def check():
        folders = dict((folder, oid) for oid, folder in scope)
        allowed = find_objectmap(agency).allowed(
            list(folders), principals, VIEW_DOSSIERS)
        return tuple(folders[oid] for oid in allowed)
    # the agencies' and their folders' ACLs change with the tree only (a
    # role is a principal the user holds, not an ACL entry), and a change
    # of one of them is a change of the tree's version too
    visible = cached(request.root, ('visible', get_oid(agency), subtree,
                                    frozenset(principals)), check)
    return list(visible), len(scope)
