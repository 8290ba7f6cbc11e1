"""The role × view matrix (issue 13, SPEC C3): every role of the demo data
× every management view registered (read from the registry, so a view
added later is covered) × the user's own agency, a child, a sibling and
the parent, on each kind of thing a view can be about (the agency, its
containers, a department, a dossier, a dossier's file, a staff account,
the site's own objects).

What each role may open is written out in ``ALLOWED`` below; every other
view is Substance D's or httttha's for the site administrator alone.  The
application's answer is the view's own permission check (the callable
Pyramid runs before the view, so POST-only views are covered too), and for
the views that answer GET a real request through the whole application."""
from urllib.parse import quote

import pytest
import transaction
import webtest
from pyramid.request import Request, apply_request_extensions
from pyramid.scripting import prepare
from pyramid.security import remember
from substanced.db import root_factory
from substanced.util import get_oid
from zope.interface import providedBy

from httttha import main
from httttha.services.accounts.logins import add_user
from httttha.services.demo import demo_logins

from ..conftest import close_app, copy_db, login, make_settings
from ..functional.submission import pdf_bytes, submit_dossier

OWN, CHILD, SIBLING, PARENT, SITE, SELF = (
    'own', 'child', 'sibling', 'parent', 'site', 'self')

WORKERS = {'officer', 'specialist', 'leader', 'complaints_leader'}
PROCESSORS = {'officer', 'leader'}
EVERY_ROLE = WORKERS | {'agency_admin', 'web_editor', 'report_admin',
                        'viewer'}
SUBTREE_VIEWERS = {'leader', 'complaints_leader', 'agency_admin', 'viewer'}
STATS = SUBTREE_VIEWERS
ADMIN = {'agency_admin'}

#: (view name, kind of object) -> {role: relations where it is allowed}.
#: Written out by hand: the test says the design, it does not repeat it.
ALLOWED = {
    # an agency's own screens
    ('ban-lam-viec', 'agency'): {r: {OWN} for r in WORKERS},
    ('tiep-nhan-truc-tiep', 'agency'): {r: {OWN} for r in PROCESSORS},
    ('thong-ke', 'agency'): {r: {OWN, CHILD} for r in STATS},
    # Tình hình đăng tải báo cáo (D4): as the statistics
    ('tinh-hinh-bao-cao', 'agency'): {r: {OWN, CHILD} for r in STATS},
    ('nguoi-dung', 'agency'): {'agency_admin': {OWN, CHILD}},
    ('nhat-ky', 'agency'): {'agency_admin': {OWN, CHILD}},
    ('them-nguoi-dung', 'agency'): {'agency_admin': {OWN, CHILD}},
    ('xuat-nguoi-dung', 'agency'): {'agency_admin': {OWN, CHILD}},
    # what a role does there (the landing of the roles whose screens come
    # later): whoever opens the agency
    ('chuc-nang', 'agency'): dict(
        {r: {OWN} for r in EVERY_ROLE},
        **{r: {OWN, CHILD} for r in SUBTREE_VIEWERS}),
    ('add_agency', 'agency'): {'agency_admin': {OWN, CHILD}},
    # Báo cáo trực tuyến (D3): every official reads the published
    # reports of every agency
    ('bao-cao-truc-tuyen', 'agency'): {r: {OWN, CHILD, SIBLING, PARENT}
                                       for r in EVERY_ROLE},
    # Hướng dẫn (A6): the agency's own web editor and administrator
    # (local: not a sub-agency's)
    ('huong-dan', 'agency'): {'web_editor': {OWN}, 'agency_admin': {OWN}},
    ('them-huong-dan', 'agency'): {'web_editor': {OWN},
                                   'agency_admin': {OWN}},
    ('them-hoi-dap', 'agency'): {'web_editor': {OWN}, 'agency_admin': {OWN}},
    # Cơ cấu tổ chức (C1); moving or deleting an agency is a view of its
    # parent (?ten=), so an administrator's own agency is out of reach
    ('co-cau-to-chuc', 'agency'): {'agency_admin': {OWN, CHILD}},
    ('chuyen-don-vi', 'agency'): {'agency_admin': {OWN, CHILD}},
    ('xoa-don-vi', 'agency'): {'agency_admin': {OWN, CHILD}},
    ('danh-sach-phong-ban', 'agency'): {'agency_admin': {OWN, CHILD}},
    ('xoa-phong-ban', 'agency'): {'agency_admin': {OWN, CHILD}},
    # (the view itself answers 404 below the Tổng cục)
    ('lich-lam-viec', 'agency'): {'agency_admin': {OWN, CHILD}},
    # the period lock's grants: the Tổng cục's administrators only (their
    # permission is on the root; the view answers 404 below the Tổng cục)
    ('khoa-so-lieu', 'agency'): {'agency_admin': {'tc-' + OWN,
                                                  'tc-' + CHILD}},
    ('properties', 'agency'): dict(
        {r: {OWN} for r in EVERY_ROLE},
        **{r: {OWN, CHILD} for r in SUBTREE_VIEWERS}),
    ('properties', 'department'): dict(
        {r: {OWN} for r in EVERY_ROLE},
        **{r: {OWN, CHILD} for r in SUBTREE_VIEWERS}),
    ('add_department', 'phong-ban'): {'agency_admin': {OWN, CHILD}},
    # staff accounts
    ('properties', 'user'): {'agency_admin': {OWN, CHILD}},
    ('sua-nguoi-dung', 'user'): {'agency_admin': {OWN, CHILD}},
    ('vai-tro', 'user'): {'agency_admin': {OWN, CHILD}},
    ('tai-khoan', 'user'): {'agency_admin': {OWN, CHILD}},
    ('xoa-nguoi-dung', 'user'): {'agency_admin': {OWN, CHILD}},
    ('change_password', 'self'): {r: {SELF} for r in EVERY_ROLE},
    # Preferences (e-mail, zone, language); an administrator also sees its
    # own roles, but changing them is refused by the sheet: nobody grants
    # roles to themselves
    ('properties', 'self'): {r: {SELF} for r in EVERY_ROLE},
    # dossiers: viewing, processing, the petition's steps
    ('chi-tiet', 'dossier'): dict({r: {OWN} for r in WORKERS},
                                  leader={OWN, CHILD}),
    ('phieu', 'dossier'): dict({r: {OWN} for r in WORKERS},
                               leader={OWN, CHILD}),
    ('tep', 'dossier'): dict({r: {OWN} for r in WORKERS},
                             leader={OWN, CHILD}),
    ('ho-tro', 'dossier'): {r: {OWN} for r in PROCESSORS},
    ('nhan-ho-so-goc', 'dossier'): {r: {OWN} for r in PROCESSORS},
    ('tra-ket-qua', 'dossier'): {r: {OWN} for r in PROCESSORS},
    ('chuyen-thu-ly', 'dossier'): {r: {OWN} for r in PROCESSORS},
    ('phan-loai', 'dossier'): {r: {OWN} for r in PROCESSORS},
    ('tra-loi', 'dossier'): {r: {OWN} for r in PROCESSORS},
    ('phan-cong', 'dossier'): {'leader': {OWN}, 'complaints_leader': {OWN}},
    ('phe-duyet', 'dossier'): {'leader': {OWN}, 'complaints_leader': {OWN}},
    ('de-xuat', 'dossier'): {'specialist': {OWN}},
    # the site's settings (footer contacts): the Tổng cục's administrators
    ('properties', 'root'): {'agency_admin': {'tc-site'}},
    # the code lists: the Tổng cục's administrators (the agency's tab
    # leads there; it answers 404 below the Tổng cục)
    ('danh-muc', 'agency'): {'agency_admin': {OWN, CHILD}},
    ('danh-sach', 'danh-muc'): {'agency_admin': {'tc-site'}},
    ('muc', 'codelist'): {'agency_admin': {'tc-site'}},
    ('them', 'codelist'): {'agency_admin': {'tc-site'}},
    ('sua', 'codelist-entry'): {'agency_admin': {'tc-site'}},
    ('trang-thai', 'codelist-entry'): {'agency_admin': {'tc-site'}},
    ('xoa', 'codelist-entry'): {'agency_admin': {'tc-site'}},
    # the satisfaction survey (issue 16, A7): forms by the administrators
    # of the subtree, results by those who see its statistics, a low
    # answer read with the dossier and followed up by a leader
    ('khao-sat', 'agency'): {'agency_admin': {OWN, CHILD}},
    ('tao-mau-khao-sat', 'agency'): {'agency_admin': {OWN, CHILD}},
    ('ket-qua-khao-sat', 'agency'): {r: {OWN, CHILD} for r in STATS},
    # Quản trị báo cáo (issue 18, D1-D2): the unit's own report
    # administrator (local: not a sub-agency's)
    ('quan-tri-bao-cao', 'agency'): {'report_admin': {OWN}},
    ('xuat-bao-cao', 'agency'): {'report_admin': {OWN}},
    ('them-bao-cao', 'agency'): {'report_admin': {OWN}},
    ('phan-hoi', 'dossier'): dict({r: {OWN} for r in WORKERS},
                                  leader={OWN, CHILD}),
    ('xu-ly-phan-hoi', 'dossier'): {'leader': {OWN},
                                    'complaints_leader': {OWN}},
}

#: the site's own objects, whose views only the Tổng cục's roles may reach
SITE_KINDS = {'root', 'danh-muc', 'codelist', 'codelist-entry'}

#: views that need no permission: their own code decides (the login and
#: logout forms, the landing redirects, asking for a password reset and
#: setting the password by the mailed token, the preview of one's own
#: upload)
OPEN = {'login', 'logout', 'manage_main', '', 'resetpassword',
        'dat-lai-mat-khau', 'preview_image_upload'}

#: views that ask the public's ``view`` permission (the staff entry), which
#: dossier folders deny to everyone
PUBLIC = {'httt'}
UNDER_DOSSIERS = {'ho-so', 'dossier', 'file'}

#: ... except where a closer context's view has its own permission
NOT_OPEN = {('', 'file')}

#: a GET to these would stream forever or log the tester out
NO_GET = {'auditstream-sse', 'logout'}


@pytest.fixture(scope='module')
def world(living_db, tmp_path_factory):
    """An app on the living demo database (dossiers in every state at the
    demo agencies) where every agency the relations reach also holds a
    dossier with a file, a department and a user."""
    directory = str(tmp_path_factory.mktemp('matrix') / 'db')
    copy_db(living_db, directory)
    wsgi = main({}, **make_settings(directory, **{'httttha.captcha': 'false'}))
    app = webtest.TestApp(wsgi, extra_environ={
        'HTTP_HOST': 'thads.example.com', 'REMOTE_ADDR': '127.0.0.1'})
    env = prepare(registry=wsgi.registry)
    root = root_factory(env['request'])
    top = root['thads']
    hanoi = top['cuc-thads-ha-noi']
    agencies = {'tc': top, 'hn': hanoi, 'bd': hanoi['chi-cuc-thads-ba-dinh'],
                'hp': top['cuc-thads-hai-phong'],
                'hk': hanoi['chi-cuc-thads-hoan-kiem']}
    codes = {key: a.code for key, a in agencies.items()}
    for key, agency in agencies.items():
        dept = wsgi.registry.content.create('Department', title='Phòng ' + key)
        agency['phong-ban'].add('phong-' + key, dept,
                                registry=wsgi.registry)
        if key in ('hp', 'hk'):
            user = add_user(root, wsgi.registry, 'canbo.' + key, 'Demo@2026',
                            'canbo.%s@example.invalid' % key, 'Cán bộ')
            user.assign(agency, ['officer'])
    transaction.commit()
    env['closer']()
    for key in agencies:
        submit_dossier(app, 'HTTT01', codes[key], files={
            'judgment': ('Bản án.pdf', pdf_bytes())})
    yield app
    close_app(wsgi)


def samples(root, agency, user_login):
    """The objects of each kind that belong to ``agency``."""
    dossier = next(d for d in agency['ho-so'].values() if any(
        getattr(f, 'is_attachment', False) for f in d.values()))
    users = [u for u in root['principals']['users'].values()
             if getattr(u, 'agency_oid', None) == get_oid(agency)
             and u.__name__ != user_login]
    found = {'agency': agency, 'dossier': dossier,
             'file': next(f for f in dossier.values()
                          if getattr(f, 'is_attachment', False)),
             'department': next(iter(agency['phong-ban'].values())),
             'user': users[0]}
    for name in ('ho-so', 'huong-dan', 'bao-cao', 'khao-sat', 'phong-ban'):
        found[name] = agency[name]
    return found


def site_samples(root):
    principals = root['principals']
    return {'root': root, 'principals': principals,
            'users': principals['users'], 'groups': principals['groups'],
            'resets': principals['resets'], 'catalogs': root['catalogs'],
            'system-catalog': root['catalogs']['system'],
            'danh-muc': root['danh-muc'],
            'codelist': root['danh-muc']['loai-ho-tro'],
            'codelist-entry': root['danh-muc']['loai-ho-tro']['valid'],
            'admin-user': principals['users']['admin']}


def relations(agency):
    parent = agency.parent_agency
    children = agency.sub_agencies()
    siblings = [a for a in (parent.sub_agencies() if parent else ())
                if a is not agency]
    result = {OWN: agency}
    if children:
        # the demo's own child first: it holds demo users
        names = [a.__name__ for a in children]
        for name in ('cuc-thads-ha-noi', 'chi-cuc-thads-ba-dinh'):
            if name in names:
                result[CHILD] = agency[name]
    if siblings:
        for name in ('cuc-thads-hai-phong', 'chi-cuc-thads-hoan-kiem'):
            if parent.get(name) is not None and name != agency.__name__:
                result[SIBLING] = parent[name]
    if parent is not None:
        result[PARENT] = parent
    return result


def registered_views(registry):
    """(name, context, request methods, derived callable) of every
    management view."""
    views = []
    for data in registry.introspector.get_category('sdi views'):
        for intr in data['related']:
            if intr.category_name == 'views':
                views.append((intr['name'], intr['context'],
                              intr['request_methods'],
                              intr['derived_callable']))
    return views


def specificity(context, obj):
    """How closely a view's context fits ``obj`` (lower wins), None when
    it does not apply; Pyramid calls the closest."""
    sro = providedBy(obj).__sro__
    if context is None:
        return len(sro)
    if hasattr(context, 'providedBy'):
        if not context.providedBy(obj):
            return None
        return sro.index(context)
    if not isinstance(obj, context):
        return None
    from zope.interface import implementedBy
    return sro.index(implementedBy(context))


def answers(views, obj, request):
    """{view name: permitted?} as the application decides for ``obj``."""
    best = {}
    for name, context, methods, derived in views:
        rank = specificity(context, obj)
        if rank is None:
            continue
        best.setdefault(name, []).append((rank, methods, derived))
    result = {}
    for name, candidates in best.items():
        top = min(rank for rank, _m, _d in candidates)
        result[name] = any(
            not hasattr(derived, '__permitted__') or
            derived.__permitted__(obj, request)
            for rank, _m, derived in candidates if rank == top), any(
            methods is None or 'GET' in methods
            for rank, methods, _d in candidates if rank == top)
    return result


def expected(name, kind, role, relation, prefix):
    if name in OPEN and (name, kind) not in NOT_OPEN:
        return True
    if name in PUBLIC:
        return kind not in UNDER_DOSSIERS
    where = ALLOWED.get((name, kind), {}).get(role, set())
    if kind in SITE_KINDS:
        return '%s-site' % prefix in where
    # ``<prefix>-<relation>``: only the users of that agency (tc, hn, bd)
    return relation in where or '%s-%s' % (prefix, relation) in where


def ticket(registry, root, user):
    """The cookie of ``user``'s real auth ticket."""
    env = prepare(registry=registry)
    env['request'].root = root
    cookies = [value.split(';')[0] for name, value in
               remember(env['request'], get_oid(user))
               if name == 'Set-Cookie']
    env['closer']()
    return '; '.join(cookies)


def request_as(registry, root, cookie, context):
    """A request carrying ``cookie`` about ``context``: the app's own
    policies read the ticket and find the user's roles."""
    request = Request.blank('/manage', headers={'Cookie': cookie})
    request.registry = registry
    apply_request_extensions(request)
    request.root = root
    request.context = context
    return request


def test_every_role_every_view_every_relation(world):
    registry = world.app.registry
    views = registered_views(registry)
    names = {name for name, _c, _m, _d in views}
    # the table names only views that exist
    assert {name for name, _kind in ALLOWED} <= names
    env = prepare(registry=registry)
    root = root_factory(env['request'])
    wrong = []
    checked = 0
    try:
        for login_name, agency, role in demo_logins(root):
            prefix = login_name.rsplit('.', 1)[1]
            user = root['principals']['users'][login_name]
            cases = [(relation, kind, obj)
                     for relation, where in relations(agency).items()
                     for kind, obj in samples(root, where,
                                              login_name).items()]
            cases += [(SITE, kind, obj)
                      for kind, obj in site_samples(root).items()]
            cases.append((SELF, 'self', user))
            cookie = ticket(registry, root, user)
            for relation, kind, obj in cases:
                request = request_as(registry, root, cookie, obj)
                for name, (permitted, _get) in answers(
                        views, obj, request).items():
                    checked += 1
                    want = expected(name, kind, role, relation, prefix)
                    if permitted != want:
                        wrong.append((login_name, relation, kind, name,
                                      'allowed' if permitted else 'denied'))
    finally:
        transaction.abort()
        env['closer']()
    assert not wrong, '\n'.join(map(str, sorted(wrong)))
    assert checked > 10000


HANOI_ROLES = ('hotro', 'chuyenvien', 'lanhdao', 'khieunai', 'quantri',
               'bientap', 'baocao', 'theodoi')


@pytest.mark.parametrize('prefix', HANOI_ROLES)
def test_denied_views_are_refused_over_http(world, prefix):
    """Every view the table denies, asked by GET as a Cục's staff member
    would, at its own agency and at a sibling Cục: 403 or 404, and the
    page names nothing of what it refused."""
    registry = world.app.registry
    views = registered_views(registry)
    browser = webtest.TestApp(world.app,
                              extra_environ=dict(world.extra_environ))
    login_name = prefix + '.hn'
    login(browser, login_name)
    env = prepare(registry=registry)
    root = root_factory(env['request'])
    urls = []
    try:
        role = next(r for n, _a, r in demo_logins(root) if n == login_name)
        cookie = ticket(registry, root,
                        root['principals']['users'][login_name])
        hanoi = root['thads']['cuc-thads-ha-noi']
        for relation, agency in ((OWN, hanoi),
                                 (SIBLING, relations(hanoi)[SIBLING])):
            for kind, obj in samples(root, agency, login_name).items():
                request = request_as(registry, root, cookie, obj)
                for name, (permitted, get) in answers(
                        views, obj, request).items():
                    if not get or name in NO_GET or name in OPEN | PUBLIC or \
                            expected(name, kind, role, relation, 'hn'):
                        continue
                    path = '/'.join(quote(p) for p in
                                    request.resource_path(obj).split('/'))
                    urls.append((path.replace('//', '/').rstrip('/') +
                                 '/@@' + name, obj.__name__))
    finally:
        transaction.abort()
        env['closer']()
    assert len(urls) > 50
    for url, name in urls:
        page = browser.get('/manage' + url, expect_errors=True)
        assert page.status_int in (403, 404), url
        if page.content_type == 'text/html' and page.html.title:
            assert page.html.title.get_text().strip() != name, url
