"""`docker inspect <container>...` → DockerInspect.

The engine's JSON goes straight into the pydantic models (see netparse.models.docker). Several
outputs pasted one after the other are read in turn. An element that is not a container (a
network, an image) and any line outside the JSON (a shell prompt) is listed in `unparsed` by its
first line. JSON that does not decode, or a container the models refuse, raises ParseError.
"""

from __future__ import annotations

from pydantic import ValidationError

from netparse.errors import ParseError
from netparse.models.base import UnparsedLine
from netparse.models.docker import DockerInspect, InspectContainer
from netparse.parsers._docker import validation_message
from netparse.parsers.jsontext import elements

KIND = "docker_inspect"
MODEL = DockerInspect

# Keys that only a container's inspect has (an image has Id and Config too).
_CONTAINER_KEYS = {"State", "NetworkSettings", "HostConfig"}


def parse(text: str) -> DockerInspect:
    lines: list[str] = []  # split only when a line is reported: the JSON can be large
    containers: list[InspectContainer] = []
    unparsed: list[UnparsedLine] = []
    for number, item in elements(text):
        if not (isinstance(item, dict) and "Id" in item and _CONTAINER_KEYS & item.keys()):
            lines = lines or text.split("\n")
            unparsed.append(UnparsedLine(line=number, text=lines[number - 1]))
            continue
        try:
            containers.append(InspectContainer.model_validate(item))
        except ValidationError as exc:
            raise ParseError(f"container {item.get('Name') or item['Id']}: "
                             f"{validation_message(exc)}", number) from None
    return DockerInspect(containers=containers, unparsed=unparsed)
