"""httttha-load-agencies <ini> <file>: create or update the agency tree from
a CSV or YAML file.  Idempotent: agencies are matched by code."""
import argparse
import sys
import time

from ..services.administration.tree import TreeError, load_tree, read_rows
from . import opened


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='httttha-load-agencies', description=__doc__.split('\n')[0])
    parser.add_argument('config_uri')
    parser.add_argument('file')
    parser.add_argument('--if-empty', action='store_true',
                        help='do nothing when the tree is already loaded')
    args = parser.parse_args(argv)
    started = time.time()
    try:
        rows = read_rows(args.file)
        with opened(args.config_uri) as (root, registry, request):
            if args.if_empty and 'thads' in root:
                print('Cây cơ quan đã có, không nạp lại.')
                return 0
            counts = load_tree(root, rows, registry)
    except (TreeError, OSError) as e:
        print('Lỗi: %s' % e, file=sys.stderr)
        return 1
    print('Đã nạp %d cơ quan: %d thêm mới, %d cập nhật, %d không đổi '
          '(%.1f giây).' % (len(rows), counts['created'], counts['updated'],
                           counts['unchanged'], time.time() - started))
    return 0


if __name__ == '__main__':  # pragma: no cover
    sys.exit(main())
