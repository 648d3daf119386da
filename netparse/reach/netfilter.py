"""A packet through netfilter's chains, in three-valued logic.

Each match of a rule says true, false or unknown (a match netparse does not model, an ipset, a
mark). Where a rule's matches are unknown the walk forks: one branch as if it matched, one as if
it did not, each remembering what it assumed. A verdict is certain only when every branch ends
the same way; otherwise it is unknown, and the assumptions say what would settle it.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field, replace
from ipaddress import ip_network
from typing import Callable

Tri = bool | None          # True, False, or None: unknown

_TERMINAL = {"ACCEPT", "DROP", "REJECT"}
_NAT = {"DNAT", "SNAT", "MASQUERADE", "REDIRECT"}
# Targets that look, count, mark or log, and let the packet go on to the next rule.
_PASSING = {"LOG", "NFLOG", "ULOG", "MARK", "CONNMARK", "CT", "NOTRACK", "TRACE", "CHECKSUM",
            "TCPMSS", "CLASSIFY", "DSCP", "TOS", "TTL", "HL", "SECMARK", "CONNSECMARK", "AUDIT"}
MAX_BRANCHES = 64


@dataclass(frozen=True)
class Packet:
    src: object                 # ipaddress address
    dst: object
    proto: str                  # tcp, udp, icmp
    dport: int | None = None
    sport: int | None = None
    iif: str | None = None      # None: sent by the host itself
    oif: str | None = None      # None until routed
    state: str = "NEW"          # conntrack state: NEW, ESTABLISHED
    bridged: bool = False       # crossing a bridge between two of its ports (br_netfilter)
    phys_in: str | None = None  # the bridge ports, when bridged
    phys_out: str | None = None


@dataclass(frozen=True)
class Env:
    """What matches need to know of the host."""

    local: frozenset = frozenset()              # the host's own addresses
    address_of: Callable[[str], object] | None = None  # an interface's primary address
    # Docker's bridges by name: an interface that was not captured (named `?...`) is known
    # not to be one of them, and nothing more.
    bridges: frozenset = frozenset()
    # ipset name -> the networks it holds, where netparse knows them (inferred, not captured).
    sets: dict = field(default_factory=dict)


# An interface a packet leaves or enters by that no capture names: the way out of the host.
UNNAMED = "?outside"


Test = Callable[[Packet, Env], Tri]


@dataclass(frozen=True)
class Match:
    text: str        # as the rule wrote it, for what a verdict assumed
    test: Test
    # (packet field, value): the match is false for a packet whose field is known and holds
    # another value (`-i docker0`, `-d 172.17.0.2/32`, `--dport 80`), so a chain's index can
    # pass over the rule without testing it.
    key: tuple | None = None


@dataclass(frozen=True)
class Rule:
    table: str
    chain: str
    number: int      # 1-based, within the chain, as `iptables -L --line-numbers` counts
    text: str        # the rule as captured
    where: str       # capture path and line
    matches: tuple[Match, ...]
    target: str
    goto: bool = False
    options: dict = field(default_factory=dict)  # NAT targets: to = (address, port)


@dataclass
class Chain:
    name: str
    policy: str | None          # None for a user chain
    rules: list[Rule] = field(default_factory=list)
    where: str = ""             # capture and line of its header, where its rules do not say
    _index: "_Index | None" = field(default=None, repr=False, compare=False)

    def candidates(self, pkt: Packet) -> list[int]:
        """The positions of the rules that may match `pkt`, in order: a chain of Docker's
        holds a rule or more per network and per published port, and a packet matches few."""
        if self._index is None or self._index.size != len(self.rules):
            self._index = _Index(self.rules)
        return self._index.candidates(pkt)


# Keyed fields, most selective first; when a packet's value is not known (an address not yet
# set, an interface no capture names) every rule keyed on it stays a candidate.
_KEYED = ("dst", "src", "dport", "iif", "oif")


def _unsure(name: str, value) -> bool:
    if name in ("iif", "oif"):
        return value is not None and value.startswith("?")
    return value is None and name in ("src", "dst")


class _Index:
    def __init__(self, rules: list[Rule]):
        self.size = len(rules)
        self.plain: list[int] = []
        self.keyed: dict[tuple, list[int]] = {}
        self.by_field: dict[str, list[int]] = {}
        self.cache: dict[tuple, list[int]] = {}
        for position, rule in enumerate(rules):
            keys = {m.key[0]: m.key for m in rule.matches if m.key is not None}
            name = next((n for n in _KEYED if n in keys), None)
            if name is None:
                self.plain.append(position)
                continue
            self.keyed.setdefault(keys[name], []).append(position)
            self.by_field.setdefault(name, []).append(position)
        self.fields = [n for n in _KEYED if n in self.by_field]

    def candidates(self, pkt: Packet) -> list[int]:
        if not self.fields:
            return self.plain
        values = tuple(getattr(pkt, n) for n in self.fields)
        found = self.cache.get(values)
        if found is None:
            found = list(self.plain)
            for name, value in zip(self.fields, values):
                found += self.by_field[name] if _unsure(name, value) else \
                    self.keyed.get((name, value), [])
            found.sort()
            if len(self.cache) < 4096:
                self.cache[values] = found
        return found


@dataclass
class Table:
    name: str
    chains: dict[str, Chain] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """One rule or policy that decided something on the way."""

    table: str
    chain: str
    number: int | None  # None: the chain's policy
    text: str
    where: str
    action: str         # ACCEPT, DROP, jump DOCKER, DNAT to ..., policy DROP


@dataclass(frozen=True)
class Outcome:
    verdict: str                    # ACCEPT, DROP, REJECT, RETURN (fell out of a user chain)
    packet: Packet
    steps: tuple[Step, ...] = ()
    assumed: tuple[str, ...] = ()   # unknown matches this branch took as true or false


def tri_all(values) -> Tri:
    result: Tri = True
    for v in values:
        if v is False:
            return False
        if v is None:
            result = None
    return result


def run(table: Table, chain: str, packet: Packet, env: Env) -> list[Outcome]:
    """Every way `packet` can leave a base chain, with the steps that decided each."""
    outcomes = _chain(table, chain, packet, env, (), (), 0)
    if len(outcomes) > MAX_BRANCHES:
        return [Outcome("UNKNOWN", packet, (), ("too many unknown matches to follow",))]
    final = []
    for o in outcomes:
        if o.verdict == "RETURN":  # fell out of the base chain: its policy decides
            base = table.chains[chain]
            policy = base.policy or "ACCEPT"
            step = Step(table.name, chain, None, f"policy {policy}", base.where,
                        f"policy {policy}")
            o = Outcome(policy, o.packet, o.steps + (step,), o.assumed)
        final.append(o)
    return final


def _chain(table: Table, name: str, packet: Packet, env: Env, steps, assumed,
           depth: int, start: int = 0) -> list[Outcome]:
    chain = table.chains.get(name)
    if chain is None or depth > 32:
        return [Outcome("UNKNOWN", packet, steps, assumed + (f"chain {name} is not in the "
                                                             f"capture",))]
    results: list[Outcome] = []
    pending = [(start, packet, steps, assumed)]
    while pending:
        index, pkt, trail, took = pending.pop()
        if len(results) + len(pending) > MAX_BRANCHES:
            return results + [Outcome("UNKNOWN", pkt, trail, took + ("too many branches",))]
        done = False
        positions = chain.candidates(pkt)
        at = bisect_left(positions, index)
        while at < len(positions):
            index = positions[at]
            rule = chain.rules[index]
            index += 1
            at += 1
            hit: Tri = True  # tri_all of the matches, without a generator per rule
            for m in rule.matches:
                value = m.test(pkt, env)
                if value is False:
                    hit = False
                    break
                if value is None:
                    hit = None
            if hit is False:
                continue
            if hit is None:
                unsure = [m.text for m in rule.matches if m.test(pkt, env) is None]
                why = f"{rule.where}: {' '.join(unsure)}"
                pending.append((index, pkt, trail, took + (f"not: {why}",)))
                took = took + (why,)
            for outcome in _apply(table, rule, pkt, env, trail, took, depth):
                if outcome.verdict == "CONTINUE":
                    pending.append((index, outcome.packet, outcome.steps, outcome.assumed))
                else:
                    results.append(outcome)
            done = True
            break
        if not done:
            results.append(Outcome("RETURN", pkt, trail, took))
    return results


def _apply(table: Table, rule: Rule, pkt: Packet, env: Env, trail, took,
           depth: int) -> list[Outcome]:
    """The rule's target applied: a verdict, or CONTINUE with the next rule."""
    target = rule.target

    def step(action: str) -> tuple[Step, ...]:
        return trail + (Step(table.name, rule.chain, rule.number, rule.text, rule.where, action),)

    if target in _TERMINAL:
        return [Outcome(target, pkt, step(target), took)]
    if target == "VMAP":
        return _vmap(table, rule, pkt, env, trail, took, depth)
    if target == "RETURN":
        return [Outcome("RETURN", pkt, step("RETURN"), took)]
    if target in _NAT:
        moved = nat(rule, pkt, env)
        if moved is None:
            return [Outcome("UNKNOWN", pkt, step(target), took + (f"{rule.where}: {target} "
                                                                  f"to an unknown address",))]
        return [Outcome("ACCEPT", moved, step(describe_nat(rule, moved)), took)]
    if target in _PASSING or target == "":
        return [Outcome("CONTINUE", pkt, trail, took)]
    if target in table.chains:
        inner = _chain(table, target, pkt, env, step(f"{'goto' if rule.goto else 'jump'} "
                                                      f"{target}"), took, depth + 1)
        out = []
        for o in inner:
            if o.verdict == "RETURN" and not rule.goto:
                out.append(Outcome("CONTINUE", o.packet, o.steps, o.assumed))
            else:
                out.append(o)
        return out
    return [Outcome("UNKNOWN", pkt, step(target), took + (f"{rule.where}: target {target} is "
                                                          f"not modelled",))]


def _vmap(table: Table, rule: Rule, pkt: Packet, env: Env, trail, took,
          depth: int) -> list[Outcome]:
    """nft's verdict map (`oifname vmap @jumps`): the verdict of the element the packet's
    interface matches; none matched, the next rule."""
    elements = rule.options.get("map")
    if elements is None:
        step = trail + (Step(table.name, rule.chain, rule.number, rule.text, rule.where, "vmap"),)
        return [Outcome("UNKNOWN", pkt, step, took + (f"{rule.where}: the elements of the map "
                                                      f"were not captured or not read",))]
    for match, target, goto in elements:
        hit = match.test(pkt, env)
        if hit is None:
            step = trail + (Step(table.name, rule.chain, rule.number, rule.text, rule.where,
                                 "vmap"),)
            return [Outcome("UNKNOWN", pkt, step, took + (f"{rule.where}: {match.text}",))]
        if hit:
            chosen = replace(rule, target=target, goto=goto, options={})
            return _apply(table, chosen, pkt, env, trail, took, depth)
    return [Outcome("CONTINUE", pkt, trail, took)]


def nat(rule: Rule, pkt: Packet, env: Env) -> Packet | None:
    """The packet after a NAT target (the first packet of a connection only). The rule's
    options hold `to`: (address or None, port or None), the first of its ranges."""
    addr, port = rule.options.get("to", (None, None))
    if rule.target == "DNAT":
        return None if addr is None else replace(pkt, dst=addr, dport=port or pkt.dport)
    if rule.target == "SNAT":
        return None if addr is None else replace(pkt, src=addr)
    if rule.target == "MASQUERADE":
        own = env.address_of(pkt.oif) if env.address_of and pkt.oif else None
        return None if own is None else replace(pkt, src=own)
    if rule.target == "REDIRECT":
        own = env.address_of(pkt.iif) if env.address_of and pkt.iif else None
        return None if own is None else replace(pkt, dst=own, dport=port or pkt.dport)
    return None


def describe_nat(rule: Rule, moved: Packet) -> str:
    if rule.target in ("DNAT", "REDIRECT"):
        return f"{rule.target} to {moved.dst}" + (f":{moved.dport}" if moved.dport else "")
    return f"{rule.target} to {moved.src}"


# --- matches -------------------------------------------------------------------------------------


def any_of(tests: list[Test]) -> Test:
    """True when one test is, unknown when none is but one may be."""
    def test(pkt: Packet, env: Env) -> Tri:
        values = [t(pkt, env) for t in tests]
        if any(v is True for v in values):
            return True
        return None if any(v is None for v in values) else False
    return test


def negate(test: Test, negated: bool) -> Test:
    if not negated:
        return test

    def inverted(pkt: Packet, env: Env) -> Tri:
        value = test(pkt, env)
        return None if value is None else not value
    return inverted


def address_in(which: str, network: str) -> Test:
    net = ip_network(network, strict=False)

    def test(pkt: Packet, env: Env) -> Tri:
        addr = getattr(pkt, which)
        if addr is None:
            return None
        return addr.version == net.version and addr in net
    return test


def interface_is(which: str, pattern: str) -> Test:
    """`-i docker0`, `-o br+`: the `+` ends a prefix."""
    def test(pkt: Packet, env: Env) -> Tri:
        name = getattr(pkt, which)
        if name is None:
            return False
        if name.startswith("?"):
            return False if pattern in env.bridges else None
        if pattern.endswith("+"):
            return name.startswith(pattern[:-1])
        return name == pattern
    return test


def protocol_is(proto: str) -> Test:
    names = {"6": "tcp", "17": "udp", "1": "icmp", "58": "ipv6-icmp"}
    wanted = names.get(proto, proto.lower())

    def test(pkt: Packet, env: Env) -> Tri:
        if wanted == "all":
            return True
        return pkt.proto == wanted or (wanted in ("icmpv6", "ipv6-icmp") and pkt.proto == "icmp")
    return test


def port_in(which: str, ports: str) -> Test:
    """`--dport 80`, `--dport 8000:8010`, `--dports 80,443`."""
    ranges = []
    for part in ports.split(","):
        low, _, high = part.partition(":")
        ranges.append((int(low or 0), int(high or low or 65535)))

    def test(pkt: Packet, env: Env) -> Tri:
        port = getattr(pkt, which)
        if port is None:
            return False
        return any(low <= port <= high for low, high in ranges)
    return test


def state_in(states: str) -> Test:
    wanted = {s.strip().upper() for s in states.split(",")}

    def test(pkt: Packet, env: Env) -> Tri:
        if pkt.state in wanted:
            return True
        if wanted <= {"NEW", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED"}:
            return False
        return None  # DNAT / SNAT states: not followed
    return test


def address_type(which: str, kind: str) -> Test:
    """`-m addrtype --dst-type LOCAL`."""
    def test(pkt: Packet, env: Env) -> Tri:
        addr = getattr(pkt, which)
        if addr is None:
            return None
        if kind.upper() == "LOCAL":
            return addr in env.local or addr.is_loopback
        if kind.upper() == "UNICAST":
            return not addr.is_multicast and addr not in env.local
        return None
    return test


def bridged(which: str | None, port: str | None) -> Test:
    """`-m physdev --physdev-is-bridged`, `--physdev-in vethX`."""
    def test(pkt: Packet, env: Env) -> Tri:
        if which is None:
            return pkt.bridged
        name = getattr(pkt, which)
        if name is None:
            return False
        return name.startswith(port[:-1]) if port.endswith("+") else name == port
    return test


def in_set(name: str, which: str) -> Test:
    """`-m set --match-set NAME dst`: known only where the set's members were inferred."""
    def test(pkt: Packet, env: Env) -> Tri:
        members = env.sets.get(name)
        addr = getattr(pkt, which)
        if members is None or addr is None:
            return None
        return any(addr.version == n.version and addr in n for n in members)
    return test


def always(value: Tri) -> Test:
    return lambda pkt, env: value
