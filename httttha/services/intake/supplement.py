"""Bổ sung hồ sơ (A3): the citizen corrects the declared values and adds
or replaces files of a dossier the agency sent back, and resubmits it.

The change is recorded on the timeline field by field with the old and
new values (for the staff; the citizen's page lists the field names).
A replaced file stays in the dossier, marked ``superseded``.
"""
import datetime

import colander

from ... import _
from ...content.application import FILE_SLOTS
from ...content.dossier import id_hash
from ...workflows.dossier import act, state_of
from .. import notifications
from .submission import attach, ensure_salt

NOTHING_CHANGED = _('Nothing was changed or added. Correct the '
                    'information or attach the documents the agency asked '
                    'for, then send again.')
NOT_POSSIBLE = _('This dossier cannot be supplemented now: the agency has '
                 'not asked for it, or it was already supplemented.')
FILES = _('Attached documents')

#: form parts that are not declared values
NOT_DECLARED = ('files', 'declaration', 'captcha')


def can_supplement(dossier):
    return state_of(dossier) == 'needs_supplement'


def _placeholder(attachment):
    """A current file as the upload widget shows it: kept unless the
    citizen removes or replaces it (no bytes are copied)."""
    return {'uid': 'hs-' + attachment.__name__,
            'filename': attachment.title, 'mimetype': attachment.mimetype,
            'size': attachment.get_size(), 'existing': attachment.__name__}


def keep_current_files(store, dossier):
    """Put the dossier's current files into the upload ``store``."""
    for _slot, attachment in dossier.attachments():
        value = _placeholder(attachment)
        store[value['uid']] = value


def form_values(dossier):
    """The supplement form filled with what the dossier holds."""
    values = {k: v for k, v in dossier.declared.items()
              if k not in NOT_DECLARED}
    values['files'] = {slot: _placeholder(f)
                       for slot, f in dossier.attachments()}
    return values


def _display(node, value, translate):
    if value in (None, colander.null, ''):
        return ''
    if isinstance(value, datetime.date):
        return value.strftime('%d/%m/%Y')
    choices = dict(getattr(node.widget, 'values', None) or ())
    if value in choices:
        return translate(choices[value])
    return str(value)


def _value_changes(schema, old, new, translate, titles=()):
    changes = []
    for node in schema.children:
        if node.name in NOT_DECLARED:
            continue
        path = titles + (translate(node.title),)
        before, after = old.get(node.name), new.get(node.name)
        if isinstance(node.typ, colander.Mapping):
            changes += _value_changes(node, before or {}, after or {},
                                      translate, path)
            continue
        before = _display(node, before, translate)
        after = _display(node, after, translate)
        if before != after:
            changes.append({'label': ' - '.join(path), 'old': before,
                            'new': after})
    return changes


def _file_changes(dossier, files, translate):
    """(change, slot, old file, new upload) for every slot that changed."""
    current = dict(dossier.attachments())
    result = []
    for slot, title in FILE_SLOTS[dossier.procedure]:
        old, new = current.get(slot), files.get(slot)
        if new and new.get('existing'):
            # kept as it was (a kept file is never moved to another slot)
            continue
        if old is None and not new:
            continue
        change = {'label': '%s - %s' % (translate(FILES), translate(title)),
                  'old': old.title if old is not None else '',
                  'new': new['filename'] if new else ''}
        result.append((change, slot, old, new))
    return result


def supplement(request, dossier, draft, appstruct, schema):
    """Apply the supplement form's ``appstruct`` (validated with
    ``schema``; new uploads are in ``draft``) and resubmit the dossier.
    Returns the list of changes; ``ValueError`` when the dossier may not
    be supplemented or nothing changed."""
    if not can_supplement(dossier):
        raise ValueError(NOT_POSSIBLE)
    translate = request.localizer.translate
    files = appstruct.get('files') or {}
    changes = _value_changes(schema, dossier.declared, appstruct, translate)
    file_changes = _file_changes(dossier, files, translate)
    if not changes and not file_changes:
        raise ValueError(NOTHING_CHANGED)
    registry = request.registry
    for change, slot, old, new in file_changes:
        if old is not None:
            old.superseded = True
        if new:
            attach(registry, dossier, draft, slot, new)
        changes.append(change)
    for node in schema.children:
        if node.name not in NOT_DECLARED:
            dossier.declared[node.name] = appstruct[node.name]
    dossier.declared['files'] = {slot: f.title
                                 for slot, f in dossier.attachments()}
    dossier.id_hash = id_hash(dossier.applicant['id_number'],
                              ensure_salt(request.root))
    act(request, dossier, 'resubmit', who=dossier.applicant_name,
        changes=changes)
    draft.files.clear()
    notifications.supplement_receipt(request, dossier, changes)
    return changes
