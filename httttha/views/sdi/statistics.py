"""Thống kê (B12): an agency's dossiers received over a period, by unit
of its subtree (the ACLs give the scope: Tổng cục all, a Cục itself and
its Chi cục, a Chi cục itself), optionally by procedure, by state, with
the same period a year earlier and the satisfaction survey; charts, and
the same table as an Excel workbook.  Read from the counters of
``services.statistics``."""
from urllib.parse import urlencode

from substanced.sdi import mgmt_view
from substanced.util import get_oid

from ... import _
from ...content.application import PROCEDURE_TITLES
from ...interfaces import IAgency
from ...permissions import VIEW_STATS
from ...services.administration import audit
from ...services.statistics import periods, tables
from ...services.statistics.periods import number
from ...services.statistics.charts import charts
from ...services.statistics.export import statistics_workbook
from ...services.statistics.extras import classifications, survey_rows
from ...vntime import local_time
from ...workflows.dossier import STATE_TITLES
from ..spreadsheet import xlsx_response

#: what ``theo`` may name: the rows are always the units
DIMENSIONS = ('thu-tuc', 'trang-thai', 'so-sanh', 'danh-gia')


def columns(by_state):
    """(title, states) of the state columns: the groups, or every state."""
    if by_state:
        return [(STATE_TITLES[s], (s,)) for s in tables.STATES]
    return [(title, states) for _n, title, states in tables.STATE_GROUPS]


@mgmt_view(context=IAgency, name='thong-ke', tab_title=_('Statistics'),
           permission=VIEW_STATS,
           renderer='httttha:templates/sdi/statistics.pt')
def statistics_view(context, request):
    """The table of a period (the current reporting year by default), or
    its workbook with ``format=xlsx``."""
    today = local_time().date()
    period, errors = periods.parse(request.GET, today,
                                   request.localizer.translate)
    # ``theo=thu-tuc,trang-thai`` or, from the form, ``theo`` repeated
    theo = [d for value in request.GET.getall('theo')
            for d in value.split(',') if d in DIMENSIONS]
    by_procedure, by_state = 'thu-tuc' in theo, 'trang-thai' in theo
    table = tables.table(request.root, context, period, by_procedure,
                         today=today)
    earlier = None
    if 'so-sanh' in theo:
        earlier = tables.compare(table, tables.table(
            request.root, context, period.year_earlier()))
    state_columns = columns(by_state)
    if request.GET.get('format') == 'xlsx' and not errors:
        audit.record(request, 'statistics.export', context,
                     period=period.label, theo=','.join(theo))
        return xlsx_response(
            'thong-ke-%s-%s' % (context.code or context.__name__,
                                period.first.strftime('%Y%m%d')),
            *statistics_workbook(request, context, period, table,
                                 state_columns, earlier, local_time()))
    query = dict(period.query, theo=','.join(theo))
    years = list(range(tables.last_year(today),
                       tables.first_year(request.root, today) - 1, -1))
    return {
        'agency': context, 'period': period, 'errors': errors,
        'typed': periods.form_values(request.GET, period, years),
        'kinds': periods.KINDS, 'kind_title': periods.kind_title,
        'years': years, 'theo': theo,
        'by_procedure': by_procedure, 'by_state': by_state,
        'table': table, 'rows': table.rows, 'total': table.total,
        'columns': state_columns, 'earlier': earlier,
        'classes': classifications(request, table.total),
        'survey': survey_rows(request, context, table, period)
        if 'danh-gia' in theo else None,
        'procedure_titles': PROCEDURE_TITLES,
        'number': periods.number,
        'query': query, 'own_oid': get_oid(context),
        'drill': lambda row, encoded=urlencode(query): drill(
            request, row, encoded),
        'cells': lambda row: cells(row, state_columns, earlier),
        'charts': charts(request, table, period),
    }


def cells(row, state_columns, earlier):
    """The figures of a row as its ``<td>`` cells, made here rather than
    in the template: a whole-country table has some 5 000 (only digits
    and dots, nothing to escape)."""
    figures = [number(row.total)]
    if earlier is not None:
        # the total's key is None; a procedure line has no earlier figure
        before = earlier.get(row.oid) if not row.level else None
        figures.append(number(before.total) if before is not None else '')
    figures += [number(row.channels.get('online', 0)),
                number(row.channels.get('counter', 0))]
    figures += [number(row.state(states)) for _t, states in state_columns]
    figures += [number(row.on_time), number(row.late), number(row.overdue)]
    return ''.join('<td class="text-right">%s</td>' % figure
                   for figure in figures)


def drill(request, row, encoded):
    """The statistics of a unit below, for the same period and options
    (``encoded``, the query string)."""
    prefix = request.registry.settings.get('substanced.manage_prefix',
                                           '/manage').rstrip('/')
    return '%s%s/@@thong-ke?%s' % (prefix, row.path, encoded)
