"""Tiếp nhận hồ sơ trực tiếp (B9): an officer registers a dossier for a
citizen at the counter with the online forms (no CAPTCHA), then prints
the "Phiếu hẹn tiếp nhận và trả hồ sơ"."""
import deform
from pyramid.httpexceptions import HTTPFound
from substanced.form import FileUploadTempStore
from substanced.schema import CSRFToken
from substanced.sdi import mgmt_view

from ... import _
from ...content.application import (
    ACCEPT,
    FORM_TITLES,
    PROCEDURE_TITLES,
    PROCEDURES,
    application_schema,
)
from ...interfaces import IAgency
from ...services.accounts import roles
from ...services.backoffice import processing
from ...services.intake.submission import limits
from ..public.forms import CheckedFileWidget, files_total_validator


class WalkInView(object):
    """Choose the procedure, fill the application, register."""

    def __init__(self, context, request):
        self.context = context
        self.request = request
        procedure = request.params.get('thu-tuc')
        self.procedure = procedure if procedure in PROCEDURES else None

    def _form(self):
        request = self.request
        settings = limits(request.registry)
        store = FileUploadTempStore(request)

        def file_widget():
            # deform's own template: the SDI renders with deform's
            return CheckedFileWidget(store, settings.max_file, accept=ACCEPT,
                                     template='file_upload')
        schema = application_schema(self.procedure, file_widget)
        schema['files'].validator = files_total_validator(settings.max_total)
        schema['declaration'].title = _('The applicant signed the '
                                        'application')
        # substanced's token node: checked when the form is validated
        schema.add(CSRFToken(name='_csrf_token_'))
        return deform.Form(
            schema.bind(request=request,
                        _csrf_token_=request.session.get_csrf_token()),
            formid='walk-in',
            action=request.sdiapi.mgmt_path(
                self.context, '@@tiep-nhan-truc-tiep',
                query={'thu-tuc': self.procedure}),
            buttons=(deform.Button('register', _('Register')),
                     deform.Button('cancel', _('Cancel'), type='link',
                                   value=request.sdiapi.mgmt_path(
                                       self.context, '@@ban-lam-viec'))))

    def _values(self, html=None):
        return {'agency': self.context, 'procedure': self.procedure,
                'procedures': [(p, PROCEDURE_TITLES[p]) for p in PROCEDURES],
                'form_title': FORM_TITLES.get(self.procedure), 'form': html}

    @mgmt_view(context=IAgency, name='tiep-nhan-truc-tiep',
               permission=roles.PROCESS, tab_condition=False,
               request_method='GET',
               renderer='httttha:templates/sdi/walkin.pt')
    def show(self):
        if self.procedure is None:
            return self._values()
        return self._values(self._form().render())

    @mgmt_view(context=IAgency, name='tiep-nhan-truc-tiep',
               permission=roles.PROCESS, tab_condition=False,
               request_method='POST',
               renderer='httttha:templates/sdi/walkin.pt')
    def register(self):
        request = self.request
        if self.procedure is None:
            return self._values()
        form = self._form()
        try:
            appstruct = form.validate(request.POST.items())
        except deform.ValidationFailure as failure:
            return self._values(failure.render())
        for name in ('declaration', '_csrf_token_'):
            appstruct.pop(name, None)
        files = appstruct.pop('files', {}) or {}
        for info in files.values():
            if info:
                info['fp'].seek(0)       # the temp store has read it
        dossier = processing.register_walk_in(
            request, self.context, self.procedure, appstruct, files)
        request.sdiapi.flash(request.localizer.translate(_(
            'walk-in-registered', default='Dossier ${code} registered. '
            'Print the appointment slip for the applicant.',
            mapping={'code': dossier.code})), 'success')
        return HTTPFound(request.sdiapi.mgmt_path(dossier, '@@chi-tiet'))
