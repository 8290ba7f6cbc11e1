"""What a person sees in a real browser: the portal, the agency tree, a
phone-sized screen, staff login and logout, keyboard access."""
import re

from playwright.sync_api import expect

from httttha.services.demo import DEMO_PASSWORD

APP_NAME = 'Hỗ trợ trực tuyến thi hành án dân sự'
HA_NOI = 'Cục Thi hành án dân sự thành phố Hà Nội'
BA_DINH = 'Chi cục Thi hành án dân sự quận Ba Đình'


def test_home_to_agency_list_to_chi_cuc(page, screenshot_dir):
    page.goto('/')
    assert page.locator('.brand-name').inner_text().lower() == \
        APP_NAME.lower()  # shown upper-case by the stylesheet
    assert page.locator('h1').inner_text() == APP_NAME
    page.screenshot(path=str(screenshot_dir / 'home.png'), full_page=True)
    page.locator('#menu').get_by_role('link', name='Cơ quan THADS').click()
    page.wait_for_url('**/co-quan-thads')
    assert '63 Cục' in page.locator('#agency-count').inner_text()
    cuc = page.locator('#agency-tree > li').filter(
        has=page.get_by_role('link', name=HA_NOI, exact=True))
    chi_cuc = cuc.get_by_role('link', name=BA_DINH, exact=True)
    assert not chi_cuc.is_visible()  # collapsed until asked for
    assert cuc.locator('summary').inner_text() == '30 Chi cục'
    cuc.locator('summary').click()
    assert chi_cuc.is_visible()
    chi_cuc.click()
    page.wait_for_url('**/thads/cuc-thads-ha-noi/chi-cuc-thads-ba-dinh/')
    assert page.locator('h1').inner_text() == BA_DINH
    details = page.locator('#agency-details')
    assert details.is_visible()
    assert 'Mã đơn vị' in details.inner_text()
    assert 'Chi cục THADS Q. Ba Đình' in details.inner_text()


def test_phone_width_has_no_horizontal_scroll(context, screenshot_dir):
    page = context.new_page()
    page.set_viewport_size({'width': 375, 'height': 800})
    page.goto('/')
    page.screenshot(path=str(screenshot_dir / 'home-phone.png'),
                    full_page=True)
    widths = page.evaluate('[document.documentElement.scrollWidth, '
                           'window.innerWidth]')
    assert widths[0] <= widths[1], widths
    menu = page.locator('#menu')
    assert menu.is_visible()
    link = menu.get_by_role('link', name='Cơ quan THADS')
    assert link.is_visible()
    box = link.bounding_box()
    assert box['x'] >= 0 and box['x'] + box['width'] <= 375


def test_staff_login_workspace_and_logout(page, screenshot_dir):
    page.goto('/httt')
    page.fill('input[name=login]', 'hotro.bd')
    page.fill('input[name=password]', DEMO_PASSWORD)
    page.click('[name="form.submitted"]')
    page.wait_for_url('**/manage/thads/cuc-thads-ha-noi/'
                      'chi-cuc-thads-ba-dinh/@@ban-lam-viec')
    assert page.locator('h1').inner_text().strip() == 'Bàn làm việc'
    assert page.locator('#unit-name').inner_text().strip() == BA_DINH
    user_button = page.locator('.httttha-user button.dropdown-toggle')
    assert BA_DINH in user_button.inner_text()
    page.screenshot(path=str(screenshot_dir / 'workspace.png'),
                    full_page=True)
    user_button.click()
    # issue 13: logging out is a POST (a button of a form with the token)
    logout = page.locator('.httttha-user button', has_text='Đăng xuất')
    expect(logout).to_be_visible()  # the dropdown opened
    logout.click()
    # wait for the logout to land before going on, or goto would cancel it
    page.wait_for_url(re.compile(r'/manage/$'))
    page.goto('/httt')
    assert re.search(r'/manage/@@login$', page.url), page.url
    assert page.locator('input[name=login]').is_visible()
    assert page.locator('.httttha-user').count() == 0


def test_first_tab_focuses_skip_link(page):
    page.goto('/')
    page.keyboard.press('Tab')
    focused = page.evaluate('[document.activeElement.textContent.trim(), '
                            'document.activeElement.getAttribute("href")]')
    assert focused == ['Bỏ qua, đến nội dung chính', '#main']
    # and it is shown on screen once focused
    box = page.locator('a.skip').bounding_box()
    assert box['x'] >= 0


def test_quick_lookup_with_the_searchable_agency_list(page, screenshot_dir):
    page.goto('/')
    page.locator('#lookup-form .select-search').fill('ba dinh')                      # accent-insensitive
    shown = page.evaluate(
        'Array.from(document.querySelectorAll("#lookup-agency option"))'
        '.filter(o => !o.hidden && o.value).map(o => o.textContent)')
    assert shown == [BA_DINH]
    page.select_option('#lookup-agency', label=BA_DINH)
    page.fill('#lookup-code', 'K7Q-4M2-XD9')
    page.click('#lookup-button')
    page.wait_for_url('**/tra-cuu?*')
    assert 'Không tìm thấy hồ sơ nào' in page.locator('#results').inner_text()
    # the form keeps what was asked
    assert page.input_value('#lookup-code') == 'K7Q-4M2-XD9'
    assert page.locator('#lookup-agency option:checked').inner_text() == \
        BA_DINH
    page.screenshot(path=str(screenshot_dir / 'lookup.png'), full_page=True)
