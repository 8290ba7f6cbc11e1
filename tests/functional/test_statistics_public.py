"""Thống kê, the public page (A5): without login, any agency and period,
the staff table's figures, the small-unit rule (no line of fewer than N
dossiers of identifiable Chi cục), no personal data, and a Vietnamese
page whatever the query string."""
import datetime
import re

import pytest
import time_machine
import transaction
from substanced.util import find_catalog

from httttha.services.demo import demo_dossiers

from ..conftest import LIVING_NOW, login, open_root
from .submission import submit_dossier
from .test_back_office import browser
from .test_statistics import table

URL = '/thong-ke'
TC, HN, BA_DINH, HOAN_KIEM = 'TC', '01', '001', '002'
HN_TITLE = 'Cục Thi hành án dân sự thành phố Hà Nội'
BD_TITLE = 'Chi cục Thi hành án dân sự quận Ba Đình'
HK_TITLE = 'Chi cục Thi hành án dân sự quận Hoàn Kiếm'
#: Vietnam's afternoon of the day the demo data was made
NOW = LIVING_NOW + datetime.timedelta(hours=5)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def app(living_app_factory, clock):
    return living_app_factory(**{'httttha.captcha': 'false'})


def staff_table(app, name, path):
    staff = browser(app)
    login(staff, name)
    return table(staff.get('/manage/thads' + path + '/@@thong-ke'))


def public(app, **query):
    """The public page, as an anonymous visitor."""
    app.reset()
    return app.get(URL, params=query)


def test_the_public_figures_are_the_staff_tables(app):
    # the whole country (the default): a line per Cục, no login
    page = public(app)
    assert page.html.select_one('#stats-agency option[selected]')[
        'value'] == TC
    rows = table(page)
    staff = staff_table(app, 'theodoi.tc', '')
    assert rows[HN_TITLE] == staff[HN_TITLE]
    assert rows['Tổng cộng'] == staff['Tổng cộng']
    assert rows['Tổng cộng']['total'] == len(demo_codes(app))
    assert rows[HN_TITLE]['total'] == 54    # Hà Nội 26, Ba Đình 28
    assert rows['Tổng cộng']['overdue'] > 0

    # a click on the Cục: its Chi cục, for the same period
    link = page.html.find('a', string=HN_TITLE)['href']
    assert 'co-quan=01' in link and 'ky=nam' in link
    page = app.get(link)
    rows = table(page)
    staff = staff_table(app, 'lanhdao.hn', '/cuc-thads-ha-noi')
    assert rows[BD_TITLE] == staff[BD_TITLE]
    assert rows['Tại đơn vị'] == staff['Tại đơn vị']
    assert rows['Tổng cộng'] == staff['Tổng cộng']
    # Hà Nội's other Chi cục received nothing: no line of theirs
    assert set(rows) == {'Tại đơn vị', BD_TITLE, 'Tổng cộng'}
    assert page.html.find('a', string=BD_TITLE) is None
    assert 'dưới 10 hồ sơ' in page.html.select_one('#stats-rule').text

    # a period: January 2026 by month equals the staff page's
    page = public(app, **{'co-quan': HN, 'ky': 'thang', 'nam': '2026',
                          'thang': '2'})
    staff = browser(app)
    login(staff, 'lanhdao.hn')
    staff_rows = table(staff.get('/manage/thads/cuc-thads-ha-noi/@@thong-ke'
                                 '?ky=thang&nam=2026&thang=2'))
    assert table(page)['Tổng cộng'] == staff_rows['Tổng cộng']
    assert '01/02/2026' in page.html.select_one('#stats-scope').text


def test_small_chi_cuc_are_pooled(living_app_factory, clock):
    app = living_app_factory(**{'httttha.captcha': 'false',
                                'httttha.public_stats_min': '30'})
    # Ba Đình has 28 dossiers, Hoàn Kiếm gets 2: both under 30
    for _i in range(2):
        submit_dossier(app, 'HTTT01', HOAN_KIEM)
    rows = table(public(app, **{'co-quan': HN}))
    assert BD_TITLE not in rows and HK_TITLE not in rows
    # together they reach 30: one pooled line
    assert rows['Các đơn vị khác (dưới 30 hồ sơ)']['total'] == 30
    assert rows['Tại đơn vị']['total'] == 26
    assert rows['Tổng cộng']['total'] == 56

    # a small Chi cục's own page shows no figures
    for code in (BA_DINH, HOAN_KIEM):
        page = public(app, **{'co-quan': code})
        assert page.html.select_one('#stats') is None
        assert ('Số liệu của đơn vị dưới 30 hồ sơ trong kỳ không được '
                'công bố riêng.') in ' '.join(
                    page.html.select_one('#stats-withheld').text.split())
        assert 'Tổng cộng' not in page.text


def test_a_small_pool_is_merged_into_the_cucs_own_line(living_app_factory,
                                                        clock):
    app = living_app_factory(**{'httttha.captcha': 'false'})
    for _i in range(2):
        submit_dossier(app, 'HTTT01', HOAN_KIEM)
    rows = table(public(app, **{'co-quan': HN}))
    assert HK_TITLE not in rows
    assert rows['Tại đơn vị và các đơn vị dưới 10 hồ sơ']['total'] == 28
    assert rows[BD_TITLE]['total'] == 28
    assert rows['Tổng cộng']['total'] == 56
    assert all(row['total'] >= 10 for row in rows.values())
    # Hoàn Kiếm's own page: withheld; Ba Đình's: its table
    page = public(app, **{'co-quan': HOAN_KIEM})
    assert page.html.select_one('#stats') is None
    assert page.html.select_one('#stats-withheld') is not None
    page = public(app, **{'co-quan': BA_DINH})
    assert table(page)['Tổng cộng']['total'] == 28
    assert page.html.select_one('#stats-withheld') is None


def demo_codes(app):
    return list(demo_dossiers_of(app))


def demo_dossiers_of(app):
    """{code: (applicant's name, phone)} of every dossier."""
    root, closer = open_root(app)
    try:
        catalog = find_catalog(root, 'httttha')
        found = {}
        for dossier in catalog['procedure'].any(
                ['HTTT01', 'HTTT02', 'HTTT03']).execute():
            found[dossier.code] = (dossier.applicant_name,
                                   dossier.applicant.get('phone', ''))
        assert set(demo_dossiers(root).values()) <= set(found)
        return found
    finally:
        transaction.abort()
        closer()


def test_no_personal_data(app):
    dossiers = demo_dossiers_of(app)
    assert len(dossiers) > 50
    pages = [public(app, **query).text for query in (
        {}, {'co-quan': HN}, {'co-quan': BA_DINH},
        {'co-quan': HN, 'ky': 'khoang', 'tu-ngay': '01/01/2026',
         'den-ngay': '31/03/2026'})]
    for text in pages:
        digits = re.sub(r'\D', '', text)
        for code, (name, phone) in dossiers.items():
            assert code not in text
            assert name not in text
            assert not phone or re.sub(r'\D', '', phone) not in digits


def test_bad_range_keeps_the_form(app):
    query = {'co-quan': HN, 'ky': 'khoang', 'tu-ngay': '31/03/2026',
             'den-ngay': '01/03/2026'}
    page = public(app, **query)
    error = page.html.select_one('#den-ngay-error').text
    assert error == 'Ngày bắt đầu không được sau ngày kết thúc.'
    assert page.html.select_one('#tu-ngay')['value'] == '31/03/2026'
    assert page.html.select_one('#den-ngay')['value'] == '01/03/2026'
    assert page.html.select_one('#ky option[selected]')['value'] == 'khoang'
    assert page.html.select_one('#stats-agency option[selected]')[
        'value'] == HN
    assert 'Kỳ thống kê chưa hợp lệ' in page.html.select_one(
        '#stats-error').text
    # the table shows the current reporting year meanwhile
    assert '01/10/2025' in page.html.select_one('#stats-scope').text


def test_bad_date_keeps_the_form(app):
    # a date that is no date: the message next to it, what was typed kept
    page = public(app, ky='khoang', **{'tu-ngay': '32/13/2026',
                                       'den-ngay': '01/03/2026'})
    assert page.html.select_one('#tu-ngay-error').text.startswith(
        'Nhập ngày theo dạng dd/mm/yyyy')
    assert page.html.select_one('#tu-ngay')['value'] == '32/13/2026'


@pytest.mark.parametrize('query', [
    {'ky': 'xyz'}, {'nam': 'abc'}, {'thang': '13', 'ky': 'thang'},
    {'quy': '-1', 'ky': 'quy'}, {'nam': '99999999999999999999'},
    {'co-quan': '<script>alert(1)</script>'}, {'co-quan': 'x' * 500},
    {'tu-ngay': '<b>x</b>', 'den-ngay': '', 'ky': 'khoang'},
    {'ky': ['nam', 'thang']}, {'co-quan': '', 'ky': ''},
])
def test_malformed_queries_get_a_page(app, query):
    app.reset()
    page = app.get(URL, params=query)
    assert page.status_int == 200
    assert page.html.select_one('h1').text == (
        'Thống kê hồ sơ hỗ trợ trực tuyến')
    assert '<script>alert' not in page.text and '<b>x</b>' not in page.text
    # a figure table or the message why, never an empty page
    assert page.html.select_one('#stats') is not None
    if 'co-quan' in query and query['co-quan']:
        assert page.html.select_one('#stats-agency-error').text == (
            'Không có đơn vị nào có mã này: bảng hiển thị số liệu toàn quốc.')
        assert table(page)['Tổng cộng']['total'] > 0
    if query.get('ky') in ('xyz',) or 'nam' in query:
        assert page.html.select_one('#stats-error') is not None


def test_menu_and_agency_pages_link_to_it(app):
    home = app.get('/')
    link = home.html.select_one('#menu').find('a', string='Thống kê')
    assert link['href'].endswith(URL)
    page = app.get(link['href'])
    assert page.html.select_one('h1').text == (
        'Thống kê hồ sơ hỗ trợ trực tuyến')
    # each agency's page links to its own statistics
    agency = app.get('/thads/cuc-thads-ha-noi')
    link = agency.html.select_one('#agency-statistics')['href']
    assert link.endswith(URL + '?co-quan=01')
    page = app.get(link)
    assert page.html.select_one('#stats-agency option[selected]')[
        'value'] == HN
    assert HN_TITLE in page.html.select_one('#stats-scope').text
    assert table(page)[BD_TITLE]['total'] == 28


def test_visitors_get_the_page_reused_staff_a_fresh_one(
        living_app_factory, clock):
    """With the production setting, a visitor's page is rendered once a
    minute per address: a new dossier shows in the staff's statistics at
    once, on the public page after that (the same bytes meanwhile)."""
    app = living_app_factory(**{'httttha.captcha': 'false',
                                'httttha.public_stats_cache_seconds': '60'})
    path = '/thong-ke?co-quan=' + HN
    first = app.get(path)
    submit_dossier(app, 'HTTT01', BA_DINH)
    again = app.get(path)
    assert again.body == first.body
    # another address is another page
    other = app.get('/thong-ke?co-quan=' + HN + '&ky=nam')
    assert other.html.select_one('#stats') is not None
    staff = browser(app)
    login(staff, 'theodoi.tc')
    fresh = table(staff.get('/manage/thads/cuc-thads-ha-noi/@@thong-ke'))
    assert fresh['Tổng cộng']['total'] == table(first)['Tổng cộng'][
        'total'] + 1
