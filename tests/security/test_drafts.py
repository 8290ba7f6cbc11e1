"""After the last "Tiếp tục" the application (ID number included) is shown
only to the browser session that filled it in and submitted it, not to
anyone else holding the ``/ket-qua/<draft>`` or ``/to-khai/<draft>`` URL."""
import webtest

from ..functional.submission import PERSON, VALUES, fill, open_form

ID_NUMBER = PERSON['applicant.id_number']


def walk(app):
    """The wizard up to the result page: (result page, draft token)."""
    form = open_form(app, 'HTTT01').forms['application']
    fill(form, dict(VALUES['HTTT01'], declaration=True))
    preview = form.submit('continue')
    assert preview.status_int == 302
    token = preview.location.rsplit('/', 1)[1]
    result = preview.follow().forms[0].submit('confirm').follow()
    return result, token


def other_browser(app):
    return webtest.TestApp(app.app, extra_environ=app.extra_environ)


def test_only_the_submitting_session_sees_the_result(app_factory):
    app = app_factory(**{'httttha.captcha': 'false'})
    result, token = walk(app)
    code = result.html.select_one('#code').get_text()
    # the browser that submitted: the result and the PDF
    assert app.get('/ket-qua/%s' % token).html.select_one(
        '#code').get_text() == code
    pdf = app.get('/to-khai/%s' % token)
    assert pdf.content_type == 'application/pdf'

    # another browser with the URLs: the page of an unknown draft
    stranger = other_browser(app)
    for url in ('/ket-qua/%s' % token, '/to-khai/%s' % token):
        response = stranger.get(url, expect_errors=True)
        assert response.status_int == 404, url
        assert response.content_type == 'text/html'
        assert code not in response.text
        assert ID_NUMBER not in response.text
        assert 'Không tìm thấy trang' in response.text
    # the preview sends it to the result, refused the same way
    response = stranger.get('/xac-nhan/%s' % token)
    assert response.status_int == 302
    assert response.follow(expect_errors=True).status_int == 404
    # and confirming again does not let it in either
    page = stranger.get('/tra-cuu')
    response = stranger.post('/xac-nhan/%s' % token, {
        'csrf_token': page.html.select_one('input[name=csrf_token]')['value']
        if page.html.select_one('input[name=csrf_token]') else '',
        'confirm': 'confirm'}, expect_errors=True)
    if response.status_int == 302:
        response = response.follow(expect_errors=True)
    assert response.status_int == 404
    assert code not in response.text

    # the submitting browser still does
    assert app.get('/ket-qua/%s' % token).html.select_one(
        '#code').get_text() == code


def test_the_session_keeps_only_hashes(app_factory):
    """The signed (not encrypted) session cookie carries no draft token,
    only strings (JSON-safe)."""
    app = app_factory(**{'httttha.captcha': 'false'})
    _result, token = walk(app)
    from httttha.views.public.submission import OWN_DRAFTS
    import base64
    raw = app.cookies['httttha_session'].strip('"')
    assert token not in raw
    assert token.encode() not in base64.urlsafe_b64decode(
        raw + '=' * (-len(raw) % 4))
    assert OWN_DRAFTS
