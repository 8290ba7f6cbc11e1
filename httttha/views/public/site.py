"""Citizen portal: home page, the list of agencies and a page per agency."""
from pyramid.interfaces import IView, IViewClassifier
from pyramid.view import view_config
from zope.interface import providedBy
from substanced.interfaces import IRoot

from ...content.site import contacts
from ...interfaces import IAgency
from ...services.administration.tree import agency_outline, root_agency
from ...services.portal.summary import agency_summary
from ...vntime import today
from .lookup import agency_options

class Layout(object):
    """What every public page needs: menu, footer contacts."""

    def __init__(self, request):
        self.request = request

    def has_view(self, name):
        """Whether the root has a page of this name: the menu shows only
        pages that exist."""
        return self.request.registry.adapters.lookup(
            (IViewClassifier, self.request.request_iface,
             providedBy(self.request.root)), IView, name=name) is not None

    @property
    def contacts(self):
        return contacts(self.request.root)


def layout(request):
    return Layout(request)


@view_config(context=IRoot, permission='view',
             renderer='httttha:templates/public/home.pt')
def home(context, request):
    """Trang chủ, with the quick lookup box."""
    top, groups = agency_outline(context)
    return {'agency_options': agency_options(request),
            'cuc_count': len(groups) if top is not None else None}


@view_config(context=IRoot, name='co-quan-thads', permission='view',
             renderer='httttha:templates/public/agencies.pt')
def agencies(context, request):
    """Cơ quan THADS: the whole tree, Cục by Cục."""
    top = root_agency(context)
    return {'top': top, 'cucs': top.sub_agencies() if top else []}


@view_config(context=IAgency, permission='view',
             renderer='httttha:templates/public/agency.pt')
def agency(context, request):
    """The public page of one agency: details, the lookup restricted to
    it, its counts of the current reporting year, its sub-agencies and
    the link to its completed dossiers."""
    return {'agency': context, 'subs': context.sub_agencies(),
            'parent': context.parent_agency,
            'summary': agency_summary(request.root, context, today())}


def includeme(config):
    config.add_request_method(layout, 'layout', reify=True)
