"""iptables-save, ip6tables-save and iptables -S: real captures, and the rule forms Docker,
kube-proxy and firewalld write (typed matches and targets, unknown modules kept)."""

import doctest
from ipaddress import ip_address, ip_network

import pytest

import netparse
from netparse.parsers import iptables_save as parser
from tests.conftest import FIXTURES

CAPTURES = sorted(p for pattern in ("iptables_save*.txt", "ip6tables_save.txt",
                                    "iptables_nat_save.txt", "iptables_S.txt")
                  for p in FIXTURES.glob(f"captures/firewall-*/{pattern}"))


def parse(text, **kw):
    return netparse.parse(text, "iptables_save", **kw)


def rule(line: str):
    """The one rule of a filter table holding `line`."""
    model = parse(f"*filter\n:X - [0:0]\n{line}\nCOMMIT\n")
    assert model.unparsed == [], model.unparsed
    return model.tables[0].chains[0].rules[0]


def test_docstring_examples():
    assert doctest.testmod(parser).failed == 0


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_capture_parses_fully_and_every_rule_line_is_kept(path):
    text = path.read_text()
    model = parse(path.read_bytes(), strict=True)
    assert netparse.detect(path.read_bytes()) == "iptables_save"
    rules = [r for t in model.tables for c in t.chains for r in c.rules]
    lines = text.split("\n")
    assert [r.text for r in rules] == [ln for ln in lines if "-A " in ln]
    assert all(lines[r.line - 1] == r.text for r in rules)
    for table in model.tables:  # numbered in order within each chain
        for chain in table.chains:
            assert [r.number for r in chain.rules] == list(range(1, len(chain.rules) + 1))


def test_header_facts_and_docker_rules_of_the_default_capture():
    path = FIXTURES / "captures/firewall-default/iptables_save_c.txt"
    model = parse(path.read_bytes())
    assert (model.program, model.version, model.backend) == ("iptables-save", "1.8.9", "nf_tables")
    assert [t.name for t in model.tables] == ["filter", "nat"]
    forward = model.table("filter").chain("FORWARD")
    assert forward.policy == "DROP" and forward.counters is not None
    assert all(r.counters is not None for r in forward.rules)
    assert forward.rules[0].target.name == "DOCKER-USER"
    dnat = [r for r in model.table("nat").chain("DOCKER").rules if r.target.name == "DNAT"]
    ports = sorted(r.matches[0].dport.ranges[0].first for r in dnat)
    assert ports == [8080, 9090]
    local = next(r for r in dnat if r.destination is not None)
    assert local.destination.network == ip_network("127.0.0.1/32")
    assert local.target.to_destination[0].ports.first == 80


def test_the_docker_user_drop_is_first_in_its_chain():
    model = parse((FIXTURES / "captures/firewall-docker-user-drop/iptables_save.txt").read_bytes())
    first = model.table("filter").chain("DOCKER-USER").rules[0]
    assert first.number == 1 and first.target.name == "DROP"
    assert first.source.network == ip_network("172.17.0.0/16") and not first.source.negated
    assert first.text == "-A DOCKER-USER -s 172.17.0.0/16 -j DROP"


def test_negations_wildcards_and_goto():
    r = rule("-A X ! -s 10.0.0.0/8 -d 192.0.2.1/32 ! -i veth+ -o br-1 ! -p udp -g Y")
    assert r.source.negated and r.source.network == ip_network("10.0.0.0/8")
    assert not r.destination.negated
    assert (r.in_interface.name, r.in_interface.negated, r.in_interface.wildcard) == \
        ("veth", True, True)
    assert r.protocol.name == "udp" and r.protocol.negated
    assert r.target.goto and r.target.name == "Y"


def test_port_ranges_multiport_and_states():
    r = rule("-A X -p tcp -m tcp ! --sport 1024:65535 -m multiport --dports 80,443,8000:8080 "
             "-m state --state NEW -j ACCEPT")
    tcp, multiport, state = r.matches
    assert tcp.sport.negated and (tcp.sport.ranges[0].first, tcp.sport.ranges[0].last) == \
        (1024, 65535)
    assert [(p.first, p.last) for p in multiport.dport.ranges] == [(80, 80), (443, 443),
                                                                   (8000, 8080)]
    assert state.ctstate.values == ["NEW"]


def test_options_after_a_protocol_without_a_match():
    r = rule("-A X -p tcp --dport 22 -j ACCEPT")
    assert r.matches[0].module == "tcp" and r.matches[0].dport.ranges[0].first == 22


def test_physdev_set_addrtype_and_a_quoted_comment():
    r = rule('-A X -m physdev --physdev-in eth0 ! --physdev-is-bridged '
             '-m set ! --match-set allow src,dst -m addrtype --src-type LOCAL '
             '-m comment --comment "say \\"hi\\" \\\\ there" -j RETURN')
    physdev, ipset, addrtype, comment = r.matches
    assert physdev.physdev_in.name == "eth0" and physdev.physdev_is_bridged.negated
    assert ipset.match_set.name == "allow" and ipset.match_set.directions == ["src", "dst"]
    assert ipset.match_set.negated
    assert addrtype.src_type.values == ["LOCAL"]
    assert comment.comment == 'say "hi" \\ there'
    assert not any(m.unknown for m in r.matches)


def test_an_unknown_module_is_kept_verbatim_and_marked():
    r = rule("-A X -m mark --mark 0x4000/0x4000 -m hashlimit --hashlimit-above 5/sec "
             "--hashlimit-name x -j DROP")
    mark, limit = r.matches
    assert mark.unknown and mark.text == "-m mark --mark 0x4000/0x4000"
    assert [(o.name, o.values) for o in limit.options] == [("--hashlimit-above", ["5/sec"]),
                                                           ("--hashlimit-name", ["x"])]


def test_a_known_option_with_a_value_that_is_not_one_marks_the_match_unknown():
    r = rule("-A X -p tcp -m tcp --dport http -j ACCEPT")
    assert r.matches[0].unknown and r.matches[0].dport is None
    assert r.matches[0].options[0].values == ["http"]


@pytest.mark.parametrize("target, check", [
    ("-j SNAT --to-source 10.0.0.1-10.0.0.9:1024-2048",
     lambda t: (t.to_source[0].first, t.to_source[0].last, t.to_source[0].ports.last) ==
     (ip_address("10.0.0.1"), ip_address("10.0.0.9"), 2048)),
    ("-j DNAT --to-destination [fd00::2]:80",
     lambda t: (t.to_destination[0].first, t.to_destination[0].ports.first) ==
     (ip_address("fd00::2"), 80)),
    ("-j DNAT --to-destination fd00::2", lambda t: t.to_destination[0].ports is None),
    ("-j MASQUERADE --to-ports 8080-8090", lambda t: t.to_ports.ports.last == 8090),
    ("-j REJECT --reject-with icmp-port-unreachable",
     lambda t: t.reject_with == "icmp-port-unreachable"),
    ('-j LOG --log-prefix "np fw: " --log-level 4',
     lambda t: [(o.name, o.values) for o in t.options] == [("--log-prefix", ["np fw: "]),
                                                          ("--log-level", ["4"])]),
])
def test_targets(target, check):
    assert check(rule(f"-A X {target}").target)


def test_iptables_s_with_counters_and_a_warning():
    model = parse("# Warning: iptables-legacy tables present, use iptables-legacy to see them\n"
                  "-P INPUT ACCEPT -c 5 300\n-N DOCKER\n-A INPUT -i lo -c 2 100 -j ACCEPT\n")
    assert model.unparsed == [] and model.warnings[0].line == 1
    table = model.tables[0]
    assert table.name is None and table.chain("INPUT").counters.bytes == 300
    assert table.chain("DOCKER").policy is None
    assert table.chain("INPUT").rules[0].counters.packets == 2


def test_legacy_header_and_a_warning_after_the_tables():
    model = parse("# Generated by iptables-save v1.8.4 on Mon Jan  1 00:00:00 2024\n*raw\n"
                  ":PREROUTING ACCEPT [0:0]\nCOMMIT\n# Completed on Mon Jan  1 00:00:00 2024\n"
                  "# Warning: iptables-legacy tables present, use iptables-legacy-save to see "
                  "them\n")
    assert model.unparsed == [] and model.backend == "legacy" and model.version == "1.8.4"
    assert model.warnings[0].line == 6 and model.tables[0].committed


@pytest.mark.parametrize("line", [
    "-A X -s not-an-address -j DROP",
    "-A X -j",
    '-A X -m comment --comment "not closed -j DROP',
    "-A X ! ! -s 10.0.0.0/8",
    "-A X --dport 80 -j ACCEPT",       # an option of no match
    "-A X -j DNAT garbage",             # a word after the target that is no option
    "-A X -x",
    "[1:2] -A X -j DROP -c 3 4",        # counters twice
    ":X - [0:0]",                       # a chain declared twice
])
def test_bad_rule_lines_are_unparsed_with_their_number(line):
    model = parse(f"*filter\n:X - [0:0]\n{line}\nCOMMIT\n")
    assert [u.line for u in model.unparsed] == [3]


def test_lines_outside_a_table_are_unparsed():
    model = parse(":X - [0:0]\n*filter\nCOMMIT\nCOMMIT\n# Generated by iptables-save v1.8.9 "
                  "(nf_tables) on x\n-A X -j DROP\n")
    assert [u.line for u in model.unparsed] == [1, 4, 6]


def test_a_table_left_without_commit_ends_at_the_next_table_header():
    """A rules file written by hand (moby#34531): `*nat` ... then `*filter`, no COMMIT."""
    path = FIXTURES / "pastes" / "firewall" / "moby-34531-rules-file-docker-chains.txt"
    model = parse(path.read_text())
    assert model.unparsed == []
    assert [(t.name, t.committed) for t in model.tables] == [("nat", False), ("filter", False)]
    assert [c.name for c in model.table("filter").chains] == [
        "INPUT", "FORWARD", "OUTPUT", "DOCKER", "DOCKER-ISOLATION"]
    assert len(model.table("filter").chain("FORWARD").rules) == 5
