"""A browser-like client on plain ``http.client`` (one keep-alive
connection and one cookie jar per client thread; BeautifulSoup, of the
test extra, reads the forms), and what it does: fill a form as a browser
would, log in, and go through the citizen's whole submission wizard."""
import http.client
import http.cookies
import io
import re
import urllib.parse
import uuid

TIMEOUT = 60


class Response(object):
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self):
        return self.body.decode('utf-8', 'replace')

    def location(self):
        """The redirect's path (and query)."""
        parsed = urllib.parse.urlsplit(self.headers.get('Location', ''))
        return parsed.path + ('?' + parsed.query if parsed.query else '')


class Client(object):
    """One browser-like client: a keep-alive connection and cookies; does
    not follow redirects."""

    def __init__(self, url):
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port = parsed.hostname, parsed.port
        self.cookies = {}
        self.conn = None

    def _connect(self):
        self.close()
        self.conn = http.client.HTTPConnection(self.host, self.port,
                                               timeout=TIMEOUT)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers['Cookie'] = '; '.join('%s=%s' % item
                                          for item in self.cookies.items())
        for attempt in (0, 1):
            fresh = self.conn is None
            if fresh:
                self._connect()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                raw = self.conn.getresponse()
                data = raw.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError,
                    BrokenPipeError, http.client.CannotSendRequest):
                # a kept-alive connection the server closed: once more on
                # a new one (a fresh connection failing is an error)
                self.close()
                if fresh or attempt:
                    raise
        for header in raw.msg.get_all('Set-Cookie') or ():
            cookie = http.cookies.SimpleCookie()
            try:
                cookie.load(header)
            except http.cookies.CookieError:
                continue
            for name, morsel in cookie.items():
                if not morsel.value or morsel['max-age'] == '0':
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if raw.getheader('Connection', '').lower() == 'close':
            self.close()
        return Response(raw.status, raw.msg, data)

    def get(self, path):
        return self.request('GET', path)

    def post(self, path, fields, enctype=None):
        """POST ``fields`` ([(name, value, filename or None)]) encoded as
        a browser does for ``enctype``."""
        if enctype == 'multipart/form-data':
            body, content_type = multipart(fields)
        else:
            body = urllib.parse.urlencode(
                [(n, v) for n, v, _f in fields]).encode('utf-8')
            content_type = 'application/x-www-form-urlencoded'
        return self.request('POST', path, body,
                            {'Content-Type': content_type})


def multipart(fields):
    boundary = '----httttha%s' % uuid.uuid4().hex
    out = io.BytesIO()
    for name, value, filename in fields:
        if filename is not None:
            head = ('Content-Disposition: form-data; name="%s"; '
                    'filename="%s"\r\nContent-Type: %s' % (
                        name, filename, 'application/pdf' if filename
                        else 'application/octet-stream'))
        else:
            head = 'Content-Disposition: form-data; name="%s"' % name
        if isinstance(value, str):
            value = value.encode('utf-8')
        out.write(('--%s\r\n%s\r\n\r\n' % (boundary, head)).encode('utf-8'))
        out.write(value + b'\r\n')
    out.write(('--%s--\r\n' % boundary).encode('ascii'))
    return out.getvalue(), 'multipart/form-data; boundary=%s' % boundary


def form_fields(html, selector, values, button, files=None):
    """The fields a browser sends from form ``selector``, filled from
    ``values`` (deform paths such as ``applicant.full_name``; ``True``
    ticks a checkbox) and ``files`` ({path: (filename, bytes)}), with the
    pressed ``button``: (action, enctype, [(name, value, filename)])."""
    from bs4 import BeautifulSoup
    files = files or {}
    form = BeautifulSoup(html, 'html.parser').select_one(selector)
    if form is None:
        raise ValueError('no form %s in the page' % selector)
    stack, fields, seen = [], [], set()
    for el in form.find_all(['input', 'select', 'textarea', 'button']):
        name = el.get('name')
        kind = (el.get('type') or '').lower()
        if not name or el.has_attr('disabled'):
            continue
        if name in ('__start__', '__end__'):
            fields.append((name, el.get('value', ''), None))
            if name == '__start__':
                stack.append(tuple(el['value'].split(':')))
            elif stack:
                stack.pop()
            continue
        path = [n for n, k in stack if k != 'rename']
        path.append(stack[-1][0] if stack and stack[-1][1] == 'rename'
                    else name)
        path = '.'.join(path)
        seen.add(path)
        wanted = values.get(path)
        if el.name == 'button' or kind in ('submit', 'button', 'image',
                                           'reset'):
            if name == button:
                fields.append((name, el.get('value', ''), None))
        elif kind == 'file':
            filename, body = files.get(path, ('', b''))
            fields.append((name, body, filename))
        elif kind in ('radio', 'checkbox'):
            value = el.get('value', 'on')
            if wanted is None:
                checked = el.has_attr('checked')
            elif isinstance(wanted, bool):
                checked = wanted
            else:
                checked = value == wanted
            if checked:
                fields.append((name, value, None))
        elif el.name == 'select':
            options = [o.get('value', o.get_text())
                       for o in el.find_all('option')]
            chosen = [o.get('value', o.get_text()) for o in
                      el.find_all('option') if o.has_attr('selected')]
            if wanted is not None and wanted not in options:
                raise ValueError('%s is not an option of %s' % (wanted, path))
            value = wanted if wanted is not None else (
                chosen or options or [''])[0]
            fields.append((name, value, None))
        elif el.name == 'textarea':
            fields.append((name, wanted if wanted is not None
                           else el.get_text(), None))
        elif name == '_charset_':
            fields.append((name, 'UTF-8', None))
        else:
            fields.append((name, wanted if wanted is not None
                           else el.get('value', ''), None))
    missing = set(values) - seen
    if missing:
        raise ValueError('no such field: %s' % ', '.join(sorted(missing)))
    return (form.get('action') or '',
            form.get('enctype', 'application/x-www-form-urlencoded'), fields)


def login(client, name, password):
    """Log in through the SDI's form; raise unless it worked."""
    page = client.get('/manage/@@login')
    if page.status != 200:
        raise RuntimeError('login page: %s' % page.status)
    action, enctype, fields = form_fields(
        page.text, 'form', {'login': name, 'password': password},
        'form.submitted')
    action = urllib.parse.urlsplit(action).path or '/manage/@@login'
    done = client.post(action, fields, enctype)
    if done.status != 302:
        raise RuntimeError('login as %s failed (%s)' % (name, done.status))


# -- submissions --------------------------------------------------------------

APPLICATION = {
    'applicant.kind': 'person',
    'applicant.full_name': 'Nguyễn Thị Hương',
    'applicant.birth_date': '12/05/1980',
    'applicant.id_type': 'cccd',
    'applicant.id_number': '001180012345',
    'applicant.id_date': '01/07/2021',
    'applicant.id_place': 'Cục Cảnh sát QLHC về TTXH',
    'applicant.address': '12 phố Đội Cấn, phường Đội Cấn, quận Ba Đình, '
                         'Hà Nội',
    'applicant.phone': '0912 345 678',
    'applicant.email': 'huong@example.com',
    'judgment.number': '12/2024/DS-ST',
    'judgment.date': '15/03/2024',
    'judgment.issuer': 'Tòa án nhân dân quận Ba Đình',
    'role': 'creditor',
    'creditor.name': 'Nguyễn Thị Hương',
    'creditor.address': '12 phố Đội Cấn, Ba Đình, Hà Nội',
    'debtor.name': 'Trần Văn Bình',
    'debtor.address': '45 Kim Mã, Ba Đình, Hà Nội',
    'content': 'Buộc ông Trần Văn Bình trả 150.000.000 đồng.',
    'assets': 'Căn hộ 45 Kim Mã.',
    'declaration': True,
}


def pdf_of_size(size=200 * 1024):
    """A valid PDF of about ``size`` bytes (a scanned judgment's weight)."""
    from reportlab.pdfgen.canvas import Canvas
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    canvas.drawString(72, 720, 'Ban an so 12/2024/DS-ST')
    canvas.save()
    body = out.getvalue()
    return body + b'%' * max(0, size - len(body))


def submit(client, agency_code, number, pdf, procedure='HTTT01'):
    """The whole wizard, as a citizen's browser does it: the form, the
    POST with the upload, the preview, the confirmation, the result.
    Returns the draft token; raises on any unexpected answer."""
    page = client.get('/ke-khai?co-quan=%s&thu-tuc=%s' % (agency_code,
                                                           procedure))
    if page.status != 200:
        raise RuntimeError('form: status %s' % page.status)
    values = dict(APPLICATION)
    values['applicant.full_name'] = 'Nguyễn Thị Hương %d' % number
    values['applicant.id_number'] = '0011%08d' % (number % 10 ** 8)
    action, enctype, fields = form_fields(
        page.text, 'form#application', values, 'continue',
        files={'files.judgment.upload': ('ban-an.pdf', pdf)})
    action = _path(action) or '/ke-khai?co-quan=%s&thu-tuc=%s' % (
        agency_code, procedure)
    sent = client.post(action, fields, enctype)
    if sent.status != 302:
        raise RuntimeError('form POST: status %s %s' % (
            sent.status, _error_messages(sent.text)))
    preview = sent.location()
    token = preview.rstrip('/').rsplit('/', 1)[1]
    page = client.get(preview)
    if page.status != 200:
        raise RuntimeError('preview: status %s' % page.status)
    action, enctype, fields = form_fields(page.text, 'form:has(#confirm)',
                                          {}, 'confirm')
    done = client.post(_path(action) or preview, fields, enctype)
    if done.status != 302:
        raise RuntimeError('confirm: status %s' % done.status)
    result = client.get(done.location())
    if result.status != 200 or 'id="code"' not in result.text:
        raise RuntimeError('result: status %s' % result.status)
    return token


def _path(url):
    parsed = urllib.parse.urlsplit(url)
    return parsed.path + ('?' + parsed.query if parsed.query else '')


def _error_messages(html):
    found = re.findall(r'class="error-msg[^"]*"[^>]*>(.*?)<', html, re.S)
    return [m.strip() for m in found][:5]
