"""The users list (@@nguoi-dung) and "Thêm" (add a user) work for an
agency whose subtree holds dossiers: the ``agency`` index holds dossiers
too, and the list asks it for users only (it answered 500,
'PetitionDossier' object has no attribute 'roles')."""
import re

from ..conftest import flash_text, login

BA_DINH = '/manage/thads/cuc-thads-ha-noi/chi-cuc-thads-ba-dinh'
HN = '/manage/thads/cuc-thads-ha-noi'

BD_LOGINS = {'hotro.bd', 'chuyenvien.bd', 'lanhdao.bd', 'khieunai.bd',
             'quantri.bd', 'bientap.bd', 'baocao.bd', 'theodoi.bd'}


def rows(page):
    """(login, agency) of each row of the list."""
    result = []
    for tr in page.html.select('#users tbody tr'):
        cells = [re.sub(r'\s+', ' ', td.get_text()).strip()
                 for td in tr.find_all('td')]
        link = tr.find('a')['href']
        assert link.startswith('/manage/principals/users/'), link
        result.append((cells[1], cells[3]))
    return result


def total(page):
    text = re.sub(r'\s+', ' ', page.html.get_text())
    return re.search(r'Tổng số: (\d+)', text).group(1)


def test_users_list_of_an_agency_with_dossiers(living_app):
    login(living_app, 'quantri.bd')
    page = living_app.get(BA_DINH + '/@@nguoi-dung')
    found = rows(page)
    assert {name for name, _agency in found} == BD_LOGINS
    assert {agency for _name, agency in found} == {
        'Chi cục Thi hành án dân sự quận Ba Đình'}
    assert total(page) == '8'


def test_users_list_of_a_subtree_with_dossiers(living_app):
    login(living_app, 'quantri.hn')
    page = living_app.get(HN + '/@@nguoi-dung')
    names = {name for name, _agency in rows(page)}
    # Hà Nội's, Ba Đình's and the demo staff of Hoàn Kiếm: users only
    assert total(page) == '18'
    assert BD_LOGINS < names
    assert {'quantri.hn', 'hotro.002', 'lanhdao.002'} < names
    # searched by name, still users only
    page = living_app.get(HN + '/@@nguoi-dung', params={'q': 'hotro'})
    assert total(page) == '3'


def test_add_user_then_the_list(living_app):
    login(living_app, 'quantri.bd')
    page = living_app.get(BA_DINH + '/@@them-nguoi-dung')
    form = page.forms['deform']
    form['name'] = 'thanh.nv'
    form['full_name'] = 'Nguyễn Văn Thành'
    form['email'] = 'thanh.nv@example.invalid'
    form['password'] = form['password-confirm'] = 'Khoi@tao2026'
    form.set('checkbox', True, index=1)  # specialist
    page = form.submit('add').follow()
    assert page.request.path == BA_DINH + '/@@nguoi-dung'
    assert 'thanh.nv' in flash_text(page)
    assert ('thanh.nv', 'Chi cục Thi hành án dân sự quận Ba Đình') in \
        rows(page)
    assert total(page) == '9'
