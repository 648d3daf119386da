"""Addresses for large tables: the `ipaddress` objects and errors, with less work per route.

A routing table repeats a few gateways, masks and sources on every line, and its destinations
are dotted quads that the C library reads faster than `ipaddress` does.
"""

from __future__ import annotations

import _socket as socket  # the C module: socket.py imports selectors and enum
from functools import lru_cache
from ipaddress import (IPv4Interface, IPv4Network, IPv6Interface, IPv6Network, ip_address,
                       ip_interface, ip_network)

_AF_INET = socket.AF_INET
_AF_INET6 = socket.AF_INET6
_pton = socket.inet_pton

#: `ipaddress.ip_address`, remembered for the values a table repeats.
address = lru_cache(maxsize=4096)(ip_address)


def ipv4_int(text: str) -> int | None:
    """The value of a dotted-quad IPv4 address, or None when `text` is not one (inet_pton, like
    `ipaddress`, refuses leading zeros, missing parts and spaces)."""
    try:
        return int.from_bytes(_pton(_AF_INET, text), "big")
    except OSError:
        return None


def network(text: str):
    """`ipaddress.ip_network(text)` (strict: host bits set is a ValueError), reading the
    address through inet_pton when it can, as `interface` does."""
    address_text, slash, length = text.partition("/")
    if ":" in address_text:
        if not slash or (length.isascii() and length.isdigit() and len(length) <= 3
                         and int(length) <= 128):
            try:
                value = int.from_bytes(_pton(_AF_INET6, address_text), "big")
            except (OSError, ValueError):  # not an address; a NUL
                return ip_network(text)
            return IPv6Network((value, int(length) if slash else 128))
        return ip_network(text)
    value = ipv4_int(address_text)
    if value is not None and (not slash or (length.isdigit() and len(length) <= 2)):
        return IPv4Network((value, int(length) if slash else 32))
    return ip_network(text)


def interface(text: str):
    """`ipaddress.ip_interface(text)`, reading the address through inet_pton when it can
    (a scope such as `%eth0`, or anything inet_pton refuses, goes to `ipaddress`)."""
    address_text, slash, length = text.partition("/")
    if length.isdigit() and len(length) <= 3:
        try:
            if ":" in address_text:
                value = int.from_bytes(_pton(_AF_INET6, address_text), "big")
                if int(length) <= 128:
                    return IPv6Interface((value, int(length)))
            else:
                value = int.from_bytes(_pton(_AF_INET, address_text), "big")
                if int(length) <= 32:
                    return IPv4Interface((value, int(length)))
        except OSError:
            pass
    return ip_interface(text)
