"""Issue 13: nobody grants roles to themselves, and logins change only
through the user administration.  Each test fails on 19c2e81."""
from ..conftest import login, open_root

USER = '/manage/principals/users/%s/@@properties/'
MEMBERSHIP = USER + 'Agency and roles'
PREFERENCES = USER + 'Preferences'


def _roles(app, name):
    root, closer = open_root(app)
    try:
        return set(root['principals']['users'][name].roles)
    finally:
        closer()


def test_agency_admin_cannot_give_itself_roles(app):
    # issue 15 (Điều 10): an administrator's account is managed from the
    # level above, so its own "Agency and roles" sheet is not even offered
    # (the sheet's own refusal, SELF_CHANGE, stays as a second guard)
    login(app, 'quantri.bd')
    before = _roles(app, 'quantri.bd')
    page = app.get(MEMBERSHIP % 'quantri.bd')
    form = page.forms['deform']
    assert 'checkbox' not in form.fields and 'roles' not in form.fields
    fields = dict(form.submit_fields('save'))
    fields.update({'__start__': 'roles:sequence', 'checkbox': 'officer',
                   '__end__': 'roles:sequence'})
    app.post(MEMBERSHIP % 'quantri.bd', fields, status='*')
    app.get('/manage/principals/users/quantri.bd/@@vai-tro', status=403)
    assert _roles(app, 'quantri.bd') == before


def test_another_admin_still_manages_that_account(app):
    login(app, 'quantri.hn')
    page = app.get(MEMBERSHIP % 'quantri.bd')
    form = page.forms['deform']
    form.set('checkbox', True, index=0)          # officer
    form.submit('save').maybe_follow()
    assert 'officer' in _roles(app, 'quantri.bd')


def test_staff_cannot_rename_their_own_login(app):
    login(app, 'hotro.bd')
    page = app.get(PREFERENCES % 'hotro.bd')
    form = page.forms['deform']
    assert 'name' not in form.fields
    # a forged field is ignored too
    fields = dict(form.submit_fields('save'))
    fields['name'] = 'Admin TC'
    app.post(PREFERENCES % 'hotro.bd', fields)
    root, closer = open_root(app)
    users = root['principals']['users']
    assert 'hotro.bd' in users and 'Admin TC' not in users
    closer()


def test_logins_change_in_the_user_administration_under_the_rule(app):
    login(app, 'quantri.hn')
    page = app.get(MEMBERSHIP % 'hotro.bd')
    form = page.forms['deform']
    assert form['login'].value == 'hotro.bd'
    form['login'] = 'Admin TC'
    page = form.submit('save')
    assert 'Từ 3 đến 50 ký tự: chữ thường không dấu' in page.text
    form = page.forms['deform']
    form['login'] = 'hotro.bd2'
    form.submit('save').maybe_follow()
    root, closer = open_root(app)
    users = root['principals']['users']
    assert 'hotro.bd2' in users and 'hotro.bd' not in users
    assert 'Admin TC' not in users
    closer()
    # and nobody renames themselves: an administrator's own sheet has no
    # login field (issue 15: it is managed from the level above)
    login(app, 'quantri.hn')
    page = app.get(MEMBERSHIP % 'quantri.hn')
    assert 'login' not in page.forms['deform'].fields
