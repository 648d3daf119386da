"""`ip route` (also `ip -6 route`, `ip route show table all`, BusyBox `ip route`) → IpRoute.

The template finds route lines (optional type, destination, the rest) and the `nexthop` lines of
multipath routes; the rest of a line is a run of `key value` pairs and bare flags, read here.
`default` has no family of its own: it takes the family of its gateway or source address, else of
the routes around it (`ip route show table all` lists IPv4 routes, then IPv6 ones).

Sample, lines 1-3 of tests/fixtures/dumps/default-bridge/ip_route.txt (each ends in a space, as
iproute2 prints it)::

    default via 192.0.2.1 dev eth0 
    172.17.0.0/16 dev docker0 proto kernel scope link src 172.17.0.1 
    192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.2 

>>> m = parse(SAMPLE)
>>> [(str(r.destination), r.dev) for r in m.routes]
[('0.0.0.0/0', 'eth0'), ('172.17.0.0/16', 'docker0'), ('192.0.2.0/24', 'eth0')]
>>> m.routes[1].src
IPv4Address('172.17.0.1')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network

from netparse.errors import ParseError
from netparse.models.base import UnparsedLine, typed as _typed
from netparse.models.route import (AddressFamily, IpRoute, IpRouteEntry, IpRouteFlag, Nexthop,
                                   RouteType)
from netparse.parsers._addr import address, network
from netparse.parsers._common import docstring_sample, template_rows, unparsed_lines
from netparse.parsers._ttp import Template

KIND = "ip_route"
MODEL = IpRoute
SAMPLE = docstring_sample(__doc__)
_TEMPLATE = Template("ip_route.ttp")
_INDENT = re.compile(r"^[ \t]+", re.M)

_FLAGS = {f.value for f in IpRouteFlag}
_TYPES = {t.value: t for t in RouteType}
# Keys with a field of their own; every other `key value` goes to `options`.
_FIELD_KEYS = {"via", "dev", "table", "proto", "scope", "src", "metric", "pref", "weight"}
# Keys iproute2 prints; knowing them tells a key from a flag it does not know yet.
_OPTION_KEYS = {
    "from", "tos", "dsfield", "mark", "realm", "realms", "expires", "error", "users", "used",
    "age", "ipid", "ts", "tsage", "iif", "nhid", "as", "encap", "mtu", "advmss", "rtt", "rttvar",
    "reordering", "window", "cwnd", "ssthresh", "hoplimit", "initcwnd", "initrwnd", "features",
    "quickack", "congctl", "rto_min", "fastopen_no_cookie", "ttl-propagate", "hops"}
_METRIC_KEYS = {"mtu", "advmss", "rtt", "rttvar", "reordering", "window", "cwnd", "ssthresh",
                "hoplimit", "initcwnd", "initrwnd", "features", "quickack", "congctl", "rto_min",
                "fastopen_no_cookie"}
_KNOWN = _FIELD_KEYS | _OPTION_KEYS | _FLAGS
_ONELINE_NEXTHOP = re.compile(r"(?:^|\s+)\\\s+nexthop\s+")
_KEY = re.compile(r"[a-z][a-z0-9_-]*")  # what an unknown key must look like to go to options
# iproute2 prints no `#`: from one on, the line ends in a remark its author added.
_REMARK = re.compile(r"(?:^|\s+)(#.*)$")


@dataclass
class _Attributes:
    fields: dict[str, str] = field(default_factory=dict)
    flags: list[IpRouteFlag] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)
    via_family: str | None = None  # `via inet6 X`: the gateway is of the other family


@dataclass
class _Pending:
    line: int
    row: dict
    attributes: _Attributes
    nexthops: list[tuple[int, _Attributes]] = field(default_factory=list)
    family: AddressFamily | None = None
    extra: list[int] = field(default_factory=list)  # lines of `nh_info`
    broken: bool = False  # a word of the route or of one of its nexthops was not understood
    remarks: list[tuple[int, str]] = field(default_factory=list)  # `# ...` at a line's end

    @property
    def lines(self) -> list[int]:
        return [self.line, *(line for line, _ in self.nexthops), *self.extra]


def parse(text: str) -> IpRoute:
    normalised = _INDENT.sub("", text)
    rows = _TEMPLATE.scan(normalised)
    if rows is None:
        numbered, _ = template_rows(_TEMPLATE, normalised)
        rows = [(line, None, row) for line, row in numbered]
    if not rows:
        raise ParseError("no route line: expected lines such as `default via 192.0.2.1 dev eth0`"
                         " or `10.0.0.0/8 dev eth0 ...`", 1)
    understood = {line for line, _, _ in rows}
    fields = _TEMPLATE.fields
    # A route is built on the spot when its line is all there is to it; else it waits, as a
    # _Pending, for its nexthop lines and the family of the routes around it.
    pending: list[_Pending | IpRouteEntry] = []
    bad: set[int] = set()
    last = len(rows) - 1
    for at, (line, shape, row) in enumerate(rows):
        if shape is not None:
            if shape <= 1 and (at == last or rows[at + 1][1] < 4):
                entry = _plain_entry(row, shape == 0)
                if entry is not None:
                    pending.append(entry)
                    continue
            row = dict(zip(fields[shape], row))
        if "nh_info" in row:
            # `ip -d route`: the nexthop object behind `nhid N`, kept as printed.
            if not pending or "nh_info" in pending[-1].attributes.options:
                bad.add(line)
            else:
                pending[-1].attributes.options["nh_info"] = row["nh_info"]
                pending[-1].extra.append(line)
            continue
        if "nexthop" in row:
            if not pending:
                bad.add(line)  # a nexthop with no route above it
                continue
            nexthop_text, remark = _without_remark(row["nexthop"])
            texts = [nexthop_text]
        else:
            # `ip -o route` puts the nexthops on the route's line, each after a backslash.
            route_text, remark = _without_remark(row.get("attributes", ""))
            route_text, *texts = _ONELINE_NEXTHOP.split(route_text)
            attributes = _attributes_or_none(route_text)
            pending.append(_Pending(line, row, attributes or _Attributes(),
                                    broken=attributes is None))
        if remark:
            pending[-1].remarks.append((line, remark))
        for nexthop_text in texts:
            attributes = _attributes_or_none(nexthop_text)
            pending[-1].nexthops.append((line, attributes or _Attributes()))
            pending[-1].broken |= attributes is None

    good = [p for p in pending if type(p) is IpRouteEntry or not p.broken]
    for item in good:
        if type(item) is not IpRouteEntry:
            item.family = _own_family(item)
    _families_from_context(good)
    routes: list[IpRouteEntry] = []
    remarks: list[UnparsedLine] = []
    for item in pending:
        if type(item) is IpRouteEntry:
            routes.append(item)
            continue
        try:
            if item.broken:
                raise ValueError("not understood")
            routes.append(_entry(item))
        except ValueError:
            # The whole route goes to `unparsed`: a multipath route missing a path would mislead.
            bad.update(item.lines)
            continue
        # Said at its line, not dropped: the route is read, the remark is not route syntax.
        remarks += [UnparsedLine(line=line, text=f"{remark}: a remark after the route, not "
                                                 f"route syntax; the route is read without it")
                    for line, remark in item.remarks]
    unparsed = unparsed_lines(text, understood - bad)
    if remarks:
        unparsed = sorted(unparsed + remarks, key=lambda u: u.line)
    return IpRoute(routes=routes, unparsed=unparsed)


# The keys of a route line that `_plain_entry` reads; any other word is `_attributes`' to read.
_PLAIN_KEYS = {"via", "dev", "proto", "scope", "src", "metric", "table", "pref"}
_FLAG_OF = {f.value: f for f in IpRouteFlag}
_INET, _INET6 = AddressFamily.INET, AddressFamily.INET6
# Every veth adds the same IPv6 routes (fe80::/64, ff00::/8), whose reading costs most.
_network = lru_cache(maxsize=4096)(network)


def _plain_entry(values: tuple, typed: bool) -> IpRouteEntry | None:
    """The route of a line of `key value` pairs (those of `_PLAIN_KEYS`, each once) and
    flags at its end, whose destination or gateway tells its family, built straight from the
    line; None for any other line, which the general way reads (`_attributes`, `_entry`)."""
    if typed:
        kind, destination, rest = values
    else:
        destination, rest = values
    words = rest.split()
    flags = None
    while words and words[-1] in _FLAG_OF:
        if flags is None:
            flags = []
        flags.append(_FLAG_OF[words.pop()])
    pairs = dict(zip(words[::2], words[1::2]))
    if len(words) % 2 or len(pairs) * 2 != len(words) or not _PLAIN_KEYS.issuperset(pairs):
        return None
    via = pairs.get("via")
    if via in ("inet", "inet6") or "#" in rest or "\\" in rest:
        return None
    try:
        if destination == "default":
            known = via or pairs.get("src")
            if known is None:
                return None  # its family comes from the routes around it
            family = _INET6 if ":" in known else _INET
            network_of = (IPv4Network("0.0.0.0/0") if family is _INET else IPv6Network("::/0"))
        else:
            family = _INET6 if ":" in destination else _INET
            network_of = _network(destination)
        fields: dict = {"family": family, "destination": network_of}
        if typed:
            fields["type"] = _TYPES[kind]
        _add_words(fields, pairs)
    except ValueError:
        return None
    if flags:
        flags.reverse()
        fields["flags"] = flags
    return _typed(IpRouteEntry, fields)


def _without_remark(text: str) -> tuple[str, str | None]:
    """The words of a line without a `# ...` remark at its end, and the remark."""
    if "#" not in text:
        return text, None
    found = _REMARK.search(text)
    if found is None:
        return text, None
    return text[:found.start()], found.group(1).strip()


def _attributes_or_none(text: str) -> _Attributes | None:
    try:
        return _attributes(text)
    except ValueError:
        return None


def _attributes(text: str) -> _Attributes:
    """Read `key value` pairs and bare flags; ValueError on a word that is neither."""
    result = _Attributes()
    words = text.split()
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if word in _FLAGS:
            result.flags.append(IpRouteFlag(word))
            continue
        if i >= len(words):
            raise ValueError(f"{word!r} without a value")
        if word == "via" and words[i] in ("inet", "inet6") and i + 1 < len(words):
            result.via_family = words[i]
            i += 1
        if word == "as" and words[i] == "to" and i + 1 < len(words):
            value = f"to {words[i + 1]}"
            i += 2
        elif word in _METRIC_KEYS and words[i] == "lock" and i + 1 < len(words):
            value = f"lock {words[i + 1]}"
            i += 2
        elif word == "encap":
            # `encap mpls 100/200`, `encap ip id 1 dst 10.0.0.1 ...`: up to the next known key.
            end = i + 1
            while end < len(words) and words[end] not in _KNOWN:
                end += 1
            value = " ".join(words[i:end])
            i = end
        else:
            value = words[i]
            i += 1
        if word not in _KNOWN and (value in _KNOWN or not _KEY.fullmatch(word)):
            raise ValueError(f"unknown word {word!r}")  # a flag not known yet, or no key at all
        target = result.fields if word in _FIELD_KEYS else result.options
        if word in target:
            raise ValueError(f"{word!r} twice")
        target[word] = value
    return result


def _own_family(item: _Pending) -> AddressFamily | None:
    """The family a route shows by itself: destination, gateway, source or IPv6-only keys."""
    destination = item.row["destination"]
    if destination != "default":
        return AddressFamily.INET6 if ":" in destination else AddressFamily.INET
    attributes = [item.attributes, *(a for _, a in item.nexthops)]
    for a in attributes:
        for key in ("via", "src"):
            if key in a.fields and not (key == "via" and a.via_family):
                return AddressFamily.INET6 if ":" in a.fields[key] else AddressFamily.INET
    if "pref" in item.attributes.fields:
        return AddressFamily.INET6  # router preference exists for IPv6 routes only
    return None


def _families_from_context(items: list[_Pending]) -> None:
    """Give a route with no family of its own that of the route before it, else after it."""
    previous = None
    for item in items:
        if item.family is None:
            item.family = previous
        previous = item.family
    following = AddressFamily.INET  # `ip route` lists IPv4 unless told otherwise
    for item in reversed(items):
        if item.family is None:
            item.family = following
        following = item.family


def _entry(item: _Pending) -> IpRouteEntry:
    row, a = item.row, item.attributes
    if row["destination"] == "default":
        destination = (IPv4Network("0.0.0.0/0") if item.family is AddressFamily.INET
                       else IPv6Network("::/0"))
    else:
        destination = _network(row["destination"])
    values: dict = {"family": item.family, "destination": destination}
    # Only what the line says: a field left out takes its default without being validated.
    if "type" in row:
        values["type"] = _TYPES[row["type"]]
    _add_words(values, a.fields)
    if a.flags:
        values["flags"] = a.flags
    if item.nexthops:
        values["nexthops"] = [_nexthop(n) for _, n in item.nexthops]
    if a.options or "weight" in a.fields:
        values["options"] = _unused(a, {"weight"})
    return IpRouteEntry(**values)


def _add_words(values: dict, words: dict) -> None:
    """The model's fields from a route's key/value words (`via`, `dev`, `src`, `metric`, ...);
    ValueError for an address or a metric that is not one."""
    for key in ("dev", "proto", "scope", "pref"):
        if key in words:
            values[key] = words[key]
    if "via" in words:
        values["gateway"] = address(words["via"])
    if "src" in words:
        values["src"] = address(words["src"])
    if "metric" in words:
        values["metric"] = int(words["metric"])
    if words.get("table", "main") != "main":
        values["table"] = words["table"]


def _nexthop(a: _Attributes) -> Nexthop:
    return Nexthop(gateway=_address(a.fields.get("via")), dev=a.fields.get("dev"),
                   weight=_integer(a.fields.get("weight")), flags=a.flags,
                   options=_unused(a, {"table", "proto", "scope", "src", "metric", "pref"}))


def _unused(a: _Attributes, also_options: set[str]) -> dict[str, str]:
    """Options, plus field keys that make no field at this level (kept, not dropped)."""
    extra = {k: v for k, v in a.fields.items() if k in also_options}
    return {**a.options, **extra}


def _address(printed: str | None):
    return None if printed is None else address(printed)


def _integer(printed: str | None) -> int | None:
    return None if printed is None else int(printed)
