"""The notices sent to the citizen (thông báo), in the layout of an
administrative document: each builder takes one plain dict (keys: see
``wording``) and returns PDF bytes.

================================  ==========================================
``appointment_notice(values)``    Thông báo tiếp nhận hồ sơ và hẹn ngày làm
                                  việc (HTTT01/HTTT03 found "Đầy đủ, hợp lệ")
``supplement_notice(values)``     Thông báo hướng dẫn bổ sung, sửa đổi hồ sơ
``refusal_notice(values)``        Thông báo từ chối hỗ trợ trực tuyến
``petition_reply(values)``        Thông báo trả lời đơn kiến nghị, phản ánh
                                  (HTTT02, thuộc thẩm quyền)
``forwarding_notice(values)``     Thông báo về việc chuyển đơn (HTTT02,
                                  thuộc thẩm quyền của cơ quan khác)
``archive_notice(values)``        Thông báo về việc lưu đơn (HTTT02, đơn
                                  trùng nội dung hoặc gửi nhiều cơ quan)
================================  ==========================================
"""
import re
from xml.sax.saxutils import escape

from .administrative import administrative_pdf
from .layout import plain_text
from .wording import (
    BLANK,
    ID_TYPES,
    Body,
    address_as,
    agency_name,
    agency_place,
    appointment_of,
    appointment_when,
    cap,
    clean,
    contact_sentence,
    dmy,
    frame,
    lines_of,
    mask_id,
    person,
    received_sentence,
    signer_of,
    what_to_complete,
)

#: Quy trình hỗ trợ trực tuyến 2019, Phần I, mục 4.a (HTTT01), word for
#: word
REMINDER_HTTT01 = (
    'Hồ sơ yêu cầu thi hành án trực tuyến chưa phải là căn cứ để thụ lý '
    'thi hành án, chỉ khi đương sự tự mình hoặc ủy quyền cho người khác '
    'yêu cầu thi hành án bằng hình thức trực tiếp nộp đơn hoặc trình bày '
    'bằng lời nói hoặc gửi đơn qua bưu điện kèm theo bản án, quyết định và '
    'tài liệu khác có liên quan mới là cơ sở để ra quyết định thi hành án.')
#: the same principle for a request to confirm enforcement results
REMINDER_HTTT03 = (
    'Hồ sơ yêu cầu xác nhận kết quả thi hành án trực tuyến chưa phải là căn '
    'cứ để xác nhận kết quả thi hành án; việc xác nhận chỉ được thực hiện '
    'sau khi cơ quan thi hành án dân sự tiếp nhận và đối chiếu hồ sơ gốc do '
    'đương sự nộp trực tiếp hoặc gửi qua bưu điện.')

DEFAULT_RECIPIENTS = ('Như trên', 'Lưu: VT, hồ sơ')


def _notice(values, subtitle, body, signer='CÁN BỘ TIẾP NHẬN'):
    """The frame of the notices: Kính gửi, one signer (``signer_title``,
    default ``signer``) and Nơi nhận."""
    applicant = values.get('applicant') or {}
    recipients = values.get('recipients')
    if recipients is None:
        recipients = DEFAULT_RECIPIENTS
    doc = frame(values, 'THÔNG BÁO', subtitle,
                 [signer_of(values, signer)])
    doc['addressee'] = clean(values.get('addressee')) or person(applicant)
    doc['recipients'] = recipients
    return administrative_pdf(doc, body.flow)


def _reminder(procedure):
    """The legal reminder of the Quy trình hỗ trợ trực tuyến 2019, mục 4.a,
    for the procedure, or None."""
    if procedure == 'HTTT03':
        return REMINDER_HTTT03
    if procedure in (None, '', 'HTTT01'):
        return REMINDER_HTTT01
    return None


def _appointment_fields(b, values, appt, label, officer):
    """'1. Thời gian', '2. Địa điểm' (default: the agency's address) and
    '3. <label>: <officer>; số điện thoại: …' (default ``agency_phone``)
    of an appointment; a dotted blank for a missing time or officer."""
    b.field('1. Thời gian', appointment_when(appt), blank=True)
    b.field('2. Địa điểm', clean(appt.get('place')) or agency_place(values))
    contact = clean(appt.get('contact')) or clean(values.get('agency_phone'))
    b.rich('3. %s: <b>%%s</b>' % escape(label) + (
        '; số điện thoại: <b>%s</b>' if contact else '%s'),
        clean(officer) or BLANK, contact, style='line')


def _paragraphs(value):
    """The paragraphs of a long text: split on blank lines, each keeping
    its own line breaks."""
    text = plain_text(value).replace('\r\n', '\n').replace('\r', '\n')
    return [p.strip() for p in re.split(r'\n\s*\n', text) if p.strip()]


# --- The notices -----------------------------------------------------------

def appointment_notice(values):
    """THÔNG BÁO Về việc tiếp nhận hồ sơ và hẹn ngày làm việc: the online
    request (HTTT01/HTTT03) is complete and valid (Đầy đủ, hợp lệ); the
    citizen is asked to bring the originals.

    Keys, besides the common ones: ``submitted`` (date of the online
    request; or ``received``), ``appointment`` (dict: ``date`` (date or datetime),
    ``time`` (time or text), ``place`` (default: the agency's address),
    ``officer`` (whom to meet; default ``officer``), ``contact`` (phone;
    default ``agency_phone``)), ``documents`` (names of the files attached
    online), ``message`` (the officer's opinion, optional).
    ``signer_title`` defaults to 'CÁN BỘ TIẾP NHẬN'.
    """
    applicant = values.get('applicant') or {}
    you = address_as(applicant, True)
    appt = appointment_of(values.get('appointment'))
    procedure = values.get('procedure')
    b = Body()
    b.para(received_sentence(values, applicant) + ' Sau khi kiểm tra, hồ '
           'sơ đã đầy đủ, hợp lệ. Đề nghị %s đến làm việc để nộp hồ sơ trực '
           'tiếp (hoặc gửi hồ sơ qua đường bưu điện) theo lịch hẹn sau:'
           % you)
    _appointment_fields(b, values, appt, 'Cán bộ tiếp nhận',
                        clean(appt.get('officer'))
                        or clean(values.get('officer')))
    b.heading('4. Hồ sơ cần mang theo:')
    if procedure == 'HTTT03':
        application = 'Bản gốc đơn yêu cầu xác nhận kết quả thi hành án'
    else:
        application = 'Bản gốc đơn yêu cầu thi hành án'
    b.items([application + ' (có chữ ký hoặc điểm chỉ của người yêu cầu), '
             'đúng với nội dung đã gửi trực tuyến;'], style='sub')
    documents = lines_of(values.get('documents'))
    if documents:
        b.items(['Bản chính hoặc bản sao có chứng thực của các tài liệu đã '
                 'gửi kèm hồ sơ trực tuyến: %s;' % '; '.join(
                     '(%d) %s' % (n, d) for n, d in enumerate(documents, 1))],
                style='sub')
    b.items(['Giấy tờ tùy thân (căn cước công dân, chứng minh nhân dân '
             'hoặc hộ chiếu) của người nộp hồ sơ; giấy ủy quyền nếu nộp '
             'thay.'], style='sub')
    if clean(values.get('message')):
        b.field('5. Ý kiến của cán bộ tiếp nhận', values['message'])
    reminder = _reminder(procedure)
    if reminder:
        b.rich('<b><i>Lưu ý:</i></b> <i>%s</i>', reminder)
    b.para('Trường hợp không thể đến theo lịch hẹn, đề nghị %s liên hệ '
           'trước với cán bộ tiếp nhận để được hẹn lại. %s thông báo để %s '
           'biết và thực hiện./.' % (you, cap(agency_name(values)), you))
    return _notice(values, 'Về việc tiếp nhận hồ sơ và hẹn ngày làm việc',
                   b)

def supplement_notice(values):
    """THÔNG BÁO Hướng dẫn bổ sung, sửa đổi hồ sơ: the online request is
    not yet complete; what to change and how to do it online.

    Keys, besides the common ones: ``submitted``, ``items`` (list of what
    to supplement or correct), ``message`` (the officer's guidance text),
    ``deadline`` (date, optional), ``contact`` (phone; default
    ``agency_phone``). The applicant's ``id_type`` and ``id_number`` name
    the document asked for when the dossier is opened (the number
    masked). ``signer_title`` defaults to 'CÁN BỘ TIẾP NHẬN'.
    """
    applicant = values.get('applicant') or {}
    you = address_as(applicant, True)
    b = Body()
    b.para(received_sentence(values, applicant))
    b.para('Qua kiểm tra, hồ sơ chưa đầy đủ, hợp lệ. Đề nghị %s bổ sung, '
           'sửa đổi hồ sơ theo hướng dẫn sau:' % you)
    what_to_complete(b, values)
    if values.get('deadline'):
        b.rich('Thời hạn bổ sung, sửa đổi: trước ngày <b>%s</b>.',
               dmy(values['deadline']))
    b.heading('Cách bổ sung hồ sơ trực tuyến:')
    url = clean(values.get('lookup_url'))
    if url:
        b.rich('- Truy cập trang Tra cứu hồ sơ: <b>%s</b>;', url,
               style='sub')
    else:
        b.items(['Truy cập mục TRA CỨU HỒ SƠ của Phần mềm hỗ trợ trực '
                 'tuyến thi hành án dân sự;'], style='sub')
    code = clean(values.get('code'))
    b.rich('- Nhập mã hồ sơ <b>%s</b>, chọn đơn vị %s và chọn Tra cứu;',
           code or BLANK, agency_name(values), style='sub')
    kind = ID_TYPES.get(applicant.get('id_type'),
                        'CMND/CCCD/hộ chiếu')
    masked = mask_id(applicant.get('id_number'))
    b.items(['Nhập số %s đã khai báo khi nộp hồ sơ%s và chọn Tiếp tục;' % (
                kind, ' (%s)' % masked if masked else ''),
             'Chọn Bổ sung hồ sơ, cập nhật thông tin và tài liệu theo '
             'hướng dẫn trên, sau đó gửi lại hồ sơ.'], style='sub')
    b.para('Sau khi hồ sơ được bổ sung đầy đủ, hợp lệ, %s sẽ thông báo lịch '
           'hẹn để %s nộp hồ sơ trực tiếp.' % (agency_name(values), you))
    contact = contact_sentence(values, you, values.get('officer'),
                                values.get('contact'))
    if contact:
        b.para(contact)
    b.para('%s thông báo để %s biết và thực hiện./.' % (
        cap(agency_name(values)), you))
    return _notice(values, 'Hướng dẫn bổ sung, sửa đổi hồ sơ', b)


def refusal_notice(values):
    """THÔNG BÁO Về việc từ chối hỗ trợ trực tuyến.

    Keys, besides the common ones: ``submitted``, ``reason`` (e.g. 'Không
    thuộc thẩm quyền thi hành án', 'Người yêu cầu không có quyền yêu cầu
    thi hành án'), ``legal_basis`` (optional, e.g. 'khoản 5 Điều 31 Luật
    Thi hành án dân sự'), ``message`` (the officer's opinion),
    ``guidance`` (where the citizen may turn, optional), ``contact``
    (phone; default ``agency_phone``). ``signer_title`` defaults to 'CÁN
    BỘ TIẾP NHẬN'.
    """
    applicant = values.get('applicant') or {}
    you = address_as(applicant, True)
    b = Body()
    b.para(received_sentence(values, applicant))
    basis = clean(values.get('legal_basis'))
    b.para('Sau khi kiểm tra, %s từ chối hỗ trợ trực tuyến đối với hồ sơ '
           'nêu trên%s.' % (agency_name(values),
                            ' theo quy định tại %s' % basis if basis else ''))
    b.rich('<b>Lý do:</b> %s', clean(values.get('reason')) or BLANK)
    if clean(values.get('message')):
        b.rich('<b>Ý kiến của cán bộ tiếp nhận:</b> %s', values['message'])
    if clean(values.get('guidance')):
        b.rich('<b>Hướng dẫn:</b> %s', values['guidance'])
    contact = contact_sentence(values, you, values.get('officer'),
                                values.get('contact'))
    if contact:
        b.para(contact)
    b.para('%s thông báo để %s biết./.' % (cap(agency_name(values)), you))
    return _notice(values, 'Về việc từ chối hỗ trợ trực tuyến', b)


# --- The petition notices (HTTT02) -----------------------------------------
# Quyết định 11/QĐ-TCTHADS, procedure table 2 (Bước 3-5) and the Quy
# trình hỗ trợ trực tuyến 2019, Phần II.2: a petition within the agency's
# jurisdiction is answered in writing (and the petitioner may be given an
# appointment); one for another body is forwarded there, the petitioner
# being told and guided; one repeating a petition already forwarded,
# guided or answered, or sent to several bodies among which the competent
# one, is kept on file (lưu đơn) and the petitioner told so. The leader of
# the agency signs these answers.

#: the default signer of the petition notices
LEADER = 'THỦ TRƯỞNG CƠ QUAN'
#: archive_notice's grounds
REPEATED = 'repeated'
SEVERAL_BODIES = 'several_bodies'


def _petition_kind(values):
    """'kiến nghị' from ``petition_kind`` 'Kiến nghị' (inside a
    sentence); 'kiến nghị, phản ánh' when not given."""
    kind = clean(values.get('petition_kind')) or 'kiến nghị, phản ánh'
    return kind[:1].lower() + kind[1:]


def _petition_opening(b, values, applicant):
    """'<Agency> đã nhận được đơn kiến nghị của Ông/Bà … (mã hồ sơ …) gửi
    ngày … về thủ tục: …', then the petition's summary when given."""
    b.para(received_sentence(values, applicant,
                              'đơn %s' % _petition_kind(values)))
    if clean(values.get('summary')):
        b.rich('<b>Nội dung đơn:</b> %s', clean(values['summary']))


def _message(b, values):
    """``message`` paragraph by paragraph (split on blank lines)."""
    for paragraph in _paragraphs(values.get('message')):
        b.para(paragraph)


def petition_reply(values):
    """THÔNG BÁO Về việc trả lời đơn kiến nghị, phản ánh: the petition is
    within the agency's jurisdiction and this is its answer; the
    petitioner may be invited to a meeting (Quyết định 11/QĐ-TCTHADS,
    Bước 5: "gửi thông báo đặt lịch hẹn đương sự").

    Keys, besides the common ones: ``petition_kind`` (e.g. 'Kiến nghị',
    'Phản ánh', 'Đề nghị'; default 'kiến nghị, phản ánh': it names the
    petition in the subtitle and the text), ``submitted``, ``summary``
    (what the petition asks, optional), ``message`` (required: the
    answer, several paragraphs separated by blank lines), ``appointment``
    (optional dict: ``date`` (date, datetime or text), ``time``,
    ``place`` (default: the agency's address), ``officer`` (whom to meet),
    ``contact`` (phone; default ``agency_phone``)), ``contact`` (phone
    for questions when there is no appointment; default
    ``agency_phone``). ``signer_title`` defaults to 'THỦ TRƯỞNG CƠ QUAN'.
    """
    applicant = values.get('applicant') or {}
    you = address_as(applicant, True)
    appt = appointment_of(values.get('appointment'))
    b = Body()
    _petition_opening(b, values, applicant)
    b.para('Sau khi xem xét nội dung đơn, %s trả lời %s như sau:' % (
        agency_name(values), you))
    if _paragraphs(values.get('message')):
        _message(b, values)
    else:
        b.para(BLANK, style='line')
    if any(clean(appt.get(k)) for k in ('date', 'time', 'place')):
        b.para('Để giải quyết nội dung đơn, đề nghị %s đến làm việc trực '
               'tiếp theo lịch hẹn sau:' % you)
        _appointment_fields(b, values, appt, 'Cán bộ làm việc',
                            appt.get('officer'))
        b.para('Khi đến, đề nghị %s mang theo giấy tờ tùy thân và các tài '
               'liệu liên quan đến nội dung đơn (nếu có). Trường hợp không '
               'thể đến theo lịch hẹn, đề nghị %s liên hệ trước để được hẹn '
               'lại.' % (you, you))
        closing = 'biết và thực hiện'
    else:
        contact = contact_sentence(values, you, None, values.get('contact'))
        if contact:
            b.para(contact)
        closing = 'biết'
    b.para('%s thông báo để %s %s./.' % (cap(agency_name(values)), you,
                                          closing))
    return _notice(values, 'Về việc trả lời đơn %s' % _petition_kind(values),
                   b, LEADER)


def forwarding_notice(values):
    """THÔNG BÁO Về việc chuyển đơn: the petition is not within the
    agency's jurisdiction (it does not concern civil judgment enforcement
    or belongs to another body); it was forwarded, with its documents, to
    the competent body, and the petitioner is told whom to turn to.

    Keys, besides the common ones: ``petition_kind``, ``submitted``,
    ``summary`` (as for petition_reply), ``forward_to`` (required: the
    competent body), ``forwarded`` (the date the petition was forwarded;
    default ``date``), ``forward_letter`` (number of the forwarding
    letter, optional), ``message`` (guidance for the petitioner,
    paragraphs separated by blank lines), ``contact`` (phone; default
    ``agency_phone``). ``signer_title`` defaults to 'THỦ TRƯỞNG CƠ QUAN'.
    """
    applicant = values.get('applicant') or {}
    you = address_as(applicant, True)
    forward_to = clean(values.get('forward_to')) or BLANK
    b = Body()
    _petition_opening(b, values, applicant)
    b.para('Sau khi xem xét, nội dung đơn không thuộc thẩm quyền giải quyết '
           'của %s.' % agency_name(values))
    forwarded = values.get('forwarded') or values.get('date')
    letter = clean(values.get('forward_letter'))
    b.rich('%s đã chuyển đơn của %s cùng các tài liệu kèm theo (nếu có) '
           'đến <b>%s</b>' + (' theo văn bản số <b>%s</b>' if letter
                              else '%s') +
           ' để xem xét, giải quyết theo thẩm quyền.',
           ('Ngày %s, %s' % (dmy(forwarded), agency_name(values))
            if forwarded else cap(agency_name(values))),
           you, forward_to, letter)
    b.para('Đề nghị %s liên hệ với %s để theo dõi việc giải quyết đơn theo '
           'quy định của pháp luật.' % (you, forward_to))
    _message(b, values)
    contact = contact_sentence(values, you, None, values.get('contact'))
    if contact:
        b.para(contact)
    b.para('%s thông báo để %s biết./.' % (cap(agency_name(values)), you))
    return _notice(values, 'Về việc chuyển đơn', b, LEADER)


def archive_notice(values):
    """THÔNG BÁO Về việc lưu đơn: the petition is kept on file without
    further handling (Quyết định 11/QĐ-TCTHADS, Bước 3; the user manual
    "Hướng dẫn sử dụng phần mềm Hỗ trợ trực tuyến": "lưu đơn và thông
    tin cho đương sự biết"), because it repeats a petition already forwarded,
    guided or answered, or because it was sent to several bodies, the
    competent one among them.

    Keys, besides the common ones: ``petition_kind``, ``submitted``,
    ``summary`` (as for petition_reply), ``ground`` ('repeated' or
    'several_bodies'; default 'several_bodies' when only
    ``competent_body`` is given, 'repeated' otherwise), ``earlier_code``
    and ``earlier_date`` (the earlier petition, optional),
    ``competent_body`` (the competent body the petition was also sent
    to, optional), ``message`` (the explanation, paragraphs separated by
    blank lines), ``contact`` (phone; default ``agency_phone``).
    ``signer_title`` defaults to 'THỦ TRƯỞNG CƠ QUAN'.
    """
    applicant = values.get('applicant') or {}
    you = address_as(applicant, True)
    earlier_code = clean(values.get('earlier_code'))
    earlier_date = values.get('earlier_date')
    competent = clean(values.get('competent_body'))
    ground = values.get('ground')
    if ground not in (REPEATED, SEVERAL_BODIES):
        ground = SEVERAL_BODIES if competent and not (
            earlier_code or earlier_date) else REPEATED
    b = Body()
    _petition_opening(b, values, applicant)
    if ground == REPEATED:
        earlier = 'đơn'
        if earlier_code:
            earlier += ' mã hồ sơ %s' % earlier_code
        if earlier_date:
            earlier += ' gửi ngày %s' % (clean(earlier_date)
                                         if isinstance(earlier_date, str)
                                         else dmy(earlier_date))
        elif not earlier_code:
            earlier += ' đã gửi trước đây'
        b.para('Qua kiểm tra, đơn của %s có cùng nội dung với %s, đã được '
               'chuyển, hướng dẫn, trả lời theo quy định của pháp luật.'
               % (you, earlier))
    else:
        b.para('Qua kiểm tra, đơn của %s được gửi đến nhiều cơ quan, trong '
               'đó có cơ quan có thẩm quyền giải quyết%s.' % (
                   you, ' là %s' % competent if competent else ''))
    b.para('Căn cứ quy định của pháp luật, %s lưu đơn và không tiếp tục xử '
           'lý đơn này.' % agency_name(values))
    _message(b, values)
    contact = contact_sentence(values, you, None, values.get('contact'))
    if contact:
        b.para(contact)
    b.para('%s thông báo để %s biết./.' % (cap(agency_name(values)), you))
    return _notice(values, 'Về việc lưu đơn', b, LEADER)
