"""Inferred objects in every format: the word "(inferred)" beside each, and in the text report
the facts each rests on.

The reports are those of a real dump; the `inferred` fields are set on a copy of the model, each
resting on a real line of the dump's captures (as the topology records a fact: `capture:line:
what it says`).
"""

import functools
import re

import pytest

from netparse.analysis import analyze
from netparse.analysis.model import Report
from netparse.render import render
from netparse.render.graph import build_graph
from netparse.render.view import build
from tests.conftest import FIXTURES
from tests.render.helpers import by_name, needs_dot, node, parse, section, statements, svg, \
    svg_nodes, tree_of

DUMP = FIXTURES / "dumps" / "default-bridge"


def fact(capture: str, pattern: str) -> str:
    """`capture:line: text` for the first line of the dump's `capture` matching `pattern`."""
    lines = (DUMP / capture).read_text().splitlines()
    number = next(i for i, line in enumerate(lines, 1) if re.search(pattern, line))
    return f"{DUMP}/{capture}:{number}: {lines[number - 1].strip()}"


@functools.cache
def _report() -> Report:
    return analyze(str(DUMP))


def plain() -> Report:
    return _report().model_copy(deep=True)


def marked() -> Report:
    """The dump's report with docker0, its network, np-db and np-web's endpoint and the uplink
    set as inferred, each from the captures' own lines."""
    report = plain()
    topo = report.topology
    marks = {
        "bridge": (topo.bridges[0], [fact("ip_addr.txt", r"master docker0"),
                                     fact("route_n.txt", r"docker0$")]),
        "network": (next(n for n in topo.networks if n.name == "bridge"),
                    [fact("route_n.txt", r"^172\.17\.0\.0 .* docker0$")]),
        "container": (next(c for c in topo.containers if c.name == "np-db"),
                      [fact("docker_ps.txt", r"np-db$")]),
        "endpoint": (next(c for c in topo.containers if c.name == "np-web").endpoints[0],
                     [fact("containers/np-web/ip_addr.txt", r"inet 172\.17\.0\.2/16")]),
        "interface": (next(i for i in topo.interfaces if i.name == "eth0"),
                      [fact("route_n.txt", r"^0\.0\.0\.0 .* eth0$")]),
    }
    for obj, facts in marks.values():
        obj.inferred, obj.inferred_from = True, facts
    return report


def test_the_marks_rest_on_lines_of_the_dump():
    report = marked()
    facts = [f for item in build(report).inferred for f in item.facts]
    assert len(facts) == 6
    for f in facts:
        path, number, text = re.match(r"(.+?):(\d+): (.*)", f).groups()
        assert open(path).read().splitlines()[int(number) - 1].strip() == text


def test_text_marks_each_inferred_object_where_it_is_drawn():
    text = render(marked(), "text", color=False, width=250)
    nodes = tree_of(text)
    assert "uplink eth0 (inferred)" in nodes[0][1]
    bridge = node(nodes, "bridge docker0 ")[1].split(" · ")
    assert bridge[1] == "(inferred)" and bridge[2] == "network bridge (inferred)"
    db = node(nodes, "container np-db ")[1].split(" · ")
    assert db[1] == "(inferred)" and "endpoint (inferred)" not in db
    web = node(nodes, "container np-web ")[1].split(" · ")
    assert "(inferred)" not in web and "endpoint (inferred)" in web
    app = node(nodes, "container np-app ")[1]
    assert "inferred" not in app
    for depth, label, _ in nodes:
        if label.startswith("port "):
            assert "inferred" not in label


def test_text_lists_the_facts_of_each_inferred_object():
    report = marked()
    text = render(report, "text", color=False, width=250)
    listed = section(text, "Inferred from references")
    rows = re.findall(r"^  (\w+) (\S+(?: on \S+)?)\s+- (.*)$", listed, re.M)
    assert [(what, name) for what, name, _ in rows] == [
        ("interface", "eth0"), ("bridge", "docker0"), ("network", "bridge"),
        ("container", "np-db"), ("endpoint", "np-web on bridge")]
    # Paths below the origin, as the findings' evidence is shown.
    assert f"- ip_addr.txt:25: {(DUMP / 'ip_addr.txt').read_text().splitlines()[24].strip()}" \
        in listed
    assert "- route_n.txt:4: 172.17.0.0" in listed
    assert str(DUMP) not in listed
    # Before the findings and the checks not run.
    assert text.index("Inferred from references") < text.index("Findings (")


def test_an_inferred_object_without_its_facts_says_so():
    report = plain()
    report.topology.bridges[0].inferred = True
    listed = section(render(report, "text", color=False, width=200), "Inferred from references")
    assert re.search(r"bridge docker0\s+- no fact recorded", listed)


def test_nothing_is_marked_when_nothing_is_inferred():
    report = plain()
    for fmt in ("text", "dot", "mermaid"):
        assert "inferred" not in render(report, fmt, color=False).replace(
            "classDef inferred", "")


def test_graph_nodes_say_inferred_on_their_second_line():
    nodes = {n.key: n for n in build_graph(marked()).nodes}
    for key in ("bridge:docker0", "container:np-db", "uplink:eth0"):
        assert nodes[key].inferred and nodes[key].lines[1] == "(inferred)", key
    assert "network bridge (inferred)" in nodes["bridge:docker0"].lines
    assert "endpoint (inferred)" in nodes["container:np-web"].lines
    assert not nodes["container:np-web"].inferred
    assert not nodes["container:np-app"].inferred and "(inferred)" not in \
        nodes["container:np-app"].lines


def test_dot_draws_inferred_nodes_dotted():
    attrs = {src: a for src, dst, a in statements(render(marked(), "dot")) if dst is None}
    for key in ("bridge:docker0", "container:np-db", "uplink:eth0"):
        assert "dotted" in attrs[key] and "\\n(inferred)" in attrs[key], key
    assert "dotted" not in attrs["container:np-app"]


@needs_dot
def test_graphviz_shows_the_word():
    nodes = svg_nodes(svg(render(marked(), "dot")))
    assert nodes["bridge:docker0"][:2] == ["docker0", "(inferred)"]


def test_mermaid_marks_inferred_nodes_with_a_class():
    nodes, _, classes = parse(render(marked(), "mermaid"))
    ids = by_name(nodes)
    for name in ("docker0", "np-db"):
        assert nodes[ids[name]][1] == "(inferred)"
    # docker0 is also named by a warning: its colour wins, its label still says it.
    assert classes[ids["np-db"]] == {"inferred"}
    assert "inferred" not in classes.get(ids["np-app"], set())


@pytest.mark.parametrize("fmt", ["text", "dot", "mermaid"])
def test_a_hostile_fact_is_shown_not_obeyed(fmt):
    report = marked()
    report.topology.bridges[0].inferred_from.append("ip_addr.txt:9: \x1b]0;pwned\x07 master docker0")
    out = render(report, fmt, color=False, width=200)
    assert "\x1b" not in out and "\x07" not in out
    if fmt == "text":
        assert "\\x1b]0;pwned\\x07 master docker0" in out
