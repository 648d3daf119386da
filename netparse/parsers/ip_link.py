"""`ip link` → IpLink: the same interfaces as `ip addr`, read by `netparse.parsers.interfaces`."""

from __future__ import annotations

from netparse.models.link import IpLink
from netparse.parsers.interfaces import parse_interfaces

KIND = "ip_link"
MODEL = IpLink


def parse(text: str) -> IpLink:
    interfaces, unparsed = parse_interfaces(text)
    return IpLink(interfaces=interfaces, unparsed=unparsed)
