"""The management interface works under its Content-Security-Policy: no
violation is reported, and the widgets that inline scripts initialise
(deform's upload widget, select2, the contents grid) come to life."""
import pytest

from ..conftest import ADMIN_PASSWORD
from .conftest import log_in

BD = '/manage/thads/cuc-thads-ha-noi/chi-cuc-thads-ba-dinh'


@pytest.fixture
def watched(page):
    """The page, and the console errors and script errors it reports."""
    errors = []
    page.on('console', lambda m: m.type == 'error' and errors.append(
        '%s (%s, %s)' % (m.text, page.url, m.location.get('url'))))
    page.on('pageerror', lambda e: errors.append(str(e)))
    # the document's own report of refused content, whatever the console
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', function (e) {"
        "  console.error('Content Security Policy: ' + e.violatedDirective"
        "    + ' ' + e.blockedURI); });")
    return page, errors


def goto(page, path):
    """Open a management page, which must be under a nonce policy."""
    response = page.goto(path)
    policy = response.headers.get('content-security-policy', '')
    assert "script-src 'self' 'nonce-" in policy, policy
    assert 'unsafe-inline' not in policy.split('script-src')[1].split(';')[0]
    return response


def csp_errors(errors):
    return [e for e in errors if 'Content Security Policy' in e
            or 'Content-Security-Policy' in e]


def test_officer_screens_under_the_policy(watched):
    page, errors = watched
    log_in(page, 'hotro.bd')
    page.wait_for_url('**/@@ban-lam-viec')
    assert page.locator('h1').inner_text().strip() == 'Bàn làm việc'
    goto(page, BD + '/@@tiep-nhan-truc-tiep?thu-tuc=HTTT01')
    # deform.addCallback (an inline script with the nonce) ran the upload
    # widget's plugin, which wraps each file input in its own button
    upload = page.locator('.input-group input[type=file]')
    assert upload.count() >= 1
    assert page.locator('input.upload-filename').count() == upload.count()
    # the user menu (bootstrap, from a file) still opens
    page.locator('.httttha-user button.dropdown-toggle').click()
    assert page.locator('.httttha-user .dropdown-menu').is_visible()
    assert csp_errors(errors) == [], errors
    assert errors == []


def test_agency_admin_adds_a_user_under_the_policy(watched):
    page, errors = watched
    log_in(page, 'quantri.bd')
    goto(page, BD + '/@@them-nguoi-dung')
    passwords = page.locator('input[type=password]')
    assert passwords.count() == 2  # the checked password widget
    page.locator('input[name=name]').fill('csp.thu')
    passwords.nth(0).fill('Khoi@tao2026')
    passwords.nth(1).fill('Khac@hoan2026')
    page.locator('button[name=add]').click()
    page.wait_for_load_state()
    # the checked password widget compared the two and said so
    assert page.locator('input[name=name]').input_value() == 'csp.thu'
    assert page.locator('.has-error').count() >= 1
    assert csp_errors(errors) == [], errors


def test_admin_contents_grid_and_acl_under_the_policy(watched):
    page, errors = watched
    log_in(page, 'admin', ADMIN_PASSWORD)
    goto(page, '/manage/principals/users/@@contents')
    # the grid (configured by an inline script with the nonce) loaded rows
    rows = page.locator('.slick-row')
    rows.first.wait_for()
    assert 'hotro.bd' in page.locator('.slick-viewport').inner_text() or \
        rows.count() >= 5
    goto(page, '/manage/@@acl_edit')
    # select2, started by the page's nonced inline script
    page.locator('.select2-container').first.wait_for()
    assert csp_errors(errors) == [], errors


def test_statistics_charts_draw_under_both_policies(watched):
    """The charts are inline SVG styled from our own stylesheet: on the
    public page (no inline style allowed) and the staff page alike they
    draw coloured bars, and no content is refused."""
    page, errors = watched
    for path in ('/thong-ke', '/manage/thads/@@thong-ke'):
        if path.startswith('/manage'):
            log_in(page, 'theodoi.tc')
        page.goto(path)
        bar = page.locator('#charts figure svg rect.rect').first
        assert bar.count() == 1
        # charts.css applied: a bar is filled with a colour, not black
        fill = bar.evaluate('e => getComputedStyle(e).fill')
        assert fill not in ('rgb(0, 0, 0)', '', 'none'), (path, fill)
        assert page.locator('#charts figure').count() >= 3
    assert csp_errors(errors) == [], errors
    assert errors == []
