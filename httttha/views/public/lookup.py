"""Tra cứu hồ sơ and the citizen's dossier page (A3, the user manual's "Tra cứu
thông tin hỗ trợ trực tuyến", "Theo dõi trạng thái hồ sơ, chỉnh sửa bổ
sung"):

``/tra-cuu``                  lookup by code or keywords, within an agency
``/ho-so/<code>``             asks for the ID number, then the dossier
``/tep-ho-so/<code>/<name>``  a file of an opened dossier
``/bo-sung-ho-so/<code>``     Bổ sung hồ sơ, when the agency asked for it

The rules (throttling, matching, what is public) are in
``services.intake.lookup`` and ``services.intake.supplement``.
"""
from html import escape

import deform
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.renderers import render_to_response
from pyramid.response import Response
from pyramid.session import check_csrf_token
from pyramid.view import view_config
from substanced.interfaces import IRoot
from substanced.util import get_oid

from ... import _
from ...content.application import (
    ACCEPT,
    DECLARATION,
    FORM_TITLES,
    SIGNER_TITLES,
    application_schema,
    application_sections,
)
from ...content.dossier import (
    HIDDEN_ACTIONS,
    VN,
    action_title,
    local_time,
)
from ...printing.timeline import notice_pdf
from ...services.intake import lookup as service
from ...services.intake.scratch import ensure_scratch
from ...services.intake.submission import (
    DraftRefused, count_draft_uploads, get_draft, limits, new_draft)
from ...services.intake.supplement import (
    NOT_POSSIBLE,
    can_supplement,
    form_values,
    keep_current_files,
    supplement,
)
from ...services.administration.codelists import entry_titles
from ...services.administration.tree import agency_by_code, agency_outline
from ...services.administration.treecache import cached
from ...workflows.dossier import STATE_TITLES, state_of
from .. import download as download_response
from .forms import (
    CheckedFileWidget,
    files_total_validator,
    renderable,
    renderer,
)

NO_AGENCY = _('Choose the agency you sent the dossier to.')
NOTHING_TO_FIND = _('Enter the dossier code, or your full name with your '
                    'phone or ID number.')
EXPIRED = _('Your session expired. Please enter the ID number again.')


def agency_options(request, selected=None):
    """The options of the Đơn vị select, as HTML: the Tổng cục, then each
    Cục (an optgroup) followed by its Chi cục, with ``selected`` (an
    agency or None) marked.

    The HTML of the 756 agencies is built once per process and tree
    version; only the selected option is marked per request."""
    html, ends = cached(request.root, 'lookup-agency-options',
                        lambda: _options_html(agency_outline(request.root)))
    end = ends.get(getattr(selected, 'code', None))
    if end is None:
        return html
    return '%s selected="selected"%s' % (html[:end], html[end:])


def _options_html(outline):
    """(html, {code: offset of the end of its option's start tag})."""
    top, groups = outline
    parts, ends = [], {}
    size = 0

    def add(text):
        nonlocal size
        parts.append(text)
        size += len(text)

    def option(code, title):
        add('<option value="%s"' % escape(code))
        # where ' selected="selected"' goes when this agency is chosen
        ends.setdefault(code, size)
        add('>%s</option>' % escape(title))

    if top is not None:
        option(*top)
    for (code, title), subs in groups:
        add('\n<optgroup label="%s">' % escape(title))
        option(code, title)
        for sub in subs:
            option(*sub)
        add('</optgroup>')
    return ''.join(parts), ends


@view_config(context=IRoot, name='tra-cuu', permission='view',
             renderer='httttha:templates/public/lookup.pt')
def lookup(context, request):
    """Tra cứu hồ sơ: by code + agency, or by keywords + agency."""
    params = request.GET
    code = params.get('ma', '').strip()[:40]
    keywords = params.get('tu-khoa', '').strip()[:300]
    agency = agency_by_code(context, params.get('don-vi'))
    values = {'code': code, 'keywords': keywords, 'agency': agency,
              'agency_options': agency_options(request, agency),
              'rows': None, 'message': None,
              'tz': VN, 'state_titles': STATE_TITLES}
    if 'ma' not in params and 'tu-khoa' not in params:
        return values
    if not code and not keywords:
        values['message'] = NOTHING_TO_FIND
        return values
    if agency is None:
        values['message'] = NO_AGENCY
        return values
    client = request.client_addr
    try:
        service.check_allowed(context, request.registry, client)
        if code:
            found = service.find_by_code(context, code, agency)
        else:
            found = service.find_by_keywords(context, keywords, agency)
    except service.Locked as e:
        values['message'] = e.message
        return values
    except ValueError as e:
        values['message'] = e.args[0]
        return values
    if not found:
        service.count_failure(context, request.registry, client,
                              reason='nothing found')
    values['rows'] = [service.public_row(d) for d in found]
    return values


def _code(request):
    return request.subpath[0][:40] if request.subpath else ''


def _to_dossier(request, code):
    return HTTPFound(request.resource_url(request.root, 'ho-so', code))


class DossierPage(object):
    """The ID check, then the dossier as the citizen sees it."""

    def __init__(self, context, request):
        self.context = context
        self.request = request
        self.code = _code(request)
        self.dossier = service.dossier_by_code(context, self.code)

    def _check(self, message=None):
        return {'code': self.code, 'message': message,
                'csrf_token': self.request.session.get_csrf_token()}

    @view_config(context=IRoot, name='ho-so', permission='view',
                 request_method='GET')
    def show(self):
        if not self.code:
            return HTTPFound(self.request.resource_url(self.context,
                                                       'tra-cuu'))
        if not service.is_open(self.request, self.dossier):
            return self._render('check', self._check())
        return self._render('dossier', self._page())

    @view_config(context=IRoot, name='ho-so', permission='view',
                 request_method='POST')
    def post(self):
        request = self.request
        if not check_csrf_token(request, raises=False):
            return self._render('check', self._check(EXPIRED))
        if 'close' in request.POST:
            if self.dossier is not None:
                service.close_dossier(request, self.dossier)
            return HTTPFound(request.resource_url(self.context, 'tra-cuu'))
        try:
            dossier = service.open_dossier(
                request, self.code, request.POST.get('so-giay-to', ''))
        except service.Locked as e:
            return self._render('check', self._check(e.message))
        except ValueError as e:
            return self._render('check', self._check(e.args[0]))
        return _to_dossier(request, dossier.code)

    def _render(self, name, values):
        response = render_to_response(
            'httttha:templates/public/%s.pt' % name, values, self.request)
        # personal data: never kept by a shared computer's cache
        response.cache_control = 'no-store'
        return response

    def _page(self):
        request = self.request
        dossier = self.dossier
        state = state_of(dossier)
        procedure = dossier.procedure
        return {
            'dossier': dossier, 'agency': dossier.agency,
            'state': state, 'state_title': STATE_TITLES.get(state, state),
            'received': local_time(dossier.submitted),
            'appointment': service.appointment(dossier),
            'due': getattr(dossier, 'due', None),
            'decision': getattr(dossier, 'decision', None),
            'handover': getattr(dossier, 'handover', None),
            'entries': _public_timeline(dossier),
            'request_for_supplement': _latest_request(dossier),
            'can_supplement': can_supplement(dossier),
            'form_title': FORM_TITLES[procedure],
            'sections': application_sections(procedure, dossier.declared),
            'signer_title': SIGNER_TITLES[procedure],
            'files': [(f, _file_url(request, dossier, f))
                      for _slot, f in dossier.attachments()],
            'flash': request.session.pop_flash(),
            'csrf_token': request.session.get_csrf_token(),
        }


def _file_url(request, dossier, f):
    return request.resource_url(request.root, 'tep-ho-so', dossier.code,
                                f.__name__)


def _public_timeline(dossier):
    """Timeline entries as the citizen sees them: no internal notes, no
    staff drafts, and the agency's files as links."""
    entries = []
    for index, entry in enumerate(dossier.timeline):
        if entry['action'] in HIDDEN_ACTIONS:
            continue
        files = [dossier.public_file(name) for name in entry.get('files', ())]
        entries.append({
            'slip': entry.get('slip'),
            'index': index,
            'when': local_time(entry['when']),
            'action': action_title(dossier, entry),
            'state': STATE_TITLES.get(entry.get('state')),
            'message': entry.get('message'),
            'appointment': service.shown_appointment(
                entry.get('appointment')),
            'files': [f for f in files if f is not None],
            'changes': [c['label'] for c in entry.get('changes', ())],
            # the support type and refusal reason, as titled when decided
            'coded': entry_titles(dossier, entry),
        })
    return entries


def _latest_request(dossier):
    """The agency's message that asked for the supplement."""
    for entry in reversed(dossier.timeline):
        if entry.get('state') == 'needs_supplement':
            return entry
    return None


def _opened(context, request):
    """(dossier, item) of a ``<view>/<code>/<item>`` URL when this browser
    session opened the dossier; otherwise the way to the ID check."""
    if len(request.subpath) != 2:
        raise HTTPNotFound()
    code, item = request.subpath
    dossier = service.dossier_by_code(context, code)
    if not service.is_open(request, dossier):
        raise _to_dossier(request, code[:40])
    return dossier, item


@view_config(context=IRoot, name='tep-ho-so', permission='view')
def download(context, request):
    """A file of a dossier opened in this browser session: the citizen's
    attachments and the files the agency sent."""
    dossier, name = _opened(context, request)
    attachment = dossier.public_file(name)
    if attachment is None:
        raise HTTPNotFound()
    return download_response(request, attachment)


@view_config(context=IRoot, name='phieu-ho-so', permission='view')
def notice(context, request):
    """The notice the agency sent with timeline entry ``<index>``, as PDF,
    for a dossier opened in this browser session."""
    dossier, index = _opened(context, request)
    try:
        entry = dossier.timeline[int(index)]
    except (IndexError, ValueError):
        raise HTTPNotFound()
    if not entry.get('slip') or entry['action'] in HIDDEN_ACTIONS:
        raise HTTPNotFound()
    response = Response(notice_pdf(request, dossier, entry),
                        content_type='application/pdf',
                        content_disposition='inline; filename="%s"' % (
                            'thong-bao-%s-%s.pdf' % (dossier.code, index)))
    response.cache_control = 'private, no-store'
    return response


class SupplementForm(object):
    """Bổ sung hồ sơ: the application form filled with the dossier's
    values and files; the citizen corrects, adds or replaces, confirms
    the declaration and sends."""

    def __init__(self, context, request):
        self.context = context
        self.request = request
        self.code = _code(request)
        self.dossier = service.dossier_by_code(context, self.code)

    def _refused(self):
        """None when the form may be used, else where to go instead."""
        if not service.is_open(self.request, self.dossier):
            return _to_dossier(self.request, self.code)
        if not can_supplement(self.dossier):
            self.request.session.flash(NOT_POSSIBLE)
            return _to_dossier(self.request, self.dossier.code)
        return None

    def _form(self, store):
        settings = limits(self.request.registry)
        procedure = self.dossier.procedure

        def file_widget():
            return CheckedFileWidget(store, settings.max_file, accept=ACCEPT)
        schema = application_schema(procedure, file_widget)
        schema['files'].validator = files_total_validator(settings.max_total)
        schema['files'].description = _(
            'Keep, remove or replace each document, or attach new ones.')
        schema = schema.bind(request=self.request)
        return deform.Form(
            schema, renderer=renderer, formid='supplement',
            action=self.request.resource_url(self.context, 'bo-sung-ho-so',
                                             self.dossier.code),
            buttons=(deform.Button('send', _('Send the supplement')),
                     deform.Button('cancel', _('Cancel'), type='link',
                                   value=self.request.resource_url(
                                       self.context, 'ho-so',
                                       self.dossier.code))))

    def _render(self, form, token, appstruct=None, failure=None,
                message=None):
        kw = {'csrf_token': self.request.session.get_csrf_token(),
              'hidden': (('draft', token),)}
        html = (failure.render(**kw) if failure is not None
                else form.render(renderable(appstruct), **kw))
        return {'form': html, 'dossier': self.dossier,
                'agency': self.dossier.agency,
                'form_title': FORM_TITLES[self.dossier.procedure],
                'request_for_supplement': _latest_request(self.dossier),
                'declaration': DECLARATION, 'message': message}

    def _refused_draft(self, message):
        """The form as sent, with ``message``; the files it carried are
        not kept (no draft may hold them)."""
        store = _Preview()
        keep_current_files(store, self.dossier)
        form = self._form(store)
        try:
            appstruct = form.validate(self.request.POST.items())
        except deform.ValidationFailure as failure:
            return self._render(form, '', failure=failure, message=message)
        return self._render(form, '', appstruct, message=message)

    @view_config(context=IRoot, name='bo-sung-ho-so', permission='view',
                 request_method='GET',
                 renderer='httttha:templates/public/supplement.pt')
    def show(self):
        refused = self._refused()
        if refused is not None:
            return refused
        store = _Preview()
        keep_current_files(store, self.dossier)
        return self._render(self._form(store), '',
                            form_values(self.dossier))

    @view_config(context=IRoot, name='bo-sung-ho-so', permission='view',
                 request_method='POST',
                 renderer='httttha:templates/public/supplement.pt')
    def post(self):
        request = self.request
        if not check_csrf_token(request, raises=False):
            # a forged form, or a session that expired (and with it the
            # access to the dossier): the ID check comes first
            return _to_dossier(request, self.code)
        refused = self._refused()
        if refused is not None:
            return refused
        token = request.POST.get('draft', '')
        draft = get_draft(self.context, token)
        if draft is None or getattr(draft, 'dossier_oid', None) != get_oid(
                self.dossier):
            try:
                token = new_draft(self.context, request.registry,
                                  self.dossier.agency,
                                  self.dossier.procedure,
                                  request.client_addr)
            except DraftRefused as refused:
                return self._refused_draft(refused.message)
            draft = get_draft(self.context, token)
            draft.dossier_oid = get_oid(self.dossier)
            keep_current_files(draft.files, self.dossier)
        form = self._form(draft.files)
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return self._render(form, token, failure=failure)
        finally:
            count_draft_uploads(self.context, request.registry, draft)
        try:
            supplement(request, self.dossier, draft, appstruct, form.schema)
        except ValueError as e:
            return self._render(form, token, appstruct, message=e.args[0])
        del ensure_scratch(self.context).drafts[token]
        request.session.flash(_('Your supplement was sent. The agency will '
                                'check the dossier again.'))
        return _to_dossier(request, self.dossier.code)


class _Preview(dict):
    """The upload store of the form's first showing (nothing is stored
    until the citizen sends it)."""

    def preview_url(self, uid):
        return None
