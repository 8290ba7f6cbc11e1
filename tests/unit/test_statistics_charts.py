"""The statistics charts (issue 17): server-side SVG that a public page's
Content-Security-Policy lets through (no script, no style element or
attribute), named for a screen reader, one bar per figure, numbers
written the Vietnamese way, and the stylesheet pygal would have inlined
kept in step with pygal."""
import datetime
import os
import xml.etree.ElementTree as etree

import pytest
from pyramid import testing

from httttha.services.statistics import charts, periods, tables

NS = '{http://www.w3.org/2000/svg}'
PERIOD = periods.Period(datetime.date(2025, 10, 1),
                        datetime.date(2026, 9, 30), 'nam', {'nam': 2026})


@pytest.fixture
def request_vi():
    config = testing.setUp(settings={'pyramid.default_locale_name': 'vi'})
    config.add_translation_dirs('httttha:locale/')
    yield testing.DummyRequest()
    testing.tearDown()


def cells(received, late):
    """``received`` dossiers: ``late`` HTTT01 completed late, one HTTT03
    completed on time, the others HTTT01 still open."""
    return [(('HTTT01', 'online', 'completed', True, False), late),
            (('HTTT03', 'online', 'completed', False, False), 1),
            (('HTTT01', 'counter', 'submitted', False, False),
             received - late - 1)]


def unit(title, oid, received, late=0):
    row = tables.Row(title, oid)
    row.cells = cells(received, late)
    for cell, number in row.cells:
        row.add(cell, number)
    return row


def make_table(units, months=None, overdue=0):
    """A Table as tables.table() returns it, summed from ``units``."""
    total = tables.Row(tables._('Total'))
    procedures = {p: tables.Row(p, procedure=p, level=1)
                  for p in ('HTTT01', 'HTTT02', 'HTTT03')}
    for row in units:
        for cell, number in row.cells:
            total.add(cell, number)
            procedures[cell[0]].add(cell, number)
    total.overdue = overdue
    if months is None:
        months = [(day, 0) for day in PERIOD.months()]
    return tables.Table(units, total, list(procedures.values()), months)


def parse(chart):
    return etree.fromstring(str(chart.svg))


def bars(svg):
    """pygal's bar rectangles of the (one) series."""
    return svg.findall(".//%sg[@class='series serie-0 color-0']/%sg/%sg"
                       "/%srect" % (NS, NS, NS, NS))


def by_id(made):
    return {chart.id: chart for chart in made}


def test_four_charts_with_titles_and_one_bar_per_figure(request_vi):
    months = [(day, 1000 + i) for i, day in enumerate(PERIOD.months())]
    table = make_table([unit('Chi cục A', 1, 1234, late=4),
                        unit('Chi cục B', 2, 10)], months, overdue=2)
    made = by_id(charts.charts(request_vi, table, PERIOD))
    assert list(made) == ['chart-months', 'chart-procedures',
                          'chart-timeliness', 'chart-units']
    titles = {id: chart.title for id, chart in made.items()}
    assert titles == {
        'chart-months': 'Hồ sơ tiếp nhận theo tháng',
        'chart-procedures': 'Hồ sơ tiếp nhận theo thủ tục',
        'chart-timeliness': 'Hồ sơ giải quyết đúng hạn, quá hạn',
        'chart-units': 'Hồ sơ tiếp nhận theo đơn vị'}
    for id, chart in made.items():
        svg = parse(chart)
        # the title first, then the description, both naming the image
        assert svg.get('role') == 'img'
        assert svg.get('aria-labelledby') == '%s-title %s-desc' % (id, id)
        assert svg[0].tag == NS + 'title' and svg[0].text == chart.title
        assert svg[0].get('id') == id + '-title'
        assert svg[1].tag == NS + 'desc' and svg[1].text == chart.description
        # one bar per line of the data table
        assert len(bars(svg)) == len(chart.rows)

    # twelve months, labelled 10/2025 .. 09/2026, the most in September
    months_chart = made['chart-months']
    assert [label for label, _n in months_chart.rows][:2] == [
        '10/2025', '11/2025']
    assert months_chart.rows[-1] == ('09/2026', 1011)
    assert months_chart.description == (
        'Từ 01/10/2025 đến 30/09/2026 tiếp nhận 12.066 hồ sơ; nhiều nhất '
        'tháng 09/2026: 1.011 hồ sơ.')
    labels = [t.text for t in parse(months_chart).iter(NS + 'text')]
    assert '10/2025' in labels and '09/2026' in labels

    procedures = made['chart-procedures']
    assert procedures.rows == [
        ('HTTT01 – Hỗ trợ trực tuyến yêu cầu thi hành án dân sự', 1242),
        ('HTTT02 – Hỗ trợ trực tuyến tiếp nhận phản ánh, kiến nghị về thi '
         'hành án dân sự', 0),
        ('HTTT03 – Hỗ trợ trực tuyến yêu cầu xác nhận kết quả thi hành án '
         'dân sự', 2)]

    timeliness = made['chart-timeliness']
    assert timeliness.rows == [('Đúng hạn', 2), ('Quá hạn', 4),
                               ('Chưa giải quyết, quá hạn', 2)]
    assert timeliness.headers == ('Tình trạng giải quyết', 'Số hồ sơ')
    # each bar of its own colour (a class the stylesheet colours)
    tones = [g.get('class') for g in parse(timeliness).iter(NS + 'g')
             if 'tone-' in g.get('class', '')]
    assert tones == ['bar tone-on-time', 'bar tone-late', 'bar tone-overdue']

    units = made['chart-units']
    assert units.rows == [('Chi cục A', 1234), ('Chi cục B', 10)]
    assert units.headers == ('Đơn vị', 'Số hồ sơ tiếp nhận')
    assert units.description == ('Số hồ sơ tiếp nhận của 2 đơn vị; nhiều '
                                 'nhất là Chi cục A: 1.234 hồ sơ.')


def test_the_svg_passes_the_public_pages_csp(request_vi):
    table = make_table([unit('Chi cục A', 1, 50), unit('Chi cục B', 2, 7)])
    for chart in charts.charts(request_vi, table, PERIOD):
        text = str(chart.svg)
        assert text.startswith('<svg ')
        assert '<script' not in text and '<style' not in text
        assert 'style=' not in text and 'javascript' not in text.lower()
        assert '<!--' not in text and '<?xml' not in text
        svg = parse(chart)
        for node in svg.iter():
            assert node.tag not in (NS + 'script', NS + 'style')
            assert 'style' not in node.attrib
            assert not any(name.startswith('on') for name in node.attrib)
        # no box for pygal's tooltip script
        assert 'tooltip' not in text


def test_numbers_are_written_the_vietnamese_way(request_vi):
    months = [(day, 0) for day in PERIOD.months()]
    months[5] = (months[5][0], 1234567)
    table = make_table([unit('Chi cục A', 1, 1234567, late=2345),
                        unit('Chi cục B', 2, 3)], months)
    made = by_id(charts.charts(request_vi, table, PERIOD))
    svg = parse(made['chart-months'])
    values = [t.text for t in svg.iter(NS + 'text')
              if t.get('class') == 'value']
    assert '1.234.567' in values and '1234567' not in values
    # the y axis too
    assert '1.000.000' in [t.text for t in svg.iter(NS + 'text')]
    tips = [t.text for g in svg.iter(NS + 'g') if g.get('class') == 'bar'
            for t in g.iter(NS + 'title')]
    assert '03/2026: 1.234.567' in tips
    assert 'nhiều nhất tháng 03/2026: 1.234.567 hồ sơ' in (
        made['chart-months'].description)
    assert made['chart-months'].number(1234567) == '1.234.567'
    timeliness = made['chart-timeliness'].description
    assert timeliness.startswith('Trong 2.347 hồ sơ đã giải quyết, 2 hồ sơ '
                                 'đúng hạn (0%) và 2.345 hồ sơ quá hạn')


def test_units_top_and_a_single_unit(request_vi):
    many = [unit('Chi cục %02d' % i, i, 10 + i) for i in range(15)]
    made = by_id(charts.charts(request_vi, make_table(many), PERIOD, top=5))
    units = made['chart-units']
    assert [label for label, _n in units.rows] == [
        'Chi cục 14', 'Chi cục 13', 'Chi cục 12', 'Chi cục 11', 'Chi cục 10']
    assert len(bars(parse(units))) == 5
    assert units.description.startswith('5 trong 15 đơn vị tiếp nhận')
    # one unit: no chart by unit
    alone = charts.charts(request_vi, make_table([unit('Chi cục A', 1, 3)]),
                          PERIOD)
    assert [c.id for c in alone] == ['chart-months', 'chart-procedures',
                                     'chart-timeliness']


def test_an_empty_period_and_a_prefix(request_vi):
    table = make_table([])
    made = by_id(charts.charts(request_vi, table, PERIOD, prefix='cong-khai'))
    assert list(made) == ['cong-khai-months', 'cong-khai-procedures',
                          'cong-khai-timeliness']
    assert made['cong-khai-months'].description == (
        'Không có hồ sơ nào được tiếp nhận từ 01/10/2025 đến 30/09/2026.')
    assert made['cong-khai-timeliness'].description.startswith(
        'Chưa có hồ sơ nào của kỳ được giải quyết')
    svg = parse(made['cong-khai-months'])
    assert svg[0].get('id') == 'cong-khai-months-title'
    assert len(bars(svg)) == 12


def test_whole_number_graduations():
    assert charts._ticks(0) == [0, 1]
    assert charts._ticks(3) == [0, 1, 2, 3]
    assert charts._ticks(17) == [0, 5, 10, 15, 20]
    assert charts._ticks(1234567)[-1] >= 1234567


def test_the_static_stylesheet_is_pygals_css():
    path = os.path.join(os.path.dirname(charts.__file__), '..', '..',
                        'static', 'charts.css')
    with open(path, encoding='utf-8') as f:
        assert f.read() == charts.stylesheet(), (
            'run: .venv/bin/python -m httttha.services.statistics.charts '
            '> httttha/static/charts.css')
    css = charts.stylesheet()
    assert '.pygal-chart .color-0' in css and '#chart-' not in css
