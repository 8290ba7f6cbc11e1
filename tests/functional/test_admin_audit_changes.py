"""Issue 15's acceptance across its parts: the administrative changes of
the users screen and of the period lock are found on the audit screen
(Nhật ký hệ thống) with their values before and after."""
from .test_admin_audit import BA_DINH, HANOI, search
from .test_admin_periods import (  # noqa: F401 (fixtures)
    SUBMITTED, agency_code, app, browser, clock, dossier_of, fill_accept,
    grant, path, vn)
from .test_admin_users import USER

from ..conftest import flash_text, login

TC = '/manage/thads'


def test_a_role_change_is_found_with_before_and_after(living_app):
    login(living_app, 'quantri.hn')
    form = living_app.get(USER % ('chuyenvien.bd', 'vai-tro')).forms['deform']
    for field in form.fields['checkbox']:
        field.checked = field._value in ('specialist', 'officer')
    page = form.submit('save').follow()
    assert 'Đã cập nhật vai trò của chuyenvien.bd' in flash_text(page)
    rows, total, _page = search(living_app, HANOI, hanh_dong='user.roles',
                                nguoi_dung='quantri.hn')
    assert total == 1, rows
    assert 'chuyenvien.bd' in rows[0]['Đối tượng']
    details = rows[0]['Chi tiết']
    assert 'specialist' in details and 'officer' in details
    assert details.index('specialist') < details.index('officer'), details
    # the Chi cục's own administrator reads its subtree: the entry is there
    # too; another Cục's administrator does not see it
    hai_phong = '/manage/thads/cuc-thads-hai-phong'
    login(living_app, 'quantri.tc')
    rows, total, _page = search(living_app, TC, hanh_dong='user.roles')
    assert total == 1
    assert living_app.get(hai_phong + '/@@nhat-ky', status=200)
    rows, total, _page = search(living_app, hai_phong,
                                hanh_dong='user.roles')
    assert total == 0


def test_a_grant_and_the_change_under_it_are_in_the_trail(app, clock):
    grant(app, agency_code(app, 'bd')).follow()
    officer = browser(app, 'hotro.bd')
    form = fill_accept(officer.get(path(app, SUBMITTED, 'ho-tro')).forms[
        'deform'])
    form.submit('send').follow()
    code = dossier_of(app, SUBMITTED)['code']
    assert dossier_of(app, SUBMITTED)['state'] == 'accepted'
    admin = browser(app, 'quantri.tc')
    rows, total, _page = search(admin, TC, hanh_dong='period.grant',
                                tu_ngay='20/04/2026', den_ngay='20/04/2026')
    assert total == 1 and 'quantri.tc' == rows[0]['Người dùng'], rows
    assert '123/CTHADS-VP' in rows[0]['Chi tiết']
    rows, total, _page = search(admin, TC, hanh_dong='period.change',
                                ma=code, tu_ngay='20/04/2026',
                                den_ngay='20/04/2026')
    assert total == 1 and rows[0]['Người dùng'] == 'hotro.bd', rows
    assert code in rows[0]['Đối tượng']
