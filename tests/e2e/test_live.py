"""End to end on a live engine: build a scenario, collect it with `netparse collect` and with the
sh script, analyse both dumps, and hold the report against the truth read from the engine
(`docker inspect`) and from inside the namespaces (`nsenter ... ip -j addr`).

Findings are judged on what the scenario made (np-e2e-* containers, their networks, bridges,
veths and subnets); MTU warnings are left out, since they depend on the host's uplink.
"""

from __future__ import annotations

import re
import subprocess
import tarfile

import pytest

from netparse.collect import steps
from tests.e2e.conftest import Live
from tests.e2e.lab import PREFIX
from tests.e2e.scenarios import SECRET

COLLECTORS = ["python", "sh"]
HOST_NETWORK = "uses the host's network namespace (--network host)"


def containers(live: Live, how: str) -> dict:
    return {c.name: c for c in live.reports[how].topology.containers if c.name.startswith(PREFIX)}


def subject_set(live: Live) -> set[str]:
    """Names a finding about this scenario would mention."""
    t = live.truth
    names = set(t.containers) | set(t.bridges) | set(t.pairs().values()) | set(live.lab.links)
    return names | set(t.subnets) | {s for subnets in t.subnets.values() for s in subnets}


def about_scenario(live: Live, how: str) -> list:
    ours = subject_set(live)
    foreign = {c.name for c in live.reports[how].topology.containers} - set(live.truth.containers)
    return [f for f in live.reports[how].findings
            if f.code != "mtu-above-uplink" and ours & set(f.subjects)
            and not foreign & set(f.subjects)]


def listing(findings) -> list:
    return [(f.code, f.severity.value, f.subjects, f.message) for f in findings]


# --- the collectors ------------------------------------------------------------------------------

@pytest.mark.parametrize("how", COLLECTORS)
def test_every_command_succeeded_and_every_capture_is_in_the_dump(live, how):
    commands = live.manifests[how]["commands"]
    failed = [e for e in commands if "skipped" not in e and (e["exit_status"] != 0 or e["timed_out"])]
    assert not failed
    kept = {e["file"] for e in commands if e.get("kept")}
    assert {s.file for s in steps.HOST} <= {e["file"] for e in commands}
    for e in commands:   # a step not kept printed nothing on this host (iptables-legacy-save)
        if e["file"] in {s.file for s in steps.HOST} - kept:
            assert not subprocess.run(e["command"], shell=True, capture_output=True).stdout, e
    skipped = {e["file"]: e["skipped"] for e in commands if "skipped" in e}
    for c in live.truth.containers.values():
        inside = {f"containers/{c.name}/{s.file}" for s in steps.INSIDE}
        if c.own_namespace:
            assert inside <= kept, c.name
        elif c.running:
            assert {skipped[f] for f in inside} == {HOST_NETWORK}, c.name
        else:
            assert not inside & (kept | set(skipped)), c.name
    assert set(skipped) <= {f"containers/{n}/{s.file}" for n, c in live.truth.containers.items()
                            if c.network_mode == "host" for s in steps.INSIDE}


def test_both_collectors_ran_the_same_commands_and_agree(live):
    def shape(how):
        return [(e["file"], e["command"], e.get("skipped"), e.get("exit_status"), e.get("kept"))
                for e in live.manifests[how]["commands"]]

    assert shape("python") == shape("sh")
    py, sh = live.reports["python"], live.reports["sh"]
    def files(report, how):
        return sorted(re.split(rf"[/!]{how}/", s.path, maxsplit=1)[1] for s in report.sources)

    assert files(py, "python") == files(sh, "sh")
    assert [(f.code, f.severity, f.subjects) for f in py.findings] == \
        [(f.code, f.severity, f.subjects) for f in sh.findings]


def test_options_took_effect(live):
    options = live.scenario.python_args
    for how in COLLECTORS:
        dump, manifest = live.dumps[how], live.manifests[how]
        assert manifest["options"]["archive"] is ("--archive" in options)
        assert dump.name.endswith(".tar.gz") is ("--archive" in options)
        entered = [e["command"] for e in manifest["commands"]
                   if (e["file"] or "").startswith("containers/") and e["command"]]
        enter = "docker exec " if "exec" in options else "nsenter -t "
        assert entered and all(c.startswith(enter) for c in entered)
        assert manifest["options"]["redact"] is ("--redact" in options)
        if "--redact" in options:
            text = (dump / "docker_inspect.json").read_text()
            assert SECRET not in text and '"DB_PASSWORD=********"' in text
            assert '"com.example.api-token": "********"' in text
        elif dump.name.endswith(".tar.gz"):
            with tarfile.open(dump) as tar:
                assert len({m.name.split("/")[0] for m in tar.getmembers()}) == 1


# --- what analyze makes of the dumps -------------------------------------------------------------

@pytest.mark.parametrize("how", COLLECTORS)
def test_analyze_reads_every_capture_of_the_dump(live, how):
    report = live.reports[how]
    bad = [(s.path, s.status.value, s.messages) for s in report.sources
           if s.status.value != "parsed" and not s.path.endswith("manifest.json")]
    assert not bad and not report.partial
    kept = [e for e in live.manifests[how]["commands"] if e.get("kept")]
    assert len([s for s in report.sources if s.status.value == "parsed"]) == len(kept)


@pytest.mark.parametrize("how", COLLECTORS)
def test_every_endpoint_is_paired_with_its_own_veth_and_no_other(live, how):
    truth = live.truth.pairs()
    assert all(ep.veth for c in live.truth.containers.values() if c.own_namespace
               for ep in c.endpoints.values())   # the truth itself is complete
    got = {(c.name, ep.network): ep.host_veth for c in containers(live, how).values()
           for ep in c.endpoints if ep.host_veth}
    assert got == truth
    evidence = {ep.evidence.value for c in containers(live, how).values() for ep in c.endpoints
                if ep.host_veth}
    assert evidence <= {"inside"}


@pytest.mark.parametrize("how", COLLECTORS)
def test_bridges_hold_exactly_their_ports(live, how):
    bridges = {b.name: b for b in live.reports[how].topology.bridges}
    owner = {veth: c for (c, _), veth in live.truth.pairs().items()}
    for name, ports in live.truth.bridges.items():
        assert {p.name for p in bridges[name].ports} == ports, name
        for p in bridges[name].ports:
            assert p.container == owner.get(p.name), (name, p.name)


@pytest.mark.parametrize("how", COLLECTORS)
def test_containers_addresses_and_ports_are_the_engines_and_the_namespaces(live, how):
    report = containers(live, how)
    assert set(report) == set(live.truth.containers)
    for name, truth in live.truth.containers.items():
        c = report[name]
        assert c.running is truth.running
        got = {ep.network: (str(ep.ip) if ep.ip else None, ep.prefix_len, ep.mac,
                            str(ep.gateway) if ep.gateway else None, ep.bridge)
               for ep in c.endpoints}
        assert got == {n: (e.ip, e.prefix_len, e.mac, e.gateway, e.bridge)
                       for n, e in truth.endpoints.items()}, name
        assert {(p.container_port, p.protocol, str(p.host_ip), p.host_port)
                for p in c.published} == truth.published, name
        if truth.own_namespace:
            inside = {iface: {str(a) for a in addrs} for iface, addrs in c.inside.addresses.items()}
            assert inside == truth.inside, name


@pytest.mark.parametrize("how", COLLECTORS)
def test_every_injected_fault_is_reported_and_nothing_else(live, how):
    found = about_scenario(live, how)
    expected = live.scenario.faults(live.facts)
    for code, severity, subjects in expected:
        assert any(f.code == code and f.severity.value == severity and subjects <= set(f.subjects)
                   for f in found), (code, subjects, listing(found))
    unexpected = [f for f in found if not any(
        f.code == code and f.severity.value == severity and subjects <= set(f.subjects)
        for code, severity, subjects in expected)]
    assert not unexpected, listing(unexpected)
    if not expected:
        assert not [f for f in found if f.severity.value == "error"]
