"""Smoke test of the benchmark data generator (httttha-bench-data) at a
tiny scale: it keeps working as the application changes.  No timing."""
import collections
import os
import shutil

import pytest
import transaction
from pyramid.scripting import prepare
from substanced.db import root_factory
from substanced.util import find_catalog

from httttha import main
from httttha.bench import data as benchdata
from httttha.bench.staff import BENCH_PASSWORD
from httttha.services.administration.tree import all_agencies
from httttha.workflows.dossier import petition_workflow, request_workflow

from ..conftest import close_app, make_settings

DOSSIERS = 300


def _open(directory):
    app = main({}, **make_settings(directory))
    env = prepare(registry=app.registry)
    root = root_factory(env['request'])
    return app, env, root


def _close(app, env):
    transaction.abort()
    env['closer']()
    close_app(app)


@pytest.fixture(scope='module')
def bench_db(template_db, tmp_path_factory):
    """The template database (tree and demo users) filled by the
    generator."""
    directory = str(tmp_path_factory.mktemp('bench') / 'db')
    shutil.copytree(template_db, directory)
    for name in os.listdir(directory):
        if name.endswith(('.lock', '.tmp')):
            os.remove(os.path.join(directory, name))
    app, env, root = _open(directory)
    lines = []
    try:
        added = benchdata.generate(root, app.registry, env['request'],
                                   DOSSIERS, batch=120, log=lines.append)
    finally:
        _close(app, env)
    assert added == DOSSIERS
    return directory


@pytest.fixture
def opened(bench_db):
    app, env, root = _open(bench_db)
    yield app, env, root
    _close(app, env)


def _dossiers(root):
    catalog = find_catalog(root, 'httttha')
    return catalog, catalog['procedure'].any(
        ['HTTT01', 'HTTT02', 'HTTT03']).execute()


def test_catalog_holds_every_procedure_state_and_channel(opened):
    _app, _env, root = opened
    catalog, found = _dossiers(root)
    assert len(found) == DOSSIERS
    counts = collections.Counter()
    for procedure in ('HTTT01', 'HTTT02', 'HTTT03'):
        counts[procedure] = len(catalog['procedure'].eq(procedure).execute())
    assert sum(counts.values()) == DOSSIERS
    assert all(counts[p] > 30 for p in counts), counts
    # every state of both workflows is reached, as the index says
    for procedure, workflow in (('HTTT01', request_workflow),
                                ('HTTT02', petition_workflow)):
        for state in workflow._states:
            query = catalog['procedure'].eq(procedure) & \
                catalog['state'].eq(state)
            assert len(query.execute()) > 0, (procedure, state)
    walk_in = len(catalog['channel'].eq('counter').execute())
    online = len(catalog['channel'].eq('online').execute())
    assert walk_in + online == DOSSIERS
    assert 0.12 < walk_in / DOSSIERS < 0.28, walk_in


def test_statistics_count_every_dossier_once_with_its_final_values(opened):
    """The generator announces each dossier once, complete: the counters
    agree with a count from the catalog."""
    from httttha.services import statistics
    _app, _env, root = opened
    kept = dict(statistics.find_store(root).counted.items())
    assert len(kept) == DOSSIERS
    rebuilt = statistics.rebuild(root, find_catalog(root, 'httttha'))
    assert dict(rebuilt.counted.items()) == kept
    # (agency, month, cells): the first cell is (day, procedure,
    # channel, state, late)
    states = collections.Counter(key[2][0][3] for key in kept.values())
    assert states['completed'] > 0 and states['submitted'] > 0
    transaction.abort()


def test_bulk_indexes_hold_what_the_discriminators_say(opened):
    """The generator indexes a run's dossiers at its end, index by index
    (``BulkIndexing``): every index of both catalogs holds, for every
    dossier, what its discriminator says of it."""
    from substanced.catalog.indexes import FakeIndex
    _app, _env, root = opened
    _catalog, found = _dossiers(root)
    checked = 0
    for name in ('httttha', 'system'):
        for index in find_catalog(root, name).values():
            if isinstance(index, FakeIndex):
                continue
            indexed = index.indexed()
            for dossier in found:
                oid = dossier.__oid__
                value = index.discriminate(dossier, benchdata.MISSING)
                assert (oid in indexed) == (value is not benchdata.MISSING
                                            and value != []), (
                    index.__name__, value)
                rev = getattr(index, '_rev_index', None)
                if rev is None or oid not in indexed:
                    continue
                stored = rev[oid]
                if isinstance(value, (list, tuple, set)):
                    assert set(stored) == set(value), index.__name__
                else:
                    assert stored == value, index.__name__
                checked += 1
    assert checked > DOSSIERS * 10
    transaction.abort()


def test_bulk_indexing_reindexes_a_document_indexed_before(opened,
                                                          monkeypatch):
    """A document indexed before the run and reindexed during it goes
    through the index's own reindexing: a value it no longer has leaves
    the index (only new documents take the shortcut to the not-indexed
    set)."""
    _app, _env, root = opened
    catalog, found = _dossiers(root)
    dossier = next(iter(found))
    oid, state = dossier.__oid__, catalog['state']
    value = state._rev_index[oid]
    bulk = benchdata.BulkIndexing()
    with monkeypatch.context() as patch:
        # the dossier has no value for any field index any more
        patch.setattr(type(state), 'discriminate',
                      lambda index, obj, default: default)
        with bulk.recording():
            catalog.reindex_resource(dossier)
            bulk.commit()
    bulk.apply(lambda line: None)
    assert oid not in state._rev_index
    assert oid in state._not_indexed
    assert oid not in state.eq(value).execute().ids
    # the module's database as it was (apply committed)
    catalog.reindex_resource(dossier)
    transaction.commit()
    assert oid in state.eq(value).execute().ids


def test_a_database_left_unindexed_is_refused(opened):
    """A run killed between its batches and their indexing: the next
    run says to remove the database, and makes nothing."""
    app, env, root = opened
    state = benchdata.bench_state(root)
    assert state['indexed'] == DOSSIERS
    state['indexed'] = DOSSIERS - 120
    with pytest.raises(RuntimeError, match='var/bench'):
        benchdata.generate(root, app.registry, env['request'],
                           DOSSIERS + 10, log=lambda line: None)
    assert state['dossiers'] == DOSSIERS
    transaction.abort()


def _recount(root, catalog, oids, first, last, today):
    """What the dossiers of the agencies ``oids`` received from ``first``
    to ``last`` are, counted one by one from the catalog and the
    dossiers: (total, channels, states, late, classifications, overdue
    on ``today``)."""
    from httttha.services.statistics import CLOSED
    found = catalog['day_procedure'].inrange(
        (first.toordinal(),), (last.toordinal(), '\uffff')).execute()
    due_of = catalog['due']._rev_index.get
    total, late, overdue = 0, 0, 0
    channels, states, classes = (collections.Counter() for _i in range(3))
    for dossier in found:
        if dossier.agency_oid not in oids:
            continue
        state = catalog['state']._rev_index[dossier.__oid__]
        total += 1
        channels[dossier.channel or 'online'] += 1
        states[state] += 1
        late += state in CLOSED and bool(dossier.closed_late)
        due = due_of(dossier.__oid__)
        overdue += due is not None and due < today.toordinal()
        for criterion, value in (dossier.classification or {}).items():
            if value:
                classes[(criterion, value)] += 1
    return (total, dict(channels), dict(states), late, dict(classes),
            overdue)


def test_statistics_of_any_period_equal_a_recount(opened):
    """A month, a quarter, a range across two reporting years and the
    same range a year earlier: each Cục's line and the total are what a
    count of the dossiers themselves gives."""
    import datetime
    from httttha.services.statistics import periods, tables
    from httttha.services.administration.tree import root_agency, tree_nodes
    _app, _env, root = opened
    catalog = find_catalog(root, 'httttha')
    top = root_agency(root)
    nodes = tree_nodes(root)
    days = sorted({key[0] for key in
                   catalog['day_procedure']._fwd_index.keys()})
    last = datetime.date.fromordinal(days[-1])
    # a range from August to November: across 1 October
    year = last.year - 1
    wanted = [
        {'ky': 'thang', 'nam': str(last.year), 'thang': str(last.month)},
        {'ky': 'quy', 'nam': str(year), 'quy': '3'},
        {'ky': 'khoang', 'tu-ngay': '15/08/%d' % year,
         'den-ngay': '20/11/%d' % year},
    ]
    checked = []
    for params in wanted:
        period, errors = periods.parse(params, last)
        assert not errors
        for each in (period, period.year_earlier()):
            table = tables.table(root, top, each, by_procedure=True,
                                 today=last)
            rows = [(row, tables.subtree(nodes, row.oid))
                    for row in table.units]
            rows.append((table.total, list(nodes)))
            for row, oids in rows:
                expected = _recount(root, catalog, set(oids), each.first,
                                    each.last, last)
                assert (row.total, row.channels, {
                    s: n for s, n in row.states.items() if n}, row.late,
                    row.classes, row.overdue) == expected, (
                        params, row.title)
            checked.append(table.total.total)
    # the periods hold dossiers, the table splits them by procedure too
    assert all(checked[:3]) and sum(checked) > 20, checked
    assert sum(p.total for p in table.procedures) == table.total.total
    transaction.abort()


def test_dossiers_span_three_reporting_years_and_skew(opened):
    _app, _env, root = opened
    catalog, found = _dossiers(root)
    years = collections.Counter()
    per_agency = collections.Counter()
    for dossier in found:
        local = dossier.submitted.astimezone(benchdata.VN)
        years[local.year + (local.month >= 10)] += 1
        per_agency[dossier.agency.code] += 1
        # the timeline is dated back in order, from the submission on
        whens = [entry['when'] for entry in dossier.timeline]
        assert whens[0] == dossier.submitted
        assert whens == sorted(whens)
        # the index holds the dated-back submission
        assert catalog['submitted'].eq(
            dossier.submitted.timestamp()).execute().ids
    assert len(years) == 3, years
    # Hà Nội and TP HCM (their Cục and Chi cục) get far more than an
    # average province
    by_province = collections.Counter()
    for dossier in found:
        agency = dossier.agency
        if agency.kind == 'chi_cuc':
            agency = agency.__parent__
        by_province[agency.code] += 1
    average = DOSSIERS / 63
    assert by_province['79'] > 4 * average, by_province
    assert by_province['01'] > 4 * average, by_province


def test_applicants_look_vietnamese(opened):
    _app, _env, root = opened
    _catalog, found = _dossiers(root)
    families = collections.Counter()
    for dossier in found:
        applicant = dossier.applicant
        assert len(applicant['id_number']) == 12
        assert applicant['id_number'].isdigit()
        digits = applicant['phone'].replace(' ', '')
        assert len(digits) == 10 and digits[:2] in ('09', '03', '07', '08')
        if applicant['kind'] == 'person':
            families[applicant['full_name'].split()[0]] += 1
    assert families.most_common(1)[0][0] == 'Nguyễn'


def test_staff_at_every_agency_and_attachments(opened):
    _app, _env, root = opened
    catalog = find_catalog(root, 'httttha')
    users = root['principals']['users']
    agencies = all_agencies(root)
    assert len(agencies) == 756
    for agency in agencies:
        staff = [u for u in catalog['agency'].eq(
            agency.__oid__).execute() if u.__name__ in users]
        roles = sorted(r for u in staff if u.__name__.endswith(
            '-' + agency.code.lower()) for r in u.roles)
        assert roles == ['leader', 'officer', 'specialist'], agency.code
    officer = users['hotro-79']
    assert officer.check_password(BENCH_PASSWORD)
    _catalog, found = _dossiers(root)
    with_files = [d for d in found if d.attachments()]
    assert 0 < len(with_files) < DOSSIERS * 0.15
    slot, attached = with_files[0].attachments()[0]
    assert attached.mimetype == 'application/pdf'
    with attached.blob.open() as f:
        assert f.read(5) == b'%PDF-'
    assert with_files[0].declared['files'][slot] == attached.title


def test_the_collector_is_left_as_found(opened, monkeypatch):
    """The generator turns Python's garbage collector off for a batch and
    freezes what survives it (``collecting_after``): after a run, and
    after a batch that fails, the collector is on again and nothing stays
    frozen in the caller's process (this one)."""
    import gc
    # the module's database was made in three batches of 120
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    app, env, root = opened

    def fail(self, rng):
        raise RuntimeError('lỗi giữa lô')
    monkeypatch.setattr(benchdata.Generator, 'one', fail)
    try:
        with pytest.raises(RuntimeError):
            benchdata.generate(root, app.registry, env['request'],
                               DOSSIERS + 10, log=lambda line: None)
        assert gc.isenabled()
        assert gc.get_freeze_count() == 0
    finally:
        gc.enable()
        gc.unfreeze()
    transaction.abort()
    assert benchdata.bench_state(root)['dossiers'] == DOSSIERS


def test_rerun_with_the_same_size_does_nothing(opened):
    app, env, root = opened
    size = os.path.getsize(os.path.join(
        os.path.dirname(root._p_jar.db().storage.getName()), 'Data.fs'))
    lines = []
    added = benchdata.generate(root, app.registry, env['request'], DOSSIERS,
                               log=lines.append)
    assert added == 0
    assert benchdata.bench_state(root)['dossiers'] == DOSSIERS
    assert 'không cần tạo thêm' in lines[-1]
    transaction.commit()
    assert os.path.getsize(os.path.join(
        os.path.dirname(root._p_jar.db().storage.getName()),
        'Data.fs')) == size


def test_completed_pages_of_a_large_share_equal_those_of_the_union(
        opened, monkeypatch):
    """The completed list (A8) reads a big Cục's results day by day,
    testing each, instead of making the union of its sets: the count and
    the first pages are the same either way, for a Cục and for one
    procedure everywhere."""
    import types
    from httttha.services.portal import completed
    _app, _env, root = opened
    top = root['thads']
    hanoi = top['cuc-thads-ha-noi']
    wanted = [types.SimpleNamespace(agency=hanoi, procedure='', days=(
        None, None)), types.SimpleNamespace(agency=None, procedure='HTTT01',
                                            days=(None, None))]
    # (at this size the union is the cheaper: each way is asked for)
    for filters in wanted:
        monkeypatch.setattr(completed.Results, '_large',
                            staticmethod(lambda *a: True))
        scanned = completed.Results(root, filters)
        assert scanned.wanted, 'the big share is read day by day'
        pages = [scanned.page(0, 20), scanned.page(20, 40)]
        monkeypatch.setattr(completed.Results, '_large',
                            staticmethod(lambda *a: False))
        union = completed.Results(root, filters)
        monkeypatch.undo()
        assert union.wanted is None and union.total == scanned.total > 20
        assert pages == [union.page(0, 20), union.page(20, 40)]
        for dossier in pages[0]:
            assert completed.result_entry(dossier) is not None
            if filters.agency is not None:
                assert dossier.agency_oid in completed.subtree_oids(
                    root, hanoi)
            else:
                assert dossier.procedure == 'HTTT01'


def test_a_large_share_is_read_day_by_day_a_small_one_united():
    """At a million dossiers: a big Cục (90 000 of 600 000 results) is
    read back day by day; a Chi cục (600) is the union of its sets."""
    import types
    from httttha.services.portal.completed import Results
    days = types.SimpleNamespace(indexed_count=lambda: 600000)
    assert Results._large(90000, days, 60)
    assert not Results._large(600, days, 60)
    assert not Results._large(0, days, 60)


def test_workspace_counts_from_the_counters_equal_the_catalogs(
        opened, monkeypatch):
    """A Cục's queues counted from the statistics counters (procedure,
    day of receipt, state, deadline) are those the catalog's sets give,
    with and without the procedure and date filters."""
    import datetime
    import types
    from httttha.services.backoffice import workspace
    from httttha.services.portal.completed import subtree_oids
    _app, env, root = opened
    hanoi = root['thads']['cuc-thads-ha-noi']
    oids = subtree_oids(root, hanoi)
    monkeypatch.setattr(workspace, 'visible_agencies',
                        lambda request, agency, subtree: (oids, len(oids)))
    monkeypatch.setattr(workspace, 'FILTER_BELOW', 0)
    request = types.SimpleNamespace(user=None, root=root)
    catalog = find_catalog(root, 'httttha')
    days = sorted({key[0] for key in
                   catalog['day_procedure']._fwd_index.keys()})
    today = datetime.date.fromordinal(days[-1])
    year = datetime.date.fromordinal(days[len(days) // 2]).year
    checked = []
    for params in ({'pham-vi': 'tat-ca'},
                   {'pham-vi': 'tat-ca', 'thu-tuc': 'HTTT01',
                    'tu-ngay': '01/01/%d' % year,
                    'den-ngay': '31/12/%d' % year}):
        filters = workspace.Filters(params)
        base = workspace.base_docids(request, hanoi, filters)
        assert workspace._counted(request, hanoi, filters, today, base,
                                  catalog, None) is not None
        counted, results = workspace.queues(request, hanoi, filters, today)
        with monkeypatch.context() as m:
            m.setattr(workspace, '_counted', lambda *a: None)
            expected, same = workspace.queues(request, hanoi, filters, today)
        assert counted == expected and list(results.ids) == list(same.ids)
        checked.append(counted)
    assert sum(checked[0].values()) > sum(checked[1].values()) > 0
    assert checked[0]['overdue'] and checked[0]['completed'], checked[0]
    transaction.abort()


def test_the_steps_audit_entries_are_indexed_not_left_waiting(opened):
    """The generator's steps are in the audit trail, indexed after each
    batch as a server indexes after its requests: nothing is left in the
    journal for every audit search to read one by one."""
    from httttha.services.administration.audit.store import (
        in_own_transaction)
    app, _env, _root = opened
    waiting, indexed = in_own_transaction(app.registry, lambda store: (
        sum(1 for _i in store.pending()), len(store.entries)))
    assert waiting == 0 and indexed > DOSSIERS
