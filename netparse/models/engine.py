"""The Docker engine itself: `docker version` and `docker info`, as text or as JSON.

Both commands print an outline: `Key: value` lines, headings (`Server:`, ` Plugins:`) with the
lines indented under them, and bare values (a list such as ` Security Options:` / `  seccomp`).
The text form is kept whole as `outline`; the JSON form (`--format '{{json .}}'`) whole as
`engine`. The facts a check needs are read from either into fields of their own.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from netparse.models.base import Capture, IPNetwork, Model


class OutlineLine(Model):
    """One line of the outline, with the lines indented under it."""

    key: str | None = Field(None, description="Before the first `: `; None for a bare value")
    value: str | None = Field(
        None, description="After `Key:`, stripped; None when nothing follows the colon (a "
                          "heading, or a value printed empty such as `init version: `)")
    items: list[OutlineLine] = Field(default_factory=list,
                                     description="The lines indented under this one")

    def find(self, key: str) -> OutlineLine | None:
        """The first line under this one with `key`."""
        return next((item for item in self.items if item.key == key), None)


class DockerVersion(Capture):
    """`docker version` (text, or `--format '{{json .}}'`)."""

    kind: Literal["docker_version"] = "docker_version"
    client_version: str | None = None
    client_api_version: str | None = Field(None, description="The API version the client "
                                                             "speaks (after any downgrade)")
    client_api_downgraded_from: str | None = Field(
        None, description="The client's own API version, when it speaks an older one to this "
                          "engine (`1.41 (downgraded from 1.50)`)")
    context: str | None = None
    server_version: str | None = Field(None, description="The engine's version")
    server_api_version: str | None = None
    server_min_api_version: str | None = None
    components: dict[str, str] = Field(
        default_factory=dict, description="Version of each component of the server "
                                          "(Engine, containerd, runc, docker-init)")
    outline: list[OutlineLine] = Field(default_factory=list, description="The text form, whole")
    engine: dict[str, Any] = Field(default_factory=dict, description="The JSON form, whole")


class AddressPool(Model):
    """One of the engine's default address pools for new networks."""

    base: IPNetwork
    size: int = Field(description="Prefix length of each network cut from `base`")


class DockerInfo(Capture):
    """`docker info` / `docker system info` (text, or `--format '{{json .}}'`)."""

    kind: Literal["docker_info"] = "docker_info"
    client_version: str | None = None
    context: str | None = None
    server_version: str | None = None
    storage_driver: str | None = None
    logging_driver: str | None = None
    cgroup_driver: str | None = None
    cgroup_version: str | None = None
    kernel_version: str | None = None
    operating_system: str | None = None
    os_type: str | None = None
    architecture: str | None = None
    docker_root_dir: str | None = None
    firewall_backend: str | None = Field(
        None, description="iptables, nftables, iptables+firewalld ...: printed by docker 29 "
                          "on, when the engine reports it")
    security_options: list[str] = Field(default_factory=list,
                                        description="Names only: seccomp, apparmor, rootless ...")
    default_address_pools: list[AddressPool] = Field(default_factory=list)
    ipv4_forwarding: bool | None = Field(None, description="JSON only (IPv4Forwarding)")
    bridge_nf_iptables: bool | None = Field(
        None, description="JSON only, from clients that still print it (BridgeNfIptables)")
    bridge_nf_ip6tables: bool | None = Field(None, description="As bridge_nf_iptables")
    warnings: list[str] = Field(
        default_factory=list,
        description="The engine's warnings, whole (`WARNING: IPv4 forwarding is disabled`). "
                    "The text form prints them on standard error: they are there only when it "
                    "was captured too (2>&1)")
    errors: list[str] = Field(default_factory=list,
                              description="`ERROR: ...` lines (standard error too)")
    outline: list[OutlineLine] = Field(default_factory=list, description="The text form, whole")
    engine: dict[str, Any] = Field(default_factory=dict, description="The JSON form, whole")

    def warned(self, text: str) -> bool:
        """Whether a warning holds `text` (`bridge-nf-call-iptables is disabled`)."""
        return any(text in warning for warning in self.warnings)
