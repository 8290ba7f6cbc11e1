"""What the benchmark reads from the database before the server starts,
read-only: its files and their size on disk, sample dossiers (codes,
applicants, agencies) for the clients, and the staff logins."""
import os
import random
import urllib.parse

OFFICER_AGENCY = 'thads/cuc-thads-ha-noi/chi-cuc-thads-ba-dinh'
LEADER_AGENCY = 'thads/cuc-thads-ha-noi'
ADMIN_AGENCY = 'thads'


def file_uri(uri):
    """(Data.fs path, blob directory or None) of a ``file://`` URI."""
    if not uri or not uri.startswith('file://'):
        return None, None
    parsed = urllib.parse.urlsplit(uri)
    path = os.path.normpath(urllib.parse.unquote(parsed.path))
    query = urllib.parse.parse_qs(parsed.query)
    blobs = query.get('blobstorage_dir', [None])[0]
    return path, os.path.normpath(blobs) if blobs else None


def db_paths(settings):
    """The files and directories the databases live in."""
    paths = []
    for key in ('zodbconn.uri', 'zodbconn.uri.audit'):
        data, blobs = file_uri(settings.get(key))
        if data:
            paths += [data, data + '.index']
        if blobs:
            paths.append(blobs)
    return paths


def disk_size(path):
    """Bytes under ``path`` (a file or a directory tree)."""
    if os.path.isfile(path):
        return os.path.getsize(path)
    total = 0
    for top, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(top, name))
            except OSError:
                pass
    return total


def db_size(settings):
    """{'total': bytes, <path>: bytes} of the databases on disk."""
    sizes = {p: disk_size(p) for p in db_paths(settings) if os.path.exists(p)}
    return dict(sizes, total=sum(sizes.values()))


def _traverse(root, path):
    node = root
    for name in path.strip('/').split('/'):
        node = node[name]
    return node


def sample(settings, officer_agency=OFFICER_AGENCY, per_agency=20,
           wanted=400, seed=7):
    """Read, read-only, what the clients need from the database: sample
    dossiers (code, agency code, name, phone), the reporting year and a
    common keyword.  Taken from the officer's agency first, then from
    other agencies of the tree (never loading a whole folder)."""
    import itertools
    from collections import Counter
    from ZODB import DB
    from ZODB.FileStorage import FileStorage
    from ..catalog import fold
    data, blobs = file_uri(settings['zodbconn.uri'])
    if data is None:
        raise SystemExit('the benchmark needs a file:// database '
                         '(zodbconn.uri = %s)' % settings['zodbconn.uri'])
    storage = FileStorage(data, read_only=True, blob_dir=blobs)
    db = DB(storage)
    conn = db.open()
    try:
        root = conn.root()['app_root']
        home = _traverse(root, officer_agency)
        top = _traverse(root, ADMIN_AGENCY)
        others = [a for a in itertools.islice(top.walk(), 2000)
                  if a is not home]
        random.Random(seed).shuffle(others)
        dossiers = []
        for agency in [home] + others:
            if len(dossiers) >= wanted:
                break
            folder = agency.get('ho-so') if hasattr(agency, 'get') else None
            if folder is None:
                continue
            for dossier in itertools.islice(folder.data.values(),
                                            per_agency):
                applicant = dossier.applicant
                dossiers.append({
                    'code': dossier.code, 'agency': agency.code,
                    'name': applicant.get('full_name', ''),
                    'phone': applicant.get('phone', ''),
                    'year': (dossier.submitted.year
                             if getattr(dossier, 'submitted', None)
                             else None),
                    'home': agency is home,
                })
        staff = staff_users(root, home, _traverse(root, LEADER_AGENCY))
        from ..content.dossier import local_time
        from .data import bench_state
        state = bench_state(root)
        years = Counter(d['year'] for d in dossiers if d['year'])
        words = Counter(fold(d['name']).split()[0] for d in dossiers
                        if d['name'])
        return {
            'dossiers': dossiers,
            'year': (years.most_common(1)[0][0] if years
                     else local_time().year),
            'keyword': words.most_common(1)[0][0] if words else 'nguyen',
            'agency_code': home.code,
            'cuc_code': _traverse(root, LEADER_AGENCY).code,
            'staff': staff,
            'generated': state['dossiers'] if state else None,
        }
    finally:
        conn.close()
        db.close()


def staff_users(root, officer_agency, leader_agency):
    """The officer's and the leader's logins and password: the bench
    generator's staff (``hotro-<code>``, ``lanhdao-<code>``) when the
    database has them, else the demo users."""
    from ..services.demo import DEMO_PASSWORD
    users = root['principals']['users']
    officer = 'hotro-%s' % officer_agency.code.lower()
    leader = 'lanhdao-%s' % leader_agency.code.lower()
    if officer in users and leader in users:
        from .staff import BENCH_PASSWORD
        return {'officer': officer, 'leader': leader,
                'password': BENCH_PASSWORD}
    return {'officer': 'hotro.bd', 'leader': 'lanhdao.hn',
            'password': DEMO_PASSWORD}
