"""`docker network inspect <network>...` → DockerNetworkInspect.

The engine's JSON goes straight into the pydantic models (see netparse.models.docker). Several
outputs pasted one after the other are read in turn. An element that is not a network and any
line outside the JSON (a shell prompt) is listed in `unparsed` by its first line. JSON that does
not decode, or a network the models refuse, raises ParseError.
"""

from __future__ import annotations

from pydantic import ValidationError

from netparse.errors import ParseError
from netparse.models.base import UnparsedLine
from netparse.models.docker import DockerNetworkInspect, Network
from netparse.parsers._docker import validation_message
from netparse.parsers.jsontext import elements

KIND = "docker_network_inspect"
MODEL = DockerNetworkInspect


def parse(text: str) -> DockerNetworkInspect:
    lines: list[str] = []  # split only when a line is reported: the JSON can be large
    networks: list[Network] = []
    unparsed: list[UnparsedLine] = []
    for number, item in elements(text):
        if not (isinstance(item, dict) and {"Name", "Id", "Driver"} <= item.keys()):
            lines = lines or text.split("\n")
            unparsed.append(UnparsedLine(line=number, text=lines[number - 1]))
            continue
        try:
            networks.append(Network.model_validate(item))
        except ValidationError as exc:
            raise ParseError(f"network {item['Name']}: {validation_message(exc)}",
                             number) from None
    return DockerNetworkInspect(networks=networks, unparsed=unparsed)
