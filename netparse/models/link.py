"""Network interfaces and their addresses: `ip addr` and `ip link` (plain, `-o`, `-d` and `-j`)."""

from __future__ import annotations

from enum import StrEnum
from ipaddress import IPv4Address
from typing import Literal

from pydantic import Field

from netparse.models.base import Capture, IPAddress, IPInterface, MacAddress, Model


class LinkFlag(StrEnum):
    """Interface flags as the kernel names them (`<...>` in the header line)."""

    UP = "UP"
    BROADCAST = "BROADCAST"
    DEBUG = "DEBUG"
    LOOPBACK = "LOOPBACK"
    POINTOPOINT = "POINTOPOINT"
    NOTRAILERS = "NOTRAILERS"
    RUNNING = "RUNNING"
    NOARP = "NOARP"
    PROMISC = "PROMISC"
    ALLMULTI = "ALLMULTI"
    MASTER = "MASTER"
    SLAVE = "SLAVE"
    MULTICAST = "MULTICAST"
    PORTSEL = "PORTSEL"
    AUTOMEDIA = "AUTOMEDIA"
    DYNAMIC = "DYNAMIC"
    LOWER_UP = "LOWER_UP"
    DORMANT = "DORMANT"
    ECHO = "ECHO"
    NO_CARRIER = "NO-CARRIER"
    M_DOWN = "M-DOWN"


class LinkState(StrEnum):
    """Operational state (RFC 2863), `state` in the header line."""

    UP = "UP"
    DOWN = "DOWN"
    UNKNOWN = "UNKNOWN"
    LOWERLAYERDOWN = "LOWERLAYERDOWN"
    DORMANT = "DORMANT"
    NOTPRESENT = "NOTPRESENT"
    TESTING = "TESTING"


class AddressFamily(StrEnum):
    INET = "inet"
    INET6 = "inet6"


class Address(Model):
    """One `inet`/`inet6` line (and its `valid_lft` line) of an interface."""

    family: AddressFamily
    address: IPInterface = Field(
        description="Local address with its prefix length. With a peer, the one printed prefix "
                    "length (after the peer) is used for both.")
    peer: IPInterface | None = Field(
        None, description="Remote end of a point-to-point address (`inet A peer B/len`)")
    broadcast: IPv4Address | None = Field(None, description="`brd`")
    anycast: IPAddress | None = Field(None, description="`any`")
    scope: str | None = Field(None, description="host, link, global, site or a number")
    metric: int | None = None
    label: str | None = Field(
        None, description="IPv4 label, the last word of the line: usually the interface name, "
                          "but may be an alias such as `eth0:1` or another name")
    secondary: bool = Field(False, description="`secondary` (IPv4) or `temporary` (IPv6)")
    dynamic: bool = Field(False, description="Not permanent: learnt (DHCP, SLAAC) with a lifetime")
    noprefixroute: bool = False
    flags: list[str] = Field(
        default_factory=list,
        description="The other address flags, as printed: tentative, deprecated, nodad, "
                    "optimistic, dadfailed, mngtmpaddr, temporary, ...")
    valid_lft: int | None = Field(
        None, description="Valid lifetime in seconds; None means forever (or not printed)")
    preferred_lft: int | None = Field(
        None, description="Preferred lifetime in seconds; None means forever (or not printed). "
                          "May be negative for a deprecated address")


class Interface(Model):
    """One network interface: its header line, `link/` line, detail lines and addresses."""

    ifindex: int | None = None
    name: str
    peer_ifindex: int | None = Field(
        None, description="From `name@ifN`: the ifindex of the peer (a veth's other end) or "
                          "lower device, which lives in another network namespace")
    parent: str | None = Field(
        None, description="From `name@dev`: the lower device (VLAN, macvlan) or, for a veth "
                          "whose peer is in the same namespace, the peer. None for `@NONE`")
    flags: list[LinkFlag] = Field(default_factory=list)
    other_flags: list[str] = Field(default_factory=list,
                                   description="Flag words that are not known kernel flags")
    mtu: int | None = None
    qdisc: str | None = None
    master: str | None = Field(None, description="Bridge, bond or VRF this interface is a port of")
    state: LinkState | None = None
    mode: str | None = Field(None, description="Link mode, DEFAULT or DORMANT (`ip link` only)")
    group: str | None = None
    qlen: int | None = Field(None, description="Transmit queue length")
    link_type: str | None = Field(None, description="After `link/`: ether, loopback, none, ...")
    mac: MacAddress | None = None
    broadcast_mac: MacAddress | None = Field(
        None, description="`brd` (or `peer` on point-to-point links) when it is a MAC")
    link_address: str | None = Field(
        None, description="Link-layer address when it is not a 48-bit MAC (tunnels, InfiniBand)")
    link_broadcast: str | None = Field(
        None, description="Link-layer broadcast or peer when it is not a 48-bit MAC")
    permaddr: str | None = Field(None, description="Permanent hardware address (MACs lower case)")
    link_netnsid: int | None = Field(
        None, description="Id of the network namespace holding the peer (`link-netnsid`)")
    link_netns: str | None = Field(None, description="Named namespace holding the peer")
    altnames: list[str] = Field(default_factory=list)
    alias: str | None = None
    link_kind: str | None = Field(
        None, description="Device kind from `ip -d`/JSON: veth, bridge, vlan, dummy, ifb, ...")
    link_info: dict[str, str] = Field(
        default_factory=dict,
        description="The kind's settings (`bridge forward_delay 1500 ...`); from JSON, by "
                    "iproute2's JSON names, booleans as on/off")
    slave_kind: str | None = Field(
        None, description="Kind of the master this is a port of: `bridge` for `bridge_slave`")
    slave_info: dict[str, str] = Field(
        default_factory=dict,
        description="Port settings (`bridge_slave state forwarding priority 32 ...`); from JSON, "
                    "by iproute2's JSON names, booleans as on/off")
    details: dict[str, str] = Field(
        default_factory=dict,
        description="Other `key value` settings, by their text names: promiscuity, minmtu, "
                    "maxmtu, addrgenmode, numtxqueues, ... (JSON: every other key)")
    detail_lines: list[str] = Field(
        default_factory=list, description="Detail text that is not `key value` pairs, as printed "
                                          "(e.g. `vlan protocol 802.1Q id 100 <REORDER_HDR>`)")
    addresses: list[Address] = Field(default_factory=list)

    @property
    def is_up(self) -> bool:
        """Administratively up (the UP flag); False when no flags were printed (`ip -o addr`)."""
        return LinkFlag.UP in self.flags

    @property
    def has_carrier(self) -> bool:
        """No NO-CARRIER flag and, when flags were printed, LOWER_UP."""
        if LinkFlag.NO_CARRIER in self.flags:
            return False
        return LinkFlag.LOWER_UP in self.flags if self.flags else True


class _Interfaces(Capture):
    interfaces: list[Interface] = Field(default_factory=list)

    def get(self, name: str) -> Interface | None:
        """The interface called `name`, if any."""
        return next((i for i in self.interfaces if i.name == name), None)


class IpAddr(_Interfaces):
    """`ip addr` / `ip -o addr` / `ip -j addr`, iproute2 or BusyBox."""

    kind: Literal["ip_addr"] = "ip_addr"


class IpLink(_Interfaces):
    """`ip link` / `ip -d link` / `ip -o link` / `ip -j link`."""

    kind: Literal["ip_link"] = "ip_link"
