"""The topology drawn as an SVG, laid out here on the server: no script, no external library.

The nodes and edges are the ones the DOT and Mermaid renderers draw (`netparse.render.graph`);
this module only places them: one column per role (host, bridges, veths, containers), each node
beside the first node that links to it, and returns boxes and paths for the template to write
(the template escapes every label).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netparse.analysis.model import Report
from netparse.render.graph import Graph, Node, build_graph

COLUMN = {"host": 0, "uplink": 1, "bridge": 1, "port": 2, "container": 3}
CHAR_W = 7.3      # width of a character of the 12px monospace font, a little generous
LINE_H = 16
PAD_X, PAD_Y = 10, 8
GAP_X, GAP_Y = 100, 14
MARGIN = 12


@dataclass
class Box:
    key: str
    role: str
    lines: list[str]
    x: float = 0
    y: float = 0
    w: float = 0
    h: float = 0
    css: str = ""       # role, severity, muted, inferred
    codes: list[str] = field(default_factory=list)

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass
class Link:
    path: str
    css: str
    label: str = ""
    lx: float = 0
    ly: float = 0


@dataclass
class Diagram:
    width: float
    height: float
    boxes: list[Box]
    links: list[Link]
    title: str


def _box(node: Node) -> Box:
    lines = list(node.lines)
    if node.codes:
        lines.append("⚠ " + ", ".join(node.codes))
    css = [node.role]
    if node.severity is not None:
        css.append(node.severity.value)
    elif node.muted:
        css.append("muted")
    if node.inferred:
        css.append("inferred")
    width = max(len(line) for line in lines) * CHAR_W + 2 * PAD_X
    return Box(node.key, node.role, lines, w=width, h=len(lines) * LINE_H + 2 * PAD_Y,
               css=" ".join(css), codes=node.codes)


def layout(graph: Graph) -> Diagram:
    boxes = {n.key: _box(n) for n in graph.nodes}
    children: dict[str, list[str]] = {}
    parent: dict[str, str] = {}
    for e in graph.edges:
        if e.dst not in parent and e.dst != "host" and e.src in boxes and e.dst in boxes:
            parent[e.dst] = e.src
            children.setdefault(e.src, []).append(e.dst)

    # Column x: each column as wide as its widest box.
    widths = [0.0] * 4
    for b in boxes.values():
        widths[COLUMN[b.role]] = max(widths[COLUMN[b.role]], b.w)
    xs, x = [], MARGIN
    for w in widths:
        xs.append(x)
        x += w + (GAP_X if w else 0)
    for b in boxes.values():
        b.x = xs[COLUMN[b.role]]

    # Rows: a tree walk from the host; a parent is centred on its children, and pushed (with
    # its subtree) below whatever was placed before it.
    cursor = MARGIN

    def place(key: str) -> list[str]:
        nonlocal cursor
        box = boxes[key]
        start = cursor
        kids = [k for k in children.get(key, []) if k != key]
        placed: list[str] = []
        for kid in kids:
            placed += place(kid)
        if kids:
            first, last = boxes[kids[0]], boxes[kids[-1]]
            box.y = (first.cy + last.cy) / 2 - box.h / 2
            if box.y < start:
                shift = start - box.y
                for k in placed:
                    boxes[k].y += shift
                box.y += shift
        else:
            box.y = start
        bottom = max([box.y + box.h] + [boxes[k].y + boxes[k].h for k in placed])
        cursor = max(cursor, bottom + GAP_Y)
        return placed + [key]

    roots = [k for k in boxes if k not in parent]
    for root in roots:
        place(root)

    links = []
    for e in graph.edges:
        if e.src not in boxes or e.dst not in boxes:
            continue
        a, b = boxes[e.src], boxes[e.dst]
        if COLUMN[a.role] < COLUMN[b.role]:
            x1, y1, x2, y2 = a.x + a.w, a.cy, b.x, b.cy
        else:  # same column or backwards: from the left side
            x1, y1, x2, y2 = a.x, a.cy, b.x, b.cy
        bend = max(30.0, (x2 - x1) / 2)
        path = (f"M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} {x2 - bend:.1f},{y2:.1f} "
                f"{x2:.1f},{y2:.1f}")
        links.append(Link(path, "dashed" if e.dashed else "solid", e.label,
                          (x1 + x2) / 2, (y1 + y2) / 2 - 4))
    width = max((b.x + b.w for b in boxes.values()), default=0) + MARGIN
    height = max((b.y + b.h for b in boxes.values()), default=0) + MARGIN
    return Diagram(width, height, list(boxes.values()), links, graph.title)


def diagram(report: Report) -> Diagram:
    return layout(build_graph(report))
