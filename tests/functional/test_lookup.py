"""Tra cứu hồ sơ, the citizen's dossier page and Bổ sung hồ sơ (A3)."""
import os
from urllib.parse import quote

import pytest
import webtest

from httttha.services.intake import scratch
from httttha.workflows.dossier import state_of

from ..conftest import open_root
from .submission import (
    BA_DINH,
    CUC_HN,
    errors,
    fields_by_path,
    fill,
    find_dossier,
    pdf_bytes,
    png_bytes,
    staff_act,
    submit_dossier,
)

ID_NUMBER = '001180012345'
GUIDANCE = 'Đề nghị bổ sung bản sao bản án có chứng thực và sửa số điện thoại.'


@pytest.fixture
def app(app_factory):
    return app_factory(**{'httttha.captcha': 'false'})


@pytest.fixture
def code(app):
    return submit_dossier(app, files={'judgment': ('Bản án.pdf',
                                                   pdf_bytes())})


def text(page, selector):
    found = page.html.select_one(selector)
    return ' '.join(found.get_text().split()) if found else ''


def result_codes(page):
    return [a.get_text() for a in page.html.select('#results a.code')]


def as_stranger(app):
    """The same site seen from another browser (no session cookie)."""
    return webtest.TestApp(app.app, extra_environ=dict(app.extra_environ))


def open_with_id(app, code, id_number=ID_NUMBER, **environ):
    page = app.get('/ho-so/%s' % code, extra_environ=environ)
    form = page.forms['check-form']
    form['so-giay-to'] = id_number
    return form.submit(extra_environ=environ)


def test_lookup_by_code_and_agency(app, code):
    page = app.get('/tra-cuu')
    form = page.forms['lookup-form']
    form['ma'] = code.lower().replace('-', ' ')    # as people type it
    form['don-vi'] = BA_DINH
    page = form.submit()
    assert result_codes(page) == [code]
    row = [' '.join(td.get_text().split())
           for td in page.html.select('#results tbody td')]
    assert row[1] == 'HTTT01 - Hỗ trợ trực tuyến yêu cầu thi hành án dân sự'
    assert row[4] == 'Mới tiếp nhận'
    assert row[5] == 'Hồ sơ đang chờ cơ quan thi hành án kiểm tra.'
    # a passer-by sees no personal data
    assert 'Nguyễn Thị Hương' not in page.text and ID_NUMBER not in page.text

    # the wrong agency (even the parent Cục) finds nothing
    page = app.get('/tra-cuu', params={'ma': code, 'don-vi': CUC_HN})
    assert result_codes(page) == []
    assert 'Không tìm thấy hồ sơ nào' in text(page, '#results')
    # no agency: asked to choose one
    page = app.get('/tra-cuu', params={'ma': code, 'don-vi': ''})
    assert text(page, '#lookup-message') == \
        'Vui lòng chọn đơn vị đã gửi hồ sơ.'


def test_the_receipt_link_fills_the_lookup(app, code):
    root, closer = open_root(app)
    try:
        dossier = find_dossier(root, code)
        assert dossier.agency.code == BA_DINH
    finally:
        closer()
    page = app.get('/tra-cuu', params={'ma': code, 'don-vi': BA_DINH})
    assert result_codes(page) == [code]
    form = page.forms['lookup-form']
    assert form['ma'].value == code and form['don-vi'].value == BA_DINH


def test_home_has_the_quick_lookup(app, code):
    page = app.get('/')
    form = page.forms['lookup-form']
    form['ma'] = code
    form['don-vi'] = BA_DINH
    assert result_codes(form.submit()) == [code]
    assert 'Tra cứu hồ sơ' in [a.get_text() for a in
                               page.html.select('#menu a')]


@pytest.mark.parametrize('keywords', [
    'Nguyễn Thị Hương 0912 345 678',
    'nguyen thi huong 0912345678',
    'NGUYEN THI HUONG +84912345678',
    'Hương 001180012345',                  # name and ID number
    '0912.345.678 001180012345',           # phone and ID number
])
def test_keyword_lookup(app, code, keywords):
    page = app.get('/tra-cuu', params={'tu-khoa': keywords,
                                       'don-vi': BA_DINH})
    assert result_codes(page) == [code], text(page, '#lookup-message')


@pytest.mark.parametrize('keywords', [
    'Nguyễn Thị Hương', 'nguyen van an', '0912345678', ''])
def test_one_item_lists_nothing(app, code, keywords):
    page = app.get('/tra-cuu', params={'tu-khoa': keywords,
                                       'don-vi': BA_DINH})
    assert result_codes(page) == []
    assert not page.html.select('#results')
    assert text(page, '#lookup-message').startswith(
        'Vui lòng nhập' if keywords else 'Vui lòng nhập mã hồ sơ')


def test_keyword_lookup_needs_every_item_to_match(app, code):
    page = app.get('/tra-cuu', params={'tu-khoa': 'Nguyễn Thị Hương 0987654321',
                                       'don-vi': BA_DINH})
    assert result_codes(page) == []
    assert 'Không tìm thấy hồ sơ nào' in text(page, '#results')


@pytest.mark.parametrize('check_up_to', [200, 0],
                         ids=['words-checked-per-dossier', 'words-in-catalog'])
def test_keyword_lookup_matches_the_name_on_both_paths(app, code, monkeypatch,
                                                      check_up_to):
    """The name's words are checked on the few dossiers the phone or ID
    number leaves, or intersected in the catalog when there are many:
    the same answers either way."""
    from httttha.services.intake import lookup
    monkeypatch.setattr(lookup, 'CHECK_WORDS_UP_TO', check_up_to)

    def found(keywords):
        return result_codes(app.get('/tra-cuu', params={
            'tu-khoa': keywords, 'don-vi': BA_DINH}))
    assert found('Nguyễn Thị Hương 0912 345 678') == [code]
    assert found('huong 001180012345') == [code]
    # every word must match, with the right phone or ID number
    assert found('Nguyễn Thị Hoa 0912 345 678') == []
    assert found('Trần Hương 001180012345') == []
    assert found('Nguyễn Thị Hương 0912 345 679') == []


def test_dossier_needs_the_id_number(app, code):
    stranger = as_stranger(app)
    page = stranger.get('/ho-so/%s' % code)
    assert 'Số CMND/CCCD/Hộ chiếu đã khai báo' in page.text
    assert 'Nguyễn Thị Hương' not in page.text
    # the attachment, by direct URL, leads to the check
    response = stranger.get(quote('/tep-ho-so/%s/Bản án.pdf' % code))
    assert response.status_int == 302
    assert response.location.endswith('/ho-so/%s' % code)
    # and its place in the tree has no public view and, in the management
    # interface, answers as an unknown code does (issue 13: no oracle)
    path = '/thads/cuc-thads-ha-noi/chi-cuc-thads-ba-dinh/ho-so/%s/Bản án.pdf'
    assert stranger.get(quote(path % code), expect_errors=True
                        ).status_int == 404
    assert stranger.get(quote('/manage' + path % code), expect_errors=True
                        ).status_int == 404

    # the right number opens the dossier for this browser session
    page = open_with_id(stranger, code).follow()
    assert text(page, '#code') == code
    assert 'Nguyễn Thị Hương' in text(page, '#declared')
    assert text(page, '#state') == 'Mới tiếp nhận'
    assert 'Gửi hồ sơ trực tuyến' in text(page, '#timeline')
    assert 'chưa cần làm gì thêm' in text(page, '#next-step')
    assert not page.html.select('#supplement')
    assert page.headers['Cache-Control'] == 'no-store'
    link = page.html.select_one('#attachments a')
    assert link.get_text() == 'Bản án.pdf'
    download = stranger.get(link['href'])
    assert download.body == pdf_bytes()
    assert download.content_type == 'application/pdf'
    assert 'attachment' in download.headers['Content-Disposition']

    # another browser still has to give the number
    other = as_stranger(app)
    assert 'Nguyễn Thị Hương' not in other.get('/ho-so/%s' % code).text
    assert other.get(link['href']).status_int == 302

    # "Đóng hồ sơ trên máy này" ends the access
    page.forms['close-form'].submit('close')
    assert 'Nguyễn Thị Hương' not in stranger.get('/ho-so/%s' % code).text


def test_wrong_id_and_unknown_code_answer_alike(app, code):
    wrong = open_with_id(app, code, '001180099999')
    unknown = open_with_id(app, 'K7Q-4M2-XD9', ID_NUMBER)
    assert text(wrong, '#check-message') == text(unknown, '#check-message')
    assert 'không khớp' in text(wrong, '#check-message')
    assert 'Nguyễn Thị Hương' not in wrong.text


def test_six_wrong_id_numbers_lock_the_dossier(app, code, monkeypatch):
    # each try from another address: the lock is the dossier's
    addresses = ['10.0.0.%d' % i for i in range(1, 10)]
    for address in addresses[:5]:
        page = open_with_id(app, code, '0011800%05d' % 1,
                            REMOTE_ADDR=address)
        assert 'không khớp' in text(page, '#check-message')
    page = open_with_id(app, code, '001180000002', REMOTE_ADDR=addresses[5])
    assert 'tạm khóa' in text(page, '#check-message')
    # during the lock even the right number is refused
    page = open_with_id(app, code, REMOTE_ADDR=addresses[6])
    assert 'tạm khóa' in text(page, '#check-message')
    assert 'Nguyễn Thị Hương' not in page.text

    # the lock ends with its window (15 minutes)
    real = scratch.time.time
    monkeypatch.setattr(scratch.time, 'time', lambda: real() + 16 * 60)
    page = open_with_id(app, code, REMOTE_ADDR=addresses[7]).follow()
    assert 'Nguyễn Thị Hương' in text(page, '#declared')


def test_failures_from_one_address_are_throttled(app, code, caplog):
    for _attempt in range(5):
        page = app.get('/tra-cuu', params={'ma': 'K7Q-4M2-XD9',
                                           'don-vi': BA_DINH})
        assert result_codes(page) == []
    page = app.get('/tra-cuu', params={'ma': code, 'don-vi': BA_DINH})
    assert result_codes(page) == []
    assert 'tạm khóa' in text(page, '#lookup-message')
    page = open_with_id(app, code)
    assert 'tạm khóa' in text(page, '#check-message')
    assert 'Tra cứu không thành công' in caplog.text
    # other addresses are not concerned
    page = app.get('/tra-cuu', params={'ma': code, 'don-vi': BA_DINH},
                   extra_environ={'REMOTE_ADDR': '10.1.1.1'})
    assert result_codes(page) == [code]


def ask_supplement(app, code):
    return staff_act(app, 'hotro.bd', code, 'ask_supplement',
                     message=GUIDANCE, note='Thiếu bản sao có chứng thực')


def queued_mail(app):
    folder = os.path.join(app.app.registry.settings['mail.queue_path'],
                          'new')
    return sorted(os.listdir(folder))


def test_supplement(app, code):
    ask_supplement(app, code)
    page = open_with_id(app, code).follow()
    assert text(page, '#state') == 'Cần bổ sung, sửa đổi'
    assert GUIDANCE in text(page, '#supplement-request')
    assert GUIDANCE in text(page, '#timeline')
    # the officer's internal note is not for the citizen
    assert 'Thiếu bản sao có chứng thực' not in page.text
    mails_before = len(queued_mail(app))

    page = page.click(href='/bo-sung-ho-so/')
    assert GUIDANCE in text(page, '#supplement-request')
    form = page.forms['supplement']
    fields = fields_by_path(form)
    assert fields['applicant.phone'][0].value == '0912 345 678'
    assert 'Bản án.pdf' in text(page, '.kept-file')
    # a new file, a changed phone, but no declaration: refused, kept
    fill(form, {'applicant.phone': '0987 654 321',
                'files.other_1.upload': webtest.Upload(
                    'Bản sao chứng thực.png', png_bytes(), 'image/png')})
    page = form.submit('send')
    assert any('cam đoan' in e for e in errors(page)), errors(page)
    form = page.forms['supplement']
    assert fields_by_path(form)['applicant.phone'][0].value == '0987 654 321'
    kept = [p.get_text() for p in page.html.select('.kept-file')]
    assert any('Bản sao chứng thực.png' in k for k in kept)
    assert any('Bản án.pdf' in k for k in kept)
    fill(form, {'declaration': True})
    page = form.submit('send')
    assert page.status_int == 302, errors(page)
    page = page.follow()
    assert 'Đã gửi hồ sơ bổ sung' in text(page, '.flash')
    assert text(page, '#state') == 'Đã bổ sung'
    assert 'Điện thoại' in text(page, '#timeline')
    assert 'Bản sao chứng thực.png' in text(page, '#attachments')
    assert not page.html.select('#supplement')
    assert len(queued_mail(app)) == mails_before + 1

    root, closer = open_root(app)
    try:
        dossier = find_dossier(root, code)
        assert state_of(dossier) == 'resubmitted'
        entry = dossier.timeline[-1]
        assert entry['action'] == 'resubmit'
        assert entry['state'] == 'resubmitted'
        changes = {c['label']: (c['old'], c['new']) for c in entry['changes']}
        assert changes['Người yêu cầu - Điện thoại'] == ('0912 345 678',
                                                         '0987 654 321')
        assert changes['Tài liệu kèm theo - Tài liệu khác'] == (
            '', 'Bản sao chứng thực.png')
        assert len(changes) == 2
        assert dossier.applicant['phone'] == '0987 654 321'
        assert [f.title for _s, f in dossier.attachments()] == [
            'Bản án.pdf', 'Bản sao chứng thực.png']
        # the officer's queue: the catalog finds it as resubmitted again
        from substanced.util import find_catalog
        catalog = find_catalog(root, 'httttha')
        found = catalog['state'].eq('resubmitted').execute()
        assert [d.code for d in found] == [code]
        assert [d.code for d in catalog['applicant'].eq(
            '0987654321').execute()] == [code]
    finally:
        closer()

    # sending the form again is refused: the dossier is no longer waiting
    again = form.submit('send').follow()
    assert 'không thể bổ sung' in text(again, '.flash')


def test_supplement_replaces_a_file(app, code):
    ask_supplement(app, code)
    page = open_with_id(app, code).follow().click(href='/bo-sung-ho-so/')
    form = page.forms['supplement']
    fill(form, {'files.judgment.upload': webtest.Upload(
        'Bản án có chứng thực.pdf', pdf_bytes('Ban sao'), 'application/pdf'),
        'declaration': True})
    page = form.submit('send').follow()
    assert text(page, '#attachments') == 'Bản án có chứng thực.pdf'
    root, closer = open_root(app)
    try:
        dossier = find_dossier(root, code)
        (change,) = dossier.timeline[-1]['changes']
        assert (change['old'], change['new']) == (
            'Bản án.pdf', 'Bản án có chứng thực.pdf')
        # the replaced file stays for the staff, not for the citizen
        assert dossier['Bản án.pdf'].superseded
        assert dossier.public_file('Bản án.pdf') is None
    finally:
        closer()
    assert app.get(quote('/tep-ho-so/%s/Bản án.pdf' % code),
                   expect_errors=True).status_int == 404


def test_supplement_without_changes_is_refused(app, code):
    ask_supplement(app, code)
    page = open_with_id(app, code).follow().click(href='/bo-sung-ho-so/')
    form = page.forms['supplement']
    fill(form, {'declaration': True})
    page = form.submit('send')
    assert 'Chưa có thông tin nào được sửa' in text(page,
                                                     '#supplement-message')
    root, closer = open_root(app)
    try:
        assert state_of(find_dossier(root, code)) == 'needs_supplement'
    finally:
        closer()


def test_no_supplement_unless_asked(app, code):
    page = open_with_id(app, code).follow()
    assert not page.html.select('#supplement')
    page = app.get('/bo-sung-ho-so/%s' % code).follow()
    assert 'không thể bổ sung' in text(page, '.flash')

    # a forged POST, with or without a CSRF token, changes nothing
    token = page.forms['close-form']['csrf_token'].value
    forged = {'csrf_token': token, 'phone': '0900000000',
              'declaration': 'true', 'send': 'send'}
    assert app.post('/bo-sung-ho-so/%s' % code, forged).status_int == 302
    del forged['csrf_token']
    assert app.post('/bo-sung-ho-so/%s' % code, forged).status_int == 302
    # and a stranger is sent to the ID check
    response = as_stranger(app).get('/bo-sung-ho-so/%s' % code)
    assert response.location.endswith('/ho-so/%s' % code)
    root, closer = open_root(app)
    try:
        dossier = find_dossier(root, code)
        assert state_of(dossier) == 'submitted'
        assert len(dossier.timeline) == 1
        assert dossier.applicant['phone'] == '0912 345 678'
    finally:
        closer()


def test_staff_responses_show_on_the_dossier_page(app, code):
    staff_act(app, 'hotro.bd', code, 'accept',
              message='Hồ sơ đầy đủ, hợp lệ. Mời Ông/Bà mang bản gốc đến.',
              appointment={'date': __import__('datetime').date(2026, 12, 1),
                           'time': '09:00', 'place': 'Phòng tiếp dân',
                           'officer': 'Lê Văn Cường',
                           'contact': '024 3823 0000'},
              mail=True)
    page = open_with_id(app, code).follow()
    assert text(page, '#appointment-date') == '01/12/2026'
    assert 'Phòng tiếp dân' in text(page, '#appointment')
    assert 'Mời Ông/Bà mang bản gốc đến' in text(page, '#timeline')
    assert 'Hồ sơ đầy đủ, hợp lệ' in text(page, '#timeline')
    assert 'bản gốc' in text(page, '#next-step')
    rows = app.get('/tra-cuu', params={'ma': code, 'don-vi': BA_DINH})
    cells = [td.get_text() for td in rows.html.select('#results tbody td')]
    assert cells[3] == '01/12/2026'


def test_staff_of_another_agency_cannot_act(app, code):
    from substanced.workflow import WorkflowError
    with pytest.raises(WorkflowError):
        staff_act(app, 'hotro.tc', code, 'ask_supplement', message='x')
