"""`docker network inspect <network>...` → DockerNetworkInspect.

The engine's JSON goes straight into the pydantic models (see netparse.models.docker). Several
outputs pasted one after the other are read in turn. An element that is not a network and any
line outside the JSON (a shell prompt) is listed in `unparsed` by its first line; so is a network
the models refuse, as `network NAME: why`, and the others are kept. JSON that does not decode
raises ParseError.

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
from netparse.parsers.jsontext import read_elements

KIND = "docker_network_inspect"
MODEL = DockerNetworkInspect
SAMPLE = docstring_sample(__doc__)


def parse(text: str) -> DockerNetworkInspect:
    networks, unparsed = read_elements(text, _name, Network.model_validate)
    return DockerNetworkInspect(networks=networks, unparsed=unparsed)


def _name(item) -> str | None:
    if isinstance(item, dict) and {"Name", "Id", "Driver"} <= item.keys():
        return f"network {item['Name']}"
    return None
