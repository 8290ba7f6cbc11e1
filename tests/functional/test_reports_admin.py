"""Quản trị báo cáo THADS (issue 18, D1 and D2) on the living data: the
report administrator of Cục Hà Nội uploads a report with its two files
(checked by content), approves, edits and unapproves it; it is hidden
from other officials while pending; the Tổng cục's report administrator
views it but may not approve, edit or unapprove it; every action is in
the audit trail."""
import datetime
import io
import re

import openpyxl
import pytest
import time_machine
import transaction
from substanced.util import find_objectmap, get_acl, get_oid

from httttha.permissions import VIEW_REPORTS, role_principal
from httttha.services.demo import small_docx

from ..conftest import flash_text, login, logout, open_root

#: 10:00 on Tuesday 20/04/2027 in Vietnam (reporting year 2027)
NOW = datetime.datetime(2027, 4, 20, 3, 0, tzinfo=datetime.timezone.utc)
HANOI = '/manage/thads/cuc-thads-ha-noi'
TOP = '/manage/thads'
FEBRUARY = 'Kết quả công tác THADS, HC tháng 02 năm 2027'


def pdf_bytes():
    from httttha.bench.data import small_pdf
    return small_pdf()


DOCX = small_docx('Báo cáo kết quả công tác tháng 02')


@pytest.fixture
def app(living_app_factory):
    with time_machine.travel(NOW, tick=True):
        yield living_app_factory()


def text_of(page):
    return re.sub(r'\s+', ' ', page.html.get_text())


def add_form(app):
    page = app.get(HANOI + '/@@them-bao-cao')
    return page.forms['deform']


def fill(form, number='20/BC-CTHADS', issued='15/04/2027',
         period='thang:2027:2', signed=('bao-cao.pdf', None),
         editable=('bao-cao.docx', DOCX), title='', summary=''):
    form['title'] = title
    form['number'] = number
    form['summary'] = summary
    form['issued'] = issued
    form['report_type'] = period.split(':')[0] if period else 'chuyen_de'
    form['period'] = period
    return form


def upload_fields(form):
    """The file inputs, in order (signed scan, editable text)."""
    return form.fields['upload']


def submit(form, signed=('bao-cao.pdf', None),
           editable=('bao-cao.docx', DOCX)):
    files = upload_fields(form)
    if signed is not None:
        files[0].value = (signed[0], signed[1] or pdf_bytes())
    if editable is not None:
        files[1].value = editable
    return form.submit('update')


def upload(app, **kw):
    """Upload a report as the logged-in user; the report's page."""
    signed = kw.pop('signed', ('bao-cao.pdf', None))
    editable = kw.pop('editable', ('bao-cao.docx', DOCX))
    form = fill(add_form(app), signed=None, **kw)
    response = submit(form, signed, editable)
    assert response.status_int == 302, text_of(response)
    return response.follow()


def report_path(page):
    return page.request.path.rsplit('/@@', 1)[0]


def csrf(app):
    page = app.get('/manage/@@logout')
    return page.forms['logout-form']['csrf_token'].value


def test_report_admin_lands_on_the_report_list(app):
    page = login(app, 'baocao.hn')
    while page.status_int == 302:
        page = page.follow()
    assert page.request.path == HANOI + '/@@quan-tri-bao-cao'
    assert 'Quản trị báo cáo THADS' in page.text
    assert ('Chỉ có quản trị viên mới có quyền duyệt, chỉnh sửa, hủy '
            'duyệt đối với báo cáo do mình đăng tải') in text_of(page)
    assert page.html.select_one('#add-report') is not None


def test_upload_approve_edit_unapprove(app):
    login(app, 'baocao.hn')
    page = upload(app, summary='Kết quả thi hành án dân sự tháng hai')
    assert 'chờ bạn duyệt' in flash_text(page)
    path = report_path(page)
    # the title the calendar prescribes, pending, both files
    assert page.html.select_one('#report-title').get_text() == FEBRUARY
    assert page.html.select_one('#report-state').get_text().strip() == 'Chờ duyệt'
    assert page.html.select_one('#report-creator').get_text() == 'baocao.hn'
    assert page.html.select_one('#report-entered').get_text().startswith(
        '20/04/2027')
    assert [a.get_text().split(': ', 1)[-1] for a in page.html.select(
        '#report-files a')] == [
        'bao-cao.pdf', 'bao-cao.docx']
    assert page.html.select_one('#approve') is not None
    listing = app.get(HANOI + '/@@quan-tri-bao-cao')
    row = listing.html.select_one('#reports tr[data-number="20/BC-CTHADS"]')
    assert row.select_one('.state').get_text() == 'Chờ duyệt'
    assert row.select_one('.creator').get_text() == 'baocao.hn'
    assert row.select_one('.unit').get_text() == 'Cục THADS Hà Nội' or \
        'Hà Nội' in row.select_one('.unit').get_text()

    # pending: invisible to another official
    logout(app)
    login(app, 'lanhdao.tc')
    app.get(path + '/@@xem-bao-cao', status=403)
    app.get(path + '/ban-ky', status=403)

    # the Tổng cục's report administrator views it, in its list too, but
    # may not approve, edit or unapprove it
    logout(app)
    login(app, 'baocao.tc')
    page = app.get(path + '/@@xem-bao-cao')
    assert page.html.select_one('#view-only') is not None
    assert page.html.select_one('#approve') is None
    assert page.html.select_one('#edit') is None
    listing = app.get(TOP + '/@@quan-tri-bao-cao')
    row = listing.html.select_one('#reports tr[data-number="20/BC-CTHADS"]')
    assert row is not None and not row.select('.actions form, .actions a')
    token = csrf(app)
    app.post(path + '/@@duyet-bao-cao', {'csrf_token': token}, status=403)
    app.get(path + '/@@sua-bao-cao', status=403)
    app.post(path + '/@@sua-bao-cao', {'csrf_token': token}, status=403)
    app.post(path + '/@@huy-duyet-bao-cao', {'csrf_token': token},
             status=403)

    # approved by its uploader, from the list's tick
    logout(app)
    login(app, 'baocao.hn')
    listing = app.get(HANOI + '/@@quan-tri-bao-cao')
    row = listing.html.select_one('#reports tr[data-number="20/BC-CTHADS"]')
    form = [f for f in listing.forms.values()
            if f.action.endswith('@@duyet-bao-cao')
            and path in f.action][0]
    page = form.submit().follow()
    assert 'Đã duyệt báo cáo 20/BC-CTHADS' in flash_text(page)
    assert page.html.select_one('#report-state').get_text().strip().startswith(
        'Đã duyệt')

    # published: every official reads it and downloads its files
    logout(app)
    login(app, 'lanhdao.tc')
    page = app.get(path + '/@@xem-bao-cao')
    assert page.html.select_one('#report-title').get_text() == FEBRUARY
    signed = app.get(path + '/ban-ky')
    assert signed.body.startswith(b'%PDF')
    assert 'attachment' in signed.headers['Content-Disposition']
    text = app.get(path + '/van-ban')
    assert text.body == DOCX
    app.get(path + '/@@duyet-bao-cao', status=404)  # POST only
    app.post(path + '/@@huy-duyet-bao-cao', {'csrf_token': csrf(app)},
             status=403)

    # edited: pending again, hidden again, Ngày nhập unchanged
    logout(app)
    login(app, 'baocao.hn')
    form = app.get(path + '/@@sua-bao-cao').forms['deform']
    assert form['number'].value == '20/BC-CTHADS'
    form['summary'] = 'Đã bổ sung số liệu'
    page = form.submit('update').follow()
    assert 'chờ duyệt lại' in flash_text(page)
    assert page.html.select_one('#report-state').get_text().strip() == 'Chờ duyệt'
    assert page.html.select_one('#report-summary').get_text() == \
        'Đã bổ sung số liệu'
    assert page.html.select_one('#report-entered').get_text().startswith(
        '20/04/2027')
    logout(app)
    login(app, 'lanhdao.tc')
    app.get(path + '/@@xem-bao-cao', status=403)

    # approved again, then unapproved: pending and hidden
    logout(app)
    login(app, 'baocao.hn')
    page = app.get(path + '/@@xem-bao-cao')
    page = page.forms[[k for k, f in page.forms.items()
                       if f.action.endswith('@@duyet-bao-cao')][0]]\
        .submit().follow()
    form = [f for f in page.forms.values()
            if f.action.endswith('@@huy-duyet-bao-cao')][0]
    page = form.submit().follow()
    assert 'Đã hủy duyệt báo cáo' in flash_text(page)
    assert page.html.select_one('#report-state').get_text().strip() == 'Chờ duyệt'
    logout(app)
    login(app, 'lanhdao.tc')
    app.get(path + '/@@xem-bao-cao', status=403)

    # the audit trail holds every action, with its time
    logout(app)
    login(app, 'quantri.hn')
    page = app.get(HANOI + '/@@nhat-ky', params={'ma': path.rsplit('/')[-1]})
    actions = [tr.select('td')[5].get_text().strip()
               for tr in page.html.select('#audit tbody tr')
               if len(tr.select('td')) == 8]
    assert sorted(actions) == sorted([
        'Tải lên báo cáo', 'Duyệt báo cáo', 'Sửa báo cáo', 'Duyệt báo cáo',
        'Hủy duyệt báo cáo']), actions


def test_approval_needs_the_csrf_token(app):
    login(app, 'baocao.hn')
    path = report_path(upload(app))
    app.post(path + '/@@duyet-bao-cao', {}, status=400)
    app.post(path + '/@@duyet-bao-cao', {'csrf_token': 'wrong'}, status=400)
    page = app.get(path + '/@@xem-bao-cao')
    assert page.html.select_one('#report-state').get_text().strip() == 'Chờ duyệt'


def test_a_pdf_that_is_a_docx_is_refused_other_input_kept(app):
    login(app, 'baocao.hn')
    form = fill(add_form(app), signed=None, summary='Tháng hai')
    page = submit(form, signed=('bao-cao.pdf', DOCX))
    assert page.status_int == 200
    text = text_of(page)
    assert ('Nội dung tệp bao-cao.pdf không khớp với phần mở rộng .pdf'
            in text), text
    form = page.forms['deform']
    assert form['number'].value == '20/BC-CTHADS'
    assert form['issued'].value == '15/04/2027'
    assert form['summary'].value == 'Tháng hai'
    assert form['period'].value == 'thang:2027:2'
    # the good file is kept (the temp store): only the scan is sent again
    kept = page.html.select('input[type=file]')[1]
    assert kept.get('data-filename') == 'bao-cao.docx'
    files = upload_fields(form)
    files[0].value = ('bao-cao.pdf', pdf_bytes())
    page = form.submit('update')
    assert page.status_int == 302, text_of(page)
    page = page.follow()
    assert [a.get_text().split(': ', 1)[-1] for a in page.html.select(
        '#report-files a')] == [
        'bao-cao.pdf', 'bao-cao.docx']
    docx = app.get(report_path(page) + '/van-ban')
    assert docx.body == DOCX


def test_the_editable_text_is_required_and_checked(app):
    login(app, 'baocao.hn')
    form = fill(add_form(app), signed=None)
    page = submit(form, editable=None)
    assert page.status_int == 200
    assert 'Hãy đính kèm tệp này.' in text_of(page)
    assert page.forms['deform']['number'].value == '20/BC-CTHADS'
    # a .docx that is really a PDF, a .txt
    page = submit(page.forms['deform'],
                  editable=('bao-cao.docx', pdf_bytes()))
    assert 'không khớp với phần mở rộng .docx' in text_of(page)
    page = submit(page.forms['deform'], editable=('bao-cao.txt', b'abc'))
    assert 'chỉ nhận tệp .doc, .docx' in text_of(page)
    # an .doc that is no OLE2 file
    page = submit(page.forms['deform'], editable=('bao-cao.doc', DOCX))
    assert 'không khớp với phần mở rộng .doc' in text_of(page)


def test_number_date_and_period_rules(app):
    login(app, 'baocao.hn')
    upload(app)
    # the same number in the same unit and year (whatever its case)
    form = fill(add_form(app), signed=None, number='20/bc-cthads',
                issued='16/04/2027')
    page = submit(form)
    assert ('Đơn vị đã có báo cáo số ký hiệu 20/bc-cthads ban hành năm '
            '2027.') in text_of(page)
    # shape, future date, a period of another type
    form = fill(page.forms['deform'], signed=None, number='hai mươi',
                issued='21/04/2027', period='6_thang:2027')
    form['report_type'] = 'thang'
    page = submit(form)
    text = text_of(page)
    assert 'Số ký hiệu viết theo dạng số/chữ viết tắt' in text
    assert 'Ngày ban hành không được sau ngày hôm nay.' in text
    assert 'Chọn kỳ báo cáo đúng với loại báo cáo.' in text
    # a thematic report needs its title
    form = fill(page.forms['deform'], signed=None, number='21/BC-CTHADS',
                period='')
    page = submit(form)
    assert 'Hãy nhập tên báo cáo.' in text_of(page)
    form = page.forms['deform']
    form['title'] = 'Báo cáo chuyên đề về thi hành án hành chính'
    page = submit(form)
    assert page.status_int == 302, text_of(page)
    # the same number another year is fine
    page = upload(app, number='20/BC-CTHADS', issued='15/12/2026',
                  period='thang:2027:11')
    assert page.html.select_one('#report-number').get_text() == '20/BC-CTHADS'


def test_admin_list_filters_paging_and_export(app):
    login(app, 'baocao.hn')
    upload(app, summary='Kết quả thi hành án tháng hai, Hà Nội')

    def numbers(**params):
        page = app.get(HANOI + '/@@quan-tri-bao-cao', params=params)
        return sorted(tr['data-number'] for tr in page.html.select(
            '#reports tbody tr[data-number]')), page

    everything, page = numbers()
    # the demo reports of Hà Nội (Oct, Nov, 3 months, Jan) and this one
    assert len(everything) == 5, everything
    assert 'Kết quả trên 1 trang: 20 / Tổng số: 5' in text_of(page)
    assert 'Trang 1 / 1' in text_of(page)
    found, _p = numbers(**{'tu-khoa': 'ket qua thi hanh an thang hai'})
    assert found == ['20/BC-CTHADS']
    found, _p = numbers(**{'tu-khoa': '20/bc-cthads'})
    assert found == ['20/BC-CTHADS']
    found, _p = numbers(**{'tu-khoa': 'quy i'})
    assert len(found) == 1
    found, _p = numbers(nam='2025')
    assert len(found) == 2
    found, _p = numbers(nam='2025', thang='11')
    assert len(found) == 1
    found, _p = numbers(nam='2027', thang='4')
    assert found == ['20/BC-CTHADS']
    ba_dinh = app.get(HANOI + '/@@quan-tri-bao-cao').html.select(
        '#don-vi option')[2]['value']
    found, _p = numbers(**{'don-vi': ba_dinh})
    assert found == []
    # the Tổng cục's administrator sees its own and Hà Nội's
    export = app.get(HANOI + '/@@xuat-bao-cao', params={'nam': '2027'})
    sheet = openpyxl.load_workbook(io.BytesIO(export.body)).active
    rows = [r for r in sheet.iter_rows(min_row=4, values_only=True)]
    assert len(rows) == 1
    mine = [r for r in rows if r[2] == '20/BC-CTHADS'][0]
    assert mine[3] == FEBRUARY and mine[5] == 'baocao.hn'
    assert mine[8] == 'Chờ duyệt'


def test_others_see_no_pending_report_of_hanoi(app):
    """The Tổng cục's report admin lists Hà Nội's pending demo report;
    Ba Đình's does not (its unit is below, not above)."""
    login(app, 'baocao.tc')
    page = app.get(TOP + '/@@quan-tri-bao-cao')
    states = [tr.select_one('.state').get_text() for tr in page.html.select(
        '#reports tbody tr[data-number]')]
    assert 'Chờ duyệt' in states
    logout(app)
    login(app, 'baocao.bd')
    page = app.get(HANOI + '/chi-cuc-thads-ba-dinh/@@quan-tri-bao-cao')
    assert page.html.select('#reports tbody tr[data-number]') == []
    app.get(HANOI + '/@@quan-tri-bao-cao', status=403)


def test_a_moved_unit_s_pending_reports_follow_its_new_lineage(app):
    login(app, 'baocao.bd')
    page = upload_at(app, HANOI + '/chi-cuc-thads-ba-dinh')
    path = report_path(page)
    root, closer = open_root(app)
    try:
        from httttha.services.administration.tree import move_agency
        top = root['thads']
        hanoi = top['cuc-thads-ha-noi']
        other = [c for c in top.sub_agencies() if c is not hanoi][0]
        other_name = other.__name__
        move_agency(hanoi['chi-cuc-thads-ba-dinh'], other, app.app.registry)
        report = find_objectmap(root).object_for(
            [r for r in other['chi-cuc-thads-ba-dinh']['bao-cao'].values()
             ][0].__oid__)
        principals = {ace[1] for ace in get_acl(report)
                      if VIEW_REPORTS in ace[2]}
        assert role_principal('report_admin', get_oid(other)) in principals
        assert role_principal('report_admin', get_oid(hanoi)) \
            not in principals
        transaction.commit()
    finally:
        transaction.abort()
        closer()
    moved = TOP + '/' + other_name + path.split('cuc-thads-ha-noi')[1]
    app.get(moved + '/@@xem-bao-cao', status=200)
    logout(app)
    login(app, 'baocao.hn')
    app.get(moved + '/@@xem-bao-cao', status=403)


def upload_at(app, unit_path):
    form = app.get(unit_path + '/@@them-bao-cao').forms['deform']
    fill(form, signed=None, number='5/BC-CCTHADS')
    response = submit(form)
    assert response.status_int == 302, text_of(response)
    return response.follow()


def test_evolve_step_adds_the_indexes_and_the_staff_grant(app):
    """A site made before issue 18: no report indexes, a Tổng cục ACL
    without the officials' right to read published reports."""
    from pyramid.security import Allow
    from substanced.util import set_acl
    from httttha.evolve import add_reports
    from httttha.permissions import STAFF
    root, closer = open_root(app)
    try:
        registry = app.app.registry
        catalog = root['catalogs']['httttha']
        del catalog['report_words']
        top = root['thads']
        set_acl(top, [a for a in get_acl(top) if a[1] != STAFF],
                registry=registry)
        add_reports(root, registry)
        assert 'report_words' in catalog
        assert (Allow, STAFF, (VIEW_REPORTS,)) in [
            (a, p, tuple(perms)) for a, p, perms in get_acl(top)]
        transaction.commit()
    finally:
        transaction.abort()
        closer()
