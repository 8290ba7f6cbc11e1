"""``/healthz``: no login, no personal data, the figures a load balancer
and monitoring need (the database answer is in the RelStorage tests)."""
import os
import time

from .test_mail import commit_receipt


def test_healthz_reports_the_mail_queue_without_personal_data(app):
    page = app.get('/healthz')
    assert page.headers['Cache-Control'] == 'no-store'
    assert page.json == {'status': 'ok', 'database': 'ok',
                         'case_management_backlog': 0,
                         'mail_queue': {'messages': 0, 'oldest_seconds': 0}}

    commit_receipt(app)                 # a receipt to huong@example.com
    page = app.get('/healthz')
    assert page.json['mail_queue']['messages'] == 1
    assert page.json['status'] == 'ok'
    assert 'huong' not in page.text and 'example.com' not in page.text

    # nobody has been sending for an hour: degraded, still 200 (the
    # process itself can serve)
    queue = os.path.join(app.app.registry.settings['mail.queue_path'], 'new')
    hour_ago = time.time() - 3600
    for name in os.listdir(queue):
        os.utime(os.path.join(queue, name), (hour_ago, hour_ago))
    page = app.get('/healthz')
    assert page.json['status'] == 'degraded'
    assert page.json['mail_queue']['oldest_seconds'] >= 3600
