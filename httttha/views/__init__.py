"""Views: public (citizens), sdi (staff), api (other software)."""


def staff_label(request):
    """'Full name - agency' for the back-office header."""
    user = request.user
    if user is None:
        return ''
    name = getattr(user, 'full_name', '') or user.__name__
    agency = user.agency() if hasattr(user, 'agency') else None
    return '%s - %s' % (name, agency.title) if agency is not None else name


SECURITY_HEADERS = {
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'SAMEORIGIN',
    'Referrer-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
}


def security_headers_tween_factory(handler, registry):
    """Security headers on every response, SameSite on every cookie, and
    HSTS when cookies are marked secure (that is, behind HTTPS)."""
    secure = registry.settings.get('httttha.secure_cookies')

    def tween(request):
        response = handler(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if secure:
            response.headers.setdefault(
                'Strict-Transport-Security', 'max-age=31536000')
        cookies = response.headers.getall('Set-Cookie')
        if cookies:
            del response.headers['Set-Cookie']
            for cookie in cookies:
                if 'samesite=' not in cookie.lower():
                    cookie += '; SameSite=Lax'
                response.headers.add('Set-Cookie', cookie)
        return response
    return tween


def download(request, attachment):
    """A stored file as a download: its own name (RFC 6266, with an ASCII
    fallback) and never cached by a shared computer."""
    from urllib.parse import quote
    name = attachment.__name__
    response = attachment.get_response(request=request)
    response.content_disposition = (
        "attachment; filename=\"%s\"; filename*=UTF-8''%s" % (
            name.encode('ascii', 'replace').decode().replace('"', ''),
            quote(attachment.title or name)))
    response.cache_control = 'private, no-store'
    return response


def includeme(config):
    config.add_request_method(staff_label, 'staff_label', reify=True)
    config.add_static_view('static', 'httttha:static', cache_max_age=3600)
    config.override_asset(
        to_override='substanced.sdi.views:templates/master.pt',
        override_with='httttha:templates/sdi/master.pt')
