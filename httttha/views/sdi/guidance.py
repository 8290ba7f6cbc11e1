"""Hướng dẫn (A6) in the management interface: the agency's tab where its
web editor (and its administrator) lists the guidance pages and FAQ
entries with their state, adds and edits them (rich text), previews,
publishes (Đăng), unpublishes (Gỡ), archives, reorders and deletes them
after a confirmation.  The rules are in ``services.portal.guidance``."""
import colander
import deform
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.session import check_csrf_token
from substanced.form import FormView
from substanced.schema import Schema
from substanced.sdi import mgmt_view

from ... import _
from ...content.agency import find_agency
from ...content.application import PROCEDURE_TITLES, PROCEDURES
from ...content.guidance import (
    STATE_TITLES,
    IFAQEntry,
    IGuidanceItem,
    IGuidancePage,
)
from ...interfaces import IAgency
from ...permissions import EDIT_GUIDANCE
from ...services.portal import guidance as service
from .. import download
from . import form_buttons
from .dossier import files_node

FORM = 'substanced.sdi:templates/form.pt'
LIST = 'httttha:templates/sdi/guidance.pt'
PREVIEW = 'httttha:templates/sdi/guidance_preview.pt'
CONFIRM = 'httttha:templates/sdi/guidance_delete.pt'

#: the editor's toolbar offers only what the sanitiser keeps
TINYMCE = (
    ('menubar', False),
    ('plugins', 'link lists table'),
    ('toolbar', 'undo redo | formatselect | bold italic underline | '
                'bullist numlist | link unlink | table'),
    ('block_formats', 'Đoạn văn=p;Tiêu đề 2=h2;Tiêu đề 3=h3;Tiêu đề 4=h4'),
    ('target_list', False),
    ('link_title', False),
    ('convert_urls', False),
    ('height', 320),
)


def _flash(request, message, queue='success'):
    request.sdiapi.flash(request.localizer.translate(message), queue)


def _list_url(request, agency, anchor=None):
    url = request.sdiapi.mgmt_path(agency, '@@huong-dan')
    return url + ('#' + anchor if anchor else '')


def _back(request, item):
    return HTTPFound(_list_url(request, find_agency(item),
                               'cac-cau-hoi' if item.kind == 'faq'
                               else 'cac-trang'))


def _procedure_choices(request):
    return [(p, '%s - %s' % (p, request.localizer.translate(
        PROCEDURE_TITLES[p]))) for p in PROCEDURES]


def _rich_text(title, **kw):
    return colander.SchemaNode(
        colander.String(), title=title,
        validator=colander.Length(1, service.MAX_TEXT),
        widget=deform.widget.RichTextWidget(options=TINYMCE), **kw)


# -- the list -----------------------------------------------------------------

@mgmt_view(context=IAgency, name='huong-dan', tab_title=_('Guidance'),
           permission=EDIT_GUIDANCE, renderer=LIST)
def guidance_list(context, request):
    """The agency's pages and FAQ entries, in order, with their state and
    the buttons of what may be done to each."""
    translate = request.localizer.translate
    return {
        'agency': context,
        'pages': service.items(context, 'page'),
        'faq': service.items(context, 'faq'),
        'states': {k: translate(v) for k, v in STATE_TITLES.items()},
        'procedures': dict(_procedure_choices(request)),
        'transitions': service.TRANSITIONS,
        'public_url': lambda item: service.public_url(request, item),
    }


# -- add and edit ------------------------------------------------------------

BUTTONS = form_buttons('update')


class PageSchema(Schema):
    """A guidance page."""
    title = colander.SchemaNode(
        colander.String(), title=_('guidance-title', default='Title'),
        validator=colander.Length(1, 200))
    summary = colander.SchemaNode(
        colander.String(), title=_('guidance-summary', default='Summary'),
        missing='', validator=colander.Length(max=1000),
        widget=deform.widget.TextAreaWidget(rows=3))
    body = _rich_text(_('guidance-body', default='Content'))


def page_schema(request, page=None):
    """The page form: procedures, up to three new files, and on an edit
    the files to remove."""
    schema = PageSchema()
    schema.add(colander.SchemaNode(
        colander.Set(), name='procedures',
        title=_('guidance-procedures', default='Procedures concerned'),
        missing=(), validator=colander.ContainsOnly(list(PROCEDURES)),
        widget=deform.widget.CheckboxChoiceWidget(
            values=_procedure_choices(request))))
    if page is not None and page.attachments():
        names = [f.__name__ for f in page.attachments()]
        schema.add(colander.SchemaNode(
            colander.Set(), name='remove',
            title=_('guidance-remove-files', default='Remove these files'),
            missing=(), validator=colander.ContainsOnly(names),
            widget=deform.widget.CheckboxChoiceWidget(
                values=[(n, n) for n in names])))
    files = files_node(request, _(
        'guidance-files', default='Files to download (blank forms, ...)'))
    schema.add(files)
    return schema


class FAQSchema(Schema):
    """A question and its answer."""
    question = colander.SchemaNode(
        colander.String(), title=_('guidance-question', default='Question'),
        validator=colander.Length(1, 500),
        widget=deform.widget.TextAreaWidget(rows=2))
    answer = _rich_text(_('guidance-answer', default='Answer'))


def faq_schema(request):
    schema = FAQSchema()
    choices = [('', request.localizer.translate(
        _('guidance-general', default='General questions')))]
    choices += _procedure_choices(request)
    schema.add(colander.SchemaNode(
        colander.String(), name='procedure',
        title=_('guidance-procedure', default='Procedure'), missing='',
        validator=colander.OneOf([k for k, _t in choices]),
        widget=deform.widget.SelectWidget(values=choices)))
    return schema


def _uploads(appstruct):
    """(filename, stream, mimetype) of the form's files."""
    files = [f for f in (appstruct.get('files') or {}).values() if f]
    return [(f['filename'], f['fp'], f['mimetype']) for f in files]


class _Form(FormView):
    buttons = BUTTONS

    def cancel_success(self, appstruct):
        return self._cancel()
    cancel_failure = cancel_success


class _AddForm(_Form):
    def _cancel(self):
        return HTTPFound(_list_url(self.request, self.context))


class _EditForm(_Form):
    def _cancel(self):
        return _back(self.request, self.context)


@mgmt_view(context=IAgency, name='them-huong-dan',
           permission=EDIT_GUIDANCE, renderer=FORM, tab_condition=False)
class AddPageView(_AddForm):
    """Thêm trang hướng dẫn: a new draft page."""
    title = _('Add a guidance page')

    def __init__(self, context, request):
        _AddForm.__init__(self, context, request)
        self.schema = page_schema(request)

    def update_success(self, appstruct):
        page = service.add_page(self.request, self.context, appstruct,
                                _uploads(appstruct))
        _flash(self.request, _(
            'guidance-page-added',
            default='"${title}" was saved as a draft: preview it, then '
                    'publish it.', mapping={'title': page.title}))
        return _back(self.request, page)


@mgmt_view(context=IGuidancePage, name='sua', permission=EDIT_GUIDANCE,
           renderer=FORM, tab_title=_('codelist-edit', default='Edit'))
class EditPageView(_EditForm):
    """Sửa: the page's text, procedures and files."""
    title = _('Edit the guidance page')

    def __init__(self, context, request):
        _EditForm.__init__(self, context, request)
        self.schema = page_schema(request, context)

    def show(self, form):
        page = self.context
        return {'form': form.render({
            'title': page.title, 'summary': page.summary,
            'body': service.clean(page.body),
            'procedures': set(page.procedures)})}

    def update_success(self, appstruct):
        service.edit_page(self.request, self.context, appstruct,
                          _uploads(appstruct), appstruct.get('remove', ()))
        _flash(self.request, _('guidance-saved',
                               default='"${title}" was saved.',
                               mapping={'title': self.context.title}))
        return _back(self.request, self.context)


@mgmt_view(context=IAgency, name='them-hoi-dap', permission=EDIT_GUIDANCE,
           renderer=FORM, tab_condition=False)
class AddFAQView(_AddForm):
    """Thêm câu hỏi: a new draft FAQ entry."""
    title = _('Add a question')

    def __init__(self, context, request):
        _AddForm.__init__(self, context, request)
        self.schema = faq_schema(request)

    def update_success(self, appstruct):
        entry = service.add_faq(self.request, self.context, appstruct)
        _flash(self.request, _(
            'guidance-page-added',
            default='"${title}" was saved as a draft: preview it, then '
                    'publish it.', mapping={'title': entry.title}))
        return _back(self.request, entry)


@mgmt_view(context=IFAQEntry, name='sua', permission=EDIT_GUIDANCE,
           renderer=FORM, tab_title=_('codelist-edit', default='Edit'))
class EditFAQView(_EditForm):
    """Sửa: the question, its answer and procedure."""
    title = _('Edit the question')

    def __init__(self, context, request):
        _EditForm.__init__(self, context, request)
        self.schema = faq_schema(request)

    def show(self, form):
        entry = self.context
        return {'form': form.render({
            'question': entry.question,
            'answer': service.clean(entry.answer),
            'procedure': entry.procedure})}

    def update_success(self, appstruct):
        service.edit_faq(self.request, self.context, appstruct)
        _flash(self.request, _('guidance-saved',
                               default='"${title}" was saved.',
                               mapping={'title': self.context.title}))
        return _back(self.request, self.context)


# -- preview, files ----------------------------------------------------------

@mgmt_view(context=IGuidanceItem, name='xem-truoc',
           permission=EDIT_GUIDANCE, renderer=PREVIEW,
           tab_title=_('guidance-preview', default='Preview'))
def preview(context, request):
    """Xem trước: the page or answer as the portal will show it."""
    translate = request.localizer.translate
    return {
        'item': context,
        'html': service.clean(context.answer if context.kind == 'faq'
                              else context.body),
        'state': translate(STATE_TITLES[context.state]),
        'procedures': [p for p in context.procedures if p],
        'back': _list_url(request, find_agency(context)),
    }


@mgmt_view(context=IGuidancePage, name='tep', permission=EDIT_GUIDANCE,
           tab_condition=False)
def attachment(context, request):
    """A file of the page (``?ten=``), as a download."""
    found = context.get(request.params.get('ten', ''))
    if found is None or found not in context.attachments():
        raise HTTPNotFound()
    return download(request, found)


# -- state, order, delete ---------------------------------------------------

@mgmt_view(context=IGuidanceItem, name='trang-thai',
           permission=EDIT_GUIDANCE, request_method='POST',
           tab_condition=False)
def change_state(context, request):
    """Đăng, Gỡ, Lưu trữ from the list's buttons."""
    check_csrf_token(request)      # BadCSRFToken: 400
    action = request.POST.get('action', '')
    try:
        service.transition(request, context, action)
    except service.GuidanceError as e:
        _flash(request, e.message, 'danger')
    else:
        _flash(request, {
            'publish': _('guidance-published-now',
                         default='"${title}" is published on the portal.',
                         mapping={'title': context.title}),
            'unpublish': _('guidance-unpublished-now',
                           default='"${title}" was taken off the portal: '
                                   'it is a draft again.',
                           mapping={'title': context.title}),
            'archive': _('guidance-archived-now',
                         default='"${title}" was archived.',
                         mapping={'title': context.title}),
        }[action])
    return _back(request, context)


@mgmt_view(context=IGuidanceItem, name='thu-tu', permission=EDIT_GUIDANCE,
           request_method='POST', tab_condition=False)
def reorder(context, request):
    """Lên, Xuống: one place up or down."""
    check_csrf_token(request)      # BadCSRFToken: 400
    service.move(request, context,
                 -1 if request.POST.get('direction') == 'up' else 1)
    return _back(request, context)


@mgmt_view(context=IGuidanceItem, name='xoa', permission=EDIT_GUIDANCE,
           request_method='GET', tab_condition=False, renderer=CONFIRM)
def confirm_delete(context, request):
    """The confirmation before deleting (Đồng ý / Hủy)."""
    return {'item': context,
            'back': _list_url(request, find_agency(context))}


@mgmt_view(context=IGuidanceItem, name='xoa', permission=EDIT_GUIDANCE,
           request_method='POST', tab_condition=False)
def delete(context, request):
    """Delete the item (confirmed)."""
    check_csrf_token(request)      # BadCSRFToken: 400
    agency = find_agency(context)
    title = context.title
    service.delete(request, context)
    _flash(request, _('guidance-deleted', default='"${title}" was deleted.',
                      mapping={'title': title}))
    return HTTPFound(_list_url(request, agency))
