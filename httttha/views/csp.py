"""Security headers, Content-Security-Policy and cookie flags on every
response, and the per-request nonce of the management interface's inline
scripts.

The work is done by a ``NewResponse`` subscriber: Pyramid 1.9 runs response
callbacks (which set the session cookie) after the tweens, and error
responses (exception views, 403, 404) and static files all go through the
router, so the subscriber is the one place that sees every response whole.
"""
import secrets

from deform.template import ZPTRendererFactory
from pyramid.threadlocal import get_current_request

SECURITY_HEADERS = {
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'SAMEORIGIN',
    'Referrer-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
}

# Shared by every page.  Why each directive: see the README's
# "Content-Security-Policy" part of the security model.
BASE_POLICY = (
    ("default-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'none'"),
    ("frame-ancestors", "'self'"),
    ("form-action", "'self'"),
    ("img-src", "'self' data:"),
)

# A stored file, should a browser ever render it: no script, no plugin, a
# unique origin, nothing loaded.
FILE_POLICY = "default-src 'none'; sandbox; frame-ancestors 'none'"


def csp_nonce(request):
    """A fresh random nonce for this request's inline scripts."""
    return secrets.token_urlsafe(18)


def is_management(request):
    """True for the management interface (substanced's /manage prefix)."""
    prefix = request.registry.settings.get(
        'substanced.manage_prefix', '/manage').rstrip('/')
    path = request.path_info or '/'
    return path == prefix or path.startswith(prefix + '/')


def content_security_policy(request):
    """The policy of this request's response.

    Public (and their error) pages: scripts from our own files only, and
    styles from our own files only.  The management interface: also the
    inline scripts that carry this request's nonce, and inline styles
    (substanced's and deform's templates use style attributes, and
    SlickGrid writes its column widths into a <style> element)."""
    directives = list(BASE_POLICY)
    if is_management(request):
        directives += [
            ("script-src", "'self' 'nonce-%s'" % request.csp_nonce),
            ("style-src", "'self' 'unsafe-inline'"),
        ]
    else:
        directives += [
            ("script-src", "'self'"),
            ("style-src", "'self'"),
        ]
    return '; '.join('%s %s' % pair for pair in directives)


def _harden_cookie(cookie, secure):
    """``cookie`` (a Set-Cookie value) with HttpOnly, SameSite=Lax unless
    stricter, and Secure when the site is served over HTTPS."""
    attributes = [part.strip().lower().split('=', 1)[0]
                  for part in cookie.split(';')[1:]]
    if 'httponly' not in attributes:
        cookie += '; HttpOnly'
    if 'samesite' not in attributes:
        cookie += '; SameSite=Lax'
    elif 'samesite=none' in cookie.lower().replace(' ', ''):
        cookie = '; '.join(
            'SameSite=Lax' if part.strip().lower().replace(' ', '')
            == 'samesite=none' else part.strip()
            for part in cookie.split(';'))
    if secure and 'secure' not in attributes:
        cookie += '; Secure'
    return cookie


def on_new_response(event):
    """Headers, policy and cookie flags on every response."""
    request, response = event.request, event.response
    headers = response.headers
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    secure = request.registry.settings.get('httttha.secure_cookies')
    if secure:
        headers.setdefault('Strict-Transport-Security', 'max-age=31536000')
    # a view may set a stricter policy (stored files do)
    headers.setdefault('Content-Security-Policy',
                       content_security_policy(request))
    cookies = headers.getall('Set-Cookie')
    if cookies:
        del headers['Set-Cookie']
        for cookie in cookies:
            headers.add('Set-Cookie', _harden_cookie(cookie, secure))


class NonceRendererFactory(ZPTRendererFactory):
    """Deform's renderer, giving every widget template ``csp_nonce``: the
    nonce of the current request, for the inline scripts of deform's
    widgets (deform.addCallback, deform.load)."""

    def __call__(self, template_name, **kw):
        if 'csp_nonce' not in kw:
            request = get_current_request()
            kw['csp_nonce'] = (request.csp_nonce if request is not None
                               else '')
        return ZPTRendererFactory.__call__(self, template_name, **kw)


def includeme(config):
    from pyramid.events import NewResponse
    config.add_request_method(csp_nonce, 'csp_nonce', reify=True)
    config.add_subscriber(on_new_response, NewResponse)
