"""Báo cáo trực tuyến (D3, Công văn 1607/TCTHADS-VP Phụ lục 3): every
logged-in official reads the published reports, on any agency (the top
agency's page covers the whole system, a Cục's its own), searches them,
exports the list as filtered to Excel, opens a report and downloads its
files.  The search is the service's (``services.reports.browse``); what
an official may read is the report's ACL (``VIEW_REPORTS``: a pending
report denies it to the staff at large)."""
import collections
import os
import threading

from pyramid.httpexceptions import HTTPNotFound
from pyramid.renderers import render
from substanced.sdi import mgmt_view

from ... import _
from ...content.report import IReport, IReportFile
from ...interfaces import IAgency
from ...permissions import VIEW_REPORTS
from ...services.administration import audit
from ...services.administration.tree import root_agency
from ...services.administration.treecache import cached, tree_version
from ...services.reports import browse
from ...services.statistics.charts import Markup
from ...vntime import local_time
from ..paging import Page
from ..spreadsheet import xlsx_response

VIEW_NAME = 'bao-cao-truc-tuyen'
#: the Excel export's cap (the whole system holds a few thousand)
EXPORT_LIMIT = 20000
#: the columns of the list and of its export (Phụ lục 3)
COLUMNS = ('STT', 'Số ký hiệu', 'Tên báo cáo', 'Ngày ban hành', 'Ngày nhập',
           'Đơn vị', 'Định dạng')


def file_format(attachment):
    """'PDF', 'DOC' or 'DOCX': the format of a report's file, by the
    name it was uploaded under (checked by content at upload)."""
    ext = os.path.splitext(attachment.title or '')[1].lower().lstrip('.')
    if ext in ('pdf', 'doc', 'docx'):
        return ext.upper()
    mimetype = getattr(attachment, 'mimetype', '') or ''
    return 'PDF' if mimetype == 'application/pdf' else 'DOC'


def report_row(request, report):
    """What the list shows of one report (kept per process and revision
    of the report: a page shows twenty)."""
    report._p_activate()
    key = None
    if report._p_jar is not None and not report._p_changed:
        key = (id(report._p_jar.db()), report._p_oid, report._p_serial,
               tree_version(request.root), request.script_name)
        found = _rows.get(key)
        if found is not None:
            return dict(found, report=report)
    row = {
        'url': request.sdiapi.mgmt_path(report, '@@xem-bao-cao'),
        'number': report.number,
        'title': report.title,
        'issued': report.issued.strftime('%d/%m/%Y') if report.issued
        else '',
        'entered': local_time(report.entered).strftime('%d/%m/%Y')
        if report.entered else '',
        'unit': browse.unit_title(request.root, report.agency_oid),
        'files': [{'format': file_format(f), 'name': f.title or name,
                   'url': request.sdiapi.mgmt_path(f)}
                  for name, f in report.files()],
    }
    if key is not None:
        with _rows_lock:
            _rows[key] = row
            _rows.move_to_end(key)
            while len(_rows) > ROWS_KEPT:
                _rows.popitem(last=False)
    return dict(row, report=report)


#: the rows kept by :func:`report_row`: (database, oid, serial, tree
#: version, script name) -> row; a changed report or tree is a new key
_rows = collections.OrderedDict()
_rows_lock = threading.Lock()
ROWS_KEPT = 2000


@mgmt_view(context=IAgency, name=VIEW_NAME, permission=VIEW_REPORTS,
           tab_title=_('reports-browse-tab', default='Online reports'),
           renderer='httttha:templates/sdi/reports_browse.pt')
def reports_browse(context, request):
    """The list: the unit list at the side, the search form, the
    published reports of this agency's subtree that pass it, 20 a page;
    ``?format=xlsx`` exports every row as filtered."""
    root = request.root
    filters = browse.Filters(root, context, request.GET)
    docids = browse.search(root, filters)
    if request.GET.get('format') == 'xlsx':
        return export(context, request, filters, docids)
    page = Page(request, len(docids), browse.PAGE_SIZE)
    rows = [report_row(request, r) for r in browse.reports(
        root, docids[page.start:page.end])]
    list_url = request.sdiapi.mgmt_path(context, '@@' + VIEW_NAME)
    top_url = request.sdiapi.mgmt_path(root_agency(root), '@@' + VIEW_NAME)
    translate = request.localizer.translate
    return {
        'agency': context, 'filters': filters, 'values': filters.values,
        'errors': {k: translate(v) for k, v in filters.errors.items()},
        'rows': rows, 'page': page, 'total': len(docids),
        'whole_system': filters.whole_system,
        'side': side(request, filters, top_url),
        'unit_options': unit_options(request, context, filters),
        'years': browse.years(root),
        'months': range(1, 13),
        'list_url': list_url, 'top_url': top_url,
        'export_url': list_url + '?' + _query(dict(filters.query,
                                                   format='xlsx')),
    }


# The unit list and the Đơn vị options are the same for every official
# and most of the page's markup: each is rendered once per tree version
# and choice (a few hundred variants at most), not on every request.

def side(request, filters, top_url):
    """The unit list at the side, the unit chosen marked."""
    root = request.root
    top_node, cucs = browse.units(root)
    cuc_oids = {node['oid'] for _p, node in cucs}
    chosen = filters.unit['oid'] if filters.unit else None
    if chosen not in cuc_oids and chosen != (top_node or {}).get('oid'):
        chosen = None  # a Chi cục: no entry of the list is marked
    everything = filters.whole_system and filters.unit is None
    values = {'top_node': top_node, 'cucs': cucs, 'chosen': chosen,
              'cuc_chosen': chosen in cuc_oids, 'whole_system': everything,
              'top_url': top_url}
    return Markup(cached(
        root, 'report-side-%s-%s' % (chosen, everything),
        lambda: render('httttha:templates/sdi/reports_side.pt', values,
                       request)))


def unit_options(request, scope, filters):
    """The options of the search form's Đơn vị, the unit chosen
    selected."""
    root = request.root
    units = browse.choices(root, scope)
    chosen = filters.unit['code'] if filters.unit else None
    return Markup(cached(
        root, 'report-options-%d-%s' % (scope.__oid__, chosen),
        lambda: render('httttha:templates/sdi/reports_unit_options.pt',
                       {'units': units, 'chosen': chosen}, request)))


def _query(params):
    from urllib.parse import urlencode
    return urlencode(sorted(params.items()))


def export(context, request, filters, docids):
    """The list as filtered, every page, as a workbook (audited)."""
    audit.record(request, 'report.export', context, rows=len(docids),
                 **{k.replace('-', '_'): v for k, v in filters.query.items()})
    reports = browse.reports(request.root, docids[:EXPORT_LIMIT])
    rows = []
    for number, report in enumerate(reports, start=1):
        row = report_row(request, report)
        rows.append((number, row['number'], row['title'], row['issued'],
                     row['entered'], row['unit'],
                     ', '.join(f['format'] for f in row['files'])))
    lines = ['Đơn vị: %s' % (context.title if not filters.unit
                             else filters.unit['title'])]
    for label, value in (('Từ khóa', filters.keyword),
                         ('Năm', filters.year), ('Tháng', filters.month)):
        if value:
            lines.append('%s: %s' % (label, value))
    lines.append('Xuất lúc %s, tổng số: %d' % (
        local_time().strftime('%d/%m/%Y %H:%M'), len(docids)))
    return xlsx_response(
        'bao-cao-truc-tuyen-%s' % local_time().strftime('%Y%m%d'),
        'Báo cáo trực tuyến', COLUMNS, rows,
        widths={0: 6, 1: 18, 2: 60, 3: 14, 4: 14, 5: 28, 6: 12},
        lines=lines)


@mgmt_view(context=IReportFile, name='', permission=VIEW_REPORTS,
           tab_condition=False, http_cache=0)
def report_file(context, request):
    """A report's file as a download, for those who may read the report
    (a pending report's files are refused to the staff at large, as the
    report is): Substance D's own file view is the site
    administrator's."""
    from .. import download
    if not IReport.providedBy(context.__parent__):
        raise HTTPNotFound()
    return download(request, context)
