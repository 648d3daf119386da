"""The report arranged for display: what hangs under what, in a stable order.

Every renderer draws the same picture, so the joins (port → container, unpaired endpoint →
bridge, finding subject → node) are made once here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netparse.analysis.model import (Bridge, Container, Endpoint, Finding, HostInterface,
                                     Inferred, Network, Port, Report, Severity)

INFERRED = "(inferred)"  # the one word every renderer puts beside an inferred object


def inferred(obj: Inferred | None) -> str | None:
    """`(inferred)` for an object known only from references to it, else None."""
    return INFERRED if obj is not None and obj.inferred else None


@dataclass
class Attachment:
    """A container endpoint as drawn under a port or a bridge."""

    name: str
    container: Container | None
    endpoint: Endpoint | None


@dataclass
class PortView:
    port: Port
    attached: Attachment | None


@dataclass
class BridgeView:
    bridge: Bridge
    ports: list[PortView] = field(default_factory=list)
    unpaired: list[Attachment] = field(default_factory=list)


@dataclass
class LooseEndpoint:
    """An endpoint not drawn under any port, with why."""

    container: Container
    endpoint: Endpoint
    bridge: str | None
    reason: str


@dataclass
class InferredItem:
    """An inferred object as listed with the facts it rests on."""

    what: str        # bridge, network, container, endpoint, interface
    name: str
    facts: list[str]


@dataclass
class View:
    report: Report
    bridges: list[BridgeView]
    off_bridge: list[Container]
    loose: list[LooseEndpoint]
    uplink: HostInterface | None
    severity: dict[str, Severity]
    codes: dict[str, list[str]]
    bridge_of_network: dict[str, str]
    inferred: list[InferredItem] = field(default_factory=list)
    interface: dict[str, HostInterface] = field(default_factory=dict)  # host interfaces by name
    network: dict[str, Network] = field(default_factory=dict)          # networks by name
    # The engine's record of the containers' endpoints was read (docker inspect): without it a
    # container with no endpoint is one whose endpoints are not known.
    endpoints_known: bool = True

    def bridge_of(self, ep: Endpoint) -> str | None:
        return ep.bridge or self.bridge_of_network.get(ep.network)

    @property
    def findings(self) -> list[Finding]:
        return sorted_findings(self.report.findings)

    def severity_of(self, *names: str | None) -> Severity | None:
        """Worst severity of the error/warning findings naming any of `names`."""
        found = [self.severity[n] for n in names if n and n in self.severity]
        return min(found, key=lambda s: s.rank) if found else None

    def codes_of(self, *names: str | None) -> list[str]:
        return sorted({c for n in names if n for c in self.codes.get(n, [])})


def sorted_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.severity.rank, f.code, f.subjects, f.message))


def _base(name: str) -> str:
    """`veth15e0a98@if14` → `veth15e0a98`: captures differ on whether the peer suffix is kept."""
    return name.split("@", 1)[0]


def _port_key(port: Port) -> tuple:
    return (port.ifindex is None, port.ifindex or 0, port.name)


def _stopped(container: Container) -> bool:
    return container.running is False


def build(report: Report) -> View:
    topo = report.topology
    containers = sorted(topo.containers, key=lambda c: c.name)
    by_name = {c.name: c for c in containers}

    # Endpoints by the host veth they were paired with.
    by_veth: dict[str, tuple[Container, Endpoint]] = {}
    for c in containers:
        for ep in c.endpoints:
            if ep.host_veth:
                by_veth.setdefault(_base(ep.host_veth), (c, ep))

    # Which bridge an endpoint belongs to, when the endpoint itself does not say.
    bridge_of_network: dict[str, str] = {}
    for net in topo.networks:
        if net.bridge:
            bridge_of_network[net.name] = net.bridge
    for br in topo.bridges:
        if br.network:
            bridge_of_network.setdefault(br.network, br.name)

    drawn: set[int] = set()  # id() of endpoints placed in the tree
    shown: set[str] = set()  # containers placed in the tree
    bridges: list[BridgeView] = []
    bridge_names = {br.name for br in topo.bridges}
    for br in sorted(topo.bridges, key=lambda b: b.name):
        bv = BridgeView(br)
        for port in sorted(br.ports, key=_port_key):
            att = None
            hit = by_veth.get(_base(port.name))
            if hit:
                c, ep = hit
                att = Attachment(c.name, c, ep)
            elif port.container:
                c = by_name.get(port.container)
                ep = None
                if c:
                    ep = next((e for e in c.endpoints if e.bridge == br.name
                               or (port.network and e.network == port.network)), None)
                att = Attachment(port.container, c, ep)
            if att:
                shown.add(att.name)
                if att.endpoint is not None:
                    drawn.add(id(att.endpoint))
            bv.ports.append(PortView(port, att))
        bridges.append(bv)
    by_bridge = {bv.bridge.name: bv for bv in bridges}

    loose: list[LooseEndpoint] = []
    for c in containers:
        for ep in sorted(c.endpoints, key=lambda e: e.network):
            if id(ep) in drawn:
                continue
            bridge = ep.bridge or bridge_of_network.get(ep.network)
            if ep.host_veth:
                reason = (f"paired with {ep.host_veth} ({ep.evidence or 'no evidence'}), "
                          f"which is on no bridge")
            else:
                reason = ep.unpaired_reason or "no host veth found"
            if _stopped(c):
                continue  # listed with the containers off the bridges
            if not ep.host_veth and bridge in bridge_names:
                by_bridge[bridge].unpaired.append(Attachment(c.name, c, ep))
                shown.add(c.name)
            loose.append(LooseEndpoint(c, ep, bridge, reason))

    off_bridge = [c for c in containers if c.name not in shown]

    # Subjects are bare names: with a container among them, `eth0` is that container's eth0,
    # not the host's uplink.
    inner: dict[str, set[str]] = {}
    if report.findings:  # nothing else reads it
        for c in containers:
            names = set(c.inside.interfaces if c.inside else [])
            names |= {e.container_iface for e in c.endpoints if e.container_iface}
            for key in (c.name, c.id, c.id[:12] if c.id else None):
                if key:
                    inner[key] = names
    severity: dict[str, Severity] = {}
    codes: dict[str, list[str]] = {}
    for f in report.findings:
        scoped = set().union(*(inner.get(s, set()) for s in f.subjects)).difference(inner)
        for subject in f.subjects:
            if subject in scoped:
                continue
            codes.setdefault(subject, []).append(f.code)
            if f.severity is Severity.INFO:
                continue
            old = severity.get(subject)
            if old is None or f.severity.rank < old.rank:
                severity[subject] = f.severity

    uplink = next((i for i in topo.interfaces if topo.uplink and i.name == topo.uplink), None)
    interface = {}
    for i in topo.interfaces:
        interface.setdefault(i.name, i)
        interface.setdefault(_base(i.name), i)
    network = {}
    for n in topo.networks:
        network.setdefault(n.name, n)
    known = not any(m.fact == "containers" for n in report.not_run for m in n.missing)
    return View(report, bridges, off_bridge, loose, uplink, severity, codes, bridge_of_network,
                inferred_items(report), interface, network, known)


def inferred_items(report: Report) -> list[InferredItem]:
    """Every inferred object of the report, with its facts, in a stable order."""
    topo = report.topology
    # Picked before they are sorted: few of thousands are inferred, and the sort is stable.
    items = [InferredItem("interface", i.name, i.inferred_from)
             for i in sorted([i for i in topo.interfaces if i.inferred], key=lambda i: i.name)]
    items += [InferredItem("bridge", b.name, b.inferred_from)
              for b in sorted([b for b in topo.bridges if b.inferred], key=lambda b: b.name)]
    items += [InferredItem("network", n.name, n.inferred_from)
              for n in sorted([n for n in topo.networks if n.inferred], key=lambda n: n.name)]
    containers = sorted(topo.containers, key=lambda c: c.name)
    items += [InferredItem("container", c.name, c.inferred_from) for c in containers if c.inferred]
    items += [InferredItem("endpoint", f"{c.name} on {ep.network}", ep.inferred_from)
              for c in containers
              for ep in sorted([e for e in c.endpoints if e.inferred], key=lambda e: e.network)]
    return items


def off_bridge_reason(c: Container, endpoints_known: bool = True) -> str:
    """Why a container is not drawn under a bridge."""
    if _stopped(c):
        return f"not running ({c.state or 'stopped'})"
    mode = c.network_mode or ""
    if mode in ("host", "none") or mode.startswith("container:"):
        return f"network mode {mode}"
    if not c.endpoints:
        return "no network endpoint" if endpoints_known else \
            "its endpoints are not known (docker inspect not read)"
    veths = sorted(e.host_veth for e in c.endpoints if e.host_veth)
    if veths:
        return f"its veth {', '.join(veths)} is on no bridge"
    return "no endpoint on a known bridge"
