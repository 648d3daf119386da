"""`docker inspect <container>...` → DockerInspect.

The engine's JSON goes straight into the pydantic models (see netparse.models.docker). Several
outputs pasted one after the other are read in turn. An element that is not a container (a
network, an image) and any line outside the JSON (a shell prompt) is listed in `unparsed` by its
first line; so is a container the models refuse, as `container NAME: why`, and the others are
kept. JSON that does not decode raises ParseError.

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
from netparse.parsers.jsontext import read_elements

KIND = "docker_inspect"
MODEL = DockerInspect
SAMPLE = docstring_sample(__doc__)

# Keys that only a container's inspect has (an image has Id and Config too).
_CONTAINER_KEYS = {"State", "NetworkSettings", "HostConfig"}


def parse(text: str) -> DockerInspect:
    containers, unparsed = read_elements(text, _name, InspectContainer.model_validate)
    return DockerInspect(containers=containers, unparsed=unparsed)


def _name(item) -> str | None:
    if isinstance(item, dict) and "Id" in item and _CONTAINER_KEYS & item.keys():
        return f"container {str(item.get('Name') or item['Id']).lstrip('/')}"
    return None
