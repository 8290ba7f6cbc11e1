"""Thống kê (B12): an agency's dossiers in a reporting year, by unit of
its subtree (the ACLs give the scope: Tổng cục all, a Cục itself and its
Chi cục, a Chi cục itself), optionally by procedure and by state; read
from the counters of services/statistics.py."""
from babel.numbers import format_decimal
from substanced.sdi import mgmt_view

from ... import _
from ...content.application import PROCEDURE_TITLES
from ...content.dossier import local_time
from ...interfaces import IAgency
from ...services import statistics
from ...services.accounts.roles import VIEW_STATS
from ...workflows.dossier import STATE_TITLES

#: what ``theo`` may name; the rows are always the units ("cuc" and
#: "chi-cuc" are what the units below are called at each level)
DIMENSIONS = ('don-vi', 'cuc', 'chi-cuc', 'thu-tuc', 'trang-thai')
STATES = ('submitted', 'resubmitted', 'needs_supplement', 'accepted',
          'originals_received', 'in_processing', 'awaiting_assignment',
          'assigned', 'awaiting_approval', 'approved', 'completed',
          'refused')


@mgmt_view(context=IAgency, name='thong-ke', tab_title=_('Statistics'),
           permission=VIEW_STATS,
           renderer='httttha:templates/sdi/statistics.pt')
def statistics_view(context, request):
    """The table of one reporting year (the current one by default)."""
    current = statistics.reporting_year(local_time().date())
    store = statistics.find_store(request.root)
    years = sorted(set(store.years() if store is not None else ()) |
                   {current}, reverse=True)
    error = None
    try:
        year = int(request.GET.get('nam', current))
    except ValueError:
        year, error = current, _('Choose a reporting year from the list.')
    if year not in years:
        year, error = current, _('Choose a reporting year from the list.')
    # ``theo=thu-tuc,trang-thai`` or, from the form, ``theo`` repeated
    theo = [d for value in request.GET.getall('theo')
            for d in value.split(',') if d in DIMENSIONS]
    by_state = 'trang-thai' in theo
    rows, total = statistics.table(request.root, context, year,
                                   by_procedure='thu-tuc' in theo)
    first, last = statistics.year_bounds(year)
    if by_state:
        columns = [(STATE_TITLES[s], (s,)) for s in STATES]
    else:
        columns = [(title, states)
                   for _name, title, states in statistics.STATE_GROUPS]
    return {
        'agency': context, 'year': year, 'years': years, 'error': error,
        'first': first, 'last': last, 'theo': theo,
        'by_procedure': 'thu-tuc' in theo, 'by_state': by_state,
        'rows': rows, 'total': total, 'columns': columns,
        'procedure_titles': PROCEDURE_TITLES,
        'number': number,
    }


def number(value):
    """1234567 -> '1.234.567' (Vietnamese grouping, by Babel)."""
    return format_decimal(value, locale='vi')
