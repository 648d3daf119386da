"""`docker version` (text, or `--format '{{json .}}'`) → DockerVersion.

The text is an outline (see `netparse.parsers._engine`) with a `Client:` and a `Server:` section;
the server lists its components, the first of them the Engine. Engines before 17.06 print the
engine's lines right under `Server:`.

Sample, lines 1-3, 8 and 10-13 of tests/fixtures/captures/host-kinds/docker_version.txt (Docker
CLI 28.2.2, Engine 20.10.24)::

    Client:
     Version:           28.2.2
     API version:       1.41 (downgraded from 1.50)
     Context:           default
    Server:
     Engine:
      Version:          20.10.24+dfsg1
      API version:      1.41 (minimum version 1.12)

>>> v = parse(SAMPLE)
>>> v.client_api_version, v.client_api_downgraded_from, v.server_version, v.server_min_api_version
('1.41', '1.50', '20.10.24+dfsg1', '1.12')
>>> parse('{"Client":{"Version":"28.2.2","ApiVersion":"1.41","DefaultAPIVersion":"1.50"}}'
...       ).client_api_downgraded_from
'1.50'
"""

from __future__ import annotations

import re

from netparse.errors import ParseError
from netparse.models.base import UnparsedLine
from netparse.models.engine import DockerVersion, OutlineLine
from netparse.parsers._common import docstring_sample
from netparse.parsers._engine import (engine_object, list_of, nonempty, object_of, outline,
                                      value)
from netparse.parsers.jsontext import starts_json

KIND = "docker_version"
MODEL = DockerVersion
SAMPLE = docstring_sample(__doc__)

_CLIENT_API = re.compile(r"(\S+)(?: \(downgraded from (\S+)\))?")
_SERVER_API = re.compile(r"(\S+)(?: \(minimum version (\S+)\))?")


def parse(text: str) -> DockerVersion:
    if starts_json(text):
        return _parse_json(text)
    read = outline(text)
    sections: dict[str, OutlineLine] = {}
    kept: list[OutlineLine] = []
    unparsed: list[UnparsedLine] = []
    for line in read.top:
        if line.key in ("Client", "Server"):
            sections.setdefault(line.key, line)
            kept.append(line)
        else:
            unparsed += read.unparsed(line)  # a prompt, an error message
    if not sections:
        raise ParseError("no `Client:` or `Server:` section", unparsed[0].line if unparsed else 1)
    client, server = sections.get("Client"), sections.get("Server")
    facts: dict = {"client_version": value(client, "Version"), "context": value(client, "Context")}
    # Engines before 17.06 print the engine's lines right under `Server:`.
    components = [line for line in (server.items if server else ()) if line.items]
    engine = next((c for c in components if c.key == "Engine"), server)
    facts["server_version"] = value(engine, "Version")
    facts["components"] = {c.key: version for c in components
                           if c.key and (version := value(c, "Version"))}
    for section, rule, names in ((client, _CLIENT_API, ("client_api_version",
                                                         "client_api_downgraded_from")),
                                 (engine, _SERVER_API, ("server_api_version",
                                                        "server_min_api_version"))):
        api = section.find("API version") if section is not None else None
        if api is None or not api.value:
            continue
        match = rule.fullmatch(api.value)
        if match:
            facts.update(zip(names, match.groups()))
        else:
            unparsed += read.unparsed(api)
    unparsed.sort(key=lambda u: u.line)
    return DockerVersion(**facts, outline=kept, unparsed=unparsed)


def _parse_json(text: str) -> DockerVersion:
    _, found, unparsed = engine_object(text, {"Client", "Server"}, "`docker version`")
    client, server = object_of(found.get("Client")), object_of(found.get("Server"))
    api, default = nonempty(client.get("ApiVersion")), nonempty(client.get("DefaultAPIVersion"))
    components = [object_of(c) for c in list_of(server.get("Components"))]
    return DockerVersion(
        client_version=nonempty(client.get("Version")), client_api_version=api,
        client_api_downgraded_from=default if default != api else None,
        context=nonempty(client.get("Context")), server_version=nonempty(server.get("Version")),
        server_api_version=nonempty(server.get("ApiVersion")),
        server_min_api_version=nonempty(server.get("MinAPIVersion")),
        components={c["Name"]: c["Version"] for c in components
                    if nonempty(c.get("Name")) and nonempty(c.get("Version"))},
        engine=found, unparsed=unparsed)
