"""Substance D's audit log, stored so that writing it stays cheap.

Substance D records every content addition, removal, modification and
ACL change in an ``AuditLog`` in the ``audit`` database (the SDI's
"Auditing" tab and the event stream that refreshes its folder views read
it).  Its entries are one persistent object holding the last thousand
entries: every transaction that adds an entry (every submitted dossier)
rewrote about 300 KB, every other process and thread then loaded all of
it again, and two concurrent transactions made ZODB unpickle three
copies of it to merge them, under the storage's commit lock.

Here the entries are kept in small persistent layers (``LAYER_SIZE``
entries each, ``MAX_LAYERS`` of them: the same thousand entries): adding
an entry changes the newest layer only, and the list of layers only when
a layer is full.  Both merge concurrent additions (``_p_resolveConflict``),
so audited transactions do not conflict here.  The log keeps Substance
D's interface (``add``, iteration, ``newer``, ``latest_id``) and entries
(``substanced.audit.AuditLogEntry``), under the same generation and index
numbering.
"""
from persistent import Persistent
from pyramid.compat import is_nonstr_iter
from substanced.audit import AuditLog as _AuditLog
from substanced.audit import AuditLogEntry
from substanced.event import subscribe_root_added
from ZODB.POSException import ConflictError

LAYER_SIZE = 20
MAX_LAYERS = 50


class Layer(Persistent):
    """Up to about ``LAYER_SIZE`` entries, in the order added."""

    def __init__(self):
        self.items = []

    def append(self, entry):
        self.items.append(entry)
        self._p_changed = True

    def _p_resolveConflict(self, old, committed, new):
        # entries are only ever added: those new added go after the
        # committed ones
        before = len(old['items'])
        if len(committed['items']) < before or len(new['items']) < before:
            raise ConflictError('audit log layer shortened')
        state = dict(committed)
        state['items'] = committed['items'] + new['items'][before:]
        return state


class LayeredEntries(Persistent):
    """The layers, oldest first, as ``(generation, Layer)`` pairs; the
    generation of a layer is its position since the log began."""

    def __init__(self, max_layers=MAX_LAYERS, layer_size=LAYER_SIZE):
        self.max_layers = max_layers
        self.layer_size = layer_size
        self.layers = [(0, Layer())]

    def push(self, entry):
        generation, layer = self.layers[-1]
        if len(layer.items) >= self.layer_size:
            layer = Layer()
            self.layers = (self.layers + [(generation + 1, layer)])[
                -self.max_layers:]
        layer.append(entry)

    def __iter__(self):
        for generation, layer in self.layers:
            for index, entry in enumerate(layer.items):
                yield generation, index, entry

    def __len__(self):
        return sum(len(layer.items) for _g, layer in self.layers)

    def latest_id(self):
        generation, layer = self.layers[-1]
        return generation, len(layer.items) - 1

    def _p_resolveConflict(self, old, committed, new):
        # both started new layers (each on a layer it saw full): keep
        # new's after the committed ones, numbered on from them
        if (old['max_layers'], old['layer_size']) != (
                new['max_layers'], new['layer_size']) or (
                committed['max_layers'], committed['layer_size']) != (
                new['max_layers'], new['layer_size']):
            raise ConflictError('audit log settings changed')
        known = old['layers'][-1][0]
        added = [layer for generation, layer in new['layers']
                 if generation > known]
        layers = list(committed['layers'])
        for layer in added:
            layers.append((layers[-1][0] + 1, layer))
        state = dict(committed)
        state['layers'] = layers[-new['max_layers']:]
        return state


class AuditLog(_AuditLog):
    """Substance D's audit log over ``LayeredEntries``."""

    def __init__(self, max_layers=MAX_LAYERS, layer_size=LAYER_SIZE,
                 entries=None):
        if entries is None:
            entries = LayeredEntries(max_layers, layer_size)
        self.entries = entries

    def latest_id(self):
        return self.entries.latest_id()

    def newer(self, generation, index_id, oids=None):
        if oids is not None and not is_nonstr_iter(oids):
            oids = [oids]
        oids = set(oids or ())
        for gen, idx, entry in self.entries:
            if (gen, idx) > (generation, index_id) and (
                    not oids or entry.oid in oids):
                yield gen, idx, entry


def audit_root(root):
    """The audit database's root mapping, or None without one."""
    conn = getattr(root, '_p_jar', None)
    if conn is None:
        return None
    try:
        return conn.get_connection('audit').root()
    except KeyError:
        return None


def ensure_auditlog(root):
    """Store the audit log as ``AuditLog`` (keeping the entries of
    Substance D's own, renumbered from generation 0); None without an
    audit database."""
    audit = audit_root(root)
    if audit is None:
        return None
    log = audit.get('auditlog')
    if isinstance(log, AuditLog):
        return log
    new = AuditLog()
    for entry in (list(entry for _g, _i, entry in log) if log is not None
                  else ()):
        new.entries.push(AuditLogEntry(entry.name, entry.oid, entry.payload,
                                       entry.timestamp))
    audit['auditlog'] = new
    return new


def use_layered_auditlog(root, registry):
    """Evolve step: the audit log in small layers (see module)."""
    ensure_auditlog(root)


@subscribe_root_added()
def _root_added(event):
    # after Substance D's own subscriber made its log (or instead of it)
    ensure_auditlog(event.object)


def includeme(config):
    config.add_evolution_step(use_layered_auditlog)
