"""The chain walk itself: jumps, goto, RETURN, policies, NAT, and unknown matches that fork."""

from __future__ import annotations

from ipaddress import ip_address

from netparse.reach.netfilter import (Chain, Env, Match, Packet, Rule, Table, address_in,
                                      always, interface_is, negate, run, state_in)

A, B = ip_address("172.17.0.2"), ip_address("172.18.0.2")


def rule(chain, n, target, *matches, goto=False, **options) -> Rule:
    return Rule("filter", chain, n, f"-A {chain} ... -j {target}", f"t:{n}", tuple(matches),
                target, goto, options)


def table(**chains) -> Table:
    t = Table("filter")
    for name, (policy, rules) in chains.items():
        t.chains[name] = Chain(name, policy, rules)
    return t


def verdicts(t: Table, pkt: Packet, chain="FORWARD"):
    return sorted({o.verdict for o in run(t, chain, pkt, Env())})


PKT = Packet(src=A, dst=B, proto="icmp", iif="docker0", oif="br-1")


def test_policy_decides_when_no_rule_matches():
    t = table(FORWARD=("DROP", [rule("FORWARD", 1, "ACCEPT", Match("-i x", interface_is("iif", "x")))]))
    outcome, = run(t, "FORWARD", PKT, Env())
    assert outcome.verdict == "DROP" and outcome.steps[-1].number is None


def test_jump_return_and_goto():
    t = table(FORWARD=("DROP", [rule("FORWARD", 1, "USER"), rule("FORWARD", 2, "ACCEPT")]),
              USER=(None, [rule("USER", 1, "RETURN")]))
    assert verdicts(t, PKT) == ["ACCEPT"]
    # -g: a RETURN in the chain gone to returns from the calling chain: the policy decides.
    t = table(FORWARD=("DROP", [rule("FORWARD", 1, "USER", goto=True),
                                rule("FORWARD", 2, "ACCEPT")]),
              USER=(None, [rule("USER", 1, "RETURN")]))
    assert verdicts(t, PKT) == ["DROP"]


def test_negated_interface_and_wildcard():
    t = table(FORWARD=("DROP", [rule("FORWARD", 1, "ACCEPT",
                                     Match("! -o docker0", negate(interface_is("oif", "docker0"), True)),
                                     Match("-i dock+", interface_is("iif", "dock+")))]))
    assert verdicts(t, PKT) == ["ACCEPT"]
    assert verdicts(t, Packet(src=A, dst=B, proto="icmp", iif="docker0", oif="docker0")) == ["DROP"]


def test_unknown_match_forks_and_agreeing_branches_are_certain():
    unknown = Match("-m set --match-set x src", always(None))
    # Both ways the packet is accepted: the verdict does not depend on the unknown.
    t = table(FORWARD=("ACCEPT", [rule("FORWARD", 1, "ACCEPT", unknown)]))
    outcomes = run(t, "FORWARD", PKT, Env())
    assert {o.verdict for o in outcomes} == {"ACCEPT"}
    # A drop behind it: two verdicts, each saying what it assumed.
    t = table(FORWARD=("ACCEPT", [rule("FORWARD", 1, "DROP", unknown)]))
    outcomes = run(t, "FORWARD", PKT, Env())
    assert {o.verdict for o in outcomes} == {"ACCEPT", "DROP"}
    assert all(any("match-set" in a for a in o.assumed) for o in outcomes)


def test_conntrack_state_and_dnat():
    t = table(FORWARD=("DROP", [rule("FORWARD", 1, "ACCEPT", Match("--ctstate ESTABLISHED",
                                                                   state_in("RELATED,ESTABLISHED")))]))
    assert verdicts(t, PKT) == ["DROP"]
    assert verdicts(t, Packet(src=A, dst=B, proto="icmp", state="ESTABLISHED")) == ["ACCEPT"]
    nat = Table("nat", {"PREROUTING": Chain("PREROUTING", "ACCEPT", [Rule(
        "nat", "PREROUTING", 1, "-j DNAT", "t:1", (Match("-d", address_in("dst", "10.0.0.1/32")),),
        "DNAT", options={"to": (B, 80)})])})
    out, = run(nat, "PREROUTING", Packet(src=A, dst=ip_address("10.0.0.1"), proto="tcp",
                                          dport=8080), Env())
    assert (out.verdict, out.packet.dst, out.packet.dport) == ("ACCEPT", B, 80)


def test_a_missing_chain_is_unknown_not_a_pass():
    t = table(FORWARD=("ACCEPT", [rule("FORWARD", 1, "GONE")]))
    assert verdicts(t, PKT) == ["UNKNOWN"]
