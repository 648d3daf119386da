"""Classes of containers that cannot walk differently, so one walk stands for all of them.

Two containers are alike when everything a walk reads of them, but their names, addresses, veths
and route captures, is the same: networks, bridges, gateways, subnets, inside routes, veth state,
and their addresses as every rule, ipset, subnet and host route sees them (an address that a
rule names exactly, or that is the host's own, or that another container holds too, counts as
itself). The walk writes a container's own values through `Walker.say`; walking a class's first
member with those values replaced by placeholders gives a path that each member's values fill
in (`Template`), the same, byte for byte, as walking that member.
"""

from __future__ import annotations

import re
from ipaddress import ip_network

from netparse.reach.model import Path
from netparse.reach.walk import route_source

_ADDRESS = re.compile(r"(?<![\w.:])(\d{1,3}(?:\.\d{1,3}){3})(?:/(\d{1,2}))?(?![\w.])")
_WORD = re.compile(r"[^\s\"']+")
_HOLE = re.compile("\x00[^\x00]*\x00")


class Literals:
    """What any rule of the firewall can tell one container from another by: the IPv4
    addresses it names exactly, the networks it and the ipsets name, with every container
    network's subnet (which decides what a container reaches on its link), and the words of the
    rules (an interface such as a veth named by `--physdev-in`, or a prefix `veth+`)."""

    def __init__(self, facts):
        exact, networks, words = set(), [], set()
        fw = facts.firewall
        for table in fw.tables.values() if fw else ():
            for chain in table.chains.values():
                for rule in chain.rules:
                    words.update(_WORD.findall(rule.text))
                    for address, bits in _ADDRESS.findall(rule.text):
                        try:
                            net = ip_network(f"{address}/{bits or 32}", strict=False)
                        except ValueError:
                            continue
                        if net.prefixlen == 32:
                            exact.add(net.network_address)
                        else:
                            networks.append(net)
        for members in (fw.sets.values() if fw else ()):
            networks += list(members)
        for c in facts.topology.containers:
            for ep in c.endpoints:
                if ep.ip is not None and ep.prefix_len is not None:
                    networks.append(ip_network(f"{ep.ip}/{ep.prefix_len}", strict=False))
        self.exact = frozenset(exact)
        self.networks = list(dict.fromkeys(networks))
        self.words = frozenset(w for w in words if not w.endswith("+"))
        self.prefixes = tuple(sorted({w[:-1] for w in words if w.endswith("+")}))


def alike(c, facts, literals: Literals) -> tuple:
    """What a container's walks read of it, but its name, addresses, veths and route capture:
    two containers with the same key take the same ways, meet the same rules and routes, and
    end the same."""
    ends = []
    for ep in c.endpoints:
        ip = ep.ip
        veth = facts.interfaces.get(ep.host_veth) if ep.host_veth else None
        port = (ep.host_veth is None, veth is None, veth.master if veth else None,
                veth.up if veth else None,
                ep.host_veth if ep.host_veth in literals.words else None,
                tuple((ep.host_veth or "").startswith(p) for p in literals.prefixes))
        if ip is None:
            ends.append((ep.network, ep.bridge, ep.gateway, ep.prefix_len, None, port))
            continue
        owner = facts.endpoint_at.get(ip)
        mine = owner is not None and owner[0] is c and owner[1] is ep
        route = facts.routes.lookup(ip)
        itself = ip in literals.exact or ip in facts.local or not mine
        seen = (ip if itself else None, ip in facts.local, ip.version,
                tuple(ip.version == n.version and ip in n for n in literals.networks),
                id(route), mine,
                ip_network(f"{ip}/{ep.prefix_len}", strict=False) if ep.prefix_len else None)
        ends.append((ep.network, ep.bridge, ep.gateway, ep.prefix_len, seen, port))
    inside = None
    if c.inside and c.inside.routes is not None:
        inside = tuple((r.destination, r.gateway, r.type, r.dev) for r in c.inside.routes)
    return tuple(ends), inside, route_source(c) is None


def own_values(c) -> list[tuple[str, str]]:
    """(slot, value) of what the walk writes of container `c` through `Walker.say`."""
    values = [("name", c.name)]
    for i, ep in enumerate(c.endpoints):
        if ep.ip is not None:
            values.append((f"ip{i}", str(ep.ip)))
        if ep.host_veth is not None:
            values.append((f"veth{i}", ep.host_veth))
    if route_source(c) is not None:
        values.append(("routes", route_source(c)))
    return values


def holes(*named) -> dict[str, str] | None:
    """Placeholder of each value of the containers `named` as (role, container): None when two
    values are the same text (one placeholder could not tell them apart)."""
    alias = {}
    for role, c in named:
        for slot, value in own_values(c):
            if value in alias:
                return None
            alias[value] = f"\x00{role}.{slot}\x00"
    return alias


def fillings(*named) -> dict[str, str]:
    """Each placeholder of `holes` with the value of the containers `named`."""
    return {f"\x00{role}.{slot}\x00": value for role, c in named for slot, value in own_values(c)}


class Template:
    """A path walked with placeholders (what `_walked` gives), and each member's path from it."""

    def __init__(self, found: dict, missing: list[str]):
        self.found = found
        self.missing = missing
        # The hops without a placeholder are shared by every member's path.
        self.open = [i for i, h in enumerate(found["hops"])
                     if "\x00" in h.at or "\x00" in h.text or "\x00" in (h.evidence or "")]

    def fill(self, values: dict[str, str], **fields) -> Path:
        def put(text):
            return _HOLE.sub(lambda m: values[m.group(0)], text) if "\x00" in text else text

        found = self.found
        hops = list(found["hops"])
        for i in self.open:
            h = hops[i]
            hops[i] = h.model_construct(direction=h.direction, at=put(h.at), step=h.step,
                                        text=put(h.text),
                                        evidence=None if h.evidence is None else put(h.evidence))
        breaks_at = found.get("breaks_at")
        return Path.model_construct(
            **fields, protocol="icmp", verdict=found["verdict"],
            disposition=found["disposition"], hops=hops,
            breaks_at=None if breaks_at is None else put(breaks_at),
            missing=sorted({put(m) for m in self.missing}))
