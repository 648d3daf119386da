import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netparse.render.dot import quote, render_dot
from tests.render.helpers import QUOTED, needs_dot, statements, svg, svg_nodes
from tests.render.reports import HOSTILE, faulty, healthy


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


def test_loose_ends_are_drawn():
    stmts = statements(render_dot(faulty()))
    edges = {(s, d): a for s, d, a in stmts if d is not None}
    nodes = {s: a for s, d, a in stmts if d is None}
    # ghost is paired with a veth that is on no bridge: the veth is drawn, cut from its bridge.
    assert "on no bridge" in nodes["port:veth0000001"]
    assert 'label="fdb"' in edges["port:veth0000001", "container:ghost"]
    assert 'label="not attached", style=dashed' in edges["bridge:br-ac3e0514d837",
                                                          "port:veth0000001"]
    assert 'label="not running", style=dashed' in edges["bridge:br-ac3e0514d837",
                                                         "container:old-job"]
    assert 'label="host network", style=dashed' in edges["host", "container:metrics"]
    assert "no ports" not in nodes["bridge:lxcbr0"]
    assert not [d for s, d in edges if s == "bridge:lxcbr0"]
    assert "uplink:" not in "".join(nodes)  # no default route, no uplink node


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
