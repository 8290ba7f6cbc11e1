"""Báo cáo trực tuyến (issue 18 item 3, Công văn 1607/TCTHADS-VP Phụ lục
3): every logged-in official lists, searches, opens and downloads the
published reports, and exports the list as filtered; a pending report is
nobody's but its administrators'."""
import datetime
import io
import re

import openpyxl
import pytest

from ..conftest import login, open_root
from .reports import PENDING, add_reports

TOP = '/manage/thads'
LIST = TOP + '/@@bao-cao-truc-tuyen'
HANOI = ('thads', 'cuc-thads-ha-noi')
HAIPHONG = ('thads', 'cuc-thads-hai-phong')
HANOI_URL = '/manage/thads/cuc-thads-ha-noi'


def text(page, selector):
    found = page.html.select_one(selector)
    return re.sub(r'\s+', ' ', found.get_text()).strip() if found else None


def rows(page):
    """The list's rows as the cells' texts."""
    return [[re.sub(r'\s+', ' ', td.get_text()).strip()
             for td in tr.select('td')]
            for tr in page.html.select('#reports tbody tr')
            if len(tr.select('td')) == 7]


def numbers(page):
    return [row[1] for row in rows(page)]


@pytest.fixture
def reports_app(living_app):
    """The living database with Hà Nội's monthly report of October 2026
    and 6-month report (published), Hải Phòng's (published), and Hà
    Nội's report of November 2026, still pending."""
    add_reports(living_app, [
        dict(agency_path=HANOI, name='bc-thang-10', number='120/BC-CTHADS',
             title='Kết quả công tác THADS, HC tháng 10 năm 2026',
             summary='Tổng hợp số liệu thi hành án tháng mười',
             issued=datetime.date(2026, 11, 8), creator_login='baocao.hn',
             period='thang:2027:10'),
        dict(agency_path=HANOI, name='bc-6-thang', number='45/BC-CTHADS',
             title='Kết quả công tác THADS, HC 6 tháng đầu năm, phương '
                   'hướng, nhiệm vụ 6 tháng cuối năm 2026',
             issued=datetime.date(2026, 4, 14), creator_login='baocao.hn',
             report_type='6_thang', period='6_thang:2026'),
        dict(agency_path=HAIPHONG, name='bc-thang-10', number='77/BC-CTHADS',
             title='Kết quả công tác THADS, HC tháng 10 năm 2026',
             issued=datetime.date(2026, 11, 9), period='thang:2027:10'),
        dict(agency_path=HANOI, name='bc-thang-11', number='130/BC-CTHADS',
             title='Kết quả công tác THADS, HC tháng 11 năm 2026 nháp',
             issued=datetime.date(2026, 12, 9), creator_login='baocao.hn',
             state=PENDING, period='thang:2027:11'),
    ], only=True)
    return living_app


def test_published_reports_listed_and_found_by_every_filter(reports_app):
    app = reports_app
    login(app, 'lanhdao.tc')
    page = app.get(LIST)
    listed = numbers(page)
    # newest Ngày ban hành first; the pending one is not there
    assert listed.index('77/BC-CTHADS') < listed.index('120/BC-CTHADS') < \
        listed.index('45/BC-CTHADS')
    assert '130/BC-CTHADS' not in listed
    row = [r for r in rows(page) if r[1] == '120/BC-CTHADS'][0]
    assert row[2:6] == ['Kết quả công tác THADS, HC tháng 10 năm 2026',
                        '08/11/2026', '10/11/2026', 'Cục THADS Hà Nội']
    assert row[6] == 'PDF DOCX'
    # a keyword typed without diacritics, all its words required
    found = app.get(LIST, params={'tu-khoa': 'ket qua cong tac thang 10'})
    assert sorted(numbers(found)) == ['120/BC-CTHADS', '77/BC-CTHADS']
    found = app.get(LIST, params={'tu-khoa': 'thang muoi'})
    assert numbers(found) == ['120/BC-CTHADS']
    found = app.get(LIST, params={'tu-khoa': '45/bc-cthads'})
    assert numbers(found) == ['45/BC-CTHADS']
    assert app.get(LIST, params={'tu-khoa': 'thang 10 nam 2025'}).html \
        .select_one('#total').get_text() == '0'
    # by unit (the Cục's code), year and month of Ngày ban hành
    found = app.get(LIST, params={'don-vi': '01'})
    assert numbers(found) == ['120/BC-CTHADS', '45/BC-CTHADS']
    found = app.get(LIST, params={'don-vi': '01', 'nam': '2026',
                                  'thang': '4'})
    assert numbers(found) == ['45/BC-CTHADS']
    found = app.get(LIST, params={'nam': '2026', 'thang': '11'})
    assert sorted(numbers(found)) == ['120/BC-CTHADS', '77/BC-CTHADS']
    # the unit list at the side: the Tổng cục and the 63 Cục, by province
    side = page.html.select('#cuc-list a')
    assert len(side) == 63
    names = [a.get_text().strip() for a in side]
    assert names[:3] == ['An Giang', 'Bà Rịa - Vũng Tàu', 'Bắc Giang']
    hanoi = [a for a in side if a.get_text().strip() == 'Hà Nội'][0]
    chosen = app.get(hanoi['href'])
    assert numbers(chosen) == ['120/BC-CTHADS', '45/BC-CTHADS']
    assert chosen.html.select_one('#local-units').has_attr('open')
    # a Cục's own page shows its own reports
    own = app.get(HANOI_URL + '/@@bao-cao-truc-tuyen')
    assert numbers(own) == ['120/BC-CTHADS', '45/BC-CTHADS']


def test_the_list_shows_reports_and_units_as_they_are_now(reports_app):
    # rows and the unit list are kept per process (issue 18's budget):
    # a changed report or a renamed unit is shown changed at once
    import transaction
    from httttha.services.administration.treecache import tree_changed
    app = reports_app
    login(app, 'lanhdao.tc')
    page = app.get(LIST, params={'don-vi': '01'})
    assert [r[2] for r in rows(page)][0] == \
        'Kết quả công tác THADS, HC tháng 10 năm 2026'
    assert text(page, '#cuc-list a.active') == 'Hà Nội'
    assert page.html.select_one('#don-vi option[selected]')['value'] == '01'

    def change(edit):
        root, closer = open_root(app)
        try:
            edit(root['thads']['cuc-thads-ha-noi'])
            transaction.commit()
        finally:
            transaction.abort()
            closer()

    def retitle(hanoi):
        hanoi['bao-cao']['bc-thang-10'].title = 'Báo cáo tháng 10 đã sửa'

    def rename(hanoi):
        hanoi.short_name = 'Cục THA Thủ đô'
        tree_changed(hanoi.__parent__.__parent__)

    change(retitle)
    page = app.get(LIST, params={'don-vi': '01'})
    assert rows(page)[0][2] == 'Báo cáo tháng 10 đã sửa'
    assert rows(page)[0][5] == 'Cục THADS Hà Nội'
    change(rename)
    page = app.get(LIST, params={'don-vi': '01'})
    assert rows(page)[0][5] == 'Cục THA Thủ đô'
    assert app.get(LIST).html.select_one('#cuc-list a.active') is None


def test_a_report_page_and_its_downloads(reports_app):
    app = reports_app
    login(app, 'hotro.bd')      # a Chi cục officer: any official
    page = app.get(LIST, params={'tu-khoa': '120/BC-CTHADS'})
    report = app.get(page.html.select_one('#reports tbody a')['href'])
    assert text(report, '#report-number') == '120/BC-CTHADS'
    assert text(report, '#report-summary') == \
        'Tổng hợp số liệu thi hành án tháng mười'
    assert text(report, '#report-issued') == '08/11/2026'
    assert text(report, '#report-unit') == 'Cục THADS Hà Nội'
    assert text(report, '#report-period') == \
        'Kết quả công tác THADS, HC tháng 10 năm 2026'
    links = report.html.select('#report-files a')
    assert [a.get_text().strip().split(':')[0] for a in links] == \
        ['PDF', 'DOCX']
    signed = app.get(links[0]['href'])
    assert signed.body.startswith(b'%PDF-')
    assert signed.content_disposition.startswith('attachment;')
    assert '120-BC-CTHADS.pdf' in signed.content_disposition
    editable = app.get(links[1]['href'])
    assert editable.body.startswith(b'PK')
    # the list's format icons are the same downloads
    assert [a['href'] for a in page.html.select('#reports .report-format')] \
        == [a['href'] for a in links]


def test_pending_report_is_hidden_from_officials(reports_app):
    app = reports_app
    pending = HANOI_URL + '/bao-cao/bc-thang-11'
    login(app, 'lanhdao.tc')
    assert '130/BC-CTHADS' not in app.get(LIST).text
    assert '130/BC-CTHADS' not in app.get(
        LIST, params={'tu-khoa': 'nhap'}).text
    denied = app.get(pending + '/@@xem-bao-cao', status=403)
    assert '130/BC-CTHADS' not in denied.text
    for name in ('ban-ky', 'van-ban'):
        denied = app.get('%s/%s' % (pending, name), status=403)
        assert not denied.body.startswith((b'%PDF', b'PK'))
    # its administrators read it (the uploader, the Tổng cục's)
    for who in ('baocao.hn', 'baocao.tc'):
        login(app, who)
        page = app.get(pending + '/@@xem-bao-cao')
        assert text(page, '#report-number') == '130/BC-CTHADS'
        assert text(page, '#report-state') == 'Chờ duyệt'
        assert app.get(pending + '/ban-ky').body.startswith(b'%PDF-')
        # and the list of published reports still leaves it out
        assert '130/BC-CTHADS' not in app.get(LIST).text


def test_paging_texts_and_excel_rows_equal_the_list(reports_app):
    app = reports_app
    add_reports(app, [
        dict(agency_path=HAIPHONG, name='kt-%02d' % i,
             number='%d/BC-KTRA' % i,
             title='Báo cáo kiểm tra chuyên đề số %d' % i,
             issued=datetime.date(2025, 1, 1) + datetime.timedelta(days=i),
             report_type='chuyen_de')
        for i in range(1, 24)])
    login(app, 'lanhdao.hn')
    first = app.get(LIST, params={'tu-khoa': 'kiem tra chuyen de'})
    summary = text(first, '#paging-summary')
    assert 'Trang 1 / 2' in summary
    assert 'Kết quả trên 1 trang: 20 / Tổng số: 23' in summary
    assert numbers(first) == ['%d/BC-KTRA' % i for i in range(23, 3, -1)]
    second = app.get(first.html.select_one('a[rel=next]')['href'])
    assert 'Trang 2 / 2' in text(second, '#paging-summary')
    assert [r[0] for r in rows(second)] == ['21', '22', '23']
    assert numbers(second) == ['3/BC-KTRA', '2/BC-KTRA', '1/BC-KTRA']
    # the export: every row of the list as filtered, in its order
    export = app.get(first.html.select_one('#export')['href'])
    assert export.content_type.endswith('spreadsheetml.sheet')
    sheet = openpyxl.load_workbook(io.BytesIO(export.body)).active
    values = [list(v) for v in sheet.iter_rows(values_only=True)]
    header = values.index(['STT', 'Số ký hiệu', 'Tên báo cáo',
                           'Ngày ban hành', 'Ngày nhập', 'Đơn vị',
                           'Định dạng'])
    listed = [[str(c) for c in r] for r in values[header + 1:]]
    shown = rows(first) + rows(second)
    assert [r[:6] for r in listed] == [r[:6] for r in shown]
    assert {r[6] for r in listed} == {'PDF, DOCX'}
    assert {r[6] for r in shown} == {'PDF DOCX'}
    # audited
    from httttha.services.administration import audit
    root, closer = open_root(app)
    try:
        store = audit.find_store(audit.audit_root(root))
        total, entries = audit.search(store, audit.Query(
            action='report.export'))
        assert total == 1 and entries[0].user == 'lanhdao.hn'
        assert entries[0].details['rows'] == 23
    finally:
        closer()


def test_anonymous_gets_the_login_page(reports_app):
    app = reports_app
    for path in (LIST, HANOI_URL + '/bao-cao/bc-thang-10/@@xem-bao-cao',
                 HANOI_URL + '/bao-cao/bc-thang-10/ban-ky'):
        page = app.get(path, status='*')
        if page.status_int == 302:
            page = page.follow()
        assert '120/BC-CTHADS' not in page.text
        assert not page.body.startswith(b'%PDF')
        assert page.html.find('input', {'name': 'password'}) is not None


def test_every_official_reaches_it_in_one_click(reports_app):
    app = reports_app
    for who in ('hotro.bd', 'lanhdao.hn', 'baocao.hn', 'theodoi.tc'):
        landing = login(app, who)
        while landing.status_int == 302:
            landing = landing.follow()
        link = landing.html.select_one('#menu-reports')
        assert link is not None, who
        page = app.get(link['href'])
        assert '120/BC-CTHADS' in numbers(page), who
    # and it is a tab of the agency
    tabs = [a.get_text().strip() for a in app.get(
        HANOI_URL + '/@@bao-cao-truc-tuyen').html.select('.nav-tabs a')]
    assert 'Báo cáo trực tuyến' in tabs


@pytest.mark.parametrize('params', [
    {'nam': 'abc'}, {'thang': '13'}, {'thang': '0'}, {'page': '-1'},
    {'page': 'x'}, {'page': '99999'}, {'don-vi': '<script>alert(1)</script>'},
    {'tu-khoa': '<script>alert(1)</script>'}, {'tu-khoa': '/-/'},
    {'nam': '99999999999999999999'}, {'tu-khoa': 'x' * 5000},
    {'format': 'xlsx', 'nam': 'abc'},
])
def test_malformed_parameters_answer_a_page(reports_app, params):
    app = reports_app
    login(app, 'lanhdao.tc')
    page = app.get(LIST, params=params)
    assert page.status_int == 200
    if params.get('format'):
        assert page.content_type.endswith('spreadsheetml.sheet')
        return
    assert '<script>alert' not in page.text
    assert text(page, 'h1') == 'Báo cáo trực tuyến'
    messages = ' '.join(e.get_text() for e in page.html.select('.error-msg'))
    if 'nam' in params:
        assert 'Năm phải là một số' in messages
        # the other filters still apply: every published report is listed
        assert '120/BC-CTHADS' in numbers(page)
    if params.get('thang') in ('13', '0'):
        assert 'Tháng phải là một số từ 1 đến 12' in messages
    if 'don-vi' in params:
        assert 'Không có đơn vị nào' in messages
    if 'page' in params:
        assert 'Trang 1 / 1' in text(page, '#paging-summary')
