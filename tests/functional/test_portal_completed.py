"""Hồ sơ đã có kết quả (A8), the agency page's lookup and counts (A4) and
the menu's rule (A1), on the living demo data."""
import datetime
import re

import pytest
import time_machine
import transaction
from pyramid.config import Configurator
from pyramid.interfaces import IMultiView, IRequest, ISecuredView, IView
from pyramid.interfaces import IViewClassifier
from pyramid.response import Response
from substanced.interfaces import IRoot
from substanced.util import find_catalog

from httttha.services.portal import completed as service
from httttha.services.statistics import reporting_year, year_bounds
from httttha.vntime import VN
from httttha.workflows.dossier import state_of

from httttha.services.demo import DEMO_PASSWORD

from ..conftest import ADMIN_PASSWORD, LIVING_NOW, login, open_root

URL = '/ho-so-da-co-ket-qua'
HN, BA_DINH, TC = '01', '001', 'TC'


def _agency_path(dossier):
    names = []
    agency = dossier.agency
    while getattr(agency, 'is_agency', False):
        names.append(agency.code)
        agency = agency.__parent__
    return names


def _dossiers(app):
    """Every dossier of the database as plain data: code, procedure,
    state, the codes of its agency and of the agencies above it, the
    applicant's name, the day of its result (None: no result) and the
    day it was received."""
    root, closer = open_root(app)
    try:
        catalog = find_catalog(root, 'httttha')
        found = []
        for d in catalog['procedure'].any(
                ['HTTT01', 'HTTT02', 'HTTT03']).execute():
            when = service.result_time(d)
            found.append({
                'code': d.code, 'procedure': d.procedure,
                'state': state_of(d), 'agencies': _agency_path(d),
                'name': d.applicant_name,
                'result': when.astimezone(VN).date() if when else None,
                'received': d.submitted.astimezone(VN).date(),
                'late': bool(getattr(d, 'closed_late', False))})
        return found
    finally:
        transaction.abort()
        closer()


def _rows(page):
    rows = []
    for tr in page.html.select('#completed-list tbody tr'):
        cells = [td.get_text(' ', strip=True) for td in tr.find_all('td')]
        rows.append({'code': cells[0], 'procedure': cells[1],
                     'agency': cells[2],
                     'received': _day(cells[3]), 'result': _day(cells[4]),
                     'outcome': cells[5], 'deadline': cells[6]})
    return rows


def _day(text):
    return datetime.datetime.strptime(text, '%d/%m/%Y').date()


def _total(page):
    return int(page.html.select_one('#completed-total').get_text().replace(
        '.', ''))


def _masked(code):
    first, _middle, last = code.split('-')
    return '%s-•••-%s' % (first, last)


def _message(page):
    box = page.html.select_one('#completed-message')
    return box.get_text(' ', strip=True) if box is not None else ''


def test_lists_results_masked_and_never_an_open_dossier(living_app):
    dossiers = _dossiers(living_app)
    closed = [d for d in dossiers if d['result'] is not None]
    open_ = [d for d in dossiers if d['result'] is None]
    assert {d['state'] for d in closed} == {'completed', 'refused'}
    assert any(d['state'] == 'in_processing' for d in open_)
    page = living_app.get(URL)
    assert page.html.find('h1').get_text() == 'Hồ sơ đã có kết quả'
    assert _total(page) == len(closed)
    rows = _rows(page)
    assert len(rows) == len(closed) <= service.PAGE_SIZE
    # masked: the middle group hidden, the full code nowhere on the page,
    # nor the applicant's name
    assert sorted(r['code'] for r in rows) == sorted(
        _masked(d['code']) for d in closed)
    for d in dossiers:
        assert d['code'] not in page.text
        assert d['code'].replace('-', '') not in page.text
        assert d['name'] not in page.text
    for d in open_:
        assert _masked(d['code']) not in page.text
    # newest result first
    assert [r['result'] for r in rows] == sorted(
        (r['result'] for r in rows), reverse=True)
    # what each row says
    by_code = {_masked(d['code']): d for d in closed}
    for r in rows:
        d = by_code[r['code']]
        assert r['procedure'] == d['procedure']
        assert r['received'] == d['received'] and r['result'] == d['result']
        assert r['deadline'] == ('Trễ hạn' if d['late'] else 'Đúng hạn')
        if d['state'] == 'refused':
            assert r['outcome'].startswith('Từ chối')
        else:
            assert r['outcome'].startswith('Đã trả kết quả')
    outcomes = ' '.join(r['outcome'] for r in rows)
    # a request's support decision and a petition's answer, in Vietnamese
    assert 'Không thuộc thẩm quyền thi hành án' in outcomes
    assert 'Trả lời (thuộc thẩm quyền)' in outcomes
    assert 'Đúng hạn' in page.text and 'Trễ hạn' in page.text


def test_filters_by_agency_subtree_procedure_and_period(living_app):
    closed = [d for d in _dossiers(living_app) if d['result'] is not None]

    def expected(keep):
        return sorted(_masked(d['code']) for d in closed if keep(d))

    def listed(**params):
        page = living_app.get(URL, params=params)
        assert not _message(page)
        rows = _rows(page)
        assert _total(page) == len(rows)
        return sorted(r['code'] for r in rows), page

    # a Cục: its own dossiers and its Chi cục's
    codes, page = listed(**{'don-vi': HN})
    assert codes == expected(lambda d: HN in d['agencies'])
    assert {r['agency'] for r in _rows(page)} == {
        'Cục Thi hành án dân sự thành phố Hà Nội',
        'Chi cục Thi hành án dân sự quận Ba Đình'}
    # the select keeps the choice
    assert page.html.select_one(
        '#completed-agency option[selected]')['value'] == HN
    # a Chi cục: its own only
    codes, _page = listed(**{'don-vi': BA_DINH})
    assert codes == expected(lambda d: d['agencies'][0] == BA_DINH)
    assert 0 < len(codes) < len(expected(lambda d: HN in d['agencies']))
    # the Tổng cục: the whole country
    codes, _page = listed(**{'don-vi': TC})
    assert codes == expected(lambda d: True)
    # a procedure, alone and with an agency
    codes, page = listed(**{'thu-tuc': 'HTTT02'})
    assert codes == expected(lambda d: d['procedure'] == 'HTTT02')
    assert {r['procedure'] for r in _rows(page)} == {'HTTT02'}
    codes, _page = listed(**{'thu-tuc': 'HTTT01', 'don-vi': BA_DINH})
    assert codes == expected(lambda d: d['procedure'] == 'HTTT01' and
                             d['agencies'][0] == BA_DINH)
    assert codes
    # a period of result: a month, and from / to dates
    days = sorted({d['result'] for d in closed})
    last = days[-1]
    month = last.replace(day=1)
    codes, _page = listed(thang=last.strftime('%m/%Y'))
    assert codes == expected(lambda d: d['result'] >= month)
    codes, _page = listed(thang=last.strftime('%Y-%m'))
    assert codes == expected(lambda d: d['result'] >= month)
    one_day = last.strftime('%d/%m/%Y')
    codes, _page = listed(**{'tu-ngay': one_day, 'den-ngay': one_day})
    assert codes == expected(lambda d: d['result'] == last)
    assert 0 < len(codes) < len(closed)
    before = (last - datetime.timedelta(days=1)).strftime('%d/%m/%Y')
    codes, _page = listed(**{'den-ngay': before})
    assert codes == expected(lambda d: d['result'] < last)
    # period, agency and procedure together
    codes, _page = listed(**{'den-ngay': before, 'don-vi': HN,
                             'thu-tuc': 'HTTT03'})
    assert codes == expected(lambda d: d['result'] < last and HN in
                             d['agencies'] and d['procedure'] == 'HTTT03')
    # a period without any result
    codes, page = listed(thang='01/2020')
    assert codes == [] and page.html.select_one('#completed-empty')


@pytest.mark.parametrize('user', ['admin', 'lanhdao.hn', 'hotro.bd',
                                  'bientap.hn'])
def test_staff_see_the_same_anonymised_list(living_app, user):
    """A logged-in user (an administrator, a leader, an officer, a web
    editor) gets the public list: masked codes, no names, whatever the
    role."""
    dossiers = _dossiers(living_app)
    anonymous = _rows(living_app.get(URL))
    login(living_app, user, ADMIN_PASSWORD if user == 'admin'
          else DEMO_PASSWORD)
    page = living_app.get(URL)
    assert _rows(page) == anonymous
    for d in dossiers:
        assert d['code'] not in page.text and d['name'] not in page.text


@pytest.mark.parametrize('scan', [False, True], ids=['sort', 'day-scan'])
def test_pages_in_order(living_app, monkeypatch, scan):
    """Small pages walk the whole list newest first, by hypatia's sort or
    by the scan of the days (what large results use)."""
    closed = [d for d in _dossiers(living_app) if d['result'] is not None]
    monkeypatch.setattr(service, 'PAGE_SIZE', 5)
    if scan:
        monkeypatch.setattr(service, 'SCAN_FROM', 0)
    pages = -(-len(closed) // 5)
    seen = []
    page = living_app.get(URL)
    for number in range(1, pages + 1):
        rows = _rows(page)
        assert len(rows) == (5 if number < pages else len(closed) - 5 * (
            pages - 1))
        assert page.html.select_one('#completed-pages strong').get_text() \
            == str(number)
        seen.extend(rows)
        following = page.html.select_one('#completed-pages a[rel=next]')
        if number < pages:
            page = living_app.get(following['href'])
        else:
            assert following is None
    assert sorted(r['code'] for r in seen) == sorted(
        _masked(d['code']) for d in closed)
    assert [r['result'] for r in seen] == sorted(
        (d['result'] for d in closed), reverse=True)
    # a filtered list pages the same way, keeping its filters
    page = living_app.get(URL, params={'don-vi': HN, 'page': '2'})
    link = page.html.select_one('#completed-pages a[rel=prev]')['href']
    assert 'don-vi=01' in link and 'page=1' in link


def test_deep_pages_are_capped(living_app, monkeypatch):
    total = len([d for d in _dossiers(living_app) if d['result']])
    monkeypatch.setattr(service, 'PAGE_SIZE', 3)
    monkeypatch.setattr(service, 'MAX_PAGES', 2)
    page = living_app.get(URL, params={'page': '50'})
    # the last page offered, and why there is none after it
    assert page.html.select_one('#completed-pages strong').get_text() == '2'
    assert len(_rows(page)) == 3
    assert _total(page) == total
    assert 'Chỉ hiển thị 2 trang đầu' in page.html.select_one(
        '#completed-capped').get_text()


@pytest.mark.parametrize('params, message', [
    ({'don-vi': 'ZZZ'}, 'Không có đơn vị nào có mã này'),
    ({'don-vi': 'x' * 5000}, 'Không có đơn vị nào có mã này'),
    ({'thu-tuc': 'HTTT09'}, 'Chọn thủ tục trong danh sách'),
    ({'thang': '13/2026'}, 'Nhập tháng theo dạng mm/yyyy'),
    ({'thang': '<script>alert(1)</script>'}, 'Nhập tháng theo dạng'),
    ({'tu-ngay': '31/02/2026'}, 'dd/mm/yyyy'),
    ({'den-ngay': 'hôm qua'}, 'dd/mm/yyyy'),
    ({'tu-ngay': '10/03/2026', 'den-ngay': '01/03/2026'},
     'Ngày kết thúc trước ngày bắt đầu'),
    ({'page': 'abc'}, ''),
    ({'page': '-3'}, ''),
    ({'page': '10000000000000000000000'}, ''),
])
def test_bad_parameters_fall_back_with_a_message(living_app, params,
                                                 message):
    total = len([d for d in _dossiers(living_app) if d['result']])
    page = living_app.get(URL, params=params)
    assert page.status_int == 200
    if message:
        assert message in _message(page)
    else:
        assert not _message(page)
    # the bad filter is dropped: the whole list, first page
    assert _total(page) == total
    assert len(_rows(page)) == min(total, service.PAGE_SIZE)
    assert '<script>alert' not in page.text


def test_bad_encoding_is_refused_not_500(living_app):
    page = living_app.get(URL + '?thang=%FF%FE', status=400)
    assert 'Hồ sơ đã có kết quả' not in page.html.find('h1').get_text()


def test_evolve_step_indexes_existing_results(living_app):
    """A site stored before the list: the step adds the indexes and fills
    them from the dossiers' timelines."""
    from httttha.evolve import index_results
    before = _rows(living_app.get(URL))
    root, closer = open_root(living_app)
    try:
        catalog = find_catalog(root, 'httttha')
        for name in ('result_date', 'result_day', 'result_unit'):
            del catalog[name]
        transaction.commit()
        index_results(root, living_app.app.registry)
        transaction.commit()
    finally:
        closer()
    after = _rows(living_app.get(URL))
    assert after == before and len(after) > 10


# -- the agency page (A4) ---------------------------------------------------

def test_agency_page_lookup_is_restricted_to_it(living_app):
    dossiers = _dossiers(living_app)
    own = next(d for d in dossiers if d['agencies'][0] == HN)
    below = next(d for d in dossiers if d['agencies'][0] == BA_DINH)
    page = living_app.get('/thads/cuc-thads-ha-noi/')
    form = page.forms['agency-lookup-form']
    assert form['don-vi'].value == HN
    assert 'don-vi' not in [f.name for f in page.html.select(
        '#agency-lookup-form select')]
    form['ma'] = own['code'].lower().replace('-', ' ')
    result = form.submit()
    codes = [a.get_text() for a in result.html.select('#results a.code')]
    assert codes == [own['code']]
    # a dossier of a Chi cục below is not the Cục's
    form = page.forms['agency-lookup-form']
    form['ma'] = below['code']
    result = form.submit()
    assert result.html.select('#results a.code') == []
    assert result.html.select_one('#no-result') is not None
    # the Chi cục's own page finds it
    page = living_app.get('/thads/cuc-thads-ha-noi/chi-cuc-thads-ba-dinh/')
    form = page.forms['agency-lookup-form']
    assert form['don-vi'].value == BA_DINH
    form['ma'] = below['code']
    result = form.submit()
    assert [a.get_text() for a in result.html.select('#results a.code')] \
        == [below['code']]


def _counts(page):
    return {key: int(page.html.select_one('#count-' + key).get_text()
                     .replace('.', ''))
            for key in ('received', 'completed', 'in-progress', 'on-time')}


@pytest.mark.parametrize('path, code', [
    ('/thads/cuc-thads-ha-noi/', HN),
    ('/thads/cuc-thads-ha-noi/chi-cuc-thads-ba-dinh/', BA_DINH),
    ('/thads/', TC),
])
def test_agency_page_counts_the_current_reporting_year(living_app, path,
                                                       code):
    dossiers = [d for d in _dossiers(living_app) if code in d['agencies']]
    year = reporting_year(LIVING_NOW.astimezone(VN).date())
    first, last = year_bounds(year)
    mine = [d for d in dossiers if first <= d['received'] <= last]
    assert mine
    closed = [d for d in mine if d['result'] is not None]
    with time_machine.travel(LIVING_NOW, tick=True):
        page = living_app.get(path)
    section = page.html.select_one('#agency-counts')
    assert 'Số liệu năm công tác %d' % year in section.get_text()
    assert _counts(page) == {
        'received': len(mine), 'completed': len(closed),
        'in-progress': len(mine) - len(closed),
        'on-time': len([d for d in closed if not d['late']])}
    # the link to its completed dossiers lists them
    link = section.select_one('#agency-completed')['href']
    listed = living_app.get(link)
    assert _total(listed) == len([d for d in dossiers if d['result']])
    # a new reporting year starts from zero
    with time_machine.travel(VN.localize(datetime.datetime(
            year, 10, 1, 1, 0)), tick=True):
        page = living_app.get(path)
    assert 'Số liệu năm công tác %d' % (year + 1) in page.text
    assert set(_counts(page).values()) == {0}


# -- the menu (A1) -------------------------------------------------------------

MENU = (('huong-dan', 'Hướng dẫn'), ('thong-ke', 'Thống kê'),
        ('danh-gia', 'Đánh giá'),
        ('ho-so-da-co-ket-qua', 'Hồ sơ đã có kết quả'))


def _menu(app):
    return [a.get_text().strip() for a in app.get('/').html.select('#menu a')]


def _unregister(registry, name):
    """Remove the root's view ``name`` (however it was registered)."""
    required = (IViewClassifier, IRequest, IRoot)
    removed = [registry.unregisterAdapter(required=required, provided=kind,
                                          name=name)
               for kind in (IView, ISecuredView, IMultiView)]
    # the router's own cache of view lookups
    registry._clear_view_lookup_cache()
    return any(removed)


@pytest.mark.parametrize('name, title', MENU)
def test_menu_item_shown_iff_its_page_exists(app, name, title):
    registry = app.app.registry
    exists = app.get('/' + name, expect_errors=True).status_int != 404
    if not exists:
        config = Configurator(registry=registry)
        config.add_view(lambda request: Response('<p>trang %s</p>' % name),
                        context=IRoot, name=name)
        config.commit()
        assert app.get('/' + name).status_int == 200
    menu = _menu(app)
    assert title in menu
    link = app.get('/').html.find('a', string=re.compile(title))
    assert link['href'].endswith('/' + name)
    # the page gone, the item goes (and nothing else of the menu)
    assert _unregister(registry, name)
    app.get('/' + name, status=404)
    assert _menu(app) == [t for t in menu if t != title]
    if name == 'ho-so-da-co-ket-qua':
        page = app.get('/thads/cuc-thads-ha-noi/')
        assert page.html.select_one('#agency-completed') is None
