"""Build scenarios on a live Docker engine, and read what is true of them without netparse.

Everything made here is named `np-e2e-...` and removed by that name (`Lab.cleanup`). No image is
pulled: the busybox image is imported from the host's static busybox. No traffic is sent to any
container: the only ways in are `nsenter -n ip ...` and the engine's own commands.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import shutil
import struct
import subprocess
import tarfile
import time
from dataclasses import dataclass, field

PREFIX = "np-e2e-"
IMAGE = "np-e2e-busybox:latest"
APPLETS = ("sh", "sleep", "ip", "route", "cat", "ping", "nc", "httpd")
IDLE = ("sleep", "1000000")
TOOLS = ("docker", "ip", "bridge", "brctl", "route", "sysctl", "nsenter", "sh")


def sh(*argv: str, input: bytes | None = None, check: bool = True, timeout: float = 60) -> str:
    done = subprocess.run(argv, input=input, capture_output=True, timeout=timeout)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: exit {done.returncode}: "
                           f"{done.stderr.decode(errors='replace').strip()}")
    return done.stdout.decode()


def ours(name: str) -> str:
    assert name.startswith(PREFIX), f"refusing to touch {name!r}: not an {PREFIX} name"
    return name


# --- can the suite run here? -----------------------------------------------------------------

def static_busybox() -> str | None:
    """A statically linked busybox (one the imported image can run), or None."""
    for path in ("/bin/busybox", shutil.which("busybox")):
        if path and os.path.isfile(path) and _is_static_elf(path):
            return path
    return None


def _is_static_elf(path: str) -> bool:
    with open(path, "rb") as f:
        head = f.read(64)
        if head[:4] != b"\x7fELF":
            return False
        end = "<" if head[5] == 1 else ">"
        if head[4] == 2:
            (phoff,), (size, count) = struct.unpack_from(end + "Q", head, 0x20), \
                struct.unpack_from(end + "HH", head, 0x36)
        else:
            (phoff,), (size, count) = struct.unpack_from(end + "I", head, 0x1C), \
                struct.unpack_from(end + "HH", head, 0x2A)
        f.seek(phoff)
        for _ in range(count):
            if struct.unpack_from(end + "I", f.read(size))[0] == 3:   # PT_INTERP
                return False
    return True


def why_not_here() -> str | None:
    """Why the live tests cannot run on this machine, or None when they can."""
    if os.geteuid() != 0:
        return "needs root (nsenter, ip link)"
    missing = [t for t in TOOLS if not shutil.which(t)]
    if missing:
        return f"missing tools: {', '.join(missing)}"
    try:
        done = subprocess.run(["docker", "info", "--format", "{{.ServerVersion}}"],
                              capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        return "no Docker engine answers (docker info timed out)"
    if done.returncode != 0 or not done.stdout.strip():
        return f"no Docker engine answers: {done.stderr.strip()[:200]}"
    if static_busybox() is None:
        return "no statically linked busybox to import as the image (install busybox-static)"
    return None


LOCK = "/run/netparse-e2e.lock"


@contextlib.contextmanager
def exclusive(wait: float = 900):
    """One test session at a time on this engine: another one's sweep would remove our objects."""
    with open(LOCK, "w") as lock:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"another live test session has held {LOCK} for {wait:.0f} s")
                time.sleep(1)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def import_image() -> None:
    """The busybox image, imported from the host's busybox (never pulled)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        bin_dir = tarfile.TarInfo("bin")
        bin_dir.type, bin_dir.mode = tarfile.DIRTYPE, 0o755
        tar.addfile(bin_dir)
        tar.add(static_busybox(), arcname="bin/busybox")
        for applet in APPLETS:
            link = tarfile.TarInfo(f"bin/{applet}")
            link.type, link.linkname = tarfile.SYMTYPE, "busybox"
            tar.addfile(link)
    sh("docker", "import", "-", IMAGE, input=buf.getvalue(), timeout=300)


def remove_image() -> None:
    sh("docker", "image", "rm", "-f", IMAGE, check=False)


def sweep() -> None:
    """Remove what an interrupted earlier run left behind: np-e2e-* containers, networks, links."""
    for name in sh("docker", "ps", "-a", "--filter", f"name=^{PREFIX}",
                   "--format", "{{.Names}}").split():
        if name.startswith(PREFIX):
            sh("docker", "rm", "-f", name, check=False)
    for name in sh("docker", "network", "ls", "--filter", f"name=^{PREFIX}",
                   "--format", "{{.Name}}").split():
        if name.startswith(PREFIX):
            sh("docker", "network", "rm", name, check=False)
    for link in json.loads(sh("ip", "-j", "link", "show") or "[]"):
        if link["ifname"].startswith(PREFIX):
            sh("ip", "link", "del", "dev", link["ifname"], check=False)
    for line in sh("ip", "netns", "list").splitlines():
        if line.startswith(PREFIX):
            sh("ip", "netns", "del", line.split()[0], check=False)


# --- building --------------------------------------------------------------------------------

@dataclass
class Lab:
    """What one scenario made, so that exactly that is removed."""

    containers: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    injected: list[str] = field(default_factory=list)   # what was done by hand, for messages

    def network(self, name: str, *options: str) -> str:
        self.networks.append(ours(name))
        sh("docker", "network", "create", *options, name)
        return name

    def run(self, name: str, *options: str, command: tuple[str, ...] = IDLE) -> str:
        self.containers.append(ours(name))
        sh("docker", "run", "-d", "--pull=never", "--name", name, *options, IMAGE, *command)
        return name

    def veth(self, name: str, peer: str) -> None:
        self.links += [ours(name), ours(peer)]
        self.do("ip", "link", "add", name, "type", "veth", "peer", "name", peer)

    def do(self, *argv: str) -> str:
        self.injected.append(" ".join(argv))
        return sh(*argv)

    def inside(self, container: str, *argv: str) -> str:
        """Run a command in the container's network namespace (with the host's tools)."""
        return self.do("nsenter", "-t", str(pid_of(container)), "-n", *argv)

    def cleanup(self) -> None:
        for name in reversed(self.containers):
            sh("docker", "rm", "-f", ours(name), check=False)
        for name in reversed(self.networks):
            sh("docker", "network", "rm", ours(name), check=False)
        for name in reversed(self.links):
            if subprocess.run(["ip", "link", "show", "dev", ours(name)],
                              capture_output=True).returncode == 0:
                sh("ip", "link", "del", "dev", name, check=False)
        self.containers, self.networks, self.links = [], [], []


def pid_of(container: str) -> int:
    return inspect(container)[0]["State"]["Pid"]


def inspect(*names: str) -> list[dict]:
    return json.loads(sh("docker", "inspect", *names))


def bridge_of(network: str) -> str:
    net = json.loads(sh("docker", "network", "inspect", network))[0]
    return net["Options"].get("com.docker.network.bridge.name") or (
        "docker0" if net["Name"] == "bridge" else f"br-{net['Id'][:12]}")


def host_veth(container: str, iface: str = "eth0") -> str:
    inner = next(i for i in ip_json(pid_of(container), "addr") if i["ifname"] == iface)
    return next(link["ifname"] for link in ip_json(None, "link")
                if link["ifindex"] == inner["link_index"])


def ip_json(pid: int | None, *argv: str) -> list[dict]:
    """`ip -j ...` on the host (pid None) or in a process's network namespace, parsed."""
    prefix = ("nsenter", "-t", str(pid), "-n") if pid else ()
    return json.loads(sh(*prefix, "ip", "-j", *argv) or "[]")


# --- ground truth ------------------------------------------------------------------------------

@dataclass
class Endpoint:
    network: str
    ip: str | None
    prefix_len: int | None
    mac: str | None
    gateway: str | None
    bridge: str | None
    veth: str | None = None   # host end, found from inside the namespace


@dataclass
class Container:
    name: str
    running: bool
    network_mode: str
    pid: int
    endpoints: dict[str, Endpoint]
    published: set[tuple[int, str, str, int]]     # (container port, protocol, host ip, host port)
    inside: dict[str, set[str]] | None = None       # interface -> addresses (ip/prefix)

    @property
    def own_namespace(self) -> bool:
        return self.running and not self.network_mode.startswith(("host", "container:"))


@dataclass
class Truth:
    containers: dict[str, Container]
    bridges: dict[str, set[str]]   # bridge -> its ports (for the networks the scenario uses)
    subnets: dict[str, set[str]]   # network -> its subnets

    def pairs(self) -> dict[tuple[str, str], str]:
        return {(c.name, ep.network): ep.veth for c in self.containers.values()
                for ep in c.endpoints.values() if ep.veth}


def read_truth(lab: Lab) -> Truth:
    """What the engine says about the scenario's containers (`docker inspect`), what their
    namespaces hold (`nsenter ... ip -j addr`), and which host interface is whose peer
    (`ip -j link`): read with the engine's and iproute2's JSON, never through netparse."""
    links = ip_json(None, "link", "show")
    by_index = {link["ifindex"]: link for link in links}
    containers: dict[str, Container] = {}
    used_networks: set[str] = set()
    for c in inspect(*lab.containers):
        name = c["Name"].lstrip("/")
        running = c["State"]["Running"] and not c["State"]["Restarting"]
        endpoints = {}
        for net, ep in (c["NetworkSettings"]["Networks"] or {}).items():
            if net in ("host", "none"):
                continue
            used_networks.add(net)
            endpoints[net] = Endpoint(net, ep["IPAddress"] or None, ep["IPPrefixLen"],
                                      ep["MacAddress"] or None, ep["Gateway"] or None,
                                      bridge_of(net))
        published = {(int(port.split("/")[0]), port.split("/")[1], b["HostIp"], int(b["HostPort"]))
                     for port, binds in (c["NetworkSettings"]["Ports"] or {}).items()
                     for b in binds or []}
        container = Container(name, running, c["HostConfig"]["NetworkMode"], c["State"]["Pid"],
                              endpoints, published)
        if container.own_namespace:
            inner = ip_json(container.pid, "addr", "show")
            container.inside = {i["ifname"]: {f"{a['local']}/{a['prefixlen']}"
                                              for a in i.get("addr_info", [])} for i in inner}
            for i in inner:
                ep = next((e for e in endpoints.values() if e.mac and e.mac == i.get("address")),
                          None)
                if ep and "link_index" in i and i["link_index"] in by_index:
                    ep.veth = by_index[i["link_index"]]["ifname"]
        containers[name] = container
    bridges = {bridge_of(n): set() for n in used_networks}
    for link in links:
        if link.get("master") in bridges:
            bridges[link["master"]].add(link["ifname"])
    subnets = {n: {c["Subnet"] for c in json.loads(sh("docker", "network", "inspect", n))[0]
                   ["IPAM"]["Config"] or []} for n in used_networks}
    return Truth(containers, bridges, subnets)
