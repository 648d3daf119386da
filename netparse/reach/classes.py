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

from netparse.reach.model import Hop, Path, made as _made
from netparse.reach.netfilter import Env, Packet
from netparse.reach.walk import route_source

_ADDRESS = re.compile(r"(?<![\w.:])(\d{1,3}(?:\.\d{1,3}){3})(?:/(\d{1,2}))?(?![\w.])")
_WORD = re.compile(r"[^\s\"']+")
_HOLE = re.compile("\x00[^\x00]*\x00")


class Literals:
    """What any rule of the firewall that a ping can meet can tell one container from another
    by: the IPv4 addresses it names exactly, the networks it and the ipsets name, with every
    container network's subnet (which decides what a container reaches on its link), and the
    words of the rules (an interface such as a veth named by `--physdev-in`, or a prefix
    `veth+`)."""

    def __init__(self, facts):
        exact, networks, words = set(), [], set()
        fw = facts.firewall
        for table in fw.tables.values() if fw else ():
            for chain in table.chains.values():
                for rule in chain.rules:
                    if _other_protocol(rule):
                        continue
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
        subnets: dict = {}  # thousands of containers share a few subnets
        for c in facts.topology.containers:
            for ep in c.endpoints:
                if ep.ip is not None and ep.prefix_len is not None:
                    key = subnet_key(ep.ip, ep.prefix_len)
                    if key not in subnets:
                        subnets[key] = ip_network(f"{ep.ip}/{ep.prefix_len}", strict=False)
                    networks.append(subnets[key])
        self.exact = frozenset(exact)
        self.networks = list(dict.fromkeys(networks))
        # {(version, prefix length): {leading bits: positions in networks}}
        self._by_prefix: dict = {}
        for position, n in enumerate(self.networks):
            self._by_prefix.setdefault((n.version, n.prefixlen), {}).setdefault(
                int(n.network_address) >> (n.max_prefixlen - n.prefixlen), []).append(position)
        self.words = frozenset(w for w in words if not w.endswith("+"))
        self.prefixes = tuple(sorted({w[:-1] for w in words if w.endswith("+")}))

    def holding(self, ip) -> tuple[int, ...]:
        """The positions in `networks` of those that hold `ip`, in order: what testing each
        network would tell, looked up by the address's leading bits at each prefix length."""
        found: list[int] = []
        for (version, prefixlen), by_bits in self._by_prefix.items():
            if version == ip.version:
                found += by_bits.get(int(ip) >> (ip.max_prefixlen - prefixlen), ())
        return tuple(sorted(found))


def subnet_key(ip, prefix_len: int) -> tuple:
    """`ip_network(f"{ip}/{prefix_len}", strict=False)` as a key that is equal where those
    networks are equal (version, prefix length, leading bits), made without parsing text."""
    return ip.version, prefix_len, int(ip) >> (ip.max_prefixlen - prefix_len)


# The walks by class are pings: a rule whose protocol is not ICMP never decides them (Docker
# names each published port's container address in TCP and UDP rules).
_PING = Packet(src=None, dst=None, proto="icmp")


def _other_protocol(rule) -> bool:
    return any(m.text.startswith("-p ") and m.test(_PING, Env()) is False for m in rule.matches)


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
                literals.holding(ip), id(route), mine,
                subnet_key(ip, ep.prefix_len) if ep.prefix_len else None)
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


def fillings(role: str, c) -> dict[str, str]:
    """Each placeholder of `holes` for container `c` in `role`, with its value."""
    return {f"\x00{role}.{slot}\x00": value for slot, value in own_values(c)}


class _Text:
    """A text with placeholders, ready to take a member's values."""

    def __init__(self, text: str):
        keys = _HOLE.findall(text)
        self.keys = keys
        self.format = _HOLE.sub("{}", text.replace("{", "{{").replace("}", "}}"))
        # "a" or "b" when the text names one container of the pair only, else None.
        roles = {k[1] for k in keys}
        self.role = roles.pop() if len(roles) == 1 else None

    def __call__(self, values: dict) -> str:
        return self.format.format(*[values[k] for k in self.keys])


def _text(text):
    return _Text(text) if text is not None and "\x00" in text else None


class Template:
    """A path walked with placeholders (what `_walked` gives), and each member's path from it.
    The hops without a placeholder are shared by every member's path, and a hop that names one
    container of the pair only by every path of that container (a hop is never changed)."""

    def __init__(self, found: dict, missing: list[str]):
        self.found = found
        self.open = []
        for i, h in enumerate(found["hops"]):
            texts = {"at": _text(h.at), "text": _text(h.text), "evidence": _text(h.evidence)}
            if any(texts.values()):
                roles = {t.role for t in texts.values() if t}
                self.open.append((i, h, texts, roles.pop() if len(roles) == 1 else None, {}))
        self.breaks_at = _text(found.get("breaks_at"))
        self.missing = [_text(m) or m for m in dict.fromkeys(missing)]
        self.shared_missing = sorted(set(missing)) if not any(
            isinstance(m, _Text) for m in self.missing) else None

        # A member's path: these fields with its own from, to, network and address (in the
        # order of Path's fields, which is the order JSON writes them in).
        self.base = {"from_": None, "to": None, "network": None, "address": None, "port": None,
                     "protocol": "icmp", "verdict": found["verdict"],
                     "disposition": found["disposition"], "hops": found["hops"],
                     "breaks_at": found.get("breaks_at"), "missing": self.shared_missing}

    def fill(self, a: int, b: int | None, values: dict, source: str, target: str, network,
             address, hops: bool = True) -> Path:
        """The path of member `a` (to member `b`), by their indexes, `values` theirs; without
        its hops unless `hops`."""
        fields = self.base.copy()
        fields["from_"], fields["to"], fields["network"], fields["address"] = \
            source, target, network, address
        if not hops:
            fields["hops"] = []
        elif self.open:
            fields["hops"] = made_hops = list(fields["hops"])
            for i, h, texts, role, made in self.open:
                member = a if role == "a" else b if role == "b" else None
                hop = made.get(member) if member is not None else None
                if hop is None:
                    at, text, evidence = (t(values) if t else getattr(h, name)
                                          for name, t in texts.items())
                    hop = _made(Hop, {"direction": h.direction, "at": at, "step": h.step,
                                      "text": text, "evidence": evidence})
                    if member is not None:
                        made[member] = hop
                made_hops[i] = hop
        if self.breaks_at:
            fields["breaks_at"] = self.breaks_at(values)
        if self.shared_missing is None:
            fields["missing"] = sorted({m(values) if isinstance(m, _Text) else m
                                        for m in self.missing})
        return _made(Path, fields)
