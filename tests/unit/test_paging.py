"""The links of a paged list keep its query, change what is asked and
drop what is None; each parameter is encoded once per page."""
from pyramid import testing

from httttha.views.paging import Page


def test_links_keep_the_query_and_change_what_is_asked():
    request = testing.DummyRequest(
        params={'tu-khoa': 'Nguyễn Văn A&B', 'hang-doi': 'new', 'page': '2'})
    request.GET = dict(request.params)
    request.path_url = 'http://example.com/manage/thads/@@ban-lam-viec'
    page = Page(request, 95, 20)
    assert (page.number, page.count, page.start, page.end) == (2, 5, 20, 40)
    assert page.url(3) == (
        'http://example.com/manage/thads/@@ban-lam-viec?hang-doi=new&page=3'
        '&tu-khoa=Nguy%E1%BB%85n+V%C4%83n+A%26B')
    assert page.url(1, **{'hang-doi': 'all', 'tim-kiem': None}) == (
        'http://example.com/manage/thads/@@ban-lam-viec?hang-doi=all&page=1'
        '&tu-khoa=Nguy%E1%BB%85n+V%C4%83n+A%26B')
    assert page.url(1, **{'tu-khoa': None}).endswith('?hang-doi=new&page=1')
