"""Báo cáo trực tuyến (D1-D4): uploading, approving and finding the
periodic reports of Công văn 1607/TCTHADS-VP, and their calendar.

A report is added and edited by the report administrator of its unit
and is then pending (chờ duyệt); approving publishes it to every
official, editing or unapproving makes it pending again (Phụ lục 1
Bước 7).  Who may read it follows from its ACL, set here on every
change of state (``report_acl``): a pending report is read by the
report administrators of its unit and of every unit above, a
published one by every official (``VIEW_REPORTS`` on the Tổng cục)."""
import re

from pyramid.security import Allow, Deny, effective_principals
from substanced.event import ObjectModified, subscribe_added
from substanced.util import find_catalog, find_objectmap, get_oid, set_acl

from ... import _, vntime
from ...vntime import now
from ...content.agency import find_agency
from ...content.report import (
    EDITABLE,
    PENDING,
    PUBLISHED,
    SIGNED,
    Report,
)
from ...interfaces import IAgency
from ...permissions import (
    MANAGE_OWN_REPORT,
    STAFF,
    VIEW_REPORTS,
    agency_lineage,
    role_principal,
)
from ...text import fold, search_words, split_extension
from ..administration import audit
from ..administration.treecache import cached
from ..intake.uploads import UploadRejected, check_upload
from ..statistics import reporting_year
from . import calendar

FOLDER = 'bao-cao'
THEMATIC = 'chuyen_de'

#: Số ký hiệu: a number-ish part, '/', then letters and digits joined by
#: hyphens (20/BC-CTHADS, T032018/BCTK, 23/VP-TH, 60/BC-TCTHADS,
#: 12/QĐ-TCTHADS)
NUMBER = re.compile(r'^[^\W_]+(?:[.\-][^\W_]+)*/[^\W_]+(?:-[^\W_]+)*$')
MAX_NUMBER = 50
MAX_TITLE = 500
MAX_SUMMARY = 4000

#: the extensions each of the two files may have; both are also checked
#: by content (``services.intake.uploads``)
FILE_TYPES = {SIGNED: ('pdf',), EDITABLE: ('doc', 'docx')}
#: an OLE2 compound file (.doc) starts so
OLE2_SIGNATURE = b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1'


class ReportError(ValueError):
    """A refused action; ``message`` (a translation string) says why."""

    def __init__(self, message):
        ValueError.__init__(self, message)
        self.message = message


# -- the ACL -----------------------------------------------------------------

def report_acl(report, agency=None):
    """The ACL of ``report`` in its state: its creator alone manages it;
    pending, it is read by its creator and the report administrators of
    its unit and the units above, and denied to every other official;
    published, it inherits ``VIEW_REPORTS`` from the Tổng cục."""
    creator = report.creator
    if report.state == PUBLISHED:
        return [(Allow, creator, (MANAGE_OWN_REPORT,))]
    agency = agency or find_agency(report)
    acl = [(Allow, creator, (MANAGE_OWN_REPORT, VIEW_REPORTS))]
    for each in agency_lineage(agency):
        acl.append((Allow, role_principal('report_admin', get_oid(each)),
                    (VIEW_REPORTS,)))
    acl.append((Deny, STAFF, (VIEW_REPORTS,)))
    return acl


def apply_acl(request, report):
    set_acl(report, report_acl(report), registry=request.registry)


@subscribe_added(IAgency)
def agency_moved(event):
    """A moved agency's pending reports name the report administrators of
    its old lineage: their ACLs anew (a published report's names none)."""
    if event.moving is None or event.loading:
        return
    agency = event.object
    catalog = find_catalog(agency, 'httttha')
    if catalog is None or 'report_state' not in catalog:
        return
    oids = [get_oid(a) for a in agency.walk()]
    query = catalog['agency'].any(oids) & catalog['report_state'].eq(PENDING)
    for report in query.execute():
        set_acl(report, report_acl(report), registry=event.registry)


# -- checks ------------------------------------------------------------------

def number_key(number):
    """Số ký hiệu as compared for uniqueness: folded, no spaces."""
    return re.sub(r'\s+', '', fold(number or '')).upper()


def number_shape_error(number):
    """Why ``number`` is not a Số ký hiệu, or None."""
    number = (number or '').strip()
    if len(number) > MAX_NUMBER or not NUMBER.match(number):
        return _('report-number-shape',
                 default='Write the reference number as number/letters, '
                         'for example 20/BC-CTHADS.')
    return None


def duplicate_of(agency, number, year, exclude=None):
    """Another report of ``agency`` issued in ``year`` with the same Số
    ký hiệu, or None."""
    catalog = find_catalog(agency, 'httttha')
    key = number_key(number)
    docids = in_agencies(catalog, catalog['report_year'].applyEq(year),
                         {get_oid(agency)})
    objectmap = find_objectmap(agency)
    for docid in docids:
        other = objectmap.object_for(docid)
        if other is not None and other is not exclude and getattr(
                other, 'is_report', False) and \
                number_key(other.number) == key:
            return other
    return None


def in_agencies(catalog, docids, oids):
    """The reports of ``docids`` whose unit is one of ``oids``: read
    from the ``agency`` index's values, as the agencies' sets hold their
    dossiers too (large) and the reports are few."""
    values = catalog['agency']._rev_index
    return [d for d in docids if values.get(d) in oids]


def number_error(agency, number, issued, exclude=None):
    """Why ``number`` may not be used by ``agency`` for a report issued
    on ``issued``, or None."""
    shape = number_shape_error(number)
    if shape is not None or issued is None:
        return shape
    if duplicate_of(agency, number.strip(), issued.year, exclude) is not None:
        return _('report-number-taken',
                 default='The unit already has a report numbered ${number} '
                         'issued in ${year}.',
                 mapping={'number': number.strip(), 'year': issued.year})
    return None


def issued_error(issued):
    """Ngày ban hành cannot be after today (Vietnam's day)."""
    if issued is not None and issued > vntime.today():
        return _('report-issued-future',
                 default='The date of issue cannot be in the future.')
    return None


def period_error(report_type, period):
    """The period must be one of the report type (none for a thematic
    report)."""
    if report_type == THEMATIC:
        return None if not period else _(
            'report-period-thematic',
            default='A thematic report has no reporting period.')
    found = calendar.by_key(period or '')
    if found is None or found.report_type != report_type:
        return _('report-period-mismatch',
                 default='Choose a reporting period of the report type.')
    return None


def check_file(which, filename, fp):
    """Check the file for ``which`` (SIGNED: a real PDF; EDITABLE: a real
    .doc or .docx) by its extension and its content; return (clean name,
    MIME type) or raise UploadRejected."""
    allowed = FILE_TYPES[which]
    name = filename or ''
    ext = split_extension(name)[1]
    if ext not in allowed:
        raise UploadRejected(_(
            'report-file-type',
            default='The file ${name} cannot be used here: only ${types} '
                    'files are accepted.',
            mapping={'name': name, 'types': ', '.join(
                '.' + e for e in allowed)}))
    name, mimetype = check_upload(name, fp)
    if ext == 'doc':
        # libmagic calls many things OLE; a Word 97-2003 file is one
        head = fp.read(len(OLE2_SIGNATURE))
        fp.seek(0)
        if head != OLE2_SIGNATURE:
            raise UploadRejected(_(
                'upload-content-mismatch',
                default='The content of the file ${name} does not match '
                        'its extension .${ext}: the file may have been '
                        'renamed or damaged.',
                mapping={'name': name, 'ext': ext}))
    return name, mimetype


# -- the calendar in the form --------------------------------------------------

def period_choices(today=None):
    """(key, title) of the periods of the current and the previous
    reporting years, newest first: what the form offers."""
    today = today or vntime.today()
    year = reporting_year(today)
    result = []
    for each in (year, year - 1):
        for period in sorted(calendar.periods(each), key=lambda p: p.due,
                             reverse=True):
            result.append((period.key, period.title))
    return result


def suggested_title(report_type, period):
    """The title Phụ lục 2 cột 5 prescribes for ``period`` ('' when it
    names none or does not fit the type)."""
    found = calendar.by_key(period or '')
    if found is None or found.report_type != report_type:
        return ''
    return found.title


# -- the changes ---------------------------------------------------------------

def snapshot(report):
    """The audited values of a report."""
    return {
        'title': report.title, 'number': report.number,
        'summary': report.summary, 'issued': report.issued,
        'report_type': report.report_type, 'period': report.period,
        'state': report.state,
        'files': [(n, f.title) for n, f in report.files()],
    }


def _modified(request, report):
    # the catalog follows ObjectModified
    request.registry.subscribers((ObjectModified(report), report), None)


def _store_files(request, report, values):
    for which in (SIGNED, EDITABLE):
        upload = values.get(which)
        if upload:
            upload['fp'].seek(0)
            report.set_file(request.registry, which, upload['fp'],
                            upload['filename'], upload['mimetype'])


def _name(folder, number, issued):
    base = re.sub(r'[^0-9a-z]+', '-', fold(number)).strip('-') or 'bao-cao'
    name = '%s-%d' % (base, issued.year)
    count = 1
    while name in folder:
        count += 1
        name = '%s-%d-%d' % (base, issued.year, count)
    return name


def add_report(request, agency, values):
    """A new pending report of ``agency`` in its ``bao-cao``: ``values``
    hold title, number, summary, issued, report_type, period and the two
    files (``{'fp', 'filename', 'mimetype'}``, checked already).  Ngày
    nhập is now; the uploader is its creator."""
    user = request.user
    title = (values.get('title') or '').strip() or suggested_title(
        values['report_type'], values.get('period'))
    report = Report(
        title=title, number=values['number'].strip(),
        issued=values['issued'], agency_oid=get_oid(agency),
        report_type=values['report_type'],
        period=values.get('period') or '', creator=get_oid(user),
        creator_name=user.__name__, entered=now(),
        summary=(values.get('summary') or '').strip())
    folder = agency[FOLDER]
    folder.add(_name(folder, report.number, report.issued), report,
               registry=request.registry)
    _store_files(request, report, values)
    apply_acl(request, report)
    _modified(request, report)
    audit.record(request, 'report.add', report, agency=agency,
                 after=snapshot(report), entered=report.entered)
    return report


def edit_report(request, report, values):
    """Change a report's details (and the files given): it is pending
    again and unpublished, its Ngày nhập untouched."""
    before = snapshot(report)
    title = (values.get('title') or '').strip() or suggested_title(
        values['report_type'], values.get('period')) or report.title
    report.title = title
    report.number = values['number'].strip()
    report.summary = (values.get('summary') or '').strip()
    report.issued = values['issued']
    report.report_type = values['report_type']
    report.period = values.get('period') or ''
    _store_files(request, report, values)
    report.state = PENDING
    apply_acl(request, report)
    _modified(request, report)
    audit.record(request, 'report.edit', report, before=before,
                 after=snapshot(report))


def approve(request, report):
    """Publish a pending report to every official."""
    if report.state != PENDING:
        raise ReportError(_('report-not-pending',
                            default='The report is already approved.'))
    report.state = PUBLISHED
    report.approved = now()
    apply_acl(request, report)
    _modified(request, report)
    audit.record(request, 'report.approve', report,
                 before={'state': PENDING}, after={'state': PUBLISHED})


def unapprove(request, report):
    """Take a published report back to pending."""
    if report.state != PUBLISHED:
        raise ReportError(_('report-not-published',
                            default='The report is not approved.'))
    report.state = PENDING
    apply_acl(request, report)
    _modified(request, report)
    audit.record(request, 'report.unapprove', report,
                 before={'state': PUBLISHED}, after={'state': PENDING})


# -- finding -------------------------------------------------------------------

def subtree_oids(request, agency):
    """The oids of ``agency`` and the agencies below it (cached per tree
    version)."""
    return cached(request.root, ('report-subtree', get_oid(agency)),
                  lambda: tuple(get_oid(a) for a in agency.walk()))


class Filters(object):
    """Từ khóa (``tu-khoa``), Đơn vị (``don-vi``: an agency oid), Năm
    (``nam``), Tháng (``thang``) of a list, read from the query."""

    def __init__(self, params):
        self.keyword = (params.get('tu-khoa') or '').strip()[:200]
        self.unit = _int(params.get('don-vi'))
        self.year = _int(params.get('nam'))
        month = _int(params.get('thang'))
        self.month = month if month and 1 <= month <= 12 else None

    def query(self):
        """The filters as query parameters (links, the export)."""
        result = {}
        for name, value in (('tu-khoa', self.keyword), ('don-vi', self.unit),
                            ('nam', self.year), ('thang', self.month)):
            if value:
                result[name] = value
        return result


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def admin_results(request, agency, filters):
    """The docids of the reports of ``agency``'s subtree the user may
    see in administration, filtered: the published ones and the pending
    ones their ACLs let it read.  Only the reports' own (small) indexes
    are intersected; the unit is read from the ``agency`` index."""
    catalog = find_catalog(agency, 'httttha')
    family = catalog.family
    sets = []
    if filters.year:
        sets.append(catalog['report_year'].applyEq(filters.year))
    if filters.month:
        sets.append(catalog['report_month'].applyEq(filters.month))
    for word in search_words(filters.keyword):
        sets.append(catalog['report_words'].applyEq(word))
    state = catalog['report_state']

    def narrowed(docids):
        for each in sorted(sets, key=len):
            docids = family.IF.intersection(docids, each)
        return docids or family.IF.Set()
    oids = set(subtree_oids(request, agency))
    if filters.unit is not None:
        oids &= {filters.unit}
    published = in_agencies(catalog, narrowed(state.applyEq(PUBLISHED)),
                            oids)
    pending = in_agencies(catalog, narrowed(state.applyEq(PENDING)), oids)
    allowed = find_objectmap(agency).allowed(
        pending, effective_principals(request), VIEW_REPORTS)
    return family.IF.union(family.IF.Set(published),
                           family.IF.Set(allowed))


def page_of(request, docids, start, end):
    """The reports of one page of ``docids``, the latest issued first
    (then the latest entered)."""
    if end <= start or not len(docids):
        return []       # hypatia refuses a sort with limit 0
    catalog = find_catalog(request.root, 'httttha')
    ordered = catalog['report_issued'].sort(
        docids, reverse=True, limit=end, raise_unsortable=False)
    objectmap = find_objectmap(request.root)
    found = [objectmap.object_for(d) for d in list(ordered)[start:end]]
    return [r for r in found if r is not None]
