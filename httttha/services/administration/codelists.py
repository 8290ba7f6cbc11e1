"""Danh mục (SPEC C4): what the staff's forms offer, the titles dossiers
show, and the administrators' changes to the lists.

Forms offer ``active_choices``; a stored code is shown with ``title_of``,
which finds inactive entries too (and the constants the lists were made
from, on a site whose lists do not exist yet).  Giving a dossier an entry
counts a use (``use``): an entry in use cannot be deleted nor its code
changed, only deactivated and its title edited.

The lists are small and their objects stay in the connection's cache, so
they are read from the database on every request (no per-process cache
to keep in step with the other processes).
"""
from pyramid.i18n import make_localizer
from pyramid.interfaces import ITranslationDirectories
from pyramid.traversal import find_root
from substanced.event import subscribe_root_added, subscribe_will_be_removed

from ... import _
from ...content.codelist import (
    CLASSIFICATION_LISTS,
    DEFAULT_LISTS,
    EFFECTS,
    ICodeListEntry,
    ORIGINAL_PAPERS,
    REFUSAL_REASONS,
    REFUSE,
    SUPPORT,
    default_list,
)
from ...text import fold
from . import audit
from .removal import RemovalRefused

FOLDER = 'danh-muc'


class CodeListError(ValueError):
    """A change to a code list that is refused; ``message`` says why."""

    def __init__(self, message):
        ValueError.__init__(self, message)
        self.message = message


def lists_folder(resource):
    """The root's ``danh-muc`` folder, or None."""
    root = find_root(resource)
    return root.get(FOLDER) if hasattr(root, 'get') else None


def get_list(resource, name):
    """The code list ``name``, or None (a site not evolved yet)."""
    folder = lists_folder(resource)
    return folder.get(name) if folder is not None else None


def _default_entries(name):
    found = default_list(name)
    return found[3] if found is not None else ()


def _translate(request, text):
    return request.localizer.translate(text) if request is not None \
        else text


def active_choices(resource, name, request=None):
    """(code, title) of the active entries of the list ``name``, in
    order: what forms offer."""
    codelist = get_list(resource, name)
    if codelist is None:
        return [(e['code'], _translate(request, e['title']))
                for e in _default_entries(name) if e['active']]
    return [(e.__name__, e.title) for e in codelist.entries() if e.active]


def all_choices(resource, name, request=None):
    """(code, title) of every entry, active or not (search filters)."""
    codelist = get_list(resource, name)
    if codelist is None:
        return [(e['code'], _translate(request, e['title']))
                for e in _default_entries(name)]
    return [(e.__name__, e.title) for e in codelist.entries()]


def find_entry(resource, name, code):
    """The entry ``code`` of the list ``name``, active or not, or None."""
    codelist = get_list(resource, name)
    if codelist is None or not code:
        return None
    return codelist.get(code)


def is_active(resource, name, code):
    """Whether forms may give ``code`` of the list ``name`` now."""
    return code in dict(active_choices(resource, name))


def title_of(resource, name, code, request=None):
    """The title of ``code`` in the list ``name``, active or not; the code
    itself when it is in no list."""
    entry = find_entry(resource, name, code)
    if entry is not None:
        return entry.title
    for each in _default_entries(name):
        if each['code'] == code:
            return _translate(request, each['title'])
    return code or ''


def effect_of(resource, name, code):
    """What a support type does (``content.codelist.EFFECTS``), or ''."""
    entry = find_entry(resource, name, code)
    if entry is not None:
        return entry.effect
    for each in _default_entries(name):
        if each['code'] == code:
            return each['effect']
    return ''


def refusing_types(resource, name):
    """The codes of the support types that refuse."""
    return [code for code, _t in all_choices(resource, name)
            if effect_of(resource, name, code) == REFUSE]


def entry_titles(dossier, entry, request=None):
    """The titles of the coded values of a timeline entry, as the entry
    recorded them (or, for entries stored before it did, as the list
    says): {'support': ..., 'refusal_reason': ...}, those it has."""
    titles = {}
    for key, name in (('support', SUPPORT), ('refusal_reason',
                                             REFUSAL_REASONS)):
        code = entry.get(key)
        if code:
            titles[key] = entry.get(key + '_title') or title_of(
                dossier, name, code, request)
    return titles


def use(resource, name, code):
    """Count that a dossier was given ``code`` of the list ``name``."""
    entry = find_entry(resource, name, code)
    if entry is not None:
        entry.uses.change(1)


def classifications(resource, request=None, active=True):
    """(criterion, title, [(code, title)]) of a petition's four
    classifications, from their lists."""
    choices = active_choices if active else all_choices
    return [(criterion, title, choices(resource, name, request))
            for criterion, title, name in CLASSIFICATION_LISTS]


# -- creating the lists -----------------------------------------------------

def _localizer(registry):
    dirs = registry.queryUtility(ITranslationDirectories, default=[])
    locale = registry.settings.get('pyramid.default_locale_name', 'vi') \
        if registry.settings else 'vi'
    return make_localizer(locale, dirs)


def ensure_codelists(root, registry):
    """Create the lists and entries of ``DEFAULT_LISTS`` that are missing
    (titles in the site's language); return the lists created."""
    translate = _localizer(registry).translate
    folder = root.get(FOLDER)
    if folder is None:
        folder = registry.content.create('Code Lists')
        folder.__sdi_deletable__ = False
        root.add(FOLDER, folder, registry=registry)
    created = []
    for name, title, description, entries, has_effect in DEFAULT_LISTS:
        if name in folder:
            continue
        codelist = registry.content.create(
            'Code List', translate(title), translate(description),
            has_effect)
        codelist.__sdi_deletable__ = False
        folder.add(name, codelist, registry=registry)
        for order, each in enumerate(entries, 1):
            codelist.add(each['code'], registry.content.create(
                'Code List Entry', translate(each['title']), order,
                each['active'], each['effect']), registry=registry)
        created.append(codelist)
    return created


@subscribe_root_added()
def root_added(event):
    """New sites get the lists with the rest (after ``content.site``'s
    subscriber has made ``danh-muc``, or making it here)."""
    ensure_codelists(event.object, event.registry)


def count_uses(root, names=None):
    """Count, from the stored dossiers, the uses of the support types and
    refusal reasons, the petitions' classifications and the original
    papers, in the lists ``names`` (default: all): lists made by the
    evolve step start from the dossiers already there.  Return how many
    uses were counted."""
    from substanced.util import find_catalog
    catalog = find_catalog(root, 'httttha')
    if catalog is None:
        return 0
    counts = {}

    def count(name, code):
        if code and (names is None or name in names):
            counts[(name, code)] = counts.get((name, code), 0) + 1

    papers = {entry.title: entry.__name__ for entry in (
        get_list(root, ORIGINAL_PAPERS) or {}).values()}
    for dossier in catalog['procedure'].any(
            ['HTTT01', 'HTTT02', 'HTTT03']).execute():
        for entry in dossier.timeline:
            count(SUPPORT, entry.get('support'))
            count(REFUSAL_REASONS, entry.get('refusal_reason'))
            for item in entry.get('checklist') or ():
                count(ORIGINAL_PAPERS,
                      item.get('code') or papers.get(item.get('label')))
        found = getattr(dossier, 'classification', None) or {}
        for criterion, _title, name in CLASSIFICATION_LISTS:
            count(name, found.get(criterion))
    for (name, code), number in counts.items():
        entry = find_entry(root, name, code)
        if entry is not None:
            entry.uses.change(number)
    return sum(counts.values())


# -- the administrators' changes --------------------------------------------

def _snapshot(entry):
    return {'code': entry.__name__, 'title': entry.title,
            'order': entry.order, 'active': entry.active,
            'effect': entry.effect}


def search(codelist, keyword=''):
    """The entries whose code or title holds ``keyword`` (accents and
    case ignored), in order."""
    words = fold(keyword).split()
    entries = codelist.entries()
    if not words:
        return entries
    return [e for e in entries
            if all(w in fold('%s %s' % (e.__name__, e.title)) for w in words)]


def _check_effect(codelist, effect):
    if codelist.has_effect and effect not in dict(EFFECTS):
        raise CodeListError(_('Choose what this support type does.'))
    return effect if codelist.has_effect else ''


def add_entry(request, codelist, code, title, order=None, active=True,
              effect=''):
    """Add an entry; refused when the code is taken."""
    if code in codelist:
        raise CodeListError(_('codelist-code-taken',
                              default='The code "${code}" is already in '
                                      'this list.',
                              mapping={'code': code}))
    effect = _check_effect(codelist, effect)
    entry = request.registry.content.create(
        'Code List Entry', title, codelist.next_order() if order is None
        else order, active, effect)
    codelist.add(code, entry, registry=request.registry)
    audit.record(request, 'codelist.add', entry, after=_snapshot(entry),
                 codelist=codelist.__name__)
    return entry


def edit_entry(request, entry, code, title, order, active, effect=''):
    """Change an entry; its code only while no dossier uses it."""
    codelist = entry.__parent__
    before = _snapshot(entry)
    effect = _check_effect(codelist, effect)
    if code != entry.__name__:
        if entry.used():
            raise CodeListError(code_locked(entry))
        if code in codelist:
            raise CodeListError(_('codelist-code-taken',
                                  default='The code "${code}" is already '
                                          'in this list.',
                                  mapping={'code': code}))
    if effect != entry.effect and entry.used():
        raise CodeListError(effect_locked(entry))
    entry.title = title
    entry.order = order
    entry.active = active
    entry.effect = effect
    if code != entry.__name__:
        codelist.rename(entry.__name__, code)
    after = _snapshot(entry)
    if after != before:
        audit.record(request, 'codelist.edit', entry, before=before,
                     after=after, codelist=codelist.__name__)
    return entry


def set_active(request, entry, active):
    """Activate or deactivate an entry (forms stop or start offering it;
    dossiers keep showing it)."""
    if entry.active == bool(active):
        return entry
    before = _snapshot(entry)
    entry.active = bool(active)
    audit.record(request, 'codelist.activate' if active else
                 'codelist.deactivate', entry, before=before,
                 after=_snapshot(entry), codelist=entry.__parent__.__name__)
    return entry


def effect_locked(entry):
    # the dossiers decided with it were moved by what it did then
    return _('codelist-effect-locked',
             default='"${title}" is used by ${count} dossiers: what it does '
                     'cannot be changed. Deactivate it and add a new entry '
                     'instead.',
             mapping={'title': entry.title, 'count': entry.used()})


def code_locked(entry):
    return _('codelist-code-locked',
             default='"${title}" is used by ${count} dossiers: its code '
                     'cannot be changed. You may edit its title or '
                     'deactivate it.',
             mapping={'title': entry.title, 'count': entry.used()})


def delete_refusal(entry):
    """Why ``entry`` may not be deleted (a translation string), or None."""
    if not entry.used():
        return None
    return _('codelist-entry-in-use',
             default='"${title}" cannot be deleted: it is used by '
                     '${count} dossiers. Deactivate it instead: forms stop '
                     'offering it and the dossiers keep showing it.',
             mapping={'title': entry.title, 'count': entry.used()})


def delete_entry(request, entry):
    """Delete an entry no dossier uses."""
    reason = delete_refusal(entry)
    if reason is not None:
        raise CodeListError(reason)
    codelist = entry.__parent__
    before = _snapshot(entry)
    # the audit entry names the entry while it is still in the list
    audit.record(request, 'codelist.delete', entry, before=before,
                 codelist=codelist.__name__)
    del codelist[entry.__name__]


@subscribe_will_be_removed(ICodeListEntry)
def entry_will_be_removed(event):
    """An entry in use is never removed nor renamed, from any view (the
    site administrator's generic ones too)."""
    if event.loading:
        return
    entry = event.object
    if not entry.used():
        return
    if event.moving not in (None, False):
        raise RemovalRefused(entry, code_locked(entry))
    raise RemovalRefused(entry, delete_refusal(entry))
