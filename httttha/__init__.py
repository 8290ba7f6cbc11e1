"""Hỗ trợ trực tuyến thi hành án dân sự: the WSGI application."""
from pyramid.authentication import AuthTktAuthenticationPolicy
from pyramid.config import Configurator
from pyramid.i18n import TranslationStringFactory
from pyramid.session import SignedCookieSessionFactory
from substanced.db import root_factory

_ = TranslationStringFactory('httttha')

LOCALES = ('vi', 'en')


def locale_negotiator(request):
    """Vietnamese unless the user (or the ``_LOCALE_`` parameter) asks for
    English; substanced's own negotiator would default every user to 'en'."""
    user = getattr(request, 'user', None)
    name = getattr(user, 'locale', None)
    if name not in LOCALES:
        name = request.params.get('_LOCALE_') or request.cookies.get('_LOCALE_')
    return name if name in LOCALES else None


def main(global_config, **settings):
    """Build the WSGI application."""
    from .blobstorage import install as fix_blob_storage
    from .connections import install as fix_failed_opens
    from .objectmap import install as fast_object_lookup
    from .renamed import install as read_renamed_classes
    from .services.settings import prepare_settings
    # before any database is opened: concurrent commits must not delete
    # each other's blob files (see blobstorage.py)
    fix_blob_storage()
    fix_failed_opens()
    fast_object_lookup()
    read_renamed_classes()
    settings = prepare_settings(settings)
    config = Configurator(settings=settings, root_factory=root_factory,
                          locale_negotiator=locale_negotiator)
    config.include('pyramid_tm')
    config.include('pyramid_retry')
    config.include('substanced')
    config.add_translation_dirs('httttha:locale/')
    _security(config, settings)
    # replaces substanced's (the including configuration wins)
    from .views.sdi.navigation import StaffSDIAPI
    config.add_request_method(StaffSDIAPI, 'sdiapi', reify=True)
    config.include('.content')
    config.include('.catalog')
    config.include('.workflows')
    config.include('.services')
    config.include('.views')
    config.include('.views.errors')
    config.include('.views.health')
    config.include('.views.public.site')
    config.include('.evolve')
    config.include('.auditlog')
    config.scan(ignore=['.scripts'])
    from .views.errors import LastResort
    return LastResort(config.make_wsgi_app())


def _security(config, settings):
    """Replace substanced's cookie policies with hardened ones.

    The including configuration wins over substanced's, so these settings
    take effect: an HttpOnly, host-only auth ticket that expires when idle
    and is revoked by logout or a password change, and a JSON session
    cookie (never pickle) with the same flags; it holds only the CSRF
    token, flash messages, the login redirect and the oids of the dossiers
    a citizen opened, nothing confidential."""
    from substanced.principal import groupfinder
    from .services.accounts.logins import (
        SessionSerializer,
        StaffAuthenticationPolicy,
        StaffUserLocator,
    )
    secret = settings['substanced.secret']
    secure = settings['httttha.secure_cookies']
    timeout = int(settings['httttha.session_timeout'])
    config.set_authentication_policy(StaffAuthenticationPolicy(
        secret, callback=groupfinder, hashalg='sha512',
        cookie_name='httttha_auth', secure=secure, http_only=True,
        timeout=timeout, reissue_time=timeout // 10,
        # host-only: no Domain attribute, no copy for the parent domain
        wild_domain=False, parent_domain=False,
    ))
    config.set_session_factory(SignedCookieSessionFactory(
        secret + '-session', cookie_name='httttha_session', secure=secure,
        httponly=True, timeout=timeout, hashalg='sha512',
        serializer=SessionSerializer(),
    ))
    # Pyramid 1.9 cannot set SameSite itself: views/csp.py adds it to
    # every cookie (a NewResponse subscriber, which sees them all)
    config.set_user_locator(StaffUserLocator)
