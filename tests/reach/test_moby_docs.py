"""moby's generated rule documents as golden inputs (tests/fixtures/moby/, read by
tests/reach/mobydoc.py): each loads, and gives the reachability its own text describes.

Every claim below quotes the sentence of the document it comes from (the test checks that the
document says it), and names the rule that decides. A claim about a whole path (a client to a
published port, a container out of the host) walks the host through every table; a document
that does not show a table the path crosses (most leave out raw) cannot settle the path, so its
claims are about the chain the sentence describes, run on that chain's rules. Expectations come
from the text, not from netparse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import ip_address

import pytest

from netparse.reach import Walker, client_path, container_path
from netparse.reach.netfilter import Packet, run
from netparse.reach.rules import firewall_of
from tests.reach import mobydoc
from tests.reach.mobydoc import CLIENT, HOST

DOCS = {p: mobydoc.load(p) for p in mobydoc.documents("iptables")}
LAYOUTS = sorted({d.version for d in DOCS.values()})
C1 = ip_address("192.0.2.2")          # the first address after the gateway: c1
OTHER = ip_address("192.0.2.3")       # another address on bridge1
GWBRIDGE = ip_address("172.18.0.3")   # an address on swarm's docker_gwbridge (172.18.0.0/16)


@dataclass
class Claim:
    doc: str
    quote: str
    # what is tried: ("client", container) every published port of the container from CLIENT;
    # ("direct", address, port) CLIENT straight to an address; ("out", container) the
    # container to CLIENT; ("chain", table, chain, packet fields)
    path: tuple
    verdict: str                       # reachable / unreachable, or a chain's ACCEPT / DROP
    rules: tuple[str, ...] = ()        # text of the rules that decide, in the hops or breaks_at
    layouts: tuple[str, ...] | None = None   # None: every layout
    packet: dict = field(default_factory=dict)  # a chain claim's packet after it: field -> value

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.path[0]}:{self.quote[:40]}"


PUBLISHED_ACCEPT = "-d 192.0.2.2/32 ! -i bridge1 -o bridge1 -p tcp -m tcp --dport 80 -j ACCEPT"
FORWARD_IN = dict(src=CLIENT, dst=C1, proto="tcp", dport=80, sport=40000, iif="eth0",
                  oif="bridge1")
FORWARD_OUT = dict(src=C1, dst=CLIENT, proto="tcp", dport=443, sport=40000, iif="bridge1",
                   oif="eth0")

CLAIMS = [
    # --- new-daemon.md: docker0 alone ----------------------------------------------------------
    Claim("new-daemon.md",
          "The DOCKER chain has a single DROP rule for the bridge network, to drop any packets "
          "routed to the network that have not originated in the network.",
          ("chain", "filter", "FORWARD", dict(FORWARD_IN, dst=ip_address("172.17.0.2"),
                                              oif="docker0")),
          "DROP", ("! -i docker0 -o docker0 -j DROP",)),
    Claim("new-daemon.md",
          "ACCEPT any packet leaving a network, set up when the network is created",
          ("chain", "filter", "FORWARD", dict(FORWARD_OUT, src=ip_address("172.17.0.2"),
                                              iif="docker0")),
          "ACCEPT", ("-i docker0 -j ACCEPT",)),
    # --- usernet-portmap.md: every table shown, so whole paths ---------------------------------
    Claim("usernet-portmap.md",
          "In the DOCKER chain, there is an ACCEPT rule for TCP port 80 packets routed to the "
          "container's address.",
          ("client", "c1"), "reachable",
          ("-j DNAT --to-destination 192.0.2.2:80", PUBLISHED_ACCEPT)),
    Claim("usernet-portmap.md",
          "adds a DROP rule to the raw-PREROUTING chain to block direct remote access to the "
          "mapped port.",
          ("direct", C1, 80), "unreachable", ("raw PREROUTING", "-d 192.0.2.2/32 ! -i bridge1")),
    Claim("usernet-portmap.md",
          "In the FORWARD chain, rule 6 for outgoing traffic from the new network has been "
          "appended to the end of the chain.",
          ("out", "c1"), "reachable",
          ("filter FORWARD rule 6: -A FORWARD -i bridge1 -j ACCEPT",
           "-s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE"), layouts=("v28.0.0",)),
    Claim("usernet-portmap.md",
          "In the DOCKER-FORWARD chain, rule 5 for outgoing traffic from the new network has "
          "been appended to the end of the chain.",
          ("out", "c1"), "reachable",
          ("filter DOCKER-FORWARD rule 5: -A DOCKER-FORWARD -i bridge1 -j ACCEPT",
           "-s 192.0.2.0/24 ! -o bridge1 -j MASQUERADE"),
          layouts=("docker-v29.0.0", "v28.0.1", "v28.5.2")),
    Claim("usernet-portmap.md",
          "These per-port rules are inserted at the head of the chain, so that they appear "
          "before the network's DROP rule",
          ("direct", C1, 22), "unreachable",
          ("filter DOCKER", "-A DOCKER ! -i bridge1 -o bridge1 -j DROP"),
          layouts=("v28.0.0", "v28.0.1")),   # raw drops direct access port by port
    Claim("usernet-portmap.md",
          "adds a DROP rule to the raw-PREROUTING chain to block direct remote access to the "
          "mapped port.",
          ("direct", C1, 22), "unreachable",
          ("raw PREROUTING", "-A PREROUTING -d 192.0.2.2/32 ! -i bridge1 -j DROP"),
          layouts=("docker-v29.0.0", "v28.5.2")),   # raw drops it per container
    # --- usernet-portmap-lo.md: published on 127.0.0.1 only ------------------------------------
    Claim("usernet-portmap-lo.md",
          "adds an extra rule in the raw-PREROUTING chain to DROP remote traffic destined to the "
          "port mapped on the loopback address.",
          ("client", "c1"), "unreachable",
          ("raw PREROUTING", "-d 127.0.0.1/32 ! -i lo -p tcp -m tcp --dport 8080 -j DROP")),
    # --- usernet-portmap-noproxy.md ------------------------------------------------------------
    Claim("usernet-portmap-noproxy.md",
          "The jump from the OUTPUT chain to DOCKER happens even for loopback addresses.",
          ("chain", "nat", "OUTPUT", dict(src=ip_address("127.0.0.1"),
                                          dst=ip_address("127.0.0.1"), proto="tcp", dport=8080,
                                          sport=40000)),
          "ACCEPT", ("-p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.0.2.2:80",),
          packet={"dst": C1, "dport": 80}),
    Claim("usernet-portmap-noproxy.md",
          "In the DOCKER chain's DNAT rule, there's no destination bridge",
          ("chain", "nat", "PREROUTING", dict(src=C1, dst=HOST.ip, proto="tcp", dport=8080,
                                              sport=40000, iif="bridge1")),
          "ACCEPT", ("-A DOCKER -p tcp -m tcp --dport 8080 -j DNAT --to-destination "
                     "192.0.2.2:80",), packet={"dst": C1, "dport": 80}),
    Claim("usernet-portmap-noproxy.md",
          "A MASQUERADE rule is added for packets sent from the container to one of its own "
          "published ports on the host.",
          ("chain", "nat", "POSTROUTING", dict(src=C1, dst=C1, proto="tcp", dport=80,
                                               sport=40000, iif="bridge1", oif="bridge1")),
          "ACCEPT", ("-s 192.0.2.2/32 -d 192.0.2.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE",),
          packet={"src": ip_address("192.0.2.1")}),
    # --- usernet-portmap-noicc.md --------------------------------------------------------------
    Claim("usernet-portmap-noicc.md",
          "Rule 6, added by `setIcc`, drops any packet sent from the internal network to itself.",
          ("chain", "filter", "FORWARD", dict(FORWARD_OUT, dst=OTHER, oif="bridge1")),
          "DROP", ("-i bridge1 -o bridge1 -j DROP",)),
    Claim("usernet-portmap-noicc.md",
          "Rule 7, added by `setupIPTablesInternal` accepts any other outgoing packet.",
          ("chain", "filter", "FORWARD", FORWARD_OUT),
          "ACCEPT", ("-i bridge1 ! -o bridge1 -j ACCEPT",)),
    # --- usernet-internal.md -------------------------------------------------------------------
    Claim("usernet-internal.md",
          "Rule 1 drops any packet routed to the network that does not have a source address in "
          "the network's subnet.",
          ("chain", "filter", "FORWARD", dict(FORWARD_IN, oif="bridgeICC")),
          "DROP", ("! -s 192.0.2.0/24 -o bridgeICC -j DROP",)),
    Claim("usernet-internal.md",
          "Rule 2 drops any packet routed out of the network that does not have a dest address "
          "in the network's subnet.",
          ("chain", "filter", "FORWARD", dict(FORWARD_OUT, iif="bridgeNoICC",
                                              src=ip_address("198.51.100.2"))),
          "DROP", ("! -d 198.51.100.0/24 -i bridgeNoICC -j DROP",)),
    Claim("usernet-internal.md",
          "To enable ICC, the rule for packets looping through the bridge is ACCEPT.",
          ("chain", "filter", "FORWARD", dict(FORWARD_OUT, dst=OTHER, iif="bridgeICC",
                                              oif="bridgeICC")),
          "ACCEPT", ("-i bridgeICC -o bridgeICC -j ACCEPT",)),
    Claim("usernet-internal.md",
          "For no-ICC it's DROP.",
          ("chain", "filter", "FORWARD", dict(FORWARD_OUT, src=ip_address("198.51.100.2"),
                                              dst=ip_address("198.51.100.3"),
                                              iif="bridgeNoICC", oif="bridgeNoICC")),
          "DROP", ("-i bridgeNoICC -o bridgeNoICC -j DROP",)),
    # --- usernet-portmap-routed.md -------------------------------------------------------------
    Claim("usernet-portmap-routed.md",
          "A rule is added by [setICMP][5] to allow ICMP.",
          ("chain", "filter", "FORWARD", dict(FORWARD_IN, proto="icmp", dport=None, sport=None)),
          "ACCEPT", ("-o bridge1 -p icmp -j ACCEPT",)),
    Claim("usernet-portmap-routed.md",
          "So, it will accept packets from other networks, if they make it through the "
          "port/protocol filtering rules in the DOCKER chain.",
          ("chain", "filter", "FORWARD", dict(FORWARD_IN, src=ip_address("172.17.0.2"),
                                              iif="docker0")),
          "ACCEPT", ("-o bridge1 -j RETURN", PUBLISHED_ACCEPT),
          layouts=("v28.0.0", "v28.0.1", "v28.5.2")),
    Claim("usernet-portmap-routed.md",
          "No DNAT rule for the published port (port mapping is skipped).",
          ("chain", "nat", "PREROUTING", dict(src=CLIENT, dst=HOST.ip, proto="tcp", dport=8080,
                                              sport=40000, iif="eth0")),
          "ACCEPT", (), packet={"dst": HOST.ip, "dport": 8080}),
    Claim("usernet-portmap-routed.md",
          "No MASQUERADE rule for traffic from the bridge network to elsewhere.",
          ("chain", "nat", "POSTROUTING", FORWARD_OUT),
          "ACCEPT", (), packet={"src": C1}),
    # --- usernet-portmap-natunprot.md ----------------------------------------------------------
    Claim("usernet-portmap-natunprot.md",
          "`nat-unprotected` appends a default-ACCEPT rule.",
          ("chain", "filter", "FORWARD", dict(FORWARD_IN, dport=22)),
          "ACCEPT", ("! -i bridge1 -o bridge1 -j ACCEPT",)),
    # --- swarm-portmap.md ----------------------------------------------------------------------
    Claim("swarm-portmap.md",
          "Its rules follow the usual pattern for a network with inter-container communication "
          "disabled.",
          ("chain", "filter", "FORWARD", dict(FORWARD_OUT, src=ip_address("172.18.0.2"),
                                              dst=GWBRIDGE, iif="docker_gwbridge",
                                              oif="docker_gwbridge")),
          "DROP", ("-i docker_gwbridge -o docker_gwbridge -j DROP",)),
]

CASES = [(DOCS[p], c) for p in DOCS for c in CLAIMS
         if p.name == c.doc and (c.layouts is None or p.parent.name in c.layouts)]


def test_every_layout_and_document_is_there():
    assert LAYOUTS == ["docker-v29.0.0", "v28.0.0", "v28.0.1", "v28.5.2"]
    names = {p.name for p in DOCS}
    assert all(sum(p.name == n for p in DOCS) == len(LAYOUTS) for n in names)
    # every document but swarm's, whose claims would need its ingress sandbox, has a whole
    # path or a chain claim in every layout
    assert {d.name for d, _ in CASES} == names
    assert all(sum(d.version == v for d, _ in CASES) >= len(names) for v in LAYOUTS)


@pytest.mark.parametrize("doc", DOCS.values(), ids=lambda d: d.where)
def test_the_document_loads(doc):
    """Its commands give the scenario, every listing is a firewall kind, and each table's
    `iptables -S` is read without a line left over."""
    assert doc.listings() and all(b.kind in ("iptables_list", "iptables_save")
                                  for b in doc.listings())
    entry = mobydoc.rules_entry(doc)
    assert {t.name for t in entry.model.tables} >= {"filter", "nat"}
    assert not entry.model.unparsed
    facts = mobydoc.facts(doc)
    if doc.name.startswith("usernet-portmap"):
        (c1,) = facts.topology.containers
        assert (c1.name, c1.endpoints[0].ip, c1.published[0].host_port) == ("c1", C1, 8080)
    if doc.name == "usernet-portmap-noproxy.md":
        assert not doc.userland_proxy
    if doc.name == "usernet-internal.md":
        assert [(c.name, c.endpoints[0].network, str(c.endpoints[0].ip), c.endpoints[0].gateway)
                for c in facts.topology.containers] == [
            ("c1", "bridgeICC", "192.0.2.2", None),
            ("c1-bridgeNoICC", "bridgeNoICC", "198.51.100.2", None)]


@pytest.mark.parametrize("doc,claim", CASES, ids=lambda x: getattr(x, "where", None) or x.id)
def test_the_document_says_it(doc, claim):
    assert doc.says(claim.quote), claim.quote
    kind = claim.path[0]
    if kind == "chain":
        _chain_claim(doc, claim)
        return
    facts = mobydoc.facts(doc)
    walker = Walker(facts)
    if kind == "client":
        c = facts.containers[claim.path[1]]
        paths = [client_path(walker, CLIENT, c.name, p) for p in c.published]
    elif kind == "direct":
        paths = [mobydoc.direct(walker, CLIENT, claim.path[1], "tcp", claim.path[2])]
    else:
        paths = [container_path(walker, claim.path[1], str(CLIENT), None, CLIENT)]
    for path in paths:
        assert path.verdict.value == claim.verdict, (path.breaks_at, path.missing)
        said = [h.text for h in path.hops] + [path.breaks_at or ""]
        for rule in claim.rules:
            assert any(rule in s for s in said), (rule, said)
        if claim.verdict == "unreachable":
            assert all(r in path.breaks_at for r in claim.rules)
        # each rule that decided is cited at its line of the document
        lines = doc.text.split("\n")
        cited = [h for h in path.hops if h.evidence and h.evidence.startswith(doc.where + ":")]
        assert cited
        for hop in cited:
            line = int(hop.evidence.rpartition(":")[2])
            assert f": {lines[line - 1].strip()} → " in hop.text, (hop.text, hop.evidence)


def _chain_claim(doc, claim):
    _, table, chain, fields = claim.path
    facts = mobydoc.facts(doc)
    env = Walker(facts).env
    outcomes = run(facts.firewall.tables[table], chain, Packet(**fields), env)
    assert {o.verdict for o in outcomes} == {claim.verdict}, [o.assumed for o in outcomes]
    assert len({o.packet for o in outcomes}) == 1
    (outcome, *_) = outcomes
    decided = [f"{s.table} {s.chain} {s.text}" for s in outcome.steps]
    for rule in claim.rules:
        assert any(rule in s for s in decided), (rule, decided)
    for name, value in claim.packet.items():
        assert getattr(outcome.packet, name) == value, (name, outcome.packet)


NO_RAW = [d for d in DOCS.values() if d.name.startswith("usernet-portmap")
          and not any(b.table == "raw" for b in d.blocks)]


@pytest.mark.parametrize("doc", NO_RAW, ids=lambda d: d.where)
def test_a_table_the_document_does_not_show_leaves_the_path_unknown(doc):
    """These documents leave out the raw table (where Docker 28 drops direct access): every
    path in from outside crosses it, so none is given a verdict."""
    facts = mobydoc.facts(doc)
    walker = Walker(facts)
    (c1,) = facts.topology.containers
    for path in [client_path(walker, CLIENT, "c1", p) for p in c1.published] + \
            [mobydoc.direct(walker, CLIENT, C1, "tcp", 80)]:
        assert path.verdict.value == "unknown"
        assert path.breaks_at == "raw PREROUTING was not listed"
        assert path.missing == ["iptables -t raw -L -n -v"]


def _packets(doc):
    """From outside, the host, docker0 and each network, to those and to a second address of
    each network; on every interface the rules name, as a new and an established connection."""
    inside = [n.gateway + 1 for n in doc.networks] + ([GWBRIDGE] if doc.swarm else [])
    sources = [CLIENT, ip_address("127.0.0.1"), ip_address("172.17.0.2")] + inside
    targets = sources + [HOST.ip] + [n.gateway + 2 for n in doc.networks]
    bridges = ["docker0"] + (["docker_gwbridge"] if doc.swarm else []) + \
        [n.bridge for n in doc.networks]
    for src in sources:
        for dst in targets:
            if src == dst:
                continue
            for iif in ["eth0", "lo", None] + bridges:
                for oif in ["eth0", None] + bridges:
                    for proto, port in (("tcp", 80), ("tcp", 8080), ("icmp", None)):
                        for state in ("NEW", "ESTABLISHED"):
                            yield Packet(src=src, dst=dst, proto=proto, dport=port,
                                         sport=40000 if port else None, iif=iif, oif=oif,
                                         state=state)


@pytest.mark.parametrize("doc", DOCS.values(), ids=lambda d: d.where)
def test_the_listing_gives_every_packet_the_verdict_of_iptables_s(doc):
    """Each table's `iptables -L -v` block (with names for addresses and ports in 29's
    documents: `anywhere`, `!loopback/8`, `dpt:http-alt`) decides every packet as its
    `iptables -S` block does."""
    facts = mobydoc.facts(doc)
    env = Walker(facts).env
    by_s = facts.firewall
    listings = mobydoc.listing_entries(doc)
    by_l = firewall_of(listings, None if doc.swarm else facts.topology.networks)
    assert set(listings) == set(by_s.tables) - {"mangle"}
    compared = 0
    for table, t in by_l.tables.items():
        for chain in ("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"):
            if chain not in t.chains:
                continue
            for pkt in _packets(doc):
                if (chain in ("PREROUTING", "INPUT", "FORWARD")) == (pkt.iif is None):
                    continue
                if (chain in ("FORWARD", "OUTPUT", "POSTROUTING")) == (pkt.oif is None):
                    continue
                got = {(o.verdict, o.packet, bool(o.assumed)) for o in run(t, chain, pkt, env)}
                want = {(o.verdict, o.packet, bool(o.assumed))
                        for o in run(by_s.tables[table], chain, pkt, env)}
                assert got == want, (table, chain, pkt)
                compared += 1
    assert compared > 500
