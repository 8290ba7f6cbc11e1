"""The benchmark's staff: an officer, a specialist and a leader at every
agency (one password, hashed once), and acting as one of them through
the real authentication policy."""
import transaction
from substanced.util import get_oid

from ..services.accounts.logins import add_user, remember_user
from .people import person_name

BENCH_PASSWORD = 'Bench@2026'

#: staff made at every agency: (login prefix, role)
STAFF_ROLES = (('hotro', 'officer'), ('chuyenvien', 'specialist'),
               ('lanhdao', 'leader'))


def staff_login(prefix, agency):
    return '%s-%s' % (prefix, agency.code.lower())


class OneHash(object):
    """A password manager that hashes the bench password once: every
    bench user has the same password, and bcrypt costs a quarter of a
    second a user.  Checking is the real manager's."""

    def __init__(self, real):
        self.real = real
        self.cache = {}

    def encode(self, password):
        if password not in self.cache:
            self.cache[password] = self.real.encode(password)
        return self.cache[password]

    def check(self, encoded, password):
        return self.real.check(encoded, password)


def ensure_staff(root, registry, agencies, rng, log=print):
    """Create the staff users (``STAFF_ROLES``) of every agency that does
    not have them yet; returns how many were created."""
    users = root['principals']['users']
    created = 0
    user_class = type(registry.content.create('User'))
    real = user_class.__dict__.get('pwd_manager')
    user_class.pwd_manager = OneHash(user_class.pwd_manager)
    try:
        for agency in agencies:
            for prefix, role in STAFF_ROLES:
                login = staff_login(prefix, agency)
                if login in users:
                    continue
                sex = rng.choice('mf')
                user = add_user(root, registry, login, BENCH_PASSWORD,
                                '%s@bench.invalid' % login,
                                full_name=person_name(rng, sex))
                user.must_change_password = False
                user.assign(agency, [role])
                created += 1
            if created and created % 600 == 0:
                transaction.commit()
    finally:
        if real is None:
            del user_class.pwd_manager
        else:
            user_class.pwd_manager = real
    return created


# -- acting as a staff member -------------------------------------------------

class Staff(object):
    """The staff of every agency, by role, and the auth ticket each one's
    requests carry (renewed every batch: tickets time out)."""

    def __init__(self, root, request, agencies):
        self.request = request
        users = root['principals']['users']
        self.users = {}
        for agency in agencies:
            for prefix, role in STAFF_ROLES:
                user = users[staff_login(prefix, agency)]
                self.users[get_oid(agency), role] = user
        self.cookies = {}

    def renew(self):
        self.cookies.clear()

    def user(self, agency_oid, role):
        return self.users[agency_oid, role]

    def become(self, user):
        """Make ``request`` the request of ``user``: the real policy
        reads the ticket and the group finder gives the role
        principals."""
        request = self.request
        oid = get_oid(user)
        cookie = self.cookies.get(oid)
        if cookie is None:
            request.environ.pop('HTTP_COOKIE', None)
            headers = remember_user(request, user)
            cookie = self.cookies[oid] = headers[0][1].split(';')[0]
        request.environ['HTTP_COOKIE'] = cookie
        request.user = user     # substanced's reified request.user
