"""Báo cáo trực tuyến (SPEC D1-D4, Công văn 1607/TCTHADS-VP): the
periodic reports a unit's report administrator uploads into its
``bao-cao`` folder, each with its two files, the signed scan (.pdf) and
the editable text (.doc/.docx).

A report is pending (chờ duyệt) when added or edited and published
(đã duyệt) once approved; the service ``services.reports`` alone changes
it.  Only the administrator who uploaded a report may approve, edit or
unapprove it (Phụ lục 1 Bước 7): the report's own ACL grants
``MANAGE_OWN_REPORT`` to its creator alone."""
from pyramid.security import Allow
from substanced.content import content
from substanced.folder import Folder
from substanced.util import wrap_if_broken
from zope.interface import Interface, alsoProvides, implementer

from .. import _
from ..permissions import MANAGE_OWN_REPORT

PENDING, PUBLISHED = 'pending', 'published'
STATE_TITLES = {
    PENDING: _('report-pending', default='Awaiting approval'),
    PUBLISHED: _('report-published', default='Approved'),
}
#: the names of the two files in a report
SIGNED, EDITABLE = 'ban-ky', 'van-ban'


class IReport(Interface):
    """A periodic report."""


class IReportFile(Interface):
    """One of a report's two files."""


@content('Periodic Report', icon='glyphicon glyphicon-file', add_view=None,
         catalog=True)
@implementer(IReport)
class Report(Folder):
    """Tên báo cáo (``title``), Số ký hiệu (``number``), Nội dung
    (``summary``), Ngày nhập (``entered``, UTC, set once), Ngày ban hành
    (``issued``, a date), Đơn vị (``agency_oid``: the issuing unit, whose
    ``bao-cao`` holds it), the report type (code of the list "Loại báo
    cáo") and period (``period``, a key of ``services.reports.calendar``,
    '' for a report outside the calendar), ``creator`` (the uploading
    user's oid) and ``creator_name`` (its login), ``state``, ``approved``
    (UTC, the last approval).  Its files are its items ``ban-ky`` and
    ``van-ban`` (``IReportFile``)."""
    is_report = True
    state = PENDING
    approved = None
    summary = ''
    period = ''

    def __init__(self, title, number, issued, agency_oid, report_type,
                 period, creator, creator_name, entered, summary=''):
        Folder.__init__(self)
        self.title = title
        self.number = number
        self.issued = issued
        self.agency_oid = agency_oid
        self.report_type = report_type
        self.period = period
        self.creator = creator
        self.creator_name = creator_name
        self.entered = entered
        self.summary = summary
        self.state = PENDING
        self.__acl__ = [(Allow, creator, (MANAGE_OWN_REPORT,))]

    @property
    def sdi_title(self):
        return '%s %s' % (self.number, self.title)

    def __sdi_addable__(self, context, introspectable):
        return False

    def set_file(self, registry, which, stream, filename, mimetype):
        """Store (or replace) the file ``which`` (SIGNED or EDITABLE)."""
        attachment = registry.content.create(
            'File', stream=stream, mimetype=mimetype, title=filename)
        alsoProvides(attachment, IReportFile)
        if which in self:
            self.remove(which)
        self.add(which, attachment, registry=registry)
        return attachment

    def files(self):
        """(name, file) of the files it has, the signed scan first."""
        # the folder's own mapping: a list shows twenty reports' files
        found = ((name, self.data.get(name)) for name in (SIGNED, EDITABLE))
        return [(name, wrap_if_broken(f)) for name, f in found
                if f is not None]
