"""Issue 19, Deliver 1: everything a staff member meets is Vietnamese.

Every registered management view (read from the registry, as the role ×
view matrix does) is asked by GET as each demo role would, on objects that
hold data (the role's agency, its containers, a dossier of each procedure
and state, a petition, a staff account, guidance, a report, the site's
objects, the user's own account); the visible text of each page (with the
title, placeholders, labels for assistive technology, tooltips, button
values and options) must hold none of ``ENGLISH``.  The printed documents
(the application of each procedure, every kind of notice and slip, the
Xuất phiếu draft) are read with pypdf and checked the same way."""
import io
import re
import unicodedata
from urllib.parse import quote, urlsplit

import pytest
import transaction
import webtest
from bs4 import BeautifulSoup
from pypdf import PdfReader
from pyramid.scripting import prepare
from substanced.db import root_factory
from webtest import Upload

from httttha.workflows.dossier import state_of

from ..conftest import ADMIN_PASSWORD, flash_text, login
from ..security.test_role_view_matrix import (  # noqa: F401 (fixture)
    NO_GET,
    OPEN,
    PUBLIC,
    answers,
    registered_views,
    request_as,
    samples,
    site_samples,
    ticket,
    world,
)
from .submission import VALUES, fill, open_form, pdf_bytes
from .test_back_office import accept, decide

#: common English words of user interfaces, matched as whole words (any
#: case): none is a Vietnamese syllable, so a hit is English left behind
ENGLISH = (
    'Save', 'Cancel', 'Submit', 'Login', 'Log in', 'Log out', 'Logout',
    'Sign in', 'Sign out', 'Email', 'Password', 'Preferences', 'Basic',
    'Timezone', 'Time zone', 'Select file', 'Choose file', 'Updated',
    'Delete', 'Edit', 'Add', 'Contents', 'Search', 'Next', 'Previous',
    'Prev', 'Home', 'Workspace', 'Internal Server Error', 'Not Found',
    'Forbidden', 'Substance D', 'propose', 'Judgment', 'Creditor', 'Debtor',
    'Upload', 'Remove', 'Name', 'Title', 'Description', 'Error', 'Required',
    'Properties', 'Security', 'Close', 'Back', 'Yes', 'Loading', 'Unknown',
    'Results', 'Filter', 'Reset', 'Apply', 'Confirm', 'Download', 'Print',
    'Show', 'Hide', 'Total', 'Page', 'Status', 'Date', 'User', 'Users',
    'Group', 'Groups', 'Role', 'Roles', 'Language', 'Modified', 'Created',
    'Added', 'Removed', 'Changed', 'Event', 'Events', 'Action', 'Actions',
    'None', 'True', 'False', 'Welcome', 'Manage', 'Management', 'Settings',
    'Help', 'View', 'Folder', 'File', 'Undo', 'Catalog', 'Database',
    'Auditing', 'Object', 'Type', 'Value', 'Principal', 'Permission',
    'Inherit', 'Allow', 'Deny', 'Everyone', 'Authenticated', 'Owner',
    'Selected', 'Select', 'Items', 'Rename', 'Copy', 'Move', 'Paste',
    'Duplicate', 'Batch', 'Showing', 'entries', 'Dossier', 'Support',
    'Result', 'Notice', 'Agency', 'Department', 'Officer', 'Leader',
    'Applicant', 'Petition', 'Address', 'Phone', 'Please', 'must', 'the',
    'and', 'of', 'is', 'not', 'this', 'your', 'you', 'with', 'for',
)

#: words of the list that are right where they stand, with the reason
ALLOWED = {
    # the product and the file types are named so in Vietnamese too
    'PDF', 'Excel',
}

#: a word joined to others by dots, hyphens, underscores or slashes is
#: part of a code (``sdi.view``, ``httttha.manage-users``,
#: ``content_type``, a path), not English
PATTERN = re.compile(r'(?<![\w.\-/])(%s)(?![\w\-/]|\.\w)' % '|'.join(
    re.escape(w).replace(r'\ ', r'\s+') for w in sorted(
        ENGLISH, key=len, reverse=True)), re.IGNORECASE)

#: attributes a person reads (or hears) though they are not text; deform's
#: upload.js shows data-selectfile / data-changefile on a file slot's button
SHOWN_ATTRIBUTES = ('placeholder', 'aria-label', 'alt', 'title', 'label',
                    'data-selectfile', 'data-changefile')


def visible_text(html):
    """What a page shows or reads out: its text without scripts and
    styles, with the title, placeholders, labels for assistive
    technology, tooltips, button values and the options of lists."""
    soup = BeautifulSoup(html, 'html.parser')
    # scripts that write English of their own unless told otherwise:
    # deform's upload.js labels the button of a file input; select2 says
    # "No results found", "Searching…" unless given static/sdi-vi.js's
    scripts = [s.get_text() for s in soup('script')]
    plugin = any('.upload()' in s for s in scripts)
    select2 = [s for s in scripts if '.select2(' in s]
    # scripts and styles are no text; <code>, <kbd>, <samp> and <pre>, and
    # whatever says translate="no", show codes as they are (permission
    # names, a stored event's data), which no language translates
    for hidden in soup(['script', 'style', 'template', 'noscript', 'code',
                        'kbd', 'samp', 'pre']) + soup(translate='no'):
        hidden.decompose()
    parts = [soup.get_text(' ')] + [
        'No results found' for s in select2
        if 'httttha_select2_language' not in s]
    for element in soup.find_all(True):
        for name in SHOWN_ATTRIBUTES:
            if element.get(name):
                parts.append(element[name])
        if element.name == 'input' and element.get('type') == 'file' and \
                not element.get('data-selectfile') and plugin:
            parts.append('Select file')     # upload.js's own label
        if element.name == 'input' and element.get(
                'type', '').lower() in ('submit', 'button', 'reset') and \
                element.get('value'):
            parts.append(element['value'])
    return ' '.join(' '.join(parts).split())


def english_words(text):
    """The words of ``ENGLISH`` found in ``text``, in order, once each."""
    text = unicodedata.normalize('NFC', text)
    found = []
    for match in PATTERN.finditer(text):
        word = ' '.join(match.group(1).split())
        if word not in ALLOWED and word not in found:
            found.append(word)
    return found


def pdf_text(body):
    return ' '.join(page.extract_text() for page in PdfReader(
        io.BytesIO(body)).pages)


def problems_of(label, response):
    """[(page, word)] of a response: an HTML page's visible text or a
    PDF's text; a server error is a problem of its own."""
    if response.status_int >= 500:
        return [(label, 'HTTP %d' % response.status_int)]
    if response.content_type == 'application/pdf':
        text = pdf_text(response.body)
    elif response.content_type == 'text/html':
        text = visible_text(response.text)
    else:
        return []
    return [(label, word) for word in english_words(text)]


# -- the checker can fail ---------------------------------------------------

def test_checker_finds_an_english_label():
    page = '''<html><head><title>Hồ sơ</title><script>var Save;</script>
      <code>sdi.view</code><select translate="no"><option>view</option>
      </select>
      </head><body><form><label>Họ và tên</label>
      <input type="submit" value="Save"/>
      <input placeholder="Tìm kiếm"/><select><option>Chọn</option>
      <option>Timezone</option></select>
      <img alt="Loading indicator"/><input type="file" name="upload"/>
      <script>$('#x').upload(); $('#y').select2({});</script>
      <input type="file" data-selectfile="Chọn tệp…"/></form></body></html>'''
    assert english_words(visible_text(page)) == [
        'Timezone', 'results', 'Save', 'Loading', 'Select file']


def test_checker_reads_words_whole_and_vietnamese_alone():
    assert english_words('Nhật ký: Đăng nhập, Bổ sung hồ sơ; Phân loại') == []
    # a word inside another, or Vietnamese letters around it, is no hit
    assert english_words('Savings Bắc Ninh Addis thead') == []
    # codes are no words: a permission, a setting, an index
    assert english_words('sdi.view httttha.manage-users content_type') == []
    assert english_words('Edit. View-') == ['Edit']
    assert english_words('Ngày 02/12; log  in; Substance   D') == [
        'log in', 'Substance D']


# -- the walk ---------------------------------------------------------------

#: the logins walked: every role at a Chi cục, the administrators of each
#: level and the site administrator
BA_DINH_ROLES = ('hotro', 'chuyenvien', 'lanhdao', 'khieunai', 'quantri',
                 'bientap', 'baocao', 'theodoi')
LOGINS = tuple(r + '.bd' for r in BA_DINH_ROLES) + (
    'quantri.hn', 'quantri.tc', 'admin')

#: containers whose items (one of each kind and state) the walk opens
CONTAINERS = ('ho-so', 'huong-dan', 'bao-cao', 'khao-sat', 'phong-ban')


#: Substance D's views that add a service on GET (a link of the site
#: administrator's Add menu): walking them would change the data
CHANGES_ON_GET = {'add_lock_service', 'add_principals_service'}


def _kind(registry, obj):
    return (registry.content.typeof(obj), getattr(obj, 'procedure', None),
            _state(obj))


def _state(obj):
    try:
        return state_of(obj) if hasattr(obj, 'timeline') else getattr(
            obj, 'state', None)
    except Exception:       # not a dossier after all
        return None


def data_objects(registry, agency):
    """One object of each kind, procedure and state in the agency's
    containers (and a level below: a report year, a survey's form), and
    the first file of each dossier kind."""
    found = {}
    for name in CONTAINERS:
        container = agency.get(name)
        if container is None:
            continue
        for obj in container.values():
            found.setdefault(_kind(registry, obj), obj)
            if hasattr(obj, 'values') and not hasattr(obj, 'timeline'):
                for inner in list(obj.values())[:20]:
                    found.setdefault(_kind(registry, inner), inner)
    files = {}
    for kind, obj in list(found.items()):
        if hasattr(obj, 'timeline'):
            for item in obj.values():
                if getattr(item, 'is_attachment', False) or getattr(
                        item, 'is_response', False):
                    files.setdefault(('file',) + kind, item)
                    break
    found.update(files)
    return list(found.values())


def _path(request, obj):
    path = '/'.join(quote(p) for p in request.resource_path(obj).split('/'))
    return path.replace('//', '/').rstrip('/')


def pages_of(registry, root, login_name):
    """[(url, label)] of every management page ``login_name`` may GET on
    the objects of its agency, the site and its own account."""
    views = registered_views(registry)
    user = root['principals']['users'][login_name]
    agency = user.agency() if hasattr(user, 'agency') else None
    objects = []
    if agency is not None:
        objects += list(samples(root, agency, login_name).values())
        objects += data_objects(registry, agency)
    objects += list(site_samples(root).values()) + [user]
    cookie = ticket(registry, root, user)
    urls, seen = [], set()
    for obj in objects:
        request = request_as(registry, root, cookie, obj)
        for name, (permitted, get) in sorted(answers(views, obj,
                                                     request).items()):
            # the open views (login, landings) are the same everywhere
            if not permitted or not get or name in NO_GET or \
                    name in CHANGES_ON_GET or \
                    name in OPEN | PUBLIC and obj is not root:
                continue
            url = '/manage%s/@@%s' % (_path(request, obj), name)
            if url not in seen:
                seen.add(url)
                urls.append(url)
    # the logout's confirmation (a GET only asks; the POST logs out)
    return urls + ['/manage/@@logout']


def browser_for(world, login_name):
    browser = webtest.TestApp(world.app,
                              extra_environ=dict(world.extra_environ))
    if login_name == 'admin':
        login(browser, 'admin', ADMIN_PASSWORD)
    else:
        login(browser, login_name)
    return browser


def visit(browser, url):
    """The page at ``url``, after a redirect within the site."""
    response = browser.get(url, expect_errors=True)
    if response.status_int in (301, 302, 303):
        location = urlsplit(response.location)
        response = browser.get(location.path, params=location.query,
                               expect_errors=True)
    return response


@pytest.mark.parametrize('login_name', LOGINS)
def test_every_page_of_every_role_is_vietnamese(world, login_name):
    registry = world.app.registry
    env = prepare(registry=registry)
    try:
        urls = pages_of(registry, root_factory(env['request']), login_name)
    finally:
        transaction.abort()
        env['closer']()
    assert len(urls) > 5
    browser = browser_for(world, login_name)
    found, seen = [], set(urls)
    for url in urls:
        response = visit(browser, url)
        found += problems_of(url, response)
        # the same screen's other states: its tabs, filters and pages
        for other in same_view_links(response, seen)[:MORE_STATES]:
            found += problems_of(other, visit(browser, other))
    assert not found, '\n'.join('%s: %s' % p for p in found)


#: how many of a page's own links (a queue, a page, a filter) are walked
MORE_STATES = 8


def same_view_links(response, seen):
    """The links of a page to the same view with another query (its queue
    tabs, pager, filters) or a subpath (a property sheet's tabs), not seen
    yet."""
    if response.content_type != 'text/html' or response.status_int != 200:
        return []
    here = response.request.path
    links = []
    for a in response.html.select('a[href]'):
        href = urlsplit(a['href'])
        if href.query and href.path in ('', here) and \
                'xuat' not in href.query:
            url = '%s?%s' % (here, href.query)
        elif '/@@' in here and href.path.startswith(here + '/') and \
                not href.query:
            url = href.path
        else:
            continue
        if url not in seen:
            seen.add(url)
            links.append(url)
    return links


def test_pages_before_login_are_vietnamese(world):
    browser = webtest.TestApp(world.app,
                              extra_environ=dict(world.extra_environ))
    found = []
    for url in ('/manage/@@login', '/manage/@@resetpassword',
                '/manage/thads/@@ban-lam-viec', '/manage/khong-co'):
        found += problems_of(url, visit(browser, url))
    assert not found, '\n'.join('%s: %s' % p for p in found)


# -- the printed documents --------------------------------------------------

def test_every_notice_and_slip_is_vietnamese(world):
    """Every kind of notice and slip of the demo dossiers, as Xuất phiếu
    and the timeline's print links give them."""
    registry = world.app.registry
    env = prepare(registry=registry)
    urls = {}
    try:
        root = root_factory(env['request'])
        agency = root['thads']['cuc-thads-ha-noi']['chi-cuc-thads-ba-dinh']
        request = env['request']
        for dossier in agency['ho-so'].values():
            for index, entry in enumerate(dossier.timeline):
                slip = entry.get('slip')
                if slip:
                    key = (dossier.procedure, slip.get('kind'),
                           entry.get('action'))
                    urls.setdefault(key, '/manage%s/@@phieu/%d' % (
                        _path(request, dossier), index))
    finally:
        transaction.abort()
        env['closer']()
    assert len(urls) >= 5
    browser = browser_for(world, 'lanhdao.bd')
    found = []
    for url in urls.values():
        response = visit(browser, url)
        assert response.content_type == 'application/pdf', url
        found += problems_of(url, response)
    assert not found, '\n'.join('%s: %s' % p for p in found)


@pytest.mark.parametrize('support', ['valid', 'supplement', 'no_right'])
def test_the_draft_notice_is_vietnamese(world, support):
    """Xuất phiếu on Hỗ trợ: the draft of each kind of notice (an
    appointment, a request to supplement, a refusal), nothing sent."""
    env = prepare(registry=world.app.registry)
    try:
        root = root_factory(env['request'])
        code = next(d.code for d in root['thads']['cuc-thads-ha-noi'][
            'chi-cuc-thads-ba-dinh']['ho-so'].values()
            if d.procedure == 'HTTT01' and state_of(d) == 'submitted')
    finally:
        transaction.abort()
        env['closer']()
    browser = browser_for(world, 'hotro.bd')
    if support == 'valid':
        response = accept(browser, code, button='preview')
    else:
        response = decide(browser, code, support, 'Bổ sung bản án.',
                          button='preview')
    assert response.content_type == 'application/pdf'
    found = problems_of('Xuất phiếu (%s)' % support, response)
    assert not found, '\n'.join('%s: %s' % p for p in found)


@pytest.mark.parametrize('procedure', ['HTTT01', 'HTTT02', 'HTTT03'])
def test_the_printed_application_is_vietnamese(world, procedure):
    """In tờ khai: the application as the citizen prints it, before and
    after it is sent."""
    browser = webtest.TestApp(world.app,
                              extra_environ=dict(world.extra_environ))
    form = open_form(browser, procedure).forms['application']
    fill(form, dict(VALUES[procedure], declaration=True))
    slot = 'judgment' if procedure != 'HTTT02' else 'other_1'
    fill(form, {'files.%s.upload' % slot: Upload('Bản án.pdf', pdf_bytes())})
    preview = form.submit('continue').follow()
    result = preview.forms[0].submit('confirm').follow()
    found = []
    for page in (preview, result):
        response = browser.get(page.html.select_one('#print')['href'])
        assert response.content_type == 'application/pdf'
        found += problems_of(page.request.path, response)
    assert not found, '\n'.join('%s: %s' % p for p in found)


# -- failures -----------------------------------------------------------------

def test_a_failure_anywhere_answers_in_vietnamese(world, monkeypatch):
    """A view that fails gets the application's error page; what fails
    where no exception view sees it (here the headers' subscriber, after
    the view) gets the plain Vietnamese page, never waitress's "Internal
    Server Error"."""
    from httttha.views import csp
    from httttha.views.sdi import agency

    def broken(*args, **kw):
        raise RuntimeError('hỏng')
    browser = browser_for(world, 'hotro.bd')
    monkeypatch.setattr(agency, 'landing', broken)
    inside = browser.get('/manage/@@httt', expect_errors=True)
    monkeypatch.undo()
    monkeypatch.setattr(csp, 'content_security_policy', broken)
    outside = browser.get('/manage/@@login', expect_errors=True)
    monkeypatch.undo()
    for response in (inside, outside):
        assert response.status_int == 500
        text = visible_text(response.text)
        assert 'Lỗi hệ thống' in text and not english_words(text), text


#: forms sent empty (or with a bad e-mail): their messages must be
#: Vietnamese too (login, page, the field to spoil)
FORMS = (
    ('hotro.bd', 'BD/ho-so/{submitted}/@@ho-tro', {}),
    ('hotro.bd', 'BD/ho-so/{in_processing}/@@tra-ket-qua', {}),
    ('quantri.bd', 'BD/@@them-nguoi-dung', {}),
    ('hotro.bd', '/manage/principals/users/hotro.bd/@@properties/'
     'Preferences', {'email': 'khong-phai-thu'}),
    ('hotro.bd', '/manage/principals/users/hotro.bd/@@change_password', {}),
    ('bientap.bd', 'BD/@@them-huong-dan', {}),
    ('baocao.bd', 'BD/@@them-bao-cao', {}),
)
BD_PATH = '/manage/thads/cuc-thads-ha-noi/chi-cuc-thads-ba-dinh'


@pytest.mark.parametrize('login_name, path, values', FORMS)
def test_form_messages_are_vietnamese(world, login_name, path, values):
    env = prepare(registry=world.app.registry)
    try:
        folder = root_factory(env['request'])['thads']['cuc-thads-ha-noi'][
            'chi-cuc-thads-ba-dinh']['ho-so']
        codes = {}
        for d in folder.values():
            if d.procedure == 'HTTT01':
                codes.setdefault(state_of(d), d.code)
    finally:
        transaction.abort()
        env['closer']()
    url = path.replace('BD', BD_PATH, 1).format(**codes)
    browser = browser_for(world, login_name)
    form = visit(browser, url).forms['deform']
    for name, value in values.items():
        form[name] = value
    button = next(f.name for fields in form.fields.values() for f in fields
                  if isinstance(f, webtest.forms.Submit) and
                  f.name not in ('cancel', 'preview', 'reset'))
    response = form.submit(button, expect_errors=True)
    assert response.status_int == 200 and response.html.select(
        '.has-error, .error-msg, .alert-danger'), url
    found = problems_of(url, response)
    assert not found, '\n'.join('%s: %s' % p for p in found)


def test_saving_a_property_sheet_says_so_in_vietnamese(app):
    """Substance D flashes a hard-coded 'Updated properties'; the staff
    read it in Vietnamese, on a sheet without the time zone."""
    login(app, 'hotro.bd')
    page = app.get('/manage/principals/users/hotro.bd/@@properties/'
                   'Preferences')
    form = page.forms['deform']
    assert 'tzname' not in form.fields
    assert [label for _v, _s, label in form['locale'].options] == [
        'Tiếng Việt', 'Tiếng Anh']
    form['email'] = 'hotro.moi@example.invalid'
    page = form.submit('save').follow()
    assert 'Đã lưu thay đổi' in flash_text(page)


def test_every_step_of_a_timeline_has_a_name():
    """A timeline row names what happened (no raw 'propose'): every
    transition of both workflows, and the entries recorded outside them."""
    from httttha.content.dossier import ACTIONS
    from httttha.workflows.dossier import petition_workflow, request_workflow
    steps = {name for workflow in (request_workflow, petition_workflow)
             for name in workflow._transitions}
    steps |= {'submitted', 'handover_sent', 'decision_received',
              'survey_answered', 'survey_followed_up'}
    assert steps - set(ACTIONS) == set()
