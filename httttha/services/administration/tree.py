"""The agency tree: finding agencies and loading the tree from a data file."""
import csv
import io
import unicodedata

import yaml
from substanced.util import find_catalog, find_catalogs

from ...content.agency import FIELDS
from .treecache import cached, tree_changed

ROOT_NAME = 'thads'

COLUMNS = ('code', 'parent_code', 'kind', 'name') + tuple(
    f for f in FIELDS if f not in ('code', 'kind'))


def root_agency(root):
    """The Tổng cục, or None before the tree is loaded."""
    return root.get(ROOT_NAME)


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


def find_agency(context):
    """The agency ``context`` is in (or is), or None."""
    while context is not None:
        if getattr(context, 'is_agency', False):
            return context
        context = getattr(context, '__parent__', None)
    return None


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
