"""The permission matrix: every role held at a Cục, checked on that Cục, on
one of its Chi cục, on a sibling Cục and on the Tổng cục (SPEC C3)."""
import pytest
from pyramid.authorization import ACLAuthorizationPolicy
from pyramid.security import Authenticated, Everyone
from substanced.util import get_oid

from ..conftest import open_template_root

#: Substance D's generic views check sdi.* permissions: no role has one
PERMISSIONS = ('sdi.view', 'sdi.edit-properties', 'sdi.add-content',
               'sdi.manage-contents', 'sdi.undo', 'httttha.view',
               'httttha.work', 'httttha.view-dossiers',
               'httttha.process', 'httttha.draft', 'httttha.assign',
               'httttha.approve', 'httttha.view-stats',
               'httttha.manage-agency', 'httttha.manage-users',
               'httttha.edit-guidance', 'httttha.manage-reports',
               'httttha.view-audit')

# what each role may do at its own agency and at a sub-agency; written out
# by hand so that the test says the design rather than repeats the code
OWN = {
    'officer': {'httttha.view', 'httttha.work', 'httttha.view-dossiers',
                'httttha.process'},
    'specialist': {'httttha.view', 'httttha.work', 'httttha.view-dossiers',
                   'httttha.draft'},
    'leader': {'httttha.view', 'httttha.work', 'httttha.view-dossiers',
               'httttha.process', 'httttha.assign', 'httttha.approve',
               'httttha.view-stats'},
    'complaints_leader': {'httttha.view', 'httttha.work',
                          'httttha.view-dossiers', 'httttha.assign',
                          'httttha.approve', 'httttha.view-stats'},
    'agency_admin': {'httttha.view', 'httttha.view-stats',
                     'httttha.manage-agency', 'httttha.manage-users',
                     'httttha.view-audit', 'httttha.edit-guidance'},
    'web_editor': {'httttha.view', 'httttha.edit-guidance'},
    'report_admin': {'httttha.view', 'httttha.manage-reports'},
    'viewer': {'httttha.view', 'httttha.view-stats'},
}
CHILD = {
    'officer': set(),
    'specialist': set(),
    'leader': {'httttha.view', 'httttha.view-dossiers', 'httttha.view-stats'},
    'complaints_leader': {'httttha.view', 'httttha.view-stats'},
    # its own agency's guidance only (local)
    'agency_admin': OWN['agency_admin'] - {'httttha.edit-guidance'},
    'web_editor': set(),
    'report_admin': set(),
    'viewer': OWN['viewer'],
}


@pytest.fixture(scope='module')
def tree(template_db):
    root, closer = open_template_root(template_db)
    top = root['thads']
    hanoi = top['cuc-thads-ha-noi']
    yield {
        'own': hanoi,
        'child': hanoi['chi-cuc-thads-ba-dinh'],
        'sibling': top['cuc-thads-hai-phong'],
        'parent': top,
    }
    closer()


def allowed(context, role, at, permission):
    principals = [Everyone, Authenticated, 'role:%s@%s' % (role, get_oid(at))]
    return bool(ACLAuthorizationPolicy().permits(context, principals,
                                                 permission))


@pytest.mark.parametrize('role', sorted(OWN))
@pytest.mark.parametrize('where', ['own', 'child', 'sibling', 'parent'])
def test_matrix(tree, role, where):
    expected = {'own': OWN, 'child': CHILD}.get(where, {}).get(role, set())
    context = tree[where]
    granted = {p for p in PERMISSIONS
               if allowed(context, role, tree['own'], p)}
    assert granted == expected
    # the agency's containers (dossiers, guidance, ...) follow the agency
    in_dossiers = {p for p in PERMISSIONS
                   if allowed(context['ho-so'], role, tree['own'], p)}
    assert in_dossiers == expected


def test_local_permissions_do_not_reach_grandchildren(tree):
    """A Tổng cục officer does not process a Chi cục's dossiers."""
    top = tree['parent']
    assert allowed(top, 'officer', top, 'httttha.process')
    assert not allowed(tree['child'], 'officer', top, 'httttha.process')
    assert allowed(tree['child'], 'leader', top, 'httttha.view-stats')
    assert not allowed(tree['child'], 'leader', top, 'httttha.approve')


def test_public_may_view_agencies_but_not_dossiers(tree):
    policy = ACLAuthorizationPolicy()
    assert policy.permits(tree['child'], [Everyone], 'view')
    assert not policy.permits(tree['child']['ho-so'], [Everyone], 'view')
