"""Deform pieces for the citizen forms: a renderer with the portal's own
templates (no JavaScript needed, required fields marked with *), the
checked upload widget and the CAPTCHA."""
import secrets

import colander
import deform
import deform.widget
from pkg_resources import resource_filename
from pyramid.threadlocal import get_current_request

from ... import _
from ...services.intake import captcha
from ...services.intake.uploads import UploadRejected, check_total, check_upload, \
    human_size

SEARCH_PATH = (resource_filename('httttha', 'templates/deform'),
               resource_filename('deform', 'templates'))


def _translate(term):
    request = get_current_request()
    return request.localizer.translate(term) if request else term


renderer = deform.ZPTRendererFactory(SEARCH_PATH, translator=_translate)


class CheckedFileWidget(deform.widget.FileUploadWidget):
    """An upload whose bytes are checked (type, size) before it is kept:
    a refused file never reaches the draft, a kept one survives errors
    elsewhere in the form and the way back from the preview."""
    template = 'checked_file'

    def __init__(self, tmpstore, max_file, **kw):
        deform.widget.FileUploadWidget.__init__(self, tmpstore, **kw)
        self.max_file = max_file

    def random_id(self):
        # deform's ids come from `random`; these name a citizen's file
        return secrets.token_urlsafe(12)

    def deserialize(self, field, pstruct):
        if pstruct is colander.null:
            return colander.null
        if pstruct.get('remove'):
            return colander.null
        upload = pstruct.get('upload')
        if hasattr(upload, 'file'):
            try:
                upload.filename, upload.type = check_upload(
                    upload.filename, upload.file, max_file=self.max_file)
            except UploadRejected as e:
                kept = self.tmpstore.get(pstruct.get('uid') or '')
                raise colander.Invalid(field.schema, e.msg,
                                       kept or colander.null)
            upload.length = _size(upload.file)
        return deform.widget.FileUploadWidget.deserialize(
            self, field, pstruct)


def _size(fp):
    fp.seek(0, 2)
    size = fp.tell()
    fp.seek(0)
    return size


def files_total_validator(max_total):
    def validator(node, value):
        sizes = [f.get('size') or 0 for f in value.values() if f]
        try:
            check_total(sizes, max_total=max_total)
        except UploadRejected as e:
            raise colander.Invalid(node, e.msg)
    return validator


class CaptchaWidget(deform.widget.MappingWidget):
    template = 'captcha'

    def url(self, token):
        """Where the picture (``.png``) and the sound (``.wav``) are."""
        request = get_current_request()
        return request.resource_url(request.root, 'ma-bao-ve', token)


def captcha_node(store):
    """The "Mã bảo vệ" field: a hidden challenge token and the answer,
    checked (and used up) against ``store``."""

    def validator(node, value):
        if not captcha.verify(store, value['token'], value['answer']):
            error = colander.Invalid(node)
            error['answer'] = _('The security code is wrong or has expired; '
                                'type the new code shown.')
            raise error

    node = colander.SchemaNode(
        colander.Mapping(), name='captcha', title=_('Security code'),
        description=_('Type the digits shown in the picture, or listen '
                      'to them.'),
        validator=validator, widget=CaptchaWidget())
    node.add(colander.SchemaNode(colander.String(), name='token',
                                 missing='', widget=deform.widget.HiddenWidget()))
    node.add(colander.SchemaNode(
        colander.String(), name='answer', title=_('Security code'),
        missing='', widget=deform.widget.TextInputWidget(attributes={
            'inputmode': 'numeric', 'autocomplete': 'off', 'size': '8'})))
    return node


def upload_limits_text(limits):
    return {'file': human_size(limits.max_file),
            'total': human_size(limits.max_total)}


def renderable(appstruct):
    """``appstruct`` as deform renders it again: an empty upload slot is
    stored as None, which the file widget wants as null."""
    appstruct = dict(appstruct or {})
    if appstruct.get('files'):
        appstruct['files'] = {k: v or colander.null
                              for k, v in appstruct['files'].items()}
    return appstruct
