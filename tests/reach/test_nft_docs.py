"""Docker's nftables backend as moby documents it (tests/fixtures/moby/nftablesdoc/b985e23, the
generated documents of integration/network/bridge/nftablesdoc): each document's `table ip
docker-bridges` parses with nothing left over, and a packet walked through its base chains
(netparse.reach.nft, by the walk's own hook) meets the fate the document's text describes.
Whole paths through each document's table are held to its text in test_moby_docs.py; these
are the chain-level claims that no whole path there makes.
"""

from __future__ import annotations

import re
from dataclasses import replace
from ipaddress import ip_address, ip_network

import pytest

import netparse
from netparse.analysis.model import Topology
from netparse.reach.host import Facts, Firewall
from netparse.reach.model import Disposition
from netparse.reach.netfilter import Env, Packet
from netparse.reach.nft import Base, bases_of
from netparse.reach.walk import Leg, Stop, Walker
from netparse.snapshot import Entry, Source, SourceStatus
from tests.conftest import FIXTURES

DOCS = FIXTURES / "moby" / "nftablesdoc" / "b985e23"
NAMES = sorted(p.name for p in DOCS.glob("*.md") if p.name != "README.md")

HOST = ip_address("198.51.100.10")     # the host's address on its uplink
OUTSIDE = ip_address("203.0.113.7")    # a client out there
C1 = ip_address("192.0.2.2")           # the documents' container on bridge1
DEFAULT = ip_address("172.17.0.2")     # a container on docker0
BRIDGES = frozenset({"docker0", "bridge1", "bridgeICC", "bridgeNoICC"})


def table_text(name: str) -> tuple[str, int]:
    """The document's whole `table ip docker-bridges` block (its first), unindented, and the
    line it starts on."""
    lines = (DOCS / name).read_text().split("\n")
    start = next(i for i, line in enumerate(lines) if line == "    table ip docker-bridges {")
    end = lines.index("    }", start)
    return "\n".join(line[4:] for line in lines[start:end + 1]) + "\n", start + 1


def entry(name: str, text: str | None = None) -> Entry:
    body, line = table_text(name)
    return Entry(Source(path=name, kind="nft_ruleset", status=SourceStatus.PARSED),
                 netparse.parse(text or body, "nft_ruleset"), first_line=line)


def walker(name: str, text: str | None = None) -> Walker:
    firewall = Firewall({}, name)
    firewall.bases = bases_of(entry(name, text), skip_own=False)
    w = Walker(Facts(origin=name, topology=Topology(), firewall=firewall))
    w.env = Env(local=frozenset({HOST, ip_address("192.0.2.1"), ip_address("172.17.0.1"),
                                 ip_address("127.0.0.1")}),
                address_of=lambda iface: HOST if iface == "eth0" else None, bridges=BRIDGES)
    return w


def fate(w: Walker, pkt: Packet, hooks=("PREROUTING", "FORWARD", "POSTROUTING")):
    """The packet through the hooks: (what became of it, the packet or where it broke, the
    hops)."""
    leg = Leg("forward")
    try:
        for hook in hooks:
            if hook == "FORWARD" and pkt.oif is None:
                pkt = replace(pkt, oif=route(pkt.dst))
            pkt = w.hook(leg, hook, pkt)
    except Stop as stop:
        return stop.disposition.value, stop.breaks_at, leg.hops
    return "accepted", pkt, leg.hops


def route(dst) -> str:
    """The documents' host: bridge1 192.0.2.0/24, docker0 172.17.0.0/16, eth0 the rest."""
    if dst in ip_network("192.0.2.0/24"):
        return "bridge1"
    if dst in ip_network("172.17.0.0/16"):
        return "docker0"
    return "eth0"


def tcp(src, dst, port, iif, state="NEW") -> Packet:
    return Packet(src=src, dst=dst, proto="tcp", dport=port, sport=40000, iif=iif, state=state)


@pytest.mark.parametrize("name", NAMES)
def test_each_document_table_parses_strictly_and_every_chain_is_walked(name):
    e = entry(name)
    assert e.model.unparsed == []
    (table,) = e.model.tables
    assert (table.family, table.name) == ("ip", "docker-bridges")
    bases = bases_of(e, skip_own=False)
    hooked = {c.name for c in table.chains if c.hook}
    assert {b.chain for b in bases} == hooked and not any(b.unknown for b in bases)
    # Every statement of every rule is read: no rule walks as unknown.
    assert not [s.text for c in table.chains for r in c.rules for s in r.statements
                if s.type == "unknown"]
    for b in bases:
        for chain in b.table.chains.values():
            for rule in chain.rules:
                assert not [m.text for m in rule.matches if m.test(
                    tcp(OUTSIDE, C1, 80, "eth0"), Env(bridges=BRIDGES)) is None], rule.text


def test_the_evidence_is_the_documents_own_line():
    name = "usernet-portmap.md"
    _, _, hops = fate(walker(name), tcp(OUTSIDE, HOST, 8080, "eth0"))
    lines = (DOCS / name).read_text().split("\n")
    for h in hops:
        if "rule" in h.text:
            line = int(h.evidence.rsplit(":", 1)[1])
            assert h.text.split(": ", 1)[1].split(" → ")[0] in lines[line - 1]


def test_a_port_published_on_loopback_is_not_reached_from_outside():
    """usernet-portmap-lo: the DNAT is for 127.0.0.1 only; from outside, the host port is not
    the container's."""
    verdict, pkt, _ = fate(walker("usernet-portmap-lo.md"), tcp(OUTSIDE, HOST, 8080, "eth0"))
    assert verdict == "accepted" and pkt.dst == HOST  # delivered to the host itself, not c1


@pytest.mark.parametrize("name,port", [("usernet-portmap-noicc.md", 80)])
def test_the_container_address_is_not_reached_directly_from_outside(name, port):
    """Gateway mode nat: "DROP DIRECT ACCESS" in raw-PREROUTING, published port or not."""
    verdict, at, _ = fate(walker(name), tcp(OUTSIDE, C1, port, "eth0"))
    assert verdict == "denied"
    assert at.startswith("table ip docker-bridges chain raw-PREROUTING rule 1: ") and \
        "DROP DIRECT ACCESS" in at


@pytest.mark.parametrize("name", ["usernet-portmap-natunprot.md"])
def test_nat_unprotected_reaches_the_published_port_directly(name):
    verdict, pkt, _ = fate(walker(name), tcp(OUTSIDE, C1, 80, "eth0"))
    assert verdict == "accepted" and pkt.dst == C1 and pkt.src == OUTSIDE


@pytest.mark.parametrize("name", ["usernet-portmap.md", "usernet-portmap-noicc.md"])
def test_another_network_does_not_reach_the_container(name):
    """From docker0 to c1, published port or not: the raw drop of direct access."""
    for port in (80, 22):
        verdict, at, _ = fate(walker(name), tcp(DEFAULT, C1, port, "docker0"))
        assert verdict == "denied" and "DROP DIRECT ACCESS" in at


@pytest.mark.parametrize("name,icc", [("usernet-portmap.md", True),
                                      ("usernet-portmap-noicc.md", False)])
def test_containers_of_one_network_meet_as_icc_says(name, icc):
    """Bridged between two ports of bridge1 (br_netfilter): ICC accept, or with icc off drop."""
    pkt = replace(tcp(ip_address("192.0.2.3"), C1, 22, "bridge1"), oif="bridge1", bridged=True)
    verdict, at, _ = fate(walker(name), pkt)
    if icc:
        assert verdict == "accepted"
    else:
        assert verdict == "denied" and "filter-forward-in__bridge1" in at and "ICC" in at


@pytest.mark.parametrize("name", ["usernet-portmap.md", "usernet-portmap-noproxy.md"])
def test_outgoing_is_masqueraded_to_the_uplink_address(name):
    verdict, pkt, hops = fate(walker(name), tcp(C1, OUTSIDE, 443, "bridge1"))
    assert verdict == "accepted" and pkt.src == HOST
    assert any("OUTGOING" in h.text for h in hops) and any("MASQUERADE" in h.text for h in hops)


def test_routed_goes_out_with_its_own_address():
    verdict, pkt, _ = fate(walker("usernet-portmap-routed.md"), tcp(C1, OUTSIDE, 443, "bridge1"))
    assert verdict == "accepted" and pkt.src == C1


def test_replies_are_accepted_as_established():
    w = walker("usernet-portmap.md")
    reply = tcp(OUTSIDE, C1, 40000, "eth0", state="ESTABLISHED")
    verdict, _, hops = fate(w, replace(reply, oif="bridge1"), hooks=("FORWARD",))
    assert verdict == "accepted"
    assert any("ct state established,related" in h.text for h in hops)


@pytest.mark.parametrize("bridge", ["bridgeICC", "bridgeNoICC"])
def test_an_internal_network_reaches_nothing_outside_it(bridge):
    w = walker("usernet-internal.md")
    src = ip_address("192.0.2.2") if bridge == "bridgeICC" else ip_address("198.51.100.2")
    verdict, at, _ = fate(w, replace(tcp(src, OUTSIDE, 443, bridge), oif="eth0"))
    assert verdict == "denied" and "INTERNAL NETWORK EGRESS" in at


@pytest.mark.parametrize("bridge,icc", [("bridgeICC", True), ("bridgeNoICC", False)])
def test_an_internal_network_icc_is_as_configured(bridge, icc):
    src = ip_address("192.0.2.2") if bridge == "bridgeICC" else ip_address("198.51.100.2")
    pkt = replace(tcp(src, src + 1, 80, bridge), oif=bridge, bridged=True)
    verdict, _, _ = fate(walker("usernet-internal.md"), pkt)
    assert verdict == ("accepted" if icc else "denied")


def test_traffic_not_to_or_from_a_bridge_meets_the_forward_policy():
    w = walker("new-daemon.md")
    # Not to or from a bridge: no element of the maps, the chain's policy accepts.
    verdict, pkt, hops = fate(w, replace(tcp(OUTSIDE, ip_address("10.0.0.9"), 80, "eth1"),
                                         oif="eth0"), hooks=("FORWARD",))
    assert verdict == "accepted" and "policy accept" in hops[-1].text.lower()


def test_a_map_whose_elements_are_not_captured_is_unknown():
    """Without the verdict map's elements the jump cannot be told: unknown, naming the rule."""
    body, _ = table_text("usernet-portmap.md")
    cut = re.sub(r"\tmap filter-forward-in-jumps \{.*?\n\t\}\n", "", body, flags=re.S)
    assert cut != body
    verdict, at, _ = fate(walker("usernet-portmap.md", cut), tcp(OUTSIDE, HOST, 8080, "eth0"))
    assert verdict == Disposition.UNKNOWN.value and "filter-FORWARD" in at


def test_an_unknown_interface_at_a_vmap_is_unknown_not_guessed():
    """An interface no capture names (`?outside`) may be a bridge of the map: not decided."""
    w = walker("usernet-portmap.md")
    w.env = replace(w.env, bridges=frozenset())
    verdict, at, _ = fate(w, replace(tcp(C1, OUTSIDE, 443, "bridge1"), oif="?outside"),
                          hooks=("FORWARD",))
    assert verdict == "unknown"


def test_a_base_chain_that_cannot_be_read_makes_its_hook_unknown():
    """A base chain whose priority (or hook) is not read may come before or after Docker's:
    every packet on that hook is unknown, naming it; other hooks are still walked."""
    w = walker("usernet-portmap.md")
    why = "nft.txt:3: table inet t chain c: priority 'filter * 2' not read"
    w.facts.firewall.bases.append(Base("FORWARD", 0, (4, 6), None, "c", unknown=why))
    leg = Leg("forward")
    with pytest.raises(Stop) as stop:
        w.hook(leg, "FORWARD", replace(tcp(C1, OUTSIDE, 443, "bridge1"), oif="eth0"))
    assert stop.value.disposition is Disposition.UNKNOWN and stop.value.missing == [why]
    assert fate(w, tcp(OUTSIDE, C1, 80, "eth0"), hooks=("PREROUTING",))[0] == "denied"
