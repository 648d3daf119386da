"""`ip rule` on real captures (tests/fixtures/captures/host-kinds): the host's default rules, and
policy rules of every kind iproute2 prints, as text, with -d, as JSON and by BusyBox."""

import json
import pathlib
from ipaddress import IPv4Network, IPv6Network

import pytest

import netparse
from netparse.errors import ParseError
from netparse.models.rule import RuleAction
from tests.conftest import FIXTURES

HOST = FIXTURES / "captures" / "host-kinds"
BUSYBOX_POLICY = pathlib.Path(__file__).parent / "data" / "rule" / "busybox_ip_rule_policy.txt"
# Text and JSON of the same rules, taken one after the other.
PAIRS = [("ip_rule.txt", "ip_j_rule.json"), ("ip_rule_policy.txt", "ip_j_rule_policy.json"),
         ("ip_6_rule_policy.txt", "ip_j_6_rule_policy.json")]


def parse(text, **kw):
    return netparse.parse(text, "ip_rule", **kw)


def policy():
    return {r.priority: r for r in parse((HOST / "ip_rule_policy.txt").read_text()).rules}


@pytest.mark.parametrize("text, json_form", PAIRS, ids=[t for t, _ in PAIRS])
def test_text_and_json_give_the_same_rules(text, json_form):
    assert parse((HOST / text).read_text()) == parse((HOST / json_form).read_text())


def test_every_line_is_a_rule_with_its_priority():
    for name in ("ip_rule.txt", "ip6_rule.txt", "ip_rule_policy.txt", "ip_d_rule_policy.txt",
                 "ip_6_rule_policy.txt", "busybox_ip_rule.txt"):
        text = (HOST / name).read_text()
        model = parse(text, strict=True)
        assert [r.priority for r in model.rules] == [int(ln.split(":")[0])
                                                     for ln in text.splitlines()]


def test_the_default_rules_look_up_local_main_and_default():
    model = parse((HOST / "ip_rule.txt").read_text())
    assert [(r.priority, r.table, r.action) for r in model.rules] == [
        (0, "local", RuleAction.LOOKUP), (32766, "main", RuleAction.LOOKUP),
        (32767, "default", RuleAction.LOOKUP)]
    assert model.tables() == ["local", "main", "default"]
    assert parse((HOST / "ip6_rule.txt").read_text()).tables() == ["local", "main"]


def test_selectors():
    rules = policy()
    assert rules[110].src == IPv4Network("10.2.0.5/32") and rules[110].dst == IPv4Network(
        "192.168.0.0/24")
    assert rules[120].invert and rules[120].src == IPv4Network("10.3.0.0/16")
    assert (rules[130].fwmark, rules[130].fwmask) == (1, None)
    assert (rules[131].fwmark, rules[131].fwmask) == (0x10, 0xf0)
    assert (rules[140].iif, rules[140].iif_detached) == ("np-hk-v0", False)
    assert (rules[141].oif, rules[141].oif_detached) == ("np-hk-v1", False)
    assert (rules[142].iif, rules[142].iif_detached) == ("np-hk-gone", True)
    assert rules[191].options == {"ipproto": "tcp", "dport": "443"}
    assert rules[192].options == {"ipproto": "udp", "sport": "1000-2000"}
    assert rules[190].options == {"uidrange": "1000-2000"}
    assert rules[180].options == {"tos": "0x10"} and rules[197].options == {"tun_id": "42"}


def test_actions():
    rules = policy()
    assert [rules[p].action for p in (150, 151, 152, 193)] == [
        RuleAction.UNREACHABLE, RuleAction.PROHIBIT, RuleAction.BLACKHOLE, RuleAction.NOP]
    assert all(rules[p].table is None for p in (150, 151, 152, 193, 170, 171, 220))
    assert (rules[170].action, rules[170].goto, rules[170].unresolved) == (RuleAction.GOTO, 200,
                                                                          False)
    assert (rules[171].goto, rules[171].unresolved) == (175, True)
    assert (rules[160].table, rules[160].suppress_prefixlength) == ("main", 0)
    assert rules[220].l3mdev and rules[220].action is RuleAction.LOOKUP
    assert rules[195].proto == "static" and rules[194].options == {"realms": "1/2"}


def test_ip6_rules():
    rules = {r.priority: r for r in parse((HOST / "ip_6_rule_policy.txt").read_text()).rules}
    assert rules[100].src == IPv6Network("2001:db8:1::/48")
    assert rules[110].dst == IPv6Network("2001:db8:2::1/128")
    assert rules[120].invert and rules[120].fwmark == 2


def test_details_add_only_who_installed_each_rule():
    plain = parse((HOST / "ip_rule_policy.txt").read_text())
    detailed = parse((HOST / "ip_d_rule_policy.txt").read_text())
    assert {r.proto for r in detailed.rules} == {"kernel", "unspec", "static"}
    assert [r.model_copy(update={"proto": None}) for r in detailed.rules] == \
        [r.model_copy(update={"proto": None}) for r in plain.rules]


def test_busybox_misprints_are_reported_not_misread():
    """BusyBox prints a goto rule as `lookup unspec local` and a nop one as `... broadcast`."""
    text = BUSYBOX_POLICY.read_text()
    model = parse(text)
    assert [u.text.split(":")[0] for u in model.unparsed] == ["170", "171", "193"]
    rules = {r.priority: r for r in model.rules}
    assert rules[150].action is RuleAction.UNREACHABLE and rules[150].table == "unspec"
    assert rules[180].options == {"tos": "16"}  # BusyBox prints the TOS in decimal


@pytest.mark.parametrize("line", [
    "100:\tfrom 10.1.0.0/16 lookup 100 frobnicate 3",  # a word not known
    "100:\tfrom 10.1.0.0/16 lookup 100 lookup 200",    # a key twice
    "100:\tlookup 100",                                 # no `from`: not iproute2's
    "100:\tfrom 10.1.0.1/16 lookup 100",                # host bits set
    "100:\tfrom 10.1.0.0/16 fwmark 0xzz lookup 100",
    "100:\tfrom 10.1.0.0/16 lookup",
])
def test_a_line_not_understood_is_reported_whole(line):
    text = (HOST / "ip_rule.txt").read_text() + line + "\n"
    model = parse(text)
    assert len(model.rules) == 3
    assert [(u.line, u.text) for u in model.unparsed] == [(4, line)]


def test_a_json_element_with_a_key_not_known_is_reported():
    items = json.loads((HOST / "ip_j_rule.json").read_text())
    items[1]["flux"] = 1
    model = parse(json.dumps(items))
    assert [r.priority for r in model.rules] == [0, 32767] and len(model.unparsed) == 1


def test_no_rule_at_all_is_an_error():
    with pytest.raises(ParseError, match="no rule line"):
        parse("default via 192.0.2.1 dev eth0\n")


@pytest.mark.parametrize("name", ["ip_rule.txt", "ip6_rule.txt", "ip_j_rule.json",
                                  "ip_rule_policy.txt", "busybox_ip_rule.txt"])
def test_detected(name):
    assert netparse.detect((HOST / name).read_bytes()) == "ip_rule"
