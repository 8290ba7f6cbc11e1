"""An officer of a Chi cục at work in the browser (issue 19): from the
default queue a finished dossier's code is found and opened; a notice is
printed with "Xuất phiếu" (a download: the form keeps its input) and sent
with "Gửi" without leaving the form.  The workspace, a dossier and the Hỗ
trợ form are photographed at 1280 and 768 px, and fit both widths."""
import datetime
import os
import pathlib

import pytest

from httttha import vntime

from .conftest import log_in

BD = '/manage/thads/cuc-thads-ha-noi/chi-cuc-thads-ba-dinh'
WIDTHS = (1280, 768)
#: the elements that reach past the right edge (for the failure message)
OVERFLOWING = '''width => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > width)
  .slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' +
                   Math.round(e.getBoundingClientRect().right))'''
#: labels and headings whose text does not fit their box (cut off)
CUT = '''() => Array.from(document.querySelectorAll('dt, label, th, legend'))
  .filter(e => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)
  .map(e => e.textContent.trim())'''
#: terms of horizontal lists not level with their value
ASKEW = '''() => Array.from(document.querySelectorAll('.dl-horizontal > dt'))
  .filter(dt => dt.nextElementSibling && Math.abs(
    dt.getBoundingClientRect().top -
    dt.nextElementSibling.getBoundingClientRect().top) > 2)
  .map(dt => dt.textContent.trim())'''


@pytest.fixture
def shots(screenshot_dir):
    """Where the screenshots go: $HTTTTHA_SCREENSHOTS, else the session's
    directory."""
    folder = pathlib.Path(os.environ.get('HTTTTHA_SCREENSHOTS') or
                          screenshot_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def officer(browser, living_server):
    url, codes = living_server
    context = browser.new_context(base_url=url, locale='vi-VN',
                                  accept_downloads=True,
                                  viewport={'width': 1280, 'height': 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    log_in(page, 'hotro.bd')
    page.wait_for_url('**/@@ban-lam-viec')
    yield page, codes
    context.close()


def photograph(page, shots, name):
    """``name``-<width>.png at each width; the page never scrolls
    sideways, and no label is cut."""
    for width in WIDTHS:
        page.set_viewport_size({'width': width, 'height': 900})
        wide = page.evaluate('document.documentElement.scrollWidth')
        assert wide <= width, '%s is %d px wide at %d px: %s' % (
            name, wide, width, page.evaluate(OVERFLOWING, width))
        assert page.evaluate(CUT) == [], name
        assert page.evaluate(ASKEW) == [], name
        page.screenshot(path=str(shots / ('%s-%d.png' % (name, width))),
                        full_page=True)
    page.set_viewport_size({'width': 1280, 'height': 900})


def test_find_a_finished_dossier_from_the_default_queue(officer, shots):
    page, codes = officer
    done = codes['bd:HTTT01:online:completed']
    # the default queue, in groups that fit the screen
    assert page.locator('#queue-new').get_attribute('aria-current') == 'page'
    assert page.locator('#dossiers a.code', has_text=done).count() == 0
    photograph(page, shots, 'workspace')

    page.locator('#tu-khoa').fill(done)
    page.locator('#tu-khoa').press('Enter')
    page.wait_for_load_state()
    row = page.locator('#dossiers tbody tr')
    assert row.count() == 1
    assert row.locator('a.code').inner_text() == done
    assert row.locator('td.queue-name').inner_text().strip() == \
        'Đã trả kết quả'
    photograph(page, shots, 'workspace-search')

    row.locator('a.code').click()
    page.wait_for_url('**/@@chi-tiet')
    assert page.locator('#code').inner_text() == done
    assert page.locator('#state').inner_text().strip() == 'Đã trả kết quả'
    photograph(page, shots, 'dossier')
    # Bàn làm việc, one click away
    page.locator('#header-workspace').click()
    page.wait_for_url('**/@@ban-lam-viec')


def test_print_the_notice_then_send_without_leaving_the_form(officer, shots):
    page, codes = officer
    code = codes['bd:HTTT01:online:submitted']
    page.goto(BD + '/ho-so/%s/@@chi-tiet' % code)
    page.locator('#actions a', has_text='Hỗ trợ').click()
    page.wait_for_url('**/@@ho-tro')
    form_url = page.url
    photograph(page, shots, 'ho-tro')

    page.locator('input[type=radio][value=valid]').check()
    page.locator('textarea[name=message]').fill(
        'Mời Ông/Bà mang bản gốc đơn và giấy tờ tùy thân.')
    day = (vntime.today() + datetime.timedelta(days=7)).strftime('%d/%m/%Y')
    page.locator('input[name=date]').fill(day)
    page.locator('input[name=place]').fill('Phòng tiếp dân, 12 Đội Cấn')

    # Xuất phiếu: the notice is downloaded; the form stays as it was
    with page.expect_download() as caught:
        page.locator('button[name=preview]').click()
    download = caught.value
    assert download.suggested_filename == 'phieu-du-thao-%s.pdf' % code
    assert open(download.path(), 'rb').read(5) == b'%PDF-'
    assert page.url == form_url
    assert page.locator('textarea[name=message]').input_value() == \
        'Mời Ông/Bà mang bản gốc đơn và giấy tờ tùy thân.'
    assert page.locator('input[name=date]').input_value() == day
    assert page.locator('input[type=radio][value=valid]').is_checked()

    # Gửi, from the same form
    page.locator('button[name=send]').click()
    page.wait_for_url('**/@@chi-tiet')
    assert page.locator('#state').inner_text().strip() == \
        'Hợp lệ, chờ nhận hồ sơ gốc'
    assert 'Phòng tiếp dân, 12 Đội Cấn' in page.locator(
        '#timeline').inner_text()
    assert page.locator('#timeline .notice-link').count() == 1
