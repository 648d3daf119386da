"""The interfaces of iproute2's interface listing, read for both `ip addr` and `ip link`.

Text (iproute2 or BusyBox, plain, `-o` or `-d`) goes through one TTP template. An interface is a
header `N: name[@link]: <FLAGS> key value ...`, a `link/TYPE [addr] [brd addr] key value ...` line,
with `-d` detail lines (the device kind, then the port role, each with its settings), `altname`
and `alias` lines, then its `inet`/`inet6` lines, each followed by a `valid_lft` line. `ip -o`
prints each interface (`ip -o link`) or each address (`ip -o addr`) on one line, the original line
breaks shown as `\\`; those lines are split back first, and every line of the result maps to the
line of the capture it came from. JSON (`ip -j`) goes straight into the models; an interface
they refuse is reported as `interface NAME: why` at the line it starts on (`jsontext`).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from ipaddress import IPv4Address

from pydantic import ValidationError

from netparse.models.base import UnparsedLine, typed
from netparse.models.link import Address, AddressFamily, Interface, LinkFlag, LinkState
from netparse.parsers._addr import address as _ip_address, interface
from netparse.parsers._common import as_list, unparsed_lines
from netparse.parsers._ttp import Template
from netparse.parsers.jsontext import read_elements, starts_json

TEMPLATE = Template("interfaces.ttp")

_INDENT = re.compile(r"^[ \t]+(?=\S)", re.M)
# The same, after a newline: a pattern that starts with a literal is searched for that literal
# first, where `^` with re.M is tried at every character of the text.
_INDENT_AFTER_NEWLINE = re.compile(r"\n[ \t]+(?=\S)")
# `ip -o`: a backslash stands for a line break; what follows it is the next line's indentation.
_ONELINE_BREAK = re.compile(r"\\(?=[ \t]|$)")
# `ip -o addr`: `N: name    inet ...` is a header and an address line in one.
_ONELINE_ADDR = re.compile(r"(\d+:[ \t]+[^ \t:]+)[ \t]+(inet6? .*)")
_ONELINE_ADDR_ANY = re.compile(r"\n\d+:[ \t]+[^ \t:]+[ \t]+inet6? ")  # in "\n" + text
_HEADER = re.compile(r"\d+: ")
_MAC = re.compile(r"[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}")
_KEY = re.compile(r"[a-z][a-z0-9_-]*")
_KEYS = re.compile(r"[a-z][a-z0-9_-]*(?: [a-z][a-z0-9_-]*)*")  # keys joined by spaces

_FLAGS = {f.value: f for f in LinkFlag}
_FAMILIES = {f.value: f for f in AddressFamily}
# Words of an address line that take a value, and the field it goes to.
_ADDRESS_KEYS = {"brd": "broadcast", "any": "anycast", "scope": "scope", "metric": "metric"}
_STATES = {s.value: s for s in LinkState}
_HEADER_INTS = {"mtu", "qlen"}
_HEADER_KEYS = {"mtu", "qdisc", "master", "state", "mode", "group", "qlen"}
# Words that can follow `link/TYPE` directly, when the link has no address.
_LINK_KEYS = {"brd", "peer", "permaddr", "link-netnsid", "link-netns", "new-netns",
              "new-netnsid", "new-ifindex", "protodown", "promiscuity"}
# `ip -d` ends the last detail line with settings common to every device.
_COMMON_DETAILS = ("addrgenmode", "numtxqueues")
# Address flags that iproute2 prints by name; anything else at the end of an IPv4 line is a label.
_ADDRESS_FLAGS = {"secondary", "temporary", "nodad", "optimistic", "dadfailed", "home",
                  "deprecated", "tentative", "permanent", "mngtmpaddr", "noprefixroute",
                  "autojoin", "stable-privacy", "dynamic"}
# IFA_F_* bits, for BusyBox's `flags 02` and JSON's `ifa_flags`.
_ADDRESS_FLAG_BITS = ((0x01, "secondary"), (0x02, "nodad"), (0x04, "optimistic"),
                      (0x08, "dadfailed"), (0x10, "home"), (0x20, "deprecated"),
                      (0x40, "tentative"), (0x100, "mngtmpaddr"), (0x200, "noprefixroute"),
                      (0x400, "autojoin"), (0x800, "stable-privacy"))
_FLAG_ORDER = {name: i for i, name in enumerate(
    ("temporary", "nodad", "optimistic", "dadfailed", "home", "deprecated", "tentative",
     "permanent", "mngtmpaddr", "autojoin", "stable-privacy"))}
_FOREVER = 0xFFFFFFFF
# JSON keys of `ip -j -d link` whose text form has another name.
_JSON_TEXT_NAMES = {"min_mtu": "minmtu", "max_mtu": "maxmtu", "inet6_addr_gen_mode": "addrgenmode",
                    "num_tx_queues": "numtxqueues", "num_rx_queues": "numrxqueues",
                    "phys_port_name": "portname", "phys_port_id": "portid",
                    "phys_switch_id": "switchid"}


def parse_interfaces(text: str) -> tuple[list[Interface], list[UnparsedLine]]:
    """The interfaces of an `ip addr` or `ip link` capture, and the lines not understood."""
    if starts_json(text):
        return _from_json(text)
    lines, origin = _normalise(text)
    normalised = "\n".join(lines)
    result, matched = TEMPLATE.run_lines(normalised)
    matched = sorted(matched)
    headers = [n for n in matched if _HEADER.match(lines[n - 1])]
    understood = _understood(matched, headers, lines)
    rows = as_list(result.get("interfaces"))
    interfaces: list[Interface] = []
    for index, row in enumerate(rows):
        first = headers[index] if index < len(headers) else 0
        last = headers[index + 1] - 1 if index + 1 < len(headers) else len(lines)
        block = _Block(lines, first, last, understood)
        interface = _interface(row, block)
        previous = interfaces[-1] if interfaces else None
        if (previous and "flags" not in row
                and (previous.ifindex, previous.name) == (interface.ifindex, interface.name)):
            # `ip -o addr` repeats the interface on each address line.
            previous.addresses.extend(interface.addresses)
        else:
            interfaces.append(interface)
    if origin is None:
        return interfaces, unparsed_lines(text, understood)
    failed = {origin[n - 1] for n, line in enumerate(lines, 1)
              if n not in understood and line.strip()}
    return interfaces, unparsed_lines(text, set(origin) - failed)


def _normalise(text: str) -> tuple[list[str], list[int] | None]:
    """Lines as the template expects them and, if lines were split, each one's capture line."""
    if "\\" not in text and not _ONELINE_ADDR_ANY.search("\n" + text):
        return _INDENT_AFTER_NEWLINE.sub("\n\t", "\n" + text)[1:].split("\n"), None
    lines: list[str] = []
    origin: list[int] = []
    for number, line in enumerate(text.split("\n"), 1):
        for piece in _ONELINE_BREAK.split(line) if "\\" in line else (line,):
            match = _ONELINE_ADDR.fullmatch(piece.rstrip())
            for part in (match[1], "\t" + match[2]) if match else (piece,):
                lines.append(_INDENT.sub("\t", part))
                origin.append(number)
    return lines, origin


def _understood(matched: list[int], headers: list[int], lines: list[str]) -> set[int]:
    """Of the `matched` lines (in order), those understood; `headers` are the header lines."""
    # Lines before the first header belong to no interface: they are not understood.
    first = headers[0] if headers else len(lines) + 1
    understood = set()
    # The template reads one link line per interface and one lifetimes line per address: a
    # second one (a line pasted twice) would be passed over, so it is not understood.
    link = after_address = False
    for n in matched:
        if n < first:
            continue
        line = lines[n - 1]
        if _HEADER.match(line):
            link = False
        elif line.startswith("\tlink/"):
            if link:
                after_address = False
                continue
            link = True
        elif line.startswith("\tvalid_lft ") and not after_address:
            continue
        understood.add(n)
        after_address = line.startswith(("\tinet ", "\tinet6 "))
    return understood


class _Block:
    """The lines of one interface, to take back a line the template matched but that did not
    make sense after all."""

    def __init__(self, lines: list[str], first: int, last: int, understood: set[int]):
        self.lines, self.first, self.last, self.understood = lines, first, last, understood
        self._after: dict[str, int] = {}  # where the next line of a prefix is looked for

    def reject(self, prefix: str) -> None:
        """Mark the next line of this interface that starts with `prefix` as not understood
        (the first, then the one after it: the same bad line twice is reported twice), and
        the lifetimes line that belongs to it, if any."""
        for n in range(max(self._after.get(prefix, self.first), 1), self.last + 1):
            if self.lines[n - 1].startswith(prefix):
                self._after[prefix] = n + 1
                self.understood.discard(n)
                if n < self.last and self.lines[n].startswith("\tvalid_lft "):
                    self.understood.discard(n + 1)
                return


def _interface(row: dict, block: _Block) -> Interface:
    name, _, link = row["name"].partition("@")
    fields: dict = {"ifindex": int(row["ifindex"]), "name": name}
    if link.startswith("if") and link[2:].isdigit():
        fields["peer_ifindex"] = int(link[2:])
    elif link and link != "NONE":
        fields["parent"] = link
    if "flags" in row:
        words = row["flags"].split(",")
        known = [_FLAGS[flag] for flag in words if flag in _FLAGS]
        other = [flag for flag in words if flag and flag not in _FLAGS]
        if known:
            fields["flags"] = known
        if other:
            fields["other_flags"] = other
    details: dict[str, str] = {}
    if not _header_words(row.get("attrs", "").split(), fields, details):
        block.reject(f"{row['ifindex']}: ")
    if "link_type" in row:
        fields["link_type"] = row["link_type"]
        if not _link_words(row.get("link_words", "").split(), fields, details):
            block.reject("\tlink/")
    if "altnames" in row:
        fields["altnames"] = row["altnames"]
    if "alias" in row:
        fields["alias"] = row["alias"].strip()
    for line in row.get("details", []):
        _detail_line(line.split(), fields, details)
    fields["details"] = details
    addresses = []
    for item in as_list(row.get("addresses")):
        try:
            addresses.append(_address(item, name))
        except (ValueError, ValidationError):
            block.reject(f"\t{item['family']} {item['address']}")
    fields["addresses"] = addresses
    # Every field was made its declared type above (MACs lower case, as MacAddress gives them).
    return typed(Interface, fields)


def _header_words(words: list[str], fields: dict, details: dict[str, str]) -> bool:
    """`mtu 1500 qdisc noqueue master docker0 state UP ...`; False if some word made no sense."""
    ok = True
    for key, value in _pairs(words):
        if value is None:
            ok = False
        elif key in _HEADER_INTS:
            if value.isdigit():
                fields[key] = int(value)
            else:
                ok = False
        elif key == "state":
            if value in _STATES:
                fields["state"] = _STATES[value]
            else:
                ok = False
        elif key in _HEADER_KEYS:
            fields[key] = value
        else:
            details[key] = value
    return ok


def _link_words(words: list[str], fields: dict, details: dict[str, str]) -> bool:
    """What follows `link/TYPE`: `[ADDR] [brd|peer ADDR] [permaddr ADDR] [link-netnsid N] ...`."""
    if words and words[0] not in _LINK_KEYS:
        _hardware(words.pop(0), "mac", "link_address", fields)
    ok = True
    for key, value in _pairs(words):
        if value is None:
            ok = False
        elif key in ("brd", "peer"):
            _hardware(value, "broadcast_mac", "link_broadcast", fields)
        elif key == "permaddr":
            fields["permaddr"] = value.lower() if _MAC.fullmatch(value) else value
        elif key == "link-netnsid" and value.isdigit():
            fields["link_netnsid"] = int(value)
        elif key == "link-netns":
            fields["link_netns"] = value
        else:
            details[key] = value
    return ok


def _hardware(value: str, mac_field: str, other_field: str, fields: dict) -> None:
    if _MAC.fullmatch(value):
        fields[mac_field] = value.lower()  # what MacAddress makes of it
    else:
        fields[other_field] = value


def _detail_line(words: list[str], fields: dict, details: dict[str, str]) -> None:
    """`ip -d`: `KIND [settings]` or `KIND_slave settings`, the last one followed by the
    settings common to all devices (`addrgenmode eui64 numtxqueues 1 ...`)."""
    cut = min((words.index(w) for w in _COMMON_DETAILS if w in words), default=len(words))
    head, tail = words[:cut], words[cut:]
    common = _pair_dict(tail)
    if common is None:
        fields.setdefault("detail_lines", []).append(" ".join(tail))
    else:
        details.update(common)
    if not head:
        return
    kind, settings = head[0], head[1:]
    if kind.endswith("_slave") and "slave_kind" not in fields:
        fields["slave_kind"] = kind[:-len("_slave")]
        target = "slave_info"
    elif "link_kind" not in fields:
        fields["link_kind"] = kind
        target = "link_info"
    else:
        fields.setdefault("detail_lines", []).append(" ".join(head))
        return
    pairs = _pair_dict(settings)
    if pairs is None:
        fields.setdefault("detail_lines", []).append(" ".join(head))
    else:
        fields[target] = pairs


def _pairs(words: list[str]) -> list[tuple[str, str | None]]:
    """(key, value) of `key value key value ...`; value None for a word that is not a key."""
    keys = words[::2]
    if len(words) % 2 == 0 and (not words or _KEYS.fullmatch(" ".join(keys))):
        return list(zip(keys, words[1::2]))  # the usual case, as the loop below reads it
    return list(_pairs_one_by_one(words))


def _pair_dict(words: list[str]) -> dict[str, str] | None:
    """`dict(_pairs(words))`, or None when it holds a word that is not a key."""
    keys = words[::2]
    if len(words) % 2 == 0 and (not words or _KEYS.fullmatch(" ".join(keys))):
        return dict(zip(keys, words[1::2]))
    pairs = dict(_pairs_one_by_one(words))
    return None if None in pairs.values() else pairs


def _pairs_one_by_one(words: list[str]):
    i = 0
    while i < len(words):
        key = words[i]
        if _KEY.fullmatch(key) and i + 1 < len(words):
            yield key, words[i + 1]
            i += 2
        else:
            yield key, None
            i += 1


def _address(row: dict, name: str) -> Address:
    local, _, peer = row["address"].partition(" peer ")
    if peer:
        prefix = peer.rsplit("/", 1)[1]
        fields: dict = {"address": _ip_interface(f"{local}/{prefix}"), "peer": _ip_interface(peer)}
    else:
        fields = {"address": _ip_interface(local)}
    family = _FAMILIES[row["family"]]
    words = row.get("words", "").split()
    flags: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        value = words[i + 1] if i + 1 < len(words) else None
        if word in _ADDRESS_KEYS and value is not None:
            fields[_ADDRESS_KEYS[word]] = value
            i += 2
            continue
        if word == "flags" and value is not None and re.fullmatch(r"[0-9a-fA-F]+", value):
            flags.extend(_flag_bits(int(value, 16), family))
            i += 2
            continue
        # iproute2 ends an IPv4 line with its label, the interface's name unless set: a label
        # is told from a flag by that name first (an interface may be called `dynamic`).
        if (i == len(words) - 1 and family is AddressFamily.INET
                and (word == name or word.startswith(name + ":") or word not in _ADDRESS_FLAGS)):
            fields["label"] = word
        else:
            flags.append(word)
        i += 1
    # The model's types, made here (the same checks as its validation, on addresses a host
    # repeats: read once).
    if "broadcast" in fields:
        fields["broadcast"] = _ipv4(fields["broadcast"])
    if "anycast" in fields:
        fields["anycast"] = _ip_address(fields["anycast"])
    _set_flags(fields, flags)
    fields["valid_lft"] = _lifetime(row.get("valid_lft"))
    fields["preferred_lft"] = _lifetime(row.get("preferred_lft"))
    fields["family"] = family
    metric = fields.get("metric")
    if metric is not None:
        if not (metric.isascii() and metric.isdigit()):
            return Address.model_validate(fields)  # what else it takes for an int is pydantic's
        fields["metric"] = int(metric)
    return typed(Address, fields)


# Read once: every namespace has 127.0.0.1/8 and ::1/128, and a host repeats its addresses.
_ip_interface = lru_cache(maxsize=4096)(interface)
_ipv4 = lru_cache(maxsize=4096)(IPv4Address)


def _flag_bits(bits: int, family: AddressFamily) -> list[str]:
    names = []
    for bit, name in _ADDRESS_FLAG_BITS:
        if bits & bit:
            names.append("temporary" if name == "secondary" and family is AddressFamily.INET6
                         else name)
            bits &= ~bit
    if bits & 0x80:  # IFA_F_PERMANENT: the absence of `dynamic`
        bits &= ~0x80
    if bits:
        names.append(f"flags {bits:02x}")
    return names


def _set_flags(fields: dict, flags: list[str]) -> None:
    """The three flags that have fields; the others in iproute2's order, whatever the source."""
    for name in ("secondary", "dynamic", "noprefixroute"):
        if name in flags:
            fields[name] = True
    if "temporary" in flags:
        fields["secondary"] = True
    others = [f for f in flags if f not in ("secondary", "dynamic", "noprefixroute")]
    fields["flags"] = sorted(others, key=lambda f: _FLAG_ORDER.get(f, len(_FLAG_ORDER)))


def _lifetime(text: str | None) -> int | None:
    if text is None or text == "forever":
        return None
    return int(text[:-3])


# --- ip -j ------------------------------------------------------------------------------------

def _from_json(text: str) -> tuple[list[Interface], list[UnparsedLine]]:
    return read_elements(text, _json_name, _json_element)


def _json_name(item) -> str | None:
    if not isinstance(item, dict):
        return None
    return f"interface {item['ifname']}" if "ifname" in item else "interface"


def _json_element(item: dict) -> Interface | None:
    if item == {}:
        return None  # `ip -j -4 addr` prints `{}` for an interface without IPv4 address
    try:
        return _json_interface(item)
    except KeyError as exc:  # a key iproute2 always prints
        raise ValueError(f"no {exc.args[0]}") from None
    except TypeError as exc:  # a value of another JSON type than iproute2 prints
        raise ValueError(str(exc)) from None


def _json_interface(item: dict) -> Interface:
    item = dict(item)
    fields: dict = {"ifindex": item.pop("ifindex", None), "name": item.pop("ifname")}
    link = item.pop("link", None)
    if "link_index" in item:
        fields["peer_ifindex"] = item.pop("link_index")
    elif isinstance(link, str) and link.startswith("if") and link[2:].isdigit():
        fields["peer_ifindex"] = int(link[2:])
    elif link:
        fields["parent"] = link
    for flag in item.pop("flags", []):
        if flag in _FLAGS:
            fields.setdefault("flags", []).append(_FLAGS[flag])
        else:
            fields.setdefault("other_flags", []).append(str(flag))
    for source, target in (("mtu", "mtu"), ("qdisc", "qdisc"), ("master", "master"),
                           ("operstate", "state"), ("linkmode", "mode"), ("group", "group"),
                           ("txqlen", "qlen"), ("link_type", "link_type"),
                           ("link_netnsid", "link_netnsid"), ("ifalias", "alias"),
                           ("altnames", "altnames")):
        if source in item:
            fields[target] = item.pop(source)
    if "address" in item:
        _hardware(item.pop("address"), "mac", "link_address", fields)
    if "broadcast" in item:
        _hardware(item.pop("broadcast"), "broadcast_mac", "link_broadcast", fields)
    if "permaddr" in item:
        permaddr = item.pop("permaddr")
        fields["permaddr"] = permaddr.lower() if _MAC.fullmatch(permaddr) else permaddr
    linkinfo = _json_object(item.pop("linkinfo", None) or {}, "linkinfo")
    details: dict[str, str] = {}
    if "info_kind" in linkinfo:
        fields["link_kind"] = linkinfo.pop("info_kind")
        fields["link_info"] = _json_strings(_json_object(linkinfo.pop("info_data", {}),
                                                         "linkinfo.info_data"))
    if "info_slave_kind" in linkinfo:
        fields["slave_kind"] = linkinfo.pop("info_slave_kind")
        fields["slave_info"] = _json_strings(_json_object(linkinfo.pop("info_slave_data", {}),
                                                          "linkinfo.info_slave_data"))
    details.update(_json_strings(linkinfo))
    addresses = [_json_address(a) for a in item.pop("addr_info", []) if a]
    details.update(_json_strings({_JSON_TEXT_NAMES.get(k, k): v for k, v in item.items()}))
    return Interface(**fields, details=details, addresses=addresses)


def _json_object(value, key: str) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"{key}: not an object")
    return value


def _json_strings(values: dict) -> dict[str, str]:
    """Settings as the text form prints them: booleans on/off, nested values as JSON."""
    result = {}
    for key, value in values.items():
        if isinstance(value, bool):
            result[key] = "on" if value else "off"
        elif isinstance(value, (dict, list)) or value is None:
            result[key] = json.dumps(value, separators=(",", ":"))
        else:
            result[key] = str(value)
    return result


def _json_address(item: dict) -> Address:
    item = dict(item)
    family = AddressFamily(item.pop("family"))
    local, prefix = item.pop("local"), item.pop("prefixlen")
    fields: dict = {"address": f"{local}/{prefix}"}
    peer = item.pop("address", None)
    if peer is not None and peer != local:
        fields["peer"] = f"{peer}/{prefix}"
    for source, target in (("broadcast", "broadcast"), ("anycast", "anycast"),
                           ("scope", "scope"), ("label", "label"), ("metric", "metric")):
        if source in item:
            fields[target] = item.pop(source)
    for source, target in (("valid_life_time", "valid_lft"),
                           ("preferred_life_time", "preferred_lft")):
        value = item.pop(source, _FOREVER)
        fields[target] = None if value == _FOREVER else value
    flags: list[str] = []
    if "ifa_flags" in item:
        flags.extend(_flag_bits(int(item.pop("ifa_flags"), 16), family))
    for key, value in item.items():
        if value is True:
            flags.append(key)
        elif value is not False:
            flags.append(f"{key} {value}")
    _set_flags(fields, flags)
    return Address(family=family, **fields)
