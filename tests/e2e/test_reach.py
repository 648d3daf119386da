"""`netparse reach` held to real packets on a live engine.

One host is built once: two user networks (isolated from each other), an internal network, a
multi-homed container, ports published by busybox httpd, and an "outside" client in a network
namespace of its own behind a host veth, with no route back to Docker subnets. Each fault is
made the way it happens on real hosts, measured with real traffic (ping between containers and
to the outside, a TCP request from the outside client to each published port), collected with
`netparse collect`, and undone by name, also when a test fails. Every verdict of
`netparse reach` must match the traffic; with the firewall capture removed, none may be wrong.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e import lab
from tests.e2e.lab import bridge_of, host_veth, sh

OUTSIDE_NS = "np-e2e-out"
HOST_SIDE, OUT_SIDE = "np-e2e-h0", "np-e2e-o0"
HOST_ADDR, CLIENT = "10.99.29.254", "10.99.29.1"
NETS = {"np-e2e-ra": "172.29.11", "np-e2e-rb": "172.29.12", "np-e2e-ri": "172.29.13"}
HTTP = ("httpd", "-f", "-p", "80")


@dataclass
class Host:
    lab: lab.Lab
    bridges: dict[str, str] = field(default_factory=dict)   # network -> bridge
    undo: list[tuple[str, ...]] = field(default_factory=list)

    def do(self, argv: tuple[str, ...], undo: tuple[str, ...]) -> None:
        """Make a fault, remembering how to take it back."""
        self.undo.append(undo)
        sh(*argv)

    def restore(self) -> None:
        while self.undo:
            sh(*self.undo.pop(), check=False)


def _build(host: Host) -> None:
    built = host.lab
    for name, prefix in NETS.items():
        extra = ("--internal",) if name == "np-e2e-ri" else ()
        built.network(name, "--subnet", f"{prefix}.0/24", "--gateway", f"{prefix}.1", *extra)
        host.bridges[name] = bridge_of(name)
    built.run("np-e2e-r1", "--network", "np-e2e-ra", "--ip", "172.29.11.2", "-p", "18080:80",
              command=HTTP)
    built.run("np-e2e-r2", "--network", "np-e2e-ra", "--ip", "172.29.11.130", "-p", "18081:80",
              command=HTTP)
    built.run("np-e2e-r3", "--network", "np-e2e-rb", "--ip", "172.29.12.2")
    built.run("np-e2e-r4", "--network", "np-e2e-rb", "--ip", "172.29.12.3")
    sh("docker", "network", "connect", "--ip", "172.29.13.3", "np-e2e-ri", "np-e2e-r4")
    built.run("np-e2e-r5", "--network", "np-e2e-ri", "--ip", "172.29.13.2")
    # The outside: a namespace behind a host veth, knowing only its own link.
    built.links += [HOST_SIDE, OUT_SIDE]
    sh("ip", "netns", "add", OUTSIDE_NS)
    sh("ip", "link", "add", HOST_SIDE, "type", "veth", "peer", "name", OUT_SIDE)
    sh("ip", "link", "set", OUT_SIDE, "netns", OUTSIDE_NS)
    sh("ip", "addr", "add", f"{HOST_ADDR}/24", "dev", HOST_SIDE)
    sh("ip", "link", "set", HOST_SIDE, "up")
    sh("ip", "-n", OUTSIDE_NS, "addr", "add", f"{CLIENT}/24", "dev", OUT_SIDE)
    sh("ip", "-n", OUTSIDE_NS, "link", "set", OUT_SIDE, "up")
    sh("ip", "-n", OUTSIDE_NS, "link", "set", "lo", "up")


def _iptables_rule_at(table: str, chain: str, wanted: str) -> tuple[int, str]:
    """Position (1-based) and text of the rule of `chain` containing `wanted`."""
    rules = [r for r in sh("iptables", "-t", table, "-S", chain).splitlines()
             if r.startswith("-A ")]
    for n, r in enumerate(rules, 1):
        if wanted in r:
            return n, r
    raise AssertionError(f"no {wanted!r} in {table} {chain}: {rules}")


def _sysctl(key: str) -> str:
    return sh("sysctl", "-n", key).strip()


# --- faults: each makes its change through Host.do, so that it is undone -------------------------

def healthy(host: Host) -> None:
    pass


def docker_user_drop(host: Host) -> None:
    rule = ("DOCKER-USER", "-s", "172.29.11.0/24", "-j", "DROP")
    host.do(("iptables", "-I", *rule), ("iptables", "-D", *rule))


def bridge_nf_off(host: Host) -> None:
    docker_user_drop(host)
    key = "net.bridge.bridge-nf-call-iptables"
    host.do(("sysctl", "-qw", f"{key}=0"), ("sysctl", "-qw", f"{key}={_sysctl(key)}"))


def masquerade_deleted(host: Host) -> None:
    n, rule = _iptables_rule_at("nat", "POSTROUTING", "-s 172.29.11.0/24")
    words = rule.split()[2:]
    host.do(("iptables", "-t", "nat", "-D", "POSTROUTING", *words),
            ("iptables", "-t", "nat", "-I", "POSTROUTING", str(n), *words))


def forward_flushed(host: Host) -> None:
    rules = [r.split()[2:] for r in sh("iptables", "-S", "FORWARD").splitlines()
             if r.startswith("-A ")]
    policy = sh("iptables", "-S", "FORWARD").splitlines()[0].split()[2]
    host.undo.append(("iptables", "-P", "FORWARD", policy))
    for words in rules:
        host.undo.insert(0, ("iptables", "-A", "FORWARD", *words))  # put back in order
    sh("iptables", "-F", "FORWARD")
    sh("iptables", "-P", "FORWARD", "DROP")


def ip_forward_off(host: Host) -> None:
    key = "net.ipv4.ip_forward"
    host.do(("sysctl", "-qw", f"{key}=0"), ("sysctl", "-qw", f"{key}={_sysctl(key)}"))


def bridge_down(host: Host) -> None:
    bridge = host.bridges["np-e2e-rb"]
    host.do(("ip", "link", "set", bridge, "down"), ("ip", "link", "set", bridge, "up"))


def veth_detached(host: Host) -> None:
    veth, bridge = host_veth("np-e2e-r3"), host.bridges["np-e2e-rb"]
    host.do(("ip", "link", "set", veth, "nomaster"), ("ip", "link", "set", veth, "master", bridge))


def input_drop(host: Host) -> None:
    """A host firewall that closes the published port in INPUT, as ufw does: DNAT sends the
    traffic through FORWARD, so the port stays open."""
    rule = ("INPUT", "-p", "tcp", "--dport", "18080", "-j", "DROP")
    host.do(("iptables", "-I", *rule), ("iptables", "-D", *rule))


NFT_TABLE = "np-e2e-nft"


def nft_own_table(host: Host) -> None:
    """The host's own nftables table beside iptables-nft's, as an admin or firewalld adds one:
    its forward chain drops by default and accepts replies, whatever comes from network ra and
    the published port of r2; its input chain drops port 18080, which DNAT never sends there."""
    ra = host.bridges["np-e2e-ra"]
    host.do(("nft", "add", "table", "inet", NFT_TABLE),
            ("nft", "delete", "table", "inet", NFT_TABLE))
    for chain, hook, policy in (("forward", "forward", "drop"), ("input", "input", "accept")):
        sh("nft", "add", "chain", "inet", NFT_TABLE, chain,
           f"{{ type filter hook {hook} priority filter; policy {policy}; }}")
    for chain, *rule in (("forward", "ct", "state", "established,related", "accept"),
                         ("forward", "iifname", ra, "accept"),
                         ("forward", "ip", "daddr", "172.29.11.130", "tcp", "dport", "80",
                          "accept"),
                         ("input", "tcp", "dport", "18080", "drop")):
        sh("nft", "add", "rule", "inet", NFT_TABLE, chain, *rule)


def route_over_subnet(host: Host) -> None:
    host.do(("ip", "route", "add", "172.29.11.128/25", "dev", HOST_SIDE),
            ("ip", "route", "del", "172.29.11.128/25", "dev", HOST_SIDE))


FAULTS = [healthy, docker_user_drop, bridge_nf_off, masquerade_deleted, forward_flushed,
          ip_forward_off, bridge_down, veth_detached, route_over_subnet, input_drop,
          nft_own_table]


# --- measuring ---------------------------------------------------------------------------------

def _ping(container: str, address: str) -> bool:
    done = subprocess.run(["docker", "exec", container, "ping", "-c", "1", "-W", "1", address],
                          capture_output=True, timeout=20)
    return done.returncode == 0


def _http(address: str, port: int) -> bool:
    done = subprocess.run(["ip", "netns", "exec", OUTSIDE_NS, "sh", "-c",
                           f"printf 'GET / HTTP/1.0\\r\\n\\r\\n' | busybox nc -w 2 {address} {port}"],
                          capture_output=True, timeout=20)
    return done.stdout.startswith(b"HTTP/")


def measure(paths: list[dict]) -> list[bool]:
    """Send real packets for every path, at once."""
    def one(path: dict) -> bool:
        if path["from"] == CLIENT:
            return _http(path["address"], path["port"])
        return _ping(path["from"], path["address"])
    with ThreadPoolExecutor(16) as pool:
        return list(pool.map(one, paths))


def reach(dump, *extra: str) -> list[dict]:
    done = subprocess.run([sys.executable, "-m", "netparse.cli.main", "reach", str(dump),
                           "--to", CLIENT, "--client", CLIENT, "--format", "json", *extra],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return [p for p in json.loads(done.stdout)["paths"] if _ours(p)]


def _ours(path: dict) -> bool:
    return path["from"].startswith(lab.PREFIX) and (path["to"].startswith(lab.PREFIX)
                                                   or path["to"] == CLIENT) \
        or path["from"] == CLIENT and path["to"].startswith(lab.PREFIX)


@pytest.fixture(scope="module")
def built(engine):
    host = Host(lab.Lab())
    try:
        _build(host)
        yield host
    finally:
        host.restore()
        host.lab.cleanup()
        sh("ip", "netns", "del", OUTSIDE_NS, check=False)
        sh("nft", "delete", "table", "inet", NFT_TABLE, check=False)


@pytest.fixture(scope="module", params=FAULTS, ids=lambda f: f.__name__)
def observed(request, built, tmp_path_factory):
    """The fault made, the traffic measured and the host collected; then the fault undone."""
    try:
        request.param(built)
        dump = tmp_path_factory.mktemp(request.param.__name__) / "dump"
        done = subprocess.run([sys.executable, "-m", "netparse.cli.main", "collect", str(dump)],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        paths = reach(dump)
        truth = measure(paths)
        keep = os.environ.get("NETPARSE_REACH_FIXTURES")
        if keep:  # the dump and what the traffic did, as fixtures for the offline tests
            target = Path(keep) / request.param.__name__
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(dump, target / "dump")
            (target / "measured.json").write_text(json.dumps(
                [{"from": p["from"], "to": p["to"], "address": p["address"], "port": p["port"],
                  "reached": ok} for p, ok in zip(paths, truth)], indent=1) + "\n")
        yield request.param.__name__, dump, paths, truth
    finally:
        built.restore()


def test_every_verdict_matches_the_traffic(observed):
    name, dump, paths, truth = observed
    assert len(paths) >= 20
    wrong = [(p["from"], p["to"], p["address"], p["verdict"], p["disposition"], p["breaks_at"],
              "measured: " + ("reached" if ok else "lost"))
             for p, ok in zip(paths, truth)
             if p["verdict"] != ("reachable" if ok else "unreachable")]
    assert not wrong, f"{name}: verdicts that are not what the traffic did: {wrong}"


def test_without_the_firewall_capture_no_verdict_is_wrong(observed, tmp_path):
    name, dump, paths, truth = observed
    cut = tmp_path / "dump"
    shutil.copytree(dump, cut)
    (cut / "iptables_save.txt").unlink()
    measured = {(p["from"], p["to"], p["address"], p["port"]): ok for p, ok in zip(paths, truth)}
    wrong = []
    for p in reach(cut):
        ok = measured[(p["from"], p["to"], p["address"], p["port"])]
        if p["verdict"] != "unknown" and p["verdict"] != ("reachable" if ok else "unreachable"):
            wrong.append((p["from"], p["to"], p["verdict"], p["breaks_at"]))
    assert not wrong, f"{name}: wrong without iptables-save: {wrong}"


def test_without_the_nft_capture_no_verdict_is_wrong(observed, tmp_path):
    """iptables-save alone on an iptables-nft host: tables of nftables may drop too, so no path
    that gets through netfilter is called reachable; none is wrong."""
    name, dump, paths, truth = observed
    cut = tmp_path / "dump"
    shutil.copytree(dump, cut)
    (cut / "nft_ruleset.txt").unlink()
    measured = {(p["from"], p["to"], p["address"], p["port"]): ok for p, ok in zip(paths, truth)}
    walked = {(p["from"], p["to"], p["address"], p["port"]) for p in paths
              if p["verdict"] == "reachable" and any(h["step"] == "netfilter" for h in p["hops"])}
    wrong = []
    for p in reach(cut):
        key = (p["from"], p["to"], p["address"], p["port"])
        if key in walked:
            assert p["verdict"] == "unknown", p
        if p["verdict"] != "unknown" and p["verdict"] != ("reachable" if measured[key]
                                                          else "unreachable"):
            wrong.append((*key, p["verdict"], p["breaks_at"]))
    assert not wrong, f"{name}: wrong without nft list ruleset: {wrong}"


def test_trace_names_what_breaks_each_broken_path(observed):
    name, dump, paths, truth = observed
    for p in paths:
        if p["verdict"] == "unreachable":
            assert p["breaks_at"], p
            assert p["hops"], p


def _collect(dump: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "netparse.cli.main", "collect", str(dump)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def test_an_unchanged_host_captured_twice_diffs_to_nothing(built, tmp_path):
    """The healthy host collected, real traffic sent for a minute, collected again: counters,
    learned forwarding entries, uptimes and timestamps moved, nothing else did."""
    import time

    first, second = tmp_path / "before", tmp_path / "after"
    _collect(first)
    paths = reach(first)
    start = time.monotonic()
    while time.monotonic() - start < 60:
        truth = measure(paths)
    _collect(second)
    done = subprocess.run([sys.executable, "-m", "netparse.cli.main", "diff", str(first),
                           str(second), "--to", CLIENT, "--client", CLIENT, "--format", "json"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["changes"] == [] and report["incomplete"] == []
    assert report["findings"] == {"new": [], "resolved": []}
    assert report["reachability"] == {"lost": [], "gained": []}
    keep = os.environ.get("NETPARSE_REACH_FIXTURES")
    if keep:  # the pair and what the traffic did between them, for the offline diff tests
        target = Path(keep).parent / "diff" / "unchanged"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(first, target / "before")
        shutil.copytree(second, target / "after")
        (target / "measured.json").write_text(json.dumps(
            [{"from": p["from"], "to": p["to"], "address": p["address"], "port": p["port"],
              "reached": ok} for p, ok in zip(paths, truth)], indent=1) + "\n")
