"""Deadlines in working days (B10): the working-day calendar, the due
dates of dossiers, the due-soon and overdue marks and the daily digest.

The calendar
------------
A working day is a Monday to Friday that is not a Vietnamese public holiday
(``holidays.country_holidays('VN')``: Tết Dương lịch, Tết Nguyên Đán,
Giỗ Tổ Hùng Vương, 30/4, 1/5, Quốc khánh, the days off in lieu of a holiday
falling on a weekend, and the swapped days the government announces), or
a weekend day the government declares a make-up working day (the library's
``weekend_workdays``).  The Tổng cục's administrators amend it (SPEC "The
three procedures": "with a calendar the admins can amend"): extra days off
(a typhoon, a local decision) and extra make-up working days, kept in a
small store on the root (see :func:`ensure_calendar`).  An administrator's
entry wins over the library; an extra day off wins over an extra working
day (the store never holds both).

Counting: "n working days after d" never counts d itself, so a dossier
received on a Friday evening or on a Sunday has its first day on the next
working day.

The dossier's deadlines
-----------------------
* Total (``dossier.due``, a ``datetime.date``): HTTT01 and HTTT03 are
  settled within **5 working days** from complete receipt (SPEC "The three
  procedures"; Quy trình hỗ trợ trực tuyến 2019, Phần II 1 and 3: "Thời hạn giải quyết: 05 ngày làm
  việc, kể từ ngày nhận đủ hồ sơ theo quy định"), counted from the local
  (Vietnam) date of the online submission.  HTTT02 has no fixed total: it
  "depends on the case", so ``due`` stays None until a leader sets it
  (:func:`set_due`).
* Step (``dossier.step_due``): every internal step takes at most **1
  working day** (Quyết định 11/QĐ-TCTHADS, the step tables of "QUY TRÌNH Hỗ trợ trực tuyến
  Thi hành án dân sự": "Trong vòng 01 ngày làm việc"; the 2019 procedure: "Trong
  ngày làm việc").  Each state in which the dossier waits for staff gets a
  new step deadline 1 working day after the day it was entered.  In
  ``accepted`` the dossier waits for the citizen to bring the original
  papers at the appointment: no step deadline then.
* Supplement stops the clock: entering ``needs_supplement`` (asked to
  supplement, or originals that do not match) remembers the working days
  left (``dossier.remaining_days``, those after the day of the request up
  to the due date), clears ``due`` and ``step_due`` and sets
  ``dossier.clock_stopped``; ``resubmitted`` restarts it: ``due`` becomes
  the remaining days after the day of the resubmission (never before that
  day: a dossier already late is due the same day).
* ``completed`` and ``refused`` close it: ``dossier.closed`` is set, ``due``
  is kept for history, ``closed_on`` and ``closed_late`` record when and
  whether on time (for statistics); a closed dossier is never overdue and
  leaves the ``due`` index.

Marks: a deadline before today is ``'overdue'``; today or the next working
day is ``'due_soon'`` (:func:`status`).

Who calls what: the submission calls :func:`on_submit` before the dossier
is indexed; ``workflows.dossier.act`` calls :func:`on_transition` after the
transition and before the reindex; a leader's deadline of a petition goes
through :func:`set_due`.  The digest (``httttha-deadline-digest``) mails
each agency's officers and leaders the list of their due-soon and overdue
dossiers (:func:`digest`).
"""
import datetime
import logging
import types
from collections import defaultdict

import holidays
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from pyramid.events import subscriber
from pyramid.renderers import render
from pyramid.threadlocal import get_current_registry
from pyramid_mailer.message import Message
from substanced.event import ObjectModified, subscribe_root_added
from substanced.objectmap import find_objectmap
from substanced.util import find_catalog

from ... import _
from ...content.dossier import VN
from ...workflows.dossier import STATE_TITLES, DossierTransitioned, state_of
from ..notifications import as_text, send

log = logging.getLogger(__name__)

#: the store's attribute on the root (private to this module)
_ATTR = '__httttha_calendar__'

#: working days of the whole procedure (HTTT01, HTTT03) and of one step
TOTAL_DAYS = {'HTTT01': 5, 'HTTT03': 5}
STEP_DAYS = 1

#: states that close the dossier, that stop the clock, that wait for the
#: citizen (no step deadline)
CLOSED = frozenset(('completed', 'refused'))
STOPPED = 'needs_supplement'
RESTARTED = 'resubmitted'
CITIZEN_STATES = frozenset(('needs_supplement', 'accepted'))

OVERDUE, DUE_SOON = 'overdue', 'due_soon'
STATUS_TITLES = {OVERDUE: _('Overdue'), DUE_SOON: _('Due soon')}

#: kinds of the administrators' entries
OFF, WORK = 'off', 'work'

#: the deadline attributes of a dossier
ATTRS = ('due', 'step_due', 'clock_stopped', 'remaining_days', 'closed',
         'closed_on', 'closed_late')

#: roles that receive the digest of their agency
DIGEST_ROLES = ('officer', 'leader', 'complaints_leader')


# -- the calendar ------------------------------------------------------------

_YEARS = {}


def _year(year):
    """(days off, weekend working days, {date: name}) of Vietnam's public
    calendar for ``year``, computed once per process."""
    cached = _YEARS.get(year)
    if cached is None:
        public = holidays.country_holidays('VN', years=year, language='vi')
        names = {d: n for d, n in public.items() if d.year == year}
        work = frozenset(d for d in getattr(public, 'weekend_workdays', ())
                         if d.year == year)
        cached = _YEARS[year] = (frozenset(names), work, names)
    return cached


def public_holidays(year):
    """Vietnam's public holidays of ``year``: sorted (date, Vietnamese
    name) pairs."""
    return sorted(_year(year)[2].items())


def official_workdays(year):
    """The weekend days of ``year`` the government made working days."""
    return sorted(_year(year)[1])


def as_date(value):
    """A ``date`` from a date or an ISO string (``2027-02-12``)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def local_date(when):
    """The date in Vietnam of ``when`` (an aware datetime; naive is UTC)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return when.astimezone(VN).date()


class Calendar(object):
    """Working days: Monday to Friday except Vietnam's public holidays, plus
    the government's make-up weekend days; ``extra_off`` dates are days
    off and ``extra_work`` dates working days, whatever the rest says."""

    def __init__(self, extra_off=(), extra_work=()):
        self.extra_off = frozenset(as_date(d) for d in extra_off)
        self.extra_work = frozenset(as_date(d) for d in extra_work) - \
            self.extra_off

    def is_working_day(self, day):
        if day in self.extra_off:
            return False
        if day in self.extra_work:
            return True
        off, work, _names = _year(day.year)
        if day in work:
            return True
        return day.weekday() < 5 and day not in off

    def add_working_days(self, day, n):
        """The date ``n`` working days after ``day`` (``day`` itself never
        counts; ``n`` = 0 gives ``day``)."""
        if n < 0:
            raise ValueError('n must not be negative')
        one = datetime.timedelta(days=1)
        while n:
            day += one
            if self.is_working_day(day):
                n -= 1
        return day

    def next_working_day(self, day):
        return self.add_working_days(day, 1)

    def working_days_between(self, a, b):
        """The working days after ``a`` up to and including ``b``
        (negative when ``b`` is before ``a``)."""
        if b < a:
            return -self.working_days_between(b, a)
        one = datetime.timedelta(days=1)
        count, day = 0, a
        while day < b:
            day += one
            count += self.is_working_day(day)
        return count


# -- the administrators' entries ------------------------------------------------

class CalendarStore(Persistent):
    """The administrators' amendments: extra days off, extra make-up
    working days (ISO date strings) and a note on each.  Also remembers
    the day of the last digest, so that cron may run it twice."""
    last_digest = None

    def __init__(self):
        self.off = OOTreeSet()
        self.work = OOTreeSet()
        self.notes = OOBTree()     # iso -> {'note': ..., 'by': ...}

    def _add(self, kind, day, note, by):
        iso = as_date(day).isoformat()
        into, other = (self.off, self.work) if kind == OFF else (
            self.work, self.off)
        if iso in other:
            other.remove(iso)
        into.add(iso)
        self.notes[iso] = {'note': note or '', 'by': by or ''}

    def add_off(self, day, note='', by=''):
        """Make ``day`` an extra day off (no longer a make-up day)."""
        self._add(OFF, day, note, by)

    def add_work(self, day, note='', by=''):
        """Make ``day`` a make-up working day (no longer a day off)."""
        self._add(WORK, day, note, by)

    def remove(self, day):
        """Forget ``day``; return whether it was there."""
        iso = as_date(day).isoformat()
        found = False
        for store in (self.off, self.work):
            if iso in store:
                store.remove(iso)
                found = True
        if iso in self.notes:
            del self.notes[iso]
        return found

    def kind_of(self, day):
        """'off', 'work' or None."""
        iso = as_date(day).isoformat()
        if iso in self.off:
            return OFF
        if iso in self.work:
            return WORK
        return None

    def entries(self, start, end):
        """Sorted dicts (date, kind, note, by) between two dates included."""
        lo, hi = as_date(start).isoformat(), as_date(end).isoformat()
        rows = [(iso, OFF) for iso in self.off.keys(lo, hi)] + [
            (iso, WORK) for iso in self.work.keys(lo, hi)]
        result = []
        for iso, kind in sorted(rows):
            info = self.notes.get(iso, {})
            result.append({'date': as_date(iso), 'kind': kind,
                           'note': info.get('note', ''),
                           'by': info.get('by', '')})
        return result

    def calendar(self):
        return Calendar(self.off, self.work)


def ensure_calendar(root):
    """The root's calendar store, created when missing (new sites get it
    from the root-added subscriber, older ones from an evolve step)."""
    store = getattr(root, _ATTR, None)
    if store is None:
        store = CalendarStore()
        setattr(root, _ATTR, store)
    return store


def find_calendar(root):
    """The root's calendar store, or None before it exists (for readers:
    nothing is written)."""
    return getattr(root, _ATTR, None)


def get_calendar(root):
    """The :class:`Calendar` of the site, with the administrators'
    amendments (none before the store exists)."""
    store = find_calendar(root)
    return store.calendar() if store is not None else Calendar()


@subscribe_root_added()
def _root_added(event):
    """New sites get the calendar store with the rest."""
    ensure_calendar(event.object)


# -- deadlines of a dossier ---------------------------------------------------

def _reset(dossier):
    dossier.due = dossier.step_due = None
    dossier.clock_stopped = dossier.closed = dossier.closed_late = False
    dossier.remaining_days = dossier.closed_on = None


def on_submit(dossier, calendar):
    """Start the clocks of a new dossier (call before it is indexed):
    the first step is due 1 working day after the day of submission, the
    whole procedure 5 (HTTT01, HTTT03) or when a leader says (HTTT02)."""
    _reset(dossier)
    day = local_date(dossier.submitted)
    dossier.step_due = calendar.add_working_days(day, STEP_DAYS)
    total = TOTAL_DAYS.get(dossier.procedure)
    if total is not None:
        dossier.due = calendar.add_working_days(day, total)
    else:
        dossier.due = getattr(dossier, 'due_fixed', None)


@subscriber(DossierTransitioned)
def clock_follows_transitions(event):
    """Every state change moves the dossier's clocks (``act()`` tells it)."""
    on_transition(event.dossier, event.state, event.when,
                  get_calendar(event.request.root))


def on_transition(dossier, to_state, when, calendar):
    """Move the clocks of ``dossier`` that has just entered ``to_state``
    at ``when`` (UTC datetime); see the module's docstring for the rules."""
    day = local_date(when)
    if to_state in CLOSED:
        if getattr(dossier, 'clock_stopped', False):
            dossier.due = None
        due = getattr(dossier, 'due', None)
        dossier.closed = True
        dossier.closed_on = day
        dossier.closed_late = due is not None and day > due
        dossier.step_due = None
        dossier.clock_stopped = False
        dossier.remaining_days = None
        return
    if to_state == STOPPED:
        if not getattr(dossier, 'clock_stopped', False):
            due = getattr(dossier, 'due', None)
            dossier.remaining_days = max(
                calendar.working_days_between(day, due), 0) \
                if due is not None else None
            dossier.clock_stopped = True
        dossier.due = dossier.step_due = None
        return
    if to_state == RESTARTED and getattr(dossier, 'clock_stopped', False):
        remaining = getattr(dossier, 'remaining_days', None)
        dossier.due = calendar.add_working_days(day, remaining) \
            if remaining is not None else getattr(dossier, 'due_fixed', None)
        dossier.clock_stopped = False
        dossier.remaining_days = None
    dossier.step_due = None if to_state in CITIZEN_STATES else \
        calendar.add_working_days(day, STEP_DAYS)


def set_due(dossier, day):
    """A leader's deadline for a petition (HTTT02), or any dossier whose
    total deadline is decided case by case; the caller reindexes."""
    dossier.due_fixed = day
    if not getattr(dossier, 'closed', False) and not getattr(
            dossier, 'clock_stopped', False):
        dossier.due = day


def recompute(dossier, calendar):
    """Compute the deadlines of ``dossier`` again from its submission and
    its timeline (after a change of the calendar, or for dossiers stored
    before deadlines existed).  Only what changed is written; returns
    whether anything did (the caller reindexes)."""
    clock = types.SimpleNamespace(
        procedure=dossier.procedure, submitted=dossier.submitted,
        due_fixed=getattr(dossier, 'due_fixed', None))
    on_submit(clock, calendar)
    previous = 'submitted'
    for entry in dossier.timeline:
        state, when = entry.get('state'), entry.get('when')
        if not state or when is None or state == previous:
            continue
        on_transition(clock, state, when, calendar)
        previous = state
    changed = False
    for name in ATTRS:
        value = getattr(clock, name)
        if getattr(dossier, name, None) != value:
            setattr(dossier, name, value)
            changed = True
    return changed


def _state(dossier):
    # imported here: the workflow module calls this one's hooks
    return state_of(dossier)


def is_open(dossier):
    """Whether ``dossier`` is still being handled."""
    return not getattr(dossier, 'closed', False) and \
        _state(dossier) not in CLOSED


def deadline_status(due, today, calendar):
    """'overdue' when ``due`` is before ``today``, 'due_soon' when it is
    today or the next working day, else None."""
    if due is None:
        return None
    if due < today:
        return OVERDUE
    if due <= calendar.next_working_day(today):
        return DUE_SOON
    return None


def status(dossier, today, calendar, which='due'):
    """The mark of the dossier's total deadline (``which='due'``) or of its
    current step (``'step_due'``): 'overdue', 'due_soon' or None; never a
    mark for a closed dossier or while the clock is stopped."""
    if not is_open(dossier) or getattr(dossier, 'clock_stopped', False):
        return None
    return deadline_status(getattr(dossier, which, None), today, calendar)


def index_value(dossier, default):
    """What the ``due`` index holds: the ordinal of the open dossier's due
    date."""
    due = getattr(dossier, 'due', None)
    if due is None or not is_open(dossier) or getattr(
            dossier, 'clock_stopped', False):
        return default
    return due.toordinal()


def overdue_query(catalog, today):
    """Open dossiers whose total deadline has passed."""
    return catalog['due'].lt(today.toordinal())


def due_soon_query(catalog, today, calendar):
    """Open dossiers due today or on the next working day."""
    return catalog['due'].inrange(
        today.toordinal(), calendar.next_working_day(today).toordinal())


def attention_query(catalog, today, calendar):
    """Open dossiers overdue or due soon."""
    return catalog['due'].le(calendar.next_working_day(today).toordinal())


def reschedule(root, since, calendar=None):
    """Recompute the open dossiers whose total deadline falls on or after
    ``since`` (after the calendar changed on that day); return how many
    changed.  Closed dossiers keep the deadlines they were handled by."""
    calendar = calendar or get_calendar(root)
    catalog = find_catalog(root, 'httttha')
    registry = get_current_registry()
    changed = 0
    for dossier in catalog['due'].ge(as_date(since).toordinal()).execute():
        if recompute(dossier, calendar):
            # reindexed, and counted again (the statistics keep the
            # deadline too), as after any change
            registry.subscribers((ObjectModified(dossier), dossier), None)
            changed += 1
    return changed


# -- the digest ---------------------------------------------------------------

def digest_recipients(root, agency_oid):
    """The users of the agency who receive its digest: officers, leaders
    and complaints leaders with an e-mail address."""
    catalog = find_catalog(root, 'httttha')
    users = (catalog['agency'].eq(agency_oid) &
             catalog['roles'].any(DIGEST_ROLES)).execute()
    return sorted((u for u in users if getattr(u, 'email', None)),
                  key=lambda u: u.__name__)


def attention(root, today, calendar):
    """{agency oid: [(dossier, mark)]} of the open dossiers overdue or due
    soon, most urgent first."""
    catalog = find_catalog(root, 'httttha')
    result = defaultdict(list)
    for dossier in attention_query(catalog, today, calendar).execute():
        mark = status(dossier, today, calendar)
        if mark is not None:
            result[dossier.agency_oid].append((dossier, mark))
    for rows in result.values():
        rows.sort(key=lambda r: (r[0].due, r[0].code))
    return dict(result)


def _row(request, dossier, mark):
    translate = request.localizer.translate
    state = _state(dossier)
    return {
        'code': dossier.code, 'procedure': dossier.procedure,
        'procedure_title': translate(dossier.procedure_title),
        'applicant': dossier.applicant_name,
        'state': translate(STATE_TITLES[state]) if state in STATE_TITLES
        else state or '',
        'due': dossier.due.strftime('%d/%m/%Y'),
        'status': mark,
        'url': request.sdiapi.mgmt_url(dossier, '@@chi-tiet'),
    }


def digest(root, request, today, max_rows=None, stats=None):
    """Queue, for each agency with open dossiers overdue or due soon, one
    e-mail to each of its digest recipients listing them (at most
    ``max_rows``, setting ``httttha.digest_max_rows``, default 100);
    return the messages.  ``stats``, a dict, receives the counts of
    agencies, overdue and due-soon dossiers."""
    if max_rows is None:
        max_rows = int(request.registry.settings.get(
            'httttha.digest_max_rows', 100))
    calendar = get_calendar(root)
    objectmap = find_objectmap(root)
    translate = request.localizer.translate
    messages = []
    found_by_agency = attention(root, today, calendar)
    if stats is not None:
        marks = [mark for rows in found_by_agency.values()
                 for _d, mark in rows]
        stats.update(agencies=len(found_by_agency),
                     overdue=marks.count(OVERDUE),
                     due_soon=marks.count(DUE_SOON))
    for oid, found in sorted(found_by_agency.items()):
        agency = objectmap.object_for(oid)
        recipients = digest_recipients(root, oid)
        if agency is None or not recipients:
            log.warning('No digest recipient for agency %s (%d dossiers)',
                        getattr(agency, 'code', oid), len(found))
            continue
        rows = [_row(request, d, mark) for d, mark in found[:max_rows]]
        overdue = sum(1 for _d, mark in found if mark == OVERDUE)
        values = {
            'agency': agency, 'rows': rows, 'more': len(found) - len(rows),
            'overdue': overdue, 'due_soon': len(found) - overdue,
            'today': today.strftime('%d/%m/%Y'),
            'workspace_url': request.sdiapi.mgmt_url(agency, '@@ban-lam-viec'),
        }
        subject = translate(_(
            'digest-subject',
            default='Deadlines: ${overdue} overdue, ${due_soon} due soon '
                    '(${agency})',
            mapping={'overdue': overdue, 'due_soon': len(found) - overdue,
                     'agency': agency.title}))
        for user in recipients:
            values['user_name'] = getattr(user, 'full_name', '') or \
                user.__name__
            message = Message(
                subject=subject, recipients=[user.email],
                body=as_text(render('httttha:templates/mail/digest.txt',
                                  values, request)),
                html=as_text(render('httttha:templates/mail/digest.pt',
                                  values, request)))
            send(request, message)
            messages.append(message)
    return messages
