"""Loading the agency tree: idempotent, updates in place, refuses bad files."""
import csv

import pytest
import transaction

from httttha.services.administration.tree import (
    COLUMNS,
    TreeError,
    all_agencies,
    load_tree,
    read_rows,
)

from ..conftest import AGENCIES, open_root


def test_shipped_file_is_the_real_tree():
    rows = read_rows(AGENCIES)
    kinds = [r['kind'] for r in rows]
    assert kinds.count('tong_cuc') == 1
    assert kinds.count('cuc') == 63
    assert kinds.count('chi_cuc') == 692
    titles = {r['title'] for r in rows}
    assert 'Cục Thi hành án dân sự tỉnh Phú Thọ' in titles
    assert 'Chi cục Thi hành án dân sự thành phố Thủ Đức' in titles
    assert len({r['code'] for r in rows}) == len(rows)


def _write(path, rows):
    with open(path, 'w', encoding='utf-8', newline='') as f:
        writer = csv.DictWriter(f, COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, '') for c in COLUMNS})


def test_loading_twice_changes_nothing_and_updates_names(app, tmp_path):
    root, closer = open_root(app)
    registry = app.app.registry
    try:
        before = len(all_agencies(root))
        assert before == 756
        counts = load_tree(root, read_rows(AGENCIES), registry)
        assert counts == {'created': 0, 'updated': 0, 'unchanged': 756}
        assert len(all_agencies(root)) == before
        rows = read_rows(AGENCIES)
        for row in rows:
            if row['code'] == '001':
                row['title'] = 'Chi cục Thi hành án dân sự quận Ba Đình (mới)'
                row['phone'] = '024 3823 0000'
        rows.append(dict(rows[-1], code='999', name='chi-cuc-thads-moi',
                         title='Chi cục Thi hành án dân sự huyện Mới'))
        path = str(tmp_path / 'tree.csv')
        _write(path, rows)
        counts = load_tree(root, read_rows(path), registry)
        assert counts == {'created': 1, 'updated': 1, 'unchanged': 755}
        badinh = root['thads']['cuc-thads-ha-noi']['chi-cuc-thads-ba-dinh']
        assert badinh.title.endswith('(mới)')
        assert badinh.phone == '024 3823 0000'
        assert len(all_agencies(root)) == 757
        # the new agency got its containers and its role ACL
        new = [a for a in all_agencies(root) if a.code == '999'][0]
        assert sorted(n for n in new) == ['bao-cao', 'ho-so', 'huong-dan',
                                          'khao-sat', 'phong-ban']
        assert any('role:officer@' in ace[1] for ace in new.__acl__)
    finally:
        transaction.abort()
        closer()


def test_bad_files_are_refused(tmp_path, app):
    path = str(tmp_path / 'bad.csv')
    _write(path, [{'code': 'X', 'kind': 'cuc', 'name': 'x', 'title': ''}])
    with pytest.raises(TreeError):
        read_rows(path)
    _write(path, [{'code': 'X', 'parent_code': 'NOPE', 'kind': 'cuc',
                   'name': 'x', 'title': 'X'}])
    root, closer = open_root(app)
    try:
        with pytest.raises(TreeError):
            load_tree(root, read_rows(path), app.app.registry)
    finally:
        transaction.abort()
        closer()


def test_yaml_files_load_too(tmp_path):
    path = str(tmp_path / 'tree.yaml')
    with open(path, 'w', encoding='utf-8') as f:
        f.write('- {code: TC, kind: tong_cuc, name: thads, '
                'title: "Tổng cục Thi hành án dân sự"}\n')
    assert read_rows(path)[0]['title'] == 'Tổng cục Thi hành án dân sự'
