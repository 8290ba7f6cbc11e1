"""Right after a start, many threads render pages whose templates are not
compiled yet.  Chameleon compiling in several threads at once fails on
CPython 3.11 now and then (``SystemError: AST constructor recursion depth
mismatch``, python/cpython#106905) and a citizen got a 500: compiling is
serialized, so no two compilations ever overlap, and every page answers."""
import threading

from chameleon.template import BaseTemplate
from webob import Request

#: pages of different templates (portal, wizard, lookup, management)
PAGES = ['/', '/co-quan-thads', '/ho-tro-truc-tuyen', '/tra-cuu',
         '/tra-cuu?ma=AAA-BBB-CCC&don-vi=001', '/ho-so/AAA-BBB-CCC',
         '/ke-khai?co-quan=001&thu-tuc=HTTT01',
         '/ke-khai?co-quan=001&thu-tuc=HTTT02',
         '/ke-khai?co-quan=001&thu-tuc=HTTT03',
         '/thads/cuc-thads-ha-noi', '/manage/@@login', '/khong-co']
EXPECTED = {'/khong-co': 404}
#: how long the first compilation waits for a second one to start beside
#: it (none does when compiling is serialized)
OVERLAP_WAIT = 3


class Probe(object):
    """Counts the compilations running at once; the first one waits (a
    bounded wait, not a sleep) until another one starts, so that
    unserialized compiling is seen every time, not by luck."""

    def __init__(self, compile_):
        self.compile_ = compile_
        self.lock = threading.Lock()
        self.inside = 0
        self.most = 0
        self.compiled = 0
        self.second = threading.Event()
        self.waited = False

    def __call__(self, template, body, builtins):
        with self.lock:
            self.inside += 1
            self.compiled += 1
            self.most = max(self.most, self.inside)
            if self.inside > 1:
                self.second.set()
            wait = not self.waited
            self.waited = True
        try:
            if wait:
                self.second.wait(OVERLAP_WAIT)
            return self.compile_(template, body, builtins)
        finally:
            with self.lock:
                self.inside -= 1


def test_cold_start_compiles_one_template_at_a_time(app_factory,
                                                    monkeypatch):
    app = app_factory()          # a fresh application: nothing compiled
    wsgi = app.app
    probe = Probe(BaseTemplate._compile)
    monkeypatch.setattr(BaseTemplate, '_compile',
                        lambda self, body, builtins: probe(self, body,
                                                           builtins))
    threads = len(PAGES) * 2
    barrier = threading.Barrier(threads)
    answers, failures = [], []

    def get(path):
        try:
            barrier.wait(30)
            request = Request.blank(path, environ={
                'HTTP_HOST': 'thads.example.com',
                'REMOTE_ADDR': '127.0.0.1'})
            response = request.get_response(wsgi)
            answers.append((path, response.status_int,
                            response.text if response.status_int >= 500
                            else ''))
        except BaseException as e:    # what the server would log as 500
            failures.append((path, repr(e)))
    workers = [threading.Thread(target=get, args=(PAGES[n % len(PAGES)],))
               for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert not any(w.is_alive() for w in workers)
    assert failures == []
    assert sorted((p, s) for p, s, _t in answers) == sorted(
        (PAGES[n % len(PAGES)], EXPECTED.get(PAGES[n % len(PAGES)], 200))
        for n in range(threads)), [a for a in answers if a[1] >= 500]
    assert probe.compiled > len(PAGES)
    assert probe.most == 1, '%d compilations at once' % probe.most
