import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netparse.render.dot import quote, render_dot
from tests.render.reports import HOSTILE, faulty, healthy

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


def test_graph_structure_follows_the_topology():
    report = healthy()
    stmts = statements(render_dot(report))
    nodes = {src for src, dst, _ in stmts if dst is None}
    edges = {(src, dst) for src, dst, _ in stmts if dst is not None}
    assert nodes == {"host", "uplink:eth0", "bridge:docker0", "port:veth35b9344",
                     "port:vethf73d2ff", "container:np-web", "container:np-app", "container:np-db"}
    assert edges == {
        ("host", "uplink:eth0"), ("host", "bridge:docker0"),
        ("bridge:docker0", "port:veth35b9344"), ("bridge:docker0", "port:vethf73d2ff"),
        ("port:veth35b9344", "container:np-web"), ("port:vethf73d2ff", "container:np-app"),
        ("bridge:docker0", "container:np-db"),
    }
    attrs = {(s, d): a for s, d, a in stmts}
    assert 'label="inside"' in attrs["port:veth35b9344", "container:np-web"]
    assert "style=dashed" in attrs["bridge:docker0", "container:np-db"]
    assert 'label="unpaired"' in attrs["bridge:docker0", "container:np-db"]
    assert not any("#cc0000" in a or "#e07000" in a for _, _, a in stmts)


def test_faulty_subjects_are_red_or_orange():
    stmts = {src: a for src, dst, a in statements(render_dot(faulty())) if dst is None}
    assert 'color="#cc0000"' in stmts["bridge:br-ac3e0514d837"]
    assert 'tooltip="error: bridge-down"' in stmts["bridge:br-ac3e0514d837"]
    assert 'color="#e07000"' in stmts["port:veth15e0a98@if14"]
    assert 'color="#e07000"' in stmts[f"container:{HOSTILE}"]
    assert 'color="#e07000"' in stmts["host"]  # ip-forward-off names the host
    assert "color=" not in stmts["bridge:lxcbr0"]  # an info finding only
    assert "color=" not in stmts["port:veth9c1d2e0"]
    assert "dashed" in stmts["container:old-job"]  # stopped


@needs_dot
@pytest.mark.parametrize("report", [healthy(), faulty()], ids=["healthy", "faulty"])
def test_graphviz_accepts_it(report):
    root = svg(render_dot(report))
    drawn = svg_nodes(root)
    declared = {src for src, dst, _ in statements(render_dot(report)) if dst is None}
    assert set(drawn) == declared
    assert not [e for e in root.iter() if e.tag.endswith("script")]


@needs_dot
def test_hostile_name_stays_inside_its_quotes():
    drawn = svg_nodes(svg(render_dot(faulty())))
    assert drawn[f"container:{HOSTILE}"] == [HOSTILE, "172.18.0.2/16"]


def test_quote_always_closes_where_it_should():
    for text in [HOSTILE, "a\\", '"', '\\"', "x\n]; evil [", "&amp;", "\\N\\G\\l"]:
        q = quote(text)
        assert re.fullmatch(QUOTED, q), q
        assert "\n" not in q


names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)


@needs_dot
@settings(max_examples=60, deadline=None)
@given(names)
def test_any_name_is_drawn_as_it_is(name):
    dot = f"digraph g {{\n  {quote(name)} [label={quote(name)}];\n}}\n"
    drawn = svg_nodes(svg(dot))
    assert len(drawn) == 1
    (lines,) = drawn.values()
    assert [x.strip() for x in lines] == [name.strip()]


@needs_dot
def test_control_characters_cannot_break_the_graph():
    name = "a\x00b\x1b[31mc\rd\ne\x7f"
    dot = f"digraph g {{\n  {quote(name)} [label={quote(name)}];\n}}\n"
    (lines,) = svg_nodes(svg(dot)).values()
    assert lines == ["a\ufffdb\ufffd[31mc\ufffdd", "e\ufffd"]
