"""Routes and forwarding: the container's way out, the host's way to each Docker subnet."""

from __future__ import annotations

from netparse.analysis.checks.base import Problem, check, docker_bridges, users
from netparse.analysis.checks.facts import (CONTAINERS, INSIDE_ROUTES, INTERFACES, IP_FORWARD,
                                            NETWORKS, ROUTES)
from netparse.analysis.context import Context
from netparse.analysis.model import Severity


@check("container-default-route", Severity.ERROR,
       "A container has no default route, or one that is not via any of its networks' "
       "gateways.",
       needs=(CONTAINERS, INSIDE_ROUTES))
def container_default_route(ctx: Context):
    for c in ctx.topology.containers:
        if not c.running or not c.inside or c.inside.routes is None or not c.endpoints:
            continue
        gateways = {ep.gateway for ep in c.endpoints if ep.gateway is not None}
        if not gateways:
            continue  # internal networks have no gateway, and so no default route
        defaults = [r for r in c.inside.routes if r.destination is not None
                    and r.destination.prefixlen == 0 and r.destination.version == 4
                    and r.type == "unicast"]
        src = next((s for s in c.inside.sources if "route" in s), c.inside.sources[0])
        if not defaults:
            yield Problem(subjects=[c.name],
                          message=f"{c.name} has no default route: it can reach only its own subnets",
                          evidence=[f"{src}: no default route",
                                    f"{ctx.inspect_source}: gateways {', '.join(map(str, sorted(gateways)))}"],
                          hint=f"nsenter -t <pid> -n ip route add default via "
                               f"{sorted(gateways)[0]}, or restart the container")
            continue
        wrong = [r for r in defaults if r.gateway not in gateways]
        if wrong and len(wrong) == len(defaults):
            yield Problem(subjects=[c.name, *{str(r.gateway) for r in wrong}],
                          message=f"{c.name}'s default route goes via {wrong[0].gateway}, which is not "
                                  f"the gateway of any of its networks",
                          evidence=[f"{src}: default via {r.gateway} dev {r.dev}" for r in wrong]
                          + [f"{ctx.inspect_source}: gateways {', '.join(map(str, sorted(gateways)))}"],
                          hint="restart the container to restore the engine's routes")


def _docker_subnets(ctx: Context):
    for net in ctx.topology.networks:
        if net.bridge and ctx.bridge(net.bridge) is not None or net.bridge == "docker0":
            for subnet in net.subnets:
                yield net, subnet


@check("route-overlap", Severity.ERROR,
       "A host route sends a Docker subnet, or part of it, somewhere other than its bridge (a "
       "more specific route, or the same subnet on the LAN).",
       needs=(ROUTES, NETWORKS))
def route_overlap(ctx: Context):
    for net, subnet in _docker_subnets(ctx):
        for r in ctx.routes_within(subnet):
            if r.dev == net.bridge:
                continue
            own = ctx.routes_on(subnet, net.bridge)
            shadowed = r.destination == subnet and any(
                (o.metric or 0) < (r.metric or 0) for o in own)
            if shadowed:
                what = "a duplicate route, losing on metric for now,"
                effect = f"it takes over as soon as the route on {net.bridge} goes away"
            else:
                what = "the same subnet" if r.destination == subnet else "a more specific route"
                effect = f"traffic to containers of {net.name} in it is sent the wrong way"
            yield Problem(subjects=[str(subnet), net.bridge, r.dev or "-", str(r.destination)],
                          severity=Severity.WARNING if shadowed else Severity.ERROR,
                          message=f"{what} {r.destination} goes via {r.dev or r.gateway}, not "
                                  f"{net.bridge}: {effect}",
                          evidence=[f"{ctx.route_source}: {r.destination}"
                                    f"{f' via {r.gateway}' if r.gateway else ''} dev {r.dev}"
                                    f"{f' metric {r.metric}' if r.metric is not None else ''}",
                                    f"{ctx.network_source or ctx.inspect_source}: {net.name} "
                                    f"subnet {subnet} on {net.bridge}"],
                          hint=f"remove the route (ip route del {r.destination} dev {r.dev}) or move "
                               f"the Docker network to a free range (daemon.json "
                               f"default-address-pools / docker network create --subnet)")


@check("subnet-not-routed", Severity.ERROR,
       "A Docker subnet in use has no route on its bridge in the host's routing table.",
       needs=(ROUTES, NETWORKS, CONTAINERS))
def subnet_not_routed(ctx: Context):
    for net, subnet in _docker_subnets(ctx):
        if subnet.version != 4:
            continue
        on_it = users(ctx, net.bridge)
        here = ctx.routes_on(subnet, net.bridge)
        if here or not on_it:
            continue
        yield Problem(subjects=[str(subnet), net.bridge, net.name],
                      message=f"no route to {subnet} via {net.bridge}: containers of {net.name} "
                              f"({', '.join(on_it)}) are unreachable from the host",
                      evidence=[f"{ctx.route_source}: no route for {subnet} dev {net.bridge}",
                                f"{ctx.network_source or ctx.inspect_source}: {net.name} subnet {subnet}"],
                      hint=f"the kernel drops this route when {net.bridge} is down or has lost its "
                           f"address; bring it up (ip link set {net.bridge} up)")


@check("mtu-above-uplink", Severity.WARNING,
       "A Docker bridge or veth has a larger MTU than the uplink that carries the default "
       "route: large packets to the outside are dropped or fragmented.",
       needs=(INTERFACES, ROUTES, CONTAINERS))
def mtu_above_uplink(ctx: Context):
    uplink = ctx.interface(ctx.topology.uplink)
    if uplink is None or uplink.mtu is None:
        return
    for b in docker_bridges(ctx):
        on_it = users(ctx, b.name)
        if not on_it:
            continue
        bigger = [(b.name, b.mtu)] if b.mtu and b.mtu > uplink.mtu else []
        bigger += [(p.name, p.mtu) for p in b.ports if p.mtu and p.mtu > uplink.mtu]
        if bigger:
            yield Problem(subjects=[b.name, uplink.name],
                          message=f"{b.name} and its ports use MTU up to {max(m for _, m in bigger)}, "
                                  f"more than {uplink.name}'s {uplink.mtu}: large packets from "
                                  f"{', '.join(on_it)} to the outside are dropped or fragmented",
                          evidence=[f"{ctx.iface_source}: {n} mtu {m}" for n, m in bigger[:5]]
                          + [f"{ctx.iface_source}: {uplink.name} mtu {uplink.mtu} (default route, "
                             f"{ctx.route_source})"],
                          hint=f'set "mtu": {uplink.mtu} in daemon.json (or '
                               f"com.docker.network.driver.mtu on the network)")


@check("ip-forward-off", Severity.ERROR,
       "`net.ipv4.ip_forward` is 0 while bridge networks are in use: containers cannot leave "
       "the host.",
       needs=(IP_FORWARD, CONTAINERS))
def ip_forward_off(ctx: Context):
    if ctx.topology.ip_forward:
        return
    on_it = sorted({u for b in docker_bridges(ctx) for u in users(ctx, b.name)})
    if on_it:
        yield Problem(subjects=["net.ipv4.ip_forward", *on_it],
                      message=f"net.ipv4.ip_forward is 0: containers on bridge networks "
                              f"({', '.join(on_it)}) cannot reach beyond the host",
                      evidence=[f"{ctx.sysctl_source}: net.ipv4.ip_forward = 0"],
                      hint="sysctl -w net.ipv4.ip_forward=1 (and find what turned it off)")
