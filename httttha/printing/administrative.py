"""The layout of an administrative document (thể thức văn bản, Nghị
định 30/2020/NĐ-CP), shared by the notices and the slips an enforcement
agency issues: a two-column header (agency and number on the left, quốc
hiệu, tiêu ngữ and place-date on the right), a centred title, the body,
the signature block with "Nơi nhận" and, at the foot, the dossier code
with a QR code to the public lookup page."""
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import HRFlowable, KeepTogether, Paragraph, Spacer

from .layout import (
    BODY_SIZE,
    CONTENT_WIDTH,
    FONT,
    FONT_BOLD,
    FONT_BOLD_ITALIC,
    FONT_ITALIC,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MOTTO,
    NATION,
    QR_SIZE,
    date_line,
    form_styles,
    markup,
    plain_table,
    plain_text,
    qr_code,
    register_fonts,
    render,
)

HEADER_SIZE = 11
ADMIN_SIZE = 11.5
#: the left (agency) and right (nation) header columns
HEADER_COLUMNS = (74 * mm, CONTENT_WIDTH - 74 * mm)
PARAGRAPH_INDENT = 10 * mm


def admin_styles():
    """Paragraph styles of an administrative document (the form styles
    plus the header, title, body, table and recipient styles)."""
    st = form_styles()
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
    return plain_text(value).upper()


def _rule(width):
    return HRFlowable(width=width, thickness=0.6, color=colors.black,
                      hAlign='CENTER', spaceBefore=1, spaceAfter=0)


def admin_header(doc, st):
    """The two-column header: cơ quan chủ quản, issuing agency (bold) with a
    short rule and 'Số: …' on the left; quốc hiệu, tiêu ngữ (underlined)
    and the place-and-date line on the right."""
    left = []
    if plain_text(doc.get('parent_title')).strip():
        left.append(Paragraph(markup(_upper(doc['parent_title'])),
                              st['org']))
    agency = _upper(doc.get('agency_title'))
    left.append(Paragraph(markup(agency), st['org_bold']))
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
    number = plain_text(doc.get('number')).strip() or '.......'
    rows = [
        [left, right],
        [Paragraph('Số: %s' % markup(number), st['number']),
         Paragraph(escape(date_line(doc.get('place'), doc.get('date'))),
                   st['place_date'])],
    ]
    return plain_table(rows, list(HEADER_COLUMNS), extra=[
        ('VALIGN', (0, 0), (-1, -1), 'TOP'),
        # centres the rules, which have a fixed width
        ('ALIGN', (0, 0), (-1, -1), 'CENTER')])


def admin_title(doc, st):
    """The centred title (upper case), an optional subtitle ('Về việc …'
    or 'V/v …') and the short rule under them."""
    parts = [Paragraph(markup(_upper(doc.get('title'))), st['doc_title'])]
    if plain_text(doc.get('subtitle')).strip():
        parts.append(Paragraph(markup(doc['subtitle']), st['doc_subtitle']))
    parts.append(HRFlowable(width=40 * mm, thickness=0.6,
                            color=colors.black, hAlign='CENTER',
                            spaceBefore=2, spaceAfter=8))
    return parts


def signer_block(title, name, st, hint=None):
    """One signature: the title in bold upper case (several lines allowed:
    'KT. CHI CỤC TRƯỞNG\\nPHÓ CHI CỤC TRƯỞNG'), an optional italic hint,
    room to sign, then the name in bold."""
    block = [Paragraph('<b>%s</b>' % markup(_upper(title)), st['sign'])]
    if hint:
        block.append(Paragraph('<i>%s</i>' % escape(hint), st['sign']))
    block.append(Spacer(1, 18 * mm))
    block.append(Paragraph('<b>%s</b>' % markup(name), st['sign']))
    return block


def recipients_block(recipients, st):
    """'Nơi nhận:' and one '- …;' line per recipient, the last ending with
    a full stop."""
    items = [plain_text(r).strip().rstrip(';.') for r in recipients or ()]
    items = [i for i in items if i]
    block = [Paragraph('Nơi nhận:', st['recipients_head'])]
    for number, item in enumerate(items, 1):
        end = '.' if number == len(items) else ';'
        block.append(Paragraph('- %s%s' % (markup(item), end),
                               st['recipients']))
    return block


def lookup_footer(code, lookup_url, st, hint=None):
    """The foot of a document: the dossier code, the lookup address and a
    QR code of it. Empty when there is neither code nor URL."""
    code = plain_text(code).strip()
    url = plain_text(lookup_url).strip()
    if not code and not url:
        return []
    lines = []
    if code:
        lines.append(Paragraph('Mã hồ sơ: <b>%s</b>' % markup(code),
                               st['footer']))
    if url:
        lines.append(Paragraph('Tra cứu hồ sơ tại: %s' % markup(url),
                               st['footer']))
    if hint:
        lines.append(Paragraph('<i>%s</i>' % markup(hint), st['footer']))
    if not url:
        return [Spacer(1, 3 * mm)] + lines
    # No caption under the code: the text beside it says what it is.
    qr_width = QR_SIZE + 4 * mm
    table = plain_table([[qr_code(url), lines]],
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
    if plain_text(doc.get('addressee')).strip():
        story.append(Paragraph(
            'Kính gửi: <b>%s</b>' % markup(doc['addressee']),
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
    signature = plain_table([cells], [half, half], extra=[
        ('VALIGN', (0, 0), (-1, -1), 'TOP')])
    closing = last + [Spacer(1, 4 * mm), signature]
    closing += lookup_footer(doc.get('code'), doc.get('lookup_url'), st,
                             doc.get('lookup_hint'))
    # The signature, recipients and lookup block end the document together.
    story.append(KeepTogether(closing))

    code = plain_text(doc.get('code')).strip()

    def every_page(canvas, _doc):
        # The dossier code in the bottom margin of every page, so a loose
        # page of a long notice still says which dossier it belongs to.
        if code:
            canvas.saveState()
            canvas.setFont(FONT, 8)
            canvas.drawString(MARGIN_LEFT, MARGIN_BOTTOM / 2,
                              'Mã hồ sơ: %s' % code)
            canvas.restoreState()

    title = plain_text(doc.get('title'))
    if plain_text(doc.get('subtitle')).strip():
        title = '%s %s' % (title, plain_text(doc['subtitle']))
    return render(story, title, code, on_page=every_page)
