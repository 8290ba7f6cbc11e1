"""Printable documents: the online application rendered as an official
Vietnamese form (PDF, A4) with reportlab.

Pure service: takes already-translated text, returns PDF bytes; no Pyramid.
"""
import functools
import io
import itertools
import threading
import unicodedata
from importlib.resources import files
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

# Page streams deflated only, not also ASCII85-encoded for 7-bit channels
# (a PDF travels as binary: HTTP, a base64 mail attachment): ASCII85 makes
# them a quarter longer, and reportlab's encoder is pure Python without
# its optional accelerator.  The setting is process-wide; the only other
# PDFs reportlab makes here are test and benchmark uploads.
rl_config.useA85 = 0

FONT = 'BeVietnamPro'
FONT_BOLD = 'BeVietnamPro-Bold'
FONT_ITALIC = 'BeVietnamPro-Italic'
FONT_BOLD_ITALIC = 'BeVietnamPro-BoldItalic'

NATION = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'
MOTTO = 'Độc lập - Tự do - Hạnh phúc'

PAGE_WIDTH, PAGE_HEIGHT = A4
# Left margin wider, as in Vietnamese administrative documents (for binding).
MARGIN_LEFT = 30 * mm
MARGIN_RIGHT = 20 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
QR_SIZE = 25 * mm
#: the quiet zone around a QR code, in modules (the standard's 4)
QR_BORDER = 4
BODY_SIZE = 12

_fonts_lock = threading.Lock()
_fonts_registered = False


def register_fonts():
    """Register Be Vietnam Pro (regular, bold, italic, bold italic) once.

    reportlab's built-in Type 1 fonts have no glyphs for most Vietnamese
    letters (ơ, ư, ạ, ầ ...), so a TrueType family is embedded instead;
    registering it as a family makes <b> and <i> work inside Paragraphs.
    """
    global _fonts_registered
    if _fonts_registered:
        return
    with _fonts_lock:
        if _fonts_registered:
            return
        folder = files('fontpkg_be_vietnam_pro') / 'files'
        for name, filename in (
                (FONT, 'BeVietnamPro-Regular.ttf'),
                (FONT_BOLD, 'BeVietnamPro-Bold.ttf'),
                (FONT_ITALIC, 'BeVietnamPro-Italic.ttf'),
                (FONT_BOLD_ITALIC, 'BeVietnamPro-BoldItalic.ttf')):
            pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC,
            boldItalic=FONT_BOLD_ITALIC)
        _fonts_registered = True


def _text(value):
    """NFC text ('' for None): decomposed diacritics would be drawn as
    separate, badly placed marks since reportlab does no glyph shaping."""
    if value is None:
        return ''
    return unicodedata.normalize('NFC', str(value))


def _markup(value):
    """Escape text for a Paragraph (which parses XML-ish markup) and keep
    its line breaks."""
    text = _text(value).replace('\r\n', '\n').replace('\r', '\n')
    return '<br/>'.join(escape(line) for line in text.split('\n'))


def _styles():
    """Paragraph styles of the form."""
    base = ParagraphStyle(
        'body', fontName=FONT, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.4,
        alignment=TA_LEFT, spaceAfter=2)
    return {
        'body': base,
        'nation': ParagraphStyle(
            'nation', parent=base, fontName=FONT_BOLD, alignment=TA_CENTER,
            spaceAfter=0),
        'title': ParagraphStyle(
            'title', parent=base, fontName=FONT_BOLD, fontSize=14,
            leading=19, alignment=TA_CENTER, spaceBefore=14, spaceAfter=10),
        'addressee': ParagraphStyle(
            'addressee', parent=base, alignment=TA_CENTER, spaceAfter=10),
        'heading': ParagraphStyle(
            'heading', parent=base, fontName=FONT_BOLD, spaceBefore=8,
            spaceAfter=3),
        'item': ParagraphStyle(
            'item', parent=base, leftIndent=6 * mm),
        'date': ParagraphStyle(
            'date', parent=base, fontName=FONT_ITALIC, alignment=TA_RIGHT,
            spaceBefore=10, spaceAfter=4),
        'sign': ParagraphStyle(
            'sign', parent=base, alignment=TA_CENTER, spaceAfter=0),
        'caption': ParagraphStyle(
            'caption', parent=base, fontSize=9, leading=11,
            alignment=TA_CENTER, spaceBefore=2, spaceAfter=0),
        'notice': ParagraphStyle(
            'notice', parent=base, fontName=FONT_ITALIC, fontSize=10,
            leading=13, alignment=TA_JUSTIFY, spaceAfter=0),
    }


def _dots(prefix_width, font, size):
    """Dots filling the rest of the line after prefix_width points, like the
    blank lines of a paper form."""
    dot = pdfmetrics.stringWidth('.', font, size)
    used = prefix_width % CONTENT_WIDTH
    # A few dots of slack: the Paragraph must not push the run of dots
    # (one unbreakable word) onto a line of its own.
    count = int((CONTENT_WIDTH - used) / dot) - 3
    if count < 10:
        count += int(CONTENT_WIDTH / dot) - 3
    return '.' * count


def _row(label, value, style):
    """One 'label: value' line; a blank value becomes a dotted leader."""
    label = _text(label)
    value = _text(value)
    if not value.strip():
        head = label + ': '
        width = pdfmetrics.stringWidth(head, style.fontName, style.fontSize)
        return Paragraph(
            escape(head) + _dots(width, style.fontName, style.fontSize),
            style)
    return Paragraph('%s: <b>%s</b>' % (escape(label), _markup(value)),
                     style)


def _date_line(place, date):
    """'<place>, ngày dd tháng mm năm yyyy', dots where nothing is known."""
    place = _text(place).strip() or '...........'
    if date is None:
        return '%s, ngày ..... tháng ..... năm .......' % place
    return '%s, ngày %02d tháng %02d năm %04d' % (
        place, date.day, date.month, date.year)


@functools.lru_cache(maxsize=1024)
def _qr_path(url):
    """(modules per side with the quiet zone, PDF operators filling the
    dark modules) of url's QR code, error correction M.

    The modules are those reportlab's QrCodeWidget draws (its encoder),
    one rectangle per horizontal run, in module units (the caller scales)
    so that the operators are small integers, written once: the encoder
    tries the eight masks in pure Python, which took about as long as
    laying out the rest of a form, and a dossier's application and
    notices share its lookup URL."""
    qr = QrCodeWidget(url, barLevel='M').qr
    qr.make()
    side = qr.getModuleCount() + 2 * QR_BORDER
    ops = []
    for row, modules in enumerate(qr.modules):
        column = 0
        for dark, group in itertools.groupby(map(bool, modules)):
            length = sum(1 for _m in group)
            if dark:
                ops.append('%d %d %d 1 re' % (
                    column + QR_BORDER, side - QR_BORDER - 1 - row, length))
            column += length
    ops.append('f')
    return side, '\n'.join(ops)


class _QrCode(Flowable):
    """A QR code of url, ``size`` square with a quiet zone of QR_BORDER
    modules, drawn as one filled path: a Drawing of the QrCodeWidget made
    a shape object per run of modules and rendered each with its own
    graphics state (most of the time of an application PDF)."""

    def __init__(self, url, size=QR_SIZE):
        Flowable.__init__(self)
        self.side, self.ops = _qr_path(url)
        self.width = self.height = size

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        # drawOn saved the graphics state: scale and colour end here
        canvas = self.canv
        module = self.width / self.side
        canvas.scale(module, module)
        canvas.setFillColor(colors.black)
        canvas.addLiteral(self.ops)


def _qr(url):
    """A QR code of url, QR_SIZE square (quiet zone included)."""
    return _QrCode(url)


def _national_header(st):
    """Quốc hiệu and tiêu ngữ, centred, with the short rule under them
    (the single-column header of a citizen's application)."""
    return [
        Paragraph(NATION, st['nation']),
        Paragraph(MOTTO, st['nation']),
        HRFlowable(
            width=pdfmetrics.stringWidth(MOTTO, FONT_BOLD, BODY_SIZE),
            thickness=0.6, color=colors.black, hAlign='CENTER',
            spaceBefore=1, spaceAfter=2),
    ]


def _plain_table(rows, col_widths, h_align='CENTER', extra=()):
    """A Table without padding or borders (used for layout only)."""
    table = Table(rows, colWidths=col_widths, hAlign=h_align)
    table.setStyle(TableStyle([
        ('FONTNAME', (0, 0), (-1, -1), FONT),
        ('LEFTPADDING', (0, 0), (-1, -1), 0),
        ('RIGHTPADDING', (0, 0), (-1, -1), 0),
        ('TOPPADDING', (0, 0), (-1, -1), 0),
        ('BOTTOMPADDING', (0, 0), (-1, -1), 0),
    ] + list(extra)))
    return table


def _qr_block(url, st, caption='Tra cứu hồ sơ'):
    """The QR code of url with a caption centred under it."""
    # A narrow inner table keeps the caption centred under the code
    # while the code itself stays at the left margin.
    return _plain_table(
        [[_qr(_text(url))], [Paragraph(escape(caption), st['caption'])]],
        [QR_SIZE + 10 * mm], h_align='LEFT',
        extra=[('ALIGN', (0, 0), (-1, -1), 'CENTER')])


def _render(story, title, subject, on_first_page=None, on_page=None):
    """Lay out story on A4 pages (numbered when more than one) and return
    the PDF bytes."""
    out = io.BytesIO()
    template = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
        title=title, author='httttha', creator='httttha',
        subject=subject,
        # invariant: no timestamps or random ids, the same doc gives the
        # same bytes (cacheable, testable).
        invariant=1,
        # reportlab's default is Helvetica (and so are tables and drawings
        # below): a non-embedded font the form never draws with, which PDF
        # checkers flag.
        initialFontName=FONT)
    kw = {}
    if on_first_page is not None:
        kw['onFirstPage'] = on_first_page
    if on_page is not None:
        kw['onLaterPages'] = on_page
        kw.setdefault('onFirstPage', on_page)
    template.build(story, canvasmaker=_NumberedCanvas, **kw)
    return out.getvalue()


class _NumberedCanvas(Canvas):
    """Canvas that writes 'Trang n/N' on every page, but only when there is
    more than one page: the total is known only at the end, so pages are
    kept until save()."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self._pages = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            if total > 1:
                self.setFont(FONT, 9)
                self.drawCentredString(
                    PAGE_WIDTH / 2, MARGIN_BOTTOM / 2,
                    'Trang %d/%d' % (self._pageNumber, total))
            super().showPage()
        super().save()


def application_pdf(doc):
    """Render an application (dict, see below) as PDF bytes.

    Keys: title, addressee, sections [(heading or None, [(label, value)])],
    attachments [file name], place, date (datetime.date), signer_title,
    signer_name, and optionally code, lookup_url and notice. All text is
    already translated.
    """
    register_fonts()
    st = _styles()
    story = []

    story += _national_header(st)

    story.append(Paragraph(_markup(doc.get('title')), st['title']))
    story.append(Paragraph(
        'Kính gửi: <b>%s</b>' % _markup(doc.get('addressee')),
        st['addressee']))

    for heading, rows in doc.get('sections') or ():
        if heading:
            story.append(Paragraph(_markup(heading), st['heading']))
        for label, value in rows or ():
            story.append(_row(label, value, st['body']))

    story.append(Paragraph('Tài liệu kèm theo:', st['heading']))
    attachments = doc.get('attachments') or ()
    for number, name in enumerate(attachments, 1):
        story.append(Paragraph('%d. %s' % (number, _markup(name)),
                               st['item']))
    if not attachments:
        story.append(Paragraph('Không có', st['item']))

    # Signature block: the QR code (if any) in the left half, the signer
    # centred in the right half, kept on one page with the date line.
    signer = [
        Paragraph('<b>%s</b>' % _markup(doc.get('signer_title')), st['sign']),
        Paragraph('<i>(Ký, ghi rõ họ tên)</i>', st['sign']),
        Spacer(1, 22 * mm),
        Paragraph('<b>%s</b>' % _markup(doc.get('signer_name')), st['sign']),
    ]
    left = ''
    if doc.get('lookup_url'):
        left = _qr_block(doc['lookup_url'], st)
    signature = Table([[left, signer]], colWidths=[CONTENT_WIDTH / 2] * 2)
    signature.setStyle(TableStyle([
        ('FONTNAME', (0, 0), (-1, -1), FONT),
        ('VALIGN', (0, 0), (-1, -1), 'TOP'),
        ('LEFTPADDING', (0, 0), (-1, -1), 0),
        ('RIGHTPADDING', (0, 0), (-1, -1), 0),
    ]))
    closing = [
        Paragraph(escape(_date_line(doc.get('place'), doc.get('date'))),
                  st['date']),
        signature,
    ]

    if doc.get('notice'):
        box = Table([[Paragraph(_markup(doc['notice']), st['notice'])]],
                    colWidths=[CONTENT_WIDTH])
        box.setStyle(TableStyle([
            ('FONTNAME', (0, 0), (-1, -1), FONT),
            ('BOX', (0, 0), (-1, -1), 0.8, colors.black),
            ('LEFTPADDING', (0, 0), (-1, -1), 6),
            ('RIGHTPADDING', (0, 0), (-1, -1), 6),
            ('TOPPADDING', (0, 0), (-1, -1), 5),
            ('BOTTOMPADDING', (0, 0), (-1, -1), 6),
        ]))
        closing += [Spacer(1, 8 * mm), box]
    # The notice belongs to the signed part: never leave it alone on a page.
    story.append(KeepTogether(closing))

    code = _text(doc.get('code'))

    def first_page(canvas, _doc):
        # The dossier code goes in the top-right margin so the national
        # header stays the first thing on the page.
        if code:
            canvas.saveState()
            canvas.setFont(FONT, 9)
            canvas.drawRightString(
                PAGE_WIDTH - MARGIN_RIGHT, PAGE_HEIGHT - MARGIN_TOP / 2,
                'Mã số đăng ký trực tuyến: %s' % code)
            canvas.restoreState()

    return _render(story, _text(doc.get('title')), code,
                   on_first_page=first_page)



# --- Administrative documents (thể thức văn bản, Nghị định 30/2020/NĐ-CP) --
#
# Notices and slips issued by an enforcement agency share one layout: a
# two-column header (agency and number on the left, quốc hiệu, tiêu ngữ and
# place-date on the right), a centred title, the body, the signature block
# with "Nơi nhận" and, at the foot, the dossier code with a QR code to the
# public lookup page.

HEADER_SIZE = 11
ADMIN_SIZE = 11.5
#: the left (agency) and right (nation) header columns
HEADER_COLUMNS = (74 * mm, CONTENT_WIDTH - 74 * mm)
PARAGRAPH_INDENT = 10 * mm


def admin_styles():
    """Paragraph styles of an administrative document (the form styles
    plus the header, title, body, table and recipient styles)."""
    st = _styles()
    # Be Vietnam Pro is much wider than the Times New Roman 13-14 of the
    # decree: 11.5 pt sets about as many words on a line and keeps a slip
    # with its signatures on one page.
    size = ADMIN_SIZE
    base = ParagraphStyle('admin', parent=st['body'], fontSize=size,
                          leading=size * 1.35)
    header = ParagraphStyle(
        'header', parent=base, fontSize=HEADER_SIZE,
        leading=HEADER_SIZE * 1.3, alignment=TA_CENTER, spaceAfter=0)
    st.update({
        'org': header,
        'org_bold': ParagraphStyle('org_bold', parent=header,
                                   fontName=FONT_BOLD),
        'nation_small': ParagraphStyle('nation_small', parent=header,
                                       fontName=FONT_BOLD),
        'motto': ParagraphStyle('motto', parent=header, fontName=FONT_BOLD,
                                fontSize=BODY_SIZE, leading=BODY_SIZE * 1.3),
        'number': ParagraphStyle('number', parent=header, fontSize=size,
                                 leading=size * 1.3, spaceBefore=6),
        'place_date': ParagraphStyle('place_date', parent=header,
                                     fontName=FONT_ITALIC, fontSize=size,
                                     leading=size * 1.3, spaceBefore=6),
        'doc_title': ParagraphStyle(
            'doc_title', parent=base, fontName=FONT_BOLD, fontSize=14,
            leading=19, alignment=TA_CENTER, spaceBefore=12, spaceAfter=0),
        'doc_subtitle': ParagraphStyle(
            'doc_subtitle', parent=base, fontName=FONT_BOLD,
            alignment=TA_CENTER, spaceAfter=0),
        'addressee': ParagraphStyle(
            'admin_addressee', parent=base, alignment=TA_CENTER,
            spaceAfter=8),
        'para': ParagraphStyle(
            'para', parent=base, alignment=TA_JUSTIFY,
            firstLineIndent=PARAGRAPH_INDENT, spaceAfter=3),
        # hanging indent: wrapped lines of a 'label: value' or list line
        # start under its text, not under the label or the number
        'line': ParagraphStyle(
            'line', parent=base, leftIndent=PARAGRAPH_INDENT + 5 * mm,
            firstLineIndent=-5 * mm, spaceAfter=1),
        'sub': ParagraphStyle(
            'sub', parent=base, leftIndent=PARAGRAPH_INDENT + 10 * mm,
            firstLineIndent=-5 * mm, spaceAfter=1),
        'cell': ParagraphStyle(
            'cell', parent=base, fontSize=10.5, leading=13, spaceAfter=0),
        'cell_center': ParagraphStyle(
            'cell_center', parent=base, fontSize=10.5, leading=13,
            alignment=TA_CENTER, spaceAfter=0),
        'cell_head': ParagraphStyle(
            'cell_head', parent=base, fontName=FONT_BOLD, fontSize=10.5,
            leading=13, alignment=TA_CENTER, spaceAfter=0),
        'sign': ParagraphStyle(
            'admin_sign', parent=base, alignment=TA_CENTER, spaceAfter=0),
        'recipients_head': ParagraphStyle(
            'recipients_head', parent=base, fontName=FONT_BOLD_ITALIC,
            fontSize=11, leading=14, spaceAfter=0),
        'recipients': ParagraphStyle(
            'recipients', parent=base, fontSize=10, leading=13,
            spaceAfter=0),
        'footer': ParagraphStyle(
            'footer', parent=base, fontSize=10, leading=13, spaceAfter=1),
    })
    return st


def _upper(value):
    """Upper case as printed in headers and signature titles (NFC first:
    'đ'.upper() is 'Đ', and precomposed letters keep their marks)."""
    return _text(value).upper()


def _rule(width):
    return HRFlowable(width=width, thickness=0.6, color=colors.black,
                      hAlign='CENTER', spaceBefore=1, spaceAfter=0)


def admin_header(doc, st):
    """The two-column header: cơ quan chủ quản, issuing agency (bold) with a
    short rule and 'Số: …' on the left; quốc hiệu, tiêu ngữ (underlined)
    and the place-and-date line on the right."""
    left = []
    if _text(doc.get('parent_title')).strip():
        left.append(Paragraph(_markup(_upper(doc['parent_title'])),
                              st['org']))
    agency = _upper(doc.get('agency_title'))
    left.append(Paragraph(_markup(agency), st['org_bold']))
    # The rule under the agency name is a third to a half of its length.
    longest = max([pdfmetrics.stringWidth(line, FONT_BOLD, HEADER_SIZE)
                   for line in agency.split('\n')] + [0])
    left.append(_rule(max(20 * mm, min(longest, HEADER_COLUMNS[0]) / 2.5)))
    right = [
        Paragraph(NATION, st['nation_small']),
        Paragraph(MOTTO, st['motto']),
        # the rule under the motto is as long as the motto
        _rule(pdfmetrics.stringWidth(MOTTO, FONT_BOLD, BODY_SIZE)),
    ]
    number = _text(doc.get('number')).strip() or '.......'
    rows = [
        [left, right],
        [Paragraph('Số: %s' % _markup(number), st['number']),
         Paragraph(escape(_date_line(doc.get('place'), doc.get('date'))),
                   st['place_date'])],
    ]
    return _plain_table(rows, list(HEADER_COLUMNS), extra=[
        ('VALIGN', (0, 0), (-1, -1), 'TOP'),
        # centres the rules, which have a fixed width
        ('ALIGN', (0, 0), (-1, -1), 'CENTER')])


def admin_title(doc, st):
    """The centred title (upper case), an optional subtitle ('Về việc …'
    or 'V/v …') and the short rule under them."""
    parts = [Paragraph(_markup(_upper(doc.get('title'))), st['doc_title'])]
    if _text(doc.get('subtitle')).strip():
        parts.append(Paragraph(_markup(doc['subtitle']), st['doc_subtitle']))
    parts.append(HRFlowable(width=40 * mm, thickness=0.6,
                            color=colors.black, hAlign='CENTER',
                            spaceBefore=2, spaceAfter=8))
    return parts


def signer_block(title, name, st, hint=None):
    """One signature: the title in bold upper case (several lines allowed:
    'KT. CHI CỤC TRƯỞNG\\nPHÓ CHI CỤC TRƯỞNG'), an optional italic hint,
    room to sign, then the name in bold."""
    block = [Paragraph('<b>%s</b>' % _markup(_upper(title)), st['sign'])]
    if hint:
        block.append(Paragraph('<i>%s</i>' % escape(hint), st['sign']))
    block.append(Spacer(1, 18 * mm))
    block.append(Paragraph('<b>%s</b>' % _markup(name), st['sign']))
    return block


def recipients_block(recipients, st):
    """'Nơi nhận:' and one '- …;' line per recipient, the last ending with
    a full stop."""
    items = [_text(r).strip().rstrip(';.') for r in recipients or ()]
    items = [i for i in items if i]
    block = [Paragraph('Nơi nhận:', st['recipients_head'])]
    for number, item in enumerate(items, 1):
        end = '.' if number == len(items) else ';'
        block.append(Paragraph('- %s%s' % (_markup(item), end),
                               st['recipients']))
    return block


def lookup_footer(code, lookup_url, st, hint=None):
    """The foot of a document: the dossier code, the lookup address and a
    QR code of it. Empty when there is neither code nor URL."""
    code = _text(code).strip()
    url = _text(lookup_url).strip()
    if not code and not url:
        return []
    lines = []
    if code:
        lines.append(Paragraph('Mã hồ sơ: <b>%s</b>' % _markup(code),
                               st['footer']))
    if url:
        lines.append(Paragraph('Tra cứu hồ sơ tại: %s' % _markup(url),
                               st['footer']))
    if hint:
        lines.append(Paragraph('<i>%s</i>' % _markup(hint), st['footer']))
    if not url:
        return [Spacer(1, 3 * mm)] + lines
    # No caption under the code: the text beside it says what it is.
    qr_width = QR_SIZE + 4 * mm
    table = _plain_table([[_qr(url), lines]],
                         [qr_width, CONTENT_WIDTH - qr_width],
                         extra=[('VALIGN', (0, 0), (-1, -1), 'MIDDLE')])
    return [Spacer(1, 3 * mm), table]


def administrative_pdf(doc, body):
    """Render an administrative document as PDF bytes.

    doc keys: parent_title (may be empty), agency_title, number, place,
    date (datetime.date), title, subtitle (optional), addressee (optional:
    what follows 'Kính gửi:'), signers [(title, name)] or
    [(title, name, hint)] — one signer signs on the right, two sign left
    and right —, recipients (optional list: 'Nơi nhận' on the left of a
    single signer), code, lookup_url, lookup_hint (optional line under
    the lookup address). body is a list of flowables drawn with the styles
    of admin_styles(). All text is literal (escaped here).
    """
    register_fonts()
    st = admin_styles()
    story = [admin_header(doc, st)]
    story += admin_title(doc, st)
    if _text(doc.get('addressee')).strip():
        story.append(Paragraph(
            'Kính gửi: <b>%s</b>' % _markup(doc['addressee']),
            st['addressee']))
    body = list(body)
    # The last paragraph goes with the signature: a signature never
    # stands alone at the top of a page.
    last = body[-1:]
    story += body[:-1]

    signers = [tuple(s) + (None,) * (3 - len(s))
               for s in doc.get('signers') or ()]
    half = CONTENT_WIDTH / 2
    if len(signers) >= 2:
        cells = [signer_block(t, n, st, h) for t, n, h in signers[:2]]
    else:
        left = ''
        if doc.get('recipients'):
            left = recipients_block(doc['recipients'], st)
        right = signer_block(*signers[0][:2], st, signers[0][2]) \
            if signers else ''
        cells = [left, right]
    signature = _plain_table([cells], [half, half], extra=[
        ('VALIGN', (0, 0), (-1, -1), 'TOP')])
    closing = last + [Spacer(1, 4 * mm), signature]
    closing += lookup_footer(doc.get('code'), doc.get('lookup_url'), st,
                             doc.get('lookup_hint'))
    # The signature, recipients and lookup block end the document together.
    story.append(KeepTogether(closing))

    code = _text(doc.get('code')).strip()

    def every_page(canvas, _doc):
        # The dossier code in the bottom margin of every page, so a loose
        # page of a long notice still says which dossier it belongs to.
        if code:
            canvas.saveState()
            canvas.setFont(FONT, 8)
            canvas.drawString(MARGIN_LEFT, MARGIN_BOTTOM / 2,
                              'Mã hồ sơ: %s' % code)
            canvas.restoreState()

    title = _text(doc.get('title'))
    if _text(doc.get('subtitle')).strip():
        title = '%s %s' % (title, _text(doc['subtitle']))
    return _render(story, title, code, on_page=every_page)
