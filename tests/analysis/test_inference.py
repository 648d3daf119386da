"""The topology built from facts: objects known only from references to them, on real pastes
(tests/fixtures/pastes, their verdicts in expected.json) and on real dumps cut down."""

import json
import shutil

import pytest

import netparse
from netparse.analysis.model import Severity
from tests.conftest import FIXTURES

PASTES = FIXTURES / "pastes"
DUMPS = FIXTURES / "dumps"
EXPECTED = json.loads((PASTES / "expected.json").read_text())
# The classes whose objects are known from references, and a fragment whose veth was once
# called an orphan.
MINE = sorted(name for name in EXPECTED if name.split("/")[0] in
              ("reference-only", "endpoints-partial", "routes")) \
    + ["fragments/moby-8042-networksettings-1.2-and-brctl.txt"]


def analyze(name: str):
    return netparse.analyze(PASTES / name)


def loud(report):
    return [(f.code, f.severity.value, f.subjects) for f in report.findings
            if f.severity in (Severity.ERROR, Severity.WARNING)]


@pytest.mark.parametrize("name", [n for n in MINE if EXPECTED[n]["verdict"] == "healthy"])
def test_a_healthy_paste_gives_no_error_and_no_warning(name):
    assert loud(analyze(name)) == []


@pytest.mark.parametrize("name", [n for n in MINE if EXPECTED[n]["verdict"] == "undecidable"])
def test_an_undecidable_paste_gives_no_error(name):
    assert not [f for f in analyze(name).findings if f.severity is Severity.ERROR]


def test_a_bridge_named_only_as_a_master_is_inferred_with_its_ports():
    report = analyze("reference-only/coreos-1785-veth-missing-master.txt")
    (docker0,) = report.topology.bridges
    assert docker0.name == "docker0" and docker0.inferred and docker0.managed
    assert [p.name for p in docker0.ports] == ["vethc1f8b37"]
    assert len(docker0.inferred_from) == 1
    assert docker0.inferred_from[0].endswith(": vethc1f8b37 master docker0")
    # The loose veth stays a host interface, up and with no master, for the checks to see.
    loose = next(i for i in report.topology.interfaces if i.name == "veth9a1b35b")
    assert (loose.kind, loose.master, loose.up, loose.peer_ifindex) == ("veth", None, True, 168)
    # docker0 is the default network's bridge: the network is inferred from its name.
    (bridge,) = report.topology.networks
    assert (bridge.name, bridge.bridge, bridge.inferred, bridge.subnets) == \
        ("bridge", "docker0", True, [])
    assert "docker0 is the default network's bridge" in bridge.inferred_from[0]
    # Its veth is not called an orphan: nothing shows which containers run. The loose veth is
    # the fault.
    assert sorted(f.code for f in report.findings) == ["unpaired-veth", "veth-without-master"]
    f = next(f for f in report.findings if f.code == "unpaired-veth")
    assert (f.code, f.severity, f.subjects) == ("unpaired-veth", Severity.INFO,
                                                ["docker0", "vethc1f8b37"])
    assert "docker inspect $(docker ps -q)" in f.hint
    assert any("bridge docker0 is inferred from" in e and "master docker0" in e
               for e in f.evidence)


def test_a_veth_in_brctl_show_alone_is_unpaired_not_an_orphan():
    report = analyze("fragments/moby-8042-networksettings-1.2-and-brctl.txt")
    assert [(f.code, f.severity) for f in report.findings] == [("unpaired-veth", Severity.INFO)]
    (docker0,) = report.topology.bridges
    assert not docker0.inferred and [p.name for p in docker0.ports] == ["veth4d43"]
    # With no interface listing, the port is a host interface known from brctl show alone.
    (veth,) = report.topology.interfaces
    assert (veth.name, veth.kind, veth.master, veth.inferred) == ("veth4d43", "veth", "docker0", True)
    assert veth.inferred_from[0].endswith(": veth4d43 on docker0")


def test_networks_and_their_subnets_are_inferred_from_a_routing_table():
    report = analyze("routes/bitbetter-79-netstat-rn-bridge-on-lan-range.txt")
    bridges = {b.name: b for b in report.topology.bridges}
    assert set(bridges) == {"docker0", "br-828c78b615e2", "br-adff3a5cad70"}
    assert all(b.inferred and b.managed for b in bridges.values())
    nets = {n.bridge: n for n in report.topology.networks}
    assert nets["docker0"].name == "bridge"
    assert [str(s) for s in nets["docker0"].subnets] == ["172.17.0.0/16"]
    user = nets["br-828c78b615e2"]
    assert (user.name, user.id, user.driver) == ("828c78b615e2", "828c78b615e2", "bridge")
    assert [str(s) for s in user.subnets] == ["172.28.0.0/16"]
    assert user.gateways == []  # route -n has no src: the gateway is not known
    assert any("172.28.0.0/16 dev br-828c78b615e2" in fact for fact in user.inferred_from)
    assert bridges["br-828c78b615e2"].network == "828c78b615e2"
    assert loud(report) == []


def test_a_kernel_route_gives_the_gateway_too():
    report = analyze("reference-only/hiroshi-sawai-ip-route-anonymised-bridge.txt")
    bridge = next(n for n in report.topology.networks if n.name == "bridge")
    assert [str(s) for s in bridge.subnets] == ["172.17.0.0/16"]
    assert [str(g) for g in bridge.gateways] == ["172.17.0.1"]
    assert any("proto kernel scope link src 172.17.0.1" in f for f in bridge.inferred_from)
    # The author's `br-xxxxxxxx` is no Docker bridge name: no id is made up for it.
    assert [b.name for b in report.topology.bridges] == ["docker0"]


def test_a_bridge_route_over_a_lan_route_is_found_on_an_inferred_network():
    report = analyze("routes/moby-24796-lan-subnet-on-bridge-and-nic.txt")
    (net,) = report.topology.networks
    assert (net.bridge, [str(s) for s in net.subnets]) == ("br-c2a15a4ad6d2", ["192.168.122.0/24"])
    overlap = [f for f in report.findings if f.code == "route-overlap"]
    assert overlap and all("br-c2a15a4ad6d2" in f.subjects for f in overlap)
    assert all(any("is inferred from" in e for e in f.evidence) for f in overlap)


def test_captures_inside_a_container_with_no_container_list_raise_no_alarm():
    for name in ("routes/openvpn-client-165-vpn-half-routes-in-container.txt",
                 "endpoints-partial/cniguru-2-netns-exec-pod-eth0.txt"):
        report = analyze(name)
        assert "unknown-container" not in {f.code for f in report.findings}
        assert "unknown-container" in {n.code for n in report.not_run}
    # `docker exec` ran in it: a running container, inferred from that command.
    report = analyze("routes/openvpn-client-165-vpn-half-routes-in-container.txt")
    (vpn,) = report.topology.containers
    assert (vpn.name, vpn.running, vpn.inferred) == ("docker_vpn_1", True, True)
    assert "docker exec -it docker_vpn_1 ip addr show dev tun0" in vpn.inferred_from[0]
    # A Kubernetes pod's namespace is no container: nothing is made of it.
    assert analyze("endpoints-partial/cniguru-2-netns-exec-pod-eth0.txt").topology.containers == []


def test_an_endpoint_from_the_link_inside_a_container():
    report = analyze("endpoints-partial/node-index-69-container-ls-and-exec-ip.txt")
    containers = {c.name: c for c in report.topology.containers}
    assert containers["test2"].endpoints == [] and not containers["test2"].inferred
    (ep,) = containers["test1"].endpoints
    assert (str(ep.ip), ep.prefix_len, ep.mac) == ("172.17.0.2", 16, "02:42:ac:11:00:02")
    # No network is known to hold 172.17.0.0/16: the subnet stands for it.
    assert ep.network == "172.17.0.0/16" and ep.bridge is None and ep.inferred
    assert "eth0@if6 inside test1" in ep.inferred_from[0]
    assert loud(report) == []


def test_an_endpoint_from_a_networks_containers():
    report = analyze("endpoints-partial/moby-26413-overlay-network-inspect-one-task.txt")
    (c,) = report.topology.containers
    assert c.name == "my-web.1.63s86gf6a0ms34mvboniev7bs" and c.inferred and c.running
    (ep,) = c.endpoints
    assert (ep.network, str(ep.ip), ep.prefix_len, ep.mac) == \
        ("my-network", "10.0.9.3", 24, "02:42:0a:00:09:03")
    # An overlay network has no bridge of its own on the host: none is inferred.
    assert report.topology.bridges == [] and report.topology.networks[0].bridge is None


# --- real dumps, cut down -----------------------------------------------------------------------

def copy_dump(tmp_path, dump: str, *names: str):
    for name in names:
        shutil.copy(DUMPS / dump / name, tmp_path / name)
    return tmp_path


def test_without_the_bridges_own_lines_the_bridge_is_inferred_and_pairing_holds(tmp_path):
    """default-bridge's ip addr without docker0's block: docker0 is known from its veths'
    `master docker0` and from its route; every endpoint is still paired with its own veth."""
    copy_dump(tmp_path, "default-bridge", "docker_inspect.json", "docker_ps.txt", "ip_route.txt")
    shutil.copytree(DUMPS / "default-bridge" / "containers", tmp_path / "containers")
    blocks, keep = (DUMPS / "default-bridge" / "ip_addr.txt").read_text().split("\n"), []
    skipping = False
    for line in blocks:
        if line[:1].isdigit():
            skipping = ": docker0:" in line
        if not skipping:
            keep.append(line)
    (tmp_path / "ip_addr.txt").write_text("\n".join(keep))
    full = netparse.analyze(DUMPS / "default-bridge")
    report = netparse.analyze(tmp_path)
    (docker0,) = report.topology.bridges
    assert docker0.inferred and sorted(p.name for p in docker0.ports) == \
        sorted(p.name for p in full.topology.bridges[0].ports)
    assert any("dev docker0" in fact for fact in docker0.inferred_from)
    pairs = {(c.name, ep.network): ep.host_veth for c in report.topology.containers
             for ep in c.endpoints if ep.host_veth}
    assert pairs == {(c.name, ep.network): ep.host_veth for c in full.topology.containers
                     for ep in c.endpoints if ep.host_veth}
    assert not [f for f in report.findings if f.severity is Severity.ERROR]


def test_network_inspect_alone_gives_containers_and_never_a_wrong_pair(tmp_path):
    copy_dump(tmp_path, "user-networks", "docker_network_inspect.json", "ip_addr.txt")
    full = netparse.analyze(DUMPS / "user-networks")
    report = netparse.analyze(tmp_path)
    truth = {(c.name, ep.network): ep.host_veth for c in full.topology.containers
             for ep in c.endpoints if ep.host_veth}
    got = {(c.name, ep.network): ep.host_veth for c in report.topology.containers
           for ep in c.endpoints if ep.host_veth}
    assert set(got.items()) <= set(truth.items())
    containers = {c.name: c for c in report.topology.containers}
    assert containers and all(c.inferred and c.running for c in containers.values())
    api = containers["np-api"]
    assert {ep.network for ep in api.endpoints} == {"np-front", "np-back"}
    assert all(ep.mac and ep.ip and ep.inferred_from for ep in api.endpoints)
    # Not every running container's endpoints are known: no veth is called an orphan.
    assert "orphan-veth" not in {f.code for f in report.findings}


def test_engine_records_that_disagree_are_noted_at_info(tmp_path):
    """The network's Containers and the container's own inspect give another address: the
    topology keeps the container's own, and says so."""
    copy_dump(tmp_path, "user-networks", "docker_inspect.json", "docker_ps.txt", "ip_addr.txt")
    doc = json.loads((DUMPS / "user-networks" / "docker_network_inspect.json").read_text())
    front = next(n for n in doc if n["Name"] == "np-front")
    key = next(k for k, v in front["Containers"].items() if v["Name"] == "np-api")
    recorded = front["Containers"][key]["IPv4Address"]
    front["Containers"][key]["IPv4Address"] = "172.30.1.250/24"
    (tmp_path / "docker_network_inspect.json").write_text(json.dumps(doc, indent=4))
    report = netparse.analyze(tmp_path)
    api = next(c for c in report.topology.containers if c.name == "np-api")
    ep = next(e for e in api.endpoints if e.network == "np-front")
    assert f"{ep.ip}/{ep.prefix_len}" == recorded and not ep.inferred
    (note,) = [f for f in report.findings if f.code == "captures-disagree"
               and "np-api" in f.subjects]
    assert note.severity is Severity.INFO
    assert "172.30.1.250/24 in docker network inspect" in note.message
    assert "uses docker inspect's" in note.message
