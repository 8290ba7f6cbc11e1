"""Stored files (substanced's File content) served as downloads.

substanced serves a File inline with the type its uploader declared, so a
``text/html`` file ran its script in the management interface's origin.
This view replaces substanced's (same name, context and permission, so the
including configuration wins): the same download as every other stored
file of the application."""
from substanced.interfaces import IFile
from substanced.sdi import mgmt_view

from . import download


@mgmt_view(context=IFile, name='', permission='sdi.view',
           tab_condition=False, http_cache=0)
def view_file(context, request):
    """The file as an attachment (see ``views.download``)."""
    return download(request, context)
