"""Every screen of issues 15 and 16, opened by each kind of role on the
living data (dossiers in every state, users, guidance, survey forms)
with forged and malformed query strings: never a 500, always a page
in Vietnamese (or a redirect)."""
import pytest

from ..conftest import login

TC = '/manage/thads'
HN = TC + '/cuc-thads-ha-noi'
BD = HN + '/chi-cuc-thads-ba-dinh'

JUNK = {'page': '-7', 'q': '"*)(OR%\x00', 'tu-ngay': '31/02/2026',
        'den-ngay': '99/99/99999', 'don-vi': '<script>x</script>',
        'phong-ban': '../../etc', 'thu-tuc': 'HTTT99', 'thang': '13/2026',
        'nam': 'abc', 'ten': '../thads', 'thu-hoi': '9' * 40,
        'hanh-dong': 'x' * 500, 'ma': 'K7Q-???', 'nguoi-dung': '\u202e',
        'pl-content': 'zzz', 'hang-doi': 'unsatisfied', 'co-quan': '%%',
        'tu-khoa': 'or and not *', 'xuat': 'xlsx', 'thu-tu': 'len'}

AGENCY_VIEWS = ('co-cau-to-chuc', 'chuyen-don-vi', 'xoa-don-vi',
                'danh-sach-phong-ban', 'xoa-phong-ban', 'nguoi-dung',
                'xuat-nguoi-dung', 'them-nguoi-dung', 'nhat-ky',
                'khoa-so-lieu', 'danh-muc', 'huong-dan', 'khao-sat',
                'ket-qua-khao-sat', 'chuc-nang', 'ban-lam-viec')
PATHS = [agency + '/@@' + view for agency in (TC, HN, BD)
         for view in AGENCY_VIEWS] + [
    '/manage/danh-muc/@@danh-sach', '/manage/thads/@@httt']
PUBLIC = ['/huong-dan', '/huong-dan/TC/khong-co', '/huong-dan/ZZZ/x/y',
          '/ho-so-da-co-ket-qua', '/danh-gia', '/danh-gia/ho-so/K7Q-4M2-XD9',
          '/danh-gia/ho-so', '/thads', '/thong-ke']


def check(response):
    assert response.status_int < 500, response.text[:500]
    if response.status_int in (200, 400, 403, 404) and \
            response.content_type == 'text/html':
        assert 'Traceback' not in response.text
        assert 'lang="vi"' in response.text, response.text[:300]


@pytest.mark.parametrize('name', [None, 'quantri.tc', 'quantri.hn',
                                  'hotro.bd', 'lanhdao.hn', 'bientap.hn'])
def test_no_screen_answers_500(living_app, name):
    if name:
        login(living_app, name)
    for path in (PATHS if name else []) + PUBLIC:
        check(living_app.get(path, params=JUNK, expect_errors=True))
        check(living_app.get(path, expect_errors=True))
    for path in PATHS + PUBLIC:
        # a forged POST: no CSRF token, junk fields
        check(living_app.post(path, params=JUNK, expect_errors=True))
