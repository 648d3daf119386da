"""Docker's bridges: up, carrying traffic, holding their network's gateway."""

from __future__ import annotations

from netparse.analysis.checks.base import Problem, check, docker_bridges, users
from netparse.analysis.checks.facts import BRIDGES, CONTAINERS, INTERFACES, NETWORKS
from netparse.analysis.context import Context
from netparse.analysis.model import Severity


@check("bridge-down", Severity.ERROR,
       "A Docker bridge is down, has no carrier, or its subnet route is `linkdown`, while "
       "running containers use it: their traffic goes nowhere.",
       needs=(BRIDGES, CONTAINERS))
def bridge_down(ctx: Context):
    for b in docker_bridges(ctx):
        on_it = users(ctx, b.name)
        if not on_it:
            continue
        src = ctx.iface_source
        if b.up is False:
            yield Problem(subjects=[b.name, *on_it],
                          message=f"bridge {b.name} is administratively down while "
                                  f"{len(on_it)} running container(s) use it: {', '.join(on_it)}",
                          evidence=[f"{src}: {b.name} state {b.state}, no UP flag"],
                          hint=f"ip link set {b.name} up (and find out who took it down)")
            continue
        linkdown = [r for r in ctx.topology.routes if r.dev == b.name and r.linkdown
                    and r.table in (None, "main") and r.type == "unicast"]
        if b.carrier is False or linkdown:
            down = [p.name + (f" ({p.container})" if p.container else "")
                    for p in b.ports if p.up is False]
            evidence = [f"{src}: {b.name} NO-CARRIER, state {b.state}"] if b.carrier is False else []
            evidence += [f"{src}: port {p} is down" for p in down]
            evidence += [f"{ctx.route_source}: {r.destination} dev {b.name} linkdown" for r in linkdown]
            yield Problem(subjects=[b.name, *on_it],
                          message=f"bridge {b.name} has no carrier (no port is up"
                                  f"{': ' + ', '.join(down) + ' down' if down else ''}), "
                                  f"while it serves {', '.join(on_it)}",
                          evidence=evidence,
                          hint="bring the containers' veths up (ip link set <veth> up), or "
                               "restart the containers")


@check("bridge-gateway", Severity.ERROR,
       "A Docker bridge lacks its network's gateway address, or carries another one instead: "
       "containers cannot reach their default gateway.",
       needs=(INTERFACES, NETWORKS))
def bridge_gateway(ctx: Context):
    for b in docker_bridges(ctx):
        net = ctx.network(b.network)
        if net is None or not net.gateways or ctx.interface(b.name) is None:
            continue
        have = {a.ip for a in b.addresses}
        for gw in net.gateways:
            if gw in have:
                continue
            same_family = [a for a in b.addresses if a.version == gw.version and not a.ip.is_link_local]
            what = (f"has {', '.join(map(str, same_family))} instead" if same_family
                    else "has no address of that family")
            yield Problem(subjects=[b.name, net.name],
                          message=f"bridge {b.name} lacks the gateway {gw} of network {net.name}: {what}",
                          evidence=[f"{ctx.network_source or ctx.inspect_source}: network {net.name} "
                                    f"gateway {gw}",
                                    f"{ctx.iface_source}: {b.name} addresses "
                                    f"{', '.join(map(str, b.addresses)) or 'none'}"],
                          hint="containers on this network cannot reach their gateway; restarting "
                               "the engine re-creates the address")
