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
from ...content.dossier import local_time
from ...printing.numbering import next_number, slip_number
from ...workflows.dossier import act, state_of
from .. import notifications

#: (state, support type) -> transition
DECISIONS = {
    ('submitted', 'valid'): 'accept',
    ('submitted', 'supplement'): 'ask_supplement',
    ('submitted', 'out_of_jurisdiction'): 'refuse',
    ('submitted', 'no_right'): 'refuse',
    ('resubmitted', 'valid'): 'accept_resubmitted',
    ('resubmitted', 'supplement'): 'ask_supplement_again',
    ('resubmitted', 'out_of_jurisdiction'): 'refuse_resubmitted',
    ('resubmitted', 'no_right'): 'refuse_resubmitted',
}

#: the notice each support type produces, by channel
SLIP_OF_SUPPORT = {
    'valid': 'appointment_notice',
    'supplement': 'supplement_notice',
    'out_of_jurisdiction': 'refusal_notice',
    'no_right': 'refusal_notice',
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


def slip_kind(dossier, support):
    """The notice of a support decision: a walk-in's incomplete dossier
    gets the "Phiếu hướng dẫn hoàn thiện hồ sơ"."""
    if support == 'supplement' and dossier.channel == 'counter':
        return 'guidance_slip'
    return SLIP_OF_SUPPORT[support]


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
           mail=False):
    """Hỗ trợ: record the officer's support decision and move the dossier
    (accepted with an appointment, back to the citizen for a supplement,
    or refused with the reason)."""
    transition = DECISIONS.get((state_of(dossier), support))
    if transition is None or dossier.procedure == 'HTTT02':
        raise StepRefused(NOT_NOW)
    details = {'support': support}
    if support == 'valid':
        details['appointment'] = dict(appointment)
    return _finish(request, dossier, transition, uploads, mail,
                   slip=slip_kind(dossier, support), message=message,
                   **details)


def receive_originals(request, dossier, checklist, message='', mail=False):
    """Nhận hồ sơ gốc: ``checklist`` is [(label, matched, note)]; when
    every paper matches the dossier moves on, otherwise the citizen gets
    ``message`` as guidance and the dossier waits for them again."""
    if not can_receive_originals(dossier):
        raise StepRefused(NOT_NOW)
    checklist = [{'label': label, 'matched': bool(matched), 'note': note}
                 for label, matched, note in checklist]
    matched = all(item['matched'] for item in checklist)
    transition = 'receive_originals' if matched else 'originals_mismatch'
    return _finish(request, dossier, transition, (), mail,
                   slip='originals_receipt' if matched else 'guidance_slip',
                   message=message, checklist=checklist)


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
