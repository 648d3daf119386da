"""Join the captures of a snapshot into the host's topology.

Each fact may come from several captures (bridge membership from `brctl show`, `bridge link` or
`master` in `ip addr`/`ip link`; routes from `ip route` or `route -n`; networks from
`docker network inspect` or container inspect). Whatever exists is used, and where captures
disagree a Conflict is noted for the checks to report.

Host veths are joined to container endpoints from the strongest evidence available (see
`netparse.analysis.pairing`); an endpoint is left unpaired, with the reason, rather than guessed.
"""

from __future__ import annotations

import re

from netparse.analysis.context import Conflict, Context
from netparse.analysis.model import (Bridge, Container, Endpoint, HostInterface, InsideView,
                                     Network, Port, PublishedPort, Route, Topology)
from netparse.analysis.pairing import pair
from netparse.snapshot import Entry, Snapshot, in_time

DOCKER_BRIDGE = re.compile(r"br-[0-9a-f]{12}")
_NO_ENDPOINT_NETWORKS = {"host", "none"}


def build(snapshot: Snapshot) -> Context:
    ctx = Context(snapshot=snapshot, topology=Topology())
    _interfaces(ctx)
    _networks(ctx)
    _bridges(ctx)
    _containers(ctx)
    _inside(ctx)
    _routes(ctx)
    _sysctl(ctx)
    _firewall(ctx)
    pair(ctx)
    _port_owners(ctx)
    return ctx


def _last(entries: list[Entry], ctx: Context, what: str) -> Entry | None:
    """The latest capture of a kind, in the order of `snapshot.in_time` (the manifest's times,
    then the file names, then the place in a transcript). Earlier captures of the same command
    that differ from it are an earlier state when that order is known, a conflict when the
    files' order is all there is."""
    if not entries:
        return None
    entries = in_time(entries)
    last = entries[-1]
    for earlier in entries[:-1]:
        # Other forms of a command (`ip -o addr` beside `ip -d addr`, as sosreport keeps them)
        # print different details of the same moment; only the same command is compared.
        if earlier.source.command != last.source.command:
            continue
        if earlier.model.model_dump(exclude={"unparsed"}) == last.model.model_dump(exclude={"unparsed"}):
            continue
        if last.source.ordered_by:
            partial = [e.source.filtered for e in (earlier, last) if e.source.filtered]
            note = Conflict(
                subjects=[what],
                message=f"{what} was captured more than once: an earlier capture shows another "
                        f"state; the topology uses the latest"
                        + (f" (filtered through `{partial[0]}`: what it lacks proves nothing)"
                           if partial else ""),
                evidence=[f"earlier: {_at(earlier)}", f"latest: {_at(last)}",
                          f"order told by the {_ORDER_WORDS[last.source.ordered_by]}"])
            if note not in ctx.earlier:
                ctx.earlier.append(note)
            continue
        conflict = Conflict(
            subjects=[what],
            message=f"{what} was captured more than once and the captures differ "
                    f"(taken at different times); the topology uses the last one",
            evidence=[f"{earlier.source.path} differs from {last.source.path}"])
        if conflict not in ctx.conflicts:
            ctx.conflicts.append(conflict)
    return last


_ORDER_WORDS = {"manifest": "collector's manifest (start times)",
                "name": "file names (before/after, old/new, numbers)",
                "transcript": "transcript (the later run)"}


def _at(entry: Entry) -> str:
    """A capture as evidence: file, line where its output starts, and the command."""
    where = f"{entry.source.path}:{entry.first_line}"
    return f"{where} `{entry.source.command}`" if entry.source.command else where


# --- host interfaces ---------------------------------------------------------------------------

def _interfaces(ctx: Context) -> None:
    snap = ctx.snapshot
    addr = _last(snap.host("ip_addr"), ctx, "ip addr")
    link = _last(snap.host("ip_link"), ctx, "ip link")
    primary = addr or link
    if primary is None:
        return
    ctx.iface_source = primary.source.path
    details = {i.name: i for i in link.model.interfaces} if link and addr else {}
    for iface in primary.model.interfaces:
        extra = details.get(iface.name)
        link_kind = iface.link_kind or (extra.link_kind if extra else None)
        ctx.topology.interfaces.append(HostInterface(
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
        ))
    if addr and link:
        _compare_links(ctx, addr, link)


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
    snap = ctx.snapshot
    inspect = _last(snap.host("docker_network_inspect"), ctx, "docker network inspect")
    if inspect:
        ctx.network_source = inspect.source.path
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
    rows = _last(snap.host("docker_network_ls"), ctx, "docker network ls")
    for row in rows.model.networks if rows else []:
        if row.name is None:
            continue  # a damaged row (reported as not understood): nothing to join it on
        ctx.topology.networks.append(Network(name=row.name, id=row.id, driver=row.driver,
                                             inferred=True))
    containers = _last(snap.host("docker_inspect"), ctx, "docker inspect")
    for c in containers.model.containers if containers else []:
        for ep in c.networks:
            if ep.name in _NO_ENDPOINT_NETWORKS:
                continue
            net = ctx.network(ep.name)
            if net is None:
                net = Network(name=ep.name, inferred=True)
                ctx.topology.networks.append(net)
            if net.id is None and ep.network_id:
                net.id = ep.network_id
            elif net.id and ep.network_id and ep.network_id.startswith(net.id):
                net.id = ep.network_id
            if ep.ip_interface is not None:
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


# --- bridges -----------------------------------------------------------------------------------

def _bridges(ctx: Context) -> None:
    snap = ctx.snapshot
    brctl = _last(snap.host("brctl_show"), ctx, "brctl show")
    blink = _last(snap.host("bridge_link"), ctx, "bridge link")
    listing = brctl or blink
    ctx.bridge_source = listing.source.path if listing else ctx.iface_source
    known = {n.bridge: n for n in ctx.topology.networks if n.bridge}
    names: list[str] = []

    def add(name: str) -> None:
        if name not in names:
            names.append(name)

    for b in brctl.model.bridges if brctl else []:
        add(b.name)
    for i in ctx.topology.interfaces:
        if i.kind == "bridge" or i.name == "docker0" or DOCKER_BRIDGE.fullmatch(i.name) \
                or i.name in known:
            add(i.name)
    for p in blink.model.ports if blink else []:
        if p.master:
            add(p.master)
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
        managed = net is not None or name == "docker0" or bool(DOCKER_BRIDGE.fullmatch(name))
        if net is None and DOCKER_BRIDGE.fullmatch(name):
            net = next((n for n in ctx.topology.networks
                        if n.id and n.id.startswith(name[3:])), None)
        if net is None and name == "docker0":
            net = ctx.network("bridge")
        bridge = Bridge(
            name=name, network=net.name if net else None, managed=managed,
            state=dev.state if dev else None, up=dev.up if dev else None,
            carrier=dev.carrier if dev else None, mtu=dev.mtu if dev else None,
            mac=dev.mac if dev else _brctl_mac(brctl, name),
            addresses=list(dev.addresses) if dev else [])
        for port_name, sources in members[name].items():
            iface = ctx.interface(port_name)
            bl = blink_ports.get(port_name)
            bridge.ports.append(Port(
                name=port_name,
                ifindex=iface.ifindex if iface else (bl.ifindex if bl else None),
                peer_ifindex=iface.peer_ifindex if iface else (bl.peer_ifindex if bl else None),
                mac=iface.mac if iface else None,
                mtu=iface.mtu if iface else (bl.mtu if bl else None),
                up=iface.up if iface else None,
                link_netnsid=iface.link_netnsid if iface else None,
                sources=sources))
        _membership_conflicts(ctx, bridge, brctl, blink)
        ctx.topology.bridges.append(bridge)


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
    snap = ctx.snapshot
    inspect = _last(snap.host("docker_inspect"), ctx, "docker inspect")
    if inspect:
        ctx.inspect_source = inspect.source.path
    for c in inspect.model.containers if inspect else []:
        state = c.state
        container = Container(
            name=c.name or c.id[:12], id=c.id,
            state=state.status.value if state and state.status else None,
            # A restarting container is between two runs: no namespace, no veth.
            running=(state.running and not state.restarting) if state else None,
            pid=state.pid if state else None,
            network_mode=c.network_mode, image=c.image, in_inspect=True)
        own_netns = not (c.network_mode or "").startswith(("host", "none", "container:"))
        for ep in c.networks if own_netns else []:
            if ep.name in _NO_ENDPOINT_NETWORKS:
                continue
            net = ctx.network(ep.name)
            container.endpoints.append(Endpoint(
                network=ep.name, network_id=ep.network_id or (net.id if net else None),
                bridge=net.bridge if net else None,
                ip=ep.ip_address, prefix_len=ep.ip_prefix_len, mac=ep.mac_address,
                gateway=ep.gateway, ipv6=ep.ipv6_interface))
        container.published = [_published(p) for p in c.ports if p.host_port is not None]
        ctx.port_bindings[container.name] = [_published(p) for p in c.port_bindings]
        ctx.topology.containers.append(container)
    # `docker ps` (and `docker ps -a`): every capture counts, a container may be in only one.
    known = _Known(ctx.topology.containers)
    listings = snap.host("docker_ps")
    if listings:
        ctx.ps_source = listings[-1].source.path
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
            elif container.in_inspect and row.state is not None:
                _compare_states(ctx, container, row, entry)
            container.in_ps = True


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
    return PublishedPort(container_port=p.container_port, protocol=p.protocol.value,
                         host_ip=p.host_ip, host_port=p.host_port)


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
        hits = [self.names[name]] if name and name in self.names else []
        if key_id and len(key_id) >= 12:
            hits += [p for p in self.ids.get(key_id[:12], ())
                     if self.containers[p].id.startswith(key_id)][:1]
        return self.containers[min(hits)] if hits else None


# --- captures taken inside containers --------------------------------------------------------------

def _inside(ctx: Context) -> None:
    match = _InsideKeys(ctx)
    for key, entries in ctx.snapshot.inside().items():
        container = match(key)
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
    snap = ctx.snapshot
    iproute = _last(snap.host("ip_route"), ctx, "ip route")
    tables = [e for e in snap.host("route_n")]
    route_n = _last([e for e in tables if e.model.family.value == "inet"], ctx, "route -n")
    chosen = iproute or route_n
    if chosen is None:
        return
    ctx.route_source = chosen.source.path
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
        _compare_route_tables(ctx, iproute, route_n)


def _convert_routes(entry: Entry) -> list[Route]:
    if entry.kind == "ip_route":
        return [Route(destination=r.destination, gateway=r.gateway, dev=r.dev, metric=r.metric,
                      table=r.table, type=r.type.value, proto=r.proto, scope=r.scope, src=r.src,
                      linkdown=r.linkdown)
                for r in entry.model.routes]
    return [Route(destination=r.destination, gateway=r.gateway, dev=r.iface, metric=r.metric,
                  type="unreachable" if r.reject else "unicast")
            for r in entry.model.routes]


def _compare_route_tables(ctx: Context, iproute: Entry, route_n: Entry) -> None:
    def key(r: Route):
        return (str(r.destination), str(r.gateway or ""), r.dev or "")

    main = {key(r) for r in _convert_routes(iproute)
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
    entry = _last(ctx.snapshot.host("sysctl"), ctx, "sysctl")
    if entry:
        ctx.sysctl_source = entry.source.path
        ctx.topology.ip_forward = entry.model.ip_forward
        ctx.bridge_nf = entry.model.bridge_nf_call_iptables


def _firewall(ctx: Context) -> None:
    """The host's IPv4 iptables rules: the last `iptables-save` that is not ip6tables'."""
    saves = [e for e in ctx.snapshot.host("iptables_save") if e.model.program != "ip6tables-save"
             and not any(r.source and r.source.network.version == 6
                         or r.destination and r.destination.network.version == 6
                         for t in e.model.tables for c in t.chains for r in c.rules)]
    # Both backends may hold rules (iptables-legacy-save beside iptables-save): the walk reads
    # the nf_tables one, the one Docker writes to on current hosts.
    current = [e for e in saves if e.model.backend != "legacy"]
    ctx.firewall = (current or saves)[-1] if saves else None
    ctx.firewall_gaps = _firewall_gaps(ctx, saves)
    rules = ctx.snapshot.host("ip_rule")
    v4 = [e for e in rules if "-6" not in (e.source.command or "") and "ip6" not in e.source.path]
    if v4:
        ctx.policy_routing = any(not _default_rule(r) for r in v4[-1].model.rules)


_IPTABLES_TABLES = {"filter", "nat", "mangle", "raw", "security"}


def _firewall_gaps(ctx: Context, saves) -> list[str]:
    gaps = []
    for e in ctx.snapshot.host("nft_ruleset"):
        for t in e.model.tables:
            own = t.family in ("ip", "ip6") and t.name in _IPTABLES_TABLES
            if not own and any(c.hook for c in t.chains):
                gaps.append(f"{e.source.path}: nftables table {t.family} {t.name} has chains on "
                            f"netfilter hooks, which the walk does not follow")
    legacy = [e for e in saves if e.model.backend == "legacy" and _has_rules(e.model)]
    if legacy and any(e.model.backend != "legacy" and _has_rules(e.model) for e in saves):
        gaps.append(f"{legacy[-1].source.path}: iptables-legacy rules beside the nf_tables ones")
    elif ctx.firewall is not None and ctx.firewall.model.warnings and not legacy:
        gaps.append(f"{ctx.firewall.source.path}: {ctx.firewall.model.warnings[0].text.lstrip('# ')}"
                    f" (not captured: iptables-legacy-save)")
    for e in ctx.snapshot.host("docker_info"):
        backend = e.model.firewall_backend or ""
        if backend and backend != "iptables":
            gaps.append(f"{e.source.path}: the engine's firewall backend is {backend}")
    return gaps


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
