"""Hồ sơ đã có kết quả (A8): the public, anonymised list of the dossiers
with a result (``services.portal.completed`` has the rules)."""
from pyramid.view import view_config
from substanced.interfaces import IRoot

from ...content.application import PROCEDURE_TITLES, PROCEDURES
from ...services.portal import completed as service
from ..paging import Page
from .lookup import agency_options

#: the view's name, the menu's and the agency pages' link
NAME = 'ho-so-da-co-ket-qua'


@view_config(context=IRoot, name=NAME, permission='view',
             renderer='httttha:templates/public/completed.pt')
def completed(context, request):
    """The list, filtered by agency subtree, procedure and period."""
    filters = service.Filters(context, request.GET)
    results = service.Results(context, filters)
    reachable = service.MAX_PAGES * service.PAGE_SIZE
    page = Page(request, min(results.total, reachable), service.PAGE_SIZE)
    translate = request.localizer.translate
    return {
        'filters': filters,
        'errors': [translate(e) for e in filters.errors],
        'agency_options': agency_options(request, filters.agency),
        'procedures': [(p, translate(PROCEDURE_TITLES[p]))
                       for p in PROCEDURES],
        'total': results.total,
        'capped': results.total > reachable,
        'max_pages': service.MAX_PAGES,
        'page': page,
        'rows': service.rows(request, results.page(page.start, page.end)),
    }
