"""Khóa số liệu (C6; Quy chế ban hành kèm Quyết định 11/QĐ-TCTHADS,
Điều 7 khoản 3-4): data is entered within its reporting period; once the
period is over, changing data of that period needs the Tổng cục's
permission, given on the Cục's written request.

* Reporting periods are months (and the reporting year, 1/10-30/9, of
  ``services.statistics``).  A month closes ``httttha.period_close_days``
  days after its last day (default 10): March's data may be changed up to
  10 April, from 11 April on it is closed.  Days are Vietnam's.
* A dossier belongs to the month it was received in (``submitted``), as
  the statistics count it.  After that month closes, every step of the
  staff on it (``act()`` announces each with ``DossierWillTransition``)
  is refused with :class:`PeriodClosed`, unless a grant covers it.  The
  citizen's supplement is not refused: it answers the staff's request (the
  citizen does not "update data of the period"), and the officer's next
  step is checked again.
* A grant (by the Tổng cục's administrators): an agency, with or without
  its sub-agencies, a month or a reporting year, the reason, the document
  it rests on and the last day it is valid.  Grants are kept after they
  expire or are revoked (the screen lists them all).
* The lock applies to the periods from ``PeriodStore.since`` on (the month
  the store was made in, changeable on the screen): on a site that
  already holds data, the dossiers in progress of earlier months are not
  frozen the day the lock is deployed.
"""
import datetime
from collections import namedtuple

from BTrees.IOBTree import IOBTree
from persistent import Persistent
from pyramid.events import subscriber
from substanced.event import subscribe_root_added
from substanced.util import get_oid

from ... import _
from ...permissions import agency_lineage
from ...vntime import local_time, now, today
from ...workflows.dossier import DossierWillTransition
from ..administration import audit
from ..statistics import reporting_year, year_bounds

SETTING = 'httttha.period_close_days'
DEFAULT_CLOSE_DAYS = 10
_ATTR = '__httttha_periods__'
#: the citizen's own step, which answers the staff's request
CITIZEN_TRANSITIONS = frozenset(['resubmit'])
MONTH, YEAR = 'month', 'year'


class Period(namedtuple('Period', 'kind year month')):
    """A reporting period: ``(MONTH, year, month)`` or ``(YEAR, reporting
    year, 0)`` (the reporting year named by the year it ends in)."""

    @property
    def first(self):
        if self.kind == YEAR:
            return year_bounds(self.year)[0]
        return datetime.date(self.year, self.month, 1)

    @property
    def last(self):
        if self.kind == YEAR:
            return year_bounds(self.year)[1]
        following = month_of(self.first + datetime.timedelta(days=31))
        return following.first - datetime.timedelta(days=1)

    def covers(self, other):
        """Whether every day of ``other`` is in this period."""
        return self.first <= other.first and other.last <= self.last

    def label(self):
        """What people read: ``03/2026`` or ``2025-2026``."""
        if self.kind == YEAR:
            return '%d-%d' % (self.year - 1, self.year)
        return '%02d/%d' % (self.month, self.year)


def month_of(day):
    """The month period ``day`` is in."""
    return Period(MONTH, day.year, day.month)


def year_of(day):
    """The reporting year ``day`` is in."""
    return Period(YEAR, reporting_year(day), 0)


def previous_month(period):
    return month_of(period.first - datetime.timedelta(days=1))


def close_days(registry):
    """How many days after its end a period closes (the setting)."""
    try:
        days = int(registry.settings.get(SETTING, DEFAULT_CLOSE_DAYS))
    except (TypeError, ValueError):
        days = DEFAULT_CLOSE_DAYS
    return max(days, 0)


def closes_on(period, days):
    """The first day ``period`` is closed."""
    return period.last + datetime.timedelta(days=days + 1)


def dossier_period(dossier):
    """The month ``dossier`` was received in (Vietnam's day)."""
    return month_of(local_time(dossier.submitted).date())


class Grant(Persistent):
    """A permission of the Tổng cục to change data of a closed period."""

    revoked = None      # {'by', 'when'} once revoked

    def __init__(self, number, agency, subtree, period, reason, document,
                 document_date, valid_until, by, when):
        self.number = number
        self.agency_oid = get_oid(agency)
        # shown as it was when granted, even if the agency is renamed
        self.agency_title = agency.title
        self.agency_code = agency.code
        self.subtree = bool(subtree)
        self.period = Period(*period)
        self.reason = reason
        self.document = document
        self.document_date = document_date
        self.valid_until = valid_until
        self.by = by
        self.when = when

    def state(self, day):
        """'revoked', 'expired' or 'active' on ``day``."""
        if self.revoked is not None:
            return 'revoked'
        if day > self.valid_until:
            return 'expired'
        return 'active'

    def covers(self, dossier, day):
        """Whether this grant lets staff change ``dossier`` on ``day``."""
        if self.state(day) != 'active':
            return False
        if not self.period.covers(dossier_period(dossier)):
            return False
        agencies = agency_lineage(dossier.agency)
        if not self.subtree:
            agencies = agencies[:1]
        return any(get_oid(a) == self.agency_oid for a in agencies)

    def plain(self):
        """The grant as plain values (for the audit trail)."""
        return {'number': self.number, 'agency': self.agency_code,
                'subtree': self.subtree, 'period': self.period.label(),
                'reason': self.reason, 'document': self.document,
                'document_date': self.document_date,
                'valid_until': self.valid_until}


class PeriodStore(Persistent):
    """The site's grants (by number) and the first month locked.  Grants
    are rare and made by a few administrators: plain persistent data."""

    def __init__(self, since):
        self.since = since
        self.grants = IOBTree()
        self.next_number = 1

    def add(self, **values):
        grant = Grant(self.next_number, **values)
        self.grants[grant.number] = grant
        self.next_number += 1
        return grant

    def newest_first(self):
        return [self.grants[n] for n in reversed(list(self.grants.keys()))]

    def covering(self, dossier, day):
        """The newest active grant that covers ``dossier``, or None."""
        for grant in self.newest_first():
            if grant.covers(dossier, day):
                return grant
        return None


def ensure_periods(root):
    """The root's period store, created when missing (new sites get it
    from the root-added subscriber, older ones from an evolve step); the
    lock applies from the month it is made in."""
    store = getattr(root, _ATTR, None)
    if store is None:
        store = PeriodStore(since=month_of(today()).first)
        setattr(root, _ATTR, store)
    return store


def find_periods(root):
    """The period store, or None before it exists (nothing is locked)."""
    return getattr(root, _ATTR, None)


@subscribe_root_added()
def _root_added(event):
    ensure_periods(event.object)


class PeriodClosed(Exception):
    """A change to ``dossier``, whose period is closed, without a grant.
    The views answer it with ``message`` on the dossier's page (the
    transaction is aborted: nothing of the step is kept)."""

    def __init__(self, message, dossier):
        Exception.__init__(self, message)
        self.message = message
        self.dossier = dossier


def state_of_period(root, registry, period, day=None):
    """``('open' | 'closed' | 'unlocked', first closed day)`` of a month
    on ``day`` (default today): 'unlocked' is before the lock applies."""
    day = day or today()
    closing = closes_on(period, close_days(registry))
    store = find_periods(root)
    if store is None or period.first < store.since:
        return 'unlocked', closing
    return ('closed' if day >= closing else 'open'), closing


def check(request, dossier, day=None):
    """Whether staff may change ``dossier`` now: None when its period is
    open, the grant that allows it otherwise; :class:`PeriodClosed` when
    nothing allows it."""
    day = day or today()
    period = dossier_period(dossier)
    state, closing = state_of_period(request.root, request.registry, period,
                                     day)
    if state != 'closed':
        return None
    grant = find_periods(request.root).covering(dossier, day)
    if grant is not None:
        return grant
    raise PeriodClosed(_(
        'period-closed',
        default='Dossier ${code} was received in the reporting period '
                '${period}, whose data was closed on ${date}. Under '
                'Article 7 of the Regulation (Decision 11/QĐ-TCTHADS), '
                'data of a past period may be changed only with the '
                'permission of the General Department of Civil Judgment '
                'Enforcement, on a written request confirmed by the '
                'leader of the Department.',
        mapping={'code': dossier.code, 'period': period.label(),
                 'date': closing.strftime('%d/%m/%Y')}), dossier)


@subscriber(DossierWillTransition)
def refuse_in_closed_period(event):
    """Every staff step on a dossier of a closed period needs a grant;
    a step made under one is written to the audit trail."""
    if event.transition in CITIZEN_TRANSITIONS:
        return
    grant = check(event.request, event.dossier)
    if grant is not None:
        audit.record(event.request, 'period.change', event.dossier,
                     grant=grant.number, transition=event.transition,
                     period=dossier_period(event.dossier).label(),
                     document=grant.document)


# -- the administrators' actions ---------------------------------------------

def grant(request, agency, subtree, period, reason, document, document_date,
          valid_until):
    """Record a grant (validated by the caller) and audit it."""
    store = ensure_periods(request.root)
    user = request.user
    made = store.add(agency=agency, subtree=subtree, period=period,
                     reason=reason, document=document,
                     document_date=document_date, valid_until=valid_until,
                     by=getattr(user, '__name__', ''), when=now())
    audit.record(request, 'period.grant', agency, after=made.plain(),
                 agency=agency)
    return made


def revoke(request, number):
    """Revoke grant ``number``; the grant, or None when there is no such
    grant still in force (unknown, expired or revoked already)."""
    store = find_periods(request.root)
    found = store.grants.get(number) if store is not None else None
    if found is None or found.state(today()) != 'active':
        return None
    found.revoked = {'by': getattr(request.user, '__name__', ''),
                     'when': now()}
    audit.record(request, 'period.revoke', None, before=found.plain(),
                 grant=number)
    return found


def set_since(request, first):
    """Apply the lock from the month starting on ``first``."""
    store = ensure_periods(request.root)
    before = store.since
    store.since = first
    audit.record(request, 'period.since', None,
                 before={'since': before}, after={'since': first})
    return store
