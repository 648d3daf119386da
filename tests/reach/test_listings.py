"""The rules of `iptables -L` listings: the same moment's `iptables-save` and `-L -n -v`
listings (tests/fixtures/captures/firewall-default, one capture script run) give every packet
the same verdict; without -v the interfaces are unknown, and so are the verdicts that need them.
"""

from __future__ import annotations

from ipaddress import ip_address, ip_network
from itertools import product

import netparse
from netparse.analysis.topology import listing_table
from netparse.reach.netfilter import UNNAMED, Env, Packet, run
from netparse.reach.rules import DOCKER_SETS, firewall_of
from netparse.snapshot import Entry, Source, SourceStatus
from tests.conftest import TESTS

CAPTURES = TESTS / "fixtures" / "captures" / "firewall-default"


def entry(name: str, kind: str, command: str | None = None, path: str | None = None) -> Entry:
    return Entry(Source(path=path or name, kind=kind, status=SourceStatus.PARSED,
                        command=command),
                 netparse.parse((CAPTURES / name).read_text(), kind))


def save():
    return firewall_of(entry("iptables_save.txt", "iptables_save"))


def listings(filter_name="iptables_L_n_v_line_numbers.txt",
             nat_name="iptables_nat_L_n_v_line_numbers.txt"):
    return firewall_of({"filter": [entry(filter_name, "iptables_list")],
                        "nat": [entry(nat_name, "iptables_list")]})


HOST = frozenset({ip_address("172.17.0.1"), ip_address("172.31.240.1"),
                  ip_address("127.0.0.1")})
ENV = Env(local=HOST, address_of=lambda name: ip_address("192.0.2.2"))
ADDRESSES = [ip_address(a) for a in ("172.17.0.2", "172.31.240.2", "198.51.100.1",
                                     "127.0.0.1", "172.17.0.1")]
INTERFACES = ["docker0", "br-0e0800e9bca1", "eth0"]


def packets():
    for src, dst, iif, oif, (proto, port), state in product(
            ADDRESSES[:3], ADDRESSES, INTERFACES, INTERFACES, [("tcp", 80), ("tcp", 8080),
                                                                ("icmp", None)],
            ["NEW", "ESTABLISHED"]):
        if src != dst:
            yield Packet(src=src, dst=dst, proto=proto, dport=port, sport=40000 if port else None,
                         iif=iif, oif=oif, state=state)


def outcome(firewall, table, chain, pkt):
    return sorted({(o.verdict, o.packet.src, o.packet.dst, o.packet.dport)
                   for o in run(firewall.tables[table], chain, pkt, ENV)})


def test_a_listing_with_v_gives_every_packet_the_verdict_of_iptables_save():
    by_save, by_list = save(), listings()
    assert by_list.listed and by_list.interfaces and by_list.bridges == \
        {"docker0", "br-0e0800e9bca1"}
    compared = 0
    for pkt in packets():
        for table, chain in (("filter", "FORWARD"), ("nat", "PREROUTING"),
                             ("nat", "POSTROUTING"), ("nat", "OUTPUT")):
            assert outcome(by_list, table, chain, pkt) == outcome(by_save, table, chain, pkt), \
                (table, chain, pkt)
            compared += 1
    assert compared > 1000


def test_dnat_is_read_from_the_listing():
    pkt = Packet(src=ip_address("198.51.100.1"), dst=ip_address("192.0.2.2"), proto="tcp",
                 dport=8080, sport=40000, iif="eth0")
    (o,) = run(listings().tables["nat"], "PREROUTING", pkt, Env(local=HOST | {pkt.dst}))
    assert (o.verdict, o.packet.dst, o.packet.dport) == ("ACCEPT", ip_address("172.17.0.2"), 80)
    assert o.steps[-1].where == "iptables_nat_L_n_v_line_numbers.txt:23"


def test_without_v_the_interfaces_are_unknown():
    firewall = firewall_of({"filter": [entry("iptables_L_n.txt", "iptables_list")]})
    assert not firewall.interfaces
    pkt = Packet(src=ip_address("172.17.0.2"), dst=ip_address("198.51.100.1"), proto="tcp",
                 dport=443, sport=40000, iif="docker0", oif="eth0")
    outcomes = run(firewall.tables["filter"], "FORWARD", pkt, ENV)
    assert len(outcomes) > 1 and all(o.assumed for o in outcomes)
    assert any("-i/-o not listed" in a for o in outcomes for a in o.assumed)


def test_an_interface_not_captured_is_only_known_not_to_be_a_docker_bridge():
    by_list = listings()
    env = Env(bridges=by_list.bridges)
    pkt = Packet(src=None, dst=ip_address("198.51.100.1"), proto="tcp", dport=443,
                 sport=40000, iif="docker0", oif=UNNAMED)
    assert [o.verdict for o in run(by_list.tables["filter"], "FORWARD", pkt, env)] == ["ACCEPT"]


def test_the_table_of_a_listing():
    assert listing_table(entry("iptables_nat_L_n_v_x.txt", "iptables_list",
                               command="iptables -t nat -L -n -v -x")) == "nat"
    assert listing_table(entry("iptables_L_n.txt", "iptables_list",
                               command="iptables -L -n")) == "filter"
    assert listing_table(entry("iptables_nat_L_n_v_x.txt", "iptables_list",
                               path="sos_commands/networking/iptables_-t_nat_-nvL")) == "nat"
    # No command and no telling name: nat is the table with POSTROUTING and no FORWARD.
    assert listing_table(entry("iptables_nat_L_n_v_x.txt", "iptables_list")) == "nat"
    assert listing_table(entry("iptables_L_n.txt", "iptables_list")) == "filter"


def test_docker_ext_bridges_is_inferred_from_the_networks():
    """Docker 28's filter FORWARD, as moby's iptablesdoc prints it (new-daemon.md), matches
    docker-ext-bridges-v4: with the networks known, its members are their subnets."""
    text = """*filter
:FORWARD ACCEPT [0:0]
:DOCKER - [0:0]
-A FORWARD -m set --match-set docker-ext-bridges-v4 dst -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -m set --match-set docker-ext-bridges-v4 dst -j DOCKER
-A FORWARD -i docker0 -j ACCEPT
-A DOCKER ! -i docker0 -o docker0 -j DROP
COMMIT
"""
    rules = Entry(Source(path="s", kind="iptables_save", status=SourceStatus.PARSED),
                  netparse.parse(text, "iptables_save"))

    class Net:
        driver, internal, subnets = "bridge", False, [ip_network("172.17.0.0/16")]

    known = firewall_of(rules, [Net()])
    assert "docker-ext-bridges-v4" in DOCKER_SETS and known.sets == {
        "docker-ext-bridges-v4": [ip_network("172.17.0.0/16")]}
    assert "was not captured: taken to hold" in known.inferred[0]
    reply = Packet(src=ip_address("198.51.100.1"), dst=ip_address("172.17.0.2"), proto="tcp",
                   dport=40000, sport=443, iif="eth0", oif="docker0", state="ESTABLISHED")
    new = Packet(src=ip_address("198.51.100.1"), dst=ip_address("172.17.0.2"), proto="tcp",
                 dport=80, sport=40000, iif="eth0", oif="docker0")
    env = Env(sets=known.sets)
    assert [o.verdict for o in run(known.tables["filter"], "FORWARD", reply, env)] == ["ACCEPT"]
    assert [o.verdict for o in run(known.tables["filter"], "FORWARD", new, env)] == ["DROP"]
    unknown = firewall_of(rules)
    assert unknown.sets == {}
    assert {o.verdict for o in run(unknown.tables["filter"], "FORWARD", new, Env())} == \
        {"ACCEPT", "DROP"}


def test_names_printed_without_n_are_read_only_where_they_mean_one_thing():
    """Docker 29's listings (moby's iptablesdoc, tests/fixtures/moby/) print `!loopback/8`,
    `localhost` and `dpt:http-alt`: read back as 127.0.0.0/8, 127.0.0.1 and 8080. A name that
    could mean anything on the captured host stays unknown."""
    from netparse.reach.rules import _extra, _named_network, _service_ports

    assert str(_named_network("loopback/8")) == "127.0.0.0/8"
    assert str(_named_network("localhost")) == "127.0.0.1/32"
    assert _named_network("myhost") is None and _named_network("corpnet/16") is None
    assert _service_ports("http-alt", "tcp") == "8080"
    assert _service_ports("no-such-service", "tcp") == "no-such-service"
    (match,), _ = _extra("tcp dpt:no-such-service")
    pkt = Packet(src=ip_address("198.51.100.1"), dst=ip_address("192.0.2.2"), proto="tcp",
                 dport=80, sport=40000, iif="eth0")
    assert match.test(pkt, ENV) is None
