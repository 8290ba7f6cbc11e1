"""Substance D's generic views whose English is hard-coded (a form's
title as a plain string), registered again under the same name, context
and permission (the including configuration wins) with the title in its
catalog.  They belong to the site administrator alone."""
from pyramid.i18n import TranslationString
from substanced.file.views import AddFileView
from substanced.interfaces import IFolder, IGroups
from substanced.principal.views import AddGroupView
from substanced.sdi import mgmt_view

FORM = 'substanced.sdi:templates/form.pt'


def _substanced(text):
    return TranslationString(text, domain='substanced')


@mgmt_view(context=IFolder, name='add_file', permission='sdi.add-content',
           renderer=FORM, addable_content='File', tab_condition=False,
           tab_title=_substanced('Add File'))
class AddFile(AddFileView):
    """Thêm tệp."""
    title = _substanced('Add File')


@mgmt_view(context=IGroups, name='add_group', permission='sdi.add-group',
           renderer=FORM, tab_condition=False)
class AddGroup(AddGroupView):
    """Thêm nhóm."""
    title = _substanced('Add Group')
