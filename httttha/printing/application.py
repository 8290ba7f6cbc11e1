"""The citizen's application of the three procedures (HTTT01, HTTT02,
HTTT03) as an official Vietnamese form: quốc hiệu, title, Kính gửi, the
sections of the application, the attachments, the signature and the QR
code to the lookup page."""
import collections
import hashlib
import threading
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .layout import (
    CONTENT_WIDTH,
    FONT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    date_line,
    form_row,
    form_styles,
    markup,
    national_header,
    plain_text,
    qr_block,
    register_fonts,
    render,
)

#: the PDFs last made, by what they show: a citizen prints the same
#: application again (before and after submitting it, from the
#: confirmation page), and reportlab takes tens of milliseconds
_made = collections.OrderedDict()
_made_lock = threading.Lock()
MADE_KEPT = 32


def application_pdf(doc):
    """:func:`render_application`, made once per process for the same
    content (a few recent ones are kept)."""
    key = hashlib.sha256(repr(sorted(doc.items())).encode('utf-8')).digest()
    with _made_lock:
        pdf = _made.get(key)
        if pdf is not None:
            _made.move_to_end(key)
            return pdf
    pdf = render_application(doc)
    with _made_lock:
        _made[key] = pdf
        while len(_made) > MADE_KEPT:
            _made.popitem(last=False)
    return pdf


def render_application(doc):
    """Render an application (dict, see below) as PDF bytes.

    Keys: title, addressee, sections [(heading or None, [(label, value)])],
    attachments [file name], place, date (datetime.date), signer_title,
    signer_name, and optionally code, lookup_url and notice. All text is
    already translated.
    """
    register_fonts()
    st = form_styles()
    story = []

    story += national_header(st)

    story.append(Paragraph(markup(doc.get('title')), st['title']))
    story.append(Paragraph(
        'Kính gửi: <b>%s</b>' % markup(doc.get('addressee')),
        st['addressee']))

    for heading, rows in doc.get('sections') or ():
        if heading:
            story.append(Paragraph(markup(heading), st['heading']))
        for label, value in rows or ():
            story.append(form_row(label, value, st['body']))

    story.append(Paragraph('Tài liệu kèm theo:', st['heading']))
    attachments = doc.get('attachments') or ()
    for number, name in enumerate(attachments, 1):
        story.append(Paragraph('%d. %s' % (number, markup(name)),
                               st['item']))
    if not attachments:
        story.append(Paragraph('Không có', st['item']))

    # Signature block: the QR code (if any) in the left half, the signer
    # centred in the right half, kept on one page with the date line.
    signer = [
        Paragraph('<b>%s</b>' % markup(doc.get('signer_title')), st['sign']),
        Paragraph('<i>(Ký, ghi rõ họ tên)</i>', st['sign']),
        Spacer(1, 22 * mm),
        Paragraph('<b>%s</b>' % markup(doc.get('signer_name')), st['sign']),
    ]
    left = ''
    if doc.get('lookup_url'):
        left = qr_block(doc['lookup_url'], st)
    signature = Table([[left, signer]], colWidths=[CONTENT_WIDTH / 2] * 2)
    signature.setStyle(TableStyle([
        ('FONTNAME', (0, 0), (-1, -1), FONT),
        ('VALIGN', (0, 0), (-1, -1), 'TOP'),
        ('LEFTPADDING', (0, 0), (-1, -1), 0),
        ('RIGHTPADDING', (0, 0), (-1, -1), 0),
    ]))
    closing = [
        Paragraph(escape(date_line(doc.get('place'), doc.get('date'))),
                  st['date']),
        signature,
    ]

    if doc.get('notice'):
        box = Table([[Paragraph(markup(doc['notice']), st['notice'])]],
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

    code = plain_text(doc.get('code'))

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

    return render(story, plain_text(doc.get('title')), code,
                   on_first_page=first_page)
