"""The checks: each a small function over the topology that yields findings.

A check names what it is about (`subjects`), says what is wrong (`message`), shows the facts it
rests on with the capture each comes from (`evidence`) and what to do (`hint`). Bridges Docker does
not manage, and networks of other drivers, never raise bridge findings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from netparse.analysis.context import Context, subnet_of
from netparse.analysis.model import Bridge, Finding, Severity

CheckFn = Callable[[Context], Iterator[Finding]]


@dataclass(frozen=True)
class Check:
    code: str
    severity: Severity
    summary: str
    run: CheckFn


CHECKS: list[Check] = []


def check(code: str, severity: Severity, summary: str):
    """Register a check; `summary` is what README and `netparse checks` say it means."""
    def register(fn):
        def run(ctx: Context) -> Iterator[Finding]:
            for f in fn(ctx):
                yield Finding(code=code, severity=f.get("severity", severity),
                              subjects=list(dict.fromkeys(f["subjects"])), message=f["message"],
                              evidence=f.get("evidence", []), hint=f.get("hint", ""))
        CHECKS.append(Check(code, severity, summary, run))
        return fn
    return register


def run_checks(ctx: Context) -> list[Finding]:
    findings = [f for c in CHECKS for f in c.run(ctx)]
    return sorted(findings, key=lambda f: (f.severity.rank, f.code, f.subjects))


def _docker_bridges(ctx: Context) -> Iterator[Bridge]:
    for b in ctx.topology.bridges:
        if b.managed:
            yield b


def _users(ctx: Context, bridge: str) -> list[str]:
    """Running containers with an endpoint on `bridge`."""
    return sorted({c.name for c in ctx.topology.containers if c.running
                   for ep in c.endpoints if ep.bridge == bridge})


# --- bridges -------------------------------------------------------------------------------------

@check("bridge-down", Severity.ERROR,
       "A Docker bridge is down, has no carrier, or its subnet route is `linkdown`, while "
       "running containers use it.")
def bridge_down(ctx: Context):
    for b in _docker_bridges(ctx):
        users = _users(ctx, b.name)
        if not users:
            continue
        src = ctx.iface_source
        if b.up is False:
            yield dict(subjects=[b.name, *users],
                       message=f"bridge {b.name} is administratively down while "
                               f"{len(users)} running container(s) use it: {', '.join(users)}",
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
            yield dict(subjects=[b.name, *users],
                       message=f"bridge {b.name} has no carrier (no port is up"
                               f"{': ' + ', '.join(down) + ' down' if down else ''}), "
                               f"while it serves {', '.join(users)}",
                       evidence=evidence,
                       hint="bring the containers' veths up (ip link set <veth> up), or "
                            "restart the containers")


@check("bridge-gateway", Severity.ERROR,
       "A Docker bridge lacks its network's gateway address, or carries an address that differs "
       "from it.")
def bridge_gateway(ctx: Context):
    if not ctx.iface_source:
        return
    for b in _docker_bridges(ctx):
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
            yield dict(subjects=[b.name, net.name],
                       message=f"bridge {b.name} lacks the gateway {gw} of network {net.name}: {what}",
                       evidence=[f"{ctx.network_source or ctx.inspect_source}: network {net.name} "
                                 f"gateway {gw}",
                                 f"{ctx.iface_source}: {b.name} addresses "
                                 f"{', '.join(map(str, b.addresses)) or 'none'}"],
                       hint="containers on this network cannot reach their gateway; restarting "
                            "the engine re-creates the address")


# --- veths and endpoints -------------------------------------------------------------------------

@check("orphan-veth", Severity.WARNING,
       "A veth on a Docker bridge has no container behind it.")
def orphan_veth(ctx: Context):
    paired = {ep.host_veth for c in ctx.topology.containers for ep in c.endpoints if ep.host_veth}
    for b in _docker_bridges(ctx):
        unpaired_eps = [ep for c in ctx.topology.containers if c.running
                        for ep in c.endpoints if ep.bridge == b.name and not ep.host_veth]
        free = [p for p in b.ports if p.name not in paired]
        certain = [p for p in free if _host_side_peer(ctx, p.name)]
        unsure = [p for p in free if p not in certain]
        for p in certain:
            iface = ctx.interface(p.name)
            yield dict(subjects=[p.name, b.name],
                       message=f"{p.name} on {b.name} is one end of a veth pair whose other end "
                               f"({iface.peer_name}) is in the host's namespace: no container is behind it",
                       evidence=[f"{ctx.iface_source}: {p.name}@{iface.peer_name} master {b.name}"],
                       hint=f"ip link del {p.name}, once you know who created it")
        if len(unsure) > len(unpaired_eps):
            extra = len(unsure) - len(unpaired_eps)
            yield dict(subjects=[b.name, *(p.name for p in unsure)],
                       message=f"{b.name} has {len(unsure)} veth(s) with no known container and only "
                               f"{len(unpaired_eps)} running endpoint(s) left to own them: "
                               f"{extra} veth(s) have no container behind them",
                       evidence=[f"{', '.join(p.sources)}: {p.name} on {b.name}" for p in unsure],
                       hint="a leftover of a container that did not shut down cleanly; "
                            "compare with `docker inspect` and delete the veth")


def _host_side_peer(ctx: Context, name: str) -> bool:
    iface = ctx.interface(name)
    return bool(iface and iface.kind == "veth" and iface.peer_name
                and ctx.interface(iface.peer_name) is not None)


@check("detached-endpoint", Severity.ERROR,
       "A container endpoint's veth is missing or not on the network's bridge.")
def detached_endpoint(ctx: Context):
    for c in ctx.topology.containers:
        for ep in c.endpoints:
            if not c.running or ep.bridge is None:
                continue
            if ep.host_veth:
                veth = ctx.interface(ep.host_veth)
                if veth is not None and veth.master != ep.bridge:
                    yield dict(subjects=[c.name, ep.host_veth, ep.bridge],
                               message=f"{c.name}'s veth {ep.host_veth} on network {ep.network} is "
                                       f"not on bridge {ep.bridge} (master: {veth.master or 'none'})",
                               evidence=[f"pairing by {ep.evidence.value}: "
                                         f"{' '.join(filter(None, [c.name, ep.container_iface]))} "
                                         f"↔ {ep.host_veth}",
                                         f"{ctx.iface_source}: {ep.host_veth} master {veth.master or 'none'}"],
                               hint=f"ip link set {ep.host_veth} master {ep.bridge}, or reconnect "
                                    f"the container: docker network disconnect/connect {ep.network} {c.name}")
            elif ep.host_ifindex is not None:  # the container names a host ifindex that is gone
                yield dict(subjects=[c.name, ep.bridge],
                           message=f"{c.name}'s veth on network {ep.network} is missing on the host",
                           evidence=[ep.unpaired_reason],
                           hint=f"reconnect the container: docker network disconnect/connect "
                                f"{ep.network} {c.name}")
    # Without pairing: more running endpoints on a bridge than veths attached to it.
    for b in _docker_bridges(ctx):
        eps = [(c.name, ep) for c in ctx.topology.containers if c.running
               for ep in c.endpoints if ep.bridge == b.name]
        veths = [p for p in b.ports if not _host_side_peer(ctx, p.name)]
        if ctx.iface_source and len(eps) > len(veths) and not any(ep.host_veth for _, ep in eps):
            yield dict(subjects=[b.name, *sorted(n for n, _ in eps)],
                       message=f"{len(eps)} running endpoint(s) on {b.name} but only {len(veths)} "
                               f"veth(s) attached to it: at least {len(eps) - len(veths)} "
                               f"container(s) are cut off",
                       evidence=[f"{ctx.inspect_source}: {n} on {ep.network}" for n, ep in eps]
                       + [f"{', '.join(p.sources)}: {p.name} on {b.name}" for p in veths],
                       hint=SETTLE_WHICH)


SETTLE_WHICH = ("capture `ip addr` inside each container to see which one lost its link, then "
                "reconnect it")


@check("address-outside-subnet", Severity.ERROR,
       "A container's address is outside its network's subnet.")
def address_outside_subnet(ctx: Context):
    for c in ctx.topology.containers:
        for ep in c.endpoints:
            net = ctx.network(ep.network)
            v4 = [s for s in (net.subnets if net else []) if s.version == 4]
            if ep.ip is None or not v4 or any(ep.ip in s for s in v4):
                continue
            yield dict(subjects=[c.name, ep.network, *map(str, v4)],
                       message=f"{c.name} has {ep.ip} on network {ep.network}, outside its "
                               f"subnet {', '.join(map(str, v4))}",
                       evidence=[f"{ctx.inspect_source}: {c.name} {ep.network} IPAddress {ep.ip}",
                                 f"{ctx.network_source or ctx.inspect_source}: {ep.network} subnet "
                                 f"{', '.join(map(str, v4))}"],
                       hint="the engine's IPAM state is inconsistent; recreate the endpoint")


@check("address-drift", Severity.ERROR,
       "The address configured inside a container differs from what the engine recorded.")
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
            yield dict(subjects=[c.name, ep.container_iface, ep.network],
                       message=f"{c.name} {ep.container_iface} has "
                               f"{', '.join(map(str, v4)) or 'no IPv4 address'} but the engine "
                               f"recorded {ep.ip}/{ep.prefix_len} on network {ep.network}",
                       evidence=[f"{src}: {ep.container_iface} {', '.join(map(str, inner)) or '-'}",
                                 f"{ctx.inspect_source}: {c.name} {ep.network} IPAddress "
                                 f"{ep.ip}/{ep.prefix_len}"],
                       hint="someone changed the address inside the container; restart the "
                            "container to restore it, and other containers' view of it")


@check("duplicate-address", Severity.ERROR,
       "Two endpoints or interfaces share an IP address, or two share a MAC.")
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
    for b in _docker_bridges(ctx):
        for a in b.addresses:
            if b.network:
                ips[(b.network, a.ip)].append(f"bridge {b.name}")
    for (network, ip), owners in sorted(ips.items(), key=str):
        if len(owners) > 1:
            yield dict(subjects=[str(ip), network, *owners],
                       message=f"{ip} is used {len(owners)} times on network {network}: {', '.join(owners)}",
                       evidence=[f"{ctx.inspect_source}: {o} {ip}" for o in owners],
                       hint="two holders of one address break both; recreate one of them")
    for mac, owners in sorted(macs.items()):
        if len(owners) > 1:
            yield dict(subjects=[mac, *owners],
                       message=f"MAC {mac} is used by {', '.join(owners)}",
                       evidence=[f"{ctx.inspect_source}: {o} MacAddress {mac}" for o in owners],
                       hint="a fixed --mac-address reused, or a copied container; give each its own")


# --- container routes ----------------------------------------------------------------------------

@check("container-default-route", Severity.ERROR,
       "A container has no default route, or its default route is not via one of its "
       "networks' gateways.")
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
            yield dict(subjects=[c.name],
                       message=f"{c.name} has no default route: it can reach only its own subnets",
                       evidence=[f"{src}: no default route",
                                 f"{ctx.inspect_source}: gateways {', '.join(map(str, sorted(gateways)))}"],
                       hint=f"nsenter -t <pid> -n ip route add default via "
                            f"{sorted(gateways)[0]}, or restart the container")
            continue
        wrong = [r for r in defaults if r.gateway not in gateways]
        if wrong and len(wrong) == len(defaults):
            yield dict(subjects=[c.name, *{str(r.gateway) for r in wrong}],
                       message=f"{c.name}'s default route goes via {wrong[0].gateway}, which is not "
                               f"the gateway of any of its networks",
                       evidence=[f"{src}: default via {r.gateway} dev {r.dev}" for r in wrong]
                       + [f"{ctx.inspect_source}: gateways {', '.join(map(str, sorted(gateways)))}"],
                       hint="restart the container to restore the engine's routes")


# --- host routes ---------------------------------------------------------------------------------

def _docker_subnets(ctx: Context):
    for net in ctx.topology.networks:
        if net.bridge and ctx.bridge(net.bridge) is not None or net.bridge == "docker0":
            for subnet in net.subnets:
                yield net, subnet


@check("route-overlap", Severity.ERROR,
       "A host route sends (part of) a Docker subnet somewhere other than its bridge.")
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
            yield dict(subjects=[str(subnet), net.bridge, r.dev or "-", str(r.destination)],
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
       "A Docker subnet has no route on its bridge in the host's routing table.")
def subnet_not_routed(ctx: Context):
    if not ctx.route_source:
        return
    for net, subnet in _docker_subnets(ctx):
        if subnet.version != 4:
            continue
        users = _users(ctx, net.bridge)
        here = ctx.routes_on(subnet, net.bridge)
        if here or not users:
            continue
        yield dict(subjects=[str(subnet), net.bridge, net.name],
                   message=f"no route to {subnet} via {net.bridge}: containers of {net.name} "
                           f"({', '.join(users)}) are unreachable from the host",
                   evidence=[f"{ctx.route_source}: no route for {subnet} dev {net.bridge}",
                             f"{ctx.network_source or ctx.inspect_source}: {net.name} subnet {subnet}"],
                   hint=f"the kernel drops this route when {net.bridge} is down or has lost its "
                        f"address; bring it up (ip link set {net.bridge} up)")


@check("mtu-above-uplink", Severity.WARNING,
       "A Docker bridge or veth has a larger MTU than the uplink that carries the default route.")
def mtu_above_uplink(ctx: Context):
    uplink = ctx.interface(ctx.topology.uplink)
    if uplink is None or uplink.mtu is None:
        return
    for b in _docker_bridges(ctx):
        users = _users(ctx, b.name)
        if not users:
            continue
        bigger = [(b.name, b.mtu)] if b.mtu and b.mtu > uplink.mtu else []
        bigger += [(p.name, p.mtu) for p in b.ports if p.mtu and p.mtu > uplink.mtu]
        if bigger:
            yield dict(subjects=[b.name, uplink.name],
                       message=f"{b.name} and its ports use MTU up to {max(m for _, m in bigger)}, "
                               f"more than {uplink.name}'s {uplink.mtu}: large packets from "
                               f"{', '.join(users)} to the outside are dropped or fragmented",
                       evidence=[f"{ctx.iface_source}: {n} mtu {m}" for n, m in bigger[:5]]
                       + [f"{ctx.iface_source}: {uplink.name} mtu {uplink.mtu} (default route, "
                          f"{ctx.route_source})"],
                       hint=f'set "mtu": {uplink.mtu} in daemon.json (or '
                            f"com.docker.network.driver.mtu on the network)")


@check("ip-forward-off", Severity.ERROR,
       "IPv4 forwarding is off while bridge networks are in use.")
def ip_forward_off(ctx: Context):
    if ctx.topology.ip_forward is not False:
        return
    users = sorted({u for b in _docker_bridges(ctx) for u in _users(ctx, b.name)})
    if users:
        yield dict(subjects=["net.ipv4.ip_forward", *users],
                   message=f"net.ipv4.ip_forward is 0: containers on bridge networks "
                           f"({', '.join(users)}) cannot reach beyond the host",
                   evidence=[f"{ctx.sysctl_source}: net.ipv4.ip_forward = 0"],
                   hint="sysctl -w net.ipv4.ip_forward=1 (and find what turned it off)")


# --- engine's own records ------------------------------------------------------------------------

@check("ps-inspect-mismatch", Severity.WARNING,
       "A container is in `docker ps` but has no `docker inspect` data, or the reverse.")
def ps_inspect_mismatch(ctx: Context):
    have_ps = ctx.ps_source is not None
    have_inspect = bool(ctx.inspect_source)
    for c in ctx.topology.containers:
        if have_inspect and c.in_ps and not c.in_inspect:
            yield dict(severity=Severity.INFO, subjects=[c.name],
                       message=f"{c.name} is in docker ps but not in docker inspect: its "
                               f"network settings are unknown",
                       evidence=[f"{ctx.inspect_source}: no {c.name}"],
                       hint=f"capture docker inspect {c.name}")
        elif have_ps and c.in_inspect and not c.in_ps and (c.running or ctx.ps_all):
            yield dict(subjects=[c.name],
                       message=f"{c.name} is in docker inspect ({c.state}) but not in docker ps: "
                               f"the captures were taken at different times",
                       evidence=[f"{ctx.inspect_source}: {c.name} {c.state}"],
                       hint="take all captures in one go (netparse collect)")


@check("port-mapping-missing", Severity.ERROR,
       "A running container's published port is configured but not in place.")
def port_mapping_missing(ctx: Context):
    for c in ctx.topology.containers:
        # As State.Running says: the engine counts a restarting container as running.
        if not (c.running or c.state == "restarting") \
                or (c.network_mode or "").startswith(("host", "none")):
            continue
        active = {(p.container_port, p.protocol, p.host_port) for p in c.published if p.host_port}
        for want in ctx.port_bindings.get(c.name, []):
            key = (want.container_port, want.protocol, want.host_port)
            if want.host_port and key not in active:
                yield dict(subjects=[c.name, f"{want.host_port}->{want.container_port}/{want.protocol}"],
                           message=f"{c.name} asks for {want.host_ip or '0.0.0.0'}:{want.host_port}->"
                                   f"{want.container_port}/{want.protocol}, but the engine has no "
                                   f"such mapping in place",
                           evidence=[f"{ctx.inspect_source}: HostConfig.PortBindings "
                                     f"{want.container_port}/{want.protocol} -> {want.host_port}",
                                     f"{ctx.inspect_source}: NetworkSettings.Ports "
                                     f"{sorted(f'{a}->{h}/{p}' for a, p, h in active) or 'none'}"],
                           hint="the port was likely taken by another process when the container "
                                "started; free it and restart the container")


# --- the captures themselves ---------------------------------------------------------------------

@check("captures-disagree", Severity.WARNING,
       "Two captures say different things about the same thing: they were taken at different "
       "times, or the host changed in between.")
def captures_disagree(ctx: Context):
    for conflict in ctx.conflicts:
        yield dict(subjects=conflict.subjects, message=conflict.message,
                   evidence=conflict.evidence,
                   hint="take all captures in one go (netparse collect) and analyse again")


@check("unknown-container", Severity.WARNING,
       "Captures were taken inside a container that the engine does not list.")
def unknown_container(ctx: Context):
    for note in ctx.notes:
        yield dict(subjects=note.subjects, message=note.message, evidence=note.evidence,
                   hint="name the folder after the container's name or id")


@check("unpaired-endpoint", Severity.INFO,
       "A running container's endpoint could not be joined to a host veth without guessing.")
def unpaired_endpoint(ctx: Context):
    for c in ctx.topology.containers:
        if not c.running:
            continue
        for ep in c.endpoints:
            if ep.host_veth is None and ep.unpaired_reason:
                yield dict(subjects=[c.name, ep.network],
                           message=f"{c.name} on {ep.network} is not paired with a veth: "
                                   f"{ep.unpaired_reason}",
                           evidence=[f"{ctx.inspect_source}: {c.name} {ep.network} "
                                     f"MAC {ep.mac or '-'} IP {ep.ip or '-'}"])
