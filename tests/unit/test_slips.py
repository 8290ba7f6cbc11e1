"""The printed notices and slips (B11): header of an administrative
document, the details each one must carry, literal user text, the QR code,
long texts over several pages, and the per-agency, per-year numbering."""
import datetime
import io
import re
import unicodedata

import pytest
import transaction
from persistent import Persistent
from pypdf import PdfReader
from ZODB import DB
from ZODB.FileStorage import FileStorage
from ZODB.POSException import ConflictError

from httttha.content.agency import KINDS, Agency
from httttha.printing import notices, numbering, slips
from httttha.printing.numbering import (
    NOTICE,
    RECEIPT,
    SLIP,
    current_number,
    issue_number,
    next_number,
    slip_number,
)

NAME = 'Nguyễn Thị Hương'
OFFICER = 'Trần Văn Bình'
CODE = 'K7Q-4M2-XD9'
URL = 'https://thads.example.vn/tra-cuu?ma=K7Q-4M2-XD9'
PARENT = 'CỤC THI HÀNH ÁN DÂN SỰ THÀNH PHỐ HÀ NỘI'
AGENCY = 'CHI CỤC THI HÀNH ÁN DÂN SỰ QUẬN BA ĐÌNH'
DATE_LINE = 'Ba Đình, ngày 05 tháng 12 năm 2026'
ID_NUMBER = '001190012345'
EVIL = 'Công ty <b>& <i>Cổ phần</i> &amp;'


def _values(**changes):
    values = {
        'parent_title': 'Cục Thi hành án dân sự thành phố Hà Nội',
        'agency_title': 'Chi cục Thi hành án dân sự quận Ba Đình',
        'agency_address': 'Số 8 phố Đội Cấn, phường Đội Cấn, Hà Nội',
        'agency_phone': '024 3823 4567',
        'number': '12/TB-CCTHADS',
        'place': 'Ba Đình',
        'date': datetime.date(2026, 12, 5),
        'code': CODE,
        'lookup_url': URL,
        'procedure': 'HTTT01',
        'procedure_title': 'Hỗ trợ trực tuyến yêu cầu thi hành án dân sự',
        'submitted': datetime.date(2026, 12, 3),
        'applicant': {
            'kind': 'person', 'full_name': NAME,
            'address': 'Số 1 phố Huế, phường Hàng Bài, Hà Nội',
            'phone': '0912 345 678', 'email': 'huong@example.vn',
            'id_type': 'cccd', 'id_number': ID_NUMBER,
        },
        'officer': OFFICER,
    }
    values.update(changes)
    return values


def _reader(pdf):
    assert pdf.startswith(b'%PDF-')
    return PdfReader(io.BytesIO(pdf), strict=True)


def _text(pdf):
    """Extracted text, NFC, whitespace collapsed."""
    raw = '\n'.join(page.extract_text() for page in _reader(pdf).pages)
    return ' '.join(unicodedata.normalize('NFC', raw).split())


def _rects(pdf):
    """How many filled rectangles ('re') all pages draw: each dark module
    of a QR code is one."""
    return sum(len(re.findall(rb'\bre\b', page.get_contents().get_data()))
               for page in _reader(pdf).pages)


def _assert_header(text, number):
    for part in (PARENT, AGENCY, 'Số: ' + number,
                 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
                 'Độc lập - Tự do - Hạnh phúc', DATE_LINE):
        assert part in text, part
    # the parent agency above the issuing one, the number under them
    assert text.index(PARENT) < text.index(AGENCY) < text.index('Số: ')


def _assert_footer(text):
    assert 'Mã hồ sơ: ' + CODE in text
    assert 'Tra cứu hồ sơ tại: ' + URL in text


APPOINTMENT = {'date': datetime.date(2026, 12, 8),
               'time': datetime.time(8, 30),
               'place': 'Phòng tiếp công dân, tầng 1, Số 8 phố Đội Cấn',
               'officer': 'Lê Thu Trang', 'contact': '0987 654 321'}


def test_appointment_notice():
    pdf = notices.appointment_notice(_values(
        appointment=APPOINTMENT,
        documents=['ban-an-so-12.pdf', 'cccd <mat truoc>.jpg'],
        message='Mang theo bản chính bản án ' + EVIL))
    text = _text(pdf)
    _assert_header(text, '12/TB-CCTHADS')
    _assert_footer(text)
    for part in (
            'THÔNG BÁO',
            'Về việc tiếp nhận hồ sơ và hẹn ngày làm việc',
            'Kính gửi: Ông/Bà ' + NAME,
            'về thủ tục: Hỗ trợ trực tuyến yêu cầu thi hành án dân sự',
            'đã đầy đủ, hợp lệ',
            '1. Thời gian: 08 giờ 30 phút, Thứ Ba, ngày 08/12/2026',
            '2. Địa điểm: Phòng tiếp công dân, tầng 1, Số 8 phố Đội Cấn',
            '3. Cán bộ tiếp nhận: Lê Thu Trang; số điện thoại: 0987 654 321',
            'Bản gốc đơn yêu cầu thi hành án',
            '(1) ban-an-so-12.pdf; (2) cccd <mat truoc>.jpg',
            'Mang theo bản chính bản án ' + EVIL,
            # Quy trình hỗ trợ trực tuyến 2019, 4.a
            'Hồ sơ yêu cầu thi hành án trực tuyến chưa phải là căn cứ để '
            'thụ lý thi hành án',
            'Nơi nhận: - Như trên; - Lưu: VT, hồ sơ.',
            'CÁN BỘ TIẾP NHẬN',
            OFFICER):
        assert part in text, part
    assert text.index('Kính gửi') < text.index('1. Thời gian')
    assert text.index('Nơi nhận') < text.rindex(OFFICER)


def test_appointment_notice_for_a_confirmation_request():
    text = _text(notices.appointment_notice(_values(
        procedure='HTTT03',
        procedure_title='Hỗ trợ trực tuyến yêu cầu xác nhận kết quả thi '
                        'hành án dân sự',
        appointment={'date': datetime.datetime(2026, 12, 9, 14, 0)})))
    assert 'Bản gốc đơn yêu cầu xác nhận kết quả thi hành án' in text
    assert 'chưa phải là căn cứ để xác nhận kết quả thi hành án' in text
    assert 'căn cứ để thụ lý thi hành án' not in text
    assert '1. Thời gian: 14 giờ 00 phút, Thứ Tư, ngày 09/12/2026' in text
    # no place given: the agency's own address
    assert ('2. Địa điểm: Trụ sở Chi cục Thi hành án dân sự quận Ba Đình, '
            'Số 8 phố Đội Cấn') in text
    # no officer in the appointment: the signing officer, agency phone
    assert ('3. Cán bộ tiếp nhận: %s; số điện thoại: 024 3823 4567'
            % OFFICER) in text


def test_appointment_as_the_staff_form_gives_it():
    """Time as typed text, the online submission as ``received``."""
    text = _text(notices.appointment_notice(_values(
        submitted=None, received=datetime.datetime(2026, 12, 2, 10, 5),
        appointment={'date': datetime.date(2026, 12, 8), 'time': '8h30',
                     'place': 'Phòng 2', 'officer': '', 'contact': ''})))
    assert 'gửi ngày 02/12/2026' in text
    assert '1. Thời gian: 08 giờ 30 phút, Thứ Ba, ngày 08/12/2026' in text
    text = _text(notices.appointment_notice(_values(appointment={
        'date': datetime.date(2026, 12, 8), 'time': 'buổi sáng'})))
    assert '1. Thời gian: buổi sáng, Thứ Ba, ngày 08/12/2026' in text


def test_appointment_slip_falls_back_to_the_due_date():
    text = _text(slips.appointment_slip(_values(
        appointment=None, due=datetime.date(2026, 12, 14))))
    assert 'Thời gian hẹn trả kết quả: Thứ Hai, ngày 14/12/2026' in text


def test_supplement_notice():
    pdf = notices.supplement_notice(_values(
        items=['Bổ sung bản án số 12/2026/DS-ST', 'Ghi rõ địa chỉ ' + EVIL],
        message='Ảnh chụp bản án bị mờ, đề nghị chụp lại.',
        deadline=datetime.date(2026, 12, 20)))
    text = _text(pdf)
    _assert_header(text, '12/TB-CCTHADS')
    _assert_footer(text)
    for part in (
            'THÔNG BÁO', 'Hướng dẫn bổ sung, sửa đổi hồ sơ',
            'Kính gửi: Ông/Bà ' + NAME,
            'hồ sơ chưa đầy đủ, hợp lệ',
            '1. Bổ sung bản án số 12/2026/DS-ST',
            '2. Ghi rõ địa chỉ ' + EVIL,
            'Ảnh chụp bản án bị mờ, đề nghị chụp lại.',
            'trước ngày 20/12/2026',
            'Cách bổ sung hồ sơ trực tuyến',
            'Truy cập trang Tra cứu hồ sơ: ' + URL,
            'Nhập mã hồ sơ %s' % CODE,
            # the ID number is asked for, but only its end is printed
            'Nhập số căn cước công dân đã khai báo khi nộp hồ sơ '
            '(*********345)',
            'Chọn Bổ sung hồ sơ',
            'Trường hợp có vướng mắc, Ông/Bà liên hệ cán bộ %s, số điện '
            'thoại 024 3823 4567' % OFFICER,
            'CÁN BỘ TIẾP NHẬN'):
        assert part in text, part
    assert ID_NUMBER not in text


def test_refusal_notice():
    pdf = notices.refusal_notice(_values(
        reason='Không thuộc thẩm quyền thi hành án',
        legal_basis='khoản 5 Điều 31 Luật Thi hành án dân sự',
        message='Bản án do Tòa án nhân dân tỉnh Phú Thọ xét xử ' + EVIL,
        guidance='Đề nghị Ông/Bà gửi yêu cầu đến Cục Thi hành án dân sự '
                 'tỉnh Phú Thọ.',
        signer_title='Chi cục trưởng', officer='Phạm Quốc Huy'))
    text = _text(pdf)
    _assert_header(text, '12/TB-CCTHADS')
    _assert_footer(text)
    for part in (
            'THÔNG BÁO', 'Về việc từ chối hỗ trợ trực tuyến',
            'Kính gửi: Ông/Bà ' + NAME,
            'từ chối hỗ trợ trực tuyến đối với hồ sơ nêu trên theo quy '
            'định tại khoản 5 Điều 31 Luật Thi hành án dân sự',
            'Lý do: Không thuộc thẩm quyền thi hành án',
            'Ý kiến của cán bộ tiếp nhận: Bản án do Tòa án nhân dân tỉnh '
            'Phú Thọ xét xử ' + EVIL,
            'Hướng dẫn: Đề nghị Ông/Bà gửi yêu cầu đến Cục Thi hành án dân '
            'sự tỉnh Phú Thọ.',
            'thông báo để Ông/Bà biết./.',
            'Nơi nhận:',
            # the signer's title is printed in upper case
            'CHI CỤC TRƯỞNG', 'Phạm Quốc Huy'):
        assert part in text, part


def test_refusal_notice_to_an_organisation_without_guidance():
    applicant = {'kind': 'organisation', 'full_name': 'Công ty TNHH An Phát',
                 'representative': 'Đỗ Minh Tâm'}
    text = _text(notices.refusal_notice(_values(
        applicant=applicant,
        reason='Người yêu cầu không có quyền yêu cầu thi hành án',
        recipients=['Như trên', 'Cục THADS TP Hà Nội (để b/c)',
                    'Lưu: VT, hồ sơ'])))
    assert 'Kính gửi: Công ty TNHH An Phát' in text
    assert 'Ông/Bà' not in text
    assert 'quý cơ quan, tổ chức biết./.' in text
    assert ('Lý do: Người yêu cầu không có quyền yêu cầu thi hành án'
            in text)
    assert 'Hướng dẫn:' not in text
    assert ('Nơi nhận: - Như trên; - Cục THADS TP Hà Nội (để b/c); '
            '- Lưu: VT, hồ sơ.') in text


def test_appointment_slip():
    pdf = slips.appointment_slip(_values(
        number='3/PH-CCTHADS',
        documents=[('Đơn yêu cầu thi hành án', '01 bản chính'),
                   ('Bản án số 12/2026/DS-ST', 2),
                   'Giấy ủy quyền ' + EVIL],
        received=datetime.datetime(2026, 12, 5, 9, 15),
        appointment={'date': datetime.datetime(2026, 12, 12, 14, 0),
                     'officer': 'Lê Thu Trang',
                     'contact': '0987 654 321'},
        duration='05 ngày làm việc'))
    assert len(_reader(pdf).pages) == 1
    text = _text(pdf)
    _assert_header(text, '3/PH-CCTHADS')
    _assert_footer(text)
    for part in (
            'PHIẾU HẸN TIẾP NHẬN VÀ TRẢ HỒ SƠ',
            'đã tiếp nhận hồ sơ của: Ông/Bà: ' + NAME,
            'Số căn cước công dân: *********345',
            'Nội dung yêu cầu giải quyết: Hỗ trợ trực tuyến yêu cầu thi '
            'hành án dân sự',
            'STT Tên giấy tờ, tài liệu Số lượng',
            '1 Đơn yêu cầu thi hành án 01 bản chính',
            '2 Bản án số 12/2026/DS-ST 02',
            '3 Giấy ủy quyền ' + EVIL,
            '2. Thời hạn giải quyết theo quy định: 05 ngày làm việc',
            '3. Thời gian nhận hồ sơ: 09 giờ 15 phút, Thứ Bảy, ngày '
            '05/12/2026',
            '4. Thời gian hẹn trả kết quả: 14 giờ 00 phút, Thứ Bảy, ngày '
            '12/12/2026',
            '5. Nơi trả kết quả: Trụ sở Chi cục Thi hành án dân sự quận Ba '
            'Đình',
            'Cán bộ trả kết quả: Lê Thu Trang',
            'NGƯỜI NỘP HỒ SƠ', 'NGƯỜI TIẾP NHẬN'):
        assert part in text, part
    assert ID_NUMBER not in text
    # the citizen signs on the left, the officer on the right
    assert text.index('NGƯỜI NỘP HỒ SƠ') < text.index('NGƯỜI TIẾP NHẬN')
    assert text.rindex(NAME) < text.rindex(OFFICER)
    # a slip has neither addressee nor Nơi nhận
    assert 'Kính gửi' not in text and 'Nơi nhận' not in text


def test_appointment_slip_with_names_only_and_a_date():
    text = _text(slips.appointment_slip(_values(
        documents=['Đơn yêu cầu', 'Bản án'],
        received=datetime.datetime(2026, 12, 5, 9, 15),
        appointment=datetime.date(2026, 12, 14))))
    assert '1 Đơn yêu cầu 2 Bản án' in text
    assert '2. Thời gian nhận hồ sơ' in text
    assert '3. Thời gian hẹn trả kết quả: Thứ Hai, ngày 14/12/2026' in text


def test_guidance_slip():
    pdf = slips.guidance_slip(_values(
        number='4/PH-CCTHADS',
        received=datetime.date(2026, 12, 5),
        items=['Thiếu bản án có hiệu lực pháp luật',
               'Đơn chưa có chữ ký ' + EVIL],
        message='Nộp bổ sung tại bộ phận một cửa.',
        legal_basis=['Luật Thi hành án dân sự năm 2008, sửa đổi, bổ sung '
                     'năm 2014']))
    text = _text(pdf)
    _assert_header(text, '4/PH-CCTHADS')
    _assert_footer(text)
    for part in (
            'PHIẾU HƯỚNG DẪN HOÀN THIỆN HỒ SƠ',
            'Căn cứ Luật Thi hành án dân sự năm 2008, sửa đổi, bổ sung năm '
            '2014;',
            'nhận được hồ sơ ngày 05/12/2026 của: Ông/Bà: ' + NAME,
            'hồ sơ chưa đầy đủ, hợp lệ',
            '1. Thiếu bản án có hiệu lực pháp luật',
            '2. Đơn chưa có chữ ký ' + EVIL,
            'Nộp bổ sung tại bộ phận một cửa.',
            'bằng mã hồ sơ %s' % CODE,
            'NGƯỜI HƯỚNG DẪN', '(Ký, ghi rõ họ tên)', OFFICER):
        assert part in text, part
    assert text.index('Căn cứ') < text.index('nhận được hồ sơ')


def test_originals_receipt():
    pdf = slips.originals_receipt(_values(
        number='1/BN-CCTHADS',
        checklist=[('Đơn yêu cầu thi hành án', True, ''),
                   ('Bản án số 12/2026/DS-ST', True, 'Bản sao có chứng thực'),
                   ('Giấy ủy quyền', False, 'Thiếu chữ ký ' + EVIL)],
        received=datetime.datetime(2026, 12, 8, 8, 45),
        channel='direct',
        next_step='Chuyển hồ sơ sang bộ phận thụ lý để trình Chi cục '
                  'trưởng ra quyết định thi hành án.'))
    assert len(_reader(pdf).pages) == 1
    text = _text(pdf)
    _assert_header(text, '1/BN-CCTHADS')
    _assert_footer(text)
    for part in (
            'GIẤY BIÊN NHẬN HỒ SƠ GỐC',
            'đã nhận hồ sơ gốc của: Ông/Bà: ' + NAME,
            'Mã hồ sơ trực tuyến: ' + CODE,
            'Thời gian nhận: 08 giờ 45 phút, Thứ Ba, ngày 08/12/2026',
            'Hình thức nộp: Nộp trực tiếp tại cơ quan thi hành án dân sự',
            '1 Đơn yêu cầu thi hành án Khớp',
            '2 Bản án số 12/2026/DS-ST Khớp Bản sao có chứng thực',
            '3 Giấy ủy quyền Không khớp Thiếu chữ ký ' + EVIL,
            'Có 01 giấy tờ, tài liệu chưa khớp',
            'Bước tiếp theo: Chuyển hồ sơ sang bộ phận thụ lý',
            'NGƯỜI NỘP HỒ SƠ', 'NGƯỜI TIẾP NHẬN', OFFICER):
        assert part in text, part


def test_originals_receipt_all_matched_by_post():
    text = _text(slips.originals_receipt(_values(
        checklist=[('Đơn yêu cầu', True, None), ('Bản án', True, None)],
        received=datetime.datetime(2026, 12, 8, 8, 45), channel='post')))
    assert 'Hình thức nộp: Gửi qua đường bưu điện' in text
    assert 'Hồ sơ gốc khớp với hồ sơ đã gửi trực tuyến.' in text
    assert 'chưa khớp' not in text


# --- Petitions (HTTT02) ----------------------------------------------------

PETITION = 'Hỗ trợ trực tuyến tiếp nhận phản ánh, kiến nghị về thi hành án '\
    'dân sự'
EARLIER = 'P3R-8T6-WN2'


def _petition(**changes):
    values = _values(procedure='HTTT02', procedure_title=PETITION,
                     petition_kind='Kiến nghị')
    values.update(changes)
    return values


def test_paragraphs_split_on_blank_lines():
    assert notices._paragraphs('Một\n\n \nHai\nba\r\n\r\nBốn\n') == [
        'Một', 'Hai\nba', 'Bốn']
    assert notices._paragraphs(None) == notices._paragraphs(' \n ') == []


def test_petition_reply():
    pdf = notices.petition_reply(_petition(
        summary='Đề nghị đẩy nhanh việc thi hành Bản án số 12/2026/DS-ST',
        message='Ngày 20/11/2026, Chấp hành viên đã xác minh điều kiện thi '
                'hành án ' + EVIL + '.\n\nCơ quan thi hành án sẽ tiếp tục '
                'tổ chức thi hành theo quy định.',
        appointment={'date': datetime.date(2026, 12, 10), 'time': '9h00',
                     'place': 'Phòng tiếp công dân, Số 8 phố Đội Cấn',
                     'officer': 'Lê Thu Trang', 'contact': '0987 654 321'},
        officer='Phạm Quốc Huy'))
    text = _text(pdf)
    _assert_header(text, '12/TB-CCTHADS')
    _assert_footer(text)
    for part in (
            'THÔNG BÁO', 'Về việc trả lời đơn kiến nghị',
            'Kính gửi: Ông/Bà ' + NAME,
            'đã nhận được đơn kiến nghị của Ông/Bà %s (mã hồ sơ: %s) gửi '
            'ngày 03/12/2026 về thủ tục: %s.' % (NAME, CODE, PETITION),
            'Nội dung đơn: Đề nghị đẩy nhanh việc thi hành Bản án số '
            '12/2026/DS-ST',
            'trả lời Ông/Bà như sau:',
            'Chấp hành viên đã xác minh điều kiện thi hành án ' + EVIL + '.',
            'Cơ quan thi hành án sẽ tiếp tục tổ chức thi hành',
            # Quyết định 11/QĐ-TCTHADS, Bước 5: the petitioner is given an appointment
            'đến làm việc trực tiếp theo lịch hẹn sau:',
            '1. Thời gian: 09 giờ 00 phút, Thứ Năm, ngày 10/12/2026',
            '2. Địa điểm: Phòng tiếp công dân, Số 8 phố Đội Cấn',
            '3. Cán bộ làm việc: Lê Thu Trang; số điện thoại: 0987 654 321',
            'thông báo để Ông/Bà biết và thực hiện./.',
            'Nơi nhận: - Như trên; - Lưu: VT, hồ sơ.',
            # signed by the leader, not the desk officer
            'THỦ TRƯỞNG CƠ QUAN', 'Phạm Quốc Huy'):
        assert part in text, part
    assert 'CÁN BỘ TIẾP NHẬN' not in text
    assert ID_NUMBER not in text
    # the reminder of HTTT01 is not printed on a petition
    assert 'chưa phải là căn cứ' not in text
    assert (text.index('Nội dung đơn') < text.index('như sau:')
            < text.index('Chấp hành viên') < text.index('Cơ quan thi hành')
            < text.index('1. Thời gian') < text.index('Nơi nhận'))


def test_petition_reply_without_appointment():
    applicant = {'kind': 'organisation', 'full_name': 'Công ty TNHH An Phát'}
    text = _text(notices.petition_reply(_petition(
        applicant=applicant, petition_kind=None,
        message='Nội dung phản ánh đã được xem xét.',
        appointment={'date': None, 'time': '', 'place': ''},
        signer_title='KT. CHI CỤC TRƯỞNG\nPHÓ CHI CỤC TRƯỞNG')))
    for part in (
            'Về việc trả lời đơn kiến nghị, phản ánh',
            'Kính gửi: Công ty TNHH An Phát',
            'đã nhận được đơn kiến nghị, phản ánh của Công ty TNHH An Phát',
            'trả lời quý cơ quan, tổ chức như sau: Nội dung phản ánh đã '
            'được xem xét.',
            'Trường hợp có vướng mắc, quý cơ quan, tổ chức liên hệ Chi cục '
            'Thi hành án dân sự quận Ba Đình, số điện thoại 024 3823 4567',
            'thông báo để quý cơ quan, tổ chức biết./.',
            'KT. CHI CỤC TRƯỞNG PHÓ CHI CỤC TRƯỞNG', OFFICER):
        assert part in text, part
    assert 'lịch hẹn' not in text and 'Thời gian' not in text
    assert 'THỦ TRƯỞNG CƠ QUAN' not in text
    assert 'Nội dung đơn:' not in text


def test_petition_appointment_given_as_text():
    text = _text(notices.petition_reply(_petition(
        message='Mời Ông/Bà đến làm việc.',
        appointment={'date': '2026-12-08', 'time': '14:00'})))
    assert '1. Thời gian: 14 giờ 00 phút, Thứ Ba, ngày 08/12/2026' in text
    # no place: the agency's address; no officer: a blank to fill in
    assert ('2. Địa điểm: Trụ sở Chi cục Thi hành án dân sự quận Ba Đình, '
            'Số 8 phố Đội Cấn') in text
    assert ('3. Cán bộ làm việc: ............; số điện thoại: 024 3823 '
            '4567') in text
    text = _text(notices.petition_reply(_petition(
        message='x', appointment={'date': '08/12/2026'})))
    assert '1. Thời gian: Thứ Ba, ngày 08/12/2026' in text
    text = _text(notices.petition_reply(_petition(
        message='x', appointment={'date': 'sáng thứ Ba tuần sau'})))
    assert '1. Thời gian: sáng thứ Ba tuần sau' in text


def test_forwarding_notice():
    pdf = notices.forwarding_notice(_petition(
        petition_kind='Phản ánh',
        forward_to='Ủy ban nhân dân phường ' + EVIL,
        forward_letter='35/CCTHADS-VP',
        message='Nội dung đơn liên quan đến tranh chấp đất đai, thuộc thẩm '
                'quyền của chính quyền địa phương.\n\nĐề nghị Ông/Bà theo '
                'dõi kết quả giải quyết ' + EVIL + '.'))
    text = _text(pdf)
    _assert_header(text, '12/TB-CCTHADS')
    _assert_footer(text)
    for part in (
            'THÔNG BÁO', 'Về việc chuyển đơn',
            'Kính gửi: Ông/Bà ' + NAME,
            'đã nhận được đơn phản ánh của Ông/Bà %s (mã hồ sơ: %s)'
            % (NAME, CODE),
            'nội dung đơn không thuộc thẩm quyền giải quyết của Chi cục Thi '
            'hành án dân sự quận Ba Đình.',
            'Ngày 05/12/2026, Chi cục Thi hành án dân sự quận Ba Đình đã '
            'chuyển đơn của Ông/Bà cùng các tài liệu kèm theo (nếu có) đến '
            'Ủy ban nhân dân phường %s theo văn bản số 35/CCTHADS-VP để xem '
            'xét, giải quyết theo thẩm quyền.' % EVIL,
            'Đề nghị Ông/Bà liên hệ với Ủy ban nhân dân phường ' + EVIL,
            'thuộc thẩm quyền của chính quyền địa phương.',
            'theo dõi kết quả giải quyết %s.' % EVIL,
            'thông báo để Ông/Bà biết./.',
            'THỦ TRƯỞNG CƠ QUAN', OFFICER):
        assert part in text, part
    assert 'lịch hẹn' not in text


def test_forwarding_notice_on_another_day_without_letter():
    text = _text(notices.forwarding_notice(_petition(
        forward_to='Tòa án nhân dân quận Ba Đình',
        forwarded=datetime.date(2026, 12, 4), signer_title='Chi cục trưởng')))
    assert ('Ngày 04/12/2026, Chi cục Thi hành án dân sự quận Ba Đình đã '
            'chuyển đơn') in text
    assert ('đến Tòa án nhân dân quận Ba Đình để xem xét, giải quyết theo '
            'thẩm quyền.') in text
    assert 'văn bản số' not in text
    assert 'CHI CỤC TRƯỞNG' in text


def test_archive_notice():
    pdf = notices.archive_notice(_petition(
        earlier_code=EARLIER, earlier_date=datetime.date(2026, 10, 1),
        message='Đơn ngày 01/10/2026 đã được trả lời bằng Thông báo số '
                '7/TB-CCTHADS ' + EVIL + '.'))
    text = _text(pdf)
    _assert_header(text, '12/TB-CCTHADS')
    _assert_footer(text)
    for part in (
            'THÔNG BÁO', 'Về việc lưu đơn',
            'Kính gửi: Ông/Bà ' + NAME,
            'đã nhận được đơn kiến nghị của Ông/Bà %s (mã hồ sơ: %s)'
            % (NAME, CODE),
            'có cùng nội dung với đơn mã hồ sơ %s gửi ngày 01/10/2026, đã '
            'được chuyển, hướng dẫn, trả lời theo quy định của pháp luật.'
            % EARLIER,
            'Chi cục Thi hành án dân sự quận Ba Đình lưu đơn và không tiếp '
            'tục xử lý đơn này.',
            'Thông báo số 7/TB-CCTHADS ' + EVIL,
            'thông báo để Ông/Bà biết./.',
            'THỦ TRƯỞNG CƠ QUAN', OFFICER):
        assert part in text, part
    assert 'nhiều cơ quan' not in text


def test_archive_notice_of_a_petition_sent_to_several_bodies():
    text = _text(notices.archive_notice(_petition(
        competent_body='Cục Thi hành án dân sự thành phố Hà Nội')))
    assert ('đơn của Ông/Bà được gửi đến nhiều cơ quan, trong đó có cơ quan '
            'có thẩm quyền giải quyết là Cục Thi hành án dân sự thành phố '
            'Hà Nội.') in text
    assert 'cùng nội dung' not in text
    # nothing known of the earlier petition: said so without a code
    text = _text(notices.archive_notice(_petition()))
    assert 'có cùng nội dung với đơn đã gửi trước đây' in text


def test_long_petition_reply_runs_over_pages():
    words = 'việc thi hành án đã được tổ chức theo đúng quy định; '
    message = '\n\n'.join('Đoạn %d. %s' % (n, words * 12)
                          for n in range(1, 31))
    pdf = notices.petition_reply(_petition(
        message=message, appointment={'date': datetime.date(2026, 12, 10),
                                      'place': 'Phòng 2'}))
    pages = _reader(pdf).pages
    assert len(pages) >= 3
    text = _text(pdf)
    assert 'Đoạn 1. ' in text and 'Đoạn 30. ' in text
    assert text.index('Đoạn 30.') < text.index('2. Địa điểm: Phòng 2')
    assert 'Trang %d/%d' % (len(pages), len(pages)) in text
    last = unicodedata.normalize('NFC', pages[-1].extract_text())
    assert OFFICER in last and 'THỦ TRƯỞNG CƠ QUAN' in last
    for page in pages:
        assert CODE in page.extract_text()


BUILDERS = [
    (notices.appointment_notice, {'appointment': APPOINTMENT}),
    (notices.supplement_notice, {'message': 'Bổ sung bản án.'}),
    (notices.refusal_notice, {'reason': 'Không thuộc thẩm quyền'}),
    (slips.appointment_slip, {'documents': ['Đơn']}),
    (slips.guidance_slip, {'items': ['Thiếu bản án']}),
    (slips.originals_receipt, {'checklist': [('Đơn', True, '')]}),
    (notices.petition_reply, {'message': 'Trả lời đơn.'}),
    (notices.forwarding_notice, {'forward_to': 'Tòa án nhân dân quận Ba Đình'}),
    (notices.archive_notice, {'earlier_code': 'P3R-8T6-WN2'}),
]
IDS = [b.__name__ for b, _v in BUILDERS]


@pytest.mark.parametrize('builder,extra', BUILDERS, ids=IDS)
def test_qr_code_only_with_a_lookup_url(builder, extra):
    with_qr = builder(_values(**extra))
    without = builder(_values(lookup_url=None, **extra))
    assert _rects(with_qr) - _rects(without) > 100
    text = _text(without)
    assert 'Tra cứu hồ sơ tại' not in text
    assert 'Mã hồ sơ: ' + CODE in text  # the code stays
    # the code depends on the URL
    other = builder(_values(lookup_url=URL + '&x=1', **extra))
    assert other != with_qr


@pytest.mark.parametrize('builder,extra', BUILDERS, ids=IDS)
def test_long_message_runs_over_pages(builder, extra):
    words = 'người phải thi hành án chưa tự nguyện thi hành nghĩa vụ; '
    long = (words * 120) + 'HẾT-NỘI-DUNG'
    values = _values(**extra)
    values.update(message=long, items=[long], next_step=long)
    pdf = builder(values)
    pages = _reader(pdf).pages
    assert len(pages) >= 2
    text = _text(pdf)
    assert 'HẾT-NỘI-DUNG' in text
    assert 'Trang 1/%d' % len(pages) in text
    assert 'Trang %d/%d' % (len(pages), len(pages)) in text
    # the header once, on the first page; the signer on the last one
    assert text.count('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM') == 1
    last = unicodedata.normalize('NFC', pages[-1].extract_text())
    assert OFFICER in last
    # every page names its dossier
    for page in pages:
        assert CODE in page.extract_text()


@pytest.mark.parametrize('builder,extra', BUILDERS, ids=IDS)
def test_minimal_values_render(builder, extra):
    """Only the agency and the applicant's name: blanks, no crash."""
    pdf = builder({'agency_title': 'Tổng cục Thi hành án dân sự',
                   'applicant': {'full_name': NAME}})
    text = _text(pdf)
    assert 'TỔNG CỤC THI HÀNH ÁN DÂN SỰ' in text
    assert '..........., ngày ..... tháng ..... năm .......' in text
    assert 'Số: .......' in text
    assert NAME in text
    assert 'Mã hồ sơ' not in text


def test_general_department_has_no_parent_line():
    text = _text(notices.refusal_notice(_values(
        parent_title='', agency_title='Tổng cục Thi hành án dân sự',
        number='5/TB-TCTHADS', place='Hà Nội', reason='Không thuộc thẩm '
        'quyền')))
    assert text.startswith('Mã hồ sơ: %s TỔNG CỤC THI HÀNH ÁN DÂN SỰ '
                           'CỘNG HÒA' % CODE), text[:120]
    assert 'Số: 5/TB-TCTHADS' in text
    assert 'Hà Nội, ngày 05 tháng 12 năm 2026' in text


def test_decomposed_input_is_drawn_precomposed():
    nfd = unicodedata.normalize('NFD', NAME)
    assert nfd != NAME
    pdf = slips.guidance_slip(_values(applicant={'full_name': nfd},
                                      officer=unicodedata.normalize(
                                          'NFD', OFFICER)))
    raw = '\n'.join(p.extract_text() for p in _reader(pdf).pages)
    assert NAME in raw and OFFICER in raw


def test_embedded_fonts_and_metadata():
    reader = _reader(notices.appointment_notice(_values(
        appointment=APPOINTMENT)))
    assert reader.metadata.title == ('THÔNG BÁO Về việc tiếp nhận hồ sơ và '
                                     'hẹn ngày làm việc')
    assert reader.metadata.subject == CODE
    fonts = {str(font.get_object()['/BaseFont'])
             for page in reader.pages
             for font in page['/Resources']['/Font'].values()}
    assert all(re.fullmatch(r'/[A-Z]{6}\+BeVietnamPro-\w+', f)
               for f in fonts), fonts
    assert {'Bold', 'Italic', 'BoldItalic'} <= {
        f.rsplit('-', 1)[1] for f in fonts}


def test_rendering_is_deterministic():
    values = _values(appointment=APPOINTMENT)
    assert (notices.appointment_notice(values)
            == notices.appointment_notice(values))


# --- Numbering -------------------------------------------------------------

class _Agency(Persistent):
    def __init__(self, kind):
        self.kind = kind


def test_slip_number_format():
    assert slip_number(12, NOTICE, 'chi_cuc') == '12/TB-CCTHADS'
    assert slip_number(3, SLIP, 'cuc') == '3/PH-CTHADS'
    assert slip_number(1, RECEIPT, 'tong_cuc') == '1/BN-TCTHADS'
    # every agency kind of the content type has a symbol
    assert {k for k, _t in KINDS} == set(numbering.AGENCY_SYMBOLS)
    # every builder has a kind of number
    assert set(numbering.KIND_OF) == {b.__name__ for b, _v in BUILDERS}
    with pytest.raises(ValueError):
        slip_number(1, 'QD', 'chi_cuc')
    with pytest.raises(ValueError):
        slip_number(1, NOTICE, 'phong')


def test_kinds_by_builder_name():
    """Callers may name the kind by its builder: the notices share the
    TB series, the two slips the PH series."""
    assert slip_number(7, 'guidance_slip', 'chi_cuc') == '7/PH-CCTHADS'
    assert slip_number(7, 'originals_receipt', 'cuc') == '7/BN-CTHADS'
    agency = _Agency('chi_cuc')
    assert next_number(agency, 'appointment_notice', 2026) == 1
    assert next_number(agency, 'refusal_notice', 2026) == 2
    assert next_number(agency, NOTICE, 2026) == 3
    assert next_number(agency, 'appointment_slip', 2026) == 1
    assert next_number(agency, 'guidance_slip', 2026) == 2
    assert current_number(agency, 'slip', 2026) == 2
    with pytest.raises(ValueError):
        next_number(agency, None, 2026)


def test_numbers_count_per_kind_year_and_agency():
    ba_dinh, hoan_kiem = _Agency('chi_cuc'), _Agency('chi_cuc')
    assert current_number(ba_dinh, NOTICE, 2026) == 0
    assert [next_number(ba_dinh, NOTICE, 2026) for _i in range(3)] == [
        1, 2, 3]
    assert next_number(ba_dinh, SLIP, 2026) == 1
    assert next_number(ba_dinh, RECEIPT, 2026) == 1
    assert next_number(ba_dinh, NOTICE, 2027) == 1  # a new year restarts
    assert next_number(ba_dinh, NOTICE, 2026) == 4
    assert next_number(hoan_kiem, NOTICE, 2026) == 1
    assert current_number(ba_dinh, NOTICE, 2026) == 4
    assert current_number(ba_dinh, SLIP, 2025) == 0
    with pytest.raises(ValueError):
        next_number(ba_dinh, 'XX', 2026)


def test_issue_number_uses_the_agency_kind():
    cuc = Agency(title='Cục Thi hành án dân sự thành phố Hà Nội', kind='cuc',
                 code='HN')
    assert issue_number(cuc, NOTICE, 2026) == '1/TB-CTHADS'
    assert issue_number(cuc, NOTICE, 2026) == '2/TB-CTHADS'
    assert issue_number(cuc, RECEIPT, 2026) == '1/BN-CTHADS'
    # the counters do not show up as a child of the folder
    assert '_httttha_slip_counters' not in cuc


@pytest.fixture
def db(tmp_path):
    # A FileStorage, not DB(None): MappingStorage does no conflict
    # resolution, and resolution is what these tests are about.
    database = DB(FileStorage(str(tmp_path / 'Data.fs')))
    yield database
    database.close()


def _open(db):
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    return tm, conn, conn.root()['agency']


def test_counters_persist_in_zodb(db):
    tm, conn, _a = _open_new(db)
    conn.close()
    for expected in (2, 3):
        tm, conn, agency = _open(db)
        assert next_number(agency, NOTICE, 2026) == expected
        tm.commit()
        conn.close()
    tm, conn, agency = _open(db)
    assert current_number(agency, NOTICE, 2026) == 3
    conn.close()


def _open_new(db):
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    agency = conn.root()['agency'] = _Agency('chi_cuc')
    next_number(agency, NOTICE, 2026)
    tm.commit()
    return tm, conn, agency


def test_concurrent_numbers_never_repeat(db):
    """Length merges concurrent increments, so both transactions would
    commit number 2; the issued-number key makes the second conflict, and
    its retry draws 3."""
    tm0, conn0, _a = _open_new(db)
    conn0.close()
    tm1, conn1, agency1 = _open(db)
    tm2, conn2, agency2 = _open(db)
    assert next_number(agency1, NOTICE, 2026) == 2
    assert next_number(agency2, NOTICE, 2026) == 2
    tm1.commit()
    with pytest.raises(ConflictError):
        tm2.commit()
    tm2.abort()
    assert next_number(agency2, NOTICE, 2026) == 3  # the retry
    tm2.commit()
    conn1.close()
    conn2.close()


def test_concurrent_numbers_of_other_kinds_merge(db):
    tm0, conn0, agency0 = _open_new(db)
    next_number(agency0, SLIP, 2026)
    tm0.commit()
    conn0.close()
    tm1, conn1, agency1 = _open(db)
    tm2, conn2, agency2 = _open(db)
    assert next_number(agency1, NOTICE, 2026) == 2
    assert next_number(agency2, SLIP, 2026) == 2
    tm1.commit()
    tm2.commit()  # no conflict: different counters, different keys
    conn1.close()
    conn2.close()
    tm, conn, agency = _open(db)
    assert current_number(agency, NOTICE, 2026) == 2
    assert current_number(agency, SLIP, 2026) == 2
    conn.close()
