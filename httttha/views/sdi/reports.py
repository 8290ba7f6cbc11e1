"""Quản trị báo cáo THADS (D1, D2; Công văn 1607/TCTHADS-VP Phụ lục 1
Bước 5-7): the report administrator's list of its unit's reports and
those below, with the filters, paging and Excel export; adding a report
with its two files; and, on a report, editing, approving and
unapproving, which its uploader alone may do.  The rules are in
``services.reports``."""
import colander
import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.security import has_permission
from pyramid.session import check_csrf_token
from substanced.form import FileUploadTempStore, FormView
from substanced.schema import Schema
from substanced.sdi import mgmt_view
from substanced.util import find_objectmap, get_oid

from ... import _
from ...content.application import VNDate
from ...content.codelist import REPORT_TYPES
from ...content.report import EDITABLE, SIGNED, STATE_TITLES, IReport
from ...interfaces import IAgency
from ...permissions import MANAGE_OWN_REPORT, MANAGE_REPORTS, VIEW_REPORTS
from ...services import reports as service
from ...services.administration import audit, codelists
from ...services.administration.tree import root_agency
from ...services.reports import calendar
from ...services.intake.uploads import UploadRejected
from ...vntime import local_time
from ..paging import Page
from ..public.forms import CheckedFileWidget
from ..spreadsheet import xlsx_response
from . import form_buttons

FORM = 'substanced.sdi:templates/form.pt'
LIST = 'httttha:templates/sdi/reports.pt'
DETAIL = 'httttha:templates/sdi/report.pt'
PAGE_SIZE = 20
#: the largest upload of a report's file
MAX_FILE = 20 * 1024 * 1024

ACCEPT = {SIGNED: '.pdf,application/pdf',
          EDITABLE: '.doc,.docx,application/msword,application/'
                    'vnd.openxmlformats-officedocument.wordprocessingml.'
                    'document'}


def _flash(request, message, queue='success'):
    request.sdiapi.flash(request.localizer.translate(message), queue)


def list_url(request, agency):
    return request.sdiapi.mgmt_path(agency, '@@quan-tri-bao-cao')


def _unit_of(report):
    return report.__parent__.__parent__


# -- the list ----------------------------------------------------------------

def _unit_choices(agency):
    """The agency and the agencies right below it (the Đơn vị filter)."""
    return [(get_oid(agency), agency.title)] + [
        (get_oid(a), a.title) for a in agency.sub_agencies()]


class ReportList(object):
    """The list, its filters and its export."""

    def __init__(self, context, request):
        self.context = context
        self.request = request
        self.filters = service.Filters(request.GET)

    def results(self):
        return service.admin_results(self.request, self.context,
                                     self.filters)

    def row(self, report, titles):
        return {
            'report': report,
            'oid': get_oid(report),
            'unit': titles.get(report.agency_oid, ''),
            'entered': local_time(report.entered),
            'state': self.request.localizer.translate(
                STATE_TITLES[report.state]),
            'mine': has_permission(MANAGE_OWN_REPORT, report, self.request),
        }

    def titles(self, reports):
        objectmap = find_objectmap(self.context)
        result = {}
        for report in reports:
            if report.agency_oid not in result:
                unit = objectmap.object_for(report.agency_oid)
                result[report.agency_oid] = getattr(unit, 'title', '')
        return result

    @mgmt_view(context=IAgency, name='quan-tri-bao-cao',
               tab_title=_('Report administration'),
               permission=MANAGE_REPORTS, renderer=LIST)
    def show(self):
        """Quản trị báo cáo THADS: the reports of the unit and below."""
        request = self.request
        docids = self.results()
        page = Page(request, len(docids), PAGE_SIZE)
        reports = service.page_of(request, docids, page.start, page.end)
        titles = self.titles(reports)
        years = range(local_time().year, local_time().year - 6, -1)
        return {
            'agency': self.context, 'filters': self.filters, 'page': page,
            'rows': [self.row(r, titles) for r in reports],
            'units': _unit_choices(self.context), 'years': years,
            'can_add': has_permission(MANAGE_REPORTS, self.context, request),
            'export_url': request.sdiapi.mgmt_path(
                self.context, '@@xuat-bao-cao', query=self.filters.query()),
        }

    @mgmt_view(context=IAgency, name='xuat-bao-cao', tab_condition=False,
               permission=MANAGE_REPORTS)
    def export(self):
        """The list as filtered, as an Excel workbook (audited)."""
        request = self.request
        docids = self.results()
        reports = service.page_of(request, docids, 0, len(docids))
        titles = self.titles(reports)
        translate = request.localizer.translate
        rows = []
        for n, report in enumerate(reports, 1):
            rows.append((
                n, get_oid(report), report.number, report.title,
                titles.get(report.agency_oid, ''), report.creator_name,
                local_time(report.entered),
                report.issued.strftime('%d/%m/%Y'),
                translate(STATE_TITLES[report.state]),
                ', '.join(f.title for _n, f in report.files())))
        audit.record(request, 'report.export', self.context,
                     count=len(rows), **self.filters.query())
        return xlsx_response(
            'bao-cao-%s' % (self.context.code or 'thads'),
            'Quản trị báo cáo THADS - %s' % self.context.title,
            ('STT', 'ID', 'Số ký hiệu', 'Tên báo cáo', 'Đơn vị',
             'Người tạo', 'Ngày nhập', 'Ngày ban hành', 'Trạng thái',
             'Tệp'),
            rows, widths={3: 60, 4: 30})


# -- the form ------------------------------------------------------------------

class ReportFileWidget(CheckedFileWidget):
    """The upload of one of the two files, checked for its slot (a real
    PDF; a real .doc/.docx) and kept in the temp store through errors
    elsewhere in the form."""

    def __init__(self, tmpstore, which, **kw):
        CheckedFileWidget.__init__(self, tmpstore, MAX_FILE,
                                   accept=ACCEPT[which],
                                   template='file_upload', **kw)
        self.which = which

    def deserialize(self, field, pstruct):
        if pstruct is colander.null or pstruct.get('remove'):
            return colander.null
        upload = pstruct.get('upload')
        if hasattr(upload, 'file'):
            try:
                upload.filename, upload.type = service.check_file(
                    self.which, upload.filename, upload.file)
            except UploadRejected as e:
                kept = self.tmpstore.get(pstruct.get('uid') or '')
                raise colander.Invalid(field.schema, e.msg,
                                       kept or colander.null)
            upload.file.seek(0, 2)
            upload.length = upload.file.tell()
            upload.file.seek(0)
        return deform.widget.FileUploadWidget.deserialize(
            self, field, pstruct)


class ReportSchema(Schema):
    """Tên báo cáo, Số ký hiệu, Nội dung, Ngày ban hành."""
    title = colander.SchemaNode(
        colander.String(), title=_('report-title', default='Report title'),
        missing='', validator=colander.Length(max=service.MAX_TITLE),
        description=_('report-title-hint',
                      default='Left empty, the title the report calendar '
                              'prescribes for the period is written.'))
    number = colander.SchemaNode(
        colander.String(),
        title=_('report-number', default='Reference number'),
        validator=colander.Length(1, service.MAX_NUMBER),
        widget=deform.widget.TextInputWidget(
            attributes={'placeholder': '20/BC-CTHADS'}))
    summary = colander.SchemaNode(
        colander.String(), title=_('report-summary', default='Content'),
        missing='', validator=colander.Length(max=service.MAX_SUMMARY),
        widget=deform.widget.TextAreaWidget(rows=3))
    issued = colander.SchemaNode(
        VNDate(), title=_('report-issued', default='Date of issue'),
        widget=deform.widget.TextInputWidget(
            attributes={'placeholder': 'dd/mm/yyyy'}))


def report_schema(request, context, units=None, report=None):
    """The form of a new report (``units``: the units the user may add
    one to) or of ``report`` (files optional: given, they replace)."""
    schema = ReportSchema()
    if units is not None:
        schema.add(colander.SchemaNode(
            colander.String(), name='unit',
            title=_('report-unit', default='Unit'),
            validator=colander.OneOf([str(o) for o, _t in units]),
            widget=deform.widget.SelectWidget(
                values=[(str(o), t) for o, t in units])))
    types = codelists.active_choices(context, REPORT_TYPES, request)
    if report is not None and report.report_type not in dict(types):
        types.append((report.report_type, codelists.title_of(
            context, REPORT_TYPES, report.report_type, request)))
    schema.add(colander.SchemaNode(
        colander.String(), name='report_type',
        title=_('report-type', default='Report type'),
        validator=colander.OneOf([k for k, _t in types]),
        widget=deform.widget.SelectWidget(values=types)))
    periods = service.period_choices()
    if report is not None and report.period and \
            report.period not in dict(periods):
        found = service.calendar.by_key(report.period)
        periods.append((report.period, found.title if found
                        else report.period))
    none = request.localizer.translate(_(
        'report-no-period', default='None (thematic report)'))
    schema.add(colander.SchemaNode(
        colander.String(), name='period',
        title=_('report-period', default='Reporting period'), missing='',
        validator=colander.OneOf([''] + [k for k, _t in periods]),
        widget=deform.widget.SelectWidget(values=[('', none)] + periods)))
    store = FileUploadTempStore(request)
    for which, title in (
            (SIGNED, _('report-signed', default='Signed scan (.pdf)')),
            (EDITABLE, _('report-editable',
                         default='Editable text (.doc, .docx)'))):
        schema.add(colander.SchemaNode(
            deform.FileData(), name=which.replace('-', '_'), title=title,
            missing=None if report is not None else colander.required,
            missing_msg=_('report-file-required',
                          default='Attach this file.'),
            widget=ReportFileWidget(store, which)))
    schema.validator = _rules(request, context, report)
    return schema


def _unit(request, appstruct, report):
    if report is not None:
        return _unit_of(report)
    found = find_objectmap(request.context).object_for(
        int(appstruct['unit']))
    if found is None or not has_permission(MANAGE_REPORTS, found, request):
        return None
    return found


def _rules(request, context, report):
    """The rules across fields: the period fits the type, a title (or
    one the calendar suggests), the number unique in the unit and year,
    the date not in the future."""
    def validate(node, value):
        error = colander.Invalid(node)
        unit = _unit(request, value, report)
        if unit is None:
            error['unit'] = _('report-unit-refused',
                              default='You cannot add a report for this '
                                      'unit.')
        problem = service.period_error(value['report_type'], value['period'])
        if problem is not None:
            error['period'] = problem
        elif not value['title'].strip() and not service.suggested_title(
                value['report_type'], value['period']):
            error['title'] = _('report-title-required',
                               default='Write the title of the report.')
        problem = service.issued_error(value['issued'])
        if problem is not None:
            error['issued'] = problem
        if unit is not None:
            problem = service.number_error(unit, value['number'],
                                           value['issued'], exclude=report)
        else:
            problem = service.number_shape_error(value['number'])
        if problem is not None:
            error['number'] = problem
        if error.children:
            raise error
    return validate


def _values(appstruct):
    """The form's values as the service takes them (files rewound: the
    temp store has read them)."""
    values = dict(appstruct)
    for which in (SIGNED, EDITABLE):
        upload = values.pop(which.replace('-', '_'), None)
        if upload:
            values[which] = {'fp': upload['fp'],
                             'filename': upload['filename'],
                             'mimetype': upload['mimetype']}
    return values


class _Form(FormView):
    buttons = form_buttons('update')

    def cancel_success(self, appstruct):
        return self._cancel()
    cancel_failure = cancel_success


@mgmt_view(context=IAgency, name='them-bao-cao', permission=MANAGE_REPORTS,
           renderer=FORM, tab_condition=False)
class AddReportView(_Form):
    """Thêm báo cáo: a new pending report with its two files."""
    title = _('report-add', default='Add a report')

    def __init__(self, context, request):
        _Form.__init__(self, context, request)
        self.units = self._units()
        self.schema = report_schema(request, context, units=self.units)

    def _units(self):
        """The units the user may add a report to: this one and its own
        (normally the same)."""
        request = self.request
        candidates = [self.context]
        user = request.user
        own = user.agency() if hasattr(user, 'agency') else None
        if own is not None and own is not self.context:
            candidates.append(own)
        return [(get_oid(a), a.title) for a in candidates
                if has_permission(MANAGE_REPORTS, a, request)]

    def show(self, form):
        return {'form': form.render({'unit': str(self.units[0][0])})}

    def _cancel(self):
        return HTTPFound(list_url(self.request, self.context))

    def update_success(self, appstruct):
        unit = _unit(self.request, appstruct, None)
        report = service.add_report(self.request, unit, _values(appstruct))
        _flash(self.request, _(
            'report-added',
            default='The report ${number} was uploaded: it awaits your '
                    'approval.', mapping={'number': report.number}))
        return HTTPFound(self.request.sdiapi.mgmt_path(
            report, '@@xem-bao-cao'))


@mgmt_view(context=IReport, name='sua-bao-cao', permission=MANAGE_OWN_REPORT,
           renderer=FORM, tab_condition=False)
class EditReportView(_Form):
    """Sửa báo cáo: its details and, when given, new files; it is then
    pending again."""
    title = _('report-edit', default='Edit the report')

    def __init__(self, context, request):
        _Form.__init__(self, context, request)
        self.schema = report_schema(request, context, report=context)

    def show(self, form):
        report = self.context
        return {'form': form.render({
            'title': report.title, 'number': report.number,
            'summary': report.summary, 'issued': report.issued,
            'report_type': report.report_type, 'period': report.period})}

    def _cancel(self):
        return HTTPFound(self.request.sdiapi.mgmt_path(
            self.context, '@@xem-bao-cao'))

    def update_success(self, appstruct):
        service.edit_report(self.request, self.context, _values(appstruct))
        _flash(self.request, _(
            'report-edited',
            default='The report ${number} was saved: it awaits approval '
                    'again.', mapping={'number': self.context.number}))
        return self._cancel()


# -- one report --------------------------------------------------------------

@mgmt_view(context=IReport, name='xem-bao-cao', permission=VIEW_REPORTS,
           renderer=DETAIL, tab_condition=False)
def detail(context, request):
    """A report's own page, for every official who may read it: every
    field and both downloads; the approve, edit and unapprove buttons for
    its uploader."""
    from .reports_browse import report_row
    period = calendar.by_key(context.period) if context.period else None
    unit = _unit_of(context)
    user = request.user
    own = user.agency() if hasattr(user, 'agency') else None
    # a report administrator goes back to its own list
    home = own if own is not None and has_permission(
        MANAGE_REPORTS, own, request) else None
    return {
        'report': context, 'unit': unit, 'row': report_row(request, context),
        'period': period.title if period is not None else '',
        'state': request.localizer.translate(STATE_TITLES[context.state]),
        'type': codelists.title_of(context, REPORT_TYPES,
                                   context.report_type, request),
        'entered': local_time(context.entered),
        'approved': local_time(context.approved) if context.approved
        else None,
        'mine': has_permission(MANAGE_OWN_REPORT, context, request),
        'admin': home is not None,
        'back': list_url(request, home) if home is not None else None,
        'browse': request.sdiapi.mgmt_path(root_agency(request.root),
                                           '@@bao-cao-truc-tuyen'),
    }


def _state_change(context, request, change, done):
    check_csrf_token(request)      # BadCSRFToken: 400
    try:
        change(request, context)
    except service.ReportError as e:
        _flash(request, e.message, 'danger')
    else:
        _flash(request, done)
    return HTTPFound(request.sdiapi.mgmt_path(context, '@@xem-bao-cao'))


@mgmt_view(context=IReport, name='duyet-bao-cao', request_method='POST',
           permission=MANAGE_OWN_REPORT, tab_condition=False)
def approve(context, request):
    """Duyệt: publish the report to every official."""
    return _state_change(context, request, service.approve, _(
        'report-approved-now',
        default='The report ${number} is approved: every official can '
                'read it.', mapping={'number': context.number}))


@mgmt_view(context=IReport, name='huy-duyet-bao-cao', request_method='POST',
           permission=MANAGE_OWN_REPORT, tab_condition=False)
def unapprove(context, request):
    """Hủy duyệt: back to pending, unpublished."""
    return _state_change(context, request, service.unapprove, _(
        'report-unapproved-now',
        default='The approval of the report ${number} was withdrawn: it '
                'awaits approval again.', mapping={'number': context.number}))
