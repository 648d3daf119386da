"""`docker network inspect <network>...` → DockerNetworkInspect.

The engine's JSON goes straight into the pydantic models (see netparse.models.docker). Several
outputs pasted one after the other are read in turn. An element that is not a network and any
line outside the JSON (a shell prompt) is listed in `unparsed` by its first line; so is a network
the models refuse, as `network NAME: why`, and the others are kept. JSON that does not decode
raises ParseError.
"""

from __future__ import annotations

from netparse.models.docker import DockerNetworkInspect, Network
from netparse.parsers.jsontext import read_elements

KIND = "docker_network_inspect"
MODEL = DockerNetworkInspect


def parse(text: str) -> DockerNetworkInspect:
    networks, unparsed = read_elements(text, _name, Network.model_validate)
    return DockerNetworkInspect(networks=networks, unparsed=unparsed)


def _name(item) -> str | None:
    if isinstance(item, dict) and {"Name", "Id", "Driver"} <= item.keys():
        return f"network {item['Name']}"
    return None
