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


def includeme(config):
    config.add_request_method(staff_label, 'staff_label', reify=True)
    config.add_static_view('static', 'httttha:static', cache_max_age=3600)
    config.override_asset(
        to_override='substanced.sdi.views:templates/master.pt',
        override_with='httttha:templates/sdi/master.pt')
