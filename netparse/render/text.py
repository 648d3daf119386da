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

from rich.cells import cell_len
from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from netparse.analysis.model import Container, Endpoint, Report, Severity
from netparse.snapshot import SourceStatus
from netparse.render.view import (Attachment, BridgeView, PortView, View, build, inferred,
                                  off_bridge_reason)
from netparse.render.visible import visible_model

DEFAULT_WIDTH = 100
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_TRAILING = re.compile(r"(?:[ \t]|\x1b\[[0-9;]*m)+$", re.M)

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow",
                  Severity.INFO: "cyan"}
STATUS_STYLE = {SourceStatus.PARSED: "green", SourceStatus.PARTIAL: "yellow",
                SourceStatus.FAILED: "bold red", SourceStatus.IGNORED: "dim"}


def render_text(report: Report, *, color: bool | None = None, width: int | None = None) -> str:
    """The report as text; ANSI colour when `color` (default: when stdout is a terminal)."""
    tty = sys.stdout.isatty()
    if color is None:
        # NO_COLOR (no-color.org) turns off all styling, not only the colours.
        color = tty and os.environ.get("TERM") != "dumb" and not os.environ.get("NO_COLOR")
    if width is None:
        width = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns if tty else DEFAULT_WIDTH
    out = io.StringIO()
    # markup/emoji/highlight off: names come from captures and must print as they are.
    # Eight colours are all the report uses, and they work on any terminal. A height too, or
    # rich ignores the width on a dumb terminal.
    console = Console(file=out, force_terminal=color, no_color=False,
                      color_system="standard" if color else None, width=width, height=50,
                      markup=False, emoji=False, highlight=False, legacy_windows=False,
                      soft_wrap=False)
    view = build(visible_model(report))  # every string below comes from here, escaped
    for block in (_header(view, console), _flat(_tree(view), console), _off_bridge(view),
                  _loose(view), _inferred(view), _findings(view), _not_run(report)):
        if block is not None:
            for part in block.renderables if isinstance(block, Group) else (block,):
                if not color and isinstance(part, Text) and part.no_wrap:
                    # Laid out already: without styles, rich would only copy it, slowly.
                    out.write(part.plain + "\n")
                else:
                    console.print(part)
            console.print()
    text = out.getvalue().rstrip("\n") + "\n"
    # Table cells are padded to the column width; the padding is noise in a pasted report.
    return _TRAILING.sub(lambda m: "".join(_ANSI.findall(m.group())), text)


def _origin_prefix(report: Report) -> str | None:
    origin = report.origin.rstrip("/")
    return origin + "/" if origin and origin not in ("-", "<stdin>") else None


def view_path(report: Report, path: str) -> str:
    """A source's path below the origin, which the header already names."""
    prefix = _origin_prefix(report)
    return path[len(prefix):] if prefix and path.startswith(prefix) else path


def _shorten(report: Report, line: str) -> str:
    prefix = _origin_prefix(report)
    if not prefix:
        return line
    return re.sub(rf"(?<![\w./-]){re.escape(prefix)}", "", line)


def _grid(columns: int) -> Table:
    """Borderless columns; the last one wraps with a hanging indent and never truncates."""
    grid = Table.grid(padding=(0, 2))
    for i in range(columns):
        last = i == columns - 1
        grid.add_column(no_wrap=not last, overflow="fold")
    return grid


def _indent(renderable) -> Padding:
    return Padding(renderable, (0, 0, 0, 2))


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _join(*parts: str | Text | None, sep: str = " · ") -> Text:
    out = Text()
    for part in [p for p in parts if p]:
        if out:
            out.append(sep, style="dim")
        out.append(part)
    return out


def _updown(up: bool | None) -> Text | None:
    if up is None:
        return None
    return Text("up", style="green") if up else Text("down", style="bold red")


def _flag(view: View, *names: str | None) -> Text | None:
    """A marker for nodes named by an error/warning finding, with its codes."""
    sev = view.severity_of(*names)
    if sev is None:
        return None
    return Text(f"[{sev.value}: {', '.join(view.codes_of(*names))}]", style=SEVERITY_STYLE[sev])


def _columns(rows: list[tuple[Text, str, Text]], console: Console) -> Text | None:
    """The rows as `_grid(3)` lays them out, indented by 2, without a Table: a grid of
    thousands of rows is most of the time of a large report. None when the first two columns
    leave the last too little room, where the grid would shrink them instead."""
    first = max((r[0].cell_len for r in rows), default=0)
    second = max((cell_len(r[1]) for r in rows), default=0)
    lead = 2 + first + 2 + second + 2
    room = console.width - lead
    if room < max(20, console.width // 3):
        return None
    out = Text()
    gap = " " * (lead - 2)
    for status, kind, where in rows:
        lines = where.wrap(console, room, overflow="fold") if where.cell_len > room or \
            "\n" in where.plain else [where]
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


def _header(view: View, console: Console | None = None) -> Group:
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
    for s in sorted(report.sources, key=lambda s: (s.path, s.container or "")):
        where = Text(view_path(report, s.path))
        if s.container:
            where.append(f"  (inside {s.container})", style="dim")
        if s.command:
            where.append(f"  $ {s.command}", style="dim")
        loud = s.status in (SourceStatus.PARTIAL, SourceStatus.FAILED)
        for message in s.messages:
            where.append("\n")
            where.append(message, style=STATUS_STYLE[s.status] if loud else "dim")
        rows.append((Text(s.status.value, style=STATUS_STYLE[s.status]), s.kind or "-", where))
    grid = _columns(rows, console) if console is not None else None
    if grid is None:
        grid = _grid(3)
        for row in rows:
            grid.add_row(*row)

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
    return Group(t, grid if isinstance(grid, Text) else _indent(grid), counts)


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


def _container_label(view: View, att: Attachment, *, paired: bool) -> Text:
    c, ep = att.container, att.endpoint
    label = Text.assemble(("container ", "dim"), (att.name, "bold"))
    extra: list[str | Text | None] = [inferred(c), *_endpoint_facts(ep)]
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
    extra.append(_flag(view, *names))
    return _join(label, _join(*extra)) if extra else label


def _port_node(view: View, pv: PortView, parent: Tree) -> None:
    p = pv.port
    label = Text.assemble(("port ", "dim"), (p.name, "bold"))
    index = None
    if p.ifindex is not None or p.peer_ifindex is not None:
        index = (f"ifindex {p.ifindex if p.ifindex is not None else '?'}"
                 f" ↔ peer {p.peer_ifindex if p.peer_ifindex is not None else '?'}")
    iface = view.interface.get(p.name) or view.interface.get(p.name.split("@")[0])
    node = parent.add(_join(label, _join(inferred(iface), index, _updown(p.up),
                                         f"MTU {p.mtu}" if p.mtu else None,
                                         _flag(view, p.name, p.name.split("@")[0]))))
    if pv.attached:
        node.add(_container_label(view, pv.attached, paired=True))
    else:
        node.add(Text("no container paired", style="yellow"))


def _bridge_node(view: View, bv: BridgeView, parent: Tree) -> None:
    b = bv.bridge
    label = Text.assemble(("bridge ", "dim"), (b.name, "bold"))
    subnets = [str(a.network) for a in b.addresses]
    network = view.network.get(b.network) if b.network else None
    facts = _join(
        inferred(b),
        " ".join(x for x in ("network", b.network, inferred(network)) if x) if b.network else None,
        Text(b.state, style="green" if b.state == "UP" else "yellow") if b.state else None,
        Text("admin down", style="bold red") if b.up is False else None,
        # No carrier is normal for a bridge without ports.
        Text("no carrier", style="yellow" if b.ports else "dim") if b.carrier is False else None,
        f"MTU {b.mtu}" if b.mtu else None,
        ", ".join(str(a) for a in b.addresses) or None,
        "managed by Docker" if b.managed else Text("not managed by Docker", style="dim"),
        _flag(view, b.name, b.network, *subnets),
    )
    node = parent.add(_join(label, facts))
    for pv in bv.ports:
        _port_node(view, pv, node)
    if not bv.ports:
        node.add(Text("no ports", style="dim"))
    for att in sorted(bv.unpaired, key=lambda a: a.name):
        node.add(_container_label(view, att, paired=False))


def _tree(view: View) -> Tree:
    topo = view.report.topology
    label = Text("host", style="bold")
    facts: list[str | Text | None] = []
    if topo.uplink:
        addresses = ", ".join(str(a) for a in view.uplink.addresses) if view.uplink else ""
        uplink = " ".join(x for x in ("uplink", topo.uplink, inferred(view.uplink)) if x)
        facts.append(uplink + (f" ({addresses})" if addresses else ""))
    else:
        facts.append(Text("no default route", style="yellow"))
    if topo.ip_forward is not None:
        facts.append(Text("ip_forward on", style="green") if topo.ip_forward
                     else Text("ip_forward off", style="bold red"))
    facts.append(_flag(view, "host", topo.uplink))
    tree = Tree(_join(label, _join(*facts)), guide_style="dim")
    for bv in view.bridges:
        _bridge_node(view, bv, tree)
    if not view.bridges:
        tree.add(Text("no bridges captured", style="dim"))
    return tree


_SPACE, _CONTINUE, _FORK, _END = "    ", "│   ", "├── ", "└── "


def _flat(tree: Tree, console: Console) -> Text:
    """The tree as rich draws it (same guides, same wrapping of each label), as one Text:
    rich renders a Tree node by node, which takes most of the time of a report of thousands
    of ports."""
    out = Text()
    style = tree.guide_style

    def walk(node: Tree, guides: list[str], last: bool) -> None:
        label = Text(node.label) if isinstance(node.label, str) else node.label
        for i, line in enumerate(label.wrap(console, console.width - 4 * len(guides),
                                            overflow="fold")):
            for guide in guides:
                out.append(guide, style=style)
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


def _container_facts(c: Container, reason: str) -> list[str]:
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


def _off_bridge(view: View) -> Group | None:
    if not view.off_bridge:
        return None
    grid = _grid(2)
    for c in view.off_bridge:
        reason = off_bridge_reason(c, view.endpoints_known)
        body = Text.assemble((reason, "yellow"))
        for fact in _container_facts(c, reason):
            body.append(" · ", style="dim")
            body.append(fact)
        flag = _flag(view, c.name, c.id, c.id[:12] if c.id else None)
        if flag:
            body.append(" ")
            body.append(flag)
        grid.add_row(Text(c.name, style="bold"), body)
    title = "Containers on no bridge" if view.endpoints_known else \
        "Containers on no known bridge"
    return Group(Text(f"{title} ({len(view.off_bridge)})", style="bold"),
                 _indent(grid))


def _loose(view: View) -> Group | None:
    if not view.loose:
        return None
    grid = _grid(2)
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
    return Group(Text(f"Unpaired endpoints ({len(view.loose)})", style="bold"), _indent(grid))


def _inferred(view: View) -> Group | None:
    """Each inferred object with the facts it was inferred from, one to a line."""
    if not view.inferred:
        return None
    grid = _grid(2)
    for item in view.inferred:
        body = Text()
        for i, fact in enumerate(item.facts or ["no fact recorded"]):
            if i:
                body.append("\n")
            body.append(f"- {_shorten(view.report, fact)}", style="dim" if item.facts else "yellow")
        grid.add_row(Text.assemble((f"{item.what} ", "dim"), (item.name, "bold")), body)
    return Group(Text(f"Inferred from references ({len(view.inferred)})", style="bold"),
                 _indent(grid))


def _findings(view: View) -> Group:
    findings = view.findings
    head = Text(f"Findings ({len(findings)})", style="bold")
    if not findings:
        return Group(head, _indent(Text("no faults found", style="green")))
    grid = _grid(2)
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
    return Group(head, _indent(grid))


def _not_run(report: Report) -> Group | None:
    if not report.not_run:
        return None
    grid = _grid(2)
    for n in report.not_run:
        needs = "; ".join(f"{m.fact} ({' or '.join(m.captures)})" for m in n.missing)
        grid.add_row(Text(n.code, style="bold"), Text(f"needs {needs}", style="dim"))
    return Group(Text(f"Checks not run ({len(report.not_run)})", style="bold"), _indent(grid))
