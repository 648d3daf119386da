"""The fault of each firewall paste (tests/fixtures/pastes/firewall) in words; every paste's
verdict is held by tests/analysis/test_pastes.py."""

from __future__ import annotations

import json

import pytest

from netparse.analysis import analyze
from netparse.analysis.model import Severity
from tests.conftest import TESTS

PASTES = TESTS / "fixtures" / "pastes"
EXPECTED = json.loads((PASTES / "expected.json").read_text())
# The fault of each firewall paste: the check that finds it, and words of its message.
FAULTS = {
    "firewall/coreos-344-forward-reject-without-docker-accepts.txt":
        ("forward-denies-bridge", "containers on docker0 cannot reach the outside"),
}


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_the_fault_is_found(name):
    assert EXPECTED[name]["verdict"] == "fault"
    code, words = FAULTS[name]
    found = [f for f in analyze(PASTES / name).findings if f.code == code]
    assert [f.severity for f in found] == [Severity.ERROR]
    assert words in found[0].message
