"""Cơ cấu tổ chức (SPEC C1): the tree of the agencies an administrator
manages, with the counts under each node, and the screens to move and
delete an agency and to list and delete its departments.  Adding an
agency or a department is in ``views.sdi.agency``; editing is the
property sheet.

Moving or deleting an agency is a change to its parent: those views are
the parent's (``?ten=<name of the sub-agency>``), so the permission
Pyramid checks is the one on the parent, and an administrator never
moves or deletes the agency at the top of its own scope."""
from urllib.parse import quote

import colander
import deform
from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.session import check_csrf_token
from substanced.form import FormView
from substanced.objectmap import find_objectmap
from substanced.schema import Schema
from substanced.sdi import mgmt_view
from substanced.util import get_oid

from ... import _
from ...content.agency import KINDS
from ...interfaces import IAgency
from ...permissions import MANAGE_AGENCY, agency_lineage
from ...services.administration import audit
from ...services.administration.removal import (
    RemovalRefused,
    department_users,
    refusal,
)
from ...services.administration.tree import (
    MoveRefused,
    agency_tree,
    all_departments,
    audited_values,
    level_rank,
    move_agency,
    move_refusal,
)
from . import form_buttons

KIND_TITLES = dict(KINDS)


def scope_top(request, agency):
    """The highest agency above (or at) ``agency`` that the user
    administers: where its tree starts."""
    top = agency
    for each in agency_lineage(agency):
        if request.has_permission(MANAGE_AGENCY, each):
            top = each
    return top


def tree_url(request, agency, **query):
    url = request.sdiapi.mgmt_path(scope_top(request, agency),
                                   '@@co-cau-to-chuc')
    if query:
        url += '?' + '&'.join('%s=%s' % (k, quote(str(v), safe=''))
                              for k, v in query.items())
    return url


def _sub_agency(context, request):
    """The sub-agency ``?ten=`` names, or 404."""
    child = context.get(request.params.get('ten', ''))
    if not IAgency.providedBy(child):
        raise HTTPNotFound()
    return child


@mgmt_view(context=IAgency, name='co-cau-to-chuc',
           tab_title=_('Organisation'), permission=MANAGE_AGENCY,
           renderer='httttha:templates/sdi/tree.pt')
def organisation(context, request):
    """The tree of the agencies from this one down: folding, search
    without diacritics, counts, and the links to add, edit, move and
    delete."""
    query = request.params.get('q', '').strip()[:100]
    top, matches = agency_tree(context, query)
    base = request.sdiapi.mgmt_path(request.root).rstrip('/')
    parent = context.parent_agency

    def url(node, view, parent_view=False):
        """A view of ``node`` (or, ``parent_view``, of its parent about
        it)."""
        if not parent_view:
            return '%s%s/@@%s' % (base, node.path, view)
        path = node.path.rsplit('/', 1)[0]
        return '%s%s/@@%s?ten=%s' % (base, path, view,
                                     quote(node.name, safe=''))
    return {
        'top': top, 'query': query, 'matches': matches, 'url': url,
        'kinds': KIND_TITLES, 'lowest': 'chi_cuc',
        # the top node moves or goes only for who manages its parent
        'top_movable': parent is not None and request.has_permission(
            MANAGE_AGENCY, parent),
    }


# -- moving ------------------------------------------------------------------

def move_candidates(request, agency):
    """The agencies ``agency`` may move under: those of a higher level
    that the user administers, outside its own subtree."""
    rank = level_rank(agency.kind)
    top = scope_top(request, agency.__parent__)
    found = []
    for each in top.walk():
        if each is agency:
            continue    # nor anything below it: all of a lower level
        if level_rank(each.kind) < rank and \
                each is not agency.__parent__ and \
                request.has_permission(MANAGE_AGENCY, each):
            found.append(each)
    return found


@colander.deferred
def parent_widget(node, kw):
    request = kw['request']
    child = _sub_agency(kw['context'], request)
    return deform.widget.SelectWidget(values=[('', _('- choose -'))] + [
        (str(get_oid(a)), '%s%s' % ('\u2003' * (level_rank(a.kind)), a.title))
        for a in move_candidates(request, child)])


@colander.deferred
def move_validator(node, kw):
    request = kw['request']
    child = _sub_agency(kw['context'], request)

    def validate(form, value):
        allowed = {str(get_oid(a)): a for a in move_candidates(request,
                                                               child)}
        parent = allowed.get(value['parent'])
        if parent is None:
            error = colander.Invalid(form)
            error['parent'] = _('Choose the agency to move it under.')
            raise error
        name = value.get('name') or child.__name__
        reason = move_refusal(child, parent, name)
        if reason is None and name != child.__name__:
            try:
                parent.check_name(name)
            except (KeyError, ValueError):
                reason = _('This address in the URL cannot be used.')
        if reason is not None:
            error = colander.Invalid(form)
            error['name' if name in parent else 'parent'] = reason
            raise error
    return validate


class MoveSchema(Schema):
    """Where an agency moves: its new parent, and a new URL name when
    the new parent already holds one like it."""
    validator = move_validator
    # not required by colander: the form's validator says what is missing
    parent = colander.SchemaNode(colander.String(), title=_('New parent'),
                                 widget=parent_widget, missing='')
    name = colander.SchemaNode(
        colander.String(), title=_('Address in the URL'), missing='',
        description=_('Leave as it is unless the new parent already holds '
                      'this address.'),
        validator=colander.Regex(r'^[a-z0-9][a-z0-9-]{0,99}$',
                                 _('Lower-case letters, digits and '
                                   'hyphens.')))


@mgmt_view(context=IAgency, name='chuyen-don-vi', permission=MANAGE_AGENCY,
           tab_condition=False,
           renderer='substanced.sdi:templates/form.pt')
class MoveAgencyView(FormView):
    """Move a sub-agency of this agency (``?ten=``) under another agency
    of a higher level that the user administers."""
    schema = MoveSchema()
    buttons = form_buttons('move')

    def __init__(self, context, request):
        FormView.__init__(self, context, request)
        self.child = _sub_agency(context, request)
        self.title = request.localizer.translate(_(
            'move-agency-title', default='Move "${title}"',
            mapping={'title': self.child.title}))

    def show(self, form):
        return {'form': form.render({'parent': '',
                                     'name': self.child.__name__})}

    def move_success(self, appstruct):
        request = self.request
        child = self.child
        new_parent = find_objectmap(self.context).object_for(
            int(appstruct['parent']))
        before = {'parent': self.context.title,
                  'path': request.resource_path(child), 'name':
                  child.__name__}
        try:
            move_agency(child, new_parent, request.registry,
                        appstruct['name'] or child.__name__)
        except MoveRefused as e:   # changed since the form was validated
            request.sdiapi.flash(request.localizer.translate(e.message),
                                 'danger')
            return HTTPFound(request.url)
        audit.record(request, 'agency.move', child, before=before, after={
            'parent': new_parent.title, 'path': request.resource_path(child),
            'name': child.__name__})
        request.sdiapi.flash(request.localizer.translate(_(
            'agency-moved', default='"${title}" now belongs to "${parent}".',
            mapping={'title': child.title, 'parent': new_parent.title})),
            'success')
        return HTTPFound(tree_url(request, new_parent, q=child.title))

    def cancel_success(self, appstruct):
        return HTTPFound(tree_url(self.request, self.context))
    cancel_failure = cancel_success


# -- deleting ----------------------------------------------------------------

CONFIRM = 'httttha:templates/sdi/tree_delete.pt'


def _confirmation(request, item, kind, back):
    reason = refusal(item)
    return {'item': item, 'kind': kind, 'back': back,
            'reason': request.localizer.translate(reason)
            if reason is not None else None}


def _delete(request, container, item, action, back, message, before):
    """Delete ``item`` from ``container`` unless the removal guard
    refuses (its reason is shown, nothing changes)."""
    translate = request.localizer.translate
    reason = refusal(item)
    if reason is None:
        try:
            container.remove(item.__name__)
        except RemovalRefused as e:
            request.tm.doom()
            reason = e.message
    if reason is not None:
        request.sdiapi.flash(translate(reason), 'danger')
        return HTTPFound(back)
    audit.record(request, action, None, before=before,
                 agency=container if IAgency.providedBy(container) else
                 container.__parent__)
    request.sdiapi.flash(translate(message), 'success')
    return HTTPFound(back)


@mgmt_view(context=IAgency, name='xoa-don-vi', permission=MANAGE_AGENCY,
           tab_condition=False, request_method='GET', renderer=CONFIRM)
def confirm_delete_agency(context, request):
    """Deleting a sub-agency (``?ten=``), first step: what is deleted,
    or why it cannot be; Tiếp tục / Hủy."""
    child = _sub_agency(context, request)
    return _confirmation(request, child, 'agency', tree_url(request, context))


@mgmt_view(context=IAgency, name='xoa-don-vi', permission=MANAGE_AGENCY,
           tab_condition=False, request_method='POST')
def delete_agency(context, request):
    """Deleting a sub-agency, second step (Tiếp tục)."""
    check_csrf_token(request)          # BadCSRFToken: 400
    child = _sub_agency(context, request)
    return _delete(request, context, child, 'agency.delete',
                   tree_url(request, context), _(
                       'agency-deleted', default='"${title}" was deleted.',
                       mapping={'title': child.title}),
                   dict(audited_values(child), oid=get_oid(child),
                        parent=context.title))


# -- departments ---------------------------------------------------------

@mgmt_view(context=IAgency, name='danh-sach-phong-ban',
           permission=MANAGE_AGENCY, tab_condition=False,
           renderer='httttha:templates/sdi/tree_departments.pt')
def departments(context, request):
    """The departments (phòng ban) of this agency with how many users
    belong to each."""
    return {
        'rows': [{'department': d, 'users': len(department_users(d))}
                 for d in all_departments(context)],
        'back': tree_url(request, context),
    }


def _department(context, request):
    department = context['phong-ban'].get(request.params.get('ten', ''))
    if department is None:
        raise HTTPNotFound()
    return department


@mgmt_view(context=IAgency, name='xoa-phong-ban', permission=MANAGE_AGENCY,
           tab_condition=False, request_method='GET', renderer=CONFIRM)
def confirm_delete_department(context, request):
    """Deleting a department, first step."""
    return _confirmation(request, _department(context, request),
                         'department', request.sdiapi.mgmt_path(
                             context, '@@danh-sach-phong-ban'))


@mgmt_view(context=IAgency, name='xoa-phong-ban', permission=MANAGE_AGENCY,
           tab_condition=False, request_method='POST')
def delete_department(context, request):
    """Deleting a department, second step: refused while users belong
    to it."""
    check_csrf_token(request)          # BadCSRFToken: 400
    department = _department(context, request)
    return _delete(request, context['phong-ban'], department,
                   'department.delete', request.sdiapi.mgmt_path(
                       context, '@@danh-sach-phong-ban'), _(
                       'department-deleted',
                       default='The department "${title}" was deleted.',
                       mapping={'title': department.title}),
                   {'name': department.__name__, 'title': department.title,
                    'code': department.code, 'oid': get_oid(department)})
