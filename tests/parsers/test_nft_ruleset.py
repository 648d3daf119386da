"""nft list ruleset (text, -a) and nft -j list ruleset: real captures, moby's table layout
(maps of verdicts, elements over several lines), and what is not read."""

import doctest

import pytest

import netparse
from netparse.errors import ParseError
from netparse.parsers import nft_ruleset as parser
from tests.conftest import FIXTURES

CAPTURES = sorted(FIXTURES.glob("captures/firewall-*/nft_*ruleset.*"))


def parse(text, **kw):
    return netparse.parse(text, "nft_ruleset", **kw)


def test_docstring_examples():
    assert doctest.testmod(parser).failed == 0


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_capture_parses_fully(path):
    model = parse(path.read_bytes(), strict=True)
    assert netparse.detect(path.read_bytes()) == "nft_ruleset"
    assert {(t.family, t.name) for t in model.tables} >= {("ip", "filter"), ("ip", "nat")}
    forward = model.table("ip", "filter").chain("FORWARD")
    assert forward.hook == "forward" and forward.policy == "drop"
    jumps = [s.chain for r in forward.rules for s in r.statements if s.verdict == "jump"]
    assert jumps[:2] == ["DOCKER-USER", "DOCKER-ISOLATION-STAGE-1"]


def test_text_and_json_give_the_same_rules():
    text = parse((FIXTURES / "captures/firewall-default/nft_a_ruleset.txt").read_bytes())
    data = parse((FIXTURES / "captures/firewall-default/nft_j_ruleset.json").read_bytes())
    assert data.json_format and data.version
    for t, j in zip(text.tables, data.tables):
        assert (t.family, t.name, t.handle) == (j.family, j.name, j.handle)
        for tc, jc in zip(t.chains, j.chains):
            assert (tc.name, tc.handle, tc.hook, tc.policy) == (jc.name, jc.handle, jc.hook,
                                                                 jc.policy)
            assert [r.handle for r in tc.rules] == [r.handle for r in jc.rules]
            # what both read as typed matches and verdicts agree
            for tr, jr in zip(tc.rules, jc.rules):
                typed = [(s.type, s.key, s.op, s.values, s.verdict, s.chain)
                         for s in tr.statements if s.type in ("match", "verdict")]
                jtyped = [(s.type, s.key, s.op, s.values, s.verdict, s.chain)
                          for s in jr.statements if s.type in ("match", "verdict")]
                assert all(t in typed for t in jtyped)


MOBY_LIKE = """table ip docker-bridges {
	map filter-forward-in-jumps {
		type ifname : verdict
		elements = { "docker0" : jump filter-forward-in__docker0,
			     "bridge1" : jump filter-forward-in__bridge1 }
	}

	set np-addrs {
		type ipv4_addr
		flags interval
		elements = { 10.0.0.0/8, 192.0.2.1 }
	}

	chain filter-FORWARD {
		type filter hook forward priority filter; policy accept;
		oifname vmap @filter-forward-in-jumps
	}

	chain nat-prerouting-and-output {
		iifname != "bridge1" tcp dport 8080 counter dnat to 192.0.2.2:80 comment "DNAT"
		ip saddr @np-addrs limit rate 5/second log prefix "np " counter reject with tcp reset
	}

	flowtable f {
		hook ingress priority 0
		devices = { eth0 }
	}
}
"""


def test_maps_sets_nat_and_unknown_statements():
    model = parse(MOBY_LIKE)
    assert [u.line for u in model.unparsed] == list(range(24, 28))
    table = model.table("ip", "docker-bridges")
    jumps, addrs = table.sets
    assert jumps.map and jumps.type == "ifname : verdict"
    assert jumps.elements == ['"docker0" : jump filter-forward-in__docker0',
                              '"bridge1" : jump filter-forward-in__bridge1']
    assert addrs.flags == ["interval"] and addrs.elements == ["10.0.0.0/8", "192.0.2.1"]
    vmap = table.chain("filter-FORWARD").rules[0].statements[0]
    assert (vmap.type, vmap.key, vmap.values) == ("vmap", "oifname", ["@filter-forward-in-jumps"])
    dnat, other = table.chain("nat-prerouting-and-output").rules
    assert dnat.comment == "DNAT" and dnat.statements[-1].to == "192.0.2.2:80"
    assert dnat.statements[0].op == "!=" and dnat.statements[1].values == ["8080"]
    assert [s.type for s in other.statements] == ["match", "unknown", "counter", "verdict"]
    assert other.statements[1].text == 'limit rate 5/second log prefix "np "'
    assert other.statements[-1].text == "reject with tcp reset"


def test_handles_of_nft_a():
    model = parse("table inet f { # handle 7\n\tchain c { # handle 2\n"
                  "\t\tct state invalid drop # handle 9\n\t}\n}\n")
    chain = model.table("inet", "f").chain("c")
    assert model.tables[0].handle == 7 and chain.handle == 2 and chain.rules[0].handle == 9
    assert chain.rules[0].text == "ct state invalid drop"


def test_json_sets_maps_and_unknown_expressions():
    model = parse('{"nftables": [{"metainfo": {"version": "1.0.6"}}, '
                  '{"table": {"family": "ip", "name": "t", "handle": 1}}, '
                  '{"chain": {"family": "ip", "table": "t", "name": "c", "handle": 2}}, '
                  '{"map": {"family": "ip", "table": "t", "name": "m", "type": "ifname", '
                  '"map": "verdict", "handle": 3, "elem": [["docker0", {"jump": {"target": '
                  '"c"}}]]}}, '
                  '{"rule": {"family": "ip", "table": "t", "chain": "c", "handle": 4, "expr": '
                  '[{"xt": {"type": "match", "name": "addrtype"}}, {"vmap": {"key": {"meta": '
                  '{"key": "oifname"}}, "data": "@m"}}]}}, {"bogus": {}}]}')
    assert model.version == "1.0.6" and [u.line for u in model.unparsed] == [1]
    table = model.tables[0]
    assert table.sets[0].elements == ['"docker0" : jump c']
    xt, vmap = table.chain("c").rules[0].statements
    assert xt.type == "unknown" and '"addrtype"' in xt.text
    assert (vmap.type, vmap.key, vmap.values) == ("vmap", "oifname", ["@m"])


def test_json_that_does_not_decode_is_a_parse_error():
    with pytest.raises(ParseError):
        parse('{"nftables": [')


@pytest.mark.parametrize("text, bad", [
    ("chain c {\n}\n", [1, 2]),                               # no table
    ('table ip t {\n\tchain c {\n\t\tiifname "x\n\t}\n}\n', [3]),  # quote not closed
    ("table ip t {\n\tbogus\n}\n", [2]),
    ("table ip t {\n\tset s {\n\t\tsize 10\n\t}\n}\n", [3]),
])
def test_lines_not_understood_are_unparsed(text, bad):
    assert [u.line for u in parse(text).unparsed] == bad
