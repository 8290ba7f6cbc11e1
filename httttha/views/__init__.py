"""Views: public (citizens), sdi (staff), api (other software)."""


def staff_label(request):
    """'Full name - agency' for the back-office header."""
    user = request.user
    if user is None:
        return ''
    name = getattr(user, 'full_name', '') or user.__name__
    agency = user.agency() if hasattr(user, 'agency') else None
    return '%s - %s' % (name, agency.title) if agency is not None else name


from .csp import SECURITY_HEADERS  # noqa: F401 (kept importable)


# types a browser would run or render as a page of this origin
ACTIVE_TYPES = ('text/html', 'application/xhtml+xml', 'image/svg+xml',
                'text/xml', 'application/xml', 'text/javascript',
                'application/javascript', 'application/x-javascript',
                'text/xsl', 'application/pdf+html', 'multipart/x-mixed-replace')


def safe_mimetype(mimetype):
    """The type a stored file is served with: its own, unless a browser
    could run it as active content, then plain bytes."""
    mimetype = str(mimetype or '').split(';')[0].strip().lower()
    if not mimetype or mimetype in ACTIVE_TYPES or mimetype.endswith(
            ('+xml', '/xml')) or 'script' in mimetype or 'html' in mimetype:
        return 'application/octet-stream'
    return mimetype


def download(request, attachment):
    """A stored file as a download: its own name (RFC 6266, with an ASCII
    fallback), never cached by a shared computer, never rendered by the
    browser (attachment, nosniff, no active type, a sandboxing policy)."""
    from urllib.parse import quote
    from .csp import FILE_POLICY
    name = attachment.__name__
    response = attachment.get_response(
        request=request,
        content_type=safe_mimetype(getattr(attachment, 'mimetype', None)))
    response.content_disposition = (
        "attachment; filename=\"%s\"; filename*=UTF-8''%s" % (
            name.encode('ascii', 'replace').decode().replace('"', ''),
            quote(attachment.title or name)))
    response.cache_control = 'private, no-store'
    response.headers['X-Content-Type-Options'] = 'nosniff'
    response.headers['Content-Security-Policy'] = FILE_POLICY
    return response


# substanced's templates with inline scripts or event handlers, and the
# copies that carry the request's nonce or bind the handlers from
# static/sdi-csp.js instead (or translate what substanced left English)
SDI_TEMPLATES = {
    'substanced.sdi.views:templates/master.pt': 'master.pt',
    'substanced.sdi.views:templates/acl.pt': 'substanced/acl.pt',
    'substanced.sdi.views:templates/forbidden.pt': 'substanced/forbidden.pt',
    'substanced.sdi.views:templates/login.pt': 'substanced/login.pt',
    'substanced.folder:templates/contents.pt': 'substanced/contents.pt',
    'substanced.catalog.views:templates/search.pt':
        'substanced/catalog_search.pt',
    'substanced.catalog.views:templates/indexing.pt':
        'substanced/catalog_indexing.pt',
    'substanced.catalog.views:templates/catalog.pt': 'substanced/catalog.pt',
    'substanced.db:templates/db.pt': 'substanced/db.pt',
    # and those whose English is not marked for translation
    'substanced.property:templates/propertysheets.pt':
        'substanced/propertysheets.pt',
    'substanced.sdi.views:templates/batching.pt': 'substanced/batching.pt',
    'substanced.sdi.views:templates/undo.pt': 'substanced/undo.pt',
    'substanced.audit:templates/auditing.pt': 'substanced/auditing.pt',
    'substanced.folder:templates/multiupload.pt':
        'substanced/multiupload.pt',
    'substanced.objectmap:templates/referenced.pt':
        'substanced/referenced.pt',
}


def deform_renderer():
    """Deform's renderer for the management interface: deform's own
    templates, those with inline scripts replaced by copies that carry the
    request's nonce (templates/deform_sdi), and Substance D's forms'
    hard-coded English titles translated."""
    from pkg_resources import resource_filename
    from .csp import NonceRendererFactory
    from substanced.form import translator

    class Renderer(NonceRendererFactory):
        def __call__(self, template_name, **kw):
            if kw.get('field') is not None:
                translate_titles(kw['field'])
            return NonceRendererFactory.__call__(self, template_name, **kw)
    return Renderer(
        (resource_filename('httttha', 'templates/deform_sdi'),
         resource_filename('deform', 'templates')), translator=translator)


def translate_titles(field):
    """Substance D's schemas and buttons carry plain English titles
    ('Name', 'Title', 'Add'), never translated: look them up in its
    catalog (httttha's own titles are translation strings, left alone)."""
    from pyramid.threadlocal import get_current_request
    from .sdi.navigation import substanced_text
    request = get_current_request()
    if request is None:
        return
    for item in [field] + list(getattr(field, 'buttons', ())):
        title = getattr(item, 'title', None)
        if type(title) is str and title:
            item.title = substanced_text(request, title)


def includeme(config):
    import deform
    config.add_request_method(staff_label, 'staff_label', reify=True)
    config.add_static_view('static', 'httttha:static', cache_max_age=3600)
    for asset, copy in SDI_TEMPLATES.items():
        config.override_asset(to_override=asset,
                              override_with='httttha:templates/sdi/' + copy)
    # its feature test compiled an inline onpaste handler (a violation
    # report on every form); the copy asks `'onpaste' in input` instead
    config.override_asset(
        to_override='deform:static/scripts/jquery.maskedinput-1.3.1.min.js',
        override_with='httttha:static/deform/jquery.maskedinput-1.3.1.min.js')
    # replaces the renderer substanced set when it was included
    deform.Form.set_default_renderer(deform_renderer())
    config.include('.csp')
