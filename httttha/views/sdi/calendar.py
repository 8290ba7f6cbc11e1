"""Lịch làm việc (B10): the Tổng cục's administrators amend the working-day
calendar the deadlines are counted with: extra days off and make-up
working days, beside the public holidays (read-only)."""
import datetime
import re

import colander
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.session import check_csrf_token
from substanced.sdi import mgmt_view

from ... import _
from ...content.dossier import local_time
from ...interfaces import IAgency
from ...services.backoffice import deadlines
from ...services.accounts.roles import MANAGE_AGENCY
from ...services.administration import audit
from ...services.administration.tree import root_agency
from .tabs import stable

NAME = 'lich-lam-viec'
TEMPLATE = 'httttha:templates/sdi/calendar.pt'
NOTE_MAX = 200

KIND_TITLES = {
    deadlines.OFF: _('Extra day off'),
    deadlines.WORK: _('Make-up working day'),
}

BAD_DATE = _('Enter the date as dd/mm/yyyy, for example 02/09/2027.')
DATE_RE = re.compile(r'^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$')


@stable
def is_root_agency(context, request):
    """Only the Tổng cục has the calendar (it is the whole country's)."""
    return context is root_agency(request.root)


class DayMonthYear(colander.SchemaType):
    """A date written dd/mm/yyyy (as Vietnamese forms write it)."""

    def serialize(self, node, appstruct):
        if appstruct is colander.null:
            return colander.null
        return appstruct.strftime('%d/%m/%Y')

    def deserialize(self, node, cstruct):
        if cstruct is colander.null or not str(cstruct).strip():
            return colander.null
        match = DATE_RE.match(str(cstruct))
        if match is None:
            raise colander.Invalid(node, BAD_DATE, cstruct)
        day, month, year = (int(g) for g in match.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise colander.Invalid(node, BAD_DATE, cstruct)


@colander.deferred
def day_validator(node, kw):
    """A date of this year or the next, not yet in the calendar, which the
    chosen kind changes (a day off must be a working day now)."""
    this = kw['today'].year

    def validate(node, value):
        if value.year not in (this, this + 1):
            raise colander.Invalid(node, _(
                'calendar-year-range',
                default='Choose a date in ${this} or ${next}.',
                mapping={'this': this, 'next': this + 1}))
        if kw['store'].kind_of(value) is not None:
            raise colander.Invalid(node, _(
                'This date is already in the calendar; remove it first '
                'to change it.'))
    return validate


def kind_fits(form, value):
    """An extra day off must be a working day, a make-up day a day off."""
    day, kind = value['day'], value['kind']
    working = deadlines.Calendar().is_working_day(day)
    if kind == deadlines.OFF and not working:
        raise colander.Invalid(form['day'], _('This day is already a day '
                                              'off.'))
    if kind == deadlines.WORK and working:
        raise colander.Invalid(form['day'], _('This day is already a '
                                              'working day.'))


class CalendarDaySchema(colander.Schema):
    """One entry of the calendar."""
    day = colander.SchemaNode(
        DayMonthYear(), validator=day_validator,
        missing_msg=_('Enter the date as dd/mm/yyyy, for example '
                      '02/09/2027.'))
    kind = colander.SchemaNode(
        colander.String(), validator=colander.OneOf(list(KIND_TITLES)),
        missing_msg=_('Choose the kind of day.'))
    note = colander.SchemaNode(
        colander.String(), missing='',
        validator=colander.Length(max=NOTE_MAX, max_err=_(
            'calendar-note-too-long',
            default='The note may have at most ${max} characters.',
            mapping={'max': NOTE_MAX})))

    def __init__(self, *arg, **kw):
        kw.setdefault('validator', kind_fits)
        colander.Schema.__init__(self, *arg, **kw)


class RemoveSchema(colander.Schema):
    day = colander.SchemaNode(colander.Date())


class TongCucScreen(object):
    """A screen of the Tổng cục's alone (the working calendar, the period
    lock): at ``@@<name>`` of the Tổng cục, 404 anywhere else."""
    name = None

    def __init__(self, context, request):
        self.context = context
        self.request = request
        self.today = local_time().date()

    @property
    def url(self):
        return self.request.sdiapi.mgmt_path(self.context, '@@' + self.name)

    def _check(self):
        if not is_root_agency(self.context, self.request):
            raise HTTPNotFound()

    def _flash(self, message, queue='success'):
        self.request.sdiapi.flash(
            self.request.localizer.translate(message), queue)


class CalendarView(TongCucScreen):
    """List, add and remove the calendar's entries."""
    name = NAME

    @mgmt_view(context=IAgency, name=NAME, tab_title=_('Working calendar'),
               permission=MANAGE_AGENCY, request_method='GET',
               tab_condition=is_root_agency, renderer=TEMPLATE)
    def show(self):
        self._check()
        confirm = None
        wanted = self.request.params.get('xoa')
        store = self._store()
        if wanted:
            try:
                day = deadlines.as_date(wanted)
            except ValueError:
                day = None
            if day is not None and store.kind_of(day) is not None:
                confirm = {'date': day, 'kind': store.kind_of(day),
                           'note': store.notes.get(day.isoformat(), {}).get(
                               'note', '')}
        return self._page(confirm=confirm)

    @mgmt_view(context=IAgency, name=NAME, permission=MANAGE_AGENCY,
               request_method='POST', tab_condition=False,
               renderer=TEMPLATE)
    def post(self):
        self._check()
        check_csrf_token(self.request)     # BadCSRFToken: 400
        if 'remove' in self.request.POST:
            return self.remove()
        return self.add()

    def add(self):
        request = self.request
        store = deadlines.ensure_calendar(request.root)
        schema = CalendarDaySchema().bind(today=self.today, store=store)
        values = {name: request.POST.get(name, '')
                  for name in ('day', 'kind', 'note')}
        try:
            appstruct = schema.deserialize(values)
        except colander.Invalid as e:
            errors = {path.split('.')[-1]: msg for path, msg in e.asdict(
                translate=request.localizer.translate).items()}
            return self._page(values=values, errors=errors)
        day, kind = appstruct['day'], appstruct['kind']
        by = getattr(request.user, '__name__', '')
        before = store.kind_of(day)
        if kind == deadlines.OFF:
            store.add_off(day, appstruct['note'], by)
        else:
            store.add_work(day, appstruct['note'], by)
        audit.record(request, 'calendar.add', self.context,
                     before={'day': day.isoformat(), 'kind': before},
                     after={'day': day.isoformat(), 'kind': kind,
                            'note': appstruct['note']})
        self._flash(_('calendar-added',
                      default='${date} added to the working calendar: '
                              '${kind}.',
                      mapping={'date': day.strftime('%d/%m/%Y'),
                               'kind': request.localizer.translate(
                                   KIND_TITLES[kind])}))
        self._reschedule(day)
        return HTTPFound(self.url)

    def remove(self):
        request = self.request
        store = deadlines.ensure_calendar(request.root)
        try:
            day = RemoveSchema().deserialize(
                {'day': request.POST.get('day', '')})['day']
        except colander.Invalid:
            day = None
        before = store.kind_of(day) if day is not None else None
        note = store.notes.get(day.isoformat(), {}).get('note', '') \
            if day is not None else ''
        if day is None or not store.remove(day):
            self._flash(_('This date is not in the calendar.'), 'danger')
            return HTTPFound(self.url)
        audit.record(request, 'calendar.remove', self.context,
                     before={'day': day.isoformat(), 'kind': before,
                             'note': note})
        self._flash(_('calendar-removed',
                      default='${date} removed from the working calendar.',
                      mapping={'date': day.strftime('%d/%m/%Y')}))
        self._reschedule(day)
        return HTTPFound(self.url)

    def _reschedule(self, day):
        count = deadlines.reschedule(self.request.root, day)
        if count:
            self._flash(_('calendar-rescheduled',
                          default='The deadlines of ${count} open dossiers '
                                  'were recomputed.',
                          mapping={'count': count}), 'info')

    def _store(self):
        # reading writes nothing, even on a site not yet evolved
        return deadlines.find_calendar(self.request.root) or \
            deadlines.CalendarStore()

    def _page(self, values=None, errors=None, confirm=None):
        store = self._store()
        years = []
        for year in (self.today.year, self.today.year + 1):
            years.append({
                'year': year,
                'entries': store.entries(datetime.date(year, 1, 1),
                                         datetime.date(year, 12, 31)),
                'holidays': deadlines.public_holidays(year),
                'workdays': deadlines.official_workdays(year),
            })
        return {
            'years': years,
            'values': values or {'day': '', 'kind': deadlines.OFF,
                                 'note': ''},
            'errors': errors or {},
            'confirm': confirm,
            'url': self.url,
            'note_max': NOTE_MAX,
        }
