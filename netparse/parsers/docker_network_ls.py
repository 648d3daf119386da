"""`docker network ls` → DockerNetworkLs.

The table is cut at the column offsets of its header (any columns of `--format 'table ...'`);
`--format '{{json .}}'` prints one JSON object per line. A row that does not line up with its
header, with a value that cannot be read (IPV6 not true/false, ...), or with an empty or
malformed NETWORK ID, NAME, DRIVER or SCOPE (a row cut short or wrapped) is listed in `unparsed`,
and so is a header with a title no engine prints, and each line above the header (an engine
warning, a prompt).

Sample, lines 1-6 of tests/fixtures/dumps/user-networks/docker_network_ls.txt::

    NETWORK ID     NAME       DRIVER    SCOPE
    a67a3a91e6c1   bridge     bridge    local
    0126fc78ffa5   host       host      local
    aa8b520e2d72   none       null      local
    668f0e1c6dc4   np-back    bridge    local
    83fffaaa1fe9   np-front   bridge    local

>>> m = parse(SAMPLE)
>>> [n.name for n in m.networks if n.driver == "bridge"]
['bridge', 'np-back', 'np-front']
"""

from __future__ import annotations

import re

from netparse.models.docker import DockerNetworkLs, NetworkRow
from netparse.parsers._common import docstring_sample
from netparse.parsers._docker import go_time, read_rows

KIND = "docker_network_ls"
MODEL = DockerNetworkLs
SAMPLE = docstring_sample(__doc__)

_FIELDS = {"NETWORK ID": "id", "NAME": "name", "DRIVER": "driver", "SCOPE": "scope",
           "IPV4": "ipv4", "IPV6": "ipv6", "INTERNAL": "internal", "CREATED AT": "created_at",
           "LABELS": "labels"}
_JSON_TITLES = {"ID": "NETWORK ID", "Name": "NAME", "Driver": "DRIVER", "Scope": "SCOPE",
                "IPv4": "IPV4", "IPv6": "IPV6", "Internal": "INTERNAL",
                "CreatedAt": "CREATED AT", "Labels": "LABELS"}
_BOOLS = {"true": True, "false": False}
# Cells the engine never prints empty, and what they hold: a row that fails one was cut short,
# wrapped or damaged.
# A swarm network's ID is 25 characters of base 36 (`7m2rjx0a97n88wzr4nu8772r3`), 12 shown.
_REQUIRED = {"NETWORK ID": re.compile(r"[0-9a-z]{12}|[0-9a-z]{25}|[0-9a-f]{64}"),
             "NAME": re.compile(r"\S+"), "DRIVER": re.compile(r"\S+"),
             "SCOPE": re.compile(r"local|global|swarm")}


def parse(text: str) -> DockerNetworkLs:
    networks, unparsed = read_rows(text, _JSON_TITLES, set(_FIELDS), {"NETWORK ID", "NAME"},
                                   _network)
    return DockerNetworkLs(networks=networks, unparsed=unparsed)


def _network(cells: dict[str, str]) -> tuple[NetworkRow, bool]:
    fields: dict = {}
    extra: dict[str, str] = {}
    ok = True
    for title, value in cells.items():
        field = _FIELDS.get(title)
        if title in _REQUIRED and not _REQUIRED[title].fullmatch(value):
            ok = False
        if field is None:
            extra[title] = value
        elif not value:
            continue
        elif field in ("ipv4", "ipv6", "internal"):
            ok &= value in _BOOLS
            fields[field] = _BOOLS.get(value)
        elif field == "created_at":
            fields[field] = go_time(value)
            ok &= fields[field] is not None
        else:
            fields[field] = value
    return NetworkRow(**fields, extra=extra), ok
