"""The per-process caches of the agency tree and the version that keeps
them valid."""
import transaction

from httttha.services.administration import treecache
from httttha.services.administration.tree import agency_outline, load_tree, read_rows

from ..conftest import AGENCIES, open_root


class Root(object):
    """A root without the version store (a site not yet evolved)."""


def test_cached_builds_once_per_version():
    root = Root()
    calls = []

    def build():
        calls.append(1)
        return len(calls)
    # no version: always built, never kept
    assert treecache.cached(root, 'test', build) == 1
    assert treecache.cached(root, 'test', build) == 2
    treecache.ensure_tree_version(root)
    assert treecache.cached(root, 'test', build) == 3
    assert treecache.cached(root, 'test', build) == 3
    treecache.tree_changed(root)
    assert treecache.cached(root, 'test', build) == 4
    assert treecache.cached(root, 'test', build) == 4
    # another site (another database) has its own version
    other = Root()
    treecache.ensure_tree_version(other)
    assert treecache.cached(other, 'test', build) == 5


def test_concurrent_changes_resolve_to_a_new_version():
    version = treecache.TreeVersion()
    old = version.__getstate__()
    committed = dict(old, value='a')
    new = dict(old, value='b')
    assert version._p_resolveConflict(old, committed, new) == new


def test_load_tree_updates_in_place_invalidate_the_outline(app, tmp_path):
    root, closer = open_root(app)
    registry = app.app.registry
    try:
        assert treecache.tree_version(root) is not None
        top, groups = agency_outline(root)
        assert top == ('TC', 'Tổng cục Thi hành án dân sự')
        hanoi = dict(groups)[('01', 'Cục Thi hành án dân sự thành phố Hà '
                                     'Nội')]
        assert ('001', 'Chi cục Thi hành án dân sự quận Ba Đình') in hanoi
        version = treecache.tree_version(root)
        # loading the same file changes nothing, not even the version
        load_tree(root, read_rows(AGENCIES), registry)
        assert treecache.tree_version(root) == version
        assert agency_outline(root) == (top, groups)
        rows = read_rows(AGENCIES)
        for row in rows:
            if row['code'] == '001':
                # set in place by load_tree: no event is sent
                row['title'] = 'Chi cục Thi hành án dân sự quận Ba Đình (mới)'
        path = tmp_path / 'tree.csv'
        from .test_tree import _write
        _write(str(path), rows)
        load_tree(root, read_rows(str(path)), registry)
        assert treecache.tree_version(root) != version
        hanoi = dict(agency_outline(root)[1])[
            ('01', 'Cục Thi hành án dân sự thành phố Hà Nội')]
        assert ('001', 'Chi cục Thi hành án dân sự quận Ba Đình (mới)') in \
            hanoi
    finally:
        transaction.abort()
        closer()


def test_a_changed_acl_of_the_tree_changes_the_version(app):
    """The agencies a user may open are kept per principals and tree
    version (``services.backoffice.scope``): an ACL set on an agency or
    its dossier folder must make them stale; a user's ACL must not."""
    from pyramid.security import Allow, Deny, Everyone
    from substanced.util import get_acl, set_acl
    root, closer = open_root(app)
    registry = app.app.registry
    try:
        agency = root['thads']['cuc-thads-ha-noi']
        version = treecache.tree_version(root)
        set_acl(agency['ho-so'], [(Deny, Everyone, 'view')] + [
            (Allow, 'group:test', 'view')], registry=registry)
        assert treecache.tree_version(root) != version
        version = treecache.tree_version(root)
        set_acl(agency, get_acl(agency, []) + [(Allow, 'group:test', 'x')],
                registry=registry)
        assert treecache.tree_version(root) != version
        version = treecache.tree_version(root)
        user = root['principals']['users']['admin']
        set_acl(user, [(Allow, 'group:test', 'view')], registry=registry)
        assert treecache.tree_version(root) == version
    finally:
        transaction.abort()
        closer()
