"""Readers of the rendered formats, shared by the renderer tests."""

import html
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

# Text

ANSI = re.compile(r"\x1b\[")
BRANCH = re.compile(r"(?:├── |└── )")


def tree_of(text: str) -> list[tuple[int, str, str | None]]:
    """(depth, label, parent label) for each node of the host tree in plain text."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("host"))
    nodes: list[tuple[int, str, str | None]] = [(0, lines[start], None)]
    stack = [lines[start]]
    for line in lines[start + 1:]:
        if not line.strip():
            break
        m = BRANCH.search(line)
        if not m:
            continue  # a wrapped label
        depth = m.start() // 4 + 1
        label = line[m.end():]
        del stack[depth:]
        nodes.append((depth, label, stack[depth - 1]))
        stack.append(label)
    return nodes


def node(nodes, prefix: str):
    hits = [n for n in nodes if n[1].startswith(prefix)]
    assert len(hits) == 1, (prefix, nodes)
    return hits[0]


def section(text: str, title: str) -> str:
    m = re.search(rf"^{re.escape(title)} \(\d+[^)]*\)\n((?:  .*\n?)*)", text, re.M)
    assert m, f"no section {title!r} in\n{text}"
    return m.group(1)

# DOT

SVG = "{http://www.w3.org/2000/svg}"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="graphviz `dot` is not installed (apt-get install graphviz)")

# A DOT quoted string: backslash escapes the next character, an unescaped quote ends it.
QUOTED = r'"(?:[^"\\]|\\.)*"'
STATEMENT = re.compile(rf"^  ({QUOTED})(?: -> ({QUOTED}))?(?: \[(.*)\])?;$")


def unquote(token: str) -> str:
    return re.sub(r"\\(.)", r"\1", token[1:-1])


def statements(dot: str):
    """(src, dst or None, attributes) per node/edge line; every line must parse."""
    lines = dot.splitlines()
    assert lines[0] == "digraph netparse {" and lines[-1] == "}"
    out = []
    for line in lines[1:-1]:
        if re.match(r"^  (graph|node|edge) \[", line):
            continue
        m = STATEMENT.match(line)
        assert m, f"not a node or edge statement: {line!r}"
        out.append((unquote(m[1]), unquote(m[2]) if m[2] else None, m[3] or ""))
    return out


def svg(dot: str) -> ET.Element:
    done = subprocess.run(["dot", "-Tsvg"], input=dot.encode(), capture_output=True, timeout=30)
    assert done.returncode == 0, done.stderr.decode()
    assert not done.stderr, done.stderr.decode()  # no warnings either
    return ET.fromstring(done.stdout)


def svg_nodes(root: ET.Element) -> dict[str, list[str]]:
    """Node id → its label lines, as Graphviz drew them.

    Graphviz keeps a backslash escaped in a node id (only labels are unescaped), hence the
    replace: the id is still the name, one to one.
    """
    nodes = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "node":
            key = g.find(f"{SVG}title").text.replace("\\\\", "\\")
            nodes[key] = [t.text or "" for t in g.iter(f"{SVG}text")]
    return nodes

# Mermaid

ID = r"[A-Za-z0-9_]+"
# id, opening bracket(s), "label", closing bracket(s): the shapes the renderer uses.
NODE = re.compile(rf'^  ({ID})(\[\[|\{{\{{|\(\[|\[|\()"([^"]*)"(\]\]|\}}\}}|\]\)|\]|\))$')
EDGE = re.compile(rf'^  ({ID}) (-->|-\.->)(?:\|"([^"]*)"\|)? ({ID})$')
CLASS = re.compile(rf"^  class ({ID}(?:,{ID})*) (error|warning|muted|inferred)$")


def decode(label: str) -> str:
    """What Mermaid shows for a label: `#123;` and `#name;` entities decoded."""
    label = re.sub(r"#(\d+);", r"&#\1;", label)
    return html.unescape(re.sub(r"#([A-Za-z]\w*);", r"&\1;", label))


def parse(text: str):
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    nodes, edges, classes = {}, [], {}
    for line in lines[1:]:
        if line.startswith("  %% ") or line.startswith("  classDef "):
            continue
        if m := NODE.match(line):
            assert m[1] not in nodes, f"duplicate id {m[1]}"
            nodes[m[1]] = [decode(x) for x in m[3].split("<br/>")]
        elif m := EDGE.match(line):
            edges.append((m[1], m[4], m[2] == "-.->", decode(m[3] or "")))
        elif m := CLASS.match(line):
            for ident in m[1].split(","):
                classes.setdefault(ident, set()).add(m[2])
        else:
            raise AssertionError(f"unexpected line {line!r}")
    return nodes, edges, classes


def by_name(nodes):
    return {lines[0]: ident for ident, lines in nodes.items()}
