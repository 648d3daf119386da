"""The analysis modules import one another in one direction: context below topology and pairing,
pairing below topology, and no cycle, counting imports made inside functions."""

import ast
from pathlib import Path

import netparse.analysis

PACKAGE = Path(netparse.analysis.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    """{analysis module: the analysis modules it imports, at any depth of its code}."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module)
                # `from netparse.analysis import checks` imports a module, not a name
                found |= {f"{node.module}.{a.name}" for a in node.names}
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def test_pairing_does_not_import_topology():
    graph = imports()
    assert "netparse.analysis.topology" not in graph["netparse.analysis.pairing"]
    assert graph["netparse.analysis.context"] <= {"netparse.analysis.model"}


def test_no_import_cycle():
    graph = imports()
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        assert name not in path, " -> ".join([*path[path.index(name):], name])
        if name in done:
            return
        for other in sorted(graph[name]):
            visit(other, [*path, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
