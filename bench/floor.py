"""The floor: hand-written typed parsers of `route -n` and `ip addr`, the same fields as
netparse's models (addresses as `ipaddress` objects, numbers as ints, flags as enums), with no
template, no validation library and no report of the lines they skip. What netparse's parsers
are measured against; never used by netparse.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv4Network, IPv6Interface

from netparse.models.link import AddressFamily, LinkFlag, LinkState
from netparse.models.route import RouteFlag

_pton = socket.inet_pton


def _v4(text: str) -> int:
    return int.from_bytes(_pton(socket.AF_INET, text), "big")


@dataclass(slots=True)
class Route:
    destination: IPv4Network
    gateway: IPv4Address | None
    genmask: IPv4Address
    prefixlen: int
    flags: list[RouteFlag]
    metric: int
    ref: int
    use: int
    iface: str


_FLAGS = {f.value: f for f in RouteFlag}


def route_n(text: str) -> list[Route]:
    routes = []
    masks: dict[str, tuple[IPv4Address, int]] = {}
    for line in text.split("\n"):
        words = line.split()
        if len(words) != 8 or words[0] == "Destination":
            continue
        dest, gw, mask, flags, metric, ref, use, iface = words
        if mask not in masks:
            value = _v4(mask)
            masks[mask] = IPv4Address(value), 32 - (~value & 0xFFFFFFFF).bit_length()
        genmask, plen = masks[mask]
        gateway = None if gw == "0.0.0.0" else IPv4Address(_v4(gw))
        routes.append(Route(IPv4Network((_v4(dest), plen)), gateway, genmask, plen,
                            [_FLAGS[c] for c in flags], int(metric), int(ref), int(use), iface))
    return routes


@dataclass(slots=True)
class Address:
    family: AddressFamily
    address: IPv4Interface | IPv6Interface
    broadcast: str | None = None
    scope: str | None = None
    label: str | None = None
    dynamic: bool = False
    valid_lft: int | None = None
    preferred_lft: int | None = None


@dataclass(slots=True)
class Interface:
    ifindex: int
    name: str
    peer_ifindex: int | None = None
    flags: list[LinkFlag] = field(default_factory=list)
    mtu: int | None = None
    qdisc: str | None = None
    master: str | None = None
    state: LinkState | None = None
    group: str | None = None
    qlen: int | None = None
    link_type: str | None = None
    mac: str | None = None
    broadcast_mac: str | None = None
    link_netnsid: int | None = None
    addresses: list[Address] = field(default_factory=list)


_LINK_FLAGS = {f.value: f for f in LinkFlag}
_STATES = {s.value: s for s in LinkState}


def _lft(word: str) -> int | None:
    return None if word == "forever" else int(word[:-3])


def _interface_address(text: str):
    address, _, length = text.partition("/")
    if ":" in address:
        return IPv6Interface((int.from_bytes(_pton(socket.AF_INET6, address), "big"), int(length)))
    return IPv4Interface((_v4(address), int(length)))


def ip_addr(text: str) -> list[Interface]:
    interfaces: list[Interface] = []
    current: Interface | None = None
    address: Address | None = None
    for line in text.split("\n"):
        if not line:
            continue
        if line[0] != " ":
            index, name, rest = line.split(": ", 2)
            name, _, link = name.partition("@")
            current = Interface(int(index), name)
            if link.startswith("if"):
                current.peer_ifindex = int(link[2:])
            flags, _, rest = rest[1:].partition(">")
            current.flags = [_LINK_FLAGS[f] for f in flags.split(",") if f in _LINK_FLAGS]
            words = rest.split()
            for key, value in zip(words[::2], words[1::2]):
                if key == "mtu":
                    current.mtu = int(value)
                elif key == "qlen":
                    current.qlen = int(value)
                elif key == "state":
                    current.state = _STATES[value]
                elif key in ("qdisc", "master", "group"):
                    setattr(current, key, value)
            interfaces.append(current)
            continue
        words = line.split()
        first = words[0]
        if first.startswith("link/"):
            current.link_type = first[5:]
            if len(words) > 1:
                current.mac = words[1]
            if len(words) > 3 and words[2] == "brd":
                current.broadcast_mac = words[3]
            if "link-netnsid" in words:
                current.link_netnsid = int(words[words.index("link-netnsid") + 1])
        elif first in ("inet", "inet6"):
            address = Address(AddressFamily(first), _interface_address(words[1]))
            i = 2
            while i < len(words):
                word = words[i]
                if word == "brd" and i + 1 < len(words):
                    address.broadcast = words[i + 1]
                    i += 2
                elif word == "scope" and i + 1 < len(words):
                    address.scope = words[i + 1]
                    i += 2
                else:
                    if word == "dynamic":
                        address.dynamic = True
                    elif first == "inet" and i == len(words) - 1:
                        address.label = word
                    i += 1
            current.addresses.append(address)
        elif first == "valid_lft" and address is not None:
            address.valid_lft, address.preferred_lft = _lft(words[1]), _lft(words[3])
    return interfaces
