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


def _template(walker: Walker, templates: dict, k, a, b, address):
    """The walk of the first pair of class pair `k` to `address`, with placeholders, made once
    into `templates`; None when its values cannot be told apart (each of its pairs is walked on
    its own then)."""
    from netparse.reach.classes import Template, holes

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


def _by_class(walker: Walker, running, addresses, hops: bool = True):
    """The paths of `_every_pair`, in its order, one walk per (class, class, network)."""
    from netparse.reach.classes import Literals, alike, fillings, own_values

    facts = walker.facts
    literals = Literals(facts)
    classes: dict = {}
    klass = [classes.setdefault(alike(c, facts, literals), len(classes)) for c in running]
    values = [frozenset(v for _, v in own_values(c)) for c in running]
    as_a = [fillings("a", c) for c in running]
    as_b = [fillings("b", c) for c in running]
    templates: dict = {}

    def template(k, a, b, address):
        return _template(walker, templates, k, a, b, address)

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


def summary(snapshot, *, to=(), client=None, grid: int = 40):
    """What the text of `reach` shows: the report (without hops) when its paths go to at most
    `grid` destinations, else its counts (`netparse.reach.count`), the same as counting every
    path of the report, but counted from the walk of each (class, class, network) and the
    classes' sizes: a model is made only for the first path of each cause."""
    from netparse.reach.classes import Literals, alike, fillings, own_values
    from netparse.reach.count import NO_NETWORK, Tally, cause_of, counts_of

    facts = _facts(snapshot)
    running = [c for c in facts.topology.containers if c.running and c.endpoints]
    addresses = [_address(text) for text in to] if running else []
    destinations = {(b.name, ep.network) for b in running for ep in b.endpoints
                    if ep.ip is not None} if len(running) > 1 else set()
    destinations |= {(str(a), None) for a in addresses}
    values = [frozenset(v for _, v in own_values(c)) for c in running]
    seen: set = set()
    unique = all(not (v & seen or seen.update(v)) for v in values)
    if len(destinations) <= grid or not unique or any(
            ep.network is None for c in running for ep in c.endpoints):
        # Few paths, or some walked on their own: counted from the report.
        report = reach(snapshot, to=to, client=client, hops=False)
        return report if len(destinations) <= grid else counts_of(report)

    walker = Walker(facts)
    literals = Literals(facts)
    classes: dict = {}
    klass = [classes.setdefault(alike(c, facts, literals), len(classes)) for c in running]
    members: list[list[int]] = [[] for _ in classes]
    for i, k in enumerate(klass):
        members[k].append(i)
    as_a = [fillings("a", c) for c in running]
    as_b = [fillings("b", c) for c in running]
    nets = [sorted({ep.network for ep in c.endpoints if ep.ip is not None}) for c in running]
    # A row names the networks a source is reached on: none when no other container tries it.
    row = [" + ".join(n) if len(running) > 1 and n else NO_NETWORK for n in nets]
    tally = Tally()
    templates: dict = {}

    def template(k, a, b, address):
        return _template(walker, templates, k, a, b, address)

    def count(t, pairs, column, make, single):
        """Add the paths of template `t` (None: each walked on its own) for `pairs`, a list of
        (i, j or None, order), `make(i, j)` giving the path of a pair; when every path of `t`
        ends alike, from `single` instead: (i, how many paths from i, order of the first)."""
        if t is None:
            for i, j, order in pairs:
                p = make(i, j)
                tally.add(row[i], column, p.verdict, 1, order,
                          cause_of(p.verdict, p.disposition, p.breaks_at, p.missing), p)
            return
        verdict = t.found["verdict"]
        fixed = verdict is Verdict.REACHABLE or (
            t.breaks_at is None and t.shared_missing is not None)
        if fixed:
            cause = None if verdict is Verdict.REACHABLE else cause_of(
                verdict, t.found["disposition"], t.found.get("breaks_at"), t.shared_missing)
            by_row: dict = {}
            for i, n, order in single:
                first = by_row.get(row[i])
                by_row[row[i]] = [first[0] if first else (i, order),
                                  (first[1] if first else 0) + n]
            for r, ((i, order), n) in by_row.items():
                tally.add(r, column, verdict, n, order, cause,
                          lambda i=i, j=order[2]: make(i, j))
            return
        for i, j, order in pairs:
            values = {**as_a[i], **as_b[j]} if j is not None else as_a[i]
            breaks_at = t.breaks_at(values) if t.breaks_at else t.found.get("breaks_at")
            missing = t.shared_missing if t.shared_missing is not None else sorted(
                {m(values) if not isinstance(m, str) else m for m in t.missing})
            tally.add(row[i], column, verdict, 1, order,
                      cause_of(verdict, t.found["disposition"], breaks_at, missing),
                      lambda i=i, j=j: make(i, j))

    for ka, sources in enumerate(members):
        for kb, targets in enumerate(members):
            b0 = running[targets[0]]
            for n, ep in enumerate(b0.endpoints):
                if ep.ip is None:
                    continue

                def make(i, j, n=n, ka=ka, kb=kb):
                    a, b = running[i], running[j]
                    e = b.endpoints[n]
                    t = templates[(ka, kb, n)]
                    if t is None:
                        return _hops(container_path(walker, a.name, b.name, e.network, e.ip),
                                     False)
                    return t.fill(i, j, {**as_a[i], **as_b[j]}, a.name, b.name, e.network,
                                  e.ip, False)

                # Each source with its first target and how many it has (not itself).
                single = []
                for i in sources:
                    j0 = targets[0] if targets[0] != i else (
                        targets[1] if len(targets) > 1 else None)
                    if j0 is not None:
                        single.append((i, len(targets) - (ka == kb), (i, 0, j0, n)))
                if not single:
                    continue
                i0, _, (_, _, j0, _) = single[0]
                t = template((ka, kb, n), running[i0], running[j0], running[j0].endpoints[n].ip)
                pairs = [] if t is not None and (t.found["verdict"] is Verdict.REACHABLE or (
                    t.breaks_at is None and t.shared_missing is not None)) else \
                    [(i, j, (i, 0, j, n)) for i in sources for j in targets if i != j]
                count(t, pairs, ep.network, make,
                      [(i, n_, order) for i, n_, order in single])
        for x, address in enumerate(addresses):
            def make_to(i, j, address=address, ka=ka):
                a = running[i]
                t = templates[(ka, "to", address)]
                if t is None:
                    return _hops(container_path(walker, a.name, str(address), None, address),
                                 False)
                return t.fill(i, None, as_a[i], a.name, str(address), None, address, False)

            t = template((ka, "to", address), running[sources[0]], None, address)
            pairs = [(i, None, (i, 1, x, 0)) for i in sources]
            count(t, pairs, str(address), make_to, [(i, 1, order) for i, _, order in pairs])
    if client is not None:
        address = _address(client)
        x = 0
        for c in running:
            for p in c.published:
                family = p.host_ip is None or p.host_ip.version == address.version
                if p.host_port is not None and p.protocol in ("tcp", "udp") and family:
                    path = client_path(walker, address, c.name, p)
                    tally.add(NO_NETWORK, path.to, path.verdict, 1, (len(running), 2, x, 0),
                              cause_of(path.verdict, path.disposition, path.breaks_at,
                                       path.missing), path)
                    x += 1
    containers = len({b for b, network in destinations if network is not None})
    return tally.counts(facts.origin, facts.firewall.captures() if facts.firewall else None,
                        containers)
