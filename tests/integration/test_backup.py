"""Backup and restore of the embedded databases (repozo and the blob
directories) taken while citizens submit: the restored site holds every
dossier acknowledged before the backup began, with identical fields and
file bytes."""
import os
import threading

import transaction
import webtest

from httttha import main
from httttha.scripts.backup import backup, restore, restore_main

from ..conftest import close_app, make_settings, open_root
from ..functional.submission import find_dossier, pdf_bytes, submit_dossier


def _submit(app, number):
    body = pdf_bytes('Ban an so %d' % number, pad=number * 37)
    code = submit_dossier(app, files={'judgment': ('ban-an-%d.pdf' % number,
                                                   body)})
    return code, body


def _plain(value):
    """Persistent mappings and lists as plain ones, to compare copies."""
    if hasattr(value, 'items'):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) or type(value).__name__ in (
            'PersistentList', 'OOTreeSet'):
        return [_plain(v) for v in value]
    return value


def _contents(root, code):
    """What must survive: the declared values, state, timeline and the
    bytes of each file."""
    dossier = find_dossier(root, code)
    files = {}
    for slot, attachment in dossier.attachments():
        with attachment.blob.open('r') as f:
            files[slot] = f.read()
    return {'code': dossier.code, 'submitted': dossier.submitted,
            'declared': _plain(dossier.declared),
            'timeline': _plain(dossier.timeline), 'files': files}


def test_backup_while_submitting_then_restore(app_factory, tmp_path,
                                              capsys):
    app = app_factory(**{'httttha.captcha': 'false',
                         'httttha.submit_limit': '1000',
                         'httttha.draft_limit': '1000'})
    settings = app.app.registry.settings
    acknowledged = dict(_submit(app, n) for n in range(3))

    # a citizen goes on submitting during both backups
    other = webtest.TestApp(app.app, extra_environ=dict(app.extra_environ))
    running, stop, during = threading.Event(), threading.Event(), {}
    failures = []

    def keep_submitting():
        number = 100
        try:
            while not stop.is_set():
                code, body = _submit(other, number)
                during[code] = body
                number += 1
                running.set()
        except Exception as e:            # seen by the test, below
            failures.append(e)
            running.set()
    thread = threading.Thread(target=keep_submitting)
    thread.start()
    try:
        assert running.wait(60)
        acknowledged.update(during)          # answered before the backup
        target = str(tmp_path / 'backup')
        backup(settings, target, full=True)
        acknowledged.update(dict(_submit(app, n) for n in range(3, 5)))
        acknowledged.update(during)
        backup(settings, target)             # incremental
    finally:
        stop.set()
        thread.join()
    assert failures == []
    assert sorted(os.listdir(target)) == ['audit', 'main', 'main-blobs']
    assert any(n.endswith('.deltafsz') for n in os.listdir(
        os.path.join(target, 'main')))

    restored_dir = str(tmp_path / 'restored')
    restored = make_settings(restored_dir)
    restore(restored, target)
    # nothing is ever overwritten: the command says so and fails
    ini = tmp_path / 'restored.ini'
    ini.write_text('[app:main]\nuse = egg:httttha\nzodbconn.uri = %s\n'
                   'zodbconn.uri.audit = %s\n' % (
                       restored['zodbconn.uri'],
                       restored['zodbconn.uri.audit']))
    assert restore_main([str(ini), target]) == 1
    assert 'Lỗi: Đã có' in capsys.readouterr().err

    root, closer = open_root(app)
    try:
        expected = {code: _contents(root, code) for code in acknowledged}
    finally:
        transaction.abort()
        closer()
    wsgi = main({}, **restored)
    try:
        site = webtest.TestApp(wsgi, extra_environ=dict(app.extra_environ))
        assert 'Hỗ trợ trực tuyến' in site.get('/').text
        root, closer = open_root(site)
        try:
            for code, body in acknowledged.items():
                found = _contents(root, code)
                assert found == expected[code], code
                assert found['files']['judgment'] == body
        finally:
            transaction.abort()
            closer()
    finally:
        close_app(wsgi)
