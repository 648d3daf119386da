import re

from hypothesis import given
from hypothesis import strategies as st

from netparse.analysis.model import Container, Report, Topology
from netparse.render.mermaid import escape, render_mermaid
from tests.render.helpers import ID, by_name, decode, parse
from tests.render.reports import HOSTILE, faulty, healthy


def test_same_graph_as_the_topology():
    nodes, edges, classes = parse(render_mermaid(healthy()))
    ids = by_name(nodes)
    assert set(ids) == {"host", "eth0", "docker0", "veth35b9344", "vethf73d2ff", "np-web",
                        "np-app", "np-db"}
    named = {(nodes[a][0], nodes[b][0], dashed, label) for a, b, dashed, label in edges}
    assert named == {
        ("host", "eth0", False, "default route"), ("host", "docker0", False, ""),
        ("docker0", "veth35b9344", False, ""), ("docker0", "vethf73d2ff", False, ""),
        ("veth35b9344", "np-web", False, "inside"), ("vethf73d2ff", "np-app", False, "fdb"),
        ("docker0", "np-db", True, "unpaired"),
    }
    assert nodes[ids["np-web"]] == ["np-web", "172.17.0.2/16", "02:42:ac:11:00:02"]
    assert classes == {}


def test_ids_are_sanitised_unique_and_edges_use_them():
    report = faulty()
    # Names that sanitise to the same id must still get distinct ones.
    report.topology.containers += [Container(name="a-b", running=False),
                                   Container(name="a.b", running=False),
                                   Container(name="end", running=False)]
    text = render_mermaid(report)
    nodes, edges, classes = parse(text)
    for ident in nodes:
        assert re.fullmatch(ID, ident) and ident != "end"
    assert len({ident.lower() for ident in nodes}) == len(nodes)
    for a, b, _, _ in edges:
        assert a in nodes and b in nodes
    assert set(classes) <= set(nodes)
    ids = by_name(nodes)
    assert ids["a-b"] != ids["a.b"]
    assert ids[HOSTILE].startswith("ct_")


def test_hostile_name_is_escaped_and_reads_back():
    text = render_mermaid(faulty())
    nodes, _, _ = parse(text)
    assert nodes[by_name(nodes)[HOSTILE]] == [HOSTILE, "172.18.0.2/16"]
    assert "<script" not in text and "#lt;script#gt;" in text
    assert "#quot;q#quot;" in text


def test_faulty_nodes_get_classes():
    nodes, _, classes = parse(render_mermaid(faulty()))
    ids = by_name(nodes)
    assert classes[ids["br-ac3e0514d837"]] == {"error"}
    assert classes[ids["veth15e0a98@if14"]] == {"warning"}
    assert classes[ids[HOSTILE]] == {"warning"}
    assert classes[ids["host"]] == {"warning"}
    assert classes[ids["old-job"]] == {"muted"}
    assert ids["lxcbr0"] not in classes and ids["veth9c1d2e0"] not in classes
    text = render_mermaid(faulty())
    for cls in ("error", "warning", "muted"):
        assert re.search(rf"^  classDef {cls} \S.*$", text, re.M)


def test_origin_comment_cannot_break_out():
    report = Report(origin="x\nflowchart TD\n  evil --> node", topology=Topology())
    text = render_mermaid(report)
    assert text.splitlines()[1] == "  %% netparse: x\\nflowchart TD\\n  evil --#gt; node"
    parse(text)


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_escape_round_trips(name):
    escaped = escape(name)
    # Nothing that ends a label or starts HTML; `#` and `;` only in entities of our own.
    assert not re.search(r'["<>`|#;\x00-\x1f]', re.sub(r"#\w+;", "", escaped))
    assert decode(escaped) == re.sub(r"[\x00-\x1f\x7f]", " ", name)
