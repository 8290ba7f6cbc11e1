"""Demo accounts for development: one user per role in the Tổng cục, one
Cục and one of its Chi cục."""
from .accounts import add_user
from .roles import ROLES
from .tree import root_agency

DEMO_PASSWORD = 'Demo@2026'

#: prefix of the login -> path below the Tổng cục (None: the Tổng cục)
DEMO_AGENCIES = (
    ('tc', ()),
    ('hn', ('cuc-thads-ha-noi',)),
    ('bd', ('cuc-thads-ha-noi', 'chi-cuc-thads-ba-dinh')),
)

ROLE_LOGINS = {
    'officer': 'hotro', 'specialist': 'chuyenvien', 'leader': 'lanhdao',
    'complaints_leader': 'khieunai', 'agency_admin': 'quantri',
    'web_editor': 'bientap', 'report_admin': 'baocao', 'viewer': 'theodoi',
}


def demo_logins(root):
    """(login, agency, role) of every demo account."""
    top = root_agency(root)
    result = []
    for prefix, path in DEMO_AGENCIES:
        agency = top
        for name in path:
            agency = agency[name]
        for role in ROLES:
            result.append(('%s.%s' % (ROLE_LOGINS[role], prefix), agency,
                           role))
    return result


def create_demo_users(root, registry, translate):
    """Create the demo accounts that do not exist yet; return their count.
    ``translate`` renders the role titles used as demo full names."""
    users = root['principals']['users']
    created = 0
    for login, agency, role in demo_logins(root):
        if login in users:
            continue
        user = add_user(root, registry, login, DEMO_PASSWORD,
                        '%s@example.invalid' % login,
                        full_name=translate(ROLES[role].title))
        user.must_change_password = False  # demo logins are printed
        user.assign(agency, [role])
        created += 1
    return created
