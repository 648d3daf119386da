"""What the topology builder, the pairing and the checks share: the Context they work on.

The Context holds the topology being built, the conflicts found between captures and, for
evidence lines, which capture each part came from. Of the analysis modules it imports only the
models, so that topology and pairing both depend on it and not on each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import ip_network

from netparse.analysis.model import (Bridge, Container, HostInterface, Network, PublishedPort,
                                     Route, Severity, Topology)
from netparse.snapshot import Entry, Snapshot


@dataclass
class Conflict:
    """Two captures that say different things about the same subject."""

    subjects: list[str]
    message: str
    evidence: list[str]
    # Facts that disagree while the topology could choose between them by rule (the engine's
    # record over a route, say) are worth knowing, not a warning: those say so here.
    severity: Severity | None = None


@dataclass
class Context:
    """The topology and what the checks need besides it."""

    snapshot: Snapshot
    topology: Topology
    conflicts: list[Conflict] = field(default_factory=list)
    notes: list[Conflict] = field(default_factory=list)
    earlier: list[Conflict] = field(default_factory=list)  # a command's earlier, other state
    inside: dict[str, list[Entry]] = field(default_factory=dict)  # container name -> captures
    # Container name -> HostConfig.PortBindings, the ports it asks to publish. Kept here, not
    # on the Container, because the report's models are a contract.
    port_bindings: dict[str, list[PublishedPort]] = field(default_factory=dict)
    # Which capture each part came from, for evidence lines.
    used: dict[str, Entry] = field(default_factory=dict)  # "interfaces", "routes", ... -> capture
    # Parts known only from a view of their command's output (filtered, or a fragment), with
    # why: "containers", "container-list", "interfaces", "routes", "networks". Such a part is
    # evidence for what it shows; a check that concludes from absence needs it whole.
    views: dict[str, str] = field(default_factory=dict)
    iface_source: str | None = None
    address_source: str | None = None  # `ip addr`: an interface without an address has none
    bridge_source: str | None = None
    route_source: str | None = None
    inspect_source: str | None = None
    network_source: str | None = None
    sysctl_source: str | None = None
    ps_source: str | None = None
    ps_all: bool = False  # a `docker ps -a` was captured: stopped containers are listed too
    # For the walk of a packet (netparse.reach) and the firewall checks.
    # The host's IPv4 iptables rules: its `iptables-save`, or else the first of its `iptables
    # -L` listings, all of which are in firewall_listings by table.
    firewall: Entry | None = None
    firewall_listings: dict[str, list[Entry]] = field(default_factory=dict)
    # Captures of iptables rules that are not the running host's tables (a saved rules file,
    # two listings pasted as one), each with how that was told.
    saved_rules: list[tuple[Entry, str]] = field(default_factory=list)
    # iptables-legacy and iptables-nft both hold tables: each fact that says so.
    both_backends: list[str] = field(default_factory=list)
    docker_iptables: str | None = None  # the engine says it manages iptables (docker info)
    bridge_nf: bool | None = None   # net.bridge.bridge-nf-call-iptables
    # What says bridged traffic skips iptables or ip6tables, each as `capture: what it says`
    # (the key at 0, or else the engine's warning that it is disabled).
    bridge_nf_off: list[str] = field(default_factory=list)
    # net.ipv4.conf.<all, default or interface>.forwarding, as far as captured.
    forwarding: dict[str, bool] = field(default_factory=dict)
    all_tables: bool = False        # every routing table was captured (`ip route show table all`)
    masquerade_off: set[str] = field(default_factory=set)  # networks created without masquerade
    # `nft list ruleset`: its tables' base chains are walked beside iptables' (netparse.reach.nft);
    # nft_own: iptables-nft's own tables are walked from it too (no iptables rules captured).
    nft: Entry | None = None
    nft_own: bool = False
    # What besides the walked rules may decide a packet's fate, each said as what it is:
    # nftables tables of the bridge or netdev family, legacy rules beside the nf_tables ones,
    # nftables not captured beside iptables-nft.
    firewall_gaps: list[str] = field(default_factory=list)
    policy_routing: bool | None = None   # `ip rule` holds rules of its own (None: not captured)
    _indexes: dict = field(default_factory=dict, repr=False)

    @property
    def left_out(self) -> list:
        """The captures a limit kept from being read (snapshot entries, with kind and
        container as far as their names tell)."""
        if "left out" not in self._indexes:
            self._indexes["left out"] = [e for e in self.snapshot.entries if e.left_out]
        return self._indexes["left out"]

    def bridge(self, name: str | None) -> Bridge | None:
        return self._index(self.topology.bridges, "name").get(name)

    def network(self, name: str | None) -> Network | None:
        return self._index(self.topology.networks, "name").get(name)

    def container(self, name: str | None) -> Container | None:
        return self._index(self.topology.containers, "name").get(name)

    def interface(self, name: str | None) -> HostInterface | None:
        return self._index(self.topology.interfaces, "name").get(name)

    def interface_at(self, ifindex: int | None) -> HostInterface | None:
        return self._index(self.topology.interfaces, "ifindex").get(ifindex)

    def routes_on(self, destination, dev: str | None) -> list[Route]:
        """Routes to exactly `destination` on device `dev`, in table order."""
        index = self._routes_index("exact", lambda: _by_destination(self.topology.routes))
        return index.get((destination, dev), [])

    def routes_within(self, subnet) -> list[Route]:
        """Unicast routes of the main table, other than default routes, to `subnet` or a part
        of it, in table order."""
        index = self._routes_index(("within", subnet.version, subnet.prefixlen),
                                   lambda: _by_prefix(self.topology.routes, subnet))
        return index.get(int(subnet.network_address) >> (subnet.max_prefixlen - subnet.prefixlen),
                         [])

    def _routes_index(self, key, build) -> dict:
        routes = self.topology.routes
        cached = self._indexes.setdefault("routes", {}).get(key)
        if cached is None or cached[0] is not routes or cached[1] != len(routes):
            cached = (routes, len(routes), build())
            self._indexes["routes"][key] = cached
        return cached[2]

    def _index(self, items: list, attr: str) -> dict:
        """The first item of `items` for each value of `attr`, rebuilt when the list grew or
        was replaced, so that a lookup costs the same with 5 interfaces or 50,000."""
        cached = self._indexes.get(attr, {}).get(id(items))
        if cached is None or cached[0] is not items or cached[1] != len(items):
            index: dict = {}
            for item in items:
                index.setdefault(getattr(item, attr), item)
            cached = (items, len(items), index)
            self._indexes.setdefault(attr, {})[id(items)] = cached
        return cached[2]


def _by_destination(routes: list[Route]) -> dict:
    index: dict = {}
    for r in routes:
        index.setdefault((r.destination, r.dev), []).append(r)
    return index


def _by_prefix(routes: list[Route], like) -> dict:
    """Main-table unicast routes no shorter than `like`'s prefix, by their leading bits."""
    shift = like.max_prefixlen - like.prefixlen
    index: dict = {}
    for r in routes:
        d = r.destination
        if d is None or d.version != like.version or r.type != "unicast" \
                or r.table not in (None, "main") or d.prefixlen == 0 \
                or d.prefixlen < like.prefixlen:
            continue
        index.setdefault(int(d.network_address) >> shift, []).append(r)
    return index


def subnet_of(ip, prefix_len: int | None):
    """The network an address/prefix pair is in (None when either is missing)."""
    if ip is None or prefix_len is None:
        return None
    return ip_network(f"{ip}/{prefix_len}", strict=False)
