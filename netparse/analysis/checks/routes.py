"""Routes and forwarding: the container's way out, the host's way to each Docker subnet."""

from __future__ import annotations

import re
from ipaddress import ip_network

from netparse.analysis.checks.base import Problem, check, docker_bridges, users
from netparse.analysis.checks.facts import (CONTAINERS, INSIDE_ROUTES, INTERFACES, IP_FORWARD,
                                            NETWORKS, ROUTES, WHOLE_ROUTES, Fact)
from netparse.analysis.context import Context
from netparse.analysis.model import Route, Severity

FORWARDING = Fact("forwarding", "the kernel's per-interface IPv4 forwarding "
                  "(net.ipv4.conf.*.forwarding)", ("sysctl",),
                  lambda ctx: bool(ctx.forwarding),
                  command="sysctl net.ipv4.conf.all.forwarding net.ipv4.conf.default.forwarding")

# Docker's bridge names, as a route's device shows them (`br-xxxxxxxx`: an author's anonymised id).
DOCKER_DEVICE = re.compile(r"docker0|docker_gwbridge|br-[0-9a-f]{12}|br-x+")


def _main_unicast(r: Route) -> bool:
    return r.type == "unicast" and r.table in (None, "main") and r.destination is not None


def _default(r: Route, version: int = 4) -> bool:
    return _main_unicast(r) and r.destination.prefixlen == 0 and r.destination.version == version


def _route_where(ctx: Context) -> str | None:
    """The routing table's capture, and the line it starts on when it is one of several in a
    file (a transcript, a table printed twice)."""
    entry = ctx.used.get("routes")
    if entry is not None and entry.first_line > 1:
        return f"{ctx.route_source}:{entry.first_line}"
    return ctx.route_source


def _route_line(ctx: Context, r: Route) -> str:
    return (f"{_route_where(ctx)}: {r.destination}{f' via {r.gateway}' if r.gateway else ''}"
            f"{f' dev {r.dev}' if r.dev else ''}"
            f"{f' metric {r.metric}' if r.metric is not None else ''}")


@check("container-default-route", Severity.ERROR,
       "A container has no default route, or one that is not via any of its networks' "
       "gateways (as the engine recorded them, or as the network's inspect says).",
       needs=(CONTAINERS, INSIDE_ROUTES))
def container_default_route(ctx: Context):
    for c in ctx.topology.containers:
        if not c.running or not c.inside or c.inside.routes is None or not c.endpoints:
            continue
        gateways = {ep.gateway for ep in c.endpoints if ep.gateway is not None}
        # The network's gateway too: an endpoint known from a network's `Containers` has none.
        gateways |= {g for ep in c.endpoints for g in getattr(ctx.network(ep.network), "gateways", [])
                     if g.version == 4}
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
                                    f"{ctx.inspect_source or ctx.network_source}: gateways "
                                    f"{', '.join(map(str, sorted(gateways)))}"],
                          hint=f"nsenter -t <pid> -n ip route add default via "
                               f"{sorted(gateways)[0]}, or restart the container")
            continue
        wrong = [r for r in defaults if r.gateway not in gateways]
        if wrong and len(wrong) == len(defaults):
            yield Problem(subjects=[c.name, *{str(r.gateway) for r in wrong}],
                          message=f"{c.name}'s default route goes via {wrong[0].gateway}, which is not "
                                  f"the gateway of any of its networks",
                          evidence=[f"{src}: default via {r.gateway} dev {r.dev}" for r in wrong]
                          + [f"{ctx.inspect_source or ctx.network_source}: gateways "
                             f"{', '.join(map(str, sorted(gateways)))}"],
                          hint="restart the container to restore the engine's routes")


def _docker_subnets(ctx: Context):
    for net in ctx.topology.networks:
        if net.bridge and ctx.bridge(net.bridge) is not None or net.bridge == "docker0":
            for subnet in net.subnets:
                yield net, subnet


def _docker_routes(ctx: Context):
    """(network name or None, bridge, subnet, evidence) of each Docker subnet: from the networks
    and, without them, from the routes on a device named as Docker names its bridges."""
    seen = set()
    source = ctx.network_source or ctx.inspect_source
    # A network known only from its bridge's route: that route, below, is the evidence.
    for net, subnet in _docker_subnets(ctx) if source else ():
        seen.add((subnet, net.bridge))
        yield net.name, net.bridge, subnet, f"{source}: {net.name} subnet {subnet} on {net.bridge}"
    for r in ctx.topology.routes:
        # fe80::/64 is on every interface: not a subnet of Docker's.
        if not _main_unicast(r) or r.gateway is not None or r.destination.prefixlen == 0 \
                or r.destination.is_link_local or (r.destination, r.dev) in seen:
            continue
        bridge = ctx.bridge(r.dev)
        if DOCKER_DEVICE.fullmatch(r.dev or "") or (bridge is not None and bridge.managed):
            seen.add((r.destination, r.dev))
            yield bridge.network if bridge else None, r.dev, r.destination, _route_line(ctx, r)


@check("route-overlap", Severity.ERROR,
       "A Docker subnet, or part of it, is also routed to another device (a more specific "
       "route, or the same subnet on the LAN or as a static route): one of the two sides is "
       "unreachable.",
       needs=(ROUTES,))
def route_overlap(ctx: Context):
    done = set()
    for network, bridge, subnet, docker_fact in _docker_routes(ctx):
        whose = f"containers of {network}" if network else f"containers on {bridge}"
        own = ctx.routes_on(subnet, bridge)
        for r in ctx.routes_within(subnet):
            pair = frozenset({(subnet, bridge), (r.destination, r.dev)})
            if r.dev == bridge or pair in done:
                continue
            done.add(pair)
            other = f"{r.dev or r.gateway}" + (f" (via {r.gateway})" if r.dev and r.gateway else "")
            if r.destination != subnet:
                what = (f"a more specific route {r.destination} goes via {other}, not {bridge}: "
                        f"traffic to {whose} in it is sent the wrong way")
            elif not own:
                what = (f"{subnet} goes via {other}, and not to {bridge}: traffic to {whose} "
                        f"is sent the wrong way")
            elif all((o.metric or 0) < (r.metric or 0) for o in own):
                what = (f"{subnet} is routed both to {bridge} and via {other}; {bridge}'s route "
                        f"wins on metric, so what lies behind {r.dev or r.gateway} in {subnet} "
                        f"is unreachable from this host (and the route takes over as soon as "
                        f"{bridge}'s goes away)")
            elif all((o.metric or 0) > (r.metric or 0) for o in own):
                what = (f"the same subnet {subnet} goes via {other}, not {bridge}, at a lower "
                        f"metric: traffic to {whose} is sent the wrong way")
            else:
                what = (f"{subnet} is routed twice at the same metric, to {bridge} and via "
                        f"{other}: whichever the kernel uses, the other side ({whose}, or what "
                        f"lies behind {r.dev or r.gateway}) is unreachable")
            yield Problem(subjects=[str(subnet), bridge, r.dev or "-", str(r.destination)],
                          message=what,
                          evidence=[_route_line(ctx, r), docker_fact]
                          + [_route_line(ctx, o) for o in own if _route_line(ctx, o) != docker_fact],
                          hint=f"remove the other route (ip route del {r.destination}"
                               f"{f' dev {r.dev}' if r.dev else ''}) or move the Docker network "
                               f"to a free range (daemon.json default-address-pools / docker "
                               f"network create --subnet)")


_HALVES = {4: (ip_network("0.0.0.0/1"), ip_network("128.0.0.0/1")),
           6: (ip_network("::/1"), ip_network("8000::/1"))}


@check("default-route-covered", Severity.INFO,
       "Two /1 routes (0.0.0.0/1 and 128.0.0.0/1, a VPN's redirect-gateway) cover the whole "
       "address space: they win over the default route, and the containers' outbound traffic "
       "takes them too.",
       needs=(ROUTES,))
def default_route_covered(ctx: Context):
    main = [r for r in ctx.topology.routes if _main_unicast(r)]
    for version, halves in _HALVES.items():
        found = [[r for r in main if r.destination == half] for half in halves]
        if not all(found):
            continue
        halves_routes = [rs[0] for rs in found]
        devices = sorted({r.dev or str(r.gateway) for r in halves_routes})
        defaults = [r for r in ctx.topology.routes if _default(r, version)]
        over = (f"they win over the default route via "
                f"{', '.join(sorted({d.dev or str(d.gateway) for d in defaults}))}" if defaults
                else "they win over any default route")
        yield Problem(subjects=[str(h) for h in halves] + devices,
                      message=f"{halves[0]} and {halves[1]} via {', '.join(devices)} cover every "
                              f"IPv{version} destination: {over}, so all outbound traffic, "
                              f"the containers' included, leaves via {', '.join(devices)}",
                      evidence=[_route_line(ctx, r) for r in halves_routes + defaults],
                      hint="as a VPN client means it; if containers must not use the tunnel, "
                           "route their subnets by policy (ip rule) instead")


_DOCKER_VETH = re.compile(r"veth[0-9a-f]{7}")


@check("default-via-port", Severity.ERROR,
       "The host's default route goes out through a veth whose other end is in a container, "
       "or through a port of a bridge: a bridge port carries no addresses of its own, and a "
       "container's veth leads into that container.",
       needs=(ROUTES, INTERFACES))
def default_via_port(ctx: Context):
    for r in ctx.topology.routes:
        if not (_default(r, 4) or _default(r, 6)):
            continue
        iface = ctx.interface(r.dev)
        if iface is None or iface.inferred:
            continue
        docker_master = iface.master and (DOCKER_DEVICE.fullmatch(iface.master)
                                          or getattr(ctx.bridge(iface.master), "managed", False))
        in_container = iface.kind == "veth" and iface.peer_ifindex is not None \
            and iface.peer_name is None and _DOCKER_VETH.fullmatch(iface.name)
        if iface.master:
            what = f"{iface.name} is a port of bridge {iface.master}"
            severity = Severity.ERROR if docker_master or iface.kind == "veth" else Severity.WARNING
        elif in_container:
            what = (f"{iface.name} is the host end of a veth whose other end "
                    f"(ifindex {iface.peer_ifindex}) is in another namespace, a container's")
            severity = Severity.ERROR
        else:
            continue
        peer = f"@if{iface.peer_ifindex}" if iface.peer_ifindex is not None else ""
        version = r.destination.version
        better = [d for d in ctx.topology.routes if _default(d, version) and d.dev != r.dev
                  and (d.metric or 0) < (r.metric or 0)]
        if better:
            # Not used while a default route of lower metric stays: a fault in waiting.
            effect = (f"it loses on metric to the default route via "
                      f"{better[0].dev or better[0].gateway} for now, and takes the host's "
                      f"outbound traffic as soon as that one goes away")
            severity = Severity.WARNING
        else:
            effect = "the host's outbound traffic does not reach its uplink"
        yield Problem(subjects=[str(r.destination), iface.name, *filter(None, [iface.master])],
                      severity=severity,
                      message=f"the default route {r.destination} goes through {iface.name}: "
                              f"{what}; {effect}",
                      evidence=[_route_line(ctx, r),
                                f"{ctx.iface_source}: {iface.name}{peer}"
                                f"{f' master {iface.master}' if iface.master else ''}"
                                f"{f' link-netnsid {iface.link_netnsid}' if iface.link_netnsid is not None else ''}"],
                      hint=f"ip route del {r.destination} dev {iface.name}, and put the default "
                           f"route back on the uplink")


@check("subnet-not-routed", Severity.ERROR,
       "A Docker subnet in use has no route on its bridge in the host's routing table.",
       needs=(WHOLE_ROUTES, NETWORKS, CONTAINERS))
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
       "IPv4 forwarding is off (`net.ipv4.ip_forward` or `net.ipv4.conf.all.forwarding` is 0, "
       "or a Docker bridge's own `forwarding` is): containers on bridge networks cannot leave "
       "the host.",
       needs=(IP_FORWARD,))
def ip_forward_off(ctx: Context):
    if ctx.topology.ip_forward:
        yield from _bridge_forwarding_off(ctx)
        return
    key = ("net.ipv4.conf.all.forwarding" if ctx.forwarding.get("all") is False
           else "net.ipv4.ip_forward")
    # Without the engine's records the containers are unknown, not absent: a Docker host has
    # docker0 at least, and nothing on a bridge network leaves the host without forwarding.
    on_it = sorted({u for b in docker_bridges(ctx) for u in users(ctx, b.name)})
    if on_it or not CONTAINERS.present(ctx):
        who = f" ({', '.join(on_it)})" if on_it else ""
        yield Problem(subjects=[key, *on_it],
                      message=f"{key} is 0: containers on bridge networks{who} cannot reach "
                              f"beyond the host",
                      evidence=[f"{ctx.sysctl_source}: {key} = 0"],
                      hint="sysctl -w net.ipv4.ip_forward=1 (and find what turned it off)")


def _bridge_forwarding_off(ctx: Context):
    """The kernel forwards a packet only if the device it came in on forwards: for the
    containers' outbound traffic, that is their bridge."""
    for name, on in sorted(ctx.forwarding.items()):
        bridge = ctx.bridge(name)
        if on or not (DOCKER_DEVICE.fullmatch(name) or (bridge is not None and bridge.managed)):
            continue
        on_it = users(ctx, name)
        key = f"net.ipv4.conf.{name}.forwarding"
        who = f" ({', '.join(on_it)})" if on_it else ""
        yield Problem(subjects=[key, name, *on_it],
                      message=f"{key} is 0 (while net.ipv4.ip_forward is 1): containers on "
                              f"{name}{who} cannot reach beyond the host",
                      evidence=[f"{ctx.sysctl_source}: {key} = 0"],
                      hint=f"sysctl -w {key}=1 (or net.ipv4.ip_forward=1, which sets every "
                           f"interface)")


@check("forwarding-default-off", Severity.INFO,
       "`net.ipv4.conf.default.forwarding` is 0: interfaces created from now on (the bridge of "
       "a new network) do not forward IPv4; the running ones keep their own setting.",
       needs=(FORWARDING,))
def forwarding_default_off(ctx: Context):
    if ctx.forwarding.get("default") is not False or ctx.topology.ip_forward is False:
        return  # with forwarding off altogether, ip-forward-off says it
    yield Problem(subjects=["net.ipv4.conf.default.forwarding"],
                  message="net.ipv4.conf.default.forwarding is 0: a bridge created from now on "
                          "(a new Docker network) will not forward its containers' traffic; "
                          "whether the running ones forward is not in the capture"
                  if "all" not in ctx.forwarding and ctx.topology.ip_forward is None else
                  "net.ipv4.conf.default.forwarding is 0: a bridge created from now on (a new "
                  "Docker network) will not forward its containers' traffic",
                  evidence=[f"{ctx.sysctl_source}: net.ipv4.conf.default.forwarding = 0"],
                  hint="find what reset it (a sysctl.d file applied after the engine started, "
                       "systemd-sysctl restarted) and set net.ipv4.ip_forward=1 again")


@check("masquerade-off", Severity.INFO,
       "A bridge network was created with IP masquerading turned off: its containers reach "
       "the outside only if the routers there route its subnet back to this host.",
       needs=(NETWORKS,))
def masquerade_off(ctx: Context):
    for net in ctx.topology.networks:
        if net.name not in ctx.masquerade_off or net.internal:
            continue
        on_it = sorted({c.name for c in ctx.topology.containers if c.running is not False
                        for ep in c.endpoints if ep.network == net.name})
        subnets = ", ".join(str(s) for s in net.subnets if s.version == 4) or "its subnet"
        who = f"its containers ({', '.join(on_it)})" if on_it else "its containers"
        yield Problem(subjects=[net.name, *(str(s) for s in net.subnets), *on_it],
                      message=f"network {net.name} does not masquerade: {who} leave the host "
                              f"with their own addresses in {subnets}, and answers reach them "
                              f"only if the network beyond routes {subnets} to this host",
                      evidence=[f"{ctx.network_source}: {net.name} "
                                f"com.docker.network.bridge.enable_ip_masquerade=false"],
                      hint=f"route {subnets} to this host on the upstream router, or recreate "
                           f"the network without the option")


@check("ipv6-default-no-gateway", Severity.ERROR,
       "A container's IPv6 default route has no usable gateway (none, or one off every "
       "on-link prefix): its IPv6 traffic beyond the subnet goes nowhere.",
       needs=(INSIDE_ROUTES,))
def ipv6_default_no_gateway(ctx: Context):
    for c in ctx.topology.containers:
        if c.running is False or not c.inside or not c.inside.routes:
            continue
        routes = c.inside.routes
        defaults = [r for r in routes if _default(r, 6)]
        ifaces = {ep.container_iface for ep in c.endpoints if ep.container_iface}
        on_link = [r.destination for r in routes if _main_unicast(r) and r.gateway is None
                   and r.destination.version == 6 and r.destination.prefixlen > 0]
        usable = [r for r in defaults if r.gateway is not None
                  and (r.gateway.is_link_local or any(r.gateway in n for n in on_link))]
        # A point-to-point device (a tunnel) needs no gateway: only the container's own
        # Ethernet interfaces do.
        broken = [r for r in defaults if r not in usable
                  and (r.dev in ifaces or re.fullmatch(r"eth\d+", r.dev or ""))]
        if not broken or usable:
            continue
        src = next((s for s in c.inside.sources if "route" in s), c.inside.sources[0])
        gateways = sorted({str(g) for ep in c.endpoints
                           for g in getattr(ctx.network(ep.network), "gateways", [])
                           if g.version == 6})
        yield Problem(subjects=[c.name, *(r.dev for r in broken)],
                      message=f"{c.name}'s IPv6 default route "
                              + ("has no gateway" if all(r.gateway is None for r in broken)
                                 else f"goes via {broken[0].gateway}, which is on no on-link prefix")
                              + f" on {broken[0].dev}: its IPv6 traffic beyond the subnet goes "
                                f"nowhere",
                      evidence=[f"{src}: {r.destination}"
                                f"{f' via {r.gateway}' if r.gateway else ''} dev {r.dev}"
                                for r in broken]
                      + ([f"{ctx.network_source or ctx.inspect_source}: IPv6 gateway "
                          f"{', '.join(gateways)}"] if gateways else []),
                      hint=(f"ip -6 route replace default via {gateways[0]} dev {broken[0].dev} "
                            f"inside the container, or restart it" if gateways else
                            "restart the container to restore the engine's routes"))


# `ip route show dev X`, `ip route list 10.0.0.0/8`, `table 100`: a part of the table, in which
# a missing route proves nothing.
_SELECTED = re.compile(r"\s(?:dev|oif|iif|match|root|exact|proto|scope|type|via|src|from|tos|"
                       r"realm|realms)\s|\s[\d:][\w.:/]*(?:\s|$)|\stable\s+(?!main\b|all\b)")


@check("no-docker-bridge", Severity.INFO,
       "The host's IPv4 routing table has no route on a Docker bridge (docker0, "
       "docker_gwbridge, br-<id>): no Docker bridge with an IPv4 address is up on this host.",
       needs=(ROUTES,))
def no_docker_bridge(ctx: Context):
    routes = [r for r in ctx.topology.routes if _main_unicast(r) and r.destination.version == 4]
    entry = ctx.used.get("routes")
    if not routes or entry is not None and (
            entry.source.filtered or _SELECTED.search(f" {entry.source.command or ''} ")):
        return  # IPv6 routes alone, or a part of the table
    if any(DOCKER_DEVICE.fullmatch(r.dev or "") or getattr(ctx.bridge(r.dev), "managed", False)
           for r in ctx.topology.routes):
        return
    if any(b.up is not False and any(a.version == 4 for a in b.addresses)
           for b in docker_bridges(ctx)):
        return  # a bridge with its address but no route: the captures disagree, not this
    devices = sorted({r.dev for r in routes if r.dev})
    yield Problem(subjects=["docker0"],
                  message="no route goes to docker0 or to any other Docker bridge: no Docker "
                          "bridge with an IPv4 address is up on this host (the engine is not "
                          "running, or runs no bridge network)",
                  evidence=[f"{_route_where(ctx)}: {len(routes)} IPv4 route{'s' if len(routes) > 1 else ''}"
                            f" of the main table, on {', '.join(devices) or 'no device'}; none "
                            f"on docker0, docker_gwbridge or br-<id>"],
                  hint="the kernel routes a bridge's subnet while the bridge is up with its "
                       "address: if the engine should run here, see whether it started "
                       "(systemctl status docker, docker info) and ip addr show docker0")
