"""The captured iptables rules, made ready to walk: each match of the model becomes a test that
says true, false or unknown for a packet (`netparse.reach.netfilter`).

Two forms are read: `iptables-save` (every match typed by the parser) and `iptables -L -n -v`
listings, one table each, whose matches after the addresses are printed as words (`tcp
dpt:80`, `ctstate RELATED,ESTABLISHED`, `ADDRTYPE match dst-type LOCAL`). A word this module
does not read stays an unknown match; a listing without -v leaves every rule's interfaces
unknown, and a table or chain that was not listed is unknown, not empty.
"""

from __future__ import annotations

import re
import socket
from ipaddress import ip_address, ip_network

from netparse.reach.host import Firewall
from netparse.reach.netfilter import (Chain, Match, Rule, Table, any_of, address_in, address_type,
                                      always, bridged, in_set, interface_is, negate, port_in,
                                      protocol_is, state_in)

# Docker 28+ matches its bridges' subnets with this ipset (`-m set --match-set ... dst`); it
# holds the subnets of the bridge networks that are not internal.
DOCKER_SETS = {"docker-ext-bridges-v4": 4, "docker-ext-bridges-v6": 6}
_DOCKER_BRIDGE = re.compile(r"docker0|docker_gwbridge|br-[0-9a-f]{12}")


def firewall_of(entries, networks=None) -> Firewall | None:
    """The rules of the captures: one `iptables-save` (a snapshot entry), or `iptables -L`
    listings as {table: [entries]}; None without any. `networks`, when every Docker network is
    known, lets Docker's ipsets be inferred from their subnets."""
    if not entries:
        return None
    if isinstance(entries, dict):
        firewall = _from_listings(entries)
        captured = [e for listed in entries.values() for e in listed]
    else:
        firewall = _from_save(entries)
        captured = [entries]
    firewall.bridges = frozenset(n for n in _interfaces_named(captured)
                                 if _DOCKER_BRIDGE.fullmatch(n))
    if networks is not None:
        for name, version in DOCKER_SETS.items():
            if any(name in m.text for t in firewall.tables.values() for c in t.chains.values()
                   for r in c.rules for m in r.matches):
                members = [s for n in networks if n.driver == "bridge" and not n.internal
                           for s in n.subnets if s.version == version]
                firewall.sets[name] = members
                firewall.inferred.append(
                    f"ipset {name} was not captured: taken to hold the subnets of Docker's "
                    f"bridge networks that are not internal "
                    f"({', '.join(map(str, members)) or 'none'})")
    return firewall


def _interfaces_named(captured) -> set[str]:
    names = set()
    for e in captured:
        if e.kind == "iptables_list":
            rules = [r for c in e.model.chains for r in c.rules]
        else:
            rules = [r for t in e.model.tables for c in t.chains for r in c.rules]
        for r in rules:
            for i in (r.in_interface, r.out_interface):
                if i is not None and not i.wildcard:
                    names.add(i.name)
    return names


def _from_save(entry) -> Firewall:
    tables = {}
    for t in entry.model.tables:
        table = Table(t.name or "filter")
        for c in t.chains:
            chain = Chain(c.name, c.policy)
            chain.rules = [_rule(table.name, c.name, r, _at(entry)) for r in c.rules]
            table.chains[c.name] = chain
        tables[table.name] = table
    return Firewall(tables, entry.source.path)


def _from_listings(listings: dict) -> Firewall:
    tables: dict[str, Table] = {}
    for name, entries in listings.items():
        table = tables.setdefault(name, Table(name))
        for e in entries:
            for c in e.model.chains:
                chain = Chain(c.name, c.policy)
                chain.rules = [_list_rule(name, c.name, r, _at(e), e.model.verbose)
                               for r in c.rules]
                table.chains[c.name] = chain
    entries = [e for listed in listings.values() for e in listed]
    return Firewall(tables, ", ".join(dict.fromkeys(e.source.path for e in entries)),
                    listed=True, interfaces=all(e.model.verbose for e in entries))


def _at(entry):
    """`where` of a rule at line n of the capture: its file and line in that file."""
    offset = entry.first_line - 1
    return lambda line: f"{entry.source.path}:{line + offset}"


def _rule(table: str, chain: str, r, at) -> Rule:
    matches = []
    if r.source:
        matches.append(Match(f"-s {r.source.network}", negate(address_in("src", str(
            r.source.network)), r.source.negated),
            _address_key("src", r.source.network, r.source.negated)))
    if r.destination:
        matches.append(Match(f"-d {r.destination.network}", negate(address_in("dst", str(
            r.destination.network)), r.destination.negated),
            _address_key("dst", r.destination.network, r.destination.negated)))
    matches.extend(_interfaces(r))
    if r.protocol:
        matches.append(Match(f"-p {r.protocol.name}", negate(protocol_is(r.protocol.name),
                                                             r.protocol.negated)))
    if r.fragment:
        matches.append(Match("-f", always(r.fragment.negated)))  # walks are of whole packets
    for m in r.matches:
        matches.extend(_module(m))
    target = r.target
    options = {}
    if target is not None:
        ranges = target.to_destination or target.to_source or \
            ([target.to_ports] if target.to_ports else [])
        if ranges:
            first = ranges[0]
            options["to"] = (first.first, first.ports.first if first.ports else None)
    return Rule(table=table, chain=chain, number=r.number, text=r.text, where=at(r.line),
                matches=tuple(matches), target=target.name if target else "",
                goto=bool(target and target.goto), options=options)


def _interfaces(r) -> list[Match]:
    found = []
    for flag, which, iface in (("-i", "iif", r.in_interface), ("-o", "oif", r.out_interface)):
        if iface:
            name = iface.name + ("+" if iface.wildcard else "")
            key = None if iface.negated or iface.wildcard else (which, name)
            found.append(Match(f"{flag} {'! ' if iface.negated else ''}{name}",
                               negate(interface_is(which, name), iface.negated), key))
    return found


def _address_key(which: str, network, negated: bool):
    """A match of one address: the index's key for it."""
    if negated or network.prefixlen != network.max_prefixlen:
        return None
    return which, network.network_address


def _port_key(which: str, ports) -> tuple | None:
    """A match of one port: the index's key for it."""
    if ports.negated or len(ports.ranges) != 1 or ports.ranges[0].first != ports.ranges[0].last:
        return None
    return which, ports.ranges[0].first


def _list_rule(table: str, chain: str, r, at, verbose: bool) -> Rule:
    matches = []
    for flag, which, addr in (("-s", "src", r.source), ("-d", "dst", r.destination)):
        bang = "! " if addr.negated else ""
        network = addr.network if addr.network is not None else _named_network(addr.text)
        if network is not None:
            if network.prefixlen or addr.negated:
                matches.append(Match(f"{flag} {bang}{network}", negate(
                    address_in(which, str(network)), addr.negated),
                    _address_key(which, network, addr.negated)))
        elif addr.text != "anywhere":
            # A host or network name printed without -n that no database fixes: unknown.
            matches.append(Match(f"{flag} {bang}{addr.text}", always(None)))
    if verbose:
        matches.extend(_interfaces(r))
    else:
        matches.append(Match("-i/-o not listed (iptables -L without -v)", always(None)))
    proto = {"0": "all"}.get(r.protocol.name, r.protocol.name)
    if proto != "all" or r.protocol.negated:
        matches.append(Match(f"-p {r.protocol.name}", negate(protocol_is(proto),
                                                             r.protocol.negated)))
    if r.opt in ("-f", "!f"):
        matches.append(Match(r.opt, always(r.opt == "!f")))
    words, options = _extra(r.extra)
    matches.extend(words)
    return Rule(table=table, chain=chain, number=r.number, text=r.text.strip(),
                where=at(r.line), matches=tuple(matches), target=r.target or "",
                options=options)


# What a target prints after the matches: the rest of the line is the target's, not a match.
_TARGET_WORDS = ("to:", "reject-with", "masq", "redir", "LOG", "MARK", "CONNMARK", "TCPMSS",
                 "random", "persistent", "CHECKSUM", "DSCP", "TOS", "TTL", "NFLOG", "CT",
                 "ctmark", "match-set-")


def _extra(extra: str) -> tuple[list[Match], dict]:
    """The matches and target options an `iptables -L` rule prints after its addresses."""
    text = re.sub(r"/\*.*?\*/", " ", extra)
    tokens = text.split()
    matches: list[Match] = []
    options: dict = {}
    i = 0
    while i < len(tokens):
        word = tokens[i]
        negated = word == "!"
        if negated:
            i += 1
            if i == len(tokens):
                break
            word = tokens[i]
        rest = tokens[i + 1:]
        if word in ("ctstate", "state") and rest:
            matches.append(Match(f"{word} {rest[0]}", negate(state_in(rest[0]), negated)))
            i += 2
            continue
        if word in ("tcp", "udp", "sctp") and not negated:
            i += 1
            while i < len(tokens) and re.fullmatch(r"!?(spts?|dpts?):\S+", tokens[i]):
                matches.append(_port_word(tokens[i], word))
                i += 1
            continue
        if word == "multiport" and len(rest) >= 2 and rest[0] in ("dports", "sports", "ports"):
            spec = rest[1].lstrip("!")
            neg = rest[1].startswith("!") or negated
            which = {"dports": "dport", "sports": "sport"}.get(rest[0])
            test = _ports_test(which, spec)
            matches.append(Match(f"multiport {rest[0]} {rest[1]}", negate(test, neg)))
            i += 3
            continue
        if word == "ADDRTYPE" and len(rest) >= 3 and rest[0] == "match":
            which = {"dst-type": "dst", "src-type": "src"}.get(rest[1])
            kind = rest[2].lstrip("!")
            if which is not None:
                neg = rest[2].startswith("!") or negated
                matches.append(Match(f"addrtype {rest[1]} {rest[2]}",
                                     negate(address_type(which, kind), neg)))
                i += 4
                continue
        if word == "PHYSDEV" and rest[:1] == ["match"]:
            neg = rest[1:2] == ["!"]
            if rest[1 + neg:2 + neg] == ["--physdev-is-bridged"]:
                matches.append(Match("physdev --physdev-is-bridged",
                                     negate(bridged(None, None), neg or negated)))
                i += 3 + neg
                continue
        if word == "match-set" and len(rest) >= 2 and rest[1] in ("src", "dst"):
            matches.append(Match(f"{'! ' if negated else ''}match-set {rest[0]} {rest[1]}",
                                 negate(in_set(rest[0], rest[1]), negated)))
            i += 3
            continue
        if word.startswith(_TARGET_WORDS) and not negated:
            if word.startswith("to:"):
                options["to"] = _to(word[3:])
            break
        # Not read: the rest of the line is one unknown match.
        matches.append(Match(" ".join(tokens[i - negated:]), always(None)))
        break
    return matches, options


def _port_word(word: str, proto: str) -> Match:
    negated = word.startswith("!")
    name, _, value = word.lstrip("!").partition(":")
    which = "sport" if name.startswith("spt") else "dport"
    value = value.lstrip("!")
    negated = negated or word.partition(":")[2].startswith("!")
    return Match(word, negate(_ports_test(which, _service_ports(value, proto)), negated))


# Names `iptables -L` prints for addresses without -n (a network's from /etc/networks, with its
# mask; a host's from /etc/hosts, alone): only those that mean one IPv4 address on every host.
# Any other name (a host's own name, a DNS name) stays unknown.
_NETWORKS = {"loopback": "127.0.0.0", "link-local": "169.254.0.0"}
_HOSTS = {"localhost": "127.0.0.1"}


def _named_network(text: str):
    """`loopback/8` → 127.0.0.0/8, `localhost` → 127.0.0.1/32; None for any other name."""
    name, slash, bits = text.partition("/")
    if not slash:
        return ip_network(f"{_HOSTS[name]}/32") if name in _HOSTS else None
    if name not in _NETWORKS or not bits.isdigit():
        return None
    try:
        return ip_network(f"{_NETWORKS[name]}/{bits}")
    except ValueError:
        return None


def _service_ports(spec: str, proto: str) -> str:
    """`http`, `http-alt:webcache` → `80`, `8080:8080`: a port printed as its service name
    (`iptables -L` without -n) read back through the services database, for the rule's own
    protocol. IANA's names, the same on every host that has the database; a name it does not
    hold stays a name, and the match unknown."""
    def one(word: str) -> str:
        if word.isdigit():
            return word
        try:
            return str(socket.getservbyname(word, proto))
        except (OSError, TypeError):
            return word
    return ",".join(":".join(one(w) for w in part.split(":")) for part in spec.split(","))


def _ports_test(which: str | None, spec: str):
    if not re.fullmatch(r"\d+(:\d+)?(,\d+(:\d+)?)*", spec):
        return always(None)  # a service name the services database does not hold
    if which is None:
        a, b = port_in("dport", spec), port_in("sport", spec)
        return lambda p, e: a(p, e) or b(p, e)
    return port_in(which, spec)


def _to(value: str):
    """`to:172.17.0.2:80`, `to:172.17.0.2`, `to::80`."""
    host, _, port = value.rpartition(":") if value.count(":") == 1 else (value, "", "")
    try:
        addr = ip_address(host.split("-")[0]) if host else None
    except ValueError:
        addr = None
    return addr, int(port.split("-")[0]) if port.split("-")[0].isdigit() else None


def _module(m) -> list[Match]:
    if m.unknown:
        return [Match(m.text, always(None))]
    found = []
    for which, ports in (("sport", m.sport), ("dport", m.dport)):
        if ports:
            found.append(Match(m.text, negate(port_in(which, _ranges(ports)), ports.negated),
                               _port_key(which, ports)))
    if m.ports:
        either = port_in("dport", _ranges(m.ports))
        found.append(Match(m.text, negate(
            lambda p, e, a=either, b=port_in("sport", _ranges(m.ports)): a(p, e) or b(p, e),
            m.ports.negated)))
    if m.ctstate:
        found.append(Match(m.text, negate(state_in(",".join(m.ctstate.values)),
                                          m.ctstate.negated)))
    for which, types in (("src", m.src_type), ("dst", m.dst_type)):
        if types:
            tests = [address_type(which, t) for t in types.values]
            found.append(Match(m.text, negate(any_of(tests), types.negated)))
    for which, iface in (("phys_in", m.physdev_in), ("phys_out", m.physdev_out)):
        if iface:
            name = iface.name + ("+" if iface.wildcard else "")
            found.append(Match(m.text, negate(bridged(which, name), iface.negated)))
    if m.physdev_is_bridged:
        found.append(Match(m.text, negate(bridged(None, None), m.physdev_is_bridged.negated)))
    if m.match_set and len(m.match_set.directions) == 1 and not m.options:
        found.append(Match(m.text, negate(in_set(m.match_set.name, m.match_set.directions[0]),
                                          m.match_set.negated)))
    elif m.physdev_is_in or m.physdev_is_out or m.match_set or m.options:
        found.append(Match(m.text, always(None)))
    return found


def _ranges(ports) -> str:
    return ",".join(f"{p.first}:{p.last}" for p in ports.ranges)

