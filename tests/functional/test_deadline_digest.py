"""The deadline digest (B10, B13): each agency's officers and leaders get
the list of their overdue and due-soon dossiers, and nobody else's."""
import datetime
import email
import email.policy
import os
import re

import transaction
from pyramid.request import Request
from pyramid.scripting import prepare
from substanced.util import find_catalog

from httttha.content.dossier import VN
from httttha.evolve import add_deadlines
from httttha.scripts.deadline_digest import main
from httttha.services.backoffice.deadlines import (
    ensure_calendar,
    get_calendar,
    on_submit,
    on_transition,
)

from ..conftest import close_app, open_root
from .submission import BA_DINH, CUC_HN, find_dossier, submit_dossier

D = datetime.date
TODAY = D(2027, 3, 10)                     # a Wednesday
BA_DINH_STAFF = ['hotro.bd@example.invalid', 'khieunai.bd@example.invalid',
                 'lanhdao.bd@example.invalid']
HA_NOI_STAFF = ['hotro.hn@example.invalid', 'khieunai.hn@example.invalid',
                'lanhdao.hn@example.invalid']
BA_DINH_PATH = '/manage/thads/cuc-thads-ha-noi/chi-cuc-thads-ba-dinh/ho-so/'


def at(day, hour=9):
    return VN.localize(datetime.datetime.combine(
        day, datetime.time(hour))).astimezone(datetime.timezone.utc)


def set_submitted(app, code, day, close_on=None):
    """Pretend ``code`` was submitted on ``day`` (and closed on
    ``close_on``), with its deadlines and index entries."""
    root, closer = open_root(app)
    try:
        dossier = find_dossier(root, code)
        dossier.submitted = at(day)
        calendar = get_calendar(root)
        on_submit(dossier, calendar)
        if close_on is not None:
            on_transition(dossier, 'completed', at(close_on), calendar)
        find_catalog(root, 'httttha').reindex_resource(dossier)
        transaction.commit()
        return dossier.due
    finally:
        closer()


def dossiers(app):
    """Ba Đình: one overdue, one due soon, one not yet due, one done late,
    one petition without a deadline; Cục Hà Nội: one overdue."""
    codes = {
        'overdue': submit_dossier(app, 'HTTT01', BA_DINH),
        'soon': submit_dossier(app, 'HTTT03', BA_DINH),
        'later': submit_dossier(app, 'HTTT01', BA_DINH),
        'done': submit_dossier(app, 'HTTT01', BA_DINH),
        'petition': submit_dossier(app, 'HTTT02', BA_DINH),
        'hanoi': submit_dossier(app, 'HTTT01', CUC_HN),
    }
    assert set_submitted(app, codes['overdue'], D(2027, 3, 1)) == \
        D(2027, 3, 8)
    assert set_submitted(app, codes['soon'], D(2027, 3, 4)) == D(2027, 3, 11)
    assert set_submitted(app, codes['later'], D(2027, 3, 9)) == \
        D(2027, 3, 16)
    set_submitted(app, codes['done'], D(2027, 2, 22), close_on=D(2027, 3, 9))
    assert set_submitted(app, codes['petition'], D(2027, 3, 1)) is None
    set_submitted(app, codes['hanoi'], D(2027, 3, 2))
    return codes


def queued(settings):
    folder = os.path.join(settings['mail.queue_path'], 'new')
    result = []
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else ():
        with open(os.path.join(folder, name), 'rb') as f:
            result.append(email.message_from_bytes(
                f.read(), policy=email.policy.default))
    return result


def by_recipient(messages):
    return {m['To']: m for m in messages}


def plain(message):
    return message.get_body(('plain',)).get_content()


def html(message):
    return message.get_body(('html',)).get_content()


def test_digest_goes_to_each_agency_s_staff(app_factory):
    app = app_factory(**{'httttha.captcha': 'false'})
    settings = app.app.registry.settings
    codes = dossiers(app)
    before = len(queued(settings))             # the citizens' receipts

    from httttha.services.backoffice.deadlines import digest
    request = Request.blank('/', base_url='http://thads.example.com')
    env = prepare(request=request, registry=app.app.registry)
    try:
        messages = digest(env['root'], request, TODAY)
        transaction.commit()
    finally:
        request._process_finished_callbacks()
        env['closer']()

    mails = queued(settings)[before:]
    assert len(mails) == len(messages) == 6
    mails = by_recipient(mails)
    assert sorted(mails) == sorted(BA_DINH_STAFF + HA_NOI_STAFF)
    for address in BA_DINH_STAFF:
        text = plain(mails[address])
        assert codes['overdue'] in text and codes['soon'] in text
        for other in ('later', 'done', 'petition', 'hanoi'):
            assert codes[other] not in text, other
        # the overdue one first, marked, with its due date and link
        assert text.index(codes['overdue']) < text.index(codes['soon'])
        block = text[text.index(codes['overdue']):text.index(codes['soon'])]
        assert '08/03/2027 - Quá hạn' in block
        assert 'Nguyễn Thị Hương' in block
        assert 'http://thads.example.com%s%s/@@chi-tiet' % (
            BA_DINH_PATH, codes['overdue']) in block
        assert '11/03/2027 - Sắp đến hạn' in text
        assert 'Chi cục Thi hành án dân sự quận Ba Đình có 1 hồ sơ quá hạn ' \
            'và 1 hồ sơ sắp đến hạn' in text
        assert 'Chi cục Thi hành án dân sự quận Ba Đình' in mails[
            address]['Subject']
        page = html(mails[address])
        assert codes['overdue'] in page and codes['hanoi'] not in page
        assert 'Quá hạn' in page and 'Sắp đến hạn' in page
    text = plain(mails['hotro.hn@example.invalid'])
    assert codes['hanoi'] in text and codes['overdue'] not in text
    assert '09/03/2027 - Quá hạn' in text

    # a week later the "later" one is overdue too; on 1/2 nothing was due
    request = Request.blank('/', base_url='http://thads.example.com')
    env = prepare(request=request, registry=app.app.registry)
    try:
        root = env['root']
        sent = {m.recipients[0]: m.body
                for m in digest(root, request, D(2027, 3, 17))}
        assert codes['later'] in sent['hotro.bd@example.invalid']
        assert codes['hanoi'] in sent['hotro.hn@example.invalid']
        assert digest(root, request, D(2027, 2, 1)) == []
        transaction.abort()
    finally:
        request._process_finished_callbacks()
        env['closer']()


def write_ini(path, settings, **extra):
    keys = ('zodbconn.uri', 'zodbconn.uri.audit', 'substanced.secret',
            'substanced.initial_password', 'substanced.uploads_tempdir',
            'mail.queue_path', 'mail.default_sender', 'mail.host')
    values = dict({k: settings[k] for k in keys}, **extra)
    path.write_text('[app:main]\nuse = egg:httttha\n' + ''.join(
        '%s = %s\n' % item for item in values.items()))
    return str(path)


def test_command_line(app_factory, tmp_path, capsys):
    app = app_factory(**{'httttha.captcha': 'false'})
    settings = app.app.registry.settings
    codes = dossiers(app)
    before = len(queued(settings))
    # the script opens the database itself (FileStorage: one at a time)
    close_app(app.app)
    ini = write_ini(tmp_path / 'digest.ini', settings, **{
        'httttha.public_url': 'https://thads.example.gov.vn'})

    # nothing on a Saturday
    assert main([ini, '--today', '2027-03-13']) == 0
    assert '13/03/2027' in capsys.readouterr().out
    assert len(queued(settings)) == before

    assert main([ini, '--today', TODAY.isoformat()]) == 0
    (summary,) = capsys.readouterr().out.strip().splitlines()
    # 2 overdue + 1 due soon in 2 agencies, 6 mails (in whatever order
    # the translation puts them)
    assert '10/03/2027' in summary
    assert sorted(int(n) for n in re.findall(
        r'\d+', summary.replace('10/03/2027', ''))) == [1, 2, 2, 6]
    mails = by_recipient(queued(settings)[before:])
    assert sorted(mails) == sorted(BA_DINH_STAFF + HA_NOI_STAFF)
    assert 'https://thads.example.gov.vn%s%s/@@chi-tiet' % (
        BA_DINH_PATH, codes['overdue']) in plain(
            mails['lanhdao.bd@example.invalid'])

    # cron runs it again the same day: nothing more
    assert main([ini, '--today', TODAY.isoformat()]) == 0
    (again,) = capsys.readouterr().out.strip().splitlines()
    assert again != summary and '10/03/2027' in again
    assert len(queued(settings)) == before + 6
    assert main([ini, '--today', TODAY.isoformat(), '--force']) == 0
    capsys.readouterr()
    assert len(queued(settings)) == before + 12


def test_evolve_step_fills_the_index(app_factory):
    """A database from before deadlines: no store, no index, dossiers
    without deadlines; the evolve step adds them."""
    app = app_factory(**{'httttha.captcha': 'false'})
    code = submit_dossier(app, 'HTTT01', BA_DINH)
    root, closer = open_root(app)
    registry = app.app.registry
    try:
        catalog = find_catalog(root, 'httttha')
        dossier = find_dossier(root, code)
        dossier.submitted = at(D(2027, 1, 29))
        for name in ('due', 'step_due', 'closed', 'clock_stopped'):
            dossier.__dict__.pop(name, None)
        dossier._p_changed = True
        del catalog['due']
        delattr(root, '__httttha_calendar__')
        transaction.commit()

        add_deadlines(root, registry)
        transaction.commit()
        assert ensure_calendar(root) is getattr(root, '__httttha_calendar__')
        dossier = find_dossier(root, code)
        assert dossier.due == D(2027, 2, 12)         # Tết 2027 skipped
        found = find_catalog(root, 'httttha')['due'].eq(
            D(2027, 2, 12).toordinal()).execute()
        assert [d.code for d in found] == [code]
    finally:
        transaction.abort()
        closer()
