"""A throwaway PostgreSQL server in a temporary directory (Debian's
binaries), for the RelStorage tests and the scale-out benchmark."""
import glob
import os
import shutil
import socket
import subprocess
import tempfile

DATABASES = ('httttha', 'httttha_audit')


def bin_dir():
    """The newest PostgreSQL's bin directory, or None."""
    found = sorted(glob.glob('/usr/lib/postgresql/*/bin/initdb'),
                   key=lambda p: int(p.split('/')[4]))
    return os.path.dirname(found[-1]) if found else None


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


#: ZODB's default connection cache is 400 objects and RelStorage's
#: shared one 10 MB: the users of the whole tree then took 7.4 s (p95) on
#: PostgreSQL, reloading every user at each request, against 0.3 s on
#: FileStorage with 40 000 objects (README "Performance")
CACHES = '&connection_cache_size=40000&cache_local_mb=200'


class PostgreSQL(object):
    """A server in a temporary directory; ``uri(db, blob_dir)`` gives the
    zodburi RelStorage URI of one of its databases."""

    def __init__(self, bindir):
        self.bindir = bindir
        # not under pytest's tmp dir: that is root-only (0700), and the
        # server runs as the postgres user when we are root
        self.base = tempfile.mkdtemp(prefix='httttha-pg-')
        self.data = os.path.join(self.base, 'data')
        self.sockets = os.path.join(self.base, 'run')
        self.log = os.path.join(self.base, 'postgresql.log')
        os.mkdir(self.sockets)
        self.as_root = os.geteuid() == 0
        if self.as_root:
            # PostgreSQL refuses to run as root
            import pwd
            pw = pwd.getpwnam('postgres')
            for path in (self.base, self.sockets):
                os.chown(path, pw.pw_uid, pw.pw_gid)
        self.port = _free_port()

    def run(self, name, *args):
        command = [os.path.join(self.bindir, name)] + list(args)
        if self.as_root:
            command = ['runuser', '-u', 'postgres', '--'] + command
        done = subprocess.run(command, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True,
                              stdin=subprocess.DEVNULL)
        if done.returncode:
            log = ''
            if os.path.exists(self.log):
                with open(self.log) as f:
                    log = f.read()[-3000:]
            raise RuntimeError('%s failed (%d):\n%s\n%s' % (
                ' '.join(command), done.returncode, done.stdout, log))
        return done.stdout

    def start(self):
        # no fsync: the data is thrown away, and it makes initdb fast
        self.run('initdb', '-D', self.data, '-A', 'trust', '-U', 'postgres',
                 '-E', 'UTF8', '--no-sync')
        self.resume()
        for name in DATABASES:
            self.createdb(name)

    def createdb(self, name):
        """A new empty database ``name``."""
        self.run('createdb', '-h', '127.0.0.1', '-p', str(self.port),
                 '-U', 'postgres', name)

    def resume(self):
        """Start the server on its data (again, after ``pause``)."""
        # -l: the server must not hold our stdout pipe open
        self.run('pg_ctl', '-D', self.data, '-l', self.log, '-w', '-o',
                 '-k %s -p %d -c listen_addresses=127.0.0.1 -c fsync=off '
                 '-c synchronous_commit=off -c full_page_writes=off' % (
                     self.sockets, self.port), 'start')

    def pause(self):
        """Stop the server as an administrator's restart does, keeping
        its data."""
        self.run('pg_ctl', '-D', self.data, '-m', 'fast', '-w', 'stop')

    def stop(self):
        if os.path.exists(os.path.join(self.data, 'postmaster.pid')):
            self.run('pg_ctl', '-D', self.data, '-m', 'fast', '-w', 'stop')
        shutil.rmtree(self.base, ignore_errors=True)

    def uri(self, dbname, blob_dir):
        """RelStorage with a private blob cache: instances on different
        machines share nothing but the database.  The object caches are
        the production example's (deploy/httttha.env.example)."""
        return ('postgres://postgres@127.0.0.1:%d/%s?shared_blob_dir=false'
                '&blob_dir=%s&blob_cache_size=100mb%s' % (
                    self.port, dbname, blob_dir, CACHES))
