"""Printed slips and notices of the reception desk (SPEC B11), and their
numbering.

Nine builders, each taking one plain dict (no ZODB objects: the staff view
copies what it needs) and returning PDF bytes in the layout of an
administrative document (``documents.administrative_pdf``):

================================  ==========================================
``appointment_notice(values)``    Thông báo tiếp nhận hồ sơ và hẹn ngày làm
                                  việc (HTTT01/HTTT03 found "Đầy đủ, hợp lệ")
``supplement_notice(values)``     Thông báo hướng dẫn bổ sung, sửa đổi hồ sơ
``refusal_notice(values)``        Thông báo từ chối hỗ trợ trực tuyến
``appointment_slip(values)``      Phiếu hẹn tiếp nhận và trả hồ sơ (walk-in)
``guidance_slip(values)``         Phiếu hướng dẫn hoàn thiện hồ sơ
``originals_receipt(values)``     Giấy biên nhận hồ sơ gốc
``petition_reply(values)``        Thông báo trả lời đơn kiến nghị, phản ánh
                                  (HTTT02, thuộc thẩm quyền)
``forwarding_notice(values)``     Thông báo về việc chuyển đơn (HTTT02,
                                  thuộc thẩm quyền của cơ quan khác)
``archive_notice(values)``        Thông báo về việc lưu đơn (HTTT02, đơn
                                  trùng nội dung hoặc gửi nhiều cơ quan)
================================  ==========================================

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
printed forms, not user-interface text (seed 000 for the screens, 001 and
003 for the steps and the legal reminder).
"""
import datetime
import re

from xml.sax.saxutils import escape

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table, TableStyle

from .layout import (
    CONTENT_WIDTH,
    FONT,
    _markup,
    _text,
    admin_styles,
    administrative_pdf,
    register_fonts,
)

# --- Numbering -------------------------------------------------------------

#: slip kinds: the symbol of the document type in its number
NOTICE = 'TB'     # thông báo
SLIP = 'PH'       # phiếu
RECEIPT = 'BN'    # giấy biên nhận
KINDS = (NOTICE, SLIP, RECEIPT)

#: the kind of number each builder takes
KIND_OF = {
    'appointment_notice': NOTICE,
    'supplement_notice': NOTICE,
    'refusal_notice': NOTICE,
    'appointment_slip': SLIP,
    'guidance_slip': SLIP,
    'originals_receipt': RECEIPT,
    'petition_reply': NOTICE,
    'forwarding_notice': NOTICE,
    'archive_notice': NOTICE,
}

#: Agency.kind -> the abbreviation of the issuing agency in a number
AGENCY_SYMBOLS = {
    'tong_cuc': 'TCTHADS',
    'cuc': 'CTHADS',
    'chi_cuc': 'CCTHADS',
}

#: other names a caller may give for a kind
ALIASES = dict(KIND_OF, notice=NOTICE, slip=SLIP, receipt=RECEIPT)

_COUNTERS = '_httttha_slip_counters'


def kind_symbol(kind):
    """TB, PH or BN for a kind given as such, as a builder name
    ('guidance_slip') or as 'notice', 'slip', 'receipt'."""
    if kind in KINDS:
        return kind
    try:
        return ALIASES[kind]
    except (KeyError, TypeError):
        raise ValueError('unknown slip kind %r' % (kind,)) from None


def _counters(agency):
    """The agency's counters, made on first use: (kind, year) -> Length,
    and (kind, year, n) -> True for every number issued."""
    tree = getattr(agency, _COUNTERS, None)
    if tree is None:
        tree = OOBTree()
        setattr(agency, _COUNTERS, tree)
    return tree


def next_number(agency, kind, year):
    """Issue the next number (1, 2, …) of ``kind`` (TB, PH or BN, or a
    builder name: see ``kind_symbol``) for ``agency`` in ``year``;
    numbering starts again every year. All notices share the TB series,
    both slips the PH series.

    The counter is a ``BTrees.Length``: concurrent increments merge
    instead of conflicting. Merging alone would let two concurrent
    transactions issue the same number, so each issued number is also
    recorded as a key of the agency's counter tree; two transactions
    adding the same key conflict, and the retried one draws the next
    number.
    """
    kind = kind_symbol(kind)
    year = int(year)
    tree = _counters(agency)
    counter = tree.get((kind, year))
    if counter is None:
        counter = tree[(kind, year)] = Length()
    counter.change(1)
    number = counter()
    tree[(kind, year, number)] = True
    return number


def current_number(agency, kind, year):
    """The last number of ``kind`` issued in ``year`` (0 if none)."""
    tree = getattr(agency, _COUNTERS, None)
    key = (kind_symbol(kind), int(year))
    counter = tree.get(key) if tree is not None else None
    return counter() if counter is not None else 0


def slip_number(n, kind, agency_kind):
    """The printed number: ``slip_number(12, 'TB', 'chi_cuc')`` is
    '12/TB-CCTHADS'; ``kind`` as for ``next_number``."""
    kind = kind_symbol(kind)
    if agency_kind not in AGENCY_SYMBOLS:
        raise ValueError('unknown agency kind %r' % (agency_kind,))
    return '%d/%s-%s' % (int(n), kind, AGENCY_SYMBOLS[agency_kind])


def issue_number(agency, kind, year):
    """Issue and format the next number of the agency in one call."""
    return slip_number(next_number(agency, kind, year), kind, agency.kind)


# --- Wording helpers -------------------------------------------------------

WEEKDAYS = ('Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy',
            'Chủ nhật')

#: identity documents, as named inside a sentence
ID_TYPES = {
    'cccd': 'căn cước công dân',
    'cmnd': 'chứng minh nhân dân',
    'passport': 'hộ chiếu',
}

#: seed 003, Phần I, 4.a (HTTT01), word for word
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
SIGN_HINT = '(Ký, ghi rõ họ tên)'
BLANK = '............'


def _s(value):
    """Stripped NFC text ('' for None)."""
    return _text(value).strip()


def _date(value):
    """dd/mm/yyyy ('' for None)."""
    if not value:
        return ''
    return '%02d/%02d/%04d' % (value.day, value.month, value.year)


_CLOCK = re.compile(r'^(\d{1,2})\s*[:hg]\s*(\d{2})?$', re.IGNORECASE)


def _time(value):
    """'08 giờ 30 phút' from a time, a datetime or a text such as
    '8:30' or '8h30'; any other text as given."""
    if not value:
        return ''
    if isinstance(value, (datetime.time, datetime.datetime)):
        return '%02d giờ %02d phút' % (value.hour, value.minute)
    text = _s(value)
    clock = _CLOCK.match(text)
    if clock and int(clock.group(1)) < 24 and int(clock.group(2) or 0) < 60:
        return '%02d giờ %02d phút' % (int(clock.group(1)),
                                       int(clock.group(2) or 0))
    return text


def _moment(value):
    """'09 giờ 15 phút, Thứ Bảy, ngày 05/12/2026' from a datetime (or a
    date: without the time)."""
    if not value:
        return ''
    day = '%s, ngày %s' % (WEEKDAYS[value.weekday()], _date(value))
    if isinstance(value, datetime.datetime):
        return '%s, %s' % (_time(value), day)
    return day


def _appointment(value):
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
    text = _s(text)
    day = _DAY.match(text)
    try:
        if day:
            return datetime.date(int(day.group(3)), int(day.group(2)),
                                 int(day.group(1)))
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def _appointment_when(appt):
    """'08 giờ 30 phút, Thứ Ba, ngày 08/12/2026' from an appointment (its
    date a date, a datetime or a text: see ``_as_date``)."""
    when = appt.get('date')
    time = appt.get('time')
    if isinstance(when, str):
        when = _as_date(when) or _s(when)
    if isinstance(when, datetime.datetime) and not time:
        return _moment(when)
    if isinstance(when, datetime.datetime):
        when = when.date()
    day = when if isinstance(when, str) else _moment(when)
    return ', '.join(p for p in (_time(time), day) if p)


def _mask(id_number):
    """Only the last three characters of an identity number: with the
    dossier code it opens the dossier online, and paper gets lost."""
    text = _s(id_number).replace(' ', '')
    if not text:
        return ''
    keep = text[-3:] if len(text) > 4 else ''
    return '*' * (len(text) - len(keep)) + keep


def _person(applicant):
    """'Ông/Bà Nguyễn Văn A', or the organisation's name as it is."""
    name = _s(applicant.get('full_name'))
    if applicant.get('kind') == 'organisation':
        return name
    return 'Ông/Bà %s' % name


def _you(applicant, inline=False):
    """How the body addresses the applicant (``inline``: inside a
    sentence, where 'quý cơ quan' is not capitalised; 'Ông/Bà' always
    is)."""
    if applicant.get('kind') == 'organisation':
        return 'quý cơ quan, tổ chức' if inline else 'Quý cơ quan, tổ chức'
    return 'Ông/Bà'


def _agency(values):
    return _s(values.get('agency_title')) or 'cơ quan thi hành án dân sự'


def _agency_place(values):
    """'Trụ sở Chi cục …, <address>'."""
    address = _s(values.get('agency_address'))
    head = 'Trụ sở %s' % _agency(values)
    return '%s, %s' % (head, address) if address else head


def _cap(text):
    """First letter in upper case (sentence start)."""
    return text[:1].upper() + text[1:]


class _Body:
    """Collects the flowables of a body. Every value is literal text,
    escaped here; only the fixed templates of this module hold markup."""

    def __init__(self):
        register_fonts()  # Paragraphs resolve their fonts when made
        self.st = admin_styles()
        self.flow = []

    def para(self, text, style='para'):
        """A paragraph of literal text (line breaks kept)."""
        self.flow.append(Paragraph(_markup(text), self.st[style]))

    def rich(self, template, *values, style='para'):
        """A paragraph from a fixed markup template whose %s are filled
        with escaped values."""
        self.flow.append(Paragraph(
            template % tuple(_markup(v) for v in values), self.st[style]))

    def field(self, label, value, style='line', blank=False):
        """'Label: value' with the value in bold; skipped when value is
        empty, unless ``blank`` (then a dotted blank is printed)."""
        value = _s(value)
        if value or blank:
            self.rich('%s: <b>%%s</b>' % escape(label), value or BLANK,
                      style=style)

    def heading(self, text):
        self.flow.append(Paragraph('<b>%s</b>' % _markup(text),
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
            data.append([Paragraph(_markup(cell), styles[align])
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


def _lines(value):
    """A list of non-empty texts from a list or a multi-line text."""
    if not value:
        return []
    if isinstance(value, str):
        value = value.splitlines()
    return [_s(v) for v in value if _s(v)]


def _applicant_fields(body, applicant):
    """Who the applicant is: name, identity (masked), address, phone."""
    if applicant.get('kind') == 'organisation':
        body.field('Tên cơ quan, tổ chức', applicant.get('full_name'),
                   blank=True)
        body.field('Người đại diện', applicant.get('representative'))
    else:
        body.field('Ông/Bà', applicant.get('full_name'), blank=True)
    masked = _mask(applicant.get('id_number'))
    if masked:
        kind = ID_TYPES.get(applicant.get('id_type'), 'giấy tờ tùy thân')
        body.field('Số %s' % kind, masked)
    body.field('Địa chỉ', applicant.get('address'))
    body.field('Số điện thoại', applicant.get('phone'))


def _received_sentence(values, applicant,
                       what='hồ sơ đề nghị hỗ trợ trực tuyến'):
    """'<Agency> đã nhận được hồ sơ đề nghị hỗ trợ trực tuyến của Ông/Bà …
    (mã hồ sơ …) gửi ngày … về thủ tục: …' (``what`` names what was
    received: 'đơn kiến nghị' for a petition)."""
    text = '%s đã nhận được %s của %s' % (
        _cap(_agency(values)), what, _person(applicant))
    if _s(values.get('code')):
        text += ' (mã hồ sơ: %s)' % _s(values['code'])
    submitted = values.get('submitted') or values.get('received')
    if submitted:
        text += ' gửi ngày %s' % _date(submitted)
    if _s(values.get('procedure_title')):
        text += ' về thủ tục: %s' % _s(values['procedure_title'])
    return text + '.'


def _contact_sentence(values, you, officer=None, phone=None):
    """Whom to call with questions, or '' when nothing is known."""
    officer = _s(officer)
    phone = _s(phone) or _s(values.get('agency_phone'))
    if not officer and not phone:
        return ''
    who = 'cán bộ %s' % officer if officer else _agency(values)
    text = 'Trường hợp có vướng mắc, %s liên hệ %s' % (you, who)
    if phone:
        text += ', số điện thoại %s' % phone
    return text + ' để được hướng dẫn.'


def _frame(values, title, subtitle, signers):
    """The keys of administrative_pdf shared by every builder."""
    url = _s(values.get('lookup_url'))
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


def _officer(values, default):
    """The single signer: (title, name)."""
    return (_s(values.get('signer_title')) or default, values.get('officer'))


def _notice(values, subtitle, body, signer='CÁN BỘ TIẾP NHẬN'):
    """The frame of the notices: Kính gửi, one signer (``signer_title``,
    default ``signer``) and Nơi nhận."""
    applicant = values.get('applicant') or {}
    recipients = values.get('recipients')
    if recipients is None:
        recipients = DEFAULT_RECIPIENTS
    doc = _frame(values, 'THÔNG BÁO', subtitle,
                 [_officer(values, signer)])
    doc['addressee'] = _s(values.get('addressee')) or _person(applicant)
    doc['recipients'] = recipients
    return administrative_pdf(doc, body.flow)


def _reminder(procedure):
    """The legal reminder of seed 003 4.a for the procedure, or None."""
    if procedure == 'HTTT03':
        return REMINDER_HTTT03
    if procedure in (None, '', 'HTTT01'):
        return REMINDER_HTTT01
    return None


def _appointment_fields(b, values, appt, label, officer):
    """'1. Thời gian', '2. Địa điểm' (default: the agency's address) and
    '3. <label>: <officer>; số điện thoại: …' (default ``agency_phone``)
    of an appointment; a dotted blank for a missing time or officer."""
    b.field('1. Thời gian', _appointment_when(appt), blank=True)
    b.field('2. Địa điểm', _s(appt.get('place')) or _agency_place(values))
    contact = _s(appt.get('contact')) or _s(values.get('agency_phone'))
    b.rich('3. %s: <b>%%s</b>' % escape(label) + (
        '; số điện thoại: <b>%s</b>' if contact else '%s'),
        _s(officer) or BLANK, contact, style='line')


def _paragraphs(value):
    """The paragraphs of a long text: split on blank lines, each keeping
    its own line breaks."""
    text = _text(value).replace('\r\n', '\n').replace('\r', '\n')
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
    you = _you(applicant, True)
    appt = _appointment(values.get('appointment'))
    procedure = values.get('procedure')
    b = _Body()
    b.para(_received_sentence(values, applicant) + ' Sau khi kiểm tra, hồ '
           'sơ đã đầy đủ, hợp lệ. Đề nghị %s đến làm việc để nộp hồ sơ trực '
           'tiếp (hoặc gửi hồ sơ qua đường bưu điện) theo lịch hẹn sau:'
           % you)
    _appointment_fields(b, values, appt, 'Cán bộ tiếp nhận',
                        _s(appt.get('officer')) or _s(values.get('officer')))
    b.heading('4. Hồ sơ cần mang theo:')
    if procedure == 'HTTT03':
        application = 'Bản gốc đơn yêu cầu xác nhận kết quả thi hành án'
    else:
        application = 'Bản gốc đơn yêu cầu thi hành án'
    b.items([application + ' (có chữ ký hoặc điểm chỉ của người yêu cầu), '
             'đúng với nội dung đã gửi trực tuyến;'], style='sub')
    documents = _lines(values.get('documents'))
    if documents:
        b.items(['Bản chính hoặc bản sao có chứng thực của các tài liệu đã '
                 'gửi kèm hồ sơ trực tuyến: %s;' % '; '.join(
                     '(%d) %s' % (n, d) for n, d in enumerate(documents, 1))],
                style='sub')
    b.items(['Giấy tờ tùy thân (căn cước công dân, chứng minh nhân dân '
             'hoặc hộ chiếu) của người nộp hồ sơ; giấy ủy quyền nếu nộp '
             'thay.'], style='sub')
    if _s(values.get('message')):
        b.field('5. Ý kiến của cán bộ tiếp nhận', values['message'])
    reminder = _reminder(procedure)
    if reminder:
        b.rich('<b><i>Lưu ý:</i></b> <i>%s</i>', reminder)
    b.para('Trường hợp không thể đến theo lịch hẹn, đề nghị %s liên hệ '
           'trước với cán bộ tiếp nhận để được hẹn lại. %s thông báo để %s '
           'biết và thực hiện./.' % (you, _cap(_agency(values)), you))
    return _notice(values, 'Về việc tiếp nhận hồ sơ và hẹn ngày làm việc',
                   b)


def _what_to_complete(b, values):
    """The numbered items to supplement and the officer's message, or a
    blank line to fill in by hand."""
    items = _lines(values.get('items'))
    if items:
        b.items(items, numbered=True)
    if _s(values.get('message')):
        b.para(values['message'])
    if not items and not _s(values.get('message')):
        b.para(BLANK, style='line')


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
    you = _you(applicant, True)
    b = _Body()
    b.para(_received_sentence(values, applicant))
    b.para('Qua kiểm tra, hồ sơ chưa đầy đủ, hợp lệ. Đề nghị %s bổ sung, '
           'sửa đổi hồ sơ theo hướng dẫn sau:' % you)
    _what_to_complete(b, values)
    if values.get('deadline'):
        b.rich('Thời hạn bổ sung, sửa đổi: trước ngày <b>%s</b>.',
               _date(values['deadline']))
    b.heading('Cách bổ sung hồ sơ trực tuyến:')
    url = _s(values.get('lookup_url'))
    if url:
        b.rich('- Truy cập trang Tra cứu hồ sơ: <b>%s</b>;', url,
               style='sub')
    else:
        b.items(['Truy cập mục TRA CỨU HỒ SƠ của Phần mềm hỗ trợ trực '
                 'tuyến thi hành án dân sự;'], style='sub')
    code = _s(values.get('code'))
    b.rich('- Nhập mã hồ sơ <b>%s</b>, chọn đơn vị %s và chọn Tra cứu;',
           code or BLANK, _agency(values), style='sub')
    kind = ID_TYPES.get(applicant.get('id_type'),
                        'CMND/CCCD/hộ chiếu')
    masked = _mask(applicant.get('id_number'))
    b.items(['Nhập số %s đã khai báo khi nộp hồ sơ%s và chọn Tiếp tục;' % (
                kind, ' (%s)' % masked if masked else ''),
             'Chọn Bổ sung hồ sơ, cập nhật thông tin và tài liệu theo '
             'hướng dẫn trên, sau đó gửi lại hồ sơ.'], style='sub')
    b.para('Sau khi hồ sơ được bổ sung đầy đủ, hợp lệ, %s sẽ thông báo lịch '
           'hẹn để %s nộp hồ sơ trực tiếp.' % (_agency(values), you))
    contact = _contact_sentence(values, you, values.get('officer'),
                                values.get('contact'))
    if contact:
        b.para(contact)
    b.para('%s thông báo để %s biết và thực hiện./.' % (
        _cap(_agency(values)), you))
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
    you = _you(applicant, True)
    b = _Body()
    b.para(_received_sentence(values, applicant))
    basis = _s(values.get('legal_basis'))
    b.para('Sau khi kiểm tra, %s từ chối hỗ trợ trực tuyến đối với hồ sơ '
           'nêu trên%s.' % (_agency(values),
                            ' theo quy định tại %s' % basis if basis else ''))
    b.rich('<b>Lý do:</b> %s', _s(values.get('reason')) or BLANK)
    if _s(values.get('message')):
        b.rich('<b>Ý kiến của cán bộ tiếp nhận:</b> %s', values['message'])
    if _s(values.get('guidance')):
        b.rich('<b>Hướng dẫn:</b> %s', values['guidance'])
    contact = _contact_sentence(values, you, values.get('officer'),
                                values.get('contact'))
    if contact:
        b.para(contact)
    b.para('%s thông báo để %s biết./.' % (_cap(_agency(values)), you))
    return _notice(values, 'Về việc từ chối hỗ trợ trực tuyến', b)


# --- The petition notices (HTTT02) -----------------------------------------
# Seed 001, section 2 (Bước 3-5) and seed 003, Phần II.2: a petition
# within the agency's jurisdiction is answered in writing (and the
# petitioner may be given an appointment); one for another body is
# forwarded there, the petitioner being told and guided; one repeating a
# petition already forwarded, guided or answered, or sent to several
# bodies among which the competent one, is kept on file (lưu đơn) and the
# petitioner told so. The leader of the agency signs these answers.

#: the default signer of the petition notices
LEADER = 'THỦ TRƯỞNG CƠ QUAN'
#: archive_notice's grounds
REPEATED = 'repeated'
SEVERAL_BODIES = 'several_bodies'


def _petition_kind(values):
    """'kiến nghị' from ``petition_kind`` 'Kiến nghị' (inside a
    sentence); 'kiến nghị, phản ánh' when not given."""
    kind = _s(values.get('petition_kind')) or 'kiến nghị, phản ánh'
    return kind[:1].lower() + kind[1:]


def _petition_opening(b, values, applicant):
    """'<Agency> đã nhận được đơn kiến nghị của Ông/Bà … (mã hồ sơ …) gửi
    ngày … về thủ tục: …', then the petition's summary when given."""
    b.para(_received_sentence(values, applicant,
                              'đơn %s' % _petition_kind(values)))
    if _s(values.get('summary')):
        b.rich('<b>Nội dung đơn:</b> %s', _s(values['summary']))


def _message(b, values):
    """``message`` paragraph by paragraph (split on blank lines)."""
    for paragraph in _paragraphs(values.get('message')):
        b.para(paragraph)


def petition_reply(values):
    """THÔNG BÁO Về việc trả lời đơn kiến nghị, phản ánh: the petition is
    within the agency's jurisdiction and this is its answer; the
    petitioner may be invited to a meeting (seed 001, Bước 5: "gửi thông
    báo đặt lịch hẹn đương sự").

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
    you = _you(applicant, True)
    appt = _appointment(values.get('appointment'))
    b = _Body()
    _petition_opening(b, values, applicant)
    b.para('Sau khi xem xét nội dung đơn, %s trả lời %s như sau:' % (
        _agency(values), you))
    if _paragraphs(values.get('message')):
        _message(b, values)
    else:
        b.para(BLANK, style='line')
    if any(_s(appt.get(k)) for k in ('date', 'time', 'place')):
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
        contact = _contact_sentence(values, you, None, values.get('contact'))
        if contact:
            b.para(contact)
        closing = 'biết'
    b.para('%s thông báo để %s %s./.' % (_cap(_agency(values)), you,
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
    you = _you(applicant, True)
    forward_to = _s(values.get('forward_to')) or BLANK
    b = _Body()
    _petition_opening(b, values, applicant)
    b.para('Sau khi xem xét, nội dung đơn không thuộc thẩm quyền giải quyết '
           'của %s.' % _agency(values))
    forwarded = values.get('forwarded') or values.get('date')
    letter = _s(values.get('forward_letter'))
    b.rich('%s đã chuyển đơn của %s cùng các tài liệu kèm theo (nếu có) '
           'đến <b>%s</b>' + (' theo văn bản số <b>%s</b>' if letter
                              else '%s') +
           ' để xem xét, giải quyết theo thẩm quyền.',
           ('Ngày %s, %s' % (_date(forwarded), _agency(values))
            if forwarded else _cap(_agency(values))),
           you, forward_to, letter)
    b.para('Đề nghị %s liên hệ với %s để theo dõi việc giải quyết đơn theo '
           'quy định của pháp luật.' % (you, forward_to))
    _message(b, values)
    contact = _contact_sentence(values, you, None, values.get('contact'))
    if contact:
        b.para(contact)
    b.para('%s thông báo để %s biết./.' % (_cap(_agency(values)), you))
    return _notice(values, 'Về việc chuyển đơn', b, LEADER)


def archive_notice(values):
    """THÔNG BÁO Về việc lưu đơn: the petition is kept on file without
    further handling (seed 001, Bước 3; seed 000: "lưu đơn và thông tin
    cho đương sự biết"), because it repeats a petition already forwarded,
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
    you = _you(applicant, True)
    earlier_code = _s(values.get('earlier_code'))
    earlier_date = values.get('earlier_date')
    competent = _s(values.get('competent_body'))
    ground = values.get('ground')
    if ground not in (REPEATED, SEVERAL_BODIES):
        ground = SEVERAL_BODIES if competent and not (
            earlier_code or earlier_date) else REPEATED
    b = _Body()
    _petition_opening(b, values, applicant)
    if ground == REPEATED:
        earlier = 'đơn'
        if earlier_code:
            earlier += ' mã hồ sơ %s' % earlier_code
        if earlier_date:
            earlier += ' gửi ngày %s' % (_s(earlier_date)
                                         if isinstance(earlier_date, str)
                                         else _date(earlier_date))
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
           'lý đơn này.' % _agency(values))
    _message(b, values)
    contact = _contact_sentence(values, you, None, values.get('contact'))
    if contact:
        b.para(contact)
    b.para('%s thông báo để %s biết./.' % (_cap(_agency(values)), you))
    return _notice(values, 'Về việc lưu đơn', b, LEADER)


# --- The slips -------------------------------------------------------------

def _documents_rows(documents):
    """(STT, name, copies) rows from names or (name, copies) pairs."""
    rows = []
    for number, item in enumerate(documents or (), 1):
        if isinstance(item, (tuple, list)):
            name = item[0]
            copies = item[1] if len(item) > 1 else ''
        else:
            name, copies = item, ''
        if isinstance(copies, int):
            copies = '%02d' % copies
        rows.append(('%d' % number, _s(name), _s(copies)))
    return rows


def _two_signers(values, default):
    """The citizen signs on the left, the officer on the right."""
    applicant = values.get('applicant') or {}
    title, name = _officer(values, default)
    return [('NGƯỜI NỘP HỒ SƠ', applicant.get('full_name'), SIGN_HINT),
            (title, name, SIGN_HINT)]


def appointment_slip(values):
    """PHIẾU HẸN TIẾP NHẬN VÀ TRẢ HỒ SƠ, given to a walk-in applicant.

    Keys, besides the common ones: ``documents`` (names, or (name,
    copies) pairs; copies an int or a text such as '01 bản chính'),
    ``received`` (datetime the dossier was received), ``appointment``
    (datetime or date the result is returned, or a dict like
    appointment_notice's: date, time, place, officer, contact; ``due``
    stands in for it when absent),
    ``duration`` (optional text, e.g. '05 ngày làm việc'), ``message``
    (optional note). The applicant signs on the left (NGƯỜI NỘP HỒ SƠ),
    the officer on the right (``signer_title``, default 'NGƯỜI TIẾP
    NHẬN').
    """
    applicant = values.get('applicant') or {}
    appt = _appointment(values.get('appointment') or values.get('due'))
    b = _Body()
    b.para('%s đã tiếp nhận hồ sơ của:' % _cap(_agency(values)))
    _applicant_fields(b, applicant)
    b.field('Nội dung yêu cầu giải quyết', values.get('procedure_title'))
    b.heading('1. Thành phần hồ sơ gồm:')
    rows = _documents_rows(values.get('documents'))
    if rows:
        b.table(('STT', 'Tên giấy tờ, tài liệu', 'Số lượng'), rows,
                [12 * mm, CONTENT_WIDTH - 55 * mm, 33 * mm],
                ('C', 'L', 'C'))
    else:
        b.para('Không có giấy tờ, tài liệu kèm theo.', style='sub')
    number = 2
    if _s(values.get('duration')):
        b.field('2. Thời hạn giải quyết theo quy định', values['duration'])
        number = 3
    b.field('%d. Thời gian nhận hồ sơ' % number,
            _moment(values.get('received')), blank=True)
    b.field('%d. Thời gian hẹn trả kết quả' % (number + 1),
            _appointment_when(appt), blank=True)
    b.field('%d. Nơi trả kết quả' % (number + 2),
            _s(appt.get('place')) or _agency_place(values))
    officer = _s(appt.get('officer'))
    contact = _s(appt.get('contact')) or _s(values.get('agency_phone'))
    if officer:
        b.field('Cán bộ trả kết quả', officer, style='sub')
    if contact:
        b.field('Số điện thoại liên hệ', contact, style='sub')
    if _s(values.get('message')):
        b.rich('<b>Ghi chú:</b> %s', values['message'])
    b.para('Khi đến nhận kết quả, %s mang theo Phiếu hẹn này và giấy tờ '
           'tùy thân.' % _you(applicant, True))
    doc = _frame(values, 'PHIẾU HẸN TIẾP NHẬN VÀ TRẢ HỒ SƠ', None,
                 _two_signers(values, 'NGƯỜI TIẾP NHẬN'))
    return administrative_pdf(doc, b.flow)


def guidance_slip(values):
    """PHIẾU HƯỚNG DẪN HOÀN THIỆN HỒ SƠ, given at the desk when a dossier
    is incomplete.

    Keys, besides the common ones: ``received`` (datetime or date the
    dossier was brought, optional), ``items`` (list of what is missing
    or must be corrected) and/or ``message`` (free guidance),
    ``legal_basis`` (optional: a text or a list of lines, each printed
    as 'Căn cứ …'), ``contact`` (phone; default ``agency_phone``).
    ``signer_title`` defaults to 'NGƯỜI HƯỚNG DẪN'.
    """
    applicant = values.get('applicant') or {}
    you = _you(applicant, True)
    b = _Body()
    for line in _lines(values.get('legal_basis')):
        if not line.lower().startswith('căn cứ'):
            line = 'Căn cứ %s' % line
        b.rich('<i>%s</i>', line.rstrip(';.') + ';')
    received = values.get('received')
    b.para('%s nhận được hồ sơ%s của:' % (
        _cap(_agency(values)),
        ' ngày %s' % _date(received) if received else ''))
    _applicant_fields(b, applicant)
    b.field('Nội dung yêu cầu giải quyết', values.get('procedure_title'))
    b.para('Sau khi kiểm tra, hồ sơ chưa đầy đủ, hợp lệ. Đề nghị %s hoàn '
           'thiện hồ sơ gồm những nội dung sau:' % you)
    _what_to_complete(b, values)
    code = _s(values.get('code'))
    if code and _s(values.get('lookup_url')):
        b.para('%s có thể bổ sung hồ sơ trực tuyến tại trang Tra cứu hồ sơ '
               '(địa chỉ và mã QR ở cuối phiếu) bằng mã hồ sơ %s và số giấy '
               'tờ tùy thân đã khai báo.' % (_cap(you), code))
    contact = _contact_sentence(values, you, values.get('officer'),
                                values.get('contact'))
    if contact:
        b.para(contact)
    title, name = _officer(values, 'NGƯỜI HƯỚNG DẪN')
    doc = _frame(values, 'PHIẾU HƯỚNG DẪN HOÀN THIỆN HỒ SƠ', None,
                 [(title, name, SIGN_HINT)])
    return administrative_pdf(doc, b.flow)


CHANNELS = {
    'direct': 'Nộp trực tiếp tại cơ quan thi hành án dân sự',
    'post': 'Gửi qua đường bưu điện',
}


def originals_receipt(values):
    """GIẤY BIÊN NHẬN HỒ SƠ GỐC: the originals brought (or posted) after
    an online request, matched one by one against what was sent online.

    Keys, besides the common ones: ``checklist`` (list of (label,
    matched, note); matched True, False, or None for not checked),
    ``received`` (datetime), ``channel`` ('direct', 'post' or a text),
    ``next_step`` (what happens next), ``message`` (optional note). The
    person handing in signs on the left (NGƯỜI NỘP HỒ SƠ), the officer on
    the right (``signer_title``, default 'NGƯỜI TIẾP NHẬN').
    """
    applicant = values.get('applicant') or {}
    you = _you(applicant, True)
    b = _Body()
    b.para('%s đã nhận hồ sơ gốc của:' % _cap(_agency(values)))
    _applicant_fields(b, applicant)
    b.field('Mã hồ sơ trực tuyến', values.get('code'))
    b.field('Thủ tục', values.get('procedure_title'))
    b.field('Thời gian nhận', _moment(values.get('received')), blank=True)
    channel = values.get('channel')
    b.field('Hình thức nộp', CHANNELS.get(channel, channel))
    b.heading('Kết quả đối chiếu hồ sơ gốc với hồ sơ đề nghị hỗ trợ trực '
              'tuyến:')
    rows = []
    unmatched = unchecked = 0
    for number, item in enumerate(values.get('checklist') or (), 1):
        label, matched, note = (tuple(item) + (None, None))[:3]
        if matched is None:
            verdict = 'Chưa đối chiếu'
            unchecked += 1
        elif matched:
            verdict = 'Khớp'
        else:
            verdict = 'Không khớp'
            unmatched += 1
        rows.append(('%d' % number, _s(label), verdict, _s(note)))
    if rows:
        b.table(('STT', 'Giấy tờ, tài liệu', 'Đối chiếu', 'Ghi chú'), rows,
                [12 * mm, CONTENT_WIDTH - 103 * mm, 33 * mm, 48 * mm],
                ('C', 'L', 'C', 'L'))
        if unmatched:
            b.rich('Có <b>%s</b> giấy tờ, tài liệu chưa khớp với hồ sơ đã '
                   'gửi trực tuyến; %s cần bổ sung, hoàn thiện theo hướng '
                   'dẫn của cán bộ tiếp nhận.', '%02d' % unmatched, you)
        elif not unchecked:
            b.para('Hồ sơ gốc khớp với hồ sơ đã gửi trực tuyến.')
    else:
        b.para('Không có giấy tờ, tài liệu.', style='sub')
    if _s(values.get('next_step')):
        b.rich('<b>Bước tiếp theo:</b> %s', values['next_step'])
    if _s(values.get('message')):
        b.rich('<b>Ghi chú:</b> %s', values['message'])
    b.para('Giấy biên nhận này được lập thành 02 bản, mỗi bên giữ 01 bản.')
    doc = _frame(values, 'GIẤY BIÊN NHẬN HỒ SƠ GỐC', None,
                 _two_signers(values, 'NGƯỜI TIẾP NHẬN'))
    return administrative_pdf(doc, b.flow)
