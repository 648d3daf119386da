"""Containers' addresses: inside their subnet, as the engine recorded them, and each one once."""

from __future__ import annotations

from collections import defaultdict

from netparse.analysis.checks.base import Problem, check, docker_bridges
from netparse.analysis.checks.facts import CONTAINERS, INSIDE_ADDRESSES, NETWORKS
from netparse.analysis.context import Context, subnet_of
from netparse.analysis.model import Severity


@check("address-outside-subnet", Severity.ERROR,
       "A container's recorded address is outside its network's subnet.",
       needs=(CONTAINERS, NETWORKS))
def address_outside_subnet(ctx: Context):
    for c in ctx.topology.containers:
        for ep in c.endpoints:
            net = ctx.network(ep.network)
            v4 = [s for s in (net.subnets if net else []) if s.version == 4]
            if ep.ip is None or not v4 or any(ep.ip in s for s in v4):
                continue
            yield Problem(subjects=[c.name, ep.network, *map(str, v4)],
                          message=f"{c.name} has {ep.ip} on network {ep.network}, outside its "
                                  f"subnet {', '.join(map(str, v4))}",
                          evidence=[f"{ctx.inspect_source}: {c.name} {ep.network} IPAddress {ep.ip}",
                                    f"{ctx.network_source or ctx.inspect_source}: {ep.network} subnet "
                                    f"{', '.join(map(str, v4))}"],
                          hint="the engine's IPAM state is inconsistent; recreate the endpoint")


@check("address-drift", Severity.ERROR,
       "The address configured inside a container differs from what the engine recorded "
       "(changed by hand): other containers and DNS point at the wrong address.",
       needs=(CONTAINERS, INSIDE_ADDRESSES))
def address_drift(ctx: Context):
    for c in ctx.topology.containers:
        if not c.inside or not c.inside.addresses:
            continue
        for ep in c.endpoints:
            if ep.ip is None or not ep.container_iface:
                continue
            inner = c.inside.addresses.get(ep.container_iface)
            if inner is None:
                continue
            v4 = [a for a in inner if a.version == 4]
            recorded = subnet_of(ep.ip, ep.prefix_len)
            if any(a.ip == ep.ip and (recorded is None or a.network == recorded) for a in v4):
                continue
            src = next((s for s in c.inside.sources if "addr" in s), c.inside.sources[0])
            yield Problem(subjects=[c.name, ep.container_iface, ep.network],
                          message=f"{c.name} {ep.container_iface} has "
                                  f"{', '.join(map(str, v4)) or 'no IPv4 address'} but the engine "
                                  f"recorded {ep.ip}/{ep.prefix_len} on network {ep.network}",
                          evidence=[f"{src}: {ep.container_iface} {', '.join(map(str, inner)) or '-'}",
                                    f"{ctx.inspect_source}: {c.name} {ep.network} IPAddress "
                                    f"{ep.ip}/{ep.prefix_len}"],
                          hint="someone changed the address inside the container; restart the "
                               "container to restore it, and other containers' view of it")


# Needs no more than networks: a bridge's own addresses count too.
@check("duplicate-address", Severity.ERROR,
       "Two endpoints, or an endpoint and its bridge, share an IP address on a network, or "
       "two endpoints share a MAC.",
       needs=(NETWORKS,))
def duplicate_address(ctx: Context):
    ips: dict[tuple, list[str]] = defaultdict(list)
    macs: dict[str, list[str]] = defaultdict(list)
    for c in ctx.topology.containers:
        if not c.running:
            continue
        for ep in c.endpoints:
            if ep.ip is not None:
                ips[(ep.network, ep.ip)].append(c.name)
            if ep.mac:
                macs[ep.mac].append(f"{c.name} ({ep.network})")
    for b in docker_bridges(ctx):
        for a in b.addresses:
            if b.network:
                ips[(b.network, a.ip)].append(f"bridge {b.name}")
    for (network, ip), owners in sorted(ips.items(), key=str):
        if len(owners) > 1:
            yield Problem(subjects=[str(ip), network, *owners],
                          message=f"{ip} is used {len(owners)} times on network {network}: {', '.join(owners)}",
                          evidence=[f"{ctx.inspect_source}: {o} {ip}" for o in owners],
                          hint="two holders of one address break both; recreate one of them")
    for mac, owners in sorted(macs.items()):
        if len(owners) > 1:
            yield Problem(subjects=[mac, *owners],
                          message=f"MAC {mac} is used by {', '.join(owners)}",
                          evidence=[f"{ctx.inspect_source}: {o} MacAddress {mac}" for o in owners],
                          hint="a fixed --mac-address reused, or a copied container; give each its own")
