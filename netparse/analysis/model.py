"""The analysis result: the host's topology, the findings, and the report that carries both.

These models are the documented, versioned JSON report (`netparse schema report`): renderers,
the web page and library users read them, so their field names are a contract.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from netparse.models.base import IPAddress, IPInterface, IPNetwork, MacAddress, Model
from netparse.snapshot import Source

REPORT_VERSION = "1.2"

class Pairing(StrEnum):
    """How a host veth was joined to a container endpoint, strongest first."""

    INSIDE = "inside"      # the container's own capture: eth0@ifN there is host ifindex N
    FDB = "fdb"            # `bridge fdb` puts the container's MAC behind the veth
    NETNSID = "netnsid"    # link-netnsid grouping, when exactly one assignment fits


class Inferred(Model):
    """Marks an object known only from other objects' references to it (added in 1.2)."""

    inferred: bool = Field(False, description="Not shown by a capture of its own: inferred from "
                           "references to it (a master, a route's device, a bridge name, a "
                           "network's containers), listed in `inferred_from`")
    inferred_from: list[str] = Field(default_factory=list, description="The facts it was inferred "
                                     "from, each `capture:line: what it says` (added in 1.2)")


class Port(Model):
    name: str
    ifindex: int | None = None
    peer_ifindex: int | None = None
    mac: MacAddress | None = None
    mtu: int | None = None
    up: bool | None = None
    link_netnsid: int | None = None
    container: str | None = Field(None, description="The container behind this port, when paired")
    network: str | None = None
    sources: list[str] = Field(default_factory=list,
                               description="Captures that put this port on the bridge")


class Bridge(Inferred):
    name: str
    network: str | None = Field(None, description="Docker network, for Docker-managed bridges")
    managed: bool = Field(description="Created by Docker (docker0 or br-<network id>)")
    state: str | None = None
    up: bool | None = None
    carrier: bool | None = None
    mtu: int | None = None
    mac: MacAddress | None = None
    addresses: list[IPInterface] = Field(default_factory=list)
    ports: list[Port] = Field(default_factory=list)


class Network(Inferred):
    name: str
    id: str | None = None
    driver: str | None = None
    bridge: str | None = None
    subnets: list[IPNetwork] = Field(default_factory=list)
    gateways: list[IPAddress] = Field(default_factory=list)
    internal: bool | None = None
    mtu: int | None = None


class Endpoint(Inferred):
    network: str
    network_id: str | None = None
    bridge: str | None = None
    ip: IPAddress | None = None
    prefix_len: int | None = None
    mac: MacAddress | None = None
    gateway: IPAddress | None = None
    ipv6: IPInterface | None = None
    host_veth: str | None = Field(None, description="Host side of the veth pair; null when unpaired")
    host_ifindex: int | None = Field(None, description="Host ifindex of the veth; set without "
                                     "host_veth when the container points at an index the host lacks")
    container_iface: str | None = None
    evidence: Pairing | None = None
    unpaired_reason: str | None = None


class PublishedPort(Model):
    container_port: int
    protocol: str
    host_ip: IPAddress | None = None
    host_port: int | None = None


class Route(Model):
    """A route from `ip route` or `route -n`, in one shape."""

    destination: IPNetwork | None
    gateway: IPAddress | None = None
    dev: str | None = None
    metric: int | None = None
    table: str | None = None
    type: str = "unicast"
    proto: str | None = None
    scope: str | None = None
    src: IPAddress | None = None
    linkdown: bool = False


class InsideView(Model):
    """What was captured inside a container's network namespace."""

    sources: list[str] = Field(default_factory=list)
    interfaces: list[str] = Field(default_factory=list)
    addresses: dict[str, list[IPInterface]] = Field(default_factory=dict)
    routes: list[Route] | None = None


class Container(Inferred):
    name: str
    id: str | None = None
    state: str | None = None
    running: bool | None = None
    pid: int | None = None
    network_mode: str | None = None
    image: str | None = None
    endpoints: list[Endpoint] = Field(default_factory=list)
    published: list[PublishedPort] = Field(default_factory=list)
    inside: InsideView | None = None
    in_ps: bool = False
    in_inspect: bool = False


class HostInterface(Inferred):
    name: str
    ifindex: int | None = None
    kind: str | None = Field(None, description="veth, bridge, loopback, ... when it can be told")
    master: str | None = None
    state: str | None = None
    up: bool | None = None
    carrier: bool | None = None
    mtu: int | None = None
    mac: MacAddress | None = None
    peer_ifindex: int | None = None
    peer_name: str | None = Field(None, description="Peer device in the host namespace (name@peer)")
    link_netnsid: int | None = None
    addresses: list[IPInterface] = Field(default_factory=list)


class Topology(Model):
    interfaces: list[HostInterface] = Field(default_factory=list)
    bridges: list[Bridge] = Field(default_factory=list)
    networks: list[Network] = Field(default_factory=list)
    containers: list[Container] = Field(default_factory=list)
    routes: list[Route] = Field(default_factory=list)
    ip_forward: bool | None = None
    uplink: str | None = Field(None, description="Interface of the host's IPv4 default route")


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class Finding(Model):
    code: str
    severity: Severity
    subjects: list[str] = Field(description="Names of the interfaces, bridges, containers, "
                                            "networks or subnets concerned")
    message: str
    evidence: list[str] = Field(default_factory=list,
                                description="Facts, each naming the capture it comes from")
    hint: str = ""


class Missing(Model):
    fact: str = Field(description="What the check needs and the captures do not show")
    captures: list[str] = Field(description="Commands, the output of any one of which provides it")


class NotRun(Model):
    """A check left out because the captures lack what it needs."""

    code: str
    missing: list[Missing]


class Report(Model):
    schema_version: Literal["1.2"] = REPORT_VERSION
    origin: str = Field(description="What was analysed: a folder, an archive, a transcript, stdin")
    partial: bool = Field(False, description="Some capture failed to parse")
    sources: list[Source] = Field(default_factory=list)
    topology: Topology = Field(default_factory=Topology)
    findings: list[Finding] = Field(default_factory=list)
    not_run: list[NotRun] = Field(default_factory=list, description="Checks not run, each with "
                                  "the captures that would let it run (added in 1.1)")
