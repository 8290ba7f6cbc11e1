"""The submission wizard (A2, the user manual's "ĐKHT trực tuyến", Bước 1-8):

1-3 ``/ho-tro-truc-tuyen``      choose the agency and the procedure
4-6 ``/ke-khai``                the application, attachments, CAPTCHA,
                                declaration; Tiếp tục / Hủy
7   ``/xac-nhan/<draft>``       the application as it will be filed: In tờ
                                khai, Quay lại, Tiếp tục
8   ``/ket-qua/<draft>``        Mã số đăng ký trực tuyến, Hoàn thành

Every step is a plain form or link, so the flow works without JavaScript.
Until the last Tiếp tục only a draft exists (in the scratch store, under
an unguessable token, expiring); the draft remembers the dossier it
became, so sending it again never makes a second dossier.
"""
import hashlib

import colander
import deform
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.i18n import TranslationString
from repoze.lru import LRUCache
from pyramid.response import Response
from pyramid.session import check_csrf_token
from pyramid.view import view_config
from substanced.interfaces import IRoot
from substanced.util import find_objectmap, get_oid

from ... import _
from ...content.application import (
    ACCEPT,
    DECLARATION,
    FORM_TITLES,
    PROCEDURE_TITLES,
    PROCEDURES,
    SIGNER_TITLES,
    application_schema,
    application_sections,
)
from ...content.dossier import local_time
from ...printing.application import application_pdf
from ...services.intake import captcha
from ...services.notifications import lookup_url
from ...services.intake.scratch import ensure_scratch
from ...services.intake.submission import (
    DraftRefused,
    Throttled,
    count_draft_uploads,
    get_draft,
    limits,
    may_submit,
    new_draft,
    one_at_a_time,
    submit,
)
from ...services.administration.tree import agency_by_code, root_agency
from .forms import (
    CheckedFileWidget,
    captcha_node,
    files_total_validator,
    renderable,
    renderer,
    upload_limits_text,
)

NOTICE = _('An online application is not yet the legal basis for '
           'enforcement: you must still file the application in person or '
           'by post, with the judgment, decision and other documents, at '
           'the agency (Quy trình hỗ trợ trực tuyến 2019, 4.a).')


def _procedure(request):
    procedure = request.params.get('thu-tuc')
    return procedure if procedure in PROCEDURES else None


@view_config(context=IRoot, name='ho-tro-truc-tuyen', permission='view',
             renderer='httttha:templates/public/choose.pt')
def choose(context, request):
    """Bước 1-3: the Cục (searchable with JavaScript), optionally one of
    its Chi cục, then the procedure."""
    top = root_agency(context)
    if top is None:
        raise HTTPNotFound()
    cucs = [top] + top.sub_agencies()
    chosen = agency_by_code(context, request.params.get('co-quan'))
    cuc = agency_by_code(context, request.params.get('cuc'))
    if chosen is not None and cuc is None:
        cuc = chosen if chosen.kind != 'chi_cuc' else chosen.parent_agency
    if chosen is None or (chosen is not cuc and chosen.parent_agency
                          is not cuc):
        chosen = cuc
    return {'cucs': cucs, 'cuc': cuc, 'chosen': chosen,
            'subs': cuc.sub_agencies() if cuc is not None and cuc is not top
            else [],
            'procedures': [(p, PROCEDURE_TITLES[p]) for p in PROCEDURES]}


class ApplicationForm(object):
    """Bước 4-6: the application of one procedure to one agency."""

    def __init__(self, context, request):
        self.context = context
        self.request = request
        self.limits = limits(request.registry)
        self.agency = agency_by_code(context, request.params.get('co-quan'))
        self.procedure = _procedure(request)

    def _form(self, draft, token):
        store = ensure_scratch(self.context)
        challenge = None
        if self.limits.captcha and not draft.human:
            challenge = captcha_node(store.captchas)

        def file_widget():
            return CheckedFileWidget(draft.files, self.limits.max_file,
                                     accept=ACCEPT)
        schema = application_schema(self.procedure, file_widget, challenge)
        schema['files'].validator = files_total_validator(
            self.limits.max_total)
        schema['files'].description = _(
            'files-hint', default='pdf, jpg, png, doc, docx, xls or xlsx; '
            'at most ${file} a file and ${total} in all.',
            mapping=upload_limits_text(self.limits))
        # no colander.deferred in these schemas: binding (a deep copy of
        # the schema) would change nothing
        return deform.Form(
            schema, renderer=renderer, formid='application',
            action=self.request.resource_url(self.context, 'ke-khai', query={
                'co-quan': self.agency.code, 'thu-tuc': self.procedure}),
            buttons=(deform.Button('continue', _('Continue')),
                     deform.Button('cancel', _('Cancel'), type='link',
                                   value=self.request.resource_url(
                                       self.context, 'ho-tro-truc-tuyen',
                                       query={'co-quan': self.agency.code}))))

    def _render(self, form, token, appstruct=colander.null, failure=None,
                message=None, marks=False):
        """The page's values with ``form`` rendered; with ``marks``, its
        CSRF token and CAPTCHA challenge are ``_CSRF_MARK`` and
        ``_CAPTCHA_MARK`` (see ``_empty``)."""
        kw = {'csrf_token': _CSRF_MARK if marks
              else self.request.session.get_csrf_token(),
              'hidden': (('draft', token),)}
        fresh = None
        if 'captcha' in form:
            fresh = {'token': _CAPTCHA_MARK if marks
                     else self._new_challenge(), 'answer': ''}
        if failure is not None:
            if fresh:
                # a challenge is used once: show a new one
                failure.field['captcha'].cstruct = fresh
            html = failure.render(**kw)
        else:
            appstruct = renderable(appstruct)
            if fresh:
                appstruct['captcha'] = fresh
            html = form.render(appstruct, **kw)
        return {'form': html, 'agency': self.agency,
                'procedure': self.procedure,
                'procedure_title': PROCEDURE_TITLES[self.procedure],
                'form_title': FORM_TITLES[self.procedure],
                'message': message}

    def _new_challenge(self):
        store = ensure_scratch(self.context).captchas
        captcha.sweep(store, limit=20)
        return captcha.new_challenge(store)

    def _empty(self):
        """The page of the empty form.  The form's HTML depends only on
        the agency, the procedure, the language and the site's URL but
        for the session's CSRF token and the CAPTCHA challenge: it is
        rendered once with marks in their place and kept
        (``_empty_forms``),
        then each request gets a copy with its own token and a new
        challenge (deform took most of the time of this most requested
        page)."""
        request = self.request
        kept = _empty_forms(request.registry)
        key = (self.agency.code, self.procedure,
               request.localizer.locale_name, request.application_url)
        html = kept.get(key)
        if html is None:
            html = self._render(self._form(_Unsaved(), ''), '',
                                marks=True)['form']
            kept.put(key, html)
        html = html.replace(_CSRF_MARK, request.session.get_csrf_token())
        if _CAPTCHA_MARK in html:
            html = html.replace(_CAPTCHA_MARK, self._new_challenge())
        return {'form': html, 'agency': self.agency,
                'procedure': self.procedure,
                'procedure_title': PROCEDURE_TITLES[self.procedure],
                'form_title': FORM_TITLES[self.procedure],
                'message': None}

    @view_config(context=IRoot, name='ke-khai', permission='view',
                 request_method='GET',
                 renderer='httttha:templates/public/application.pt')
    def show(self):
        """The empty form, or the draft's values coming back from the
        preview (Quay lại)."""
        if self.agency is None or self.procedure is None:
            return HTTPFound(self.request.resource_url(
                self.context, 'ho-tro-truc-tuyen'))
        token = self.request.params.get('ho-so-tam', '')
        draft = get_draft(self.context, token)
        if (draft is None or draft.code is not None
                or draft.data is None
                or draft.agency_oid != get_oid(self.agency)
                or draft.procedure != self.procedure):
            return self._empty()
        appstruct = dict(draft.data)
        appstruct['declaration'] = True
        return self._render(self._form(draft, token), token, appstruct)

    @view_config(context=IRoot, name='ke-khai', permission='view',
                 request_method='POST',
                 renderer='httttha:templates/public/application.pt')
    def post(self):
        """Check the form; keep the draft and go to the preview."""
        request = self.request
        if self.agency is None or self.procedure is None:
            return HTTPFound(request.resource_url(
                self.context, 'ho-tro-truc-tuyen'))
        token = request.POST.get('draft', '')
        draft = get_draft(self.context, token)
        if (draft is None or draft.code is not None
                or draft.agency_oid != get_oid(self.agency)
                or draft.procedure != self.procedure):
            draft = None
        if not check_csrf_token(request, raises=False):
            # the session expired while the citizen was typing: show what
            # they entered again (files must be chosen again) rather than
            # an error page
            return self._again(draft, token)
        if draft is None:
            try:
                token = new_draft(self.context, request.registry,
                                  self.agency, self.procedure,
                                  request.client_addr)
            except DraftRefused as refused:
                return self._again(None, '', refused.message)
            draft = get_draft(self.context, token)
        form = self._form(draft, token)
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return self._render(form, token, failure=failure)
        finally:
            count_draft_uploads(self.context, request.registry, draft)
        if not may_submit(self.context, request.registry,
                          request.client_addr):
            return self._render(form, token, appstruct,
                                message=Throttled.message)
        appstruct.pop('captcha', None)
        appstruct.pop('declaration', None)
        appstruct['files'] = {slot: _kept(f) for slot, f in
                              appstruct['files'].items()}
        draft.data = appstruct
        draft.human = True
        own_draft(request, token)
        return HTTPFound(request.resource_url(self.context, 'xac-nhan',
                                              token))

    def _again(self, draft, token, message=None):
        """The form as sent, with ``message`` (the session expired by
        default), its uploads not kept."""
        message = message or EXPIRED
        unsaved = draft or _Unsaved()
        form = self._form(_Unsaved(human=unsaved.human), token)
        try:
            appstruct = form.validate(self.request.POST.items())
        except deform.ValidationFailure as failure:
            return self._render(form, token, failure=failure,
                                message=message)
        appstruct.pop('captcha', None)
        return self._render(form, token, appstruct, message=message)


#: the session key of the drafts this browser filled in or submitted
OWN_DRAFTS = 'httttha.own_drafts'
#: how many a session remembers (a citizen filing a few in one sitting)
OWN_DRAFTS_KEPT = 20


def _draft_mark(token):
    """What the session keeps of a draft: a hash, not the token (the
    cookie is signed, not encrypted)."""
    return hashlib.sha256(token.encode('utf-8')).hexdigest()[:32]


def own_draft(request, token):
    """Remember in the session that this browser filled in (or
    submitted) the draft ``token``; only strings, so that any session
    serializer keeps it."""
    mark = _draft_mark(token)
    kept = [m for m in request.session.get(OWN_DRAFTS, ()) if m != mark]
    request.session[OWN_DRAFTS] = (kept + [mark])[-OWN_DRAFTS_KEPT:]


def owns_draft(request, token):
    return _draft_mark(token) in request.session.get(OWN_DRAFTS, ())


def _empty_forms(registry):
    """The empty forms' HTML kept for ``registry``'s application (see
    ApplicationForm._empty): a form is some 40 KB; three procedures in
    two languages for the busiest agencies."""
    kept = getattr(registry, '_httttha_empty_forms', None)
    if kept is None:
        kept = registry._httttha_empty_forms = LRUCache(256)
    return kept


#: in an empty form's HTML, where the CSRF token and the CAPTCHA
#: challenge's token go (url-safe, as the tokens are)
_CSRF_MARK = 'httttha-csrf-token-mark-5c1e0b9a'
_CAPTCHA_MARK = 'httttha-captcha-token-mark-7d42f3e8'


EXPIRED = _('Your session expired while you were filling in the form. '
            'Please check what you entered, choose the attached files '
            'again and press Continue.')


class _Unsaved(object):
    """A draft that is not stored: the empty form, or a form re-shown
    after an expired session (its uploads are thrown away)."""
    code = None

    def __init__(self, human=False):
        self.human = human
        self.files = _Discard()


class _Discard(dict):
    def preview_url(self, uid):
        return None


def _kept(info):
    if not info:
        return None
    return {k: info[k] for k in ('uid', 'filename', 'mimetype', 'size')}


class Confirmation(object):
    """Bước 7-8: the preview, the PDF and the result."""

    def __init__(self, context, request):
        self.context = context
        self.request = request
        self.token = request.subpath[0] if request.subpath else ''
        self.draft = get_draft(context, self.token)
        if self.draft is None:
            raise HTTPNotFound()
        self.agency = find_objectmap(context).object_for(
            self.draft.agency_oid)
        if self.agency is None:
            raise HTTPNotFound()

    @property
    def dossier(self):
        if self.draft.code is None:
            return None
        return self.agency['ho-so'].get(self.draft.code)

    def _submitted_here(self):
        """Once submitted, the application (ID number included) is shown
        only to the browser session that filled it in or submitted it,
        not to whoever else holds the URL: others get the page of an
        unknown draft."""
        if not owns_draft(self.request, self.token):
            raise HTTPNotFound()

    def _url(self, name):
        return self.request.resource_url(self.context, name, self.token)

    def _values(self, message=None):
        draft = self.draft
        procedure = draft.procedure
        data = draft.data if self.dossier is None else self.dossier.declared
        return {
            'agency': self.agency, 'procedure': procedure,
            'procedure_title': PROCEDURE_TITLES[procedure],
            'form_title': FORM_TITLES[procedure],
            'sections': application_sections(procedure, data),
            'files': [f['filename'] for f in _file_list(data)],
            'signer_title': SIGNER_TITLES[procedure],
            'signer': data['applicant']['full_name'],
            'declaration': DECLARATION,
            'pdf_url': self._url('to-khai'),
            'back_url': self.request.resource_url(
                self.context, 'ke-khai', query={
                    'co-quan': self.agency.code, 'thu-tuc': procedure,
                    'ho-so-tam': self.token}),
            'message': message, 'today': local_time().date(),
        }

    @view_config(context=IRoot, name='xac-nhan', permission='view',
                 request_method='GET',
                 renderer='httttha:templates/public/preview.pt')
    def preview(self):
        if self.draft.code is not None:
            return HTTPFound(self._url('ket-qua'))
        if self.draft.data is None:
            raise HTTPNotFound()
        return self._values()

    @view_config(context=IRoot, name='xac-nhan', permission='view',
                 request_method='POST',
                 renderer='httttha:templates/public/preview.pt')
    def confirm(self):
        """The final Tiếp tục: store the dossier (once)."""
        request = self.request
        if self.draft.code is not None:
            return HTTPFound(self._url('ket-qua'))
        if self.draft.data is None:
            raise HTTPNotFound()
        if not check_csrf_token(request, raises=False):
            return self._values(_('Your session expired. Your application '
                                  'is kept: press Continue again.'))
        try:
            # nothing is written yet: wait for this process's other
            # submissions, then go on from what they stored
            one_at_a_time(request)
            submit(request, self.draft, self.agency)
        except Throttled as e:
            return self._values(e.message)
        if self.draft.code is not None:
            own_draft(request, self.token)
        return HTTPFound(self._url('ket-qua'))

    @view_config(context=IRoot, name='ket-qua', permission='view',
                 renderer='httttha:templates/public/result.pt')
    def result(self):
        dossier = self.dossier
        if dossier is None:
            return HTTPFound(self._url('xac-nhan'))
        self._submitted_here()
        return {'dossier': dossier, 'agency': self.agency,
                'procedure_title': PROCEDURE_TITLES[dossier.procedure],
                'pdf_url': self._url('to-khai'),
                'lookup_url': lookup_url(request=self.request,
                                         dossier=dossier),
                'notice': NOTICE}

    @view_config(context=IRoot, name='to-khai', permission='view')
    def pdf(self):
        """In tờ khai: the application as a PDF (with its code and a QR
        code to the lookup page once the dossier exists)."""
        if self.draft.data is None and self.dossier is None:
            raise HTTPNotFound()
        if self.draft.code is not None:
            self._submitted_here()
        translate = self.request.localizer.translate
        values = self._values()
        dossier = self.dossier
        doc = {
            'title': translate(values['form_title']),
            'addressee': self.agency.title,
            'sections': [
                (translate(h) if h else None,
                 # a value may be a choice's label ("Người được thi hành án")
                 [(translate(label), translate(value) if isinstance(
                     value, TranslationString) else value or '')
                  for label, value in rows])
                for h, rows in values['sections']],
            'attachments': values['files'],
            'place': '',
            'date': (local_time(dossier.submitted).date() if dossier
                     else values['today']),
            'signer_title': translate(values['signer_title']),
            'signer_name': values['signer'],
            'code': dossier.code if dossier else None,
            'lookup_url': (lookup_url(self.request, dossier) if dossier
                           else None),
            'notice': translate(NOTICE),
        }
        name = 'to-khai-%s.pdf' % (dossier.code if dossier else 'nhap')
        return Response(application_pdf(doc), content_type='application/pdf',
                        content_disposition='inline; filename="%s"' % name,
                        cache_control='no-store')


def _file_list(data):
    files = data.get('files') or {}
    result = []
    for value in files.values():
        if isinstance(value, dict):
            result.append(value)
        elif value:
            result.append({'filename': value})
    return result


@view_config(context=IRoot, name='ma-bao-ve', permission='view')
def captcha_media(context, request):
    """The CAPTCHA picture (``<token>.png``) or its sound (``.wav``)."""
    name = request.subpath[0] if request.subpath else ''
    token, _dot, kind = name.rpartition('.')
    store = ensure_scratch(context).captchas
    if kind == 'png':
        body, content_type = captcha.image_png(store, token), 'image/png'
    elif kind == 'wav':
        body, content_type = captcha.audio_wav(store, token), 'audio/wav'
    else:
        body = None
    if body is None:
        raise HTTPNotFound()
    return Response(body, content_type=content_type, cache_control='no-store')
