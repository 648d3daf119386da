"""nft's view of iptables-nft's tables: the same moment's `iptables-save`, `nft list ruleset`,
`nft -a list ruleset` and `nft -j list ruleset` (tests/fixtures/captures/firewall-default, one
capture script run) give every packet the same verdict, chain by chain; priorities and a set
left out are read as nft says."""

from __future__ import annotations

from ipaddress import ip_address
from itertools import product

import pytest

import netparse
from netparse.reach.netfilter import Packet, run
from netparse.reach.nft import bases_of, priority
from netparse.snapshot import Entry, Source, SourceStatus
from tests.reach.test_listings import CAPTURES, ENV, outcome, packets, save


def nft(name: str, command: str | None = None) -> Entry:
    return Entry(Source(path=name, kind="nft_ruleset", status=SourceStatus.PARSED,
                        command=command),
                 netparse.parse((CAPTURES / name).read_text(), "nft_ruleset"))


def tables(name: str) -> dict:
    return {b.table.name: b.table for b in bases_of(nft(name), skip_own=False)}


def _nft_outcome(by_nft, table, chain, pkt):
    return sorted({(o.verdict, o.packet.src, o.packet.dst, o.packet.dport)
                   for o in run(by_nft[f"ip {table}"], chain, pkt, ENV)})


CHAINS = (("filter", "FORWARD"), ("nat", "PREROUTING"), ("nat", "POSTROUTING"), ("nat", "OUTPUT"))


@pytest.mark.parametrize("name", ["nft_ruleset.txt", "nft_a_ruleset.txt"])
def test_nft_gives_every_packet_the_verdict_of_iptables_save(name):
    by_save, by_nft = save(), tables(name)
    compared = 0
    for pkt in packets():
        for table, chain in CHAINS:
            assert _nft_outcome(by_nft, table, chain, pkt) == outcome(by_save, table, chain,
                                                                      pkt), (table, chain, pkt)
            compared += 1
    assert compared > 1000


def test_nft_json_is_never_wrong_where_it_shows_iptables_extensions_opaquely():
    """nft -j prints iptables-nft's compat expressions as `{"xt": {"name": "MASQUERADE"}}`
    (the text listing translates them): those rules are unknown, and the rest agree."""
    by_save, by_nft = save(), tables("nft_j_ruleset.json")
    same = unknown = 0
    for pkt in packets():
        for table, chain in CHAINS:
            got = _nft_outcome(by_nft, table, chain, pkt)
            want = outcome(by_save, table, chain, pkt)
            if got == want:
                same += 1
            else:
                assert len(got) > 1 or got[0][0] == "UNKNOWN", (table, chain, pkt)
                assert set(want) <= set(got) or any(v == "UNKNOWN" for v, *_ in got)
                unknown += 1
    assert same > 500 and unknown > 100


def test_the_bases_are_the_hooked_chains_with_their_priorities():
    found = {(b.table.name, b.chain): (b.hook, b.priority, b.versions, b.nat)
             for b in bases_of(nft("nft_ruleset.txt"), skip_own=False)}
    assert found[("ip nat", "PREROUTING")] == ("PREROUTING", -100, (4,), True)
    assert found[("ip nat", "POSTROUTING")] == ("POSTROUTING", 100, (4,), True)
    assert found[("ip filter", "FORWARD")] == ("FORWARD", 0, (4,), False)
    assert found[("ip6 filter", "FORWARD")] == ("FORWARD", 0, (6,), False)
    # iptables-nft's own tables are left to iptables-save when asked.
    assert bases_of(nft("nft_ruleset.txt"), skip_own=True) == []


def test_rule_evidence_is_the_line_of_the_capture():
    by_nft = tables("nft_ruleset.txt")
    pkt = Packet(src=ip_address("198.51.100.1"), dst=ip_address("192.0.2.2"), proto="tcp",
                 dport=8080, sport=40000, iif="eth0")
    env = ENV.__class__(local=ENV.local | {pkt.dst})
    outcomes = run(by_nft["ip nat"], "PREROUTING", pkt, env)
    (o,) = outcomes
    assert (o.verdict, o.packet.dst, o.packet.dport) == ("ACCEPT", ip_address("172.17.0.2"), 80)
    step = o.steps[-1]
    line = int(step.where.rsplit(":", 1)[1])
    assert step.text in (CAPTURES / "nft_ruleset.txt").read_text().split("\n")[line - 1]


@pytest.mark.parametrize("text,value", [("filter", 0), ("raw", -300), ("mangle", -150),
                                        ("dstnat", -100), ("security", 50), ("srcnat", 100),
                                        ("-100", -100), ("srcnat + 1", 101),
                                        ("filter - 10", -10), ("300", 300), ("bogus", None)])
def test_priorities(text, value):
    assert priority(text) == value


SETS = CAPTURES.parent / "firewall-nft-sets"


def own(name: str, command: str):
    entry = Entry(Source(path=name, kind="nft_ruleset", status=SourceStatus.PARSED,
                         command=command),
                  netparse.parse((SETS / name).read_text(), "nft_ruleset"))
    (base,) = [b for b in bases_of(entry, skip_own=True)]
    return base


def fates(base, pkt):
    return sorted({o.verdict for o in run(base.table, base.chain, pkt, ENV)})


def set_packets():
    for src, dst, iif, oif, (proto, port) in product(
            ["10.99.3.4", "192.0.2.7", "192.0.2.8", "2001:db8::1"],
            ["192.0.2.20", "198.51.100.9", "203.0.113.5", "2001:db8:1::2"],
            ["np-bad0", "np-bad1", "eth0", "np-x1", "np-xy"], ["np-a0", "np-b0", "eth1"],
            [("tcp", 80), ("tcp", 8080), ("tcp", 22), ("udp", 53), ("icmp", None)]):
        src, dst = ip_address(src), ip_address(dst)
        if src.version == dst.version:
            yield Packet(src=src, dst=dst, proto=proto, dport=port,
                         sport=40000 if port else None, iif=iif, oif=oif)


def expected(pkt) -> str:
    """What the table's rules say, read from its listing by hand."""
    from ipaddress import ip_network
    if pkt.iif in ("np-bad0", "np-bad1"):
        return "DROP"
    if pkt.src.version == 4 and (pkt.src in ip_network("10.99.0.0/16") or
                                 pkt.src == ip_address("192.0.2.7")) and \
            pkt.proto == "tcp" and (pkt.dport in (80, 443) or 8000 <= pkt.dport <= 8080):
        return "ACCEPT"
    if pkt.proto == "udp" and pkt.dst.version == 4 and pkt.dst in ip_network("198.51.100.0/24"):
        return "DROP"
    if pkt.dst.version == 4 and pkt.dst in ip_network("192.0.2.0/24") and pkt.oif == "np-b0":
        return "DROP"
    if pkt.iif.startswith("np-x") and pkt.src.version == 6:
        return "REJECT"
    return "ACCEPT"


def test_named_and_anonymous_sets_ranges_maps_and_wildcards():
    base = own("nft_ruleset.txt", "nft list ruleset")
    assert (base.hook, base.priority, base.versions) == ("FORWARD", 10, (4, 6))
    checked = 0
    for pkt in set_packets():
        assert fates(base, pkt) == [expected(pkt)], pkt
        checked += 1
    assert checked > 500


def test_a_terse_listing_leaves_the_named_sets_unknown():
    """`nft -t list ruleset` prints no set elements: the rules on @allowed and @blocked_ifs
    are unknown, never taken as empty."""
    base = own("nft_t_ruleset.txt", "nft -t list ruleset")
    pkt = Packet(src=ip_address("10.99.3.4"), dst=ip_address("203.0.113.5"), proto="tcp",
                 dport=80, sport=40000, iif="eth0", oif="eth1")
    outcomes = run(base.table, base.chain, pkt, ENV)
    assert {o.verdict for o in outcomes} == {"ACCEPT", "DROP"}
    assumed = {a for o in outcomes for a in o.assumed}
    assert any("@blocked_ifs (the elements of the set were not captured)" in a for a in assumed)
