"""httttha-backup <ini> <directory> [--full] and httttha-restore <ini>
<directory> [--date D]: back up both databases of the site (the main one
and the audit trail) while it serves, and restore them.

The embedded default (FileStorage): each database goes to its own repozo
repository (``main/``, ``audit/``: a full backup, then incremental ones),
then its blob directory is copied (``main-blobs/``, ``audit-blobs/``),
which repozo leaves out.  repozo copies the file up to its last committed
transaction, and a blob file is in place before its transaction commits,
so the copy made after it holds every blob the backup refers to (blob
files never change; later ones are extra and harmless).  Do not pack
while a backup runs.

PostgreSQL (RelStorage, blobs in the database): ``pg_dump`` of each
database in its custom format (``main-<time>.dump``…), restored with
``pg_restore`` into the (empty) databases of the ini.
"""
import argparse
import datetime
import glob
import os
import shutil
import subprocess
import sys
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from pyramid.paster import get_appsettings

from ..services.settings import MissingSetting, prepare_settings

#: the databases of a site: (name in the backup, setting of its URI)
DATABASES = (('main', 'zodbconn.uri'), ('audit', 'zodbconn.uri.audit'))


class BackupError(Exception):
    """What an administrator must fix; the message says it in Vietnamese."""


class Database(object):
    """One database of the ini: ``kind`` 'file' (``path``, ``blobs``) or
    'postgresql' (``url``, without zodburi's options)."""

    def __init__(self, name, uri):
        self.name = name
        parts = urlsplit(uri)
        if parts.scheme == 'file':
            self.kind = 'file'
            self.path = unquote(parts.path)
            self.blobs = parse_qs(parts.query).get('blobstorage_dir',
                                                   [None])[0]
        elif parts.scheme in ('postgres', 'postgresql'):
            self.kind = 'postgresql'
            self.url = urlunsplit(('postgresql', parts.netloc, parts.path,
                                   '', ''))
        else:
            raise BackupError('Chưa hỗ trợ sao lưu cơ sở dữ liệu %s (%s).'
                              % (name, parts.scheme))


def databases(settings):
    return [Database(name, settings[key]) for name, key in DATABASES
            if settings.get(key)]


def _run(command):
    done = subprocess.run(command, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if done.returncode:
        raise BackupError('Lệnh %s thất bại (%d):\n%s' % (
            os.path.basename(command[0]), done.returncode, done.stdout))
    return done.stdout


def _repozo(*args):
    return _run([sys.executable, '-m', 'ZODB.scripts.repozo'] + list(args))


def _postgresql_tool(name):
    """``pg_dump`` or ``pg_restore``: on the PATH, else Debian's newest."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob('/usr/lib/postgresql/*/bin/' + name),
                        key=lambda p: int(p.split('/')[4]))
    if not candidates:
        raise BackupError('Không tìm thấy %s: cài gói postgresql-client.'
                          % name)
    return candidates[-1]


def copy_blobs(source, target):
    """Copy the blob files of ``source`` missing from ``target`` (blob
    files never change once committed); return how many were copied.
    ``tmp`` holds uploads in progress, not blobs."""
    copied = 0
    for folder, dirs, files in os.walk(source):
        if folder == source and 'tmp' in dirs:
            dirs.remove('tmp')
        into = os.path.join(target, os.path.relpath(folder, source))
        os.makedirs(into, exist_ok=True)
        for name in files:
            destination = os.path.join(into, name)
            if not os.path.exists(destination):
                shutil.copy2(os.path.join(folder, name), destination)
                copied += 1
    return copied


def backup(settings, directory, full=False, now=None):
    """Back up every database of ``settings`` into ``directory``; return
    one line per database."""
    os.makedirs(directory, exist_ok=True)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    stamp = now.strftime('%Y-%m-%d-%H-%M-%S')
    lines = []
    for db in databases(settings):
        if db.kind == 'file':
            repository = os.path.join(directory, db.name)
            os.makedirs(repository, exist_ok=True)
            _repozo('-B', '-z', '-r', repository, '-f', db.path,
                    *(['-F'] if full else []))
            line = '%s: %s -> %s' % (db.name, db.path, repository)
            if db.blobs:
                copied = copy_blobs(db.blobs, os.path.join(
                    directory, db.name + '-blobs'))
                line += ', %d tệp blob mới' % copied
        else:
            target = os.path.join(directory, '%s-%s.dump' % (db.name, stamp))
            _run([_postgresql_tool('pg_dump'), '-Fc', '-f', target,
                  '-d', db.url])
            line = '%s: %s' % (db.name, target)
        lines.append(line)
    return lines


def restore(settings, directory, date=None):
    """Restore every database of ``settings`` from ``directory`` (as it
    was at ``date``, 'YYYY-MM-DD-hh-mm-ss', else the latest backup).  The
    targets must not hold data: nothing is ever overwritten."""
    lines = []
    for db in databases(settings):
        if db.kind == 'file':
            if os.path.exists(db.path):
                raise BackupError(
                    'Đã có %s: khôi phục vào chỗ trống (đổi tên hoặc chuyển '
                    'tệp cũ đi trước).' % db.path)
            os.makedirs(os.path.dirname(db.path), exist_ok=True)
            _repozo('-R', '-r', os.path.join(directory, db.name),
                    '-o', db.path, *(['-D', date] if date else []))
            if db.blobs:
                source = os.path.join(directory, db.name + '-blobs')
                if os.path.isdir(source):
                    copy_blobs(source, db.blobs)
            lines.append('%s: %s' % (db.name, db.path))
        else:
            dumps = sorted(glob.glob(os.path.join(
                directory, '%s-*.dump' % db.name)))
            if date:
                dumps = [d for d in dumps if os.path.basename(d)[
                    len(db.name) + 1:-len('.dump')] <= date]
            if not dumps:
                raise BackupError('Không có bản sao lưu nào của %s trong %s.'
                                  % (db.name, directory))
            _run([_postgresql_tool('pg_restore'), '--no-owner',
                  '-d', db.url, dumps[-1]])
            lines.append('%s: %s' % (db.name, dumps[-1]))
    return lines


def _settings(config_uri):
    return prepare_settings(get_appsettings(config_uri))


def _command(prog, description, arguments, run, argv):
    """A console script: parse ``argv``, print ``run(settings, args)``'s
    lines; 1 with the message on stderr when it fails."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument('config_uri')
    parser.add_argument('directory')
    for name, kw in arguments:
        parser.add_argument(name, **kw)
    args = parser.parse_args(argv)
    try:
        for line in run(_settings(args.config_uri), args):
            print(line)
    except (BackupError, MissingSetting) as e:
        print('Lỗi: %s' % e, file=sys.stderr)
        return 1
    return 0


def main(argv=None):
    """httttha-backup; returns the exit code."""
    return _command(
        'httttha-backup', 'Sao lưu cơ sở dữ liệu chính và nhật ký hệ thống.',
        [('--full', {'action': 'store_true', 'help': 'sao lưu toàn bộ (mặc '
                     'định: phần thay đổi)'})],
        lambda settings, args: backup(settings, args.directory,
                                      full=args.full), argv)


def restore_main(argv=None):
    """httttha-restore; returns the exit code."""
    return _command(
        'httttha-restore', 'Khôi phục cơ sở dữ liệu từ bản sao lưu.',
        [('--date', {'default': None, 'help': 'thời điểm '
                     'YYYY-MM-DD-hh-mm-ss (giờ UTC; mặc định: bản mới nhất)'})],
        lambda settings, args: restore(settings, args.directory,
                                       date=args.date), argv)


if __name__ == '__main__':  # pragma: no cover
    sys.exit(main())
