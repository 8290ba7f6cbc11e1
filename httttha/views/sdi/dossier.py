"""Back-office views of a dossier (B3-B7, B11): the detail, the support
decision ("Hỗ trợ"), the original papers, the handover, the result and
the notices.  The steps themselves are in ``services.backoffice.processing``."""
import colander
import deform
from pyramid.httpexceptions import HTTPForbidden, HTTPFound, HTTPNotFound
from pyramid.response import Response
from substanced.form import FileUploadTempStore, FormView
from substanced.schema import Schema
from substanced.sdi import mgmt_view
from substanced.workflow import WorkflowError

from ... import _
from ...content.application import ACCEPT, VNDate, application_sections
from ...content.codelist import ACCEPT as ACCEPTING
from ...content.codelist import (
    CLASSIFICATION_LISTS,
    REFUSAL_REASONS,
    REFUSE,
    SUPPORT,
)
from ...content.dossier import action_title, local_time
from ...interfaces import IDossier
from ...printing.timeline import notice_pdf
from ...services.accounts import roles
from ...services.administration import audit, codelists
from ...services.backoffice import (
    casemanagement,
    periods,
    petitions,
    processing,
)
from ...services.intake.submission import limits
from ...workflows.dossier import STATE_TITLES, state_of
from ..public.forms import CheckedFileWidget

FORM = 'substanced.sdi:templates/form.pt'


def _text(title, required=True, area=False, max_length=4000, **kw):
    return colander.SchemaNode(
        colander.String(), title=title,
        missing=colander.required if required else '',
        validator=colander.Length(max=max_length),
        widget=deform.widget.TextAreaWidget(rows=5) if area else None, **kw)


class Appointment(colander.MappingSchema):
    """Lịch hẹn: when and where the citizen brings the original papers."""
    date = colander.SchemaNode(VNDate(), title=_('Date'), missing=None,
                               widget=deform.widget.TextInputWidget(
                                   attributes={'placeholder': 'dd/mm/yyyy'}))
    time = _text(_('Time'), required=False, max_length=50)
    place = _text(_('Place'), required=False, max_length=300)
    officer = _text(_('Officer'), required=False, max_length=200)
    contact = _text(_('Contact'), required=False, max_length=200)


def files_node(request, title=_('Attached files')):
    """Three optional, checked file fields (a step's or a page's files)."""
    files = colander.SchemaNode(colander.Mapping(), name='files',
                                title=title)
    store = FileUploadTempStore(request)
    for i in (1, 2, 3):
        files.add(colander.SchemaNode(
            deform.FileData(), name='file_%d' % i, missing=None,
            title=_('File ${n}', mapping={'n': i}),
            widget=CheckedFileWidget(store, limits(request.registry).max_file,
                                     accept=ACCEPT,
                                     template='file_upload')))
    return files


def _uploads(appstruct):
    """(filename, stream, mimetype) of the form's files, rewound: the temp
    store has read them already."""
    files = [f for f in (appstruct.get('files') or {}).values() if f]
    for f in files:
        f['fp'].seek(0)
    return [(f['filename'], f['fp'], f['mimetype']) for f in files]


def _decision_rules(effects):
    """A refusal or a supplement needs its reason or guidance; an
    acceptance needs the appointment's date and place.  ``effects``: what
    each support type offered does."""
    def validate(node, value):
        effect = effects.get(value['support'])
        error = colander.Invalid(node)
        if effect != ACCEPTING and not value['message'].strip():
            error['message'] = _('Write the reason or the guidance for the '
                                 'applicant.')
        if effect == ACCEPTING:
            appointment = value['appointment']
            node_ = node['appointment']
            missing = colander.Invalid(node_)
            if not appointment['date']:
                missing['date'] = _('Give the date of the appointment.')
            if not appointment['place']:
                missing['place'] = _('Give the place of the appointment.')
            if missing.children:
                error.add(missing, node.children.index(node_))
        if error.children:
            raise error
    return validate


def _support_node(choices):
    """Loại hỗ trợ: the active support types of the code list."""
    return colander.SchemaNode(
        colander.String(), name='support', title=_('Type of support'),
        validator=colander.OneOf([k for k, _t in choices]),
        widget=deform.widget.RadioChoiceWidget(values=choices))


def _refusal_reason_node(choices):
    """Lý do từ chối: the active refusal reasons, for a refusal."""
    return colander.SchemaNode(
        colander.String(), name='refusal_reason',
        title=_('Refusal reason'), missing='',
        description=_('When the request is refused.'),
        validator=colander.OneOf([''] + [k for k, _t in choices]),
        widget=deform.widget.SelectWidget(
            values=[('', _('- Choose -'))] + list(choices)))


class DecisionSchema(Schema):
    message = _text(_('Opinion'), required=False, area=True,
                    description=_('Shown to the applicant: the guidance, the '
                                  'reason, or what to bring.'))
    appointment = Appointment(title=_('Appointment (complete and valid '
                                      'dossiers)'))


def _guard(request, dossier, allowed):
    if not allowed(dossier):
        request.sdiapi.flash(request.localizer.translate(
            processing.NOT_NOW), 'warning')
        return HTTPFound(request.sdiapi.mgmt_path(dossier, '@@chi-tiet'))
    return None


class StepView(FormView):
    """A step of the officer's: shown only when the dossier is in the
    right state and its reporting period is open (or a grant covers it);
    the workflow checks the permission and the period again."""
    allowed = None
    buttons = ()

    def __call__(self):
        refused = _guard(self.request, self.context, type(self).allowed)
        if refused is not None:
            return refused
        # a dossier of a closed period: said before the form is filled in
        # (PeriodClosed, answered by views.sdi.periods)
        periods.check(self.request, self.context)
        return FormView.__call__(self)

    def _done(self, step, *args, **kw):
        try:
            step(self.request, self.context, *args, **kw)
        except WorkflowError:
            # raising aborts the transaction: nothing of the step is kept
            raise HTTPForbidden()
        except processing.StepRefused as e:
            self.request.sdiapi.flash(self.request.localizer.translate(
                e.args[0]), 'warning')
        else:
            self.request.sdiapi.flash(self.request.localizer.translate(
                _('Saved. The applicant sees it on the dossier page.')),
                'success')
        return HTTPFound(self.request.sdiapi.mgmt_path(self.context,
                                                       '@@chi-tiet'))

    def cancel_success(self, appstruct):
        return HTTPFound(self.request.sdiapi.mgmt_path(self.context,
                                                       '@@chi-tiet'))
    cancel_failure = cancel_success


@mgmt_view(context=IDossier, name='ho-tro', tab_title=_('Support'),
           permission=roles.PROCESS, renderer=FORM,
           tab_condition=lambda context, request: processing.can_decide(
               context))
class DecisionView(StepView):
    """Hỗ trợ (B4): Loại hỗ trợ, Ý kiến, files and, for a complete and
    valid dossier, the appointment; Xuất phiếu, Gửi, Gửi và gửi mail."""
    title = _('Support')
    allowed = staticmethod(processing.can_decide)
    # Gửi is the step; Xuất phiếu only looks at the notice beforehand
    buttons = (deform.Button('preview', _('Print the notice'),
                             css_class='btn-default'),
               deform.Button('send', _('Send'), css_class='btn-primary'),
               deform.Button('send_mail', _('Send and e-mail')),
               deform.Button('cancel', _('Cancel'), type='submit'))

    def __init__(self, context, request):
        StepView.__init__(self, context, request)
        choices = codelists.active_choices(context, SUPPORT, request)
        self.effects = {code: codelists.effect_of(context, SUPPORT, code)
                        for code, _t in choices}
        self.schema = DecisionSchema(
            validator=_decision_rules(self.effects))
        self.schema.add_before('message', _support_node(choices))
        self.schema.add_before('message', _refusal_reason_node(
            codelists.active_choices(context, REFUSAL_REASONS, request)))
        self.schema.add_before('appointment', files_node(request))

    def show(self, form):
        agency = self.context.agency
        user = self.request.user
        return {'form': form.render({'appointment': {
            'place': agency.address or agency.title,
            'officer': getattr(user, 'full_name', '') or '',
            'contact': agency.phone or ''}})}

    def _appointment(self, appstruct):
        return appstruct['appointment'] \
            if self.effects.get(appstruct['support']) == ACCEPTING else None

    def _reason(self, appstruct):
        return appstruct['refusal_reason'] \
            if self.effects.get(appstruct['support']) == REFUSE else ''

    def preview_success(self, appstruct):
        """Xuất phiếu: the notice as it would be sent, nothing recorded,
        downloaded (the form stays on the screen)."""
        dossier = self.context
        request = self.request
        support = appstruct['support']
        reason = self._reason(appstruct)
        entry = {'slip': {'kind': processing.slip_kind(
                     dossier, self.effects[support]),
                     'number': '…', 'date': local_time().date()},
                 'support': support,
                 'support_title': codelists.title_of(dossier, SUPPORT,
                                                     support, request),
                 'refusal_reason_title': codelists.title_of(
                     dossier, REFUSAL_REASONS, reason, request)
                 if reason else '',
                 'message': appstruct['message'],
                 'appointment': self._appointment(appstruct),
                 'who': getattr(self.request.user, 'full_name', '')}
        # a download: the browser stays on the form, as it was, for "Gửi"
        return _pdf(notice_pdf(self.request, dossier, entry),
                    'phieu-du-thao-%s.pdf' % dossier.code,
                    disposition='attachment')

    def send_success(self, appstruct, mail=False):
        return self._done(processing.decide, appstruct['support'],
                          appstruct['message'], _uploads(appstruct),
                          appointment=self._appointment(appstruct),
                          mail=mail,
                          refusal_reason=self._reason(appstruct))

    def send_mail_success(self, appstruct):
        return self.send_success(appstruct, mail=True)


def originals_schema(labels):
    """One "matches" box and note per paper to compare, and the guidance
    for the applicant, required when a paper does not match."""
    schema = Schema()
    for i, label in enumerate(labels):
        paper = colander.SchemaNode(colander.Mapping(), name='paper_%d' % i,
                                    title=label)
        paper.add(colander.SchemaNode(
            colander.Boolean(), name='matched', missing=False,
            title=_('Matches the online dossier')))
        paper.add(_text(_('Note'), name='note', required=False,
                        max_length=500))
        schema.add(paper)
    schema.add(_text(_('Guidance for the applicant (when a paper does not '
                       'match)'), name='message', required=False, area=True))

    def validator(node, value):
        if not all(value['paper_%d' % i]['matched']
                   for i in range(len(labels))) and \
                not value['message'].strip():
            error = colander.Invalid(node)
            error['message'] = _('Tell the applicant what to correct.')
            raise error
    schema.validator = validator
    return schema


def originals_checklist(dossier, request=None):
    """The papers to compare, as (code, label): the active original papers
    of the code list, then every document sent online."""
    return processing.originals_papers(dossier, request)


@mgmt_view(context=IDossier, name='nhan-ho-so-goc',
           tab_title=_('Original papers'), permission=roles.PROCESS,
           renderer=FORM,
           tab_condition=lambda context, request:
           processing.can_receive_originals(context))
class OriginalsView(StepView):
    """Nhận hồ sơ gốc (B5): match the papers with the online data."""
    title = _('Original papers')
    allowed = staticmethod(processing.can_receive_originals)
    buttons = (deform.Button('save', _('Save')),
               deform.Button('save_mail', _('Save and e-mail')),
               deform.Button('cancel', _('Cancel'), type='submit'))

    def __init__(self, context, request):
        StepView.__init__(self, context, request)
        self.papers = originals_checklist(context, request)
        self.schema = originals_schema([label for _c, label in self.papers])

    def save_success(self, appstruct, mail=False):
        checklist = [(label, appstruct['paper_%d' % i]['matched'],
                      appstruct['paper_%d' % i]['note'], code)
                     for i, (code, label) in enumerate(self.papers)]
        return self._done(processing.receive_originals, checklist,
                          appstruct['message'], mail=mail)

    def save_mail_success(self, appstruct):
        return self.save_success(appstruct, mail=True)


class ResultSchema(Schema):
    message = _text(_('Opinion'), area=True,
                    description=_('The result, as the applicant will read '
                                  'it.'))


@mgmt_view(context=IDossier, name='tra-ket-qua', tab_title=_('Result'),
           permission=roles.PROCESS, renderer=FORM,
           tab_condition=lambda context, request:
           processing.can_return_result(context))
class ResultView(StepView):
    """Trả kết quả (B7): Ý kiến and the result's scans; the citizen is
    e-mailed."""
    title = _('Return the result')
    allowed = staticmethod(processing.can_return_result)
    buttons = (deform.Button('update', _('Update')),
               deform.Button('cancel', _('Cancel'), type='submit'))

    def __init__(self, context, request):
        StepView.__init__(self, context, request)
        self.schema = ResultSchema()
        self.schema.add(files_node(request))

    def update_success(self, appstruct):
        return self._done(processing.return_result, appstruct['message'],
                          _uploads(appstruct), mail=True)


@mgmt_view(context=IDossier, name='chuyen-thu-ly', permission=roles.PROCESS,
           request_method='POST', check_csrf=True, tab_condition=False)
def transfer(context, request):
    """Chuyển thụ lý THA (B6), from the detail page's button."""
    return StepView(context, request)._done(processing.transfer)


@mgmt_view(context=IDossier, name='chi-tiet', tab_title=_('Dossier'),
           permission=roles.VIEW_DOSSIERS,
           renderer='httttha:templates/sdi/dossier.pt')
def detail(context, request):
    """Chi tiết hồ sơ (B3)."""
    from ...services.backoffice import deadlines
    state = state_of(context)
    audit.record(request, 'dossier.read', context)
    calendar = deadlines.get_calendar(request.root)
    today = local_time().date()
    return {
        'dossier': context, 'state': state,
        'state_title': STATE_TITLES.get(state, state),
        'received': local_time(context.submitted),
        'due_status': deadlines.status(context, today, calendar),
        'sections': application_sections(context.procedure,
                                         context.declared),
        'files': [f for f in context.values()
                  if getattr(f, 'is_attachment', False)
                  or getattr(f, 'is_response', False)],
        'entries': [dict(e, index=i, label=action_title(context, e),
                         local=local_time(e['when']),
                         coded=codelists.entry_titles(context, e, request))
                    for i, e in enumerate(context.timeline)],
        'state_titles': STATE_TITLES,
        'handover': getattr(context, 'handover', None),
        'handover_note': _translated(request, casemanagement.officer_note(
            getattr(context, 'handover', None))),
        'decision': getattr(context, 'decision', None),
        'can': {'decide': processing.can_decide(context),
                'originals': processing.can_receive_originals(context),
                'transfer': processing.can_transfer(context),
                'result': processing.can_return_result(context)},
        'petition_steps': _petition_steps(context, request, state),
        'classification': _classification(context, request),
        'assignee': petitions.assignee(context),
    }


#: petition steps: (view, label, states, permission)
PETITION_STEPS = (
    ('phan-loai', 'Phân loại', ('submitted',), roles.PROCESS),
    ('phan-cong', 'Phân công', ('awaiting_assignment', 'assigned'),
     roles.ASSIGN),
    ('de-xuat', 'Đề xuất', ('assigned',), roles.DRAFT),
    ('phe-duyet', 'Phê duyệt', ('awaiting_approval',), roles.APPROVE),
    ('tra-loi', 'Trả lời', ('approved',), roles.PROCESS),
)


def _petition_steps(dossier, request, state):
    """The petition steps this user may take now, as (view, label)."""
    if dossier.procedure != 'HTTT02':
        return []
    return [(name, label) for name, label, states, permission
            in PETITION_STEPS if state in states
            and request.has_permission(permission, dossier)]


def _classification(dossier, request):
    """(criterion, value) titles of a petition's classification, as they
    read when it was classified."""
    found = dossier.classification or {}
    given = {}
    for entry in dossier.timeline:
        if entry.get('classification_titles'):
            given = entry['classification_titles']
    translate = request.localizer.translate
    return [(translate(title), given.get(name) or codelists.title_of(
                dossier, list_name, found[name], request))
            for name, title, list_name in CLASSIFICATION_LISTS
            if name in found]


@mgmt_view(context=IDossier, name='phieu', permission=roles.VIEW_DOSSIERS,
           tab_condition=False)
def notice(context, request):
    """The notice of timeline entry ``<index>`` as PDF (B11)."""
    try:
        entry = context.timeline[int(request.subpath[0])]
    except (IndexError, ValueError):
        raise HTTPNotFound()
    if not entry.get('slip'):
        raise HTTPNotFound()
    audit.record(request, 'dossier.file', context,
                 notice=int(request.subpath[0]))
    return _pdf(notice_pdf(request, context, entry),
                'phieu-%s-%s.pdf' % (context.code, request.subpath[0]))


@mgmt_view(context=IDossier, name='tep', permission=roles.VIEW_DOSSIERS,
           tab_condition=False)
def attachment(context, request):
    """A file of the dossier (the citizen's or the agency's), for those who
    may view the dossier: Substance D's own file URL is the site
    administrator's alone."""
    from .. import download
    name = request.subpath[0] if len(request.subpath) == 1 else None
    found = context.get(name) if name else None
    if not (getattr(found, 'is_attachment', False) or
            getattr(found, 'is_response', False)):
        raise HTTPNotFound()
    audit.record(request, 'dossier.file', context, file=found.__name__)
    return download(request, found)


def _translated(request, message):
    return request.localizer.translate(message) if message else None


def _pdf(body, filename, disposition='inline'):
    return Response(body, content_type='application/pdf',
                    content_disposition='%s; filename="%s"' % (
                        disposition, filename),
                    cache_control='no-store')
