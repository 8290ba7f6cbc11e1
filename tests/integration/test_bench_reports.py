"""The benchmark's periodic reports (httttha-bench-data, issue 18) at a
tiny scale: two Cục, two reporting years; published, indexed, found by
the browse service, with real files, and a rerun adds nothing.  No
timing."""
import collections
import datetime
import os
import random
import shutil
import zipfile

import pytest
import transaction
from pyramid.scripting import prepare
from substanced.db import root_factory
from substanced.util import find_catalog

from httttha import main
from httttha.bench import data as benchdata
from httttha.bench.staff import ensure_staff
from httttha.content.report import PUBLISHED
from httttha.services.reports import browse, calendar

from ..conftest import close_app, make_settings

#: a fixed "now": 10:00 on 20/03/2027 in Vietnam (reporting year 2027)
NOW = datetime.datetime(2027, 3, 20, 3, 0, tzinfo=datetime.timezone.utc)
CODES = ('01', '31')
YEARS = 2


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
def reports_db(template_db, tmp_path_factory):
    directory = str(tmp_path_factory.mktemp('bench-reports') / 'db')
    shutil.copytree(template_db, directory)
    for name in os.listdir(directory):
        if name.endswith(('.lock', '.tmp')):
            os.remove(os.path.join(directory, name))
    app, env, root = _open(directory)
    lines = []
    try:
        top = root['thads']
        cucs = [a for a in top.sub_agencies() if a.code in CODES]
        ensure_staff(root, app.registry, cucs, random.Random(1))
        transaction.commit()
        added = benchdata.generate_reports(
            root, app.registry, years=YEARS, now=NOW, log=lines.append,
            codes=CODES)
    finally:
        _close(app, env)
    assert added == len(CODES) * 12 * YEARS
    assert 'Đã tạo %d báo cáo' % added in lines[-1]
    return directory


@pytest.fixture
def opened(reports_db):
    app, env, root = _open(reports_db)
    yield app, env, root
    _close(app, env)


def test_every_period_of_the_complete_years_published_and_indexed(opened):
    _app, _env, root = opened
    assert benchdata.report_years(datetime.date(2027, 3, 20), 2) == \
        [2025, 2026]
    assert benchdata.report_years(datetime.date(2027, 10, 1), 2) == \
        [2026, 2027]
    catalog = find_catalog(root, 'httttha')
    published = catalog['report_state'].eq(PUBLISHED).execute()
    assert len(published) == 48
    keys = collections.Counter()
    numbers = collections.Counter()
    for report in published:
        cuc = report.__parent__.__parent__
        assert cuc.code in CODES and report.agency_oid == cuc.__oid__
        period = calendar.by_key(report.period)
        assert report.title == period.title
        assert report.report_type == period.report_type
        assert report.__name__ == period.key.replace(':', '-')
        # on time mostly, a few late; issued on or before the upload day
        uploaded = report.entered.astimezone(benchdata.VN).date()
        assert report.issued <= uploaded
        assert -6 < (uploaded - period.due).days < 20
        keys[cuc.code, period.year] += 1
        numbers[cuc.code, report.issued.year, report.number] += 1
        assert catalog['report_period'].eq(report.period).execute().ids
        assert report.creator_name == 'lanhdao-%s' % cuc.code
    assert set(keys.values()) == {12} and len(keys) == 4
    # Số ký hiệu unique per unit and year of issue
    assert set(numbers.values()) == {1}
    late = [r for r in published if r.entered.astimezone(
        benchdata.VN).date() > calendar.by_key(r.period).due]
    assert 0 < len(late) < 20


def test_files_are_a_real_pdf_and_docx(opened):
    _app, _env, root = opened
    report = root['thads']['cuc-thads-ha-noi']['bao-cao']['thang-2026-10']
    (signed_name, signed), (text_name, text) = report.files()
    with signed.blob.open() as f:
        assert f.read(5) == b'%PDF-'
    with text.blob.open() as f:
        assert 'word/document.xml' in zipfile.ZipFile(f).namelist()
    assert text.title == 'thang-2026-10.docx'


def test_the_browse_search_finds_them(opened):
    _app, _env, root = opened
    top = root['thads']
    filters = browse.Filters(root, top, {'tu-khoa': 'ket qua cong tac quy i',
                                         'don-vi': '01'})
    found = browse.reports(root, browse.search(root, filters))
    assert [r.period for r in found] == ['3_thang:2026', '3_thang:2025']
    # year and month of Ngày ban hành: what a recount finds
    catalog = find_catalog(root, 'httttha')
    every = catalog['report_state'].eq(PUBLISHED).execute()
    for year, month in ((2026, 5), (2025, 10), (2026, 1)):
        filters = browse.Filters(root, top, {'nam': str(year),
                                             'thang': str(month)})
        found = browse.reports(root, browse.search(root, filters))
        assert found and sorted(r.__oid__ for r in found) == sorted(
            r.__oid__ for r in every if (r.issued.year, r.issued.month)
            == (year, month))
        assert [r.issued for r in found] == sorted(
            (r.issued for r in found), reverse=True)


def test_rerun_adds_nothing(opened):
    app, _env, root = opened
    lines = []
    assert benchdata.generate_reports(root, app.registry, years=YEARS,
                                      now=NOW, log=lines.append,
                                      codes=CODES) == 0
    assert 'không cần tạo thêm' in lines[-1]
