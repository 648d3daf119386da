"""The facts a check can need, each with how the Context tells it is there and which captures
would provide it. A check declares the facts it needs; without one it is not run, and the
report says which capture would let it run.

A fact is present when any capture gives it, directly or through an inferred object (a bridge
named only as a master or a route's device, a network known from its bridge's name): a check
whose facts are present runs, and a finding about an inferred object names the facts it was
inferred from (`base.Check.run`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from netparse.analysis.context import Context


@dataclass(frozen=True)
class Fact:
    name: str
    about: str                      # what it is, for `netparse checks --markdown`
    kinds: tuple[str, ...]          # kinds of capture, any one of which provides it
    present: Callable[[Context], bool] = field(compare=False)
    inside: bool = False            # captured inside the containers, not on the host
    command: str | None = None      # the command line, where the kind's title says too little

    @property
    def commands(self) -> list[str]:
        from netparse.kinds import KINDS

        if self.command:
            return [self.command]
        return [KINDS[kind].title for kind in self.kinds]

    @property
    def where(self) -> str:
        return " inside each container" if self.inside else ""

    def captures(self) -> list[str]:
        """The commands, as text, whose output would provide it."""
        return [command + self.where for command in self.commands]

    def left_out(self, ctx: Context) -> list:
        """The captures that could hold this fact but that a limit kept from being read: the
        fact is then not there, whatever the other captures say (a kind not told by its name
        could be any)."""
        return [e for e in ctx.left_out if (e.kind is None or e.kind in self.kinds)
                and (e.container is not None) == self.inside]


INTERFACES = Fact("interfaces", "the host's interfaces: state, MTU, addresses, veth peers",
                  ("ip_addr", "ip_link"), lambda ctx: ctx.iface_source is not None)
BRIDGES = Fact("bridges", "the host's bridges and their ports",
               ("brctl_show", "bridge_link", "ip_addr", "ip_link"),
               lambda ctx: ctx.bridge_source is not None or bool(ctx.topology.bridges))
ROUTES = Fact("routes", "the host's routing table", ("ip_route", "route_n"),
              lambda ctx: ctx.route_source is not None)
# A check that concludes from absence (no route, no address, no veth) needs the whole listing;
# a view (`ip route | grep default`, `ip addr | grep -A1 docker0`) lacks what it did not select.
WHOLE_INTERFACES = Fact("whole-interfaces", "the host's interfaces, the whole listing (not "
                        "filtered through grep or a template)", ("ip_addr", "ip_link"),
                        lambda ctx: ctx.iface_source is not None and "interfaces" not in ctx.views,
                        command="ip addr or ip link, not filtered")
WHOLE_ROUTES = Fact("whole-routes", "the host's routing table, the whole of it (not filtered "
                    "through grep or a template)", ("ip_route", "route_n"),
                    lambda ctx: ctx.route_source is not None and "routes" not in ctx.views,
                    command="ip route or route -n, not filtered")
# A view of a listing (`docker inspect ... | grep IPAddress`, an inspect fragment, `docker ps
# --filter ...`) shows what it holds and proves nothing by what it lacks: the facts that checks
# conclude absence from (a container not recorded, a mapping not in place, a veth no container
# owns) are present only with the whole output. A view still builds the topology.
CONTAINERS = Fact("containers", "containers' state, endpoints and addresses as the engine "
                  "records them (a whole `docker inspect`, not filtered nor a fragment)",
                  ("docker_inspect",),
                  lambda ctx: ctx.inspect_source is not None and "containers" not in ctx.views)
# That a container has an endpoint is evidence from whatever shows it: its record (whole or a
# view), `docker ps`, a network's Containers, the `docker run` line that started it.
ENDPOINTS = Fact("endpoints", "containers' endpoints, from any record of them (docker inspect, "
                 "docker ps, a network's Containers, the `docker run` that started it)",
                 ("docker_inspect",),
                 lambda ctx: any(c.endpoints for c in ctx.topology.containers))
# Inferred from the containers' endpoints when `docker network inspect` is missing.
NETWORKS = Fact("networks", "Docker networks: subnets, gateways, bridges",
                ("docker_network_inspect", "docker_inspect"),
                lambda ctx: ctx.network_source is not None or bool(ctx.topology.networks))
IP_FORWARD = Fact("ip-forward", "the kernel's net.ipv4.ip_forward", ("sysctl",),
                  lambda ctx: ctx.topology.ip_forward is not None,
                  command="sysctl net.ipv4.ip_forward")
CONTAINER_LIST = Fact("container-list", "the containers the engine lists", ("docker_ps",),
                      lambda ctx: ctx.ps_source is not None and "container-list" not in ctx.views)
# What a capture taken inside a container is matched against: only the engine's own lists can
# show that a container is not there.
LISTED_CONTAINERS = Fact("listed-containers", "the containers the engine lists or records",
                         ("docker_ps", "docker_inspect"),
                         lambda ctx: CONTAINER_LIST.present(ctx) or CONTAINERS.present(ctx))
FIREWALL = Fact("firewall", "the host's IPv4 iptables rules", ("iptables_save", "iptables_list"),
                lambda ctx: ctx.firewall is not None)
# Without -v an `iptables -L` listing leaves out each rule's -i/-o: what a rule matches is then
# unknown wherever interfaces matter.
FIREWALL_INTERFACES = Fact(
    "firewall-interfaces", "the host's IPv4 iptables rules with each rule's interfaces "
    "(`iptables -L` shows them only with -v)", ("iptables_save", "iptables_list"),
    lambda ctx: ctx.firewall is not None and all(
        getattr(e.model, "verbose", True)
        for e in [e for es in ctx.firewall_listings.values() for e in es] or [ctx.firewall]),
    command="iptables-save or iptables -L -n -v")
# What a packet's walk takes as the firewall: iptables' rules with their interfaces, or `nft
# list ruleset` alone, whose tables include iptables-nft's.
FIREWALL_WALKED = Fact(
    "firewall-walked", "the host's IPv4 firewall as a packet's walk takes it: iptables rules "
    "with their interfaces, or nftables' ruleset", ("iptables_save", "iptables_list",
                                                    "nft_ruleset"),
    lambda ctx: FIREWALL_INTERFACES.present(ctx) or ctx.nft is not None,
    command="iptables-save, iptables -L -n -v or nft list ruleset")
INSIDE_ADDRESSES = Fact("inside-addresses", "the addresses configured inside the containers",
                        ("ip_addr",), inside=True,
                        present=lambda ctx: any(c.inside and c.inside.addresses
                                                for c in ctx.topology.containers))
INSIDE_ROUTES = Fact("inside-routes", "the routes inside the containers",
                     ("ip_route", "route_n"), inside=True,
                     present=lambda ctx: any(c.inside and c.inside.routes is not None
                                             for c in ctx.topology.containers))

FACTS = (INTERFACES, WHOLE_INTERFACES, BRIDGES, ROUTES, WHOLE_ROUTES, CONTAINERS, ENDPOINTS, NETWORKS, IP_FORWARD, CONTAINER_LIST,
         LISTED_CONTAINERS, FIREWALL, FIREWALL_INTERFACES, FIREWALL_WALKED, INSIDE_ADDRESSES,
         INSIDE_ROUTES)
