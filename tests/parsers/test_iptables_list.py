"""iptables -L in the forms sosreports and people capture: -n, -v, -x, --line-numbers, ip6tables."""

import doctest
from ipaddress import ip_network

import pytest

import netparse
from netparse.parsers import iptables_list as parser
from tests.conftest import FIXTURES

CAPTURES = sorted(FIXTURES.glob("captures/firewall-*/ip*tables_*L*.txt"))


def parse(text, **kw):
    return netparse.parse(text, "iptables_list", **kw)


def test_docstring_examples():
    assert doctest.testmod(parser).failed == 0


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_capture_parses_fully_and_every_rule_is_read(path):
    model = parse(path.read_bytes(), strict=True)
    assert netparse.detect(path.read_bytes()) == "iptables_list"
    lines = path.read_text().split("\n")
    rules = [r for c in model.chains for r in c.rules]
    chain_lines = sum(ln.startswith("Chain ") for ln in lines)
    assert len(model.chains) == chain_lines
    # every line but the chain lines, their column titles and the blank lines is a rule
    assert len(rules) == sum(1 for ln in lines if ln.strip()) - 2 * chain_lines
    assert all(lines[r.line - 1].strip() == r.text for r in rules)


def test_verbose_listing_with_line_numbers():
    model = parse((FIXTURES / "captures/firewall-default/iptables_L_n_v_line_numbers.txt")
                  .read_bytes())
    assert model.verbose and model.line_numbers and not model.exact and model.numeric
    forward = model.chain("FORWARD")
    assert forward.policy == "DROP" and forward.counters is not None
    assert model.chain("DOCKER").references is not None and model.chain("DOCKER").policy is None
    accept = [r for r in model.chain("DOCKER").rules if r.target == "ACCEPT"]
    assert {r.extra for r in accept} == {"tcp dpt:80"}
    assert all(r.out_interface is not None and r.in_interface.negated for r in accept)


def test_a_listing_without_v_has_no_interfaces_and_says_so():
    model = parse((FIXTURES / "captures/firewall-default/iptables_L_n.txt").read_bytes())
    assert not model.verbose and not model.line_numbers and model.numeric is None
    rules = [r for c in model.chains for r in c.rules]
    assert rules and all(r.in_interface is None and r.out_interface is None
                         and r.counters is None for r in rules)
    assert model.chain("FORWARD").counters is None


def test_exact_counters_and_the_nat_table():
    model = parse((FIXTURES / "captures/firewall-default/iptables_nat_L_n_v_x.txt").read_bytes())
    assert model.exact and model.verbose
    dnat = [r for r in model.chain("DOCKER").rules if r.target == "DNAT"]
    assert sorted(r.extra for r in dnat) == ["tcp dpt:8080 to:172.17.0.2:80",
                                             "tcp dpt:9090 to:172.31.240.2:80"]
    local = next(r for r in dnat if "9090" in r.extra)
    assert local.destination.network == ip_network("127.0.0.1/32")


def test_names_without_n_and_rounded_counters():
    model = parse("Chain OUTPUT (policy ACCEPT 12M packets, 3456K bytes)\n"
                  " pkts bytes target     prot opt in     out     source               "
                  "destination\n"
                  " 150K   12M DOCKER     all  --  any    any     anywhere            "
                  "!loopback/8          ADDRTYPE match dst-type LOCAL\n")
    chain = model.chain("OUTPUT")
    assert chain.counters.packets == 12_000_000 and chain.counters.bytes == 3_456_000
    r = chain.rules[0]
    assert r.counters.packets == 150_000 and model.numeric is False
    assert r.source.text == "anywhere" and r.source.network is None
    assert r.destination.text == "loopback/8" and r.destination.negated
    assert r.extra == "ADDRTYPE match dst-type LOCAL"


def test_ip6tables_and_a_rule_without_a_target():
    model = parse((FIXTURES / "captures/firewall-default/ip6tables_L_n_v.txt").read_bytes())
    rule = model.chain("FORWARD").rules[0]
    assert rule.target == "ACCEPT" and rule.protocol.name == "6"  # 1.8.9 prints numbers
    assert rule.source.network == ip_network("fd00:db8:1::/64")
    assert rule.extra == "tcp dpt:80 /* np-fw */"
    bare = parse("Chain X (0 references)\ntarget     prot opt source               destination\n"
                 "           all  --  0.0.0.0/0            0.0.0.0/0\n")
    assert bare.chains[0].rules[0].target is None and bare.unparsed == []


@pytest.mark.parametrize("line, target", [
    ("           all      ::/0                 ::/0", None),
    ("ACCEPT     all      ::/0                 ::/0", "ACCEPT"),
    ("DOCKER-ISOLATION-STAGE-1  all      ::/0                 ::/0", "DOCKER-ISOLATION-STAGE-1"),
])
def test_a_listing_without_the_opt_column(line, target):
    """Older ip6tables print nothing under opt: the target is told by where the line starts."""
    model = parse("Chain X (0 references)\ntarget     prot opt source               destination\n"
                  f"{line}\n")
    rule = model.chains[0].rules[0]
    assert model.unparsed == [] and rule.target == target and rule.opt == ""
    assert rule.protocol.name == "all"


@pytest.mark.parametrize("line", [
    "1        x     0 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0",
    "1        0     0 ACCEPT",
    "x        0     0 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0",
])
def test_bad_rule_lines_are_unparsed(line):
    model = parse("Chain X (1 references)\nnum   pkts bytes target     prot opt in     out     "
                  f"source               destination\n{line}\n")
    assert [u.line for u in model.unparsed] == [3]


def test_a_rule_before_any_chain_or_column_titles_is_unparsed():
    model = parse("ACCEPT     all  --  0.0.0.0/0            0.0.0.0/0\nChain X (policy ACCEPT)\n"
                  "ACCEPT     all  --  0.0.0.0/0            0.0.0.0/0\n")
    assert [u.line for u in model.unparsed] == [1, 3]
