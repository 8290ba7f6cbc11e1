"""A fake case-management software for tests: a real HTTP server on a
loopback port."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    """Records each request, then answers what the receiver says."""

    def _answer(self):
        receiver = self.server.receiver
        length = int(self.headers.get('Content-Length') or 0)
        receiver.record(self.command, self.path, self.headers,
                        self.rfile.read(length))
        if receiver.gate is not None:
            receiver.gate.wait(10)
        status, headers, body = receiver.answer()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET = _answer

    def log_message(self, *args):
        pass


class Receiver(object):
    """A fake case-management software on a loopback port: keeps every
    request; answers ``status`` with ``reply`` (JSON) or ``body``."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.reply = {'ma_thu_ly': 'TL-2024-001'}
        self.body = None
        self.headers = {}
        self.gate = None          # an Event the answer waits for
        self.received = threading.Event()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(('127.0.0.1', 0), _Handler)
        self.server.receiver = self
        # a client that gave up leaves a broken pipe: not our concern
        self.server.handle_error = lambda request, address: None
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)

    @property
    def url(self):
        return 'http://127.0.0.1:%d/tiep-nhan' % self.server.server_port

    def record(self, method, path, headers, body):
        with self._lock:
            self.requests.append({'method': method, 'path': path,
                                  'headers': headers, 'body': body})
        self.received.set()

    def answer(self):
        if self.body is not None:
            body = self.body
        else:
            body = json.dumps(self.reply, ensure_ascii=False).encode(
                'utf-8')
        headers = dict({'Content-Type': 'application/json'}, **self.headers)
        return self.status, headers, body

    def json(self, index=-1):
        return json.loads(self.requests[index]['body'].decode('utf-8'))

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        if self.gate is not None:
            self.gate.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
