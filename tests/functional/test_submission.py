"""The submission wizard end to end (A2): agency, procedure, form with an
attachment, CAPTCHA, preview, back, submit, code."""
import io
import unicodedata

import pytest
from pypdf import PdfReader
from substanced.objectmap import find_objectmap
from substanced.util import get_oid
from webtest import Upload

from httttha.services.intake.numbering import is_valid
from httttha.workflows.dossier import state_of

from ..conftest import open_root
from .submission import (
    BA_DINH,
    CUC_HN,
    FIRST_SLOT,
    VALUES,
    captcha_answer,
    errors,
    fields_by_path,
    fill,
    open_form,
    pdf_bytes,
    png_bytes,
)


def pdf_text(body):
    text = ' '.join(page.extract_text() for page in PdfReader(
        io.BytesIO(body)).pages)
    return ' '.join(unicodedata.normalize('NFC', text).split())


def test_choose_agency_without_javascript(app):
    page = app.get('/ho-tro-truc-tuyen')
    assert 'Lựa chọn cơ quan THADS cần gửi hỗ trợ' in page.text
    assert not page.html.select('#procedures')
    form = page.forms['agency-form']
    form['cuc'] = CUC_HN
    page = form.submit()
    # the Cục itself is chosen, its Chi cục can be picked instead
    assert page.html.select_one('#chosen-agency').get_text() == \
        'Cục Thi hành án dân sự thành phố Hà Nội'
    form = page.forms['agency-form']
    form['co-quan'] = BA_DINH
    page = form.submit()
    assert page.html.select_one('#chosen-agency').get_text() == \
        'Chi cục Thi hành án dân sự quận Ba Đình'
    buttons = [a.get_text() for a in page.html.select('#procedures a.button')]
    assert buttons == ['Gửi hỗ trợ'] * 3


@pytest.mark.parametrize('procedure', ['HTTT01', 'HTTT02', 'HTTT03'])
def test_walk_each_procedure(app, procedure):
    page = open_form(app, procedure)
    assert 'Kính gửi' in page.text and 'quận Ba Đình' in page.text
    assert page.html.select('abbr.req')          # required fields marked
    form = page.forms['application']
    slot = 'files.%s.upload' % FIRST_SLOT[procedure]
    fill(form, VALUES[procedure])
    fill(form, {slot: Upload('C:\\fakepath\\Bản án.pdf', pdf_bytes(),
                             'application/pdf'),
                'captcha.answer': '00000x', 'declaration': True})
    page = form.submit('continue')

    # a wrong CAPTCHA answer is refused, everything else stays
    assert 'Mã bảo vệ không đúng' in ' '.join(errors(page))
    form = page.forms['application']
    fields = fields_by_path(form)
    assert fields['applicant.full_name'][0].value == 'Nguyễn Thị Hương'
    assert fields['content'][0].value == VALUES[procedure]['content']
    assert 'Bản án.pdf' in page.html.select_one('.kept-file').get_text()
    fill(form, {'captcha.answer': captcha_answer(app, page)})
    page = form.submit('continue')
    assert page.status_int == 302, errors(page)
    page = page.follow()

    # the preview, rendered as the application
    assert page.request.path.startswith('/xac-nhan/')
    paper = page.html.select_one('#application').get_text()
    assert 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' in paper
    assert 'Nguyễn Thị Hương' in paper and 'Bản án.pdf' in paper
    assert 'Kính gửi: Chi cục Thi hành án dân sự quận Ba Đình' in ' '.join(
        paper.split())
    pdf = app.get(page.html.select_one('#print')['href'])
    assert pdf.content_type == 'application/pdf'
    assert pdf.body.startswith(b'%PDF')

    # back: every value and the file are kept, no CAPTCHA asked again
    back = page.click(href='ho-so-tam=')
    form = back.forms['application']
    fields = fields_by_path(form)
    assert fields['applicant.phone'][0].value == '0912 345 678'
    assert fields['applicant.id_date'][0].value == '01/07/2021'
    assert 'Bản án.pdf' in back.html.select_one('.kept-file').get_text()
    assert 'captcha.answer' not in fields
    fill(form, {'applicant.address': '14 phố Đội Cấn, Ba Đình, Hà Nội'})
    page = form.submit('continue').follow()
    assert '14 phố Đội Cấn' in page.html.select_one('#application').text

    # nothing is stored before the last Tiếp tục
    root, closer = open_root(app)
    assert len(root['thads']['cuc-thads-ha-noi']['chi-cuc-thads-ba-dinh']
               ['ho-so']) == 0
    closer()

    result = page.forms[0].submit('confirm').follow()
    code = result.html.select_one('#code').get_text()
    assert is_valid(code)
    assert 'Hoàn thành' in result.text

    # the application PDF now carries the code (and a QR code)
    text = pdf_text(app.get(result.html.select_one('#print')['href']).body)
    assert 'Nguyễn Thị Hương' in text and code in text
    assert 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' in text
    assert 'chưa phải là căn cứ để thụ lý thi hành án' in text

    # refreshing or sending the confirmation again changes nothing
    again = app.post(page.request.path, {
        'csrf_token': page.forms[0]['csrf_token'].value}).follow()
    assert again.html.select_one('#code').get_text() == code

    root, closer = open_root(app)
    try:
        folder = root['thads']['cuc-thads-ha-noi']['chi-cuc-thads-ba-dinh'][
            'ho-so']
        assert list(folder.keys()) == [code]
        dossier = folder[code]
        assert dossier.procedure == procedure
        assert state_of(dossier) == 'submitted'
        assert dossier.channel == 'online'
        assert dossier.applicant['full_name'] == 'Nguyễn Thị Hương'
        assert dossier.timeline[0]['action'] == 'submitted'
        (slot, attachment), = dossier.attachments()
        assert slot == FIRST_SLOT[procedure]
        assert attachment.__name__ == 'Bản án.pdf'
        with attachment.blob.open() as f:
            assert f.read() == pdf_bytes()
        # the dossier is catalogued, its file only has its id and path
        # (found through the dossier: Dossier.add_file)
        oid, file_oid = get_oid(dossier), get_oid(attachment)
        objectmap = find_objectmap(root)
        assert objectmap.object_for(file_oid) is attachment
        for name in ('system', 'httttha'):
            catalog = root['catalogs'][name]
            assert oid in catalog.objectids
            assert file_oid not in catalog.objectids
            assert not [i for i in catalog.values()
                        if file_oid in getattr(i, '_not_indexed', ())]
        # its near-unique values map to its docid, with no set object of
        # their own (catalog.unique), and it is not listed by name
        catalog = root['catalogs']['httttha']
        for name, value in (('code', code),
                            ('submitted', dossier.submitted.timestamp()),
                            ('id_hash', dossier.id_hash),
                            ('applicant', '0912345678')):
            assert catalog[name]._single[value] == oid, name
            assert value not in catalog[name]._fwd_index
        assert list(catalog['code'].eq(code).execute()) == [dossier]
        assert oid in catalog['sort_name'].not_indexed()
        assert oid not in catalog['sort_name']._rev_index
    finally:
        closer()


def test_bad_files_are_refused_and_the_form_kept(app):
    page = open_form(app, 'HTTT01', agency=CUC_HN)
    form = page.forms['application']
    fill(form, VALUES['HTTT01'])
    fill(form, {
        'files.judgment.upload': Upload('ban-an.pdf', b'just some text',
                                        'application/pdf'),
        'files.other_1.upload': Upload('lon.pdf', pdf_bytes(
            pad=11 * 1024 * 1024), 'application/pdf'),
        'files.other_2.upload': Upload('anh.png', png_bytes(), 'image/png'),
        'declaration': True,
    })
    fill(form, {'captcha.answer': captcha_answer(app, page)})
    page = form.submit('continue')
    messages = ' '.join(errors(page))
    assert 'Nội dung tệp ban-an.pdf không khớp' in messages
    assert 'lon.pdf' in messages and '10 MB' in messages
    fields = fields_by_path(page.forms['application'])
    assert fields['debtor.name'][0].value == 'Trần Văn Bình'
    assert fields['declaration'][0].checked
    kept = [p.get_text() for p in page.html.select('.kept-file')]
    assert len(kept) == 1 and 'anh.png' in kept[0]


def test_validation_messages_are_vietnamese(app):
    page = open_form(app, 'HTTT01')
    form = page.forms['application']
    fill(form, VALUES['HTTT01'])
    fill(form, {'applicant.id_type': 'cmnd',         # 12 digits given
                'applicant.phone': '12345',
                'applicant.email': 'not-an-address',
                'judgment.date': '01/01/2999',
                'debtor.name': '',
                'captcha.answer': captcha_answer(app, page)})
    page = form.submit('continue')
    messages = errors(page)
    assert 'Số chứng minh nhân dân (CMND) gồm 9 chữ số.' in messages
    assert any('số điện thoại' in m for m in messages)
    assert 'Địa chỉ thư điện tử không hợp lệ.' in messages
    assert 'Ngày không được sau ngày hôm nay.' in messages
    assert 'Bắt buộc' in ' '.join(messages)
    assert 'Vui lòng đánh dấu vào ô cam đoan để tiếp tục.' in messages
    assert fields_by_path(page.forms['application'])[
        'applicant.full_name'][0].value == 'Nguyễn Thị Hương'


def test_organisation_needs_representative(app):
    page = open_form(app, 'HTTT02')
    form = page.forms['application']
    fill(form, VALUES['HTTT02'])
    fill(form, {'applicant.kind': 'organisation',
                'applicant.full_name': 'Công ty TNHH Minh Anh',
                'declaration': True,
                'captcha.answer': captcha_answer(app, page)})
    page = form.submit('continue')
    assert any('người đại diện' in m for m in errors(page))


def test_decision_not_before_judgment(app):
    page = open_form(app, 'HTTT03')
    form = page.forms['application']
    fill(form, VALUES['HTTT03'])
    fill(form, {'decision.date': '01/01/2024', 'declaration': True,
                'captcha.answer': captcha_answer(app, page)})
    page = form.submit('continue')
    assert any('trước ngày của bản án' in m for m in errors(page))


def test_captcha_media(app):
    page = open_form(app, 'HTTT01')
    image = app.get(page.html.select_one('.captcha img')['src'])
    assert image.content_type == 'image/png'
    assert image.body.startswith(b'\x89PNG')
    sound = app.get(page.html.find('a', string='Nghe mã bảo vệ')['href'])
    assert sound.body[:4] == b'RIFF'
    app.get('/ma-bao-ve/nope.png', status=404)


def test_submissions_are_throttled(app_factory):
    app = app_factory(**{'httttha.submit_limit': '1',
                         'httttha.captcha': 'false'})

    def send():
        page = open_form(app, 'HTTT02')
        form = page.forms['application']
        fill(form, VALUES['HTTT02'])
        fill(form, {'declaration': True})
        return form.submit('continue')

    first, second = send().follow(), send().follow()
    first.forms[0].submit('confirm').follow()
    # the limit holds at the last step too: nothing is stored
    refused = second.forms[0].submit('confirm')
    assert 'Quá nhiều hồ sơ' in refused.html.select_one('.flash').get_text()
    assert 'Nguyễn Thị Hương' in refused.html.select_one(
        '#application').get_text()
    root, closer = open_root(app)
    assert len(root['thads']['cuc-thads-ha-noi']['chi-cuc-thads-ba-dinh']
               ['ho-so']) == 1
    closer()
    page = send()
    assert 'Quá nhiều hồ sơ' in page.html.select_one('.flash').get_text()
    assert fields_by_path(page.forms['application'])[
        'content'][0].value == VALUES['HTTT02']['content']


def test_unknown_draft_and_agency(app):
    app.get('/xac-nhan/0000000000-nothing', status=404)
    app.get('/ket-qua/zzz', status=404)
    page = app.get('/ke-khai', params={'co-quan': 'nope', 'thu-tuc': 'HTTT01'})
    assert page.location.endswith('/ho-tro-truc-tuyen')


def test_agency_page_preselects_the_agency(app):
    page = app.get('/thads/cuc-thads-ha-noi/chi-cuc-thads-ba-dinh/')
    page = page.click(linkid='submit-here')
    assert page.html.select_one('#chosen-agency').get_text() == \
        'Chi cục Thi hành án dân sự quận Ba Đình'
    assert 'Kê khai thông tin và gửi yêu cầu' in app.get('/').text


def test_each_visitor_gets_its_own_tokens(app_factory):
    """The empty form is rendered once and kept; each visitor still gets
    the CSRF token of their session and a CAPTCHA challenge of their own,
    and sends the form with them."""
    app = app_factory()
    pages = [open_form(app, 'HTTT02') for _i in range(2)]
    other = app_factory()   # another application: its own forms
    pages.append(open_form(other, 'HTTT02'))
    tokens = [fields_by_path(p.forms['application'])['captcha.token'][0]
              .value for p in pages]
    assert len(set(tokens)) == 3 and all(tokens)
    assert pages[0].html.select_one('.captcha img')['src'].startswith(
        'http://thads.example.com/ma-bao-ve/' + tokens[0])
    app.reset()                  # a new session: a new CSRF token
    fresh = open_form(app, 'HTTT02')
    csrf = [fields_by_path(p.forms['application'])['csrf_token'][0].value
            for p in (pages[1], fresh)]
    assert csrf[0] != csrf[1]
    for page, client in ((fresh, app), (pages[2], other)):
        form = page.forms['application']
        fill(form, VALUES['HTTT02'])
        fill(form, {'declaration': True,
                    'captcha.answer': captcha_answer(client, page)})
        sent = form.submit('continue')
        assert sent.status_int == 302, errors(sent)
    # the page around the form is the agency's
    assert 'quận Ba Đình' in pages[1].text


@pytest.mark.parametrize('procedure', ['HTTT01', 'HTTT02', 'HTTT03'])
def test_application_schemas_need_no_binding(procedure):
    """The wizard renders and validates the application schema unbound
    (binding deep-copies it): it must hold no ``colander.deferred``."""
    import colander
    import deform
    from httttha.content.application import application_schema
    schema = application_schema(
        procedure, lambda: deform.widget.FileUploadWidget({}), None)
    nodes = [schema]
    while nodes:
        node = nodes.pop()
        nodes.extend(node.children)
        for value in list(vars(node).values()) + [node.widget]:
            assert not isinstance(value, colander.deferred), (node.name,
                                                              value)


def _invalid_form_with_a_file(app, remote='127.0.0.1'):
    """HTTT01 with a PDF but no declaration ticked: refused, and before
    this the draft kept the PDF all the same."""
    page = open_form(app, 'HTTT01')
    form = page.forms['application']
    fill(form, VALUES['HTTT01'])
    fill(form, {'files.judgment.upload': Upload(
        'ban-an.pdf', pdf_bytes(pad=2000), 'application/pdf')})
    return form.submit('continue', extra_environ={'REMOTE_ADDR': remote})


def _drafts(app):
    from httttha.services.intake.scratch import ensure_scratch, uploaded
    root, closer = open_root(app)
    try:
        scratch = ensure_scratch(root)
        return len(scratch.drafts), uploaded(scratch)
    finally:
        closer()


def test_drafts_are_throttled_per_address(app_factory):
    """Forms that never validate cannot fill the disk from one address:
    after ``httttha.draft_limit`` drafts in an hour the form is answered
    with a message and what was typed, and nothing is stored."""
    app = app_factory(**{'httttha.draft_limit': '2',
                         'httttha.captcha': 'false'})
    for _i in range(2):
        page = _invalid_form_with_a_file(app)
        assert page.html.select_one('.flash') is None
        assert errors(page)                      # the declaration
    assert _drafts(app)[0] == 2
    page = _invalid_form_with_a_file(app)
    assert 'Có quá nhiều tờ khai được gửi từ mạng của bạn' in \
        page.html.select_one('.flash').get_text()
    assert fields_by_path(page.forms['application'])[
        'content'][0].value == VALUES['HTTT01']['content']
    assert _drafts(app)[0] == 2
    # another address is not concerned
    _invalid_form_with_a_file(app, remote='10.1.2.3')
    assert _drafts(app)[0] == 3


def test_drafts_uploads_have_a_cap(app_factory):
    """Once the bytes uploaded into drafts reach
    ``httttha.draft_uploads_max_mb``, no new draft is stored."""
    app = app_factory(**{'httttha.draft_uploads_max_mb': '0.001',
                         'httttha.captcha': 'false'})
    _invalid_form_with_a_file(app)
    count, size = _drafts(app)
    assert count == 1 and size >= 2000
    page = _invalid_form_with_a_file(app, remote='10.1.2.3')
    assert 'không nhận thêm tài liệu đính kèm' in \
        page.html.select_one('.flash').get_text()
    assert fields_by_path(page.forms['application'])[
        'applicant.full_name'][0].value == 'Nguyễn Thị Hương'
    assert _drafts(app) == (count, size)
