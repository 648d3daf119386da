"""`netparse diff` on real before/after pairs: the dumps of tests/fixtures/reach/, taken on a
live engine from one set of containers with one fault made at a time, each with what real
traffic did (measured.json). Each pair must name the object the fault changed and lose exactly
the paths the traffic lost; the unchanged pair (tests/fixtures/diff/unchanged, the healthy host
collected twice a minute apart with traffic between) must report nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

import netparse
from netparse.compare import diff
from tests.conftest import FIXTURES

REACH = FIXTURES / "reach"
UNCHANGED = FIXTURES / "diff" / "unchanged"
CLIENT = "10.99.29.1"

# The object each fault changes: kind, subject, mark, and a value it has after (None: removed).
NAMED = {
    "docker_user_drop": ("firewall rule",
                         "filter DOCKER-USER: -A DOCKER-USER -s 172.29.11.0/24 -j DROP", "+",
                         "-A DOCKER-USER -s 172.29.11.0/24 -j DROP"),
    "veth_detached": ("veth", "np-e2e-r3 on np-e2e-rb", "~", {"bridge": None}),
    "bridge_down": ("bridge", "np-e2e-rb", "~", {"up": False, "state": "DOWN"}),
    "masquerade_deleted": ("firewall rule", "nat POSTROUTING: -A POSTROUTING -s 172.29.11.0/24 "
                           "! -o bridge[np-e2e-ra] -j MASQUERADE", "-", None),
    "ip_forward_off": ("sysctl", "net.ipv4.ip_forward", "~", "0"),
    "bridge_nf_off": ("sysctl", "net.bridge.bridge-nf-call-iptables", "~", "0"),
    "route_over_subnet": ("route", "172.29.11.128/25 table main", "+", "dev np-e2e-h0 scope link"),
    "forward_flushed": ("firewall rule", "filter FORWARD: -A FORWARD -j DOCKER-USER", "-", None),
    "input_drop": ("firewall rule", "filter INPUT: -A INPUT -p tcp -m tcp --dport 18080 -j DROP",
                   "+", "-A INPUT -p tcp -m tcp --dport 18080 -j DROP"),
    "nft_own_table": ("nft rule", "inet np-e2e-nft forward: ip daddr 172.29.11.130 tcp dport 80 "
                      "accept", "+", "ip daddr 172.29.11.130 tcp dport 80 accept"),
}


def _key(p) -> tuple:
    return (p["from"], p["to"], p["address"], p["port"])


def _measured(folder) -> dict:
    return {_key(m): m["reached"] for m in json.loads((folder / "measured.json").read_text())}


def _diff(before, after):
    return diff(before, after, to=[CLIENT], client=CLIENT)


def test_every_fault_has_a_pair():
    assert sorted(NAMED) == sorted(p.parent.name for p in REACH.glob("*/measured.json")
                                   if p.parent.name != "healthy")


@pytest.mark.parametrize("fault", sorted(NAMED))
def test_a_fault_pair_names_the_change_and_loses_what_the_traffic_lost(fault):
    report = _diff(REACH / "healthy" / "dump", REACH / fault / "dump")
    kind, subject, mark, after = NAMED[fault]
    change = next((c for c in report.changes if (c.kind, c.subject) == (kind, subject)), None)
    assert change is not None, [(c.kind, c.subject) for c in report.changes]
    assert change.change.value == mark
    if isinstance(after, dict):
        assert {k: change.after[k] for k in after} == after
    else:
        assert change.after == after
    assert any(e.startswith(("before: ", "after: ")) and ".txt:" in e for e in change.evidence)

    before, now = _measured(REACH / "healthy"), _measured(REACH / fault)
    lost = {k for k, reached in before.items() if reached and not now[k]}
    gained = {k for k, reached in now.items() if reached and not before[k]}
    got = report.reachability
    assert {(p.from_, p.to, str(p.address), p.port) for p in got.lost} == lost
    assert {(p.from_, p.to, str(p.address), p.port) for p in got.gained} == gained
    labels = {f"{c.kind}: {c.subject}" for c in report.changes}
    for p in got.lost:
        assert p.explained_by and set(p.explained_by) <= labels, p
    assert report.incomplete == []


@pytest.mark.parametrize("fault, cause", [
    ("docker_user_drop", "firewall rule: filter DOCKER-USER: -A DOCKER-USER -s 172.29.11.0/24 "
                         "-j DROP"),
    ("veth_detached", "veth: np-e2e-r3 on np-e2e-rb"),
    ("bridge_down", "bridge: np-e2e-rb"),
    ("masquerade_deleted", "firewall rule: nat POSTROUTING: -A POSTROUTING -s 172.29.11.0/24 ! "
                           "-o bridge[np-e2e-ra] -j MASQUERADE"),
    ("ip_forward_off", "sysctl: net.ipv4.ip_forward"),
    ("route_over_subnet", "route: 172.29.11.128/25 table main"),
    ("nft_own_table", "nft chain: inet np-e2e-nft forward"),
])
def test_each_lost_path_is_explained_by_the_fault(fault, cause):
    report = _diff(REACH / "healthy" / "dump", REACH / fault / "dump")
    assert report.reachability.lost
    assert all(cause in p.explained_by for p in report.reachability.lost)


def test_recreated_networks_and_containers_are_not_changes():
    """input_drop was taken from a second build of the same host: new network IDs (so new
    bridge names in routes, rules and sysctl keys), new container IDs, veths and MACs."""
    report = _diff(REACH / "healthy" / "dump", REACH / "input_drop" / "dump")
    kinds = {c.kind for c in report.changes}
    assert kinds <= {"container", "firewall rule"}, kinds
    # The image was rebuilt between the two builds: its ID is a real change; nothing else is.
    assert all(c.before.keys() == {"image"} for c in report.changes if c.kind == "container")


def test_the_unchanged_host_reports_nothing_and_exits_0():
    before, after = UNCHANGED / "before", UNCHANGED / "after"
    assert (before / "iptables_save.txt").read_text() != (after / "iptables_save.txt").read_text() \
        or (before / "bridge_fdb.txt").read_text() != (after / "bridge_fdb.txt").read_text() \
        or (before / "docker_ps_a.txt").read_text() != (after / "docker_ps_a.txt").read_text()
    assert any(_measured(UNCHANGED).values())  # traffic went through between the two
    done = _cli("diff", str(before), str(after), "--to", CLIENT, "--client", CLIENT,
                "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["changes"] == [] and report["incomplete"] == []
    assert report["findings"] == {"new": [], "resolved": []}
    assert report["reachability"] == {"lost": [], "gained": []}


@pytest.mark.parametrize("dump", sorted([p / "dump" for p in REACH.iterdir() if p.is_dir()]
                                        + [p for p in (FIXTURES / "dumps").iterdir()
                                           if p.is_dir()]), ids=lambda p: p.parent.name
                         if p.name == "dump" else p.name)
def test_a_dump_diffed_with_itself_reports_nothing(dump):
    report = _diff(dump, dump)
    assert report.changes == [] and report.findings.new == [] and report.findings.resolved == []
    assert report.reachability.lost == [] and report.reachability.gained == []
    assert not any("one side only" in x or "different captures" in x for x in report.incomplete)


def _cut(tmp_path, name: str, *removed: str):
    dump = tmp_path / name
    shutil.copytree(REACH / "healthy" / "dump", dump)
    for r in removed:
        (dump / r).unlink()
    return dump


def test_a_capture_on_one_side_only_is_incomplete_never_unchanged(tmp_path):
    # nft list ruleset goes too: alone, it would walk iptables-nft's tables in place of
    # iptables-save.
    after = _cut(tmp_path, "after", "iptables_save.txt", "nft_ruleset.txt", "sysctl.txt")
    report = _diff(REACH / "docker_user_drop" / "dump", after)
    assert not any(c.kind in ("firewall rule", "firewall policy", "sysctl")
                   for c in report.changes)
    said = "\n".join(report.incomplete)
    assert "firewall rule: not compared" in said and "sysctl: not compared" in said
    # Reachable before, unknown after: not lost, not unchanged, but said.
    assert "unknown on one side only" in said and "iptables-save" in said
    assert report.reachability.lost == [] and report.reachability.gained == []


def test_findings_of_a_check_that_ran_on_one_side_are_not_compared(tmp_path):
    before = _cut(tmp_path, "before", "iptables_save.txt")
    report = _diff(before, REACH / "docker_user_drop" / "dump")
    assert not any(f.code == "forward-blocked" for f in report.findings.new)
    assert any(x.startswith("findings of forward-blocked: not compared") for x in report.incomplete)


def _cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "netparse.cli.main", *args], input=stdin,
                          capture_output=True)


def test_cli_exit_status_and_formats(tmp_path):
    healthy, drop = str(REACH / "healthy" / "dump"), str(REACH / "docker_user_drop" / "dump")
    done = _cli("diff", healthy, drop, "--to", CLIENT)
    assert done.returncode == 1
    text = done.stdout.decode()
    assert text.index("Paths lost") < text.index("New findings") < text.index("Object changes")
    assert "because of firewall rule: filter DOCKER-USER: -A DOCKER-USER -s 172.29.11.0/24" in text
    assert "[after: " + drop + "/iptables_save.txt:37]" in text
    assert _cli("diff", healthy, drop, "--fail-on", "never").returncode == 0
    # The other way round: the paths come back, the findings are resolved.
    back = _cli("diff", drop, healthy, "--to", CLIENT, "--format", "json")
    assert back.returncode == 0
    report = json.loads(back.stdout)
    assert report["reachability"]["gained"] and not report["reachability"]["lost"]
    assert report["findings"]["resolved"] and not report["findings"]["new"]
    assert all(p["explained_by"] for p in report["reachability"]["gained"])
    # Bad input: exit 2 with a message, no traceback.
    for args in (("diff", healthy, str(tmp_path / "nope")), ("diff", healthy, healthy, "--to", "x"),
                 ("diff", "-", "-")):
        done = _cli(*args, stdin=b"")
        assert done.returncode == 2 and b"Traceback" not in done.stderr and done.stderr


def test_cli_reads_one_side_from_standard_input(tmp_path):
    import tarfile

    archive = tmp_path / "drop.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(REACH / "docker_user_drop" / "dump", arcname="dump")
    done = _cli("diff", str(REACH / "healthy" / "dump"), "-", "--format", "json",
                stdin=archive.read_bytes())
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["changes"][0]["subject"].startswith("filter DOCKER-USER")


def test_the_json_is_its_versioned_contract():
    from netparse.compare.model import DiffReport

    schema = json.loads(_cli("schema", "diff").stdout)
    assert schema["properties"]["schema_version"]["const"] == "1.0"
    assert set(schema["required"]) >= {"before", "after"}
    assert set(schema["$defs"]["Change"]["properties"]) == {"kind", "subject", "change", "before",
                                                            "after", "evidence"}
    assert {"from", "to", "network", "address", "port", "verdict"} <= \
        set(schema["$defs"]["PathChange"]["properties"])
    done = _cli("diff", str(REACH / "healthy" / "dump"), str(REACH / "veth_detached" / "dump"),
                "--format", "json")
    document = json.loads(done.stdout)
    assert set(document) == {"schema_version", "before", "after", "changes", "findings",
                             "reachability", "incomplete"}
    assert DiffReport.model_validate_json(done.stdout).model_dump(mode="json", by_alias=True) \
        == document


def test_the_library_entry_point():
    report = netparse.diff(REACH / "healthy" / "dump", REACH / "bridge_down" / "dump")
    assert any(c.kind == "bridge" and c.subject == "np-e2e-rb" for c in report.changes)
