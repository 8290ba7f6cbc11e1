"""Khóa số liệu (C6): the Tổng cục's administrators see the reporting
periods and their state, and grant (or revoke) the permission to change
data of a closed period (Quy chế Điều 7).  The rules are in
``services.backoffice.periods``."""
import datetime
import re

import colander
from pyramid.httpexceptions import HTTPFound
from pyramid.session import check_csrf_token
from pyramid.view import view_config
from substanced.sdi import mgmt_view

from ... import _
from ...interfaces import IAgency
from ...permissions import MANAGE_PERIODS
from ...services.administration.tree import agency_by_code, agency_outline
from ...services.backoffice import periods
from ...services.statistics import reporting_year
from .calendar import DayMonthYear, TongCucScreen, is_root_agency

NAME = 'khoa-so-lieu'
TEMPLATE = 'httttha:templates/sdi/periods.pt'
REASON_MAX = 2000
DOCUMENT_MAX = 200
#: a grant is for a correction, not a standing exemption
LONGEST_DAYS = 366
MONTH_RE = re.compile(r'^\s*(\d{1,2})/(\d{4})\s*$')
FIELDS = ('agency', 'subtree', 'kind', 'month', 'year', 'reason',
          'document', 'document_date', 'valid_until')


class MonthYear(colander.SchemaType):
    """A month written mm/yyyy: its first day."""

    def serialize(self, node, appstruct):
        if appstruct is colander.null:
            return colander.null
        return appstruct.strftime('%m/%Y')

    def deserialize(self, node, cstruct):
        if cstruct is colander.null or not str(cstruct).strip():
            return colander.null
        match = MONTH_RE.match(str(cstruct))
        month, year = (int(g) for g in match.groups()) if match else (0, 0)
        if not 1 <= month <= 12 or year < 2000:
            raise colander.Invalid(node, _(
                'Enter the month as mm/yyyy, for example 03/2026.'), cstruct)
        return datetime.date(year, month, 1)


@colander.deferred
def agency_validator(node, kw):
    return colander.OneOf(kw['codes'], msg_err=_('Choose an agency.'))


@colander.deferred
def document_date_validator(node, kw):
    def validate(node, value):
        if value > kw['today']:
            raise colander.Invalid(node, _('The date cannot be after '
                                           'today.'))
    return validate


@colander.deferred
def valid_until_validator(node, kw):
    def validate(node, value):
        day = kw['today']
        if value < day:
            raise colander.Invalid(node, _('The last day of the grant '
                                           'cannot be before today.'))
        if value > day + datetime.timedelta(days=LONGEST_DAYS):
            raise colander.Invalid(node, _('A grant is valid for one year '
                                           'at most.'))
    return validate


def _period_given(form, value):
    """The month must be over, the reporting year begun."""
    day = form.bindings['today']
    if value['kind'] == periods.MONTH:
        if value['month'] is colander.null:
            raise colander.Invalid(form['month'], _(
                'Enter the month as mm/yyyy, for example 03/2026.'))
        if periods.month_of(value['month']).last >= day:
            raise colander.Invalid(form['month'], _(
                'Choose a month that is over.'))
    else:
        if value['year'] is colander.null:
            raise colander.Invalid(form['year'], _(
                'Enter the reporting year, for example 2026.'))
        year = int(value['year'])
        if not 2000 <= year <= reporting_year(day):
            raise colander.Invalid(form['year'], _(
                'Choose a reporting year that has begun.'))


def _text(max_length, missing_msg, **kw):
    return colander.SchemaNode(
        colander.String(), missing_msg=missing_msg,
        preparer=lambda value: value.strip() if isinstance(value, str)
        else value,
        validator=colander.Length(min=1, max=max_length, min_err=missing_msg,
                                  max_err=_('grant-too-long',
                                            default='At most ${max} '
                                                    'characters.',
                                            mapping={'max': max_length})),
        **kw)


class GrantSchema(colander.Schema):
    """A grant: who, which period, why, on which document, until when."""
    agency = colander.SchemaNode(colander.String(),
                                 validator=agency_validator,
                                 missing_msg=_('Choose an agency.'))
    subtree = colander.SchemaNode(colander.Boolean(), missing=False)
    kind = colander.SchemaNode(
        colander.String(),
        validator=colander.OneOf([periods.MONTH, periods.YEAR]),
        missing_msg=_('Choose a month or a reporting year.'))
    month = colander.SchemaNode(MonthYear(), missing=colander.null)
    year = colander.SchemaNode(
        colander.String(), missing=colander.null,
        validator=colander.Regex(r'^\d{4}$', msg=_(
            'Enter the reporting year, for example 2026.')))
    reason = _text(REASON_MAX, _('Give the reason of the grant.'))
    document = _text(DOCUMENT_MAX, _('Give the number of the document.'))
    document_date = colander.SchemaNode(
        DayMonthYear(), validator=document_date_validator,
        missing_msg=_('Enter the date as dd/mm/yyyy, for example '
                      '02/09/2027.'))
    valid_until = colander.SchemaNode(
        DayMonthYear(), validator=valid_until_validator,
        missing_msg=_('Enter the date as dd/mm/yyyy, for example '
                      '02/09/2027.'))

    def __init__(self, *arg, **kw):
        kw.setdefault('validator', _period_given)
        colander.Schema.__init__(self, *arg, **kw)


class SinceSchema(colander.Schema):
    since = colander.SchemaNode(MonthYear(), missing_msg=_(
        'Enter the month as mm/yyyy, for example 03/2026.'))


def _number(text):
    """A grant's number from a request, or None (an IOBTree key: beyond
    32 bits it would raise)."""
    text = (text or '').strip()
    return int(text) if text.isdigit() and len(text) <= 9 else None


def _errors(request, invalid):
    return {path.split('.')[-1]: msg for path, msg in invalid.asdict(
        translate=request.localizer.translate).items()}


class PeriodsView(TongCucScreen):
    """The periods, the grants, a grant's form and revocation."""
    name = NAME

    @mgmt_view(context=IAgency, name=NAME, tab_title=_('Period lock'),
               permission=MANAGE_PERIODS, request_method='GET',
               tab_condition=is_root_agency, renderer=TEMPLATE)
    def show(self):
        self._check()
        confirm = None
        wanted = _number(self.request.params.get('thu-hoi'))
        store = periods.find_periods(self.request.root)
        if wanted is not None and store is not None:
            found = store.grants.get(wanted)
            if found is not None and found.state(self.today) == 'active':
                confirm = found
        return self._page(confirm=confirm)

    @mgmt_view(context=IAgency, name=NAME, permission=MANAGE_PERIODS,
               request_method='POST', tab_condition=False, renderer=TEMPLATE)
    def post(self):
        self._check()
        check_csrf_token(self.request)     # BadCSRFToken: 400
        if 'revoke' in self.request.POST:
            return self.revoke()
        if 'set_since' in self.request.POST:
            return self.set_since()
        return self.add()

    def add(self):
        request = self.request
        codes = [code for code, _title, _depth in self._agencies()]
        schema = GrantSchema().bind(today=self.today, codes=codes)
        values = {name: request.POST.get(name, '') for name in FIELDS}
        cstruct = dict(values, subtree='true' if values['subtree'] else
                       'false')
        try:
            appstruct = schema.deserialize(cstruct)
        except colander.Invalid as e:
            return self._page(values=values, errors=_errors(request, e))
        if appstruct['kind'] == periods.MONTH:
            period = periods.month_of(appstruct['month'])
        else:
            period = periods.Period(periods.YEAR, int(appstruct['year']), 0)
        agency = agency_by_code(request.root, appstruct['agency'])
        made = periods.grant(
            request, agency, appstruct['subtree'], period,
            appstruct['reason'], appstruct['document'],
            appstruct['document_date'], appstruct['valid_until'])
        self._flash(_('period-granted',
                      default='Grant no. ${number} recorded: ${agency} may '
                              'change the data of ${period} until ${date}.',
                      mapping={'number': made.number,
                               'agency': agency.title,
                               'period': period.label(),
                               'date': made.valid_until.strftime(
                                   '%d/%m/%Y')}))
        return HTTPFound(self.url)

    def revoke(self):
        number = _number(self.request.POST.get('number'))
        found = periods.revoke(self.request, number) \
            if number is not None else None
        if found is None:
            self._flash(_('This grant is not in force.'), 'danger')
        else:
            self._flash(_('period-revoked',
                          default='Grant no. ${number} revoked.',
                          mapping={'number': found.number}))
        return HTTPFound(self.url)

    def set_since(self):
        request = self.request
        value = request.POST.get('since', '')
        try:
            first = SinceSchema().deserialize({'since': value})['since']
        except colander.Invalid as e:
            return self._page(since_value=value,
                              since_error=_errors(request, e)['since'])
        periods.set_since(request, first)
        self._flash(_('period-since',
                      default='The period lock applies from ${period} on.',
                      mapping={'period': periods.month_of(first).label()}))
        return HTTPFound(self.url)

    def _agencies(self):
        """(code, title, depth) of every agency, the tree's order."""
        top, groups = agency_outline(self.request.root)
        if top is None:
            return []
        rows = [(top[0], top[1], 0)]
        for (code, title), subs in groups:
            rows.append((code, title, 1))
            rows.extend((sub_code, sub_title, 2)
                        for sub_code, sub_title in subs)
        return rows

    def _months(self, store):
        """The months of this reporting year and the last, newest first,
        with their state."""
        registry = self.request.registry
        month = periods.month_of(self.today)
        first = periods.year_of(self.today).first.replace(
            year=periods.year_of(self.today).first.year - 1)
        rows = []
        while month.first >= first:
            state, closing = periods.state_of_period(
                self.request.root, registry, month, self.today)
            rows.append({'period': month, 'state': state,
                         'closing': closing})
            month = periods.previous_month(month)
        return rows

    def _page(self, values=None, errors=None, confirm=None, since_value=None,
              since_error=None):
        root = self.request.root
        store = periods.find_periods(root)
        since = store.since if store is not None else None
        return {
            'url': self.url,
            'today': self.today,
            'close_days': periods.close_days(self.request.registry),
            'since': since,
            'since_value': since_value if since_value is not None else (
                since.strftime('%m/%Y') if since else ''),
            'since_error': since_error,
            'months': self._months(store),
            'grants': store.newest_first() if store is not None else [],
            'agencies': self._agencies(),
            'values': values or {'kind': periods.MONTH},
            'errors': errors or {},
            'confirm': confirm,
            'reason_max': REASON_MAX,
            'document_max': DOCUMENT_MAX,
        }


@view_config(context=periods.PeriodClosed)
def period_closed(exc, request):
    """A step refused by the period lock: the reason, on the dossier's
    page (the transaction is aborted: an exception view answered)."""
    request.sdiapi.flash(request.localizer.translate(exc.message), 'danger')
    return HTTPFound(request.sdiapi.mgmt_path(exc.dossier, '@@chi-tiet'))
