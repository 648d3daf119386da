"""Each check on a small topology built by hand, and the rules every check keeps."""

import ast
from pathlib import Path

import netparse.analysis.checks as checks_module


def check_sources() -> dict[str, str]:
    """{file: source} of the checks module, or of each module of the checks package."""
    path = Path(checks_module.__file__)
    files = sorted(path.parent.glob("*.py")) if path.name == "__init__.py" else [path]
    return {p.name: p.read_text() for p in files}


def test_no_check_reads_the_captures_behind_the_topology():
    for name, source in check_sources().items():
        reads = [node.lineno for node in ast.walk(ast.parse(source))
                 if isinstance(node, ast.Attribute) and node.attr == "snapshot"]
        assert not reads, f"{name} reads .snapshot on line(s) {reads}: give the Context what " \
                          f"the check needs while it is built"
