"""The API the case-management software calls (B6, C7), JSON only:

``POST /api/v1/ho-so/<code>/quyet-dinh``  the enforcement decision
``GET  /api/v1/ho-so/<code>/tep/<name>``  a file of a handed-over dossier

Every request carries ``Authorization: Bearer <token>``, the setting
``httttha.case_management_inbound_token``; a site without one refuses
everything.  Authentication is by token, not by the site's cookies, so
the views need no permission and no CSRF token (a browser cannot add the
header to a cross-site request).  Errors are JSON too, never a page.
The contract is ``docs/case-management.openapi.yaml``.
"""
import datetime
import json
import re

import colander
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config
from substanced.interfaces import IRoot
from translationstring import TranslationStringFactory

from ... import _
from ...services.backoffice import casemanagement as service
from ...services.intake.lookup import dossier_by_code
from .. import download

#: colander's own messages, already translated in its catalog
colander_ = TranslationStringFactory('colander')

#: the most a decision request may weigh
MAX_BODY = 64 * 1024

UNAUTHORIZED = _('Missing or wrong access token.')
NO_ENDPOINT = _('No such API endpoint.')
NOT_ALLOWED = _('This method is not allowed here.')
NO_DOSSIER = _('No dossier has this code.')
NO_FILE = _('The dossier has no such file.')
NOT_HANDED_OVER = _('This dossier was never handed over for enforcement.')
BAD_JSON = _('The request body must be a JSON object.')
TOO_LARGE = _('The request body is too large.')
INVALID = _('Some values are missing or wrong.')
FUTURE = _('The decision date cannot be in the future.')

ISO_DATE = re.compile(r'^\d{4}-\d{2}-\d{2}$')


class IsoDate(colander.SchemaType):
    """A date written exactly YYYY-MM-DD."""

    def serialize(self, node, appstruct):
        if appstruct in (colander.null, None):
            return colander.null
        return appstruct.isoformat()

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, None, ''):
            return colander.null
        if isinstance(cstruct, str) and ISO_DATE.match(cstruct):
            try:
                return datetime.date.fromisoformat(cstruct)
            except ValueError:
                pass
        raise colander.Invalid(node, colander_('Invalid date'))


class Text(colander.String):
    """A string, stripped; a JSON number or boolean is not one."""

    def deserialize(self, node, cstruct):
        if cstruct not in (colander.null, None) and not isinstance(
                cstruct, str):
            raise colander.Invalid(node, colander_(
                '${val} is not a string', mapping={'val': json.dumps(
                    cstruct, ensure_ascii=False)[:50]}))
        value = colander.String.deserialize(self, node, cstruct)
        return value.strip() if isinstance(value, str) else value


def not_future(node, value):
    if value > service.today_in_vietnam():
        raise colander.Invalid(node, FUTURE)


class DecisionSchema(colander.MappingSchema):
    """Quyết định thi hành án, as the case-management software reports
    it."""
    so_quyet_dinh = colander.SchemaNode(
        Text(), validator=colander.Length(min=1, max=100))
    ngay_quyet_dinh = colander.SchemaNode(IsoDate(), validator=not_future)
    ghi_chu = colander.SchemaNode(
        Text(), missing='', validator=colander.Length(max=2000))


def json_response(status, body):
    response = Response(
        status=status, content_type='application/json', charset='utf-8',
        body=json.dumps(body, ensure_ascii=False).encode('utf-8'))
    response.cache_control = 'no-store'
    return response


def error(request, status, code, message, **extra):
    """A JSON error: a code for programs, a message for people."""
    body = {'error': code, 'message': request.localizer.translate(message)}
    body.update(extra)
    response = json_response(status, body)
    if status == 401:
        response.headers['WWW-Authenticate'] = 'Bearer realm="httttha"'
    return response


def authorized(request):
    """Whether the request carries the configured inbound token."""
    scheme, _sep, token = (request.headers.get('Authorization') or '') \
        .partition(' ')
    if scheme.lower() != 'bearer':
        return False
    return service.tokens_match(token.strip(), request.registry.settings.get(
        'httttha.case_management_inbound_token'))


@view_config(context=IRoot, name='api', permission=NO_PERMISSION_REQUIRED,
             require_csrf=False)
def api(context, request):
    """Every ``/api/...`` request: authenticate, then dispatch on the
    path and method."""
    if not authorized(request):
        return error(request, 401, 'unauthorized', UNAUTHORIZED)
    path = tuple(request.subpath)
    if len(path) == 4 and path[:2] == ('v1', 'ho-so') and \
            path[3] == 'quyet-dinh':
        handler, methods = decision, ('POST',)
    elif len(path) == 5 and path[:2] == ('v1', 'ho-so') and \
            path[3] == 'tep':
        handler, methods = attachment, ('GET', 'HEAD')
    else:
        return error(request, 404, 'not_found', NO_ENDPOINT)
    if request.method not in methods:
        return _not_allowed(request, methods)
    dossier = dossier_by_code(context, path[2])
    if dossier is None:
        return error(request, 404, 'unknown_dossier', NO_DOSSIER)
    if service.handover_state(dossier) is None:
        return error(request, 409, 'not_handed_over', NOT_HANDED_OVER)
    return handler(request, dossier, *path[4:])


def _not_allowed(request, methods):
    response = error(request, 405, 'method_not_allowed', NOT_ALLOWED)
    response.headers['Allow'] = ', '.join(methods)
    return response


def decision(request, dossier):
    """Store the enforcement decision of a handed-over dossier."""
    if (request.content_length or 0) > MAX_BODY:
        return error(request, 413, 'too_large', TOO_LARGE)
    body = request.body_file.read(MAX_BODY + 1)   # chunked: no length
    if len(body) > MAX_BODY:
        return error(request, 413, 'too_large', TOO_LARGE)
    try:
        data = json.loads(body.decode('utf-8'))
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return error(request, 400, 'bad_json', BAD_JSON)
    try:
        values = DecisionSchema().deserialize(data)
    except colander.Invalid as e:
        return error(request, 400, 'invalid', INVALID, errors=e.asdict(
            translate=request.localizer.translate))
    outcome = service.store_decision(
        request, dossier, values['so_quyet_dinh'],
        values['ngay_quyet_dinh'], values['ghi_chu'])
    stored = dossier.decision
    return json_response(200, {
        'ma_ho_so': dossier.code,
        'ket_qua': outcome,
        'so_quyet_dinh': stored['number'],
        'ngay_quyet_dinh': stored['date'].isoformat(),
        'ghi_chu': stored['note'],
        'nhan_luc': stored['received_at'].isoformat(),
    })


def attachment(request, dossier, name):
    """The bytes of one of the files listed in the handover."""
    files = {f.__name__: f for _slot, f in dossier.attachments()}
    f = files.get(name)
    if f is None:
        return error(request, 404, 'unknown_file', NO_FILE)
    return download(request, f)
