import random
import re
import sys

import pytest
from rich.cells import cell_len

from netparse.analysis.model import (Container, Finding, InsideView, Missing, NotRun, Report,
                                     Severity)
from netparse.render import render_text
from tests.render.helpers import ANSI, node, section, tree_of
from tests.render.reports import HOSTILE, faulty, healthy


def test_tree_nests_host_bridge_port_container():
    report = healthy()
    nodes = tree_of(render_text(report, color=False, width=200))
    bridge = node(nodes, "bridge docker0 ")
    assert bridge[0] == 1 and bridge[2].startswith("host")
    assert "network bridge" in bridge[1] and "MTU 1500" in bridge[1]
    assert "172.17.0.1/16" in bridge[1] and "managed by Docker" in bridge[1]
    for port in report.topology.bridges[0].ports:
        depth, label, parent = node(nodes, f"port {port.name} ")
        assert (depth, parent) == (2, bridge[1])
        assert f"ifindex {port.ifindex} ↔ peer {port.peer_ifindex}" in label
        assert " up" in label
    for c in report.topology.containers:
        ep = c.endpoints[0]
        depth, label, parent = node(nodes, f"container {c.name} ")
        assert f"{ep.ip}/{ep.prefix_len}" in label and ep.mac in label
        if ep.host_veth:
            assert (depth, parent.split(" · ")[0]) == (3, f"port {ep.host_veth}")
            assert f"paired by {ep.evidence.value}" in label
        else:
            assert (depth, parent) == (2, bridge[1])
            assert f"unpaired: {ep.unpaired_reason}" in label


def test_ports_are_ordered_by_ifindex():
    nodes = tree_of(render_text(healthy(), color=False, width=200))
    ports = [label.split(" ")[1] for depth, label, _ in nodes if label.startswith("port ")]
    assert ports == ["veth35b9344", "vethf73d2ff"]  # ifindex 16, 18 (the report has 18 first)


def test_faulty_tree_marks_subjects_and_empty_ports():
    nodes = tree_of(render_text(faulty(), color=False, width=200))
    host = nodes[0][1]
    assert "ip_forward off" in host and "[warning: ip-forward-off]" in host
    assert "no default route" in host
    bridge = node(nodes, "bridge br-ac3e0514d837 ")
    assert "DOWN" in bridge[1] and "[error: bridge-down]" in bridge[1]
    assert "[warning: veth-down]" in node(nodes, "port veth15e0a98@if14 ")[1]
    hostile = node(nodes, f"container {HOSTILE} ")
    assert hostile[2].startswith("port veth15e0a98@if14") and "paired by netnsid" in hostile[1]
    empty = node(nodes, "port veth9c1d2e0 ")
    assert [n for n in nodes if n[2] == empty[1]] == [(3, "no container paired", empty[1])]
    lxc = node(nodes, "bridge lxcbr0 ")
    assert "not managed by Docker" in lxc[1]
    assert [n[1] for n in nodes if n[2] == lxc[1]] == ["no ports"]


def test_containers_off_the_bridges_and_unpaired_endpoints():
    text = render_text(faulty(), color=False, width=200)
    off = section(text, "Containers on no bridge").splitlines()
    assert [line.split()[0] for line in off] == ["ghost", "metrics", "old-job"]
    assert "network mode host" in off[1]
    assert "not running (exited)" in off[2] and "unpaired: container is not running" in off[2]
    loose = section(text, "Unpaired endpoints").splitlines()
    assert len(loose) == 1 and loose[0].split()[0] == "ghost"
    assert "paired with veth0000001 (fdb), which is on no bridge" in loose[0]

    text = render_text(healthy(), color=False, width=200)
    assert "Containers on no bridge" not in text
    (line,) = section(text, "Unpaired endpoints").splitlines()
    assert line.split()[:4] == ["np-db", "on", "bridge", "(docker0)"]
    assert "no capture inside np-db and no fdb entry for 02:42:ac:11:00:04" in line


def test_header_lists_sources_with_status_and_counts():
    text = render_text(healthy(), color=False, width=200)
    assert text.startswith("netparse report (schema 1.2)\n"
                           "Origin: tests/fixtures/dumps/default-bridge\n")
    rows = section(text, "Sources").splitlines()
    assert [r.split()[:3] for r in rows if not r.startswith("     ")] == [
        ["parsed", "brctl_show", "brctl_show.txt"],
        ["partial", "ip_addr", "containers/np-web/ip_addr.txt"],
        ["parsed", "ip_addr", "ip_addr.txt"],
        ["ignored", "-", "notes.txt"],
    ]
    assert "(inside np-web)" in rows[1] and "line 7 not understood: 'garbage'" in rows[2]
    assert "not a capture netparse reads" in rows[5]
    assert "Sources (4: 2 parsed, 1 partial, 1 ignored)" in text
    assert ("Counts: 1 bridge, 2 ports, 3 containers (3 running), 1 network, "
            "3 endpoints (2 paired, 1 unpaired)") in text
    assert "Findings: 0 errors, 0 warnings, 0 info" in text
    assert "Partial:" not in text

    text = render_text(faulty(), color=False, width=200)
    assert "Partial: some captures could not be parsed" in text
    assert "Findings: 1 error, 2 warnings, 2 info" in text
    assert "route_n.txt:3: not a route line" in section(text, "Sources")


def test_findings_sorted_by_severity_with_details():
    report = faulty()
    text = render_text(report, color=False, width=200)
    body = section(text, "Findings")
    heads = [line.split()[:2] for line in body.splitlines() if not line.startswith("   ")]
    assert heads == [["ERROR", "bridge-down"], ["WARNING", "ip-forward-off"],
                     ["WARNING", "veth-down"], ["INFO", "foreign-bridge"],
                     ["INFO", "no-default-route"]]
    ranks = [Severity(h[0].lower()).rank for h in heads]
    assert ranks == sorted(ranks)
    for f in report.findings:
        assert f.message in body
        for line in f.evidence:
            assert f"- {line}" in body
        if f.hint:
            assert f"hint: {f.hint}" in body
        if f.subjects:
            assert f"{f.code}  [{', '.join(f.subjects)}]" in body
    assert "no faults found" in render_text(healthy(), color=False)


def test_colour_only_when_asked_or_on_a_terminal(monkeypatch):
    report = faulty()
    plain = render_text(report, color=False)
    coloured = render_text(report, color=True)
    assert not ANSI.search(plain)
    assert ANSI.search(coloured)
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
    # Decided from stdout when not given.
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert not ANSI.search(render_text(report))  # pytest's captured stdout is no terminal

    class Tty:
        def isatty(self):
            return True

        def write(self, text):
            return len(text)

        def flush(self):
            pass

    monkeypatch.setattr(sys, "stdout", Tty())
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("TERM", "xterm")
    assert ANSI.search(render_text(report))
    monkeypatch.setenv("NO_COLOR", "1")
    assert not ANSI.search(render_text(report))
    assert ANSI.search(render_text(report, color=True))  # asked for: NO_COLOR does not apply
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert not ANSI.search(render_text(report))


def test_width_is_respected_and_nothing_truncated():
    report = faulty()
    text = render_text(report, color=False, width=60)
    assert max(cell_len(line) for line in text.splitlines()) <= 60
    assert "…" not in text
    flat = re.sub(r"\s+", "", text)
    for name in [HOSTILE, "veth15e0a98@if14", "br-ac3e0514d837", "veth0000001"]:
        assert re.sub(r"\s+", "", name) in flat


def test_output_is_stable_whatever_the_input_order():
    report = faulty()
    expected = render_text(report, color=False, width=120)
    rng = random.Random(7)
    for _ in range(5):
        shuffled = report.model_copy(deep=True)
        topo = shuffled.topology
        for items in (shuffled.sources, shuffled.findings, topo.bridges, topo.containers,
                      *(b.ports for b in topo.bridges)):
            rng.shuffle(items)
        assert render_text(shuffled, color=False, width=120) == expected


def test_names_are_printed_literally():
    """Rich markup, emoji codes and highlighting must not touch names from captures."""
    name = "[bold red]boom[/] :smile: 1.2.3.4 'x'"
    report = healthy()
    report.topology.containers.append(Container(name=name, state="exited", running=False))
    for color in (False, True):
        text = render_text(report, color=color, width=200)
        plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
        assert name in plain
    assert f"{name}  not running (exited)" in render_text(report, color=False, width=200)


def test_empty_report():
    text = render_text(Report(origin="-"), color=False)
    assert "no bridges captured" in text and "no faults found" in text
    assert "Sources (0)" in text


@pytest.mark.parametrize("report", [healthy(), faulty()], ids=["healthy", "faulty"])
def test_every_name_appears(report):
    text = render_text(report, color=False, width=300)
    topo = report.topology
    names = [b.name for b in topo.bridges] + [p.name for b in topo.bridges for p in b.ports]
    names += [c.name for c in topo.containers] + [s.path for s in report.sources]
    for name in names:
        assert name in text


def test_paths_are_shown_below_the_origin():
    report = healthy()
    report.origin = "/cases/1234/"
    report.sources[0].path = "/cases/1234/ip_addr.txt"
    report.findings.append(Finding(
        code="x", severity="info", subjects=[], message="m",
        evidence=["/cases/1234/ip_addr.txt: eth0 (see /cases/1234/ip_route.txt, not "
                  "/old/cases/1234/ip_route.txt)"]))
    text = render_text(report, color=False, width=200)
    assert re.search(r"^  parsed +ip_addr +ip_addr.txt  \$ ip addr$", text, re.M)
    assert "- ip_addr.txt: eth0 (see ip_route.txt, not /old/cases/1234/ip_route.txt)" in text
    assert "Origin: /cases/1234/" in text


def test_an_interface_named_with_its_container_is_not_the_hosts():
    report = healthy()
    report.topology.containers[0].inside = InsideView(interfaces=["lo", "eth0"])
    report.findings.append(Finding(code="address-drift", severity="error",
                                   subjects=["np-web", "eth0"], message="m"))
    nodes = tree_of(render_text(report, color=False, width=200))
    assert "[error" not in nodes[0][1]  # the host's uplink is eth0 too
    assert "[error: address-drift]" in node(nodes, "container np-web ")[1]
    report.findings.append(Finding(code="mtu-above-uplink", severity="warning",
                                   subjects=["docker0", "eth0"], message="m"))
    nodes = tree_of(render_text(report, color=False, width=200))
    assert "[warning: mtu-above-uplink]" in nodes[0][1]


def test_checks_not_run_are_listed_after_the_findings_with_what_would_run_them():
    report = healthy()
    assert "not run" not in render_text(report, color=False, width=200)
    report.not_run = [
        NotRun(code="ip-forward-off", missing=[
            Missing(fact="ip-forward", captures=["sysctl net.ipv4.ip_forward"])]),
        NotRun(code="bridge-gateway", missing=[
            Missing(fact="interfaces", captures=["ip addr", "ip link"]),
            Missing(fact="networks", captures=["docker network inspect <network>..."])])]
    text = render_text(report, color=False, width=200)
    assert text.index("Findings (") < text.index("Checks not run (2)")
    assert section(text, "Checks not run").splitlines() == [
        "  ip-forward-off  needs ip-forward (sysctl net.ipv4.ip_forward)",
        "  bridge-gateway  needs interfaces (ip addr or ip link); networks "
        "(docker network inspect <network>...)"]
