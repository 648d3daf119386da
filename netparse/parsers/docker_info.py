"""`docker info` / `docker system info` (text, or `--format '{{json .}}'`) → DockerInfo.

The text is an outline (see `netparse.parsers._engine`) with a `Client:` and a `Server:` section
(clients before 17.06 print the server's lines alone, unindented). The engine's warnings go to
standard error after the last line, so they are there only when it was captured too (2>&1); the
JSON form always holds them.

Sample, lines 6, 12-13, 28-30 and 46-47 of
tests/fixtures/captures/host-kinds/docker_info_warnings.txt (Engine 20.10.24, `docker info 2>&1`
while net.ipv4.ip_forward was 0)::

    Server:
     Server Version: 20.10.24+dfsg1
     Storage Driver: vfs
     Security Options:
      seccomp
       Profile: default
    WARNING: IPv4 forwarding is disabled
    WARNING: bridge-nf-call-iptables is disabled

>>> info = parse(SAMPLE)
>>> info.server_version, info.storage_driver, info.security_options
('20.10.24+dfsg1', 'vfs', ['seccomp'])
>>> info.warnings
['WARNING: IPv4 forwarding is disabled', 'WARNING: bridge-nf-call-iptables is disabled']
>>> parse('{"ServerVersion":"20.10.24","IPv4Forwarding":false,"Warnings":null}').ipv4_forwarding
False
"""

from __future__ import annotations

import re

from pydantic import ValidationError

from netparse.errors import ParseError
from netparse.models.base import UnparsedLine
from netparse.models.engine import AddressPool, DockerInfo, OutlineLine
from netparse.parsers._common import docstring_sample
from netparse.parsers._engine import (engine_object, list_of, nonempty, object_of, outline,
                                      value)
from netparse.parsers.jsontext import starts_json

KIND = "docker_info"
MODEL = DockerInfo
SAMPLE = docstring_sample(__doc__)

# Each fact: its field, its key in the text, its key in the JSON.
_FACTS = (("server_version", "Server Version", "ServerVersion"),
          ("storage_driver", "Storage Driver", "Driver"),
          ("logging_driver", "Logging Driver", "LoggingDriver"),
          ("cgroup_driver", "Cgroup Driver", "CgroupDriver"),
          ("cgroup_version", "Cgroup Version", "CgroupVersion"),
          ("kernel_version", "Kernel Version", "KernelVersion"),
          ("operating_system", "Operating System", "OperatingSystem"),
          ("os_type", "OSType", "OSType"),
          ("architecture", "Architecture", "Architecture"),
          ("docker_root_dir", "Docker Root Dir", "DockerRootDir"))
_FLAGS = (("ipv4_forwarding", "IPv4Forwarding"), ("bridge_nf_iptables", "BridgeNfIptables"),
          ("bridge_nf_ip6tables", "BridgeNfIp6tables"))
_MESSAGES = {"WARNING": "warnings", "ERROR": "errors"}  # lines of standard error
_POOL = re.compile(r"(\S+), Size: (\d+)")


def parse(text: str) -> DockerInfo:
    if starts_json(text):
        return _parse_json(text)
    read = outline(text)
    facts: dict = {"warnings": [], "errors": []}
    kept: list[OutlineLine] = []
    unparsed: list[UnparsedLine] = []
    for line in read.top:
        if line.key in _MESSAGES and not line.items:
            facts[_MESSAGES[line.key]].append(f"{line.key}: {line.value or ''}".rstrip())
        elif line.key is None:
            unparsed += read.unparsed(line)  # a prompt, or text that is no part of the output
        else:
            kept.append(line)
    if not kept and not facts["warnings"] and not facts["errors"]:
        raise ParseError("no `Key: value` line", unparsed[0].line if unparsed else 1)
    client = next((line for line in kept if line.key == "Client"), None)
    server = next((line for line in kept if line.key == "Server"), None)
    if server is None and client is None:
        server = OutlineLine(items=kept)  # an old client: the server's lines alone
    facts.update(client_version=value(client, "Version"), context=value(client, "Context"))
    facts.update((name, value(server, key)) for name, key, _ in _FACTS)
    facts["firewall_backend"] = value(server, "Firewall Backend")
    options = server.find("Security Options") if server else None
    facts["security_options"] = [o.value for o in options.items if o.key is None] \
        if options else []
    pools = server.find("Default Address Pools") if server else None
    facts["default_address_pools"] = []
    for pool in pools.items if pools else ():
        found = _POOL.fullmatch(pool.value or "") if pool.key == "Base" else None
        made = _pool(*found.groups()) if found else None
        if made is None:
            unparsed += read.unparsed(pool)
        else:
            facts["default_address_pools"].append(made)
    unparsed.sort(key=lambda u: u.line)
    return DockerInfo(**facts, outline=kept, unparsed=unparsed)


def _pool(base: str, size) -> AddressPool | None:
    try:
        return AddressPool(base=base, size=size)
    except ValidationError:
        return None


def _parse_json(text: str) -> DockerInfo:
    number, found, unparsed = engine_object(text, {"ServerVersion", "ClientInfo", "ID"},
                                            "`docker info`")
    client = object_of(found.get("ClientInfo"))
    facts: dict = {name: nonempty(found.get(key)) for name, _, key in _FACTS}
    if nonempty(found.get("ServerVersion")):  # else no engine answered: the flags are zero
        facts.update((name, found.get(key)) for name, key in _FLAGS
                     if isinstance(found.get(key), bool))
    facts.update(client_version=nonempty(client.get("Version")),
                 context=nonempty(client.get("Context")),
                 firewall_backend=nonempty(object_of(found.get("FirewallBackend")).get("Driver")))
    # `name=seccomp,profile=default`; engines before API 1.24 print the bare name.
    facts["security_options"] = [
        re.sub(r"^name=", "", option).split(",")[0]
        for option in list_of(found.get("SecurityOptions")) if nonempty(option)]
    pools = [object_of(p) for p in list_of(found.get("DefaultAddressPools"))]
    facts["default_address_pools"] = [_pool(p.get("Base"), p.get("Size")) for p in pools]
    facts["warnings"] = [w for w in list_of(found.get("Warnings")) +
                         list_of(client.get("Warnings")) if nonempty(w)]
    facts["errors"] = [e for e in list_of(found.get("ServerErrors")) +
                       list_of(client.get("ClientErrors")) if nonempty(e)]
    if None in facts["default_address_pools"]:
        facts["default_address_pools"] = [p for p in facts["default_address_pools"] if p]
        unparsed.append(UnparsedLine(line=number, text=text.split("\n")[number - 1]))
    return DockerInfo(**facts, engine=found, unparsed=unparsed)
