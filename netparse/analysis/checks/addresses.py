"""Containers' addresses: inside their subnet, as the engine recorded them, and each one once."""

from __future__ import annotations

from collections import defaultdict

from netparse.analysis.checks.base import Problem, check, docker_bridges, once
from netparse.analysis.checks.facts import CONTAINERS, ENDPOINTS, INSIDE_ADDRESSES, NETWORKS, Fact
from netparse.analysis.context import Context
from netparse.analysis.model import Container, Severity

LOOPBACK = Fact("loopback", "the loopback interface's addresses, on the host or inside a "
                "container", ("ip_addr",),
                lambda ctx: ctx.address_source is not None
                or any(c.inside and "lo" in c.inside.addresses for c in ctx.topology.containers))
INSIDE_INTERFACES = Fact("inside-interfaces", "the interfaces inside the containers",
                         ("ip_addr", "ip_link"), inside=True,
                         present=lambda ctx: any(c.inside and c.inside.interfaces
                                                 for c in ctx.topology.containers))


@check("address-outside-subnet", Severity.ERROR,
       "A container's recorded address is outside its network's subnet.",
       needs=(CONTAINERS, NETWORKS))
def address_outside_subnet(ctx: Context):
    for c in ctx.topology.containers:
        for ep in c.endpoints:
            net = ctx.network(ep.network)
            v4 = [s for s in (net.subnets if net else []) if s.version == 4]
            if ep.ip is None or not v4 or any(ep.ip in s for s in v4):
                continue
            yield Problem(subjects=[c.name, ep.network, *map(str, v4)],
                          message=f"{c.name} has {ep.ip} on network {ep.network}, outside its "
                                  f"subnet {', '.join(map(str, v4))}",
                          evidence=[f"{ctx.inspect_source}: {c.name} {ep.network} IPAddress {ep.ip}",
                                    f"{ctx.network_source or ctx.inspect_source}: {ep.network} subnet "
                                    f"{', '.join(map(str, v4))}"],
                          hint="the engine's IPAM state is inconsistent; recreate the endpoint")


@check("address-drift", Severity.ERROR,
       "The address configured inside a container differs from what the engine recorded "
       "(changed by hand): other containers and DNS point at the wrong address.",
       needs=(CONTAINERS, INSIDE_ADDRESSES))
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
            # The same address in the same subnet as recorded: the same prefix length.
            if any(a.ip == ep.ip and (ep.prefix_len is None or a.network.prefixlen == ep.prefix_len)
                   for a in v4):
                continue
            src = next((s for s in c.inside.sources if "addr" in s), c.inside.sources[0])
            yield Problem(subjects=[c.name, ep.container_iface, ep.network],
                          message=f"{c.name} {ep.container_iface} has "
                                  f"{', '.join(map(str, v4)) or 'no IPv4 address'} but the engine "
                                  f"recorded {ep.ip}/{ep.prefix_len} on network {ep.network}",
                          evidence=[f"{src}: {ep.container_iface} {', '.join(map(str, inner)) or '-'}",
                                    f"{ctx.inspect_source}: {c.name} {ep.network} IPAddress "
                                    f"{ep.ip}/{ep.prefix_len}"],
                          hint="someone changed the address inside the container; restart the "
                               "container to restore it, and other containers' view of it")


# Needs no more than networks: a bridge's own addresses count too.
@check("duplicate-address", Severity.ERROR,
       "One IP address is held twice on a network (two endpoints, an endpoint and its bridge, "
       "an address added inside a container that is another's, a host interface), or two "
       "endpoints share a MAC.",
       needs=(NETWORKS,))
def duplicate_address(ctx: Context):
    # {(network, ip): {holder: [evidence]}}; a holder is a container (by position: two
    # fragments may give two containers one name), a bridge or a host interface. Evidence is
    # kept as (template, values) and written only for what is held twice.
    ips: dict[tuple, dict] = defaultdict(lambda: defaultdict(list))
    macs: dict[str, dict] = defaultdict(lambda: defaultdict(list))
    names: dict = {}
    containers = [c for c in ctx.topology.containers if c.running is not False]
    for n, c in enumerate(containers):
        names[n] = c.name
        for ep in c.endpoints:
            src = _source(ctx, ep)
            if ep.ip is not None:
                ips[(ep.network, ep.ip)][n].append(("{}: {} {} IPAddress {}",
                                                    (src, c.name, ep.network, ep.ip)))
            if ep.mac:
                macs[ep.mac][n].append(("{}: {} {} MacAddress {}",
                                        (src, c.name, ep.network, ep.mac)))
        for iface, addrs in (c.inside.addresses if c.inside else {}).items():
            for a in addrs:
                network = _network_of(ctx, c, a.ip)
                if network and not a.ip.is_loopback and not a.ip.is_link_local:
                    src = next((s for s in c.inside.sources if "addr" in s), c.inside.sources[0])
                    ips[(network, a.ip)][n].append(("{}: {} {} inet {}", (src, c.name, iface, a)))
    for b in docker_bridges(ctx):
        for a in b.addresses:
            if b.network:
                key = f"bridge {b.name}"
                names[key] = key
                ips[(b.network, a.ip)][key].append(("{}: {} {}", (
                    ctx.address_source or ctx.iface_source, b.name, a)))
    bridges = {b.name for b in ctx.topology.bridges}
    for i in ctx.topology.interfaces:
        if i.name in bridges:
            continue
        for a in i.addresses:
            network = _network_of(ctx, None, a.ip)
            if network and (network, a.ip) in ips:
                key = f"host interface {i.name}"
                names[key] = key
                ips[(network, a.ip)][key].append(("{}: {} {}", (
                    ctx.address_source or ctx.iface_source, i.name, a)))
    for (network, ip), holders in sorted(((k, h) for k, h in ips.items() if len(h) > 1),
                                         key=str):
        owners = [names[h] for h in holders]
        yield Problem(subjects=[str(ip), network, *owners],
                      message=f"{ip} is used {len(holders)} times on network {network}: "
                              f"{', '.join(owners)}",
                      evidence=[text.format(*values) for h in holders
                                for text, values in holders[h]],
                      hint="two holders of one address break both; remove the added one, "
                           "or recreate one of the containers")
    for mac, holders in sorted(macs.items()):
        if len(holders) > 1:
            owners = [names[h] for h in holders]
            yield Problem(subjects=[mac, *owners],
                          message=f"MAC {mac} is used by {', '.join(owners)}",
                          evidence=[text.format(*values) for h in holders
                                    for text, values in holders[h]],
                          hint="a fixed --mac-address reused, or a copied container; give each its own")


def _source(ctx: Context, ep) -> str:
    """Where an endpoint comes from: the facts it was inferred from, or the inspect."""
    return ", ".join(ep.inferred_from) if ep.inferred and ep.inferred_from \
        else (ctx.inspect_source or ctx.network_source or "?")


def _network_of(ctx: Context, c: Container | None, ip) -> str | None:
    """The network an address belongs to: the container's endpoint whose subnet holds it, else
    the first network whose subnets do."""
    for ep in c.endpoints if c else []:
        # `ip in subnet_of(ep.ip, ep.prefix_len)`, by the leading bits, without making it
        if ep.ip is not None and ep.prefix_len is not None and ip.version == ep.ip.version \
                and (int(ip) ^ int(ep.ip)) >> (ip.max_prefixlen - ep.prefix_len) == 0:
            return ep.network
    # The first network of all, looked up by the address's leading bits at each prefix length
    # a subnet has, not by testing every subnet: a host may have thousands.
    index = once(ctx, "networks by subnet", lambda: _by_subnet(ctx.topology.networks))
    found = [hit for (version, prefixlen), by_bits in index.items() if version == ip.version
             if (hit := by_bits.get(int(ip) >> (ip.max_prefixlen - prefixlen))) is not None]
    return min(found)[1] if found else None


def _by_subnet(networks) -> dict:
    """{(IP version, prefix length): {a subnet's leading bits: (position, name) of the first
    network that has it}}."""
    index: dict = {}
    for position, net in enumerate(networks):
        for s in net.subnets:
            bits = int(s.network_address) >> (s.max_prefixlen - s.prefixlen)
            index.setdefault((s.version, s.prefixlen), {}).setdefault(bits, (position, net.name))
    return index


@check("loopback-down", Severity.ERROR,
       "The loopback interface, on the host or inside a container, is down or has no "
       "127.0.0.1: nothing there can reach itself over 127.0.0.1 (local DNS stubs, health "
       "checks, sidecars).",
       needs=(LOOPBACK,))
def loopback_down(ctx: Context):
    views = []
    if ctx.address_source:
        lo = ctx.interface("lo")
        if lo is not None and not lo.inferred:
            others = [a for i in ctx.topology.interfaces if i.name != "lo" for a in i.addresses]
            views.append((["lo"], "on the host", ctx.address_source, lo.addresses, others, lo.up))
    for c in ctx.topology.containers:
        if c.running is False or not c.inside or "lo" not in c.inside.addresses:
            continue
        src = next((s for s in c.inside.sources if "addr" in s), c.inside.sources[0])
        others = [a for name, addrs in c.inside.addresses.items() if name != "lo" for a in addrs]
        views.append(([c.name, "lo"], f"in {c.name}'s namespace", src, c.inside.addresses["lo"],
                      others, None))
    for subjects, where, src, addrs, others, up in views:
        v4 = [a for a in addrs if a.version == 4]
        # An `ip -6 addr` shows lo with ::1 and no IPv4 anywhere: that is no missing 127.0.0.1.
        shows_v4 = not addrs or any(a.version == 4 for a in others)
        missing = not v4 and shows_v4
        if not missing and up is not False:
            continue
        what = " and ".join(filter(None, ["is down" if up is False else "",
                                          "has no 127.0.0.1" if missing else ""]))
        yield Problem(subjects=subjects,
                      message=f"lo {what} {where}: nothing there can use the loopback",
                      evidence=[f"{src}: lo {'DOWN' if up is False else ''} addresses "
                                f"{', '.join(map(str, addrs)) or 'none'}".replace("  ", " ")],
                      hint="ip link set lo up && ip addr add 127.0.0.1/8 dev lo in that namespace; "
                           "the runtime that made it should have (a CNI config without the "
                           "loopback plugin, a runtime bug)")


# Kernel tunnel devices that appear in every namespace once their module is loaded.
_PLACEHOLDERS = {"lo", "sit0", "tunl0", "ip6tnl0", "gre0", "gretap0", "erspan0", "ip_vti0",
                 "ip6_vti0", "ip6gre0"}


@check("container-no-interface", Severity.ERROR,
       "A running container with endpoints on bridge networks has, as captured inside it, no "
       "interface but lo (and the kernel's idle tunnel devices): it has no network.",
       needs=(ENDPOINTS, INSIDE_INTERFACES))
def container_no_interface(ctx: Context):
    for c in ctx.topology.containers:
        if c.running is False or not c.inside or not c.inside.interfaces or not c.endpoints:
            continue
        if any(i.split("@")[0] not in _PLACEHOLDERS for i in c.inside.interfaces):
            continue
        networks = sorted({ep.network for ep in c.endpoints})
        src = next((s for s in c.inside.sources if "addr" in s or "link" in s),
                   c.inside.sources[0])
        yield Problem(subjects=[c.name, *networks],
                      message=f"{c.name} is on network {', '.join(networks)} but has no interface "
                              f"for it inside: only {', '.join(c.inside.interfaces)}",
                      evidence=[f"{src}: interfaces {', '.join(c.inside.interfaces)}"]
                      + [f"{_source(ctx, ep)}: {c.name} on {ep.network}"
                         + (f" IPAddress {ep.ip}" if ep.ip else "") for ep in c.endpoints],
                      hint=f"the runtime did not move its end of the veth into the container; "
                           f"docker network disconnect/connect {networks[0]} {c.name}, or "
                           f"restart it")
