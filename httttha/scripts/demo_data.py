"""httttha-demo-data <ini>: create the demo accounts (development only) and
print the demo logins."""
import argparse
import sys

from ..services.demo import DEMO_PASSWORD, create_demo_users, demo_logins
from ..services.roles import ROLES
from ..services.tree import root_agency
from . import opened


def main(argv=None):
    parser = argparse.ArgumentParser(prog='httttha-demo-data',
                                     description=__doc__.split('\n')[0])
    parser.add_argument('config_uri')
    args = parser.parse_args(argv)
    with opened(args.config_uri) as (root, registry, request):
        if not registry.settings['httttha.demo']:
            print('Dữ liệu mẫu chỉ dùng khi phát triển (httttha.demo = true).',
                  file=sys.stderr)
            return 1
        if root_agency(root) is None:
            print('Hãy nạp cây cơ quan trước (httttha-load-agencies).',
                  file=sys.stderr)
            return 1
        created = create_demo_users(root, registry,
                                    request.localizer.translate)
        translate = request.localizer.translate
        logins = [(login, translate(ROLES[role].title),
                   agency.short_name or agency.title)
                  for login, agency, role in demo_logins(root)]
        settings = registry.settings
    print('Đã tạo %d tài khoản mẫu.' % created)
    print('Tài khoản mẫu (mật khẩu %s):' % DEMO_PASSWORD)
    for login, role, agency in logins:
        print('  %-16s %-40s %s' % (login, role, agency))
    print('Quản trị hệ thống: %s / %s' % (settings['substanced.initial_login'],
                                          settings['substanced.initial_password']))
    return 0


if __name__ == '__main__':  # pragma: no cover
    sys.exit(main())
