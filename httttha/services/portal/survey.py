"""Đánh giá mức độ hài lòng (A7): which form a citizen answers, storing
an answer and its counters, the results of a subtree, the follow-up of a
low answer, and the administrators' changes to the forms (audited).

A citizen answers (a) about a dossier with a result, once, from its page
(opened with the ID number) or from the link of the result mail (a token,
an HMAC of the dossier's oid with the site's secret key: unguessable and
nothing stored), or (b) freely about an agency and a procedure, with the
CAPTCHA and the submission wizard's throttling.

Scores: the scale's active entries, in the code list's order (best
first), are spread over 1 to 5 (4 entries: 5, 3.67, 2.33, 1); an answer
whose scale questions average below ``httttha.survey_alert_below``
(default 3) puts its dossier in the "Phản hồi chưa hài lòng" queue of its
agency (the catalog's ``survey_alert`` index) until a leader follows it
up.
"""
import hmac

import colander
import deform.widget
from substanced.event import subscribe_added
from substanced.util import find_catalog, get_oid

from ... import _
from ...content.application import PROCEDURES
from ...content.codelist import SURVEY_SCALE
from ...content.survey import (  # noqa: F401 (ANSWERABLE: for callers)
    ANSWERABLE,
    MULTIPLE,
    SCALE,
    SINGLE,
    TEXT,
    WITH_CHOICES,
    SurveyForm,
    answer_store,
    key_bounds,
    key_time,
    survey_token,
)
from ...interfaces import IAgency
from ...vntime import VN, local_time, now
from ...workflows.dossier import state_of
from ..administration import audit
from ..administration.codelists import active_choices
from ..intake.scratch import ensure_scratch, hit
from ..intake.submission import limits
from ..statistics import Counts

FOLDER = 'khao-sat'
ALERT_SETTING = 'httttha.survey_alert_below'
ALERT_DEFAULT = 3.0

NOT_COMPLETED = _('survey-not-completed',
                  default='This dossier has no result yet: it can be '
                          'assessed once it is completed.')
ALREADY = _('survey-already', default='This dossier has already been '
            'assessed. Thank you.')
NO_FORM = _('survey-no-form', default='No survey is available for this '
            'agency and procedure.')
THROTTLED = _('survey-throttled', default='Too many answers have been sent '
              'from your network in a short time. Please try again later.')


class SurveyError(ValueError):
    """An answer or a change that is refused; ``message`` says why."""

    def __init__(self, message):
        ValueError.__init__(self, message)
        self.message = message


# -- the forms ---------------------------------------------------------------

def survey_folder(agency):
    return agency.get(FOLDER) if agency is not None else None


def own_form(agency, procedure):
    """The agency's own form of ``procedure``, or None."""
    folder = survey_folder(agency)
    return folder.get(procedure) if folder is not None else None


def form_for(agency, procedure):
    """(form, agency owning it): the agency's own form of ``procedure``
    or its nearest ancestor's (the Tổng cục's is the national default);
    (None, None) when there is none."""
    while agency is not None and getattr(agency, 'is_agency', False):
        form = own_form(agency, procedure)
        if form is not None:
            return form, agency
        agency = agency.parent_agency
    return None, None


#: the national default form: (text, kind, required, choices)
DEFAULT_QUESTIONS = (
    ('Ông/Bà đánh giá thế nào về thái độ, tinh thần phục vụ của cán bộ '
     'tiếp nhận, giải quyết hồ sơ?', SCALE, True, ()),
    ('Ông/Bà đánh giá thế nào về thời gian giải quyết hồ sơ so với thời '
     'hạn đã hẹn?', SCALE, True, ()),
    ('Ông/Bà đánh giá thế nào về sự rõ ràng, dễ hiểu của hướng dẫn và '
     'thông tin trên Cổng hỗ trợ trực tuyến?', SCALE, True, ()),
    ('Ông/Bà đánh giá chung thế nào về kết quả giải quyết hồ sơ?', SCALE,
     True, ()),
    ('Ông/Bà đã phải đến cơ quan thi hành án bao nhiêu lần để hoàn thành '
     'thủ tục?', SINGLE, False,
     ('Không lần nào', '1 lần', '2 lần', 'Từ 3 lần trở lên')),
    ('Ông/Bà biết đến dịch vụ hỗ trợ trực tuyến qua kênh nào?', MULTIPLE,
     False, ('Cổng thông tin điện tử của cơ quan thi hành án',
             'Cán bộ thi hành án hướng dẫn', 'Người thân, bạn bè',
             'Báo chí, mạng xã hội', 'Khác')),
    ('Góp ý của Ông/Bà để cơ quan thi hành án phục vụ tốt hơn', TEXT,
     False, ()),
)
DEFAULT_TITLE = 'Phiếu đánh giá mức độ hài lòng'
DEFAULT_INTRO = ('Ý kiến của Ông/Bà giúp cơ quan thi hành án dân sự nâng '
                 'cao chất lượng phục vụ. Phiếu không thu thập thông tin '
                 'cá nhân.')


def add_form(agency, procedure, registry, source=None):
    """Add the agency's own form of ``procedure``: a copy of ``source``,
    or the default questions."""
    if source is not None:
        form = source.copy()
    else:
        form = SurveyForm(procedure, DEFAULT_TITLE, DEFAULT_INTRO)
        for text, kind, required, choices in DEFAULT_QUESTIONS:
            form.add_question(text, kind, required, choices)
    survey_folder(agency).add(procedure, form, registry=registry)
    return form


def ensure_default_forms(top, registry):
    """The Tổng cục's forms of every procedure (the national default);
    returns those made."""
    made = []
    if top is None or survey_folder(top) is None:
        return made
    for procedure in PROCEDURES:
        if own_form(top, procedure) is None:
            made.append(add_form(top, procedure, registry))
    return made


@subscribe_added(IAgency)
def _agency_added(event):
    """The root agency of a new tree gets the national default forms."""
    agency = event.object
    if agency.parent_agency is None:
        ensure_default_forms(agency, event.registry)


# -- scores ------------------------------------------------------------------

def scale(resource, request=None):
    """[(code, title, score)] of the active scale entries, best first,
    scores spread over 1 to 5."""
    choices = active_choices(resource, SURVEY_SCALE, request)
    last = len(choices) - 1
    return [(code, title, round(1 + 4.0 * (last - i) / last, 2)
             if last > 0 else 5.0)
            for i, (code, title) in enumerate(choices)]


def alert_below(registry):
    try:
        return float(registry.settings.get(ALERT_SETTING, ALERT_DEFAULT))
    except (TypeError, ValueError):
        return ALERT_DEFAULT


# -- answering -------------------------------------------------------------

def answer_schema(form, request, captcha=None):
    """The colander schema of ``form``'s questions (named by their ids),
    with the CAPTCHA node when given."""
    schema = colander.SchemaNode(colander.Mapping())
    scale_values = [(c, t) for c, t, _s in scale(form, request)]
    for question in form.questions:
        missing = colander.required if question.required else (
            [] if question.kind == MULTIPLE else '')
        if question.kind == SCALE:
            values = scale_values
        else:
            values = [(c, c) for c in question.choices]
        if question.kind in (SCALE, SINGLE):
            node = colander.SchemaNode(
                colander.String(), name=question.qid, title=question.text,
                missing=missing, validator=colander.OneOf(
                    [v for v, _t in values]),
                widget=deform.widget.RadioChoiceWidget(values=values))
        elif question.kind == MULTIPLE:
            node = colander.SchemaNode(
                colander.Set(), name=question.qid, title=question.text,
                missing=missing,
                validator=colander.All(
                    colander.Length(min=1 if question.required else 0),
                    colander.ContainsOnly([v for v, _t in values])),
                widget=deform.widget.CheckboxChoiceWidget(values=values))
        else:
            node = colander.SchemaNode(
                colander.String(), name=question.qid, title=question.text,
                missing=missing, validator=colander.Length(max=2000),
                widget=deform.widget.TextAreaWidget(rows=4))
        schema.add(node)
    if captcha is not None:
        schema.add(captcha)
    return schema


def dossier_token(request, dossier):
    """The survey link's token of ``dossier`` (``content.survey``)."""
    return survey_token(request.registry, get_oid(dossier))


def token_matches(request, dossier, token):
    if dossier is None or not isinstance(token, str) or not token:
        return False
    return hmac.compare_digest(dossier_token(request, dossier).encode(),
                               token.encode('utf-8', 'replace'))


def dossier_refusal(dossier):
    """Why ``dossier`` cannot be assessed now (a message), or None."""
    if state_of(dossier) not in ANSWERABLE:
        return NOT_COMPLETED
    if getattr(dossier, 'survey_answer', None):
        return ALREADY
    return None


def may_answer_freely(request, count=False):
    """The submission wizard's throttling, in a bucket of its own."""
    settings = limits(request.registry)
    return hit(ensure_scratch(request.root).counters, 'survey',
               request.client_addr, settings.submit_limit,
               settings.submit_window, count=count)


def _month(when):
    return local_time(when).strftime('%Y-%m')


def submit(request, agency, form, appstruct, dossier=None):
    """Store the answer ``appstruct`` (values by question id) about
    ``agency`` (and ``dossier``): the record, the counters and, for a low
    answer, the dossier's alert.  Returns the record."""
    if dossier is not None:
        refusal = dossier_refusal(dossier)
        if refusal is not None:
            raise SurveyError(refusal)
    when = now()
    scores = {c: s for c, _t, s in scale(form, request)}
    answers, cells, marks = {}, {}, []

    def count(cell, delta=1):
        cells[cell] = cells.get(cell, 0) + delta
    for question in form.questions:
        value = appstruct.get(question.qid)
        if question.kind == MULTIPLE:
            value = sorted(value or ())
            if not value:
                continue
            for each in value:
                count((question.qid, each))
        else:
            value = (value or '').strip() if isinstance(value, str) else ''
            if not value:
                continue
            if question.kind == SCALE:
                count((question.qid, value))
                count((question.qid, '+'), scores.get(value, 0))
                marks.append(scores.get(value, 0))
            elif question.kind == SINGLE:
                count((question.qid, value))
        count((question.qid, '#'))
        answers[question.qid] = value
    score = round(sum(marks) / len(marks), 2) if marks else None
    alert = dossier is not None and score is not None and \
        score < alert_below(request.registry)
    count(('*', '#'))
    if score is not None:
        # the statistics' average satisfaction of a unit
        count(('*', 'n'))
        count(('*', '+'), score)
    if alert:
        count(('*', 'low'))
    record = {'procedure': form.procedure, 'form': get_oid(form, None),
              'dossier': get_oid(dossier) if dossier is not None else None,
              'code': dossier.code if dossier is not None else '',
              'answers': answers, 'score': score, 'alert': alert,
              'channel': 'dossier' if dossier is not None else 'free'}
    store = answer_store(survey_folder(agency), create=True)
    key = store.add(record, when)
    texts = {q.qid: answers[q.qid] for q in form.questions
             if q.kind == TEXT and answers.get(q.qid)}
    if texts:
        store.texts.insert(key, {'procedure': form.procedure,
                                 'texts': texts})
    month_key = (form.procedure, _month(when))
    counts = store.counts.get(month_key)
    if counts is None:
        counts = store.counts[month_key] = Counts()
    for cell, delta in cells.items():
        counts.add(cell, delta)
    if dossier is not None:
        dossier.survey_answer = key
        # with its state, so that the clocks and the audit reading the
        # timeline's last state see no change
        dossier.record('survey_answered', who=dossier.applicant_name,
                       state=state_of(dossier), score=score)
        if alert:
            dossier.survey_alert = key
            _index_alert(dossier)
    return record


def _index_alert(dossier):
    """This one index of the dossier (its index view reads
    ``survey_alert``): the rest of the catalog is untouched."""
    index = find_catalog(dossier, 'httttha')['survey_alert']
    index.reindex_doc(get_oid(dossier), dossier)


def dossier_answer(dossier):
    """The record of the dossier's answer, or None."""
    key = getattr(dossier, 'survey_answer', None)
    if not key:
        return None
    store = answer_store(survey_folder(dossier.agency))
    return store.records.get(key) if store is not None else None


def follow_up(request, dossier, note=''):
    """A leader followed the low answer up: the dossier leaves the queue;
    the timeline and the audit trail say who did and what was done."""
    if not getattr(dossier, 'survey_alert', None):
        raise SurveyError(_('survey-not-in-queue', default='This dossier '
                            'is not waiting for a follow-up.'))
    user = request.user
    key = dossier.survey_alert
    dossier.survey_alert = None
    _index_alert(dossier)
    dossier.record('survey_followed_up',
                   who=getattr(user, 'full_name', '') or user.__name__,
                   who_login=user.__name__, state=state_of(dossier),
                   note=note)
    audit.record(request, 'survey.followup', dossier,
                 before={'survey_alert': True},
                 after={'survey_alert': False}, note=note,
                 answer=key_time(key).isoformat())


# -- results ---------------------------------------------------------------

def months_of(year, month=None):
    if month:
        return ['%04d-%02d' % (year, month)]
    return ['%04d-%02d' % (year, m) for m in range(1, 13)]


def period_bounds(year, month=None):
    import datetime
    first = datetime.datetime(year, month or 1, 1, tzinfo=VN)
    if month and month < 12:
        last = datetime.datetime(year, month + 1, 1, tzinfo=VN)
    else:
        last = datetime.datetime(year + 1, 1, 1, tzinfo=VN)
    return first, last


def years_answered(agency):
    """The years with answers in ``agency``'s subtree (and this year)."""
    years = {local_time().year}
    for each in agency.walk():
        store = answer_store(survey_folder(each))
        if store is not None:
            years.update(int(m[:4]) for _p, m in store.counts.keys())
    return sorted(years, reverse=True)


class QuestionResult(object):
    """One question's answers: their number, the distribution over the
    options, the average score of a scale."""

    def __init__(self, question, totals, scale_entries):
        self.question = question
        self.count = totals.get((question.qid, '#'), 0)
        if question.kind == SCALE:
            options = [(c, t) for c, t, _s in scale_entries]
        else:
            options = [(c, c) for c in question.choices]
        self.options = [(title, totals.get((question.qid, code), 0))
                        for code, title in options]
        total = totals.get((question.qid, '+'), 0)
        self.average = round(total / self.count, 2) \
            if question.kind == SCALE and self.count else None

    def share(self, number):
        return round(100.0 * number / self.count, 1) if self.count else 0.0


def results(agency, procedure, year, month=None, request=None):
    """The results of ``agency``'s subtree for ``procedure`` in the
    period: {'answers', 'low', 'questions': [QuestionResult]} (the
    questions of the form in effect at ``agency``, then those of the
    subtree's own forms that have answers)."""
    months = set(months_of(year, month))
    totals = {}
    forms = [form_for(agency, procedure)[0]]
    for each in agency.walk():
        folder = survey_folder(each)
        if folder is None:
            continue
        if each is not agency and own_form(each, procedure) is not None:
            forms.append(own_form(each, procedure))
        store = answer_store(folder)
        if store is None:
            continue
        for month_key in months:
            counts = store.counts.get((procedure, month_key))
            if counts is not None:
                for cell, number in counts.counts.items():
                    totals[cell] = totals.get(cell, 0) + number
    entries = scale(agency, request)
    shown, rows = set(), []
    for position, form in enumerate(f for f in forms if f is not None):
        questions = list(form.questions) + list(form.retired.values())
        for question in questions:
            if question.qid in shown:
                continue
            in_form = question in form.questions
            if (position or not in_form) and not totals.get(
                    (question.qid, '#')):
                continue
            shown.add(question.qid)
            rows.append(QuestionResult(question, totals, entries))
    return {'answers': totals.get(('*', '#'), 0),
            'low': totals.get(('*', 'low'), 0), 'questions': rows}


def text_answers(agency, procedure, year, month=None, limit=100):
    """The newest free-text answers of the subtree in the period:
    [(when, qid, text)], at most ``limit`` (staff only)."""
    low, high = key_bounds(*period_bounds(year, month))
    found = []
    for each in agency.walk():
        store = answer_store(survey_folder(each))
        if store is None or not store.texts:
            continue
        taken = 0
        key = _max_key(store.texts, high)
        while key is not None and key >= low and taken < limit:
            item = store.texts[key]
            if item['procedure'] == procedure:
                for qid, text in sorted(item['texts'].items()):
                    found.append((key, qid, text, each))
                taken += 1
            key = _max_key(store.texts, key - 1)
    found.sort(key=lambda f: f[0], reverse=True)
    return [(local_time(key_time(k)), qid, text, where)
            for k, qid, text, where in found[:limit]]


def _max_key(tree, high):
    try:
        return tree.maxKey(high)
    except ValueError:
        return None


def question_titles(agency, procedure):
    """qid -> question text of the forms in effect in the subtree."""
    titles = {}
    forms = [form_for(agency, procedure)[0]] + [
        own_form(each, procedure) for each in agency.walk()]
    for form in forms:
        if form is not None:
            for q in list(form.questions) + list(form.retired.values()):
                titles.setdefault(q.qid, q.text)
    return titles


# -- the administrators' changes ------------------------------------------

def _question_values(question):
    return question.as_dict()


def create_own_form(request, agency, procedure):
    """The agency's own form, started from the one it used."""
    if own_form(agency, procedure) is not None:
        raise SurveyError(_('survey-form-exists', default='This agency '
                            'already has its own form for the procedure.'))
    source, _owner = form_for(agency, procedure)
    form = add_form(agency, procedure, request.registry, source)
    audit.record(request, 'survey.form.add', form, agency=agency,
                 after={'procedure': procedure,
                        'questions': [q.text for q in form.questions]})
    return form


def delete_own_form(request, form):
    """Delete an agency's own form (the ancestor's applies again); the
    Tổng cục's national forms stay."""
    folder = form.__parent__
    agency = folder.__parent__
    if agency.parent_agency is None:
        raise SurveyError(_('survey-national-form', default='The national '
                            'form cannot be deleted; edit its questions.'))
    before = {'procedure': form.procedure,
              'questions': [q.text for q in form.questions]}
    audit.record(request, 'survey.form.delete', form, agency=agency,
                 before=before)
    del folder[form.__name__]


def edit_form(request, form, title, intro):
    before = {'title': form.title, 'intro': form.intro}
    form.title, form.intro = title, intro
    audit.record(request, 'survey.form.edit', form, before=before,
                 after={'title': title, 'intro': intro})


def _clean_choices(kind, choices):
    choices = [c.strip() for c in choices if c and c.strip()]
    if kind in WITH_CHOICES and len(choices) < 2:
        raise SurveyError(_('survey-choices-needed', default='A choice '
                            'needs at least two options, one per line.'))
    return choices if kind in WITH_CHOICES else []


def add_question(request, form, text, kind, required, choices):
    question = form.add_question(text, kind, required,
                                 _clean_choices(kind, choices))
    audit.record(request, 'survey.question.add', form,
                 after=_question_values(question), question=question.qid)
    return question


def edit_question(request, form, question, text, kind, required, choices):
    before = _question_values(question)
    changed = question.update(text, kind, required,
                              _clean_choices(kind, choices))
    if changed:
        audit.record(request, 'survey.question.edit', form, before=before,
                     after=_question_values(question),
                     question=question.qid)
    return changed


def move_question(request, form, question, delta):
    before = [q.qid for q in form.questions]
    if form.move(question.qid, delta):
        audit.record(request, 'survey.question.move', form,
                     before=before, after=[q.qid for q in form.questions],
                     question=question.qid)
        return True
    return False


def delete_question(request, form, question):
    form.remove(question.qid)
    audit.record(request, 'survey.question.delete', form,
                 before=_question_values(question), question=question.qid)
