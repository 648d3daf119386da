"""`bridge link show` → BridgeLink.

A port is a header line, `IFINDEX: NAME[@PEER]: <FLAGS> mtu N` followed by `master BR state S
priority N cost N` and what else the device reports, and with `-d` an indented line of
`name value` pairs. `-s` adds nothing to this command's output.

Sample, lines 1-3 of tests/fixtures/dumps/user-networks/bridge_link.txt (each ends in a space, as
iproute2 prints it)::

    58: vetha5c63cf@if57: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master br-83fffaaa1fe9 state forwarding priority 32 cost 2 
    60: vethabefd03@if59: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master br-83fffaaa1fe9 state forwarding priority 32 cost 2 
    62: veth07da935@if61: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 master br-668f0e1c6dc4 state forwarding priority 32 cost 2 

>>> m = parse(SAMPLE)
>>> [p.master for p in m.ports]
['br-83fffaaa1fe9', 'br-83fffaaa1fe9', 'br-668f0e1c6dc4']
>>> m.ports[0].name, m.ports[0].peer_ifindex, str(m.ports[0].state)
('vetha5c63cf', 57, 'forwarding')
"""

from __future__ import annotations

import re

from netparse.models.bridge import BridgeLink, BridgePort, PortState
from netparse.models.link import LinkFlag
from netparse.parsers._common import as_list, docstring_sample, unparsed_lines
from netparse.parsers._ttp import Template

KIND = "bridge_link"
MODEL = BridgeLink
SAMPLE = docstring_sample(__doc__)
_TEMPLATE = Template("bridge_link.ttp")
_INDENT = re.compile(r"^[ \t]+(?=\S)", re.M)
_HEADER = re.compile(r"\d+:\s")
_STATES = {s.value: s for s in PortState}
_FLAGS = {f.value: f for f in LinkFlag}


def parse(text: str) -> BridgeLink:
    normalised = _INDENT.sub("\t", text)
    result, understood = _TEMPLATE.run_lines(normalised)
    ports = [_port(row) for row in as_list(result.get("ports"))]
    return BridgeLink(ports=ports, unparsed=unparsed_lines(text, _understood(normalised,
                                                                          understood)))


def _understood(normalised: str, understood: set[int]) -> set[int]:
    # A detail line before the first header belongs to no port: it is not understood.
    lines = normalised.split("\n")
    headers = [n for n in understood if _HEADER.match(lines[n - 1])]
    first = min(headers, default=len(lines) + 1)
    return {n for n in understood if n >= first}


def _port(row: dict) -> BridgePort:
    name, _, peer = row["name"].partition("@")
    flags = [f for f in row["flags"].split(",") if f]
    fields: dict = {
        "ifindex": int(row["ifindex"]),
        "name": name,
        "flags": [_FLAGS[f] for f in flags if f in _FLAGS],
        # iproute2 prints the bits it has no name for in hex.
        "other_flags": [f for f in flags if f not in _FLAGS],
        "mtu": int(row["mtu"]),
    }
    if peer.startswith("if") and peer[2:].isdigit():
        fields["peer_ifindex"] = int(peer[2:])
    elif peer:
        fields["peer"] = peer
    options: dict[str, str] = {}
    words = row.get("words", "").split()
    i = 0
    while i < len(words):
        key = words[i]
        value = words[i + 1] if i + 1 < len(words) else ""
        if key == "master" and value:
            fields["master"] = value
        elif key == "state" and value in _STATES:
            fields["state"] = _STATES[value]
        elif key in ("priority", "cost") and value.isdigit():
            fields[key] = int(value)
        else:
            options[key] = value
        i += 2
    details = " ".join(row.get("details", [])).split()
    options.update(zip(details[::2], details[1::2]))
    return BridgePort(**fields, options=options)
