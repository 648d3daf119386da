"""Docker's bridges: up, carrying traffic, holding their network's gateway, and holding each
container's veth."""

from __future__ import annotations

import re
from collections import Counter

from netparse.analysis.checks.base import Problem, check, docker_bridges, once, users
from netparse.analysis.checks.facts import (BRIDGES, CONTAINERS, INTERFACES, NETWORKS,
                                            WHOLE_INTERFACES, Fact)
from netparse.analysis.context import Context
from netparse.analysis.model import Severity

HOST_ADDRESSES = Fact("host-addresses", "the addresses of the host's interfaces (not a filtered "
                      "view, which may lack the lines it did not select)", ("ip_addr",),
                      lambda ctx: ctx.address_source is not None and "interfaces" not in ctx.views,
                      command="ip addr, not filtered")

DOCKER_BRIDGE_NAME = re.compile(r"docker0|docker_gwbridge|br-[0-9a-f]{12}")
DOCKER_VETH = re.compile(r"veth[0-9a-f]{7}")


@check("bridge-down", Severity.ERROR,
       "A Docker bridge is down, has no carrier, or its subnet route is `linkdown`, while "
       "running containers use it: their traffic goes nowhere.",
       needs=(BRIDGES, CONTAINERS))
def bridge_down(ctx: Context):
    for b in docker_bridges(ctx):
        on_it = users(ctx, b.name)
        if not on_it:
            continue
        src = ctx.iface_source
        if b.up is False:
            yield Problem(subjects=[b.name, *on_it],
                          message=f"bridge {b.name} is administratively down while "
                                  f"{len(on_it)} running container(s) use it: {', '.join(on_it)}",
                          evidence=[f"{src}: {b.name} state {b.state}, no UP flag"],
                          hint=f"ip link set {b.name} up (and find out who took it down)")
            continue
        linkdown = [r for r in _linkdown(ctx) if r.dev == b.name]
        if b.carrier is False or linkdown:
            down = [p.name + (f" ({p.container})" if p.container else "")
                    for p in b.ports if p.up is False]
            evidence = [f"{src}: {b.name} NO-CARRIER, state {b.state}"] if b.carrier is False else []
            evidence += [f"{src}: port {p} is down" for p in down]
            evidence += [f"{ctx.route_source}: {r.destination} dev {b.name} linkdown" for r in linkdown]
            yield Problem(subjects=[b.name, *on_it],
                          message=f"bridge {b.name} has no carrier (no port is up"
                                  f"{': ' + ', '.join(down) + ' down' if down else ''}), "
                                  f"while it serves {', '.join(on_it)}",
                          evidence=evidence,
                          hint="bring the containers' veths up (ip link set <veth> up), or "
                               "restart the containers")


def _linkdown(ctx: Context) -> list:
    """The main table's unicast routes marked `linkdown`, in table order."""
    return once(ctx, "linkdown routes", lambda: [
        r for r in ctx.topology.routes
        if r.linkdown and r.table in (None, "main") and r.type == "unicast"])


@check("bridge-gateway", Severity.ERROR,
       "A Docker bridge lacks its network's gateway address, or carries another one instead: "
       "containers cannot reach their default gateway.",
       needs=(WHOLE_INTERFACES, NETWORKS))
def bridge_gateway(ctx: Context):
    for b in docker_bridges(ctx):
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
            yield Problem(subjects=[b.name, net.name],
                          message=f"bridge {b.name} lacks the gateway {gw} of network {net.name}: {what}",
                          evidence=[f"{ctx.network_source or ctx.inspect_source}: network {net.name} "
                                    f"gateway {gw}",
                                    f"{ctx.iface_source}: {b.name} addresses "
                                    f"{', '.join(map(str, b.addresses)) or 'none'}"],
                          hint="containers on this network cannot reach their gateway; restarting "
                               "the engine re-creates the address")


@check("bridge-no-address", Severity.ERROR,
       "A Docker bridge shown by `ip addr` has no IPv4 address (none at all, or only a "
       "link-local IPv6 one), and its network's gateway is not known: its containers have no "
       "gateway.",
       needs=(HOST_ADDRESSES,))
def bridge_no_address(ctx: Context):
    for b in docker_bridges(ctx):
        iface = ctx.interface(b.name)
        if iface is None or iface.inferred:
            continue  # known only from references: its addresses were not captured
        net = ctx.network(b.network)
        if net is not None and net.gateways and NETWORKS.present(ctx):
            continue  # bridge-gateway compares it with the network's gateway
        # Global IPv6 alone is an IPv6-only network (`--ipv4=false`), not a missing gateway.
        if any(a.version == 4 or not a.ip.is_link_local for a in iface.addresses):
            continue
        has = (f"only {', '.join(map(str, iface.addresses))}" if iface.addresses
               else "no address at all")
        yield Problem(subjects=[b.name, *filter(None, [b.network])],
                      message=f"Docker bridge {b.name} has no IPv4 address ({has}): containers "
                              f"on it have no gateway and cannot leave their subnet",
                      evidence=[f"{ctx.address_source}: {b.name} {iface.state or ''} "
                                f"addresses {', '.join(map(str, iface.addresses)) or 'none'}"
                                .replace("  ", " ")],
                      hint="the engine sets the gateway address when it creates the bridge "
                           "(unless com.docker.network.bridge.inhibit_ipv4 is set): something "
                           "removed it; restart the engine, or recreate the network")


def _docker_master(ctx: Context, name: str | None) -> bool:
    if not name:
        return False
    bridge = ctx.bridge(name)
    return bool(DOCKER_BRIDGE_NAME.fullmatch(name) or (bridge is not None and bridge.managed))


@check("veth-without-master", Severity.ERROR,
       "A container's veth (up, its peer in another namespace) is on no bridge while its "
       "siblings are on a Docker bridge: the container behind it is cut off. Its bridge need "
       "not be in the capture; the siblings' `master` names it.",
       needs=(INTERFACES,))
def veth_without_master(ctx: Context):
    siblings = [i for i in ctx.topology.interfaces
                if i.kind == "veth" and _docker_master(ctx, i.master)]
    if not siblings:
        return
    masters = Counter(i.master for i in siblings)
    bridge = masters.most_common(1)[0][0]
    # A veth paired with its endpoint is detached-endpoint's: it names the container.
    paired = {ep.host_veth for c in ctx.topology.containers for ep in c.endpoints if ep.host_veth}
    for i in ctx.topology.interfaces:
        if i.kind != "veth" or i.master or i.up is not True or i.inferred or i.name in paired:
            continue
        # `vethX@ifN` with no peer name: the peer is in another namespace, a container's.
        if i.peer_ifindex is None or i.peer_name is not None:
            continue
        docker_named = DOCKER_VETH.fullmatch(i.name)
        shown = [s for s in siblings if s.master == bridge][:3]
        yield Problem(subjects=[i.name, bridge],
                      severity=None if docker_named else Severity.WARNING,
                      message=f"{i.name} is up and its peer (ifindex {i.peer_ifindex}) is in "
                              f"another namespace, but it is on no bridge, while "
                              f"{', '.join(s.name for s in shown)} "
                              f"{'is' if len(shown) == 1 else 'are'} on {bridge}: the container "
                              f"behind it is cut off",
                      evidence=[f"{ctx.iface_source}: {i.name}@if{i.peer_ifindex} "
                                f"{i.state or 'UP'}, no master"
                                f"{f' link-netnsid {i.link_netnsid}' if i.link_netnsid is not None else ''}"]
                      + [f"{ctx.iface_source}: {s.name}@if{s.peer_ifindex} master {s.master}"
                         for s in shown],
                      hint=f"ip link set {i.name} master {bridge}, or restart the container; if "
                           f"something else manages veths (systemd-networkd matching veth*), "
                           f"tell it to leave Docker's alone")


_ZERO_MAC = "00:00:00:00:00:00"


@check("bridge-id-zero", Severity.INFO,
       "A Docker bridge has no port and an all-zero bridge id (`8000.000000000000`): nothing "
       "is attached to it, and it has no MAC address of its own. Not a fault while no "
       "container is meant to be on it.",
       needs=(BRIDGES,))
def bridge_id_zero(ctx: Context):
    zero = [b for b in docker_bridges(ctx) if str(b.mac) == _ZERO_MAC and not b.ports]
    if not zero:
        return
    names = [b.name for b in zero]
    source = ctx.bridge_source or ctx.iface_source
    yield Problem(subjects=names,
                  message=f"{', '.join(names)} {'has' if len(zero) == 1 else 'have'} no port "
                          f"and an all-zero bridge id (MAC {_ZERO_MAC}): the kernel takes a "
                          f"bridge's id from its ports unless its MAC address was set, and no "
                          f"interface, no container's veth, is attached",
                  evidence=[f"{source}: {b.name} MAC {_ZERO_MAC}, no ports" for b in zero],
                  hint="expected while no container uses the network; if containers should "
                       "be on it, see whether they run (docker ps) and that the engine could "
                       "attach them (its log)")


BRIDGE_NF = Fact("bridge-nf", "whether bridged traffic goes through iptables "
                 "(net.bridge.bridge-nf-call-iptables, or docker info's warning)",
                 ("sysctl", "docker_info"),
                 lambda ctx: ctx.bridge_nf is not None or bool(ctx.bridge_nf_off))


@check("bridge-nf-off", Severity.INFO,
       "`net.bridge.bridge-nf-call-iptables` (or `-ip6tables`) is 0, or `docker info` warns it "
       "is disabled: iptables does not see traffic between containers of one bridge, so "
       "`--icc=false` does not keep them apart and a published port reached from a container "
       "on the same bridge gets answers that bypass the NAT.",
       needs=(BRIDGE_NF,))
def bridge_nf_off(ctx: Context):
    if not ctx.bridge_nf_off:
        return
    keys = [k for k in ("iptables", "ip6tables")
            if any(f"bridge-nf-call-{k} " in fact or f"BridgeNf{k.capitalize()}" in fact
                   for fact in ctx.bridge_nf_off)]
    tools = " and ".join(keys)
    yield Problem(subjects=[f"net.bridge.bridge-nf-call-{k}" for k in keys],
                  message=f"{' and '.join(f'bridge-nf-call-{k}' for k in keys)} "
                          f"{'is' if len(keys) == 1 else 'are'} disabled: {tools} "
                          f"{'does' if len(keys) == 1 else 'do'} not see traffic bridged "
                          f"between containers of one bridge, so --icc=false does not keep "
                          f"them apart, and a container that reaches a published port of "
                          f"another on its own bridge (by the host's address, without the "
                          f"userland proxy) gets answers that bypass the NAT",
                  evidence=list(ctx.bridge_nf_off),
                  hint="a setting, not a broken network: if either matters here, modprobe "
                       "br_netfilter and sysctl -w net.bridge.bridge-nf-call-iptables=1 "
                       "net.bridge.bridge-nf-call-ip6tables=1 (and find what set them to 0, "
                       "a sysctl.d file)")
