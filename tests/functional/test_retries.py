"""A lost race is tried again, with a logged, randomised back-off; when
no attempt is left the answer is 503 with Retry-After and a Vietnamese
page, never a 500."""
import logging

from pyramid.config import Configurator
from pyramid.response import Response
from ZODB.POSException import ConflictError


def add_view(app, name, failures):
    """A view ``name`` that loses ``failures`` races, then answers; the
    list it returns counts the calls."""
    calls = []

    def view(request):
        calls.append(request.environ['retry.attempt'])
        if len(calls) <= failures:
            raise ConflictError('a concurrent change')
        return Response('Đã lưu.', charset='utf-8')
    config = Configurator(registry=app.app.registry)
    config.add_view(view, name=name)
    config.commit()
    return calls


def test_a_lost_race_is_tried_again_and_logged(app, caplog):
    calls = add_view(app, 'thu-xung-dot', failures=1)
    with caplog.at_level(logging.INFO, logger='httttha.views.errors'):
        page = app.get('/thu-xung-dot')
    assert page.text == 'Đã lưu.'
    assert calls == [0, 1]
    (line,) = [r.getMessage() for r in caplog.records
               if 'trying again' in r.getMessage()]
    assert line.startswith('GET /thu-xung-dot: attempt 1 failed '
                           '(ConflictError)')


def _gave_up(caplog, attempts):
    logged = [r.getMessage() for r in caplog.records]
    assert sum('trying again' in m for m in logged) == attempts - 1
    assert any('gave up after %d attempts' % attempts in m for m in logged)
    assert not any(r.levelno >= logging.ERROR for r in caplog.records)


def test_races_lost_to_the_end_answer_503(app, caplog):
    attempts = int(app.app.registry.settings['retry.attempts'])
    calls = add_view(app, 'thu-xung-dot', failures=attempts)
    with caplog.at_level(logging.INFO, logger='httttha.views.errors'):
        page = app.get('/thu-xung-dot', status=503)
    assert calls == list(range(attempts))
    assert page.headers['Retry-After'] == '5'
    assert page.html.find('h1').get_text() == 'Hệ thống đang bận'
    assert 'Những gì đã lưu trước đó vẫn còn nguyên' in page.text
    _gave_up(caplog, attempts)


def test_the_api_answers_503_in_json(app, caplog, monkeypatch):
    from httttha.views.api import casemanagement
    attempts = int(app.app.registry.settings['retry.attempts'])
    calls = []

    def conflicting(request):
        calls.append(1)
        raise ConflictError('a concurrent change')
    monkeypatch.setattr(casemanagement, 'authorized', conflicting)
    with caplog.at_level(logging.INFO, logger='httttha.views.errors'):
        page = app.get('/api/v1/ho-so/K7Q-4M2-XD9/tep/a.pdf', status=503)
    assert len(calls) == attempts
    assert page.headers['Retry-After'] == '5'
    assert page.json['error'] == 'unavailable'
    assert 'yêu cầu chưa được lưu' in page.json['message']
    _gave_up(caplog, attempts)


def test_a_conflict_outside_the_views_answers_503(app, monkeypatch):
    """Where no exception view sees it (here the headers' subscriber),
    a conflict answers the plain 503 page with Retry-After, not 500."""
    from httttha.views import csp

    def conflicting(*args, **kw):
        raise ConflictError('a concurrent change')
    monkeypatch.setattr(csp, 'content_security_policy', conflicting)
    page = app.get('/', status=503)
    assert page.headers['Retry-After'] == '5'
    assert '<h1>Hệ thống đang bận</h1>' in page.text


def test_a_missing_object_is_tried_once_more(app, caplog):
    """A POSKeyError on a first attempt (a stale view after a database
    restart) is tried once on a fresh view; missing again, it is a real
    error (500, logged), not a busy database."""
    from ZODB.POSException import POSKeyError
    calls = []

    def view(request):
        calls.append(request.environ['retry.attempt'])
        if len(calls) == 1 or request.path_info.endswith('mat'):
            raise POSKeyError(b'\0' * 8)
        return Response('Đã lưu.', charset='utf-8')
    config = Configurator(registry=app.app.registry)
    config.add_view(view, name='thu-lai')
    config.add_view(view, name='thu-mat')
    config.commit()
    assert app.get('/thu-lai').text == 'Đã lưu.'
    assert calls == [0, 1]
    del calls[:]
    with caplog.at_level(logging.INFO, logger='httttha.views.errors'):
        page = app.get('/thu-mat', status=500)
    assert calls == [0, 1]
    assert page.html.find('h1').get_text() == 'Lỗi hệ thống'
    assert any(r.levelno == logging.ERROR for r in caplog.records)
