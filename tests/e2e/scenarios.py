"""The live scenarios: how each is built, how it is collected, and the faults it must show.

Each builder returns the facts its expectations need (bridge and veth names the engine chose).
Subnets are fixed (172.29.N.0/24) so that a scenario never depends on what the engine's address
pool handed out before. Faults are made the way they happen on real hosts: with `ip` on the host
or `nsenter ... ip` in a container's namespace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.e2e.lab import Lab, bridge_of, host_veth, ip_json, pid_of, sh

SECRET = "np-e2e-not-a-real-password"
Fault = tuple[str, str, set[str]]   # code, severity, subjects that must be named


@dataclass(frozen=True)
class Scenario:
    name: str
    build: Callable[[Lab], dict]
    faults: Callable[[dict], list[Fault]] = lambda facts: []
    python_args: tuple[str, ...] = ()   # `netparse collect` options
    sh_args: tuple[str, ...] = ()       # the same for the sh script

    def __str__(self) -> str:
        return self.name


def _net(lab: Lab, n: int) -> tuple[str, str]:
    subnet = f"172.29.{n}.0/24"
    lab.network("np-e2e-net", "--subnet", subnet, "--gateway", f"172.29.{n}.1")
    return bridge_of("np-e2e-net"), subnet


# --- healthy -------------------------------------------------------------------------------------

def default_bridge(lab: Lab) -> dict:
    lab.run("np-e2e-web", "-p", "80", "-p", "127.0.0.1::81", "-p", "[::1]::82", "-p", "[::]::83/udp")
    lab.run("np-e2e-app")
    lab.run("np-e2e-db")
    return {}


def user_networks(lab: Lab) -> dict:
    lab.network("np-e2e-front", "--subnet", "172.29.1.0/24", "--gateway", "172.29.1.1")
    lab.network("np-e2e-back", "--ipv6", "--subnet", "172.29.2.0/24", "--gateway", "172.29.2.1",
                "--subnet", "fd00:db8:29::/64")
    lab.run("np-e2e-proxy", "--network", "np-e2e-front", "-p", "443", "-p", "[::]::8080")
    lab.run("np-e2e-api", "--network", "np-e2e-front")
    sh("docker", "network", "connect", "--ip", "172.29.2.10", "np-e2e-back", "np-e2e-api")
    lab.run("np-e2e-db", "--network", "np-e2e-back", "-e", f"DB_PASSWORD={SECRET}",
            "--label", f"com.example.api-token={SECRET}")
    lab.run("np-e2e-hostnet", "--network", "host")
    lab.run("np-e2e-isolated", "--network", "none")
    lab.run("np-e2e-exited", "--network", "np-e2e-front", command=("sh", "-c", "exit 3"))
    sh("docker", "wait", "np-e2e-exited")
    return {}


# --- faults --------------------------------------------------------------------------------------

def bridge_down(lab: Lab) -> dict:
    bridge, subnet = _net(lab, 3)
    lab.run("np-e2e-a")
    lab.run("np-e2e-c", "--network", "np-e2e-net")
    lab.do("ip", "link", "set", "dev", bridge, "down")
    return {"bridge": bridge, "subnet": subnet}


def stray_veth(lab: Lab) -> dict:
    lab.run("np-e2e-a")
    lab.run("np-e2e-b")
    lab.veth("np-e2e-stray0", "np-e2e-stray1")
    lab.do("ip", "link", "set", "np-e2e-stray0", "master", "docker0", "up")
    lab.do("ip", "link", "set", "np-e2e-stray1", "up")
    return {}


def veth_detached(lab: Lab) -> dict:
    bridge, _ = _net(lab, 5)
    lab.run("np-e2e-a", "--network", "np-e2e-net")
    lab.run("np-e2e-b", "--network", "np-e2e-net")
    veth = host_veth("np-e2e-b")
    lab.do("ip", "link", "set", "dev", veth, "nomaster")
    return {"bridge": bridge, "veth": veth}


def route_overlap(lab: Lab) -> dict:
    bridge, subnet = _net(lab, 6)
    lab.run("np-e2e-c", "--network", "np-e2e-net")
    # No dummy interfaces on every kernel: a veth pair kept on the host carries a route as well.
    lab.veth("np-e2e-rt0", "np-e2e-rt1")
    lab.do("ip", "link", "set", "np-e2e-rt0", "up")
    lab.do("ip", "link", "set", "np-e2e-rt1", "up")
    lab.do("ip", "route", "add", "172.29.6.0/25", "dev", "np-e2e-rt0")   # goes with the link
    return {"bridge": bridge, "subnet": subnet, "route": "172.29.6.0/25"}


def no_default_route(lab: Lab) -> dict:
    _net(lab, 7)
    lab.run("np-e2e-a")
    lab.run("np-e2e-c", "--network", "np-e2e-net")
    lab.inside("np-e2e-c", "ip", "route", "del", "default")
    return {}


def address_drift(lab: Lab) -> dict:
    _net(lab, 8)
    lab.run("np-e2e-a", "--network", "np-e2e-net")
    lab.run("np-e2e-b", "--network", "np-e2e-net")
    old = sh("docker", "inspect", "-f",
             '{{(index .NetworkSettings.Networks "np-e2e-net").IPAddress}}', "np-e2e-b").strip()
    lab.inside("np-e2e-b", "ip", "addr", "del", f"{old}/24", "dev", "eth0")
    lab.inside("np-e2e-b", "ip", "addr", "add", "172.29.8.99/24", "brd", "+", "dev", "eth0")
    # Deleting the only address takes the default route with it: put it back, so that only the
    # address differs.
    if not ip_json(pid_of("np-e2e-b"), "route", "show", "default"):
        lab.inside("np-e2e-b", "ip", "route", "add", "default", "via", "172.29.8.1", "dev", "eth0")
    return {"old": old}


ALL: tuple[Scenario, ...] = (
    # Collected as archives, looking inside through `docker exec` (the containers' BusyBox).
    Scenario("default-bridge", default_bridge, python_args=("--archive", "--inside", "exec"),
             sh_args=("-a", "-i", "exec")),
    Scenario("user-networks", user_networks, python_args=("--redact",), sh_args=("-r",)),
    Scenario("bridge-down", bridge_down, lambda f: [
        ("bridge-down", "error", {f["bridge"], "np-e2e-c"}),
        ("subnet-not-routed", "error", {f["subnet"], f["bridge"]})]),
    Scenario("stray-veth", stray_veth, lambda f: [
        ("orphan-veth", "warning", {"np-e2e-stray0", "docker0"})]),
    Scenario("veth-detached", veth_detached, lambda f: [
        ("detached-endpoint", "error", {"np-e2e-b", f["veth"], f["bridge"]})]),
    Scenario("route-overlap", route_overlap, lambda f: [
        ("route-overlap", "error", {f["subnet"], f["bridge"], "np-e2e-rt0", f["route"]})]),
    Scenario("no-default-route", no_default_route, lambda f: [
        ("container-default-route", "error", {"np-e2e-c"})]),
    Scenario("address-drift", address_drift, lambda f: [
        ("address-drift", "error", {"np-e2e-b", "eth0", "np-e2e-net"})]),
)
