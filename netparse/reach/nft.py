"""The base chains of `nft list ruleset`, made ready to walk beside iptables' tables.

In netfilter every base chain on a hook sees the packet, in the order of their priorities: an
accept ends one chain only, a drop anywhere drops. So a host's own `table inet filter`, Docker's
nftables backend (`table ip docker-bridges`) and firewalld's `table inet firewalld` decide as
much as iptables' FORWARD does. Each rule's statements become the walk's matches (true, false or
unknown); a statement this module does not read is an unknown match naming it, and a named set
whose elements were not captured is unknown too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from ipaddress import ip_address, ip_network

from netparse.reach.netfilter import (Chain, Match, Rule, Table, address_type, always, any_of,
                                      negate, protocol_is, state_in)

# Named priorities of the ip, ip6 and inet families (nft(8), "PRIORITY").
PRIORITIES = {"raw": -300, "mangle": -150, "dstnat": -100, "filter": 0, "security": 50,
              "srcnat": 100}
# iptables' tables on each hook, at their own priorities.
IPTABLES_PRIORITY = {"raw": -300, "mangle": -150, "filter": 0, "security": 50}
IPTABLES_TABLES = {"filter", "nat", "mangle", "raw", "security"}
HOOK_NAMES = {"prerouting": "PREROUTING", "input": "INPUT", "forward": "FORWARD",
              "output": "OUTPUT", "postrouting": "POSTROUTING"}
WALKED_FAMILIES = {"ip": (4,), "ip6": (6,), "inet": (4, 6)}


def iptables_priority(table: str, hook: str) -> int:
    if table == "nat":
        return -100 if hook in ("PREROUTING", "OUTPUT") else 100
    return IPTABLES_PRIORITY.get(table, 0)


def priority(text: str | None) -> int | None:
    """`filter`, `-100`, `srcnat + 1`, `dstnat - 10`; None when not read."""
    if text is None:
        return None
    m = re.fullmatch(r"\s*([a-z]+|-?\d+)\s*(?:([+-])\s*(\d+))?\s*", text)
    if m is None:
        return None
    base = m.group(1)
    value = PRIORITIES.get(base) if base.isalpha() else int(base)
    if value is None:
        return None
    if m.group(2):
        value += int(m.group(3)) * (1 if m.group(2) == "+" else -1)
    return value


@dataclass(frozen=True)
class Base:
    """One base chain on a hook: a table's chain of nft, or one of iptables' tables."""

    hook: str               # PREROUTING, INPUT, FORWARD, OUTPUT, POSTROUTING
    priority: int
    versions: tuple         # the IP versions it sees: (4,), (6,), (4, 6)
    table: Table | None     # None: it cannot be walked (why: `unknown`)
    chain: str
    nat: bool = False       # type nat: only a connection's first packet
    unknown: str | None = None


def own_table(family: str, name: str) -> bool:
    """One of the tables iptables-nft makes (`table ip filter`, `table ip6 nat`)."""
    return family in ("ip", "ip6") and name in IPTABLES_TABLES


def bases_of(entry, skip_own: bool) -> list[Base]:
    """The base chains of an `nft list ruleset` capture on the hooks of the ip, ip6 and inet
    families (the bridge and netdev families are the topology's gaps). With `skip_own`,
    iptables-nft's tables are left to iptables-save."""
    terse = bool(re.search(r"(^|\s)(-t|--terse)\b", entry.source.command or ""))
    bases: list[Base] = []
    offset = entry.first_line - 1
    for t in entry.model.tables:
        hooked = [c for c in t.chains if c.hook]
        if not hooked or t.family not in WALKED_FAMILIES:
            continue
        if skip_own and own_table(t.family, t.name):
            continue
        table = _table(entry, t, offset, terse)
        for c in hooked:
            hook = HOOK_NAMES.get(c.hook)
            prio = priority(c.priority)
            at = f"{entry.source.path}:{c.line + offset}: table {table.name} chain {c.name}"
            why = None
            if hook is None:
                # inet's ingress (a device's, before prerouting): not followed.
                hook, prio = "PREROUTING", -1000
                why = f"{at}: hook {c.hook} not followed"
            elif prio is None:
                why = f"{at}: priority {c.priority!r} not read"
            elif c.type not in ("filter", "nat", "route"):
                why = f"{at}: type {c.type} not modelled"
            bases.append(Base(hook, prio if prio is not None else 0,
                              WALKED_FAMILIES[t.family], table, c.name, c.type == "nat", why))
    return bases


def _table(entry, t, offset: int, terse: bool) -> Table:
    name = f"{t.family} {t.name}"
    sets = {s.name: (None if terse and not s.elements else s.elements) for s in t.sets}
    table = Table(name)
    for c in t.chains:
        policy = (c.policy or "accept").upper() if c.hook else None
        chain = Chain(c.name, policy, where=f"{entry.source.path}:{c.line + offset}")
        for r in c.rules:
            where = f"{entry.source.path}:{r.line + offset}"
            chain.rules.append(_rule(name, c.name, r, where, sets))
        table.chains[c.name] = chain
    return table


# --- one rule --------------------------------------------------------------------------------

_VERDICTS = {"accept": "ACCEPT", "drop": "DROP", "reject": "REJECT", "return": "RETURN",
             "continue": ""}
_NAT = {"dnat": "DNAT", "snat": "SNAT", "masquerade": "MASQUERADE", "redirect": "REDIRECT"}
_UNREAD = always(None)
# Statements that act and let the packet go on.
_PASSING = ("log",)


def _rule(table: str, chain: str, r, where: str, sets: dict) -> Rule:
    matches: list[Match] = []
    target, goto, options = "", False, {}
    text = r.text or " ".join(s.text for s in r.statements)
    for s in r.statements:
        if s.type in ("counter", "comment"):
            continue
        if s.type == "match":
            matches.append(_match(s, sets))
        elif s.type == "verdict":
            if s.verdict in ("jump", "goto"):
                target, goto = s.chain, s.verdict == "goto"
            else:
                target = _VERDICTS.get(s.verdict, s.verdict)
            break
        elif s.type == "vmap":
            target, options = "VMAP", {"map": _vmap(s, sets)}
            break
        elif s.type == "nat":
            target = _NAT[s.nat]
            to = _to(s.to)
            if to is None:
                matches.append(Match(f"{s.text} (address not read)", always(None)))
            else:
                options = {"to": to}
            break
        elif s.text.split()[0] in _PASSING:
            continue
        elif s.text.startswith('{"reject"'):  # nft -j's reject, with its options
            target = "REJECT"
            break
        else:
            matches.append(Match(s.text, _UNREAD))
    if not target and matches and matches[-1].test is _UNREAD:
        # A statement not read where the verdict would be (`queue`, a map not read, a mark
        # set): what it does to the packet is unknown, not nothing.
        target = f"statement {matches[-1].text}"
        matches.pop()
    return Rule(table=table, chain=chain, number=r.number, text=text, where=where,
                matches=tuple(matches), target=target, goto=goto, options=options)


def _to(text: str | None):
    """`192.0.2.2:80`, `192.0.2.2`, `:80`, `[2001:db8::2]:80`; (None, None) for masquerade."""
    if text is None:
        return None, None
    m = re.fullmatch(r"\[?([0-9a-fA-F.:]*?)\]?(?::(\d+)(?:-\d+)?)?", text)
    if m is None:
        return None
    host, port = m.group(1), m.group(2)
    if host and ":" in host and not text.startswith("["):
        host, port = text, None  # a bare IPv6 address
    try:
        addr = ip_address(host.split("-")[0]) if host else None
    except ValueError:
        return None
    return addr, int(port) if port else None


def _members(values: list[str], sets: dict, unquote: bool = True) -> list[str] | None:
    """The values, with each `@name` replaced by its set's elements; None when a set was not
    captured (or its elements were left out)."""
    found = []
    for v in values:
        if v.startswith("@"):
            elements = sets.get(v[1:])
            if elements is None:
                return None
            found += [e.strip('"') if unquote else e for e in elements]
        else:
            found.append(v)
    return found


def _match(s, sets: dict) -> Match:
    values = _members(s.values, sets)
    if values is None:
        return Match(f"{s.text} (the elements of the set were not captured)", always(None))
    test = _test(s.key, s.op, values)
    if test is None:
        return Match(s.text, always(None))
    key = None
    if s.op == "==" and len(values) == 1 and s.key in ("iifname", "oifname", "iif", "oif") \
            and not values[0].endswith("*"):
        key = ("iif" if s.key.startswith("i") else "oif", values[0])
    elif s.op == "==" and len(values) == 1 and s.key.endswith(("saddr", "daddr")):
        try:
            key = ("src" if s.key.endswith("saddr") else "dst", ip_address(values[0]))
        except ValueError:
            pass
    return Match(s.text, test, key)


def _test(key: str, op: str, values: list[str]):
    """The test of `key op values`, or None when not modelled."""
    if op not in ("==", "!="):
        if key.endswith(("dport", "sport")) and op in ("<", ">", "<=", ">=") and \
                len(values) == 1 and values[0].isdigit():
            return _port_compare(key, op, int(values[0]))
        return None
    test = None
    if key in ("iifname", "oifname", "iif", "oif"):
        test = _interfaces("iif" if key.startswith("i") else "oif", values)
    elif key in ("ip saddr", "ip daddr", "ip6 saddr", "ip6 daddr"):
        test = _addresses("src" if key.endswith("saddr") else "dst", values,
                          4 if key.startswith("ip ") else 6)
    elif key in ("meta l4proto", "ip protocol", "ip6 nexthdr"):
        test = any_of([protocol_is(v) for v in values])
        if key != "meta l4proto":
            test = _family(test, 4 if key == "ip protocol" else 6)
    elif key.split()[0] in ("tcp", "udp", "th", "sctp") and key.split()[1] in ("dport", "sport"):
        test = _ports(key.split()[0], "dport" if key.endswith("dport") else "sport", values)
    elif key == "ct state":
        test = state_in(",".join(values))
    elif key in ("fib daddr type", "fib saddr type"):
        which = "dst" if "daddr" in key else "src"
        test = any_of([address_type(which, v) for v in values])
    elif key == "meta nfproto":
        wanted = {"ipv4": 4, "ipv6": 6}
        if all(v in wanted for v in values):
            test = _family(lambda p, e: True, *[wanted[v] for v in values])
    if test is None:
        return None
    return negate(test, op == "!=")


def _interfaces(which: str, values: list[str]):
    def test(pkt, env):
        name = getattr(pkt, which)
        if name is None:
            return False
        seen: bool | None = False
        for v in values:
            prefix = v[:-1] if v.endswith("*") else None
            if name.startswith("?"):
                # An interface no capture names: known only not to be one of Docker's bridges.
                if v not in env.bridges or prefix is not None:
                    seen = None
                continue
            if (name.startswith(prefix)) if prefix is not None else name == v:
                return True
        return seen
    return test


def _addresses(which: str, values: list[str], version: int):
    ranges = []
    for v in values:
        try:
            if "-" in v:
                low, high = (ip_address(x) for x in v.split("-"))
            else:
                net = ip_network(v, strict=False)
                low, high = net.network_address, net.broadcast_address
        except ValueError:
            return None
        ranges.append((low, high))

    def test(pkt, env):
        addr = getattr(pkt, which)
        if addr is None:
            return None
        if addr.version != version:
            return False
        return any(low.version == version and low <= addr <= high for low, high in ranges)
    return test


def _ports(proto: str, which: str, values: list[str]):
    ranges = []
    for v in values:
        low, _, high = v.partition("-")
        if not low.isdigit() or high and not high.isdigit():
            return None  # service names
        ranges.append((int(low), int(high or low)))
    protos = ("tcp", "udp") if proto == "th" else (proto,)

    def test(pkt, env):
        port = getattr(pkt, which)
        if pkt.proto not in protos or port is None:
            return False
        return any(low <= port <= high for low, high in ranges)
    return test


def _port_compare(key: str, op: str, value: int):
    proto, field_name = key.split()
    protos = ("tcp", "udp") if proto == "th" else (proto,)
    compare = {"<": int.__lt__, ">": int.__gt__, "<=": int.__le__, ">=": int.__ge__}[op]

    def test(pkt, env):
        port = getattr(pkt, field_name)
        if pkt.proto not in protos or port is None:
            return False
        return compare(port, value)
    return test


def _family(test, *versions: int):
    def inner(pkt, env):
        addr = pkt.dst or pkt.src
        if addr is None:
            return None
        return test(pkt, env) if addr.version in versions else False
    return inner



def _vmap(s, sets: dict) -> list | None:
    """A verdict map's elements as (match, target, goto); None when the map was not captured
    or an element is not read."""
    values = _members(s.values, sets, unquote=False)
    if values is None or s.key not in ("iifname", "oifname", "iif", "oif"):
        return None
    found = []
    for element in values:
        m = re.fullmatch(r'"?([^"\s]+)"?\s*:\s*(?:(jump|goto)\s+(\S+)|(\w+))', element)
        if m is None:
            return None
        name = m.group(1)
        test = _interfaces("iif" if s.key.startswith("i") else "oif", [name])
        if m.group(2):
            found.append((Match(f"{s.key} {name}", test), m.group(3), m.group(2) == "goto"))
        else:
            verdict = _VERDICTS.get(m.group(4))
            if verdict is None:
                return None
            found.append((Match(f"{s.key} {name}", test), verdict, False))
    return found
