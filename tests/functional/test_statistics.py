"""Thống kê (B12): the counters behind the statistics follow every
submission and step, each level sees its own subtree, and the table is
what the catalog says."""
import datetime

import pytest
import transaction

from httttha.content.dossier import local_time
from httttha.services import statistics

from ..conftest import login, open_root
from .submission import BA_DINH, CUC_HN, staff_act, submit_dossier
from .test_back_office import browser

CUC_PATH = '/manage/thads/cuc-thads-ha-noi'
TOP_PATH = '/manage/thads'
#: the table's columns after the unit: total, online, counter, the five
#: state groups, on time, late
COLUMNS = ('total', 'online', 'counter', 'waiting', 'citizen',
           'processing', 'completed', 'refused', 'on_time', 'late')


@pytest.fixture
def app(app_factory):
    return app_factory(**{'httttha.captcha': 'false'})


def table(page):
    """{row title: {column: number}} of the statistics table."""
    result = {}
    for tr in page.html.select('#stats tbody tr, #stats tfoot tr'):
        title = ' '.join(tr.find('th').get_text().split())
        numbers = [int(td.get_text().replace('.', ''))
                   for td in tr.find_all('td')]
        result[title] = dict(zip(COLUMNS, numbers))
    return result


def staff_page(app, name, path, status=200):
    staff = browser(app)
    login(staff, name)
    return staff.get(path, status=status)


@pytest.mark.clock
def test_counts_follow_submissions_and_steps_per_scope(app):
    accepted = submit_dossier(app, 'HTTT01', BA_DINH)
    submit_dossier(app, 'HTTT03', BA_DINH)
    submit_dossier(app, 'HTTT02', CUC_HN)
    staff_act(app, 'hotro.bd', accepted, 'accept')

    # the Cục leader: its own line and its Chi cục, split by procedure
    page = staff_page(app, 'lanhdao.hn', CUC_PATH + '/@@thong-ke?theo=thu-tuc')
    rows = table(page)
    ba_dinh = rows['Chi cục Thi hành án dân sự quận Ba Đình']
    assert ba_dinh['total'] == 2 and ba_dinh['online'] == 2
    assert ba_dinh['waiting'] == 1 and ba_dinh['processing'] == 1
    assert rows['Tại đơn vị']['total'] == 1
    assert rows['Tổng cộng']['total'] == 3
    # the procedure lines under Ba Đình, in order
    lines = [' '.join(tr.find('th').get_text().split())
             for tr in page.html.select('#stats tbody tr')]
    at = lines.index('Chi cục Thi hành án dân sự quận Ba Đình')
    assert lines[at + 1:at + 4] == ['HTTT01', 'HTTT02', 'HTTT03']

    # the Tổng cục: one line per Cục, the Cục Hà Nội's subtree summed
    rows = table(staff_page(app, 'theodoi.tc', TOP_PATH + '/@@thong-ke'))
    assert rows['Cục Thi hành án dân sự thành phố Hà Nội']['total'] == 3
    assert rows['Tổng cộng']['processing'] == 1

    # completion moves the dossier and counts it on time
    staff_act(app, 'hotro.bd', accepted, 'receive_originals')
    staff_act(app, 'hotro.bd', accepted, 'return_confirmation')
    rows = table(staff_page(app, 'lanhdao.bd',
                            CUC_PATH + '/chi-cuc-thads-ba-dinh/@@thong-ke'))
    assert rows['Tổng cộng']['completed'] == 1
    assert rows['Tổng cộng']['on_time'] == 1
    assert rows['Tổng cộng']['processing'] == 0

    # the store is what a count from the catalog gives
    root, close = open_root(app)
    try:
        kept = dict(statistics.find_store(root).counted.items())
        rebuilt = statistics.rebuild(root, root['catalogs']['httttha'])
        assert dict(rebuilt.counted.items()) == kept and len(kept) == 3
    finally:
        transaction.abort()
        close()


@pytest.mark.clock
def test_by_state_and_bad_year(app):
    submit_dossier(app, 'HTTT01', BA_DINH)
    page = staff_page(app, 'lanhdao.hn', CUC_PATH +
                      '/@@thong-ke?nam=abc&theo=chi-cuc,trang-thai')
    assert '"abc" không phải là số' in page.text
    current = statistics.reporting_year(local_time().date())
    assert page.html.select_one('#nam option[selected]')['value'] == str(
        current)
    headers = [th.get_text().strip() for th in page.html.select(
        '#stats thead tr')[1].find_all('th')]
    # online, at the counter, the twelve states, on time, late
    assert len(headers) == 16 and 'Cần bổ sung, sửa đổi' in headers
    assert table(page)['Tổng cộng']['total'] == 1


@pytest.mark.parametrize('name,path', [
    ('hotro.bd', CUC_PATH + '/chi-cuc-thads-ba-dinh/@@thong-ke'),
    ('lanhdao.bd', CUC_PATH + '/@@thong-ke'),
    ('lanhdao.hn', TOP_PATH + '/@@thong-ke'),
])
def test_statistics_are_scoped(app, name, path):
    submit_dossier(app, 'HTTT01', BA_DINH)
    page = staff_page(app, name, path, status=403)
    # no figure of another scope leaks into the refusal
    assert page.html.select_one('#stats') is None
    assert 'Thống kê hồ sơ' not in page.text


def test_reporting_year():
    assert statistics.reporting_year(datetime.date(2025, 9, 30)) == 2025
    assert statistics.reporting_year(datetime.date(2025, 10, 1)) == 2026
    assert statistics.year_bounds(2026) == (datetime.date(2025, 10, 1),
                                            datetime.date(2026, 9, 30))
