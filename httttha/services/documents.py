"""Printable documents: the online application rendered as an official
Vietnamese form (PDF, A4) with reportlab.

Pure service: takes already-translated text, returns PDF bytes; no Pyramid.
"""
import io
import threading
import unicodedata
from importlib.resources import files
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

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


def _qr(url):
    """A QR code drawing of url, QR_SIZE square (quiet zone included)."""
    widget = QrCodeWidget(url, barWidth=QR_SIZE, barHeight=QR_SIZE,
                          barLevel='M')
    drawing = Drawing(QR_SIZE, QR_SIZE, initialFontName=FONT)
    drawing.add(widget)
    return drawing


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

    # National header (quốc hiệu, tiêu ngữ) with the short rule under it.
    story.append(Paragraph(NATION, st['nation']))
    story.append(Paragraph(MOTTO, st['nation']))
    story.append(HRFlowable(
        width=pdfmetrics.stringWidth(MOTTO, FONT_BOLD, BODY_SIZE),
        thickness=0.6, color=colors.black, hAlign='CENTER', spaceBefore=1,
        spaceAfter=2))

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
        # A narrow inner table keeps the caption centred under the code
        # while the code itself stays at the left margin.
        left = Table([[_qr(_text(doc['lookup_url']))],
                      [Paragraph('Tra cứu hồ sơ', st['caption'])]],
                     colWidths=[QR_SIZE + 10 * mm], hAlign='LEFT')
        left.setStyle(TableStyle([
            ('ALIGN', (0, 0), (-1, -1), 'CENTER'),
            ('FONTNAME', (0, 0), (-1, -1), FONT),
            ('LEFTPADDING', (0, 0), (-1, -1), 0),
            ('RIGHTPADDING', (0, 0), (-1, -1), 0),
            ('TOPPADDING', (0, 0), (-1, -1), 0),
            ('BOTTOMPADDING', (0, 0), (-1, -1), 0),
        ]))
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

    out = io.BytesIO()
    template = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
        title=_text(doc.get('title')), author='httttha', creator='httttha',
        subject=code,
        # invariant: no timestamps or random ids, the same doc gives the
        # same bytes (cacheable, testable).
        invariant=1,
        # reportlab's default is Helvetica (and so are tables and drawings
        # below): a non-embedded font the form never draws with, which PDF
        # checkers flag.
        initialFontName=FONT)
    template.build(story, onFirstPage=first_page,
                   canvasmaker=_NumberedCanvas)
    return out.getvalue()

