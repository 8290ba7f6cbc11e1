"""The httttha catalog: indexes used by staff lists and lookups."""
from pyramid.location import lineage
from substanced.catalog import (
    Field,
    Keyword,
    Text,
    catalog_factory,
    indexview,
    indexview_defaults,
)
from substanced.util import get_oid

from ..content.dossier import VN
from ..interfaces import IAgency, IAttachment, IDossier
from ..services.backoffice.deadlines import index_value as deadline_index_value
from ..services.portal.guidance import index_text as guidance_text
from ..services.portal.guidance import index_words as guidance_words
from ..services.portal.completed import result_time
from ..text import (  # noqa
    applicant_words,
    classification_words,
    fold,
    search_words,
)
from ..workflows.dossier import state_of
from .unique import UniqueField, UniqueKeyword


@catalog_factory('httttha')
class HttthaIndexes(object):
    """Index definitions."""
    agency = Field()          # oid of the agency a user or object belongs to
    department = Field()      # oid of a user's department (phòng ban)
    roles = Keyword()
    title_folded = Text()
    sort_name = Field()
    # agencies and dossiers
    # values nearly all held by one document are in unique indexes (see
    # .unique: no set object per value, written with every submission)
    code = UniqueField()      # agency code, or dossier code (never alike)
    # dossiers
    procedure = Field()
    state = Field()
    channel = Field()
    submitted = UniqueField()  # seconds since the epoch (UTC), for sorting
    # (the local day of submission (date.toordinal()), the procedure),
    # for the workspace's date filters: a year of one procedure is a
    # union of 365 sets, with no intersection with the procedure's whole
    # set (a C-level merge, linear in the larger set: 20 ms at a million)
    day_procedure = Field()
    # the same and the oid of the dossier's Cục (the agency below the top
    # one on its lineage, or the top one for its own): a year of a whole
    # Cục's subtree is a union of 365 small sets, with no union of its
    # agencies' sets (a Cục leader's scope)
    day_procedure_cuc = Field()
    # the oid of a dossier's Cục alone: a Cục leader's whole scope is one
    # stored set, not a union of its thirty agencies' sets
    cuc = Field()
    # folded words of the applicant's name, phone and e-mail.  A Keyword
    # index, not Text: every submission brings new words (a phone number),
    # and a Text index's lexicon hands out word ids from one counter, so
    # concurrent submissions would always conflict.  The ID number is
    # never indexed in clear (see id_hash).
    applicant = UniqueKeyword()
    id_hash = UniqueField()
    # petitions: ``dimension:value`` words of the four classifications,
    # and the oid of the officer assigned
    classification = Keyword()
    assignee = Field()
    # the open dossier's total deadline (date.toordinal()); closed dossiers
    # and those waiting for a supplement are not indexed
    due = Field()
    # guidance pages and FAQ entries (A6): ``kind:``, ``state:``,
    # ``agency:`` and ``procedure:`` words, and their folded text (a Text
    # index is fine here: editors write them rarely)
    guidance = Keyword()
    guidance_text = Text()
    # 1 while a low survey answer about the dossier waits for a leader's
    # follow-up (the workspace's "Phản hồi chưa hài lòng"); others absent
    survey_alert = Field()
    # dossiers with a result (completed or refused): when the result was
    # given (seconds since the epoch, UTC: the order of the public list)
    # and its local day (date.toordinal(): the list's period filter and
    # its newest-first page, scanned day by day)
    result_date = UniqueField()
    result_day = Field()
    # and (procedure, agency oid): the list's agency and procedure
    # filters are unions of these sets, with no intersection with the
    # large sets of the state and procedure indexes (C-level merges that
    # are linear in the larger set)
    result_unit = Field()
    # periodic reports (D1-D4): pending or published; the year and month
    # of Ngày ban hành (the browse filters) and its ordinal day (the
    # list's order); Ngày nhập (seconds since the epoch: the compliance's
    # on time or late); the calendar's period key ('thang:2027:10',
    # '6_thang:2027'); the folded words of Số ký hiệu, Tên, Nội dung
    report_state = Field()
    report_year = Field()
    report_month = Field()
    report_issued = Field()
    report_entered = Field()
    report_period = Field()
    report_words = Keyword()


@indexview_defaults(catalog_name='httttha')
class HttthaIndexViews(object):
    """What each resource contributes to the indexes."""

    def __init__(self, resource):
        self.resource = resource

    @indexview()
    def agency(self, default):
        return getattr(self.resource, 'agency_oid', default)

    @indexview()
    def department(self, default):
        return getattr(self.resource, 'department_oid', None) or default

    @indexview()
    def roles(self, default):
        return tuple(getattr(self.resource, 'roles', ())) or default

    @indexview()
    def title_folded(self, default):
        if getattr(self.resource, 'is_dossier', False):
            # dossiers are found by code and applicant; a Text index fed a
            # new code with every submission would make them conflict
            return default
        parts = [getattr(self.resource, attr, '') or '' for attr in
                 ('title', 'full_name', 'short_name', '__name__')]
        text = ' '.join(p for p in parts if isinstance(p, str))
        return fold(text) or default

    @indexview()
    def sort_name(self, default):
        if getattr(self.resource, 'is_dossier', False):
            # dossiers are never listed by name (users, agencies and
            # guidance are); a near-unique value per submission otherwise
            return default
        name = getattr(self.resource, 'full_name', None) or getattr(
            self.resource, 'title', None) or self.resource.__name__
        return fold(name if isinstance(name, str) else '') or default


    @indexview()
    def code(self, default):
        return getattr(self.resource, 'code', None) or default

    def _dossier_attr(self, name, default):
        if not getattr(self.resource, 'is_dossier', False):
            return default
        return getattr(self.resource, name, None) or default

    @indexview()
    def procedure(self, default):
        return self._dossier_attr('procedure', default)

    @indexview()
    def channel(self, default):
        return self._dossier_attr('channel', default)

    @indexview()
    def id_hash(self, default):
        return self._dossier_attr('id_hash', default)

    @indexview()
    def state(self, default):
        if not getattr(self.resource, 'is_dossier', False):
            return default
        return state_of(self.resource) or default

    @indexview()
    def submitted(self, default):
        when = self._dossier_attr('submitted', None)
        return when.timestamp() if when is not None else default

    @indexview()
    def day_procedure(self, default):
        when = self._dossier_attr('submitted', None)
        procedure = self._dossier_attr('procedure', None)
        if when is None or procedure is None:
            return default
        return when.astimezone(VN).date().toordinal(), procedure

    @indexview()
    def day_procedure_cuc(self, default):
        day = self.day_procedure(None)
        cuc = self.cuc(None)
        return default if day is None or cuc is None else day + (cuc,)

    @indexview()
    def cuc(self, default):
        if not getattr(self.resource, 'is_dossier', False):
            return default
        agencies = [node for node in lineage(self.resource)
                    if IAgency.providedBy(node)]
        if not agencies:
            return default
        # the one below the top (or the top itself)
        return get_oid(agencies[-2] if len(agencies) > 1 else agencies[-1])

    @indexview()
    def due(self, default):
        if not getattr(self.resource, 'is_dossier', False):
            return default
        return deadline_index_value(self.resource, default)

    @indexview()
    def result_date(self, default):
        when = result_time(self.resource) if getattr(
            self.resource, 'is_dossier', False) else None
        return when.timestamp() if when is not None else default

    @indexview()
    def result_day(self, default):
        when = result_time(self.resource) if getattr(
            self.resource, 'is_dossier', False) else None
        return (when.astimezone(VN).date().toordinal()
                if when is not None else default)

    @indexview()
    def result_unit(self, default):
        when = result_time(self.resource) if getattr(
            self.resource, 'is_dossier', False) else None
        agency = getattr(self.resource, 'agency_oid', None)
        return ((self.resource.procedure, agency)
                if when is not None and agency is not None else default)

    @indexview()
    def classification(self, default):
        if not getattr(self.resource, 'is_dossier', False):
            return default
        return classification_words(self.resource) or default

    @indexview()
    def assignee(self, default):
        return self._dossier_attr('assignee', default)

    @indexview()
    def guidance(self, default):
        if not getattr(self.resource, 'is_guidance', False):
            return default
        return guidance_words(self.resource) or default

    @indexview()
    def guidance_text(self, default):
        if not getattr(self.resource, 'is_guidance', False):
            return default
        return guidance_text(self.resource) or default

    @indexview()
    def survey_alert(self, default):
        if not getattr(self.resource, 'is_dossier', False):
            return default
        return 1 if getattr(self.resource, 'survey_alert', None) else default

    @indexview()
    def applicant(self, default):
        if not getattr(self.resource, 'is_dossier', False):
            return default
        return applicant_words(self.resource.applicant) or default


    def _report_attr(self, name, default):
        if not getattr(self.resource, 'is_report', False):
            return default
        value = getattr(self.resource, name, None)
        return default if value in (None, '') else value

    @indexview()
    def report_state(self, default):
        return self._report_attr('state', default)

    @indexview()
    def report_year(self, default):
        issued = self._report_attr('issued', None)
        return issued.year if issued is not None else default

    @indexview()
    def report_month(self, default):
        issued = self._report_attr('issued', None)
        return issued.month if issued is not None else default

    @indexview()
    def report_issued(self, default):
        issued = self._report_attr('issued', None)
        return issued.toordinal() if issued is not None else default

    @indexview()
    def report_entered(self, default):
        entered = self._report_attr('entered', None)
        return entered.timestamp() if entered is not None else default

    @indexview()
    def report_period(self, default):
        return self._report_attr('period', default)

    @indexview()
    def report_words(self, default):
        if not getattr(self.resource, 'is_report', False):
            return default
        return search_words(' '.join((
            self.resource.number or '', self.resource.title or '',
            self.resource.summary or ''))) or default


def not_in_system_text(resource, default):
    """Dossiers and their attachments stay out of the system catalog's
    text index (SDI filter box): its lexicon would get new words (the
    code, file names) with every submission, which makes concurrent
    submissions conflict.  Staff find dossiers through the code and
    applicant indexes."""
    return default


def includeme(config):
    for iface in (IDossier, IAttachment):
        config.add_indexview(not_in_system_text, catalog_name='system',
                             index_name='text', context=iface)
