"""The officer's back office for HTTT01 and HTTT03 (B2-B9, B11, B13):
workspace, support decision, original papers, handover, decision posted
back, result, supplement round trip, refusal, walk-in, access."""
import datetime
import email
import email.policy
import io
import json
import os
import unicodedata

import pytest
import webtest
from pypdf import PdfReader

from httttha.content.dossier import local_time
from httttha.workflows.dossier import state_of

from ..conftest import login, open_root
from .submission import (
    fields_by_path,
    fill,
    find_dossier,
    pdf_bytes,
    png_bytes,
    submit_dossier,
)
from .test_lookup import ID_NUMBER, open_with_id, text

AGENCY_PATH = '/manage/thads/cuc-thads-ha-noi/chi-cuc-thads-ba-dinh'
INBOUND_TOKEN = 'inbound-secret-token'
OUTBOUND_TOKEN = 'outbound-secret-token'


def vn_today():
    """Today in Vietnam, as the application reads it."""
    return local_time().date()


def pdf_text(body):
    words = ' '.join(page.extract_text() for page in PdfReader(
        io.BytesIO(body)).pages)
    return ' '.join(unicodedata.normalize('NFC', words).split())


@pytest.fixture
def app(app_factory, receiver):
    return app_factory(**{
        'httttha.captcha': 'false',
        'httttha.case_management_url': receiver.url,
        'httttha.case_management_token': OUTBOUND_TOKEN,
        'httttha.case_management_inbound_token': INBOUND_TOKEN,
    })


def browser(app):
    return webtest.TestApp(app.app, extra_environ=dict(app.extra_environ))


def officer(app, name='hotro.bd'):
    staff = browser(app)
    login(staff, name)
    return staff


def dossier_path(code, view):
    return '%s/ho-so/%s/@@%s' % (AGENCY_PATH, code, view)


def detail(staff, code):
    return staff.get(dossier_path(code, 'chi-tiet'))


def queued(app):
    """The messages in the mail queue, oldest first."""
    folder = os.path.join(app.app.registry.settings['mail.queue_path'],
                          'new')
    if not os.path.isdir(folder):
        return []
    messages = []
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), 'rb') as f:
            messages.append(email.message_from_bytes(
                f.read(), policy=email.policy.default))
    return messages


def decide(staff, code, support, message, button='send', **values):
    page = staff.get(dossier_path(code, 'ho-tro'))
    form = page.forms['deform']
    fill(form, dict({'support': support, 'message': message}, **values))
    return form.submit(button)


def accept(staff, code, button='send_mail'):
    return decide(staff, code, 'valid', 'Mời Ông/Bà mang bản gốc đơn.',
                  button=button, **{
                      'appointment.date': (vn_today() + datetime.timedelta(
                          days=7)).strftime('%d/%m/%Y'),
                      'appointment.time': '09:00',
                      'appointment.place': 'Phòng tiếp dân, 12 Đội Cấn'})


def receive_originals(staff, code, matched=True, message=''):
    page = staff.get(dossier_path(code, 'nhan-ho-so-goc'))
    form = page.forms['deform']
    for path, (field,) in fields_by_path(form).items():
        if path.endswith('.matched'):
            field.checked = matched
    form['message'] = message
    return form.submit('save')


def return_result(staff, code):
    page = staff.get(dossier_path(code, 'tra-ket-qua'))
    form = page.forms['deform']
    fill(form, {'message': 'Đã ra quyết định thi hành án; kết quả kèm theo.',
                'files.file_1.upload': webtest.Upload(
                    'Kết quả.pdf', pdf_bytes('Ket qua'), 'application/pdf')})
    return form.submit('update')


def citizen_page(app, code):
    citizen = browser(app)
    return citizen, open_with_id(citizen, code).follow()


def test_httt01_from_submission_to_result(app, receiver):
    code = submit_dossier(app, files={'judgment': ('Bản án.pdf',
                                                   pdf_bytes())})
    staff = officer(app)

    # the workspace lists it among the new dossiers
    page = staff.get(AGENCY_PATH + '/@@ban-lam-viec')
    assert text(page, '#queue-new .badge') == '1'
    assert [a.get_text() for a in page.html.select('#dossiers a.code')] == \
        [code]
    page = page.click(href='@@chi-tiet')
    assert text(page, '#state') == 'Mới tiếp nhận'
    assert text(page, '#due')               # 5 working days from receipt

    # Xuất phiếu: the notice as PDF, nothing recorded
    response = accept(staff, code, button='preview')
    assert response.content_type == 'application/pdf'
    assert 'Phòng tiếp dân' in pdf_text(response.body)
    root, closer = open_root(app)
    assert state_of(find_dossier(root, code)) == 'submitted'
    closer()

    # an acceptance without the appointment's date (or place) is refused,
    # with the error beside the field and the rest kept
    page = decide(staff, code, 'valid', 'Mời Ông/Bà mang bản gốc đơn.',
                  **{'appointment.place': ''})
    assert 'Vui lòng nhập ngày hẹn.' in page.text
    assert 'Vui lòng nhập địa điểm hẹn.' in page.text
    assert 'Mời Ông/Bà mang bản gốc đơn.' in page.text

    mails = len(queued(app))
    response = accept(staff, code)
    assert response.status_int == 302
    page = response.follow()
    assert text(page, '#state') == 'Hợp lệ, chờ nhận hồ sơ gốc'
    notice = staff.get(page.html.select_one('.notice-link')['href'])
    assert code in pdf_text(notice.body)
    (mail,) = queued(app)[mails:]
    assert mail['To'] == 'huong@example.com'
    assert mail['Subject'] == 'Hồ sơ %s: Hồ sơ đầy đủ, hợp lệ' % code
    assert any(part.get_content_type() == 'application/pdf'
               for part in mail.walk())

    citizen, page = citizen_page(app, code)
    assert 'Phòng tiếp dân, 12 Đội Cấn' in text(page, '#appointment')
    assert 'Mời Ông/Bà mang bản gốc đơn.' in text(page, '#timeline')
    link = page.html.select_one('.notice-file a')['href']
    assert citizen.get(link).content_type == 'application/pdf'

    # the original papers match
    page = receive_originals(staff, code).follow()
    assert text(page, '#state') == 'Đã nhận hồ sơ gốc'

    # handover to the case-management software
    form = page.forms[[k for k in page.forms if page.forms[k].action.endswith(
        '@@chuyen-thu-ly')][0]]
    page = form.submit().follow()
    assert text(page, '#state') == 'Đang thụ lý'
    (request,) = receiver.requests
    assert request['headers']['Authorization'] == 'Bearer ' + OUTBOUND_TOKEN
    assert receiver.json()['code'] == code
    assert 'Đã chuyển' in text(page, '#handover')

    # the decision comes back through the API
    response = app.post(
        '/api/v1/ho-so/%s/quyet-dinh' % code,
        json.dumps({'so_quyet_dinh': '123/QĐ-CCTHADS',
                    'ngay_quyet_dinh': vn_today().isoformat()}),
        headers={'Authorization': 'Bearer ' + INBOUND_TOKEN,
                 'Content-Type': 'application/json'})
    assert response.status_int == 200
    assert '123/QĐ-CCTHADS' in text(detail(staff, code), '#decision')

    # the result
    page = return_result(staff, code).follow()
    assert text(page, '#state') == 'Đã trả kết quả'
    citizen, page = citizen_page(app, code)
    assert text(page, '#state') == 'Đã trả kết quả'
    assert '123/QĐ-CCTHADS' in text(page, '#decision')
    timeline = text(page, '#timeline')
    for step in ('Gửi hồ sơ trực tuyến', 'Hồ sơ đầy đủ, hợp lệ',
                 'Đã nhận hồ sơ gốc', 'Chuyển thụ lý thi hành án',
                 'Trả kết quả', 'kết quả kèm theo'):
        assert step in timeline, step
    result = [a for a in page.html.select('#timeline a')
              if a.get_text() == 'Kết quả.pdf']
    assert citizen.get(result[0]['href']).body == pdf_bytes('Ket qua')
    assert queued(app)[-1]['Subject'] == 'Hồ sơ %s: Trả kết quả' % code


def test_httt03_without_handover(app, receiver):
    code = submit_dossier(app, procedure='HTTT03')
    staff = officer(app)
    accept(staff, code)
    page = receive_originals(staff, code).follow()
    assert not [k for k in page.forms
                if page.forms[k].action.endswith('@@chuyen-thu-ly')]
    page = return_result(staff, code).follow()
    assert text(page, '#state') == 'Đã trả kết quả'
    assert receiver.requests == []
    citizen, page = citizen_page(app, code)
    assert 'Trả kết quả' in text(page, '#timeline')


def test_supplement_round_trip_stops_the_clock(app):
    code = submit_dossier(app)
    staff = officer(app)
    page = decide(staff, code, 'supplement',
                  'Bổ sung bản sao bản án có chứng thực.').follow()
    assert text(page, '#state') == 'Cần bổ sung, sửa đổi'
    assert 'Tạm dừng' in text(page, '#due')
    root, closer = open_root(app)
    dossier = find_dossier(root, code)
    assert dossier.clock_stopped and dossier.due is None
    closer()

    citizen, page = citizen_page(app, code)
    page = page.click(href='/bo-sung-ho-so/')
    form = page.forms['supplement']
    fill(form, {'files.other_1.upload': webtest.Upload(
        'Bản sao.png', png_bytes(), 'image/png'), 'declaration': True})
    form.submit('send').follow()

    page = staff.get(AGENCY_PATH + '/@@ban-lam-viec',
                     params={'hang-doi': 'resubmitted'})
    assert [a.get_text() for a in page.html.select('#dossiers a.code')] == \
        [code]
    root, closer = open_root(app)
    dossier = find_dossier(root, code)
    assert not dossier.clock_stopped and dossier.due is not None
    closer()


def test_refusal_notice_has_the_reason(app):
    code = submit_dossier(app)
    staff = officer(app)
    # a refusal without its reason is refused, the choice kept
    page = decide(staff, code, 'out_of_jurisdiction', '')
    assert 'lý do' in page.text
    page = decide(staff, code, 'out_of_jurisdiction',
                  'Bản án do Tòa án tỉnh Bình Dương xử, gửi Cục THADS '
                  'tỉnh Bình Dương.').follow()
    assert text(page, '#state') == 'Từ chối'
    body = staff.get(page.html.select_one('.notice-link')['href']).body
    words = pdf_text(body)
    assert 'Không thuộc thẩm quyền thi hành án' in words
    assert 'Cục THADS tỉnh Bình Dương' in words
    citizen, page = citizen_page(app, code)
    assert 'Cục THADS tỉnh Bình Dương' in text(page, '#timeline')


def test_walk_in_registration_and_slip(app):
    staff = officer(app)
    page = staff.get(AGENCY_PATH + '/@@ban-lam-viec').click(
        href='@@tiep-nhan-truc-tiep')
    page = page.click(href='thu-tuc=HTTT01')
    form = page.forms['walk-in']
    from .submission import VALUES
    fill(form, VALUES['HTTT01'])
    fill(form, {'declaration': True})
    page = form.submit('register').follow()
    code = text(page, '#code')
    root, closer = open_root(app)
    dossier = find_dossier(root, code)
    assert dossier.channel == 'counter'
    assert state_of(dossier) == 'submitted'
    first = dossier.timeline[0]
    assert first['who_login'] == 'hotro.bd'
    # the slip gives the result's date: the dossier's deadline
    assert first['appointment']['date'] == dossier.due
    due = dossier.due.strftime('%d/%m/%Y')
    closer()
    slip = staff.get(page.html.select_one('.notice-link')['href'])
    words = pdf_text(slip.body)
    assert 'PHIẾU HẸN TIẾP NHẬN VÀ TRẢ HỒ SƠ' in words
    assert code in words
    assert due in words

    # an incomplete walk-in gets the guidance slip
    page = decide(staff, code, 'supplement', 'Thiếu bản sao bản án.').follow()
    words = pdf_text(staff.get(page.html.select_one(
        '#timeline tr:last-child .notice-link')['href']).body)
    assert 'PHIẾU HƯỚNG DẪN HOÀN THIỆN HỒ SƠ' in words
    assert 'Thiếu bản sao bản án.' in words


def test_other_agencies_and_forged_posts(app):
    code = submit_dossier(app)
    path = '%s/ho-so/%s' % (AGENCY_PATH, code)
    other = officer(app, 'hotro.hn')          # the Cục's officer
    for view in ('@@ho-tro', '@@chi-tiet', '@@nhan-ho-so-goc',
                 '@@tra-ket-qua', '@@phieu/0'):
        assert other.get('%s/%s' % (path, view),
                         expect_errors=True).status_int == 403
    # a POST with the officer's own valid token is still refused here
    own = other.get('/manage/thads/cuc-thads-ha-noi/@@tiep-nhan-truc-tiep',
                    params={'thu-tuc': 'HTTT01'})
    token = own.forms['walk-in']['_csrf_token_'].value
    assert other.post(path + '/@@chuyen-thu-ly', {'csrf_token': token},
                      expect_errors=True).status_int == 403
    # without a token no view answers the POST at all
    assert other.post(path + '/@@chuyen-thu-ly', {},
                      expect_errors=True).status_int == 404
    assert other.get(AGENCY_PATH + '/@@tiep-nhan-truc-tiep',
                     expect_errors=True).status_int == 403

    # the right officer, but without the CSRF token
    staff = officer(app)
    response = staff.post(path + '/@@ho-tro', {
        'support': 'valid', 'message': 'x', 'send': 'send'},
        expect_errors=True)
    assert response.status_int in (200, 400)
    root, closer = open_root(app)
    assert state_of(find_dossier(root, code)) == 'submitted'
    closer()
    # a Cục leader sees the Chi cục's dossiers in the subtree view
    leader = officer(app, 'lanhdao.hn')
    page = leader.get('/manage/thads/cuc-thads-ha-noi/@@ban-lam-viec',
                      params={'pham-vi': 'tat-ca'})
    assert code in [a.get_text() for a in page.html.select('#dossiers a')]
    page = leader.get('/manage/thads/cuc-thads-ha-noi/@@ban-lam-viec')
    assert code not in [a.get_text() for a in page.html.select('#dossiers a')]


@pytest.mark.clock
def test_workspace_filters(app):
    first = submit_dossier(app)
    second = submit_dossier(app, procedure='HTTT03', values={
        'applicant.full_name': 'Lê Văn Cường',
        'applicant.phone': '0987 111 222'})
    staff = officer(app)

    def codes(**params):
        page = staff.get(AGENCY_PATH + '/@@ban-lam-viec', params=params)
        return sorted(a.get_text() for a in page.html.select(
            '#dossiers a.code'))
    assert codes() == sorted([first, second])
    assert codes(**{'thu-tuc': 'HTTT03'}) == [second]
    assert codes(**{'tu-khoa': 'le van cuong'}) == [second]
    assert codes(**{'tu-khoa': first}) == [first]
    assert codes(**{'tu-khoa': ID_NUMBER}) == sorted([first, second])
    # the days are Vietnam's: both came today, none from tomorrow on
    today = vn_today().strftime('%d/%m/%Y')
    assert codes(**{'tu-ngay': today, 'den-ngay': today}) == sorted(
        [first, second])
    assert codes(**{'tu-ngay': (vn_today() + datetime.timedelta(days=1)
                                ).strftime('%d/%m/%Y')}) == []
    assert codes(**{'den-ngay': (vn_today() - datetime.timedelta(days=1)
                                 ).strftime('%d/%m/%Y')}) == []
    page = staff.get(AGENCY_PATH + '/@@ban-lam-viec',
                     params={'tu-ngay': '31/02/2026'})
    assert 'dd/mm/yyyy' in page.text
    assert codes(**{'so-dong': '20', 'sap-xep': 'code'}) == sorted(
        [first, second])
