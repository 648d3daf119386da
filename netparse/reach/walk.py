"""A packet's walk across a Docker host, there and back.

From a container: its own routes pick the bridge it leaves on (or the neighbour it reaches on
that bridge directly). On a bridge, a frame between two ports crosses netfilter only when
`bridge-nf-call-iptables` is 1. A packet that enters the host's IP stack goes through raw and nat
PREROUTING, the route lookup, filter INPUT or FORWARD (forwarding must be on) and nat
POSTROUTING, then out to a bridge and its container, or out of the host. The reply walks back
the same way with conntrack's state ESTABLISHED and the addresses NAT gave it, so a path is
reachable only if both directions get through.

Every step that depends on a fact that was not captured ends the walk as unknown, naming what
would settle it; nothing is assumed. Tables of nftables nobody captured (beside iptables-nft's,
say) are the one exception: they may drop but not undo a drop, so the walk goes on, and a path
that gets through is unknown at the end (`Leg.doubts`) while one the captured rules drop is
dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from netparse.analysis.model import Container, Endpoint
from netparse.reach.host import Facts, on_link
from netparse.reach.model import Disposition, Hop, made
from netparse.reach.netfilter import Outcome, Packet, Step, run
from netparse.reach.nft import Base, iptables_priority

# The chains a packet crosses at each hook, in priority order; nat only for a connection's first
# packet.
HOOKS = {
    "PREROUTING": ("raw", "mangle", "nat"),
    "INPUT": ("mangle", "nat", "filter"),
    "FORWARD": ("mangle", "filter"),
    "POSTROUTING": ("mangle", "nat"),
    "OUTPUT": ("raw", "mangle", "nat", "filter"),
}
FIREWALL_CAPTURE = "iptables-save (iptables_save.txt)"


class Stop(Exception):
    """The walk ends here."""

    def __init__(self, disposition: Disposition, breaks_at: str | None = None,
                 missing: list[str] | None = None):
        super().__init__(disposition.value)
        self.disposition = disposition
        self.breaks_at = breaks_at
        self.missing = missing or []


@dataclass
class Leg:
    """One direction of a path."""

    direction: str
    hops: list[Hop] = field(default_factory=list)
    # Hooks where tables nobody captured may also decide: a drop by what was captured still
    # drops, but a packet that gets through may yet be dropped there (see _path).
    doubts: list[str] = field(default_factory=list)

    def hop(self, at: str, step: str, text: str, evidence: str | None = None) -> None:
        # Built from the walk's own strings: nothing to validate (a path has dozens of hops).
        self.hops.append(made(Hop, {"direction": self.direction, "at": at, "step": step,
                                    "text": text, "evidence": evidence}))


@dataclass
class Arrival:
    """Where a leg ended: the packet as it arrived, and who got it."""

    packet: Packet
    container: Container | None = None    # delivered to this container
    host: bool = False                    # delivered to the host itself
    out: str | None = None                # left the host through this interface
    original: Packet | None = None        # the packet before NAT (for the reply's conntrack)


class Walker:
    def __init__(self, facts: Facts):
        self.facts = facts
        self.env = facts.env()
        # What the walk writes in place of a container's name, address, veth or capture, while
        # it walks one path for a class of paths (netparse.reach.classes): each member's path
        # is the walk's with its own values put back.
        self.alias: dict[str, str] = {}
        self._bases_of: dict[tuple, list[Base]] = {}  # (hook, version) -> its base chains

    def say(self, value) -> str:
        """A container's name, address, veth or capture as a hop or a verdict writes it."""
        text = str(value)
        return self.alias.get(text, text) if self.alias else text

    # --- netfilter ---------------------------------------------------------------------------

    def hook(self, leg: Leg, name: str, pkt: Packet) -> Packet:
        """`pkt` through every base chain of hook `name`, by priority: each must accept (an
        accept ends one chain only); the packet as it comes out."""
        fw = self.facts.firewall
        if fw is None:
            raise Stop(Disposition.UNKNOWN, f"{name}: the firewall was not captured",
                       [FIREWALL_CAPTURE])
        if self.facts.firewall_gaps and not leg.doubts:
            leg.doubts.append(f"{name}: more than the walked rules decide")
            leg.hop("host", "netfilter", f"{name}: tables that were not captured may decide too "
                                         f"(a drop by the captured rules still drops)",
                    self.facts.firewall.source)
        version = (pkt.dst or pkt.src).version
        nat_done = False
        for base in self._bases(name, version):
            if base.nat and (pkt.state != "NEW" or nat_done):
                # NAT is decided by a connection's first packet, by the first chain that maps it.
                continue
            if base.unknown:
                raise Stop(Disposition.UNKNOWN, f"{name}: {base.unknown}", [base.unknown])
            if base.table is None or base.chain not in base.table.chains:
                continue
            before = pkt
            outcomes = run(base.table, base.chain, pkt, self.env)
            pkt = self._settle(leg, base.table.name, base.chain, outcomes)
            nat_done = nat_done or (base.nat and pkt != before)
        return pkt

    def _bases(self, name: str, version: int) -> list[Base]:
        """The base chains on hook `name` for a packet of this IP version, by priority: found
        once for every walk of the Walker (its facts do not change)."""
        found = self._bases_of.get((name, version))
        if found is None:
            found = self._bases_of[(name, version)] = self._find_bases(name, version)
        return found

    def _find_bases(self, name: str, version: int) -> list[Base]:
        fw = self.facts.firewall
        found = []
        for table_name in HOOKS[name]:
            table = fw.tables.get(table_name)
            if fw.listed and (table is None or name not in table.chains):
                # A listing shows what was listed: a table or chain left out is not empty.
                raise Stop(Disposition.UNKNOWN, f"{table_name} {name} was not listed",
                           [f"iptables -t {table_name} -L -n -v"])
            if table is None or name not in table.chains:
                continue
            # Read as IPv4 rules; an IPv6 packet goes through them as it always did here.
            found.append(Base(name, iptables_priority(table_name, name), (4, 6), table, name,
                              table_name == "nat"))
        found += [b for b in fw.bases if b.hook == name]
        # Stable: at one priority iptables' table comes first, then nft's in capture order.
        return sorted((b for b in found if version in b.versions), key=lambda b: b.priority)

    def _settle(self, leg: Leg, table: str, chain: str, outcomes: list[Outcome]) -> Packet:
        first = outcomes[0]
        same = all(o.verdict == first.verdict and o.packet == first.packet for o in outcomes)
        if not same or first.verdict == "UNKNOWN":
            assumed = sorted({a for o in outcomes for a in o.assumed})
            verdicts = sorted({o.verdict for o in outcomes})
            leg.hop("host", "netfilter", f"{table} {chain}: the verdict depends on what was not "
                                         f"modelled ({', '.join(verdicts)})",
                    self.facts.firewall.source)
            raise Stop(Disposition.UNKNOWN, f"{table} {chain}", assumed)
        for step in first.steps:
            leg.hop("host", "netfilter", _describe(step), _where(step, self.facts))
        fw = self.facts.firewall
        for name, said in zip(fw.sets, fw.inferred):
            if any(name in step.text for step in first.steps):
                leg.hop("host", "netfilter", said, fw.source)
        if first.verdict in ("DROP", "REJECT"):
            last = first.steps[-1] if first.steps else None
            raise Stop(Disposition.DENIED, _describe(last) if last else f"{table} {chain}")
        return first.packet

    # --- the host's IP stack -----------------------------------------------------------------

    def through_host(self, leg: Leg, pkt: Packet, conn: Conn | None = None) -> Arrival:
        """A packet that entered the host's IP stack on `pkt.iif`. `conn`: the connection a
        reply belongs to, whose NAT conntrack undoes: the destination at nat PREROUTING's
        priority (raw and mangle see the reply as it arrived), the source at nat POSTROUTING's
        (or INPUT's, for the host)."""
        original = pkt
        pkt = self.hook(leg, "PREROUTING", pkt)
        if conn is not None:
            pkt = conn.undo_snat(leg, pkt, self.say)
        if pkt.dst in self.facts.local:
            pkt = self.hook(leg, "INPUT", pkt)
            if conn is not None:
                pkt = conn.undo_dnat(leg, pkt, self.say)
            leg.hop("host", "deliver", f"delivered to the host ({self.say(pkt.dst)} on "
                                       f"{self.facts.interface_with(pkt.dst)})")
            return Arrival(pkt, host=True, original=original)
        route = self.route(leg, pkt)
        forward = self.facts.topology.ip_forward
        if forward is False:
            leg.hop("host", "route", "net.ipv4.ip_forward = 0: the host does not forward",
                    self.facts.sysctl_source)
            raise Stop(Disposition.NOT_FORWARDED, "net.ipv4.ip_forward = 0")
        if forward is None:
            raise Stop(Disposition.UNKNOWN, "whether the host forwards",
                       ["sysctl net.ipv4.ip_forward (sysctl.txt)"])
        pkt = replace(pkt, oif=route.dev)
        pkt = self.hook(leg, "FORWARD", pkt)
        pkt = self.hook(leg, "POSTROUTING", pkt)
        if conn is not None:
            pkt = conn.undo_dnat(leg, pkt, self.say)
        elif pkt.src != original.src:
            leg.hop("host", "nat", f"source rewritten to {self.say(pkt.src)}")
        return self.out(leg, pkt, original)

    def route(self, leg: Leg, pkt: Packet):
        facts = self.facts
        if facts.route_source is None:
            raise Stop(Disposition.UNKNOWN, "the host's routes were not captured",
                       ["ip route show table all (ip_route.txt)"])
        if facts.policy_routing:
            raise Stop(Disposition.UNKNOWN, "policy routing rules (ip rule) are not followed",
                       [])
        if facts.policy_routing is None and not facts.all_tables:
            raise Stop(Disposition.UNKNOWN, "policy routing: not every table was captured",
                       ["ip route show table all (ip_route.txt)", "ip rule (ip_rule.txt)"])
        route = facts.routes.lookup(pkt.dst)
        if route is None or route.type in ("unreachable", "blackhole", "prohibit"):
            text = f"no route to {self.say(pkt.dst)}" if route is None else \
                f"route {route.type} {route.destination}"
            leg.hop("host", "route", text, facts.route_source)
            raise Stop(Disposition.NO_ROUTE, text)
        via = f" via {route.gateway}" if route.gateway else ""
        leg.hop("host", "route", f"{route.destination}{via} dev {route.dev}"
                                 f"{' linkdown' if route.linkdown else ''}", facts.route_source)
        return route

    def out(self, leg: Leg, pkt: Packet, original: Packet) -> Arrival:
        """After POSTROUTING: onto a bridge and to its container, or out of the host."""
        owner = self.facts.endpoint_at.get(pkt.dst)
        bridge = next((b for b in self.facts.topology.bridges if b.name == pkt.oif), None)
        if bridge is not None and owner is not None and owner[1].bridge == bridge.name:
            container, ep = owner
            self.bridge_up(leg, bridge.name)
            self.port_ok(leg, container, ep)
            name = self.say(container.name)
            leg.hop(name, "deliver", f"delivered to {name} ({self.say(pkt.dst)})")
            return Arrival(pkt, container=container, original=original)
        if owner is not None:
            # A container's address routed elsewhere (its bridge's route is gone or shadowed):
            # the packet leaves the host and never reaches it.
            name = self.say(owner[0].name)
            leg.hop("host", "route", f"leaves the host on {pkt.oif}, not on {owner[1].bridge} "
                                     f"where {name} is")
            raise Stop(Disposition.EXITS_HOST, f"{self.say(pkt.dst)} ({name}) is routed out "
                                               f"{pkt.oif}, not to {owner[1].bridge}")
        if bridge is not None:
            raise Stop(Disposition.UNKNOWN, f"{self.say(pkt.dst)} on {bridge.name} is no running "
                                            f"container's address", [])
        leg.hop("host", "route", f"leaves the host on {pkt.oif}")
        return Arrival(pkt, out=pkt.oif, original=original)

    def from_host(self, leg: Leg, pkt: Packet, conn: Conn | None = None) -> Arrival:
        """A packet the host itself sends (`conn`: the connection it answers)."""
        if conn is not None:
            pkt = conn.undo_snat(leg, pkt, self.say)
        route = self.route(leg, pkt)
        pkt = replace(pkt, oif=route.dev)
        pkt = self.hook(leg, "OUTPUT", pkt)
        pkt = self.hook(leg, "POSTROUTING", pkt)
        if conn is not None:
            pkt = conn.undo_dnat(leg, pkt, self.say)
        return self.out(leg, pkt, pkt)

    # --- links -------------------------------------------------------------------------------

    def bridge_up(self, leg: Leg, name: str) -> None:
        bridge = next((b for b in self.facts.topology.bridges if b.name == name), None)
        if bridge is None or bridge.up is None:
            raise Stop(Disposition.UNKNOWN, f"the state of bridge {name}",
                       ["ip addr (ip_addr.txt)"])
        if bridge.up is False:
            leg.hop(name, "bridge", f"bridge {name} is down", self.facts.iface_source)
            raise Stop(Disposition.LINK_DOWN, f"bridge {name} is down")

    def port_ok(self, leg: Leg, container: Container, ep: Endpoint) -> None:
        """The container's veth is on its bridge and up."""
        name = self.say(container.name)
        if ep.host_veth is None:
            raise Stop(Disposition.UNKNOWN, f"which veth is {name}'s on {ep.bridge}",
                       [f"ip addr inside {name} (containers/{name}/ip_addr.txt) or bridge fdb "
                        f"show (bridge_fdb.txt)"])
        veth = self.facts.interfaces.get(ep.host_veth)
        if veth is None:
            raise Stop(Disposition.LINK_DOWN, f"{name}'s veth is gone")
        port = f"{self.say(veth.name)} ({name})"
        if veth.master != ep.bridge:
            leg.hop(ep.bridge, "bridge", f"{port} is not on {ep.bridge} "
                                         f"(master {veth.master or 'none'})",
                    self.facts.iface_source)
            raise Stop(Disposition.LINK_DOWN, f"{port} is not on {ep.bridge}")
        if veth.up is False:
            leg.hop(ep.bridge, "bridge", f"{port} is down", self.facts.iface_source)
            raise Stop(Disposition.LINK_DOWN, f"{port} is down")

    # --- from a container --------------------------------------------------------------------

    def from_container(self, leg: Leg, c: Container, pkt: Packet,
                       conn: Conn | None = None) -> Arrival:
        """`pkt` (dst, proto, port set; src set here) sent by container `c` (`conn`: the
        connection it answers)."""
        direct = [ep for ep in c.endpoints if on_link(ep, pkt.dst)]
        if direct:
            ep = direct[0]
            pkt = replace(pkt, src=pkt.src or ep.ip)
            leg.hop(self.say(c.name), "container-route", f"{self.say(pkt.dst)} is on the link of "
                                                         f"{ep.network} ({ep.bridge})")
            return self.on_bridge(leg, c, ep, pkt, conn)
        ep, gateway = self.container_gateway(leg, c, pkt)
        pkt = replace(pkt, src=pkt.src or ep.ip)
        leg.hop(self.say(c.name), "container-route",
                f"default via {gateway} ({ep.network}, {ep.bridge})")
        return self.on_bridge(leg, c, ep, pkt, conn)

    def container_gateway(self, leg: Leg, c: Container, pkt: Packet):
        name = self.say(c.name)
        inside = c.inside.routes if c.inside and c.inside.routes is not None else None
        if inside is not None:
            defaults = [r for r in inside if r.destination is not None
                        and r.destination.prefixlen == 0 and r.type == "unicast"
                        and r.destination.version == pkt.dst.version]
            if not defaults:
                leg.hop(name, "container-route", f"no route to {self.say(pkt.dst)}",
                        None if route_source(c) is None else self.say(route_source(c)))
                raise Stop(Disposition.NO_ROUTE, f"{name} has no default route")
            gw = defaults[0].gateway
            ep = next((e for e in c.endpoints if e.ip is not None and gw is not None
                       and on_link(e, gw)), None)
            if ep is None:
                raise Stop(Disposition.UNKNOWN, f"{name}'s default route via {gw} is on no "
                                                f"known network", [])
            return ep, gw
        gateways = [(e, e.gateway) for e in c.endpoints if e.gateway is not None]
        if not gateways:
            leg.hop(name, "container-route", f"no gateway on any network of {name}")
            raise Stop(Disposition.NO_ROUTE, f"{name} has no gateway (internal network)")
        if len(gateways) > 1:
            raise Stop(Disposition.UNKNOWN, f"which of {name}'s networks holds its default "
                                            f"route", [f"route -n inside {name} "
                                                       f"(containers/{name}/route_n.txt)"])
        return gateways[0]

    def on_bridge(self, leg: Leg, c: Container, ep: Endpoint, pkt: Packet,
                  conn: Conn | None = None) -> Arrival:
        """The packet leaves `c` through `ep` onto its bridge."""
        if ep.bridge is None:
            raise Stop(Disposition.UNKNOWN, f"the bridge of {ep.network}", [])
        self.bridge_up(leg, ep.bridge)
        self.port_ok(leg, c, ep)
        owner = self.facts.endpoint_at.get(pkt.dst)
        if owner is not None and owner[1].bridge == ep.bridge and on_link(ep, pkt.dst):
            return self.bridged(leg, ep, owner, pkt, conn)
        pkt = replace(pkt, iif=ep.bridge)
        return self.through_host(leg, pkt, conn)

    def bridged(self, leg: Leg, ep: Endpoint, owner, pkt: Packet,
                conn: Conn | None = None) -> Arrival:
        """A frame from one port of a bridge to another. Conntrack sees it (and undoes a
        reply's NAT) only through br_netfilter."""
        container, their = owner
        self.port_ok(leg, container, their)
        pkt = replace(pkt, iif=ep.bridge, oif=ep.bridge, bridged=True, phys_in=ep.host_veth,
                      phys_out=their.host_veth)
        nf = self.facts.bridge_nf
        if nf is not False:
            try:
                pkt = self.hook(leg, "PREROUTING", pkt)
                pkt = self.hook(leg, "FORWARD", pkt)
                pkt = self.hook(leg, "POSTROUTING", pkt)
            except Stop as stop:
                if nf is True:
                    raise
                # bridge-nf-call-iptables not captured: fine only if netfilter would pass it too.
                raise Stop(Disposition.UNKNOWN, f"bridged on {ep.bridge}: {stop.breaks_at}",
                           stop.missing + ["sysctl net.bridge.bridge-nf-call-iptables "
                                           "(sysctl.txt)"]) from None
            if conn is not None and conn.natted:
                if nf is None:
                    raise Stop(Disposition.UNKNOWN, f"bridged on {ep.bridge}: whether conntrack "
                                                    f"undoes the connection's NAT",
                               ["sysctl net.bridge.bridge-nf-call-iptables (sysctl.txt)"])
                pkt = conn.undo_dnat(leg, conn.undo_snat(leg, pkt, self.say), self.say)
        else:
            leg.hop(ep.bridge, "bridge", "bridge-nf-call-iptables = 0: bridged frames skip "
                                         "iptables", self.facts.sysctl_source)
        name = self.say(container.name)
        leg.hop(name, "deliver", f"delivered on {ep.bridge} to {name} ({self.say(pkt.dst)})")
        return Arrival(pkt, container=container, original=pkt)

    # --- replies -----------------------------------------------------------------------------

    def reply(self, leg: Leg, there: Arrival, sender: Container | None) -> None:
        """The reply to a packet that arrived as `there`: back to its sender."""
        first = there.original or there.packet
        got = there.packet
        # The reply goes to the source the receiver saw, from the address it was sent to.
        back = Packet(src=got.dst, dst=got.src, proto=got.proto, dport=got.sport,
                      sport=got.dport, state="ESTABLISHED")
        conn = Conn(first, got)
        if there.container is not None:
            arrival = self.from_container(leg, there.container, back, conn)
        elif there.host:
            arrival = self.from_host(leg, back, conn)
        else:
            # Left the host: the far end answers the address it saw.
            seen = self.say(got.src)
            if got.src not in self.facts.local:
                leg.hop("outside", "route", f"the reply goes to {seen}, an address behind "
                                            f"this host that the outside has no route to")
                raise Stop(Disposition.REPLY_LOST, f"no source NAT: the reply to {seen} "
                                                   f"does not come back")
            leg.hop("outside", "route", f"the reply to {seen} comes back on {there.out}")
            back = replace(back, iif=there.out)
            arrival = self.through_host(leg, back, conn)
        if sender is not None and arrival.container is not sender:
            raise Stop(Disposition.REPLY_LOST, f"the reply reaches "
                       f"{self.say(arrival.container.name) if arrival.container else 'the host'}, "
                       f"not {self.say(sender.name)}")
        came = arrival.packet
        if sender is not None and (came.src, came.sport) != (first.dst, first.dport):
            # The sender's socket takes only a reply from where it sent to.
            name, now, sent = (self.say(sender.name), _at(came.src, came.sport, self.say),
                               _at(first.dst, first.dport, self.say))
            leg.hop(name, "deliver", f"the reply comes from {now}, not {sent}: dropped")
            raise Stop(Disposition.REPLY_LOST, f"the reply to {name} comes from {now}, not {sent}")

    def published(self, leg: Leg, arrival: Arrival) -> Arrival:
        """A packet delivered to the host itself on a port a container publishes reaches that
        container only through the userland proxy (docker-proxy listening on the host port,
        which no capture shows): DNAT did not send it on."""
        pkt = arrival.packet
        if not arrival.host or pkt.dport is None:
            return arrival
        owner = next((c for c in self.facts.topology.containers if c.running for p in c.published
                      if p.host_port == pkt.dport and p.protocol == pkt.proto
                      and (p.host_ip is None or p.host_ip.is_unspecified
                           or p.host_ip == pkt.dst)), None)
        if owner is None:
            return arrival
        port, name = _at(pkt.dst, pkt.dport, self.say), self.say(owner.name)
        if self.facts.userland_proxy is False:
            raise Stop(Disposition.DELIVERED, f"delivered to the host on {port}, which nothing "
                                              f"forwards to {name}: no DNAT, and the "
                                              f"userland proxy is off")
        raise Stop(Disposition.UNKNOWN, f"delivered to the host on {port}, not sent on to "
                                        f"{name} (no DNAT): only docker-proxy would "
                                        f"carry it on",
                   [f"whether docker-proxy listens on {port} (dockerd --userland-proxy; "
                    f"ss -ltnp)"])


@dataclass(frozen=True)
class Conn:
    """A connection as conntrack holds it: its first packet as sent and as NAT left it. A reply
    gets the addresses and ports the sender used back."""

    original: Packet
    translated: Packet

    @property
    def natted(self) -> bool:
        o, t = self.original, self.translated
        return (o.src, o.sport, o.dst, o.dport) != (t.src, t.sport, t.dst, t.dport)

    def undo_snat(self, leg: Leg, reply: Packet, say) -> Packet:
        o, t = self.original, self.translated
        if (o.src, o.sport) == (t.src, t.sport) or (reply.dst, reply.dport) != (t.src, t.sport):
            return reply
        leg.hop("host", "nat", f"conntrack: destination restored to {_at(o.src, o.sport, say)}")
        return replace(reply, dst=o.src, dport=o.sport)

    def undo_dnat(self, leg: Leg, reply: Packet, say) -> Packet:
        o, t = self.original, self.translated
        if (o.dst, o.dport) == (t.dst, t.dport) or (reply.src, reply.sport) != (t.dst, t.dport):
            return reply
        leg.hop("host", "nat", f"conntrack: source restored to {_at(o.dst, o.dport, say)}")
        return replace(reply, src=o.dst, sport=o.dport)


def _at(address, port, say=str) -> str:
    return f"{say(address)}:{port}" if port else say(address)


def route_source(c: Container) -> str | None:
    """The capture of a container's own routes."""
    return next((s for s in c.inside.sources if "route" in s), None) if c.inside else None


def _describe(step: Step) -> str:
    what = "policy" if step.number is None else f"rule {step.number}"
    rule = "" if step.number is None else f": {step.text}"
    if " " in step.table:  # nftables: `table inet filter chain forward`
        return f"table {step.table} chain {step.chain} {what}{rule} → {step.action}"
    return f"{step.table} {step.chain} {what}{rule} → {step.action}"


def _where(step: Step, facts: Facts) -> str | None:
    return step.where or (facts.firewall.source if facts.firewall else None)
