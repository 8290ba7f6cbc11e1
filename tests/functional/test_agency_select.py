"""The public pages' agency select is cached per process and tree
version: it follows every change to the tree, made in the SDI or by
another process (another connection), and stays escaped."""
import transaction

from ..conftest import ADMIN_PASSWORD, login, open_root

HANOI = '/manage/thads/cuc-thads-ha-noi'


def options(app, path='/'):
    """(value, text, optgroup label or None, selected) of each option."""
    select = app.get(path).html.select_one('#lookup-agency')
    return [(o['value'], o.get_text(),
             o.parent['label'] if o.parent.name == 'optgroup' else None,
             o.has_attr('selected'))
            for o in select.find_all('option')]


def texts(app, path='/'):
    return {value: text for value, text, _group, _sel in options(app, path)}


def test_select_lists_the_tree_grouped_and_marks_the_choice(app):
    found = options(app)
    assert found[0] == ('', '- Chọn đơn vị đã gửi hồ sơ -', None, False)
    assert found[1] == ('TC', 'Tổng cục Thi hành án dân sự', None, False)
    assert len(found) == 1 + 756
    assert len({group for _v, _t, group, _s in found if group}) == 63
    assert ('001', 'Chi cục Thi hành án dân sự quận Ba Đình',
            'Cục Thi hành án dân sự thành phố Hà Nội', False) in found
    assert not any(selected for *_rest, selected in found)
    # the agency chosen is marked on the lookup page, and only there
    chosen = [o for o in options(app, '/tra-cuu?ma=XXX&don-vi=001') if o[3]]
    assert [o[0] for o in chosen] == ['001']
    chosen = [o for o in options(app, '/tra-cuu?ma=XXX&don-vi=01') if o[3]]
    assert [o[0] for o in chosen] == ['01']
    assert not any(o[3] for o in options(app))
    assert not any(o[3] for o in options(app, '/tra-cuu'))


def test_select_follows_agencies_added_edited_renamed_in_the_sdi(app):
    assert 'Chi cục Mới' not in texts(app).values()
    texts(app, '/tra-cuu')  # both pages cached
    login(app, 'admin', ADMIN_PASSWORD)
    page = app.get(HANOI + '/@@add_agency')
    form = page.forms['deform']
    form['name'] = 'chi-cuc-moi'
    form['title'] = 'Chi cục <Mới> & "Thử"'
    form['kind'] = 'chi_cuc'
    form['code'] = '999'
    form.submit('add').follow()
    for path in ('/', '/tra-cuu'):
        found = options(app, path)
        # escaped in the HTML, shown as typed
        assert ('999', 'Chi cục <Mới> & "Thử"',
                'Cục Thi hành án dân sự thành phố Hà Nội', False) in found
    html = app.get('/').text
    assert '<Mới>' not in html and '"Thử"' not in html

    page = app.get(HANOI + '/chi-cuc-moi/@@properties/Details')
    form = page.forms['deform']
    form['title'] = 'Chi cục Thi hành án dân sự huyện Mới'
    form.submit('save')
    assert texts(app)['999'] == 'Chi cục Thi hành án dân sự huyện Mới'
    assert texts(app, '/tra-cuu?ma=X&don-vi=999')['999'] == \
        'Chi cục Thi hành án dân sự huyện Mới'

    # the code too (the value of the option)
    page = app.get(HANOI + '/chi-cuc-moi/@@properties/Details')
    form = page.forms['deform']
    form['code'] = '998'
    form.submit('save')
    assert '999' not in texts(app)
    assert texts(app)['998'] == 'Chi cục Thi hành án dân sự huyện Mới'


def test_select_follows_changes_made_by_another_process(app):
    """A change committed through another connection (a script, another
    server process) reaches this process's cache through the version
    stored in the database."""
    before = texts(app)
    assert before['001'] == 'Chi cục Thi hành án dân sự quận Ba Đình'
    registry = app.app.registry
    root, closer = open_root(app)
    try:
        hanoi = root['thads']['cuc-thads-ha-noi']
        haiphong = root['thads']['cuc-thads-hai-phong']
        # removed
        hanoi.remove('chi-cuc-thads-hoan-kiem', registry=registry)
        # moved to another Cục
        hanoi.move('chi-cuc-thads-tay-ho', haiphong, registry=registry)
        # added
        agency = registry.content.create(
            'Agency', title='Chi cục Thi hành án dân sự huyện Thử',
            code='997', kind='chi_cuc')
        haiphong.add('chi-cuc-thads-thu', agency, registry=registry)
        transaction.commit()
    finally:
        transaction.abort()
        closer()
    after = {v: (t, g) for v, t, g, _s in options(app)}
    assert '002' not in after
    assert after['003'] == ('Chi cục Thi hành án dân sự quận Tây Hồ',
                            'Cục Thi hành án dân sự thành phố Hải Phòng')
    assert after['997'][1] == 'Cục Thi hành án dân sự thành phố Hải Phòng'
    assert app.get('/').html.find(
        'a', string=lambda s: s and s.startswith('Danh sách 63 Cục'))


def test_removing_a_cuc_removes_its_group(app):
    # an agency with sub-agencies cannot be deleted (SPEC C1): its Chi
    # cục go first
    root, closer = open_root(app)
    try:
        hagiang = root['thads']['cuc-thads-ha-giang']
        for sub in hagiang.sub_agencies():
            hagiang.remove(sub.__name__, registry=app.app.registry)
        root['thads'].remove('cuc-thads-ha-giang',
                             registry=app.app.registry)
        transaction.commit()
    finally:
        transaction.abort()
        closer()
    found = options(app)
    assert not any(g == 'Cục Thi hành án dân sự tỉnh Hà Giang'
                   for _v, _t, g, _s in found)
    assert '024' not in {v for v, *_rest in found}
    assert app.get('/').html.find(
        'a', string=lambda s: s and s.startswith('Danh sách 62 Cục'))
