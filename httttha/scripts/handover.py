"""httttha-handover <ini> [--once] [--interval SECONDS]: hand the dossiers
still waiting over to the case-management software (B6).  Each dossier
is committed on its own, so one failure undoes nothing else; what fails
stays pending for the next round."""
import argparse
import logging
import sys
import time

import transaction
from pyramid.paster import bootstrap, setup_logging
from ZODB.POSException import ConflictError

from ..services.backoffice.casemanagement import deliver_pending, pending_count
from ..services.settings import MissingSetting
from . import close

log = logging.getLogger('httttha.handover')


def _commit():
    """Commit one dossier's changes; False when they could not be kept
    (a concurrent change: the dossier is tried again next round)."""
    try:
        transaction.commit()
        return True
    except ConflictError:
        transaction.abort()
        log.warning('Xung đột khi lưu kết quả chuyển hồ sơ: thử lại ở '
                    'lượt sau.')
        return False


def one_round(request, limit):
    """Deliver the pending dossiers once; return the round's counts and
    its summary line."""
    transaction.begin()          # see what committed since the last round
    try:
        done = deliver_pending(request, limit=limit, commit=_commit)
        left = pending_count(request.root)
    finally:
        transaction.abort()
    line = 'Đã chuyển %d hồ sơ, %d hồ sơ chưa chuyển được, còn %d hồ sơ ' \
           'chờ.' % (done.sent, done.failed, left)
    if done.stopped:
        line += ' Phần mềm quản lý thi hành án không trả lời: dừng lượt này.'
    return done, line


def run(request, limit, interval):
    """A round every ``interval`` seconds until interrupted; a failing
    round is logged and the next one tries again."""
    while True:
        try:
            log.info(one_round(request, limit)[1])
        except Exception:
            transaction.abort()
            log.exception('Lỗi khi chuyển hồ sơ, sẽ thử lại sau %s giây.',
                          interval)
        time.sleep(interval)


def main(argv=None):
    """The console script; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog='httttha-handover', description=__doc__.split('\n')[0])
    parser.add_argument('config_uri')
    parser.add_argument('--once', action='store_true',
                        help='chuyển một lượt rồi thoát (cho cron)')
    parser.add_argument('--interval', type=float, default=60,
                        help='số giây giữa hai lượt (mặc định 60)')
    parser.add_argument('--limit', type=int, default=100,
                        help='số hồ sơ tối đa mỗi lượt (mặc định 100)')
    args = parser.parse_args(argv)
    if args.interval <= 0:
        parser.error('--interval phải lớn hơn 0')
    if args.limit <= 0:
        parser.error('--limit phải lớn hơn 0')
    setup_logging(args.config_uri)
    try:
        env = bootstrap(args.config_uri)
    # ValueError: a setting of the handover that cannot be used (its
    # message says which, in Vietnamese)
    except (MissingSetting, ValueError) as e:
        print('Lỗi: %s' % e, file=sys.stderr)
        return 2
    request = env['request']
    request.root = env['root']
    try:
        if args.once:
            done, line = one_round(request, args.limit)
            print(line)
            if (done.failed or done.stopped) and not done.sent:
                # nothing could be handed over: cron and monitoring must
                # tell this from "nothing to hand over"
                return 1
        else:
            run(request, args.limit, args.interval)
    except KeyboardInterrupt:
        pass
    finally:
        transaction.abort()
        close(env)
    return 0


if __name__ == '__main__':  # pragma: no cover
    sys.exit(main())
