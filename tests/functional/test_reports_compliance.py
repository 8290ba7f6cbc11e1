"""Tình hình đăng tải báo cáo (D4) on the living data: per Cục and period
of the report calendar, on time, late by n days, missing; the Excel
export holds the same rows; each level sees its own scope; the reminder
mail goes once."""
import datetime
import io
import itertools

import openpyxl
import transaction
from substanced.util import get_oid

from httttha.content.report import PENDING, PUBLISHED, Report
from httttha.services.administration import audit
from httttha.services.reports import calendar
from httttha.vntime import VN

from httttha.scripts.report_reminders import main
from httttha.scripts.send_mail import deliver

from ..conftest import close_app, login, open_root
from .test_back_office import browser
from .test_deadline_digest import write_ini
from .test_mail import smtp  # noqa: F401 (the fixture)

TOP = '/manage/thads'
HANOI = TOP + '/cuc-thads-ha-noi'
VIEW = '/@@tinh-hinh-bao-cao'
#: a reporting year long past whenever the tests run (so no cell is "not
#: due yet" whatever the machine's clock says), clear of the demo's
YEAR = 2024
NUMBERS = itertools.count(1)


def at(day, hour=9, minute=0):
    """``day`` at ``hour`` in Vietnam, in UTC (as Ngày nhập is stored)."""
    return VN.localize(datetime.datetime.combine(
        day, datetime.time(hour, minute))).astimezone(datetime.timezone.utc)


def add_report(root, agency, key, entered, state=PUBLISHED, login=None):
    """A report of period ``key`` of ``agency`` entered at ``entered``, as
    the upload would store it, indexed."""
    period = calendar.by_key(key)
    users = root['principals']['users']
    user = users[login or 'baocao.%s' % (
        'tc' if agency.kind == 'tong_cuc' else 'hn')]
    number = next(NUMBERS)
    report = Report(period.title, '%d/BC-CTHADS' % number,
                    entered.astimezone(VN).date(), get_oid(agency),
                    period.report_type, key, get_oid(user), user.__name__,
                    entered)
    report.state = state
    agency['bao-cao'].add('bc-%d' % number, report)
    return report


def reports(app, *specs):
    """Add the reports ``(agency path, key, entered, state)`` and commit."""
    root, closer = open_root(app)
    try:
        for path, key, entered, state in specs:
            agency = root['thads']
            for name in path:
                agency = agency[name]
            add_report(root, agency, key, entered, state)
        transaction.commit()
    finally:
        closer()


def hanoi_reports(app):
    """Cục Hà Nội in reporting year 2024: the 6-month report on its due
    day (late in the evening), again a week later (the first counts);
    October's two days late; November's only pending (it does not count);
    January's none.  Hải Phòng: the 3-month report a day early."""
    six = calendar.cumulative('6_thang', YEAR)
    october = calendar.monthly(YEAR, 10)
    november = calendar.monthly(YEAR, 11)
    q1 = calendar.cumulative('3_thang', YEAR)
    hn = ('cuc-thads-ha-noi',)
    reports(app,
            (hn, six.key, at(six.due, 23, 30), PUBLISHED),
            (hn, six.key, at(six.due + datetime.timedelta(days=7)),
             PUBLISHED),
            (hn, october.key, at(october.due + datetime.timedelta(days=2),
                                 0, 30), PUBLISHED),
            (hn, november.key, at(november.due), PENDING),
            (('cuc-thads-hai-phong',), q1.key,
             at(q1.due - datetime.timedelta(days=1)), PUBLISHED))


def page_table(page):
    """(headers, {unit: [cells]}, totals, {unit: {column: day entered}})
    as the page shows them (a cell's status; the day of entry under it
    apart)."""
    heads = [' '.join(th.get_text().split())
             for th in page.html.select('#compliance thead th')]
    rows, entered = {}, {}
    for tr in page.html.select('#compliance tbody tr'):
        days = {}
        for index, td in enumerate(tr.find_all(['td', 'th'])):
            for small in td.select('small.entered'):
                days[index] = small.get_text().strip()
                small.decompose()
        cells = [' '.join(td.get_text().split())
                 for td in tr.find_all(['td', 'th'])]
        rows[cells[1]], entered[cells[1]] = cells, days
    foot = page.html.select_one('#compliance-total')
    totals = [' '.join(td.get_text().split())
              for td in foot.find_all(['td', 'th'])]
    return heads, rows, totals, entered


def column(heads, label):
    (index,) = [i for i, h in enumerate(heads) if h.startswith(label)]
    return index


def staff(app, name):
    user = browser(app)
    login(user, name)
    return user


HANOI_TITLE = 'Cục Thi hành án dân sự thành phố Hà Nội'
HAIPHONG_TITLE = 'Cục Thi hành án dân sự thành phố Hải Phòng'


def test_on_time_late_missing_and_the_export(living_app):
    hanoi_reports(living_app)
    leader = staff(living_app, 'lanhdao.tc')
    page = leader.get(TOP + VIEW, params={'nam': YEAR})
    heads, rows, totals, entered = page_table(page)
    # the 63 Cục; the Tổng cục has no report of the year: no row of it
    assert len(rows) == 63
    assert 'Tổng cục Thi hành án dân sự' not in rows
    assert heads[:2] == ['STT', 'Đơn vị']
    assert heads[2] == 'Tháng 10/2023 (hạn 10/11/2023)'
    assert len(heads) == 2 + 12 + 4 + 1
    hanoi = rows[HANOI_TITLE]
    six = column(heads, 'Báo cáo 6 tháng')
    assert heads[six] == 'Báo cáo 6 tháng (hạn 15/04/2024)'
    # on its due day, 23:30 in Vietnam: on time, the first report counts
    assert hanoi[six] == 'Đúng hạn'
    assert entered[HANOI_TITLE][six] == '15/04/2024'
    october = column(heads, 'Tháng 10/2023')
    # 00:30 in Vietnam on 12/11 (still 11/11 in UTC): two days late
    assert hanoi[october] == 'Trễ hạn 2 ngày'
    assert entered[HANOI_TITLE][october] == '12/11/2023'
    # pending: not counted
    assert hanoi[column(heads, 'Tháng 11/2023')] == 'Chưa nộp'
    assert hanoi[column(heads, 'Tháng 01/2024')] == 'Chưa nộp'
    # totals of the row: on time, late, missing, not due, days late
    assert hanoi[-5:] == ['1', '1', '10', '0', '2']
    q1 = column(heads, 'Báo cáo 3 tháng')
    assert rows[HAIPHONG_TITLE][q1] == 'Đúng hạn'
    assert entered[HAIPHONG_TITLE] == {q1: '09/01/2024'}
    assert totals[1] == 'Tổng cộng'
    assert totals[six] == '1 đúng hạn, 0 trễ hạn, 62 chưa nộp'
    assert totals[-5:] == ['2', '1', str(63 * 12 - 3), '0', '2']
    assert 'Công văn số 1607/TCTHADS-VP' in page.html.select_one(
        '#compliance-legend').get_text()

    # the same rows in the workbook, the totals last
    export = page.click(linkid='export')
    assert export.content_type.endswith('spreadsheetml.sheet')
    sheet = openpyxl.load_workbook(io.BytesIO(export.body)).active
    values = [['' if v is None else str(v) for v in row]
              for row in sheet.iter_rows(values_only=True)]
    top = values.index(heads)
    body = values[top + 1:]
    assert len(body) == 64
    by_unit = {row[1]: row for row in body[:-1]}
    assert sorted(by_unit) == sorted(rows)
    for title, cells in rows.items():
        assert by_unit[title] == cells, title
    assert body[-1][1:] == totals[1:]
    assert 'Đơn vị' in values[top] and 'năm công tác 2024' in values[1][0]

    # the export is in the audit trail
    root, closer = open_root(living_app)
    try:
        store = audit.find_store(audit.audit_root(root))
        total, entries = audit.search(store, audit.Query(
            action='report.compliance-export'))
        assert total == 1
        assert entries[0].user == 'lanhdao.tc'
        assert entries[0].details['year'] == YEAR
    finally:
        closer()


def test_filters_and_the_tong_cuc_s_own_row(living_app):
    hanoi_reports(living_app)
    twelve = calendar.cumulative('12_thang', YEAR)
    reports(living_app, ((), twelve.key, at(twelve.due), PUBLISHED))
    leader = staff(living_app, 'lanhdao.tc')
    page = leader.get(TOP + VIEW, params={'nam': YEAR, 'loai': '6_thang'})
    heads, rows, _t, _e = page_table(page)
    assert heads[2:3] == ['Báo cáo 6 tháng (hạn 15/04/2024)']
    assert len(heads) == 3 + 5
    # the Tổng cục has a report of the year: its row comes first
    assert len(rows) == 64
    assert list(rows)[0] == 'Tổng cục Thi hành án dân sự'
    assert rows['Tổng cục Thi hành án dân sự'][2] == 'Chưa nộp'
    assert rows[HANOI_TITLE][2] == 'Đúng hạn'
    # a wrong filter says so and shows the defaults
    page = leader.get(TOP + VIEW, params={'nam': '1999', 'loai': 'x'})
    assert 'Chọn năm công tác trong danh sách.' in page.text
    assert 'Chọn loại báo cáo trong danh sách.' in page.text
    assert page.html.select_one('#export') is None
    assert page.html.select_one('#compliance') is not None


def test_each_level_sees_its_own(living_app):
    hanoi_reports(living_app)
    cuc = staff(living_app, 'lanhdao.hn')
    page = cuc.get(HANOI + VIEW, params={'nam': YEAR})
    heads, rows, _t, _e = page_table(page)
    assert list(rows) == [HANOI_TITLE]
    assert rows[HANOI_TITLE][column(heads, 'Tháng 10/2023')] == \
        'Trễ hạn 2 ngày'
    # the tab is there, one click from the Cục
    assert any('tinh-hinh-bao-cao' in (a.get('href') or '')
               for a in cuc.get(HANOI + '/@@thong-ke').html.select('a'))
    refused = cuc.get(TOP + VIEW, params={'nam': YEAR}, status=403)
    assert refused.html.select_one('#compliance') is None
    assert HAIPHONG_TITLE not in refused.text

    chi_cuc = staff(living_app, 'lanhdao.bd')
    refused = chi_cuc.get(HANOI + VIEW, params={'nam': YEAR}, status=403)
    assert refused.html.select_one('#compliance') is None
    assert 'Trễ hạn' not in refused.text
    own = chi_cuc.get(HANOI + '/chi-cuc-thads-ba-dinh' + VIEW)
    assert own.html.select_one('#compliance') is None
    assert 'không thuộc diện đăng tải báo cáo định kỳ' in own.html.select_one(
        '#compliance-not-applicable').get_text()

    # an officer holds no statistics permission
    staff(living_app, 'hotro.hn').get(HANOI + VIEW, status=403)


def test_reminder_mail_is_sent_once(living_app_factory, smtp, tmp_path,
                                    capsys):
    """Cục Hà Nội's report administrator (the only Cục with one in the
    demo) is reminded of the 6-month report of 2027 three days before
    15/04/2027 and on the day after, once each, over a real SMTP
    conversation; a period already reported on time brings nothing."""
    app = living_app_factory(**{'mail.port': str(smtp.port)})
    settings = dict(app.app.registry.settings)
    q1 = calendar.cumulative('3_thang', 2028)
    reports(app, (('cuc-thads-ha-noi',), q1.key,
                  at(datetime.date(2028, 1, 5)), PUBLISHED))
    deliver(settings)                   # the demo's own mail, if any
    smtp.handler.envelopes[:] = []
    # the script opens the database itself (FileStorage: one at a time)
    close_app(app.app)
    ini = write_ini(tmp_path / 'reminders.ini', settings, **{
        'mail.port': str(smtp.port),
        'httttha.public_url': 'https://thads.example.gov.vn'})

    def run(day):
        assert main([ini, '--today', day]) == 0
        (summary,) = capsys.readouterr().out.strip().splitlines()
        deliver(settings)
        found = smtp.handler.messages()
        smtp.handler.envelopes[:] = []
        return summary, found

    summary, mails = run('2027-04-12')
    assert summary.startswith('Nhắc báo cáo ngày 12/04/2027: 1 báo cáo sắp '
                              'đến hạn và 0 báo cáo quá hạn tại 1 đơn vị, 1 '
                              'thư')
    (mail,) = mails
    assert mail['To'] == 'baocao.hn@example.invalid'
    assert mail['Subject'] == ('Báo cáo định kỳ: 1 sắp đến hạn, 0 quá hạn '
                               'chưa đăng tải (%s)' % HANOI_TITLE)
    text = mail.get_body(('plain',)).get_content().replace('\r\n', '\n')
    assert ('1. Báo cáo 6 tháng: Sắp đến hạn\n'
            '   Kỳ báo cáo: từ 01/10/2026 đến 31/03/2027\n'
            '   Thời hạn đăng tải: 15/04/2027 - còn 3 ngày\n'
            '   Tên báo cáo ghi: Kết quả công tác THADS, HC 6 tháng đầu năm, '
            'phương hướng, nhiệm vụ 6 tháng cuối năm 2027') in text
    assert 'https://thads.example.gov.vn/manage/thads/cuc-thads-ha-noi/' \
        'bao-cao/' in text
    html = mail.get_body(('html',)).get_content()
    assert 'Sắp đến hạn (còn 3 ngày)' in html and '15/04/2027' in html

    # the next day: already reminded
    summary, mails = run('2027-04-13')
    assert mails == [] and ', 0 thư' in summary

    # the day after the due date, still nothing: missed, once
    (mail,), = [run('2027-04-16')[1]]
    assert mail['To'] == 'baocao.hn@example.invalid'
    assert '0 sắp đến hạn, 1 quá hạn' in mail['Subject']
    text = mail.get_body(('plain',)).get_content().replace('\r\n', '\n')
    assert 'Báo cáo 6 tháng: Quá hạn, chưa có báo cáo' in text
    assert '15/04/2027 - đã quá 1 ngày' in text
    assert run('2027-04-16')[1] == []
    assert run('2027-04-17')[1] == []

    # the 3-month report of 2028 was uploaded on 05/01/2028: no reminder
    assert run('2028-01-08')[1] == []
