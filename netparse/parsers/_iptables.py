"""Pieces the iptables parsers share: words as iptables-save quotes them, interfaces, counters,
ports and NAT ranges."""

from __future__ import annotations

import re
from ipaddress import ip_address

from netparse.models.iptables import Counters, InterfaceMatch, NatRange, PortRange

WARNING = re.compile(r"# Warning: .*")


class Word(str):
    """A word of a rule line; `quoted` when it was written in double quotes (then it is a value
    even if it starts with `-` or is `!`)."""

    quoted = False


def words(line: str) -> list[Word] | None:
    """The words of a rule line as iptables-save writes them: space separated, a value with
    spaces or quotes in double quotes with `\\"` and `\\\\` escaped. None when a quote is not
    closed."""
    found: list[Word] = []
    i, n = 0, len(line)
    while i < n:
        if line[i] in " \t":
            i += 1
            continue
        if line[i] == '"':
            buf = []
            i += 1
            while i < n and line[i] != '"':
                if line[i] == "\\" and i + 1 < n:
                    i += 1
                buf.append(line[i])
                i += 1
            if i >= n:
                return None
            word = Word("".join(buf))
            word.quoted = True
            found.append(word)
            i += 1
            continue
        j = i
        while j < n and line[j] not in " \t":
            j += 1
        found.append(Word(line[i:j]))
        i = j
    return found


def interface(text: str, negated: bool = False) -> InterfaceMatch:
    wildcard = text.endswith("+")
    return InterfaceMatch(name=text[:-1] if wildcard else text, negated=negated, wildcard=wildcard)


def counters(text: str) -> Counters | None:
    """`[12:3456]` as iptables-save -c prints them."""
    m = re.fullmatch(r"\[(\d+):(\d+)\]", text)
    return Counters(packets=int(m.group(1)), bytes=int(m.group(2))) if m else None


_PORT = r"\d{1,5}"


def port_range(text: str, sep: str = ":") -> PortRange | None:
    """`80`, `1024:65535` (`-` for NAT ports); None when it is not one."""
    m = re.fullmatch(rf"({_PORT})(?:{re.escape(sep)}({_PORT}))?", text)
    if not m:
        return None
    first = int(m.group(1))
    last = int(m.group(2)) if m.group(2) else first
    if first > 65535 or last > 65535:
        return None
    return PortRange(first=first, last=last)


def port_list(text: str) -> list[PortRange] | None:
    """multiport's `80,443,8000:8080`."""
    ranges = [port_range(part) for part in text.split(",")]
    return None if any(r is None for r in ranges) else ranges


_NAT = re.compile(r"(?:\[(?P<v6a>[0-9A-Fa-f:.]+)\](?:-\[(?P<v6b>[0-9A-Fa-f:.]+)\])?"
                  r"|(?P<v4a>[0-9.]+)(?:-(?P<v4b>[0-9.]+))?)?"
                  r"(?::(?P<ports>\d+(?:-\d+)?))?")


def nat_range(text: str) -> NatRange | None:
    """`192.0.2.2:80`, `10.0.0.1-10.0.0.9:1024-2048`, `[fd00::2]:80`, `fd00::2` (no port, no
    brackets), `8080-8090` (--to-ports); None when it is not one."""
    if text.count(":") > 1 and not text.startswith("["):
        first, _, last = text.partition("-")  # an IPv6 address (range) without a port
        try:
            return NatRange(first=ip_address(first), last=ip_address(last or first))
        except ValueError:
            return None
    m = _NAT.fullmatch(text)
    if not m or not text:
        return None
    first = m.group("v6a") or m.group("v4a")
    last = m.group("v6b") or m.group("v4b") or first
    ports = port_range(m.group("ports"), "-") if m.group("ports") else None
    if m.group("ports") and ports is None:
        return None
    try:
        return NatRange(first=ip_address(first) if first else None,
                        last=ip_address(last) if last else None, ports=ports)
    except ValueError:
        return None


def to_ports(text: str) -> NatRange | None:
    ports = port_range(text, "-")
    return NatRange(ports=ports) if ports else None
