"""The firewall: what the walk of a packet (netparse.reach) finds broken between the containers
and the outside. A path that depends on something not captured is unknown there, and raises
nothing here."""

from __future__ import annotations

from ipaddress import ip_address

from netparse.analysis.checks.base import Problem, check
from netparse.analysis.checks.facts import CONTAINERS, FIREWALL, INTERFACES, NETWORKS, ROUTES
from netparse.analysis.context import Context
from netparse.analysis.model import Severity

# An address of the documentation range stands for anything behind the host's default route.
OUTSIDE = ip_address("198.51.100.1")
_NEEDS = (FIREWALL, CONTAINERS, NETWORKS, ROUTES, INTERFACES)


def _walker(ctx: Context):
    """One walker for every firewall check of a Context: its facts are built once."""
    from netparse.reach import Walker, facts_of

    if "walker" not in ctx._indexes:
        ctx._indexes["walker"] = Walker(facts_of(ctx))
    return ctx._indexes["walker"]


def _from_outside(ctx: Context, walker, wanted):
    """(container, published port, path from the outside) for each running container's TCP or
    UDP port whose host address `wanted(host_ip)` accepts."""
    from netparse.reach import client_path

    for c in ctx.topology.containers:
        for p in c.published if c.running else []:
            if p.host_port is not None and p.protocol in ("tcp", "udp") and wanted(p.host_ip):
                yield c, p, client_path(walker, OUTSIDE, c.name, p)


def _outward(ctx: Context):
    """Running containers that have a way out (a network that is not internal), and the path
    of each to the outside."""
    from netparse.reach import container_path

    if ctx.topology.uplink is None:
        return
    walker = _walker(ctx)
    internal = {n.name for n in ctx.topology.networks if n.internal}
    for c in ctx.topology.containers:
        if c.running and any(ep.network not in internal and ep.gateway for ep in c.endpoints):
            yield c, container_path(walker, c.name, str(OUTSIDE), None, OUTSIDE)


def _evidence(path) -> list[str]:
    """The hops that decided, each with its capture and line."""
    return [f"{h.evidence}: {h.text}" if h.evidence else h.text for h in path.hops
            if h.step in ("netfilter", "route", "nat")][-3:]


@check("forward-blocked", Severity.ERROR,
       "A rule or a chain's policy drops the containers' traffic to the outside (a `DOCKER-USER` "
       "rule, FORWARD's policy DROP once Docker's rules are flushed).",
       needs=_NEEDS)
def forward_blocked(ctx: Context):
    broken: dict[str, list] = {}
    for c, path in _outward(ctx):
        # Denied on the way back: the cause is a route or NAT on the way, said by other checks.
        if path.disposition.value == "denied" and path.hops[-1].direction == "forward":
            broken.setdefault(path.breaks_at, []).append((c, path))
    for rule, found in broken.items():
        names = [c.name for c, _ in found]
        yield Problem(subjects=[*names, rule.split(" → ")[0]],
                      message=f"{', '.join(names)} cannot reach the outside: {rule}",
                      evidence=_evidence(found[0][1]),
                      hint="remove or narrow the rule (iptables -D ...), or restart the engine to "
                           "put Docker's rules back after a firewall reload")


@check("masquerade-missing", Severity.ERROR,
       "A bridge network's containers leave the host without source NAT (no MASQUERADE covers "
       "their subnet): the outside answers an address it has no route to.",
       needs=_NEEDS)
def masquerade_missing(ctx: Context):
    by_network: dict[str, list] = {}
    for c, path in _outward(ctx):
        if path.disposition.value != "reply lost":
            continue
        for ep in c.endpoints:
            if ep.gateway and ep.network not in ctx.masquerade_off:
                by_network.setdefault(ep.network, []).append((c, ep, path))
                break
    for network, found in by_network.items():
        net = ctx.network(network)
        subnets = ", ".join(map(str, net.subnets)) if net else "?"
        yield Problem(subjects=[network, *(c.name for c, _, _ in found)],
                      message=f"traffic from {network} ({subnets}) leaves the host with its "
                              f"container addresses: no MASQUERADE rule covers it, so replies "
                              f"from outside are lost ({', '.join(c.name for c, _, _ in found)})",
                      evidence=[f"{ctx.firewall.source.path}: no MASQUERADE or SNAT in nat "
                                f"POSTROUTING for {subnets}"] + _evidence(found[0][2]),
                      hint=f"iptables -t nat -A POSTROUTING -s {subnets} ! -o "
                           f"{found[0][1].bridge} -j MASQUERADE, or restart the engine")


@check("published-port-blocked", Severity.ERROR,
       "A running container's published port cannot be reached from outside: a missing DNAT, a "
       "rule, a policy or a route on the way breaks it.",
       needs=_NEEDS)
def published_port_blocked(ctx: Context):
    if ctx.topology.uplink is None:
        return
    outside = _from_outside(ctx, _walker(ctx), lambda ip: ip is None or
                            (ip.version == 4 and not ip.is_loopback))
    for c, p, path in outside:
        if path.verdict.value == "unreachable":
            yield Problem(subjects=[c.name, f"{p.host_port}->{p.container_port}/{p.protocol}"],
                          message=f"{c.name}'s port {p.host_port}->{p.container_port}/"
                                  f"{p.protocol} cannot be reached from outside: "
                                  f"{path.disposition.value} at {path.breaks_at}",
                          evidence=_evidence(path),
                          hint=f"netparse trace DUMP {OUTSIDE} {c.name}:{p.host_port} shows "
                               f"every step")


@check("port-open-past-input", Severity.WARNING,
       "A published port is open to the outside although the host firewall's INPUT chain drops "
       "it (ufw and the like filter INPUT): Docker's DNAT sends the traffic through FORWARD.",
       needs=_NEEDS)
def port_open_past_input(ctx: Context):
    from netparse.reach.netfilter import Packet, run

    if ctx.topology.uplink is None:
        return
    walker = _walker(ctx)
    table = walker.facts.firewall.tables.get("filter") if walker.facts.firewall else None
    if table is None or "INPUT" not in table.chains:
        return
    for c, p, path in _from_outside(ctx, walker, lambda ip: ip is None or
                                    ip.compressed == "0.0.0.0"):
        if path.verdict.value != "reachable":
            continue
        through = [f"{h.evidence}: {h.text}" for h in path.hops if h.direction == "forward"
                   and ("DNAT" in h.text or h.text.endswith("→ ACCEPT"))]
        to_host = Packet(src=OUTSIDE, dst=path.address, proto=p.protocol, dport=p.host_port,
                         sport=40000, iif=ctx.topology.uplink)
        outcomes = run(table, "INPUT", to_host, walker.env)
        if all(o.verdict in ("DROP", "REJECT") for o in outcomes):
            step = outcomes[0].steps[-1]
            rule = f"filter INPUT {'policy' if step.number is None else f'rule {step.number}'}"
            yield Problem(subjects=[c.name, f"{p.host_port}->{p.container_port}/{p.protocol}"],
                          message=f"{c.name}'s port {p.host_port}/{p.protocol} is open to the "
                                  f"outside although {rule} drops it: DNAT sends it through "
                                  f"FORWARD, which INPUT does not see",
                          evidence=[f"{step.where or ctx.firewall.source.path}: {step.text}"]
                          + through,
                          hint=f"filter it in DOCKER-USER (iptables -I DOCKER-USER -i "
                               f"{ctx.topology.uplink} -p {p.protocol} -m conntrack "
                               f"--ctorigdstport {p.host_port} -j DROP), or publish it on "
                               f"127.0.0.1 only (-p 127.0.0.1:{p.host_port}:"
                               f"{p.container_port})")
