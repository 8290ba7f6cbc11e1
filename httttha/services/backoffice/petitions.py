"""Petitions (HTTT02, B8; Quyết định 11/QĐ-TCTHADS thủ tục 2,
Bước 1-5; Quy trình hỗ trợ trực tuyến 2019 II.2):
classification, assignment, versioned proposals, approval and the answer.

Who does what is the workflow's permissions (classify and answer:
``httttha.process``; assign, approve, send back: ``httttha.assign`` /
``httttha.approve``; propose: ``httttha.draft``), plus one rule the ACL
cannot say: only the officer assigned proposes.
"""
from persistent.list import PersistentList
from substanced.util import find_catalog, find_objectmap, get_oid

from ... import _
from ...content.application import PETITION_KINDS
from ...content.codelist import (
    CLASSIFICATION_LISTS,
    CONDITIONS,
    JURISDICTIONS,
    PETITIONERS,
)
from ...content.dossier import local_time, now
from ...workflows.dossier import act, state_of
from .. import notifications
from ..administration import codelists
from .processing import StepRefused, new_slip, store_files
from ..accounts.roles import DRAFT, ROLES
from .scope import visible_agencies

#: the four classifications of Quyết định 11/QĐ-TCTHADS Bước 1: the
#: constants the code lists were made from (``content.codelist``); forms
#: offer the lists' active entries (``classification_choices``)
CLASSIFICATIONS = (
    ('content', _('By content'), PETITION_KINDS),
    ('condition', _('By processing condition'), CONDITIONS),
    ('jurisdiction', _('By jurisdiction'), JURISDICTIONS),
    ('petitioners', _('By number of petitioners'), PETITIONERS),
)

#: the three proposals of Bước 3 and the notice each produces
OUTCOMES = (
    ('reply', _('Reply within jurisdiction')),
    ('forward', _('Forward to the competent body and guide the '
                  'petitioner')),
    ('archive', _('Keep on file (repeated or multi-addressed petition) and '
                  'inform')),
)
NOTICES = {'reply': 'petition_reply', 'forward': 'forwarding_notice',
           'archive': 'archive_notice'}

NOT_ASSIGNED = _('Only the officer assigned to this petition may propose '
                 'the answer.')
NOT_STAFF = _('Choose an officer of this agency who drafts answers.')


def classification_choices(resource, request=None):
    """(criterion, title, [(code, title)]) of the four classifications:
    the active entries of their code lists, what the form offers."""
    return codelists.classifications(resource, request)


def classify(request, dossier, values, note=''):
    """Bước 1: record the four classifications (all required, each an
    active entry of its code list) and forward the petition to the
    leaders.  The entry keeps the titles given, as they read then."""
    choices = classification_choices(dossier)
    missing = [name for name, _t, offered in choices
               if values.get(name) not in dict(offered)]
    if missing:
        raise StepRefused(_('Classify the petition on all four criteria.'))
    dossier.classification = {name: values[name]
                              for name, _t, _v in choices}
    titles = {name: dict(offered)[values[name]]
              for name, _t, offered in choices}
    for criterion, _title, list_name in CLASSIFICATION_LISTS:
        codelists.use(dossier, list_name, values[criterion])
    return act(request, dossier, 'classify', note=note,
               classification_titles=titles)


def assignable(agency, registry=None):
    """The agency's users who may draft an answer (their roles here give
    ``httttha.draft``), by name."""
    catalog = find_catalog(agency, 'httttha')
    drafting = [name for name, role in ROLES.items()
                if DRAFT in role.local or DRAFT in role.subtree]
    users = catalog['agency'].eq(get_oid(agency)) & \
        catalog['roles'].any(drafting)
    return sorted(users.execute(), key=lambda u: u.full_name or u.__name__)


def assign(request, dossier, user, due=None, note=''):
    """Bước 2: a leader assigns ``user`` (again: a reassignment) and may
    set the petition's deadline."""
    from . import deadlines
    agency = dossier.agency
    if user not in assignable(agency):
        raise StepRefused(NOT_STAFF)
    transition = 'reassign' if state_of(dossier) == 'assigned' else 'assign'
    dossier.assignee = get_oid(user)
    if due is not None:
        deadlines.set_due(dossier, due)
    return act(request, dossier, transition, note=note,
               assignee=user.full_name or user.__name__,
               due=due)


def assignee(dossier):
    oid = dossier.assignee
    return find_objectmap(dossier).object_for(oid) if oid else None


def propose(request, dossier, outcome, text, uploads=(), forward_to='',
            forward_letter='', earlier_code='', note=''):
    """Bước 3: the assigned officer's proposal, a new version (a draft
    sent back keeps the leader's comment and the earlier text)."""
    if dossier.assignee != get_oid(request.user):
        raise StepRefused(NOT_ASSIGNED)
    if outcome not in NOTICES:
        raise StepRefused(_('Choose what to propose.'))
    if not dossier.proposals:
        dossier.proposals = PersistentList()
    versions = dossier.proposals
    version = {'version': len(versions) + 1, 'outcome': outcome,
               'text': text, 'forward_to': forward_to,
               'forward_letter': forward_letter,
               'earlier_code': earlier_code,
               'files': store_files(request, dossier, uploads),
               'who': request.user.full_name or request.user.__name__,
               'when': now(), 'comment': ''}
    entry = act(request, dossier, 'propose', note=note,
                version=version['version'])
    versions.append(version)
    return entry


def _latest(dossier):
    if not dossier.proposals:
        raise StepRefused(_('There is no proposal yet.'))
    return dossier.proposals[-1]


def send_back(request, dossier, comment):
    """Bước 4: the leader returns the draft with a comment."""
    latest = _latest(dossier)
    latest = dict(latest, comment=comment)
    dossier.proposals[-1] = latest
    return act(request, dossier, 'send_back', note=comment,
               version=latest['version'])


def approve(request, dossier, note=''):
    """Bước 4: the leader approves the latest version."""
    latest = _latest(dossier)
    return act(request, dossier, 'approve', note=note,
               version=latest['version'])


def answer(request, dossier, appointment=None, mail=False):
    """Bước 5: the online-support officer sends the approved answer, with
    an appointment when the petition is handled here and needs a
    meeting; the notice fits the proposal's outcome."""
    if state_of(dossier) != 'approved':
        raise StepRefused(_('Only an approved answer can be sent.'))
    latest = _latest(dossier)
    details = {'message': latest['text'], 'outcome': latest['outcome'],
               'files': list(latest['files']),
               'slip': new_slip(dossier, NOTICES[latest['outcome']])}
    if appointment:
        details['appointment'] = dict(appointment)
    for key in ('forward_to', 'forward_letter', 'earlier_code'):
        if latest.get(key):
            details[key] = latest[key]
    entry = act(request, dossier, 'answer', mail=mail, **details)
    if mail:
        notifications.agency_response(request, dossier, entry)
    return entry


def earlier_petitions(request, dossier, limit=20):
    """Dossiers of the same petitioner (same ID number, or same name and
    phone) in the agency's subtree, other than this one: possible
    repeats, newest first."""
    from ..intake.lookup import phone_forms
    catalog = find_catalog(dossier, 'httttha')
    applicant = catalog['applicant']
    words = _name_words(dossier)
    phone = ''.join(c for c in dossier.applicant.get('phone') or ''
                    if c.isdigit())
    same = catalog['id_hash'].eq(dossier.id_hash)
    if words and phone:
        same |= applicant.all(words) & applicant.any(phone_forms(phone))
    # only from the agencies whose dossiers the user may view (checked
    # once per agency: dossiers carry no ACL of their own)
    visible, _scope = visible_agencies(request, dossier.agency, True)
    query = same & catalog['agency'].any(visible)
    results = query.execute().sort(catalog['submitted'], reverse=True,
                                   limit=limit + 1)
    return [d for d in results if d is not dossier][:limit]


def _name_words(dossier):
    from ...text import fold
    return fold(dossier.applicant.get('full_name') or '').split()


def default_due(dossier, calendar, days=30):
    """A suggestion for the leader: ``days`` working days from receipt
    (the law gives the case's own time limit)."""
    return calendar.add_working_days(local_time(dossier.submitted).date(),
                                     days)
