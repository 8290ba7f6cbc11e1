"""The notice of a dossier's timeline entry: what it prints, taken from
the dossier, its agency and the entry (kind, number and date of the
notice), and its PDF, for the staff, the citizen's page and the mail."""
from ..content.application import PETITION_KINDS
from ..content.dossier import SUPPORT_TYPES, local_time
from ..services.settings import lookup_url
from . import notices, slips

#: builder name (an entry's ``slip['kind']``) -> builder
BUILDERS = {builder.__name__: builder for builder in (
    notices.appointment_notice, notices.supplement_notice,
    notices.refusal_notice, notices.petition_reply,
    notices.forwarding_notice, notices.archive_notice,
    slips.appointment_slip, slips.guidance_slip, slips.originals_receipt)}

PREFIXES = ('Chi cục Thi hành án dân sự ', 'Cục Thi hành án dân sự ')
UNITS = ('thành phố ', 'tỉnh ', 'quận ', 'huyện ', 'thị xã ')


def place_name(agency):
    """The place written in the date line: 'Ba Đình' for Chi cục Thi hành
    án dân sự quận Ba Đình; Hà Nội for the Tổng cục."""
    title = agency.title
    for prefix in PREFIXES:
        if title.startswith(prefix):
            title = title[len(prefix):]
            for unit in UNITS:
                if title.startswith(unit):
                    return title[len(unit):]
            return title
    return 'Hà Nội'


def notice_values(request, dossier, entry):
    """What the notice of ``entry`` prints: the plain values its builder
    reads (see ``wording``)."""
    translate = request.localizer.translate
    agency = dossier.agency
    parent = agency.parent_agency
    # the titles the entry recorded when decided (code lists); entries
    # stored before then name a support type of the constants
    support = entry.get('refusal_reason_title') or entry.get(
        'support_title') or dict(SUPPORT_TYPES).get(entry.get('support'))
    slip = entry['slip']
    values = {
        'parent_title': parent.title if parent is not None else '',
        'agency_title': agency.title,
        'agency_address': agency.address, 'agency_phone': agency.phone,
        'number': slip['number'], 'place': place_name(agency),
        'date': slip['date'], 'code': dossier.code,
        'lookup_url': lookup_url(request, dossier),
        'procedure_title': translate(dossier.procedure_title),
        'applicant': dict(dossier.applicant),
        'officer': entry.get('who', ''),
        'signer_title': 'Công chức hỗ trợ trực tuyến',
        'appointment': entry.get('appointment'),
        'message': entry.get('message') or '',
        'reason': translate(support) if support else '',
        'documents': [f.title for _slot, f in dossier.attachments()],
        'checklist': [(i['label'], i['matched'], i['note'])
                      for i in entry.get('checklist', ())],
        'items': [i['label'] for i in entry.get('checklist', ())
                  if not i['matched']],
        'received': local_time(dossier.submitted),
        'due': getattr(dossier, 'due', None),
        # petitions: the answer the leader approved
        'petition_kind': translate(dict(PETITION_KINDS).get(
            dossier.declared.get('kind'), '')),
        'forward_to': entry.get('forward_to', ''),
        'forward_letter': entry.get('forward_letter', ''),
        'earlier_code': entry.get('earlier_code', ''),
    }
    if entry.get('action') == 'answer':
        # signed by the head of the agency, who approved it
        values['signer_title'] = agency.head_title or 'Thủ trưởng cơ quan'
        values['officer'] = agency.head_name or ''
    return values


def notice_pdf(request, dossier, entry):
    """The PDF of the notice recorded with ``entry`` (printed again, the
    same number and date, whenever it is asked for)."""
    builder = BUILDERS[entry['slip']['kind']]
    return builder(notice_values(request, dossier, entry))
