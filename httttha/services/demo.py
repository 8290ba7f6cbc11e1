"""Demo data for development and for the tests of staff screens: one
user per role in the Tổng cục, one Cục and one of its Chi cục; an officer
and a leader at one Chi cục of every Cục; dossiers of the three
procedures in every state at the demo agencies, made by the
application's own services."""
import contextlib
import datetime
import io
import random

from substanced.event import ObjectModified
from substanced.util import get_oid

from ..bench import data as benchdata
from ..bench.people import person_name, phone, place, province_code
from ..bench.staff import OneHash, Staff
from ..content.dossier import VN
from ..workflows.dossier import act
from .backoffice import deadlines, petitions, processing
from .accounts.logins import add_user
from .accounts.roles import ROLES
from .intake.submission import create_dossier
from .administration.tree import root_agency

DEMO_PASSWORD = 'Demo@2026'

#: prefix of the login -> path below the Tổng cục (None: the Tổng cục)
DEMO_AGENCIES = (
    ('tc', ()),
    ('hn', ('cuc-thads-ha-noi',)),
    ('bd', ('cuc-thads-ha-noi', 'chi-cuc-thads-ba-dinh')),
)

ROLE_LOGINS = {
    'officer': 'hotro', 'specialist': 'chuyenvien', 'leader': 'lanhdao',
    'complaints_leader': 'khieunai', 'agency_admin': 'quantri',
    'web_editor': 'bientap', 'report_admin': 'baocao', 'viewer': 'theodoi',
}


def demo_logins(root):
    """(login, agency, role) of every demo account."""
    top = root_agency(root)
    result = []
    for prefix, path in DEMO_AGENCIES:
        agency = top
        for name in path:
            agency = agency[name]
        for role in ROLES:
            result.append(('%s.%s' % (ROLE_LOGINS[role], prefix), agency,
                           role))
    return result


def create_demo_users(root, registry, translate):
    """Create the demo accounts that do not exist yet; return their count.
    ``translate`` renders the role titles used as demo full names."""
    users = root['principals']['users']
    created = 0
    for login, agency, role in demo_logins(root):
        if login in users:
            continue
        user = add_user(root, registry, login, DEMO_PASSWORD,
                        '%s@example.invalid' % login,
                        full_name=translate(ROLES[role].title))
        user.must_change_password = False  # demo logins are printed
        user.assign(agency, [role])
        created += 1
    return created


# -- regional staff -----------------------------------------------------------

#: the roles of the demo staff made at one Chi cục of every Cục
REGIONAL_ROLES = (('hotro', 'officer'), ('lanhdao', 'leader'))


def regional_agencies(root):
    """One Chi cục of every Cục: the first by code that has no demo
    account yet (Hà Nội's Ba Đình has its own: Hoàn Kiếm is taken)."""
    top = root_agency(root)
    taken = {get_oid(agency) for _login, agency, _role in demo_logins(root)}
    result = []
    for cuc in top.sub_agencies():
        for sub in cuc.sub_agencies():
            if get_oid(sub) not in taken:
                result.append(sub)
                break
    return result


def regional_logins(root):
    """(login, agency, role) of the demo staff of the Chi cục: e.g.
    ``hotro.002`` and ``lanhdao.002`` at Hoàn Kiếm."""
    return [('%s.%s' % (prefix, agency.code.lower()), agency, role)
            for agency in regional_agencies(root)
            for prefix, role in REGIONAL_ROLES]


@contextlib.contextmanager
def _password_hashed_once(registry):
    """Every demo account has the same password: hash it once, not once
    per account (bcrypt takes a quarter of a second)."""
    user_class = type(registry.content.create('User'))
    real = user_class.__dict__.get('pwd_manager')
    user_class.pwd_manager = OneHash(user_class.pwd_manager)
    try:
        yield
    finally:
        if real is None:
            del user_class.pwd_manager
        else:
            user_class.pwd_manager = real


def create_regional_staff(root, registry):
    """Create the officer and the leader of one Chi cục of every Cục
    that do not exist yet; return how many were made."""
    users = root['principals']['users']
    created = 0
    with _password_hashed_once(registry):
        for login, agency, role in regional_logins(root):
            if login in users:
                continue
            rng = random.Random(login)
            user = add_user(root, registry, login, DEMO_PASSWORD,
                            '%s@example.invalid' % login,
                            full_name=person_name(rng, rng.choice('mf')))
            user.must_change_password = False  # demo logins are printed
            user.assign(agency, [role])
            created += 1
    return created


# -- dossiers -----------------------------------------------------------------

#: where the demo dossiers are kept track of (scenario key -> code), so
#: that a second run adds nothing
DOSSIERS_ATTR = '__httttha_demo_dossiers__'

#: the steps that lead HTTT01 / HTTT03 dossiers to each state
_VALID = ('decide:valid',)
_ORIGINALS = _VALID + ('originals',)
REQUEST_SCENARIOS = (
    ('submitted', ()),
    ('accepted', _VALID),
    ('needs_supplement', ('decide:supplement',)),
    ('resubmitted', ('decide:supplement', 'resubmit')),
    ('refused', ('decide:out_of_jurisdiction',)),
    ('refused-after-supplement', ('decide:supplement', 'resubmit',
                                  'decide:no_right')),
    ('originals_received', _ORIGINALS),
    ('originals-mismatch', _VALID + ('originals:mismatch',)),
)
HTTT01_SCENARIOS = REQUEST_SCENARIOS + (
    ('in_processing', _ORIGINALS + ('transfer',)),
    ('completed', _ORIGINALS + ('transfer', 'result')),
)
HTTT03_SCENARIOS = REQUEST_SCENARIOS + (
    ('completed', _ORIGINALS + ('result',)),
)
_ASSIGNED = ('classify', 'assign')
HTTT02_SCENARIOS = (
    ('submitted', ()),
    ('awaiting_assignment', ('classify',)),
    ('assigned', _ASSIGNED),
    ('awaiting_approval', _ASSIGNED + ('propose',)),
    ('sent-back', _ASSIGNED + ('propose', 'send_back', 'propose')),
    ('approved', _ASSIGNED + ('propose', 'approve')),
    ('completed', _ASSIGNED + ('propose', 'approve', 'answer')),
)
SCENARIOS = {'HTTT01': HTTT01_SCENARIOS, 'HTTT02': HTTT02_SCENARIOS,
             'HTTT03': HTTT03_SCENARIOS}

#: agency (demo prefix) -> the procedures it receives (the Tổng cục only
#: petitions); walk-ins at the counter are made at the Chi cục
DOSSIER_AGENCIES = (('bd', ('HTTT01', 'HTTT02', 'HTTT03')),
                    ('hn', ('HTTT01', 'HTTT02', 'HTTT03')),
                    ('tc', ('HTTT02',)))
WALK_INS = {'bd': ('submitted', 'completed')}

ORIGINAL_PAPERS = ('Đơn yêu cầu có chữ ký (bản gốc)',
                   'Giấy tờ tùy thân (CCCD)')
MESSAGES = {
    'valid': 'Hồ sơ đầy đủ, hợp lệ. Mời ông/bà mang bản gốc các giấy tờ '
             'đến theo lịch hẹn.',
    'supplement': 'Đề nghị bổ sung bản sao bản án có chứng thực và giấy '
                  'tờ chứng minh địa chỉ của người phải thi hành án.',
    'out_of_jurisdiction': 'Bản án do Tòa án tỉnh khác xét xử, người '
                           'phải thi hành án cư trú ngoài địa bàn: đề nghị '
                           'gửi đơn đến cơ quan thi hành án nơi người phải '
                           'thi hành án cư trú.',
    'no_right': 'Người yêu cầu không phải là đương sự trong bản án và '
                'không có giấy ủy quyền hợp lệ.',
}


def demo_dossiers(root):
    """{scenario key: dossier code} of the demo dossiers made so far."""
    return getattr(root, DOSSIERS_ATTR, None) or {}


def dossier_plan():
    """The scenario keys in the order they are made:
    ``prefix:procedure:channel:scenario``."""
    keys = []
    for prefix, procedures in DOSSIER_AGENCIES:
        for procedure in procedures:
            for name, _steps in SCENARIOS[procedure]:
                keys.append('%s:%s:online:%s' % (prefix, procedure, name))
        for name in WALK_INS.get(prefix, ()):
            keys.append('%s:HTTT01:counter:%s' % (prefix, name))
    return keys


class _Declarations(benchdata.Generator):
    """The benchmark generator's declared values (realistic fictional
    applicants, judgments, decisions), without its staff and agencies."""

    def __init__(self):
        pass


class _Staff(Staff):
    """The demo accounts acting through the real policies
    (``Staff.become``), found by login."""

    def __init__(self, root, request):
        self.request = request
        self.users = root['principals']['users']
        self.cookies = {}

    def act_as(self, login):
        user = self.users[login]
        self.become(user)
        return user


def create_demo_dossiers(root, registry, request, now=None):
    """Create the demo dossiers not made yet: at Ba Đình, Hà Nội and
    the Tổng cục, a dossier of each procedure in every state (and a few
    more paths), with the application's own services acting as the demo
    staff; return how many were made.  Only the clock is simulated: the
    timeline is dated back afterwards, as the benchmark generator does."""
    from persistent.mapping import PersistentMapping
    made = getattr(root, DOSSIERS_ATTR, None)
    if made is None:
        made = PersistentMapping()
        setattr(root, DOSSIERS_ATTR, made)
    agencies = {prefix: agency for prefix, agency in _demo_agencies(root)}
    context = _Context(root, registry, request, now)
    count = 0
    for key in dossier_plan():
        if key in made:
            continue
        prefix, procedure, channel, name = key.split(':')
        dossier = context.make(key, agencies[prefix], prefix, procedure,
                               channel, dict(SCENARIOS[procedure])[name])
        made[key] = dossier.code
        count += 1
    return count


def _demo_agencies(root):
    top = root_agency(root)
    for prefix, path in DEMO_AGENCIES:
        agency = top
        for name in path:
            agency = agency[name]
        yield prefix, agency


class _Context(object):
    """What making the demo dossiers needs, once."""

    def __init__(self, root, registry, request, now):
        self.root, self.registry, self.request = root, registry, request
        self.now = now or datetime.datetime.now(datetime.timezone.utc)
        request.root = root
        # a script's request must not pile up ticket reissues
        request._authtkt_reissue_revoked = True
        self.staff = _Staff(root, request)
        self.declarations = _Declarations()
        self.calendar = deadlines.get_calendar(root)
        self.pdf = benchdata.small_pdf()

    def make(self, key, agency, prefix, procedure, channel, steps):
        rng = random.Random(key)
        times = self.schedule(rng, steps, channel)
        data = self.declarations.declared(
            rng, procedure, province_code(agency),
            place(agency), agency.title, times[0])
        slot = 'other_1' if procedure == 'HTTT02' else 'judgment'
        number = data.get('judgment', {}).get('number', '1').split('/')[0]
        filename = 'ban-an-so-%s.pdf' % number if procedure != 'HTTT02' \
            else 'don-kien-nghi.pdf'
        request = self.request
        if channel == 'counter':
            self.staff.act_as('hotro.%s' % prefix)
            dossier = processing.register_walk_in(
                request, agency, procedure, data, {slot: {
                    'fp': io.BytesIO(self.pdf), 'filename': filename,
                    'mimetype': 'application/pdf'}})
        else:
            dossier = create_dossier(request, agency, procedure, data,
                                     {slot: {'filename': filename}},
                                     channel='online')
            dossier.add_file(self.registry, io.BytesIO(self.pdf), filename,
                             'application/pdf', is_attachment=True,
                             slot=slot)
        for step, when in zip(steps, times[1:]):
            self.step(dossier, prefix, step, when, times[0])
        self.date_back(dossier, times)
        return dossier

    def schedule(self, rng, steps, channel):
        """When the dossier was sent and each step was made, counted back
        from a working day before today: 1 to 3 working days apart, the
        staff's steps (and a walk-in) in office hours, the citizen's at
        any hour of the day."""
        day = self.working_day_before(self.local_day(self.now),
                                      rng.randint(1, 8))
        times = []
        for step in reversed(('counter' if channel == 'counter' else
                              'online',) + tuple(steps)):
            staff = step not in ('online', 'resubmit')
            times.append(self.office_hours(rng, day) if staff else
                         self.any_hour(rng, day))
            day = self.working_day_before(day, rng.randint(1, 3))
        return times[::-1]

    def working_day_before(self, day, n):
        one = datetime.timedelta(days=1)
        while n:
            day -= one
            n -= self.calendar.is_working_day(day)
        return day

    def any_hour(self, rng, day):
        """A moment of ``day`` between 6:00 and 23:00, Vietnam's time."""
        minutes = rng.randrange(6 * 60, 23 * 60)
        return VN.localize(datetime.datetime.combine(
            day, datetime.time(minutes // 60, minutes % 60))).astimezone(
                datetime.timezone.utc)

    def office_hours(self, rng, day):
        """A moment of ``day`` between 7:30 and 16:30, Vietnam's time."""
        minutes = rng.randrange(7 * 60 + 30, 16 * 60 + 30)
        return VN.localize(datetime.datetime.combine(
            day, datetime.time(minutes // 60, minutes % 60))).astimezone(
                datetime.timezone.utc)

    def local_day(self, when):
        return when.astimezone(VN).date()

    def step(self, dossier, prefix, step, when, sent):
        request = self.request
        name, _sep, arg = step.partition(':')
        if name == 'resubmit':
            old = dossier.applicant.get('phone', '')
            new = phone(random.Random(dossier.code))
            dossier.declared['applicant'] = dict(dossier.applicant,
                                                 phone=new)
            return act(request, dossier, 'resubmit',
                       who=dossier.applicant_name, changes=[{
                           'label': 'Người yêu cầu - Số điện thoại',
                           'old': old, 'new': new}])
        if name in ('decide', 'originals', 'transfer', 'result', 'classify',
                    'answer'):
            officer = self.staff.act_as('hotro.%s' % prefix)
        agency = dossier.agency
        if name == 'decide':
            appointment = None
            if arg == 'valid':
                appointment = {
                    'date': self.calendar.add_working_days(
                        self.local_day(when), 5),
                    'time': '8 giờ 30',
                    'place': agency.address or agency.title,
                    'officer': officer.full_name, 'contact': agency.phone}
            return processing.decide(request, dossier, arg, MESSAGES[arg],
                                     appointment=appointment)
        if name == 'originals':
            matched = arg != 'mismatch'
            labels = list(ORIGINAL_PAPERS) + [
                f.title for _slot, f in dossier.attachments()]
            checklist = [(label, matched or i > 0,
                          '' if matched or i > 0 else
                          'Đơn chưa có chữ ký của người yêu cầu.')
                         for i, label in enumerate(labels)]
            return processing.receive_originals(
                request, dossier, checklist,
                message='' if matched else
                'Đề nghị ký đơn yêu cầu và nộp lại bản gốc.')
        if name == 'transfer':
            # as processing.transfer, without handing the dossier over to
            # a case-management software that development has not
            return act(request, dossier, 'transfer', message=(
                'Hồ sơ đã được chuyển thụ lý thi hành án.'))
        if name == 'result':
            text = ('Đã ra quyết định thi hành án theo đơn yêu cầu.'
                    if dossier.procedure == 'HTTT01' else
                    'Xác nhận kết quả thi hành án theo đề nghị.')
            return processing.return_result(
                request, dossier, text, uploads=[(
                    'ket-qua.pdf', io.BytesIO(self.pdf), 'application/pdf')],
                mail=False)
        if name == 'classify':
            return petitions.classify(request, dossier, {
                'content': dossier.declared.get('kind') or 'kien_nghi',
                'condition': 'eligible', 'jurisdiction': 'within',
                'petitioners': 'one'})
        if name == 'assign':
            self.staff.act_as('lanhdao.%s' % prefix)
            specialist = self.staff.users['chuyenvien.%s' % prefix]
            # 30 working days from the (simulated) day it was sent
            due = self.calendar.add_working_days(self.local_day(sent), 30)
            return petitions.assign(request, dossier, specialist, due=due)
        if name == 'propose':
            self.staff.act_as('chuyenvien.%s' % prefix)
            return petitions.propose(
                request, dossier, 'reply',
                'Trả lời đơn của ông/bà %s: cơ quan thi hành án đã xem xét '
                'và sẽ tổ chức thi hành theo quy định.' %
                dossier.applicant_name)
        if name == 'send_back':
            self.staff.act_as('lanhdao.%s' % prefix)
            return petitions.send_back(
                request, dossier, 'Bổ sung căn cứ pháp lý của việc trả lời.')
        if name == 'approve':
            self.staff.act_as('lanhdao.%s' % prefix)
            return petitions.approve(request, dossier)
        if name == 'answer':
            return petitions.answer(request, dossier)
        raise ValueError(step)

    def date_back(self, dossier, times):
        """Date the dossier as if made over ``times``, compute its
        deadlines from that timeline and reindex (and recount) it."""
        dossier.submitted = times[0]
        for i, entry in enumerate(dossier.timeline):
            when = times[min(i, len(times) - 1)]
            entry = dict(entry, when=when)
            if entry.get('slip'):
                entry['slip'] = dict(entry['slip'],
                                     date=self.local_day(when))
            dossier.timeline[i] = entry
        for proposal in dossier.proposals or ():
            proposal['when'] = times[-1]
        if dossier.proposals:
            dossier.proposals._p_changed = True
        deadlines.recompute(dossier, self.calendar)
        if dossier.channel == 'counter' and getattr(dossier, 'due', None):
            first = dict(dossier.timeline[0])
            if first.get('appointment'):
                first['appointment'] = dict(first['appointment'],
                                            date=dossier.due)
                dossier.timeline[0] = first
        self.registry.subscribers((ObjectModified(dossier), dossier), None)


# -- periodic reports (D1-D4) ---------------------------------------------------

#: where the demo reports are kept track of (key -> report oid)
REPORTS_ATTR = '__httttha_demo_reports__'

#: (key, demo prefix, number, period, days after its due date it was
#: entered (negative: before), approved) of the demo reports, for the
#: reporting year ``now`` falls in and the one before: Hà Nội's and the
#: Tổng cục's, on time, late, pending
DEMO_REPORTS = (
    ('hn-thang-10', 'hn', '%d/BC-CTHADS', ('thang', 10), -1, True),
    ('hn-thang-11', 'hn', '%d/BC-CTHADS', ('thang', 11), 0, True),
    ('hn-3-thang', 'hn', '%d/BC-CTHADS', ('3_thang', None), 2, True),
    ('hn-thang-1', 'hn', '%d/BC-CTHADS', ('thang', 1), -2, False),
    ('tc-3-thang', 'tc', '%d/BC-TCTHADS', ('3_thang', None), 0, True),
    ('tc-chuyen-de', 'tc', '%d/BC-TCTHADS', ('chuyen_de', None), None,
     False),
)


def small_docx(text):
    """A small real .docx (an OOXML zip with word/document.xml)."""
    import zipfile
    from xml.sax.saxutils import escape
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as archive:
        archive.writestr('[Content_Types].xml', (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://'
            'schemas.openxmlformats.org/package/2006/content-types"><Default'
            ' Extension="rels" ContentType="application/vnd.openxmlformats-'
            'package.relationships+xml"/><Default Extension="xml" Content'
            'Type="application/xml"/><Override PartName="/word/document.xml"'
            ' ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>'))
        archive.writestr('_rels/.rels', (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns='
            '"http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org'
            '/officeDocument/2006/relationships/officeDocument" Target='
            '"word/document.xml"/></Relationships>'))
        archive.writestr('word/document.xml', (
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w='
            '"http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            '<w:body><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:body>'
            '</w:document>' % escape(text)))
    return out.getvalue()


def demo_report_plan(today):
    """(key, prefix, number, report type, period key or '', title, day
    entered or None (now), approved) of the demo reports: those of
    ``DEMO_REPORTS`` whose due date is past in the reporting year of
    ``today`` or the one before."""
    from .reports import calendar
    from .statistics import reporting_year
    plan = []
    year = reporting_year(today)
    for count, (key, prefix, number, (kind, month), late, approved) in \
            enumerate(DEMO_REPORTS, 1):
        for each in (year, year - 1):
            if kind == 'chuyen_de':
                period, title = None, ('Báo cáo chuyên đề công tác thi '
                                       'hành án hành chính năm %d' % each)
            else:
                period = calendar.monthly(each, month) if kind == 'thang' \
                    else calendar.cumulative(kind, each)
                title = period.title
            day = period.due + datetime.timedelta(days=late) \
                if period is not None else today
            if day <= today:
                plan.append(('%s:%d' % (key, each), prefix,
                             number % count, kind,
                             period.key if period else '', title,
                             min(day, today), approved))
                break
    return plan


def create_demo_reports(root, registry, request, now=None):
    """Create the demo reports not made yet, uploaded (and some
    approved) by ``baocao.hn`` and ``baocao.tc`` through the service,
    with a small real PDF and DOCX each, dated as the plan says; return
    how many were made."""
    from persistent.mapping import PersistentMapping
    from . import reports
    made = getattr(root, REPORTS_ATTR, None)
    if made is None:
        made = PersistentMapping()
        setattr(root, REPORTS_ATTR, made)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    agencies = dict(_demo_agencies(root))
    request.root = root
    request._authtkt_reissue_revoked = True
    staff = _Staff(root, request)
    pdf = benchdata.small_pdf()
    count = 0
    for key, prefix, number, kind, period, title, day, approved in \
            demo_report_plan(now.astimezone(VN).date()):
        if key in made:
            continue
        staff.act_as('baocao.%s' % prefix)
        report = reports.add_report(request, agencies[prefix], {
            'title': title, 'number': number, 'issued': day,
            'report_type': kind, 'period': period,
            'summary': 'Báo cáo mẫu: %s.' % title,
            'ban-ky': {'fp': io.BytesIO(pdf), 'filename': 'bao-cao.pdf',
                       'mimetype': 'application/pdf'},
            'van-ban': {'fp': io.BytesIO(small_docx(title)),
                        'filename': 'bao-cao.docx',
                        'mimetype': 'application/vnd.openxmlformats-'
                                    'officedocument.wordprocessingml.'
                                    'document'}})
        # entered at 9:00 on its day (Vietnam's time), not now
        report.entered = VN.localize(datetime.datetime.combine(
            day, datetime.time(9, 0))).astimezone(datetime.timezone.utc)
        if approved:
            reports.approve(request, report)
        registry.subscribers((ObjectModified(report), report), None)
        made[key] = get_oid(report)
        count += 1
    return count
