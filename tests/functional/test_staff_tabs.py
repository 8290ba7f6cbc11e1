"""The tabs and paths of staff pages, made faster for the reports' budget
(issue 18): the tabs looked for among the views that can apply to a page
(``views.sdi.tabs``) and a child's path made from its parent's
(``StaffSDIAPI.mgmt_path``) are exactly what Substance D's own code
gives, for every role, on pages of every kind of the living database."""
import substanced.sdi
import webtest
from substanced.sdi import sdiapi

from httttha.interfaces import IAgency, IDossier
from httttha.content.report import IReport
from httttha.views.sdi import navigation, tabs

from ..conftest import ADMIN_PASSWORD, login
from .test_back_office import AGENCY_PATH
from .test_staff_layout import demo_code

LOGINS = ('hotro.bd', 'lanhdao.hn', 'lanhdao.tc', 'baocao.hn', 'quantri.hn',
          'bientap.tc', 'theodoi.bd', 'khieunai.bd')
SCENARIOS = ('bd:HTTT01:online:completed', 'bd:HTTT01:online:submitted',
             'bd:HTTT01:online:needs_supplement', 'bd:HTTT02:online:completed',
             'bd:HTTT02:online:assigned', 'bd:HTTT02:online:awaiting_approval')


def test_tabs_and_paths_are_substance_ds(living_app, monkeypatch):
    compared, differences = [], []

    def both_tabs(context, request, names=None):
        ours = tabs.mgmt_views(context, request, names)
        theirs = substanced.sdi.sdi_mgmt_views(context, request, names)
        compared.append(context)
        if ours != theirs:
            differences.append((request.path, ours, theirs))
        return ours

    def both_paths(self, obj):
        ours = original_path(self, obj)
        theirs = sdiapi.mgmt_path(self, obj)
        if ours != theirs:
            differences.append((self.request.path, ours, theirs))
        return ours

    original_path = navigation.StaffSDIAPI._path
    monkeypatch.setattr(navigation.StaffSDIAPI, 'sdi_mgmt_views',
                        staticmethod(both_tabs))
    monkeypatch.setattr(navigation.StaffSDIAPI, '_path', both_paths)
    codes = [demo_code(living_app, key) for key in SCENARIOS]
    pages = ['/manage/', AGENCY_PATH + '/@@ban-lam-viec', '/manage/thads/@@co-cau-to-chuc',
             '/manage/thads/@@bao-cao-truc-tuyen',
             '/manage/thads/cuc-thads-ha-noi/@@thong-ke']
    pages += ['%s/ho-so/%s/@@chi-tiet' % (AGENCY_PATH, code)
              for code in codes]
    for name, password in [('admin', ADMIN_PASSWORD)] + [
            (name, None) for name in LOGINS]:
        staff = webtest.TestApp(living_app.app,
                                extra_environ=dict(living_app.extra_environ))
        landing = login(staff, name,
                        *([password] if password else [])).maybe_follow()
        assert landing.status_int == 200, name
        reports = staff.get(pages[3], expect_errors=True)
        report_pages = [a['href'] for a in
                        reports.html.select('#reports tbody a[href]')][:2]
        for path in pages + report_pages:
            staff.get(path, expect_errors=True)
    assert differences == []
    # every kind of page was compared, not only some
    kinds = {next(i.__name__ for i in (IAgency, IDossier, IReport)
                  if i.providedBy(c)) for c in compared
             if any(i.providedBy(c) for i in (IAgency, IDossier, IReport))}
    assert kinds == {'IAgency', 'IDossier', 'IReport'}
    assert len(compared) > 50


def test_kept_tabs_follow_roles_and_acls(living_app):
    """An agency's tabs are kept per principals and tree version: a new
    role, or an ACL changed on the agency, shows at the next page."""
    import transaction
    from pyramid.security import Deny
    from substanced.util import get_acl, set_acl
    from httttha.permissions import VIEW_REPORTS
    from ..conftest import open_root
    staff = webtest.TestApp(living_app.app,
                            extra_environ=dict(living_app.extra_environ))
    login(staff, 'hotro.bd')
    page = AGENCY_PATH + '/@@ban-lam-viec'

    def tabs_of():
        found = staff.get(page).html.select('ul.nav-tabs a')
        return {a['href'].rsplit('@@', 1)[-1] for a in found}

    def change(edit):
        root, closer = open_root(living_app)
        try:
            edit(root, root['thads']['cuc-thads-ha-noi'][
                'chi-cuc-thads-ba-dinh'])
            transaction.commit()
        finally:
            transaction.abort()
            closer()
    before = tabs_of()
    assert 'nguoi-dung' not in before and 'bao-cao-truc-tuyen' in before
    assert tabs_of() == before          # kept, the same

    def make_admin(root, agency):
        user = root['principals']['users']['hotro.bd']
        user.roles = tuple(user.roles) + ('agency_admin',)
    change(make_admin)
    assert 'nguoi-dung' in tabs_of()

    def deny_reports(root, agency):
        set_acl(agency, [(Deny, 'system.Everyone', (VIEW_REPORTS,))] +
                list(get_acl(agency, [])), registry=living_app.app.registry)
    change(deny_reports)
    assert 'bao-cao-truc-tuyen' not in tabs_of()
