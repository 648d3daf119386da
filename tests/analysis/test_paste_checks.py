"""The checks that partial pastes need, on the real pastes of `tests/fixtures/pastes/` and on
real captures of the faults no public paste shows whole (`tests/fixtures/captures/`).

A paste proves what its `expected.json` verdict says and no more: a fault gives its finding,
and a healthy or undecidable paste gives none of these checks' errors or warnings.
"""

import json

import pytest

import netparse
from tests.conftest import FIXTURES

PASTES = FIXTURES / "pastes"
CAPTURES = FIXTURES / "captures"
EXPECTED = json.loads((PASTES / "expected.json").read_text())

# The checks added or extended for pastes.
CODES = {"bridge-no-address", "veth-without-master", "duplicate-address", "loopback-down",
         "container-no-interface", "container-default-route", "route-overlap",
         "default-route-covered", "default-via-port", "ip-forward-off", "forwarding-default-off",
         "masquerade-off", "ipv6-default-no-gateway", "no-docker-bridge", "bridge-id-zero",
         "bridge-nf-off"}


def findings(path, code=None):
    report = netparse.analyze(path)
    return [f for f in report.findings if f.code in CODES and (code is None or f.code == code)]


def test_a_veth_with_no_master_beside_its_sibling_on_docker0():
    """coreos-1785: docker0 is only named, as the working veth's master."""
    (f,) = findings(PASTES / "reference-only/coreos-1785-veth-missing-master.txt")
    assert (f.code, f.severity.value, f.subjects) == ("veth-without-master", "error",
                                                      ["veth9a1b35b", "docker0"])
    assert "vethc1f8b37 is on docker0" in f.message


def test_a_docker_bridge_with_only_a_link_local_address():
    """moby-38942: `ip addr show dev br-…` of two bridges, one after the other, neither with an
    IPv4 address: each one-device capture counts for its device."""
    found = findings(PASTES / "reference-only/moby-38942-user-bridge-no-ipv4.txt")
    assert {f.code for f in found} == {"bridge-no-address"}
    assert all(f.severity.value == "error" for f in found)
    assert sorted(f.subjects[0] for f in found) == ["br-42760d195d8c", "br-9f92c4e594fa"]
    f = next(f for f in found if f.subjects[0] == "br-42760d195d8c")
    assert "(only fe80::42:c7ff:fec7:fa12/64)" in f.message


def test_a_docker_bridge_with_its_address_gives_none():
    assert findings(PASTES / "reference-only/nlan-5-docker0-excerpt-hypriot.txt") == []
    assert findings(PASTES / "endpoints-partial/lxc-resources-9-docker-host-inside-lxc.txt") == []


def test_all_forwarding_at_zero_is_a_fault():
    (f,) = findings(PASTES / "sysctl/codingecho-all-forwarding-zero.txt")
    assert (f.code, f.severity.value, f.subjects) == ("ip-forward-off", "error",
                                                      ["net.ipv4.conf.all.forwarding"])


def test_default_forwarding_at_zero_alone_is_undecidable():
    (f,) = findings(PASTES / "sysctl/nixpkgs-118656-default-forwarding-zero.txt")
    assert (f.code, f.severity.value) == ("forwarding-default-off", "info")


def test_a_namespace_whose_loopback_is_down():
    """nomad-driver-containerd-64: the first namespace's lo is DOWN with no 127.0.0.1; the
    second's (a container the paste names by its prompt) is fine."""
    (f,) = findings(PASTES / "endpoints-partial/nomad-driver-containerd-64-two-namespaces-lo-down.txt")
    assert (f.code, f.severity.value) == ("loopback-down", "error")
    assert "lo is down and has no 127.0.0.1" in f.message


def test_a_lan_subnet_also_on_a_docker_bridge():
    """moby-24796: after `service docker start`, 192.168.122.0/24 on br-c2a15a4ad6d2 (metric 0)
    and on ens3 (metric 100): the bridge wins and the LAN is shadowed."""
    (f,) = findings(PASTES / "routes/moby-24796-lan-subnet-on-bridge-and-nic.txt")
    assert (f.code, f.severity.value) == ("route-overlap", "error")
    assert {"192.168.122.0/24", "br-c2a15a4ad6d2", "ens3"} <= set(f.subjects)  # not ens3<br/>
    assert "br-c2a15a4ad6d2's route wins on metric" in f.message


def test_a_docker_pool_that_is_also_a_static_route():
    """forlinux-1422: the two routes end in the author's `# …` remarks; same metric, so which
    one wins is not claimed."""
    (f,) = findings(PASTES / "routes/forlinux-1422-docker-pool-also-static-route.txt")
    assert (f.code, f.severity.value) == ("route-overlap", "error")
    assert {"172.17.0.0/16", "docker_gwbridge", "ens192"} <= set(f.subjects)
    assert "routed twice at the same metric, to docker_gwbridge and via ens192" in f.message
    route = "routes/forlinux-1422-docker-pool-also-static-route.txt:2: 172.17.0.0/16"
    assert [e.split("pastes/", 1)[1] for e in f.evidence[:2]] == [
        f"{route} via 10.3.33.1 dev ens192", f"{route} dev docker_gwbridge"]


def test_a_routing_table_with_no_docker_bridge():
    """moby-30295: old iproute2 (two spaces between fields), em1 and libvirt's virbr0 only."""
    (f,) = findings(PASTES / "routes/moby-30295-ip-route-no-docker-routes.txt")
    assert (f.code, f.severity.value) == ("no-docker-bridge", "info")
    assert "no Docker bridge with an IPv4 address is up on this host" in f.message
    assert f.evidence[0].endswith(":2: 3 IPv4 routes of the main table, on em1, virbr0; none on "
                                  "docker0, docker_gwbridge or br-<id>")


def test_docker_bridges_with_no_port_and_a_zero_bridge_id():
    """forlinux-326: `brctl show` of four bridges, each 8000.000000000000 and no interface."""
    (f,) = findings(PASTES / "reference-only/forlinux-326-brctl-zero-bridge-ids.txt")
    assert (f.code, f.severity.value) == ("bridge-id-zero", "info")
    assert f.subjects == ["br-273b57b3079d", "br-7af642579a6f", "br-90e5be31c560", "docker0"]


@pytest.mark.parametrize("name, at", [("moby-24809-docker-info-bridge-nf-disabled.txt", ":2"),
                                      ("openwrt-11505-docker-info-warnings-only.txt", "")])
def test_docker_info_warns_that_bridged_traffic_skips_iptables(name, at):
    (f,) = findings(PASTES / "sysctl" / name)
    assert (f.code, f.severity.value) == ("bridge-nf-off", "info")
    assert "--icc=false does not keep them apart" in f.message
    assert [e.split("sysctl/", 1)[1] for e in f.evidence] == [
        f"{name}{at}: WARNING: bridge-nf-call-iptables is disabled",
        f"{name}{at}: WARNING: bridge-nf-call-ip6tables is disabled"]


def test_two_inspect_fragments_with_one_address():
    found = findings(PASTES / "fragments/moby-19086-two-containers-same-ip-networks.txt")
    assert {(f.code, f.severity.value) for f in found} == {("duplicate-address", "error")}
    assert any("172.17.0.115" in f.subjects for f in found)
    assert any("02:42:ac:11:00:73" in f.subjects for f in found)


# --- real captures of this host -----------------------------------------------------------------

def test_containers_broken_inside_their_namespaces():
    found = {(f.code, f.severity.value, tuple(f.subjects))
             for f in findings(CAPTURES / "inside-faults")}
    assert found == {
        ("container-default-route", "error", ("np-pc-gw", "172.17.0.254")),
        ("ipv6-default-no-gateway", "error", ("np-pc-v6", "eth0")),
        ("loopback-down", "error", ("np-pc-lo", "lo")),
        ("duplicate-address", "error", ("172.17.0.4", "bridge", "np-pc-dup1", "np-pc-dup2")),
        ("container-no-interface", "error", ("np-pc-noeth", "bridge")),
    }


def test_a_network_without_masquerading():
    (f,) = findings(CAPTURES / "masquerade-off")
    assert (f.code, f.severity.value) == ("masquerade-off", "info")
    assert f.subjects == ["np-pc-nomasq", "172.20.0.0/16", "np-pc-nomasq1"]


def test_a_standby_default_route_through_a_containers_veth():
    (f,) = findings(CAPTURES / "default-via-veth")
    assert (f.code, f.severity.value, f.subjects) == ("default-via-port", "warning",
                                                      ["0.0.0.0/0", "veth00cb2f3", "docker0"])
    assert "loses on metric to the default route via eth0" in f.message
