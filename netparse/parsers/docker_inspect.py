"""`docker inspect <container>...` → DockerInspect.

The engine's JSON goes straight into the pydantic models (see netparse.models.docker). Several
outputs pasted one after the other are read in turn. An element that is not a container (a
network, an image) and any line outside the JSON (a shell prompt) is listed in `unparsed` by its
first line; so is a container the models refuse, as `container NAME: why`, and the others are
kept. JSON that does not decode raises ParseError.
"""

from __future__ import annotations

from netparse.models.docker import DockerInspect, InspectContainer
from netparse.parsers.jsontext import read_elements

KIND = "docker_inspect"
MODEL = DockerInspect

# Keys that only a container's inspect has (an image has Id and Config too).
_CONTAINER_KEYS = {"State", "NetworkSettings", "HostConfig"}


def parse(text: str) -> DockerInspect:
    containers, unparsed = read_elements(text, _name, InspectContainer.model_validate)
    return DockerInspect(containers=containers, unparsed=unparsed)


def _name(item) -> str | None:
    if isinstance(item, dict) and "Id" in item and _CONTAINER_KEYS & item.keys():
        return f"container {str(item.get('Name') or item['Id']).lstrip('/')}"
    return None
