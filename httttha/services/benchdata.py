"""Benchmark data: many realistic dossiers, made by the application's own
code, for load tests and for measuring the statistics.

Everything goes through the same paths as real use: the agency tree is
loaded by :func:`tree.load_tree`, staff users by :func:`accounts.add_user`
and ``User.assign``, dossiers by :func:`submission.create_dossier` (code,
workflow, deadlines, timeline, ``ho-so`` folder, catalogs, object map) and
every later step by :func:`workflows.dossier.act`, whose permission check
runs against a staff user of the dossier's agency through the real
authentication policy (a ticket of that user in the request's cookie) and
group finder.  Only the clock is simulated: after the steps, the timeline
is dated back over three reporting years, the deadlines are computed
again (:func:`deadlines.recompute`) and the dossier is announced
(``ObjectAdded``: indexed and counted) once, complete.

The work is done in batches, each its own transaction, and the count is
kept on the root so that a run with the same size does nothing and a
larger one adds the difference.
"""
import bisect
import contextlib
import datetime
import io
import os
import random
import time

import transaction
from persistent.mapping import PersistentMapping
from substanced.event import ObjectAdded
from substanced.util import get_oid

from ..content.dossier import VN
from ..workflows.dossier import act
from . import deadlines
from .accounts import add_user, remember_user
from .submission import create_dossier
from .tree import all_agencies, load_tree, read_rows, root_agency

ATTR = '__httttha_bench__'
AGENCIES = os.path.join(os.path.dirname(os.path.dirname(__file__)), 'data',
                        'agencies.csv')
BENCH_PASSWORD = 'Bench@2026'
DEFAULT_SEED = 2026
#: the generator's ZODB cache (objects); about 1 GB at a million dossiers
CACHE_OBJECTS = 400000

#: staff made at every agency: (login prefix, role)
STAFF_ROLES = (('hotro', 'officer'), ('chuyenvien', 'specialist'),
               ('lanhdao', 'leader'))

WALK_IN_SHARE = 0.20
ATTACHMENT_SHARE = 0.05
PROCEDURE_WEIGHTS = (('HTTT01', 0.55), ('HTTT02', 0.25), ('HTTT03', 0.20))

#: Cục with far more cases than the others: Hà Nội and TP Hồ Chí Minh,
#: then the other large cities and industrial provinces
CUC_BOOST = {'01': 8.0, '79': 10.0, '31': 2.5, '48': 2.5, '92': 2.0,
             '74': 2.5, '75': 2.5, '26': 1.5, '27': 1.5, '22': 1.5}
#: the Cục itself handles a share of its province's cases
CUC_OWN_SHARE = 0.2
#: the Tổng cục receives only petitions, a few
TONG_CUC_SHARE = 0.003

# -- the paths a dossier takes: (steps, weight); each step is a transition
# and the role performing it ('citizen': the applicant) --------------------

REQUEST_PATHS = (
    ((), 4),
    ((('accept', 'officer'),), 5),
    ((('ask_supplement', 'officer'),), 4),
    ((('ask_supplement', 'officer'), ('resubmit', 'citizen')), 3),
    ((('refuse', 'officer'),), 8),
    ((('ask_supplement', 'officer'), ('resubmit', 'citizen'),
      ('refuse_resubmitted', 'officer')), 2),
    ((('accept', 'officer'), ('receive_originals', 'officer')), 6),
    ((('ask_supplement', 'officer'), ('resubmit', 'citizen'),
      ('accept_resubmitted', 'officer'), ('receive_originals', 'officer')),
     2),
)
RESULT_PATHS = {
    # HTTT01: handed over for enforcement, then the result
    'HTTT01': (((('transfer', 'officer'),), 10),
               ((('transfer', 'officer'), ('return_result', 'officer')),
                45)),
    # HTTT03: the confirmation is returned
    'HTTT03': (((('return_confirmation', 'officer'),), 50),),
}
PETITION_PATHS = (
    ((), 4),
    ((('classify', 'officer'),), 5),
    ((('classify', 'officer'), ('assign', 'leader')), 6),
    ((('classify', 'officer'), ('assign', 'leader'),
      ('propose', 'specialist')), 5),
    ((('classify', 'officer'), ('assign', 'leader'),
      ('propose', 'specialist'), ('approve', 'leader')), 4),
    ((('classify', 'officer'), ('assign', 'leader'),
      ('propose', 'specialist'), ('approve', 'leader'),
      ('answer', 'officer')), 50),
    ((('classify', 'officer'), ('assign', 'leader'),
      ('propose', 'specialist'), ('send_back', 'leader'),
      ('propose', 'specialist'), ('approve', 'leader'),
      ('answer', 'officer')), 10),
)


def _paths(procedure):
    """(steps, weight) of every path of ``procedure``."""
    if procedure == 'HTTT02':
        return PETITION_PATHS
    result = list(REQUEST_PATHS)
    base = (('accept', 'officer'), ('receive_originals', 'officer'))
    for steps, weight in RESULT_PATHS[procedure]:
        result.append((base + steps, weight))
    return tuple(result)


PATHS = {p: _paths(p) for p, _w in PROCEDURE_WEIGHTS}


# -- people -------------------------------------------------------------------

FAMILY_NAMES = (
    ('Nguyễn', 38), ('Trần', 11), ('Lê', 9.5), ('Phạm', 7), ('Hoàng', 5.1),
    ('Huỳnh', 2.5), ('Phan', 4.5), ('Vũ', 3.9), ('Võ', 2.5), ('Đặng', 2.1),
    ('Bùi', 2), ('Đỗ', 1.4), ('Hồ', 1.3), ('Ngô', 1.3), ('Dương', 1),
    ('Lý', 0.5), ('Đinh', 0.6), ('Trương', 0.6), ('Mai', 0.4),
    ('Trịnh', 0.4), ('Đào', 0.4), ('Lương', 0.3), ('Tạ', 0.2),
)
MIDDLE_NAMES = {
    'm': ('Văn', 'Văn', 'Văn', 'Hữu', 'Đức', 'Minh', 'Quốc', 'Thanh',
          'Công', 'Xuân', 'Ngọc', 'Anh', 'Gia', 'Hoàng', 'Trọng', 'Đình'),
    'f': ('Thị', 'Thị', 'Thị', 'Thị', 'Ngọc', 'Thu', 'Thanh', 'Minh',
          'Hồng', 'Kim', 'Mai', 'Phương', 'Bích', 'Thuỳ', 'Diệu'),
}
GIVEN_NAMES = {
    'm': ('Anh', 'Bình', 'Cường', 'Dũng', 'Duy', 'Đạt', 'Hải', 'Hiếu',
          'Hoàng', 'Hùng', 'Huy', 'Khánh', 'Khoa', 'Long', 'Lâm', 'Minh',
          'Nam', 'Nghĩa', 'Phong', 'Phúc', 'Quân', 'Quang', 'Sơn', 'Tài',
          'Thắng', 'Thành', 'Tiến', 'Toàn', 'Trung', 'Tuấn', 'Tùng', 'Việt',
          'Vinh', 'Hưng', 'Đức', 'Thịnh', 'Kiên', 'Lộc'),
    'f': ('Anh', 'Châu', 'Chi', 'Dung', 'Giang', 'Hà', 'Hạnh', 'Hằng',
          'Hiền', 'Hoa', 'Huệ', 'Hương', 'Lan', 'Liên', 'Linh', 'Loan',
          'Mai', 'My', 'Nga', 'Ngân', 'Ngọc', 'Nhung', 'Oanh', 'Phương',
          'Quỳnh', 'Tâm', 'Thảo', 'Thủy', 'Trang', 'Trinh', 'Tuyết', 'Vân',
          'Yến', 'Xuân', 'Hồng', 'Thu'),
}
STREETS = ('Lê Lợi', 'Trần Hưng Đạo', 'Nguyễn Trãi', 'Lý Thường Kiệt',
           'Hai Bà Trưng', 'Quang Trung', 'Nguyễn Huệ', 'Lê Duẩn',
           'Phan Chu Trinh', 'Điện Biên Phủ', 'Hùng Vương', 'Ngô Quyền',
           'Trần Phú', 'Nguyễn Du', 'Bà Triệu', 'Lê Thánh Tông',
           'Võ Thị Sáu', 'Cách Mạng Tháng Tám', 'Nguyễn Văn Cừ', 'Hoàng Diệu')
PHONE_PREFIXES = ('090', '091', '093', '094', '096', '097', '098', '032',
                  '033', '034', '035', '036', '037', '038', '039', '070',
                  '076', '077', '078', '079', '081', '082', '083', '084',
                  '085', '086', '088', '089')
COURT_KINDS = ('DS-ST', 'DS-PT', 'HNGĐ-ST', 'KDTM-ST', 'HS-ST', 'QĐST-DS')
DEBTS = ('trả %s đồng tiền vay', 'bồi thường thiệt hại %s đồng',
         'cấp dưỡng nuôi con %s đồng mỗi tháng', 'trả tiền hàng %s đồng',
         'hoàn trả tiền đặt cọc %s đồng')
ASSETS = ('Quyền sử dụng đất tại %s.', 'Xe ô tô biển kiểm soát 30A-%05d.',
          'Tài khoản tại ngân hàng thương mại.', 'Căn nhà số %s.', '')
PETITION_TEXTS = (
    'Kiến nghị xem xét việc chậm thi hành bản án số %s.',
    'Phản ánh việc chấp hành viên chưa xác minh tài sản theo bản án số %s.',
    'Đề nghị giải thích việc cưỡng chế theo bản án số %s.',
    'Kiến nghị về việc kê biên tài sản không đúng theo bản án số %s.',
)

_FAMILY = [name for name, _w in FAMILY_NAMES]
_FAMILY_CUM = []
_total = 0
for _name, _w in FAMILY_NAMES:
    _total += _w
    _FAMILY_CUM.append(_total)


def person_name(rng, sex):
    family = _FAMILY[bisect.bisect(_FAMILY_CUM, rng.random() * _total)]
    return '%s %s %s' % (family, rng.choice(MIDDLE_NAMES[sex]),
                         rng.choice(GIVEN_NAMES[sex]))


def phone(rng):
    digits = rng.choice(PHONE_PREFIXES) + '%07d' % rng.randrange(10 ** 7)
    return '%s %s %s' % (digits[:4], digits[4:7], digits[7:])


def cccd(rng, province, sex, born):
    """A 12-digit CCCD number: province of birth (3 digits), sex and
    century, year of birth (2 digits), 6 random digits."""
    century = 0 if born.year < 2000 else 2
    return '%03d%d%02d%06d' % (int(province), century + (sex == 'f'),
                               born.year % 100, rng.randrange(10 ** 6))


def _random_date(rng, start, end):
    return start + datetime.timedelta(
        days=rng.randrange(max((end - start).days, 1)))


# -- the agencies and their staff -------------------------------------------

def province_code(agency):
    """The two-digit code of the province an agency is in ('01' for the
    Tổng cục)."""
    if agency.kind == 'cuc':
        return agency.code
    if agency.kind == 'chi_cuc':
        return agency.__parent__.code
    return '01'


def place(agency):
    """Where the agency is: 'quận Ba Đình, thành phố Hà Nội'."""
    from ..printing.timeline import PREFIXES
    title = agency.title
    for prefix in PREFIXES:
        if title.startswith(prefix):
            title = title[len(prefix):]
    if agency.kind == 'chi_cuc':
        return '%s, %s' % (title, place(agency.__parent__))
    return title if agency.kind == 'cuc' else 'thành phố Hà Nội'


def agency_weights(agencies, rng):
    """(agency, weight): each Cục weighs its number of Chi cục (a proxy
    for population) times its boost; within a province the Cục takes
    ``CUC_OWN_SHARE`` and the Chi cục share the rest by a Zipf law over a
    random order (a few urban districts get most)."""
    children = {}
    for agency in agencies:
        if agency.kind == 'chi_cuc':
            children.setdefault(agency.__parent__.code, []).append(agency)
    result = []
    total = 0.0
    for agency in agencies:
        if agency.kind != 'cuc':
            continue
        kids = children.get(agency.code, [])
        share = (1 + len(kids)) * CUC_BOOST.get(agency.code, 1.0)
        total += share
        result.append((agency, share * (CUC_OWN_SHARE if kids else 1.0)))
        order = list(kids)
        rng.shuffle(order)
        zipf = [1.0 / (rank + 1) ** 0.9 for rank in range(len(order))]
        norm = sum(zipf) or 1.0
        for kid, z in zip(order, zipf):
            result.append((kid, share * (1 - CUC_OWN_SHARE) * z / norm))
    top = [a for a in agencies if a.kind == 'tong_cuc']
    if top:
        result.append((top[0], total * TONG_CUC_SHARE))
    return result


def staff_login(prefix, agency):
    return '%s-%s' % (prefix, agency.code.lower())


class _OneHash(object):
    """A password manager that hashes the bench password once: every
    bench user has the same password, and bcrypt costs a quarter of a
    second a user.  Checking is the real manager's."""

    def __init__(self, real):
        self.real = real
        self.cache = {}

    def encode(self, password):
        if password not in self.cache:
            self.cache[password] = self.real.encode(password)
        return self.cache[password]

    def check(self, encoded, password):
        return self.real.check(encoded, password)


def ensure_staff(root, registry, agencies, rng, log=print):
    """Create the staff users (``STAFF_ROLES``) of every agency that does
    not have them yet; returns how many were created."""
    users = root['principals']['users']
    created = 0
    user_class = type(registry.content.create('User'))
    real = user_class.__dict__.get('pwd_manager')
    user_class.pwd_manager = _OneHash(user_class.pwd_manager)
    try:
        for agency in agencies:
            for prefix, role in STAFF_ROLES:
                login = staff_login(prefix, agency)
                if login in users:
                    continue
                sex = rng.choice('mf')
                user = add_user(root, registry, login, BENCH_PASSWORD,
                                '%s@bench.invalid' % login,
                                full_name=person_name(rng, sex))
                user.must_change_password = False
                user.assign(agency, [role])
                created += 1
            if created and created % 600 == 0:
                transaction.commit()
    finally:
        if real is None:
            del user_class.pwd_manager
        else:
            user_class.pwd_manager = real
    return created


# -- acting as a staff member -------------------------------------------------

class Staff(object):
    """The staff of every agency, by role, and the auth ticket each one's
    requests carry (renewed every batch: tickets time out)."""

    def __init__(self, root, request, agencies):
        self.request = request
        users = root['principals']['users']
        self.users = {}
        for agency in agencies:
            for prefix, role in STAFF_ROLES:
                user = users[staff_login(prefix, agency)]
                self.users[get_oid(agency), role] = user
        self.cookies = {}

    def renew(self):
        self.cookies.clear()

    def user(self, agency_oid, role):
        return self.users[agency_oid, role]

    def become(self, user):
        """Make ``request`` the request of ``user``: the real policy
        reads the ticket and the group finder gives the role
        principals."""
        request = self.request
        oid = get_oid(user)
        cookie = self.cookies.get(oid)
        if cookie is None:
            request.environ.pop('HTTP_COOKIE', None)
            headers = remember_user(request, user)
            cookie = self.cookies[oid] = headers[0][1].split(';')[0]
        request.environ['HTTP_COOKIE'] = cookie
        request.user = user     # substanced's reified request.user


# -- dossiers -----------------------------------------------------------------

def reporting_years(today):
    """The first day of the earliest of the last three reporting years
    (1 October - 30 September) up to ``today``."""
    year = today.year if today.month >= 10 else today.year - 1
    return datetime.date(year - 2, 10, 1)


class Generator(object):
    """Makes dossiers one batch at a time."""

    def __init__(self, root, registry, request, seed=DEFAULT_SEED,
                 now=None):
        self.root, self.registry, self.request = root, registry, request
        self.seed = seed
        self.now = now or datetime.datetime.now(datetime.timezone.utc)
        self.start = VN.localize(datetime.datetime.combine(
            reporting_years(self.now.astimezone(VN).date()),
            datetime.time(0))).astimezone(datetime.timezone.utc)
        self.span = (self.now - self.start).total_seconds()
        agencies = all_agencies(root)
        self.staff = Staff(root, request, agencies)
        weights = agency_weights(agencies, random.Random(seed))
        self.agency_oids = [get_oid(a) for a, _w in weights]
        self.agencies = {get_oid(a): a for a, _w in weights}
        self.agency_info = {
            get_oid(a): (province_code(a), place(a), a.title,
                         a.kind == 'tong_cuc') for a, _w in weights}
        self.agency_cum = []
        total = 0.0
        for _a, weight in weights:
            total += weight
            self.agency_cum.append(total)
        self.calendar = deadlines.get_calendar(root)
        self.pdf = _small_pdf()

    # the declared application -----------------------------------------
    def applicant(self, rng, province, where, when):
        sex = rng.choice('mf')
        today = when.astimezone(VN).date()
        born = _random_date(rng, datetime.date(1950, 1, 1),
                            datetime.date(2002, 12, 31))
        name = person_name(rng, sex)
        organisation = rng.random() < 0.08
        data = {
            'kind': 'organisation' if organisation else 'person',
            'full_name': ('Công ty TNHH %s %s' % (
                name.split()[-1], rng.choice(('Thương mại', 'Xây dựng',
                                              'Dịch vụ', 'Đầu tư')))
                if organisation else name),
            'birth_date': None if organisation else born,
            'representative': name if organisation else '',
            'representative_position': 'Giám đốc' if organisation else '',
            'id_type': 'cccd',
            'id_number': cccd(rng, province, sex, born),
            'id_date': _random_date(rng, datetime.date(2016, 1, 1), today),
            'id_place': 'Cục Cảnh sát QLHC về TTXH',
            'address': 'Số %d đường %s, %s' % (
                rng.randrange(1, 400), rng.choice(STREETS), where),
            'phone': phone(rng),
            'email': ('%s%d@example.invalid' % (
                name.split()[-1].lower(), rng.randrange(1000))
                if rng.random() < 0.6 else ''),
        }
        return data

    def declared(self, rng, procedure, province, where, title, when):
        applicant = self.applicant(rng, province, where, when)
        today = when.astimezone(VN).date()
        judged = _random_date(rng, today - datetime.timedelta(days=900),
                              today - datetime.timedelta(days=20))
        number = '%d/%d/%s' % (rng.randrange(1, 900), judged.year,
                               rng.choice(COURT_KINDS))
        judgment = {'number': number, 'date': judged,
                    'issuer': 'Tòa án nhân dân %s' % where.split(',')[0]}
        other = person_name(rng, rng.choice('mf'))
        amount = '{:,}'.format(rng.randrange(5, 5000) * 1000000).replace(
            ',', '.')
        if procedure == 'HTTT02':
            return {'applicant': applicant,
                    'kind': rng.choice(('de_nghi', 'kien_nghi', 'phan_anh')),
                    'co_petitioners': rng.choice((1, 1, 1, 1, 2, 3, 12)),
                    'content': rng.choice(PETITION_TEXTS) % number,
                    'earlier': '',
                    'judgment': judgment}
        data = {'applicant': applicant, 'judgment': judgment,
                'role': rng.choice(('creditor', 'creditor', 'debtor',
                                    'related', 'authorised'))}
        if procedure == 'HTTT01':
            asset = rng.choice(ASSETS)
            if '%05d' in asset:
                asset = asset % rng.randrange(100000)
            elif '%s' in asset:
                asset = asset % where
            data.update({
                'creditor': {'name': applicant['full_name'],
                             'address': applicant['address']},
                'debtor': {'name': other, 'address': 'Số %d đường %s, %s' % (
                    rng.randrange(1, 400), rng.choice(STREETS), where)},
                'content': 'Buộc %s %s.' % (other, rng.choice(DEBTS) % amount),
                'assets': asset})
        else:
            decided = judged + datetime.timedelta(days=rng.randrange(10, 60))
            data.update({
                'decision': {'number': '%d/QĐ-CCTHADS' % rng.randrange(1, 999),
                             'date': min(decided, today),
                             'issuer': title},
                'content': 'Đã thi hành xong %s.' % (
                    rng.choice(DEBTS) % amount),
                'purpose': rng.choice(('Bổ sung hồ sơ vay vốn ngân hàng.',
                                       'Hoàn thiện thủ tục xuất cảnh.',
                                       'Xoá tên khỏi danh sách người phải '
                                       'thi hành án.'))})
        return data

    # one dossier ------------------------------------------------------
    def one(self, rng):
        draw = rng.random() * self.agency_cum[-1]
        agency_oid = self.agency_oids[bisect.bisect(self.agency_cum, draw)]
        province, where, title, top = self.agency_info[agency_oid]
        if top:
            procedure = 'HTTT02'
        else:
            draw = rng.random()
            for procedure, weight in PROCEDURE_WEIGHTS:
                draw -= weight
                if draw < 0:
                    break
        walk_in = rng.random() < WALK_IN_SHARE
        when = self.start + datetime.timedelta(seconds=rng.random() *
                                               self.span)
        when = _office_hours(rng, when) if walk_in else when
        if when > self.now:
            when = self.now - datetime.timedelta(minutes=5)
        data = self.declared(rng, procedure, province, where, title, when)
        slot = 'other_1' if procedure == 'HTTT02' else 'judgment'
        attach = rng.random() < ATTACHMENT_SHARE
        filename = 'ban-an-%s.pdf' % data.get('judgment', {}).get(
            'number', '').split('/')[0]
        files = {slot: {'filename': filename}} if attach else {}
        agency = self.agencies[agency_oid]
        request = self.request
        entry = {}
        if walk_in:
            officer = self.staff.user(agency_oid, 'officer')
            entry['who'] = officer.full_name
        dossier = create_dossier(request, agency, procedure, data, files,
                                 channel='counter' if walk_in else 'online',
                                 send_events=False, **entry)
        if attach:
            dossier.add_file(self.registry, io.BytesIO(self.pdf), filename,
                             'application/pdf', is_attachment=True, slot=slot)
        dossier.submitted = when
        times = [when]
        paths = PATHS[procedure]
        steps = _weighted(rng, paths)
        for transition, role in steps:
            times.append(times[-1] + _delay(rng, transition))
            if times[-1] > self.now:
                times.pop()
                break
            self.step(rng, dossier, agency_oid, transition, role)
        # date the timeline back, then the deadlines from it (as after a
        # change of the calendar), and announce the dossier (which indexes
        # and counts it) once, with its final values
        for i, moment in enumerate(times):
            dossier.timeline[i] = dict(dossier.timeline[i], when=moment)
        for proposal in dossier.proposals:
            proposal['when'] = times[-1]
        deadlines.recompute(dossier, self.calendar)
        folder = dossier.__parent__
        self.registry.subscribers((ObjectAdded(
            dossier, folder, dossier.__name__), dossier, folder), None)
        return dossier

    def step(self, rng, dossier, agency_oid, transition, role):
        request = self.request
        if role == 'citizen':
            return act(request, dossier, transition,
                       who=dossier.applicant_name, reindex=False)
        user = self.staff.user(agency_oid, role)
        self.staff.become(user)
        details = {}
        if transition == 'classify':
            from .petitions import CLASSIFICATIONS
            dossier.classification = {
                name: rng.choice(values)[0]
                for name, _t, values in CLASSIFICATIONS}
        elif transition == 'assign':
            specialist = self.staff.user(agency_oid, 'specialist')
            dossier.assignee = get_oid(specialist)
            dossier.due_fixed = self.calendar.add_working_days(
                deadlines.local_date(dossier.submitted), 30)
            details['assignee'] = specialist.full_name
            details['due'] = dossier.due_fixed
        elif transition == 'propose':
            from persistent.list import PersistentList
            if not dossier.proposals:
                dossier.proposals = PersistentList()
            version = len(dossier.proposals) + 1
            dossier.proposals.append({
                'version': version, 'outcome': rng.choice(
                    ('reply', 'reply', 'forward', 'archive')),
                'text': 'Trả lời đơn của ông/bà %s.' % dossier.applicant_name,
                'forward_to': '', 'forward_letter': '', 'earlier_code': '',
                'files': [], 'who': user.full_name, 'when': None,
                'comment': ''})
            details['version'] = version
        elif transition in ('accept', 'accept_resubmitted'):
            details['support'] = 'valid'
            details['message'] = 'Hồ sơ đầy đủ, hợp lệ.'
        elif transition.startswith('ask_supplement'):
            details['support'] = 'supplement'
            details['message'] = 'Đề nghị bổ sung bản sao bản án.'
        elif transition.startswith('refuse'):
            details['support'] = 'refused'
            details['message'] = 'Không thuộc thẩm quyền giải quyết.'
        return act(request, dossier, transition, reindex=False, **details)


def _weighted(rng, choices):
    total = sum(w for _c, w in choices)
    draw = rng.random() * total
    for choice, weight in choices:
        draw -= weight
        if draw < 0:
            return choice
    return choices[-1][0]


def _office_hours(rng, when):
    """Move ``when`` into a weekday's office hours (walk-ins)."""
    local = when.astimezone(VN)
    day = local.date()
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    minutes = rng.randrange(7 * 60 + 30, 17 * 60)
    return VN.localize(datetime.datetime.combine(
        day, datetime.time(minutes // 60, minutes % 60))).astimezone(
            datetime.timezone.utc)


def _delay(rng, transition):
    """How long after the previous step ``transition`` happens."""
    if transition in ('return_result',):
        days = rng.uniform(20, 200)
    elif transition in ('resubmit', 'receive_originals', 'propose'):
        days = rng.uniform(1, 12)
    else:
        days = rng.uniform(0.05, 3)
    return datetime.timedelta(days=days)


def _small_pdf():
    """A one-page PDF of a few hundred bytes."""
    from reportlab.pdfgen.canvas import Canvas
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1, pagesize=(200, 100))
    canvas.drawString(10, 50, 'Ban an so 12/2024/DS-ST')
    canvas.save()
    return out.getvalue()


# -- the whole run -----------------------------------------------------------

@contextlib.contextmanager
def indexing_immediately(root):
    """Index in place for the duration (each index's ``action_mode``,
    the SDI's "Immediate" setting), and put the stored mode back before
    the commit.  At commit, substanced finds every indexed object again
    by its path, once per index: two thirds of the time of a batch.  In
    place, the index gets the object in hand."""
    from substanced.interfaces import MODE_IMMEDIATE
    from substanced.util import find_catalogs
    saved = []
    for catalog in find_catalogs(root):
        for index in catalog.values():
            saved.append((index, index.__dict__.get('action_mode')))
            index.action_mode = MODE_IMMEDIATE
    try:
        yield
    finally:
        for index, mode in saved:
            if mode is None:
                del index.action_mode
            else:
                index.action_mode = mode


def bench_state(root):
    """What the database holds: {'dossiers': n, 'seed': s, ...} or None."""
    return getattr(root, ATTR, None)


def generate(root, registry, request, dossiers, seed=DEFAULT_SEED,
             batch=5000, agencies_file=None, log=print, now=None):
    """Fill the database to ``dossiers`` dossiers (with the tree and the
    staff first when missing); returns how many dossiers were added."""
    if root_agency(root) is None:
        load_tree(root, read_rows(agencies_file or AGENCIES), registry)
        transaction.commit()
        log('Đã nạp cây cơ quan.')
    state = bench_state(root)
    if state is None:
        state = PersistentMapping({'dossiers': 0, 'seed': seed})
        setattr(root, ATTR, state)
    elif state['seed'] != seed:
        seed = state['seed']
        log('Giữ seed %d của dữ liệu đã có.' % seed)
    agencies = all_agencies(root)
    made = ensure_staff(root, registry, agencies,
                        random.Random('%s-staff' % seed), log=log)
    transaction.commit()
    if made:
        log('Đã tạo %d người dùng cán bộ.' % made)
    done = state['dossiers']
    if done >= dossiers:
        log('Cơ sở dữ liệu đã có %d hồ sơ: không cần tạo thêm.' % done)
        return 0
    request.root = root
    generator = Generator(root, registry, request, seed=seed, now=now)
    # the bench request must never reissue tickets (that would pile up
    # response callbacks)
    request._authtkt_reissue_revoked = True
    # every dossier touches index buckets all over (object ids are
    # random): keep them in memory between batches
    cache = root._p_jar._cache
    cache.cache_size = max(cache.cache_size, CACHE_OBJECTS)
    started = time.time()
    total = dossiers - done
    while done < dossiers:
        size = min(batch, dossiers - done)
        batch_started = time.time()
        rng = random.Random('%s-%d' % (seed, done))
        generator.staff.renew()
        with indexing_immediately(root):
            for _i in range(size):
                generator.one(rng)
        done += size
        state['dossiers'] = done
        transaction.commit()
        now = time.time()
        elapsed = now - started
        made = total - (dossiers - done)
        rate = made / elapsed if elapsed else 0
        log('%d/%d hồ sơ, %.0f hồ sơ/giây (lô này %.0f), còn khoảng %.0f '
            'giây' % (done, dossiers, rate, size / (now - batch_started),
                      (dossiers - done) / rate if rate else 0))
    return total
