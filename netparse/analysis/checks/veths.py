"""Veths and endpoints: each veth on a Docker bridge has its container, each container its veth."""

from __future__ import annotations

from netparse.analysis.checks.base import Problem, check, docker_bridges, once, running_endpoints
from netparse.analysis.checks.facts import (BRIDGES, CONTAINER_LIST, CONTAINERS,
                                            WHOLE_INTERFACES)
from netparse.analysis.context import Context
from netparse.analysis.model import Severity

SETTLE_WHICH = ("capture `ip addr` inside each container to see which one lost its link, then "
                "reconnect it")


def _host_side_peer(ctx: Context, name: str) -> bool:
    iface = ctx.interface(name)
    return bool(iface and iface.kind == "veth" and iface.peer_name
                and ctx.interface(iface.peer_name) is not None)


SETTLE_UNPAIRED = ("`docker inspect $(docker ps -q)` (every running container's endpoints) "
                   "or `ip addr` inside each container")


def all_endpoints_known(ctx: Context) -> bool:
    """Every running container's endpoints are on record: `docker ps` lists the running
    containers and `docker inspect` holds each of them. Only then can a veth be said to have no
    container behind it; a container known only from a reference may own any veth."""
    if not (CONTAINERS.present(ctx) and CONTAINER_LIST.present(ctx)):
        return False
    return all(c.in_inspect for c in ctx.topology.containers
               if c.running is not False and (c.in_ps or c.inferred))


@check("orphan-veth", Severity.WARNING,
       "A veth on a Docker bridge has no container behind it (a leftover, or something "
       "attached by hand): its peer is in the host's namespace, or every running container's "
       "endpoints are known and none is left to own it.",
       needs=(BRIDGES,))
def orphan_veth(ctx: Context):
    complete = all_endpoints_known(ctx)
    for b, unsure, unpaired_eps in _free_ports(ctx):
        for p in _host_side_peers(ctx, b):
            iface = ctx.interface(p.name)
            yield Problem(subjects=[p.name, b.name],
                          message=f"{p.name} on {b.name} is one end of a veth pair whose other end "
                                  f"({iface.peer_name}) is in the host's namespace: no container is behind it",
                          evidence=[f"{ctx.iface_source}: {p.name}@{iface.peer_name} master {b.name}"],
                          hint=f"ip link del {p.name}, once you know who created it")
        if complete and len(unsure) > len(unpaired_eps):
            extra = len(unsure) - len(unpaired_eps)
            yield Problem(subjects=[b.name, *(p.name for p in unsure)],
                          message=f"{b.name} has {len(unsure)} veth(s) with no known container and only "
                                  f"{len(unpaired_eps)} running endpoint(s) left to own them: "
                                  f"{extra} veth(s) have no container behind them",
                          evidence=[f"{', '.join(p.sources)}: {p.name} on {b.name}" for p in unsure]
                          + [f"{ctx.ps_source} and {ctx.inspect_source}: every running "
                             f"container's endpoints"],
                          hint="a leftover of a container that did not shut down cleanly; "
                               "compare with `docker inspect` and delete the veth")


@check("unpaired-veth", Severity.INFO,
       "A veth on a Docker bridge could not be joined to a container, and the captures do not "
       "show every running container's endpoints: it may have one behind it, or none.",
       needs=(BRIDGES,))
def unpaired_veth(ctx: Context):
    if all_endpoints_known(ctx):
        return  # then orphan-veth decides
    for b, unsure, unpaired_eps in _free_ports(ctx):
        if len(unsure) > len(unpaired_eps):
            known = (f"; {len(unpaired_eps)} known running endpoint(s) on it are not paired"
                     if unpaired_eps else "")
            yield Problem(subjects=[b.name, *(p.name for p in unsure)],
                          message=f"{b.name} has {len(unsure)} veth(s) with no known container"
                                  f"{known}: the captures do not show every running container's "
                                  f"endpoints, so whether a container is behind "
                                  f"{'them' if len(unsure) > 1 else 'it'} is not known",
                          evidence=[f"{', '.join(p.sources)}: {p.name} on {b.name}" for p in unsure],
                          hint=f"capture {SETTLE_UNPAIRED} to decide")


def _host_side_peers(ctx: Context, b):
    paired = _paired(ctx)
    return [p for p in b.ports if p.name not in paired and _host_side_peer(ctx, p.name)]


def _paired(ctx: Context) -> set[str]:
    return once(ctx, "paired veths", lambda: {ep.host_veth for c in ctx.topology.containers
                                              for ep in c.endpoints if ep.host_veth})


def _free_ports(ctx: Context):
    """For each Docker bridge: its ports that no container is known to own and that could be
    a container's (the peer is not in the host's namespace), and the running endpoints on it
    not yet paired with a veth."""
    paired = _paired(ctx)
    # A link seen inside a container names its host ifindex, paired or not.
    claimed = {ep.host_ifindex for c in ctx.topology.containers for ep in c.endpoints
               if ep.host_ifindex is not None}
    for b in docker_bridges(ctx):
        unpaired_eps = [ep for _, ep in running_endpoints(ctx, b.name) if not ep.host_veth]
        unsure = [p for p in b.ports if p.name not in paired and not _host_side_peer(ctx, p.name)
                  and (p.ifindex is None or p.ifindex not in claimed)]
        yield b, unsure, unpaired_eps


@check("detached-endpoint", Severity.ERROR,
       "A container endpoint's veth is missing, or is not on its network's bridge: the "
       "container is cut off.",
       needs=(WHOLE_INTERFACES, CONTAINERS))
def detached_endpoint(ctx: Context):
    for c in ctx.topology.containers:
        for ep in c.endpoints:
            if not c.running or ep.bridge is None:
                continue
            if ep.host_veth:
                veth = ctx.interface(ep.host_veth)
                if veth is not None and veth.master != ep.bridge:
                    yield Problem(subjects=[c.name, ep.host_veth, ep.bridge],
                                  message=f"{c.name}'s veth {ep.host_veth} on network {ep.network} is "
                                          f"not on bridge {ep.bridge} (master: {veth.master or 'none'})",
                                  evidence=[f"pairing by {ep.evidence.value}: "
                                            f"{' '.join(filter(None, [c.name, ep.container_iface]))} "
                                            f"↔ {ep.host_veth}",
                                            f"{ctx.iface_source}: {ep.host_veth} master {veth.master or 'none'}"],
                                  hint=f"ip link set {ep.host_veth} master {ep.bridge}, or reconnect "
                                       f"the container: docker network disconnect/connect {ep.network} {c.name}")
            elif ep.host_ifindex is not None:  # the container names a host ifindex that is gone
                yield Problem(subjects=[c.name, ep.bridge],
                              message=f"{c.name}'s veth on network {ep.network} is missing on the host",
                              evidence=[ep.unpaired_reason],
                              hint=f"reconnect the container: docker network disconnect/connect "
                                   f"{ep.network} {c.name}")
    # Without pairing: more running endpoints on a bridge than veths attached to it.
    for b in docker_bridges(ctx):
        eps = [(c.name, ep) for c, ep in running_endpoints(ctx, b.name)]
        veths = [p for p in b.ports if not _host_side_peer(ctx, p.name)]
        if len(eps) > len(veths) and not any(ep.host_veth for _, ep in eps):
            yield Problem(subjects=[b.name, *sorted(n for n, _ in eps)],
                          message=f"{len(eps)} running endpoint(s) on {b.name} but only {len(veths)} "
                                  f"veth(s) attached to it: at least {len(eps) - len(veths)} "
                                  f"container(s) are cut off",
                          evidence=[f"{ctx.inspect_source}: {n} on {ep.network}" for n, ep in eps]
                          + [f"{', '.join(p.sources)}: {p.name} on {b.name}" for p in veths],
                          hint=SETTLE_WHICH)
