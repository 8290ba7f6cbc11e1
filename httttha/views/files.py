"""Stored files (substanced's File content) served as downloads.

substanced serves a File inline with the type its uploader declared, so a
``text/html`` file ran its script in the management interface's origin.
This view replaces substanced's (same name, context and permission, so the
including configuration wins): the same download as every other stored
file of the application.  So does the preview of an upload in progress,
which failed (500) when asked without the upload's id."""
from pyramid.httpexceptions import HTTPNotFound
from pyramid.security import NO_PERMISSION_REQUIRED
from substanced.file.views import preview_image_upload
from substanced.interfaces import IFile
from substanced.sdi import mgmt_view

from . import download


@mgmt_view(context=IFile, name='', permission='sdi.view',
           tab_condition=False, http_cache=0)
def view_file(context, request):
    """The file as an attachment (see ``views.download``)."""
    return download(request, context)


@mgmt_view(name='preview_image_upload', tab_condition=False,
           permission=NO_PERMISSION_REQUIRED)
def preview_upload(request):
    """substanced's preview of an image being uploaded (it reads the
    session's own uploads only); 404 without the upload's id."""
    if len(request.subpath) != 1:
        raise HTTPNotFound()
    return preview_image_upload(request)
