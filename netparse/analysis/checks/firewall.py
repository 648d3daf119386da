"""The firewall: what the walk of a packet (netparse.reach) finds broken between the containers
and the outside. A path that depends on something not captured is unknown there, and raises
nothing here."""

from __future__ import annotations

from ipaddress import ip_address

from netparse.analysis.checks.base import Problem, check
from netparse.analysis.checks.facts import (CONTAINERS, FIREWALL, FIREWALL_INTERFACES,
                                            FIREWALL_WALKED, INTERFACES, NETWORKS, ROUTES)
from netparse.analysis.context import Context
from netparse.analysis.model import Severity

# An address of the documentation range stands for anything behind the host's default route.
OUTSIDE = ip_address("198.51.100.1")
_NEEDS = (FIREWALL_INTERFACES, CONTAINERS, NETWORKS, ROUTES, INTERFACES)


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

    walked = ctx._indexes.setdefault("from outside", {})  # one walk per port for every check
    for c in ctx.topology.containers:
        for p in c.published if c.running else []:
            if p.host_port is not None and p.protocol in ("tcp", "udp") and wanted(p.host_ip):
                if id(p) not in walked:
                    walked[id(p)] = client_path(walker, OUTSIDE, c.name, p)
                yield c, p, walked[id(p)]


def _outward(ctx: Context) -> list:
    """Running containers that have a way out (a network that is not internal), and the path
    of each to the outside: walked once for every check of the Context, and once for all the
    containers whose walks cannot differ (`netparse.reach.classes`). A container that shares
    its class's walk gets a copy of its verdict: the checks read a path's disposition, where it
    breaks and the last hop's direction, and quote the hops of the first container of a group
    only, which is always the one walked (the first of its class)."""
    from netparse.reach import container_path
    from netparse.reach.classes import Literals, alike

    if ctx.topology.uplink is None:
        return []
    if "outward" not in ctx._indexes:
        walker = _walker(ctx)
        internal = {n.name for n in ctx.topology.networks if n.internal}
        literals = Literals(walker.facts)
        walked: dict = {}
        found = []
        for c in ctx.topology.containers:
            if not (c.running and any(ep.network not in internal and ep.gateway
                                      for ep in c.endpoints)):
                continue
            key = alike(c, walker.facts, literals)
            first = walked.get(key)
            if first is None:
                path = container_path(walker, c.name, str(OUTSIDE), None, OUTSIDE)
                walked[key] = path
            else:
                path = first.model_copy(update={"from_": c.name})
            found.append((c, path))
        ctx._indexes["outward"] = found
    return ctx._indexes["outward"]


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
                      evidence=[f"{_walker(ctx).facts.firewall.source}: no MASQUERADE or SNAT in nat "
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
       "A published port is open to the outside although the host firewall drops it on the "
       "input hook (ufw and the like filter INPUT, an nftables table its input chain): Docker's "
       "DNAT sends the traffic through FORWARD.",
       needs=(FIREWALL_WALKED, CONTAINERS, NETWORKS, ROUTES, INTERFACES))
def port_open_past_input(ctx: Context):
    from netparse.reach.model import Disposition
    from netparse.reach.netfilter import Packet
    from netparse.reach.walk import Leg, Stop

    if ctx.topology.uplink is None:
        return
    walker = _walker(ctx)
    for c, p, path in _from_outside(ctx, walker, lambda ip: ip is None or
                                    ip.compressed == "0.0.0.0"):
        if path.verdict.value != "reachable":
            continue
        through = [f"{h.evidence}: {h.text}" for h in path.hops if h.direction == "forward"
                   and ("DNAT" in h.text or h.text.endswith("→ ACCEPT"))]
        # The packet as it would reach the host's own port without DNAT: every base chain on
        # the input hook (iptables' INPUT, nftables' input chains) by priority, as a walk.
        to_host = Packet(src=OUTSIDE, dst=path.address, proto=p.protocol, dport=p.host_port,
                         sport=40000, iif=ctx.topology.uplink)
        leg = Leg("forward")
        try:
            walker.hook(leg, "INPUT", to_host)
            continue
        except Stop as stop:
            if stop.disposition is not Disposition.DENIED:
                continue   # not decided: no finding rests on a guess
            rule = stop.breaks_at.split(": ")[0].split(" → ")[0]
        hop = leg.hops[-1]
        yield Problem(subjects=[c.name, f"{p.host_port}->{p.container_port}/{p.protocol}"],
                      message=f"{c.name}'s port {p.host_port}/{p.protocol} is open to the "
                              f"outside although {rule} drops it: DNAT sends it through "
                              f"FORWARD, which the input hook does not see",
                      evidence=[f"{hop.evidence}: {hop.text}"] + through,
                      hint=f"filter it on the forward hook (iptables -I DOCKER-USER -i "
                           f"{ctx.topology.uplink} -p {p.protocol} -m conntrack "
                           f"--ctorigdstport {p.host_port} -j DROP), or publish it on "
                           f"127.0.0.1 only (-p 127.0.0.1:{p.host_port}:{p.container_port})")


# --- the rules alone: what a listing or a ruleset says without the containers behind it ----------

def _docker_bridges(ctx: Context, firewall) -> dict:
    """Docker's bridges, each with the IPv4 subnet of its network where known: from the
    topology, and those the rules themselves name (`-o docker0`, `br-<id>`)."""
    found: dict = {}
    for n in ctx.topology.networks:
        if n.bridge and n.driver == "bridge" and not n.internal:
            found.setdefault(n.bridge, next((s for s in n.subnets if s.version == 4), None))
    for b in ctx.topology.bridges:
        if b.managed:
            found.setdefault(b.name, None)
    for name in sorted(firewall.bridges if firewall else ()):
        found.setdefault(name, None)
    return found


def _outbound(firewall, bridge: str, subnet, uplink: str | None, env):
    """The outcomes of filter FORWARD for a new connection from a container on `bridge` to
    the outside (HTTPS to a documentation address), and the packet sent."""
    from netparse.reach.netfilter import UNNAMED, Packet, run

    src = subnet.network_address + 2 if subnet is not None and subnet.num_addresses > 2 else None
    packet = Packet(src=src, dst=OUTSIDE, proto="tcp", dport=443, sport=40000, iif=bridge,
                    oif=uplink or UNNAMED)
    return run(firewall.tables["filter"], "FORWARD", packet, env)


def _denied(outcomes) -> bool:
    return all(o.verdict in ("DROP", "REJECT") for o in outcomes)


def _decided_by(outcomes) -> str:
    step = outcomes[0].steps[-1]
    return f"filter {step.chain} {'policy' if step.number is None else f'rule {step.number}'}"


def _verb(outcomes) -> str:
    return "rejects" if outcomes[0].verdict == "REJECT" else "drops"


def _steps(outcomes, source: str) -> list[str]:
    return [f"{s.where or source}: {s.text}" for s in outcomes[0].steps]


@check("forward-denies-bridge", Severity.ERROR,
       "The filter FORWARD chain drops or rejects what a Docker bridge's containers send out of "
       "the host, read from the rules alone (when the containers and routes behind them are "
       "not all captured, so that forward-blocked cannot walk their paths).",
       needs=(FIREWALL_INTERFACES,))
def forward_denies_bridge(ctx: Context):
    if all(fact.present(ctx) for fact in _NEEDS):
        return  # forward-blocked walks each container's real path
    walker = _walker(ctx)
    firewall = walker.facts.firewall
    if "filter" not in firewall.tables or "FORWARD" not in firewall.tables["filter"].chains:
        return
    for bridge, subnet in _docker_bridges(ctx, firewall).items():
        outcomes = _outbound(firewall, bridge, subnet, ctx.topology.uplink, walker.env)
        if not _denied(outcomes):
            continue
        yield Problem(subjects=[bridge, _decided_by(outcomes)],
                      message=f"containers on {bridge} cannot reach the outside: "
                              f"{_decided_by(outcomes)} {_verb(outcomes)} their traffic, and no "
                              f"rule before it accepts it (Docker puts `-i {bridge} ! -o "
                              f"{bridge} -j ACCEPT` there, and `-o {bridge} -m conntrack "
                              f"--ctstate RELATED,ESTABLISHED -j ACCEPT` for the replies)",
                      evidence=_steps(outcomes, firewall.source),
                      hint="restart the engine to put Docker's rules back (a firewall reload "
                           "removes them), or let the rule that rejects it come after "
                           f"Docker's (iptables -I FORWARD -i {bridge} ! -o {bridge} -j "
                           f"ACCEPT)")


@check("iptables-both-backends", Severity.WARNING,
       "iptables-legacy and iptables-nft both hold tables: the rules of one are not in the "
       "other's listing, so the firewall netparse reads (and any walk of a packet) is "
       "incomplete, and rules may fight.")
def iptables_both_backends(ctx: Context):
    # The facts are in the captures that hold them (a warning line, two saves): no need.
    if not ctx.both_backends:
        return
    yield Problem(subjects=["iptables-legacy", "iptables-nft"],
                  message="iptables-legacy tables are present beside the nf_tables ones: the "
                          "legacy rules are not in the nft listing, so the firewall seen here "
                          "is incomplete and paths through it are unknown",
                  evidence=list(ctx.both_backends),
                  hint="capture iptables-legacy-save too; then keep one backend (the one the "
                       "engine uses, as `update-alternatives --display iptables` shows) and "
                       "flush the other's tables")


# Docker's own chains, in every layout (moby integration/network/bridge/iptablesdoc): DOCKER and
# DOCKER-ISOLATION-STAGE-1/2 to 27; DOCKER-FORWARD, DOCKER-CT, DOCKER-BRIDGE and DOCKER-INTERNAL
# in 28; DOCKER-ISOLATION before 17.06; DOCKER-USER from 17.06 on.
_DOCKER_CHAINS = ("DOCKER", "DOCKER-USER", "DOCKER-FORWARD", "DOCKER-CT", "DOCKER-BRIDGE",
                  "DOCKER-INTERNAL", "DOCKER-ISOLATION", "DOCKER-ISOLATION-STAGE-1",
                  "DOCKER-ISOLATION-STAGE-2", "DOCKER-INGRESS")
_OWN_JUMPS = ("DOCKER-FORWARD", "DOCKER", "DOCKER-ISOLATION-STAGE-1", "DOCKER-ISOLATION")


def _docker_present(ctx: Context, firewall) -> list[str]:
    """What says Docker manages this host's iptables rules."""
    said = [ctx.docker_iptables] if ctx.docker_iptables else []
    chains = sorted({f"{t.name} {c}" for t in firewall.tables.values() for c in t.chains
                     if c in _DOCKER_CHAINS})
    if chains:
        said.append(f"{firewall.source}: Docker's chains {', '.join(chains)}")
    return said


def _jumps(chain) -> set[str]:
    return {r.target for r in chain.rules}


@check("docker-rules-missing", Severity.WARNING,
       "Docker's iptables rules are partly gone (after a firewall reload, or with the engine's "
       "iptables management off): the nat table without a rule or without its DOCKER chain, no "
       "MASQUERADE for a bridge network, FORWARD without its jumps to DOCKER-USER and Docker's "
       "own chains.",
       needs=(FIREWALL,))
def docker_rules_missing(ctx: Context):
    walker = _walker(ctx)
    firewall = walker.facts.firewall
    docker = _docker_present(ctx, firewall)
    networks = [n for n in ctx.topology.networks if n.driver == "bridge" and n.bridge]
    nat = firewall.tables.get("nat")
    if nat is not None and not any(c.rules for c in nat.chains.values()):
        user = [c for c in nat.chains if c not in ("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING")]
        if not user:
            on = docker or [f"{n.name} ({n.bridge})" for n in networks]
            yield Problem(
                subjects=["nat"],
                message="the nat table holds no rule at all: no DOCKER chain, no MASQUERADE. "
                        "Docker's iptables management looks off (dockerd --iptables=false) or "
                        "its rules were flushed: a bridge network's traffic to the outside "
                        "would leave with its container addresses, and no port is published",
                evidence=[f"{firewall.source}: nat PREROUTING, INPUT, OUTPUT and POSTROUTING "
                          f"are empty, and there is no other chain"] + docker,
                hint="restart the engine (or start it with iptables on) to put its rules back",
                severity=None if on else Severity.INFO)
            return
    if not docker:
        return
    if nat is not None and "DOCKER" not in nat.chains:
        yield Problem(subjects=["nat", "DOCKER"],
                      message="the nat table has no DOCKER chain, though Docker manages this "
                              "host's rules: no published port is forwarded (DNAT)",
                      evidence=docker + [f"{firewall.source}: nat chains "
                                         f"{', '.join(nat.chains)}"],
                      hint="restart the engine to put its rules back")
    if nat is not None and "POSTROUTING" in nat.chains and \
            not all(fact.present(ctx) for fact in _NEEDS):  # else masquerade-missing says it
        yield from _unmasqueraded(ctx, walker, nat, networks, docker)
    table = firewall.tables.get("filter")
    forward = table.chains.get("FORWARD") if table else None
    if forward is None:
        return
    jumps = _jumps(forward)
    if "DOCKER-USER" in table.chains and "DOCKER-USER" not in jumps:
        yield Problem(subjects=["FORWARD", "DOCKER-USER"],
                      message="FORWARD does not jump to DOCKER-USER: the rules put there to "
                              "filter containers' traffic are never applied",
                      evidence=[f"{firewall.source}: filter FORWARD jumps to "
                                f"{', '.join(sorted(jumps & set(table.chains))) or 'no chain'}"],
                      hint="restart the engine to put its jump back (iptables -I FORWARD -j "
                           "DOCKER-USER)")
    own = [c for c in _OWN_JUMPS if c in table.chains]
    if own and not jumps & set(_OWN_JUMPS):
        yield Problem(subjects=["FORWARD", own[0]],
                      message=f"FORWARD does not jump to Docker's chains ({', '.join(own)} "
                              f"exist but nothing in FORWARD leads to them): Docker's rules "
                              f"for its bridges and published ports are not applied",
                      evidence=[f"{firewall.source}: filter FORWARD holds "
                                f"{len(forward.rules)} rule{'s' if len(forward.rules) != 1 else ''}"
                                f", policy {forward.policy}"] + docker,
                      hint="restart the engine to put its rules back after a firewall reload")


def _unmasqueraded(ctx: Context, walker, nat, networks, docker):
    from netparse.reach.netfilter import UNNAMED, Packet, run

    for n in networks:
        subnet = next((s for s in n.subnets if s.version == 4), None)
        if subnet is None or n.internal or n.name in ctx.masquerade_off or subnet.num_addresses < 4:
            continue
        packet = Packet(src=subnet.network_address + 2, dst=OUTSIDE, proto="tcp", dport=443,
                        sport=40000, iif=n.bridge, oif=ctx.topology.uplink or UNNAMED)
        outcomes = run(nat, "POSTROUTING", packet, walker.env)
        if all(o.verdict == "ACCEPT" and o.packet.src == packet.src and not o.assumed
               for o in outcomes):
            yield Problem(subjects=[n.name, "nat POSTROUTING"],
                          message=f"no MASQUERADE covers {n.name} ({subnet}): its containers' "
                                  f"traffic leaves the host with their own addresses, and "
                                  f"replies from outside are lost",
                          evidence=[f"{walker.facts.firewall.source}: nat POSTROUTING has no "
                                    f"MASQUERADE or SNAT for {subnet}"] + docker,
                          hint=f"restart the engine, or iptables -t nat -A POSTROUTING -s "
                               f"{subnet} ! -o {n.bridge} -j MASQUERADE")


@check("rules-not-running", Severity.INFO,
       "A capture of iptables rules that is not the running host's firewall (a saved rules file "
       "such as /etc/iptables/rules.v4, or two listings pasted as one): what it would do is "
       "said, never as a fault of the host.")
def rules_not_running(ctx: Context):
    # Its facts are the captures set aside themselves: no need.
    from netparse.reach.netfilter import Env
    from netparse.reach.rules import firewall_of

    for entry, why in ctx.saved_rules:
        path = entry.source.path
        if entry.kind != "iptables_save":
            yield Problem(subjects=[path], message=f"{path} is not used as the host's "
                                                   f"firewall: {why}",
                          evidence=[f"{path}: {why}"],
                          hint="paste each listing as its own capture, with its command")
            continue
        rules = firewall_of(entry)
        said = f"{path} is a saved rules file, not the running host's tables ({why}): it " \
               f"says what is loaded, not what is in force now"
        bridges = _docker_bridges(ctx, rules)
        env = Env(bridges=frozenset(bridges))
        denied = []
        if "filter" in rules.tables and "FORWARD" in rules.tables["filter"].chains:
            for bridge, subnet in bridges.items():
                outcomes = _outbound(rules, bridge, subnet, None, env)
                if _denied(outcomes):
                    denied.append((bridge, outcomes))
        absent = [f"the {c} chain" for c in ("DOCKER", "DOCKER-USER") if not any(
            c in t.chains for t in rules.tables.values())]
        filter_ = rules.tables.get("filter")
        if filter_ is not None and "FORWARD" in filter_.chains and \
                "DOCKER-USER" not in _jumps(filter_.chains["FORWARD"]):
            absent.append("the FORWARD jump to DOCKER-USER")
        if not denied:
            yield Problem(subjects=[path], message=said, evidence=[f"{path}: {why}"],
                          hint="capture the running tables with iptables-save")
            continue
        for bridge, outcomes in denied:
            yield Problem(
                subjects=[path, bridge],
                message=f"{said}. As written, {_decided_by(outcomes)} "
                        f"{_verb(outcomes)} what containers on {bridge} "
                        f"send out of the host"
                        + (f", and {' and '.join(absent)} {'is' if len(absent) == 1 else 'are'} "
                           f"absent from it" if absent else "")
                        + ": unless Docker puts its own rules above these when it starts, "
                          "containers on it are cut off",
                evidence=[f"{path}: {why}"] + _steps(outcomes, path),
                hint="compare with the running tables (iptables-save); let the file accept "
                     f"traffic from {bridge} or jump to DOCKER-USER, and restart the engine "
                     "after loading it",
                severity=Severity.WARNING)
