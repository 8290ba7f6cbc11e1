"""Short-lived server-side state: wizard drafts with their uploads,
CAPTCHA challenges and throttling counters.

It lives in the same database as everything else (so several processes on
RelStorage share it) but in its own BTrees, whose keys start with the
fixed-width hex second at which the entry expires: sweeping is then a range
scan of the oldest keys, never a walk of the whole tree, and the random
rest of a key keeps it unguessable.
"""
import itertools
import secrets
import time

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.mapping import PersistentMapping
from substanced.event import subscribe_root_added
from ZODB.blob import Blob

ATTR = '__httttha_scratch__'


class Scratch(Persistent):
    """The stores, hung on the application root."""

    #: bytes uploaded into drafts: a ``BTrees.Length`` per hour, under the
    #: key of the hour the last draft of that hour expires (made on the
    #: first upload: sites made before it have none)
    uploads = None

    def __init__(self):
        self.drafts = OOBTree()
        self.captchas = OOBTree()
        self.counters = OOBTree()


def ensure_scratch(root):
    """The root's scratch stores, created when missing (new sites get them
    from the root-added subscriber, older ones from an evolve step)."""
    scratch = getattr(root, ATTR, None)
    if scratch is None:
        scratch = Scratch()
        setattr(root, ATTR, scratch)
    return scratch


def expiring_key(lifetime, now=None):
    """A new random key for an entry that lives ``lifetime`` seconds."""
    now = time.time() if now is None else now
    return '%010x-%s' % (int(now + lifetime), secrets.token_urlsafe(18))


def expired(key, now=None):
    """Whether an entry stored under ``key`` has expired."""
    now = time.time() if now is None else now
    try:
        return int(key.split('-', 1)[0], 16) <= now
    except (ValueError, AttributeError):
        return True


def sweep(store, now=None, limit=100):
    """Remove up to ``limit`` expired entries of ``store``; return how many.
    Bounded so that no request pays for a long backlog."""
    now = time.time() if now is None else now
    # every key expiring at second <= now sorts below the next second's
    # bare prefix ('xxxxxxxxxx-...' > 'xxxxxxxxxx')
    stale = list(itertools.islice(
        store.keys(max='%010x' % (int(now) + 1)), limit))
    for key in stale:
        del store[key]
    return len(stale)


def hit(counters, bucket, client, limit, window, now=None, count=True):
    """Whether ``client`` is under ``limit`` attempts at ``bucket`` in the
    current fixed window of ``window`` seconds; with ``count`` the attempt
    is counted (only when allowed).

    The attempts of one client in one window are a ``BTrees.Length``
    under one key: the first attempt adds the key, the next ones only
    change the counter, and ZODB adds up the changes of concurrent
    attempts (from one NAT, one proxy, a double click) where incrementing
    an integer in the tree, or adding an entry to it for each attempt,
    made them conflict.  Attempts in flight at the same moment may
    therefore exceed ``limit`` by their number."""
    now = time.time() if now is None else now
    end = (int(now) // window + 1) * window
    key = '%010x-%s-%s' % (end, bucket, client)
    counter = counters.get(key)
    attempts = counter() if counter is not None else 0
    if attempts < limit:
        # entries of one attempt each, as stored before (value 1), until
        # their window ends; the random part is hex, below '~'
        attempts += sum(1 for _key in itertools.islice(
            counters.keys(min=key + '-', max=key + '-~'), limit))
    if attempts >= limit:
        return False
    if count:
        if counter is None:
            counters[key] = Length(1)
        else:
            counter.change(1)
    return True


#: the upload counters' window (seconds)
UPLOAD_WINDOW = 3600


def uploaded(scratch, now=None):
    """The bytes uploaded into drafts that may still be kept: an upper
    bound of what the drafts hold, from at most a day's hourly counters,
    without loading a draft."""
    if scratch.uploads is None:
        return 0
    now = time.time() if now is None else now
    return sum(counter() for counter in scratch.uploads.values(
        min='%010x' % (int(now) + 1)))


def count_upload(scratch, size, lifetime, now=None):
    """Count ``size`` bytes uploaded into a draft living ``lifetime``
    seconds.  The hour's counter is a ``BTrees.Length``: concurrent
    uploads add up instead of conflicting."""
    if not size:
        return
    now = time.time() if now is None else now
    if scratch.uploads is None:
        scratch.uploads = OOBTree()
    uploads = scratch.uploads
    sweep(uploads, now)
    end = (int(now) // UPLOAD_WINDOW + 1) * UPLOAD_WINDOW + lifetime
    key = '%010x' % end
    counter = uploads.get(key)
    if counter is None:
        uploads[key] = Length(size)
    else:
        counter.change(size)


class Draft(Persistent):
    """A citizen's application between the form and the final "Tiếp tục":
    the agency and procedure chosen, the values entered, the uploaded
    files and, once submitted, the dossier code."""

    #: the dossier a supplement draft belongs to
    dossier_oid = None

    def __init__(self, agency_oid, procedure):
        self.agency_oid = agency_oid
        self.procedure = procedure
        self.data = None         # the validated form values, files apart
        self.files = FileStore()
        self.human = False       # the CAPTCHA was answered for this draft
        self.code = None         # set when the dossier is stored


class FileStore(PersistentMapping):
    """deform's upload temp store, kept in the draft: files survive a form
    shown again with errors and the way back from the preview.  Uploads
    are copied into blobs at once so the request's temporary file may go;
    ``written()`` tells how many bytes this request stored."""

    def __setitem__(self, uid, value):
        value = dict(value)
        fp = value.pop('fp', None)
        if fp is not None and 'blob' not in value:
            blob = Blob()
            size = 0
            with blob.open('w') as out:
                fp.seek(0)
                while True:
                    chunk = fp.read(1 << 16)
                    if not chunk:
                        break
                    out.write(chunk)
                    size += len(chunk)
            value['blob'] = blob
            self._v_written = self.written() + size
        value.pop('preview_url', None)
        PersistentMapping.__setitem__(self, uid, value)

    def written(self):
        """Bytes stored by this request (volatile: not kept)."""
        return getattr(self, '_v_written', 0)

    def get(self, uid, default=None):
        """What deform needs of a kept file: uid, filename, mimetype, size
        (the bytes stay in the blob; see ``open``)."""
        value = self.data.get(uid)
        if value is None:
            return default
        return {k: v for k, v in value.items() if k != 'blob'}

    def __getitem__(self, uid):
        value = self.get(uid)
        if value is None:
            raise KeyError(uid)
        return value

    def open(self, uid):
        """The kept file's bytes, for reading."""
        return self.blob(uid).open('r')

    def blob(self, uid):
        """The kept file's blob."""
        return self.data[uid]['blob']

    def preview_url(self, uid):
        return None


@subscribe_root_added()
def _root_added(event):
    """A new site gets it with the rest."""
    ensure_scratch(event.object)
