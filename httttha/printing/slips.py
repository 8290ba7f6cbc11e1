"""The slips of the reception desk (phiếu, giấy biên nhận), signed by the
citizen and the officer: each builder takes one plain dict (keys: see
``wording``) and returns PDF bytes.

================================  ==========================================
``appointment_slip(values)``      Phiếu hẹn tiếp nhận và trả hồ sơ (walk-in)
``guidance_slip(values)``         Phiếu hướng dẫn hoàn thiện hồ sơ
``originals_receipt(values)``     Giấy biên nhận hồ sơ gốc
================================  ==========================================
"""
from reportlab.lib.units import mm

from .administrative import administrative_pdf
from .layout import CONTENT_WIDTH
from .wording import (
    Body,
    address_as,
    agency_name,
    agency_place,
    appointment_of,
    appointment_when,
    applicant_fields,
    cap,
    clean,
    contact_sentence,
    dmy,
    frame,
    lines_of,
    moment,
    signer_of,
    what_to_complete,
)

SIGN_HINT = '(Ký, ghi rõ họ tên)'



def _documents_rows(documents):
    """(STT, name, copies) rows from names or (name, copies) pairs."""
    rows = []
    for number, item in enumerate(documents or (), 1):
        if isinstance(item, (tuple, list)):
            name = item[0]
            copies = item[1] if len(item) > 1 else ''
        else:
            name, copies = item, ''
        if isinstance(copies, int):
            copies = '%02d' % copies
        rows.append(('%d' % number, clean(name), clean(copies)))
    return rows


def _two_signers(values, default):
    """The citizen signs on the left, the officer on the right."""
    applicant = values.get('applicant') or {}
    title, name = signer_of(values, default)
    return [('NGƯỜI NỘP HỒ SƠ', applicant.get('full_name'), SIGN_HINT),
            (title, name, SIGN_HINT)]


def appointment_slip(values):
    """PHIẾU HẸN TIẾP NHẬN VÀ TRẢ HỒ SƠ, given to a walk-in applicant.

    Keys, besides the common ones: ``documents`` (names, or (name,
    copies) pairs; copies an int or a text such as '01 bản chính'),
    ``received`` (datetime the dossier was received), ``appointment``
    (datetime or date the result is returned, or a dict like
    appointment_notice's: date, time, place, officer, contact; ``due``
    stands in for it when absent),
    ``duration`` (optional text, e.g. '05 ngày làm việc'), ``message``
    (optional note). The applicant signs on the left (NGƯỜI NỘP HỒ SƠ),
    the officer on the right (``signer_title``, default 'NGƯỜI TIẾP
    NHẬN').
    """
    applicant = values.get('applicant') or {}
    appt = appointment_of(values.get('appointment') or values.get('due'))
    b = Body()
    b.para('%s đã tiếp nhận hồ sơ của:' % cap(agency_name(values)))
    applicant_fields(b, applicant)
    b.field('Nội dung yêu cầu giải quyết', values.get('procedure_title'))
    b.heading('1. Thành phần hồ sơ gồm:')
    rows = _documents_rows(values.get('documents'))
    if rows:
        b.table(('STT', 'Tên giấy tờ, tài liệu', 'Số lượng'), rows,
                [12 * mm, CONTENT_WIDTH - 55 * mm, 33 * mm],
                ('C', 'L', 'C'))
    else:
        b.para('Không có giấy tờ, tài liệu kèm theo.', style='sub')
    number = 2
    if clean(values.get('duration')):
        b.field('2. Thời hạn giải quyết theo quy định', values['duration'])
        number = 3
    b.field('%d. Thời gian nhận hồ sơ' % number,
            moment(values.get('received')), blank=True)
    b.field('%d. Thời gian hẹn trả kết quả' % (number + 1),
            appointment_when(appt), blank=True)
    b.field('%d. Nơi trả kết quả' % (number + 2),
            clean(appt.get('place')) or agency_place(values))
    officer = clean(appt.get('officer'))
    contact = clean(appt.get('contact')) or clean(values.get('agency_phone'))
    if officer:
        b.field('Cán bộ trả kết quả', officer, style='sub')
    if contact:
        b.field('Số điện thoại liên hệ', contact, style='sub')
    if clean(values.get('message')):
        b.rich('<b>Ghi chú:</b> %s', values['message'])
    b.para('Khi đến nhận kết quả, %s mang theo Phiếu hẹn này và giấy tờ '
           'tùy thân.' % address_as(applicant, True))
    doc = frame(values, 'PHIẾU HẸN TIẾP NHẬN VÀ TRẢ HỒ SƠ', None,
                 _two_signers(values, 'NGƯỜI TIẾP NHẬN'))
    return administrative_pdf(doc, b.flow)


def guidance_slip(values):
    """PHIẾU HƯỚNG DẪN HOÀN THIỆN HỒ SƠ, given at the desk when a dossier
    is incomplete.

    Keys, besides the common ones: ``received`` (datetime or date the
    dossier was brought, optional), ``items`` (list of what is missing
    or must be corrected) and/or ``message`` (free guidance),
    ``legal_basis`` (optional: a text or a list of lines, each printed
    as 'Căn cứ …'), ``contact`` (phone; default ``agency_phone``).
    ``signer_title`` defaults to 'NGƯỜI HƯỚNG DẪN'.
    """
    applicant = values.get('applicant') or {}
    you = address_as(applicant, True)
    b = Body()
    for line in lines_of(values.get('legal_basis')):
        if not line.lower().startswith('căn cứ'):
            line = 'Căn cứ %s' % line
        b.rich('<i>%s</i>', line.rstrip(';.') + ';')
    received = values.get('received')
    b.para('%s nhận được hồ sơ%s của:' % (
        cap(agency_name(values)),
        ' ngày %s' % dmy(received) if received else ''))
    applicant_fields(b, applicant)
    b.field('Nội dung yêu cầu giải quyết', values.get('procedure_title'))
    b.para('Sau khi kiểm tra, hồ sơ chưa đầy đủ, hợp lệ. Đề nghị %s hoàn '
           'thiện hồ sơ gồm những nội dung sau:' % you)
    what_to_complete(b, values)
    code = clean(values.get('code'))
    if code and clean(values.get('lookup_url')):
        b.para('%s có thể bổ sung hồ sơ trực tuyến tại trang Tra cứu hồ sơ '
               '(địa chỉ và mã QR ở cuối phiếu) bằng mã hồ sơ %s và số giấy '
               'tờ tùy thân đã khai báo.' % (cap(you), code))
    contact = contact_sentence(values, you, values.get('officer'),
                                values.get('contact'))
    if contact:
        b.para(contact)
    title, name = signer_of(values, 'NGƯỜI HƯỚNG DẪN')
    doc = frame(values, 'PHIẾU HƯỚNG DẪN HOÀN THIỆN HỒ SƠ', None,
                 [(title, name, SIGN_HINT)])
    return administrative_pdf(doc, b.flow)


CHANNELS = {
    'direct': 'Nộp trực tiếp tại cơ quan thi hành án dân sự',
    'post': 'Gửi qua đường bưu điện',
}


def originals_receipt(values):
    """GIẤY BIÊN NHẬN HỒ SƠ GỐC: the originals brought (or posted) after
    an online request, matched one by one against what was sent online.

    Keys, besides the common ones: ``checklist`` (list of (label,
    matched, note); matched True, False, or None for not checked),
    ``received`` (datetime), ``channel`` ('direct', 'post' or a text),
    ``next_step`` (what happens next), ``message`` (optional note). The
    person handing in signs on the left (NGƯỜI NỘP HỒ SƠ), the officer on
    the right (``signer_title``, default 'NGƯỜI TIẾP NHẬN').
    """
    applicant = values.get('applicant') or {}
    you = address_as(applicant, True)
    b = Body()
    b.para('%s đã nhận hồ sơ gốc của:' % cap(agency_name(values)))
    applicant_fields(b, applicant)
    b.field('Mã hồ sơ trực tuyến', values.get('code'))
    b.field('Thủ tục', values.get('procedure_title'))
    b.field('Thời gian nhận', moment(values.get('received')), blank=True)
    channel = values.get('channel')
    b.field('Hình thức nộp', CHANNELS.get(channel, channel))
    b.heading('Kết quả đối chiếu hồ sơ gốc với hồ sơ đề nghị hỗ trợ trực '
              'tuyến:')
    rows = []
    unmatched = unchecked = 0
    for number, item in enumerate(values.get('checklist') or (), 1):
        label, matched, note = (tuple(item) + (None, None))[:3]
        if matched is None:
            verdict = 'Chưa đối chiếu'
            unchecked += 1
        elif matched:
            verdict = 'Khớp'
        else:
            verdict = 'Không khớp'
            unmatched += 1
        rows.append(('%d' % number, clean(label), verdict, clean(note)))
    if rows:
        b.table(('STT', 'Giấy tờ, tài liệu', 'Đối chiếu', 'Ghi chú'), rows,
                [12 * mm, CONTENT_WIDTH - 103 * mm, 33 * mm, 48 * mm],
                ('C', 'L', 'C', 'L'))
        if unmatched:
            b.rich('Có <b>%s</b> giấy tờ, tài liệu chưa khớp với hồ sơ đã '
                   'gửi trực tuyến; %s cần bổ sung, hoàn thiện theo hướng '
                   'dẫn của cán bộ tiếp nhận.', '%02d' % unmatched, you)
        elif not unchecked:
            b.para('Hồ sơ gốc khớp với hồ sơ đã gửi trực tuyến.')
    else:
        b.para('Không có giấy tờ, tài liệu.', style='sub')
    if clean(values.get('next_step')):
        b.rich('<b>Bước tiếp theo:</b> %s', values['next_step'])
    if clean(values.get('message')):
        b.rich('<b>Ghi chú:</b> %s', values['message'])
    b.para('Giấy biên nhận này được lập thành 02 bản, mỗi bên giữ 01 bản.')
    doc = frame(values, 'GIẤY BIÊN NHẬN HỒ SƠ GỐC', None,
                 _two_signers(values, 'NGƯỜI TIẾP NHẬN'))
    return administrative_pdf(doc, b.flow)
