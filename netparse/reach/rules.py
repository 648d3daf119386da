"""The captured iptables rules, made ready to walk: each match of the model becomes a test that
says true, false or unknown for a packet (`netparse.reach.netfilter`)."""

from __future__ import annotations

from netparse.reach.host import Firewall
from netparse.reach.netfilter import (Chain, Match, Rule, Table, address_in, address_type,
                                      always, bridged, interface_is, negate, port_in,
                                      protocol_is, state_in)


def firewall_of(entry) -> Firewall | None:
    """The rules of an `iptables-save` capture (a snapshot entry), or None without one."""
    if entry is None:
        return None
    tables = {}
    for t in entry.model.tables:
        table = Table(t.name or "filter")
        for c in t.chains:
            chain = Chain(c.name, c.policy)
            chain.rules = [_rule(table.name, c.name, r, entry.source.path) for r in c.rules]
            table.chains[c.name] = chain
        tables[table.name] = table
    return Firewall(tables, entry.source.path)


def _rule(table: str, chain: str, r, path: str) -> Rule:
    matches = []
    if r.source:
        matches.append(Match(f"-s {r.source.network}", negate(address_in("src", str(
            r.source.network)), r.source.negated)))
    if r.destination:
        matches.append(Match(f"-d {r.destination.network}", negate(address_in("dst", str(
            r.destination.network)), r.destination.negated)))
    for flag, which, iface in (("-i", "iif", r.in_interface), ("-o", "oif", r.out_interface)):
        if iface:
            name = iface.name + ("+" if iface.wildcard else "")
            matches.append(Match(f"{flag} {name}", negate(interface_is(which, name),
                                                          iface.negated)))
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
    return Rule(table=table, chain=chain, number=r.number, text=r.text, where=f"{path}:{r.line}",
                matches=tuple(matches), target=target.name if target else "",
                goto=bool(target and target.goto), options=options)


def _module(m) -> list[Match]:
    if m.unknown:
        return [Match(m.text, always(None))]
    found = []
    for which, ports in (("sport", m.sport), ("dport", m.dport)):
        if ports:
            found.append(Match(m.text, negate(port_in(which, _ranges(ports)), ports.negated)))
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
            found.append(Match(m.text, negate(_any(tests), types.negated)))
    for which, iface in (("phys_in", m.physdev_in), ("phys_out", m.physdev_out)):
        if iface:
            name = iface.name + ("+" if iface.wildcard else "")
            found.append(Match(m.text, negate(bridged(which, name), iface.negated)))
    if m.physdev_is_bridged:
        found.append(Match(m.text, negate(bridged(None, None), m.physdev_is_bridged.negated)))
    if m.physdev_is_in or m.physdev_is_out or m.match_set or m.options:
        found.append(Match(m.text, always(None)))
    return found


def _ranges(ports) -> str:
    return ",".join(f"{p.first}:{p.last}" for p in ports.ranges)


def _any(tests):
    def test(pkt, env):
        values = [t(pkt, env) for t in tests]
        if any(v is True for v in values):
            return True
        return None if any(v is None for v in values) else False
    return test
