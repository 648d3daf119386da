"""The facts a packet's walk needs, gathered once: the host's addresses and links, its routes,
its forwarding settings and its firewall, each with the capture it comes from.

A fact that was not captured is None, never a default: the walk turns it into an unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netparse.analysis.model import Container, Endpoint, HostInterface, Route, Topology
from netparse.reach.netfilter import Env, Table


@dataclass
class Firewall:
    """The iptables tables of one family, as a capture holds them, and the base chains of the
    nftables tables beside them."""

    tables: dict[str, Table]
    source: str
    # From `iptables -L` listings: a table or chain that was not listed is unknown, not empty.
    listed: bool = False
    # The rules' -i/-o are known (iptables-save, or a listing with -v).
    interfaces: bool = True
    # ipsets whose members were inferred (Docker's docker-ext-bridges-v4 holds its bridge
    # networks' subnets): name -> networks, and the words that say so.
    sets: dict = field(default_factory=dict)
    inferred: list[str] = field(default_factory=list)
    # Docker's bridges the rules name (`-o docker0`, `br-<id>`), for interfaces not captured.
    bridges: frozenset = frozenset()
    # The base chains of nftables' tables beside iptables' (netparse.reach.nft.Base).
    bases: list = field(default_factory=list)
    nft_source: str | None = None

    def captures(self) -> str:
        """The captures walked, for a report."""
        both = [self.source] + ([self.nft_source] if self.nft_source else [])
        return ", ".join(dict.fromkeys(both))


@dataclass
class Facts:
    origin: str
    topology: Topology
    route_source: str | None = None
    iface_source: str | None = None
    sysctl_source: str | None = None
    # Every routing table was captured (`ip route show table all`), so the default rules hold:
    # a policy rule could only send a packet to a table we would see.
    all_tables: bool = False
    bridge_nf: bool | None = None            # net.bridge.bridge-nf-call-iptables
    firewall: Firewall | None = None         # IPv4 iptables rules
    firewall_gaps: list[str] = field(default_factory=list)  # what else may decide (nftables)
    policy_routing: bool | None = None       # `ip rule` has rules of its own; None: not captured
    userland_proxy: bool | None = None       # dockerd's --userland-proxy; None: not captured
    interfaces: dict[str, HostInterface] = field(default_factory=dict)
    local: frozenset = frozenset()
    endpoint_at: dict = field(default_factory=dict)   # address -> (container, endpoint)
    containers: dict[str, Container] = field(default_factory=dict)
    routes: RouteIndex | None = None

    def __post_init__(self):
        topo = self.topology
        self.routes = RouteIndex(topo.routes)
        self.interfaces = {i.name: i for i in topo.interfaces}
        self.local = frozenset(a.ip for i in topo.interfaces for a in i.addresses)
        for c in topo.containers:
            self.containers.setdefault(c.name, c)
            if not c.running:
                continue
            for ep in c.endpoints:
                if ep.ip is not None:
                    self.endpoint_at.setdefault(ep.ip, (c, ep))

    def env(self) -> Env:
        bridges = frozenset(b.name for b in self.topology.bridges) | \
            frozenset(n.bridge for n in self.topology.networks if n.bridge)
        sets = self.firewall.sets if self.firewall else {}
        return Env(local=self.local, address_of=self.address_of,
                   bridges=bridges | (self.firewall.bridges if self.firewall else frozenset()),
                   sets=sets)

    def address_of(self, name: str | None):
        """The primary IPv4 address of an interface (what MASQUERADE takes)."""
        iface = self.interfaces.get(name or "")
        for a in iface.addresses if iface else []:
            if a.version == 4 and not a.ip.is_link_local:
                return a.ip
        return None

    def interface_with(self, address) -> str | None:
        for i in self.topology.interfaces:
            if any(a.ip == address for a in i.addresses):
                return i.name
        return None


def on_link(ep: Endpoint, address) -> bool:
    """The address is in the endpoint's own subnet: reached on the bridge, not routed."""
    if ep.ip is None or ep.prefix_len is None or address.version != ep.ip.version:
        return False
    # The same leading bits: `address in ip_network(f"{ep.ip}/{ep.prefix_len}", strict=False)`.
    return (int(address) ^ int(ep.ip)) >> (ep.ip.max_prefixlen - ep.prefix_len) == 0


class RouteIndex:
    """The routes by table, family and prefix length, each prefix with the route the kernel
    prefers (lowest metric, the first of equals): a lookup costs one probe per prefix length
    in use, not a pass over every route (a host with thousands of containers has thousands of
    routes, and every path looks up several)."""

    def __init__(self, routes: list[Route]):
        # (table, version) -> [(prefixlen, {network as int: route}) longest first]
        found: dict[tuple, dict[int, dict[int, Route]]] = {}
        for r in routes:
            d = r.destination
            if d is None:
                continue
            by_len = found.setdefault((r.table or "main", d.version), {})
            at = by_len.setdefault(d.prefixlen, {})
            key = int(d.network_address)
            best = at.get(key)
            if best is None or (r.metric or 0) < (best.metric or 0):
                at[key] = r
        self._tables = {k: sorted(v.items(), reverse=True) for k, v in found.items()}

    def lookup(self, address, tables=("local", "main", "default")) -> Route | None:
        """The route the kernel picks for `address`: the longest prefix in the first table of
        the default rules that has one."""
        value, bits = int(address), address.max_prefixlen
        for table in tables:
            for prefixlen, at in self._tables.get((table, address.version), ()):
                shift = bits - prefixlen
                r = at.get(value >> shift << shift)
                if r is not None:
                    return r
        return None
