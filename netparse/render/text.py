"""The report as text for a support engineer: header, host tree, loose ends, the objects
inferred from references (with the facts they rest on), findings, and the checks the captures
did not allow."""

from __future__ import annotations

import io
import os
import re
import shutil
import sys
from collections import Counter

from netparse.analysis.model import Container, Endpoint, Report, Severity
from netparse.snapshot import SourceStatus
from netparse.render.plain import Grid, Indented, PlainOut, PlainText, cell_len
from netparse.render.view import (Attachment, BridgeView, PortView, View, build, inferred,
                                  off_bridge_reason)
from netparse.render.visible import visible_model

DEFAULT_WIDTH = 100
_ANSI = re.compile(r"\x1b\[[0-9;]*m")

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow",
                  Severity.INFO: "cyan"}
STATUS_STYLE = {SourceStatus.PARSED: "green", SourceStatus.PARTIAL: "yellow",
                SourceStatus.FAILED: "bold red", SourceStatus.IGNORED: "dim"}


class _Kit:
    """What the report's pieces are made with: rich's styled text and grids when coloured,
    plain strings laid out the same way when not (netparse.render.plain), so that rich is
    imported only for colour or for what must be wrapped."""

    def __init__(self, width: int, color: bool):
        self.color = color
        self.width = width
        if color:
            from rich.console import Console
            from rich.text import Text

            # markup/emoji/highlight off: names come from captures and must print as they
            # are. Eight colours are all the report uses, and they work on any terminal. A
            # height too, or rich ignores the width on a dumb terminal.
            self.console = Console(file=io.StringIO(), force_terminal=True, no_color=False,
                                   color_system="standard", width=width, height=50,
                                   markup=False, emoji=False, highlight=False,
                                   legacy_windows=False, soft_wrap=False)
            self.Text = Text
        else:
            self.console = PlainOut(width)
            self.Text = PlainText

    def wrap(self, text, width: int) -> list:
        """`text`'s lines folded at `width` cells."""
        if self.color:
            plain = text.plain
            if "\n" not in plain and "\t" not in plain and text.cell_len <= width:
                return [text]  # what rich's wrap makes of a line that fits: the line
            return text.wrap(self.console, width, overflow="fold")
        return self.console.wrap(text.plain, width)

    def grid(self, columns: int):
        """Borderless columns; the last one wraps with a hanging indent and never truncates."""
        if not self.color:
            return Grid(columns)
        from rich.table import Table

        grid = Table.grid(padding=(0, 2))
        for i in range(columns):
            last = i == columns - 1
            grid.add_column(no_wrap=not last, overflow="fold")
        return grid

    def indent(self, grid):
        if not self.color:
            return Indented(grid)
        from rich.padding import Padding

        return Padding(grid, (0, 0, 0, 2))

    def print(self, part=None) -> None:
        if part is None:
            self.console.print()
        else:
            self.console.print(part)

    def output(self) -> str:
        return (self.console.file if self.color else self.console.out).getvalue()


def render_text(report: Report, *, color: bool | None = None, width: int | None = None) -> str:
    """The report as text; ANSI colour when `color` (default: when stdout is a terminal)."""
    tty = sys.stdout.isatty()
    if color is None:
        # NO_COLOR (no-color.org) turns off all styling, not only the colours.
        color = tty and os.environ.get("TERM") != "dumb" and not os.environ.get("NO_COLOR")
    if width is None:
        width = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns if tty else DEFAULT_WIDTH
    kit = _Kit(width, bool(color))
    # The host's routes are not drawn: left out here, they need no escaping (a large host has
    # tens of thousands).
    shown = report.model_copy(update={
        "topology": report.topology.model_copy(update={"routes": []})})
    view = build(visible_model(shown))  # every string below comes from here, escaped
    for block in (_header(kit, view), [_flat(kit, _tree(kit, view))], _off_bridge(kit, view),
                  _loose(kit, view), _inferred(kit, view), _findings(kit, view),
                  _not_run(kit, report)):
        if block is not None:
            for part in block:
                kit.print(part)
            kit.print()
    text = kit.output().rstrip("\n") + "\n"
    # Table cells are padded to the column width; the padding is noise in a pasted report.
    return "\n".join([_end_stripped(line) if line.endswith((" ", "\t", "m")) else line
                      for line in text.split("\n")])


def _end_stripped(line: str) -> str:
    """`line` without the spaces and tabs at its end, keeping the colour codes among them."""
    codes = []
    while True:
        line = line.rstrip(" \t")
        start = line.rfind("\x1b[")
        if start < 0 or not _ANSI.fullmatch(line, start):
            return line + "".join(reversed(codes))
        codes.append(line[start:])
        line = line[:start]


def _origin_prefix(report: Report) -> str | None:
    origin = report.origin.rstrip("/")
    return origin + "/" if origin and origin not in ("-", "<stdin>") else None


def view_path(prefix: str | None, path: str) -> str:
    """A source's path below the origin (`_origin_prefix`), which the header already names."""
    return path[len(prefix):] if prefix and path.startswith(prefix) else path


def _shorten(report: Report, line: str) -> str:
    prefix = _origin_prefix(report)
    if not prefix:
        return line
    return re.sub(rf"(?<![\w./-]){re.escape(prefix)}", "", line)


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _join(kit: _Kit, *parts, sep: str = " · "):
    parts = [p for p in parts if p]
    if not kit.color:  # no style to keep: the characters joined at once
        return PlainText(sep.join([p if type(p) is str else p.plain for p in parts]))
    out = kit.Text()
    for part in parts:
        if out:
            out.append(sep, style="dim")
        out.append(part)
    return out


def _updown(kit: _Kit, up: bool | None):
    if up is None:
        return None
    return kit.Text("up", style="green") if up else kit.Text("down", style="bold red")


def _flag(kit: _Kit, view: View, *names: str | None):
    """A marker for nodes named by an error/warning finding, with its codes."""
    sev = view.severity_of(*names)
    if sev is None:
        return None
    return kit.Text(f"[{sev.value}: {', '.join(view.codes_of(*names))}]",
                    style=SEVERITY_STYLE[sev])


def _columns(kit: _Kit, rows: list):
    """The rows as `kit.grid(3)` lays them out, indented by 2, without a Table: a grid of
    thousands of rows is most of the time of a large report. None when the first two columns
    leave the last too little room, where the grid would shrink them instead."""
    first = max((r[0].cell_len for r in rows), default=0)
    second = max((cell_len(r[1]) for r in rows), default=0)
    lead = 2 + first + 2 + second + 2
    room = kit.width - lead
    if room < max(20, kit.width // 3):
        return None
    out = kit.Text()
    gap = " " * (lead - 2)
    for status, kind, where in rows:
        lines = kit.wrap(where, room) if where.cell_len > room or "\n" in where.plain \
            else [where]
        out.append("  ")
        out.append(status.plain + " " * (first - status.cell_len), style=status.style)
        out.append("  " + kind + " " * (second - cell_len(kind) + 2))
        for i, line in enumerate(lines):
            if i:
                out.append("\n  " + gap)
            out.append(line)
        out.append("\n")
    out.rstrip()
    out.no_wrap = True  # every line already fits: printing need not wrap it again
    return out


def _header(kit: _Kit, view: View) -> list:
    Text = kit.Text
    report = view.report
    topo = report.topology
    t = Text()
    t.append("netparse report", style="bold")
    t.append(f" (schema {report.schema_version})\n", style="dim")
    t.append("Origin: ", style="bold")
    t.append(report.origin + "\n")
    if report.partial:
        t.append("Partial: some captures could not be parsed; the report goes on without them\n",
                 style="bold red")

    statuses = Counter(s.status for s in report.sources)
    summary = ", ".join(f"{statuses[s]} {s.value}" for s in SourceStatus if statuses[s])
    t.append(f"Sources ({len(report.sources)}{': ' + summary if summary else ''})", style="bold")
    rows = []
    prefix = _origin_prefix(report)
    for s in sorted(report.sources, key=lambda s: (s.path, s.container or "")):
        where = Text(view_path(prefix, s.path))
        if s.container:
            where.append(f"  (inside {s.container})", style="dim")
        if s.command:
            where.append(f"  $ {s.command}", style="dim")
        loud = s.status in (SourceStatus.PARTIAL, SourceStatus.FAILED)
        for message in s.messages:
            where.append("\n")
            where.append(message, style=STATUS_STYLE[s.status] if loud else "dim")
        rows.append((Text(s.status.value, style=STATUS_STYLE[s.status]), s.kind or "-", where))
    grid = _columns(kit, rows)
    if grid is None:
        grid = kit.grid(3)
        for row in rows:
            grid.add_row(*row)
        grid = kit.indent(grid)

    counts = Text()
    ports = sum(len(b.ports) for b in topo.bridges)
    endpoints = [e for c in topo.containers for e in c.endpoints]
    paired = sum(1 for e in endpoints if e.host_veth)
    running = sum(1 for c in topo.containers if c.running)
    sev = Counter(f.severity for f in report.findings)
    counts.append("Counts: ", style="bold")
    counts.append(", ".join([
        _plural(len(topo.bridges), "bridge"), _plural(ports, "port"),
        f"{_plural(len(topo.containers), 'container')} ({running} running)",
        _plural(len(topo.networks), "network"),
        f"{_plural(len(endpoints), 'endpoint')} ({paired} paired, "
        f"{len(endpoints) - paired} unpaired)",
    ]))
    counts.append("\nFindings: ", style="bold")
    for i, s in enumerate(Severity):
        if i:
            counts.append(", ")
        counts.append(_plural(sev[s], s.value, "info" if s is Severity.INFO else None),
                      style=SEVERITY_STYLE[s] if sev[s] else None)
    return [t, grid, counts]


def _endpoint_facts(ep: Endpoint | None) -> list[str]:
    if ep is None:
        return []
    facts = []
    if ep.ip is not None:
        facts.append(f"{ep.ip}/{ep.prefix_len}" if ep.prefix_len is not None else str(ep.ip))
    if ep.ipv6 is not None:
        facts.append(str(ep.ipv6))
    if ep.mac:
        facts.append(ep.mac)
    return facts


def _container_label(kit: _Kit, view: View, att: Attachment, *, paired: bool):
    Text = kit.Text
    c, ep = att.container, att.endpoint
    label = Text.assemble(("container ", "dim"), (att.name, "bold"))
    extra: list = [inferred(c), *_endpoint_facts(ep)]
    if ep is not None and ep.inferred:
        extra.append("endpoint (inferred)")
    if c is None:
        extra.append(Text("not in docker inspect or docker ps", style="yellow"))
    elif c.running is False:
        extra.append(Text(c.state or "stopped", style="yellow"))
    if ep is not None and ep.network and not paired:
        extra.append(f"network {ep.network}")
    if paired:
        evidence = ep.evidence if ep is not None else None
        how = f"by {evidence.value}" if evidence else "(no evidence recorded)"
        extra.append(Text(f"paired {how}", style="green"))
    else:
        reason = (ep.unpaired_reason if ep is not None else None) or "no host veth found"
        extra.append(Text(f"unpaired: {reason}", style="yellow"))
    names = [att.name] + ([c.id, c.id[:12]] if c is not None and c.id else [])
    extra.append(_flag(kit, view, *names))
    return _join(kit, label, _join(kit, *extra)) if extra else label


class _Node:
    """A node of the host tree: a label and the nodes under it (drawn by `_flat`)."""

    __slots__ = ("label", "children")

    def __init__(self, label):
        self.label = label
        self.children: list[_Node] = []

    def add(self, label) -> _Node:
        node = _Node(label)
        self.children.append(node)
        return node


def _port_node(kit: _Kit, view: View, pv: PortView, parent: _Node) -> None:
    p = pv.port
    label = kit.Text.assemble(("port ", "dim"), (p.name, "bold"))
    index = None
    if p.ifindex is not None or p.peer_ifindex is not None:
        index = (f"ifindex {p.ifindex if p.ifindex is not None else '?'}"
                 f" ↔ peer {p.peer_ifindex if p.peer_ifindex is not None else '?'}")
    iface = view.interface.get(p.name) or view.interface.get(p.name.split("@")[0])
    node = parent.add(_join(kit, label, _join(kit, inferred(iface), index, _updown(kit, p.up),
                                              f"MTU {p.mtu}" if p.mtu else None,
                                              _flag(kit, view, p.name, p.name.split("@")[0]))))
    if pv.attached:
        node.add(_container_label(kit, view, pv.attached, paired=True))
    else:
        node.add(kit.Text("no container paired", style="yellow"))


def _bridge_node(kit: _Kit, view: View, bv: BridgeView, parent: _Node) -> None:
    Text = kit.Text
    b = bv.bridge
    label = Text.assemble(("bridge ", "dim"), (b.name, "bold"))
    subnets = [str(a.network) for a in b.addresses]
    network = view.network.get(b.network) if b.network else None
    facts = _join(
        kit,
        inferred(b),
        " ".join(x for x in ("network", b.network, inferred(network)) if x) if b.network else None,
        Text(b.state, style="green" if b.state == "UP" else "yellow") if b.state else None,
        Text("admin down", style="bold red") if b.up is False else None,
        # No carrier is normal for a bridge without ports.
        Text("no carrier", style="yellow" if b.ports else "dim") if b.carrier is False else None,
        f"MTU {b.mtu}" if b.mtu else None,
        ", ".join(str(a) for a in b.addresses) or None,
        "managed by Docker" if b.managed else Text("not managed by Docker", style="dim"),
        _flag(kit, view, b.name, b.network, *subnets),
    )
    node = parent.add(_join(kit, label, facts))
    for pv in bv.ports:
        _port_node(kit, view, pv, node)
    if not bv.ports:
        node.add(Text("no ports", style="dim"))
    for att in sorted(bv.unpaired, key=lambda a: a.name):
        node.add(_container_label(kit, view, att, paired=False))


def _tree(kit: _Kit, view: View) -> _Node:
    Text = kit.Text
    topo = view.report.topology
    label = Text("host", style="bold")
    facts: list = []
    if topo.uplink:
        addresses = ", ".join(str(a) for a in view.uplink.addresses) if view.uplink else ""
        uplink = " ".join(x for x in ("uplink", topo.uplink, inferred(view.uplink)) if x)
        facts.append(uplink + (f" ({addresses})" if addresses else ""))
    else:
        facts.append(Text("no default route", style="yellow"))
    if topo.ip_forward is not None:
        facts.append(Text("ip_forward on", style="green") if topo.ip_forward
                     else Text("ip_forward off", style="bold red"))
    facts.append(_flag(kit, view, "host", topo.uplink))
    tree = _Node(_join(kit, label, _join(kit, *facts)))
    for bv in view.bridges:
        _bridge_node(kit, view, bv, tree)
    if not view.bridges:
        tree.add(Text("no bridges captured", style="dim"))
    return tree


_SPACE, _CONTINUE, _FORK, _END = "    ", "│   ", "├── ", "└── "
_GUIDE_STYLE = "dim"


def _flat(kit: _Kit, tree: _Node):
    """The tree as rich's Tree draws it (same guides, same wrapping of each label), as one
    text: rich renders a Tree node by node, which takes most of the time of a report of
    thousands of ports."""
    out = kit.Text()

    def walk(node: _Node, guides: list[str], last: bool) -> None:
        for i, line in enumerate(kit.wrap(node.label, kit.width - 4 * len(guides))):
            for guide in guides:
                out.append(guide, style=_GUIDE_STYLE)
            out.append(line)
            out.append("\n")
            if i == 0 and guides:
                guides = [*guides[:-1], _SPACE if last else _CONTINUE]
        for j, child in enumerate(node.children):
            end = j == len(node.children) - 1
            walk(child, [*guides, _END if end else _FORK], end)

    walk(tree, [], True)
    out.rstrip()
    out.no_wrap = True  # every line already fits: printing need not wrap it again
    return out


def _container_facts(kit: _Kit, c: Container, reason: str) -> list[str]:
    facts = [inferred(c)] if c.inferred else []
    if c.network_mode and c.network_mode not in reason:
        facts.append(f"mode {c.network_mode}")
    if c.state and c.state not in reason:
        facts.append(c.state)
    if c.image:
        # An image id in full is 71 characters of noise; docker shows 12 hex digits too.
        image = re.sub(r"^(sha256:[0-9a-f]{12})[0-9a-f]{52}$", r"\1", c.image)
        facts.append(f"image {image}")
    for ep in sorted(c.endpoints, key=lambda e: e.network):
        bits = [ep.network] + _endpoint_facts(ep) + ([inferred(ep)] if ep.inferred else [])
        if ep.unpaired_reason:
            bits.append(f"unpaired: {ep.unpaired_reason}")
        facts.append(" ".join(bits))
    return facts


def _off_bridge(kit: _Kit, view: View) -> list | None:
    if not view.off_bridge:
        return None
    Text = kit.Text
    grid = kit.grid(2)
    for c in view.off_bridge:
        reason = off_bridge_reason(c, view.endpoints_known)
        body = Text.assemble((reason, "yellow"))
        for fact in _container_facts(kit, c, reason):
            body.append(" · ", style="dim")
            body.append(fact)
        flag = _flag(kit, view, c.name, c.id, c.id[:12] if c.id else None)
        if flag:
            body.append(" ")
            body.append(flag)
        grid.add_row(Text(c.name, style="bold"), body)
    title = "Containers on no bridge" if view.endpoints_known else \
        "Containers on no known bridge"
    return [Text(f"{title} ({len(view.off_bridge)})", style="bold"), kit.indent(grid)]


def _loose(kit: _Kit, view: View) -> list | None:
    if not view.loose:
        return None
    Text = kit.Text
    grid = kit.grid(2)
    for le in view.loose:
        body = Text(f"on {le.endpoint.network}" + (f" ({le.bridge})" if le.bridge else ""))
        facts = _endpoint_facts(le.endpoint) + ([inferred(le.endpoint)] if le.endpoint.inferred
                                                else [])
        if facts:
            body.append(" · ", style="dim")
            body.append(" ".join(facts))
        body.append(" · ", style="dim")
        body.append(le.reason, style="yellow")
        grid.add_row(Text(le.container.name, style="bold"), body)
    return [Text(f"Unpaired endpoints ({len(view.loose)})", style="bold"), kit.indent(grid)]


def _inferred(kit: _Kit, view: View) -> list | None:
    """Each inferred object with the facts it was inferred from, one to a line."""
    if not view.inferred:
        return None
    Text = kit.Text
    grid = kit.grid(2)
    for item in view.inferred:
        body = Text()
        for i, fact in enumerate(item.facts or ["no fact recorded"]):
            if i:
                body.append("\n")
            body.append(f"- {_shorten(view.report, fact)}", style="dim" if item.facts else "yellow")
        grid.add_row(Text.assemble((f"{item.what} ", "dim"), (item.name, "bold")), body)
    return [Text(f"Inferred from references ({len(view.inferred)})", style="bold"),
            kit.indent(grid)]


def _findings(kit: _Kit, view: View) -> list:
    Text = kit.Text
    findings = view.findings
    head = Text(f"Findings ({len(findings)})", style="bold")
    if not findings:
        return [head, _indent_text(kit, Text("no faults found", style="green"))]
    grid = kit.grid(2)
    for f in findings:
        body = Text.assemble((f.code, "bold"))
        if f.subjects:
            body.append(f"  [{', '.join(f.subjects)}]")
        body.append(f"\n{f.message}")
        for line in f.evidence:
            body.append(f"\n- {_shorten(view.report, line)}", style="dim")
        if f.hint:
            body.append("\nhint: ", style="bold")
            body.append(f.hint)
        grid.add_row(Text(f.severity.value.upper(), style=SEVERITY_STYLE[f.severity]), body)
    return [head, kit.indent(grid)]


def _indent_text(kit: _Kit, text):
    """`text` indented by 2, as Padding draws it."""
    if kit.color:
        return kit.indent(text)
    grid = Grid(1)
    grid.add_row(text)
    return Indented(grid)


def _not_run(kit: _Kit, report: Report) -> list | None:
    if not report.not_run:
        return None
    Text = kit.Text
    grid = kit.grid(2)
    for n in report.not_run:
        needs = "; ".join(f"{m.fact} ({' or '.join(m.captures)})" for m in n.missing)
        grid.add_row(Text(n.code, style="bold"), Text(f"needs {needs}", style="dim"))
    return [Text(f"Checks not run ({len(report.not_run)})", style="bold"), kit.indent(grid)]
