"""Nhật ký hệ thống (C5): the audit trail of an agency's subtree, with
filters, paging and an Excel export.  The search is the service's
(``services.administration.audit``)."""
import datetime

from substanced.objectmap import find_objectmap
from substanced.sdi import mgmt_view
from substanced.util import get_oid

from ... import _
from ...interfaces import IAgency
from ...permissions import VIEW_AUDIT
from ...services.administration import audit
from ...services.administration.tree import root_agency
from ...vntime import VN, today
from ...workflows.dossier import STATE_TITLES
from ..paging import Page
from ..spreadsheet import xlsx_response

PAGE_SIZE = 50
#: the export's cap (a period or a filter narrows a larger result)
EXPORT_LIMIT = 100000
#: the period shown when none is asked for
DEFAULT_DAYS = 30


def _date(text):
    try:
        return datetime.datetime.strptime(text.strip(), '%d/%m/%Y').date()
    except (ValueError, AttributeError):
        return None


class AuditView(object):
    """The screen and its export."""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def filters(self):
        """(values as typed, query, errors)."""
        params = self.request.GET
        values = {name: (params.get(name) or '').strip()[:100] for name in (
            'tu-ngay', 'den-ngay', 'nguoi-dung', 'don-vi', 'hanh-dong',
            'ma')}
        errors = {}
        if 'tu-ngay' not in params and 'den-ngay' not in params:
            values['tu-ngay'] = (today() - datetime.timedelta(
                days=DEFAULT_DAYS)).strftime('%d/%m/%Y')
        start = end = None
        for name in ('tu-ngay', 'den-ngay'):
            if values[name]:
                day = _date(values[name])
                if day is None:
                    errors[name] = _('audit-bad-date',
                                     default='Write the date as dd/mm/yyyy.')
                elif name == 'tu-ngay':
                    start = day
                else:
                    end = day
        if start and end and start > end:
            errors['den-ngay'] = _('audit-period-reversed',
                                   default='The end of the period is before '
                                           'its start.')
        if values['hanh-dong'] and values['hanh-dong'] not in audit.ACTIONS:
            values['hanh-dong'] = ''
        scope = self.context
        if values['don-vi']:
            chosen = self.agencies().get(values['don-vi'])
            if chosen is None:
                errors['don-vi'] = _('audit-unknown-agency',
                                     default='No agency of your scope has '
                                             'this code.')
            else:
                scope = chosen
        agencies = None
        if scope is not root_agency(self.request.root):
            agencies = [get_oid(a) for a in scope.walk()]
        query = audit.Query(start, end, values['nguoi-dung'],
                            values['hanh-dong'], values['ma'], agencies)
        return values, query, errors

    def agencies(self):
        """code -> agency of the scope, in tree order."""
        if not hasattr(self, '_agencies'):
            self._agencies = {a.code: a for a in self.context.walk()}
        return self._agencies

    def _store(self):
        conn = audit.connection(self.request)
        return audit.find_store(conn.root()) if conn is not None else None

    def rows(self, entries):
        """What the table and the export show of each entry."""
        objectmap = find_objectmap(self.context)
        translate = self.request.localizer.translate
        titles = {}
        result = []
        for entry in entries:
            if entry.agency not in titles:
                agency = objectmap.object_for(entry.agency) if \
                    entry.agency is not None else None
                titles[entry.agency] = getattr(agency, 'title', '') or ''
            title = audit.ACTIONS.get(entry.action)
            result.append({
                'when': entry.when.astimezone(VN),
                'user': entry.user,
                'agency': titles[entry.agency],
                'address': entry.address,
                'action': translate(title) if title else entry.action,
                'object': ' '.join(filter(None, (
                    entry.target_code, entry.target_title
                    if entry.target_title != entry.target_code else ''))),
                'details': self.details(entry),
            })
        return result

    def details(self, entry):
        """The details as one line of text."""
        translate = self.request.localizer.translate
        parts = []
        details = dict(entry.details)
        before, after = details.pop('before', None), details.pop(
            'after', None)
        if entry.action == 'dossier.transition':
            def state(d):
                value = (d or {}).get('state', '')
                title = STATE_TITLES.get(value)
                return translate(title) if title else value
            parts.append('%s → %s' % (state(before), state(after)))
        else:
            if before is not None:
                parts.append('trước: %s' % _flat(before))
            if after is not None:
                parts.append('sau: %s' % _flat(after))
        parts.extend('%s: %s' % (k, _flat(v)) for k, v in sorted(
            details.items()))
        return '; '.join(parts)

    @mgmt_view(context=IAgency, name='nhat-ky', tab_title=_('Audit trail'),
               permission=VIEW_AUDIT, request_method='GET',
               renderer='httttha:templates/sdi/audit.pt')
    def show(self):
        values, query, errors = self.filters()
        store = self._store()
        total, entries = 0, []
        page = Page(self.request, 0, PAGE_SIZE)
        if store is not None and not errors:
            result = audit.Result(store, query)
            if self.request.GET.get('xuat') == 'xlsx':
                return self.export(result)
            total = result.total
            page = Page(self.request, total, PAGE_SIZE)
            entries = result.entries(page.start, PAGE_SIZE)
        translate = self.request.localizer.translate
        return {
            'values': values,
            'errors': {k: translate(v) for k, v in errors.items()},
            'rows': self.rows(entries),
            'total': total,
            'page': page,
            'actions': [(name, translate(title))
                        for name, title in audit.ACTIONS.items()],
            'agencies': [(a.code, a.title) for a in self.agencies().values()],
            'export_url': page.url(1, xuat='xlsx'),
            'retention': audit.retention_days(self.request.registry.settings),
        }

    def export(self, result):
        entries = result.entries(0, EXPORT_LIMIT)
        rows = [(r['when'].replace(tzinfo=None), r['user'], r['agency'],
                 r['address'], r['action'], r['object'], r['details'])
                for r in self.rows(entries)]
        return xlsx_response(
            'nhat-ky-%s' % (self.context.code or 'he-thong'),
            'Nhật ký hệ thống - %s' % self.context.title,
            ['Thời gian', 'Người dùng', 'Đơn vị', 'Địa chỉ máy',
             'Hành động', 'Đối tượng', 'Chi tiết'], rows,
            widths={0: 18, 5: 30, 6: 60})


def _flat(value):
    if isinstance(value, dict):
        return ', '.join('%s=%s' % (k, _flat(v)) for k, v in sorted(
            value.items()))
    if isinstance(value, (list, tuple)):
        return ', '.join(_flat(v) for v in value)
    return '' if value is None else str(value)
