"""Working days and the deadlines of dossiers (B10), without HTTP."""
import datetime

import pytest
from substanced.workflow import STATE_ATTR

from httttha.content.dossier import VN
from httttha.services.backoffice import deadlines
from httttha.services.backoffice.deadlines import (
    Calendar,
    CalendarStore,
    deadline_status,
    ensure_calendar,
    get_calendar,
    index_value,
    on_submit,
    on_transition,
    recompute,
    set_due,
    status,
)

D = datetime.date
CAL = Calendar()


def vn(y, m, d, hour=9, minute=0):
    """A Vietnam wall-clock time, as the UTC datetime stored."""
    return VN.localize(datetime.datetime(y, m, d, hour, minute)).astimezone(
        datetime.timezone.utc)


class FakeDossier(object):
    """What the deadline rules read of a dossier."""

    def __init__(self, procedure='HTTT01', submitted=None, state='submitted'):
        self.procedure = procedure
        self.submitted = submitted
        self.timeline = [{'when': submitted, 'action': 'submitted',
                          'state': 'submitted'}]
        setattr(self, STATE_ATTR, {'dossier': state})

    def go(self, state, when, calendar=CAL):
        """A transition as act() does it: state, timeline, hook."""
        getattr(self, STATE_ATTR)['dossier'] = state
        self.timeline.append({'when': when, 'action': state, 'state': state})
        on_transition(self, state, when, calendar)


def submitted(procedure='HTTT01', when=None, calendar=CAL):
    dossier = FakeDossier(procedure, when or vn(2027, 3, 1))
    on_submit(dossier, calendar)
    return dossier


# -- the calendar ------------------------------------------------------------

def test_weekends_are_off_and_weekdays_work():
    assert CAL.is_working_day(D(2027, 3, 5))          # Friday
    assert not CAL.is_working_day(D(2027, 3, 6))      # Saturday
    assert not CAL.is_working_day(D(2027, 3, 7))      # Sunday
    assert CAL.is_working_day(D(2027, 3, 8))          # Monday
    # Friday + 1 working day skips the weekend
    assert CAL.add_working_days(D(2027, 3, 5), 1) == D(2027, 3, 8)
    # from a Saturday, Monday is the first day, Friday the fifth
    assert CAL.add_working_days(D(2027, 3, 6), 5) == D(2027, 3, 12)
    assert CAL.add_working_days(D(2027, 3, 5), 0) == D(2027, 3, 5)


def test_public_holidays_are_off():
    assert not CAL.is_working_day(D(2027, 9, 2))      # Quốc khánh, Thursday
    assert not CAL.is_working_day(D(2027, 9, 3))
    assert not CAL.is_working_day(D(2027, 1, 1))      # Tết Dương lịch
    # 1/5/2027 is a Saturday: Monday 3/5 is off in lieu
    assert not CAL.is_working_day(D(2027, 5, 3))
    for day in range(4, 11):                          # Tết Nguyên Đán
        assert not CAL.is_working_day(D(2027, 2, day))
    assert CAL.is_working_day(D(2027, 2, 11))
    names = dict(deadlines.public_holidays(2027))
    assert 'Tết Nguyên Đán' in names[D(2027, 2, 6)]


def test_official_make_up_saturday_is_a_working_day():
    # 2026: Monday 31/8 off, swapped with Saturday 22/8 (a working day)
    assert not CAL.is_working_day(D(2026, 8, 31))
    assert CAL.is_working_day(D(2026, 8, 22))
    assert deadlines.official_workdays(2026) == [D(2026, 8, 22)]


def test_working_days_between():
    # after Friday 5/3 up to Friday 12/3: Mon..Fri
    assert CAL.working_days_between(D(2027, 3, 5), D(2027, 3, 12)) == 5
    assert CAL.working_days_between(D(2027, 3, 5), D(2027, 3, 5)) == 0
    assert CAL.working_days_between(D(2027, 3, 12), D(2027, 3, 5)) == -5
    # across Tết 2027: 3/2 (Wed) to 11/2 (Thu): only 11/2 works
    assert CAL.working_days_between(D(2027, 2, 3), D(2027, 2, 11)) == 1


def test_extra_day_off_and_make_up_day():
    day_off = Calendar(extra_off=[D(2027, 3, 9)])
    assert not day_off.is_working_day(D(2027, 3, 9))
    # Monday 8/3 + 5 working days: Tue 9 is off now, so Tue 16 not Mon 15
    assert CAL.add_working_days(D(2027, 3, 8), 5) == D(2027, 3, 15)
    assert day_off.add_working_days(D(2027, 3, 8), 5) == D(2027, 3, 16)

    make_up = Calendar(extra_work=['2027-03-13'])     # a Saturday
    assert make_up.is_working_day(D(2027, 3, 13))
    # Friday 12/3 + 1: the make-up Saturday counts
    assert make_up.add_working_days(D(2027, 3, 12), 1) == D(2027, 3, 13)
    assert CAL.add_working_days(D(2027, 3, 12), 1) == D(2027, 3, 15)

    # a day both off and working: off wins
    both = Calendar(extra_off=[D(2027, 3, 13)], extra_work=[D(2027, 3, 13)])
    assert not both.is_working_day(D(2027, 3, 13))


def test_stored_calendar():
    class Root(object):
        pass
    root = Root()
    assert get_calendar(root).extra_off == frozenset()   # before the store
    store = ensure_calendar(root)
    assert isinstance(store, CalendarStore)
    assert ensure_calendar(root) is store
    store.add_off(D(2027, 3, 9), 'Bão số 3', by='quantri.tc')
    store.add_work('2027-03-13', 'Làm bù')
    assert store.kind_of(D(2027, 3, 9)) == 'off'
    assert store.kind_of(D(2027, 3, 13)) == 'work'
    calendar = get_calendar(root)
    assert not calendar.is_working_day(D(2027, 3, 9))
    assert calendar.is_working_day(D(2027, 3, 13))
    assert [(e['date'], e['kind'], e['note']) for e in store.entries(
        D(2027, 1, 1), D(2027, 12, 31))] == [
            (D(2027, 3, 9), 'off', 'Bão số 3'),
            (D(2027, 3, 13), 'work', 'Làm bù')]
    # a day moves from one list to the other, never in both
    store.add_work(D(2027, 3, 9))
    assert list(store.off) == [] and list(store.work) == [
        '2027-03-09', '2027-03-13']
    assert store.remove(D(2027, 3, 9)) is True
    assert store.remove(D(2027, 3, 9)) is False
    assert store.kind_of(D(2027, 3, 9)) is None
    assert get_calendar(root).is_working_day(D(2027, 3, 9))


# -- deadlines of dossiers ----------------------------------------------------

def test_received_the_friday_before_tet_2027():
    dossier = submitted('HTTT01', vn(2027, 1, 29, 16, 30))
    # Friday 29/1/2027.  Working days after it:
    #   Mon 1/2 (1), Tue 2/2 (2), Wed 3/2 (3),
    #   Thu 4/2 .. Wed 10/2: Tết (29 Tết to mùng 5) and the weekend,
    #   Thu 11/2 (4), Fri 12/2 (5)
    assert dossier.due == D(2027, 2, 12)
    assert dossier.step_due == D(2027, 2, 1)
    assert not dossier.closed and not dossier.clock_stopped


def test_local_date_counts_not_utc():
    # 23:30 on Friday 5/3 in Hà Nội is 16:30 UTC the same day; 06:30 on
    # Monday 8/3 in Hà Nội is still Sunday in UTC
    assert submitted(when=vn(2027, 3, 5, 23, 30)).due == D(2027, 3, 12)
    monday = submitted(when=vn(2027, 3, 8, 6, 30))
    assert monday.submitted.date() == D(2027, 3, 7)
    assert monday.due == D(2027, 3, 15)


def test_procedures():
    assert submitted('HTTT03').due == D(2027, 3, 8)
    petition = submitted('HTTT02')
    assert petition.due is None                      # set by a leader
    assert petition.step_due == D(2027, 3, 2)
    set_due(petition, D(2027, 3, 31))
    assert petition.due == D(2027, 3, 31)
    petition.go('awaiting_assignment', vn(2027, 3, 2))
    assert petition.due == D(2027, 3, 31)
    assert petition.step_due == D(2027, 3, 3)
    # the leader's date survives a recomputation
    assert recompute(petition, CAL) is False
    assert petition.due == D(2027, 3, 31)


def test_each_step_has_one_working_day():
    dossier = submitted()                            # Monday 1/3/2027
    dossier.go('accepted', vn(2027, 3, 2))
    # waiting for the citizen's original papers: no step deadline
    assert dossier.step_due is None
    dossier.go('originals_received', vn(2027, 3, 5))     # Friday
    assert dossier.step_due == D(2027, 3, 8)
    dossier.go('in_processing', vn(2027, 3, 8))
    assert dossier.step_due == D(2027, 3, 9)
    assert dossier.due == D(2027, 3, 8)              # total unchanged


def test_supplement_stops_the_clock():
    dossier = submitted(when=vn(2027, 3, 1))         # Monday
    assert dossier.due == D(2027, 3, 8)              # next Monday
    dossier.go('needs_supplement', vn(2027, 3, 2))   # Tuesday: 1 day used
    assert dossier.clock_stopped is True
    assert dossier.remaining_days == 4               # Wed, Thu, Fri, Mon
    assert dossier.due is None and dossier.step_due is None
    assert index_value(dossier, 'none') == 'none'
    # weeks later, never overdue while waiting for the citizen
    assert status(dossier, D(2027, 4, 1), CAL) is None

    dossier.go('resubmitted', vn(2027, 3, 9))        # Tuesday, a week later
    # 4 working days after Tuesday 9/3: Wed 10, Thu 11, Fri 12, Mon 15
    assert dossier.due == D(2027, 3, 15)
    assert dossier.step_due == D(2027, 3, 10)
    assert dossier.clock_stopped is False
    assert index_value(dossier, None) == D(2027, 3, 15).toordinal()

    # asked again on Thursday 11/3 (Wed, Thu used): 2 days left
    dossier.go('needs_supplement', vn(2027, 3, 11))
    assert dossier.remaining_days == 2
    dossier.go('resubmitted', vn(2027, 3, 12))       # Friday
    assert dossier.due == D(2027, 3, 16)             # Mon 15, Tue 16


def test_supplement_after_the_deadline_is_due_at_once():
    dossier = submitted(when=vn(2027, 3, 1))
    dossier.go('needs_supplement', vn(2027, 3, 10))  # 2 days late
    assert dossier.remaining_days == 0
    dossier.go('resubmitted', vn(2027, 3, 15))
    assert dossier.due == D(2027, 3, 15)
    assert status(dossier, D(2027, 3, 15), CAL) == 'due_soon'
    assert status(dossier, D(2027, 3, 16), CAL) == 'overdue'


def test_status():
    dossier = submitted(when=vn(2027, 3, 1))         # due Monday 8/3
    assert status(dossier, D(2027, 3, 4), CAL) is None       # Thursday
    # Friday: due on the next working day (Monday)
    assert status(dossier, D(2027, 3, 5), CAL) == 'due_soon'
    assert status(dossier, D(2027, 3, 6), CAL) == 'due_soon'  # Saturday
    assert status(dossier, D(2027, 3, 8), CAL) == 'due_soon'  # the day
    assert status(dossier, D(2027, 3, 9), CAL) == 'overdue'
    # the step: due Tuesday 2/3
    assert status(dossier, D(2027, 3, 1), CAL, 'step_due') == 'due_soon'
    assert status(dossier, D(2027, 3, 3), CAL, 'step_due') == 'overdue'
    # with Friday 5/3 off, Monday is the working day after Thursday
    assert deadline_status(D(2027, 3, 8), D(2027, 3, 4), Calendar(
        extra_off=[D(2027, 3, 5)])) == 'due_soon'
    assert deadline_status(None, D(2027, 3, 4), CAL) is None


@pytest.mark.parametrize('last', ['completed', 'refused'])
def test_closed_dossiers_are_never_overdue(last):
    dossier = submitted(when=vn(2027, 3, 1))
    if last == 'completed':
        dossier.go('accepted', vn(2027, 3, 2))
        dossier.go('originals_received', vn(2027, 3, 3))
        dossier.go('in_processing', vn(2027, 3, 4))
    dossier.go(last, vn(2027, 3, 10))                # two days late
    assert dossier.closed is True
    assert dossier.due == D(2027, 3, 8)              # kept for history
    assert dossier.closed_on == D(2027, 3, 10)
    assert dossier.closed_late is True
    assert dossier.step_due is None
    assert status(dossier, D(2027, 6, 1), CAL) is None
    assert status(dossier, D(2027, 6, 1), CAL, 'step_due') is None
    assert index_value(dossier, 'none') == 'none'


def test_closed_on_time():
    dossier = submitted(when=vn(2027, 3, 1))
    dossier.go('refused', vn(2027, 3, 2))
    assert dossier.closed_late is False


def test_recompute_replays_the_timeline():
    dossier = submitted(when=vn(2027, 3, 1))
    dossier.go('needs_supplement', vn(2027, 3, 2))
    dossier.go('resubmitted', vn(2027, 3, 9))
    assert dossier.due == D(2027, 3, 15)
    assert recompute(dossier, CAL) is False          # nothing to change
    # the administrators declare Wednesday 10/3 a day off
    assert recompute(dossier, Calendar(extra_off=[D(2027, 3, 10)])) is True
    assert dossier.due == D(2027, 3, 16)
    assert dossier.step_due == D(2027, 3, 11)
    # a dossier stored before deadlines existed gets them
    old = FakeDossier('HTTT03', vn(2027, 1, 29))
    assert recompute(old, CAL) is True
    assert old.due == D(2027, 2, 12)
