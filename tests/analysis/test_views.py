"""Views and fragments are evidence for what they show, never for what they lack: on the seed note
(tests/fixtures/transcripts/seed_note.md), whose container listing is `docker inspect $(docker
ps -q) | grep -e "IPAddress\\|Id"` and whose last `ip addr` is grep'd, and on real dumps."""

import shutil

import netparse
from netparse.analysis import load
from netparse.analysis.model import Severity
from netparse.analysis.topology import build
from tests.conftest import FIXTURES

SEED = FIXTURES / "transcripts" / "seed_note.md"
DUMPS = FIXTURES / "dumps"


def loud(report):
    return [(f.code, f.severity.value, f.subjects) for f in report.findings
            if f.severity in (Severity.ERROR, Severity.WARNING)]


def test_the_seed_note_whole_gives_no_error_or_warning():
    report = netparse.analyze(SEED)
    assert loud(report) == []
    # The grep'd inspect cannot show that test1 (in docker ps) is not recorded: not run.
    codes = {f.code for f in report.findings}
    assert "ps-inspect-mismatch" not in codes and "orphan-veth" not in codes
    not_run = {n.code: [m.fact for m in n.missing] for n in report.not_run}
    assert "containers" in not_run["ps-inspect-mismatch"]
    assert "containers" in not_run["port-mapping-missing"]


def test_the_seed_notes_grepd_containers_are_in_the_topology_with_ids_and_addresses():
    topology = netparse.analyze(SEED).topology
    grepd = {c.id[:12]: c for c in topology.containers if c.in_inspect}
    assert sorted(grepd) == ["115d73223caf", "6a28e596819e", "8f407c2e9a2b"]
    assert grepd["8f407c2e9a2b"].id == \
        "8f407c2e9a2b9d9d6c5a89a74641d95bdebc7cb06e28598c137ee62b182cb5e2"
    addresses = {}
    for key, c in grepd.items():
        (ep,) = c.endpoints
        # No network named: the default bridge, marked inferred with the line it rests on.
        assert (ep.network, ep.bridge, ep.inferred) == ("bridge", "docker0", True)
        assert [f.split(":", 1)[1] for f in ep.inferred_from] == [
            f"102: {key} NetworkSettings IPAddress {ep.ip}, no network named (the default "
            f"bridge network)"]
        # `$(docker ps -q)` lists running containers.
        assert c.running is True
        addresses[key] = (str(ep.ip), ep.prefix_len)
    assert addresses == {"8f407c2e9a2b": ("172.17.0.4", None),
                         "6a28e596819e": ("172.17.0.3", None),
                         "115d73223caf": ("172.17.0.2", None)}
    # An address without its prefix says nothing of the subnet: not a /32 network.
    (bridge,) = [n for n in topology.networks if n.name == "bridge"]
    assert all(s.prefixlen < 32 for s in bridge.subnets)


def test_the_seed_note_uses_the_whole_ip_addr_over_the_later_grepd_one():
    ctx = build(load(SEED))
    assert ctx.used["interfaces"].first_line == 43
    assert "interfaces" not in ctx.views
    assert ctx.views["containers"].startswith("filtered through `docker inspect $(docker ps -q)")
    (note,) = [n for n in ctx.earlier if n.subjects == ["ip addr"]]
    assert "again later as a view" in note.message
    assert note.evidence[1].endswith(":95 `ip addr`")


def test_a_whole_dump_with_a_grepd_inspect_beside_it_still_uses_the_whole_one(tmp_path):
    dump = tmp_path / "dump"
    shutil.copytree(DUMPS / "basic-five", dump)
    whole = netparse.analyze(DUMPS / "basic-five")
    # The same inspect, grep'd, later in time by its name: a view, not the state analysed.
    lines = (DUMPS / "basic-five" / "docker_inspect.json").read_text().splitlines(keepends=True)
    (dump / "docker_inspect_after.json").write_text(
        "".join(line for line in lines if '"Id"' in line or '"IPAddress"' in line))
    ctx = build(load(dump))
    assert ctx.used["containers"].source.path.endswith("docker_inspect.json")
    assert "containers" not in ctx.views
    report = netparse.analyze(dump)
    assert loud(report) == loud(whole)
    assert {c.name for c in report.topology.containers} == \
        {c.name for c in whole.topology.containers}


# --- a command run in a new container --------------------------------------------------------

CC_OCI = FIXTURES / "pastes" / "endpoints-partial" / "cc-oci-runtime-953-container-without-eth0.txt"


def test_ip_a_in_the_shell_docker_run_opened_is_the_new_containers():
    report = netparse.analyze(CC_OCI)
    (source,) = [s for s in report.sources if s.status.value != "ignored"]
    assert (source.kind, source.container) == ("ip_addr", "run:busybox")
    assert report.topology.interfaces == []   # nothing of the host was captured
    (c,) = report.topology.containers
    assert (c.name, c.image, c.running, c.inferred) == ("run:busybox", "busybox", True, True)
    (ep,) = c.endpoints
    assert (ep.network, ep.bridge, ep.inferred) == ("bridge", "docker0", True)
    assert "no --network: the default bridge" in ep.inferred_from[0]
    (f,) = [f for f in report.findings if f.severity is not Severity.INFO]
    assert (f.code, f.severity, f.subjects) == \
        ("container-no-interface", Severity.ERROR, ["run:busybox", "bridge"])
    assert "only lo, sit0" in f.message
    assert any("is inferred from" in line for line in f.evidence)


# --- a kernel setting read from /proc/sys --------------------------------------------------------

FORLINUX_840 = FIXTURES / "pastes" / "time-and-hosts" / "forlinux-840-ip-forward-before-after-start.txt"


def test_cat_proc_sys_is_a_sysctl_reading_of_its_key_in_time_order():
    report = netparse.analyze(FORLINUX_840)
    readings = [s for s in report.sources if s.kind == "sysctl"]
    assert [(s.command, s.order, s.ordered_by) for s in readings] == [
        ("cat /proc/sys/net/ipv4/ip_forward", 1, "transcript"),
        ("cat /proc/sys/net/ipv4/ip_forward", 2, "transcript")]
    # 0 before dockerd started, 1 after: the latest is the state, the 0 an earlier state.
    assert report.topology.ip_forward is True
    assert loud(report) == []
    note, before = report.findings
    assert (note.code, before.code) == ("earlier-state", "earlier-state")
    assert "ip-forward-off (error)" in before.message  # the 0, before dockerd started
    assert [line.split(":")[-1] for line in note.evidence[:2]] == \
        ["2 `cat /proc/sys/net/ipv4/ip_forward`", "6 `cat /proc/sys/net/ipv4/ip_forward`"]


def test_cat_of_one_proc_sys_net_file_is_read_and_nothing_else():
    from netparse.sources.commands import identify, proc_sys_key

    assert proc_sys_key("sudo cat /proc/sys/net/ipv4/conf/all/forwarding") == \
        "net.ipv4.conf.all.forwarding"
    assert proc_sys_key("cat /proc/sys/net/bridge/bridge-nf-call-iptables") == \
        "net.bridge.bridge-nf-call-iptables"
    for line in ("cat /proc/sys/kernel/pid_max", "cat /etc/iptables/rules.v4",
                 "cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/conf/all/forwarding"):
        assert proc_sys_key(line) is None and not identify(line).capture


# --- a capture above the first command line ------------------------------------------------------

MOBY_8042 = FIXTURES / "pastes" / "fragments" / "moby-8042-networksettings-1.2-and-brctl.txt"


def test_a_fragment_above_the_first_command_is_kept_as_what_it_reads_as():
    from netparse import sources

    found = sources.load(MOBY_8042)
    assert [(i.first_line, i.kind, i.command) for i in found.items] == [
        (15, "brctl_show", "brctl show"), (1, "docker_inspect", None)]
    # Only the author's sentence between the two is left out.
    assert [(i.path.rsplit(":", 1)[-1], i.reason) for i in found.ignored] == [
        ("12", "line outside any command's output")]
    report = netparse.analyze(MOBY_8042)
    assert loud(report) == []
    (inspect,) = [s for s in report.sources if s.kind == "docker_inspect"]
    # The author's proposed line is not read as an inspect field, and is said at its line.
    assert any(m.endswith(':9: not understood: ---->  "interface": "veth4d43"')
               for m in inspect.messages)
    (c,) = report.topology.containers
    (ep,) = c.endpoints
    assert (str(ep.ip), ep.prefix_len, str(ep.gateway), ep.bridge) == \
        ("172.17.0.2", 16, "172.17.42.1", "docker0")
    assert ep.host_veth is None   # pairing would rest on the author's line
