"""`docker inspect <container>...` → DockerInspect.

The engine's JSON goes straight into the pydantic models (see netparse.models.docker). Several
outputs pasted one after the other are read in turn. An element that is not a container (a
network, an image) and any line outside the JSON (a shell prompt) is listed in `unparsed` by its
first line; so is a container the models refuse, as `container NAME: why`, and the others are
kept.

JSON that does not decode is read as far as it goes (`jsontext.read_pieces`): a document cut
off or with lines elided (`....`, `Output Omitted`), a `"NetworkSettings"` or `"Networks": {…}`
block cut out of it, `{{json .NetworkSettings}}` or `{{json .NetworkSettings.Networks}}`
output, Docker 1.2's NetworkSettings, and `| grep -e "Id\\|IPAddress"` lines each give a
container marked `partial`; one with no Id or Name is keyed by its first endpoint's id, its
sandbox's, or the line it starts on. What was lost is in `unparsed`, at its line. Only text in
which not even a fragment of a container is found raises ParseError.

Sample, the first container of tests/fixtures/dumps/default-bridge/docker_inspect.json, trimmed to
a few keys::

    [
        {
            "Id": "c0287ef1684109edbf1e6125893b3687ef3da980f68934658b4ae1be199e05cb",
            "State": {
                "Status": "running"
            },
            "Name": "/np-db",
            "NetworkSettings": {
                "Networks": {
                    "bridge": {
                        "IPAddress": "172.17.0.4",
                        "IPPrefixLen": 16
                    }
                }
            }
        }
    ]

>>> c = parse(SAMPLE).containers[0]
>>> c.name, str(c.state.status), str(c.networks[0].ip_interface)
('np-db', 'running', '172.17.0.4/16')
"""

from __future__ import annotations

from netparse.models.docker import DockerInspect, InspectContainer
from netparse.parsers._common import docstring_sample
from netparse.parsers.jsontext import Piece, read_pieces

KIND = "docker_inspect"
MODEL = DockerInspect
SAMPLE = docstring_sample(__doc__)

# Keys that only a container's inspect has (an image has Id and Config too).
_CONTAINER_KEYS = {"State", "NetworkSettings", "HostConfig", "Path", "Args"}
# Keys of NetworkSettings, any layout: a fragment holding one is a container's settings.
_SETTINGS_KEYS = {"Networks", "SandboxID", "SandboxKey", "Bridge", "IPAddress", "IPPrefixLen",
                  "Gateway", "MacAddress", "EndpointID", "PortMapping", "GlobalIPv6Address"}
# Keys of one endpoint in Networks: a map of objects holding them is a Networks block.
_ENDPOINT_KEYS = {"EndpointID", "NetworkID", "IPAddress", "IPPrefixLen", "MacAddress", "Gateway"}


def parse(text: str) -> DockerInspect:
    containers, unparsed = read_pieces(text, _name, _container)
    return DockerInspect(containers=containers, unparsed=unparsed)


def _name(piece: Piece) -> str | None:
    shaped = _shape(piece)
    if shaped is None:
        return None
    return f"container {str(shaped.get('Name') or shaped['Id']).lstrip('/')}"


def _container(piece: Piece) -> InspectContainer:
    return InspectContainer.model_validate(_shape(piece))


def _shape(piece: Piece) -> dict | None:
    """The element as a container's inspect, or None when it is no container nor part of one."""
    item, whole = piece.value, piece.whole
    if not isinstance(item, dict):
        return None
    if "Id" in item and _CONTAINER_KEYS & item.keys():
        return item if whole else {**item, "partial": True}
    if isinstance(item.get("NetworkSettings"), dict):
        shaped = dict(item)
    elif _SETTINGS_KEYS & item.keys():  # NetworkSettings itself, or grep'd lines of it
        shaped = {k: item[k] for k in ("Id", "Name") if k in item}
        shaped["NetworkSettings"] = {k: v for k, v in item.items() if k not in shaped}
    elif item and all(isinstance(v, dict) and _ENDPOINT_KEYS & v.keys() for v in item.values()):
        shaped = {"NetworkSettings": {"Networks": item}}  # a Networks block
    else:
        return None
    if not shaped.get("Id"):
        shaped["Id"] = shaped["Name"] = shaped.get("Name") or _best_key(shaped, piece.line)
    shaped["partial"] = True
    return shaped


def _best_key(shaped: dict, line: int) -> str:
    """What a container with no Id or Name is called: its first endpoint's id, its sandbox's,
    or the line it starts on."""
    settings = shaped["NetworkSettings"]
    networks = settings.get("Networks")
    endpoints = list(networks.values()) if isinstance(networks, dict) else []
    for endpoint in [settings, *endpoints]:
        if isinstance(endpoint, dict) and isinstance(endpoint.get("EndpointID"), str) \
                and endpoint["EndpointID"]:
            return f"endpoint {endpoint['EndpointID'][:12]}"
    if isinstance(settings.get("SandboxID"), str) and settings["SandboxID"]:
        return f"sandbox {settings['SandboxID'][:12]}"
    return f"fragment at line {line}"
