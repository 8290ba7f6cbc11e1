"""The package's shape (issue 14): dependencies run one way, read from
the modules' own import statements (top-level or inside functions) with
the standard library's ``ast``."""
import ast
import os

import httttha

PACKAGE = os.path.dirname(httttha.__file__)

def modules():
    """{dotted name: path} of every module of the package."""
    found = {}
    for folder, _dirs, files in os.walk(PACKAGE):
        for name in files:
            if name.endswith('.py'):
                path = os.path.join(folder, name)
                dotted = os.path.relpath(path[:-3], os.path.dirname(PACKAGE))
                dotted = dotted.replace(os.sep, '.')
                if dotted.endswith('.__init__'):
                    dotted = dotted[:-len('.__init__')]
                found[dotted] = path
    return found


def imports(found):
    """{module: the package's modules it imports}."""
    graph = {}
    for module, path in found.items():
        package = module if path.endswith('__init__.py') else \
            module.rsplit('.', 1)[0]
        targets = set()
        for node in ast.walk(ast.parse(open(path, encoding='utf-8').read())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ''
                if node.level:
                    parts = package.split('.')[:len(package.split('.')) -
                                                 node.level + 1]
                    base = '.'.join(parts + ([base] if base else []))
                names = [base + '.' + alias.name for alias in node.names]
                names = [n if n in found else base for n in names]
            else:
                continue
            for name in names:
                while name and name not in found:
                    name = name.rpartition('.')[0]
                # a module's own package (``from .. import _``) is not a
                # dependency of the kind this test is about
                if name and name != module and \
                        not module.startswith(name + '.'):
                    targets.add(name)
        graph[module] = targets
    return graph


def cycles(graph):
    """The strongly connected components of more than one module."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def test_no_import_circle():
    graph = imports(modules())
    assert cycles(graph) == []


def test_content_imports_no_service_and_no_view():
    graph = imports(modules())
    wrong = sorted(
        (module, target) for module, targets in graph.items()
        if module.startswith('httttha.content') for target in targets
        if target.startswith(('httttha.views', 'httttha.services')))
    assert wrong == []


def test_the_checks_can_fail():
    """A circle and a content module reaching up are seen."""
    graph = {'a': {'b'}, 'b': {'c'}, 'c': {'a'}, 'd': {'a'}}
    assert cycles(graph) == [['a', 'b', 'c']]
    found = modules()
    assert 'httttha.content.agency' in found
    assert 'httttha.permissions' in imports(found)['httttha.content.user']


def test_databases_written_before_the_move_still_load(tmp_path, monkeypatch):
    """A record written when Scratch lived in ``httttha.services.scratch``
    loads as the class of ``httttha.services.intake.scratch``."""
    import sys
    import types
    import transaction
    from ZODB import DB
    from ZODB.FileStorage import FileStorage
    from httttha.renamed import install
    from httttha.services.intake import scratch
    old = types.ModuleType('httttha.services.scratch')
    old.Scratch = scratch.Scratch
    monkeypatch.setitem(sys.modules, 'httttha.services.scratch', old)
    monkeypatch.setattr(scratch.Scratch, '__module__', old.__name__)
    db = DB(FileStorage(str(tmp_path / 'Data.fs')))
    with db.transaction() as conn:
        conn.root()['scratch'] = scratch.Scratch()
    db.close()
    monkeypatch.undo()
    install()
    db = DB(FileStorage(str(tmp_path / 'Data.fs')))
    conn = db.open()
    assert type(conn.root()['scratch']) is scratch.Scratch
    transaction.abort()
    db.close()
