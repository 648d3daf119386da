"""The firewall and sysctl pastes (tests/fixtures/pastes/firewall, sysctl) against their
expected verdicts: a healthy paste gives no error and no warning, an undecidable one no error,
and each fault of the firewall class the finding its expected.json names."""

from __future__ import annotations

import json

import pytest

from netparse.analysis import analyze
from netparse.analysis.model import Severity
from tests.conftest import TESTS

PASTES = TESTS / "fixtures" / "pastes"
EXPECTED = json.loads((PASTES / "expected.json").read_text())
CLASSES = ("firewall/", "sysctl/")
# The fault of each firewall paste: the check that finds it, and words of its message.
FAULTS = {
    "firewall/coreos-344-forward-reject-without-docker-accepts.txt":
        ("forward-denies-bridge", "containers on docker0 cannot reach the outside"),
}


def cases():
    return sorted(name for name in EXPECTED if name.startswith(CLASSES))


@pytest.mark.parametrize("name", cases())
def test_no_false_alarm(name):
    verdict = EXPECTED[name]["verdict"]
    findings = analyze(PASTES / name).findings
    errors = [f for f in findings if f.severity is Severity.ERROR]
    warnings = [f for f in findings if f.severity is Severity.WARNING]
    if verdict == "healthy":
        assert not errors and not warnings, [f.message for f in errors + warnings]
    elif verdict == "undecidable":
        assert not errors, [f.message for f in errors]


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_the_fault_is_found(name):
    assert EXPECTED[name]["verdict"] == "fault"
    code, words = FAULTS[name]
    found = [f for f in analyze(PASTES / name).findings if f.code == code]
    assert [f.severity for f in found] == [Severity.ERROR]
    assert words in found[0].message


def test_every_firewall_fault_has_its_finding():
    faults = {n for n in cases() if n.startswith("firewall/")
              and EXPECTED[n]["verdict"] == "fault"}
    assert faults == set(FAULTS)


@pytest.mark.parametrize("name, code", [
    ("firewall/csf-firewall-1-nft-and-legacy.txt", "iptables-both-backends"),
    ("firewall/incus-docker-2-legacy-warning-grep.txt", "iptables-both-backends"),
    ("firewall/moby-13381-nat-table-empty.txt", "docker-rules-missing"),
    ("firewall/moby-48560-rules-v4-forward-reject.txt", "rules-not-running"),
])
def test_what_an_undecidable_paste_shows_is_reported(name, code):
    assert EXPECTED[name]["verdict"] == "undecidable"
    assert code in {f.code for f in analyze(PASTES / name).findings}
