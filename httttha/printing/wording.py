"""The wording shared by the notices and the slips: dates and times
written out, the applicant addressed and masked, the sentences every
document repeats, and ``Body``, which collects a document's paragraphs.

Keys every builder reads (all optional unless said otherwise; text is
printed literally, markup included):

- ``parent_title``: the parent agency (cơ quan chủ quản), e.g. 'Cục Thi
  hành án dân sự thành phố Hà Nội'; empty for the Tổng cục.
- ``agency_title`` (required): the issuing agency, e.g. 'Chi cục Thi hành
  án dân sự quận Ba Đình' (upper-cased in the header, as given in the body).
- ``agency_address``, ``agency_phone``: printed where the citizen is told
  where to go or whom to call.
- ``number``: the document number, e.g. '12/TB-CCTHADS' (``slip_number``).
- ``place``: short place name of the date line ('Ba Đình'); ``date``: the
  date of issue (datetime.date).
- ``code``: the dossier code; ``lookup_url``: the public lookup address
  (drawn as a QR code at the foot).
- ``procedure``: 'HTTT01' | 'HTTT02' | 'HTTT03'; ``procedure_title``: its
  name as printed.
- ``applicant``: dict with ``full_name`` (required), ``kind`` ('person' or
  'organisation'), ``address``, ``phone``, ``email``, ``id_type`` ('cccd',
  'cmnd', 'passport'), ``id_number`` (only its last three characters are
  printed: with the code it opens the dossier online).
- ``officer``: the name of the signing officer; ``signer_title``: the
  signer's title (each builder has a default).
- ``addressee``: overrides 'Ông/Bà <full name>' after 'Kính gửi:'.
- ``submitted`` (notices): the date of the online request; ``received``
  stands in for it when absent.
- ``appointment``: a dict ``date`` (date or datetime, or a text:
  '2026-12-08' and '08/12/2026' print with their weekday, any other text
  as given), ``time`` (a time or a text: '8:30' and '8h30' print as '08
  giờ 30 phút'), ``place``, ``officer``, ``contact``; or simply a date or
  datetime.
- ``recipients``: the 'Nơi nhận' list of a notice (default: 'Như trên',
  'Lưu: VT, hồ sơ').

The fixed wording is Vietnamese here on purpose: these are official
printed forms, not user-interface text (the screens follow the user
manual "Hướng dẫn sử dụng phần mềm Hỗ trợ trực tuyến"; the steps and the
legal reminder follow Quyết định 11/QĐ-TCTHADS and the Quy trình hỗ trợ
trực tuyến 2019).
"""
import datetime
import re
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.platypus import Paragraph, Table, TableStyle

from .administrative import admin_styles
from .layout import FONT, markup, plain_text, register_fonts

WEEKDAYS = ('Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy',
            'Chủ nhật')

#: identity documents, as named inside a sentence
ID_TYPES = {
    'cccd': 'căn cước công dân',
    'cmnd': 'chứng minh nhân dân',
    'passport': 'hộ chiếu',
}

BLANK = '............'


def clean(value):
    """Stripped NFC text ('' for None)."""
    return plain_text(value).strip()


def dmy(value):
    """dd/mm/yyyy ('' for None)."""
    if not value:
        return ''
    return '%02d/%02d/%04d' % (value.day, value.month, value.year)


_CLOCK = re.compile(r'^(\d{1,2})\s*[:hg]\s*(\d{2})?$', re.IGNORECASE)


def clock_time(value):
    """'08 giờ 30 phút' from a time, a datetime or a text such as
    '8:30' or '8h30'; any other text as given."""
    if not value:
        return ''
    if isinstance(value, (datetime.time, datetime.datetime)):
        return '%02d giờ %02d phút' % (value.hour, value.minute)
    text = clean(value)
    clock = _CLOCK.match(text)
    if clock and int(clock.group(1)) < 24 and int(clock.group(2) or 0) < 60:
        return '%02d giờ %02d phút' % (int(clock.group(1)),
                                       int(clock.group(2) or 0))
    return text


def moment(value):
    """'09 giờ 15 phút, Thứ Bảy, ngày 05/12/2026' from a datetime (or a
    date: without the time)."""
    if not value:
        return ''
    day = '%s, ngày %s' % (WEEKDAYS[value.weekday()], dmy(value))
    if isinstance(value, datetime.datetime):
        return '%s, %s' % (clock_time(value), day)
    return day


def appointment_of(value):
    """The appointment as a dict (date, time, place, officer, contact),
    whether given as such or as a date/datetime."""
    if isinstance(value, dict):
        return value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return {'date': value}
    return {}


_DAY = re.compile(r'^(\d{1,2})/(\d{1,2})/(\d{4})$')


def _as_date(text):
    """A date from '2026-12-08' or '08/12/2026'; None for any other
    text."""
    text = clean(text)
    day = _DAY.match(text)
    try:
        if day:
            return datetime.date(int(day.group(3)), int(day.group(2)),
                                 int(day.group(1)))
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def appointment_when(appt):
    """'08 giờ 30 phút, Thứ Ba, ngày 08/12/2026' from an appointment (its
    date a date, a datetime or a text: see ``_as_date``)."""
    when = appt.get('date')
    time = appt.get('time')
    if isinstance(when, str):
        when = _as_date(when) or clean(when)
    if isinstance(when, datetime.datetime) and not time:
        return moment(when)
    if isinstance(when, datetime.datetime):
        when = when.date()
    day = when if isinstance(when, str) else moment(when)
    return ', '.join(p for p in (clock_time(time), day) if p)


def mask_id(id_number):
    """Only the last three characters of an identity number: with the
    dossier code it opens the dossier online, and paper gets lost."""
    text = clean(id_number).replace(' ', '')
    if not text:
        return ''
    keep = text[-3:] if len(text) > 4 else ''
    return '*' * (len(text) - len(keep)) + keep


def person(applicant):
    """'Ông/Bà Nguyễn Văn A', or the organisation's name as it is."""
    name = clean(applicant.get('full_name'))
    if applicant.get('kind') == 'organisation':
        return name
    return 'Ông/Bà %s' % name


def address_as(applicant, inline=False):
    """How the body addresses the applicant (``inline``: inside a
    sentence, where 'quý cơ quan' is not capitalised; 'Ông/Bà' always
    is)."""
    if applicant.get('kind') == 'organisation':
        return 'quý cơ quan, tổ chức' if inline else 'Quý cơ quan, tổ chức'
    return 'Ông/Bà'


def agency_name(values):
    return clean(values.get('agency_title')) or 'cơ quan thi hành án dân sự'


def agency_place(values):
    """'Trụ sở Chi cục …, <address>'."""
    address = clean(values.get('agency_address'))
    head = 'Trụ sở %s' % agency_name(values)
    return '%s, %s' % (head, address) if address else head


def cap(text):
    """First letter in upper case (sentence start)."""
    return text[:1].upper() + text[1:]


class Body:
    """Collects the flowables of a body. Every value is literal text,
    escaped here; only the fixed templates of this module hold markup."""

    def __init__(self):
        register_fonts()  # Paragraphs resolve their fonts when made
        self.st = admin_styles()
        self.flow = []

    def para(self, text, style='para'):
        """A paragraph of literal text (line breaks kept)."""
        self.flow.append(Paragraph(markup(text), self.st[style]))

    def rich(self, template, *values, style='para'):
        """A paragraph from a fixed markup template whose %s are filled
        with escaped values."""
        self.flow.append(Paragraph(
            template % tuple(markup(v) for v in values), self.st[style]))

    def field(self, label, value, style='line', blank=False):
        """'Label: value' with the value in bold; skipped when value is
        empty, unless ``blank`` (then a dotted blank is printed)."""
        value = clean(value)
        if value or blank:
            self.rich('%s: <b>%%s</b>' % escape(label), value or BLANK,
                      style=style)

    def heading(self, text):
        self.flow.append(Paragraph('<b>%s</b>' % markup(text),
                                   self.st['line']))

    def items(self, items, numbered=False, style='line'):
        """A list: '1. …' when numbered, '- …' otherwise."""
        for number, item in enumerate(items, 1):
            mark = '%d.' % number if numbered else '-'
            self.rich('%s %%s' % mark, item, style=style)

    def table(self, head, rows, widths, aligns):
        """A ruled table: head (column titles), rows of texts, the column
        widths in points and each column's alignment ('L' or 'C')."""
        styles = {'L': self.st['cell'], 'C': self.st['cell_center']}
        data = [[Paragraph(escape(h), self.st['cell_head']) for h in head]]
        for row in rows:
            data.append([Paragraph(markup(cell), styles[align])
                         for cell, align in zip(row, aligns)])
        table = Table(data, colWidths=widths, repeatRows=1,
                      hAlign='RIGHT', spaceBefore=2, spaceAfter=4)
        table.setStyle(TableStyle([
            ('FONTNAME', (0, 0), (-1, -1), FONT),
            ('GRID', (0, 0), (-1, -1), 0.5, colors.black),
            ('VALIGN', (0, 0), (-1, -1), 'MIDDLE'),
            ('LEFTPADDING', (0, 0), (-1, -1), 4),
            ('RIGHTPADDING', (0, 0), (-1, -1), 4),
            ('TOPPADDING', (0, 0), (-1, -1), 2),
            ('BOTTOMPADDING', (0, 0), (-1, -1), 4),
        ]))
        self.flow.append(table)


def lines_of(value):
    """A list of non-empty texts from a list or a multi-line text."""
    if not value:
        return []
    if isinstance(value, str):
        value = value.splitlines()
    return [clean(v) for v in value if clean(v)]


def applicant_fields(body, applicant):
    """Who the applicant is: name, identity (masked), address, phone."""
    if applicant.get('kind') == 'organisation':
        body.field('Tên cơ quan, tổ chức', applicant.get('full_name'),
                   blank=True)
        body.field('Người đại diện', applicant.get('representative'))
    else:
        body.field('Ông/Bà', applicant.get('full_name'), blank=True)
    masked = mask_id(applicant.get('id_number'))
    if masked:
        kind = ID_TYPES.get(applicant.get('id_type'), 'giấy tờ tùy thân')
        body.field('Số %s' % kind, masked)
    body.field('Địa chỉ', applicant.get('address'))
    body.field('Số điện thoại', applicant.get('phone'))


def received_sentence(values, applicant,
                       what='hồ sơ đề nghị hỗ trợ trực tuyến'):
    """'<Agency> đã nhận được hồ sơ đề nghị hỗ trợ trực tuyến của Ông/Bà …
    (mã hồ sơ …) gửi ngày … về thủ tục: …' (``what`` names what was
    received: 'đơn kiến nghị' for a petition)."""
    text = '%s đã nhận được %s của %s' % (
        cap(agency_name(values)), what, person(applicant))
    if clean(values.get('code')):
        text += ' (mã hồ sơ: %s)' % clean(values['code'])
    submitted = values.get('submitted') or values.get('received')
    if submitted:
        text += ' gửi ngày %s' % dmy(submitted)
    if clean(values.get('procedure_title')):
        text += ' về thủ tục: %s' % clean(values['procedure_title'])
    return text + '.'


def contact_sentence(values, you, officer=None, phone=None):
    """Whom to call with questions, or '' when nothing is known."""
    officer = clean(officer)
    phone = clean(phone) or clean(values.get('agency_phone'))
    if not officer and not phone:
        return ''
    who = 'cán bộ %s' % officer if officer else agency_name(values)
    text = 'Trường hợp có vướng mắc, %s liên hệ %s' % (you, who)
    if phone:
        text += ', số điện thoại %s' % phone
    return text + ' để được hướng dẫn.'


def frame(values, title, subtitle, signers):
    """The keys of administrative_pdf shared by every builder."""
    url = clean(values.get('lookup_url'))
    return {
        'parent_title': values.get('parent_title'),
        'agency_title': values.get('agency_title'),
        'number': values.get('number'),
        'place': values.get('place'),
        'date': values.get('date'),
        'title': title,
        'subtitle': subtitle,
        'signers': signers,
        'code': values.get('code'),
        'lookup_url': url,
        'lookup_hint': ('Nhập mã hồ sơ và số giấy tờ tùy thân đã khai báo '
                        'để xem tình trạng và kết quả giải quyết hồ sơ.'
                        if url else None),
    }


def signer_of(values, default):
    """The single signer: (title, name)."""
    return (clean(values.get('signer_title')) or default,
            values.get('officer'))


def what_to_complete(b, values):
    """The numbered items to supplement and the officer's message, or a
    blank line to fill in by hand."""
    items = lines_of(values.get('items'))
    if items:
        b.items(items, numbered=True)
    if clean(values.get('message')):
        b.para(values['message'])
    if not items and not clean(values.get('message')):
        b.para(BLANK, style='line')
