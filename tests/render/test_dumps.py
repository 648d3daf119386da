"""Every format over the reports of the real fixture dumps."""

import functools
import re

import pytest
from rich.cells import cell_len

from netparse.analysis import analyze
from netparse.analysis.model import Report, Severity
from netparse.render import FORMATS, render
from tests.conftest import FIXTURES
from tests.render.helpers import (ANSI, by_name, needs_dot, parse, section, statements, svg,
                                  svg_nodes, tree_of)

DUMPS = sorted(p.name for p in (FIXTURES / "dumps").iterdir() if p.is_dir())


@functools.cache
def report(name: str) -> Report:
    return analyze(str(FIXTURES / "dumps" / name))


def test_there_are_dumps():
    assert {"default-bridge", "user-networks", "veth-detached", "bridge-down"} <= set(DUMPS)


@pytest.mark.parametrize("name", DUMPS)
def test_text_tree_matches_the_topology(name):
    r = report(name)
    text = render(r, "text", color=False, width=250)
    assert not ANSI.search(text)
    nodes = tree_of(text)
    parent_of = {label.split(" · ")[0]: (depth, (parent or "").split(" · ")[0])
                 for depth, label, parent in nodes}
    drawn = set()
    for b in r.topology.bridges:
        assert parent_of[f"bridge {b.name}"] == (1, "host")
        for p in b.ports:
            assert parent_of[f"port {p.name}"] == (2, f"bridge {b.name}")
    for c in r.topology.containers:
        for ep in c.endpoints:
            on_port = [p for b in r.topology.bridges for p in b.ports if p.name == ep.host_veth]
            if on_port:
                assert [d for d, lbl, par in nodes
                        if lbl.startswith(f"container {c.name} ")
                        and par.startswith(f"port {ep.host_veth} ")] != []
                drawn.add(c.name)
    # Every container is somewhere: in the tree or in the list of those on no bridge.
    off = section(text, "Containers on no bridge") if "Containers on no bridge" in text else ""
    off_names = {line.split()[0] for line in off.splitlines() if not line.startswith("   ")}
    in_tree = {lbl.split(" · ")[0][len("container "):] for _, lbl, _ in nodes
               if lbl.startswith("container ")}
    assert drawn <= in_tree
    assert in_tree | off_names == {c.name for c in r.topology.containers}


@pytest.mark.parametrize("name", DUMPS)
def test_text_findings_sorted_and_complete(name):
    r = report(name)
    text = render(r, "text", color=False, width=250)
    body = section(text, "Findings")
    heads = [line.split()[:2] for line in body.splitlines() if not line.startswith("   ")]
    if not r.findings:
        assert heads == [["no", "faults"]]
        return
    assert sorted(h[1] for h in heads) == sorted(f.code for f in r.findings)
    ranks = [Severity(h[0].lower()).rank for h in heads]
    assert ranks == sorted(ranks)
    for f in r.findings:
        assert f.message in re.sub(r"\n {11}", " ", body)


@pytest.mark.parametrize("name", DUMPS)
def test_text_fits_the_width(name):
    text = render(report(name), "text", color=False, width=80)
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    coloured = render(report(name), "text", color=True, width=80)
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == text


@pytest.mark.parametrize("name", DUMPS)
def test_json_round_trips(name):
    r = report(name)
    assert Report.model_validate_json(render(r, "json")) == r


@pytest.mark.parametrize("name", DUMPS)
def test_dot_has_every_bridge_port_and_container(name):
    r = report(name)
    stmts = statements(render(r, "dot"))
    nodes = {s: a for s, d, a in stmts if d is None}
    edges = {(s, d) for s, d, _ in stmts if d is not None}
    for b in r.topology.bridges:
        assert ("host", f"bridge:{b.name}") in edges
        for p in b.ports:
            assert (f"bridge:{b.name}", f"port:{p.name}") in edges
    for c in r.topology.containers:
        assert f"container:{c.name}" in nodes
        for ep in c.endpoints:
            if ep.host_veth:
                assert (f"port:{ep.host_veth}", f"container:{c.name}") in edges
    bad = {s for f in r.findings if f.severity is not Severity.INFO for s in f.subjects}
    for b in r.topology.bridges:
        coloured = "#cc0000" in nodes[f"bridge:{b.name}"] or "#e07000" in nodes[f"bridge:{b.name}"]
        named = b.name in bad or b.network in bad
        assert coloured == named or (coloured and any(str(a.network) in bad for a in b.addresses))


@needs_dot
@pytest.mark.parametrize("name", DUMPS)
def test_graphviz_accepts_the_dot(name):
    dot = render(report(name), "dot")
    declared = {s for s, d, _ in statements(dot) if d is None}
    assert set(svg_nodes(svg(dot))) == declared


@pytest.mark.parametrize("name", DUMPS)
def test_mermaid_is_the_same_graph(name):
    r = report(name)
    nodes, edges, classes = parse(render(r, "mermaid"))
    dot = statements(render(r, "dot"))
    assert len(nodes) == sum(1 for _, d, _ in dot if d is None)
    assert len(edges) == sum(1 for _, d, _ in dot if d is not None)
    for a, b, _, _ in edges:
        assert a in nodes and b in nodes
    names = by_name(nodes)
    for c in r.topology.containers:
        assert c.name in names


@pytest.mark.parametrize("fmt", FORMATS)
def test_scenarios(fmt):
    """What a reader of each format must see in the dumps whose fault is known."""
    out = render(report("veth-detached"), fmt, color=False, width=200)
    assert "veth376f8f8" in out
    if fmt == "text":
        assert re.search(r"^  np-b +its veth veth376f8f8 is on no bridge", out, re.M)
    if fmt == "dot":
        edges = {(s, d): a for s, d, a in statements(out) if d is not None}
        assert "not attached" in edges["bridge:docker0", "port:veth376f8f8"]
    out = render(report("user-networks"), fmt, color=False, width=200)
    for name in ["np-proxy", "np-api", "np-db", "np-paused", "np-hostnet", "np-isolated",
                 "np-created", "np-exited", "np-restarting"]:
        assert name in out
    if fmt == "text":
        off = section(out, "Containers on no bridge")
        assert re.search(r"^  np-hostnet +network mode host", off, re.M)
        assert re.search(r"^  np-isolated +network mode none", off, re.M)
        assert re.search(r"^  np-exited +not running \(exited\)", off, re.M)
        nodes = tree_of(out)
        api = [par.split(" · ")[0] for _, lbl, par in nodes if lbl.startswith("container np-api ")]
        assert len(api) == 2  # on np-front and np-back, under a port of each
    out = render(report("bridge-down"), fmt, color=False, width=200)
    if fmt == "text":
        (bridge,) = [lbl for _, lbl, _ in tree_of(out) if lbl.startswith("bridge br-")]
        assert "DOWN" in bridge and "[error: bridge-down" in bridge
