"""Hướng dẫn on the citizen portal (A6): ``/huong-dan`` (the national
guidance, then the FAQ by procedure, and the search ``?tu-khoa=``),
each published page at ``/huong-dan/<agency code>/<name>`` (printable)
and its files at ``/huong-dan/<code>/<name>/<file>``; and the block of an
agency's own guidance on its public page (``agency_block``).  Drafts and
archived items answer 404 like pages that do not exist."""
from pyramid.httpexceptions import HTTPNotFound
from pyramid.renderers import render_to_response
from pyramid.view import view_config
from substanced.interfaces import IRoot

from ...content.agency import root_agency
from ...content.application import PROCEDURE_TITLES
from ...content.guidance import PUBLISHED
from ...services.portal import guidance as service
from .. import download

PAGE = 'httttha:templates/public/guidance_page.pt'


def _published_page(context, code, name):
    agency = service.agency_by_code(context, code)
    if agency is None:
        return None, None
    page = service.folder_of(agency).get(name)
    if getattr(page, 'kind', None) != 'page' or page.state != PUBLISHED:
        return agency, None
    return agency, page


def _procedure_title(request, code):
    return request.localizer.translate(PROCEDURE_TITLES[code]) \
        if code in PROCEDURE_TITLES else ''


@view_config(context=IRoot, name='huong-dan', permission='view',
             renderer='httttha:templates/public/guidance.pt')
def guidance(context, request):
    """Hướng dẫn: the national pages and FAQ, or what a search found;
    below it, one page or one of its files."""
    subpath = request.subpath
    if subpath:
        return _page_or_file(context, request, subpath)
    top = root_agency(context)
    keyword = request.params.get('tu-khoa', '').strip()[:200]
    total, results = service.search(context, keyword) if keyword else (0, [])
    # ?co-quan=<code>: that agency's own guidance above the national
    local = service.agency_by_code(context, request.params.get(
        'co-quan', '').strip()[:20]) if request.params.get('co-quan') \
        else None
    if local is top:
        local = None
    return {
        'local': local,
        'local_pages': service.published(local, 'page') if local else [],
        'local_faq': [(code, _procedure_title(request, code), entries)
                      for code, entries in service.faq_groups(local)]
        if local else [],
        'pages': service.published(top, 'page') if top else [],
        'faq_groups': [(code, _procedure_title(request, code), entries)
                       for code, entries in service.faq_groups(top)]
        if top else [],
        'keyword': keyword,
        'searched': bool(service.search_words(keyword)),
        'total': total,
        'results': results,
        'url_of': lambda item: service.public_url(request, item),
        'clean': service.clean,
        'agency_of': service.find_agency,
    }


def _page_or_file(context, request, subpath):
    if len(subpath) not in (2, 3):
        raise HTTPNotFound()
    agency, page = _published_page(context, subpath[0], subpath[1])
    if page is None:
        raise HTTPNotFound()
    if len(subpath) == 3:
        found = page.get(subpath[2])
        if found is None or found not in page.attachments():
            raise HTTPNotFound()
        return download(request, found)
    return render_to_response(PAGE, {
        'agency': agency, 'page': page, 'body': service.clean(page.body),
        'procedures': [(p, _procedure_title(request, p))
                       for p in page.procedures],
        'national': agency is root_agency(context),
    }, request=request)


def agency_block(request, agency):
    """What an agency's public page shows of its guidance: its published
    pages and FAQ (the national ones are on /huong-dan)."""
    return {
        'pages': service.published(agency, 'page'),
        'faq': service.published(agency, 'faq'),
        'url_of': lambda item: service.public_url(request, item),
        'clean': service.clean,
    }
