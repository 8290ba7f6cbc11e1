"""Nhật ký hệ thống (C5): one append-only audit trail of who did what,
where and from which address.

(Interface fixed for the other parts of issue 15; the store, its search
and its screen are being written.)"""


def record(request, action, target=None, before=None, after=None,
           agency=None, user=None, **details):
    """Append one entry to the audit trail.

    ``action``: a dotted name from ``ACTIONS`` (``'user.roles'``,
    ``'agency.move'``, ``'dossier.transition'``, ``'login.failure'``…).
    ``target``: the resource acted on (dossier, agency, department, user,
    code-list entry, grant) or None; the entry keeps its oid, content type
    and code or name, never the object.
    ``before``/``after``: dicts of plain values (strings, numbers, dates,
    lists of those) for changes.
    ``agency``: the agency whose administrators may read the entry;
    defaults to the target's agency, else the acting user's.
    ``user``: the acting user (default ``request.user``; a login name for
    failed logins).  ``details``: further plain values.
    The client address and the time are taken here.  Never raises on a
    store conflict: concurrent requests append without conflicting."""
