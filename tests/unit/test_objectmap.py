"""The object map finds objects by walking their path (``objectmap``)
exactly as Pyramid's traversal did."""
import pytest
from pyramid.traversal import find_resource
from substanced.objectmap import ObjectMap
from substanced.folder import Folder
from substanced.file import File

from httttha.objectmap import _find_resource


class Root(Folder):
    pass


@pytest.fixture
def tree():
    root = Root()
    root.__parent__ = root.__name__ = None
    agency = Folder()
    root.add('thads', agency, send_events=False)
    dossier = Folder()
    agency.add('K7Q-4M2-XD9', dossier, send_events=False)
    dossier.add('Bản án (1).pdf', File(title='x'), send_events=False)
    return root


@pytest.mark.parametrize('path', [
    ('',),
    ('', 'thads'),
    ('', 'thads', 'K7Q-4M2-XD9'),
    ('', 'thads', 'K7Q-4M2-XD9', 'Bản án (1).pdf'),
])
def test_same_object_as_traversal(tree, path):
    objectmap = ObjectMap(tree)
    found = _find_resource(objectmap, None, path)
    assert found is find_resource(tree, path)
    dossier = tree['thads']['K7Q-4M2-XD9']
    assert _find_resource(objectmap, dossier, path) is found


@pytest.mark.parametrize('path', [
    ('', 'nope'),
    ('', 'thads', 'K7Q-4M2-XD9', 'Bản án (1).pdf', 'deeper'),
    ('', 'thads', '@@view'),
])
def test_missing_as_traversal(tree, path):
    objectmap = ObjectMap(tree)
    with pytest.raises(KeyError):
        find_resource(tree, path)
    with pytest.raises(KeyError):
        _find_resource(objectmap, None, path)


def test_relative_paths_go_to_traversal(tree):
    objectmap = ObjectMap(tree)
    agency = tree['thads']
    assert _find_resource(objectmap, agency, ('K7Q-4M2-XD9',)) is \
        agency['K7Q-4M2-XD9']
    dossier = agency['K7Q-4M2-XD9']
    assert _find_resource(objectmap, dossier, ('..',)) is \
        find_resource(dossier, ('..',))
