"""`netparse analyze` on real dumps: the pairing and the findings of each scenario.

The expected veth of each endpoint was read independently from the fixtures: the container's
own `eth0@ifN` and the host's interface N (see each dump's README for how they were made).
"""

import shutil

import pytest

import netparse
from netparse.analysis.model import Severity
from tests.conftest import FIXTURES

DUMPS = FIXTURES / "dumps"

# {dump: {(container, network): host veth}}, for running containers.
PAIRS = {
    "default-bridge": {("np-web", "bridge"): "vethab599f5", ("np-app", "bridge"): "veth838a99c",
                       ("np-db", "bridge"): "vethd999e61"},
    "user-networks": {("np-api", "np-front"): "vethabefd03", ("np-api", "np-back"): "veth07da935",
                      ("np-db", "np-back"): "veth8a0e390", ("np-proxy", "np-front"): "vetha5c63cf",
                      # np-paused has no capture inside; its namespace is the only one left.
                      ("np-paused", "np-front"): "vethda7435a"},
    "address-drift": {("np-a", "bridge"): "veth07defe5", ("np-b", "bridge"): "vetha497eb4",
                      ("np-c", "np-base"): "vethf93dd4a"},
    "bridge-down": {("np-a", "bridge"): "veth75aff7a", ("np-b", "bridge"): "veth92f0634",
                    ("np-c", "np-base"): "veth3d980cd"},
    "no-default-route": {("np-a", "bridge"): "veth19956d5", ("np-b", "bridge"): "veth173f656",
                         ("np-c", "np-base"): "veth4e75aad"},
    "route-overlap": {("np-a", "bridge"): "veth4f773f2", ("np-b", "bridge"): "vethb60efd2",
                      ("np-c", "np-base"): "veth64c7a24"},
    "stray-veth": {("np-a", "bridge"): "vethe6f90dd", ("np-b", "bridge"): "vethcab21a5",
                   ("np-c", "np-base"): "vethac8055d"},
    "veth-detached": {("np-a", "bridge"): "veth6f7d441", ("np-b", "bridge"): "veth376f8f8",
                      ("np-c", "np-base"): "veth3c69db5"},
    # From each dump's README: ground truth read with nsenter when it was captured.
    "fdb-static": {("np-a", "bridge"): "veth206f405", ("np-b", "bridge"): "veth1b28bb8",
                   ("np-c", "bridge"): "veth04d0b90"},
    "gateway-missing": {("np-c", "np-base"): "veth9c79bf7"},
    "ip-forward-off": {("np-a", "bridge"): "vetha8ea388", ("np-b", "bridge"): "vethf8bde44",
                       ("np-c", "np-base"): "veth77a0f46"},
    "linkdown": {("np-c", "np-base"): "veth3adf68a"},
    "captured-apart": {("np-a", "bridge"): "veth6c58760", ("np-c", "np-base"): "vethcbf8bce",
                       ("np-late", "bridge"): "vethc3bc044"},
    # Only the five basic commands: np-d is the one namespace on two bridges, np-c then the
    # one left on np-base; np-a and np-b cannot be told apart and stay unpaired.
    "basic-five": {("np-d", "np-base"): "veth5151800", ("np-d", "np-other"): "veth21a30cf",
                   ("np-c", "np-base"): "veth1060b58"},
}

# How the pairing was made where it is not from captures inside the containers.
EVIDENCE = {
    "fdb-static": {"np-a": "fdb", "np-b": "fdb", "np-c": "netnsid"},
    "basic-five": {"np-d": "netnsid", "np-c": "netnsid"},
}

# Findings other than the MTU warning every dump of this host has (eth0 is 1400, bridges 1500):
# (code, severity, subjects that must be named).
FINDINGS = {
    "default-bridge": [],
    "user-networks": [
        # np-restarting's short-lived veth is in `ip link`, taken a moment after `ip addr`.
        ("captures-disagree", "warning", {"veth00fbf73"}),
    ],
    "address-drift": [("address-drift", "error", {"np-b", "eth0"})],
    "bridge-down": [("bridge-down", "error", {"br-b7ea6baea7d8", "np-c"}),
                    ("subnet-not-routed", "error", {"172.30.10.0/24", "br-b7ea6baea7d8"})],
    "no-default-route": [("container-default-route", "error", {"np-c"})],
    "route-overlap": [
        ("route-overlap", "error", {"172.17.0.0/16", "172.17.0.0/24", "np-dummy0", "docker0"}),
        # br-e99ceb62e154's route wins on metric: what np-dummy0 would reach is shadowed.
        ("route-overlap", "error", {"172.30.10.0/24", "np-dummy0", "br-e99ceb62e154"}),
    ],
    "stray-veth": [("orphan-veth", "warning", {"np-stray0", "docker0"})],
    "veth-detached": [("detached-endpoint", "error", {"np-b", "veth376f8f8", "docker0"})],
    "fdb-static": [],
    "gateway-missing": [("bridge-gateway", "error", {"br-cf64f7217024", "np-base"}),
                        ("subnet-not-routed", "error", {"172.30.10.0/24", "br-cf64f7217024"})],
    "ip-forward-off": [("ip-forward-off", "error", {"net.ipv4.ip_forward", "np-a", "np-b", "np-c"})],
    "linkdown": [("bridge-down", "error", {"br-77d216cd989c", "np-c"})],
    "captured-apart": [("captures-disagree", "warning", {"np-b"}),
                       ("ps-inspect-mismatch", "warning", {"np-late"})],
    "basic-five": [("unpaired-endpoint", "info", {"np-a"}), ("unpaired-endpoint", "info", {"np-b"})],
}

BASIC_FIVE = ("brctl_show.txt", "route_n.txt", "ip_addr.txt", "docker_ps.txt", "docker_inspect.json")


def pairs(report):
    return {(c.name, ep.network): ep.host_veth for c in report.topology.containers
            for ep in c.endpoints if ep.host_veth}


@pytest.fixture(scope="module")
def reports():
    return {name: netparse.analyze(DUMPS / name) for name in PAIRS}


def test_every_dump_is_covered():
    assert {p.name for p in DUMPS.iterdir() if p.is_dir()} >= set(PAIRS)


@pytest.mark.parametrize("dump", sorted(PAIRS))
def test_every_endpoint_is_paired_with_its_own_veth(reports, dump):
    assert pairs(reports[dump]) == PAIRS[dump]


@pytest.mark.parametrize("dump", sorted(EVIDENCE))
def test_pairing_names_its_evidence(reports, dump):
    got = {c.name: ep.evidence.value for c in reports[dump].topology.containers
           for ep in c.endpoints if ep.evidence}
    assert got == EVIDENCE[dump]


@pytest.mark.parametrize("dump", sorted(FINDINGS))
def test_findings_are_exactly_the_injected_fault(reports, dump):
    got = [f for f in reports[dump].findings if f.code != "mtu-above-uplink"]
    assert len(got) == len(FINDINGS[dump]), [(f.code, f.subjects) for f in got]
    for code, severity, subjects in FINDINGS[dump]:
        assert any(f.code == code and f.severity == severity and subjects <= set(f.subjects)
                   for f in got), (code, [(f.code, f.severity, f.subjects) for f in got])


@pytest.mark.parametrize("dump", sorted(PAIRS))
def test_mtu_of_this_host_is_reported_with_evidence(reports, dump):
    mtu = [f for f in reports[dump].findings if f.code == "mtu-above-uplink"]
    assert mtu and all(f.severity is Severity.WARNING and "eth0" in f.subjects for f in mtu)
    assert all(any("mtu 1400" in e for e in f.evidence) for f in mtu)


@pytest.mark.parametrize("dump", sorted(PAIRS))
def test_every_capture_is_read(reports, dump):
    statuses = {s.path.rsplit("/", 1)[-1]: s.status.value for s in reports[dump].sources}
    assert statuses.pop("README.md") == "ignored" and statuses.pop("manifest.json") == "ignored"
    assert set(statuses.values()) == {"parsed"}
    assert len(statuses) >= 5
    assert not reports[dump].partial


@pytest.mark.parametrize("dump", sorted(PAIRS))
def test_reduced_to_the_five_basic_commands_pairing_degrades_but_never_lies(tmp_path, dump):
    for name in BASIC_FIVE:
        shutil.copy(DUMPS / dump / name, tmp_path / name)
    report = netparse.analyze(tmp_path)
    got = pairs(report)
    assert set(got.items()) <= set(PAIRS[dump].items())
    for c in report.topology.containers:
        for ep in c.endpoints:
            if c.running and ep.host_veth is None:
                assert ep.unpaired_reason, (c.name, ep.network)
    if dump == "user-networks":
        # np-api is the one namespace with veths on both user bridges.
        assert got[("np-api", "np-front")] == "vethabefd03"
        assert got[("np-api", "np-back")] == "veth07da935"


def test_unpaired_endpoints_say_which_capture_would_settle_it(tmp_path):
    for name in BASIC_FIVE:
        shutil.copy(DUMPS / "default-bridge" / name, tmp_path / name)
    report = netparse.analyze(tmp_path)
    info = [f for f in report.findings if f.code == "unpaired-endpoint"]
    assert {f.subjects[0] for f in info} == {"np-web", "np-app", "np-db"}
    assert all("ip addr` inside" in f.message and "bridge fdb" in f.message for f in info)
