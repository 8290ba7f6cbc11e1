"""``/healthz``: whether this process can serve, for the load balancer in
front of the application processes and for monitoring.  No login and no
personal data: three figures and their verdicts, as JSON.

Only an unreachable database answers 503, so that a load balancer takes
the process out of its pool; a mail queue that is not being delivered or a
backlog for the case-management software is the whole site's trouble, not
this process's, and is reported as ``degraded`` with 200 for monitoring to
alert on (taking every process out would stop the service for nothing).
"""
import logging
import os
import time

from pyramid.response import Response
from pyramid_zodbconn import get_connection

from ..services.backoffice.casemanagement import pending_count

log = logging.getLogger(__name__)

#: a queued message older than this (seconds) means nobody is sending
MAIL_MAX_AGE = 900


def mail_queue(settings, now):
    """(messages waiting, age in seconds of the oldest) of the queue, or
    None without one."""
    path = settings.get('mail.queue_path')
    if not path:
        return None
    oldest, count = None, 0
    for sub in ('new', 'cur'):
        try:
            entries = os.scandir(os.path.join(path, sub))
        except FileNotFoundError:
            continue
        with entries:
            for entry in entries:
                if entry.name.startswith('.'):   # the sender's own marks
                    continue
                count += 1
                try:
                    mtime = entry.stat().st_mtime
                except FileNotFoundError:        # sent meanwhile
                    continue
                oldest = mtime if oldest is None else min(oldest, mtime)
    return count, (0 if oldest is None else max(0, int(now - oldest)))


def _reach(storage):
    """Raise unless ``storage``'s database server answers.  RelStorage is
    asked on a connection of its own: opening a ZODB connection while
    PostgreSQL is down leaves a half-opened one in the pool, which then
    fails the database's close at shutdown."""
    manager = getattr(getattr(storage, '_adapter', None), 'connmanager',
                      None)
    if manager is not None:                     # a FileStorage is local
        conn, cursor = manager.open()
        manager.close(conn, cursor)


def health(request):
    """The figures and the HTTP status they give."""
    settings = request.registry.settings
    report = {'database': 'ok'}
    backlog = None
    try:
        _reach(request.registry._zodb_databases[''].storage)
        root = get_connection(request).root()['app_root']
        backlog = pending_count(root)
    except Exception:                           # any way of being down
        log.warning('healthz: the database cannot be read', exc_info=True)
        report['database'] = 'unreachable'
    status = 'ok' if backlog is not None else 'down'
    report['case_management_backlog'] = backlog
    queue = mail_queue(settings, time.time())
    if queue is not None:
        count, age = queue
        report['mail_queue'] = {'messages': count, 'oldest_seconds': age}
        if age > int(settings.get('httttha.healthz_mail_max_age',
                                  MAIL_MAX_AGE)) and status == 'ok':
            status = 'degraded'
    report['status'] = status
    return report


def healthz(request):
    report = health(request)
    response = Response(json_body=report, charset='utf-8',
                        status=503 if report['status'] == 'down' else 200)
    response.cache_control = 'no-store'
    if report['status'] == 'down':
        response.headers['Retry-After'] = '30'
    return response


def includeme(config):
    # a route of its own, with no root factory: the substanced root
    # factory would open the database before the view could tell it is
    # down
    config.add_route('healthz', '/healthz', factory=lambda request: None)
    config.add_view(healthz, route_name='healthz', request_method=('GET',
                                                                   'HEAD'))
