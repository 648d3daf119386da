"""Join the captures of a snapshot into the host's topology.

Each fact may come from several captures (bridge membership from `brctl show`, `bridge link` or
`master` in `ip addr`/`ip link`; routes from `ip route` or `route -n`; networks from
`docker network inspect` or container inspect). Whatever exists is used, and where captures
disagree a Conflict is noted for the checks to report.

Objects are built from facts, not from files: a bridge named only as a veth's master, a route's
device or a network's bridge exists; a Docker network is inferred from its bridge's name and its
subnet from the kernel's route on that bridge; a container from `docker ps`, a network's
`Containers` or a `docker exec` that ran in it. Such an object is marked `inferred`, with the
facts it rests on, each as `capture: what it says`.

Host veths are joined to container endpoints from the strongest evidence available (see
`netparse.analysis.pairing`); an endpoint is left unpaired, with the reason, rather than guessed.
"""

from __future__ import annotations

import re

from netparse.analysis.context import Conflict, Context
from netparse.analysis.model import (Bridge, Container, Endpoint, HostInterface, InsideView,
                                     Network, Port, PublishedPort, Route, Severity, Topology)
from netparse.analysis.pairing import pair
from netparse.models.base import typed
from netparse.snapshot import Entry, Snapshot, in_time
from netparse.sources.commands import NewContainer, new_container

DOCKER_BRIDGE = re.compile(r"br-[0-9a-f]{12}")
_NO_ENDPOINT_NETWORKS = {"host", "none"}
# Docker's bridges by name: their own networks (`br-<id>` is found by the id's prefix).
_DOCKER_BRIDGE_NETWORKS = {"docker0": "bridge", "docker_gwbridge": "docker_gwbridge"}
_DOCKER_EXEC = re.compile(r"\bdocker\s+(?:container\s+)?exec\b")


def build(snapshot: Snapshot) -> Context:
    ctx = Context(snapshot=snapshot, topology=Topology())
    _interfaces(ctx)
    _routes(ctx)
    _networks(ctx)
    _bridges(ctx)
    _bridge_networks(ctx)
    _containers(ctx)
    _network_endpoints(ctx)
    _inside(ctx)
    _sysctl(ctx)
    _bridge_nf(ctx)
    _firewall(ctx)
    pair(ctx)
    _port_owners(ctx)
    return ctx


def _last(entries: list[Entry], ctx: Context, what: str) -> Entry | None:
    """The latest whole capture of a kind, in the order of `snapshot.in_time` (the manifest's
    times, then the file names, then the place in a transcript); the latest of all when every
    one is a view (filtered, or a fragment). A later view is not merged into a whole capture:
    what it lacks proves nothing, so it is noted as a later view, not used. Earlier captures of
    the same command that differ from the one used are an earlier state when that order is
    known, a conflict when the files' order is all there is."""
    if not entries:
        return None
    entries = in_time(entries)
    whole = [e for e in entries if not partial(e)]
    last = (whole or entries)[-1]
    later = False
    for other in entries:
        if other is last:
            later = True
            continue
        # Other forms of a command (`ip -o addr` beside `ip -d addr`, as sosreport keeps them)
        # print different details of the same moment; only the same command is compared.
        if other.source.command != last.source.command:
            continue
        if other.model.model_dump(exclude={"unparsed"}) == last.model.model_dump(exclude={"unparsed"}):
            continue
        if later:
            note = Conflict(
                subjects=[what],
                message=f"{what} was captured again later as a view ({partial(other)}): what "
                        f"it lacks proves nothing; the topology uses the latest whole capture",
                evidence=[f"used: {at(last, command=True)}", f"later view: {at(other, command=True)}"])
            if note not in ctx.earlier:
                ctx.earlier.append(note)
            continue
        if last.source.ordered_by:
            views = [partial(e) for e in (other, last) if partial(e)]
            note = Conflict(
                subjects=[what],
                message=f"{what} was captured more than once: an earlier capture shows another "
                        f"state; the topology uses the latest"
                        + (f" ({views[0]}: what it lacks proves nothing)" if views else ""),
                evidence=[f"earlier: {at(other, command=True)}", f"latest: {at(last, command=True)}",
                          f"order told by the {_ORDER_WORDS[last.source.ordered_by]}"])
            if note not in ctx.earlier:
                ctx.earlier.append(note)
            continue
        conflict = Conflict(
            subjects=[what],
            message=f"{what} was captured more than once and the captures differ "
                    f"(taken at different times); the topology uses the last one",
            evidence=[f"{other.source.path} differs from {last.source.path}"])
        if conflict not in ctx.conflicts:
            ctx.conflicts.append(conflict)
    return last


def partial(entry: Entry) -> str | None:
    """Why a capture is a view of its command's output rather than the whole of it (filtered
    through a pipe or a template, or read from a fragment), or None when it is whole. A view is
    evidence for what it shows, never for what it lacks."""
    if entry.source.filtered:
        return f"filtered through `{entry.source.command} {entry.source.filtered}`" \
            if entry.source.filtered.startswith("|") else f"filtered through `{entry.source.filtered}`"
    objects = getattr(entry.model, "containers", None) or getattr(entry.model, "networks", None) or []
    if entry.kind in ("docker_inspect", "docker_network_inspect") \
            and any(getattr(o, "partial", False) for o in objects):
        return "read from a fragment of the output"
    if entry.kind == "docker_ps" and _PS_FILTER.search(entry.source.command or ""):
        return f"filtered by `{entry.source.command}`"
    return None


def _view(ctx: Context, part: str, entry: Entry) -> None:
    why = partial(entry)
    if why:
        ctx.views[part] = why


_PS_FILTER = re.compile(r"(?<!\S)(?:-f|--filter|-n|--last|-l|--latest)(?:[=\s]|$)")


def at(entry: Entry, command: bool = False) -> str:
    """Where a fact comes from: the capture, and the line it starts on inside a transcript;
    with `command`, a whole capture as evidence: its line always, and the command line that
    printed it when known."""
    if not command:
        return entry.source.path if entry.first_line <= 1 else f"{entry.source.path}:{entry.first_line}"
    where = f"{entry.source.path}:{entry.first_line}"
    return f"{where} `{entry.source.command}`" if entry.source.command else where


def docker_bridge_name(name: str | None) -> bool:
    if not name:
        return False
    # startswith first: most names (veths) are told apart without the pattern.
    return name in _DOCKER_BRIDGE_NETWORKS or (name.startswith("br-")
                                                and bool(DOCKER_BRIDGE.fullmatch(name)))


_ORDER_WORDS = {"manifest": "collector's manifest (start times)",
                "name": "file names (before/after, old/new, numbers)",
                "transcript": "transcript (the later run)"}


# --- host interfaces ---------------------------------------------------------------------------

def _interfaces(ctx: Context) -> None:
    addr = _last(ctx.snapshot.host("ip_addr"), ctx, "ip addr")
    link = _last(ctx.snapshot.host("ip_link"), ctx, "ip link")
    primary = addr or link
    if primary is None:
        return
    ctx.iface_source = primary.source.path
    ctx.used["interfaces"] = primary
    _view(ctx, "interfaces", primary)
    ctx.address_source = addr.source.path if addr else None
    details = {i.name: i for i in link.model.interfaces} if link and addr else {}
    for iface in [*primary.model.interfaces, *_other_devices(ctx, primary)]:
        extra = details.get(iface.name)
        link_kind = iface.link_kind or (extra.link_kind if extra else None)
        # Values of the parsed interface, of the declared types: not validated a second time.
        ctx.topology.interfaces.append(typed(HostInterface, dict(
            name=iface.name,
            ifindex=iface.ifindex,
            kind=_iface_kind(iface, link_kind),
            master=iface.master,
            state=iface.state.value if iface.state else None,
            up=iface.is_up if iface.flags else None,
            carrier=iface.has_carrier if iface.flags else None,
            mtu=iface.mtu,
            mac=iface.mac,
            peer_ifindex=iface.peer_ifindex,
            peer_name=iface.parent,
            link_netnsid=iface.link_netnsid,
            addresses=[a.address for a in iface.addresses],
        )))
    if addr and link:
        _compare_links(ctx, addr, link)


_ONE_DEVICE = re.compile(r"\bip\s+(?:-\S+\s+)*a(?:ddr|ddress)?\s+(?:show|list|ls|s)\s+"
                         r"(?:dev\s+)?(?P<dev>[\w.@-]+)\s*$")


def _other_devices(ctx: Context, primary: Entry) -> list:
    """When the latest `ip addr` shows one device (`ip addr show dev X`), the devices that other
    one-device captures show: a paste that looks at two bridges one after the other is about
    both. A complete listing never gets devices it lacks from another capture."""
    if primary.kind != "ip_addr" or not (m := _ONE_DEVICE.search(primary.source.command or "")):
        return []
    seen, found = {m["dev"]}, {}
    for e in in_time(ctx.snapshot.host("ip_addr")):
        other = _ONE_DEVICE.search(e.source.command or "")
        if e is not primary and other and other["dev"] not in seen:
            found[other["dev"]] = [i for i in e.model.interfaces if i.name == other["dev"]]
    return [i for ifaces in found.values() for i in ifaces]


def _iface_kind(iface, link_kind: str | None) -> str | None:
    if link_kind:
        return link_kind
    if iface.link_type == "loopback":
        return "loopback"
    if iface.name.startswith("veth") or (iface.peer_ifindex is not None
                                         and iface.link_netnsid is not None):
        return "veth"
    return None


def _compare_links(ctx: Context, addr: Entry, link: Entry) -> None:
    """`ip addr` and `ip link` list the same devices; if they do not, they were taken apart."""
    a = {i.name: (i.master, i.is_up) for i in addr.model.interfaces}
    b = {i.name: (i.master, i.is_up) for i in link.model.interfaces}
    differ = sorted(n for n in a.keys() | b.keys() if a.get(n) != b.get(n))
    if differ:
        ctx.conflicts.append(Conflict(
            subjects=differ[:10],
            message="ip addr and ip link disagree about these interfaces "
                    "(presence, master or up/down): taken at different times?",
            evidence=[f"{n}: {addr.source.path} says {_describe(a.get(n))}, "
                      f"{link.source.path} says {_describe(b.get(n))}" for n in differ[:10]]))


def _describe(state) -> str:
    if state is None:
        return "absent"
    master, up = state
    return f"{'up' if up else 'down'}, master {master or 'none'}"


# --- networks ------------------------------------------------------------------------------------

def _networks(ctx: Context) -> None:
    inspect = _last(ctx.snapshot.host("docker_network_inspect"), ctx, "docker network inspect")
    if inspect:
        ctx.network_source = inspect.source.path
        ctx.used["networks"] = inspect
        _view(ctx, "networks", inspect)
        for net in inspect.model.networks:
            config = net.ipam.config if net.ipam else []
            ctx.topology.networks.append(Network(
                name=net.name, id=net.id, driver=net.driver, bridge=net.bridge_name,
                subnets=[c.subnet for c in config if c.subnet is not None],
                gateways=[c.gateway for c in config if c.gateway is not None],
                internal=net.internal, mtu=net.mtu))
            if net.options.get("com.docker.network.bridge.enable_ip_masquerade") == "false":
                ctx.masquerade_off.add(net.name)
        return
    # No `docker network inspect`: infer from `docker network ls` and the containers' endpoints.
    rows = _last(ctx.snapshot.host("docker_network_ls"), ctx, "docker network ls")
    for row in rows.model.networks if rows else []:
        if row.name is None:
            continue  # a damaged row (reported as not understood): nothing to join it on
        ctx.topology.networks.append(Network(
            name=row.name, id=row.id, driver=row.driver, inferred=True,
            inferred_from=[f"{at(rows)}: {row.id or '-'} {row.name} {row.driver or '-'}"]))
    containers = _last(ctx.snapshot.host("docker_inspect"), ctx, "docker inspect")
    for c in containers.model.containers if containers else []:
        for ep in _endpoints_of(c):
            if ep.name in _NO_ENDPOINT_NETWORKS:
                continue
            net = ctx.network(ep.name)
            if net is None:
                net = Network(name=ep.name, inferred=True)
                ctx.topology.networks.append(net)
            if net.inferred:
                net.inferred_from.append(
                    f"{at(containers)}: {c.name or c.id[:12]} on network {ep.name}"
                    + "".join(f" {k} {v}" for k, v in (("NetworkID", ep.network_id),
                                                      ("IPAddress", ep.ip_interface if ep.ip_prefix_len
                                                       else ep.ip_address),
                                                      ("Gateway", ep.gateway)) if v))
            if net.id is None and ep.network_id:
                net.id = ep.network_id
            elif net.id and ep.network_id and ep.network_id.startswith(net.id):
                net.id = ep.network_id
            if ep.ip_interface is not None and ep.ip_prefix_len:
                subnet = ep.ip_interface.network
                if subnet not in net.subnets:
                    net.subnets.append(subnet)
            if ep.gateway is not None and ep.gateway not in net.gateways:
                net.gateways.append(ep.gateway)
    for net in ctx.topology.networks:
        if net.driver in (None, "bridge") and net.name == "bridge":
            net.bridge = "docker0"
        elif net.driver in (None, "bridge") and net.id and net.name not in _NO_ENDPOINT_NETWORKS:
            net.bridge = f"br-{net.id[:12]}"


def _endpoints_of(c) -> list:
    """A container's endpoints; before API 1.21 the one NetworkSettings held itself."""
    if c.networks:
        return c.networks
    return [c.default_endpoint] if c.default_endpoint is not None else []


# --- bridges -----------------------------------------------------------------------------------

def _bridges(ctx: Context) -> None:
    brctl = _last(ctx.snapshot.host("brctl_show"), ctx, "brctl show")
    blink = _last(ctx.snapshot.host("bridge_link"), ctx, "bridge link")
    listing = brctl or blink
    ctx.bridge_source = listing.source.path if listing else ctx.iface_source
    known = {n.bridge: n for n in ctx.topology.networks if n.bridge}
    names: dict[str, None] = {}  # in the order found

    def add(name: str) -> None:
        names.setdefault(name)

    # A bridge is shown by a line of its own (`brctl show`, its interface) or only named:
    # {name: facts that name it}. Those only named are inferred from those facts.
    own: set[str] = set()
    named: dict[str, list[str]] = {}
    said: set[tuple[str, str]] = set()  # (name, fact) in named, as a list is slow to search
    ifaces = ctx.used.get("interfaces")
    routes = ctx.used.get("routes")

    def name_it(name: str, fact: str) -> None:
        add(name)
        if (name, fact) not in said:
            said.add((name, fact))
            named.setdefault(name, []).append(fact)

    for b in brctl.model.bridges if brctl else []:
        add(b.name)
        own.add(b.name)
    for i in ctx.topology.interfaces:
        if i.kind == "bridge" or docker_bridge_name(i.name) or i.name in known:
            add(i.name)
            own.add(i.name)
    for p in blink.model.ports if blink else []:
        if p.master:
            name_it(p.master, f"{at(blink)}: {p.name} master {p.master}")
    # A veth's master is a bridge, and so is any master named as Docker names its bridges.
    for i in ctx.topology.interfaces:
        if i.master and (i.kind == "veth" or docker_bridge_name(i.master)):
            name_it(i.master, f"{at(ifaces)}: {i.name} master {i.master}")
    # The kernel takes a route only through a device that exists.
    for r in ctx.topology.routes:
        if docker_bridge_name(r.dev):
            name_it(r.dev, f"{at(routes)}: {_route_text(r)}")
    for n in ctx.topology.networks:
        if n.bridge and not n.inferred:
            name_it(n.bridge, f"{ctx.network_source}: network {n.name} has bridge {n.bridge}")
    for i in ctx.topology.interfaces:
        if i.name in names:
            i.kind = "bridge"

    # Membership as each capture sees it: {bridge: {port: [capture paths]}}.
    members: dict[str, dict[str, list[str]]] = {n: {} for n in names}
    for b in brctl.model.bridges if brctl else []:
        for port in b.interfaces:
            members[b.name].setdefault(port, []).append(brctl.source.path)
    for p in blink.model.ports if blink else []:
        if p.master in members and p.name != p.master:
            members[p.master].setdefault(p.name, []).append(blink.source.path)
    for i in ctx.topology.interfaces:
        if i.master in members:
            members[i.master].setdefault(i.name, []).append(ctx.iface_source)

    blink_ports = {p.name: p for p in blink.model.ports} if blink else {}
    for name in names:
        dev = ctx.interface(name)
        net = known.get(name)
        managed = net is not None or docker_bridge_name(name)
        if net is None and DOCKER_BRIDGE.fullmatch(name):
            net = next((n for n in ctx.topology.networks
                        if n.id and n.id.startswith(name[3:])), None)
        if net is None and name == "docker0":
            net = ctx.network("bridge")
        bridge = Bridge(
            name=name, network=net.name if net else None, managed=managed,
            inferred=name not in own, inferred_from=[] if name in own else named.get(name, []),
            state=dev.state if dev else None, up=dev.up if dev else None,
            carrier=dev.carrier if dev else None, mtu=dev.mtu if dev else None,
            mac=dev.mac if dev else _brctl_mac(brctl, name),
            addresses=list(dev.addresses) if dev else [])
        for port_name, sources in members[name].items():
            iface = ctx.interface(port_name)
            bl = blink_ports.get(port_name)
            # Values of the parsed captures, of the declared types: not validated a second time.
            bridge.ports.append(typed(Port, dict(
                name=port_name,
                ifindex=iface.ifindex if iface else (bl.ifindex if bl else None),
                peer_ifindex=iface.peer_ifindex if iface else (bl.peer_ifindex if bl else None),
                mac=iface.mac if iface else None,
                mtu=iface.mtu if iface else (bl.mtu if bl else None),
                up=iface.up if iface else None,
                link_netnsid=iface.link_netnsid if iface else None,
                sources=sources)))
        _membership_conflicts(ctx, bridge, brctl, blink)
        ctx.topology.bridges.append(bridge)
    if ctx.iface_source is None:
        _port_interfaces(ctx)


def _port_interfaces(ctx: Context) -> None:
    """With no interface listing, a bridge's ports are still the host's interfaces: known only
    from the bridge listing that names them."""
    for b in ctx.topology.bridges:
        for port in b.ports:
            if ctx.interface(port.name) is not None:
                continue
            ctx.topology.interfaces.append(HostInterface(
                name=port.name, ifindex=port.ifindex, peer_ifindex=port.peer_ifindex,
                kind="veth" if port.name.startswith("veth") else None, master=b.name,
                mtu=port.mtu, inferred=True,
                inferred_from=[f"{source}: {port.name} on {b.name}" for source in port.sources]))


def _bridge_networks(ctx: Context) -> None:
    """The Docker network of each Docker bridge that no capture tied to one, inferred from the
    bridge's name; and each network's subnet from the kernel's route on its bridge."""
    for b in docker_bridges_of(ctx):
        if b.network is not None:
            continue
        name = _DOCKER_BRIDGE_NETWORKS.get(b.name) or b.name[3:]
        net = ctx.network(name)
        if net is None:
            net = Network(name=name, id=None if b.name in _DOCKER_BRIDGE_NETWORKS else name,
                          driver="bridge" if b.name != "docker_gwbridge" else None,
                          bridge=b.name, inferred=True)
            ctx.topology.networks.append(net)
        net.bridge = net.bridge or b.name
        how = ("the default network's bridge" if b.name == "docker0" else
               "the swarm's gateway bridge" if b.name == "docker_gwbridge" else
               f"the bridge of the network whose id starts with {name}")
        if net.inferred:
            net.inferred_from += [f"{fact} ({b.name} is {how})" for fact in _bridge_facts(ctx, b)]
        b.network = net.name
    links = _link_routes(ctx, {net.bridge for net in ctx.topology.networks if net.bridge})
    for net in ctx.topology.networks:
        if net.bridge:
            _subnet_from_routes(ctx, net, links.get(net.bridge, []))


def docker_bridges_of(ctx: Context) -> list[Bridge]:
    return [b for b in ctx.topology.bridges if b.managed]


def _bridge_facts(ctx: Context, b: Bridge) -> list[str]:
    """What shows that bridge `b` exists: its own line, or the facts that name it."""
    if b.inferred:
        return list(b.inferred_from)
    dev = ctx.interface(b.name)
    if dev is not None:
        return [f"{at(ctx.used['interfaces'])}: {b.name}"
                + "".join(f" {a}" for a in dev.addresses)]
    return [f"{ctx.bridge_source}: bridge {b.name}"]


def _link_routes(ctx: Context, devices: set[str]) -> dict[str, list[Route]]:
    """The routes on `devices` that may be the kernel's to a device's own subnet, by device, in
    table order: main-table unicast routes, with no gateway, to a subnet that is not
    link-local."""
    found: dict[str, list[Route]] = {}
    for r in ctx.topology.routes:
        d = r.destination
        if r.dev not in devices or r.table not in (None, "main") or r.type != "unicast" \
                or r.gateway is not None or r.proto not in (None, "kernel") or d is None \
                or d.prefixlen == 0 or d.is_link_local:
            continue
        found.setdefault(r.dev, []).append(r)
    return found


def _subnet_from_routes(ctx: Context, net: Network, links: list[Route]) -> None:
    """The kernel adds a route to a bridge's subnet, from the bridge's own address, when the
    address is set: `172.17.0.0/16 dev docker0 proto kernel scope link src 172.17.0.1`. For a
    network known only by inference it gives the subnet and the gateway; where the engine's
    record says another subnet, the record is used and the difference noted. `links` are the
    bridge's routes of `_link_routes`."""
    routes = ctx.used.get("routes")
    for r in links:
        d = r.destination
        fact = f"{at(routes)}: {_route_text(r)}"
        recorded = [s for s in net.subnets if s.version == d.version]
        if d in recorded:
            continue
        if net.inferred and not recorded:
            net.subnets.append(d)
            if r.src is not None and r.src in d and r.src not in net.gateways:
                net.gateways.append(r.src)
            net.inferred_from.append(fact)
        elif recorded:
            source = ctx.network_source or ctx.inspect_source
            ctx.conflicts.append(Conflict(
                subjects=[net.name, net.bridge, str(d)],
                message=f"network {net.name} has subnet {', '.join(map(str, recorded))} in the "
                        f"engine's record but the kernel routes {d} to its bridge {net.bridge}; "
                        f"the topology uses the engine's record",
                evidence=[f"{source}: network {net.name} subnet "
                          f"{', '.join(map(str, recorded))}", fact],
                severity=Severity.INFO))


def _route_text(r: Route) -> str:
    """A route as `ip route` prints it, in short."""
    words = [str(r.destination) if r.destination is not None else "default"]
    for key, value in (("via", r.gateway), ("dev", r.dev), ("proto", r.proto),
                       ("scope", r.scope), ("src", r.src), ("metric", r.metric)):
        if value is not None:
            words += [key, str(value)]
    return " ".join(words) + (" linkdown" if r.linkdown else "")


def _brctl_mac(brctl: Entry | None, name: str):
    for b in brctl.model.bridges if brctl else []:
        if b.name == name:
            return b.mac
    return None


def _membership_conflicts(ctx: Context, bridge: Bridge, brctl: Entry | None,
                          blink: Entry | None) -> None:
    """A port that one capture puts on the bridge and another, which could have, does not."""
    witnesses = []
    if brctl and any(b.name == bridge.name for b in brctl.model.bridges):
        witnesses.append(brctl.source.path)
    if blink:
        witnesses.append(blink.source.path)
    for port in bridge.ports:
        if ctx.iface_source and ctx.interface(port.name) is not None:
            port_witnesses = witnesses + [ctx.iface_source]
        else:
            port_witnesses = list(witnesses)
        missing = [w for w in port_witnesses if w not in port.sources]
        if missing:
            ctx.conflicts.append(Conflict(
                subjects=[port.name, bridge.name],
                message=f"{port.name} is on {bridge.name} according to "
                        f"{', '.join(port.sources)} but not according to {', '.join(missing)}",
                evidence=[f"{s}: {port.name} on {bridge.name}" for s in port.sources]
                + [f"{m}: {port.name} not on {bridge.name}" for m in missing]))


# --- containers ----------------------------------------------------------------------------------

def _containers(ctx: Context) -> None:
    inspect = _last(ctx.snapshot.host("docker_inspect"), ctx, "docker inspect")
    if inspect:
        ctx.inspect_source = inspect.source.path
        ctx.used["containers"] = inspect
        _view(ctx, "containers", inspect)
    # `docker inspect $(docker ps -q)` inspects the running containers: a view of it that
    # leaves out State still says they ran.
    ran = inspect is not None and _RUNNING_LIST.search(inspect.source.command or "") is not None
    for c in inspect.model.containers if inspect else []:
        state = c.state
        # Values of the engine's record, of the declared types: not validated a second time.
        container = typed(Container, dict(
            name=c.name or c.id[:12], id=c.id,
            state=state.status.value if state and state.status else None,
            # A restarting container is between two runs: no namespace, no veth.
            running=(state.running and not state.restarting) if state else (True if ran else None),
            pid=state.pid if state else None,
            network_mode=c.network_mode, image=c.image, in_inspect=True))
        own_netns = not (c.network_mode or "").startswith(("host", "none", "container:"))
        for ep in _endpoints_of(c) if own_netns else []:
            if ep.name in _NO_ENDPOINT_NETWORKS:
                continue
            net = ctx.network(ep.name)
            endpoint = typed(Endpoint, dict(
                network=ep.name, network_id=ep.network_id or (net.id if net else None),
                bridge=net.bridge if net else None,
                ip=ep.ip_address, prefix_len=ep.ip_prefix_len, mac=ep.mac_address,
                gateway=ep.gateway, ipv6=ep.ipv6_interface))
            if not c.networks and c.network_mode is None:
                # NetworkSettings' own address with no network named: the default bridge, as
                # the engine puts a container on it unless told otherwise.
                endpoint.inferred = True
                endpoint.inferred_from.append(
                    f"{at(inspect)}: {container.name} NetworkSettings"
                    + "".join(f" {k} {v}" for k, v in (("IPAddress", ep.ip_address),
                                                      ("Gateway", ep.gateway),
                                                      ("Bridge", _settings_bridge(c)))
                              if v)
                    + ", no network named (the default bridge network)")
            container.endpoints.append(endpoint)
        container.published = [_published(p) for p in c.ports if p.host_port is not None]
        ctx.port_bindings[container.name] = [_published(p) for p in c.port_bindings]
        ctx.topology.containers.append(container)
    # `docker ps` (and `docker ps -a`): every capture counts, a container may be in only one.
    known = _Known(ctx.topology.containers)
    listings = ctx.snapshot.host("docker_ps")
    if listings:
        whole = [e for e in listings if not partial(e)]
        ctx.ps_source = (whole or listings)[-1].source.path
        if not whole:
            ctx.views["container-list"] = partial(listings[-1])
        ctx.ps_all = any("-a" in (e.source.command or "")
                         or "_a" in e.source.path.rsplit("/", 1)[-1] for e in listings)
    for entry in listings:
        for row in entry.model.containers:
            if row.id is None and row.name is None:
                continue  # a damaged row (reported as not understood): nothing to join it on
            container = known.find(row.id, row.name)
            if container is None:
                container = Container(
                    name=row.name or row.id, id=row.id,
                    state=row.state.value if row.state else None,
                    running=(row.state.value in ("running", "paused"))
                    if row.state else None,
                    published=[_published(p) for p in row.ports if p.host_port is not None])
                known.add(container)
                # The NETWORKS column names its networks; nothing more about the endpoints.
                for name in row.networks:
                    if name not in _NO_ENDPOINT_NETWORKS:
                        net = ctx.network(name)
                        container.endpoints.append(Endpoint(
                            network=name, network_id=net.id if net else None,
                            bridge=net.bridge if net else None, inferred=True,
                            inferred_from=[f"{at(entry)}: {container.name} networks "
                                           f"{','.join(row.networks)}"]))
            elif container.in_inspect and row.state is not None:
                _compare_states(ctx, container, row, entry)
            container.in_ps = True


def _network_endpoints(ctx: Context) -> None:
    """The endpoints a `docker network inspect` lists under each network's `Containers`: the
    container's name, endpoint, MAC and address. Where `docker inspect` recorded the same
    endpoint, it is used, and a difference is noted."""
    entry = ctx.used.get("networks")
    if entry is None:
        return
    known = _Known(ctx.topology.containers)
    for net in entry.model.networks:
        if net.name in _NO_ENDPOINT_NETWORKS:
            continue  # the host's own namespace, or none: no endpoint of a bridge
        bridge = ctx.network(net.name).bridge if ctx.network(net.name) else None
        for ne in net.containers:
            if ne.id.startswith("ep-"):
                continue  # an endpoint of another host of the swarm
            name = ne.name or ne.id[:12]
            container = known.find(ne.id, ne.name)
            if container is None:
                # Only a running (or paused) container has endpoints: its sandbox is up.
                container = Container(name=name, id=ne.id, running=True, inferred=True,
                                      inferred_from=[_listed(entry, net, name, ne)])
                known.add(container)
            elif container.inferred:
                container.inferred_from.append(_listed(entry, net, name, ne))
            ep = next((e for e in container.endpoints if e.network == net.name), None)
            ip = ne.ipv4_address
            if ep is None and container.in_inspect:
                continue  # its own record is the one to go by: captured at another moment
            if ep is None or (ep.inferred and ep.ip is None):
                if ep is None:
                    ep = Endpoint(network=net.name, inferred=True)
                    container.endpoints.append(ep)
                ep.network_id, ep.bridge = net.id, bridge
                ep.ip, ep.prefix_len = (ip.ip, ip.network.prefixlen) if ip else (None, None)
                ep.mac, ep.ipv6 = ne.mac, ne.ipv6_address
                ep.inferred_from.append(_listed(entry, net, name, ne))
                continue
            recorded = f"{ep.ip}/{ep.prefix_len}" if ep.ip else None
            differ = [(what, mine, theirs) for what, mine, theirs in (
                ("address", recorded, str(ip) if ip else None), ("MAC", ep.mac, ne.mac))
                if mine and theirs and mine != theirs]
            if differ:
                ctx.conflicts.append(Conflict(
                    subjects=[container.name, net.name],
                    message=f"{container.name} on {net.name}: "
                            + "; ".join(f"{what} {mine} in docker inspect, {theirs} in docker "
                                        f"network inspect" for what, mine, theirs in differ)
                            + "; the topology uses docker inspect's, the container's own record",
                    evidence=[f"{ctx.inspect_source}: {container.name} {net.name} "
                              f"IPAddress {recorded or '-'} MacAddress {ep.mac or '-'}",
                              _listed(entry, net, name, ne)],
                    severity=Severity.INFO))


def _listed(entry: Entry, net, name: str, ne) -> str:
    """The fact that `docker network inspect` lists a container's endpoint on `net`; built only
    where a fact is wanted, as most endpoints are the containers' own records."""
    return (f"{at(entry)}: network {net.name} Containers {name} "
            + " ".join(f"{k} {v}" for k, v in (("EndpointID", (ne.endpoint_id or "")[:12]),
                                              ("MacAddress", ne.mac),
                                              ("IPv4Address", ne.ipv4_address)) if v))


def _settings_bridge(c) -> str | None:
    """`NetworkSettings.Bridge` of an old engine's record (`docker0`), when it kept it."""
    settings = getattr(c, "NetworkSettings", None) or (c.model_extra or {}).get("NetworkSettings")
    return settings.get("Bridge") or None if isinstance(settings, dict) else None


_RUNNING_LIST = re.compile(r"(?:\$\(|`)\s*(?:sudo\s+)?(?:docker|podman)\s+"
                           r"(?:ps|container\s+(?:ls|list|ps))(?![^)`]*\s-[a-zA-Z]*a)[^)`]*(?:\)|`)")


def _compare_states(ctx: Context, container: Container, row, entry: Entry) -> None:
    """`docker ps` and `docker inspect` of one container should agree on whether it runs."""
    ps_running = row.state.value in ("running", "paused")
    if ps_running == bool(container.running) or row.state.value == "restarting":
        return
    seen = f"{entry.source.path}: {container.name} {row.status or row.state.value}"
    for c in ctx.conflicts:
        if c.subjects == [container.name] and c.message.startswith(f"{container.name} is {row.state.value} in docker ps"):
            c.evidence.insert(-1, seen)
            return
    ctx.conflicts.append(Conflict(
        subjects=[container.name],
        message=f"{container.name} is {row.state.value} in docker ps but {container.state} in "
                f"docker inspect: the captures were taken at different times",
        evidence=[seen, f"{ctx.inspect_source}: {container.name} {container.state}"]))


def _published(p) -> PublishedPort:
    # Values of the parsed port, of the declared types: not validated a second time.
    return typed(PublishedPort, dict(container_port=p.container_port, protocol=p.protocol.value,
                                     host_ip=p.host_ip, host_port=p.host_port))


class _Known:
    """The containers found so far, looked up by name or by id prefix (12 characters or more):
    the first in list order that matches either, as a scan of the list would find it."""

    def __init__(self, containers: list[Container]):
        self.containers = containers
        self.names: dict[str, int] = {}
        self.ids: dict[str, list[int]] = {}
        for position, c in enumerate(containers):
            self._index(position, c)

    def _index(self, position: int, c: Container) -> None:
        self.names.setdefault(c.name, position)
        if c.id:
            self.ids.setdefault(c.id[:12], []).append(position)

    def add(self, c: Container) -> None:
        self.containers.append(c)
        self._index(len(self.containers) - 1, c)

    def find(self, key_id: str | None, name: str | None) -> Container | None:
        first = self.names.get(name) if name else None  # the earlier of name and id wins
        if key_id and len(key_id) >= 12:
            for position in self.ids.get(key_id[:12], ()):
                if self.containers[position].id.startswith(key_id):
                    if first is None or position < first:
                        first = position
                    break
        return self.containers[first] if first is not None else None


# --- captures taken inside containers --------------------------------------------------------------

def _inside(ctx: Context) -> None:
    match = _InsideKeys(ctx)
    for key, entries in ctx.snapshot.inside().items():
        container = match(key)
        # Most keys name a known container: the rest is asked only of those that do not.
        run = new_container(key) if container is None else None
        if container is None and run is not None and run.name:
            container = match(run.name)
        if container is None and run is not None:
            container = _run_container(ctx, key, run, entries)
        if container is None and not (ctx.ps_source or ctx.inspect_source):
            execs = [e for e in entries if _DOCKER_EXEC.search(e.source.command or "")]
            if execs:
                # `docker exec` ran in it: a running container, though no listing shows it.
                container = Container(name=key, running=True, inferred=True,
                                      inferred_from=[f"{at(e)}: {e.source.command}"
                                                     for e in execs])
                ctx.topology.containers.append(container)
        if container is None:
            ctx.notes.append(Conflict(
                subjects=[key],
                message=f"captures taken inside {key!r} match no container in docker inspect "
                        f"or docker ps (by name, id or hostname)",
                evidence=[e.source.path for e in entries]))
            continue
        view = container.inside or InsideView()
        ctx.inside.setdefault(container.name, []).extend(entries)
        for e in entries:
            view.sources.append(e.source.path)
            if e.kind in ("ip_addr", "ip_link"):
                for iface in e.model.interfaces:
                    if iface.name not in view.interfaces:
                        view.interfaces.append(iface.name)
                    if e.kind == "ip_addr":
                        view.addresses[iface.name] = [a.address for a in iface.addresses]
            elif e.kind in ("ip_route", "route_n"):
                view.routes = (view.routes or []) + _convert_routes(e)
        container.inside = view
        _inside_endpoints(ctx, container, entries)


def _run_container(ctx: Context, key: str, run: NewContainer, entries: list[Entry]) -> Container:
    """A container that `docker run` started for the captures taken in it: running while they
    were taken, with an endpoint on the network `docker run` put it on (the default bridge
    unless --network named another). No listing may show it: it is new."""
    how = (f"`docker run` {'--name ' + run.name + ' ' if run.name else ''}{run.image}"
           + (f" --network {run.network}" if run.network != "bridge" else ""))
    facts = [f"{at(e)}: `{e.source.command}` ran inside a new container ({how})" for e in entries]
    container = Container(name=run.name or key, running=True, image=run.image, inferred=True,
                          inferred_from=facts)
    if run.network not in _NO_ENDPOINT_NETWORKS:
        net = ctx.network(run.network)
        bridge = net.bridge if net else ("docker0" if run.network == "bridge" else None)
        container.endpoints.append(Endpoint(
            network=run.network, network_id=net.id if net else None, bridge=bridge,
            inferred=True,
            inferred_from=[f"{facts[0]}: on network {run.network}"
                           + (" (no --network: the default bridge)"
                              if run.network == "bridge" else "")]))
    ctx.topology.containers.append(container)
    return container


def _inside_endpoints(ctx: Context, container: Container, entries: list[Entry]) -> None:
    """A container that no engine record gives endpoints to still shows its links inside:
    `eth0@if6` with its MAC and address is an endpoint whose veth is host ifindex 6."""
    if any(not ep.inferred for ep in container.endpoints):
        return  # the engine's record; pairing matches the links inside against it
    for e in entries:
        if e.kind != "ip_addr":
            continue
        for iface in e.model.interfaces:
            v4 = [a.address for a in iface.addresses if a.address.version == 4]
            if iface.peer_ifindex is None or not v4:
                continue
            fact = (f"{at(e)}: {iface.name}@if{iface.peer_ifindex} inside {container.name} "
                    f"{' '.join(map(str, v4))}" + (f" link/ether {iface.mac}" if iface.mac else ""))
            ep = next((x for x in container.endpoints if x.mac and x.mac == iface.mac), None)
            if ep is None:
                blank = [x for x in container.endpoints if x.ip is None and x.mac is None]
                ep = blank[0] if len(blank) == 1 == len(container.endpoints) else None
            if ep is None:
                nets = [n for n in ctx.topology.networks if any(v4[0].ip in s for s in n.subnets)]
                net = nets[0] if len(nets) == 1 else None
                # With no network to name, the subnet stands for it (no network name has a /).
                ep = Endpoint(network=net.name if net else str(v4[0].network),
                              network_id=net.id if net else None,
                              bridge=net.bridge if net else None, inferred=True)
                container.endpoints.append(ep)
            ep.ip, ep.prefix_len = ep.ip or v4[0].ip, ep.prefix_len or v4[0].network.prefixlen
            ep.mac = ep.mac or iface.mac
            ep.inferred_from.append(fact)


class _InsideKeys:
    """A container by the key its captures were filed under: name, id prefix, hostname,
    `pid:N` (nsenter -t N) or `netns:X` (the sandbox's namespace name). The lookups are built
    once, each keeping the first container a scan in list order would find."""

    def __init__(self, ctx: Context):
        inspect = ctx.snapshot.host("docker_inspect")
        engine = inspect[-1].model.containers if inspect else []
        self.containers = ctx.topology.containers
        self.by_id = {c.id: c for c in self.containers if c.id}
        self.by_name: dict[str, Container] = {}
        self.by_pid: dict[str, Container] = {}
        for c in self.containers:
            self.by_name.setdefault(c.name, c)
            if c.pid:
                self.by_pid.setdefault(f"pid:{c.pid}", c)
        # Engine records by sandbox and by hostname: their ids, looked up in by_id when asked.
        self.sandboxes: dict[str, str] = {}
        self.hostnames: dict[str, str] = {}
        for c in engine:
            if c.sandbox_key:
                self.sandboxes.setdefault(c.sandbox_key.rsplit("/", 1)[-1], c.id)
            if c.hostname is not None:
                self.hostnames.setdefault(c.hostname, c.id)

    def __call__(self, key: str) -> Container | None:
        key = key.lstrip("/")
        if key.startswith("pid:"):
            return self.by_pid.get(key)
        if key.startswith("netns:"):
            found = self.sandboxes.get(key[6:])
            return self.by_id.get(found) if found is not None else None
        if key in self.by_name:
            return self.by_name[key]
        if re.fullmatch(r"[0-9a-f]{6,64}", key):
            hits = [c for c in self.containers if c.id and c.id.startswith(key)]
            if len(hits) == 1:
                return hits[0]
        found = self.hostnames.get(key)
        return self.by_id.get(found) if found is not None else None


# --- routes and settings -------------------------------------------------------------------------

def _routes(ctx: Context) -> None:
    iproute = _last(ctx.snapshot.host("ip_route"), ctx, "ip route")
    tables = ctx.snapshot.host("route_n")
    route_n = _last([e for e in tables if e.model.family.value == "inet"], ctx, "route -n")
    chosen = iproute or route_n
    if chosen is None:
        return
    ctx.route_source = chosen.source.path
    ctx.used["routes"] = chosen
    _view(ctx, "routes", chosen)
    ctx.topology.routes = _convert_routes(chosen)
    # Only `ip route show table all` prints the local table.
    ctx.all_tables = chosen is iproute and any(r.table == "local" for r in ctx.topology.routes)
    defaults = sorted((r for r in ctx.topology.routes
                       if r.destination is not None and r.destination.prefixlen == 0
                       and r.destination.version == 4 and r.table in (None, "main")
                       and r.type == "unicast" and r.dev),
                      key=lambda r: r.metric or 0)
    ctx.topology.uplink = defaults[0].dev if defaults else None
    if iproute and route_n:
        _compare_route_tables(ctx, iproute, ctx.topology.routes, route_n)


def _convert_routes(entry: Entry) -> list[Route]:
    # The parsed routes hold exactly Route's field types: built without validating them again.
    if entry.kind == "ip_route":
        return [typed(Route, {"destination": r.destination, "gateway": r.gateway, "dev": r.dev,
                              "metric": r.metric, "table": r.table, "type": r.type.value,
                              "proto": r.proto, "scope": r.scope, "src": r.src,
                              "linkdown": r.linkdown})
                for r in entry.model.routes]
    return [typed(Route, {"destination": r.destination, "gateway": r.gateway, "dev": r.iface,
                          "metric": r.metric, "type": "unreachable" if r.reject else "unicast"})
            for r in entry.model.routes]


def _compare_route_tables(ctx: Context, iproute: Entry, ip_routes: list[Route],
                          route_n: Entry) -> None:
    """`ip_routes`: the routes of `iproute`, as converted for the topology."""
    def key(r: Route):
        return (str(r.destination), str(r.gateway or ""), r.dev or "")

    main = {key(r) for r in ip_routes
            if r.table in (None, "main") and r.destination is not None
            and r.destination.version == 4 and r.type == "unicast"}
    legacy = {key(r) for r in _convert_routes(route_n) if r.type == "unicast"}
    only_ip = sorted(main - legacy)
    only_rn = sorted(legacy - main)
    if only_ip or only_rn:
        ctx.conflicts.append(Conflict(
            subjects=sorted({k[0] for k in only_ip + only_rn})[:10],
            message="ip route and route -n list different IPv4 routes (taken at different times?)",
            evidence=[f"only in {iproute.source.path}: {d} via {g or '-'} dev {v}"
                      for d, g, v in only_ip[:10]]
            + [f"only in {route_n.source.path}: {d} via {g or '-'} dev {v}"
               for d, g, v in only_rn[:10]]))


def _sysctl(ctx: Context) -> None:
    entries = ctx.snapshot.host("sysctl")
    entry = _last(entries, ctx, "sysctl")
    if entry is None:
        return
    ctx.sysctl_source = entry.source.path
    # A paste may hold one `sysctl KEY` per key: every capture counts, the later one in time
    # wins.
    for e in in_time(entries):
        ctx.forwarding.update((k, v) for k, v in e.model.ipv4_forwarding.items() if v is not None)
        if e.model.ip_forward is not None:
            ctx.topology.ip_forward = e.model.ip_forward
        if e.model.bridge_nf_call_iptables is not None:
            ctx.bridge_nf = e.model.bridge_nf_call_iptables
    # net.ipv4.ip_forward and net.ipv4.conf.all.forwarding are one switch in the kernel.
    if ctx.topology.ip_forward is None:
        ctx.topology.ip_forward = ctx.forwarding.get("all")


def _bridge_nf(ctx: Context) -> None:
    """What says that bridged traffic skips iptables (ip6tables): the sysctl key at 0, or else
    the engine's warning that it is disabled (the key is 0, or br_netfilter is not loaded).
    The key itself, where captured, wins over the engine's word."""
    said: dict[str, tuple[bool, str]] = {}
    for e in ctx.snapshot.host("docker_info"):
        for key, field_name, json_key in (("iptables", "bridge_nf_iptables", "BridgeNfIptables"),
                                          ("ip6tables", "bridge_nf_ip6tables",
                                           "BridgeNfIp6tables")):
            warning = f"bridge-nf-call-{key} is disabled"
            if e.model.warned(warning):
                said[key] = (False, f"{at(e)}: WARNING: {warning}")
            elif getattr(e.model, field_name) is not None:
                value = getattr(e.model, field_name)
                said[key] = (value, f"{at(e)}: {json_key}: {str(value).lower()}")
    for e in ctx.snapshot.host("sysctl"):
        for key, value in (("iptables", e.model.bridge_nf_call_iptables),
                           ("ip6tables", e.model.bridge_nf_call_ip6tables)):
            if value is not None:
                said[key] = (value, f"{at(e)}: net.bridge.bridge-nf-call-{key} = {int(value)}")
    ctx.bridge_nf_off = [fact for on, fact in said.values() if not on]


def _firewall(ctx: Context) -> None:
    """The host's IPv4 iptables rules: the last `iptables-save` that is not ip6tables' nor a
    saved rules file, or else the `iptables -L` listings, the last of each table."""
    saves = [e for e in ctx.snapshot.host("iptables_save") if _ipv4(e)]
    live = []
    for e in saves:
        why = saved_file(e)
        if why:
            ctx.saved_rules.append((e, why))
        else:
            live.append(e)
    # Both backends may hold rules (iptables-legacy-save beside iptables-save): the walk reads
    # the nf_tables one, the one Docker writes to on current hosts.
    current = [e for e in live if e.model.backend != "legacy"]
    ctx.firewall = (current or live)[-1] if live else None
    listings = [e for e in ctx.snapshot.host("iptables_list") if _ipv4(e)]
    if ctx.firewall is None:
        for e in listings:
            if "legacy" in (e.source.command or ""):
                continue
            names = [c.name for c in e.model.chains]
            twice = next((n for n in names if names.count(n) > 1), None)
            if twice:
                ctx.saved_rules.append((e, f"it lists chain {twice} twice: two listings pasted "
                                           f"as one (two tables or two backends)"))
                continue
            ctx.firewall_listings.setdefault(listing_table(e), []).append(e)
        tables = list(ctx.firewall_listings.values())
        ctx.firewall = tables[0][0] if tables else None
    ctx.both_backends = _both_backends(saves, listings)
    for e in ctx.snapshot.host("docker_info"):
        if (e.model.firewall_backend or "").startswith("iptables"):
            ctx.docker_iptables = f"{e.source.path}: Firewall Backend: {e.model.firewall_backend}"
    ctx.firewall_gaps = _firewall_gaps(ctx, live)
    rules = ctx.snapshot.host("ip_rule")
    v4 = [e for e in rules if "-6" not in (e.source.command or "") and "ip6" not in e.source.path]
    if v4:
        ctx.policy_routing = any(not _default_rule(r) for r in v4[-1].model.rules)


def _ipv4(entry: Entry) -> bool:
    """Not an ip6tables capture (by its program, its command or its addresses)."""
    model = entry.model
    if "ip6tables" in (entry.source.command or "") or \
            getattr(model, "program", None) == "ip6tables-save":
        return False
    if entry.kind == "iptables_list":
        addresses = [a.network for c in model.chains for r in c.rules
                     for a in (r.source, r.destination) if a.network is not None]
    else:
        addresses = [a.network for t in model.tables for c in t.chains for r in c.rules
                     for a in (r.source, r.destination) if a is not None]
    return not any(n.version == 6 for n in addresses)


_TABLE_OPTION = re.compile(r"(?:^|\s)(?:-t\s*|--table[\s=]+|-[a-zA-Z]*t\s+)(\w+)")
_TABLE_IN_NAME = re.compile(r"(?:^|[_/-])(nat|mangle|raw|security|filter)(?:[_.-]|$)")


def listing_table(entry: Entry) -> str:
    """The table an `iptables -L` listing shows: as its command names it (`-t nat`), as its
    file's name says (`iptables_-t_nat_-nvL`), or else by its chains: `iptables -L` lists
    filter unless told otherwise, and only nat has POSTROUTING without FORWARD."""
    command = entry.source.command or ""
    m = _TABLE_OPTION.search(command)
    if m:
        return m.group(1)
    if command:
        return "filter"
    m = _TABLE_IN_NAME.search(entry.source.path.rsplit("/", 1)[-1])
    if m:
        return m.group(1)
    chains = {c.name for c in entry.model.chains}
    if "POSTROUTING" in chains or "PREROUTING" in chains:
        return "mangle" if "FORWARD" in chains else "nat"
    return "filter"


_READERS = {"cat", "less", "more", "head", "tail", "bat", "vi", "vim", "view", "nano", "sed",
            "awk", "grep", "egrep"}
_RULES_FILES = re.compile(r"rules\.v[46]|sysconfig/ip6?tables|ip6?tables\.(rules|conf|up)"
                          r"|iptables/")


def saved_file(entry: Entry) -> str | None:
    """Why an `iptables-save`-format capture is a saved rules file (what is loaded at boot or
    was written by hand), not the running host's tables; None when it is the running host's."""
    command = entry.source.command or ""
    words = [w for w in command.split() if w not in ("sudo", "doas")]
    if words and words[0].rsplit("/", 1)[-1] in _READERS:
        return f"it was read from a file (`{command}`), not printed by iptables-save"
    if words and words[0].rsplit("/", 1)[-1].startswith(("iptables", "ip6tables")):
        return None  # iptables-save itself, whatever the text lacks
    if _RULES_FILES.search(entry.source.path):
        return f"{entry.source.path} is a rules file, not iptables-save's output"
    named = [t for t in entry.model.tables if t.name is not None]
    if not named:
        return None  # iptables -S
    if not any(t.generated for t in named):
        return "it has no `# Generated by iptables-save` line, which iptables-save prints " \
               "before every table"
    bare = [t.name for t in named if not t.committed]
    if bare:
        return f"table {bare[0]} has no COMMIT line, which iptables-save always prints"
    return None


def _both_backends(saves: list[Entry], listings: list[Entry]) -> list[str]:
    """Evidence that iptables-legacy and iptables-nft both hold tables: the warning iptables-nft
    prints, or captures of both backends with rules."""
    found = [f"{e.source.path}:{e.first_line + w.line - 1}: {w.text}"
             for e in saves + listings for w in e.model.warnings]
    legacy = [e for e in saves if e.model.backend == "legacy" and _has_rules(e.model)]
    nft = [e for e in saves if e.model.backend == "nf_tables" and _has_rules(e.model)]
    if legacy and nft:
        found.append(f"{legacy[-1].source.path}: iptables-legacy rules ({_count(legacy[-1])}) "
                     f"beside the nf_tables ones of {nft[-1].source.path} ({_count(nft[-1])})")
    return found


def _count(entry: Entry) -> str:
    n = sum(len(c.rules) for t in entry.model.tables for c in t.chains)
    return f"{n} rule{'s' if n != 1 else ''}"


def _firewall_gaps(ctx: Context, saves) -> list[str]:
    """What may decide a packet's fate that the walk cannot follow. The tables of `nft list
    ruleset` are walked (netparse.reach.nft), except those of the bridge and netdev families;
    without that capture, a host on iptables-nft or Docker's nftables backend may hold tables
    of nftables nobody saw."""
    gaps = []
    nft = ctx.snapshot.host("nft_ruleset")
    ctx.nft = nft[-1] if nft else None
    # iptables-nft's own tables come from iptables-save (or its listings) when captured.
    ctx.nft_own = ctx.nft is not None and ctx.firewall is None
    if ctx.nft is not None:
        for t in ctx.nft.model.tables:
            if t.family in ("bridge", "netdev") and any(c.hook for c in t.chains):
                gaps.append(f"{ctx.nft.source.path}: nftables table {t.family} {t.name} has "
                            f"chains on hooks of the {t.family} family, which the walk does "
                            f"not follow")
    legacy = [e for e in saves if e.model.backend == "legacy" and _has_rules(e.model)]
    if legacy and any(e.model.backend != "legacy" and _has_rules(e.model) for e in saves):
        gaps.append(f"{legacy[-1].source.path}: iptables-legacy rules beside the nf_tables ones")
    elif ctx.firewall is not None and ctx.firewall.model.warnings and not legacy:
        gaps.append(f"{ctx.firewall.source.path}: {ctx.firewall.model.warnings[0].text.lstrip('# ')}"
                    f" (not captured: iptables-legacy-save)")
    elif legacy and ctx.nft is not None and any(
            t.family in ("ip", "ip6") and t.name in _IPTABLES_TABLES and
            any(c.rules for c in t.chains) for t in ctx.nft.model.tables):
        gaps.append(f"{legacy[-1].source.path}: iptables-legacy rules beside iptables-nft's "
                    f"tables in {ctx.nft.source.path}")
    if ctx.nft is None:
        for e in ctx.snapshot.host("docker_info"):
            backend = e.model.firewall_backend or ""
            if backend and backend != "iptables":
                gaps.append(f"{e.source.path}: the engine's firewall backend is {backend}, "
                            f"and nft list ruleset was not captured")
        if ctx.firewall is not None and ctx.firewall.kind == "iptables_save" and \
                ctx.firewall.model.backend == "nf_tables":
            gaps.append(f"{ctx.firewall.source.path}: iptables-nft, and nft list ruleset was not "
                        f"captured: tables of nftables beside iptables' (the host's, "
                        f"firewalld's, Docker's) may decide too")
    return gaps


_IPTABLES_TABLES = {"filter", "nat", "mangle", "raw", "security"}


def _has_rules(model) -> bool:
    return any(c.rules for t in model.tables for c in t.chains)


def _default_rule(rule) -> bool:
    """One of the kernel's three rules: 0 local, 32766 main, 32767 default, from all."""
    return (rule.priority, rule.table) in ((0, "local"), (32766, "main"), (32767, "default")) \
        and rule.action.value == "lookup" and not rule.invert and rule.src is None \
        and rule.dst is None and rule.fwmark is None and rule.iif is None and rule.oif is None \
        and not rule.options


def _port_owners(ctx: Context) -> None:
    """Write each paired endpoint's container onto its bridge port."""
    owners = {ep.host_veth: (c.name, ep.network) for c in ctx.topology.containers
              for ep in c.endpoints if ep.host_veth}
    for bridge in ctx.topology.bridges:
        for port in bridge.ports:
            if port.name in owners:
                port.container, port.network = owners[port.name]
