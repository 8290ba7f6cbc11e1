"""A statistics table as the rows of an Excel workbook (B12): the same
units, procedures and columns as the page, numbers as numbers, and in
the header the scope, the period and when the figures were extracted."""
from ...content.application import PROCEDURE_TITLES
from . import periods


def headers(translate, columns, earlier):
    """The column titles, in Vietnamese, in the page's order."""
    titles = ['Đơn vị', 'Tổng số']
    if earlier is not None:
        titles.append('Cùng kỳ năm trước')
    titles += ['Trực tuyến', 'Trực tiếp']
    titles += [translate(title) for title, _states in columns]
    titles += ['Đã giải quyết đúng hạn', 'Đã giải quyết quá hạn',
               'Chưa giải quyết, quá hạn']
    return titles


def values(row, columns, earlier):
    """A row's numbers, in the order of :func:`headers`."""
    found = [row.total]
    if earlier is not None:
        before = earlier.get(row.oid if row.level == 0 else None)
        found.append(before.total if before is not None and
                     row.level == 0 else None)
    found += [row.channels.get('online', 0), row.channels.get('counter', 0)]
    found += [row.state(states) for _title, states in columns]
    found += [row.on_time, row.late, row.overdue]
    return found


def statistics_workbook(request, agency, period, table, columns, earlier,
                        extracted):
    """(title, headers, rows, widths, lines) for ``xlsx_response``."""
    translate = request.localizer.translate
    title = 'Thống kê hồ sơ hỗ trợ trực tuyến thi hành án dân sự'
    lines = [
        'Đơn vị: %s (gồm các đơn vị trực thuộc)' % agency.title,
        'Kỳ thống kê: %s, %s' % (translate(periods.kind_title(period.kind)),
                                 period.label),
        'Ngày trích xuất số liệu: %s' % extracted.strftime('%d/%m/%Y %H:%M'),
    ]
    rows = []
    for row in table.rows:
        if row.level:
            name = '    %s - %s' % (row.procedure, translate(
                PROCEDURE_TITLES[row.procedure]))
        else:
            name = translate(row.title)
        rows.append([name] + values(row, columns, earlier))
    rows.append(['Tổng cộng'] + values(table.total, columns, earlier))
    return (title, headers(translate, columns, earlier), rows,
            {0: 45}, lines)
