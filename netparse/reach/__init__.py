"""Reachability: can A reach B on this host, and where does it break?

    >>> from netparse.reach import reach, trace
    >>> report = reach(snapshot, to=["8.8.8.8"])          # every container to every other, and out
    >>> path = trace(snapshot, "web", "db")              # one path, hop by hop

Paths go from a running container to every address of every other running container, to each
`to` address, and with `client`, from that outside address to every published port. Each path
walks there and back through the host (see `netparse.reach.walk`) and ends in a verdict:
reachable, unreachable (with its disposition and the rule, route or link that breaks it) or
unknown (with what would settle it).
"""

from __future__ import annotations

from ipaddress import ip_address

from netparse.errors import NetparseError
from netparse.reach.host import Facts
from netparse.reach.model import Disposition, Path, ReachReport, Verdict
from netparse.reach.walk import Leg, Stop, Walker
from netparse.reach.netfilter import Packet

__all__ = ["Path", "ReachReport", "Walker", "client_path", "container_path", "facts_of", "reach",
           "trace"]


def facts_of(ctx) -> Facts:
    """The facts of an analysis Context: its topology, with the firewall and settings beside it."""
    from netparse.reach.host import Firewall
    from netparse.reach.nft import bases_of
    from netparse.reach.rules import firewall_of

    entries = ctx.firewall
    if entries is not None and entries.kind == "iptables_list":
        entries = ctx.firewall_listings or {"filter": [entries]}
    # Docker's ipsets are inferred only when every network is known (network inspect).
    networks = ctx.topology.networks if ctx.network_source is not None else None
    firewall = firewall_of(entries, networks)
    if ctx.nft is not None:
        bases = bases_of(ctx.nft, skip_own=not ctx.nft_own)
        if firewall is None:
            firewall = Firewall({}, ctx.nft.source.path)
        firewall.bases = bases
        firewall.nft_source = ctx.nft.source.path
    return Facts(origin=ctx.snapshot.origin, topology=ctx.topology, route_source=ctx.route_source,
                 iface_source=ctx.iface_source, sysctl_source=ctx.sysctl_source,
                 all_tables=ctx.all_tables, bridge_nf=ctx.bridge_nf,
                 firewall=firewall, firewall_gaps=list(ctx.firewall_gaps),
                 policy_routing=ctx.policy_routing)


def _facts(snapshot) -> Facts:
    from netparse.analysis.topology import build

    return facts_of(build(snapshot))


def _walked(walker: Walker, start: str, send) -> tuple[dict, list[str]]:
    """The verdict of a path there and back, and what would settle it (unsorted)."""
    forward, back = Leg("forward"), Leg("reply")
    try:
        arrival = send(forward)
        walker.reply(back, arrival, walker.facts.containers.get(start))
    except Stop as stop:
        verdict = Verdict.UNKNOWN if stop.disposition is Disposition.UNKNOWN \
            else Verdict.UNREACHABLE
        return dict(verdict=verdict, disposition=stop.disposition, hops=forward.hops + back.hops,
                    breaks_at=stop.breaks_at), stop.missing
    doubts = forward.doubts + back.doubts
    if doubts:
        # Through what was captured; what was not may still drop it.
        return dict(verdict=Verdict.UNKNOWN, disposition=Disposition.UNKNOWN,
                    hops=forward.hops + back.hops, breaks_at=doubts[0]), \
            list(walker.facts.firewall_gaps)
    disposition = Disposition.EXITS_HOST if arrival.out else Disposition.DELIVERED
    return dict(verdict=Verdict.REACHABLE, disposition=disposition,
                hops=forward.hops + back.hops), []


def _path(walker: Walker, start: str, to: str, network: str | None, address, proto: str,
          port: int | None, send) -> Path:
    found, missing = _walked(walker, start, send)
    return Path(from_=start, to=to, network=network, address=address, port=port,
                protocol=proto, missing=sorted(set(missing)), **found)


def container_path(walker: Walker, src: str, to: str, network: str | None, address,
                   proto: str = "icmp", port: int | None = None) -> Path:
    return _path(walker, src, to, network, address, proto, port,
                 _from_container(walker, src, address, proto, port))


def _from_container(walker: Walker, src: str, address, proto: str = "icmp",
                    port: int | None = None):
    c = walker.facts.containers[src]
    packet = Packet(src=None, dst=address, proto=proto, dport=port,
                    sport=40000 if port else None)
    return lambda leg: walker.published(leg, walker.from_container(leg, c, packet))


def client_path(walker: Walker, client, container: str, published) -> Path:
    """From an outside client to a published port, at the host address on the interface the
    host's routes give for the client."""
    facts = walker.facts
    route = facts.routes.lookup(client, tables=("main",))
    iface = route.dev if route else None
    host_addr = published.host_ip if published.host_ip and not published.host_ip.is_unspecified \
        else facts.address_of(iface)
    target = f"{host_addr}:{published.host_port}" if host_addr else f"?:{published.host_port}"

    def send(leg: Leg):
        if iface is None or host_addr is None:
            raise Stop(Disposition.UNKNOWN, f"which interface {client} arrives on",
                       ["ip route show table all (ip_route.txt)", "ip addr (ip_addr.txt)"])
        leg.hop(str(client), "route", f"arrives on {iface} for {host_addr}:{published.host_port}")
        packet = Packet(src=client, dst=host_addr, proto=published.protocol,
                        dport=published.host_port, sport=40000, iif=iface)
        return walker.published(leg, walker.through_host(leg, packet))

    path = _path(walker, str(client), container, None, host_addr or client,
                 published.protocol, published.host_port, send)
    path.to = f"{container} ({target}->{published.container_port}/{published.protocol})"
    return path


def reach(snapshot, *, to=(), client=None, every_pair: bool = False,
          hops: bool = True) -> ReachReport:
    """Every path of the host (see the module docstring). Containers that cannot walk
    differently (`netparse.reach.classes`) share one walk for each network of each pair of
    their classes; `every_pair` walks each path on its own instead (the same report, slower).
    Without `hops`, the paths between containers come without their hops (what the text
    matrix shows; `trace` gives them), which at a thousand containers is most of the time."""
    from netparse.parsers import no_cyclic_gc

    facts = _facts(snapshot)
    walker = Walker(facts)
    running = [c for c in facts.topology.containers if c.running and c.endpoints]
    addresses = [_address(text) for text in to] if running else []
    if every_pair:
        pairs = _every_pair(walker, running, addresses, hops)
    else:
        pairs = _by_class(walker, running, addresses, hops)
    # A million paths at a thousand containers, none in a cycle: a collection each time their
    # number grows would walk all of them again.
    with no_cyclic_gc():
        paths: list[Path] = list(pairs)
    if client is not None:
        address = _address(client)
        for c in running:
            for p in c.published:
                family = p.host_ip is None or p.host_ip.version == address.version
                if p.host_port is not None and p.protocol in ("tcp", "udp") and family:
                    paths.append(client_path(walker, address, c.name, p))
    return ReachReport(origin=facts.origin,
                       firewall=facts.firewall.captures() if facts.firewall else None,
                       paths=paths)


def _every_pair(walker: Walker, running, addresses, hops: bool = True):
    for a in running:
        for b in running:
            if a is b:
                continue
            for ep in b.endpoints:
                if ep.ip is not None:
                    yield _hops(container_path(walker, a.name, b.name, ep.network, ep.ip), hops)
        for address in addresses:
            yield _hops(container_path(walker, a.name, str(address), None, address), hops)


def _hops(path: Path, hops: bool) -> Path:
    if not hops:
        path.hops = []
    return path


def _by_class(walker: Walker, running, addresses, hops: bool = True):
    """The paths of `_every_pair`, in its order, one walk per (class, class, network)."""
    from netparse.reach.classes import Literals, Template, alike, fillings, holes, own_values

    facts = walker.facts
    literals = Literals(facts)
    classes: dict = {}
    klass = [classes.setdefault(alike(c, facts, literals), len(classes)) for c in running]
    values = [frozenset(v for _, v in own_values(c)) for c in running]
    as_a = [fillings("a", c) for c in running]
    as_b = [fillings("b", c) for c in running]
    templates: dict = {}

    def template(k, a, b, address):
        """The walk of the first pair of class pair `k` to `address`, with placeholders; None
        when its values cannot be told apart (each of its pairs is walked on its own then)."""
        if k not in templates:
            alias = holes(("a", a), ("b", b)) if b is not None else holes(("a", a))
            templates[k] = None
            if alias is not None:
                walker.alias = alias
                try:
                    templates[k] = Template(*_walked(walker, a.name, _from_container(
                        walker, a.name, address)))
                finally:
                    walker.alias = {}
        return templates[k]

    # Two containers with a value alike (an address held twice) are walked on their own: one
    # placeholder could not stand for both.
    seen: set = set()
    unique = all(not (v & seen or seen.update(v)) for v in values)
    for i, a in enumerate(running):
        ka = klass[i]
        for j, b in enumerate(running):
            if i == j:
                continue
            pair = None
            for n, ep in enumerate(b.endpoints):
                if ep.ip is None:
                    continue
                k = (ka, klass[j], n)
                t = templates.get(k, False)
                if t is False or not (unique or values[i].isdisjoint(values[j])):
                    t = template(k, a, b, ep.ip) if unique or values[i].isdisjoint(values[j]) \
                        else None
                if t is None:
                    yield _hops(container_path(walker, a.name, b.name, ep.network, ep.ip), hops)
                    continue
                if pair is None:
                    pair = {**as_a[i], **as_b[j]}
                yield t.fill(i, j, pair, a.name, b.name, ep.network, ep.ip, hops)
        for address in addresses:
            t = template((ka, "to", address), a, None, address)
            if t is None:
                yield _hops(container_path(walker, a.name, str(address), None, address), hops)
            else:
                yield t.fill(i, None, as_a[i], a.name, str(address), None, address, hops)


def trace(snapshot, source: str, target: str, port: int | None = None) -> Path:
    """One path, hop by hop: from a container (or, with an address, an outside client) to a
    container name or an address."""
    facts = _facts(snapshot)
    walker = Walker(facts)
    if source in facts.containers:
        if target in facts.containers:
            ep = next((e for e in facts.containers[target].endpoints if e.ip is not None), None)
            if ep is None:
                raise NetparseError(f"{target} has no address")
            return container_path(walker, source, target, ep.network, ep.ip,
                                  "tcp" if port else "icmp", port)
        address = _address(target)
        return container_path(walker, source, target, None, address,
                              "tcp" if port else "icmp", port)
    try:
        client = ip_address(source)
    except ValueError:
        raise NetparseError(f"{source!r} is neither a container of the dump nor an address") \
            from None
    for c in facts.topology.containers:
        for p in c.published:
            if c.name == target and (port is None or p.host_port == port):
                return client_path(walker, client, c.name, p)
    raise NetparseError(f"{source} is no container of the dump, and {target} publishes no "
                        f"{'port ' + str(port) if port else 'port'}")


def _address(text: str):
    try:
        return ip_address(str(text).split("/")[0])
    except ValueError:
        raise NetparseError(f"{text!r} is not an IP address") from None
