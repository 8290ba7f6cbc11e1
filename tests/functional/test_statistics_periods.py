"""Thống kê (B12) on the living database: any period, the same period a
year earlier, the Excel workbook holding the page's numbers, the
petitions by classification, the survey, and a bad range answered in
Vietnamese with the form kept."""
import datetime
import io

import openpyxl
import pytest
import time_machine

from ..conftest import LIVING_NOW, login
from .test_back_office import browser

HANOI = '/manage/thads/cuc-thads-ha-noi'
TOP = '/manage/thads'
#: the living data's reporting year (1/10/2025 - 30/9/2026)
YEAR = '2026'


@pytest.fixture
def app(living_app_factory):
    with time_machine.travel(LIVING_NOW, tick=True):
        yield living_app_factory()


def page_table(page):
    """{row title: [numbers]} of the statistics table, and its headers."""
    heads = [' '.join(th.get_text().split())
             for th in page.html.select('#stats thead tr')[1].find_all('th')]
    rows = {}
    for tr in page.html.select('#stats tbody tr, #stats tfoot tr'):
        title = ' '.join(tr.find('th').get_text().split())
        rows[title] = [int(td.get_text().replace('.', '') or 0)
                       for td in tr.find_all('td')]
    return heads, rows


def staff(app, name):
    client = browser(app)
    login(client, name)
    return client


def test_excel_holds_the_numbers_of_the_page_and_is_audited(app):
    leader = staff(app, 'lanhdao.hn')
    params = {'ky': 'nam', 'nam': YEAR, 'theo': 'thu-tuc'}
    page = leader.get(HANOI + '/@@thong-ke', params=params)
    _heads, rows = page_table(page)
    assert rows['Tổng cộng'][0] > 0
    export = leader.get(HANOI + '/@@thong-ke',
                        params=dict(params, format='xlsx'))
    assert export.content_type.endswith('spreadsheetml.sheet')
    assert 'thong-ke-' in export.headers['Content-Disposition']
    sheet = openpyxl.load_workbook(io.BytesIO(export.body)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0].startswith('Thống kê hồ sơ')
    assert values[1][0] == ('Đơn vị: Cục Thi hành án dân sự thành phố Hà '
                            'Nội (gồm các đơn vị trực thuộc)')
    assert values[2][0] == ('Kỳ thống kê: Năm công tác (12 tháng), '
                            '01/10/2025 – 30/09/2026')
    assert values[3][0].startswith('Ngày trích xuất số liệu: 16/03/2026')
    assert values[5][:3] == ('Đơn vị', 'Tổng số', 'Trực tuyến')
    sheet_rows = {' '.join(str(v[0]).split()).split(' - ')[0]: list(v[1:])
                  for v in values[6:]}
    # numbers as numbers, the same as the page's, line by line
    assert len(sheet_rows) == len(rows)
    for title, numbers in rows.items():
        assert sheet_rows[title] == numbers, title
        assert all(isinstance(n, int) for n in sheet_rows[title])
    # the download is in the audit trail of the Cục
    admin = staff(app, 'quantri.hn')
    trail = admin.get(HANOI + '/@@nhat-ky', params={
        'hanh-dong': 'statistics.export', 'tu-ngay': '16/03/2026',
        'den-ngay': '16/03/2026'})
    entries = trail.html.select('#audit tbody tr')
    assert len(entries) == 1 and 'lanhdao.hn' in entries[0].get_text()
    assert 'Xuất số liệu thống kê ra Excel' in entries[0].get_text()


def test_periods_compare_and_drill_down(app):
    viewer = staff(app, 'theodoi.tc')
    year = page_table(viewer.get(TOP + '/@@thong-ke', params={
        'ky': 'nam', 'nam': YEAR}))[1]
    quarters = [page_table(viewer.get(TOP + '/@@thong-ke', params={
        'ky': 'quy', 'nam': y, 'quy': q}))[1]['Tổng cộng'][0]
        for y, q in (('2025', '4'), ('2026', '1'), ('2026', '2'),
                     ('2026', '3'))]
    # the four calendar quarters of the reporting year make the year
    assert sum(quarters) == year['Tổng cộng'][0] > 0
    months = [page_table(viewer.get(TOP + '/@@thong-ke', params={
        'ky': 'thang', 'nam': '2026', 'thang': m}))[1]['Tổng cộng'][0]
        for m in ('1', '2', '3')]
    assert sum(months) == quarters[1]
    ranged = viewer.get(TOP + '/@@thong-ke', params={
        'ky': 'khoang', 'tu-ngay': '01/01/2026', 'den-ngay': '31/03/2026',
        'theo': 'so-sanh'})
    heads, rows = page_table(ranged)
    assert rows['Tổng cộng'][0] == quarters[1]
    assert 'Cùng kỳ năm trước' in ranged.text
    assert '01/01/2026' in ranged.html.select_one('#stats caption').text
    # a Cục's line links to its Chi cục, for the same period
    link = ranged.html.find('a', string='Cục Thi hành án dân sự thành phố '
                            'Hà Nội')
    assert 'tu-ngay=01%2F01%2F2026' in link['href']
    hanoi = viewer.get(link['href'])
    _heads, hanoi_rows = page_table(hanoi)
    assert hanoi_rows['Tổng cộng'][0] == rows[
        'Cục Thi hành án dân sự thành phố Hà Nội'][0]
    assert any(title.startswith('Chi cục') for title in hanoi_rows)
    # the petitions by classification and the survey
    assert hanoi.html.select('.stats-classes caption')
    survey = viewer.get(HANOI + '/@@thong-ke', params={
        'ky': 'nam', 'nam': YEAR, 'theo': 'danh-gia'})
    assert survey.html.select_one('#stats-survey') is not None


@pytest.mark.parametrize('params,field,message', [
    ({'tu-ngay': '31/03/2026', 'den-ngay': '01/01/2026'}, 'den-ngay',
     'Ngày bắt đầu không được sau ngày kết thúc.'),
    ({'tu-ngay': '32/13/2026', 'den-ngay': '01/01/2026'}, 'tu-ngay',
     'Nhập ngày theo dạng dd/mm/yyyy, ví dụ 01/10/2026.'),
    ({'tu-ngay': '01/01/2000', 'den-ngay': '01/01/2026'}, 'den-ngay',
     'Khoảng thời gian thống kê tối đa là mười năm.'),
])
def test_a_bad_range_is_answered_in_vietnamese_with_the_form_kept(
        app, params, field, message):
    leader = staff(app, 'lanhdao.hn')
    page = leader.get(HANOI + '/@@thong-ke',
                      params=dict(params, ky='khoang', theo='thu-tuc'))
    assert page.html.select_one('#%s-error' % field).text.strip() == message
    assert page.html.select_one('#tu-ngay')['value'] == params['tu-ngay']
    assert page.html.select_one('#den-ngay')['value'] == params['den-ngay']
    assert page.html.select_one('#ky option[selected]')['value'] == 'khoang'
    assert page.html.select_one('input[value=thu-tuc]').has_attr('checked')
    # no export of a period that does not exist
    assert page.html.select_one('#export') is None


def test_a_chi_cuc_leader_sees_only_the_chi_cuc(app):
    leader = staff(app, 'lanhdao.bd')
    own = leader.get(HANOI + '/chi-cuc-thads-ba-dinh/@@thong-ke')
    assert own.html.select_one('#stats') is not None
    for path in (HANOI, HANOI + '/chi-cuc-thads-hoan-kiem', TOP):
        refused = leader.get(path + '/@@thong-ke?format=xlsx', status=403)
        assert refused.html.select_one('#stats') is None
        assert not refused.content_type.endswith('sheet')


def test_malformed_queries_answer_the_page_with_a_message(app):
    """Forged or mistyped queries never answer 500: the page comes back
    with the current reporting year and, for a field, a Vietnamese
    message beside it."""
    leader = staff(app, 'lanhdao.hn')
    for params, field in (
            ({'ky': 'xyz'}, 'ky'), ({'ky': 'thang', 'thang': '13'}, 'thang'),
            ({'ky': 'quy', 'quy': '0'}, 'quy'), ({'nam': '99999'}, 'nam'),
            ({'ky': 'khoang', 'tu-ngay': '<script>x</script>',
              'den-ngay': '01/01/2026'}, 'tu-ngay')):
        page = leader.get(HANOI + '/@@thong-ke',
                          params=dict(params, theo='<b>', format='xlsx'))
        assert page.content_type == 'text/html'
        assert page.html.select_one('#stats-error') is not None, params
        # the message stands beside the field, in Vietnamese
        message = page.html.select_one('#%s-error' % field).text.strip()
        assert message and not message.isascii(), (params, message)
        assert page.html.select_one('#stats caption').text.endswith(
            '30/09/2026'), params
        assert '<script>x' not in page.text
    # a dimension that does not exist is left out, not an error
    page = leader.get(HANOI + '/@@thong-ke', params={'theo': 'xyz,thu-tuc'})
    assert page.html.select_one('#stats-error') is None
    assert 'HTTT01' in page.html.select_one('#stats tbody').text
