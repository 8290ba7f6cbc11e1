"""Staff accounts: password policy (seed 001, Điều 8), lockout after repeated
failures, and the group finder that turns roles into principals."""
import datetime
import logging
import colander
from substanced.principal import DefaultUserLocator
from substanced.objectmap import find_objectmap
from substanced.util import find_service

from .. import _
from .roles import ROLES, role_principal

log = logging.getLogger('httttha.security')

MIN_LENGTH = 8


class WeakPassword(ValueError):
    """The password does not follow the policy."""


def password_problem(password):
    """A translatable message saying what the password lacks, or None."""
    if len(password or '') < MIN_LENGTH:
        return _('password-too-short',
                 default='The password must have at least ${n} characters.',
                 mapping={'n': MIN_LENGTH})
    if not any(c.isupper() for c in password):
        return _('The password must contain an upper-case letter.')
    if not any(c.islower() for c in password):
        return _('The password must contain a lower-case letter.')
    if all(c.isalnum() for c in password):
        return _('The password must contain a special character '
                 '(for example ! @ # $ %).')
    if len(password) > 100:
        return _('The password may have at most 100 characters.')
    return None


def check_password_policy(password):
    """Raise :class:`WeakPassword` if ``password`` breaks the policy."""
    problem = password_problem(password)
    if problem is not None:
        raise WeakPassword(problem)


def password_validator(node, value):
    """Colander validator enforcing the password policy."""
    problem = password_problem(value)
    if problem is not None:
        raise colander.Invalid(node, problem)


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


class Lockout(object):
    """Counts failed logins on a user and locks the account for a while."""

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
        user.failed_logins = getattr(user, 'failed_logins', 0) + 1
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


def authenticate(request, login, password, now=None):
    """Check a login; return ``(user, outcome)`` where outcome is one of
    'ok', 'unknown', 'wrong', 'locked' (now or already)."""
    locator = StaffUserLocator(request.context, request)
    user = locator.get_user_by_login(login)
    address = request.client_addr
    if user is None:
        log.warning('login failed: unknown login %r from %s', login, address)
        return None, 'unknown'
    lockout = Lockout(request.registry.settings)
    if lockout.is_locked(user, now):
        log.warning('login refused: %r is locked (from %s)', login, address)
        return user, 'locked'
    try:
        good = user.check_password(password)
    except ValueError:
        good = False
    if not good:
        locked = lockout.failed(user, now)
        log.warning('login failed: wrong password for %r from %s%s', login,
                    address, ' - account locked' if locked else '')
        return user, 'locked' if locked else 'wrong'
    lockout.succeeded(user)
    log.info('login: %r from %s', login, address)
    return user, 'ok'


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
