"""Deleting in the SDI: the contents view's "Delete" asks for
confirmation, shows beforehand what may not be deleted and why, and a
refused deletion (``services.administration.removal``) answers with the reason instead
of an error page.

Substance D's contents views delete at once on ``form.delete``.  These
views are registered for the same view names and predicates from the
application's own scan, which overrides the included registration."""
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config
from substanced.interfaces import IFolder
from substanced.locking import ILockService
from substanced.sdi import mgmt_view

from ... import _
from ...services.administration.removal import RemovalRefused, refusal

#: the contents views of Substance D that delete: (context, view name)
CONTENTS_VIEWS = ((IFolder, 'contents'), (IFolder, 'services'),
                  (ILockService, 'contents'))
TEMPLATE = 'httttha:templates/sdi/confirm_delete.pt'


def _selected(request):
    """The names of the items chosen in the grid (or confirmed)."""
    names = request.POST.get('item-modify', '').split('/')
    return [n for n in names if n]


def _back(request, context):
    return HTTPFound(request.sdiapi.mgmt_path(context,
                                              '@@' + request.view_name))


def confirm_delete(context, request):
    """The first step: the items to delete, each with what keeps it from
    being deleted, and the buttons "Đồng ý xóa" and "Hủy"."""
    translate = request.localizer.translate
    rows = []
    for name in _selected(request):
        item = context.get(name)
        if item is None:
            continue
        reason = refusal(item)
        rows.append({
            'name': name,
            'title': getattr(item, 'sdi_title', None) or getattr(
                item, 'title', None) or name,
            'reason': translate(reason) if reason is not None else None})
    if not rows:
        request.sdiapi.flash(translate(_('No item was chosen.')), 'warning')
        return _back(request, context)
    return {'rows': rows, 'names': '/'.join(r['name'] for r in rows),
            'deletable': all(r['reason'] is None for r in rows)}


def finish_delete(context, request):
    """The second step: delete the confirmed items, all or none."""
    translate = request.localizer.translate
    items = [(name, context.get(name)) for name in _selected(request)]
    items = [(name, item) for name, item in items if item is not None]
    reasons = [refusal(item) for _name, item in items]
    reasons = [translate(r) for r in reasons if r is not None]
    if not reasons:
        try:
            for name, _item in items:
                del context[name]
        except RemovalRefused as e:
            # refused on the way (changed meanwhile): nothing is deleted
            request.tm.doom()
            reasons = [translate(e.message)]
    if reasons:
        for reason in reasons:
            request.sdiapi.flash(reason, 'danger')
        return _back(request, context)
    request.sdiapi.flash_with_undo(translate(_(
        'items-deleted', default='Deleted ${num} items.',
        mapping={'num': len(items)})), 'success')
    return _back(request, context)


for _context, _name in CONTENTS_VIEWS:
    # exactly Substance D's predicates: the same view, overridden
    confirm_delete = mgmt_view(
        context=_context, name=_name, request_method='POST',
        request_param='form.delete', check_csrf=True,
        permission='sdi.manage-contents', renderer=TEMPLATE,
        tab_condition=False)(confirm_delete)
    finish_delete = mgmt_view(
        context=_context, name=_name, request_method='POST',
        request_param='form.delete_confirmed', check_csrf=True,
        permission='sdi.manage-contents', tab_condition=False)(finish_delete)


@view_config(context=RemovalRefused)
def removal_refused(exc, request):
    """A deletion refused anywhere else: the reason, back where the item
    is (the transaction is aborted: an exception view answered)."""
    translate = request.localizer.translate
    request.sdiapi.flash(translate(exc.message), 'danger')
    parent = getattr(exc.resource, '__parent__', None)
    if parent is None:
        return HTTPFound(request.sdiapi.mgmt_path(request.root))
    return HTTPFound(request.sdiapi.mgmt_path(parent, '@@contents'))
