"""The server under test, in a process of its own so that the clients do
not share its GIL: the application (or a bare Pyramid "hello", the
machine's baseline) under waitress on a free loopback port, started as
``python -m httttha.bench.server serve|hello INI PORT [key=value …]``;
its peak RSS is read from ``/proc/<pid>/status``."""
import configparser
import os
import socket
import subprocess
import sys
import tempfile
import time

#: the application's settings for the benchmark server: no CAPTCHA (it
#: is the only way for a program to submit), and no throttling of the one
#: loopback address all clients come from
SERVER_OVERRIDES = {
    'httttha.captcha': 'false',
    'httttha.submit_limit': '1000000000',
    'httttha.draft_limit': '1000000000',
    'httttha.lookup_failures': '1000000000',
    'httttha.lookup_client_failures': '1000000000',
    'retry.attempts': '10',
    'pyramid.reload_templates': 'false',
    'pyramid.debug_authorization': 'false',
    'pyramid.debug_notfound': 'false',
    'pyramid.debug_routematch': 'false',
}


def read_ini(ini):
    """(application settings, waitress settings) of ``ini``."""
    from pyramid.paster import get_appsettings
    app = dict(get_appsettings(ini))
    parser = configparser.ConfigParser(
        defaults={'here': os.path.dirname(os.path.abspath(ini)),
                  '__file__': os.path.abspath(ini)},
        interpolation=configparser.BasicInterpolation())
    parser.read(ini)
    server = {}
    if parser.has_section('server:main'):
        server = {k: v for k, v in parser.items('server:main')
                  if k not in ('use', 'listen', 'host', 'port', 'here',
                               '__file__')}
    return app, server


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def hello_app():
    """A bare Pyramid application with one view: the baseline."""
    from pyramid.config import Configurator
    from pyramid.response import Response

    def hello(request):
        return Response('hello')
    config = Configurator()
    config.add_view(hello)
    return config.make_wsgi_app()


def serve(argv):
    """Entry point of the server process: ``serve|hello INI PORT
    [key=value …]`` (application settings overrides)."""
    kind, ini, port = argv[0], argv[1], int(argv[2])
    import waitress
    app_settings, server_settings = read_ini(ini)
    if kind == 'hello':
        app = hello_app()
    else:
        from .. import main
        app_settings.update(dict(a.split('=', 1) for a in argv[3:]))
        for key in ('mail.queue_path', 'substanced.uploads_tempdir'):
            if app_settings.get(key):
                # made before the first request: a cold server's threads
                # would race to create the mail queue
                os.makedirs(app_settings[key], exist_ok=True)
        app = main({}, **app_settings)
    server_settings.setdefault('ident', 'httttha-bench')
    print('serving %s on 127.0.0.1:%d' % (kind, port), flush=True)
    waitress.serve(app, listen='127.0.0.1:%d' % port, _quiet=True,
                   **server_settings)


class Server(object):
    """The application (or the hello baseline) in a process of its own."""

    def __init__(self, kind, ini, overrides=None):
        self.kind = kind
        self.port = free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        self.log = tempfile.NamedTemporaryFile(
            prefix='httttha-bench-%s-' % kind, suffix='.log', delete=False)
        command = [sys.executable, '-m', 'httttha.bench.server',
                   kind, ini, str(self.port)]
        command += ['%s=%s' % item for item in (overrides or {}).items()]
        # two malloc arenas, as the production unit
        # (deploy/systemd/httttha@.service) sets them
        env = dict(os.environ)
        env.setdefault('MALLOC_ARENA_MAX', '2')
        self.process = subprocess.Popen(
            command, stdout=self.log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, env=env)
        self.pid = self.process.pid

    def wait(self, timeout=300):
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError('the %s server exited (%s):\n%s' % (
                    self.kind, self.process.returncode, self.log_tail()))
            try:
                with socket.create_connection(('127.0.0.1', self.port),
                                              timeout=0.5):
                    return self
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError('the %s server did not start:\n%s'
                                       % (self.kind, self.log_tail()))
                time.sleep(0.1)

    def log_tail(self, chars=4000):
        with open(self.log.name, errors='replace') as f:
            return f.read()[-chars:]

    def memory(self):
        """{'peak_rss_bytes', 'rss_bytes'} from /proc (VmHWM, VmRSS)."""
        values = {}
        try:
            with open('/proc/%d/status' % self.pid) as f:
                for line in f:
                    key, _, rest = line.partition(':')
                    if key in ('VmHWM', 'VmRSS'):
                        values[key] = int(rest.split()[0]) * 1024
        except OSError:
            pass
        return {'peak_rss_bytes': values.get('VmHWM'),
                'rss_bytes': values.get('VmRSS')}

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.log.close()

    def __enter__(self):
        return self.wait()

    def __exit__(self, *exc):
        self.stop()


if __name__ == '__main__':
    serve(sys.argv[1:])
