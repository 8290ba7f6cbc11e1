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
larger one adds the difference.  Names, numbers and places come from
:mod:`.people`, the staff and their tickets from :mod:`.staff`.
"""
import bisect
import contextlib
import datetime
import gc
import io
import os
import random
import time

import transaction
from persistent.mapping import PersistentMapping
from substanced.catalog.indexes import FakeIndex
from substanced.catalog.util import oid_from_resource
from substanced.event import ObjectAdded
from substanced.util import get_oid

from ..content.dossier import VN
from ..workflows.dossier import act
from ..services.backoffice import deadlines
from ..services.intake.submission import create_dossier
from ..services.administration.audit.store import index_if_due
from ..services.administration.tree import all_agencies, load_tree, read_rows, root_agency
from .people import cccd, person_name, phone, place, province_code, random_date
from .staff import Staff, ensure_staff

ATTR = '__httttha_bench__'
AGENCIES = os.path.join(os.path.dirname(os.path.dirname(__file__)), 'data',
                        'agencies.csv')
DEFAULT_SEED = 2026
#: the generator's ZODB cache (objects): with batches of 25 000 the
#: generator peaks near 8 GB of RSS at a million dossiers
CACHE_OBJECTS = 1500000

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


# -- what dossiers say --------------------------------------------------------

STREETS = ('Lê Lợi', 'Trần Hưng Đạo', 'Nguyễn Trãi', 'Lý Thường Kiệt',
           'Hai Bà Trưng', 'Quang Trung', 'Nguyễn Huệ', 'Lê Duẩn',
           'Phan Chu Trinh', 'Điện Biên Phủ', 'Hùng Vương', 'Ngô Quyền',
           'Trần Phú', 'Nguyễn Du', 'Bà Triệu', 'Lê Thánh Tông',
           'Võ Thị Sáu', 'Cách Mạng Tháng Tám', 'Nguyễn Văn Cừ', 'Hoàng Diệu')
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


# -- how many cases each agency has ------------------------------------------

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
        self.pdf = small_pdf()

    # the declared application -----------------------------------------
    def applicant(self, rng, province, where, when):
        sex = rng.choice('mf')
        today = when.astimezone(VN).date()
        born = random_date(rng, datetime.date(1950, 1, 1),
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
            'id_date': random_date(rng, datetime.date(2016, 1, 1), today),
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
        judged = random_date(rng, today - datetime.timedelta(days=900),
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
        # after the announcement, as a submission attaches it: a file is
        # in no catalog (Dossier.add_file)
        if attach:
            dossier.add_file(self.registry, io.BytesIO(self.pdf), filename,
                             'application/pdf', is_attachment=True, slot=slot)
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
            from ..services.backoffice.petitions import CLASSIFICATIONS
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


def small_pdf():
    """A one-page PDF of a few hundred bytes."""
    from reportlab.pdfgen.canvas import Canvas
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1, pagesize=(200, 100))
    canvas.drawString(10, 50, 'Ban an so 12/2024/DS-ST')
    canvas.save()
    return out.getvalue()


# -- the whole run -----------------------------------------------------------

#: what an index's discriminator said of a resource it does not index
MISSING = object()


class BulkIndexing(object):
    """The catalogs' work of a run, done once at its end, index by index
    in docid order (issue 21 allows this in the generator only).  Indexed
    as they come, each batch's dossiers touch buckets all over every
    index: at a million, each batch loaded and rewrote most of them
    again.  While :meth:`recording`, a catalog's ``index_resource`` only
    keeps what each index's discriminator says of the resource, in hand;
    :meth:`apply` then feeds every index those values and commits it."""

    def __init__(self):
        self.indexes = {}    # catalog -> its indexes, in order
        self.batch = {}      # catalog -> {oid: (value for each index)}
        self.committed = {}
        self.reindexed = set()  # oids indexed before the run

    @contextlib.contextmanager
    def recording(self):
        """Record instead of indexing; a batch recorded but not committed
        (:meth:`commit`) is forgotten."""
        from substanced.catalog import Catalog

        def record(catalog, resource, oid=None, action_mode=None,
                   new=True):
            if oid is None:
                oid = oid_from_resource(resource)
            indexes = self.indexes.get(catalog)
            if indexes is None:
                indexes = self.indexes[catalog] = list(catalog.values())
            values = self.batch.setdefault(catalog, {})
            if not new and oid not in values and oid not in \
                    self.committed.get(catalog, ()):
                self.reindexed.add(oid)
            values[oid] = tuple(
                None if isinstance(index, FakeIndex)
                else index.discriminate(resource, MISSING)
                for index in indexes)
            catalog.objectids.insert(oid)

        def rerecord(catalog, resource, oid=None, action_mode=None):
            record(catalog, resource, oid, new=False)
        saved = Catalog.index_resource, Catalog.reindex_resource
        Catalog.index_resource, Catalog.reindex_resource = record, rerecord
        try:
            yield
        finally:
            Catalog.index_resource, Catalog.reindex_resource = saved
            self.batch = {}

    def commit(self):
        """The batch's transaction committed: keep its values."""
        for catalog, values in self.batch.items():
            self.committed.setdefault(catalog, {}).update(values)
        self.batch = {}

    def apply(self, log):
        """Index what the committed batches recorded, one index and one
        transaction at a time (the index's buckets stay in the cache
        while it is fed)."""
        for catalog, values in self.committed.items():
            oids = sorted(values)
            for position, index in enumerate(self.indexes[catalog]):
                if isinstance(index, FakeIndex):
                    continue
                # new documents without a value only join the index's
                # not-indexed set (all index_doc does for them): in one
                # C-level update, not a call each
                missing = [oid for oid in oids
                           if values[oid][position] is MISSING
                           and oid not in self.reindexed]
                index._not_indexed.update(missing)
                with _values_given(type(index)):
                    for oid in oids:
                        value = values[oid][position]
                        if value is not MISSING or oid in self.reindexed:
                            index.index_doc(oid, value)
                transaction.commit()
                log('Đã lập chỉ mục %s/%s cho %d đối tượng.' % (
                    catalog.__name__, index.__name__, len(oids)))
        self.committed = {}
        self.reindexed = set()


@contextlib.contextmanager
def _values_given(cls):
    """Indexes of class ``cls`` take the recorded value itself for the
    resource (``index_doc(oid, value)``)."""
    saved = cls.__dict__.get('discriminate')

    def discriminate(index, value, default):
        return default if value is MISSING else value
    cls.discriminate = discriminate
    try:
        yield
    finally:
        if saved is None:
            del cls.discriminate
        else:
            cls.discriminate = saved


@contextlib.contextmanager
def collecting_after():
    """Python's cyclic garbage collector off for the duration, then one
    collection and what survives frozen (``gc.freeze``).  Left on, the
    collector walks the millions of objects the cache holds again and
    again: 17 s of a batch at 1 000 000 dossiers, against 6 s for one
    collection of the batch's own objects.  The batch's cyclic garbage
    (about 2.5 million objects) waits for it meanwhile: the generator
    peaks some 2 GB higher.  Frozen objects are still freed when
    nothing refers to them (the cache ghosts those it lets go)."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()
        gc.freeze()


def bench_state(root):
    """What the database holds: {'dossiers': n, 'seed': s, ...} or None."""
    return getattr(root, ATTR, None)


def generate(root, registry, request, dossiers, seed=DEFAULT_SEED,
             batch=25000, agencies_file=None, log=print, now=None):
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
    if state.get('indexed', state['dossiers']) < state['dossiers']:
        # a run killed between its batches and their indexing
        raise RuntimeError(
            'Cơ sở dữ liệu có %d hồ sơ nhưng chỉ %d hồ sơ được lập chỉ mục: '
            'hãy xoá nó (var/bench) và tạo lại.' % (
                state['dossiers'], state['indexed']))
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
    # every dossier touches buckets all over (the folder's, the object
    # map's): keep them in memory between batches
    cache = root._p_jar._cache
    cache.cache_size = max(cache.cache_size, CACHE_OBJECTS)
    started = time.time()
    total = dossiers - done
    bulk = BulkIndexing()
    try:
        while done < dossiers:
            size = min(batch, dossiers - done)
            batch_started = time.time()
            rng = random.Random('%s-%d' % (seed, done))
            generator.staff.renew()
            with bulk.recording(), collecting_after():
                for _i in range(size):
                    generator.one(rng)
                done += size
                state['dossiers'] = done
                transaction.commit()
                bulk.commit()
            # the audit entries of the batch's steps wait in the audit
            # journal; a server indexes it after its requests, the
            # generator has none: indexed here, or every audit search
            # reads them all.  It commits in a connection of its own: the
            # next batch begins explicitly, so that this one sees that
            # commit (its stale copy of the journal would conflict with it).
            index_if_due(registry, force=True)
            transaction.begin()
            now = time.time()
            elapsed = now - started
            made = total - (dossiers - done)
            rate = made / elapsed if elapsed else 0
            log('%d/%d hồ sơ, %.0f hồ sơ/giây (lô này %.0f), còn khoảng %.0f '
                'giây' % (done, dossiers, rate, size / (now - batch_started),
                          (dossiers - done) / rate if rate else 0))
    finally:
        # the frozen objects back in the collector's care, even after a
        # failed batch (the test suite generates in its own process); the
        # batches committed are indexed even then
        gc.unfreeze()
        transaction.abort()
        bulk.apply(log)
        state['indexed'] = state['dossiers']
        transaction.commit()
    elapsed = time.time() - started
    log('Đã tạo và lập chỉ mục %d hồ sơ trong %.0f giây (%.0f hồ sơ/giây).'
        % (total, elapsed, total / elapsed))
    return total


# -- periodic reports (Báo cáo trực tuyến, issue 18) ----------------------------

#: how many complete reporting years of reports every Cục has
REPORT_YEARS = 5
#: what the reports say besides their calendar title (Nội dung)
REPORT_SUMMARIES = (
    'Tổng hợp kết quả thi hành án dân sự về việc và về tiền.',
    'Số việc có điều kiện thi hành, số việc đã thi hành xong, số tiền đã '
    'thu.',
    'Kết quả công tác theo dõi thi hành án hành chính.',
    'Công tác giải quyết khiếu nại, tố cáo và kiểm tra nghiệp vụ.',
    '',
)


def small_docx():
    """A minimal .docx (a zip with ``word/document.xml``) of a few
    hundred bytes: what an upload's content check accepts."""
    import zipfile
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml',
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="'
                   'http://schemas.openxmlformats.org/package/2006/'
                   'content-types"/>')
        z.writestr('word/document.xml',
                   '<?xml version="1.0" encoding="UTF-8"?><w:document '
                   'xmlns:w="http://schemas.openxmlformats.org/'
                   'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
                   'Báo cáo</w:t></w:r></w:p></w:body></w:document>')
    return out.getvalue()


def report_years(today, years=REPORT_YEARS):
    """The ``years`` complete reporting years before the one ``today``
    is in (each named by the year it ends in), oldest first: every report
    of each is due by the end of the current one's October."""
    current = today.year + 1 if today.month >= 10 else today.year
    return list(range(current - years, current))


def _ensure_report_indexes(root, registry, log):
    """A database made before the reports has no report indexes: add them
    (empty: no dossier has a value for them); and the top agency's grant
    of ``VIEW_REPORTS`` to every official (the evolve step's work, done
    here too so a benchmark database needs no evolve run)."""
    from pyramid.security import Allow
    from substanced.util import set_acl
    from ..permissions import STAFF, VIEW_REPORTS, agency_acl
    catalog = root['catalogs']['httttha']
    if 'report_state' not in catalog:
        catalog.update_indexes(registry=registry, output=False)
        log('Đã thêm các chỉ mục của báo cáo định kỳ.')
    top = root_agency(root)
    if (Allow, STAFF, (VIEW_REPORTS,)) not in getattr(top, '__acl__', ()):
        set_acl(top, agency_acl(top), registry=registry)


def generate_reports(root, registry, seed=DEFAULT_SEED, years=REPORT_YEARS,
                     now=None, log=print, files=True, codes=None):
    """Give every Cục its published reports of the calendar (Phụ lục 2:
    12 a reporting year) for the ``years`` complete reporting years
    before today's: 63 × 12 × 5 = 3 780 on the national tree.  Each is
    named by its period (``thang-2025-10``, ``6_thang-2025``) in the
    Cục's ``bao-cao``, so a second run adds only what is missing.  Each
    has its two files, a one-page PDF and a minimal .docx (``files``:
    False leaves them out).  The uploader is the Cục's bench leader (a
    Cục without one is left out).  ``codes``: only the Cục of these
    codes (tests).  Returns how many reports were added."""
    from pyramid.security import Allow
    from ..content.report import EDITABLE, PUBLISHED, SIGNED
    from ..permissions import MANAGE_OWN_REPORT
    from ..services.reports import calendar
    from .staff import staff_login
    _ensure_report_indexes(root, registry, log)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    today = now.astimezone(VN).date()
    wanted = [p for year in report_years(today, years)
              for p in calendar.periods(year)]
    users = root['principals']['users']
    pdf, docx = small_pdf(), small_docx()
    docx_type = ('application/vnd.openxmlformats-officedocument.'
                 'wordprocessingml.document')
    cucs = [a for a in all_agencies(root) if a.kind == 'cuc' and (
        codes is None or a.code in codes)]
    added = 0
    started = time.time()
    for cuc in cucs:
        folder = cuc['bao-cao']
        creator = users.get(staff_login('lanhdao', cuc))
        if creator is None:
            continue
        rng = random.Random('%s-reports-%s' % (seed, cuc.code))
        numbers = {}
        for period in wanted:
            name = period.key.replace(':', '-')
            # drawn for every period, made or not: a rerun draws the same
            late = rng.random() < 0.15
            delay = rng.randrange(1, 20) if late else -rng.randrange(0, 6)
            lead = rng.randrange(0, 4)
            summary = rng.choice(REPORT_SUMMARIES)
            uploaded = period.due + datetime.timedelta(days=delay)
            issued = uploaded - datetime.timedelta(days=lead)
            # Số ký hiệu: numbered on within the year of issue
            numbers[issued.year] = numbers.get(issued.year, 0) + \
                rng.randrange(3, 15)
            if name in folder:
                continue
            entered = VN.localize(datetime.datetime.combine(
                uploaded, datetime.time(8 + lead, 30))).astimezone(
                    datetime.timezone.utc)
            report = registry.content.create(
                'Periodic Report', period.title,
                '%d/BC-CTHADS' % numbers[issued.year], issued, get_oid(cuc),
                period.report_type, period.key, get_oid(creator),
                creator.__name__, entered, summary=summary)
            report.state = PUBLISHED
            report.approved = entered
            report.__acl__ = [(Allow, get_oid(creator),
                               (MANAGE_OWN_REPORT,))]
            if files:
                report.set_file(registry, SIGNED, io.BytesIO(pdf),
                                '%s.pdf' % name, 'application/pdf')
                report.set_file(registry, EDITABLE, io.BytesIO(docx),
                                '%s.docx' % name, docx_type)
            folder.add(name, report, registry=registry)
            added += 1
        transaction.commit()
    if added:
        log('Đã tạo %d báo cáo định kỳ của %d Cục trong %.0f giây.' % (
            added, len(cucs), time.time() - started))
    else:
        log('Cơ sở dữ liệu đã có đủ báo cáo định kỳ: không cần tạo thêm.')
    return added
