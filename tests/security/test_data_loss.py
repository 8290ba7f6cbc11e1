"""SPEC C1: an agency with dossiers, users or sub-agencies cannot be
deleted, from any view (the generic contents view included) or from
code; a move or a rename is not a deletion; deleting in the SDI asks for
confirmation first."""
import re

import pytest
import transaction

from httttha.services.administration.removal import RemovalRefused

from ..conftest import ADMIN_PASSWORD, flash_text, login, open_root
from ..functional.submission import submit_dossier

HN = '/manage/thads/cuc-thads-ha-noi'


@pytest.fixture
def app(app_factory):
    return app_factory(**{'httttha.captcha': 'false'})


def _text(element):
    return re.sub(r'\s+', ' ', element.get_text()).strip()


def _csrf(page):
    return page.html.find('input', attrs={'name': 'csrf_token'})['value']


def ask_delete(app, folder, *names):
    """What the contents view's "Delete" button sends (with or without
    JavaScript: the grid fills ``item-modify`` and submits the form)."""
    page = app.get(folder + '/@@contents')
    return app.post(folder + '/@@contents', {
        'csrf_token': _csrf(page), 'item-modify': '/'.join(names),
        'form.delete': 'delete'})


def confirm(app, page):
    form = page.forms['confirm-delete']
    return form.submit('form.delete_confirmed').follow()


def exists(app, *path):
    root, closer = open_root(app)
    try:
        here = root
        for name in path:
            here = here.get(name)
            if here is None:
                return False
        return True
    finally:
        transaction.abort()
        closer()


def test_agency_with_users_and_children_is_not_deleted_from_contents(app):
    code = submit_dossier(app, 'HTTT01')       # at Ba Đình
    login(app, 'admin', ADMIN_PASSWORD)
    page = ask_delete(app, '/manage/thads', 'cuc-thads-ha-noi')
    # the confirmation shows why, and offers no way to go on
    assert page.status_int == 200
    reason = _text(page.html.select_one('#to-delete td.refused'))
    assert reason.startswith(
        'Không thể xóa "Cục Thi hành án dân sự thành phố Hà Nội": '
        'cơ quan còn 30 đơn vị trực thuộc, ')
    assert '1 hồ sơ' in reason
    assert page.html.select_one('#delete-confirmed') is None
    assert exists(app, 'thads', 'cuc-thads-ha-noi')
    # a forged confirmation is refused the same way, with the reason
    done = app.post('/manage/thads/@@contents', {
        'csrf_token': _csrf(page), 'item-modify': 'cuc-thads-ha-noi',
        'form.delete_confirmed': 'delete'}).follow()
    assert 'Không thể xóa "Cục Thi hành án dân sự thành phố Hà Nội"' in \
        flash_text(done)
    assert exists(app, 'thads', 'cuc-thads-ha-noi', 'chi-cuc-thads-ba-dinh',
                  'ho-so', code)
    # and the users of Ba Đình still work
    app.reset()
    page = login(app, 'hotro.bd').maybe_follow()
    assert page.request.path == HN + '/chi-cuc-thads-ba-dinh/@@ban-lam-viec'
    assert 'Bàn làm việc' in page.text


def test_agency_with_only_a_dossier_is_not_deleted(app):
    code = submit_dossier(app, 'HTTT01', agency='002')     # Hoàn Kiếm
    login(app, 'admin', ADMIN_PASSWORD)
    page = ask_delete(app, HN, 'chi-cuc-thads-hoan-kiem')
    assert _text(page.html.select_one('#to-delete td.refused')) == (
        'Không thể xóa "Chi cục Thi hành án dân sự quận Hoàn Kiếm": cơ '
        'quan còn 0 đơn vị trực thuộc, 0 người dùng và 1 hồ sơ. Hãy chuyển '
        'hoặc xóa chúng trước.')
    done = app.post(HN + '/@@contents', {
        'csrf_token': _csrf(page), 'item-modify': 'chi-cuc-thads-hoan-kiem',
        'form.delete_confirmed': 'delete'}).follow()
    assert 'còn 0 đơn vị trực thuộc, 0 người dùng và 1 hồ sơ' in \
        flash_text(done)
    assert exists(app, 'thads', 'cuc-thads-ha-noi', 'chi-cuc-thads-hoan-kiem',
                  'ho-so', code)


def test_one_refused_item_deletes_nothing(app):
    login(app, 'admin', ADMIN_PASSWORD)
    page = ask_delete(app, HN, 'chi-cuc-thads-tay-ho',
                      'chi-cuc-thads-ba-dinh')
    rows = page.html.select('#to-delete tbody tr')
    assert [_text(r.find_all('td')[1]) for r in rows] == [
        'chi-cuc-thads-tay-ho', 'chi-cuc-thads-ba-dinh']
    assert _text(rows[0].find_all('td')[2]) == 'Có'
    assert '8 người dùng' in _text(rows[1].find_all('td')[2])
    assert page.html.select_one('#delete-confirmed') is None
    done = app.post(HN + '/@@contents', {
        'csrf_token': _csrf(page),
        'item-modify': 'chi-cuc-thads-tay-ho/chi-cuc-thads-ba-dinh',
        'form.delete_confirmed': 'delete'}).follow()
    assert 'Không thể xóa "Chi cục Thi hành án dân sự quận Ba Đình"' in \
        flash_text(done)
    assert exists(app, 'thads', 'cuc-thads-ha-noi', 'chi-cuc-thads-tay-ho')


def test_delete_asks_for_confirmation_then_deletes_an_empty_agency(app):
    login(app, 'admin', ADMIN_PASSWORD)
    page = ask_delete(app, HN, 'chi-cuc-thads-tay-ho')
    # nothing is deleted by the button itself
    assert page.html.h1.get_text().strip() == 'Xóa các mục sau?'
    assert exists(app, 'thads', 'cuc-thads-ha-noi', 'chi-cuc-thads-tay-ho')
    assert _text(page.html.select_one('#delete-confirmed')) == 'Đồng ý xóa'
    assert _text(page.html.select_one('#delete-cancel')) == 'Hủy'
    done = confirm(app, page)
    assert 'Đã xóa 1 mục.' in flash_text(done)
    assert not exists(app, 'thads', 'cuc-thads-ha-noi',
                      'chi-cuc-thads-tay-ho')


def test_confirmation_needs_the_csrf_token(app):
    login(app, 'admin', ADMIN_PASSWORD)
    app.post(HN + '/@@contents', {
        'csrf_token': 'forged', 'item-modify': 'chi-cuc-thads-tay-ho',
        'form.delete_confirmed': 'delete'}, status=(400, 403, 404))
    assert exists(app, 'thads', 'cuc-thads-ha-noi', 'chi-cuc-thads-tay-ho')


def test_dossier_folder_holding_dossiers_is_not_deleted(app):
    submit_dossier(app, 'HTTT01')
    login(app, 'admin', ADMIN_PASSWORD)
    folder = HN + '/chi-cuc-thads-ba-dinh'
    page = app.get(folder + '/@@contents')
    done = app.post(folder + '/@@contents', {
        'csrf_token': _csrf(page), 'item-modify': 'ho-so',
        'form.delete_confirmed': 'delete'}).follow()
    assert 'Không thể xóa thư mục hồ sơ: thư mục còn 1 hồ sơ.' in \
        flash_text(done)
    assert exists(app, 'thads', 'cuc-thads-ha-noi', 'chi-cuc-thads-ba-dinh',
                  'ho-so')


def translate(message):
    from pyramid.i18n import make_localizer
    from pyramid.path import AssetResolver
    directory = AssetResolver().resolve('httttha:locale').abspath()
    return make_localizer('vi', [directory]).translate(message)


def test_refused_from_code(app):
    code = submit_dossier(app, 'HTTT01', agency='002')
    registry = app.app.registry
    root, closer = open_root(app)
    try:
        hanoi = root['thads']['cuc-thads-ha-noi']
        for name, words in (('chi-cuc-thads-ba-dinh', '8 người dùng'),
                            ('chi-cuc-thads-hoan-kiem', '1 hồ sơ')):
            with pytest.raises(RemovalRefused) as refused:
                hanoi.remove(name, registry=registry)
            assert refused.value.resource is hanoi[name]
            assert words in translate(refused.value.message)
        with pytest.raises(RemovalRefused):
            root['thads'].remove('cuc-thads-ha-noi', registry=registry)
        with pytest.raises(RemovalRefused):
            hanoi['chi-cuc-thads-hoan-kiem'].remove('ho-so',
                                                    registry=registry)
        # nor by deleting what it was moved into
        box = registry.content.create('Folder')
        root.add('hop', box, registry=registry)
        hanoi.move('chi-cuc-thads-hoan-kiem', box, registry=registry)
        with pytest.raises(RemovalRefused) as refused:
            root.remove('hop', registry=registry)
        assert '1 hồ sơ' in translate(refused.value.message)
        # an empty agency goes with its folder
        box.move('chi-cuc-thads-hoan-kiem', hanoi, registry=registry)
        hanoi.move('chi-cuc-thads-tay-ho', box, registry=registry)
        root.remove('hop', registry=registry)
        assert 'chi-cuc-thads-tay-ho' not in hanoi
    finally:
        transaction.abort()
        closer()
    assert exists(app, 'thads', 'cuc-thads-ha-noi', 'chi-cuc-thads-hoan-kiem',
                  'ho-so', code)


def test_moved_or_renamed_agency_is_not_refused(app):
    code = submit_dossier(app, 'HTTT01')
    registry = app.app.registry
    root, closer = open_root(app)
    try:
        hanoi = root['thads']['cuc-thads-ha-noi']
        haiphong = root['thads']['cuc-thads-hai-phong']
        hanoi.rename('chi-cuc-thads-ba-dinh', 'chi-cuc-ba-dinh',
                     registry=registry)
        hanoi.move('chi-cuc-ba-dinh', haiphong, registry=registry)
        transaction.commit()
    finally:
        transaction.abort()
        closer()
    assert exists(app, 'thads', 'cuc-thads-hai-phong', 'chi-cuc-ba-dinh',
                  'ho-so', code)
    page = login(app, 'hotro.bd').maybe_follow()
    assert page.request.path == (
        '/manage/thads/cuc-thads-hai-phong/chi-cuc-ba-dinh/@@ban-lam-viec')
