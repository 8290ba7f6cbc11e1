"""Issue 13: password reset (Host header poisoning, guessable and lasting
tokens, login oracle, mail outside the queue) and absolute links built on
``httttha.public_url``.  Each test fails on 19c2e81."""
import re

import transaction

from ..conftest import flash_text, login, open_root
from ..functional.test_back_office import queued as queued_mail

EVIL = {'HTTP_HOST': 'evil.example'}
NEW_PASSWORD = 'Moi@matkhau9'
SENT = 'một thư có liên kết để đặt mật khẩu mới đã được gửi'


def ask_reset(app, name, extra_environ=None):
    """From the login page's "Quên mật khẩu?" link, ask for a reset."""
    extra_environ = extra_environ or {}
    page = app.get('/manage/@@login', extra_environ=extra_environ)
    link = page.html.find('a', string=re.compile('Quên mật khẩu'))
    page = app.get(link['href'], extra_environ=extra_environ)
    form = page.forms['deform']
    form['login'] = name
    return form.submit('send', extra_environ=extra_environ).maybe_follow(
        extra_environ=extra_environ)


def link_of(message):
    text = message.get_body(('plain',)).get_content()
    (url,) = re.findall(r'https?://\S+', text)
    return text, url


def test_reset_mail_is_queued_vietnamese_and_ignores_the_host(app):
    page = ask_reset(app, 'hotro.bd', EVIL)
    assert SENT in flash_text(page)
    (message,) = queued_mail(app)
    assert 'hotro.bd' in message['To']
    assert 'Đặt lại mật khẩu' in message['Subject']
    text, url = link_of(message)
    assert 'Kính gửi' in text and 'evil.example' not in text
    assert url.startswith(
        'http://thads.example.com/manage/@@dat-lai-mat-khau?ma=')
    token = url.split('ma=', 1)[1]
    assert len(token) >= 43        # 32 random bytes
    html = message.get_body(('html',)).get_content()
    assert 'evil.example' not in html


def test_same_answer_whether_the_login_exists(app):
    known = flash_text(ask_reset(app, 'hotro.bd'))
    unknown = flash_text(ask_reset(app, 'khong.co.ai'))
    assert known == unknown and SENT in unknown
    assert 'No such user' not in unknown
    assert len(queued_mail(app)) == 1


def test_reset_link_works_once_and_revokes_tickets(app):
    login(app, 'hotro.bd')
    old_ticket = app.cookies['httttha_auth']
    app.reset()
    ask_reset(app, 'hotro.bd')
    (message,) = queued_mail(app)
    _text, url = link_of(message)
    path = url[len('http://thads.example.com'):]
    form = app.get(path).forms['deform']
    form['new_password'] = NEW_PASSWORD
    form['new_password-confirm'] = NEW_PASSWORD
    page = form.submit('reset').maybe_follow()
    assert 'Mật khẩu đã được đặt lại' in flash_text(page)
    # the link is spent
    page = app.get(path).maybe_follow()
    assert 'không còn hiệu lực' in flash_text(page)
    assert page.html.find('input', {'name': 'new_password'}) is None
    # the old session is gone, the new password works
    app.set_cookie('httttha_auth', old_ticket)
    app.get('/manage/thads/cuc-thads-ha-noi/chi-cuc-thads-ba-dinh/'
            '@@ban-lam-viec', status=403)
    app.reset()
    assert login(app, 'hotro.bd', NEW_PASSWORD, follow=False) \
        .status_int == 302


def test_reset_token_expires(monkeypatch):
    from httttha.services.accounts import passwordreset
    from substanced.folder import Folder

    class User(object):
        ticket_generation = None

    root = Folder()
    user = User()

    class Map(object):
        def object_for(self, oid):
            return user
    root.__objectmap__ = Map()
    monkeypatch.setattr(passwordreset, 'get_oid', lambda obj: 1)
    token = passwordreset.issue_token(root, user, 1800, now=1000.0)
    assert passwordreset.user_for_token(root, token, now=2799.0) is user
    assert passwordreset.user_for_token(root, token, now=2800.0) is None
    assert passwordreset.user_for_token(root, token + 'x', now=1001) is None


def test_reset_requests_are_throttled_per_address(app_factory):
    app = app_factory(**{'httttha.reset_client_limit': '2'})
    ask_reset(app, 'hotro.bd')
    ask_reset(app, 'hotro.hn')
    page = ask_reset(app, 'lanhdao.hn')
    assert 'quá nhiều yêu cầu đặt lại mật khẩu' in flash_text(page).lower()
    assert len(queued_mail(app)) == 2


def test_substanced_reset_links_are_dead(app):
    root, closer = open_root(app)
    user = root['principals']['users']['admin']
    reset = root['principals'].add_reset(user)
    path = '/manage/principals/resets/%s/' % reset.__name__
    transaction.commit()
    closer()
    app.get(path, status=404)
    app.post(path, {'new_password': NEW_PASSWORD,
                    'new_password-confirm': NEW_PASSWORD,
                    'reset': 'reset'}, status=404)
    root, closer = open_root(app)
    assert not root['principals']['users']['admin'].check_password(
        NEW_PASSWORD)
    closer()


def test_citizen_mail_and_handover_links_ignore_the_host(app):
    from pyramid.request import Request
    from pyramid.scripting import prepare
    from httttha.services import notifications
    from httttha.services.backoffice import casemanagement
    request = Request.blank('/', base_url='http://evil.example')
    env = prepare(request=request, registry=app.app.registry)
    request.root = env['root']
    try:
        agency = env['root']['thads']['cuc-thads-ha-noi'][
            'chi-cuc-thads-ba-dinh']

        class Dossier(object):
            code = 'K7Q-4M2-XD9'
            handover = None
        dossier = Dossier()
        dossier.agency = agency
        assert notifications.lookup_url(request, dossier).startswith(
            'http://thads.example.com/tra-cuu?')
        assert notifications.dossier_url(request, dossier) == \
            'http://thads.example.com/ho-so/K7Q-4M2-XD9'
        assert casemanagement.api_base(request, dossier) == \
            'http://thads.example.com/api/v1/ho-so/K7Q-4M2-XD9'
    finally:
        transaction.abort()
        env['closer']()
