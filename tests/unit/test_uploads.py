"""Checking citizen attachments: allowed types, content sniffing, sizes and
file names.  Every file is built here, in memory, so the sniffing runs on
real bytes."""
import io
import os
import struct
import unicodedata
import zipfile

import magic
import pytest
from PIL import Image
from reportlab.pdfgen import canvas
from translationstring import TranslationString

from httttha.services.intake import uploads
from httttha.services.intake.uploads import (
    ALLOWED,
    DEFAULT_MAX_FILE,
    UploadRejected,
    check_total,
    check_upload,
    clean_filename,
    human_size,
)

DOCX = ('application/vnd.openxmlformats-officedocument'
        '.wordprocessingml.document')
XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
OLE_MAGIC = bytes.fromhex('D0CF11E0A1B11AE1')


# --- building real files ---------------------------------------------------

def make_pdf():
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, 'Don yeu cau thi hanh an')
    page.save()
    return out.getvalue()


def make_image(fmt):
    out = io.BytesIO()
    Image.new('RGB', (8, 8), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def make_zip(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return out.getvalue()


CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns='
                 '"http://schemas.openxmlformats.org/package/2006/'
                 'content-types"/>')


def make_docx(first=()):
    """A minimal Word package; ``first`` members go right after
    [Content_Types].xml (a big one pushes word/ past the sniffed bytes)."""
    return make_zip([('[Content_Types].xml', CONTENT_TYPES), *first,
                     ('_rels/.rels', '<Relationships/>'),
                     ('word/document.xml', '<w:document/>')])


def make_xlsx():
    return make_zip([('[Content_Types].xml', CONTENT_TYPES),
                     ('_rels/.rels', '<Relationships/>'),
                     ('xl/workbook.xml', '<workbook/>')])


def make_ole(stream, size=4096):
    """A minimal OLE2 (Compound File Binary, v3) file holding one stream:
    'WordDocument' makes it a Word 97 .doc, 'Workbook' an Excel .xls, as
    far as libmagic is concerned.  Layout: header, FAT sector, directory
    sector, then the stream in regular sectors (size >= 4096 keeps it out
    of the mini stream)."""
    free, end, fat_sector, nostream = (0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD,
                                       0xFFFFFFFF)
    sectors = (size + 511) // 512
    header = bytearray(512)
    header[0:8] = OLE_MAGIC
    # minor, major version, byte order, sector shift 2^9, mini shift 2^6
    struct.pack_into('<HHHHH', header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    # dir sectors, FAT sectors, first dir sector, transaction, mini cutoff,
    # first mini FAT, mini FAT sectors, first DIFAT, DIFAT sectors
    struct.pack_into('<9I', header, 40, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into('<109I', header, 76, 0, *[free] * 108)
    chain = [fat_sector, end] + list(range(3, 2 + sectors)) + [end]
    fat = struct.pack('<128I', *(chain + [free] * (128 - len(chain))))

    def entry(name, kind, child, start, length):
        raw = bytearray(128)
        encoded = name.encode('utf-16-le') + b'\0\0' if name else b''
        raw[0:len(encoded)] = encoded
        struct.pack_into('<HBB', raw, 64, len(encoded), kind, 1)
        struct.pack_into('<III', raw, 68, nostream, nostream, child)
        struct.pack_into('<IQ', raw, 116, start, length)
        return bytes(raw)

    directory = (entry('Root Entry', 5, 1, end, 0)
                 + entry(stream, 2, nostream, 2, size)
                 + entry('', 0, nostream, 0, 0) * 2)
    return bytes(header) + fat + directory + b'\0' * (sectors * 512)


def check(name, data, **kw):
    return check_upload(name, io.BytesIO(data), **kw)


def rejected(name, data, **kw):
    with pytest.raises(UploadRejected) as info:
        check(name, data, **kw)
    return info.value


# --- accepted kinds --------------------------------------------------------

@pytest.mark.parametrize('name, build, mimetype', [
    ('don.pdf', make_pdf, 'application/pdf'),
    ('anh.png', lambda: make_image('PNG'), 'image/png'),
    ('anh.jpg', lambda: make_image('JPEG'), 'image/jpeg'),
    ('anh.jpeg', lambda: make_image('JPEG'), 'image/jpeg'),
    ('don.docx', make_docx, DOCX),
    ('bang.xlsx', make_xlsx, XLSX),
    ('don.doc', lambda: make_ole('WordDocument'), 'application/msword'),
    ('bang.xls', lambda: make_ole('Workbook'), 'application/vnd.ms-excel'),
])
def test_each_allowed_kind_is_accepted_with_its_type(name, build, mimetype):
    assert check(name, build()) == (name, mimetype)


def test_a_hand_written_pdf_and_an_upper_case_extension_are_accepted():
    pdf = b'%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'
    assert check('C:\\fakepath\\Bản án.PDF', pdf) == (
        'Bản án.pdf', 'application/pdf')


def test_ooxml_that_libmagic_only_calls_a_zip_is_checked_inside():
    # a thumbnail stored first pushes word/ beyond the sniffed 8 KB
    docx = make_docx(first=[('docProps/thumbnail.jpeg', os.urandom(20000))])
    assert magic.from_buffer(docx[:8192], mime=True) == 'application/zip'
    assert check('don.docx', docx) == ('don.docx', DOCX)


def test_a_zip_named_docx_is_refused():
    archive = make_zip([('ghi-chu.txt', 'xin chào')])
    assert rejected('don.docx', archive).msg == 'upload-content-mismatch'


def test_a_docx_named_xlsx_is_refused_whatever_libmagic_says():
    assert rejected('bang.xlsx', make_docx()).msg == 'upload-content-mismatch'
    # members in an order libmagic does not recognise: the zip check runs
    # and finds word/, not xl/
    reordered = make_zip([('word/document.xml', '<w:document/>'),
                          ('[Content_Types].xml', CONTENT_TYPES)])
    assert check('don.docx', reordered)[1] == DOCX
    assert rejected('bang.xlsx', reordered).msg == 'upload-content-mismatch'


def test_octet_stream_is_accepted_for_ooxml_only_when_it_is_a_package(
        monkeypatch):
    # some writers produce zips libmagic cannot name at all
    monkeypatch.setattr(uploads.magic, 'from_buffer',
                        lambda buf, mime: 'application/octet-stream')
    assert check('bang.xlsx', make_xlsx()) == ('bang.xlsx', XLSX)
    assert rejected('don.docx', os.urandom(2000)).msg == (
        'upload-content-mismatch')
    # a package glued after other bytes is a valid zip to zipfile, but
    # does not start like one
    assert rejected('bang.xlsx', b'MZ' + make_xlsx()).msg == (
        'upload-content-mismatch')


def test_a_bare_ole_container_is_accepted_as_doc_and_xls():
    """Real .doc/.xls files often keep the OLE directory past the first
    8 KB, so libmagic only sees an anonymous OLE2 file."""
    data = OLE_MAGIC + b'\0' * 4000
    sniffed = magic.from_buffer(data, mime=True)
    if sniffed not in ALLOWED['doc']:
        pytest.skip('libmagic calls bare OLE2 bytes %r' % sniffed)
    assert check('don.doc', data) == ('don.doc', 'application/msword')
    assert check('bang.xls', data) == ('bang.xls', 'application/vnd.ms-excel')


def test_an_excel_file_named_doc_is_refused():
    assert rejected('don.doc', make_ole('Workbook')).msg == (
        'upload-content-mismatch')


# --- refused files ---------------------------------------------------------

def test_text_named_pdf_is_refused_naming_the_file():
    error = rejected('../Đơn yêu cầu.pdf', b'Day khong phai la PDF\n' * 20)
    assert isinstance(error.msg, TranslationString)
    assert error.msg == 'upload-content-mismatch'
    assert error.msg.domain == 'httttha'
    assert error.msg.mapping == {'name': 'Đơn yêu cầu.pdf', 'ext': 'pdf'}
    assert str(error) == (
        'The content of the file Đơn yêu cầu.pdf does not match its '
        'extension .pdf: the file may have been renamed or damaged.')


def test_a_png_named_jpg_is_refused():
    # both are pictures, but the name would promise a type the bytes are not
    assert rejected('anh.jpg', make_image('PNG')).msg == (
        'upload-content-mismatch')


@pytest.mark.parametrize('name, data', [
    ('setup.exe', b'MZ' + b'\0' * 200),
    ('trang.html', b'<html><body>x</body></html>'),
    ('tai-lieu', make_pdf()),           # no extension at all
    ('don.pdf.exe', make_pdf()),
])
def test_extensions_outside_the_list_are_refused(name, data):
    error = rejected(name, data)
    assert error.msg == 'upload-type-not-allowed'
    assert error.msg.mapping['name'] == name
    assert 'pdf, jpg, jpeg, png, doc, docx, xls, xlsx' in str(error)


def test_an_empty_file_is_refused():
    error = rejected('don.pdf', b'')
    assert error.msg == 'upload-empty'
    assert str(error) == 'The file don.pdf is empty.'


def test_a_file_over_10_mb_is_refused():
    data = b'%PDF-1.4\n' + b'\0' * (11 * 1024 * 1024)
    error = rejected('Hồ sơ.pdf', data)
    assert error.msg == 'upload-too-big'
    assert error.msg.mapping == {'name': 'Hồ sơ.pdf', 'limit': '10 MB'}
    assert str(error) == 'The file Hồ sơ.pdf is larger than 10 MB.'


def test_exactly_the_limit_is_accepted_and_the_limit_can_be_changed():
    data = b'%PDF-1.4\n' + b'\0' * (DEFAULT_MAX_FILE - 9)
    assert check('don.pdf', data)[1] == 'application/pdf'
    error = rejected('don.pdf', data[:1536 * 1024 + 1],
                     max_file=1536 * 1024)
    assert error.msg.mapping['limit'] == '1,5 MB'


def test_a_given_size_is_trusted_and_the_file_is_rewound():
    fp = io.BytesIO(make_pdf())
    fp.read(5)
    assert check_upload('don.pdf', fp, size=fp.getbuffer().nbytes)[0] == (
        'don.pdf')
    assert fp.tell() == 0
    fp.read(5)
    with pytest.raises(UploadRejected) as info:
        check_upload('don.pdf', fp, size=DEFAULT_MAX_FILE + 1)
    assert info.value.msg == 'upload-too-big'
    assert fp.tell() == 0


def test_only_the_first_8_kb_are_read_to_sniff():
    class Recording(io.BytesIO):
        def read(self, n=-1):
            reads.append(n)
            return super().read(n)

    reads = []
    data = b'%PDF-1.4\n' + b'\0' * (5 * 1024 * 1024)
    assert check_upload('don.pdf', Recording(data))[1] == 'application/pdf'
    assert reads == [8192]


def test_the_total_over_30_mb_is_refused():
    mb = 1024 * 1024
    check_total([10 * mb, 10 * mb, 10 * mb])
    check_total([])
    with pytest.raises(UploadRejected) as info:
        check_total([10 * mb, 10 * mb, 10 * mb + 1])
    assert info.value.msg == 'upload-total-too-big'
    assert info.value.msg.mapping == {'limit': '30 MB'}
    with pytest.raises(UploadRejected):
        check_total([3 * mb], max_total=2 * mb)


# --- sizes and names -------------------------------------------------------

@pytest.mark.parametrize('n, text', [
    (0, '0 B'),
    (900, '900 B'),
    (512 * 1024, '512 KB'),
    (1536 * 1024, '1,5 MB'),
    (10 * 1024 * 1024, '10 MB'),
    (30 * 1024 * 1024, '30 MB'),
    (1024 * 1024 - 10, '1 MB'),         # not '1024 KB'
    (3 * 1024 ** 3 // 2, '1,5 GB'),
])
def test_human_size(n, text):
    assert human_size(n) == text


@pytest.mark.parametrize('raw, clean', [
    ('C:\\fakepath\\Bản án số 12.PDF', 'Bản án số 12.pdf'),
    ('../../etc/passwd.pdf', 'passwd.pdf'),
    ('..\\..\\windows\\win.ini.docx', 'win.ini.docx'),
    ('Đơn "yêu cầu" thi hành án.pdf', 'Đơn _yêu cầu_ thi hành án.pdf'),
    ('Đơn\r\nBcc: x@y.vn.pdf', 'Đơn__Bcc_ x@y.vn.pdf'),
    ('a<b>c|d*e?f:g.jpg', 'a_b_c_d_e_f_g.jpg'),
    ('  Quyết   định\t\u00a0số 5 .XLSX  ', 'Quyết định số 5.xlsx'),
    ('hoa-don\u202efdp.exe', 'hoa-don_fdp.exe'),     # right-to-left trick
    ('don.pdf.', 'don.pdf'),
    ('Quyết định số 5. Bản sao', 'Quyết định số 5. Bản sao'),
    ('', 'tep-dinh-kem'),
    (None, 'tep-dinh-kem'),
    ('.pdf', 'tep-dinh-kem.pdf'),
    ('C:\\fakepath\\ .. .PDF', 'tep-dinh-kem.pdf'),
    ('uploads/', 'tep-dinh-kem'),
])
def test_clean_filename(raw, clean):
    assert clean_filename(raw) == clean


def test_clean_filename_composes_vietnamese_letters():
    # macOS sends decomposed (NFD) names: 'a' + combining hook above ...
    decomposed = unicodedata.normalize('NFD', 'Bản án số 12.pdf')
    assert decomposed != 'Bản án số 12.pdf'
    assert clean_filename(decomposed) == 'Bản án số 12.pdf'


def test_long_names_are_capped_keeping_the_extension():
    name = clean_filename('Đơn yêu cầu thi hành án ' * 13 + '.PDF')
    assert len(name) == 120
    assert name.endswith('.pdf')
    assert name.startswith('Đơn yêu cầu thi hành án')
    assert clean_filename('x' * 300 + '.docx') == 'x' * 115 + '.docx'
    # the cut does not leave a space before the dot
    assert clean_filename('x' * 115 + ' yyy.pdf') == 'x' * 115 + '.pdf'
