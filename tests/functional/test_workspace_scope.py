"""The workspace's queries at scale: each user sees exactly the dossiers
the ACLs give (checked per agency, not per dossier), counts agree with
the rows, and the newest-first page is the same whichever way it is
sorted (day scan for large results, n-best for small ones)."""
import datetime

import pytest
import transaction
from substanced.event import ObjectModified

from httttha.content.dossier import local_time
from httttha.services.backoffice import workspace

from ..conftest import login, open_root
from .submission import BA_DINH, CUC_HN, find_dossier, submit_dossier
from .test_back_office import browser

CUC = '/manage/thads/cuc-thads-ha-noi'
TOP = '/manage/thads'


@pytest.fixture
def app(app_factory):
    return app_factory(**{'httttha.captcha': 'false'})


@pytest.fixture
def dossiers(app):
    """Three dossiers, submitted 3, 1 and 2 days ago: two at Ba Đình,
    one at the Cục Hà Nội."""
    codes = {'bd_old': submit_dossier(app, 'HTTT01', BA_DINH),
             'bd_new': submit_dossier(app, 'HTTT03', BA_DINH),
             'hn': submit_dossier(app, 'HTTT01', CUC_HN)}
    root, close = open_root(app)
    try:
        for name, days in (('bd_old', 3), ('bd_new', 1), ('hn', 2)):
            dossier = find_dossier(root, codes[name])
            dossier.submitted -= datetime.timedelta(days=days)
            app.app.registry.subscribers(
                (ObjectModified(dossier), dossier), None)
        transaction.commit()
    finally:
        transaction.abort()
        close()
    return codes


def submitted_on(app, code):
    """The day, in Vietnam, the dossier ``code`` was submitted."""
    root, close = open_root(app)
    try:
        return local_time(find_dossier(root, code).submitted).date()
    finally:
        close()


def page(app, user, path, **params):
    staff = browser(app)
    login(staff, user)
    result = staff.get(path + '/@@ban-lam-viec', params=params)
    codes = [a.get_text() for a in result.html.select('#dossiers a.code')]
    # a search counts its hits in every queue (#queue-all)
    badge = result.html.select_one('#queue-all .badge') or \
        result.html.select_one('#queue-new .badge')
    count = int(badge.get_text())
    return codes, count


@pytest.mark.parametrize('user,path,subtree,expected', [
    # a Cục officer's permissions are local: not the Chi cục's dossiers
    ('hotro.hn', CUC, True, ['hn']),
    ('lanhdao.hn', CUC, False, ['hn']),
    ('lanhdao.hn', CUC, True, ['bd_new', 'hn', 'bd_old']),
    ('hotro.bd', CUC + '/chi-cuc-thads-ba-dinh', False, ['bd_new', 'bd_old']),
    # the Tổng cục's leader: the whole country
    ('lanhdao.tc', TOP, True, ['bd_new', 'hn', 'bd_old']),
    ('lanhdao.tc', TOP, False, []),
])
def test_each_scope_sees_what_the_acls_give(app, dossiers, monkeypatch,
                                            user, path, subtree, expected):
    params = {'pham-vi': 'tat-ca'} if subtree else {}
    codes, count = page(app, user, path, **params)
    assert codes == [dossiers[name] for name in expected]
    assert count == len(expected)
    # the day scan (used from SCAN_FROM results on) gives the same page
    monkeypatch.setattr(workspace, 'SCAN_FROM', 1)
    assert page(app, user, path, **params) == (codes, count)
    # and so do the set intersections of large results (the few are
    # tested one by one below FILTER_BELOW)
    monkeypatch.setattr(workspace, 'FILTER_BELOW', 0)
    assert page(app, user, path, **params) == (codes, count)


def test_dossiers_carry_no_acl_of_their_own(app, dossiers):
    """What the workspace's per-agency check relies on."""
    root, close = open_root(app)
    try:
        paths = list(root.__objectmap__.path_to_acl.keys())
        assert ('', 'thads', 'cuc-thads-ha-noi', 'ho-so') in paths
        assert not [p for p in paths if 'ho-so' in p[:-1]]
    finally:
        close()


@pytest.mark.clock
@pytest.mark.parametrize('few', [5000, 0])
def test_filters_on_the_whole_country(app, dossiers, monkeypatch, few):
    monkeypatch.setattr(workspace, 'FILTER_BELOW', few)
    # "Từ ngày" is a day in Vietnam: the one the Cục's dossier was
    # submitted on (Ba Đình's older one came a day before it)
    since = submitted_on(app, dossiers['hn']).strftime('%d/%m/%Y')
    codes, count = page(app, 'lanhdao.tc', TOP, **{
        'pham-vi': 'tat-ca', 'thu-tuc': 'HTTT01', 'tu-ngay': since})
    assert (codes, count) == ([dossiers['hn']], 1)
    codes, count = page(app, 'lanhdao.tc', TOP, **{
        'pham-vi': 'tat-ca', 'tu-khoa': dossiers['bd_old']})
    assert (codes, count) == ([dossiers['bd_old']], 1)


@pytest.mark.clock
def test_the_day_scan_stays_within_the_dates_asked(app, dossiers,
                                                   monkeypatch):
    # the newest-first scan reads the days back from "Đến ngày" to "Từ
    # ngày" only: the days outside, with their dossiers, are not listed
    monkeypatch.setattr(workspace, 'SCAN_FROM', 1)
    days = {name: submitted_on(app, dossiers[name]).strftime('%d/%m/%Y')
            for name in dossiers}
    params = {'pham-vi': 'tat-ca'}
    assert page(app, 'lanhdao.tc', TOP, **params)[0] == [
        dossiers[name] for name in ('bd_new', 'hn', 'bd_old')]
    assert page(app, 'lanhdao.tc', TOP, **dict(
        params, **{'tu-ngay': days['bd_old'], 'den-ngay': days['hn']})) == (
        [dossiers['hn'], dossiers['bd_old']], 2)
    assert page(app, 'lanhdao.tc', TOP, **dict(
        params, **{'den-ngay': days['bd_old']})) == ([dossiers['bd_old']], 1)
    assert page(app, 'lanhdao.tc', TOP, **dict(
        params, **{'tu-ngay': days['bd_new']})) == ([dossiers['bd_new']], 1)


def test_evolve_step_indexes_the_days_by_procedure(app, dossiers):
    """A site made before: a ``submitted_day`` index of days alone.  The
    step fills ``day_procedure``, ``day_procedure_cuc`` and ``cuc`` from
    it, the procedure and agency indexes and the tree, and drops it; the
    date filters find the same dossiers."""
    from BTrees import family64
    from substanced.catalog.indexes import FieldIndex
    from httttha.evolve import index_days_by_procedure
    since = submitted_on(app, dossiers['hn']).strftime('%d/%m/%Y')
    params = {'pham-vi': 'tat-ca', 'tu-ngay': since}
    before = page(app, 'lanhdao.tc', TOP, **params)
    assert before[1] == 2
    names = ('day_procedure', 'day_procedure_cuc', 'cuc')
    root, closer = open_root(app)
    try:
        catalog = root['catalogs']['httttha']
        made = [catalog[name] for name in names]
        expected = [dict(index._rev_index.items()) for index in made]
        # Ba Đình's and the Cục's dossiers: the Cục Hà Nội's
        hanoi = root['thads']['cuc-thads-ha-noi'].__oid__
        assert {key[1:] for key in expected[1].values()} == {
            ('HTTT01', hanoi), ('HTTT03', hanoi)}
        assert {docid: key[:2] for docid, key in expected[1].items()} == \
            expected[0]
        assert {docid: key[2] for docid, key in expected[1].items()} == \
            expected[2]
        old = FieldIndex(family=family64)
        for docid, (day, _procedure) in expected[0].items():
            old._fwd_index.setdefault(day, family64.IF.TreeSet()).insert(
                docid)
            old._rev_index[docid] = day
        for name in names:
            del catalog[name]
        catalog['submitted_day'] = old
        transaction.commit()
        index_days_by_procedure(root, app.app.registry)
        assert 'submitted_day' not in catalog
        for name, before_index, rev in zip(names, made, expected):
            index = catalog[name]
            assert dict(index._rev_index.items()) == rev
            assert {key: list(docids) for key, docids in
                    index._fwd_index.items()} == {
                key: list(docids) for key, docids in
                before_index._fwd_index.items()}
            assert index.indexed_count() == len(rev)
        transaction.commit()
    finally:
        transaction.abort()
        closer()
    assert page(app, 'lanhdao.tc', TOP, **params) == before


@pytest.mark.parametrize('looked_up_below', [20000, 0])
@pytest.mark.parametrize('user,path', [('lanhdao.tc', TOP),
                                       ('lanhdao.hn', CUC)])
def test_dates_and_procedure_in_a_whole_scope(app, dossiers, monkeypatch,
                                              looked_up_below, user, path):
    # a whole Cục or the whole country with dates: the days of the
    # procedure (and of the Cục) from ``day_procedure_cuc``, whether the
    # dossiers found are looked up one by one or the days' sets united
    monkeypatch.setattr(workspace, 'DAYS_LOOKED_UP_BELOW', looked_up_below)
    united = []
    within = workspace._submitted_within
    monkeypatch.setattr(workspace, '_submitted_within', lambda *a: (
        united.append(a[4]), within(*a))[1])
    days = {name: submitted_on(app, dossiers[name]).strftime('%d/%m/%Y')
            for name in dossiers}
    params = {'pham-vi': 'tat-ca', 'tu-ngay': days['bd_old'],
              'den-ngay': days['bd_new']}
    assert page(app, user, path, **params) == (
        [dossiers[name] for name in ('bd_new', 'hn', 'bd_old')], 3)
    assert page(app, user, path, **dict(params, **{'thu-tuc': 'HTTT01'})) \
        == ([dossiers['hn'], dossiers['bd_old']], 2)
    assert page(app, user, path, **dict(params, **{
        'thu-tuc': 'HTTT03', 'den-ngay': days['hn']})) == ([], 0)
    if not looked_up_below:
        # the Cục's own days (its oid in the keys), not its agencies' sets
        root, closer = open_root(app)
        hanoi = root['thads']['cuc-thads-ha-noi'].__oid__
        closer()
        assert set(united) == {hanoi if path == CUC else None}


@pytest.mark.parametrize('dated', [False, True])
def test_a_moved_chi_cuc_s_dossiers_follow_it_to_its_new_cuc(app, dossiers,
                                                            dated):
    # the Cục of a dossier is in the indexes (``cuc``,
    # ``day_procedure_cuc``): moving Ba Đình under Hải Phòng reindexes its
    # dossiers with their new Cục, as the agency tree's move does, and
    # the Cục Hà Nội's leader no longer lists them
    from httttha.services.administration.tree import move_agency
    params = {'pham-vi': 'tat-ca'}
    if dated:
        params['tu-ngay'] = submitted_on(app, dossiers['bd_old']).strftime(
            '%d/%m/%Y')
    everything = [dossiers[name] for name in ('bd_new', 'hn', 'bd_old')]
    assert page(app, 'lanhdao.hn', CUC, **params) == (everything, 3)
    root, closer = open_root(app)
    try:
        top = root['thads']
        haiphong = top['cuc-thads-hai-phong']
        move_agency(top['cuc-thads-ha-noi']['chi-cuc-thads-ba-dinh'],
                    haiphong, app.app.registry)
        transaction.commit()
        catalog = root['catalogs']['httttha']
        for name in ('bd_new', 'bd_old'):
            docid = find_dossier(root, dossiers[name]).__oid__
            assert catalog['cuc']._rev_index[docid] == haiphong.__oid__
            assert catalog['day_procedure_cuc']._rev_index[docid][2] == \
                haiphong.__oid__
    finally:
        transaction.abort()
        closer()
    assert page(app, 'lanhdao.hn', CUC, **params) == ([dossiers['hn']], 1)
    # the whole country still lists them all
    assert page(app, 'lanhdao.tc', TOP, **params) == (everything, 3)


def test_evolve_step_makes_the_unique_indexes_compact(app, dossiers):
    """A site made before: hypatia's own indexes for the code, the times,
    the ID hash and the applicant's words, and dossiers in ``sort_name``.
    The step moves their data in place (recording the factories' hashes,
    so that the catalog's sync replaces nothing); searches by code, by
    phone and by name find the same dossiers, sorted the same."""
    from BTrees import family64
    from substanced.catalog import ICatalogFactory
    from substanced.catalog.indexes import FieldIndex, KeywordIndex
    from httttha.evolve import compact_unique_indexes
    searches = [{'pham-vi': 'tat-ca', 'tu-khoa': words} for words in (
        dossiers['hn'], '0912 345 678', 'nguyen thi huong')] + [
        {'pham-vi': 'tat-ca', 'sap-xep': 'code'}]
    before = [page(app, 'lanhdao.tc', TOP, **params) for params in searches]
    assert [count for _codes, count in before] == [1, 3, 3, 3]
    names = ('code', 'submitted', 'result_date', 'id_hash', 'applicant')
    root, closer = open_root(app)
    try:
        catalog = root['catalogs']['httttha']
        made = {name: (dict(catalog[name]._single),
                       dict(catalog[name]._rev_index)) for name in names}
        assert made['code'][0][dossiers['hn']] in made['code'][1]
        # the three dossiers share the applicant's phone and name words
        assert set(catalog['applicant']._fwd_index.keys()) >= {
            '0912345678', 'nguyen'}
        dossier_ids = list(catalog['procedure']._rev_index.keys())
        for name in names:
            index = catalog[name]
            old = (KeywordIndex if name == 'applicant' else FieldIndex)(
                family=family64)
            for docid, value in index._rev_index.items():
                for word in value if name == 'applicant' else [value]:
                    old._fwd_index.setdefault(
                        word, family64.IF.TreeSet()).insert(docid)
                old._rev_index[docid] = (family64.OO.Set(value) if
                                         name == 'applicant' else value)
            old._num_docs.change(len(old._rev_index))
            del catalog[name]
            catalog[name] = old
        sort_name = catalog['sort_name']
        for docid in dossier_ids:
            sort_name._not_indexed.remove(docid)
            sort_name.index_doc(docid, 'ho so %d' % docid)
        transaction.commit()
        compact_unique_indexes(root, app.app.registry)
        factories = app.app.registry.getUtility(
            ICatalogFactory, name='httttha').index_factories
        for name in names:
            index = catalog[name]
            assert not factories[name].is_stale(index)
            assert (dict(index._single), {
                docid: tuple(sorted(value)) if name == 'applicant' else value
                for docid, value in index._rev_index.items()}) == (
                made[name][0], {
                    docid: tuple(sorted(value)) if name == 'applicant'
                    else value for docid, value in made[name][1].items()})
        assert not set(dossier_ids) & set(sort_name._rev_index.keys())
        assert set(dossier_ids) <= set(sort_name.not_indexed())
        transaction.commit()
    finally:
        transaction.abort()
        closer()
    assert [page(app, 'lanhdao.tc', TOP, **params)
            for params in searches] == before
