"""Offline: the dumps of the live reach scenarios, each with what real traffic did when it was
taken (tests/fixtures/reach/<fault>/measured.json, written by tests/e2e/test_reach.py with
NETPARSE_REACH_FIXTURES). Every verdict must be what the traffic did; without the firewall
capture, none may be wrong."""

from __future__ import annotations

import json
import shutil

import pytest

from netparse.analysis import load
from netparse.reach import reach, trace
from tests.conftest import FIXTURES

SCENARIOS = sorted(p.parent for p in (FIXTURES / "reach").glob("*/measured.json"))
CLIENT = "10.99.29.1"


def _key(p) -> tuple:
    return (p["from"], p["to"], p["address"], p["port"])


def _verdicts(dump) -> dict:
    report = reach(load(dump), to=[CLIENT], client=CLIENT)
    return {(p.from_, p.to, str(p.address), p.port): p for p in report.paths}


def test_there_are_scenarios():
    assert len(SCENARIOS) >= 9


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_every_verdict_is_what_the_traffic_did(scenario):
    measured = json.loads((scenario / "measured.json").read_text())
    got = _verdicts(scenario / "dump")
    wrong = []
    for m in measured:
        path = got[_key(m)]
        want = "reachable" if m["reached"] else "unreachable"
        if path.verdict.value != want:
            wrong.append((*_key(m), path.verdict.value, path.breaks_at))
    assert not wrong


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_without_the_firewall_no_verdict_is_wrong(scenario, tmp_path):
    shutil.copytree(scenario / "dump", tmp_path / "dump")
    (tmp_path / "dump" / "iptables_save.txt").unlink()
    measured = {_key(m): m["reached"] for m in json.loads((scenario / "measured.json").read_text())}
    got = _verdicts(tmp_path / "dump")
    for key, reached in measured.items():
        verdict = got[key].verdict.value
        assert verdict in ("unknown", "reachable" if reached else "unreachable"), key


def test_trace_explains_the_docker_user_drop():
    dump = FIXTURES / "reach" / "docker_user_drop" / "dump"
    path = trace(load(dump), "np-e2e-r1", CLIENT)
    assert path.verdict.value == "unreachable" and path.disposition.value == "denied"
    assert "DOCKER-USER" in path.breaks_at and "-s 172.29.11.0/24 -j DROP" in path.breaks_at
    assert any(h.evidence and "iptables_save.txt:" in h.evidence for h in path.hops)


def test_readme_trace_is_what_the_command_prints():
    import subprocess
    import sys

    from tests.conftest import TESTS

    dump = FIXTURES / "reach" / "docker_user_drop" / "dump"
    out = subprocess.run([sys.executable, "-m", "netparse.cli.main", "trace", str(dump),
                          "np-e2e-r1", CLIENT], capture_output=True, text=True)
    assert out.returncode == 1
    shown = out.stdout.replace(f"{dump}/", "")
    assert f"$ netparse trace dump np-e2e-r1 {CLIENT}\n{shown}```" in \
        (TESTS.parent / "README.md").read_text()


def _with(tmp_path, capture, name):
    """The healthy dump with one capture added or replaced."""
    dump = tmp_path / "dump"
    shutil.copytree(FIXTURES / "reach" / "healthy" / "dump", dump)
    shutil.copy(capture, dump / name)
    return dump


def test_an_nftables_table_of_its_own_is_walked(tmp_path):
    """A table of the host's own beside iptables-nft's (`iifname "eth9" drop` on forward, an
    interface this host does not have): walked, it changes no verdict."""
    dump = _with(tmp_path, FIXTURES / "captures" / "firewall-nft-own-table" / "nft_ruleset.txt",
                 "nft_ruleset.txt")
    healthy = _verdicts(FIXTURES / "reach" / "healthy" / "dump")
    paths = _verdicts(dump)
    assert {k: p.verdict for k, p in paths.items()} == {k: p.verdict for k, p in healthy.items()}
    assert not [p for p in paths.values() if p.verdict.value == "unknown"]
    hops = [h.text for p in paths.values() for h in p.hops]
    assert "table inet np-fw-own chain forward policy → policy ACCEPT" in hops


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_without_nft_list_ruleset_no_path_that_gets_through_netfilter_is_decided(scenario,
                                                                                 tmp_path):
    """iptables-save alone on an iptables-nft host: a table of nftables nobody saw may drop
    too, so no path that gets through a hook is called reachable; a drop by the captured rules
    still drops, and every verdict given is what the traffic did."""
    shutil.copytree(scenario / "dump", tmp_path / "dump")
    (tmp_path / "dump" / "nft_ruleset.txt").unlink()
    full = _verdicts(scenario / "dump")
    measured = {_key(m): m["reached"] for m in json.loads((scenario / "measured.json").read_text())}
    got = _verdicts(tmp_path / "dump")
    for key, reached in measured.items():
        verdict = got[key].verdict.value
        assert verdict in ("unknown", "reachable" if reached else "unreachable"), key
        if not any(h.step == "netfilter" for h in full[key].hops):
            assert verdict == full[key].verdict.value, key
        elif full[key].verdict.value == "reachable":
            assert verdict == "unknown", key
            assert any("nft list ruleset was not captured" in m for m in got[key].missing)
        elif verdict == "unreachable":
            # Denied by what was captured: the same place as with the whole firewall.
            assert got[key].breaks_at == full[key].breaks_at, key


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_nft_list_ruleset_alone_gives_every_verdict(scenario, tmp_path):
    """Without iptables-save, iptables-nft's own tables are walked from nft's listing of them
    (beside any other table): every verdict is still what the traffic did."""
    shutil.copytree(scenario / "dump", tmp_path / "dump")
    (tmp_path / "dump" / "iptables_save.txt").unlink()
    got = _verdicts(tmp_path / "dump")
    for m in json.loads((scenario / "measured.json").read_text()):
        assert got[_key(m)].verdict.value == ("reachable" if m["reached"] else "unreachable"), \
            (_key(m), got[_key(m)].breaks_at, got[_key(m)].missing)


def test_trace_names_the_nft_chain_that_drops():
    dump = FIXTURES / "reach" / "nft_own_table" / "dump"
    path = trace(load(dump), CLIENT, "np-e2e-r1", 18080)
    assert path.verdict.value == "unreachable" and path.disposition.value == "denied"
    assert path.breaks_at == "table inet np-e2e-nft chain forward policy → policy DROP"
    (hop,) = [h for h in path.hops if h.text == path.breaks_at]
    line = int(hop.evidence.rsplit(":", 1)[1])
    assert hop.evidence.endswith(f"nft_ruleset.txt:{line}")
    assert (dump / "nft_ruleset.txt").read_text().split("\n")[line - 1] == "\tchain forward {"
    # The port r2 publishes is accepted by the table's own rule, which the trace shows.
    path = trace(load(dump), CLIENT, "np-e2e-r2", 18081)
    assert path.verdict.value == "reachable"
    assert any(h.text.startswith("table inet np-e2e-nft chain forward rule 3: ip daddr "
                                 "172.29.11.130 tcp dport 80 accept → ACCEPT")
               and "nft_ruleset.txt:" in h.evidence for h in path.hops)


def test_policy_routing_rules_make_routed_paths_unknown(tmp_path):
    dump = _with(tmp_path, FIXTURES / "captures" / "host-kinds" / "ip_rule_policy.txt",
                 "ip_rule.txt")
    paths = _verdicts(dump)
    routed = [p for p in paths.values() if p.to == CLIENT or p.from_ == CLIENT]
    assert routed and all(p.verdict.value == "unknown" for p in routed)
    assert all("policy routing" in p.breaks_at for p in routed)
    # Two containers on one bridge reach each other without a route lookup: still decided.
    assert paths[("np-e2e-r1", "np-e2e-r2", "172.29.11.130", None)].verdict.value == "reachable"


def test_a_published_port_without_its_dnat_is_not_the_containers(tmp_path):
    """The healthy dump with the DNAT of port 18080 deleted (as a firewall reload that keeps
    some of Docker's rules does): the client's packet is delivered to the host itself. Only
    docker-proxy, which no capture shows, would carry it on to the container: unknown, naming
    it, never reachable because the host took it."""
    dump = tmp_path / "dump"
    shutil.copytree(FIXTURES / "reach" / "healthy" / "dump", dump)
    rules = (dump / "iptables_save.txt").read_text().split("\n")
    kept = [line for line in rules if "--dport 18080 -j DNAT" not in line]
    assert len(kept) == len(rules) - 1
    (dump / "iptables_save.txt").write_text("\n".join(kept))
    path = _verdicts(dump)[(CLIENT, "np-e2e-r1 (10.99.29.254:18080->80/tcp)", "10.99.29.254",
                            18080)]
    assert path.verdict.value == "unknown"
    assert path.breaks_at.startswith("delivered to the host on 10.99.29.254:18080")
    assert any("docker-proxy" in m for m in path.missing)
    assert any(h.text.startswith("delivered to the host") for h in path.hops)
