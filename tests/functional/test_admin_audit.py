"""Nhật ký hệ thống (issue 15, C5) on the living data: what is recorded
(failed logins, state changes, denials, staff reads), who may search it
(an agency administrator, on its subtree only), its filters, paging and
Excel export, and concurrent writers that never conflict."""
import datetime
import io
import threading

import openpyxl
import pytest
import time_machine
import transaction
from ZODB.POSException import ConflictError

from httttha.services.administration import audit
from httttha.services.demo import regional_logins
from httttha.workflows.dossier import state_of

from ..conftest import login, logout, open_root

#: the instant the tests run at (10:00 on Friday 18/06/2027 in Vietnam)
NOW = datetime.datetime(2027, 6, 18, 3, 0, tzinfo=datetime.timezone.utc)
TODAY = '18/06/2027'
HANOI = '/manage/thads/cuc-thads-ha-noi'
BA_DINH = HANOI + '/chi-cuc-thads-ba-dinh'


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def app(living_app_factory, clock):
    return living_app_factory()


@pytest.fixture
def indexed_app(living_app_factory, clock):
    """Every entry indexed right after its request: the index's path of
    the search, not the journal's."""
    return living_app_factory(**{'httttha.audit_index_batch': '1'})


def search(app, path=HANOI, **params):
    """The screen's rows as {column: text}, and the total shown."""
    params = {k.replace('_', '-'): v for k, v in params.items()}
    page = app.get(path + '/@@nhat-ky', params=params)
    heads = [th.get_text().strip() for th in page.html.select(
        '#audit thead th')]
    rows = []
    for tr in page.html.select('#audit tbody tr'):
        cells = [td.get_text().strip() for td in tr.select('td')]
        if len(cells) == len(heads):
            rows.append(dict(zip(heads, cells)))
    return rows, int(page.html.select_one('#total').get_text()), page


def ba_dinh_dossier(app, moved=True):
    """The code of a Ba Đình dossier (one that changed state)."""
    root, closer = open_root(app)
    try:
        folder = root['thads']['cuc-thads-ha-noi']['chi-cuc-thads-ba-dinh'][
            'ho-so']
        for code, dossier in sorted(folder.items()):
            if (state_of(dossier) != 'submitted') == moved:
                return code, state_of(dossier)
    finally:
        closer()


@pytest.mark.parametrize('which', ['journal', 'index'])
def test_failed_login_found_by_user_and_period(app, indexed_app, which):
    app = app if which == 'journal' else indexed_app
    login(app, 'hotro.bd', 'Sai@mat-khau1')
    login(app, 'quantri.hn')
    rows, total, page = search(app, nguoi_dung='hotro.bd', tu_ngay=TODAY,
                               den_ngay=TODAY, hanh_dong='login.failure')
    assert total == 1 and len(rows) == 1, rows
    row = rows[0]
    assert row['Hành động'] == 'Đăng nhập thất bại'
    assert row['Người dùng'] == 'hotro.bd'
    assert row['Địa chỉ máy'] == '127.0.0.1'
    assert row['Thời gian'].startswith(TODAY + ' 10:')
    assert row['Đơn vị'] == 'Chi cục Thi hành án dân sự quận Ba Đình' or \
        'Ba Đình' in row['Đơn vị']
    # the day before: nothing
    rows, total, _p = search(app, nguoi_dung='hotro.bd',
                             tu_ngay='17/06/2027', den_ngay='17/06/2027',
                             hanh_dong='login.failure')
    assert (rows, total) == ([], 0)
    # the successful logins are there too
    rows, _t, _p = search(app, nguoi_dung='quantri.hn', tu_ngay=TODAY,
                          hanh_dong='login.success')
    assert [r['Hành động'] for r in rows] == ['Đăng nhập']


def test_state_change_found_by_dossier_code(app):
    code, state = ba_dinh_dossier(app)
    login(app, 'quantri.hn')
    # the whole history: no period
    rows, total, _p = search(app, ma=code, tu_ngay='', den_ngay='',
                             hanh_dong='dossier.transition')
    assert total == len(rows) >= 1
    assert all(r['Hành động'] == 'Chuyển trạng thái hồ sơ' for r in rows)
    assert all(r['Đối tượng'].startswith(code) for r in rows)
    # newest first: the last change leads to the dossier's state
    assert '→' in rows[0]['Chi tiết']
    root, closer = open_root(app)
    try:
        store = audit.find_store(audit.audit_root(root))
        total, entries = audit.search(store, audit.Query(
            code=code, action='dossier.transition'))
        assert entries[0].details['after'] == {'state': state}
        # the Ba Đình staff member who made it (officer, specialist or
        # leader: which dossier comes first depends on the random codes)
        assert entries[0].user in ('hotro.bd', 'chuyenvien.bd', 'lanhdao.bd')
    finally:
        closer()


def test_denial_is_recorded(app):
    login(app, 'hotro.bd')
    app.get(HANOI + '/@@nguoi-dung', status=403)
    logout(app)
    login(app, 'quantri.hn')
    rows, total, _p = search(app, hanh_dong='access.denied',
                             nguoi_dung='hotro.bd', tu_ngay=TODAY)
    assert total == 1, rows
    assert rows[0]['Hành động'] == 'Từ chối truy cập'
    assert 'path: /manage/thads/cuc-thads-ha-noi/@@nguoi-dung' in \
        rows[0]['Chi tiết']
    assert 'permission: httttha.manage-users' in rows[0]['Chi tiết']


def test_staff_reads_of_a_dossier_and_file(app):
    code, _state = ba_dinh_dossier(app, moved=False)
    login(app, 'hotro.bd')
    detail = app.get(BA_DINH + '/ho-so/%s/@@chi-tiet' % code)
    files = [a['href'] for a in detail.html.select('a[href*="@@tep/"]')]
    assert files, 'a submitted dossier has the citizen\'s files'
    download = app.get(files[0])
    assert download.headers['Content-Disposition'].startswith('attachment')
    logout(app)
    login(app, 'quantri.hn')
    rows, total, _p = search(app, ma=code, tu_ngay=TODAY)
    actions = [(r['Hành động'], r['Người dùng']) for r in rows]
    assert ('Xem hồ sơ', 'hotro.bd') in actions
    assert ('Xem tệp của hồ sơ', 'hotro.bd') in actions
    assert any('file: ' in r['Chi tiết'] for r in rows)


def test_scope_of_each_administrator(app):
    """A Cục admin sees its subtree's entries only; the Tổng cục's see
    all; an officer cannot open the screen."""
    root, closer = open_root(app)
    try:
        regional = [(name, agency.__parent__.__name__)
                    for name, agency, role in regional_logins(root)
                    if role == 'officer']
    finally:
        closer()
    other = [name for name, cuc in regional if cuc == 'cuc-thads-hai-phong']
    assert other
    login(app, other[0], 'Sai@mat-khau1')
    login(app, 'hotro.bd', 'Sai@mat-khau1')
    login(app, 'quantri.hn')
    rows, _t, _p = search(app, hanh_dong='login.failure', tu_ngay=TODAY)
    assert [r['Người dùng'] for r in rows] == ['hotro.bd']
    # nor by asking for it by name, nor by another Cục's code
    rows, total, _p = search(app, nguoi_dung=other[0], tu_ngay=TODAY)
    assert total == 0
    _r, _t, page = search(app, don_vi='HP', tu_ngay=TODAY)
    assert 'Không có đơn vị nào thuộc phạm vi của bạn có mã này.' in \
        page.text
    app.get('/manage/thads/cuc-thads-hai-phong/@@nhat-ky', status=403)
    logout(app)
    login(app, 'quantri.tc')
    rows, _t, _p = search(app, path='/manage/thads',
                          hanh_dong='login.failure', tu_ngay=TODAY)
    assert sorted(r['Người dùng'] for r in rows) == sorted(
        ['hotro.bd', other[0]])
    logout(app)
    # a Chi cục admin: its own agency only
    login(app, 'quantri.bd')
    app.get(HANOI + '/@@nhat-ky', status=403)
    rows, _t, _p = search(app, path=BA_DINH, hanh_dong='login.failure',
                          tu_ngay=TODAY)
    assert [r['Người dùng'] for r in rows] == ['hotro.bd']
    logout(app)
    # officers and leaders: no screen
    for name in ('hotro.bd', 'lanhdao.bd', 'hotro.hn'):
        login(app, name)
        page = app.get(BA_DINH + '/@@nhat-ky', status=403)
        assert 'Đăng nhập thất bại' not in page.text
        logout(app)


def test_bad_filters_keep_the_input(app):
    login(app, 'quantri.hn')
    rows, total, page = search(app, tu_ngay='32/13/2026',
                               nguoi_dung='hotro.bd')
    assert 'Nhập ngày theo dạng dd/mm/yyyy.' in page.text
    assert page.html.select_one('#nguoi-dung')['value'] == 'hotro.bd'
    assert page.html.select_one('#tu-ngay')['value'] == '32/13/2026'
    _r, _t, page = search(app, tu_ngay='18/06/2027', den_ngay='01/06/2027')
    assert 'Ngày kết thúc trước ngày bắt đầu.' in page.text
    # escaped output: a login with markup typed in the login form
    logout(app)
    login(app, '<b>x</b>', 'Sai@mat-khau1')
    login(app, 'quantri.tc')
    rows, _t, page = search(app, path='/manage/thads',
                            nguoi_dung='<b>x</b>', tu_ngay=TODAY)
    assert rows[0]['Người dùng'] == '<b>x</b>'
    assert '<b>x</b>' not in page.text


def test_paging_and_export_hold_the_filtered_entries(indexed_app):
    app = indexed_app
    for _i in range(3):
        login(app, 'hotro.bd', 'Sai@mat-khau1')
    login(app, 'quantri.hn')
    code, _s = ba_dinh_dossier(app)
    for _i in range(55):
        app.get(BA_DINH + '/ho-so/%s/@@chi-tiet' % code, status=403)
    rows, total, page = search(app, hanh_dong='access.denied',
                               tu_ngay=TODAY)
    assert total == 55 and len(rows) == 50
    assert 'trang 1/2' in page.text
    second = app.get(page.html.select_one('a[rel=next]')['href'])
    assert len(second.html.select('#audit tbody tr')) == 5
    export = app.get(HANOI + '/@@nhat-ky', params={
        'hanh-dong': 'login.failure', 'tu-ngay': TODAY, 'den-ngay': TODAY,
        'xuat': 'xlsx'})
    assert export.content_type.endswith('spreadsheetml.sheet')
    sheet = openpyxl.load_workbook(io.BytesIO(export.body)).active
    values = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(values) == 3
    assert {v[1] for v in values} == {'hotro.bd'}
    assert {v[4] for v in values} == {'Đăng nhập thất bại'}
    assert all(v[0].date() == datetime.date(2027, 6, 18) for v in values)


def test_concurrent_writers_never_conflict(app):
    """Thirty-two threads, each its own connection and transaction,
    append entries at once (the newest layer's and the journal's
    conflicts are merged): no ConflictError, no entry lost, and the
    indexer finds them all."""
    registry = app.app.registry
    db = registry._zodb_databases['audit']
    threads, rounds = 32, 10
    barrier = threading.Barrier(threads)
    errors = []

    def writer(number):
        manager = transaction.TransactionManager()
        conn = db.open(transaction_manager=manager)
        try:
            for step in range(rounds):
                manager.begin()
                store = audit.ensure_store(conn.root())
                item = (audit.micros(audit.utcnow()), 'luong-%d' % number,
                        None, '10.0.0.%d' % number, 'login.failure', None,
                        '', '', '', None)
                store.push(item)
                if step == 0:
                    barrier.wait(20)
                try:
                    manager.commit()
                except ConflictError as e:
                    errors.append(e)
                    manager.abort()
        finally:
            conn.close()
    workers = [threading.Thread(target=writer, args=(n,))
               for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert errors == []
    assert audit.index_if_due(registry, force=True) >= threads * rounds
    manager = transaction.TransactionManager()
    conn = db.open(transaction_manager=manager)
    try:
        store = audit.find_store(conn.root())
        assert list(store.pending()) == []
        for n in (0, threads - 1):
            total, entries = audit.search(store, audit.Query(
                user='luong-%d' % n))
            assert total == rounds
            assert {e.address for e in entries} == {'10.0.0.%d' % n}
    finally:
        conn.close()
