"""axe-core (WCAG 2.1 A and AA rules) on the pages a citizen and each kind of
staff member walk through, on the living demo data: no serious or critical
violation anywhere; and the lookup results and the wizard's preview fit a
375 px phone and a desktop."""
import contextlib
import functools

import pytest

from httttha.services.demo import DEMO_PASSWORD

from ..conftest import ADMIN_PASSWORD, open_template_root
from ..functional.submission import VALUES
from .axe import Audit
from .conftest import log_in

BD = '/manage/thads/cuc-thads-ha-noi/chi-cuc-thads-ba-dinh'
HN = '/manage/thads/cuc-thads-ha-noi'
TC = '/manage/thads'
BA_DINH_CODE = '001'  # the agency code the public forms send


@pytest.fixture(scope='module')
def facts(living_db):
    """What the walks need from the demo data: dossier codes, the ID number
    that opens one, the management paths of a few dossiers."""
    from pyramid.traversal import resource_path
    from httttha.services.demo import demo_dossiers
    from httttha.services.intake.lookup import dossier_by_code
    root, closer = open_template_root(living_db)
    try:
        made = demo_dossiers(root)

        def path(key):
            return '/manage' + resource_path(dossier_by_code(root, made[key]))
        done = dossier_by_code(root, made['bd:HTTT01:online:completed'])
        asked = dossier_by_code(root,
                                made['bd:HTTT01:online:needs_supplement'])
        return {
            'code': done.code,
            'id_number': done.declared['applicant']['id_number'],
            'asked': asked.code,
            'asked_id_number': asked.declared['applicant']['id_number'],
            'bd_done': path('bd:HTTT01:online:completed'),
            'bd_new': path('bd:HTTT01:online:submitted'),
            'hn_done': path('hn:HTTT03:online:completed'),
            'hn_approval': path('hn:HTTT02:online:awaiting_approval'),
        }
    finally:
        closer()


@pytest.fixture(scope='module')
def living_server(living_db, tmp_path_factory):
    """The app on a copy of the living database, without CAPTCHA so that
    the wizard reaches its preview."""
    from . import conftest
    no_captcha = functools.partial(conftest.make_settings,
                                   **{'httttha.captcha': 'false'})
    with contextlib.ExitStack() as stack:
        # serve() reads the settings once, as the app starts
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        patch.setattr(conftest, 'make_settings', no_captcha)
        url = stack.enter_context(
            conftest.serve(living_db, tmp_path_factory.mktemp('a11y')))
        patch.undo()
        yield url


@pytest.fixture
def living_page(browser, living_server):
    context = browser.new_context(base_url=living_server, locale='vi-VN',
                                  viewport={'width': 1280, 'height': 900})
    context.set_default_timeout(10000)
    yield context.new_page()
    context.close()


#: an HTTT01 request as a citizen fills it (no file), by deform path, with
#: a long content (the preview must give it room)
REQUEST = dict(
    VALUES['HTTT01'], declaration=True,
    content='Buộc ông Trần Văn Bình trả 150.000.000 đồng tiền vay và lãi '
            'chậm trả theo bản án số 12/2024/DS-ST của Tòa án nhân dân '
            'quận Ba Đình.')

#: fills deform's form by path (its names repeat: ``applicant.address``
#: and ``creditor.address`` are both named "address")
FILL = """values => {
  const stack = [];
  for (const el of document.forms.application.elements) {
    if (el.name === '__start__') { stack.push(el.value.split(':')[0]); }
    else if (el.name === '__end__') { stack.pop(); }
    else if (el.type === 'radio') {
      el.checked = values[stack.join('.')] === el.value;
    } else if (el.type === 'checkbox') {
      el.checked = values[[...stack, el.name].join('.')] === true;
    } else if ([...stack, el.name].join('.') in values) {
      el.value = values[[...stack, el.name].join('.')];
    }
  }
}"""


def open_preview(page):
    """The HTTT01 wizard filled in and sent to its preview step."""
    page.goto('/ke-khai?co-quan=%s&thu-tuc=HTTT01' % BA_DINH_CODE)
    page.evaluate(FILL, REQUEST)
    page.locator('button[name=continue]').click()
    page.wait_for_load_state()
    assert page.locator('.error-msg').all_inner_texts() == []
    assert 'Buộc ông Trần Văn Bình' in page.locator('main').inner_text()


def open_dossier(page, code, id_number):
    """A citizen's dossier page, opened with the ID number declared."""
    page.goto('/ho-so/%s' % code)
    page.fill('[name=so-giay-to]', id_number)
    page.locator('#check-form [type=submit]').click()
    page.wait_for_load_state()
    assert page.locator('#check-form').count() == 0  # let in


def test_citizen_pages(living_page, facts):
    page = living_page
    audit = Audit(page)
    audit.visit('/', 'Trang chủ')
    audit.visit('/ho-tro-truc-tuyen', 'Hỗ trợ trực tuyến: chọn cơ quan')
    audit.visit('/ho-tro-truc-tuyen?co-quan=%s' % BA_DINH_CODE,
                'Hỗ trợ trực tuyến: chọn thủ tục')
    for procedure in ('HTTT01', 'HTTT02', 'HTTT03'):
        audit.visit('/ke-khai?co-quan=%s&thu-tuc=%s'
                    % (BA_DINH_CODE, procedure), 'Tờ khai ' + procedure)
        page.locator('button[name=continue]').click()
        page.wait_for_load_state()
        assert page.locator('.error-msg').count() > 0  # told what is wrong
        audit.check('Tờ khai %s, thiếu thông tin' % procedure)
    open_preview(page)
    audit.check('Tờ khai HTTT01: xem lại trước khi gửi')
    audit.visit('/tra-cuu', 'Tra cứu')
    audit.visit('/tra-cuu?ma=%s&don-vi=%s' % (facts['code'], BA_DINH_CODE),
                'Tra cứu: kết quả')
    assert page.locator('#results a.code').count() == 1
    audit.visit('/ho-so/%s' % facts['code'], 'Hồ sơ: nhập số giấy tờ')
    open_dossier(page, facts['code'], facts['id_number'])
    audit.check('Hồ sơ của công dân')
    open_dossier(page, facts['asked'], facts['asked_id_number'])
    audit.visit('/bo-sung-ho-so/%s' % facts['asked'], 'Bổ sung hồ sơ')
    assert page.locator('h1').inner_text() == 'Bổ sung hồ sơ ' + \
        facts['asked']
    assert page.locator('input[type=file]').count() >= 1  # its form
    audit.visit('/danh-gia/ho-so/%s' % facts['code'], 'Đánh giá hồ sơ')
    audit.visit('/danh-gia', 'Đánh giá')
    audit.visit('/huong-dan', 'Hướng dẫn')
    audit.visit('/thong-ke', 'Thống kê')
    audit.visit('/co-quan-thads', 'Cơ quan THADS')
    audit.visit('/thads/cuc-thads-ha-noi/chi-cuc-thads-ba-dinh/',
                'Trang của Chi cục')
    audit.visit('/ho-so-da-co-ket-qua', 'Hồ sơ đã có kết quả')
    assert audit.found == [], '\n' + audit.report()


def test_staff_login_page(living_page):
    audit = Audit(living_page)
    audit.visit('/manage/@@login', 'Đăng nhập')
    living_page.fill('input[name=login]', 'hotro.bd')
    living_page.fill('input[name=password]', 'sai-mat-khau')
    living_page.click('[name="form.submitted"]')
    living_page.wait_for_load_state()
    audit.check('Đăng nhập sai')
    assert audit.found == [], '\n' + audit.report()


#: login -> the pages visited besides the landing page and its tabs:
#: paths (``{name}`` from ``facts``) and (page, link selector) to follow
WALKS = {
    # a Chi cục officer
    'hotro.bd': [BD + '/@@ban-lam-viec', '{bd_done}/@@chi-tiet',
                 '{bd_new}/@@ho-tro', BD + '/@@tiep-nhan-truc-tiep'
                 '?thu-tuc=HTTT01'],
    # a Cục leader
    'lanhdao.hn': [HN + '/@@ban-lam-viec', '{hn_done}/@@chi-tiet',
                   '{hn_approval}/@@phe-duyet', HN + '/@@thong-ke'],
    # the Tổng cục's administrator
    'quantri.tc': [TC + '/@@nguoi-dung', TC + '/@@co-cau-to-chuc',
                   TC + '/@@nhat-ky', TC + '/@@danh-muc',
                   TC + '/@@thong-ke', TC + '/@@ket-qua-khao-sat',
                   TC + '/@@khao-sat', TC + '/@@lich-lam-viec',
                   (TC + '/@@danh-muc', 'a[href*="@@danh-sach"]'),
                   (TC + '/@@nguoi-dung', 'a[href*="@@sua-nguoi-dung"]')],
    # a Cục administrator
    'quantri.hn': [HN + '/@@nguoi-dung', HN + '/@@them-nguoi-dung',
                   HN + '/@@co-cau-to-chuc', HN + '/@@nhat-ky'],
    # a web editor
    'bientap.hn': [HN + '/@@huong-dan', HN + '/@@them-huong-dan',
                   HN + '/@@them-hoi-dap'],
    # a report administrator
    'baocao.hn': [HN + '/@@quan-tri-bao-cao', HN + '/@@them-bao-cao',
                  (HN + '/@@quan-tri-bao-cao', 'a[href*="@@xem-bao-cao"]')],
    # the site administrator, in Substance D's own screens
    'admin': ['/manage/principals/users/@@contents', '/manage/@@acl_edit',
              '/manage/@@database'],
}


@pytest.mark.parametrize('login', sorted(WALKS))
def test_staff_pages(living_page, facts, login):
    page = living_page
    audit = Audit(page)
    log_in(page, login, ADMIN_PASSWORD if login == 'admin' else DEMO_PASSWORD)
    page.goto('/httt')
    audit.check('%s: trang đầu (%s)' % (login, page.url.split('/manage')[1]))
    # the management tabs (the workspace's queues are more tabs below)
    tabs = page.locator('.nav-tabs').first.locator('a').evaluate_all(
        'links => links.map(a => a.getAttribute("href"))')
    menu = page.locator('.httttha-user .dropdown-menu a').evaluate_all(
        'links => links.map(a => a.getAttribute("href"))')
    visited = {page.url, '/manage/@@httt'}
    for step in tabs + menu + WALKS[login]:
        if isinstance(step, tuple):
            page.goto(step[0])
            step = page.locator(step[1]).first.get_attribute('href')
        url = step.format(**facts)
        if url in visited:
            continue
        visited.add(url)
        audit.visit(url, '%s: %s' % (login, url.split('/manage')[-1]))
    assert len(audit.seen) >= 4, audit.seen
    assert audit.found == [], '\n' + audit.report()


def scroll_width(page):
    """[the document's width, the window's]: equal when nothing scrolls
    sideways."""
    return page.evaluate('[document.documentElement.scrollWidth, '
                         'window.innerWidth]')


def label_of(cell):
    """The header a stacked cell shows before its value (None if none)."""
    content = cell.evaluate('td => getComputedStyle(td, "::before").content')
    return content[1:-1] if content.startswith('"') else None


def test_lookup_results_and_preview_fit_a_phone_and_a_desktop(
        living_page, facts, screenshot_dir):
    page = living_page
    lookup = '/tra-cuu?ma=%s&don-vi=%s' % (facts['code'], BA_DINH_CODE)
    page.set_viewport_size({'width': 375, 'height': 800})
    page.goto(lookup)
    page.screenshot(path=str(screenshot_dir / 'lookup-results-phone.png'),
                    full_page=True)
    width, window = scroll_width(page)
    assert width <= window == 375
    # every cell on the screen, shown with its header: "Trạng thái" beside
    # the state
    state = page.locator('#results td.state')
    assert label_of(state) == 'Trạng thái'
    assert state.inner_text() == 'Đã trả kết quả'
    for cell in page.locator('#results td').all():
        box = cell.bounding_box()
        assert box['x'] >= 0 and box['x'] + box['width'] <= 375, box
    # on a desktop, a table under its headers
    page.set_viewport_size({'width': 1280, 'height': 800})
    header = page.locator('#results th', has_text='Trạng thái')
    assert header.is_visible()
    assert label_of(state) is None

    open_preview(page)
    request = page.locator(
        '.rows dt:text-is("Yêu cầu thi hành án các nội dung") + dd')
    paper = page.locator('.paper').bounding_box()
    # the request's content takes most of the sheet, not a narrow column
    # beside the long label of the next row
    assert request.bounding_box()['width'] > paper['width'] / 2
    page.screenshot(path=str(screenshot_dir / 'preview-desktop.png'),
                    full_page=True)
    page.set_viewport_size({'width': 375, 'height': 800})
    page.screenshot(path=str(screenshot_dir / 'preview-phone.png'),
                    full_page=True)
    width, window = scroll_width(page)
    assert width <= window == 375
    assert request.bounding_box()['width'] > page.locator(
        '.paper').bounding_box()['width'] / 2
