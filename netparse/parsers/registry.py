"""The kinds of capture netparse reads: which command each comes from, and where its parser lives.

Kept free of heavy imports so that listing kinds or detecting a kind stays cheap; a parser module
(and its pydantic models) is imported only when its kind is used.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Kind:
    name: str
    commands: tuple[str, ...]
    summary: str

    @property
    def module_name(self) -> str:
        return f"netparse.parsers.{self.name}"

    def module(self) -> ModuleType:
        return importlib.import_module(self.module_name)


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("brctl_show", ("brctl show",), "Linux bridges and their ports"),
    Kind("route_n", ("route -n", "route", "route -6 -n", "netstat -rn", "netstat -rne",
                     "busybox route -n"), "the kernel routing table, net-tools format"),
    Kind("ip_addr", ("ip addr", "ip a", "ip address show", "ip -o addr", "ip -j addr",
                     "busybox ip addr"), "interfaces with their addresses"),
    Kind("ip_link", ("ip link", "ip -d link", "ip -o link", "ip -j link"),
         "interfaces without addresses"),
    Kind("ip_route", ("ip route", "ip route show table all", "ip -6 route"),
         "the routing table, iproute2 format"),
    Kind("bridge_fdb", ("bridge fdb show", "bridge -s fdb show"), "forwarding database of bridges"),
    Kind("bridge_link", ("bridge link show", "bridge -d link show"),
         "bridge ports and their state"),
    Kind("docker_ps", ("docker ps", "docker ps -a", "docker ps --no-trunc", "docker ps -s",
                       "docker ps --format table ...", "docker ps --format '{{json .}}'",
                       "podman ps"), "containers as the engine lists them"),
    Kind("docker_inspect", ("docker inspect <container>...", "docker container inspect"),
         "containers' configuration and network settings (JSON)"),
    Kind("docker_network_ls", ("docker network ls",), "Docker networks, one line each"),
    Kind("docker_network_inspect", ("docker network inspect <network>...",),
         "Docker networks' IPAM, options and endpoints (JSON)"),
    Kind("sysctl", ("sysctl net.ipv4.ip_forward", "sysctl -a", "sysctl -p"), "kernel settings"),
)}


def get_kind(name: str) -> Kind:
    from netparse.errors import NetparseError

    try:
        return KINDS[name]
    except KeyError:
        raise NetparseError(
            f"unknown kind {name!r}; known kinds: {', '.join(KINDS)}") from None
