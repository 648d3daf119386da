"""Every real paste of tests/fixtures/pastes gives its expected verdict.

The verdicts (expected.json) were written from each paste alone, before netparse read it:
- `healthy`: no error and no warning;
- `undecidable`: no error (the paste does not prove a fault of the running host);
- `fault`: the findings that state each fault the paste proves, as warning or error.

`CODES` names, for every fault and undecidable paste, the checks whose findings state what its
`expected.json` entry says (read from the class README and the checks' summaries); a paste
without an entry fails, so a new paste cannot go untested. A fault that only an earlier capture
of the paste shows (a "before" fixed in the "after") is stated by an `earlier-state` finding
naming that check: `EARLIER`. A paste of several hosts is analysed one host at a time.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import netparse
from netparse.analysis.model import Severity
from netparse.errors import HostsError

PASTES = Path(__file__).parents[1] / "fixtures" / "pastes"
EXPECTED = json.loads((PASTES / "expected.json").read_text())

CODES: dict[str, set[str]] = {
    "endpoints-partial/cc-oci-runtime-953-container-without-eth0.txt": {"container-no-interface"},
    "endpoints-partial/nomad-driver-containerd-64-two-namespaces-lo-down.txt": {"loopback-down"},
    "firewall/coreos-344-forward-reject-without-docker-accepts.txt": {"forward-denies-bridge"},
    "firewall/csf-firewall-1-nft-and-legacy.txt": {"iptables-both-backends"},
    "firewall/incus-docker-2-legacy-warning-grep.txt": {"iptables-both-backends"},
    "firewall/moby-13381-nat-table-empty.txt": {"docker-rules-missing"},
    "firewall/moby-48560-rules-v4-forward-reject.txt": {"rules-not-running"},
    "fragments/moby-19086-two-containers-same-ip-networks.txt": {"duplicate-address"},
    "reference-only/coreos-1785-veth-missing-master.txt": {"veth-without-master"},
    "reference-only/forlinux-326-brctl-zero-bridge-ids.txt": {"bridge-id-zero"},
    "reference-only/moby-38942-user-bridge-no-ipv4.txt": {"bridge-no-address"},
    "routes/forlinux-1422-docker-pool-also-static-route.txt": {"route-overlap"},
    "routes/moby-24796-lan-subnet-on-bridge-and-nic.txt": {"route-overlap"},
    "routes/moby-30295-ip-route-no-docker-routes.txt": {"no-docker-bridge"},
    "sysctl/codingecho-all-forwarding-zero.txt": {"ip-forward-off"},
    "sysctl/moby-24809-docker-info-bridge-nf-disabled.txt": {"bridge-nf-off"},
    "sysctl/nixpkgs-118656-default-forwarding-zero.txt": {"forwarding-default-off"},
    "sysctl/openwrt-11505-docker-info-warnings-only.txt": {"bridge-nf-off"},
    "time-and-hosts/forlinux-924-docker0-no-address-until-restart.txt": set(),
    "time-and-hosts/moby-38942-docker0-loses-ipv4.txt": {"bridge-no-address"},
}
EARLIER = {
    "time-and-hosts/forlinux-924-docker0-no-address-until-restart.txt": {"bridge-no-address"},
}


def _findings(name: str):
    try:
        return netparse.analyze(str(PASTES / name)).findings
    except HostsError as exc:  # never merged: each host on its own
        assert len(exc.hosts) > 1
        return [f for host in exc.hosts
                for f in netparse.analyze(str(PASTES / name), host=host).findings]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_paste_gives_its_verdict(name):
    verdict = EXPECTED[name]["verdict"]
    findings = _findings(name)
    raised: dict[str, Severity] = {}
    for f in findings:  # the highest severity of each code
        if f.code not in raised or f.severity.rank < raised[f.code].rank:
            raised[f.code] = f.severity
    if verdict == "healthy":
        assert not [f for f in findings if f.severity is not Severity.INFO], findings
        return
    assert name in CODES, f"{name}: which checks state its findings? ({EXPECTED[name]['findings']})"
    if verdict == "undecidable":
        assert Severity.ERROR not in raised.values(), findings
        assert CODES[name] <= raised.keys(), findings
    else:
        found = {c for c, s in raised.items() if s is not Severity.INFO}
        assert CODES[name] <= found, findings
    for code in EARLIER.get(name, ()):
        assert any(f.code == "earlier-state" and f"{code} (" in f.message for f in findings), \
            findings
