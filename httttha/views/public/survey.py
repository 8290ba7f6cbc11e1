"""Đánh giá (A7): the satisfaction survey as citizens answer it.

``/danh-gia``                    free: choose the agency and procedure,
                                 answer (CAPTCHA, throttled)
``/danh-gia/ho-so/<code>``       about a completed dossier, once: opened
                                 in this browser with the ID number, or
                                 with the result mail's ``?ma=<token>``

The rules are in ``services.portal.survey``.
"""
import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.renderers import render_to_response
from pyramid.session import check_csrf_token
from pyramid.view import view_config
from substanced.interfaces import IRoot

from ... import _
from ...content.application import PROCEDURES, PROCEDURE_TITLES
from ...services.administration.tree import agency_by_code
from ...services.intake import captcha
from ...services.intake import lookup as lookup_service
from ...services.intake.scratch import ensure_scratch
from ...services.intake.submission import limits
from ...services.portal import survey as service
from .forms import captcha_node, renderer
from .lookup import agency_options

TEMPLATE = 'httttha:templates/public/survey.pt'
EXPIRED = _('survey-expired', default='Your session expired. Please '
            'answer again.')
NO_ACCESS = _('survey-no-access', default='To assess a dossier, open it '
              'first with its code and the ID number you declared, or '
              'follow the link of the result e-mail.')
THANKS = _('survey-thanks', default='Thank you: your assessment was '
           'recorded.')


class SurveyPage(object):
    """The free survey and the survey of a dossier."""

    def __init__(self, context, request):
        self.context = context
        self.request = request
        self.limits = limits(request.registry)

    # -- shared ----------------------------------------------------------

    def _form(self, survey_form, action, with_captcha, hidden):
        challenge = None
        if with_captcha:
            challenge = captcha_node(ensure_scratch(self.context).captchas)
        schema = service.answer_schema(survey_form, self.request, challenge)
        form = deform.Form(
            schema, renderer=renderer, formid='survey', action=action,
            buttons=(deform.Button('send', _('survey-send',
                                             default='Send')),))
        form.hidden = hidden
        return form

    def _render_form(self, form, appstruct=None, failure=None):
        kw = {'csrf_token': self.request.session.get_csrf_token(),
              'hidden': form.hidden}
        fresh = None
        if 'captcha' in form:
            store = ensure_scratch(self.context).captchas
            captcha.sweep(store, limit=20)
            fresh = {'token': captcha.new_challenge(store), 'answer': ''}
        if failure is not None:
            if fresh:
                failure.field['captcha'].cstruct = fresh
            return failure.render(**kw)
        appstruct = dict(appstruct or {})
        if fresh:
            appstruct['captcha'] = fresh
        return form.render(appstruct, **kw)

    def _page(self, **values):
        page = {'agency': None, 'procedure': None, 'survey': None,
                'form': None, 'message': None, 'done': False,
                'dossier': None, 'agency_options': None,
                'procedures': [(p, PROCEDURE_TITLES[p]) for p in PROCEDURES]}
        page.update(values)
        response = render_to_response(TEMPLATE, page, self.request)
        response.cache_control = 'no-store'
        return response

    # -- the free survey ------------------------------------------------

    def _chosen(self, params):
        agency = agency_by_code(self.context, params.get('co-quan'))
        procedure = params.get('thu-tuc')
        if procedure not in PROCEDURES:
            procedure = None
        return agency, procedure

    def _free_form(self, agency, procedure, survey_form):
        action = self.request.resource_url(self.context, 'danh-gia')
        return self._form(survey_form, action, self.limits.captcha, (
            ('co-quan', agency.code), ('thu-tuc', procedure)))

    def _choose(self, agency, procedure, message=None):
        return self._page(agency=agency, procedure=procedure,
                          agency_options=agency_options(self.request,
                                                        agency),
                          message=message)

    @view_config(context=IRoot, name='danh-gia', permission='view',
                 request_method='GET')
    def show(self):
        if self.request.subpath:
            return self._dossier_get()
        agency, procedure = self._chosen(self.request.GET)
        if agency is None or procedure is None:
            return self._choose(agency, procedure)
        survey_form, _owner = service.form_for(agency, procedure)
        if survey_form is None or not survey_form.questions:
            return self._choose(agency, procedure, service.NO_FORM)
        form = self._free_form(agency, procedure, survey_form)
        return self._page(agency=agency, procedure=procedure,
                          survey=survey_form, form=self._render_form(form))

    @view_config(context=IRoot, name='danh-gia', permission='view',
                 request_method='POST')
    def post(self):
        if self.request.subpath:
            return self._dossier_post()
        request = self.request
        agency, procedure = self._chosen(request.POST)
        if agency is None or procedure is None:
            return self._choose(agency, procedure)
        survey_form, _owner = service.form_for(agency, procedure)
        if survey_form is None or not survey_form.questions:
            return self._choose(agency, procedure, service.NO_FORM)
        form = self._free_form(agency, procedure, survey_form)
        values = dict(agency=agency, procedure=procedure, survey=survey_form)
        if not check_csrf_token(request, raises=False):
            return self._page(form=self._render_form(form),
                              message=EXPIRED, **values)
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return self._page(form=self._render_form(form, failure=failure),
                              **values)
        if not service.may_answer_freely(request, count=True):
            appstruct.pop('captcha', None)
            return self._page(form=self._render_form(form, appstruct),
                              message=service.THROTTLED, **values)
        appstruct.pop('captcha', None)
        service.submit(request, agency, survey_form, appstruct)
        return self._page(done=True, message=THANKS, **values)

    # -- the survey of a dossier ------------------------------------------

    def _dossier(self):
        """(dossier, token, refusal message or None)."""
        request = self.request
        subpath = request.subpath
        if len(subpath) != 2 or subpath[0] != 'ho-so':
            return None, '', NO_ACCESS
        dossier = lookup_service.dossier_by_code(self.context,
                                                 subpath[1][:40])
        token = request.params.get('ma', '')[:64]
        if dossier is None or not (
                lookup_service.is_open(request, dossier)
                or service.token_matches(request, dossier, token)):
            return None, '', NO_ACCESS
        return dossier, token, service.dossier_refusal(dossier)

    def _dossier_form(self, dossier, token, survey_form):
        action = self.request.resource_url(self.context, 'danh-gia',
                                           'ho-so', dossier.code)
        return self._form(survey_form, action, False,
                          (('ma', token),) if token else ())

    def _dossier_survey(self):
        """(refusal page or None, values, survey form, deform form) of the
        dossier in the URL: what both the page and its POST start from."""
        dossier, token, refusal = self._dossier()
        values = {} if dossier is None else dict(
            dossier=dossier, agency=dossier.agency,
            procedure=dossier.procedure)
        if refusal is None and dossier is not None:
            survey_form, _owner = service.form_for(dossier.agency,
                                                   dossier.procedure)
            if survey_form is not None and survey_form.questions:
                form = self._dossier_form(dossier, token, survey_form)
                return None, values, survey_form, form
            refusal = service.NO_FORM
        page = self._page(message=refusal, refused=True, **values)
        return page, values, None, None

    def _dossier_get(self):
        refused, values, survey_form, form = self._dossier_survey()
        if refused is not None:
            return refused
        return self._page(survey=survey_form, form=self._render_form(form),
                          **values)

    def _dossier_post(self):
        request = self.request
        refused, values, survey_form, form = self._dossier_survey()
        if refused is not None:
            return refused
        dossier = values['dossier']
        if not check_csrf_token(request, raises=False):
            return self._page(survey=survey_form, message=EXPIRED,
                              form=self._render_form(form), **values)
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return self._page(survey=survey_form, form=self._render_form(
                form, failure=failure), **values)
        try:
            service.submit(request, dossier.agency, survey_form, appstruct,
                           dossier=dossier)
        except service.SurveyError as e:
            return self._page(message=e.message, refused=True, **values)
        if lookup_service.is_open(request, dossier):
            request.session.flash(THANKS)
            return HTTPFound(request.resource_url(self.context, 'ho-so',
                                                  dossier.code))
        return self._page(done=True, message=THANKS, **values)
