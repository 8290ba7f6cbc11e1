"""Deployment settings: defaults, and the environment variables that carry
everything secret or site-specific in production."""
import logging
import os
import urllib.parse

from pyramid.settings import asbool

log = logging.getLogger(__name__)

#: environment variable -> setting; production.ini holds none of these.
ENVIRONMENT = {
    'HTTTHA_ZODB_URI': 'zodbconn.uri',
    'HTTTHA_AUDIT_URI': 'zodbconn.uri.audit',
    'HTTTHA_SECRET': 'substanced.secret',
    'HTTTHA_ADMIN_LOGIN': 'substanced.initial_login',
    'HTTTHA_ADMIN_PASSWORD': 'substanced.initial_password',
    'HTTTHA_ADMIN_EMAIL': 'substanced.initial_email',
    'HTTTHA_SMTP_HOST': 'mail.host',
    'HTTTHA_SMTP_PORT': 'mail.port',
    'HTTTHA_SMTP_USERNAME': 'mail.username',
    'HTTTHA_SMTP_PASSWORD': 'mail.password',
    'HTTTHA_SMTP_TLS': 'mail.tls',
    'HTTTHA_MAIL_SENDER': 'mail.default_sender',
    'HTTTHA_MAIL_QUEUE': 'mail.queue_path',
    'HTTTHA_PUBLIC_URL': 'httttha.public_url',
    'HTTTHA_CASE_MANAGEMENT_URL': 'httttha.case_management_url',
    'HTTTHA_CASE_MANAGEMENT_TOKEN': 'httttha.case_management_token',
    'HTTTHA_CASE_MANAGEMENT_INBOUND_TOKEN':
        'httttha.case_management_inbound_token',
}

#: must be present when settings come from the environment
REQUIRED = ('HTTTHA_ZODB_URI', 'HTTTHA_AUDIT_URI', 'HTTTHA_SECRET',
            'HTTTHA_ADMIN_PASSWORD', 'HTTTHA_SMTP_HOST', 'HTTTHA_MAIL_SENDER',
            'HTTTHA_MAIL_QUEUE', 'HTTTHA_PUBLIC_URL')

#: production refuses a shorter signing secret (32 random bytes make 43
#: characters of ``secrets.token_urlsafe(32)``)
MIN_SECRET_LENGTH = 32

DEFAULTS = {
    'pyramid.default_locale_name': 'vi',
    'tm.annotate_user': 'false',   # substanced needs it off
    'retry.attempts': '3',
    'substanced.manage_prefix': '/manage',
    'substanced.catalogs.autosync': 'true',
    'httttha.secure_cookies': 'false',
    'httttha.session_timeout': '1800',
    'httttha.lockout_attempts': '5',
    'httttha.lockout_minutes': '15',
    'httttha.demo': 'false',
    'httttha.settings_from_env': 'false',
    # online submission
    'httttha.captcha': 'true',
    'httttha.upload_max_file_mb': '10',
    'httttha.upload_max_total_mb': '30',
    'httttha.draft_hours': '24',
    'httttha.submit_limit': '10',
    'httttha.submit_window_minutes': '60',
    # drafts (forms sent, valid or not, keep their uploads until swept):
    # new drafts per client address and hour, and a cap on the bytes
    # uploaded into drafts over a draft's lifetime, all clients together
    'httttha.draft_limit': '60',
    'httttha.draft_uploads_max_mb': '2048',
    # citizen lookup: failures (unknown code, wrong ID number) allowed per
    # dossier and per client address in one window
    'httttha.lookup_failures': '5',
    'httttha.lookup_client_failures': '5',
    'httttha.lookup_window_minutes': '15',
    # failed logins per client address in one lockout window
    'httttha.login_client_failures': '20',
    # password reset: link lifetime, requests per address and per account
    'httttha.reset_minutes': '30',
    'httttha.reset_client_limit': '5',
    'httttha.reset_login_limit': '3',
    'httttha.reset_window_minutes': '60',
}


DEVELOPMENT_URL = 'http://127.0.0.1:6543'


def public_url(request, resource, *elements, **kw):
    """An absolute URL of ``resource`` for mail or other software: built
    on ``httttha.public_url``, never on the request's Host header."""
    return request.resource_url(
        resource, *elements,
        app_url=request.registry.settings['httttha.public_url'], **kw)


def lookup_url(request, dossier=None):
    """The public lookup page, with the code and its agency filled in
    when given (on ``httttha.public_url``: mail and printed slips never
    carry the Host header a request came with)."""
    query = {}
    if dossier is not None:
        query = {'ma': dossier.code, 'don-vi': dossier.agency.code}
    return public_url(request, request.root, 'tra-cuu', query=query)


class MissingSetting(Exception):
    """A required environment variable is not set (or is unusable)."""


def _check_public_url(url):
    """The site's address as citizens and other software reach it: every
    absolute link the application builds (mail, payloads) starts with it,
    never with the Host header of a request."""
    url = (url or '').strip().rstrip('/')
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ('http', 'https') or not parts.netloc or \
            parts.query or parts.fragment:
        raise MissingSetting(
            'httttha.public_url (HTTTHA_PUBLIC_URL) phải là địa chỉ http(s) '
            'của trang, ví dụ https://thads.example.gov.vn: %r' % url)
    return url


def prepare_settings(settings, environ=os.environ):
    """Return a copy of ``settings`` with defaults and environment applied."""
    result = dict(DEFAULTS)
    result.update(settings)
    from_env = asbool(result['httttha.settings_from_env'])
    if from_env:
        missing = [name for name in REQUIRED if not environ.get(name)]
        if missing:
            raise MissingSetting(
                'Thiếu biến môi trường: %s' % ', '.join(missing))
    for name, key in ENVIRONMENT.items():
        if environ.get(name):
            result[key] = environ[name]
    if from_env and len(result.get('substanced.secret') or '') < \
            MIN_SECRET_LENGTH:
        # the secret signs the auth ticket and the session cookie
        raise MissingSetting(
            'HTTTHA_SECRET phải có ít nhất %d ký tự ngẫu nhiên (ví dụ: '
            'python3 -c "import secrets; print(secrets.token_urlsafe(32))")'
            % MIN_SECRET_LENGTH)
    if not result.get('httttha.public_url'):
        # production has it (REQUIRED); elsewhere links name this machine
        log.warning('httttha.public_url chưa đặt: các liên kết trong thư '
                    'dùng %s.', DEVELOPMENT_URL)
        result['httttha.public_url'] = DEVELOPMENT_URL
    result['httttha.public_url'] = _check_public_url(
        result['httttha.public_url'])
    for key in ('httttha.secure_cookies', 'httttha.demo',
                'httttha.settings_from_env', 'httttha.captcha'):
        result[key] = asbool(result[key])
    if not result['httttha.captcha']:
        # only automated tests may run without it; never silently
        log.warning('CAPTCHA tắt (httttha.captcha = false): chỉ dùng cho '
                    'kiểm thử tự động, không bao giờ trên máy chủ thật.')
    return result
