"""Join host veths to container endpoints, strongest evidence first, and never guess.

1. inside: a capture from inside the container shows `eth0@ifN`; host ifindex N is its veth.
   The endpoint is the one whose MAC the inside interface carries.
2. fdb: `bridge fdb show` has the endpoint's MAC learnt behind exactly one veth.
3. netnsid: host veths with the same link-netnsid live in one namespace. A namespace that
   already holds a paired veth belongs to that container; otherwise a container and a namespace
   are joined only when their bridges match each other and nothing else, and the namespaces
   left are as many as the containers left (a stray namespace could otherwise be taken for a
   container whose own veth is gone).
Whatever is left keeps `host_veth = None` and an `unpaired_reason` that names the capture that
would settle it.
"""

from __future__ import annotations

from collections import defaultdict

from netparse.analysis.context import Context
from netparse.analysis.model import Container, Endpoint, HostInterface, Pairing

SETTLE = ("capture `ip addr` inside the container (containers/<name>/ip_addr.txt) "
          "or `bridge fdb show` on the host")


def pair(ctx: Context) -> None:
    taken: set[str] = set()
    live = [c for c in ctx.topology.containers if c.running]
    for c in ctx.topology.containers:
        if not c.running:
            for ep in c.endpoints:
                ep.unpaired_reason = f"{c.name} is not running ({c.state or 'state unknown'}): " \
                                     f"it has no veth"
    for c in live:
        _by_inside(ctx, c, taken)
    _by_fdb(ctx, live, taken)
    _by_netnsid(ctx, live, taken)
    for c in live:
        for ep in c.endpoints:
            if ep.host_veth is None and ep.unpaired_reason is None:
                ep.unpaired_reason = _why_not(ctx, ep)


def _join(ep: Endpoint, veth: HostInterface, how: Pairing, taken: set[str]) -> None:
    ep.host_veth = veth.name
    ep.host_ifindex = veth.ifindex
    ep.evidence = how
    ep.unpaired_reason = None
    taken.add(veth.name)


def _by_inside(ctx: Context, c: Container, taken: set[str]) -> None:
    inner_ifaces = [i for e in ctx.inside.get(c.name, []) if e.kind in ("ip_addr", "ip_link")
                    for i in e.model.interfaces if i.peer_ifindex is not None]
    for inner in inner_ifaces:
        matches = [ep for ep in c.endpoints if ep.mac and ep.mac == inner.mac]
        if not matches and len(c.endpoints) == 1 and len(inner_ifaces) == 1:
            matches = c.endpoints  # one link each side: the MAC was changed, the link was not
        if len(matches) != 1:
            continue
        ep = matches[0]
        ep.container_iface = inner.name
        if ctx.iface_source is None:
            continue  # no host listing to find ifindex N in
        veth = ctx.interface_at(inner.peer_ifindex)
        where = f"{inner.name}@if{inner.peer_ifindex} inside {c.name}"
        if veth is None:
            ep.host_ifindex = inner.peer_ifindex  # known from inside, absent on the host
            ep.unpaired_reason = (f"{where}, but {ctx.iface_source} has no interface with "
                                  f"ifindex {inner.peer_ifindex}: the host side of the veth is gone")
        elif veth.peer_ifindex is not None and inner.ifindex is not None \
                and veth.peer_ifindex != inner.ifindex:
            ep.unpaired_reason = (f"{where}, but host ifindex {inner.peer_ifindex} is "
                                  f"{veth.name}@if{veth.peer_ifindex}, whose peer is not "
                                  f"{inner.name} (ifindex {inner.ifindex})")
        elif veth.name in taken:
            ep.unpaired_reason = f"{where}, but {veth.name} is already paired with another endpoint"
        else:
            _join(ep, veth, Pairing.INSIDE, taken)


def _by_fdb(ctx: Context, live: list[Container], taken: set[str]) -> None:
    fdbs = ctx.snapshot.host("bridge_fdb")
    if not fdbs:
        return
    learnt: dict[str, set[str]] = defaultdict(set)
    for entry in fdbs[-1].model.entries:
        # Permanent entries are the bridge's own ports' MACs, not what sits behind them.
        if entry.dev and not entry.self_ and (entry.state is None or entry.state.value != "permanent"):
            learnt[entry.mac].add(entry.dev)
    for c in live:
        for ep in c.endpoints:
            if ep.host_veth or not ep.mac or len(learnt.get(ep.mac, ())) != 1:
                continue
            dev = next(iter(learnt[ep.mac]))
            veth = ctx.interface(dev) or HostInterface(name=dev)
            if dev not in taken and dev != ep.bridge:
                _join(ep, veth, Pairing.FDB, taken)


def _by_netnsid(ctx: Context, live: list[Container], taken: set[str]) -> None:
    groups: dict[int, list[HostInterface]] = defaultdict(list)
    for i in ctx.topology.interfaces:
        if i.kind == "veth" and i.link_netnsid is not None:
            groups[i.link_netnsid].append(i)
    owner_of = {ep.host_veth: c for c in live for ep in c.endpoints if ep.host_veth}
    # A namespace that holds a paired veth is that container's: its other veths are too.
    free_groups: dict[int, list[HostInterface]] = {}
    for nsid, members in groups.items():
        owners = {owner_of[v.name].name: owner_of[v.name] for v in members if v.name in owner_of}
        if len(owners) == 1:
            c = next(iter(owners.values()))
            for veth in members:
                if veth.name not in taken:
                    _join_by_bridge(c, veth, taken)
        elif not owners:
            free_groups[nsid] = members
    left = [c for c in live if c.endpoints and not any(ep.host_veth for ep in c.endpoints)]
    if not left:
        return
    if len(free_groups) != len(left):
        reason = (f"{len(free_groups)} network namespace(s) with veths on the host "
                  f"(by link-netnsid) for {len(left)} container(s) still to pair, so "
                  f"netnsid cannot settle it by elimination; {SETTLE}")
        for c in left:
            for ep in c.endpoints:
                ep.unpaired_reason = ep.unpaired_reason or reason
        return

    def signature(bridges) -> tuple[str, ...]:
        return tuple(sorted(b or "-" for b in bridges))

    container_sigs = {c.name: signature(ep.bridge for ep in c.endpoints) for c in left}
    group_sigs = {nsid: signature(v.master for v in members) for nsid, members in free_groups.items()}
    for c in left:
        sig = container_sigs[c.name]
        fitting = [nsid for nsid, s in group_sigs.items() if s == sig]
        rivals = [other.name for other in left if container_sigs[other.name] == sig]
        if len(fitting) == 1 and rivals == [c.name]:
            for veth in free_groups[fitting[0]]:
                _join_by_bridge(c, veth, taken)
        elif len(fitting) > 1 or len(rivals) > 1:
            reason = (f"{len(rivals)} container(s) ({', '.join(sorted(rivals))}) and "
                      f"{len(fitting)} namespace(s) have veths on {', '.join(sig)} alone; "
                      f"link-netnsid cannot tell which is which; {SETTLE}")
            for ep in c.endpoints:
                ep.unpaired_reason = ep.unpaired_reason or reason


def _join_by_bridge(c: Container, veth: HostInterface, taken: set[str]) -> None:
    fits = [ep for ep in c.endpoints if ep.host_veth is None and ep.bridge and ep.bridge == veth.master]
    if len(fits) == 1:
        _join(fits[0], veth, Pairing.NETNSID, taken)


def _why_not(ctx: Context, ep: Endpoint) -> str:
    if ctx.iface_source is None:
        return "no host `ip addr` or `ip link` capture, so no veth can be seen; " + SETTLE
    if ep.bridge is None:
        return f"the bridge of network {ep.network} is not known; capture `docker network inspect`"
    return (f"no host veth on {ep.bridge} is left for it (its veth may be gone or off the bridge); "
            + SETTLE)
