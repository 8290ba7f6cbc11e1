"""The agency tree: finding agencies, loading the tree from a data file,
the tree screen's data (counts of dossiers and users per node) and
moving an agency (C1)."""
import csv
import io
import unicodedata

import yaml
from pyramid.threadlocal import get_current_request
from pyramid.traversal import resource_path
from substanced.event import subscribe_modified
from substanced.objectmap import find_objectmap
from substanced.util import find_catalog, find_catalogs, get_oid
from ZODB.utils import z64

from ... import _
from ...content.agency import FIELDS, ROOT_NAME, find_agency, root_agency
from ...interfaces import IAgency, IDepartment, IStaffUser
from ...text import fold
from . import audit
from .treecache import cached, tree_changed

COLUMNS = ('code', 'parent_code', 'kind', 'name') + tuple(
    f for f in FIELDS if f not in ('code', 'kind'))


def agency_by_code(root, code):
    """The agency whose code is ``code``, or None."""
    if not code or not isinstance(code, str) or len(code) > 20:
        return None
    catalog = find_catalog(root, 'httttha')
    for resource in catalog['code'].eq(code).execute():
        if getattr(resource, 'is_agency', False):
            return resource
    return None


def agency_outline(root):
    """The tree as plain data for the public agency selects and counts:
    ``(top, groups)``, ``top`` the Tổng cục's ``(code, title)`` (None
    before the tree is loaded), ``groups`` a tuple of ``((code, title) of
    a Cục, ((code, title) of each of its Chi cục, ...))``, by code.

    Built once per process and tree version (``services.administration.treecache``)
    instead of walking the 756 agencies at each request."""
    return cached(root, 'agency-outline', lambda: _outline(root))


def _outline(root):
    top = root_agency(root)
    if top is None:
        return None, ()
    return (top.code, top.title), tuple(
        ((cuc.code, cuc.title),
         tuple((sub.code, sub.title) for sub in cuc.sub_agencies()))
        for cuc in top.sub_agencies())


def all_agencies(root):
    """Every agency, parents before children."""
    top = root_agency(root)
    return list(top.walk()) if top is not None else []


def all_departments(agency):
    return sorted(agency['phong-ban'].values(), key=lambda d: d.title)


class TreeError(ValueError):
    """The data file does not describe a tree."""


def read_rows(path):
    """Rows (dicts) of a CSV or YAML agency file, text NFC-normalised."""
    with io.open(path, encoding='utf-8-sig') as f:
        if path.endswith(('.yaml', '.yml')):
            rows = yaml.safe_load(f) or []
        else:
            rows = list(csv.DictReader(f))
    result = []
    for number, row in enumerate(rows, 1):
        clean = {}
        for column in COLUMNS:
            value = row.get(column)
            value = '' if value is None else str(value).strip()
            clean[column] = unicodedata.normalize('NFC', value)
        for column in ('code', 'kind', 'name', 'title'):
            if not clean[column]:
                raise TreeError('row %d: %s is empty' % (number, column))
        result.append(clean)
    return result


def load_tree(root, rows, registry):
    """Create or update the agencies of ``rows`` under ``root``.

    Agencies are matched by code, so running the same file twice changes
    nothing and a changed name or detail is updated in place.  Returns a
    dict of counts: created, updated, unchanged."""
    by_code = {a.code: a for a in all_agencies(root)}
    counts = {'created': 0, 'updated': 0, 'unchanged': 0}
    seen = set()
    for row in rows:
        code = row['code']
        if code in seen:
            raise TreeError('code %s appears twice' % code)
        seen.add(code)
        details = {f: row[f] for f in FIELDS}
        agency = by_code.get(code)
        if agency is not None:
            changed = agency.update(**details)
            if agency.__name__ != row['name'] and agency.__parent__.get(
                    row['name']) is None:
                agency.__parent__.rename(agency.__name__, row['name'])
                changed.append('name')
            if changed:
                _reindex(agency)
                # details set in place send no event
                tree_changed(root)
            counts['updated' if changed else 'unchanged'] += 1
            continue
        if row['parent_code']:
            parent = by_code.get(row['parent_code'])
            if parent is None:
                raise TreeError('%s: unknown parent %s' % (
                    code, row['parent_code']))
        elif root_agency(root) is None:
            parent = root
        else:
            raise TreeError('%s: a second root agency' % code)
        agency = registry.content.create('Agency', **details)
        # the root agency's URL name is fixed: the application finds it there
        name = row['name'] if row['parent_code'] else ROOT_NAME
        parent.add(name, agency, registry=registry)
        by_code[code] = agency
        counts['created'] += 1
    return counts


def _reindex(resource):
    for catalog in find_catalogs(resource):
        catalog.reindex_resource(resource)


# -- Cơ cấu tổ chức (C1): the tree screen, moving agencies -----------------

#: the levels from the top: a parent is always of a higher level
LEVELS = ('tong_cuc', 'cuc', 'chi_cuc')


def level_rank(kind):
    """0 for the Tổng cục, 1 for a Cục, 2 for a Chi cục."""
    return LEVELS.index(kind) if kind in LEVELS else len(LEVELS)


def tree_nodes(root):
    """The agency tree as plain data, built once per process and tree
    version: ``{oid: node}``, each node a dict of ``oid``, ``parent``
    (oid or None), ``children`` (oids, by code), ``path`` (the resource
    path, quoted), ``title``, ``short_name``, ``code``, ``kind``,
    ``folded`` (what a search without diacritics matches) and
    ``dossiers`` (the oid of its dossier folder)."""
    return cached(root, 'agency-tree-nodes', lambda: _nodes(root))


def _nodes(root):
    nodes = {}
    top = root_agency(root)
    if top is None:
        return nodes

    def visit(agency, parent):
        oid = get_oid(agency)
        subs = agency.sub_agencies()
        folder = agency.get('ho-so')
        nodes[oid] = {
            'oid': oid, 'parent': parent,
            'children': tuple(get_oid(s) for s in subs),
            'path': resource_path(agency), 'name': agency.__name__,
            'title': agency.title, 'short_name': agency.short_name,
            'code': agency.code, 'kind': agency.kind,
            'folded': fold(' '.join((agency.title, agency.short_name or '',
                                     agency.code or ''))),
            'dossiers': get_oid(folder, None) if folder is not None
            else None,
        }
        for sub in subs:
            visit(sub, oid)
    visit(top, None)
    return nodes


def staff_counts(context):
    """{agency oid: number of users bound to it}, read from the catalog's
    indexes (the staff docids and each one's agency value), never from
    the users themselves: a few thousand integers at national scale."""
    catalog = find_catalog(context, 'httttha')
    system = find_catalog(context, 'system')
    staff = system['interfaces'].applyEq(IStaffUser)
    # the field index's reverse mapping: docid -> indexed value
    agency_of = catalog['agency']._rev_index
    counts = {}
    for docid in staff:
        oid = agency_of.get(docid)
        if oid is not None:
            counts[oid] = counts.get(oid, 0) + 1
    return counts


def dossier_counts(context, nodes, oids):
    """{agency oid: number of dossiers in its own dossier folder}: each
    folder's length (a ``BTrees.Length``), not its dossiers."""
    objectmap = find_objectmap(context)
    counts = {}
    for oid in oids:
        folder_oid = nodes[oid]['dossiers']
        folder = objectmap.object_for(folder_oid) if folder_oid else None
        counts[oid] = len(folder) if folder is not None else 0
    return counts


class TreeNode(object):
    """One agency of the tree screen, with the totals of its subtree."""

    def __init__(self, data, depth):
        self.data = data
        self.oid = data['oid']
        self.depth = depth
        self.children = []
        self.own_dossiers = self.own_users = 0
        self.dossiers = self.users = 0
        self.matched = False     # its name matches the search
        self.shown = True        # it or a node below it matches
        self.open = False        # its <details> starts unfolded

    def __getattr__(self, name):
        try:
            return self.__dict__['data'][name]
        except KeyError:
            raise AttributeError(name)


def agency_tree(agency, query=''):
    """The tree screen's data for the subtree of ``agency``: the
    :class:`TreeNode` of ``agency`` with its descendants, each with the
    dossiers and users of its own and of its subtree.  With a ``query``
    (matched without diacritics against name, short name and code), the
    nodes that match and their ancestors are shown and unfolded, the rest
    hidden; returns ``(top, matches)``."""
    root = agency
    while root.__parent__ is not None:
        root = root.__parent__
    nodes = tree_nodes(root)
    top_oid = get_oid(agency)
    if top_oid not in nodes:
        return None, 0
    order = []

    def build(oid, depth):
        node = TreeNode(nodes[oid], depth)
        order.append(node)
        node.children = [build(child, depth + 1)
                         for child in nodes[oid]['children']]
        return node
    top = build(top_oid, 0)
    users = staff_counts(agency)
    dossiers = dossier_counts(agency, nodes, [n.oid for n in order])
    words = fold(query).split()
    matches = 0
    for node in reversed(order):            # children before parents
        node.own_users = users.get(node.oid, 0)
        node.own_dossiers = dossiers.get(node.oid, 0)
        node.users = node.own_users + sum(c.users for c in node.children)
        node.dossiers = node.own_dossiers + sum(
            c.dossiers for c in node.children)
        if words:
            node.matched = all(w in node.folded for w in words)
            matches += node.matched
            below = any(c.shown for c in node.children)
            node.shown = node.matched or below
            node.open = below
    if not words:
        top.open = True
    return top, matches


class MoveRefused(ValueError):
    """The move would break the tree; ``message`` says why."""

    def __init__(self, message):
        ValueError.__init__(self, message)
        self.message = message


def move_refusal(agency, new_parent, new_name=None):
    """Why ``agency`` may not move under ``new_parent`` (with the URL
    name ``new_name``), as a translation string, or None."""
    if not getattr(new_parent, 'is_agency', False):
        return _('Choose the agency to move it under.')
    inside = new_parent
    while inside is not None:
        if inside is agency:
            return _('An agency cannot move under itself or one of its '
                     'sub-agencies.')
        inside = getattr(inside, '__parent__', None)
    if new_parent is agency.__parent__ and (
            not new_name or new_name == agency.__name__):
        return _('The agency is already there.')
    if level_rank(new_parent.kind) >= level_rank(agency.kind):
        return _('A sub-agency must be of a lower level than its parent.')
    name = new_name or agency.__name__
    if name in new_parent:
        return _('move-name-taken',
                 default='"${parent}" already holds "${name}": give the '
                         'agency another address in the URL.',
                 mapping={'parent': new_parent.title, 'name': name})
    return None


def move_agency(agency, new_parent, registry, new_name=None):
    """Move ``agency`` (with its subtree, users' roles and dossiers)
    under ``new_parent``; raise :class:`MoveRefused` when the tree would
    break.  Its oid does not change, so the role principals
    ``role:<name>@<oid>`` of its users still hold; the ACLs of the
    subtree and of its users are recomputed by
    ``services.accounts.roles`` on the move's ObjectAdded."""
    reason = move_refusal(agency, new_parent, new_name)
    if reason is not None:
        raise MoveRefused(reason)
    old_parent = agency.__parent__
    return old_parent.move(agency.__name__, new_parent,
                           new_name or agency.__name__, registry=registry)


# -- the audit trail of the tree's administration ---------------------------

#: what an agency's and a department's audit entries show before and after
AGENCY_AUDITED = ('name',) + FIELDS
DEPARTMENT_AUDITED = ('name', 'title', 'code')


def audited_values(resource, state=None):
    """The audited values of an agency or a department, from ``state``
    (a stored state's dict) or from the object as it is now."""
    names = AGENCY_AUDITED if IAgency.providedBy(resource) else \
        DEPARTMENT_AUDITED
    source = state if state is not None else resource.__dict__
    return {name: source.get('__name__' if name == 'name' else name, '')
            for name in names}


def committed_values(resource):
    """The audited values of ``resource`` as last committed (before this
    transaction's changes), read back from the database; None for an
    object not committed yet."""
    jar = getattr(resource, '_p_jar', None)
    serial = getattr(resource, '_p_serial', z64)
    if jar is None or serial == z64:
        return None
    return audited_values(resource, jar.oldstate(resource, serial))


@subscribe_modified(IAgency)
@subscribe_modified(IDepartment)
def audit_edit(event):
    """An agency's or a department's details saved in its property sheet
    (the only editor; ``load_tree`` sends no event): an audit entry with
    the values before and after."""
    request = get_current_request()
    resource = event.object
    before = committed_values(resource)
    if request is None or before is None:
        return
    after = audited_values(resource)
    changed = sorted(k for k in after if after[k] != before.get(k))
    if not changed:
        return
    kind = 'agency' if IAgency.providedBy(resource) else 'department'
    audit.record(request, kind + '.edit', resource,
                 before={k: before.get(k) for k in changed},
                 after={k: after[k] for k in changed})
