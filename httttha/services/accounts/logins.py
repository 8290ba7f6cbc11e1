"""Staff accounts: logins with lockout after repeated failures (the
password and login rules themselves are the user's, in content.user),
throttling per client address, revocable auth tickets, the
session cookie's JSON serializer, and the group finder that turns roles
into principals."""
import datetime
import hashlib
import json
import logging
import secrets
import threading

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from pyramid.authentication import (
    AuthTktAuthenticationPolicy,
    AuthTktCookieHelper,
)
from pyramid.i18n import TranslationString
from pyramid.security import remember
from substanced.principal import DefaultUserLocator, User
from substanced.objectmap import find_objectmap
from substanced.util import find_service

from ...content.user import (  # noqa: F401 (the account rules' names)
    LOGIN_RULE,
    MIN_LENGTH,
    WeakPassword,
    check_password_policy,
    login_validator,
    password_problem,
    password_validator,
    revoke_tickets,
)
from .roles import ROLES, role_principal
from ...permissions import STAFF
from ..administration import audit
from ..intake.scratch import ensure_scratch, hit, sweep

log = logging.getLogger('httttha.security')

def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


class Lockout(object):
    """Counts failed logins on an account and locks it for a while.

    The account is a user, or for a login that does not exist a
    :class:`Shadow` kept the same way: both answer alike.  Failures older
    than the lockout duration are forgotten."""

    def __init__(self, settings):
        self.attempts = int(settings.get('httttha.lockout_attempts', 5))
        self.duration = datetime.timedelta(
            minutes=int(settings.get('httttha.lockout_minutes', 15)))

    def is_locked(self, user, now=None):
        until = getattr(user, 'locked_until', None)
        return until is not None and (now or utcnow()) < until

    def failed(self, user, now=None):
        """Record a failure; return True when it locks the account."""
        now = now or utcnow()
        last = getattr(user, 'last_failed_at', None)
        count = getattr(user, 'failed_logins', 0)
        if last is not None and now - last > self.duration:
            count = 0
        user.failed_logins = count + 1
        user.last_failed_at = now
        if user.failed_logins >= self.attempts:
            user.locked_until = now + self.duration
            user.failed_logins = 0
            return True
        return False

    def succeeded(self, user):
        if getattr(user, 'failed_logins', 0) or getattr(
                user, 'locked_until', None):
            user.failed_logins = 0
            user.locked_until = None


class Shadow(Persistent):
    """The lockout state of a login that does not exist, so that it locks
    and unlocks exactly as a real account would."""
    failed_logins = 0
    locked_until = None
    last_failed_at = None


def _shadow(root, login, create):
    scratch = ensure_scratch(root)
    shadows = getattr(scratch, 'login_shadows', None)
    if shadows is None:
        if not create:
            return None
        shadows = scratch.login_shadows = OOBTree()
    key = hashlib.sha256(login.encode('utf-8')).hexdigest()
    shadow = shadows.get(key)
    if shadow is None and create:
        # sweep first: a new shadow has no failure yet and would look idle
        _sweep_shadows(shadows)
        shadow = shadows[key] = Shadow()
    return shadow


def _sweep_shadows(shadows, limit=20):
    """Forget a few shadows idle for a day, from a random point (keys are
    hashes): bounded work, and the tree does not grow for ever."""
    now = utcnow()
    start = secrets.token_hex(32)
    for key in list(shadows.keys(min=start))[:limit]:
        shadow = shadows[key]
        last = shadow.last_failed_at
        if (last is None or now - last > datetime.timedelta(days=1)) and \
                not (shadow.locked_until and shadow.locked_until > now):
            del shadows[key]


_dummy = {}
_dummy_lock = threading.Lock()


def _dummy_hash():
    """A bcrypt hash of nothing anyone knows, made as costly as the real
    ones: an unknown login is checked against it."""
    with _dummy_lock:
        if 'hash' not in _dummy:
            _dummy['hash'] = User.pwd_manager.encode(
                secrets.token_urlsafe(24))
        return _dummy['hash']


def _check(user, password):
    try:
        if user is None:
            User.pwd_manager.check(_dummy_hash(), password[:4096])
            return False
        return user.check_password(password)
    except (ValueError, TypeError):
        return False


CLIENT_BUCKET = 'login-client'


def _client_window(settings):
    return int(settings.get('httttha.lockout_minutes', 15)) * 60


def client_blocked(request):
    """Whether the client address made too many failed logins lately."""
    settings = request.registry.settings
    counters = ensure_scratch(request.root).counters
    return not hit(counters, CLIENT_BUCKET, request.client_addr or '-',
                   int(settings.get('httttha.login_client_failures', 20)),
                   _client_window(settings), count=False)


def _count_client_failure(request):
    settings = request.registry.settings
    counters = ensure_scratch(request.root).counters
    sweep(counters)
    hit(counters, CLIENT_BUCKET, request.client_addr or '-',
        int(settings.get('httttha.login_client_failures', 20)),
        _client_window(settings))


def authenticate(request, login, password, now=None):
    """Check a login; return ``(user, outcome)`` where outcome is one of
    'ok', 'unknown', 'wrong', 'locked' (now or already), 'disabled'
    (locked by an administrator) or 'throttled' (too many failures from
    this client address).

    An unknown login costs the same password hashing and the same kind of
    write as a real one, and locks the same way (through a shadow), so
    neither the time nor the answer tells whether the account exists."""
    address = request.client_addr
    if client_blocked(request):
        log.warning('login refused: too many failures from %s', address)
        audit.record(request, 'login.throttled', user=login or '')
        return None, 'throttled'
    locator = StaffUserLocator(request.context, request)
    user = locator.get_user_by_login(login)
    good = _check(user, password or '')
    account = user if user is not None else _shadow(
        request.root, login or '', create=True)
    lockout = Lockout(request.registry.settings)
    if lockout.is_locked(account, now):
        log.warning('login refused: %r is locked (from %s)', login, address)
        _count_client_failure(request)
        audit.record(request, 'login.locked', user=login or '',
                     agency=audit.agency_of(user))
        return user, 'locked'
    if user is None or not good:
        locked = lockout.failed(account, now)
        _count_client_failure(request)
        log.warning('login failed: %s for %r from %s%s',
                    'unknown login' if user is None else 'wrong password',
                    login, address, ' - account locked' if locked else '')
        audit.record(request, 'login.locked' if locked else 'login.failure',
                     user=login or '', agency=audit.agency_of(user),
                     reason='unknown' if user is None else 'wrong')
        if locked:
            return user, 'locked'
        return user, 'unknown' if user is None else 'wrong'
    lockout.succeeded(user)
    if getattr(user, 'disabled', False):
        # said only to whoever knows the password: the answer tells
        # nobody else that the account exists
        log.warning('login refused: %r is locked by an administrator '
                    '(from %s)', login, address)
        return user, 'disabled'
    log.info('login: %r from %s', login, address)
    audit.record(request, 'login.success', user=user)
    return user, 'ok'


# -- auth tickets ---------------------------------------------------------

def ticket_token(user):
    """The token an auth ticket of ``user`` must carry: it changes when
    the user logs out or the password changes, which revokes every
    ticket issued before."""
    return 'g' + (getattr(user, 'ticket_generation', None) or '0')


def remember_user(request, user):
    """The headers that log ``user`` in with a ticket of its generation."""
    from substanced.util import get_oid
    return remember(request, get_oid(user), tokens=(ticket_token(user),))


class HostOnlyCookieHelper(AuthTktCookieHelper):
    """Pyramid 1.9 always adds a copy of the ticket with ``Domain=<host>``
    (sent to every subdomain too): set only the host-only cookie."""

    def _get_cookies(self, request, value, max_age=None):
        kw = {'domains': [None]}
        if max_age is not None:
            kw['max_age'] = max_age
        return self.cookie_profile(request).get_headers(value, **kw)

    def identify(self, request):
        """The ticket, read and checked once per request: every
        permission check asks for it (a staff page makes dozens)."""
        # by the cookies too: scripts acting as several users in turn
        # give one request each user's ticket (``bench.staff``)
        memo = request.__dict__.setdefault('_httttha_identity', {})
        key = (self, request.environ.get('HTTP_COOKIE'))
        if key not in memo:
            memo[key] = AuthTktCookieHelper.identify(self, request)
        return memo[key]


class StaffAuthenticationPolicy(AuthTktAuthenticationPolicy):
    """Substanced's ticket policy with a host-only cookie, refusing
    tickets of an older generation than the user's (revoked by logout or
    a password change)."""

    def __init__(self, secret, callback, **kw):
        self._groupfinder = callback
        AuthTktAuthenticationPolicy.__init__(
            self, secret, callback=self._checked_groups, **kw)
        self.cookie.__class__ = HostOnlyCookieHelper

    def _checked_groups(self, userid, request):
        memo = request.__dict__.setdefault('_httttha_ticket', {})
        if userid not in memo:
            memo[userid] = None
            identity = self.cookie.identify(request) or {}
            context = getattr(request, 'context', None) or request.root
            user = StaffUserLocator(context, request).get_user_by_userid(
                userid)
            # a ticket without token (issued before tickets had one)
            # counts as generation 0: valid until the first logout or
            # password change
            tokens = tuple(filter(None, identity.get('tokens') or ())) or (
                'g0',)
            if user is not None and ticket_token(user) in tokens and \
                    not getattr(user, 'disabled', False):
                memo[userid] = self._groupfinder(userid, request)
        return memo[userid]


# -- session cookie -------------------------------------------------------

class SessionSerializer(object):
    """JSON for the session cookie (never pickle: a forged cookie must not
    run code).  Translation strings flashed into the session come back as
    such."""

    def dumps(self, value):
        return json.dumps(_tag(value), separators=(',', ':')).encode('utf-8')

    def loads(self, data):
        try:
            return json.loads(data.decode('utf-8'), object_hook=_untag)
        except (UnicodeDecodeError, TypeError, KeyError) as error:
            raise ValueError(error)


def _tag(value):
    if isinstance(value, TranslationString):
        return {'__ts__': [str(value), value.domain, value.default,
                           {k: str(v) for k, v in
                            (value.mapping or {}).items()}]}
    if isinstance(value, dict):
        return {str(k): _tag(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_tag(v) for v in value]
    return value


def _untag(obj):
    if '__ts__' in obj and len(obj) == 1:
        msgid, domain, default, mapping = obj['__ts__']
        return TranslationString(msgid, domain=domain, default=default,
                                 mapping=mapping or None)
    return obj


class StaffUserLocator(DefaultUserLocator):
    """Adds each user's role principals to its groups."""

    def get_user_by_login(self, login):
        users = find_service(self.context, 'principals', 'users')
        if users is None or not login:
            return None
        return users.get(login)

    def get_groupids(self, userid):
        # asked at every permission check (a page's tabs make dozens):
        # worked out once per request and user
        memo = self.request.__dict__.setdefault('_httttha_groupids', {})
        if userid not in memo:
            memo[userid] = self._groupids(userid)
        return memo[userid]

    def _groupids(self, userid):
        user = self.get_user_by_userid(userid)
        if user is None:
            return None
        groupids = list(user.groupids)
        agency_oid = getattr(user, 'agency_oid', None)
        if agency_oid is not None:
            groupids.append(STAFF)
            groupids.extend(role_principal(role, agency_oid)
                            for role in getattr(user, 'roles', ())
                            if role in ROLES)
        return groupids


def user_agency(user):
    """The agency a user belongs to, or None."""
    oid = getattr(user, 'agency_oid', None)
    if oid is None:
        return None
    return find_objectmap(user).object_for(oid)


def add_user(context, registry, name, password, email, full_name='',
             job_title=''):
    """Create a staff user (who must change the password at first login)."""
    users = find_service(context, 'principals', 'users')
    user = registry.content.create('User', password=password, email=email,
                                   full_name=full_name, job_title=job_title)
    users.add(name, user, registry=registry)
    return user
