"""moby's generated firewall documents as reach inputs (tests/fixtures/moby/<backend>doc/<version>/).

Each document (integration/network/bridge/iptablesdoc/generated/*.md in moby) shows, for a
scenario given as docker commands, the rules Docker wrote: each table as `iptables -L -v
--line-numbers` (an indented block) and as `iptables -S` (inside <details>). This module reads
one into what `netparse.reach` walks:

- the rules: each table's `iptables -S` block, parsed as kind `iptables_save` (which reads
  `iptables -S`) and given the name of its table (its built-in chains tell it); the tables are
  put together into one capture whose rule lines are the document's own lines;
- the topology, from the document's docker commands only: each network's name, bridge, subnet,
  gateway and --internal; each container's network, published ports and address (the DNAT or
  ACCEPT target the rules give it, else the first address after the gateway, as Docker's IPAM
  hands them out); docker0 with 172.17.0.1/16, which the daemon always has. Every object says
  which line of the document it comes from.

The host is the one moby's generator (iptablesdoc_linux_test.go) runs each daemon in: a fresh
network namespace whose uplink eth0 has an address on 192.168.124.0/24, with the other end of
that segment at 192.168.124.1, no routes but the connected ones and no policy rules. Forwarding
is on (the daemon sets net.ipv4.ip_forward, new-daemon.md). bridge-nf-call-iptables is not given
by any document and stays unknown. Container veths are named `veth-<container>`: the names
appear in no rule.

Only iptables documents are wired; an nftables document is told by its folder, and its rules
will be read from its `nft list ruleset` blocks.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from ipaddress import ip_address, ip_interface, ip_network
from pathlib import Path

import netparse
from netparse.analysis.model import (Bridge, Container, Endpoint, HostInterface, Network,
                                     PublishedPort, Route, Topology)
from netparse.models.iptables import IptablesSave
from netparse.reach import Walker, _path
from netparse.reach.host import Facts
from netparse.reach.netfilter import Chain, Packet, Table
from netparse.reach.rules import firewall_of
from netparse.reach.walk import Leg
from netparse.snapshot import Entry, Source, SourceStatus
from tests.conftest import FIXTURES

MOBY = FIXTURES / "moby"
CLIENT = ip_address("192.168.124.1")      # the generator's L3 segment, outside the host
HOST = ip_interface("192.168.124.2/24")   # the daemon's netns on that segment (eth0)
DOCKER0 = ip_interface("172.17.0.1/16")
FIREWALL = {"iptables_list", "iptables_save", "nft_ruleset"}
# A table's built-in chains, as `iptables -S` prints their policies (-P), tell which table it is.
BUILTIN = {
    frozenset({"INPUT", "FORWARD", "OUTPUT"}): "filter",
    frozenset({"PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"}): "nat",
    frozenset({"PREROUTING", "OUTPUT"}): "raw",
    frozenset({"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"}): "mangle",
}


def documents(backend: str = "iptables") -> list[Path]:
    return sorted((MOBY / f"{backend}doc").glob("*/*.md"))


@dataclass
class Block:
    """An indented block of the document: its first line and its text, unindented."""

    line: int
    text: str
    listing: bool = False   # a firewall listing by its first word, whatever its kind
    kind: str | None = None
    table: str | None = None


@dataclass
class NetworkSpec:
    name: str
    bridge: str
    subnet: object
    gateway: object
    internal: bool
    options: dict
    line: int
    command: str


@dataclass
class ContainerSpec:
    name: str
    network: str
    published: list[PublishedPort]
    line: int
    command: str


@dataclass
class Doc:
    path: Path
    backend: str
    version: str
    text: str
    blocks: list[Block] = field(default_factory=list)
    networks: list[NetworkSpec] = field(default_factory=list)
    containers: list[ContainerSpec] = field(default_factory=list)
    userland_proxy: bool = True
    swarm: bool = False

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def where(self) -> str:
        return f"{self.backend}doc/{self.version}/{self.name}"

    def listings(self) -> list[Block]:
        return [b for b in self.blocks if b.listing]

    def says(self, sentence: str) -> bool:
        """The document's prose holds this sentence (whitespace and markdown emphasis aside)."""
        return _flat(sentence) in _flat(self.text)


def _flat(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("*", " ").split())


def load(path: Path) -> Doc:
    backend = path.parent.parent.name.removesuffix("doc")
    doc = Doc(path=path, backend=backend, version=path.parent.name, text=path.read_text())
    doc.blocks = list(_blocks(doc.text))
    for b in doc.blocks:
        b.listing = b.text.lstrip().startswith(("Chain ", "-P ", "-N ", "-A ", "table "))
        if b.listing:
            b.kind = netparse.detect(b.text)
            if b.kind == "iptables_save":
                policies = frozenset(re.findall(r"^-P (\S+)", b.text, re.M))
                b.table = BUILTIN.get(policies)
        elif b.text.lstrip().startswith(("docker ", "dockerd ")):
            _commands(doc, b)
    _distinct(doc)
    return doc


def _distinct(doc: Doc) -> None:
    """usernet-internal.md's commands create two networks both named bridge1 and run two
    containers both named c1, which Docker would refuse; its `docker run --network` name them
    by their bridges (bridgeICC, bridgeNoICC), as moby's generator does. A network whose name
    is taken is named by its bridge, a container whose name is taken by its name and network."""
    names = [n.name for n in doc.networks]
    for n in doc.networks:
        if names.count(n.name) > 1:
            n.name = n.bridge
    seen = set()
    for c in doc.containers:
        if c.name in seen:
            c.name = f"{c.name}-{c.network}"
        seen.add(c.name)


def _blocks(text: str):
    """Indented blocks (four spaces or a tab): listings, and the scenario's commands."""
    lines = text.split("\n")
    start, body = None, []
    for n, line in enumerate(lines + [""], 1):
        if line.startswith(("    ", "\t")):
            if start is None:
                start = n
            body.append(line[4:] if line.startswith("    ") else line[1:])
            continue
        if start is not None:
            text = "\n".join(body).strip("\n")
            if text.strip():
                yield Block(start + _leading_blank(body), text + "\n")
            start, body = None, []


def _leading_blank(body: list[str]) -> int:
    n = 0
    while n < len(body) and not body[n].strip():
        n += 1
    return n


def _commands(doc: Doc, block: Block) -> None:
    """The docker commands of the scenario: one command a line, `\\` continuing it."""
    command, first = "", None
    for n, line in enumerate(block.text.split("\n"), block.line):
        if not line.strip():
            continue
        first = first or n
        command += " " + line.strip()
        if command.endswith("\\"):
            command = command[:-1]
            continue
        _command(doc, command.strip(), first)
        command, first = "", None


def _command(doc: Doc, command: str, line: int) -> None:
    words = shlex.split(command)
    if words[:1] == ["dockerd"]:
        doc.userland_proxy = "--userland-proxy=false" not in words
    elif words[:3] == ["docker", "network", "create"]:
        opts, flags, args = _options(words[3:], {"-o", "--subnet", "--gateway"})
        options = dict(o.split("=", 1) for o in opts.get("-o", []))
        doc.networks.append(NetworkSpec(
            name=args[-1], bridge=options.get("com.docker.network.bridge.name", args[-1]),
            subnet=ip_network(opts["--subnet"][0]), gateway=ip_address(opts["--gateway"][0]),
            internal="--internal" in flags, options=options, line=line, command=command))
    elif words[:2] == ["docker", "run"]:
        opts, _, _ = _options(words[2:], {"--network", "-p", "--name"})
        doc.containers.append(ContainerSpec(
            name=opts["--name"][0], network=opts["--network"][0],
            published=[_published(p) for p in opts.get("-p", [])], line=line, command=command))
    elif words[:3] == ["docker", "service", "create"]:
        doc.swarm = True
    elif words[:1] in (["docker"], ["dockerd"]):
        raise ValueError(f"{doc.where}:{line}: command not read: {command}")


def _options(words: list[str], valued: set[str]):
    opts: dict[str, list[str]] = {}
    flags: list[str] = []
    args: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w in valued:
            opts.setdefault(w, []).append(words[i + 1])
            i += 2
            continue
        (flags if w.startswith("-") else args).append(w)
        i += 1
    return opts, flags, args


def _published(spec: str) -> PublishedPort:
    """`-p [IP:]HOST:CONTAINER[/PROTO]`."""
    spec, _, proto = spec.partition("/")
    parts = spec.split(":")
    host_ip = ip_address(parts[0]) if len(parts) == 3 else None
    return PublishedPort(container_port=int(parts[-1]), protocol=proto or "tcp",
                         host_ip=host_ip, host_port=int(parts[-2]))


# --- the rules ---------------------------------------------------------------------------------

def rules_entry(doc: Doc) -> Entry:
    """Every table's `iptables -S` block, as one capture: each table named, each rule at its
    line of the document."""
    tables, seen = [], set()
    for b in doc.blocks:
        if b.kind != "iptables_save" or b.table is None:
            continue   # a chain's own -S (`iptables -S DOCKER`) repeats its table's
        if b.table in seen:
            raise ValueError(f"{doc.where}:{b.line}: a second {b.table} table")
        seen.add(b.table)
        model = netparse.parse(b.text, "iptables_save", strict=True)
        (table,) = model.tables
        tables.append(_shifted(table, b.line - 1).model_copy(update={"name": b.table}))
    model = IptablesSave(tables=tables)
    return Entry(Source(path=doc.where, kind="iptables_save", status=SourceStatus.PARSED,
                        command="; ".join(f"iptables -S -t {t}" for t in sorted(seen))), model)


def _shifted(table, offset: int):
    chains = []
    for c in table.chains:
        rules = [r.model_copy(update={"line": r.line + offset}) for r in c.rules]
        chains.append(c.model_copy(update={"line": c.line + offset, "rules": rules}))
    return table.model_copy(update={"line": table.line + offset, "chains": chains})


def listing_entries(doc: Doc) -> dict[str, list[Entry]]:
    """The `iptables -L -v` blocks by table: each is followed by its table's -S block."""
    found: dict[str, list[Entry]] = {}
    listings = [b for b in doc.blocks if b.kind in ("iptables_list", "iptables_save")]
    for b, after in zip(listings, listings[1:]):
        if b.kind == "iptables_list" and after.kind == "iptables_save" and after.table:
            entry = Entry(Source(path=doc.where, kind="iptables_list",
                                 status=SourceStatus.PARSED,
                                 command=f"iptables -vL --line-numbers -t {after.table}"),
                          netparse.parse(b.text, "iptables_list", strict=True),
                          first_line=b.line)
            found.setdefault(after.table, []).append(entry)
    return found


def firewall(doc: Doc, networks=None):
    if doc.backend != "iptables":
        raise NotImplementedError(f"{doc.backend} documents are not wired yet")
    return firewall_of(rules_entry(doc), networks)


# --- the host ----------------------------------------------------------------------------------

def topology(doc: Doc) -> Topology:
    said = lambda line, what: [f"{doc.where}:{line}: {what}"]  # noqa: E731
    daemon = said(1, "the daemon's default bridge docker0, 172.17.0.1/16")
    interfaces = [
        HostInterface(name="lo", kind="loopback", up=True,
                      addresses=[ip_interface("127.0.0.1/8")]),
        HostInterface(name="eth0", up=True, addresses=[HOST], inferred=True,
                      inferred_from=["iptablesdoc_linux_test.go: the daemon's netns has eth0 "
                                     "on 192.168.124.0/24"]),
    ]
    networks = [Network(name="bridge", driver="bridge", bridge="docker0",
                        subnets=[DOCKER0.network], gateways=[DOCKER0.ip], internal=False,
                        inferred=True, inferred_from=daemon)]
    bridges = [("docker0", "bridge", DOCKER0, daemon)]
    for n in doc.networks:
        networks.append(Network(name=n.name, driver="bridge", bridge=n.bridge,
                                subnets=[n.subnet], gateways=[n.gateway], internal=n.internal,
                                inferred=True, inferred_from=said(n.line, n.command)))
        bridges.append((n.bridge, n.name,
                        ip_interface(f"{n.gateway}/{n.subnet.prefixlen}"),
                        said(n.line, n.command)))
    containers = []
    addresses = _addresses(doc)
    for c in doc.containers:
        net = _network(doc, c)
        name = c.name
        ip = addresses.get((name, net.bridge)) or _next_free(net, addresses.values())
        addresses[(name, net.bridge)] = ip
        veth = f"veth-{name}"
        interfaces.append(HostInterface(name=veth, kind="veth", master=net.bridge, up=True,
                                        inferred=True, inferred_from=said(c.line, c.command)))
        endpoint = Endpoint(network=net.name, bridge=net.bridge, ip=ip,
                            prefix_len=net.subnet.prefixlen,
                            gateway=None if net.internal else net.gateway, host_veth=veth,
                            inferred=True, inferred_from=said(c.line, c.command))
        containers.append(Container(name=name, running=True, endpoints=[endpoint],
                                    published=c.published, inferred=True,
                                    inferred_from=said(c.line, c.command)))
    occupied = {c.endpoints[0].bridge for c in containers}
    routes = [Route(destination=HOST.network, dev="eth0", table="main", proto="kernel",
                    scope="link", src=HOST.ip)]
    for name, network, address, why in bridges:
        interfaces.append(HostInterface(name=name, kind="bridge", up=True,
                                        addresses=[address], inferred=True,
                                        inferred_from=why))
        routes.append(Route(destination=address.network, dev=name, table="main",
                            proto="kernel", scope="link", src=address.ip,
                            linkdown=name not in occupied))
    return Topology(interfaces=interfaces,
                    bridges=[Bridge(name=name, network=network, managed=True, up=True,
                                    addresses=[address], inferred=True, inferred_from=why)
                             for name, network, address, why in bridges],
                    networks=networks, containers=containers, routes=routes, ip_forward=True)


def _network(doc: Doc, c: ContainerSpec) -> NetworkSpec:
    """The network `docker run --network X` names."""
    for n in doc.networks:
        if n.name == c.network:
            return n
    raise ValueError(f"{doc.where}:{c.line}: no network {c.network}")


def _addresses(doc: Doc) -> dict:
    """Container addresses the rules name: a DNAT's target, or a per-port ACCEPT's -d on a
    bridge, keyed by (container, bridge) when a network has one container."""
    found = {}
    text = "\n".join(b.text for b in doc.blocks if b.kind == "iptables_save")
    for c in doc.containers:
        net = _network(doc, c)
        if sum(_network(doc, o) is net for o in doc.containers) != 1:
            continue
        hits = {ip_address(a) for a in re.findall(r"--to-destination ([\d.]+):", text)}
        hits |= {ip_address(a) for a in re.findall(
            rf"-d ([\d.]+)/32 ! -i {re.escape(net.bridge)} -o {re.escape(net.bridge)} ", text)}
        hits = {a for a in hits if a in net.subnet}
        if len(hits) == 1:
            found[(c.name, net.bridge)] = hits.pop()
    return found


def _next_free(net: NetworkSpec, taken) -> object:
    address = net.gateway + 1
    while address in set(taken):
        address += 1
    return address


def facts(doc: Doc) -> Facts:
    """What the walk needs. A table the document does not show is unknown (as a table left out
    of `iptables -L` listings), except mangle: Docker's bridge driver writes mangle rules only
    for SCTP port mappings (CHECKSUM, port_mapping_linux.go) and these scenarios publish TCP,
    in a namespace of their own, so no document shows one and it is empty."""
    topo = topology(doc)
    source = f"{doc.where} (docker commands)"
    # swarm's ingress network is not among the commands: its ipset members stay unknown
    rules = firewall(doc, None if doc.swarm else topo.networks)
    rules.listed = True
    rules.tables.setdefault("mangle", _empty("mangle"))
    return Facts(origin=doc.where, topology=topo, route_source=source, iface_source=source,
                 sysctl_source=f"{doc.backend}doc/{doc.version}/new-daemon.md", all_tables=True,
                 policy_routing=False, firewall=rules)


def _empty(name: str) -> Table:
    table = Table(name)
    for chain in ("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"):
        table.chains[chain] = Chain(chain, "ACCEPT")
    return table


# --- paths -------------------------------------------------------------------------------------

def direct(walker: Walker, client, address, proto: str = "tcp", port: int | None = None):
    """From an outside client straight to an address behind the host (a container's, with no
    NAT), arriving on the interface the host's routes give for the client."""
    route = walker.facts.routes.lookup(client, tables=("main",))

    def send(leg: Leg):
        leg.hop(str(client), "route", f"arrives on {route.dev} for {address}")
        return walker.through_host(leg, Packet(src=client, dst=address, proto=proto, dport=port,
                                               sport=40000 if port else None, iif=route.dev))

    return _path(walker, str(client), str(address), None, address, proto, port, send)
