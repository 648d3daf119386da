"""Docker: `docker ps`, `docker inspect`, `docker network ls`, `docker network inspect`.

The JSON outputs map onto `EngineModel`s: fields are read by the engine's key names (validation
aliases) and written by their own names. Every key that is not modelled here is kept as printed,
under the engine's own name (pydantic `extra="allow"`; read it with `model.model_extra` or
`getattr(model, "HairpinMode")`), so a model written as JSON and read back is the same. Empty
strings, nulls and Go's zero time ("0001-01-01T00:00:00Z") in a modelled field mean "not set"
and give the field's default (None or empty). Times keep microseconds (the engine prints
nanoseconds).
"""

from __future__ import annotations

import _socket as socket  # the C module: socket.py imports selectors and enum
from datetime import datetime
from enum import StrEnum
from ipaddress import IPv4Address, IPv4Interface, IPv6Address, IPv6Interface, ip_interface
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, WrapValidator, field_validator, model_validator

from netparse.models.base import Capture, IPAddress, IPNetwork, MacAddress, Model

_AF_INET = socket.AF_INET
_pton = socket.inet_pton


def _ipv4(value: Any, handler: Any) -> Any:
    """A dotted quad read by inet_pton, which refuses what `ipaddress` refuses (leading zeros,
    missing parts, spaces) in a fraction of its time: every endpoint of the engine's JSON holds
    addresses. Anything else is validated as the type says."""
    if type(value) is str:
        try:
            return IPv4Address(int.from_bytes(_pton(_AF_INET, value), "big"))
        except (OSError, ValueError):
            pass
    return handler(value)


def _ipv4_interface(value: Any, handler: Any) -> Any:
    """As `_ipv4`, for `address/prefix length`."""
    if type(value) is str:
        address, slash, length = value.partition("/")
        if slash and length.isascii() and length.isdigit() and len(length) <= 2 \
                and int(length) <= 32:
            try:
                return IPv4Interface((int.from_bytes(_pton(_AF_INET, address), "big"),
                                      int(length)))
            except (OSError, ValueError):
                pass
    return handler(value)


IPv4 = Annotated[IPv4Address, WrapValidator(_ipv4)]
IPv4If = Annotated[IPv4Interface, WrapValidator(_ipv4_interface)]


class ContainerState(StrEnum):
    """A container's state, as the engine names it (`State.Status`, the `State` column)."""

    running = "running"
    exited = "exited"
    created = "created"
    restarting = "restarting"
    paused = "paused"
    dead = "dead"
    removing = "removing"


class Protocol(StrEnum):
    tcp = "tcp"
    udp = "udp"
    sctp = "sctp"


class PortMapping(Model):
    """A container port and, when published, the host address and port it is bound to."""

    host_ip: IPAddress | None = Field(
        None, description="Host address bound (`:::` and `[::]` are ::); None when not published "
        "or, in HostConfig.PortBindings, when bound to every address")
    host_port: int | None = Field(None, description="Host port, first of a range; None when not "
                                  "published or left for the engine to pick")
    host_port_end: int | None = Field(None, description="Last host port of a range")
    container_port: int = Field(description="Container port, first of a range")
    container_port_end: int | None = Field(None, description="Last container port of a range")
    protocol: Protocol = Protocol.tcp

    @property
    def published(self) -> bool:
        """Bound to a port of the host."""
        return self.host_port is not None


# ---------------------------------------------------------------------------------------------
# docker ps


class PsContainer(Model):
    """One row of `docker ps` (or one JSON line of `docker ps --format '{{json .}}'`)."""

    id: str | None = Field(None, description="CONTAINER ID: 12 hex digits, 64 with --no-trunc")
    image: str | None = Field(None, description="IMAGE as printed: a name, or an image id")
    command: str | None = Field(None, description="COMMAND without its enclosing quotes; a "
                                "trailing … means the engine truncated it")
    created: str | None = Field(None, description="CREATED / RunningFor as printed, e.g. "
                                "'2 hours ago'")
    created_at: datetime | None = Field(None, description="CREATED AT / CreatedAt")
    status: str | None = Field(None, description="STATUS as printed, e.g. 'Up 2 hours (healthy)'")
    state: ContainerState | None = Field(None, description="The STATE column, or derived from "
                                         "STATUS")
    exit_code: int | None = Field(None, description="From 'Exited (N)' or 'Restarting (N)'")
    health: str | None = Field(None, description="healthy, unhealthy or starting, from STATUS")
    ports: list[PortMapping] = Field(default_factory=list)
    names: list[str] = Field(default_factory=list)
    size: str | None = Field(None, description="SIZE as printed, e.g. '796 B (virtual 669.2 MB)'")
    networks: list[str] = Field(default_factory=list)
    labels: str | None = Field(None, description="LABELS as printed (key=value, comma separated)")
    mounts: str | None = Field(None, description="MOUNTS as printed")
    local_volumes: int | None = Field(None, description="LOCAL VOLUMES: number of local volumes")
    platform: str | None = None
    extra: dict[str, str] = Field(default_factory=dict, description="Columns (or JSON fields) "
                                  "not modelled here, by their title, as printed")

    @property
    def name(self) -> str | None:
        """The container's name (the first of NAMES)."""
        return self.names[0] if self.names else None


class DockerPs(Capture):
    """`docker ps` in any of its forms: table, `--format table ...`, `--format '{{json .}}'`."""

    kind: Literal["docker_ps"] = "docker_ps"
    containers: list[PsContainer] = Field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# JSON from the engine

_ZERO_TIME = "0001-01-01T00:00:00"


class EngineModel(Model):
    """An object of the engine's JSON: it is read by the engine's names (validation aliases) and
    written by the field names; unknown keys are kept as they were."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _unset_values(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        unset = [k for k in _known(cls).intersection(data) if _unset(data[k])]
        if not unset:
            return data  # validation makes the model's own copy
        return {k: v for k, v in data.items() if k not in unset}


# The keys each EngineModel reads, by field name and by the engine's name: built once a class.
_KNOWN: dict[type, frozenset[str]] = {}


def _known(cls: type[EngineModel]) -> frozenset[str]:
    known = _KNOWN.get(cls)
    if known is None:
        fields = cls.model_fields
        known = _KNOWN[cls] = frozenset(fields).union(
            f.validation_alias for f in fields.values() if isinstance(f.validation_alias, str))
    return known


def _unset(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, str) and value.startswith(_ZERO_TIME))


def _ports(value: Any) -> Any:
    """`{"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}], "443/tcp": null}` as mappings."""
    if not isinstance(value, dict):
        return value
    result = []
    for key, bindings in value.items():
        if not _bindings_shape(bindings):
            return value  # not the engine's shape: validation then names the field
        port, _, proto = key.partition("/")
        first, _, last = port.partition("-")
        container = {"container_port": first, "container_port_end": last or None,
                     "protocol": proto or "tcp"}
        if not bindings:
            result.append(container)
        for binding in bindings or []:
            host_ip = (binding.get("HostIp") or "").strip("[]") or None
            host_first, _, host_last = (binding.get("HostPort") or "").partition("-")
            result.append({**container, "host_ip": host_ip, "host_port": host_first or None,
                           "host_port_end": host_last or None})
    return result


def _bindings_shape(bindings: Any) -> bool:
    """A port's bindings as the engine prints them: null, or a list of {HostIp, HostPort}."""
    if bindings is None:
        return True
    return isinstance(bindings, list) and all(
        isinstance(b, dict) and all(isinstance(b.get(k) or "", str) for k in ("HostIp", "HostPort"))
        for b in bindings)


class EndpointIpamConfig(EngineModel):
    """Addresses asked for when connecting (`docker run --ip`, `network connect --ip`)."""

    ipv4_address: IPv4 | None = Field(None, validation_alias="IPv4Address")
    ipv6_address: IPv6Address | None = Field(None, validation_alias="IPv6Address")
    link_local_ips: list[IPAddress] = Field(default_factory=list,
                                                            validation_alias="LinkLocalIPs")


class Endpoint(EngineModel):
    """A container's endpoint on one network (`NetworkSettings.Networks[<name>]`)."""

    name: str = Field(validation_alias="Name", description="The network's name (the key in Networks)")
    network_id: str | None = Field(None, validation_alias="NetworkID")
    endpoint_id: str | None = Field(None, validation_alias="EndpointID", description="None when the "
                                    "container is not running")
    gateway: IPv4 | None = Field(None, validation_alias="Gateway")
    ip_address: IPv4 | None = Field(None, validation_alias="IPAddress")
    ip_prefix_len: int | None = Field(None, validation_alias="IPPrefixLen")
    ipv6_gateway: IPv6Address | None = Field(None, validation_alias="IPv6Gateway")
    global_ipv6_address: IPv6Address | None = Field(None, validation_alias="GlobalIPv6Address")
    global_ipv6_prefix_len: int | None = Field(None, validation_alias="GlobalIPv6PrefixLen")
    mac_address: MacAddress | None = Field(None, validation_alias="MacAddress")
    aliases: list[str] = Field(default_factory=list, validation_alias="Aliases")
    dns_names: list[str] = Field(default_factory=list, validation_alias="DNSNames",
                                 description="Engine 25 and later")
    links: list[str] = Field(default_factory=list, validation_alias="Links")
    ipam_config: EndpointIpamConfig | None = Field(None, validation_alias="IPAMConfig")

    @property
    def ip_interface(self) -> IPv4Interface | None:
        """IPv4 address with its prefix, e.g. 172.17.0.2/16."""
        if self.ip_address is None:
            return None
        return IPv4Interface(f"{self.ip_address}/{self.ip_prefix_len or 32}")

    @property
    def ipv6_interface(self) -> IPv6Interface | None:
        if self.global_ipv6_address is None:
            return None
        return IPv6Interface(f"{self.global_ipv6_address}/{self.global_ipv6_prefix_len or 128}")


# NetworkSettings' own address keys: before API 1.21 the only endpoint, later a copy of the one on
# the default bridge, gone from API 1.44 on.
_SETTINGS_ENDPOINT_KEYS = ("EndpointID", "Gateway", "GlobalIPv6Address", "GlobalIPv6PrefixLen",
                           "IPAddress", "IPPrefixLen", "IPv6Gateway", "MacAddress")


class ContainerStateInfo(EngineModel):
    """`State` of `docker inspect`."""

    status: ContainerState | None = Field(None, validation_alias="Status")
    running: bool = Field(False, validation_alias="Running")
    paused: bool = Field(False, validation_alias="Paused")
    restarting: bool = Field(False, validation_alias="Restarting")
    dead: bool = Field(False, validation_alias="Dead")
    pid: int | None = Field(None, validation_alias="Pid", description="0 when not running")
    exit_code: int | None = Field(None, validation_alias="ExitCode")
    started_at: datetime | None = Field(None, validation_alias="StartedAt")
    finished_at: datetime | None = Field(None, validation_alias="FinishedAt")


class InspectContainer(EngineModel):
    """One container of `docker inspect`.

    Fields the engine nests elsewhere are lifted here: `hostname` from Config,
    `network_mode` and `port_bindings` from HostConfig, `sandbox_*`, `ports`, `networks` and
    `default_endpoint` from NetworkSettings. What remains of those objects stays under their
    engine names (`HostConfig`, `Config`, `NetworkSettings`), so no key is kept twice.
    """

    id: str = Field(validation_alias="Id")
    name: str | None = Field(None, validation_alias="Name", description="Without the leading /")
    created: datetime | None = Field(None, validation_alias="Created")
    state: ContainerStateInfo | None = Field(None, validation_alias="State")
    image: str | None = Field(None, validation_alias="Image", description="Image id (sha256:...)")
    restart_count: int | None = Field(None, validation_alias="RestartCount")
    hostname: str | None = Field(None, description="Config.Hostname")
    network_mode: str | None = Field(None, description="HostConfig.NetworkMode: bridge, host, "
                                     "none, container:<id>, or a network's name")
    port_bindings: list[PortMapping] = Field(default_factory=list, description=(
        "HostConfig.PortBindings: what was asked for; host_port None lets the engine pick"))
    sandbox_id: str | None = Field(None, description="NetworkSettings.SandboxID")
    sandbox_key: str | None = Field(None, description="NetworkSettings.SandboxKey: the network "
                                    "namespace's path")
    ports: list[PortMapping] = Field(default_factory=list, description=(
        "NetworkSettings.Ports: exposed ports and where they are bound while running"))
    networks: list[Endpoint] = Field(default_factory=list, description=(
        "NetworkSettings.Networks, one endpoint per network (API 1.21 and later)"))
    default_endpoint: Endpoint | None = Field(None, description=(
        "NetworkSettings' own address fields, when set: the only endpoint before API 1.21, "
        "later a copy of the one on the default bridge (gone from API 1.44 on). Named bridge, "
        "or after a network_mode that names another network"))
    partial: bool = Field(False, description=(
        "Read from part of the output (a fragment, a document cut off or elided, grep'd "
        "lines): what is absent was not seen, not empty. Without Id or Name, id and name hold "
        "the best key found (`endpoint <12 hex>`, `sandbox <12 hex>`, `fragment at line N`)"))

    @model_validator(mode="before")
    @classmethod
    def _lift(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        config = _take(data, "Config")
        host = _take(data, "HostConfig")
        settings = _take(data, "NetworkSettings")
        lifted = {
            "hostname": config.pop("Hostname", None),
            "network_mode": host.pop("NetworkMode", None),
            "port_bindings": _ports(host.pop("PortBindings", None)),
            "sandbox_id": settings.pop("SandboxID", None),
            "sandbox_key": settings.pop("SandboxKey", None),
            "ports": _ports(settings.pop("Ports", None)),
        }
        networks = settings.pop("Networks", None)
        own = {k: settings[k] for k in _SETTINGS_ENDPOINT_KEYS if k in settings}
        if any(not _unset(v) and v != 0 for v in own.values()):
            for key in own:
                del settings[key]
            mode = lifted["network_mode"]
            name = "bridge" if mode in (None, "default", "bridge") else mode
            lifted["default_endpoint"] = {"Name": name, **own}
        if isinstance(networks, dict):
            lifted["networks"] = [_keyed_item(ep, "Name", name, keep_own=True)
                                  for name, ep in networks.items()]
        elif isinstance(networks, list):
            # API 1.21 release candidates listed network names only; the addresses were the
            # NetworkSettings' own, which hold the one endpoint when there is one network.
            single = len(networks) == 1
            lifted["networks"] = [{**(own if single else {}), "Name": n} if isinstance(n, str)
                                  else n for n in networks]
        for key, value in lifted.items():
            if value is not None and key not in data:
                data[key] = value
        for key, rest in (("Config", config), ("HostConfig", host), ("NetworkSettings", settings)):
            if rest:
                data[key] = rest
        return data

    @field_validator("name")
    @classmethod
    def _no_slash(cls, value: str | None) -> str | None:
        return value.lstrip("/") if value else value


def _keyed_item(item: Any, field: str, key: str, *, keep_own: bool = False) -> Any:
    """An object of a JSON map with its key added as `field` (its own `field` first when
    `keep_own`); anything but an object or null is left for validation to refuse."""
    if item is None:
        return {field: key}
    if not isinstance(item, dict):
        return item
    return {field: key, **item} if keep_own else {**item, field: key}


def _take(data: dict, key: str) -> dict:
    value = data.pop(key, None)
    return dict(value) if isinstance(value, dict) else {}


class DockerInspect(Capture):
    """`docker inspect <container>...` (several outputs pasted one after the other, too)."""

    kind: Literal["docker_inspect"] = "docker_inspect"
    containers: list[InspectContainer] = Field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# docker network ls


class NetworkRow(Model):
    """One row of `docker network ls` (or one JSON line of `--format '{{json .}}'`)."""

    id: str | None = Field(None, description="NETWORK ID: 12 hex digits, 64 with --no-trunc; "
                           "a swarm network's is 25 characters of base 36 (12 shown)")
    name: str | None = None
    driver: str | None = None
    scope: str | None = Field(None, description="local, global or swarm")
    ipv4: bool | None = Field(None, description="IPV4 (engine 28 and later)")
    ipv6: bool | None = None
    internal: bool | None = None
    created_at: datetime | None = None
    labels: str | None = Field(None, description="LABELS as printed (key=value, comma separated)")
    extra: dict[str, str] = Field(default_factory=dict, description="Columns (or JSON fields) "
                                  "not modelled here, by their title, as printed")


class DockerNetworkLs(Capture):
    """`docker network ls`, also with `--format table ...` or `--format '{{json .}}'`."""

    kind: Literal["docker_network_ls"] = "docker_network_ls"
    networks: list[NetworkRow] = Field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# docker network inspect


class IpamConfig(EngineModel):
    """One subnet of a network's IPAM configuration."""

    subnet: IPNetwork | None = Field(None, validation_alias="Subnet")
    gateway: IPAddress | None = Field(
        None, validation_alias="Gateway", description="The address only, also when written with a prefix")
    ip_range: IPNetwork | None = Field(None, validation_alias="IPRange",
                                                        description="Range addresses are taken from")

    @field_validator("gateway", mode="before")
    @classmethod
    def _address_only(cls, value: Any) -> Any:
        # Some engines print the gateway as 172.18.0.1/16: the address is what matters.
        if isinstance(value, str) and "/" in value:
            return ip_interface(value).ip
        return value


class Ipam(EngineModel):
    driver: str | None = Field(None, validation_alias="Driver")
    config: list[IpamConfig] = Field(default_factory=list, validation_alias="Config")
    options: dict[str, str] = Field(default_factory=dict, validation_alias="Options")


class NetworkEndpoint(EngineModel):
    """A container attached to a network (`Containers[<id>]` of `docker network inspect`)."""

    id: str = Field(description="The container's id (the key in Containers; `ep-...` for an "
                    "endpoint of another host)")
    name: str | None = Field(None, validation_alias="Name", description="The container's name")
    endpoint_id: str | None = Field(None, validation_alias="EndpointID")
    mac: MacAddress | None = Field(None, validation_alias="MacAddress")
    ipv4_address: IPv4If | None = Field(None, validation_alias="IPv4Address")
    ipv6_address: IPv6Interface | None = Field(None, validation_alias="IPv6Address")


class Network(EngineModel):
    """One network of `docker network inspect`."""

    name: str = Field(validation_alias="Name")
    id: str = Field(validation_alias="Id")
    created: datetime | None = Field(None, validation_alias="Created")
    driver: str | None = Field(None, validation_alias="Driver")
    scope: str | None = Field(None, validation_alias="Scope")
    internal: bool = Field(False, validation_alias="Internal")
    enable_ipv6: bool = Field(False, validation_alias="EnableIPv6")
    attachable: bool = Field(False, validation_alias="Attachable")
    ingress: bool = Field(False, validation_alias="Ingress")
    ipam: Ipam | None = Field(None, validation_alias="IPAM")
    options: dict[str, str] = Field(default_factory=dict, validation_alias="Options",
                                    description="Driver options, e.g. com.docker.network.bridge.name")
    labels: dict[str, str] = Field(default_factory=dict, validation_alias="Labels")
    containers: list[NetworkEndpoint] = Field(default_factory=list, validation_alias="Containers")
    partial: bool = Field(False, description=(
        "Read from part of the output (a fragment, a document cut off or elided): what is "
        "absent was not seen, not empty. Without Name or Id, they hold the best key found"))

    @field_validator("containers", mode="before")
    @classmethod
    def _keyed(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return [_keyed_item(ep, "id", key) for key, ep in value.items()]
        return value

    @property
    def bridge_name(self) -> str | None:
        """The Linux bridge of a bridge network: its option, docker0, or br-<12 hex of the id>."""
        if name := self.options.get("com.docker.network.bridge.name"):
            return name
        if self.driver != "bridge":
            return None
        return "docker0" if self.name == "bridge" else f"br-{self.id[:12]}"

    @property
    def mtu(self) -> int | None:
        value = self.options.get("com.docker.network.driver.mtu")
        return int(value) if value and value.isdigit() else None


class DockerNetworkInspect(Capture):
    """`docker network inspect <network>...` (several outputs pasted one after the other, too)."""

    kind: Literal["docker_network_inspect"] = "docker_network_inspect"
    networks: list[Network] = Field(default_factory=list)
