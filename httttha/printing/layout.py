"""The shared layout of every printed document (PDF, A4, reportlab):
the embedded fonts, the paragraph styles of a form, quốc hiệu and tiêu
ngữ, layout tables, the QR code to the lookup page, and page rendering
with 'Trang n/N'.

Pure: takes already-translated text, returns flowables or PDF bytes; no
Pyramid.
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
    Paragraph,
    SimpleDocTemplate,
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


def plain_text(value):
    """NFC text ('' for None): decomposed diacritics would be drawn as
    separate, badly placed marks since reportlab does no glyph shaping."""
    if value is None:
        return ''
    return unicodedata.normalize('NFC', str(value))


def markup(value):
    """Escape text for a Paragraph (which parses XML-ish markup) and keep
    its line breaks."""
    text = plain_text(value).replace('\r\n', '\n').replace('\r', '\n')
    return '<br/>'.join(escape(line) for line in text.split('\n'))


def form_styles():
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


def form_row(label, value, style):
    """One 'label: value' line; a blank value becomes a dotted leader."""
    label = plain_text(label)
    value = plain_text(value)
    if not value.strip():
        head = label + ': '
        width = pdfmetrics.stringWidth(head, style.fontName, style.fontSize)
        return Paragraph(
            escape(head) + _dots(width, style.fontName, style.fontSize),
            style)
    return Paragraph('%s: <b>%s</b>' % (escape(label), markup(value)),
                     style)


def date_line(place, date):
    """'<place>, ngày dd tháng mm năm yyyy', dots where nothing is known."""
    place = plain_text(place).strip() or '...........'
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


def qr_code(url):
    """A QR code of url, QR_SIZE square (quiet zone included)."""
    return _QrCode(url)


def national_header(st):
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


def plain_table(rows, col_widths, h_align='CENTER', extra=()):
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


def qr_block(url, st, caption='Tra cứu hồ sơ'):
    """The QR code of url with a caption centred under it."""
    # A narrow inner table keeps the caption centred under the code
    # while the code itself stays at the left margin.
    return plain_table(
        [[qr_code(plain_text(url))],
         [Paragraph(escape(caption), st['caption'])]],
        [QR_SIZE + 10 * mm], h_align='LEFT',
        extra=[('ALIGN', (0, 0), (-1, -1), 'CENTER')])


def render(story, title, subject, on_first_page=None, on_page=None):
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
