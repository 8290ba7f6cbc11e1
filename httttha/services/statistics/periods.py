"""The periods a statistics table covers (the user manual's THỐNG KÊ:
"chọn … khoảng thời gian cần lấy số liệu thống kê"): a month, a calendar
quarter, the 3, 6, 9 and 12 months of a reporting year (from 1 October,
as the periodic reports count them), a whole reporting year, or any
range of days; and the same period a year earlier.

A period is read from the query string (``ky`` and its fields) by a
colander schema, so that a bad date comes back as a Vietnamese message
next to the fields the user typed.
"""
import calendar
import datetime

import colander
from babel.numbers import format_decimal

from ... import _
from . import reporting_year, year_bounds

#: ``ky``: what kind of period, in the order of the form's select
KINDS = (
    ('nam', _('Reporting year')),
    ('thang', _('Month')),
    ('quy', _('Quarter')),
    ('3-thang', _('3 months of the reporting year')),
    ('6-thang', _('6 months of the reporting year')),
    ('9-thang', _('9 months of the reporting year')),
    ('khoang', _('Range of days')),
)
#: the longest range of days a table covers (a table per decade is not
#: statistics anyone reads, and it would read a decade of counters)
LONGEST = 10 * 366
DATE_FORMAT = '%d/%m/%Y'
#: the query string's fields of a period
FIELDS = ('ky', 'nam', 'thang', 'quy', 'tu-ngay', 'den-ngay')
BAD_DATE = _('stats-bad-date', default='Enter a date as dd/mm/yyyy, for '
             'example 01/10/2026.')
BAD_RANGE = _('stats-bad-range', default='The start date must not be after '
              'the end date.')
TOO_LONG = _('stats-too-long', default='A range covers at most ten years.')


class Period(object):
    """Days ``first`` to ``last`` (dates, both included), what the user
    chose (``kind`` and the fields, to put back into links and forms)
    and how the page names it."""

    def __init__(self, first, last, kind, fields):
        self.first, self.last = first, last
        self.kind, self.fields = kind, fields

    @property
    def query(self):
        """The query string's fields that choose this period."""
        query = {'ky': self.kind}
        query.update(self.fields)
        return query

    @property
    def label(self):
        """'01/10/2025 – 30/09/2026' (the page and the Excel header add
        what kind of period it is)."""
        return '%s – %s' % (self.first.strftime(DATE_FORMAT),
                            self.last.strftime(DATE_FORMAT))

    @property
    def days(self):
        return (self.last - self.first).days + 1

    def year_earlier(self):
        """The same days a year earlier (29 February becomes the 28th)."""
        return Period(_shift(self.first), _shift(self.last), 'khoang', {
            'tu-ngay': _shift(self.first).strftime(DATE_FORMAT),
            'den-ngay': _shift(self.last).strftime(DATE_FORMAT)})

    def months(self):
        """The first day of each calendar month the period touches."""
        day = self.first.replace(day=1)
        while day <= self.last:
            yield day
            day = _next_month(day)


def _shift(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:          # 29 February
        return day.replace(year=day.year - 1, day=28)


def _next_month(day):
    return (day.replace(year=day.year + 1, month=1) if day.month == 12
            else day.replace(month=day.month + 1))


def month_bounds(year, month):
    return (datetime.date(year, month, 1),
            datetime.date(year, month, calendar.monthrange(year, month)[1]))


def reporting_months(year, months):
    """The first ``months`` months of reporting year ``year``."""
    first = year_bounds(year)[0]
    last = first
    for _i in range(months):
        last = _next_month(last)
    return first, last - datetime.timedelta(days=1)


def _date(node, value):
    try:
        return datetime.datetime.strptime(value.strip(), DATE_FORMAT).date()
    except ValueError:
        raise colander.Invalid(node, BAD_DATE)


class DayField(colander.SchemaType):
    """A dd/mm/yyyy date of a text field."""

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, None, ''):
            return colander.null
        if not isinstance(cstruct, str):
            raise colander.Invalid(node, BAD_DATE)
        return _date(node, cstruct)

    def serialize(self, node, appstruct):
        if appstruct in (colander.null, None):
            return colander.null
        return appstruct.strftime(DATE_FORMAT)


class PeriodSchema(colander.MappingSchema):
    ky = colander.SchemaNode(
        colander.String(), missing='nam',
        validator=colander.OneOf([kind for kind, _t in KINDS]))
    nam = colander.SchemaNode(colander.Int(), missing=None,
                              validator=colander.Range(2000, 2100))
    thang = colander.SchemaNode(colander.Int(), missing=None,
                                validator=colander.Range(1, 12))
    quy = colander.SchemaNode(colander.Int(), missing=None,
                              validator=colander.Range(1, 4))
    tu_ngay = colander.SchemaNode(DayField(), name='tu-ngay', missing=None)
    den_ngay = colander.SchemaNode(DayField(), name='den-ngay', missing=None)


def parse(params, today, translate=None):
    """The period chosen by the query ``params`` (a multidict), or the
    current reporting year; and {field: message} of what was wrong (the
    period is then the current reporting year, and the form shows what
    the user typed).  ``translate`` translates colander's messages."""
    fields = {name: params.get(name, '').strip() for name in (
        'ky', 'nam', 'thang', 'quy', 'tu-ngay', 'den-ngay')}
    cstruct = {name: value for name, value in fields.items() if value}
    try:
        data = PeriodSchema().deserialize(cstruct)
    except colander.Invalid as error:
        return default(today), error.asdict(translate=translate)
    kind = data['ky']
    year = data['nam'] or (today.year if kind in ('thang', 'quy')
                           else reporting_year(today))
    if kind == 'thang':
        month = data['thang'] or today.month
        first, last = month_bounds(year, month)
        chosen = {'nam': year, 'thang': month}
    elif kind == 'quy':
        quarter = data['quy'] or (today.month - 1) // 3 + 1
        first = month_bounds(year, quarter * 3 - 2)[0]
        last = month_bounds(year, quarter * 3)[1]
        chosen = {'nam': year, 'quy': quarter}
    elif kind == 'khoang':
        first, last = data['tu-ngay'], data['den-ngay']
        errors = {}
        if first is None:
            errors['tu-ngay'] = BAD_DATE
        if last is None:
            errors['den-ngay'] = BAD_DATE
        if not errors and first > last:
            errors['den-ngay'] = BAD_RANGE
        if not errors and (last - first).days >= LONGEST:
            errors['den-ngay'] = TOO_LONG
        if errors:
            return default(today), errors
        chosen = {'tu-ngay': first.strftime(DATE_FORMAT),
                  'den-ngay': last.strftime(DATE_FORMAT)}
    elif kind == 'nam':
        first, last = year_bounds(year)
        chosen = {'nam': year}
    else:                       # 3, 6 or 9 months of the reporting year
        first, last = reporting_months(year, int(kind.split('-')[0]))
        chosen = {'nam': year}
    return Period(first, last, kind, chosen), {}


def default(today):
    """The current reporting year."""
    year = reporting_year(today)
    return Period(*year_bounds(year), kind='nam', fields={'nam': year})


def form_values(params, period, years):
    """What the period form shows: what the user typed in the date
    fields (kept when wrong), and in the selects what was chosen when it
    is one of their options, else the period shown."""
    options = {'ky': [k for k, _t in KINDS],
               'nam': [str(y) for y in years],
               'thang': [str(m) for m in range(1, 13)],
               'quy': [str(q) for q in range(1, 5)]}
    values = {}
    for name in FIELDS:
        value = params.get(name, '').strip()[:20]
        if name in options and value not in options[name]:
            value = ''
        values[name] = value or str(period.query.get(name, ''))
    return values


def number(value):
    """1234567 -> '1.234.567', 3.5 -> '3,5' (Vietnamese grouping).  Whole
    numbers are formatted here: a whole-tree table has thousands, and
    Babel spends some 60 µs on each."""
    if isinstance(value, int):
        return '{:,}'.format(value).replace(',', '.')
    return format_decimal(value, locale='vi')


def kind_title(kind):
    return dict(KINDS)[kind]
