"""The application PDF: Vietnamese text survives, values are literal,
long values wrap onto more pages, the QR code is drawn when asked."""
import datetime
import io
import re
import unicodedata

from pypdf import PdfReader

from httttha.printing.application import application_pdf
from httttha.printing.layout import register_fonts

NAME = 'Nguyễn Thị Hương'
NOTICE = ('Hồ sơ yêu cầu thi hành án trực tuyến chưa phải là căn cứ để thụ lý '
          'thi hành án; cơ quan thi hành án dân sự sẽ thông báo kết quả.')
URL = 'https://thads.example.vn/tra-cuu?ma=K7Q-4M2-XD9'


def _doc(**changes):
    doc = {
        'title': 'ĐƠN YÊU CẦU THI HÀNH ÁN',
        'addressee': 'Chi cục Thi hành án dân sự quận Ba Đình',
        'sections': [
            ('I. Thông tin người yêu cầu', [
                ('Họ và tên', NAME),
                ('Địa chỉ', 'Số 1 phố Huế\nphường Hàng Bài, Hà Nội'),
                ('Ghi chú', 'Công ty <b>&amp; <i>Cổ phần</i>'),
                ('Số điện thoại', ''),
            ]),
            (None, [('Nội dung yêu cầu', 'Thi hành khoản tiền ở ươ ạ ầ')]),
        ],
        'attachments': ['ban-an-so-12.pdf', 'cccd.jpg'],
        'place': 'Hà Nội',
        'date': datetime.date(2026, 3, 5),
        'signer_title': 'NGƯỜI YÊU CẦU',
        'signer_name': NAME,
        'code': 'K7Q-4M2-XD9',
        'lookup_url': URL,
        'notice': NOTICE,
    }
    doc.update(changes)
    return doc


def _reader(pdf):
    assert pdf.startswith(b'%PDF-')
    return PdfReader(io.BytesIO(pdf), strict=True)


def _raw_text(pdf):
    return '\n'.join(page.extract_text() for page in _reader(pdf).pages)


def _text(pdf):
    """Extracted text, NFC, whitespace collapsed (line breaks of wrapped
    paragraphs become single spaces)."""
    return ' '.join(unicodedata.normalize('NFC', _raw_text(pdf)).split())


def _content(pdf, page=0):
    return _reader(pdf).pages[page].get_contents().get_data()


def test_full_form_has_all_parts():
    text = _text(application_pdf(_doc()))
    for part in (
            'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
            'Độc lập - Tự do - Hạnh phúc',
            'ĐƠN YÊU CẦU THI HÀNH ÁN',
            'Kính gửi: Chi cục Thi hành án dân sự quận Ba Đình',
            'I. Thông tin người yêu cầu',
            'Họ và tên: ' + NAME,
            'Nội dung yêu cầu: Thi hành khoản tiền ở ươ ạ ầ',
            'Tài liệu kèm theo: 1. ban-an-so-12.pdf 2. cccd.jpg',
            'Hà Nội, ngày 05 tháng 03 năm 2026',
            'NGƯỜI YÊU CẦU',
            '(Ký, ghi rõ họ tên)',
            'Mã số đăng ký trực tuyến: K7Q-4M2-XD9',
            'Tra cứu hồ sơ',
            NOTICE):
        assert part in text, part
    # The national header comes first, the notice last.
    assert text.index('CỘNG HÒA') < text.index('ĐƠN YÊU CẦU')
    assert text.index('Kính gửi') < text.index('Họ và tên')
    assert text.rindex(NAME) < text.index(NOTICE)
    # Single page: no page numbers.
    assert 'Trang ' not in text


def test_markup_in_values_is_printed_literally():
    text = _text(application_pdf(_doc()))
    assert 'Ghi chú: Công ty <b>&amp; <i>Cổ phần</i>' in text


def test_line_breaks_in_values_are_kept():
    raw = unicodedata.normalize('NFC', _raw_text(application_pdf(_doc())))
    lines = [line.strip() for line in raw.splitlines()]
    assert 'Địa chỉ: Số 1 phố Huế' in lines
    assert 'phường Hàng Bài, Hà Nội' in lines


def test_blank_value_gets_a_dotted_line():
    text = _text(application_pdf(_doc()))
    assert re.search(r'Số điện thoại: \.{30,}', text)


def test_decomposed_input_is_drawn_precomposed():
    nfd = unicodedata.normalize('NFD', NAME)
    assert nfd != NAME
    raw = _raw_text(application_pdf(_doc(signer_name=nfd)))
    # Not normalised here on purpose: the PDF itself must hold 'ễ', not
    # 'e' followed by two combining marks.
    assert raw.count(NAME) == 2


def test_metadata_and_embedded_fonts_only():
    reader = _reader(application_pdf(_doc()))
    assert reader.metadata.title == 'ĐƠN YÊU CẦU THI HÀNH ÁN'
    assert reader.metadata.author == 'httttha'
    fonts = {str(font.get_object()['/BaseFont'])
             for page in reader.pages
             for font in page['/Resources']['/Font'].values()}
    assert fonts
    # Subset TrueType fonts only: no non-embedded Helvetica & co.
    assert all(re.fullmatch(r'/[A-Z]{6}\+BeVietnamPro-\w+', f)
               for f in fonts), fonts
    assert any(f.endswith('-Bold') for f in fonts)
    assert any(f.endswith('-Italic') for f in fonts)


def test_without_code_lookup_url_notice_and_attachments():
    doc = _doc(code=None, lookup_url=None, notice=None, attachments=[],
               place='')
    pdf = application_pdf(doc)
    assert len(_reader(pdf).pages) == 1
    text = _text(pdf)
    assert 'ĐƠN YÊU CẦU THI HÀNH ÁN' in text
    assert 'Mã số' not in text
    assert 'Tra cứu hồ sơ' not in text
    assert 'chưa phải là căn cứ' not in text
    assert 'Tài liệu kèm theo: Không có' in text
    assert '..........., ngày 05 tháng 03 năm 2026' in text


def test_minimal_doc_renders():
    pdf = application_pdf({'title': 'ĐƠN PHẢN ÁNH, KIẾN NGHỊ',
                           'addressee': 'Cục Thi hành án dân sự tỉnh Phú Thọ',
                           'sections': [], 'attachments': [], 'place': '',
                           'date': datetime.date(2026, 1, 9),
                           'signer_title': 'NGƯỜI PHẢN ÁNH',
                           'signer_name': 'Trần Văn Ơn'})
    text = _text(pdf)
    assert 'ĐƠN PHẢN ÁNH, KIẾN NGHỊ' in text
    assert 'ngày 09 tháng 01 năm 2026' in text
    assert 'Trần Văn Ơn' in text


def test_long_value_wraps_onto_more_pages():
    words = 'người phải thi hành án chưa tự nguyện thi hành nghĩa vụ; '
    value = (words * 60)[:2990] + ' HẾT-NỘI-DUNG'
    assert len(value) >= 3000
    doc = _doc(sections=[('II. Nội dung', [('Tóm tắt', value)] * 2)])
    pdf = application_pdf(doc)
    pages = _reader(pdf).pages
    assert len(pages) >= 2
    text = _text(pdf)
    assert text.count('HẾT-NỘI-DUNG') == 2  # nothing lost at page breaks
    assert 'Trang 1/%d' % len(pages) in text
    assert 'Trang %d/%d' % (len(pages), len(pages)) in text
    # Header only once, on the first page; signer and notice at the end.
    assert text.count('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM') == 1
    last = unicodedata.normalize('NFC', pages[-1].extract_text())
    assert NAME in last
    assert 'chưa phải là căn cứ' in last


def test_long_unbroken_value_is_split():
    pdf = application_pdf(_doc(sections=[(None, [('Mã', 'x' * 3000)])]))
    text = _raw_text(pdf)
    assert text.count('x') == 3000
    # Split across lines, not one 3000-character line off the page.
    assert max(len(line) for line in text.splitlines()) < 200


def test_qr_code_is_drawn_for_lookup_url():
    with_qr = application_pdf(_doc())
    without = application_pdf(_doc(lookup_url=None))
    # Each dark QR module is a filled rectangle ('re' operator).
    rects_with = len(re.findall(rb'\bre\b', _content(with_qr)))
    rects_without = len(re.findall(rb'\bre\b', _content(without)))
    assert rects_with - rects_without > 100
    # The code depends on the URL.
    other = application_pdf(_doc(lookup_url=URL + '&x=1'))
    assert _content(other) != _content(with_qr)
    assert _text(other) == _text(with_qr)


def test_qr_code_draws_the_modules_of_reportlabs_encoder():
    """The QR code is one path of rectangles in module units: filling
    them gives back, row by row from the top, the dark modules of
    reportlab's QrCodeWidget for the URL (level M), inside a quiet zone
    of four modules."""
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from httttha.printing.layout import QR_BORDER, _qr_path
    side, ops = _qr_path(URL)
    qr = QrCodeWidget(URL, barLevel='M').qr
    qr.make()
    expected = [[bool(m) for m in row] for row in qr.modules]
    assert side == len(expected) + 2 * QR_BORDER
    drawn = [[False] * side for _row in range(side)]
    lines = ops.split('\n')
    assert lines[-1] == 'f'
    for line in lines[:-1]:
        x, y, width, height, op = line.split()
        assert (height, op) == ('1', 're')
        for column in range(int(x), int(x) + int(width)):
            assert not drawn[side - 1 - int(y)][column]  # no overlap
            drawn[side - 1 - int(y)][column] = True
    inner = [row[QR_BORDER:side - QR_BORDER]
             for row in drawn[QR_BORDER:side - QR_BORDER]]
    assert inner == expected
    assert not any(drawn[r][c] for r in range(side) for c in range(side)
                   if min(r, c) < QR_BORDER or max(r, c) >= side - QR_BORDER)
    # encoded once per URL and process
    assert _qr_path(URL) is _qr_path(URL)


def test_rendering_is_deterministic():
    register_fonts()  # idempotent
    assert application_pdf(_doc()) == application_pdf(_doc())


def test_the_same_application_is_made_once_and_a_change_shows():
    from httttha.printing import application
    first = application_pdf(_doc(signer_name='Trần Văn Cache'))
    calls = []
    real = application.render_application
    application.render_application = lambda doc: calls.append(doc) or \
        real(doc)
    try:
        assert application_pdf(_doc(signer_name='Trần Văn Cache')) is first
        assert calls == []
        changed = application_pdf(_doc(signer_name='Trần Văn Đổi'))
        assert len(calls) == 1 and 'Trần Văn Đổi' in _text(changed)
        assert 'Trần Văn Cache' not in _text(changed)
    finally:
        application.render_application = real
