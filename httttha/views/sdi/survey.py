"""Khảo sát (A7) in the back office: the survey forms of an agency (the
system administrator and each agency's administrators for their subtree,
``MANAGE_AGENCY``: the people who already edit the agency's details and
users; a permission of its own would need every agency's ACL rewritten
for the same holders), the results of the subtree (``VIEW_STATS``:
leaders, administrators, viewers) and the follow-up of a low answer (a
leader's: ``APPROVE``).  The rules are in ``services.portal.survey``."""
import colander
import deform
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.session import check_csrf_token
from substanced.form import FormView
from substanced.schema import Schema
from substanced.sdi import mgmt_view

from ... import _
from ...content.application import PROCEDURES, PROCEDURE_TITLES
from ...content.survey import KINDS, SCALE, TEXT, WITH_CHOICES, ISurveyForm
from ...interfaces import IAgency, IDossier
from ...permissions import APPROVE, MANAGE_AGENCY, VIEW_DOSSIERS, VIEW_STATS
from ...services.portal import survey as service
from ..spreadsheet import xlsx_response
from . import form_buttons

FORM = 'substanced.sdi:templates/form.pt'


def _flash(request, message, queue='success'):
    request.sdiapi.flash(request.localizer.translate(message), queue)


def _forms_url(request, agency):
    return request.sdiapi.mgmt_path(agency, '@@khao-sat')


def _questions_url(request, form):
    return request.sdiapi.mgmt_path(form, '@@cau-hoi')


# -- the forms of an agency ------------------------------------------------

@mgmt_view(context=IAgency, name='khao-sat',
           tab_title=_('survey-tab', default='Survey'),
           permission=MANAGE_AGENCY,
           renderer='httttha:templates/sdi/survey_forms.pt')
def forms(context, request):
    """Every procedure's form in effect here: the agency's own, or the
    nearest ancestor's (the Tổng cục's is the national default)."""
    rows = []
    for procedure in PROCEDURES:
        form, owner = service.form_for(context, procedure)
        rows.append({'procedure': procedure,
                     'title': PROCEDURE_TITLES[procedure],
                     'form': form, 'owner': owner,
                     'own': owner is context,
                     'national': owner is not None and
                     owner.parent_agency is None})
    return {'agency': context, 'rows': rows,
            'results_url': request.sdiapi.mgmt_path(
                context, '@@ket-qua-khao-sat')}


@mgmt_view(context=IAgency, name='tao-mau-khao-sat',
           permission=MANAGE_AGENCY, request_method='POST',
           tab_condition=False)
def create_form(context, request):
    """Tạo mẫu riêng: the agency's own form of a procedure, a copy of the
    one it used."""
    check_csrf_token(request)      # BadCSRFToken: 400
    procedure = request.POST.get('thu-tuc')
    if procedure not in PROCEDURES:
        raise HTTPNotFound()
    try:
        form = service.create_own_form(request, context, procedure)
    except service.SurveyError as e:
        _flash(request, e.message, 'danger')
        return HTTPFound(_forms_url(request, context))
    _flash(request, _('survey-form-created', default='The agency now has '
                      'its own form for ${procedure}.',
                      mapping={'procedure': procedure}))
    return HTTPFound(_questions_url(request, form))


@mgmt_view(context=ISurveyForm, name='xoa-mau', permission=MANAGE_AGENCY,
           request_method='GET', tab_condition=False,
           renderer='httttha:templates/sdi/survey_delete.pt')
def confirm_delete_form(context, request):
    agency = context.__parent__.__parent__
    return {'what': request.localizer.translate(_(
        'survey-delete-form-what', default='The own form of ${agency} for '
        '${procedure}; the form of the level above applies again.',
        mapping={'agency': agency.title, 'procedure': context.procedure})),
            'action': request.sdiapi.mgmt_path(context, '@@xoa-mau'),
            'back': _questions_url(request, context), 'hidden': ()}


@mgmt_view(context=ISurveyForm, name='xoa-mau', permission=MANAGE_AGENCY,
           request_method='POST', tab_condition=False)
def delete_form(context, request):
    check_csrf_token(request)      # BadCSRFToken: 400
    agency = context.__parent__.__parent__
    try:
        service.delete_own_form(request, context)
    except service.SurveyError as e:
        _flash(request, e.message, 'danger')
        return HTTPFound(_questions_url(request, context))
    _flash(request, _('survey-form-deleted', default='The own form was '
                      'deleted.'))
    return HTTPFound(_forms_url(request, agency))


# -- the questions of a form -----------------------------------------------

@mgmt_view(context=ISurveyForm, name='cau-hoi',
           tab_title=_('survey-questions', default='Questions'),
           permission=MANAGE_AGENCY,
           renderer='httttha:templates/sdi/survey_questions.pt')
def questions(context, request):
    agency = context.__parent__.__parent__
    kinds = {k: request.localizer.translate(t) for k, t in KINDS}
    return {'survey': context, 'agency': agency, 'kinds': kinds,
            'forms_url': _forms_url(request, agency),
            'national': agency.parent_agency is None,
            'scale': service.scale(context, request)}


@mgmt_view(context=ISurveyForm, name='di-chuyen', permission=MANAGE_AGENCY,
           request_method='POST', tab_condition=False)
def move(context, request):
    """Lên / Xuống."""
    check_csrf_token(request)
    question = context.question(request.POST.get('q', ''))
    if question is None:
        raise HTTPNotFound()
    delta = -1 if request.POST.get('huong') == 'len' else 1
    service.move_question(request, context, question, delta)
    return HTTPFound(_questions_url(request, context))


def _choices_validator(node, value):
    if value['kind'] in WITH_CHOICES and len(
            [c for c in value['choices'].splitlines() if c.strip()]) < 2:
        error = colander.Invalid(node)
        error['choices'] = _('survey-choices-needed', default='A choice '
                             'needs at least two options, one per line.')
        raise error


class QuestionSchema(Schema):
    """A question: its text, kind, options and whether it is required."""
    text = colander.SchemaNode(
        colander.String(), title=_('survey-question-text',
                                   default='Question'),
        validator=colander.Length(1, 500),
        widget=deform.widget.TextAreaWidget(rows=2))
    kind = colander.SchemaNode(
        colander.String(), title=_('survey-question-kind', default='Kind'),
        validator=colander.OneOf([k for k, _t in KINDS]),
        widget=deform.widget.SelectWidget(values=KINDS),
        description=_('survey-kind-hint', default='A scale offers the '
                      'entries of the code list "Thang đánh giá".'))
    choices = colander.SchemaNode(
        colander.String(), title=_('survey-question-choices',
                                   default='Options'),
        missing='', validator=colander.Length(max=3000),
        widget=deform.widget.TextAreaWidget(rows=5),
        description=_('survey-choices-hint', default='For a choice: one '
                      'option per line.'))
    required = colander.SchemaNode(
        colander.Boolean(), title=_('survey-question-required',
                                    default='Required'), missing=False)


class _QuestionForm(FormView):
    buttons = form_buttons('update')

    def __init__(self, context, request):
        FormView.__init__(self, context, request)
        self.schema = QuestionSchema(validator=_choices_validator)

    def _back(self):
        return HTTPFound(_questions_url(self.request, self.context))

    def cancel_success(self, appstruct):
        return self._back()
    cancel_failure = cancel_success

    def _choices(self, appstruct):
        return appstruct['choices'].splitlines()


@mgmt_view(context=ISurveyForm, name='them-cau-hoi',
           permission=MANAGE_AGENCY, tab_condition=False, renderer=FORM)
class AddQuestionView(_QuestionForm):
    """Thêm câu hỏi (Cập nhật / Nhập lại / Hủy)."""
    title = _('survey-add-question', default='Add a question')

    def show(self, form):
        return {'form': form.render({'kind': SCALE, 'required': True})}

    def update_success(self, appstruct):
        service.add_question(self.request, self.context, appstruct['text'],
                             appstruct['kind'], appstruct['required'],
                             self._choices(appstruct))
        _flash(self.request, _('survey-question-added',
                               default='The question was added.'))
        return self._back()


@mgmt_view(context=ISurveyForm, name='sua-cau-hoi',
           permission=MANAGE_AGENCY, tab_condition=False, renderer=FORM)
class EditQuestionView(_QuestionForm):
    """Sửa câu hỏi (``?q=<id>``)."""
    title = _('survey-edit-question', default='Edit the question')

    def __init__(self, context, request):
        _QuestionForm.__init__(self, context, request)
        self.question = context.question(request.params.get('q', ''))
        if self.question is None:
            raise HTTPNotFound()

    def show(self, form):
        q = self.question
        return {'form': form.render({
            'text': q.text, 'kind': q.kind, 'required': q.required,
            'choices': '\n'.join(q.choices)})}

    def update_success(self, appstruct):
        service.edit_question(self.request, self.context, self.question,
                              appstruct['text'], appstruct['kind'],
                              appstruct['required'], self._choices(appstruct))
        _flash(self.request, _('survey-question-saved',
                               default='The question was saved.'))
        return self._back()


@mgmt_view(context=ISurveyForm, name='xoa-cau-hoi',
           permission=MANAGE_AGENCY, request_method='GET',
           tab_condition=False,
           renderer='httttha:templates/sdi/survey_delete.pt')
def confirm_delete_question(context, request):
    question = context.question(request.params.get('q', ''))
    if question is None:
        raise HTTPNotFound()
    return {'what': request.localizer.translate(_(
        'survey-delete-question-what', default='The question "${text}"; '
        'the answers already given are kept in the results.',
        mapping={'text': question.text})),
            'action': request.sdiapi.mgmt_path(context, '@@xoa-cau-hoi'),
            'back': _questions_url(request, context),
            'hidden': (('q', question.qid),)}


@mgmt_view(context=ISurveyForm, name='xoa-cau-hoi',
           permission=MANAGE_AGENCY, request_method='POST',
           tab_condition=False)
def delete_question(context, request):
    check_csrf_token(request)
    question = context.question(request.POST.get('q', ''))
    if question is None:
        raise HTTPNotFound()
    service.delete_question(request, context, question)
    _flash(request, _('survey-question-deleted',
                      default='The question was deleted.'))
    return HTTPFound(_questions_url(request, context))


# -- results ---------------------------------------------------------------

class Filters(object):
    """Thủ tục, năm, tháng (0: the whole year); bad values fall back."""

    def __init__(self, params, years):
        self.procedure = params.get('thu-tuc', PROCEDURES[0])
        if self.procedure not in PROCEDURES:
            self.procedure = PROCEDURES[0]
        try:
            self.year = int(params.get('nam', years[0]))
        except ValueError:
            self.year = years[0]
        if self.year not in years:
            self.year = years[0]
        try:
            self.month = int(params.get('thang', 0))
        except ValueError:
            self.month = 0
        if not 0 <= self.month <= 12:
            self.month = 0

    def query(self, **extra):
        values = {'thu-tuc': self.procedure, 'nam': self.year,
                  'thang': self.month}
        values.update(extra)
        return values


@mgmt_view(context=IAgency, name='ket-qua-khao-sat',
           tab_title=_('survey-results-tab', default='Survey results'),
           permission=VIEW_STATS,
           renderer='httttha:templates/sdi/survey_results.pt')
def results(context, request):
    """The answers about the subtree in a period: the average of each
    scale question and the distribution of every question, the free-text
    answers (staff only); ``?xuat=xlsx`` the same as a workbook."""
    years = service.years_answered(context)
    filters = Filters(request.GET, years)
    found = service.results(context, filters.procedure, filters.year,
                            filters.month or None, request)
    texts = service.text_answers(context, filters.procedure, filters.year,
                                 filters.month or None)
    titles = service.question_titles(context, filters.procedure)
    if request.GET.get('xuat') == 'xlsx':
        return _export(request, context, filters, found, texts, titles)
    return {'agency': context, 'filters': filters, 'years': years,
            'found': found, 'texts': texts, 'titles': titles,
            'procedures': PROCEDURES, 'procedure_titles': PROCEDURE_TITLES,
            'export_url': request.sdiapi.mgmt_path(
                context, '@@ket-qua-khao-sat',
                _query=filters.query(xuat='xlsx'))}


def _export(request, agency, filters, found, texts, titles):
    translate = request.localizer.translate
    kinds = {k: translate(t) for k, t in KINDS}
    period = ('%02d/%d' % (filters.month, filters.year) if filters.month
              else str(filters.year))
    headers = ['Câu hỏi', 'Loại', 'Lựa chọn / Nội dung', 'Số lượt',
               'Tỷ lệ (%)', 'Điểm trung bình (1-5)']
    rows = []
    for result in found['questions']:
        q = result.question
        rows.append([q.text, kinds.get(q.kind, q.kind), '', result.count,
                     None, result.average])
        for title, number in result.options:
            rows.append(['', '', title, number, result.share(number), None])
    for when, qid, text, where in texts:
        rows.append([titles.get(qid, ''), kinds[TEXT], text, None, None,
                     None])
    title = 'Kết quả khảo sát %s - %s - %s (%d lượt đánh giá)' % (
        agency.title, filters.procedure, period, found['answers'])
    return xlsx_response('ket-qua-khao-sat-%s-%s-%s' % (
        agency.code, filters.procedure, period.replace('/', '-')),
        title, headers, rows, widths={0: 60, 2: 50})


# -- the follow-up of a low answer --------------------------------------

@mgmt_view(context=IDossier, name='phan-hoi', permission=VIEW_DOSSIERS,
           tab_condition=False,
           renderer='httttha:templates/sdi/survey_feedback.pt')
def feedback(context, request):
    """The applicant's answer about the dossier and, while it waits, the
    leader's "Đã xử lý phản hồi"."""
    record = service.dossier_answer(context)
    titles = service.question_titles(context.agency, context.procedure)
    scale = {c: t for c, t, _s in service.scale(context, request)}
    answers = []
    for qid, value in (record or {}).get('answers', {}).items():
        if isinstance(value, list):
            value = ', '.join(value)
        answers.append((titles.get(qid, qid), scale.get(value, value)))
    return {'dossier': context, 'record': record, 'answers': answers,
            'waiting': bool(getattr(context, 'survey_alert', None)),
            'can_follow_up': request.has_permission(APPROVE, context),
            'workspace_url': request.sdiapi.mgmt_path(
                context.agency, '@@ban-lam-viec',
                _query={'hang-doi': 'unsatisfied'})}


@mgmt_view(context=IDossier, name='xu-ly-phan-hoi', permission=APPROVE,
           request_method='POST', tab_condition=False)
def follow_up(context, request):
    check_csrf_token(request)
    note = request.POST.get('ghi-chu', '').strip()[:2000]
    try:
        service.follow_up(request, context, note)
    except service.SurveyError as e:
        _flash(request, e.message, 'warning')
    else:
        _flash(request, _('survey-followed-up', default='The feedback was '
                          'marked as followed up.'))
    return HTTPFound(request.sdiapi.mgmt_path(
        context.agency, '@@ban-lam-viec', _query={'hang-doi': 'unsatisfied'}))
