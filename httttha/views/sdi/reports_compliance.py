"""Tình hình đăng tải báo cáo (D4): the Tổng cục's table of the 63 Cục
(and its own reports), a Cục's own row, per period of the report
calendar: on time, late (n days), missing or not due yet, with totals,
filtered by reporting year and report type, and the same rows as an
Excel workbook.  The rules are in ``services.reports.compliance``."""
from substanced.sdi import mgmt_view
from substanced.util import find_catalog

from ... import _
from ...content.codelist import REPORT_TYPES
from ...interfaces import IAgency
from ...permissions import VIEW_STATS
from ...services.administration import audit
from ...services.administration.codelists import title_of
from ...services.reports import compliance as rules
from ...services.statistics import reporting_year, year_bounds
from ...vntime import local_time
from ..spreadsheet import xlsx_response
from .tabs import stable

NAME = 'tinh-hinh-bao-cao'


@stable
def bound_by_calendar(context, request):
    """The tab shows at the Tổng cục and the Cục only."""
    return rules.applies(context)


def parse(request, years):
    """(year, report type, errors) from the query; a wrong value falls
    back to the current reporting year or every type, with a message."""
    errors = {}
    year = years[0]
    typed = request.GET.get('nam', '').strip()
    if typed:
        try:
            year = int(typed)
        except ValueError:
            year = None
        if year not in years:
            errors['nam'] = _('compliance-bad-year',
                              default='Choose a reporting year in the list.')
            year = years[0]
    report_type = request.GET.get('loai', '').strip()
    if report_type and report_type not in rules.TYPES:
        errors['loai'] = _('compliance-bad-type',
                           default='Choose a report type in the list.')
        report_type = ''
    return year, report_type, errors


def headers(request, table):
    """The column headings (page and workbook alike)."""
    translate = request.localizer.translate
    return [translate(_('compliance-col-number', default='No.')),
            translate(_('compliance-col-unit', default='Unit'))] + [
        '%s (%s %s)' % (translate(rules.period_label(p)),
                        translate(_('compliance-due', default='due')),
                        p.due.strftime('%d/%m/%Y'))
        for p in table.periods] + [
        translate(title) for title in rules.STATUS_TITLES.values()] + [
        translate(_('compliance-col-late-days', default='Days late'))]


def rows(request, table):
    """The rows as text and numbers: one a unit, then the totals."""
    translate = request.localizer.translate
    result = []
    for number, row in enumerate(table.rows, 1):
        result.append([number, row.title] + [
            translate(rules.cell_text(c)) for c in row.cells] +
            list(row.totals.values()) + [row.late_days])
    return result


def totals_row(request, table):
    """The last row: per period, how many units were on time (of those
    due), then the totals of every status."""
    translate = request.localizer.translate
    return ['', translate(_('compliance-total', default='Total'))] + [
        translate(_('compliance-period-total',
                    default='${on_time} on time, ${late} late, '
                            '${missing} missing',
                    mapping=dict(counts))) for counts in table.by_period] + \
        list(table.totals.values()) + [table.late_days]


@mgmt_view(context=IAgency, name=NAME, permission=VIEW_STATS,
           tab_title=_('Report compliance'), tab_condition=bound_by_calendar,
           request_method='GET',
           renderer='httttha:templates/sdi/reports_compliance.pt')
def compliance_view(context, request):
    """The table of a reporting year (the current one by default), or its
    workbook with ``format=xlsx``."""
    now = local_time()
    today = now.date()
    if not rules.applies(context):
        return {'agency': context, 'applies': False}
    catalog = find_catalog(context, 'httttha')
    years = rules.years(catalog, today)
    year, report_type, errors = parse(request, years)
    table = rules.compliance(context, year, report_type or None, today)
    type_titles = [(t, title_of(context, REPORT_TYPES, t, request))
                   for t in rules.TYPES]
    query = {'nam': year, 'loai': report_type}
    if request.GET.get('format') == 'xlsx' and not errors:
        audit.record(request, 'report.compliance-export', context,
                     year=year, report_type=report_type)
        translate = request.localizer.translate
        lines = [translate(_(
            'compliance-sheet-scope',
            default='${agency}, reporting year ${year} (${first} - '
                    '${last}), ${kind}; as of ${now}.',
            mapping={'agency': context.title, 'year': year,
                     'first': year_bounds(year)[0].strftime('%d/%m/%Y'),
                     'last': year_bounds(year)[1].strftime('%d/%m/%Y'),
                     'kind': dict(type_titles).get(report_type) or translate(
                         _('compliance-every-type',
                           default='every report type')),
                     'now': now.strftime('%H:%M %d/%m/%Y')})),
            translate(_('compliance-basis', default=(
                'Periods and due dates: Official Letter 1607/TCTHADS-VP '
                'of 11/5/2018, Appendix 2.')))]
        return xlsx_response(
            'tinh-hinh-bao-cao-%s-%d' % (context.code or context.__name__,
                                         year),
            translate(_('compliance-sheet-title',
                        default='Periodic reports: on time, late, '
                                'missing')),
            headers(request, table),
            rows(request, table) + [totals_row(request, table)],
            widths={1: 40}, lines=lines)
    return {
        'agency': context, 'applies': True, 'table': table,
        'year': year, 'years': years, 'report_type': report_type,
        'type_titles': type_titles, 'errors': errors,
        'current_year': reporting_year(today),
        'bounds': year_bounds(year),
        'headers': headers(request, table), 'rows': rows(request, table),
        'totals': totals_row(request, table),
        'statuses': rules.STATUS_TITLES, 'rules': rules,
        'export_url': request.sdiapi.mgmt_path(
            context, '@@' + NAME, query=dict(query, format='xlsx')),
    }
