"""Bàn làm việc (B2): the staff's queues of dossiers, filtered and paged
by the catalogs.  Every query is intersected with the system catalog's
``allowed`` index, so a list never shows a dossier the user may not open
(officers see their unit, leaders their subtree, through the ACLs)."""
import datetime

from pyramid.traversal import find_root
from substanced.util import find_catalog, get_oid

from .. import _
from ..catalog import fold
from ..content.application import PROCEDURES
from ..content.dossier import VN, id_hash
from . import numbering
from .lookup import parse_keywords, phone_forms
from .petitions import CLASSIFICATIONS
from .submission import ensure_salt

#: (name, title, states); the overdue queue is by deadline
QUEUES = (
    ('new', _('New'), ('submitted',)),
    ('resubmitted', _('Supplemented'), ('resubmitted',)),
    ('waiting', _('Waiting for the applicant'), ('needs_supplement',)),
    ('accepted', _('Awaiting the original papers'), ('accepted',)),
    ('processing', _('In processing'), (
        'originals_received', 'in_processing')),
    ('assignment', _('Awaiting assignment'), ('awaiting_assignment',)),
    ('mine', _('Assigned to me'), None),
    ('assigned', _('Assigned'), ('assigned',)),
    ('approval', _('Awaiting approval'), ('awaiting_approval',)),
    ('approved', _('Approved, awaiting the answer'), ('approved',)),
    ('overdue', _('Overdue'), None),
    ('completed', _('Completed'), ('completed',)),
    ('refused', _('Refused'), ('refused',)),
)
OPEN_STATES = tuple(s for name, _t, states in QUEUES
                    if name not in ('completed', 'refused') and states
                    for s in states)
SORTS = ('submitted', 'due', 'code')
PAGE_SIZES = (20, 50, 100)


class Filters(object):
    """The workspace's filters, read from the query string; bad values
    fall back to the defaults (and are reported in ``errors``)."""

    def __init__(self, params):
        self.errors = []
        self.queue = params.get('hang-doi', 'new')
        if self.queue not in dict((q[0], q) for q in QUEUES):
            self.queue = 'new'
        self.procedure = params.get('thu-tuc', '')
        if self.procedure not in PROCEDURES:
            self.procedure = ''
        self.subtree = params.get('pham-vi') == 'tat-ca'
        self.keyword = params.get('tu-khoa', '').strip()[:200]
        # petitions: 'pl-<criterion>' = a value of its code list
        self.classification = {}
        for name, _title, values in CLASSIFICATIONS:
            value = params.get('pl-' + name, '')
            if value in dict(values):
                self.classification[name] = value
        self.date_from = self._date(params, 'tu-ngay')
        self.date_to = self._date(params, 'den-ngay')
        self.sort = params.get('sap-xep', 'submitted')
        if self.sort not in SORTS:
            self.sort = 'submitted'
        try:
            self.size = int(params.get('so-dong', 20))
        except ValueError:
            self.size = 20
        if self.size not in PAGE_SIZES:
            self.size = 20

    def _date(self, params, name):
        text = params.get(name, '').strip()
        if not text:
            return None
        try:
            return datetime.datetime.strptime(text, '%d/%m/%Y').date()
        except ValueError:
            self.errors.append(_('Write dates as dd/mm/yyyy.'))
            return None


def _epoch(day):
    return VN.localize(datetime.datetime.combine(
        day, datetime.time())).timestamp()


def base_query(request, agency, filters):
    """Dossiers of ``agency`` (or of its subtree) the user may open,
    narrowed by the filters other than the queue."""
    catalog = find_catalog(agency, 'httttha')
    system = find_catalog(agency, 'system')
    query = catalog['procedure'].any(
        [filters.procedure] if filters.procedure else list(PROCEDURES))
    if filters.subtree:
        query &= system['path'].eq(agency)
    else:
        query &= catalog['agency'].eq(get_oid(agency))
    query &= system['allowed'].allows(request, 'sdi.view')
    if filters.date_from:
        query &= catalog['submitted'].ge(_epoch(filters.date_from))
    if filters.date_to:
        query &= catalog['submitted'].lt(_epoch(
            filters.date_to + datetime.timedelta(days=1)))
    if filters.keyword:
        query &= _keyword_query(catalog, agency, filters.keyword)
    if filters.classification:
        query &= catalog['classification'].all(
            ['%s:%s' % item for item in sorted(
                filters.classification.items())])
    return query


def _keyword_query(catalog, agency, keyword):
    code = numbering.normalize(keyword)
    if code is not None:
        return catalog['code'].eq(code)
    words, numbers, emails = parse_keywords(keyword)
    applicant = catalog['applicant']
    salt = ensure_salt(find_root(agency))
    query = None
    parts = ([applicant.all(words)] if words else []) + [
        applicant.any(phone_forms(n)) | catalog['id_hash'].eq(
            id_hash(n, salt))
        for n in numbers] + [applicant.eq(e) for e in emails]
    for part in parts:
        query = part if query is None else query & part
    if query is None:
        # nothing identifying: match the folded text as a name word
        query = applicant.eq(fold(keyword))
    return query


def queue_query(catalog, name, today, user_oid=None):
    states = dict((q[0], q[2]) for q in QUEUES)[name]
    if states is not None:
        return catalog['state'].any(list(states))
    if name == 'mine':
        return catalog['state'].eq('assigned') & catalog['assignee'].eq(
            user_oid)
    return catalog['state'].any(list(OPEN_STATES)) & catalog['due'].lt(
        today.toordinal())


def queues(request, agency, filters, today):
    """The count of every queue and the result set of the chosen one."""
    catalog = find_catalog(agency, 'httttha')
    base = base_query(request, agency, filters)
    me = get_oid(request.user, None)
    counts = {name: len((base & queue_query(catalog, name, today, me)
                         ).execute())
              for name, _t, _s in QUEUES}
    return counts, (base & queue_query(catalog, filters.queue, today,
                                       me)).execute()


def page_rows(agency, results, filters, start, end):
    """The dossiers of one page, sorted by the catalog."""
    index = find_catalog(agency, 'httttha')[filters.sort]
    rows = results.sort(index, reverse=filters.sort == 'submitted',
                        limit=end, raise_unsortable=False)
    return list(rows)[start:end]
