"""`ip link` → IpLink: the same interfaces as `ip addr`, read by the same template and code."""

from __future__ import annotations

from netparse.models.link import IpLink
from netparse.parsers.ip_addr import parse_interfaces

KIND = "ip_link"
MODEL = IpLink


def parse(text: str) -> IpLink:
    interfaces, unparsed = parse_interfaces(text)
    return IpLink(interfaces=interfaces, unparsed=unparsed)
