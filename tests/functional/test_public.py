"""The citizen portal's base layout and agency pages (A1 base, A4)."""
from ..conftest import ADMIN_PASSWORD, login, logout


def test_home_is_vietnamese_with_menu_and_footer(app):
    page = app.get('/')
    html = page.html
    assert html.find('html')['lang'] == 'vi'
    assert 'Hỗ trợ trực tuyến thi hành án dân sự' in html.find(
        class_='brand-name').get_text()
    menu = [a.get_text().strip() for a in html.select('#menu a')]
    # only pages that exist are in the menu
    assert menu == ['Trang chủ', 'Hỗ trợ trực tuyến', 'Tra cứu hồ sơ',
                    'Hướng dẫn', 'Thống kê', 'Cơ quan THADS', 'Đánh giá',
                    'Hồ sơ đã có kết quả']
    assert html.select_one('#support-email').get_text() == \
        'hotro.thads@moj.gov.vn'
    assert page.headers['X-Content-Type-Options'] == 'nosniff'


def test_agency_list_has_63_cuc_and_real_chi_cuc(app):
    page = app.get('/co-quan-thads')
    tree = page.html.select_one('#agency-tree')
    cucs = tree.find_all('li', recursive=False)
    assert len(cucs) == 63
    titles = [li.find('a', recursive=False).get_text() for li in cucs]
    for title in ('Cục Thi hành án dân sự thành phố Hà Nội',
                  'Cục Thi hành án dân sự Thành phố Hồ Chí Minh',
                  'Cục Thi hành án dân sự tỉnh Bắc Kạn',
                  'Cục Thi hành án dân sự tỉnh Gia Lai',
                  'Cục Thi hành án dân sự tỉnh Trà Vinh',
                  'Cục Thi hành án dân sự tỉnh Hậu Giang'):
        assert title in titles
    chi_cuc = [a.get_text() for a in tree.select('details ul a')]
    assert len(chi_cuc) == 692
    assert 'Chi cục Thi hành án dân sự quận Ba Đình' in chi_cuc
    assert 'Chi cục Thi hành án dân sự huyện Côn Đảo' in chi_cuc


def test_agency_page_shows_details_and_sub_agencies(app):
    page = app.get('/co-quan-thads')
    link = page.html.find('a', string='Cục Thi hành án dân sự thành phố '
                          'Hà Nội')
    page = app.get(link['href'])
    assert page.html.find('h1').get_text() == \
        'Cục Thi hành án dân sự thành phố Hà Nội'
    details = page.html.select_one('#agency-details').get_text()
    assert 'Mã đơn vị' in details and '01' in details
    subs = [a.get_text() for a in page.html.select('#sub-agencies a')]
    assert len(subs) == 30
    assert 'Chi cục Thi hành án dân sự quận Ba Đình' in subs
    page = app.get('/thads/cuc-thads-ha-noi/chi-cuc-thads-ba-dinh/')
    crumbs = page.html.select_one('.crumbs').get_text()
    assert 'Cục Thi hành án dân sự thành phố Hà Nội' in crumbs
    assert page.html.select_one('#sub-agencies') is None


def test_dossier_folder_is_not_public(app):
    app.get('/thads/cuc-thads-ha-noi/ho-so/', status=404)
    page = app.get('/manage/thads/cuc-thads-ha-noi/ho-so/@@contents',
                   status=403)
    assert page.html.find('input', {'name': 'login'}) is not None


def test_footer_contacts_are_edited_in_the_sdi(app):
    login(app, 'admin', ADMIN_PASSWORD)
    page = app.get('/manage/@@properties/Contact information')
    form = page.forms['deform']
    form['support_phone'] = 'không phải số'
    page = form.submit('save')
    assert 'Số điện thoại không hợp lệ' in page.text
    form = page.forms['deform']
    assert form['support_address'].value == '60 Trần Phú, Ba Đình, Hà Nội'
    form['support_phone'] = '1900 1234'
    form['support_address'] = '58-60 Trần Phú, Hà Nội'
    form.submit('save')
    page = app.get('/')
    assert page.html.select_one('#support-phone').get_text() == '1900 1234'
    assert page.html.select_one('#support-address').get_text() == \
        '58-60 Trần Phú, Hà Nội'


def test_general_department_admin_edits_contacts_officer_cannot(app):
    login(app, 'hotro.tc')
    app.get('/manage/@@properties/Contact information', status=403)
    logout(app)
    login(app, 'quantri.tc')
    page = app.get('/manage/@@properties/Contact information')
    assert page.forms['deform']['support_email'].value == \
        'hotro.thads@moj.gov.vn'
