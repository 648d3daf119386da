"""Routing tables: `route -n` / `netstat -rn` (net-tools and BusyBox) and `ip route` (iproute2)."""

from __future__ import annotations

from enum import StrEnum
from ipaddress import IPv4Address
from typing import Literal

from pydantic import Field

from netparse.models.base import Capture, IPAddress, IPNetwork, Model


class AddressFamily(StrEnum):
    INET = "inet"
    INET6 = "inet6"


class RouteFlag(StrEnum):
    """One letter of the Flags column of `route` / `netstat -r`.

    Letters as net-tools 2.x and BusyBox print them. A few letters mean something else in the
    IPv4 table than in the IPv6 one; both meanings are given.

    - `U` up: the route is usable.
    - `G` gateway: packets go to a next hop (the Gateway / Next Hop column).
    - `H` host: the destination is a single host (a /32 or /128).
    - `R` reinstate: route reinstated after a dynamic change.
    - `D` IPv4: dynamic, installed by an ICMP redirect; IPv6: default route learnt from a
      router advertisement.
    - `M` modified by an ICMP redirect.
    - `A` added by address autoconfiguration (IPv6).
    - `C` cache entry (IPv6).
    - `!` reject: packets to the destination are refused (unreachable/prohibit/blackhole).
    - `n` IPv6: no next hop, the destination is on-link or rejected; net-tools' IPv4 table uses
      it for "not cached".
    - `e` the route expires (e.g. learnt from a router advertisement).
    - `a` all destinations on link (IPv6).
    - `m` IPv6: modified (net-tools spells it lower case in the IPv6 table).
    - `f` flow (policy routing).
    - `d` IPv4: default route (RTF_DEFAULT).
    - `c` IPv4: added by autoconfiguration or a cache entry (net-tools prints both as `c`).
    - `o` IPv4: no next hop.
    - `p` policy route.
    - `l` local route.
    - `u` a path MTU is set on the route.
    - `w` a window is set on the route.
    - `i` an initial round-trip time is set on the route.
    """

    UP = "U"
    GATEWAY = "G"
    HOST = "H"
    REINSTATE = "R"
    DYNAMIC = "D"
    MODIFIED = "M"
    ADDRCONF = "A"
    CACHE = "C"
    REJECT = "!"
    NONEXTHOP = "n"
    EXPIRES = "e"
    ALLONLINK = "a"
    MODIFIED_V6 = "m"
    FLOW = "f"
    DEFAULT = "d"
    ADDRCONF_OR_CACHE = "c"
    NONEXTHOP_V4 = "o"
    POLICY = "p"
    LOCAL = "l"
    MTU = "u"
    WINDOW = "w"
    IRTT = "i"


class Route(Model):
    """One row of a `route` / `netstat -r` table. Numbers the table does not print are None."""

    destination: IPNetwork | None = Field(
        description="Destination network; `default` is 0.0.0.0/0 (::/0). None when the table "
                    "prints a host or network name instead of an address (see destination_name)")
    destination_name: str | None = Field(
        None, description="The destination as printed when it is a name (`default`, a host name, "
                          "a network name), without the IPv6 `/prefix`")
    gateway: IPAddress | None = Field(
        None, description="Next hop; None when there is none (0.0.0.0, `*`, `::`, `-`) or only a "
                          "name is printed")
    gateway_name: str | None = Field(
        None, description="The gateway as printed when it is a name (`gateway`, `_gateway`, a "
                          "host name)")
    genmask: IPv4Address | None = Field(None, description="The Genmask column (IPv4 tables only)")
    prefixlen: int = Field(description="Prefix length of the destination, from the Genmask "
                                       "(IPv4) or after the `/` (IPv6); known even for names")
    flags: list[RouteFlag] = Field(default_factory=list,
                                   description="The Flags column, one entry per letter, in order")
    metric: int | None = Field(None, description="Metric; None in `netstat -r` / `route -e` "
                                                 "tables, which have no Metric column. IPv6 reject "
                                                 "routes print -1")
    ref: int | None = Field(None, description="Reference count; None when printed as `-`")
    use: int | None = Field(None, description="Lookup count")
    iface: str | None = Field(None, description="Output interface as printed (`netstat -rnee` "
                                                "cuts it to 6 characters); None for `-` or `*`")
    mss: int | None = Field(None, description="MSS column of `route -e` / `-ee` / `netstat -r`")
    window: int | None = Field(None, description="Window column of `route -e` / `-ee`")
    irtt: int | None = Field(None, description="Initial round-trip time column of `route -e` / "
                                               "`-ee`")

    @property
    def is_default(self) -> bool:
        """A default route: 0.0.0.0/0 or ::/0 (also when printed as `default` or `[::]/0`)."""
        return self.destination is not None and self.destination.prefixlen == 0

    @property
    def reject(self) -> bool:
        """A reject route (`!` flag): unreachable, prohibit or blackhole."""
        return RouteFlag.REJECT in self.flags


class RouteTable(Capture):
    """`route -n`, `route`, `route -e`/`-ee`, `route -6 [-n]`, `netstat -r[n][e[e]]`,
    `busybox route [-n]`."""

    kind: Literal["route_n"] = "route_n"
    family: AddressFamily = Field(description="inet for `Kernel IP routing table`, inet6 for "
                                              "`Kernel IPv6 routing table`")
    routes: list[Route] = Field(default_factory=list)


class RouteType(StrEnum):
    """The route type `ip route` prints before the destination (unicast is not printed)."""

    UNICAST = "unicast"
    LOCAL = "local"
    BROADCAST = "broadcast"
    ANYCAST = "anycast"
    MULTICAST = "multicast"
    BLACKHOLE = "blackhole"
    UNREACHABLE = "unreachable"
    PROHIBIT = "prohibit"
    THROW = "throw"
    NAT = "nat"
    XRESOLVE = "xresolve"
    UNSPEC = "unspec"


class IpRouteFlag(StrEnum):
    """Route and next-hop flags that `ip route` prints as bare words."""

    DEAD = "dead"
    ONLINK = "onlink"
    PERVASIVE = "pervasive"
    OFFLOAD = "offload"
    TRAP = "trap"
    NOTIFY = "notify"
    LINKDOWN = "linkdown"
    UNRESOLVED = "unresolved"
    RT_OFFLOAD = "rt_offload"
    RT_TRAP = "rt_trap"
    RT_OFFLOAD_FAILED = "rt_offload_failed"


class Nexthop(Model):
    """One `nexthop ...` line under a multipath route."""

    gateway: IPAddress | None = Field(None, description="`via` address")
    dev: str | None = None
    weight: int | None = None
    flags: list[IpRouteFlag] = Field(default_factory=list)
    options: dict[str, str] = Field(default_factory=dict,
                                    description="Any other key and its value, as printed")


class IpRouteEntry(Model):
    """One route of `ip route`, with its `nexthop` lines when it is multipath."""

    type: RouteType = RouteType.UNICAST
    family: AddressFamily = Field(description="From the destination or `via`; for `default` "
                                              "without either, from the routes around it")
    destination: IPNetwork = Field(
        description="`default` is 0.0.0.0/0 or ::/0; a bare address is a /32 or /128")
    gateway: IPAddress | None = Field(None, description="`via` address")
    dev: str | None = None
    proto: str | None = Field(None, description="Who installed the route (kernel, dhcp, static, "
                                                "boot, ra, ...)")
    scope: str | None = Field(None, description="link, host, global, ...; None when not printed "
                                                "(global)")
    src: IPAddress | None = Field(None, description="Preferred source address")
    metric: int | None = None
    table: str | None = Field(None, description="Routing table; None means main")
    flags: list[IpRouteFlag] = Field(default_factory=list)
    pref: str | None = Field(None, description="IPv6 router preference (low, medium, high)")
    nexthops: list[Nexthop] = Field(default_factory=list,
                                    description="Paths of a multipath route")
    options: dict[str, str] = Field(
        default_factory=dict,
        description="Any other key and its value as printed (mtu, advmss, expires, rtt, from, "
                    "nhid, ...); `mtu lock 1400` is {'mtu': 'lock 1400'}")

    @property
    def is_default(self) -> bool:
        return self.destination.prefixlen == 0

    @property
    def linkdown(self) -> bool:
        """The kernel marked the route's link down (no carrier on `dev`)."""
        return IpRouteFlag.LINKDOWN in self.flags


class IpRoute(Capture):
    """`ip route`, `ip -6 route`, `ip route show table all`, `busybox ip route`."""

    kind: Literal["ip_route"] = "ip_route"
    routes: list[IpRouteEntry] = Field(default_factory=list)
