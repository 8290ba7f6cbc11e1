"""Reminders of the report calendar (D4): a few days before a report is
due (``httttha.report_reminder_days``, default 3) and from the day after
a missed one, each unit's report administrators get one e-mail listing
what is due or missing.  Each reminder (unit, period, kind) is sent
once: a record on the root says which went, so a daily cron run, or a
second one the same day, repeats nothing.  The window is as wide as the
days before the due date, so a run that cron skipped is caught up the
next day; older misses are left to the compliance table.

Whether a period is done is the compliance's rule (a published report
of the period): the same table, read from the catalog."""
import logging
from collections import defaultdict

from BTrees.OOBTree import OOBTree
from pyramid.renderers import render
from pyramid_mailer.message import Message
from substanced.util import find_catalog, find_objectmap

from ... import _
from ..administration.tree import root_agency
from ..notifications import as_text, send
from ..statistics import reporting_year
from . import compliance

log = logging.getLogger(__name__)

ATTR = '__httttha_report_reminders__'
DUE_SOON, MISSED = 'due_soon', 'missed'
RECIPIENT_ROLES = ('report_admin',)


def reminder_days(settings):
    """Days before a due date the first reminder goes."""
    try:
        return max(0, int(settings.get('httttha.report_reminder_days', 3)))
    except (TypeError, ValueError):
        return 3


def sent_record(root):
    """{(unit oid, period key, kind): ISO day sent}, made when missing."""
    record = getattr(root, ATTR, None)
    if record is None:
        record = OOBTree()
        setattr(root, ATTR, record)
    return record


def recipients(root, oid):
    """The unit's report administrators with an e-mail address."""
    catalog = find_catalog(root, 'httttha')
    users = (catalog['agency'].eq(oid) &
             catalog['roles'].any(RECIPIENT_ROLES)).execute()
    return sorted((u for u in users if getattr(u, 'email', None)),
                  key=lambda u: u.__name__)


def attention(root, today, days):
    """{unit oid: [(kind, cell)]} of the periods due within ``days`` and
    not yet done, and of those missed at most ``days`` ago (from the day
    after the due date), by due date."""
    top = root_agency(root)
    result = defaultdict(list)
    if top is None:
        return result
    current = reporting_year(today)
    # the 12-month report of the year before is due in October
    for year in (current - 1, current, current + 1):
        table = compliance.compliance(top, year, today=today)
        for row in table.rows:
            for cell in row.cells:
                ahead = (cell.period.due - today).days
                if cell.status == compliance.NOT_DUE and 0 <= ahead <= days:
                    result[row.oid].append((DUE_SOON, cell))
                elif cell.status == compliance.MISSING and \
                        1 <= -ahead <= max(days, 1):
                    result[row.oid].append((MISSED, cell))
    for found in result.values():
        found.sort(key=lambda item: (item[1].period.due,
                                     item[1].period.key))
    return result


def _item(request, kind, cell, today):
    period = cell.period
    return {
        'kind': kind, 'key': period.key,
        'label': request.localizer.translate(
            compliance.period_label(period)),
        'title': period.title, 'due': period.due.strftime('%d/%m/%Y'),
        'days': abs((period.due - today).days),
        'first': period.first.strftime('%d/%m/%Y'),
        'last': period.last.strftime('%d/%m/%Y'),
    }


def remind(root, request, today, days=None, stats=None):
    """Queue the reminders of ``today`` not sent before and record them;
    return the messages.  ``stats``, a dict, receives the counts of
    units, due-soon and missed periods reminded.  The caller commits."""
    if days is None:
        days = reminder_days(request.registry.settings)
    record = sent_record(root)
    objectmap = find_objectmap(root)
    translate = request.localizer.translate
    messages = []
    counts = {'units': 0, DUE_SOON: 0, MISSED: 0}
    unreached = []
    for oid, found in sorted(attention(root, today, days).items()):
        fresh = [(kind, cell) for kind, cell in found
                 if (oid, cell.period.key, kind) not in record]
        agency = objectmap.object_for(oid)
        if not fresh or agency is None:
            continue
        users = recipients(root, oid)
        if not users:
            # recorded only once someone receives it: a report
            # administrator named tomorrow still gets it
            unreached.append(getattr(agency, 'code', None) or str(oid))
            continue
        items = [_item(request, kind, cell, today)
                 for kind, cell in fresh]
        due_soon = sum(1 for kind, _c in fresh if kind == DUE_SOON)
        values = {
            'agency': agency, 'items': items, 'today':
            today.strftime('%d/%m/%Y'), 'due_soon': due_soon,
            'missed': len(fresh) - due_soon, 'days': days,
            'reports_url': request.sdiapi.mgmt_url(agency['bao-cao'])
            if 'bao-cao' in agency else request.sdiapi.mgmt_url(agency),
        }
        subject = translate(_(
            'report-reminder-subject',
            default='Periodic reports: ${due_soon} due soon, ${missed} '
                    'missing (${agency})',
            mapping={'due_soon': due_soon, 'missed': len(fresh) - due_soon,
                     'agency': agency.title}))
        for user in users:
            values['user_name'] = getattr(user, 'full_name', '') or \
                user.__name__
            message = Message(
                subject=subject, recipients=[user.email],
                body=as_text(render(
                    'httttha:templates/mail/report_reminder.txt', values,
                    request)),
                html=as_text(render(
                    'httttha:templates/mail/report_reminder.pt', values,
                    request)))
            send(request, message)
            messages.append(message)
        for kind, cell in fresh:
            record[(oid, cell.period.key, kind)] = today.isoformat()
            counts[kind] += 1
        counts['units'] += 1
    if unreached:
        log.warning('Report reminders not sent: no report administrator '
                    'with an e-mail at %d units (codes %s)', len(unreached),
                    ', '.join(sorted(unreached)))
    if stats is not None:
        stats.update(units=counts['units'], due_soon=counts[DUE_SOON],
                     missed=counts[MISSED])
    return messages
