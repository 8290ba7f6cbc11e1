"""Lists as Excel workbooks (XlsxWriter): the users list, the audit trail
and every later export share one look and one way to answer."""
import io
from urllib.parse import quote

import xlsxwriter
from pyramid.response import Response

XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'


def workbook(title, headers, rows, widths=None, lines=()):
    """The bytes of a one-sheet workbook: a bold title, the ``lines``
    below it (what the sheet covers), the column headers (frozen,
    filterable) and the rows (strings, numbers or dates), written row by
    row in constant memory."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {'constant_memory': True,
                                     'strings_to_formulas': False,
                                     'strings_to_urls': False})
    sheet = book.add_worksheet()
    bold = book.add_format({'bold': True})
    head = book.add_format({'bold': True, 'bg_color': '#DDEBF7',
                            'border': 1, 'text_wrap': True})
    day = book.add_format({'num_format': 'dd/mm/yyyy hh:mm'})
    for col, _header in enumerate(headers):
        sheet.set_column(col, col, (widths or {}).get(col, 20))
    sheet.write(0, 0, title, bold)
    for row, line in enumerate(lines, start=1):
        sheet.write(row, 0, line)
    top = len(lines) + 2
    for col, header in enumerate(headers):
        sheet.write(top, col, header, head)
    row = top
    for row, values in enumerate(rows, start=top + 1):
        for col, value in enumerate(values):
            if hasattr(value, 'year'):
                sheet.write_datetime(row, col, value.replace(tzinfo=None)
                                     if hasattr(value, 'tzinfo') else value,
                                     day)
            elif value is None:
                sheet.write_blank(row, col, None)
            else:
                sheet.write(row, col, value)
    sheet.freeze_panes(top + 1, 0)
    sheet.autofilter(top, 0, max(row, top), max(len(headers) - 1, 0))
    book.close()
    return out.getvalue()


def xlsx_response(filename, title, headers, rows, widths=None, lines=()):
    """A workbook as a download named ``filename`` (.xlsx added)."""
    name = filename if filename.endswith('.xlsx') else filename + '.xlsx'
    response = Response(body=workbook(title, headers, rows, widths, lines),
                        content_type=XLSX)
    response.content_disposition = (
        "attachment; filename=\"%s\"; filename*=UTF-8''%s" % (
            name.encode('ascii', 'replace').decode().replace('"', ''),
            quote(name)))
    response.cache_control = 'private, no-store'
    return response
