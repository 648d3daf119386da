"""`route -n` and its relatives (`route`, `route -ee`, `route -6`, `netstat -r[n][e[e]]`, BusyBox)
→ RouteTable.

No field holds a space, so rows are split on white space rather than cut at column offsets: a
long IPv6 destination or a host name that overflows its column still parses. The header line
says which numbers a row holds (Metric Ref Use, or MSS Window irtt, or both).

Sample, lines 1-5 of tests/fixtures/dumps/default-bridge/route_n.txt::

    Kernel IP routing table
    Destination     Gateway         Genmask         Flags Metric Ref    Use Iface
    0.0.0.0         192.0.2.1       0.0.0.0         UG    0      0        0 eth0
    172.17.0.0      0.0.0.0         255.255.0.0     U     0      0        0 docker0
    192.0.2.0       0.0.0.0         255.255.255.0   U     0      0        0 eth0

>>> m = parse(SAMPLE)
>>> [(str(r.destination), r.iface) for r in m.routes]
[('0.0.0.0/0', 'eth0'), ('172.17.0.0/16', 'docker0'), ('192.0.2.0/24', 'eth0')]
>>> m.routes[0].gateway
IPv4Address('192.0.2.1')
"""

from __future__ import annotations

import re
import _socket as socket  # the C module: socket.py imports selectors and enum
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

from netparse.errors import ParseError
from netparse.models.base import UnparsedLine, typed as _typed
from netparse.models.route import AddressFamily, Route, RouteFlag, RouteTable
from netparse.parsers._addr import ipv4_int
from netparse.parsers._common import docstring_sample, template_rows, unparsed_lines
from netparse.parsers._ttp import Template

KIND = "route_n"
MODEL = RouteTable
SAMPLE = docstring_sample(__doc__)
_TEMPLATE = Template("route_n.ttp")
_INDENT = re.compile(r"^[ \t]+", re.M)
# HTML a paste kept at a line's end (`ens3<br/>`): no cell of a table holds `<`.
_HTML_END = re.compile(r"[ \t]*(?:<br\s*/?>|</?p>)+[ \t]*$", re.M | re.I)

_TITLES = {"Destination": "destination", "Gateway": "gateway", "Next Hop": "gateway",
           "Genmask": "genmask", "Flags": "flags", "Flag": "flags", "Metric": "metric",
           "Met": "metric", "Ref": "ref", "Use": "use", "Iface": "iface", "If": "iface",
           "MSS": "mss", "Window": "window", "irtt": "irtt"}
_NUMBERS = {"metric", "ref", "use", "mss", "window", "irtt"}
# What each row shape of the template holds, field by field ("n" is any number column).
_SHAPES = {
    8: ("destination", "gateway", "genmask", "flags", "n", "n", "n", "iface"),
    11: ("destination", "gateway", "genmask", "flags", "n", "n", "n", "iface", "n", "n", "n"),
    7: ("destination", "gateway", "flags", "n", "n", "n", "iface"),
}
# Columns of a row when no header was captured: `route -n`, `route -ee`, `route -6 -n`.
_DEFAULT_COLUMNS = {
    8: ("destination", "gateway", "genmask", "flags", "metric", "ref", "use", "iface"),
    11: ("destination", "gateway", "genmask", "flags", "metric", "ref", "use", "iface", "mss",
         "window", "irtt"),
    7: ("destination", "gateway", "flags", "metric", "ref", "use", "iface"),
}
# The same validation as Route(**values), without building keyword arguments (faster).
_validate_route = Route.model_validate
_pton = socket.inet_pton
_AF_INET = socket.AF_INET


def parse(text: str) -> RouteTable:
    indented = text.startswith((" ", "\t")) or "\n " in text or "\n\t" in text
    normalised = _INDENT.sub("", text) if indented else text
    html: dict[int, str] = {}
    if "<" in normalised:
        for found in _HTML_END.finditer(normalised):
            html[normalised.count("\n", 0, found.start()) + 1] = found.group().strip()
        normalised = _HTML_END.sub("", normalised)
    rows = _rows(normalised)
    if not rows:
        raise ParseError("no routing table: neither a `Kernel IP routing table` banner, a "
                         "header nor a route row", 1)
    understood = {line for line, _, _ in rows}
    family: AddressFamily | None = None
    columns: tuple[str, ...] | None = None
    routes: list[Route] = []
    bad: set[int] = set()
    cache = False  # inside a `route -C` routing cache, whose rows look like routes but are not
    plain = True  # an IPv4 table with the columns of `route -n`: its rows take the quick way
    for line, shape, values in rows:
        if shape == _BANNER:
            found = AddressFamily.INET6 if values[0] == "IPv6" else AddressFamily.INET
            cache = values[1] == "cache"
            if cache or (family is not None and found != family):
                bad.add(line)  # one RouteTable holds one table of one family
            else:
                family = found
            plain = family is AddressFamily.INET and columns in (None, _DEFAULT_COLUMNS[8])
            continue
        if cache:
            bad.add(line)
            continue
        if shape == _COLUMNS:
            header = _header(values[0])
            if header is None or (family and _family_of(header) != family):
                bad.add(line)
                continue
            columns = header
            family = family or _family_of(header)
            plain = family is AddressFamily.INET and columns == _DEFAULT_COLUMNS[8]
            continue
        if shape == _ROW8 and plain:
            route = _plain_route(values)
            if route is not None:
                family = AddressFamily.INET
                routes.append(route)
                continue
        names = columns if columns is not None and len(columns) == len(values) else None
        if names is None and columns is None:
            names = _DEFAULT_COLUMNS[len(values)]
        shape_family = _family_of(_SHAPES[len(values)])
        family = family or shape_family
        plain = plain and family is AddressFamily.INET
        if names is None or shape_family != family:
            bad.add(line)
            continue
        try:
            routes.append(_route(dict(zip(names, values)), family))
        except ValueError:
            bad.add(line)
    if family is None:  # only a routing cache
        raise ParseError("no routing table, only a routing cache (`route -C`)", 1)
    unparsed = unparsed_lines(text, understood - bad)
    read = [n for n in html if n in understood and n not in bad]
    if read:
        # Said at its line: the row is read as if the tag were not there, never as a device.
        unparsed = sorted(unparsed + [UnparsedLine(line=n, text=f"{html[n]}: HTML left at the "
                                                              f"line's end, not part of the "
                                                              f"table; the row is read without it")
                                      for n in read], key=lambda u: u.line)
    return _typed(RouteTable, {"family": family, "routes": routes, "unparsed": unparsed})


_BANNER, _COLUMNS, _ROW8 = 0, 1, 2


def _rows(text: str) -> list[tuple[int, int, tuple]]:
    """(line, shape, values) of every line the template matches; shape is the template line
    (banner, header, then the row shapes of `_SHAPES`)."""
    rows = _TEMPLATE.scan(text)
    if rows is not None:
        return rows
    fields = _TEMPLATE.fields
    numbered, _ = template_rows(_TEMPLATE, text)
    shapes = {frozenset(names): index for index, names in enumerate(fields)}
    return [(line, shapes[frozenset(row)], tuple(row[name] for name in fields[shapes[
        frozenset(row)]])) for line, row in numbered]


def _plain_route(values: tuple) -> Route | None:
    """The route of a `route -n` row of an IPv4 table (Destination Gateway Genmask Flags
    Metric Ref Use Iface) with addresses and numbers in every column, built straight from its
    values; None for any other row, which `_route` reads."""
    destination, gateway, genmask, flags, metric, ref, use, iface = values
    try:
        mask, prefixlen = _genmask(genmask)
        fields = {"destination": _v4_network(destination, prefixlen),
                  "prefixlen": prefixlen, "flags": list(_flags(flags)), "genmask": mask,
                  "metric": int(metric), "ref": int(ref), "use": int(use)}
        address, name = _gateway(gateway, AddressFamily.INET)
    except (OSError, ValueError):
        return None  # a name, `-`, host bits set: `_route` says which
    if name is not None:
        return None
    if address is not None:
        fields["gateway"] = address
    if iface != "-" and iface != "*":
        fields["iface"] = iface
    return _typed(Route, fields)


@lru_cache(maxsize=4096)  # the captures inside containers repeat the same few networks
def _v4_network(destination: str, prefixlen: int) -> IPv4Network:
    return IPv4Network((int.from_bytes(_pton(_AF_INET, destination), "big"), prefixlen))


@lru_cache(maxsize=64)  # every capture of a dump prints the same header
def _header(columns: str) -> tuple[str, ...] | None:
    """Field names of a header line, or None when they do not fit a row shape."""
    titles = ["Destination", *re.findall(r"Next Hop|\S+", columns)]
    names = tuple(_TITLES[t] for t in titles)
    shape = _SHAPES.get(len(names))
    if shape is None or len(set(names)) != len(names):
        return None
    for name, kind in zip(names, shape):
        if name != kind and not (kind == "n" and name in _NUMBERS):
            return None
    return names


def _family_of(names: tuple[str, ...]) -> AddressFamily:
    return AddressFamily.INET if "genmask" in names else AddressFamily.INET6


def _route(fields: dict[str, str], family: AddressFamily) -> Route:
    if family is AddressFamily.INET:
        genmask, prefixlen = _genmask(fields["genmask"])
        destination, name = _destination(fields["destination"], prefixlen, family)
    else:
        genmask = None
        printed, slash, length = fields["destination"].rpartition("/")
        prefixlen = int(length)
        destination, name = _destination(printed, prefixlen, family)
    gateway, gateway_name = _gateway(fields["gateway"], family)
    values = {"destination": destination, "prefixlen": prefixlen,
              "flags": list(_flags(fields["flags"]))}
    # Only what the row holds: a field left out takes its default (None) unvalidated.
    for key, value in (("destination_name", name), ("gateway", gateway),
                       ("gateway_name", gateway_name), ("genmask", genmask)):
        if value is not None:
            values[key] = value
    for key in _NUMBERS:
        printed = fields.get(key)
        if printed is not None and printed != "-":
            values[key] = int(printed)
    iface = fields.get("iface")
    if iface not in (None, "-", "*"):
        values["iface"] = iface
    return _validate_route(values)


# A table repeats its masks, flags and gateways: each is read once.
@lru_cache(maxsize=256)
def _genmask(printed: str) -> tuple[IPv4Address, int]:
    genmask = IPv4Address(printed)
    return genmask, IPv4Network(f"0.0.0.0/{genmask}").prefixlen


@lru_cache(maxsize=256)
def _flags(printed: str) -> tuple[RouteFlag, ...]:
    return tuple(RouteFlag(letter) for letter in printed)


def _destination(printed: str, prefixlen: int, family: AddressFamily):
    """(network, name) of a Destination cell; the name is kept when it is not an address."""
    network = IPv4Network if family is AddressFamily.INET else IPv6Network
    if family is AddressFamily.INET:
        value = ipv4_int(printed)
        if value is not None:
            return network((value, prefixlen)), None  # strict, as below
    if printed == "default":
        return network((0, prefixlen)), printed
    address = _address(printed, family)
    if address is None:
        return None, printed
    return network((address, prefixlen)), None  # strict: host bits set is not a real route


@lru_cache(maxsize=4096)
def _gateway(printed: str, family: AddressFamily):
    """(address, name) of a Gateway / Next Hop cell; no gateway is (None, None)."""
    if printed in ("*", "-"):
        return None, None
    address = _address(printed, family)
    if address is None:
        return None, printed
    return (None if address.is_unspecified else address), None


def _address(printed: str, family: AddressFamily) -> IPv4Address | IPv6Address | None:
    """The address in a cell, or None when the cell holds a name. `[::]` is `::`."""
    if printed.startswith("[") and printed.endswith("]"):
        printed = printed[1:-1]
    try:
        address = ip_address(printed)
    except ValueError:
        return None
    if family is AddressFamily.INET6 and address.version == 4:
        # glibc prints an IPv4-mapped address in dotted form (`0.0.0.0/96` is ::ffff:0.0.0.0/96).
        return IPv6Address(f"::ffff:{address}")
    if family is AddressFamily.INET and address.version == 6:
        raise ValueError(f"IPv6 address {printed} in an IPv4 table")
    return address
