"""`docker ps` (and `podman ps`) → DockerPs.

The table is cut at the column offsets of its header, so the columns may be any subset, in any
order (`--format 'table ...'`), and cells may hold spaces or be empty. `--format '{{json .}}'`
prints one JSON object per line, with the same values as the table. A row that does not line up
with its header, whose STATUS, STATE, PORTS or CREATED AT cannot be read, or whose CONTAINER ID,
IMAGE, STATUS or NAMES is empty or malformed (a row cut short or wrapped), is listed in
`unparsed` (the container is still kept when its row could be cut), and so is a header with a
title no engine prints, and each line above the header (an engine warning, a prompt).

Sample, lines 1-4 of tests/fixtures/dumps/fdb-static/docker_ps.txt::

    CONTAINER ID   IMAGE         COMMAND           CREATED         STATUS         PORTS     NAMES
    d764f9529f9c   netparse/bb   "sleep 1000000"   5 seconds ago   Up 4 seconds             np-c
    7ce5a1ed3436   netparse/bb   "sleep 1000000"   5 seconds ago   Up 4 seconds             np-b
    4efbf6283f03   netparse/bb   "sleep 1000000"   5 seconds ago   Up 4 seconds             np-a

>>> m = parse(SAMPLE)
>>> [(c.name, str(c.state)) for c in m.containers]
[('np-c', 'running'), ('np-b', 'running'), ('np-a', 'running')]
"""

from __future__ import annotations

import json
import re

from netparse.errors import ParseError
from netparse.models.base import typed
from netparse.models.docker import ContainerState, DockerPs, PortMapping, Protocol, PsContainer
from netparse.parsers._addr import address
from netparse.parsers._common import docstring_sample
from netparse.parsers._docker import go_time, read_rows
from netparse.parsers.jsontext import starts_json

KIND = "docker_ps"
MODEL = DockerPs
SAMPLE = docstring_sample(__doc__)

# Column title → field. RUNNING FOR is what some engines title the CREATED column.
_FIELDS = {
    "CONTAINER ID": "id", "IMAGE": "image", "COMMAND": "command", "CREATED": "created",
    "RUNNING FOR": "created", "CREATED AT": "created_at", "STATUS": "status", "STATE": "state",
    "PORTS": "ports", "NAMES": "names", "SIZE": "size", "NETWORKS": "networks",
    "LABELS": "labels", "MOUNTS": "mounts", "LOCAL VOLUMES": "local_volumes",
    "PLATFORM": "platform",
}
# `{{json .}}` keys → column titles.
_JSON_TITLES = {
    "ID": "CONTAINER ID", "Image": "IMAGE", "Command": "COMMAND", "RunningFor": "CREATED",
    "CreatedAt": "CREATED AT", "Status": "STATUS", "State": "STATE", "Ports": "PORTS",
    "Names": "NAMES", "Size": "SIZE", "Networks": "NETWORKS", "Labels": "LABELS",
    "Mounts": "MOUNTS", "LocalVolumes": "LOCAL VOLUMES", "Platform": "PLATFORM",
}
# Titles podman adds; known so that a second pasted header is recognised as one.
_OTHER_TITLES = {"POD ID", "PODNAME", "POD", "IS INFRA", "PID", "CGROUPNS", "IPC", "MNT", "NET",
                 "PIDNS", "USER", "USERNS", "UTS", "EXPOSED PORTS", "EXITED", "EXIT CODE"}
_TITLES = set(_FIELDS) | _OTHER_TITLES

_UP = re.compile(r"Up .+?(?: \((?P<note>[^()]+)\))?")
_WITH_CODE = re.compile(r"(?P<word>Exited|Restarting) \((?P<code>-?\d+)\)(?: .*)?")
_FIXED_STATUS = {"Created": ContainerState.created, "Removal In Progress": ContainerState.removing,
                 "Dead": ContainerState.dead, "Paused": ContainerState.paused}
# Cells the engine never prints empty, and what they hold: a row that fails one was cut short,
# wrapped or damaged, and is reported rather than read as a container with odd values.
_ID = re.compile(r"[0-9a-f]{12}|[0-9a-f]{64}")
_NAMES = re.compile(r"[a-zA-Z0-9][\w./-]*(?:,[a-zA-Z0-9][\w./-]*)*")
_REQUIRED = {"CONTAINER ID": _ID, "NAMES": _NAMES, "IMAGE": re.compile(r"\S+"),
             "STATUS": re.compile(r"\S.*")}
# ASCII digits: the numbers are read by int(), as the model reads them.
_PORT = re.compile(r"(?:(?P<ip>.*):(?P<hp>\d+)(?:-(?P<hpe>\d+))?->)?"
                   r"(?P<cp>\d+)(?:-(?P<cpe>\d+))?/(?P<proto>tcp|udp|sctp)", re.ASCII)


def parse(text: str) -> DockerPs:
    if starts_json(text) and text.lstrip().startswith("["):
        # `podman ps --format json`: other field names and types than docker's.
        raise ParseError("a JSON array is not read (podman ps --format json?); give the table, "
                         "or docker ps --format '{{json .}}' (one object per line)", 1)
    containers, unparsed = read_rows(text, _JSON_TITLES, _TITLES,
                                     {"CONTAINER ID", "NAMES", "IMAGE"}, _container)
    return DockerPs(containers=containers, unparsed=unparsed)


def _container(cells: dict[str, str]) -> tuple[PsContainer | None, bool]:
    """The container of one row, and whether every cell was understood."""
    fields: dict = {}
    extra: dict[str, str] = {}
    ok = True
    for title, value in cells.items():
        field = _FIELDS.get(title)
        if field is None:
            extra[title] = value
        elif value:
            fields[field] = value
        if title in _REQUIRED and not _REQUIRED[title].fullmatch(value):
            ok = False
    if "command" in fields:
        fields["command"] = _unquote(fields["command"])
    if "created_at" in fields:
        created_at = go_time(fields["created_at"])
        ok &= created_at is not None
        fields["created_at"] = created_at
    if "names" in fields:
        fields["names"] = fields["names"].split(",")
    if "networks" in fields:
        fields["networks"] = fields["networks"].split(",")
    if "local_volumes" in fields:
        volumes = fields.pop("local_volumes")
        if volumes.isascii() and volumes.isdigit():
            fields["local_volumes"] = int(volumes)
        else:
            ok = False
    if "ports" in fields:
        ports = _ports(fields["ports"])
        ok &= ports is not None
        fields["ports"] = ports or []
    if "state" in fields:
        ok &= fields["state"] in ContainerState.__members__
        fields["state"] = ContainerState.__members__.get(fields["state"])
    if "status" in fields:
        state, exit_code, health = _status(fields["status"])
        ok &= state is not None
        fields.setdefault("state", state)
        fields["exit_code"] = exit_code
        fields["health"] = health
    # Every value is of its field's type by now: the model is built without validating again.
    values = {k: v for k, v in fields.items() if v is not None}
    values["extra"] = extra
    return typed(PsContainer, values), ok


def _unquote(command: str) -> str:
    """COMMAND is printed Go-quoted: "sh -c 'exit 1'" → sh -c 'exit 1'."""
    if len(command) >= 2 and command[0] == command[-1] == '"':
        if "\\" not in command:
            return command[1:-1]  # what json.loads gives, or what is kept when it fails
        try:
            return json.loads(command)
        except ValueError:
            return command[1:-1]
    return command


def _status(status: str) -> tuple[ContainerState | None, int | None, str | None]:
    """(state, exit code, health) told by a STATUS cell."""
    if match := _UP.fullmatch(status):
        note = match["note"]
        if note == "Paused":
            return ContainerState.paused, None, None
        health = note.removeprefix("health: ") if note else None
        return ContainerState.running, None, health
    if match := _WITH_CODE.fullmatch(status):
        state = ContainerState.exited if match["word"] == "Exited" else ContainerState.restarting
        return state, int(match["code"]), None
    return _FIXED_STATUS.get(status), None, None


def _ports(cell: str) -> list[PortMapping] | None:
    """`0.0.0.0:8080->80/tcp, [::]:8080->80/tcp, 53/udp` as mappings; None if one is unreadable."""
    ports = []
    for item in cell.split(","):
        match = _PORT.fullmatch(item.strip())
        if not match:
            return None
        host_ip = None
        if match["ip"] is not None:
            try:
                host_ip = address(match["ip"].strip("[]"))
            except ValueError:
                return None
        host_port, host_port_end, container_port, container_port_end, protocol = match.group(
            "hp", "hpe", "cp", "cpe", "proto")
        ports.append(typed(PortMapping, {
            "host_ip": host_ip, "host_port": _number(host_port),
            "host_port_end": _number(host_port_end), "container_port": int(container_port),
            "container_port_end": _number(container_port_end), "protocol": Protocol(protocol)}))
    return ports


def _number(digits: str | None) -> int | None:
    return None if digits is None else int(digits)
