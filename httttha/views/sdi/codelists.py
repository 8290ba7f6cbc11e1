"""Quản lý danh mục (C4): the Tổng cục's administrators list the code
lists, search a list's entries, add, edit, activate or deactivate them
and delete those no dossier uses (after a confirmation).  The rules are
in ``services.administration.codelists``."""
import colander
import deform
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.session import check_csrf_token
from substanced.form import FormView
from substanced.schema import Schema
from substanced.sdi import mgmt_view

from ... import _
from ...content.codelist import (
    CODE_PATTERN,
    EFFECTS,
    ICodeList,
    ICodeListEntry,
)
from ...interfaces import IAgency, ICodeLists
from ...permissions import MANAGE_AGENCY, MANAGE_CODELISTS
from ...services.administration import codelists as service
from ...services.administration.tree import root_agency
from . import form_buttons
from .tabs import stable

FORM = 'substanced.sdi:templates/form.pt'
LISTS = 'httttha:templates/sdi/codelists.pt'
ENTRIES = 'httttha:templates/sdi/codelist.pt'
CONFIRM = 'httttha:templates/sdi/codelist_delete.pt'


def _flash(request, message, queue='success'):
    request.sdiapi.flash(request.localizer.translate(message), queue)


def _entries_url(request, codelist, **query):
    return request.sdiapi.mgmt_path(codelist, '@@muc', _query=query or None)


@stable
def _general_admin_tab(context, request):
    """Only on the Tổng cục, for those who manage the code lists."""
    return context is root_agency(request.root) and request.has_permission(
        MANAGE_CODELISTS, request.root)


# asked with the agency administrators' permission, as the working
# calendar is (the role × view matrix lists it so); the lists themselves
# check MANAGE_CODELISTS, which only the Tổng cục's administrators hold
@mgmt_view(context=IAgency, name='danh-muc', tab_title=_('Code lists'),
           permission=MANAGE_AGENCY, tab_condition=_general_admin_tab)
def agency_tab(context, request):
    """The Tổng cục's tab "Danh mục": the code lists, one click away from
    the administrator's landing page."""
    if not _general_admin_tab(context, request):
        raise HTTPNotFound()
    return HTTPFound(request.sdiapi.mgmt_path(request.root['danh-muc'],
                                              '@@danh-sach'))


@mgmt_view(context=ICodeLists, name='danh-sach', tab_title=_('Code lists'),
           permission=MANAGE_CODELISTS, renderer=LISTS)
def lists(context, request):
    """Every code list, with how many entries it has and how many are
    active."""
    rows = []
    for name, codelist in sorted(
            ((n, c) for n, c in context.items() if ICodeList.providedBy(c)),
            key=lambda item: item[1].title):
        entries = list(codelist.values())
        rows.append({'list': codelist, 'name': name, 'count': len(entries),
                     'active': sum(1 for e in entries if e.active)})
    return {'rows': rows}


@mgmt_view(context=ICodeList, name='muc',
           tab_title=_('codelist-entries', default='Entries'),
           permission=MANAGE_CODELISTS, renderer=ENTRIES)
def entries(context, request):
    """The entries of a list, searched by code or title (accents
    ignored)."""
    keyword = request.params.get('tu-khoa', '').strip()[:100]
    effects = {code: request.localizer.translate(title)
               for code, title in EFFECTS}
    return {
        'codelist': context,
        'keyword': keyword,
        'rows': [{'entry': e, 'used': e.used(),
                  'effect': effects.get(e.effect, '')}
                 for e in service.search(context, keyword)],
        'lists_url': request.sdiapi.mgmt_path(context.__parent__,
                                              '@@danh-sach'),
    }


# -- add and edit -----------------------------------------------------------

@colander.deferred
def code_validator(node, kw):
    """A code of letters, digits, '_' and '-', not taken in the list, and
    unchanged when the entry is in use."""
    codelist, entry = kw['codelist'], kw.get('entry')

    def validate(node, value):
        colander.Regex(CODE_PATTERN, _(
            'Use 1 to 40 lower-case letters without accents, digits, "_" '
            'or "-".'))(node, value)
        current = entry.__name__ if entry is not None else None
        if value == current:
            return
        if entry is not None and entry.used():
            raise colander.Invalid(node, service.code_locked(entry))
        if value in codelist:
            raise colander.Invalid(node, _(
                'codelist-code-taken',
                default='The code "${code}" is already in this list.',
                mapping={'code': value}))
    return validate


class EntrySchema(Schema):
    """An entry of a code list."""
    code = colander.SchemaNode(
        colander.String(), title=_('Code'), validator=code_validator,
        description=_('Stored with the dossiers: lower-case letters without '
                      'accents, digits, "_" or "-".'))
    title = colander.SchemaNode(
        colander.String(), title=_('codelist-title', default='Title'),
        validator=colander.Length(1, 300))
    order = colander.SchemaNode(
        colander.Integer(), title=_('codelist-order', default='Order'),
        validator=colander.Range(0, 9999),
        description=_('Forms offer the entries in this order.'))
    active = colander.SchemaNode(
        colander.Boolean(), title=_('codelist-active', default='Active'),
        missing=False,
        description=_('Forms offer only the active entries; dossiers keep '
                      'showing the others.'))


def entry_schema(request, codelist, entry=None):
    """The entry form of ``codelist``: the support types also say what
    the decision does."""
    schema = EntrySchema().bind(request=request, codelist=codelist,
                                entry=entry)
    if codelist.has_effect:
        def effect_validator(node, value):
            colander.OneOf([k for k, _t in EFFECTS])(node, value)
            if entry is not None and entry.used() and value != entry.effect:
                raise colander.Invalid(node, service.effect_locked(entry))
        schema.add(colander.SchemaNode(
            colander.String(), name='effect', title=_('What it does'),
            validator=effect_validator,
            widget=deform.widget.RadioChoiceWidget(values=EFFECTS)))
    return schema


BUTTONS = form_buttons('update')


class EntryForm(FormView):
    """What the add and edit forms share: Cập nhật, Nhập lại, Hủy."""
    buttons = BUTTONS

    @property
    def codelist(self):
        raise NotImplementedError

    def _back(self):
        return HTTPFound(_entries_url(self.request, self.codelist))

    def cancel_success(self, appstruct):
        return self._back()
    cancel_failure = cancel_success


@mgmt_view(context=ICodeList, name='them', tab_title=_('Add an entry'),
           permission=MANAGE_CODELISTS, renderer=FORM)
class AddEntryView(EntryForm):
    """Thêm mới: a new entry, active and last in order by default."""
    title = _('Add an entry')

    def __init__(self, context, request):
        EntryForm.__init__(self, context, request)
        self.schema = entry_schema(request, context)

    @property
    def codelist(self):
        return self.context

    def show(self, form):
        return {'form': form.render({'order': self.context.next_order(),
                                     'active': True})}

    def update_success(self, appstruct):
        try:
            entry = service.add_entry(
                self.request, self.context, appstruct['code'],
                appstruct['title'], appstruct['order'], appstruct['active'],
                appstruct.get('effect', ''))
        except service.CodeListError as e:
            _flash(self.request, e.message, 'danger')
            return self._back()
        _flash(self.request, _('codelist-entry-added',
                               default='"${title}" was added to the list.',
                               mapping={'title': entry.title}))
        return self._back()


@mgmt_view(context=ICodeListEntry, name='sua',
           tab_title=_('codelist-edit', default='Edit'),
           permission=MANAGE_CODELISTS, renderer=FORM)
class EditEntryView(EntryForm):
    """Sửa: title, order and active flag always; the code only while no
    dossier uses the entry."""
    title = _('Edit the entry')

    def __init__(self, context, request):
        EntryForm.__init__(self, context, request)
        self.schema = entry_schema(request, context.__parent__, context)

    @property
    def codelist(self):
        return self.context.__parent__

    def show(self, form):
        entry = self.context
        values = {'code': entry.__name__, 'title': entry.title,
                  'order': entry.order, 'active': entry.active}
        if self.codelist.has_effect:
            values['effect'] = entry.effect
        if entry.used():
            _flash(self.request, _(
                'codelist-entry-used-note',
                default='Used by ${count} dossiers: you may edit the title '
                        'and the order and deactivate it; its code stays.',
                mapping={'count': entry.used()}), 'info')
        return {'form': form.render(values)}

    def update_success(self, appstruct):
        try:
            service.edit_entry(
                self.request, self.context, appstruct['code'],
                appstruct['title'], appstruct['order'], appstruct['active'],
                appstruct.get('effect', ''))
        except service.CodeListError as e:
            _flash(self.request, e.message, 'danger')
            return HTTPFound(self.request.sdiapi.mgmt_path(self.context,
                                                           '@@sua'))
        _flash(self.request, _('codelist-entry-saved',
                               default='"${title}" was saved.',
                               mapping={'title': self.context.title}))
        return self._back()


# -- activate, deactivate, delete -----------------------------------------

@mgmt_view(context=ICodeListEntry, name='trang-thai',
           permission=MANAGE_CODELISTS, request_method='POST',
           check_csrf=True, tab_condition=False)
def toggle(context, request):
    """Ngừng sử dụng / Sử dụng lại, from the list's buttons."""
    active = request.POST.get('active') == '1'
    service.set_active(request, context, active)
    _flash(request, _('codelist-entry-activated',
                      default='"${title}" is offered by the forms again.',
                      mapping={'title': context.title}) if active else
           _('codelist-entry-deactivated',
             default='"${title}" is no longer offered by the forms; the '
                     'dossiers that have it keep showing it.',
             mapping={'title': context.title}))
    return HTTPFound(_entries_url(request, context.__parent__))


@mgmt_view(context=ICodeListEntry, name='xoa', permission=MANAGE_CODELISTS,
           request_method='GET', tab_condition=False, renderer=CONFIRM)
def confirm_delete(context, request):
    """The confirmation before deleting (Đồng ý / Hủy), or the reason why
    the entry cannot be deleted."""
    reason = service.delete_refusal(context)
    return {'entry': context,
            'reason': request.localizer.translate(reason) if reason
            else None,
            'back': _entries_url(request, context.__parent__)}


@mgmt_view(context=ICodeListEntry, name='xoa', permission=MANAGE_CODELISTS,
           request_method='POST', tab_condition=False)
def delete(context, request):
    """Delete an entry no dossier uses (confirmed)."""
    check_csrf_token(request)      # BadCSRFToken: 400
    codelist = context.__parent__
    title = context.title
    try:
        service.delete_entry(request, context)
    except service.CodeListError as e:
        _flash(request, e.message, 'danger')
    else:
        _flash(request, _('codelist-entry-deleted',
                          default='"${title}" was deleted.',
                          mapping={'title': title}))
    return HTTPFound(_entries_url(request, codelist))
