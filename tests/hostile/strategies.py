"""Hypothesis strategies for the models, valid by construction and as the commands print them:
real-looking interface names, `ipaddress` values, MACs, flags from the enums, only what each
command can show (a `default` IPv4 route has a gateway; an IPv6 one a preference; ...).

A command that prints no header prints nothing at all for an empty table, and netparse refuses
empty input: those models hold at least one entry."""

from __future__ import annotations

from datetime import datetime, timezone
from ipaddress import (IPv4Address, IPv4Interface, IPv4Network, IPv6Address, IPv6Interface,
                       IPv6Network)

from hypothesis import strategies as st

from netparse.models.bridge import (BridgeFdb, BridgeLink, BridgePort, BrctlBridge, BrctlShow,
                                    FdbEntry, FdbFlag, FdbState, PortState)
from netparse.models.docker import (ContainerState, ContainerStateInfo, DockerInspect,
                                    DockerNetworkInspect, DockerNetworkLs, DockerPs, Endpoint,
                                    InspectContainer, Ipam, IpamConfig, Network, NetworkEndpoint,
                                    NetworkRow, PortMapping, PsContainer)
from netparse.models.link import (Address, AddressFamily, Interface, IpAddr, IpLink, LinkFlag,
                                  LinkState)
from netparse.models.route import (AddressFamily as RouteFamily, IpRoute, IpRouteEntry,
                                   IpRouteFlag, Nexthop, Route, RouteFlag, RouteTable, RouteType)
from netparse.models.iptables import (AddressMatch, Chain, Counters, InterfaceMatch,
                                      IptablesList, IptablesSave, ListAddress, ListChain,
                                      ListRule, Match, NatRange, Option, PortMatch, PortRange,
                                      ProtocolMatch, Rule, Table, Target, WordsMatch)
from netparse.models.nft import NftChain, NftRule, NftRuleset, NftTable, Statement
from netparse.models.engine import AddressPool, DockerInfo, DockerVersion, OutlineLine
from netparse.models.rule import IpRule, Rule as PolicyRule, RuleAction
from netparse.models.sysctl import Sysctl, SysctlError

HEX = "0123456789abcdef"


def hex_string(length: int):
    return st.text(HEX, min_size=length, max_size=length)


# --- names and addresses -----------------------------------------------------------------------

def veth_name():
    return hex_string(7).map(lambda h: f"veth{h}")


def bridge_name():
    return st.one_of(st.sampled_from(["docker0", "virbr0", "lxcbr0", "cni0", "br0", "np-br0"]),
                     hex_string(12).map(lambda h: f"br-{h}"))


def interface_name():
    """Names as the kernel allows them (1-15 characters, no space, `/` or `:`), mostly the
    usual ones."""
    free = st.text("abcdefghijklmnopqrstuvwxyz0123456789_.-", min_size=1, max_size=15).filter(
        lambda n: n not in (".", "..") and not n.startswith("-"))
    return st.one_of(veth_name(), bridge_name(),
                     st.sampled_from(["eth0", "eth1", "ens3", "enp0s3", "wlan0", "bond0",
                                      "vxlan0", "tap0", "tun0", "wg0", "lo"]), free,
                     st.sampled_from(["master", "dynamic", "sticky", "dev", "via", "link", "inet",
                                      "peer", "default", "self", "vlan", "local", "nodad", "state",
                                      "secondary", "permanent", "static", "dead", "linkdown",
                                      "proto", "scope", "metric", "mtu", "qdisc", "group", "qlen",
                                      "brd", "altname", "alias", "valid_lft", "nexthop", "weight",
                                      "table", "src", "pref", "onlink", "used", "dst", "port",
                                      "router", "offload", "extern_learn"]))


def mac():
    return st.binary(min_size=6, max_size=6).map(lambda b: ":".join(f"{x:02x}" for x in b))


def ipv4():
    return st.integers(1, 2**32 - 2).map(IPv4Address)


def ipv6():
    return st.integers(1, 2**128 - 1).map(IPv6Address)


def ipv4_network():
    return st.builds(lambda a, p: IPv4Network((int(a) >> (32 - p) << (32 - p), p)),
                     ipv4(), st.integers(0, 32))


def ipv6_network():
    return st.builds(lambda a, p: IPv6Network((int(a) >> (128 - p) << (128 - p), p)),
                     ipv6(), st.integers(0, 128))


def unique_by(elements, key, **kwargs):
    return st.lists(elements, unique_by=key, **kwargs)


# --- brctl show --------------------------------------------------------------------------------

@st.composite
def brctl_bridge(draw, name, ports):
    priority = draw(st.integers(0, 0xFFFF))
    address = draw(mac())
    return BrctlBridge(name=name, bridge_id=f"{priority:04x}.{address.replace(':', '')}",
                       priority=priority, mac=address, stp=draw(st.booleans()), interfaces=ports)


@st.composite
def brctl_show(draw):
    names = draw(st.lists(bridge_name(), unique=True, max_size=6))
    ports = draw(st.lists(st.one_of(veth_name(), interface_name()), unique=True, max_size=20))
    bridges = []
    for name in names:
        count = draw(st.integers(0, len(ports)))
        bridges.append(draw(brctl_bridge(name, ports[:count])))
        ports = ports[count:]
    return BrctlShow(bridges=bridges)


# --- bridge fdb / link ---------------------------------------------------------------------------

_FLAG_ORDER = list(FdbFlag)


@st.composite
def fdb_entry(draw):
    fields: dict = {"mac": draw(mac()), "dev": draw(interface_name())}
    if draw(st.booleans()):
        fields["dst"] = draw(st.one_of(ipv4(), ipv6()))
        fields["port"] = draw(st.none() | st.integers(1, 65535))
        fields["vni"] = draw(st.none() | st.integers(1, 2**24 - 1))
    fields["vlan"] = draw(st.none() | st.integers(1, 4094))
    fields["src_vni"] = draw(st.none() | st.integers(1, 2**24 - 1))
    fields["nhid"] = draw(st.none() | st.integers(1, 2**31))
    fields["link_netnsid"] = draw(st.none() | st.integers(0, 100))
    fields["via"] = draw(st.none() | interface_name())
    if draw(st.booleans()):
        fields["used"], fields["updated"] = draw(st.integers(0, 10**6)), draw(st.integers(0, 10**6))
    fields["self_"] = draw(st.booleans())
    flags = draw(st.lists(st.sampled_from(_FLAG_ORDER), unique=True, max_size=3))
    fields["flags"] = sorted(flags, key=_FLAG_ORDER.index)
    fields["master"] = draw(st.none() | bridge_name())
    fields["state"] = draw(st.sampled_from(list(FdbState)))
    return FdbEntry(**fields)


def bridge_fdb():
    return st.builds(BridgeFdb, entries=st.lists(fdb_entry(), min_size=1, max_size=12))


@st.composite
def bridge_port(draw, ifindex):
    fields: dict = {"ifindex": ifindex, "name": draw(interface_name())}
    peer = draw(st.sampled_from(["none", "index", "name"]))
    if peer == "index":
        fields["peer_ifindex"] = draw(st.integers(1, 10**6))
    elif peer == "name":
        fields["peer"] = draw(interface_name().filter(lambda n: not n.startswith("if")))
    fields["flags"] = draw(st.lists(st.sampled_from(list(LinkFlag)), unique=True, max_size=6))
    fields["mtu"] = draw(st.integers(68, 65535))
    fields["master"] = draw(bridge_name())
    fields["state"] = draw(st.sampled_from(list(PortState)))
    fields["priority"] = draw(st.integers(0, 63))
    fields["cost"] = draw(st.integers(1, 65535))
    settings = ["hairpin", "guard", "root_block", "fastleave", "learning", "flood",
                "mcast_flood", "bcast_flood", "mcast_to_unicast", "neigh_suppress",
                "vlan_tunnel", "isolated", "locked"]
    if draw(st.booleans()):  # `bridge -d link`
        fields["options"] = {k: draw(st.sampled_from(["on", "off"])) for k in settings}
        fields["options"]["mcast_router"] = str(draw(st.integers(0, 2)))
    return BridgePort(**fields)


@st.composite
def bridge_link(draw):
    indexes = draw(st.lists(st.integers(1, 10**6), unique=True, min_size=1, max_size=10))
    return BridgeLink(ports=[draw(bridge_port(i)) for i in sorted(indexes)])


# --- sysctl -------------------------------------------------------------------------------------

def sysctl_key():
    part = st.text("abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=12)
    return st.lists(part, min_size=2, max_size=6).map(".".join)


def sysctl_value_line():
    """A line of a value: anything printable but white space at either end."""
    inner = st.lists(st.characters(min_codepoint=32, max_codepoint=126)
                     | st.sampled_from(["\t", " = ", "é"]), max_size=30).map("".join)
    return st.builds(lambda a, b, c: a + b + c if b else a, st.text(st.characters(
        min_codepoint=33, max_codepoint=126), min_size=1, max_size=8), inner,
        st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=1))


@st.composite
def sysctl(draw):
    keys = draw(st.lists(sysctl_key(), unique=True, min_size=1, max_size=15))
    settings, errors = {}, []
    line = 0
    for key in keys:
        if draw(st.integers(0, 9)) == 0:  # a key that cannot be read, printed on stderr
            line += 1
            path = key.replace(".", "/")
            message = draw(st.sampled_from([f"cannot stat /proc/sys/{path}: No such file or "
                                            f"directory", f"permission denied on key '{key}'"]))
            errors.append(SysctlError(line=line, key=key, message=message))
            continue
        parts = draw(st.lists(sysctl_value_line(), min_size=1, max_size=3)
                     | st.sampled_from([[""], ["0"], ["1"], ["(none)"]]))
        settings[key] = "\n".join(parts)
        line += len(parts)
    return Sysctl(settings=settings, errors=errors)


# --- routes -------------------------------------------------------------------------------------

_ROUTE_LETTERS = "UGHRDMACnemafdcopluwi"


@st.composite
def route_flags(draw, reject: bool):
    letters = draw(st.lists(st.sampled_from(_ROUTE_LETTERS), unique=True, max_size=4))
    if reject:
        letters = ["!", *letters]
    elif not letters:
        letters = ["U"]
    return [RouteFlag(c) for c in letters]


@st.composite
def route_n(draw):
    family = draw(st.sampled_from([RouteFamily.INET, RouteFamily.INET6]))
    netstat = family is RouteFamily.INET and draw(st.booleans())
    routes = []
    for _ in range(draw(st.integers(0, 12))):
        reject = draw(st.integers(0, 5)) == 0
        fields: dict = {"flags": draw(route_flags(reject))}
        if family is RouteFamily.INET:
            network = draw(ipv4_network())
            fields.update(destination=network, genmask=network.netmask,
                          prefixlen=network.prefixlen,
                          gateway=None if reject else draw(st.none() | ipv4()))
        else:
            network = draw(ipv6_network())
            fields.update(destination=network, prefixlen=network.prefixlen,
                          gateway=None if reject else draw(st.none() | ipv6()))
        if netstat:
            fields.update(mss=None if reject else draw(st.integers(0, 65535)),
                          window=None if reject else draw(st.integers(0, 65535)),
                          irtt=None if reject else draw(st.integers(0, 10**5)))
        else:
            fields.update(metric=draw(st.integers(-1 if family is RouteFamily.INET6 else 0,
                                                  2**31)),
                          ref=None if reject and family is RouteFamily.INET else
                          draw(st.integers(0, 1000)),
                          use=draw(st.integers(0, 10**9)))
        fields["iface"] = None if reject and family is RouteFamily.INET else draw(interface_name())
        routes.append(Route(**fields))
    return RouteTable(family=family, routes=routes)


_PROTOS = ["kernel", "static", "boot", "dhcp", "ra", "redirect", "bird", "zebra", "babel"]


@st.composite
def ip_route_entry(draw, family):
    inet = family is RouteFamily.INET
    address, network = (ipv4, ipv4_network) if inet else (ipv6, ipv6_network)
    kind = draw(st.sampled_from([RouteType.UNICAST] * 6 + [
        RouteType.LOCAL, RouteType.BROADCAST, RouteType.BLACKHOLE, RouteType.UNREACHABLE,
        RouteType.PROHIBIT, RouteType.MULTICAST, RouteType.ANYCAST]))
    if not inet and kind is RouteType.BROADCAST:
        kind = RouteType.ANYCAST
    destination = draw(network())
    # `default` is printed for /0: an IPv4 one needs a gateway to tell its family (an IPv6
    # route has its preference), and only these types print it.
    if destination.prefixlen == 0 and (kind not in (RouteType.UNICAST, RouteType.BLACKHOLE,
                                                    RouteType.UNREACHABLE, RouteType.PROHIBIT)
                                       or (inet and kind is not RouteType.UNICAST)):
        destination = draw(network().filter(lambda n: n.prefixlen > 0))
    fields: dict = {"type": kind, "family": family, "destination": destination}
    if kind in (RouteType.UNICAST, RouteType.LOCAL, RouteType.BROADCAST, RouteType.MULTICAST,
                RouteType.ANYCAST):
        multipath = inet and kind is RouteType.UNICAST and draw(st.integers(0, 4)) == 0
        if multipath:
            fields["nexthops"] = draw(st.lists(st.builds(
                Nexthop, gateway=ipv4(), dev=interface_name(), weight=st.integers(1, 256),
                flags=st.lists(st.sampled_from([IpRouteFlag.DEAD, IpRouteFlag.LINKDOWN,
                                                IpRouteFlag.ONLINK]), unique=True)),
                min_size=1, max_size=3))
        else:
            fields["gateway"] = draw(address()) if (
                kind is RouteType.UNICAST and (destination.prefixlen == 0 or draw(st.booleans()))
            ) else None
            fields["dev"] = draw(interface_name())
        fields["table"] = draw(st.sampled_from([None, None, "local", "100", "custom"]))
        fields["proto"] = draw(st.none() | st.sampled_from(_PROTOS))
        fields["scope"] = draw(st.none() | st.sampled_from(["link", "host", "site", "253"]))
        fields["src"] = draw(st.none() | address())
        fields["flags"] = draw(st.lists(st.sampled_from(list(IpRouteFlag)), unique=True,
                                        max_size=3))
    fields["metric"] = draw(st.none() | st.integers(0, 2**32 - 1))
    if not inet:
        fields["pref"] = draw(st.sampled_from(["low", "medium", "high"]))
    fields["options"] = draw(st.fixed_dictionaries({}, optional={
        "nhid": st.integers(1, 10**6).map(str), "expires": st.integers(0, 10**6).map(
            lambda n: f"{n}sec"), "mtu": st.sampled_from(["1400", "lock 1400"]),
        "advmss": st.just("1360"), "rtt": st.sampled_from(["10ms", "1.5s"]),
        "hoplimit": st.integers(1, 255).map(str)}))
    return IpRouteEntry(**fields)


@st.composite
def ip_route(draw):
    """`ip route show table all`: IPv4 routes, then IPv6 ones."""
    v4 = draw(st.lists(ip_route_entry(RouteFamily.INET), max_size=8))
    v6 = draw(st.lists(ip_route_entry(RouteFamily.INET6), min_size=0 if v4 else 1, max_size=8))
    return IpRoute(routes=v4 + v6)


# --- ip addr / ip link --------------------------------------------------------------------------

_ADDRESS_FLAGS_V4 = ["nodad", "optimistic", "home", "deprecated", "tentative", "autojoin"]
_ADDRESS_FLAGS_V6 = _ADDRESS_FLAGS_V4 + ["dadfailed", "mngtmpaddr", "stable-privacy"]


@st.composite
def address(draw, name):
    inet = draw(st.booleans())
    fields: dict = {}
    if inet:
        host = draw(ipv4())
        prefix = draw(st.integers(1, 32))
        fields["address"] = IPv4Interface((host, prefix))
        if draw(st.integers(0, 5)) == 0:  # point-to-point: `inet A peer B/len`
            fields["peer"] = IPv4Interface((draw(ipv4()), prefix))
        elif prefix < 31 and draw(st.booleans()):
            fields["broadcast"] = IPv4Interface((host, prefix)).network.broadcast_address
        fields["label"] = draw(st.sampled_from([name, f"{name}:1", f"{name}:web"]))
        flags = draw(st.lists(st.sampled_from(_ADDRESS_FLAGS_V4), unique=True, max_size=2))
        fields["secondary"] = draw(st.booleans())
    else:
        fields["address"] = IPv6Interface((draw(ipv6()), draw(st.integers(1, 128))))
        flags = draw(st.lists(st.sampled_from(_ADDRESS_FLAGS_V6), unique=True, max_size=3))
        if draw(st.booleans()):
            flags.append("temporary")
            fields["secondary"] = True
    fields["family"] = AddressFamily.INET if inet else AddressFamily.INET6
    fields["metric"] = draw(st.none() | st.integers(0, 2**32 - 1))
    fields["scope"] = draw(st.sampled_from(["host", "link", "global", "site", "200"]))
    fields["dynamic"] = draw(st.booleans())
    fields["noprefixroute"] = draw(st.booleans())
    order = ["temporary", "nodad", "optimistic", "dadfailed", "home", "deprecated", "tentative",
             "mngtmpaddr", "autojoin", "stable-privacy"]
    fields["flags"] = sorted(flags, key=order.index)
    if fields["dynamic"]:
        fields["valid_lft"] = draw(st.integers(0, 2**31))
        fields["preferred_lft"] = draw(st.integers(0, fields["valid_lft"]))
    return Address(**fields)


@st.composite
def interface(draw, ifindex, name, *, link: bool):
    fields: dict = {"ifindex": ifindex, "name": name}
    at = draw(st.sampled_from(["none", "index", "parent"]))
    if at == "index":
        fields["peer_ifindex"] = draw(st.integers(1, 10**6))
    elif at == "parent":
        fields["parent"] = draw(interface_name().filter(lambda n: not n.startswith("if")))
    fields["flags"] = draw(st.lists(st.sampled_from(list(LinkFlag)), unique=True, max_size=6))
    fields["mtu"] = draw(st.integers(68, 65536))
    fields["qdisc"] = draw(st.sampled_from(["noqueue", "noop", "pfifo_fast", "fq_codel", "mq"]))
    fields["master"] = draw(st.none() | bridge_name())
    fields["state"] = draw(st.sampled_from(list(LinkState)))
    if link:
        fields["mode"] = draw(st.sampled_from(["DEFAULT", "DORMANT"]))
    fields["group"] = draw(st.sampled_from(["default", "1", "lab"]))
    fields["qlen"] = draw(st.none() | st.integers(0, 10**5))
    kind = draw(st.sampled_from(["ether", "ether", "loopback", "none"]))
    fields["link_type"] = kind
    if kind == "ether":
        fields["mac"] = draw(mac())
        fields["broadcast_mac"] = "ff:ff:ff:ff:ff:ff"
        fields["link_netnsid"] = draw(st.none() | st.integers(0, 100))
    elif kind == "loopback":
        fields["mac"] = fields["broadcast_mac"] = "00:00:00:00:00:00"
    if kind == "ether" and fields["link_netnsid"] is None and draw(st.booleans()):
        fields["link_netns"] = draw(st.sampled_from(["other", "ns-1", "cni-1f2e3d4c"]))
    fields["alias"] = draw(st.none() | st.sampled_from(["uplink to the lab", "wan", "x  y"]))
    fields["altnames"] = draw(st.lists(interface_name(), unique=True, max_size=2))
    if not link:
        fields["addresses"] = draw(st.lists(address(name), max_size=4))
    return Interface(**fields)


@st.composite
def interfaces(draw, *, link: bool):
    indexes = draw(st.lists(st.integers(1, 10**6), unique=True, min_size=1, max_size=8))
    names = draw(st.lists(interface_name(), unique=True, min_size=len(indexes),
                          max_size=len(indexes)))
    return [draw(interface(i, n, link=link)) for i, n in zip(sorted(indexes), names)]


def ip_addr():
    return interfaces(link=False).map(lambda found: IpAddr(interfaces=found))


def ip_link():
    return interfaces(link=True).map(lambda found: IpLink(interfaces=found))


# --- docker ------------------------------------------------------------------------------------

def container_name():
    first = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    rest = st.text("abcdefghijklmnopqrstuvwxyz0123456789_.-", max_size=20)
    return st.builds(lambda a, b: a + b, first, rest)


def image():
    return st.one_of(st.sampled_from(["nginx", "nginx:1.25", "netparse/bb", "redis:7-alpine",
                                      "registry.example.com:5000/team/app:2024.1"]),
                     hex_string(12))


_AGO = ["Less than a second ago", "1 second ago", "5 seconds ago", "About a minute ago",
        "3 minutes ago", "About an hour ago", "2 hours ago", "3 days ago", "2 weeks ago"]


@st.composite
def status(draw):
    """(STATUS as printed, state, exit code, health)."""
    kind = draw(st.sampled_from(["up", "exited", "created", "restarting", "paused", "dead",
                                 "removing"]))
    since = draw(st.sampled_from(["Less than a second", "4 seconds", "About a minute",
                                  "2 hours", "3 days"]))
    if kind == "up":
        health = draw(st.sampled_from([None, "healthy", "unhealthy", "starting"]))
        note = {None: "", "starting": " (health: starting)"}.get(health, f" ({health})")
        return f"Up {since}{note}", ContainerState.running, None, health
    if kind == "paused":
        return f"Up {since} (Paused)", ContainerState.paused, None, None
    if kind in ("exited", "restarting"):
        code = draw(st.integers(-1, 255))
        word = "Exited" if kind == "exited" else "Restarting"
        return (f"{word} ({code}) {draw(st.sampled_from(_AGO))}", ContainerState(kind), code,
                None)
    text = {"created": "Created", "dead": "Dead", "removing": "Removal In Progress"}[kind]
    return text, ContainerState(kind), None, None


@st.composite
def published_ports(draw):
    ports = []
    for _ in range(draw(st.integers(0, 4))):
        container = draw(st.integers(1, 65000))
        end = draw(st.none() | st.integers(container + 1, container + 10))
        fields = {"container_port": container, "container_port_end": end,
                  "protocol": draw(st.sampled_from(["tcp", "udp", "sctp"]))}
        if draw(st.booleans()):
            host = draw(st.integers(1, 65000))
            fields.update(host_ip=draw(st.sampled_from([IPv4Address("0.0.0.0"), IPv6Address("::"),
                                                        IPv4Address("127.0.0.1")]) | ipv4()),
                          host_port=host, host_port_end=None if end is None else host + end - container)
        ports.append(PortMapping(**fields))
    return ports


@st.composite
def ps_container(draw, *, json_line: bool = False):
    text, state, code, health = draw(status())
    command = draw(st.text(st.characters(min_codepoint=32, max_codepoint=126) | st.just("…"),
                           min_size=1, max_size=24).map(str.strip).filter(bool))
    fields = dict(id=draw(hex_string(12) | hex_string(64)), image=draw(image()), command=command,
                  created=draw(st.sampled_from(_AGO)), status=text, state=state, exit_code=code,
                  health=health, ports=draw(published_ports()),
                  names=draw(st.lists(container_name(), min_size=1, max_size=2, unique=True)))
    if json_line:
        fields.update(created_at=draw(st.datetimes(datetime(2015, 1, 1), datetime(2035, 1, 1),
                                                   timezones=st.just(timezone.utc))),
                      labels=draw(st.none() | st.just("com.example.team=net,tier=web")),
                      local_volumes=draw(st.integers(0, 5)),
                      networks=draw(st.lists(container_name(), min_size=1, max_size=3,
                                             unique=True)),
                      size=draw(st.none() | st.just("0B (virtual 1.98MB)")))
    return PsContainer(**fields)


def docker_ps(*, json_line: bool = False):
    # JSON lines have no header: nothing at all when there is no container.
    return st.lists(ps_container(json_line=json_line), min_size=int(json_line), max_size=8).map(
        lambda found: DockerPs(containers=found))


def docker_network_ls():
    row = st.builds(NetworkRow, id=hex_string(12), name=container_name(),
                    driver=st.sampled_from(["bridge", "host", "null", "overlay", "macvlan",
                                            "ipvlan"]),
                    scope=st.sampled_from(["local", "swarm", "global"]))
    return st.lists(row, max_size=10).map(lambda found: DockerNetworkLs(networks=found))


def when():
    return st.datetimes(datetime(2015, 1, 1), datetime(2035, 1, 1),
                        timezones=st.just(timezone.utc))


@st.composite
def engine_ports(draw):
    """NetworkSettings.Ports / HostConfig.PortBindings: each port unbound, or bound once or
    more (the engine's shape: a key per port)."""
    ports = []
    keys = draw(st.lists(st.tuples(st.integers(1, 65535), st.sampled_from(["tcp", "udp"])),
                         unique=True, max_size=4))
    for port, protocol in keys:
        bindings = draw(st.lists(st.tuples(st.sampled_from([None, IPv4Address("0.0.0.0"),
                                                            IPv6Address("::")]),
                                           st.none() | st.integers(1, 65535)), max_size=2))
        if not bindings:
            ports.append(PortMapping(container_port=port, protocol=protocol))
        for host_ip, host_port in bindings:
            if host_ip is None and host_port is None:
                host_port = 8080
            ports.append(PortMapping(container_port=port, protocol=protocol, host_ip=host_ip,
                                     host_port=host_port))
    return ports


@st.composite
def endpoint(draw, name):
    fields = dict(name=name, network_id=draw(hex_string(64)),
                  endpoint_id=draw(st.none() | hex_string(64)),
                  mac_address=draw(st.none() | mac()), aliases=draw(st.lists(container_name(),
                                                                            max_size=2)),
                  dns_names=draw(st.lists(container_name(), max_size=2)))
    if draw(st.booleans()):
        network = draw(ipv4_network().filter(lambda n: 8 <= n.prefixlen <= 30))
        fields.update(gateway=network.network_address + 1, ip_address=network.network_address + 2,
                      ip_prefix_len=network.prefixlen)
    if draw(st.booleans()):
        fields.update(ipv6_gateway=draw(ipv6()), global_ipv6_address=draw(ipv6()),
                      global_ipv6_prefix_len=draw(st.integers(1, 128)))
    return Endpoint(**fields)


@st.composite
def inspect_container(draw):
    state = draw(st.sampled_from(list(ContainerState)))
    running = state in (ContainerState.running, ContainerState.paused)
    info = ContainerStateInfo(status=state, running=running,
                              paused=state is ContainerState.paused,
                              restarting=state is ContainerState.restarting,
                              dead=state is ContainerState.dead,
                              pid=draw(st.integers(1, 4 * 10**6)) if running else 0,
                              exit_code=draw(st.integers(0, 255)), started_at=draw(when()),
                              finished_at=draw(st.none() | when()))
    mode = draw(st.sampled_from(["bridge", "host", "none", "default", "np-back"]))
    names = draw(st.lists(container_name(), unique=True, max_size=3))
    return InspectContainer(
        id=draw(hex_string(64)), name=draw(container_name()), created=draw(when()), state=info,
        image="sha256:" + draw(hex_string(64)), restart_count=draw(st.integers(0, 100)),
        hostname=draw(hex_string(12)), network_mode=mode,
        port_bindings=draw(engine_ports()), sandbox_id=draw(st.none() | hex_string(64)),
        sandbox_key=draw(st.none() | hex_string(12).map(lambda h: f"/var/run/docker/netns/{h}")),
        ports=draw(engine_ports()), networks=[draw(endpoint(n)) for n in names])


def docker_inspect():
    return st.lists(inspect_container(), max_size=4).map(
        lambda found: DockerInspect(containers=found))


@st.composite
def network(draw):
    # /29 at most: room for the gateway and four members
    v4 = draw(ipv4_network().filter(lambda n: 8 <= n.prefixlen <= 29))
    config = [IpamConfig(subnet=v4, gateway=v4.network_address + 1,
                         ip_range=draw(st.none() | st.just(v4)))]
    if draw(st.booleans()):
        v6 = draw(ipv6_network().filter(lambda n: 48 <= n.prefixlen <= 120))
        config.append(IpamConfig(subnet=v6, gateway=v6.network_address + 1))
    members = []
    names = draw(st.lists(container_name(), unique=True, max_size=4))
    ids = draw(st.lists(hex_string(64), unique=True, min_size=len(names), max_size=len(names)))
    for index, (name, member) in enumerate(zip(names, ids)):
        members.append(NetworkEndpoint(
            id=member, name=name, endpoint_id=draw(hex_string(64)),
            mac=draw(mac()), ipv4_address=IPv4Interface((v4.network_address + 2 + index,
                                                          v4.prefixlen)),
            ipv6_address=None))
    options = {"com.docker.network.bridge.name": draw(bridge_name())} if draw(
        st.booleans()) else {}
    return Network(
        name=draw(container_name()), id=draw(hex_string(64)), created=draw(when()),
        driver=draw(st.sampled_from(["bridge", "overlay", "macvlan", "host", "null"])),
        scope=draw(st.sampled_from(["local", "swarm"])), internal=draw(st.booleans()),
        enable_ipv6=len(config) > 1, attachable=draw(st.booleans()),
        ingress=draw(st.booleans()),
        ipam=Ipam(driver="default", config=config), options=options,
        labels=draw(st.dictionaries(st.sampled_from(["com.example.team", "tier"]),
                                    container_name(), max_size=2)),
        containers=members)


def docker_network_inspect():
    return st.lists(network(), max_size=4).map(lambda found: DockerNetworkInspect(networks=found))


# --- firewalls ---------------------------------------------------------------------------------

def chain_name():
    return st.one_of(st.sampled_from(["DOCKER", "DOCKER-USER", "DOCKER-ISOLATION-STAGE-1",
                                      "KUBE-SERVICES", "f2b-sshd", "ufw-before-input"]),
                     st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ-_0123456789", min_size=1, max_size=28)
                     .filter(lambda n: not n.startswith("-")))


def iface_match():
    return st.builds(lambda name, neg, wild: InterfaceMatch(name=name, negated=neg,
                                                            wildcard=wild),
                     interface_name().filter(lambda n: not n.endswith("+")), st.booleans(),
                     st.booleans())


def _iface_text(i: InterfaceMatch) -> str:
    return i.name + ("+" if i.wildcard else "")


@st.composite
def save_rule(draw, counted: bool):
    """A rule in iptables-save's order, its text written from the same parts as its model."""
    words: list[str] = []
    fields: dict = {}
    for option, key in (("-s", "source"), ("-d", "destination")):
        if draw(st.booleans()):
            network = draw(st.one_of(ipv4_network(), ipv6_network()))
            neg = draw(st.booleans())
            words += (["!"] if neg else []) + [option, str(network)]
            fields[key] = AddressMatch(network=network, negated=neg)
    for option, key in (("-i", "in_interface"), ("-o", "out_interface")):
        if draw(st.booleans()):
            iface = draw(iface_match())
            words += (["!"] if iface.negated else []) + [option, _iface_text(iface)]
            fields[key] = iface
    matches = []
    proto = draw(st.sampled_from([None, "tcp", "udp", "icmp", "47"]))
    if proto:
        neg = proto in ("icmp", "47") and draw(st.booleans())
        words += (["!"] if neg else []) + ["-p", proto]
        fields["protocol"] = ProtocolMatch(name=proto, negated=neg)
    if proto in ("tcp", "udp") and draw(st.booleans()):
        first = draw(st.integers(0, 65535))
        last = draw(st.integers(first, 65535))
        neg = draw(st.booleans())
        port = str(first) if first == last else f"{first}:{last}"
        text = f"-m {proto} " + ("! " if neg else "") + f"--dport {port}"
        matches.append(Match(module=proto, text=text, dport=PortMatch(
            ranges=[PortRange(first=first, last=last)], negated=neg)))
    if draw(st.booleans()):
        states = draw(st.lists(st.sampled_from(["NEW", "RELATED", "ESTABLISHED", "INVALID",
                                                "DNAT"]), min_size=1, max_size=3, unique=True))
        matches.append(Match(module="conntrack", text=f"-m conntrack --ctstate {','.join(states)}",
                             ctstate=WordsMatch(values=states)))
    if draw(st.booleans()):
        kind = draw(st.sampled_from(["LOCAL", "UNICAST", "BROADCAST"]))
        neg = draw(st.booleans())
        matches.append(Match(module="addrtype", text="-m addrtype " + ("! " if neg else "")
                             + f"--dst-type {kind}", dst_type=WordsMatch(values=[kind],
                                                                         negated=neg)))
    if draw(st.booleans()):  # a module netparse does not read
        mark = draw(hex_string(4))
        matches.append(Match(module="mark", text=f"-m mark --mark 0x{mark}", unknown=True,
                             options=[Option(name="--mark", values=[f"0x{mark}"])]))
    if draw(st.booleans()):
        note = draw(st.text("abc XYZ_-\"\\'", min_size=1, max_size=12))
        quoted = '"' + note.replace("\\", "\\\\").replace('"', '\\"') + '"'
        matches.append(Match(module="comment", text=f"-m comment --comment {quoted}",
                             comment=note))
    words += [m.text for m in matches]
    fields["matches"] = matches
    target = draw(st.sampled_from([None, "ACCEPT", "DROP", "RETURN", "chain", "goto", "DNAT",
                                   "REJECT", "MASQUERADE"]))
    if target in ("chain", "goto"):
        name = draw(chain_name())
        flag = "-g" if target == "goto" else "-j"
        fields["target"] = Target(name=name, goto=target == "goto", text=f"{flag} {name}")
    elif target == "DNAT":
        address, port = draw(ipv4()), draw(st.integers(1, 65535))
        text = f"-j DNAT --to-destination {address}:{port}"
        fields["target"] = Target(name="DNAT", text=text, to_destination=[NatRange(
            first=address, last=address, ports=PortRange(first=port, last=port))])
    elif target == "REJECT":
        why = draw(st.sampled_from(["icmp-port-unreachable", "tcp-reset"]))
        fields["target"] = Target(name="REJECT", text=f"-j REJECT --reject-with {why}",
                                  reject_with=why)
    elif target == "MASQUERADE":
        fields["target"] = Target(name="MASQUERADE", text="-j MASQUERADE")
    elif target:
        fields["target"] = Target(name=target, text=f"-j {target}")
    if target:
        words.append(fields["target"].text)
    if counted:
        fields["counters"] = Counters(packets=draw(st.integers(0, 10**12)),
                                      bytes=draw(st.integers(0, 10**15)))
    return fields, words


@st.composite
def iptables_save(draw):
    """iptables-save (-c): tables of built-in and user chains; or iptables -S (no table)."""
    listing = draw(st.booleans())  # iptables -S
    counted = not listing and draw(st.booleans())
    names = [None] if listing else draw(st.lists(st.sampled_from(["filter", "nat", "mangle",
                                                                   "raw"]), min_size=1,
                                                  max_size=3, unique=True))
    line = 1
    tables = []
    for name in names:
        generated = None
        if name is not None and draw(st.booleans()):
            generated = "# Generated by iptables-save v1.8.9 (nf_tables) on Tue Dec  1 11:20:49 2026"
            line += 1
        table = Table(name=name, line=line if name else 1, generated=generated)
        line += name is not None
        builtin = draw(st.lists(st.sampled_from(["INPUT", "FORWARD", "OUTPUT"]), unique=True,
                                min_size=1 if listing else 0))
        user = draw(st.lists(chain_name().filter(lambda n: n not in ("INPUT", "FORWARD",
                                                                     "OUTPUT")),
                             unique=True, max_size=3))
        for chain in builtin + user:
            policy = draw(st.sampled_from(["ACCEPT", "DROP"])) if chain in builtin else None
            count = Counters(packets=draw(st.integers(0, 99)), bytes=draw(st.integers(0, 9999)))
            table.chains.append(Chain(name=chain, line=line, policy=policy,
                                      counters=None if listing else count))
            line += 1
        for chain in table.chains:
            for number in range(1, draw(st.integers(0, 3)) + 1):
                fields, words = draw(save_rule(counted))
                counters = fields.get("counters")
                text = " ".join(([f"[{counters.packets}:{counters.bytes}]"] if counters else [])
                                + ["-A", chain.name] + words)
                chain.rules.append(Rule(line=line, number=number, text=text, **fields))
                line += 1
        if name is not None:
            table.committed = True
            line += 1
            if generated:
                table.completed = "# Completed on Tue Dec  1 11:20:49 2026"
                line += 1
        tables.append(table)
    model = IptablesSave(tables=tables)
    if any(t.generated for t in tables):
        model.program, model.version, model.backend = "iptables-save", "1.8.9", "nf_tables"
    return model


def list_address():
    def build(network, neg, name):
        if name:
            return ListAddress(text=name, negated=neg)
        return ListAddress(text=str(network), network=network, negated=neg)
    return st.builds(build, st.one_of(ipv4_network(), ipv6_network()), st.booleans(),
                     st.sampled_from([None, "anywhere", "loopback/8", "host.example"]))


@st.composite
def iptables_list(draw):
    verbose, numbers, exact = draw(st.booleans()), draw(st.booleans()), draw(st.booleans())
    numeric = draw(st.booleans()) if verbose else None
    ipv6 = draw(st.booleans())
    line = 1
    chains = []
    names = draw(st.lists(chain_name(), unique=True, min_size=1, max_size=4))
    for index, name in enumerate(names):
        line += 1 if index else 0  # the blank line between chains
        builtin = index == 0 or draw(st.booleans())
        counters = Counters(packets=draw(st.integers(0, 10**14)),
                            bytes=draw(st.integers(0, 10**14))) if builtin and verbose else None
        if counters and not exact:  # iptables prints them rounded
            counters = _rounded(counters)
        chain = ListChain(name=name, line=line, counters=counters,
                          policy=draw(st.sampled_from(["ACCEPT", "DROP"])) if builtin else None,
                          references=None if builtin else draw(st.integers(0, 9)))
        line += 2
        for number in range(1, draw(st.integers(0, 4)) + 1):
            rule: dict = {"line": line, "number": number}
            if verbose:
                rule["counters"] = Counters(packets=draw(st.integers(0, 10**7)),
                                            bytes=draw(st.integers(0, 10**9)))
                if not exact:
                    rule["counters"] = _rounded(rule["counters"])
                rule["in_interface"] = draw(st.none() | iface_match())
                rule["out_interface"] = draw(st.none() | iface_match())
            rule["target"] = draw(st.sampled_from([None, "ACCEPT", "DROP", "DOCKER-USER"]))
            rule["protocol"] = ProtocolMatch(name=draw(st.sampled_from(["all", "0", "tcp", "udp"])),
                                             negated=draw(st.booleans()))
            rule["opt"] = "" if ipv6 else draw(st.sampled_from(["--", "-f", "!f"]))
            rule["source"], rule["destination"] = draw(list_address()), draw(list_address())
            rule["extra"] = draw(st.sampled_from(["", "tcp dpt:80", "ctstate RELATED,ESTABLISHED",
                                                  "/* np  two spaces */", "tcp dpt:8080 to:172.17.0.2:80"]))
            chain.rules.append(ListRule(text="", **rule))
            line += 1
        chains.append(chain)
    model = IptablesList(verbose=verbose, line_numbers=numbers, exact=exact and verbose,
                         numeric=numeric, chains=chains)
    # A rule's text is its line as written; the writer decides the spacing.
    from tests.hostile.render import render_iptables_list
    lines = render_iptables_list(model).split("\n")
    for chain in model.chains:
        for rule in chain.rules:
            rule.text = lines[rule.line - 1].strip()
    if model.numeric is not None and not any(r.in_interface is None or r.out_interface is None
                                             for c in chains for r in c.rules):
        model.numeric = None  # no rule shows `*` or `any`
    return model


def _rounded(c: Counters) -> Counters:
    """Counters as iptables prints them without -x, read back (`123K` is 123000)."""
    def one(n):
        scale = 1
        while n > (99999 if scale == 1 else 9999) and scale < 10**12:
            n = (n + 500) // 1000
            scale *= 1000
        return n * scale
    return Counters(packets=one(c.packets), bytes=one(c.bytes))


@st.composite
def nft_rule(draw, line: int, number: int):
    parts: list[Statement] = []
    if draw(st.booleans()):
        op = draw(st.sampled_from(["==", "!="]))
        name = draw(interface_name())
        key = draw(st.sampled_from(["iifname", "oifname"]))
        parts.append(Statement(text=f'{key} {"!= " if op == "!=" else ""}"{name}"', type="match",
                               key=key, op=op, values=[name]))
    if draw(st.booleans()):
        network = draw(ipv4_network())
        parts.append(Statement(text=f"ip saddr {network}", type="match", key="ip saddr", op="==",
                               values=[str(network)]))
    if draw(st.booleans()):
        parts.append(Statement(text="ct state established,related", type="match", key="ct state",
                               op="==", values=["established", "related"]))
    if draw(st.booleans()):
        parts.append(Statement(text="limit rate 5/second", type="unknown"))
    packets, bytes_ = draw(st.integers(0, 10**9)), draw(st.integers(0, 10**12))
    parts.append(Statement(text=f"counter packets {packets} bytes {bytes_}", type="counter",
                           packets=packets, bytes=bytes_))
    end = draw(st.sampled_from(["accept", "drop", "return", "jump", "masquerade", "dnat"]))
    if end == "jump":
        chain = draw(chain_name())
        parts.append(Statement(text=f"jump {chain}", type="verdict", verdict="jump", chain=chain))
    elif end == "dnat":
        to = f"{draw(ipv4())}:{draw(st.integers(1, 65535))}"
        parts.append(Statement(text=f"dnat to {to}", type="nat", nat="dnat", to=to))
    elif end == "masquerade":
        parts.append(Statement(text="masquerade", type="nat", nat="masquerade"))
    else:
        parts.append(Statement(text=end, type="verdict", verdict=end))
    comment = draw(st.none() | st.text("abc XYZ-_", min_size=1, max_size=10))
    text = " ".join(p.text for p in parts) + (f' comment "{comment}"' if comment else "")
    return NftRule(line=line, number=number, text=text, statements=parts, comment=comment,
                   handle=draw(st.none() | st.integers(1, 10**6)))


@st.composite
def nft_ruleset(draw):
    line = 1
    tables = []
    for family, name in draw(st.lists(st.tuples(st.sampled_from(["ip", "ip6", "inet"]),
                                                chain_name()), unique=True, min_size=1,
                                      max_size=3)):
        table = NftTable(family=family, name=name, line=line,
                         handle=draw(st.none() | st.integers(1, 999)))
        line += 1
        for index, chain in enumerate(draw(st.lists(chain_name(), unique=True, max_size=3))):
            line += 1 if index else 0
            c = NftChain(name=chain, line=line)
            line += 1
            if draw(st.booleans()):
                c.type, c.hook = "filter", draw(st.sampled_from(["forward", "input", "output"]))
                c.priority = draw(st.sampled_from(["filter", "0", "-100", "srcnat + 1"]))
                c.policy = draw(st.sampled_from(["accept", "drop"]))
                line += 1
            for number in range(1, draw(st.integers(0, 3)) + 1):
                c.rules.append(draw(nft_rule(line, number)))
                line += 1
            line += 1
            table.chains.append(c)
        line += 1
        tables.append(table)
    return NftRuleset(tables=tables)
# --- ip rule ------------------------------------------------------------------------------------

_RULE_OPTIONS = {"tos": st.sampled_from(["0x10", "0x04", "lowdelay"]),
                 "uidrange": st.sampled_from(["0-0", "1000-2000"]),
                 "ipproto": st.sampled_from(["tcp", "udp", "icmp"]),
                 "sport": st.sampled_from(["53", "1000-2000", "0x50/0xfff0"]),
                 "dport": st.sampled_from(["443", "8000-8080"]),
                 "tun_id": st.integers(0, 2**64 - 1).map(str),
                 "suppress_ifgroup": st.sampled_from(["5", "default"]),
                 "realms": st.sampled_from(["2", "1/2", "cosmos"])}


@st.composite
def rule(draw, priority: int):
    inet = draw(st.booleans())
    network = ipv4_network if inet else ipv6_network
    fields: dict = {"priority": priority, "invert": draw(st.booleans()),
                    "src": draw(st.none() | network()), "dst": draw(st.none() | network())}
    if draw(st.booleans()):
        fields["fwmark"] = draw(st.integers(0, 2**32 - 1))
        fields["fwmask"] = draw(st.none() | st.integers(0, 2**32 - 2))  # all bits: not printed
    for name in ("iif", "oif"):
        if draw(st.integers(0, 3)) == 0:
            fields[name] = draw(interface_name())
            fields[f"{name}_detached"] = draw(st.booleans())
    action = draw(st.sampled_from([RuleAction.LOOKUP] * 4 + list(RuleAction)))
    fields["action"] = action
    if action is RuleAction.LOOKUP:
        if draw(st.integers(0, 9)) == 0:
            fields["l3mdev"] = True
        else:
            fields["table"] = draw(st.none() | st.sampled_from(["local", "main", "default"])
                                   | st.integers(1, 2**32 - 1).map(str))
            fields["suppress_prefixlength"] = draw(st.none() | st.integers(0, 128))
    elif action is RuleAction.GOTO:
        fields["goto"] = draw(st.none() | st.integers(0, 2**32 - 1))
        fields["unresolved"] = draw(st.booleans())
    fields["proto"] = draw(st.none() | st.sampled_from(["kernel", "boot", "static", "unspec"]))
    fields["options"] = draw(st.fixed_dictionaries({}, optional=_RULE_OPTIONS))
    return PolicyRule(**fields)


@st.composite
def ip_rule(draw):
    priorities = draw(st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=10))
    return IpRule(rules=[draw(rule(p)) for p in sorted(priorities)])


# --- docker version / docker info ---------------------------------------------------------------

def version():
    return st.builds(lambda *n: ".".join(map(str, n[:3])) + n[3], st.integers(0, 30),
                     st.integers(0, 12), st.integers(0, 9),
                     st.sampled_from(["", "-ce", "+dfsg1", "~ds1", "-rc.1"]))


_API = st.sampled_from(["1.12", "1.24", "1.40", "1.41", "1.43", "1.47", "1.50"])
_WORD = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_.+~", min_size=1, max_size=12)


def keyed(key: str, value: str | None, *items: OutlineLine) -> OutlineLine:
    return OutlineLine(key=key, value=value, items=list(items))


@st.composite
def docker_version(draw):
    """The text form (or, one time in three, the JSON one) of an engine since 17.06, whose
    server lists its components, or an older one, whose engine lines are the server's."""
    client_api, default_api, server_api, min_api = (draw(_API) for _ in range(4))
    facts = {"client_version": draw(version()), "client_api_version": client_api,
             "client_api_downgraded_from": default_api if default_api != client_api else None,
             "context": draw(st.sampled_from(["default", "rootless", "desktop-linux"]))}
    server = draw(st.booleans()) or draw(st.booleans())  # else the engine did not answer
    if server:
        facts.update(server_version=draw(version()), server_api_version=server_api,
                     server_min_api_version=min_api)
    components = {}
    if server and draw(st.integers(0, 4)):
        components = {"Engine": facts["server_version"], **draw(st.dictionaries(
            st.sampled_from(["containerd", "runc", "docker-init"]), version()))}
    if draw(st.integers(0, 2)) == 0:
        client = {"Version": facts["client_version"], "ApiVersion": client_api,
                  "DefaultAPIVersion": default_api, "GoVersion": "go1.24.3", "Os": "linux",
                  "Arch": "amd64", "Context": facts["context"]}
        engine = {"Client": client, "Server": None}
        if server:
            engine["Server"] = {"Version": facts["server_version"], "ApiVersion": server_api,
                                "MinAPIVersion": min_api, "Os": "linux", "Arch": "amd64",
                                "Components": [{"Name": k, "Version": v, "Details": {}}
                                               for k, v in components.items()]}
        return DockerVersion(**facts, components=components, engine=engine)
    downgraded = f" (downgraded from {default_api})" if default_api != client_api else ""
    outline = [keyed("Client", draw(st.none() | st.just("Docker Engine - Community")),
                     keyed("Version", facts["client_version"]),
                     keyed("API version", client_api + downgraded),
                     keyed("Go version", "go1.24.3"), keyed("Git commit", draw(hex_string(7))),
                     keyed("Built", "Fri May 30 12:07:14 2025"), keyed("OS/Arch", "linux/amd64"),
                     keyed("Context", facts["context"]))]
    if server:
        engine_lines = [keyed("Version", facts["server_version"]),
                        keyed("API version", f"{server_api} (minimum version {min_api})"),
                        keyed("Experimental", draw(st.sampled_from(["false", "true"])))]
        lines = [keyed("Engine", None, *engine_lines)] if components else engine_lines
        lines += [keyed(k, None, keyed("Version", v), keyed("GitCommit", draw(st.none() | _WORD)))
                  for k, v in components.items() if k != "Engine"]
        outline.append(keyed("Server", draw(st.none() | st.just("Docker Engine - Community")),
                             *lines))
    return DockerVersion(**facts, components=components, outline=outline)


_INFO_FACTS = {
    "server_version": ("Server Version", "ServerVersion", version()),
    "storage_driver": ("Storage Driver", "Driver",
                       st.sampled_from(["overlay2", "vfs", "btrfs", "zfs", "fuse-overlayfs"])),
    "logging_driver": ("Logging Driver", "LoggingDriver", st.sampled_from(["json-file", "local"])),
    "cgroup_driver": ("Cgroup Driver", "CgroupDriver", st.sampled_from(["cgroupfs", "systemd"])),
    "cgroup_version": ("Cgroup Version", "CgroupVersion", st.sampled_from(["1", "2"])),
    "kernel_version": ("Kernel Version", "KernelVersion",
                       st.sampled_from(["6.1.0-18-amd64", "5.15.0-91-generic"])),
    "operating_system": ("Operating System", "OperatingSystem",
                         st.sampled_from(["Debian GNU/Linux 12 (bookworm)", "Ubuntu 22.04.4 LTS",
                                          "Docker Desktop"])),
    "os_type": ("OSType", "OSType", st.just("linux")),
    "architecture": ("Architecture", "Architecture", st.sampled_from(["x86_64", "aarch64"])),
    "docker_root_dir": ("Docker Root Dir", "DockerRootDir",
                        st.sampled_from(["/var/lib/docker", "/home/u/.local/share/docker"])),
}
_WARNINGS = ["WARNING: IPv4 forwarding is disabled", "WARNING: No swap limit support",
             "WARNING: bridge-nf-call-iptables is disabled",
             "WARNING: bridge-nf-call-ip6tables is disabled",
             "WARNING: API is accessible on http://0.0.0.0:2375 without encryption."]


@st.composite
def address_pool(draw):
    base = draw(ipv4_network().filter(lambda n: n.prefixlen <= 24))
    return AddressPool(base=base, size=draw(st.integers(base.prefixlen, 30)))


@st.composite
def docker_info(draw):
    """The text form (or, one time in three, the JSON one) as docker 29 prints it."""
    facts = {name: draw(st.none() | values) for name, (_, _, values) in _INFO_FACTS.items()}
    facts.update(client_version=draw(st.none() | version()),
                 context=draw(st.sampled_from(["default", "rootless"])),
                 firewall_backend=draw(st.none() | st.sampled_from(
                     ["iptables", "nftables", "iptables+firewalld"])),
                 security_options=draw(st.lists(st.sampled_from(
                     ["apparmor", "seccomp", "selinux", "userns", "rootless", "cgroupns"]),
                     unique=True, max_size=3)),
                 default_address_pools=draw(st.lists(address_pool(), max_size=3)),
                 warnings=draw(st.lists(st.sampled_from(_WARNINGS), unique=True, max_size=3)))
    if draw(st.integers(0, 2)) == 0:
        # Without a server version no engine answered, and its flags mean nothing.
        flags = draw(st.fixed_dictionaries({}, optional={
            "ipv4_forwarding": st.booleans(), "bridge_nf_iptables": st.booleans(),
            "bridge_nf_ip6tables": st.booleans()})) if facts["server_version"] else {}
        engine = {key: facts[name] or "" for name, (_, key, _) in _INFO_FACTS.items()}
        for name, key in (("ipv4_forwarding", "IPv4Forwarding"),
                          ("bridge_nf_iptables", "BridgeNfIptables"),
                          ("bridge_nf_ip6tables", "BridgeNfIp6tables")):
            if name in flags:
                engine[key] = flags[name]
        engine.update(
            SecurityOptions=[f"name={o}" for o in facts["security_options"]],
            DefaultAddressPools=[{"Base": str(p.base), "Size": p.size}
                                 for p in facts["default_address_pools"]],
            Warnings=facts["warnings"] or None,
            ClientInfo={"Debug": False, "Version": facts["client_version"] or "",
                        "Context": facts["context"], "Plugins": [], "Warnings": None})
        if facts["firewall_backend"]:
            engine["FirewallBackend"] = {"Driver": facts["firewall_backend"]}
        return DockerInfo(**facts, **flags, engine=engine)
    client = [keyed(k, v) for k, v in (("Version", facts["client_version"]),
                                       ("Context", facts["context"]),
                                       ("Debug Mode", "false")) if v is not None]
    if draw(st.booleans()):
        client.append(keyed("Plugins", None, keyed("buildx", "Docker Buildx (Docker Inc.)",
                                                   keyed("Version", "v0.24.0"),
                                                   keyed("Path", "/usr/libexec/docker/buildx"))))
    running = draw(st.integers(0, 50))
    server = [keyed("Containers", str(running), keyed("Running", str(running)),
                    keyed("Paused", "0"), keyed("Stopped", "0")),
              keyed("Images", str(draw(st.integers(0, 500))))]
    for name, (label, _, _) in _INFO_FACTS.items():
        if facts[name] is not None:
            server.append(keyed(label, facts[name]))
        if name == "storage_driver" and facts[name] == "overlay2":
            server[-1].items = [keyed("Backing Filesystem", "extfs"),
                                keyed("Supports d_type", "true")]
        if name == "cgroup_version":
            server += [keyed("Plugins", None, keyed("Volume", "local"),
                             keyed("Network", "bridge host ipvlan macvlan null overlay")),
                       keyed("Swarm", "inactive"), keyed("init version", None)]
            if facts["security_options"]:
                server.append(keyed("Security Options", None, *(
                    OutlineLine(value=o, items=[keyed("Profile", "builtin")] if o == "seccomp"
                                else []) for o in facts["security_options"])))
    server += [keyed("Insecure Registries", None, OutlineLine(value="127.0.0.0/8"),
                     OutlineLine(value="::1/128")),
               keyed("Live Restore Enabled", "false")]
    if facts["default_address_pools"]:
        server.append(keyed("Default Address Pools", None, *(
            keyed("Base", f"{p.base}, Size: {p.size}") for p in facts["default_address_pools"])))
    if facts["firewall_backend"]:
        server.append(keyed("Firewall Backend", facts["firewall_backend"],
                            keyed("ReloadedAt", "2025-07-16T16:59:14Z")))
    return DockerInfo(**facts, outline=[keyed("Client", None, *client),
                                        keyed("Server", None, *server)])


STRATEGIES = {
    "brctl_show": brctl_show(), "bridge_fdb": bridge_fdb(), "bridge_link": bridge_link(),
    "sysctl": sysctl(), "route_n": route_n(), "ip_route": ip_route(), "ip_addr": ip_addr(),
    "ip_link": ip_link(), "docker_ps": docker_ps(), "docker_network_ls": docker_network_ls(),
    "docker_inspect": docker_inspect(), "docker_network_inspect": docker_network_inspect(),
    "iptables_save": iptables_save(),
    "iptables_list": iptables_list(),
    "nft_ruleset": nft_ruleset(),
    "ip_rule": ip_rule(), "docker_version": docker_version(), "docker_info": docker_info(),
}
