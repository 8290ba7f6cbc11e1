"""Đánh giá mức độ hài lòng (A7): the survey forms and the stored answers.

A :class:`SurveyForm` is the form of one procedure, kept in an agency's
``khao-sat`` folder under the procedure's code; an agency without its own
form uses its nearest ancestor's, so the Tổng cục's forms are the
national default.  Its questions are ordered; each has a kind (a scale
from the code list "Thang đánh giá", single or multiple choice, free
text) and may be required.

The answers about an agency are kept beside its folder in an
:class:`AnswerStore`: the answer records in a ``LOBTree`` keyed by time
(microseconds, with random low bits so that two answers of the same
instant do not collide), and per (procedure, month) a conflict-resolving
``Counts`` of every question's answers (the statistics store's class), so
that the results page reads a few small objects per agency and never the
records.
"""
import datetime
import hashlib
import hmac
import secrets

from BTrees.LOBTree import LOBTree
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.list import PersistentList
from substanced.content import content
from zope.interface import Interface, implementer

from .. import _

SCALE, SINGLE, MULTIPLE, TEXT = 'scale', 'single', 'multiple', 'text'
KINDS = (
    (SCALE, _('survey-kind-scale', default='Satisfaction scale')),
    (SINGLE, _('survey-kind-single', default='Single choice')),
    (MULTIPLE, _('survey-kind-multiple', default='Multiple choice')),
    (TEXT, _('survey-kind-text', default='Free text')),
)
#: the kinds whose options the administrator writes
WITH_CHOICES = (SINGLE, MULTIPLE)

#: the attribute of a survey folder holding its answers
ANSWERS_ATTR = '__httttha_survey_answers__'
#: the dossier states after which the applicant is asked
ANSWERABLE = ('completed',)
#: random low bits of an answer's key
KEY_BITS = 12


class ISurveyForm(Interface):
    """The survey form of one procedure at one agency."""


class Question(Persistent):
    """One question of a form: ``qid`` is unique in the site (answers and
    counters refer to it), ``choices`` the options of a choice."""

    def __init__(self, text, kind, required=False, choices=()):
        self.qid = 'q' + secrets.token_hex(5)
        self.text = text
        self.kind = kind
        self.required = required
        self.choices = tuple(choices)

    def update(self, text, kind, required, choices):
        """Set the question's fields; return {field: (before, after)} of
        those that changed."""
        changed = {}
        for name, value in (('text', text), ('kind', kind),
                            ('required', bool(required)),
                            ('choices', tuple(choices))):
            before = getattr(self, name)
            if before != value:
                changed[name] = (before, value)
                setattr(self, name, value)
        return changed

    def as_dict(self):
        return {'text': self.text, 'kind': self.kind,
                'required': self.required, 'choices': list(self.choices)}


@content('Survey Form', icon='glyphicon glyphicon-star-empty',
         add_view=None)
@implementer(ISurveyForm)
class SurveyForm(Persistent):
    """The ordered questions of one procedure's survey; deleted questions
    are kept aside (``retired``) so that older answers keep their text."""

    def __init__(self, procedure, title='', intro=''):
        self.procedure = procedure
        self.title = title
        self.intro = intro
        self.questions = PersistentList()
        self.retired = OOBTree()

    @property
    def sdi_title(self):
        return self.title or self.procedure

    def add_question(self, text, kind, required=False, choices=()):
        question = Question(text, kind, required, choices)
        self.questions.append(question)
        return question

    def question(self, qid, retired=False):
        """The question ``qid`` (with ``retired``, a deleted one too), or
        None."""
        for question in self.questions:
            if question.qid == qid:
                return question
        return self.retired.get(qid) if retired else None

    def move(self, qid, delta):
        """Move a question ``delta`` places (-1 up, 1 down); True when it
        moved."""
        ids = [q.qid for q in self.questions]
        if qid not in ids:
            return False
        here = ids.index(qid)
        there = here + delta
        if there < 0 or there >= len(ids):
            return False
        questions = list(self.questions)
        questions.insert(there, questions.pop(here))
        self.questions[:] = questions
        return True

    def remove(self, qid):
        """Delete a question (its answers stay; its text is kept aside)."""
        question = self.question(qid)
        if question is None:
            return None
        self.questions.remove(question)
        self.retired[qid] = question
        return question

    def copy(self):
        """A new form with the same questions (new ids): an agency's own
        form, started from the one it used."""
        other = SurveyForm(self.procedure, self.title, self.intro)
        for question in self.questions:
            other.add_question(question.text, question.kind,
                               question.required, question.choices)
        return other


def answer_key(when):
    """A key for an answer given at ``when`` (an aware datetime): keys sort
    by time, and the random low bits keep two answers of one instant
    apart."""
    micros = int(when.timestamp() * 1000000)
    return (micros << KEY_BITS) | secrets.randbits(KEY_BITS)


def key_bounds(first, last):
    """The key range of the answers given from ``first`` to ``last``
    (aware datetimes, ``last`` excluded)."""
    return (int(first.timestamp() * 1000000) << KEY_BITS,
            (int(last.timestamp() * 1000000) << KEY_BITS) - 1)


def key_time(key):
    """When the answer of ``key`` was given (UTC)."""
    return datetime.datetime.fromtimestamp(
        (key >> KEY_BITS) / 1000000.0, datetime.timezone.utc)


class AnswerStore(Persistent):
    """The answers about one agency: ``records`` (key -> a plain dict:
    procedure, form, dossier oid or None, answers by question id, score,
    alert), ``texts`` and ``counts`` ((procedure, 'YYYY-MM') -> Counts of cells
    (qid, option) -> number, (qid, '#') answers, (qid, '+') sum of
    scores, ('*', '#') forms answered, ('*', 'low') low answers)."""

    def __init__(self):
        self.records = LOBTree()
        # the keys of the records with free text, and the texts: staff
        # page through these, never through every record
        self.texts = LOBTree()
        self.counts = OOBTree()

    def add(self, record, when):
        """Store ``record``; return its key."""
        while True:
            key = answer_key(when)
            if self.records.insert(key, record):
                return key


def answer_store(folder, create=False):
    """The answer store of a survey folder (made when ``create``)."""
    store = getattr(folder, ANSWERS_ATTR, None)
    if store is None and create:
        store = AnswerStore()
        setattr(folder, ANSWERS_ATTR, store)
    return store


def survey_token(registry, dossier_oid):
    """The token of the result mail's survey link of a dossier: an HMAC
    of its oid with the site's secret (``substanced.secret``), never
    stored and not guessable; changing the secret voids the links."""
    key = registry.settings['substanced.secret'].encode('utf-8')
    return hmac.new(key, b'survey:%d' % dossier_oid,
                    hashlib.sha256).hexdigest()[:32]
