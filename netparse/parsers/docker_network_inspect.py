"""`docker network inspect <network>...` → DockerNetworkInspect.

The engine's JSON goes straight into the pydantic models (see netparse.models.docker). Several
outputs pasted one after the other are read in turn. An element that is not a network and any
line outside the JSON (a shell prompt) is listed in `unparsed` by its first line; so is a network
the models refuse, as `network NAME: why`, and the others are kept.

JSON that does not decode is read as far as it goes (`jsontext.read_pieces`): a document cut
off or elided, a network's members without its braces (an API response cut in its middle), a
`"Containers": {…}` block or `{{json .Containers}}`, each give a network marked `partial`; one
with no Name or Id is called by its bridge's name or the line it starts on. What was lost is in
`unparsed`, at its line. Only text in which not even a fragment of a network is found raises
ParseError.

Sample, the first network of tests/fixtures/dumps/default-bridge/docker_network_inspect.json,
trimmed to a few keys::

    [
        {
            "Name": "bridge",
            "Id": "a67a3a91e6c1347fa5d14c253e834d09ac2e3fb82672fab497e1f39642a6df48",
            "Driver": "bridge",
            "IPAM": {
                "Config": [
                    {
                        "Subnet": "172.17.0.0/16"
                    }
                ]
            },
            "Options": {
                "com.docker.network.bridge.name": "docker0"
            }
        }
    ]

>>> n = parse(SAMPLE).networks[0]
>>> n.name, n.bridge_name, str(n.ipam.config[0].subnet)
('bridge', 'docker0', '172.17.0.0/16')
"""

from __future__ import annotations

from netparse.models.docker import DockerNetworkInspect, Network
from netparse.parsers._common import docstring_sample
from netparse.parsers.jsontext import Piece, read_pieces

KIND = "docker_network_inspect"
MODEL = DockerNetworkInspect
SAMPLE = docstring_sample(__doc__)

# Keys of a network's inspect that a container's has not: a fragment holding one is a network's.
_NETWORK_KEYS = {"IPAM", "Containers", "Driver", "Scope", "EnableIPv6", "Attachable", "Ingress"}
# Keys of one endpoint in Containers: a map of objects holding them is a Containers block.
_ENDPOINT_KEYS = {"EndpointID", "IPv4Address", "IPv6Address", "MacAddress"}


def parse(text: str) -> DockerNetworkInspect:
    networks, unparsed = read_pieces(text, _name, _network)
    return DockerNetworkInspect(networks=networks, unparsed=unparsed)


def _name(piece: Piece) -> str | None:
    shaped = _shape(piece)
    return None if shaped is None else f"network {shaped['Name']}"


def _network(piece: Piece) -> Network:
    return Network.model_validate(_shape(piece))


def _shape(piece: Piece) -> dict | None:
    """The element as a network's inspect, or None when it is no network nor part of one."""
    item = piece.value
    if not isinstance(item, dict):
        return None
    if {"Name", "Id", "Driver"} <= item.keys():
        return item if piece.whole else {**item, "partial": True}
    if _NETWORK_KEYS & item.keys():
        shaped = dict(item)
    elif item and all(isinstance(v, dict) and _ENDPOINT_KEYS & v.keys() for v in item.values()):
        shaped = {"Containers": item}
    else:
        return None
    options = shaped.get("Options")
    bridge = options.get("com.docker.network.bridge.name") if isinstance(options, dict) else None
    key = shaped.get("Name") or shaped.get("Id") or (f"bridge {bridge}" if isinstance(bridge, str)
                                                     else f"fragment at line {piece.line}")
    shaped.setdefault("Name", key)
    shaped.setdefault("Id", key)
    shaped["partial"] = True
    return shaped
