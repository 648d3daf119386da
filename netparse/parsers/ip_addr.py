"""`ip addr` → IpAddr: the interfaces and their addresses, read by `netparse.parsers.interfaces`."""

from __future__ import annotations

from netparse.models.link import IpAddr
from netparse.parsers.interfaces import parse_interfaces

KIND = "ip_addr"
MODEL = IpAddr


def parse(text: str) -> IpAddr:
    interfaces, unparsed = parse_interfaces(text)
    return IpAddr(interfaces=interfaces, unparsed=unparsed)
