"""httttha-demo-data <ini>: create the demo accounts and dossiers
(development only) and print the demo logins.  Idempotent: a second run
adds nothing."""
import argparse
import sys
import time

from ..services.demo import (
    DEMO_PASSWORD,
    create_demo_dossiers,
    create_demo_reports,
    create_demo_users,
    create_regional_staff,
    demo_dossiers,
    demo_logins,
    regional_logins,
)
from ..services.accounts.roles import ROLES
from ..services.administration.tree import root_agency
from . import opened


def main(argv=None):
    parser = argparse.ArgumentParser(prog='httttha-demo-data',
                                     description=__doc__.split('\n')[0])
    parser.add_argument('config_uri')
    args = parser.parse_args(argv)
    started = time.time()
    with opened(args.config_uri) as (root, registry, request):
        if not registry.settings['httttha.demo']:
            print('Dữ liệu mẫu chỉ dùng khi phát triển (httttha.demo = true).',
                  file=sys.stderr)
            return 1
        if root_agency(root) is None:
            print('Hãy nạp cây cơ quan trước (httttha-load-agencies).',
                  file=sys.stderr)
            return 1
        translate = request.localizer.translate
        created = create_demo_users(root, registry, translate)
        created += create_regional_staff(root, registry)
        dossiers = create_demo_dossiers(root, registry, request)
        create_demo_reports(root, registry, request)
        logins = [(login, translate(ROLES[role].title),
                   agency.short_name or agency.title)
                  for login, agency, role in demo_logins(root)]
        regional = [(login, translate(ROLES[role].title),
                     agency.short_name or agency.title)
                    for login, agency, role in regional_logins(root)]
        total = len(demo_dossiers(root))
        settings = registry.settings
    print('Đã tạo %d tài khoản mẫu và %d hồ sơ mẫu (%.1f giây); có %d hồ sơ '
          'mẫu.' % (created, dossiers, time.time() - started, total))
    print('Tài khoản mẫu (mật khẩu %s):' % DEMO_PASSWORD)
    for login, role, agency in logins:
        print('  %-16s %-40s %s' % (login, role, agency))
    print('Cán bộ mẫu ở một Chi cục của mỗi Cục (mật khẩu %s):'
          % DEMO_PASSWORD)
    for login, role, agency in regional:
        print('  %-16s %-40s %s' % (login, role, agency))
    print('Quản trị hệ thống: %s / %s' % (settings['substanced.initial_login'],
                                          settings['substanced.initial_password']))
    return 0


if __name__ == '__main__':  # pragma: no cover
    sys.exit(main())
