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
#: state groups, on time, late, open and overdue today
COLUMNS = ('total', 'online', 'counter', 'waiting', 'citizen',
           'processing', 'completed', 'refused', 'on_time', 'late',
           'overdue')


@pytest.fixture
def app(app_factory):
    return app_factory(**{'httttha.captcha': 'false'})


def table(page, columns=COLUMNS):
    """{row title: {column: number}} of the statistics table (of the state
    groups: the table by state has other columns)."""
    result = {}
    for tr in page.html.select('#stats tbody tr, #stats tfoot tr'):
        title = ' '.join(tr.find('th').get_text().split())
        numbers = [int(td.get_text().replace('.', ''))
                   for td in tr.find_all('td')]
        assert columns is None or len(numbers) == len(columns)
        result[title] = dict(zip(columns or COLUMNS, numbers))
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
    assert table(page, columns=None)['Tổng cộng']['total'] == 1


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


def chart_table(page, id):
    """[(label, number)] of a chart's data table."""
    return [(' '.join(tr.th.get_text().split()),
             int(tr.td.get_text().replace('.', '')))
            for tr in page.html.select('#%s-data tbody tr' % id)]


def test_the_charts_of_a_period_match_its_table(living_app):
    page = staff_page(living_app, 'lanhdao.hn',
                      CUC_PATH + '/@@thong-ke?ky=nam&nam=2026')
    rows = table(page)
    figures = page.html.select('figure.chart')
    assert [f['id'] for f in figures] == [
        'chart-months', 'chart-procedures', 'chart-timeliness',
        'chart-units']
    titles = [' '.join(f.figcaption.strong.get_text().split())
              for f in figures]
    assert titles == ['Hồ sơ tiếp nhận theo tháng',
                      'Hồ sơ tiếp nhận theo thủ tục',
                      'Hồ sơ giải quyết đúng hạn, quá hạn',
                      'Hồ sơ tiếp nhận theo đơn vị']
    for figure, title in zip(figures, titles):
        svg = figure.find('svg')
        assert svg['role'] == 'img'
        assert svg.find('title').get_text() == title
        assert figure.find('script') is None and figure.find('style') is None
        assert not figure.select('[style]')
        assert figure.table.caption.get_text() == (
            'Số liệu của biểu đồ “%s”' % title)
        assert [th['scope'] for th in figure.table.select('thead th')] == [
            'col', 'col']

    # the same figures as the statistics table, month by month
    total = rows['Tổng cộng']
    months = chart_table(page, 'chart-months')
    assert [label for label, _n in months] == [
        '10/2025', '11/2025', '12/2025'] + ['%02d/2026' % m
                                            for m in range(1, 10)]
    assert sum(n for _l, n in months) == total['total'] > 0
    assert sum(n for _l, n in chart_table(page, 'chart-procedures')) == (
        total['total'])
    timeliness = dict(chart_table(page, 'chart-timeliness'))
    assert timeliness['Đúng hạn'] == total['on_time']
    assert timeliness['Quá hạn'] == total['late']
    units = chart_table(page, 'chart-units')
    assert units == sorted(
        [(title, row['total']) for title, row in rows.items()
         if title != 'Tổng cộng'], key=lambda unit: -unit[1])[:10]
    assert 'nhiều nhất là Chi cục Thi hành án dân sự quận Ba Đình' in (
        page.html.select_one('#chart-units figcaption').get_text())

    # the stylesheet pygal would have put inline, from our own origin
    link = page.html.select_one('link[href*="charts.css"]')
    css = living_app.get(link['href'])
    assert css.content_type == 'text/css' and '.pygal-chart' in css.text
