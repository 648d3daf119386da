"""The pipeline rule: no module imports from a stage after its own, and there is no import cycle.

The stages and their modules are read from the table in CONTRIBUTING.md, so the rule is written
once. Every import statement counts, function-level ones too.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import netparse

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(netparse.__file__).resolve().parent


def stages() -> list[tuple[str, list[str]]]:
    text = (ROOT / "CONTRIBUTING.md").read_text()
    table = text.split("| stage | modules |", 1)[1].split("\n\n", 1)[0]
    rows = []
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append((cells[0], re.findall(r"`([\w.]+)`", cells[1])))
    return rows


STAGES = stages()


def modules() -> dict[str, Path]:
    """Every module of the package, by dotted name (walked from the package itself, so a stale
    build/ tree beside it is never read)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = modules()


def stage_of(module: str) -> int | None:
    best, rank = -1, None
    for index, (_, names) in enumerate(STAGES):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > best:
                best, rank = len(name), index
    return rank


def imports(module: str) -> set[str]:
    """The netparse modules that `module` imports, as modules (a name imported from a package
    counts as its submodule when there is one)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
    return {m for m in found if m == "netparse" or m.startswith("netparse.")}


def test_the_table_has_the_stages_of_the_pipeline():
    names = [name for name, _ in STAGES]
    for stage in ("sources", "parsers", "models", "snapshot", "topology", "findings", "renderers"):
        assert stage in names
    assert names.index("sources") < names.index("snapshot") < names.index("topology") \
        < names.index("findings") < names.index("renderers")


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_is_in_a_stage(module):
    assert stage_of(module) is not None, f"{module} is in no stage of CONTRIBUTING.md's table"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_from_a_later_stage(module):
    mine = stage_of(module)
    upward = [f"{target} ({STAGES[stage_of(target)][0]})" for target in sorted(imports(module))
              if stage_of(target) is not None and stage_of(target) > mine]
    assert not upward, f"{module} ({STAGES[mine][0]}) imports from a later stage: {upward}"


def test_no_import_cycle():
    graph = {m: imports(m) & MODULES.keys() for m in MODULES}
    # Tarjan's strongly connected components: any with more than one module is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in graph[node]:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert not cycles, f"modules that import each other: {cycles}"


def test_the_rule_is_checked_on_a_module_that_breaks_it(tmp_path, monkeypatch):
    """The test above can fail: a snapshot module importing the analysis is caught."""
    fake = tmp_path / "snapshot.py"
    fake.write_text("def f():\n    from netparse.analysis.model import Report\n")
    monkeypatch.setitem(MODULES, "netparse.snapshot", fake)
    assert "netparse.analysis.model" in imports("netparse.snapshot")
    assert stage_of("netparse.analysis.model") > stage_of("netparse.snapshot")
