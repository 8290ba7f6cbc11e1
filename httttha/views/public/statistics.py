"""Thống kê (A5): the public statistics of any agency over any period,
without login: aggregate figures only, by unit, with the small-unit rule
of ``services.statistics.public`` (no line of fewer than N dossiers of
identifiable Chi cục)."""
from pyramid.renderers import render_to_response
from pyramid.response import Response
from pyramid.view import view_config
from substanced.interfaces import IRoot
from substanced.util import get_oid
from translationstring import TranslationString

from ... import _
from ...services.administration.tree import (
    agency_by_code,
    root_agency,
    tree_nodes,
)
from ...services.statistics import periods, tables
from ...services.statistics.charts import charts
from ...services.statistics.public import (
    cache_seconds,
    cached_page,
    cached_public_table,
    minimum,
)
from ...vntime import local_time
from .lookup import agency_options

#: the view's name (the menu shows it when it exists)
NAME = 'thong-ke'
#: the query string's field choosing the agency
AGENCY = 'co-quan'
UNKNOWN_AGENCY = _('stats-public-unknown-agency',
                   default='No agency has this code: the table shows the '
                           'whole country.')


TEMPLATE = 'httttha:templates/public/statistics.pt'


@view_config(context=IRoot, name=NAME, permission='view')
def public_statistics(context, request):
    """The page of one agency (the Tổng cục by default) over a period
    (the current reporting year by default).  A visitor who is not
    logged in gets the page as rendered for the same address within the
    time its figures are reused (``cached_page``): the same bytes."""
    today = local_time().date()
    seconds = cache_seconds(request.registry.settings)
    if seconds <= 0 or request.authenticated_userid is not None:
        return render_to_response(TEMPLATE, page(context, request, today),
                                  request)
    key = (id(context._p_jar.db()), request.path_qs, today)
    body = cached_page(key, seconds, lambda: render_to_response(
        TEMPLATE, page(context, request, today), request).body)
    return Response(body=body, content_type='text/html', charset='utf-8')


def page(context, request, today):
    """What the template shows."""
    period, errors = periods.parse(request.GET, today,
                                   request.localizer.translate)
    top = root_agency(context)
    code = request.GET.get(AGENCY, '').strip()
    agency = agency_by_code(context, code) if code else None
    unknown = bool(code) and agency is None
    agency = agency or top
    years = list(range(tables.last_year(today),
                       tables.first_year(context, today) - 1, -1))
    translate = request.localizer.translate
    table = None
    if agency is not None:
        settings = request.registry.settings
        table = cached_public_table(context, agency, period,
                                    minimum(settings), today,
                                    cache_seconds(settings))
    nodes = tree_nodes(context)
    query = dict(period.query)
    return {
        'agency': agency, 'top': top,
        'parent': agency.parent_agency
        if agency is not None and agency is not top else None,
        'period': period, 'errors': errors,
        'unknown_agency': translate(UNKNOWN_AGENCY) if unknown else None,
        'typed': periods.form_values(request.GET, period, years),
        'kinds': periods.KINDS, 'kind_title': periods.kind_title,
        'years': years,
        'agency_options': agency_options(request, agency),
        'table': table,
        'columns': [(title, states)
                    for _n, title, states in tables.STATE_GROUPS],
        'title_of': lambda row: translate(row.title)
        if isinstance(row.title, TranslationString) else row.title,
        'drill': lambda row: drill(request, nodes, row, query),
        'has_subs': agency is not None and bool(
            nodes.get(get_oid(agency), {}).get('children')),
        'number': periods.number,
        'period_query': query,
        'charts': charts(request, table, period)
        if table is not None and not table.withheld else [],
    }


def drill(request, nodes, row, query):
    """The public statistics of the unit of ``row`` (a Cục: its Chi cục),
    for the same period; None when the row is no unit with units below."""
    node = nodes.get(row.oid)
    if node is None or not row.children or not node['code']:
        return None
    return request.resource_url(request.root, NAME,
                                query=dict(query, **{AGENCY: node['code']}))
