"""What a request that cannot be read, or a page that fails, answers.

* ``input_tween_factory`` reads, before any view, everything WebOb decodes
  lazily (the path, the query string, a form body) and refuses what cannot
  be decoded: bad percent-encoding, invalid UTF-8, a multipart body with
  no boundary, a form in another charset, an unknown method, a public body
  over the upload limit.  Left to the views, each of these raised deep
  inside one (``UnicodeDecodeError``, ``ValueError: Invalid boundary``)
  and answered 500.
* The exception views answer 4xx with a Vietnamese page in the portal's
  layout (JSON under ``/api``, as ``docs/case-management.openapi.yaml``
  says), and any other exception with a Vietnamese 500 page after logging
  its traceback, instead of waitress's English "Internal Server Error".

Exception views run inside pyramid_tm (which aborts a request that ended
in an exception view) and pyramid_retry (which retries a conflict even when
an exception view answered it), so both go on working.
"""
import io
import json
import logging
import random
import sys
import time

from pyramid.httpexceptions import (
    HTTPBadRequest,
    HTTPClientError,
    HTTPMethodNotAllowed,
    HTTPRequestEntityTooLarge,
    HTTPServerError,
)
from pyramid.interfaces import IRootFactory
from pyramid.renderers import render
from pyramid.response import Response
from pyramid.tweens import EXCVIEW
from pyramid_retry import (
    IBeforeRetry,
    is_error_retryable,
    mark_error_retryable,
)
from transaction.interfaces import TransientError
from ZODB.POSException import POSKeyError

from .. import _

log = logging.getLogger(__name__)

#: the methods the site answers; any other is refused before traversal
METHODS = ('GET', 'HEAD', 'POST')
FORM_TYPES = ('application/x-www-form-urlencoded', 'multipart/form-data')
#: what a public form may weigh beyond its uploads (the fields themselves)
FORM_MARGIN = 1024 * 1024

#: the API's messages for the errors of this module (the others are the
#: API's own, in views/api/casemanagement.py)
API_MESSAGES = {
    400: ('bad_request', _('The request cannot be read (its address, '
                           'query or body is not valid UTF-8 or is '
                           'malformed).')),
    404: ('not_found', _('No such API endpoint.')),
    405: ('method_not_allowed', _('This method is not allowed here.')),
    413: ('too_large', _('The request body is too large.')),
    500: ('server_error', _('An error occurred on the server. Please try '
                            'again later.')),
    503: ('unavailable', _('The service is busy or under maintenance; '
                           'nothing was saved. Please try again in a '
                           'moment.')),
}


class BadInput(HTTPBadRequest):
    """A request whose address, query or form cannot be decoded."""


def is_api(request):
    path = request.environ.get('PATH_INFO', '')
    return path == '/api' or path.startswith('/api/')


def _check(request):
    """The HTTP error a request's input deserves, or None when every part
    of it decodes."""
    if request.method not in METHODS:
        return HTTPMethodNotAllowed(headers={'Allow': ', '.join(METHODS)})
    try:
        request.script_name
        request.path_info
    except UnicodeDecodeError:
        return BadInput()
    try:
        values = list(request.GET.items())
    except UnicodeDecodeError:
        return BadInput()
    if any(_replaced(k) or _replaced(v) for k, v in values):
        return BadInput()
    if request.method == 'POST' and request.content_type in FORM_TYPES:
        if _too_large(request):
            return HTTPRequestEntityTooLarge()
        if request.content_type == 'multipart/form-data' and \
                not _multipart_complete(request):
            return BadInput()
        try:
            values = list(request.POST.items())
        # webob: ValueError (no or bad boundary, a truncated body),
        # DeprecationWarning (a charset other than UTF-8), and what the
        # cgi module raises on a malformed part
        except (ValueError, DeprecationWarning, TypeError, KeyError,
                IndexError, EOFError):
            return BadInput()
        # webob decodes form fields with errors='replace': U+FFFD stands
        # for bytes that were not UTF-8
        if any(_replaced(k) or (isinstance(v, str) and _replaced(v))
               for k, v in values):
            return BadInput()
    return None


def _multipart_complete(request):
    """Whether a multipart body ends with its closing delimiter: the cgi
    module takes a body cut short for a whole one, with its last field
    (an upload, say) cut short too."""
    boundary = request.headers.get(
        'Content-Type', '').partition('boundary=')[2].split(';')[0]
    boundary = boundary.strip().strip('"').encode('latin-1', 'replace')
    if not boundary:
        return False
    body = request.body_file_seekable
    body.seek(0, 2)
    size = body.tell()
    body.seek(max(0, size - len(boundary) - 256))
    tail = body.read()
    body.seek(0)
    return b'--' + boundary + b'--' in tail


def _replaced(text):
    return '\ufffd' in text


def _too_large(request):
    """A public form bigger than its uploads may be (staff forms and the
    API have their own limits)."""
    path = request.path_info
    if path.startswith(('/manage', '/api')):
        return False
    from ..services.intake.submission import limits
    limit = limits(request.registry).max_total + FORM_MARGIN
    return (request.content_length or 0) > limit


def _neutralize(request):
    """Drop what could not be decoded, so that the error page, its layout
    and the locale negotiator (which reads ``request.params``) read a
    plain request."""
    environ = request.environ
    try:
        request.path_info
        request.script_name
    except UnicodeDecodeError:
        environ['PATH_INFO'] = '/api/' if is_api(request) else '/'
        environ['SCRIPT_NAME'] = ''
    environ['QUERY_STRING'] = ''
    environ['CONTENT_TYPE'] = ''
    environ['CONTENT_LENGTH'] = '0'
    environ['wsgi.input'] = io.BytesIO()
    for key in ('webob._parsed_query_vars', 'webob._parsed_post_vars'):
        environ.pop(key, None)


def input_tween_factory(handler, registry):
    """Refuse, before traversal and views, a request whose input cannot be
    decoded (see the module's docstring)."""

    def tween(request):
        problem = _check(request)
        if problem is not None:
            _neutralize(request)
            raise problem
        return handler(request)
    return tween


# -- exception views

def _prepare(request):
    """An error raised before traversal leaves the request without the
    root and view name the layout reads."""
    if getattr(request, 'root', None) is None:
        factory = request.registry.queryUtility(IRootFactory)
        request.root = factory(request)
    for name, value in (('context', None), ('view_name', ''), ('subpath', ()),
                        ('traversed', ())):
        if not hasattr(request, name):
            setattr(request, name, value)


def json_error(request, status, headers=()):
    code, message = API_MESSAGES.get(status, API_MESSAGES[
        500 if status >= 500 else 400])
    body = {'error': code, 'message': request.localizer.translate(message)}
    response = Response(
        status=status, content_type='application/json', charset='utf-8',
        body=json.dumps(body, ensure_ascii=False).encode('utf-8'))
    response.cache_control = 'no-store'
    for name, value in headers:
        response.headers[name] = value
    return response


def page(request, status, headers=()):
    """The Vietnamese error page of ``status`` in the portal's layout."""
    _prepare(request)
    html = render('httttha:templates/public/error.pt',
                  {'status': status}, request=request)
    response = Response(html, status=status, content_type='text/html',
                        charset='utf-8')
    response.cache_control = 'no-store'
    for name, value in headers:
        response.headers[name] = value
    return response


#: the last resort when even the error page fails (say, the database is
#: gone): no layout, no database, still Vietnamese
PLAIN_500 = '''<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"/>
<title>Lỗi hệ thống - Hỗ trợ trực tuyến thi hành án dân sự</title></head>
<body><main><h1>Lỗi hệ thống</h1>
<p>Đã xảy ra lỗi trong khi xử lý yêu cầu của bạn. Xin vui lòng thử lại
sau ít phút. Nếu lỗi vẫn tiếp diễn, xin liên hệ bộ phận hỗ trợ.</p>
<p><a href="/">Về trang chủ</a></p></main></body></html>'''
PLAIN_503 = '''<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"/>
<title>Hệ thống đang bận - Hỗ trợ trực tuyến thi hành án dân sự</title>
</head><body><main><h1>Hệ thống đang bận</h1>
<p>Yêu cầu của bạn chưa được thực hiện vì hệ thống đang bận hoặc đang được
bảo trì. Những gì đã lưu trước đó vẫn còn nguyên. Xin quay lại trang trước
và gửi lại sau ít phút.</p>
<p><a href="/">Về trang chủ</a></p></main></body></html>'''

#: seconds a client is asked to wait when the database is busy or away
RETRY_AFTER = '5'
#: back-off before another attempt: up to BASE × 2^attempt seconds,
#: uniformly drawn (full jitter), never above CAP
BACKOFF_BASE = 0.05
BACKOFF_CAP = 1.0

#: headers of an HTTP error worth passing on to the answer
KEPT_HEADERS = ('Allow', 'WWW-Authenticate', 'Retry-After')


def client_error(exc, request):
    """4xx: a Vietnamese page, or JSON under ``/api``."""
    status = exc.status_int
    headers = [(name, exc.headers[name]) for name in KEPT_HEADERS
               if name in exc.headers]
    if status == 403:
        from ..services.administration import audit
        audit.denied(request, exc)
    if is_api(request):
        return json_error(request, status, headers)
    return page(request, status, headers)


def _disconnected(registry, exc):
    """Whether ``exc`` is the database connection lost (PostgreSQL
    restarted or away), as RelStorage's driver names those errors."""
    db = registry._zodb_databases.get('')
    adapter = getattr(getattr(db, 'storage', None), '_adapter', None)
    driver = getattr(getattr(adapter, 'connmanager', None), 'driver', None)
    return driver is not None and isinstance(
        exc, driver.disconnected_exceptions)


def busy(request, exc):
    """Whether ``exc`` says "try again" rather than "this is a bug": a
    write conflict, or the database connection lost.  The second is
    marked retryable so that pyramid_retry tries once more on a fresh
    connection (RelStorage reconnects on the next use)."""
    if isinstance(exc, TransientError):
        return True
    if _disconnected(request.registry, exc):
        mark_error_retryable(exc)
        return True
    return False


def stale(request, exc):
    """Whether ``exc`` is an object missing from a first attempt's view
    of the database: after PostgreSQL restarts, a process's first view
    can miss what the other process committed meanwhile (RelStorage's
    POSKeyError).  It is tried once more on a fresh view; missing again,
    it is a real error."""
    if isinstance(exc, POSKeyError) and _attempt(request) == 0:
        mark_error_retryable(exc)
        return is_error_retryable(request, exc)
    return False


def server_error(exc, request):
    """5xx and any exception: the traceback in the log, a Vietnamese page
    for the user.  A conflict or a lost connection is tried again
    (``before_retry``); when no attempt is left it answers 503 with
    Retry-After, not 500: nothing was saved, and the same request may
    succeed in a moment."""
    status = exc.status_int if isinstance(exc, HTTPServerError) else 500
    headers = ()
    if stale(request, exc):
        return Response(status=503)         # thrown away: tried again
    if busy(request, exc):
        if is_error_retryable(request, exc):
            # pyramid_retry throws the answer away: no page to render
            return Response(status=503)
        status, headers = 503, (('Retry-After', RETRY_AFTER),)
        log.warning('%s %s: gave up after %d attempts (%r)', request.method,
                    request.path_info, _attempt(request) + 1, exc)
    else:
        log.error('%s %s failed', request.method, request.path_info,
                  exc_info=request.exc_info or True)
    if is_api(request):
        return json_error(request, status, headers)
    try:
        return page(request, status, headers)
    except Exception:
        log.exception('the error page failed too')
        response = Response(PLAIN_503 if status == 503 else PLAIN_500,
                            status=status, content_type='text/html',
                            charset='utf-8')
        response.cache_control = 'no-store'
        for name, value in headers:
            response.headers[name] = value
        return response


class LastResort(object):
    """The WSGI application around Pyramid's router.  What fails where no
    exception view sees it (a response callback such as the session's
    cookie, a ``NewResponse`` subscriber, pyramid_tm's commit or begin)
    answers ``PLAIN_500``, in Vietnamese, rather than waitress's English
    "Internal Server Error"; a conflict or the database away there answers
    ``PLAIN_503`` with Retry-After, as inside the views.  Anything else is
    the router's (``registry``…)."""

    def __init__(self, app):
        self.app = app

    def __getattr__(self, name):
        return getattr(self.app, name)

    def __call__(self, environ, start_response):
        try:
            return self.app(environ, start_response)
        except Exception as exc:
            from .csp import SECURITY_HEADERS
            if isinstance(exc, TransientError) or _disconnected(
                    self.app.registry, exc):
                log.warning('%s %s: %r outside the exception views',
                            environ.get('REQUEST_METHOD'),
                            environ.get('PATH_INFO'), exc)
                status, body = '503 Service Unavailable', PLAIN_503
                headers = [('Retry-After', RETRY_AFTER)]
            else:
                log.exception('%s %s failed outside the exception views',
                              environ.get('REQUEST_METHOD'),
                              environ.get('PATH_INFO'))
                status, body = '500 Internal Server Error', PLAIN_500
                headers = []
            body = body.encode('utf-8')
            headers += [('Content-Type', 'text/html; charset=utf-8'),
                        ('Content-Length', str(len(body))),
                        ('Cache-Control', 'no-store')]
            headers += list(SECURITY_HEADERS.items())
            start_response(status, headers, sys.exc_info())
            return [body]


def _attempt(request):
    return request.environ.get('retry.attempt', 0)


def before_retry(event):
    """Log each retry (INFO: the count per request is the attempt number)
    and wait a random back-off growing with the attempts, so that the
    requests that conflicted do not meet again at once."""
    request = event.request
    attempt = _attempt(request)
    delay = random.uniform(0, min(BACKOFF_CAP,
                                  BACKOFF_BASE * 2 ** attempt))
    log.info('%s %s: attempt %d failed (%s), trying again in %.0f ms',
             request.method, request.path_info, attempt + 1,
             type(event.exception).__name__, delay * 1000)
    time.sleep(delay)


def includeme(config):
    from ..templatelock import install
    # no 500 at a cold start: templates compile one at a time
    install()
    config.add_tween('httttha.views.errors.input_tween_factory',
                     under=EXCVIEW)
    for context, view in ((HTTPClientError, client_error),
                          (HTTPServerError, server_error),
                          (Exception, server_error)):
        config.add_exception_view(view, context=context)
    config.add_subscriber(before_retry, IBeforeRetry)
