"""Password reset by e-mail for staff (replaces substanced's, which built
the link from the Host header, drew tokens from ``random``, told whether a
login exists and mailed outside the queue).

A request names a login; whether it exists or not the answer is the same.
For a user with an e-mail address, a token from ``secrets`` is mailed
through the transactional queue with a link on ``httttha.public_url``;
only its SHA-256 is stored, with the user's oid, its expiry and the
user's ticket generation, so it works once, until it expires, and not
after the password changed in any other way.  Requests are throttled per
client address and per login.
"""
import hashlib
import logging
import secrets
import time

from BTrees.OOBTree import OOBTree
from pyramid.renderers import render
from pyramid_mailer.message import Message
from substanced.objectmap import find_objectmap
from substanced.util import get_oid

from ... import _
from .logins import StaffUserLocator, revoke_tickets, ticket_token
from ..notifications import send
from ..intake.scratch import ensure_scratch, hit, sweep

log = logging.getLogger('httttha.security')

#: the page the mailed link opens (a management view of the root)
VIEW = 'dat-lai-mat-khau'


class Throttled(Exception):
    """Too many reset requests from this address."""


def _settings(registry):
    s = registry.settings
    return {
        'lifetime': int(s.get('httttha.reset_minutes', 30)) * 60,
        'client': int(s.get('httttha.reset_client_limit', 5)),
        'login': int(s.get('httttha.reset_login_limit', 3)),
        'window': int(s.get('httttha.reset_window_minutes', 60)) * 60,
    }


def _store(root, create=True):
    scratch = ensure_scratch(root)
    store = getattr(scratch, 'password_resets', None)
    if store is None and create:
        store = scratch.password_resets = OOBTree()
    return store


def _digest(token):
    return hashlib.sha256(token.encode('utf-8')).hexdigest()


def _sweep(store, now):
    stale = [k for k, v in store.items() if v[1] <= now][:100]
    for key in stale:
        del store[key]


def request_reset(request, login, now=None):
    """Handle a reset request for ``login``: mail a link when the login
    belongs to a user with an e-mail address.  Returns nothing that tells
    whether it did; raises :class:`Throttled` when the client address has
    asked too often (per login, extra requests are silently dropped)."""
    now = time.time() if now is None else now
    limits = _settings(request.registry)
    counters = ensure_scratch(request.root).counters
    sweep(counters, now)
    if not hit(counters, 'reset-client', request.client_addr or '-',
               limits['client'], limits['window'], now):
        log.warning('password reset refused: too many requests from %s',
                    request.client_addr)
        raise Throttled()
    login = (login or '').strip()[:100]
    key = hashlib.sha256(login.encode('utf-8')).hexdigest()
    if not hit(counters, 'reset-login', key, limits['login'],
               limits['window'], now):
        log.warning('password reset for %r dropped: too many requests',
                    login)
        return
    user = StaffUserLocator(request.root, request).get_user_by_login(login)
    if user is None or not getattr(user, 'email', None):
        log.warning('password reset asked for %r (%s) from %s', login,
                    'unknown login' if user is None else 'no e-mail',
                    request.client_addr)
        return
    token = issue_token(request.root, user, limits['lifetime'], now)
    _mail(request, user, token, limits['lifetime'] // 60)
    log.info('password reset mailed for %r (asked from %s)', login,
             request.client_addr)


def issue_token(root, user, lifetime, now=None):
    """A new reset token for ``user``, valid ``lifetime`` seconds (only
    its hash is kept)."""
    now = time.time() if now is None else now
    store = _store(root)
    _sweep(store, now)
    token = secrets.token_urlsafe(32)
    store[_digest(token)] = (get_oid(user), now + lifetime,
                             ticket_token(user))
    return token


def reset_url(request, token):
    """The link of the mail, on the configured public address."""
    settings = request.registry.settings
    base = settings['httttha.public_url'] + settings.get(
        'substanced.manage_prefix', '/manage')
    return request.resource_url(request.root, '@@' + VIEW,
                                query={'ma': token}, app_url=base)


def _mail(request, user, token, minutes):
    values = {'user': user, 'url': reset_url(request, token),
              'minutes': minutes,
              'site': request.registry.settings['httttha.public_url']}
    path = 'httttha:templates/mail/password_reset.'
    body = render(path + 'txt', values, request)
    html = render(path + 'pt', values, request)
    send(request, Message(
        subject=request.localizer.translate(_(
            'mail-reset-subject',
            default='Resetting your password')),
        recipients=[user.email],
        body=body.decode('utf-8') if isinstance(body, bytes) else body,
        html=html.decode('utf-8') if isinstance(html, bytes) else html))


def user_for_token(root, token, now=None):
    """The user a valid ``token`` resets, or None (unknown, expired, used,
    or the password changed since)."""
    now = time.time() if now is None else now
    if not token or len(token) > 200:
        return None
    store = _store(root, create=False)
    if store is None:
        return None
    entry = store.get(_digest(token))
    if entry is None:
        return None
    oid, expires, generation = entry
    if expires <= now:
        return None
    user = find_objectmap(root).object_for(oid)
    if user is None or ticket_token(user) != generation:
        return None
    return user


def reset_password(root, token, password, now=None):
    """Set ``password`` for the user of ``token`` and spend the token;
    return the user, or None when the token is not valid.  The password
    policy applies (``WeakPassword``); every ticket of the user is
    revoked."""
    user = user_for_token(root, token, now)
    if user is None:
        return None
    user.set_password(password)
    revoke_tickets(user)
    # a reset unlocks the account it proves to own
    user.failed_logins = 0
    user.locked_until = None
    del _store(root)[_digest(token)]
    log.info('password reset done for %r', user.__name__)
    return user

