"""Hướng dẫn và hỏi đáp (SPEC A6): what the web editors do to the
guidance pages and FAQ entries of their agency, what the portal shows,
the search, and the national content shipped with the service
(``httttha/data/guidance.yaml``).

Rich text is sanitised with ``nh3`` (the Ammonia sanitiser) on save, and
again on display (``clean``): an allow-list of tags and attributes, only
http(s), mailto and tel links, each with rel="noopener noreferrer".
Every change is written to the audit trail (``guidance.*`` for pages,
``faq.*`` for FAQ entries)."""
import html
import os
import re

import nh3
import yaml
from pyramid.traversal import find_root
from substanced.event import ObjectModified, subscribe_added
from substanced.interfaces import IRoot
from substanced.util import find_catalog, get_oid

from ... import _
from ...content.agency import find_agency, root_agency
from ...content.application import PROCEDURES
from ...content.guidance import (
    ARCHIVED,
    DRAFT,
    PUBLISHED,
    STATE_TITLES,
    TRANSITIONS,
    FAQEntry,
    GuidancePage,
)
from ...interfaces import IAgency
from ...text import fold
from ...vntime import now
from ..administration import audit

FOLDER = 'huong-dan'
DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'data', 'guidance.yaml')

# -- sanitising -------------------------------------------------------------

#: what an editor's rich text may hold: structure, emphasis, lists,
#: links, simple tables.  No style, class, event handler, image, frame,
#: form or SVG: nothing that runs or loads anything.
TAGS = frozenset((
    'p', 'br', 'hr', 'h2', 'h3', 'h4', 'strong', 'b', 'em', 'i', 'u', 's',
    'sub', 'sup', 'blockquote', 'pre', 'code', 'ul', 'ol', 'li', 'a',
    'table', 'caption', 'thead', 'tbody', 'tr', 'th', 'td', 'dl', 'dt', 'dd',
))
ATTRIBUTES = {
    'a': {'href', 'title'},
    'th': {'colspan', 'rowspan', 'scope'},
    'td': {'colspan', 'rowspan'},
    'ol': {'start'},
}
URL_SCHEMES = frozenset(('http', 'https', 'mailto', 'tel'))
MAX_TEXT = 100000


def clean(text):
    """``text`` (HTML from the editor) with only the allowed tags and
    attributes left; links get rel="noopener noreferrer"."""
    return nh3.clean(text or '', tags=set(TAGS),
                     attributes={k: set(v) for k, v in ATTRIBUTES.items()},
                     url_schemes=set(URL_SCHEMES),
                     link_rel='noopener noreferrer', strip_comments=True)


def plain_text(text):
    """The words of some HTML, without tags, for the search index."""
    spaced = re.sub(r'<', ' <', text or '')
    return re.sub(r'\s+', ' ', html.unescape(
        nh3.clean(spaced, tags=set(), attributes={}))).strip()


# -- indexing ---------------------------------------------------------------

def index_words(item):
    """The words of the ``guidance`` index: kind, state, agency and
    procedures of a page or FAQ entry."""
    words = ['kind:' + item.kind, 'state:' + item.state]
    agency = find_agency(item)
    if agency is not None:
        words.append('agency:%s' % get_oid(agency, None))
    words += ['procedure:' + p for p in item.procedures]
    return words


def index_text(item):
    """The folded words searched for: title (or question), summary and
    body (or answer)."""
    if item.kind == 'faq':
        parts = (item.question, plain_text(item.answer))
    else:
        parts = (item.title, item.summary, plain_text(item.body))
    return fold(' '.join(p for p in parts if p))


# -- reading ----------------------------------------------------------------

def folder_of(agency):
    """The agency's ``huong-dan`` folder."""
    return agency[FOLDER]


def items(agency, kind):
    """The pages (``kind='page'``) or FAQ entries of an agency, whatever
    their state, in order."""
    return sorted((v for v in folder_of(agency).values()
                   if getattr(v, 'kind', None) == kind),
                  key=lambda v: (v.order, fold(v.title)))


def _catalog(resource):
    return find_catalog(resource, 'httttha')


def published(agency, kind):
    """The published pages or FAQ entries of ``agency``, in order (from
    the catalog: an agency has tens of them)."""
    catalog = _catalog(agency)
    found = catalog['guidance'].all([
        'kind:' + kind, 'state:' + PUBLISHED,
        'agency:%s' % get_oid(agency)]).execute()
    return sorted(found, key=lambda v: (v.order, fold(v.title)))


def faq_groups(agency):
    """(procedure or '', entries) of the published FAQ of ``agency``, in
    the order of the procedures, the general questions last."""
    groups = {}
    for entry in published(agency, 'faq'):
        groups.setdefault(entry.procedure or '', []).append(entry)
    return [(p, groups[p]) for p in PROCEDURES + ('',) if p in groups]


SEARCH_LIMIT = 50
OPERATORS = ('and', 'or', 'not')


def search_words(keyword):
    """The folded words of a search; only letters and digits reach the
    text index's query parser (never its operators or globs)."""
    return [w for w in re.findall(r'[a-z0-9]+', fold(keyword or '')[:200])
            if w not in OPERATORS][:10]


def search(context, keyword, limit=SEARCH_LIMIT):
    """(total, items): the published pages and FAQ entries, of every
    agency, whose title or text holds every word of ``keyword`` (accents
    ignored; each word a prefix), sorted by title, at most ``limit``."""
    words = search_words(keyword)
    if not words:
        return 0, []
    catalog = _catalog(context)
    query = catalog['guidance'].eq('state:' + PUBLISHED)
    for word in words:
        query &= catalog['guidance_text'].contains(word + '*')
    found = query.execute()
    total = len(found)
    if not total:
        return 0, []
    return total, list(found.sort(catalog['sort_name'], limit=limit))


def agency_by_code(context, code):
    """The agency of ``code``, or None."""
    catalog = _catalog(context)
    for found in catalog['code'].eq(code).execute():
        if getattr(found, 'is_agency', False):
            return found
    return None


def public_url(request, item):
    """Where the portal shows ``item``: its own page, or the FAQ of its
    agency (national: /huong-dan)."""
    agency = find_agency(item)
    if item.kind == 'page':
        return request.resource_url(request.root, FOLDER, agency.code,
                                    item.__name__)
    anchor = 'hoi-dap-%s' % get_oid(item)
    if agency is root_agency(request.root):
        return request.resource_url(request.root, FOLDER, anchor=anchor)
    return request.resource_url(agency, anchor=anchor)


# -- changes --------------------------------------------------------------

class GuidanceError(ValueError):
    """A change that is refused; ``message`` says why."""

    def __init__(self, message):
        ValueError.__init__(self, message)
        self.message = message


def action_prefix(item):
    return 'guidance' if item.kind == 'page' else 'faq'


def snapshot(item):
    """Plain values of an item for the audit trail."""
    if item.kind == 'faq':
        values = {'question': item.question, 'answer': item.answer[:4000],
                  'procedure': item.procedure}
    else:
        values = {'title': item.title, 'summary': item.summary,
                  'body': item.body[:4000],
                  'procedures': list(item.procedures),
                  'files': [f.__name__ for f in item.attachments()]}
    values.update(order=item.order, state=item.state)
    return values


def slug(text, folder, prefix=''):
    """A free name in ``folder`` made of the folded words of ``text``."""
    base = prefix + '-'.join(re.findall(r'[a-z0-9]+', fold(text)))[:60]
    base = base.strip('-') or 'trang'
    name, number = base, 1
    while name in folder:
        number += 1
        name = '%s-%d' % (base, number)
    return name


def _next_order(agency, kind):
    found = items(agency, kind)
    return (found[-1].order + 1) if found else 1


def _modified(request, item):
    # the catalog follows ObjectModified (the workflow state too)
    request.registry.subscribers((ObjectModified(item), item), None)


def _store_files(request, page, uploads):
    for filename, stream, mimetype in uploads:
        stream.seek(0)
        page.add_file(request.registry, stream, filename, mimetype)


def add_page(request, agency, values, uploads=()):
    """A new draft page, last in order."""
    folder = folder_of(agency)
    page = GuidancePage(values['title'].strip(), values['summary'].strip(),
                        clean(values['body']), values.get('procedures', ()),
                        _next_order(agency, 'page'))
    folder.add(slug(values['title'], folder), page,
               registry=request.registry)
    _store_files(request, page, uploads)
    if uploads:
        _modified(request, page)
    audit.record(request, 'guidance.add', page, after=snapshot(page))
    return page


def edit_page(request, page, values, uploads=(), remove=()):
    """Change a page's text, procedures and attachments."""
    before = snapshot(page)
    page.title = values['title'].strip()
    page.summary = values['summary'].strip()
    page.body = clean(values['body'])
    page.procedures = tuple(values.get('procedures', ()))
    for name in remove:
        if name in page:
            page.remove(name, registry=request.registry)
    _store_files(request, page, uploads)
    _modified(request, page)
    audit.record(request, 'guidance.edit', page, before=before,
                 after=snapshot(page))


def add_faq(request, agency, values):
    """A new draft FAQ entry, last in order."""
    folder = folder_of(agency)
    entry = FAQEntry(values['question'].strip(), clean(values['answer']),
                     values.get('procedure') or '',
                     _next_order(agency, 'faq'))
    folder.add(slug(values['question'], folder, 'hoi-dap-'), entry,
               registry=request.registry)
    audit.record(request, 'faq.add', entry, after=snapshot(entry))
    return entry


def edit_faq(request, entry, values):
    """Change an FAQ entry's question, answer and procedure."""
    before = snapshot(entry)
    entry.question = values['question'].strip()
    entry.answer = clean(values['answer'])
    entry.procedure = values.get('procedure') or ''
    _modified(request, entry)
    audit.record(request, 'faq.edit', entry, before=before,
                 after=snapshot(entry))


def transition(request, item, action):
    """Publish (Đăng), unpublish (Gỡ) or archive (Lưu trữ) ``item``."""
    if action not in TRANSITIONS:
        raise GuidanceError(_('This action does not exist.'))
    sources, target = TRANSITIONS[action]
    if item.state not in sources:
        raise GuidanceError(_(
            'guidance-transition-refused',
            default='"${title}" is ${state}: this action does not apply.',
            mapping={'title': item.title,
                     'state': request.localizer.translate(
                         STATE_TITLES[item.state])}))
    before = item.state
    item.state = target
    if target == PUBLISHED:
        item.published = now()
    _modified(request, item)
    audit.record(request, '%s.%s' % (action_prefix(item), action), item,
                 before={'state': before}, after={'state': target})


def move(request, item, direction):
    """Move ``item`` one place up (-1) or down (+1) among the items of
    its kind; the orders are numbered anew from 1."""
    agency = find_agency(item)
    siblings = items(agency, item.kind)
    index = siblings.index(item)
    other = index + (-1 if direction < 0 else 1)
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    before = item.order
    for number, each in enumerate(siblings, 1):
        if each.order != number:
            each.order = number
    audit.record(request, '%s.order' % action_prefix(item), item,
                 before={'order': before}, after={'order': item.order})
    return True


def delete(request, item):
    """Delete ``item`` (after the editor confirmed)."""
    audit.record(request, '%s.delete' % action_prefix(item), item,
                 before=snapshot(item))
    item.__parent__.remove(item.__name__, registry=request.registry)


# -- the national content -------------------------------------------------

def read_data(path=DATA):
    with open(path, encoding='utf-8') as f:
        return yaml.safe_load(f)


def ensure_national_guidance(root, registry, path=DATA):
    """Add the shipped guidance pages and FAQ to the Tổng cục's
    ``huong-dan``, published, each under its own name; those already
    there (perhaps edited since) are left alone.  Return how many were
    added."""
    top = root_agency(root)
    if top is None:
        return 0
    folder = folder_of(top)
    data = read_data(path)
    added = 0
    when = now()
    for order, each in enumerate(data.get('pages') or (), 1):
        if each['name'] in folder:
            continue
        page = GuidancePage(each['title'], each.get('summary', ''),
                            clean(each['body']),
                            each.get('procedures') or (), order)
        page.state, page.published = PUBLISHED, when
        folder.add(each['name'], page, registry=registry)
        added += 1
    for order, each in enumerate(data.get('faq') or (), 1):
        if each['name'] in folder:
            continue
        entry = FAQEntry(each['question'], clean(each['answer']),
                         each.get('procedure') or '', order)
        entry.state, entry.published = PUBLISHED, when
        folder.add(each['name'], entry, registry=registry)
        added += 1
    return added


@subscribe_added(IAgency)
def national_guidance_with_the_tree(event):
    """A new site's guidance comes with its Tổng cục (the tree is loaded
    after the root is made: ``httttha-load-agencies``)."""
    if event.loading or event.moving is not None:
        return
    if IRoot.providedBy(event.parent):
        ensure_national_guidance(find_root(event.parent), event.registry)


__all__ = ['ARCHIVED', 'DRAFT', 'PUBLISHED', 'STATE_TITLES', 'clean',
           'plain_text', 'search', 'published', 'faq_groups', 'items']
