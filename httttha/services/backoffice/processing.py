"""The officer's steps on HTTT01 and HTTT03 dossiers (B4-B7,
Quyết định 11/QĐ-TCTHADS steps 1-5, the user manual's "PHÂN HỆ CHỨC NĂNG DÀNH CHO CÔNG CHỨC"): the support
decision, the original papers, the handover and the result.

Each step is one ``act()`` (permission checked, timeline written,
reindexed); what the citizen is told goes into the entry's ``message``,
``files`` and ``appointment``, and the notice printed for the step into
its ``slip`` (kind, number, date), so the notice can be printed again at
any time and the citizen's page shows it.  Mail is a copy, sent only on
commit.
"""
from ... import _
from ...content.codelist import (
    ACCEPT,
    ORIGINAL_PAPERS,
    REFUSAL_REASONS,
    REFUSE,
    SUPPLEMENT,
    SUPPORT,
)
from ...content.dossier import local_time
from ...printing.numbering import next_number, slip_number
from ...workflows.dossier import act, state_of
from .. import notifications
from ..administration import codelists

#: (state, what the support type does) -> transition; the support types
#: are a code list (``content.codelist``), each entry saying what it does
DECISIONS = {
    ('submitted', ACCEPT): 'accept',
    ('submitted', SUPPLEMENT): 'ask_supplement',
    ('submitted', REFUSE): 'refuse',
    ('resubmitted', ACCEPT): 'accept_resubmitted',
    ('resubmitted', SUPPLEMENT): 'ask_supplement_again',
    ('resubmitted', REFUSE): 'refuse_resubmitted',
}

#: the notice each kind of support decision produces
SLIP_OF_EFFECT = {
    ACCEPT: 'appointment_notice',
    SUPPLEMENT: 'supplement_notice',
    REFUSE: 'refusal_notice',
}

NOT_NOW = _('This step is not possible in the dossier\'s current state.')


class StepRefused(ValueError):
    """The step does not apply to the dossier as it is now."""


def can_decide(dossier):
    return dossier.procedure != 'HTTT02' and state_of(dossier) in (
        'submitted', 'resubmitted')


def can_receive_originals(dossier):
    return state_of(dossier) == 'accepted'


def can_transfer(dossier):
    return dossier.procedure == 'HTTT01' and \
        state_of(dossier) == 'originals_received'


def can_return_result(dossier):
    state = state_of(dossier)
    return (dossier.procedure == 'HTTT01' and state == 'in_processing') or (
        dossier.procedure == 'HTTT03' and state == 'originals_received')


def support_effect(dossier, support):
    """What the support type ``support`` does (accept, supplement,
    refuse), or None when it is not an active entry of its list."""
    if not codelists.is_active(dossier, SUPPORT, support):
        return None
    return codelists.effect_of(dossier, SUPPORT, support) or None


def slip_kind(dossier, effect):
    """The notice of a support decision that does ``effect``: a walk-in's
    incomplete dossier gets the "Phiếu hướng dẫn hoàn thiện hồ sơ"."""
    if effect == SUPPLEMENT and dossier.channel == 'counter':
        return 'guidance_slip'
    return SLIP_OF_EFFECT[effect]


def register_walk_in(request, agency, procedure, data, files):
    """Tiếp nhận trực tiếp (B9): a dossier registered at the counter by
    the officer of ``request`` from the application's ``data`` and
    ``files`` (slot -> upload with its ``fp``), with the appointment slip
    that gives the result's date (the deadline)."""
    from ..intake.submission import create_dossier
    user = request.user
    dossier = create_dossier(
        request, agency, procedure, data, files, channel='counter',
        who=getattr(user, 'full_name', '') or user.__name__,
        who_login=user.__name__)
    for slot, info in files.items():
        if info:
            dossier.add_file(request.registry, info['fp'], info['filename'],
                             info['mimetype'], is_attachment=True, slot=slot)
    # the first entry of a dossier made in this transaction: changed in
    # place, it is stored with the dossier
    entry = dossier.timeline[0]
    entry['slip'] = new_slip(dossier, 'appointment_slip')
    due = getattr(dossier, 'due', None)
    if due is not None:
        entry['appointment'] = {'date': due,
                                'place': agency.address or agency.title}
    return dossier


def store_files(request, dossier, uploads):
    """Keep the agency's ``uploads`` ((filename, stream, mimetype)) in the
    dossier for the citizen; their names."""
    return [dossier.add_file(request.registry, stream, filename, mimetype,
                             is_response=True).__name__
            for filename, stream, mimetype in uploads]


def new_slip(dossier, kind):
    """Number a notice of ``dossier``'s agency for today."""
    agency = dossier.agency
    today = local_time().date()
    number = next_number(agency, kind, today.year)
    return {'kind': kind, 'date': today,
            'number': slip_number(number, kind, agency.kind)}


def _finish(request, dossier, transition, uploads, mail, slip=None,
            **details):
    if slip is not None:
        details['slip'] = new_slip(dossier, slip)
    details['files'] = store_files(request, dossier, uploads)
    entry = act(request, dossier, transition, mail=mail, **details)
    if mail:
        notifications.agency_response(request, dossier, entry)
    return entry


def decide(request, dossier, support, message, uploads=(), appointment=None,
           mail=False, refusal_reason=''):
    """Hỗ trợ: record the officer's support decision (an active entry of
    the support types) and move the dossier (accepted with an
    appointment, back to the citizen for a supplement, or refused with
    the reason, and the refusal reason of its list when one is given).
    The entry keeps the titles as they read when it was decided."""
    effect = support_effect(dossier, support)
    transition = DECISIONS.get((state_of(dossier), effect))
    if transition is None or dossier.procedure == 'HTTT02':
        raise StepRefused(NOT_NOW)
    details = {'support': support,
               'support_title': codelists.title_of(dossier, SUPPORT, support,
                                                   request)}
    if effect == ACCEPT:
        details['appointment'] = dict(appointment)
    if effect == REFUSE and refusal_reason:
        if not codelists.is_active(dossier, REFUSAL_REASONS, refusal_reason):
            raise StepRefused(_('Choose a refusal reason of the list.'))
        details['refusal_reason'] = refusal_reason
        details['refusal_reason_title'] = codelists.title_of(
            dossier, REFUSAL_REASONS, refusal_reason, request)
        codelists.use(dossier, REFUSAL_REASONS, refusal_reason)
    codelists.use(dossier, SUPPORT, support)
    return _finish(request, dossier, transition, uploads, mail,
                   slip=slip_kind(dossier, effect), message=message,
                   **details)


def originals_papers(dossier, request=None):
    """The papers to compare when the applicant brings the originals, as
    (code, label): the active entries of the original papers' list, then
    every document sent online (no code)."""
    return (codelists.active_choices(dossier, ORIGINAL_PAPERS, request) +
            [('', f.title) for _slot, f in dossier.attachments()])


def receive_originals(request, dossier, checklist, message='', mail=False):
    """Nhận hồ sơ gốc: ``checklist`` is [(label, matched, note)] or
    [(label, matched, note, code)] (``code``: the paper's entry in the
    original papers' list); when every paper matches the dossier moves
    on, otherwise the citizen gets ``message`` as guidance and the
    dossier waits for them again."""
    if not can_receive_originals(dossier):
        raise StepRefused(NOT_NOW)
    items = []
    for item in checklist:
        label, matched, note = item[:3]
        code = item[3] if len(item) > 3 else ''
        stored = {'label': label, 'matched': bool(matched), 'note': note}
        if code:
            stored['code'] = code
            codelists.use(dossier, ORIGINAL_PAPERS, code)
        items.append(stored)
    matched = all(item['matched'] for item in items)
    transition = 'receive_originals' if matched else 'originals_mismatch'
    return _finish(request, dossier, transition, (), mail,
                   slip='originals_receipt' if matched else 'guidance_slip',
                   message=message, checklist=items)


def transfer(request, dossier):
    """Chuyển thụ lý THA (HTTT01): the dossier goes to the case-management
    software; if it cannot be reached now, the dossier waits and a later
    run of ``httttha-handover`` sends it."""
    from . import casemanagement
    if not can_transfer(dossier):
        raise StepRefused(NOT_NOW)
    entry = act(request, dossier, 'transfer',
                message=request.localizer.translate(_(
                    'The dossier is being handed over for enforcement.')))
    casemanagement.request_handover(request, dossier)
    return entry


def return_result(request, dossier, message, uploads=(), mail=True):
    """Trả kết quả: the result and its scans; the dossier is completed."""
    if not can_return_result(dossier):
        raise StepRefused(NOT_NOW)
    transition = 'return_result' if dossier.procedure == 'HTTT01' \
        else 'return_confirmation'
    return _finish(request, dossier, transition, uploads, mail,
                   message=message)


def notice_entries(dossier):
    """(index, entry) of the timeline entries that have a notice."""
    return [(i, e) for i, e in enumerate(dossier.timeline) if e.get('slip')]
