"""The charts of a statistics table (issue 17, B12 and A5): dossiers
received per month, by procedure, on time or late, and by unit, drawn
on the server as SVG by pygal, so that they need no JavaScript.

Public pages allow only our own scripts and stylesheets (views/csp.py),
so the SVG keeps no ``<script>``, no ``<style>`` and no ``style=``: the
CSS pygal would have put inline is in ``httttha/static/charts.css``,
made by this module (``python -m httttha.services.statistics.charts``,
see :func:`stylesheet`).  A screen reader reads each chart's title and
description (``role="img"``, ``aria-labelledby``), and every figure
comes with its data as a table (templates/charts.pt).
"""
import functools
import xml.etree.ElementTree as etree

import pygal
from babel.numbers import format_percent
from pygal.style import Style

from ... import _
from ...content.application import PROCEDURE_TITLES, PROCEDURES
from .periods import number

#: one look for every chart (the site's font and colours); a fixed
#: object, since the stylesheet is generated from it once
STYLE = Style(
    font_family='"Be Vietnam Pro", "Segoe UI", Roboto, Arial, sans-serif',
    background='transparent',
    plot_background='transparent',
    foreground='rgba(0, 0, 0, .87)',
    foreground_strong='rgba(0, 0, 0, 1)',
    foreground_subtle='rgba(0, 0, 0, .6)',
    colors=('#1f5fa6',),
    value_colors=('#000000',),
    opacity='1', opacity_hover='1',
    stroke_opacity='1', stroke_opacity_hover='1',
    stroke_width='0', stroke_width_hover='0',
    transition='0ms',
    title_font_size=18, label_font_size=13, major_label_font_size=13,
    value_font_size=13, legend_font_size=13,
)
#: the header of the numbers of three charts
RECEIVED = _('chart-received', default='Dossiers received')
#: the bars of the chart "on time or late", coloured by the stylesheet
TONES = ('tone-on-time', 'tone-late', 'tone-overdue')
#: what the stylesheet adds to pygal's own CSS
EXTRA_CSS = """
.pygal-chart .tone-on-time rect { fill: #2e7d32; stroke: #2e7d32; }
.pygal-chart .tone-late rect { fill: #c62828; stroke: #c62828; }
.pygal-chart .tone-overdue rect { fill: #ef6c00; stroke: #ef6c00; }
.pygal-chart .axis .guide.line { stroke: rgba(0, 0, 0, .25); }
figure.chart { margin: 0 0 2em; }
figure.chart svg { display: block; width: 100%; max-width: 50rem;
  height: auto; }
figure.chart figcaption { margin: .5em 0; }
figure.chart table { max-width: 50rem; }
"""
STYLESHEET_HEADER = (
    '/* The charts\' stylesheet (what pygal would put inline in each SVG).\n'
    '   Generated, do not edit: after a change of pygal or of\n'
    '   httttha/services/statistics/charts.py, run\n'
    '   .venv/bin/python -m httttha.services.statistics.charts'
    ' > httttha/static/charts.css\n'
    '   (a unit test checks the file is up to date). */\n')


class Markup(str):
    """Text a template inserts as it is (Chameleon honours ``__html__``,
    as it would markupsafe's Markup, which the project does not need)."""

    def __html__(self):
        return str(self)


class Chart(object):
    """A chart of a page: ``id`` (its figure's, unique on the page),
    ``title``, ``description`` (one sentence with the main figure),
    ``svg`` (Markup of an inline ``<svg>``), and its data as a table:
    ``headers`` and ``rows`` [(label, number, ...)]."""

    number = staticmethod(number)

    def __init__(self, id, title, description, svg, headers, rows):
        self.id, self.title, self.description = id, title, description
        self.svg, self.headers, self.rows = svg, headers, rows


def charts(request, table, period, top=10, prefix='chart'):
    """The charts of ``table`` (a :class:`tables.Table` over ``period``):
    received per month, by procedure, on time or late, and the ``top``
    units by dossiers received (when the table has two units or more).
    ``prefix`` starts every id (two sets of charts on one page)."""
    t = request.localizer.translate
    made = [
        _months(t, table, period, prefix),
        _procedures(t, table, prefix),
        _timeliness(t, table, prefix),
    ]
    if len(table.units) >= 2:
        made.append(_units(t, table, top, prefix))
    return made


def _months(t, table, period, prefix):
    rows = [(day.strftime('%m/%Y'), n) for day, n in table.months]
    total = sum(n for _l, n in rows)
    mapping = {'first': period.first.strftime('%d/%m/%Y'),
               'last': period.last.strftime('%d/%m/%Y'),
               'total': number(total)}
    if total:
        most, count = max(rows, key=lambda row: row[1])
        mapping.update(month=most, most=number(count))
        description = _('chart-months-desc', default='From ${first} to '
                        '${last}, ${total} dossiers were received; the most '
                        'in ${month}: ${most}.', mapping=mapping)
    else:
        description = _('chart-months-none', default='No dossier was '
                        'received from ${first} to ${last}.', mapping=mapping)
    title = t(_('chart-months', default='Dossiers received per month'))
    return _chart(prefix + '-months', title, t(description),
                  (t(_('chart-month', default='Month')),
                   t(RECEIVED)),
                  rows, pygal.Bar, labels=[label for label, _n in rows])


def _procedures(t, table, prefix):
    rows = [(row.procedure, row.total) for row in table.procedures]
    total = sum(n for _c, n in rows)
    labels = ['%s – %s' % (code, t(PROCEDURE_TITLES[code]))
              for code, _n in rows]
    if total:
        code, count = max(rows, key=lambda row: row[1])
        description = _('chart-procedures-desc', default='Of ${total} '
                        'dossiers received, the most were for ${procedure}: '
                        '${most}.', mapping={
                            'total': number(total), 'most': number(count),
                            'procedure': labels[PROCEDURES.index(code)]})
    else:
        description = _('chart-procedures-none', default='No dossier was '
                        'received for any procedure in the period.')
    title = t(_('chart-procedures', default='Dossiers received by procedure'))
    return _chart(prefix + '-procedures', title, t(description),
                  (t(_('chart-procedure', default='Procedure')),
                   t(RECEIVED)),
                  [(label, n) for label, (_c, n) in zip(labels, rows)],
                  pygal.Bar, labels=[code for code, _n in rows])


def _timeliness(t, table, prefix):
    total = table.total
    labels = [t(_('chart-on-time', default='On time')),
              t(_('chart-late', default='Late')),
              t(_('chart-overdue', default='Not settled, overdue'))]
    values = [total.on_time, total.late, total.overdue]
    mapping = {'closed': number(total.closed),
               'on_time': number(total.on_time), 'late': number(total.late),
               'overdue': number(total.overdue)}
    if total.closed:
        mapping['share'] = format_percent(total.on_time / total.closed,
                                          locale='vi')
        description = _('chart-timeliness-desc', default='Of ${closed} '
                        'dossiers settled, ${on_time} were settled on time '
                        '(${share}) and ${late} late; ${overdue} dossiers '
                        'not yet settled are overdue.', mapping=mapping)
    else:
        description = _('chart-timeliness-none', default='No dossier of the '
                        'period has been settled yet; ${overdue} dossiers '
                        'not yet settled are overdue.', mapping=mapping)
    title = t(_('chart-timeliness', default='Dossiers settled on time or '
                'late'))
    return _chart(prefix + '-timeliness', title, t(description),
                  (t(_('chart-timeliness-head', default='Timeliness')),
                   t(_('chart-dossiers', default='Dossiers'))),
                  list(zip(labels, values)), pygal.Bar, labels=labels,
                  tones=TONES)


def _units(t, table, top, prefix):
    units = sorted(table.units, key=lambda row: -row.total)
    shown = [(t(row.title), row.total) for row in units[:top]]
    mapping = {'count': number(len(shown)), 'units': number(len(units)),
               'unit': shown[0][0], 'most': number(shown[0][1])}
    if len(units) > top:
        description = _('chart-units-top-desc', default='The ${count} units '
                        'of ${units} that received the most dossiers; the '
                        'most: ${unit}, ${most}.', mapping=mapping)
    else:
        description = _('chart-units-desc', default='Dossiers received by '
                        'each of the ${count} units; the most: ${unit}, '
                        '${most}.', mapping=mapping)
    title = t(_('chart-units', default='Dossiers received by unit'))
    # a horizontal bar chart draws its first value at the bottom
    rows = list(reversed(shown))
    return _chart(prefix + '-units', title, t(description),
                  (t(_('chart-unit', default='Unit')),
                   t(RECEIVED)),
                  shown, pygal.HorizontalBar,
                  labels=[label for label, _n in rows],
                  values=[n for _l, n in rows],
                  height=120 + 42 * len(rows))


def _chart(id, title, description, headers, rows, kind, labels,
           values=None, tones=None, height=420):
    """A :class:`Chart` of one series: ``rows`` in the table, ``values``
    (by default the rows' numbers) drawn over ``labels``."""
    if values is None:
        values = [n for _l, n in rows]
    svg = _svg(id, title, description, headers[1], kind, tuple(labels),
               tuple(values), tones, height)
    return Chart(id, title, description, svg, headers, rows)


@functools.lru_cache(maxsize=256)
def _svg(id, title, description, series, kind, labels, values, tones,
         height):
    """The SVG of a chart; kept, since the figures of a period change
    only with its dossiers, and drawing the four charts of a page takes
    pygal some 20 ms (the public page is read far more than it changes)."""
    config = _config(kind, labels, values, height)
    config.title = title
    graph = kind(config)
    graph.add(series, list(values))
    tree = graph.render_tree()
    return _clean(tree, id, title, description, labels, values, tones)


def _config(kind, labels, values, height):
    config = pygal.Config(
        style=STYLE, js=[], css=[], disable_xml_declaration=True,
        no_prefix=True, show_legend=False, print_values=True,
        print_values_position='top', width=800, height=height,
        value_formatter=number, formatter=number,
        y_labels=_ticks(max(values) if values else 0),
        show_minor_y_labels=True, margin=16, spacing=12,
        truncate_label=36 if kind is pygal.HorizontalBar else -1)
    config.x_labels = list(labels)
    if len(labels) > 24:
        # months of a long range: a label every year's October, the
        # numbers in the table and each bar's title (they would overlap)
        config.print_values = False
        config.x_label_rotation = 45
        config.x_labels_major = [label for label in labels
                                 if label.startswith('10/')]
        config.show_minor_x_labels = False
    return config


def _ticks(most):
    """Whole-number graduations from 0 past ``most``, at most nine (pygal
    would print 0.5 for a handful of dossiers)."""
    most = int(most)
    if most <= 0:
        return [0, 1]       # an empty chart still has an axis
    for power in range(13):
        for each in (1, 2, 5):
            step = each * 10 ** power
            if most <= 8 * step:
                return list(range(0, most + step, step))
    return [0, most]


def _clean(tree, id, title, description, labels, values, tones):
    """``tree`` (pygal's) as Markup that the CSP lets through and a screen
    reader names: no script, style element or attribute, no comment; the
    title and a description first, referenced by ``aria-labelledby``;
    each bar's label and number as its own ``<title>`` (a tooltip without
    JavaScript) instead of pygal's data for its script."""
    for parent in tree.iter():
        for child in list(parent):
            if not isinstance(child.tag, str) or _tag(child) in (
                    'script', 'style'):
                parent.remove(child)    # comments, scripts, styles
        parent.attrib.pop('style', None)
    for parent in tree.iter():
        for child in list(parent):
            if 'tooltip-overlay' in child.get('class', '').split() or (
                    _tag(child) == 'defs' and not len(child)):
                parent.remove(child)    # the box pygal's script fills
    heading = _first(tree, 'title')
    if heading is not None:
        tree.remove(heading)
    tree.attrib.pop('id', None)
    tree.set('role', 'img')
    tree.set('aria-labelledby', '%s-title %s-desc' % (id, id))
    caption = etree.Element('title', id=id + '-title')
    caption.text = title
    about = etree.Element('desc', id=id + '-desc')
    about.text = description
    tree.insert(0, about)
    tree.insert(0, caption)
    bars = [g for g in tree.iter() if _tag(g) == 'g'
            and 'bar' in g.get('class', '').split()]
    for at, bar in enumerate(bars):
        for desc in [d for d in bar if _tag(d) == 'desc']:
            bar.remove(desc)
        for shape in bar:
            shape.set('class', ' '.join(
                name for name in shape.get('class', '').split()
                if name != 'tooltip-trigger'))
        tip = etree.SubElement(bar, 'title')
        tip.text = '%s: %s' % (labels[at], number(values[at]))
        if tones:
            bar.set('class', '%s %s' % (bar.get('class'), tones[at]))
    if tree.find("./g[@class='graph horizontalbar-graph horizontal']") \
            is not None:
        # a value after its bar's end, not across it
        for text in tree.iter('text'):
            if text.get('class') == 'value':
                text.set('text-anchor', 'start')
                text.set('x', '%.1f' % (float(text.get('x')) + 6))
    return Markup(etree.tostring(tree, encoding='unicode'))


def _tag(node):
    return node.tag.rsplit('}', 1)[-1]


def _first(tree, name):
    for child in tree:
        if isinstance(child.tag, str) and _tag(child) == name:
            return child
    return None


def stylesheet():
    """The CSS pygal puts inline in a chart drawn with :data:`STYLE`, for
    every ``svg.pygal-chart`` of a page, and our own additions."""
    graph = pygal.Bar(pygal.Config(style=STYLE, js=[]))
    graph.add('', [1])
    tree = graph.render_tree()
    prefix = '#%s' % tree.get('id')     # '#chart-<uuid> ', or bare
    css = ''.join(node.text or '' for node in tree.iter()
                  if isinstance(node.tag, str) and _tag(node) == 'style')
    css = css.replace(prefix + ' ', '.pygal-chart ').replace(
        prefix, '.pygal-chart')
    return STYLESHEET_HEADER + css.replace('}', '}\n') + EXTRA_CSS


if __name__ == '__main__':      # pragma: no cover
    import sys
    sys.stdout.write(stylesheet())
