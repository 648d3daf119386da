"""The host's topology as a graph of nodes and edges, shared by the DOT and Mermaid renderers."""

from __future__ import annotations

from dataclasses import dataclass, field

from netparse.analysis.model import Container, Report, Severity
from netparse.render.view import INFERRED, Attachment, View, build, off_bridge_reason
from netparse.render.visible import visible_model


@dataclass
class Node:
    key: str          # unique: "<role>:<name>"
    role: str         # host, uplink, bridge, port, container
    lines: list[str]  # label, first line is the name
    severity: Severity | None = None
    codes: list[str] = field(default_factory=list)
    muted: bool = False  # stopped or missing: drawn dashed
    inferred: bool = False  # known only from references: its second line says "(inferred)"


@dataclass
class Edge:
    src: str
    dst: str
    label: str = ""
    dashed: bool = False


@dataclass
class Graph:
    title: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


def _addr(att: Attachment) -> list[str]:
    """Addresses of the container: all its endpoints, so a node drawn once reads the same."""
    endpoints = sorted(att.container.endpoints, key=lambda e: e.network) if att.container else []
    if not endpoints and att.endpoint is not None:
        endpoints = [att.endpoint]
    lines = []
    for ep in endpoints:
        ip = None
        if ep.ip is not None:
            ip = f"{ep.ip}/{ep.prefix_len}" if ep.prefix_len is not None else str(ep.ip)
        mark = f" {INFERRED}" if ep.inferred else ""
        if len(endpoints) > 1:
            lines.append(f"{ep.network}: {ip or 'no address'}{mark}")
        else:
            lines += [x for x in (ip, ep.mac) if x]
            if mark:
                lines.append(f"endpoint{mark}")
    return lines


def build_graph(report: Report) -> Graph:
    report = visible_model(report)  # names as they print: no control character reaches a label
    view: View = build(report)
    topo = report.topology
    g = Graph(report.origin)
    seen: set[str] = set()

    def node(key: str, role: str, lines: list[str], names: list[str | None], muted: bool = False,
             inferred: bool = False):
        if key in seen:
            return
        seen.add(key)
        if inferred:
            lines = [lines[0], INFERRED, *lines[1:]]
        g.nodes.append(Node(key, role, lines, view.severity_of(*names), view.codes_of(*names),
                            muted, inferred))

    def container(c: Container | None, name: str, extra: list[str]) -> str:
        key = f"container:{name}"
        ids = [c.id, c.id[:12]] if c is not None and c.id else []
        muted = c is None or c.running is False
        state = [] if c is None or c.running is not False else [c.state or "stopped"]
        if any(x in line for x in state for line in extra):
            state = []
        node(key, "container", [name, *extra, *state], [name, *ids], muted,
             c is not None and c.inferred)
        return key

    host_lines = ["host"]
    if topo.ip_forward is False:
        host_lines.append("ip_forward off")
    node("host", "host", host_lines, ["host"])
    if topo.uplink:
        up = view.uplink
        lines = [topo.uplink, "uplink"] + ([str(a) for a in up.addresses] if up else [])
        node(f"uplink:{topo.uplink}", "uplink", lines, [topo.uplink],
             inferred=up is not None and up.inferred)
        g.edges.append(Edge("host", f"uplink:{topo.uplink}", "default route"))

    for bv in view.bridges:
        b = bv.bridge
        bkey = f"bridge:{b.name}"
        lines = [b.name]
        if b.network:
            net = view.network.get(b.network)
            lines.append(f"network {b.network}" + (f" {INFERRED}" if net and net.inferred else ""))
        lines += [str(a) for a in b.addresses]
        state = b.state or ("up" if b.up else "down" if b.up is False else None)
        lines.append(" ".join(x for x in (state, f"MTU {b.mtu}" if b.mtu else None) if x)
                     or "state unknown")
        if not b.managed:
            lines.append("not managed by Docker")
        node(bkey, "bridge", lines, [b.name, b.network, *(str(a.network) for a in b.addresses)],
             muted=b.up is False, inferred=b.inferred)
        g.edges.append(Edge("host", bkey))
        for pv in bv.ports:
            p = pv.port
            pkey = f"port:{p.name}"
            lines = [p.name]
            if p.ifindex is not None or p.peer_ifindex is not None:
                lines.append(f"if{p.ifindex if p.ifindex is not None else '?'}"
                             f" ↔ if{p.peer_ifindex if p.peer_ifindex is not None else '?'}")
            if p.up is not None:
                lines.append("up" if p.up else "down")
            iface = view.interface.get(p.name) or view.interface.get(p.name.split("@")[0])
            node(pkey, "port", lines, [p.name, p.name.split("@")[0]], muted=p.up is False,
                 inferred=iface is not None and iface.inferred)
            g.edges.append(Edge(bkey, pkey))
            if pv.attached:
                att = pv.attached
                ckey = container(att.container, att.name, _addr(att))
                ep = att.endpoint
                g.edges.append(Edge(pkey, ckey, ep.evidence.value if ep and ep.evidence else ""))
        for att in sorted(bv.unpaired, key=lambda a: a.name):
            ckey = container(att.container, att.name, _addr(att))
            g.edges.append(Edge(bkey, ckey, "unpaired", dashed=True))

    # A container paired with a veth that is on no bridge: draw the veth, cut from its bridge.
    interfaces = {i.name: i for i in topo.interfaces}
    for le in view.loose:
        veth = le.endpoint.host_veth
        if not veth:
            continue
        pkey = f"port:{veth}"
        iface = interfaces.get(veth)
        lines = [veth]
        if iface is not None and (iface.ifindex is not None or iface.peer_ifindex is not None):
            lines.append(f"if{iface.ifindex if iface.ifindex is not None else '?'}"
                         f" ↔ if{iface.peer_ifindex if iface.peer_ifindex is not None else '?'}")
        lines.append("on no bridge")
        node(pkey, "port", lines, [veth], muted=True, inferred=iface is not None and iface.inferred)
        att = Attachment(le.container.name, le.container, le.endpoint)
        ckey = container(le.container, le.container.name, _addr(att))
        ev = le.endpoint.evidence
        g.edges.append(Edge(pkey, ckey, ev.value if ev else ""))
        if le.bridge and f"bridge:{le.bridge}" in seen:
            g.edges.append(Edge(f"bridge:{le.bridge}", pkey, "not attached", dashed=True))

    seen_bridges = {bv.bridge.name for bv in view.bridges}
    for c in view.off_bridge:
        ckey = container(c, c.name, [off_bridge_reason(c, view.endpoints_known)])
        if c.network_mode == "host":
            g.edges.append(Edge("host", ckey, "host network", dashed=True))
        elif c.running is False:
            bridges = sorted({b for ep in c.endpoints if (b := view.bridge_of(ep))} & seen_bridges)
            g.edges += [Edge(f"bridge:{b}", ckey, "not running", dashed=True) for b in bridges]
    return g
