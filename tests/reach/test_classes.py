"""`reach` walks one path per pair of classes of alike containers and fills in each member's
names, addresses and veths: the report must be, byte for byte, the one of walking every pair on
its own (`every_pair=True`), on every dump of the fixtures and on generated dumps with faults
that tell some containers of a network apart from the others."""

from __future__ import annotations

import pytest

from bench.gen import generate
from netparse.analysis import load
from netparse.reach import reach, summary
from netparse.reach.count import ReachCounts, counts_of
from netparse.reach.model import ReachReport
from netparse.render.reach import GRID_LIMIT, render_reach_text
from tests.conftest import FIXTURES

DUMPS = sorted(p.parent for p in FIXTURES.glob("reach/*/dump/docker_inspect.json")) + \
    sorted(p for p in [*FIXTURES.glob("dumps/*"), *FIXTURES.glob("captures/*")] if p.is_dir())
OPTIONS = ({}, {"to": ["8.8.8.8", "10.1.0.5"], "client": "198.51.100.7"})


def _same(snapshot, **options) -> None:
    every = reach(snapshot, every_pair=True, **options)
    by_class = reach(snapshot, **options)
    assert by_class.model_dump_json(indent=2, by_alias=True) == \
        every.model_dump_json(indent=2, by_alias=True)
    assert render_reach_text(by_class) == render_reach_text(every)
    # The text shows no hop: `netparse reach` leaves them out for it.
    assert render_reach_text(reach(snapshot, hops=False, **options)) == render_reach_text(every)


def test_there_are_dumps():
    assert len(DUMPS) >= 30


@pytest.mark.parametrize("dump", DUMPS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixtures_by_class_as_every_pair(dump):
    snapshot = load(dump)
    for options in OPTIONS:
        _same(snapshot, **options)


def _rules(dump, before: str, *lines: str) -> None:
    path = dump / "iptables_save.txt"
    text = path.read_text()
    assert before in text
    path.write_text(text.replace(before, "\n".join(lines + (before,)), 1))


def _drop_line(dump, name: str, line: str) -> None:
    path = dump / name
    text = path.read_text()
    assert line + "\n" in text
    path.write_text(text.replace(line + "\n", "", 1))


FAULTS = {
    # Part of a subnet dropped, one address rejected: containers of one network walk apart.
    "docker-user": lambda d, net: _rules(d, "-A DOCKER-USER -j RETURN",
                                         f"-A DOCKER-USER -s {net[1]}.0/30 -j DROP",
                                         f"-A DOCKER-USER -d {net[1]}.5/32 -j REJECT"),
    "masquerade-removed": lambda d, net: _drop_line(
        d, "iptables_save.txt", f"-A POSTROUTING -s {net[1]}.0/16 ! -o {net[0]} -j MASQUERADE"),
    # A host route over part of a subnet: its containers are routed away.
    "route-over-subnet": lambda d, net: (d / "ip_route.txt").write_text(
        f"{net[1]}.0/30 dev eth0 scope link\n" + (d / "ip_route.txt").read_text()),
    # Bridged frames through iptables, one container's veth named by a rule.
    "physdev": lambda d, net: (
        (d / "sysctl.txt").write_text("net.ipv4.ip_forward = 1\n"
                                      "net.bridge.bridge-nf-call-iptables = 1\n"),
        _rules(d, "-A DOCKER-USER -j RETURN",
               f"-A DOCKER-USER -m physdev --physdev-in {_veth(d, net[1] + '.3')} -j DROP",
               f"-A DOCKER-USER -d {net[1]}.4/32 -m physdev --physdev-out veth+ -j ACCEPT")),
}


def _veth(dump, address: str) -> str:
    """The host veth of the container at `address` (bench.gen's inside ip addr names its peer)."""
    from netparse.analysis.topology import build

    topology = build(load(dump)).topology
    return next(ep.host_veth for c in topology.containers for ep in c.endpoints
                if str(ep.ip) == address)


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_generated_faults_by_class_as_every_pair(tmp_path, fault):
    dump = generate(tmp_path / "d", containers=24, networks=3, routes=2, seed=3)
    # (bridge, first three bytes) of the network 10.1.0.0/16
    net = next((n.bridge, "10.1.0") for n in dump.networks if str(n.subnet) == "10.1.0.0/16")
    FAULTS[fault](tmp_path / "d", net)
    snapshot = load(tmp_path / "d")
    for options in OPTIONS:
        _same(snapshot, **options)
    verdicts = {p.verdict.value for p in reach(snapshot).paths}
    assert "reachable" in verdicts and verdicts - {"reachable"}


def test_a_large_matrix_is_summed_up_by_network(tmp_path):
    dump = generate(tmp_path / "d", containers=45, networks=3, seed=5)
    FAULTS["docker-user"](tmp_path / "d", (dump.networks[1].bridge, "10.1.0"))
    snapshot = load(tmp_path / "d")
    _same(snapshot)
    report = reach(snapshot)
    text = render_reach_text(report)
    assert len({(p.to, p.network) for p in report.paths}) > 40
    assert f"{len(report.paths):,} paths: " in text and "from \\ to" in text
    # Each cause once, with how many paths it breaks: together, every broken path.
    broken = sum(p.verdict.value != "reachable" for p in report.paths)
    counted = [line for line in text.splitlines() if line.startswith("  ")
               and line.endswith(("path)", "paths)"))]
    assert sum(int(line.rsplit("(", 1)[1].split()[0].replace(",", "")) for line in counted) \
        == broken
    assert any("DOCKER-USER rule 1: -A DOCKER-USER -s 10.1.0.0/30 -j DROP" in line
               for line in counted)
    assert len(text.splitlines()) < 60


def _counted(snapshot, **options) -> None:
    """The text's counts of a large matrix, made from the classes' walks and sizes, are those
    of every path of the report (forced here at any size: `grid=0`)."""
    every = reach(snapshot, hops=False, **options)
    counted = summary(snapshot, grid=0, **options)
    if not every.paths:  # nothing to count: the text says so from the report
        assert counted == every
        return
    assert counted == counts_of(every)
    assert render_reach_text(counted) == render_reach_text(counts_of(every))
    if len({(p.to, p.network) for p in every.paths}) > GRID_LIMIT:
        assert render_reach_text(counted) == render_reach_text(every)


@pytest.mark.parametrize("dump", DUMPS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixtures_counted_as_every_path(dump):
    snapshot = load(dump)
    for options in OPTIONS:
        _counted(snapshot, **options)


@pytest.mark.parametrize("fault", [None, *sorted(FAULTS)])
def test_generated_faults_counted_as_every_path(tmp_path, fault):
    dump = generate(tmp_path / "d", containers=24, networks=3, routes=2, seed=3)
    if fault:
        FAULTS[fault](tmp_path / "d", next((n.bridge, "10.1.0") for n in dump.networks
                                           if str(n.subnet) == "10.1.0.0/16"))
    snapshot = load(tmp_path / "d")
    for options in OPTIONS:
        _counted(snapshot, **options)
    # Past the grid the text is the counted one; under it, the report itself.
    assert isinstance(summary(snapshot, grid=0), ReachCounts)
    assert isinstance(summary(snapshot), ReachReport)


def test_a_large_matrix_counted_as_the_cli_prints_it(tmp_path):
    dump = generate(tmp_path / "d", containers=45, networks=3, seed=5)
    FAULTS["docker-user"](tmp_path / "d", (dump.networks[1].bridge, "10.1.0"))
    snapshot = load(tmp_path / "d")
    counted = summary(snapshot, to=["8.8.8.8"], client="198.51.100.7")
    assert isinstance(counted, ReachCounts)
    assert render_reach_text(counted) == render_reach_text(
        reach(snapshot, to=["8.8.8.8"], client="198.51.100.7"))


def test_counted_when_a_class_pair_is_walked_pair_by_pair(tmp_path, monkeypatch):
    """A class pair whose first pair holds one text twice (`holes` gives None) is walked pair by
    pair, counted path by path, in the report and in the counts alike."""
    import netparse.reach.classes as classes

    dump = generate(tmp_path / "d", containers=24, networks=3, routes=2, seed=3)
    FAULTS["docker-user"](tmp_path / "d", next((n.bridge, "10.1.0") for n in dump.networks
                                               if str(n.subnet) == "10.1.0.0/16"))
    snapshot = load(tmp_path / "d")
    names = sorted(c.name for c in dump.containers)[::3]
    holes = classes.holes
    monkeypatch.setattr(classes, "holes", lambda *named: None if any(
        c.name in names for _, c in named) else holes(*named))
    for options in OPTIONS:
        _counted(snapshot, **options)
