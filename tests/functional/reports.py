"""Periodic reports made directly in a test database (not through the
upload form): a ``Report`` with its two tiny files, pending or
published, with the ACL of the shared design (h18-context.md), indexed.
The lead may switch ``add_report`` to the upload service later."""
import datetime
import io

import transaction
from substanced.util import find_catalogs, get_oid, set_acl

from httttha.content.report import EDITABLE, PENDING, PUBLISHED, SIGNED
from httttha.services.reports import report_acl

from ..conftest import open_root
from .submission import pdf_bytes

#: a few bytes that begin like a .docx (a zip); the browse never opens it
DOCX_BYTES = b'PK\x03\x04' + b'\x00' * 60
DOCX = ('application/vnd.openxmlformats-officedocument.'
        'wordprocessingml.document')


def make_report(root, registry, agency_path, name, title, number, issued,
                state=PUBLISHED, creator_login='baocao.tc', summary='',
                report_type='thang', period='', entered=None, files=True):
    """Add the report ``name`` to the ``bao-cao`` folder of the agency at
    ``agency_path`` (names below the root), uploaded by the user
    ``creator_login`` (any existing user: the demo has report
    administrators at the Tổng cục and Hà Nội only), and index it;
    returns it (the caller commits)."""
    agency = root
    for part in agency_path:
        agency = agency[part]
    users = root['principals']['users']
    creator = users[creator_login]
    entered = entered or datetime.datetime.combine(
        issued + datetime.timedelta(days=2), datetime.time(2, 0),
        tzinfo=datetime.timezone.utc)
    report = registry.content.create(
        'Periodic Report', title, number, issued, get_oid(agency),
        report_type, period, get_oid(creator), creator_login, entered,
        summary=summary)
    report.state = state
    folder = agency['bao-cao']
    folder.add(name, report, registry=registry)
    if files:
        slug = number.replace('/', '-')
        report.set_file(registry, SIGNED, io.BytesIO(pdf_bytes(number)),
                        '%s.pdf' % slug, 'application/pdf')
        report.set_file(registry, EDITABLE, io.BytesIO(DOCX_BYTES),
                        '%s.docx' % slug, DOCX)
    set_acl(report, report_acl(report, agency), registry=registry)
    for catalog in find_catalogs(report):
        catalog.reindex_resource(report)
    return report


def add_reports(app, specs, only=False):
    """Make every report of ``specs`` (dicts of ``make_report``'s keyword
    arguments) in the app's database, committed; with ``only``, after
    removing the demo reports (the test counts every report listed)."""
    root, closer = open_root(app)
    try:
        if only:
            catalog = root['catalogs']['httttha']
            for report in list(catalog['report_state'].any(
                    [PENDING, PUBLISHED]).execute()):
                del report.__parent__[report.__name__]
        for spec in specs:
            make_report(root, app.app.registry, **spec)
        transaction.commit()
    finally:
        transaction.abort()
        closer()


__all__ = ['make_report', 'add_reports', 'report_acl', 'PENDING',
           'PUBLISHED']
