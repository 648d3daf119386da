"""The topology as Graphviz DOT: host → bridges → ports → containers, faults in red/orange,
stopped or cut-off nodes dashed, inferred ones dotted."""

from __future__ import annotations

from netparse.analysis.model import Report, Severity
from netparse.render.graph import Node, build_graph

COLORS = {Severity.ERROR: ("#cc0000", "#ffe0e0"), Severity.WARNING: ("#e07000", "#fff0d9")}
SHAPES = {"host": "box3d", "uplink": "cds", "bridge": "box", "port": "ellipse",
          "container": "component"}


def quote(text: str) -> str:
    """A DOT quoted string for any text.

    Backslash and double quote are escaped so nothing closes the string early; `&` is escaped
    because Graphviz decodes HTML entities in labels; control characters cannot be shown.
    """
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "&":
            out.append("&amp;")
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append("\ufffd")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _label(lines: list[str]) -> str:
    return '"' + "\\n".join(quote(line)[1:-1] for line in lines) + '"'


def _node_attrs(n: Node) -> list[str]:
    attrs = [f"label={_label(n.lines)}", f"shape={SHAPES[n.role]}"]
    style = ["rounded"] if n.role in ("bridge", "container") else []
    if n.muted:
        style.append("dashed")
    elif n.inferred:
        style.append("dotted")  # known only from references to it
    if n.severity is not None:
        line, fill = COLORS[n.severity]
        style.append("filled")
        attrs += [f'color="{line}"', f'fillcolor="{fill}"', "penwidth=2",
                  f"tooltip={quote(n.severity.value + ': ' + ', '.join(n.codes))}"]
    if style:
        attrs.append(f'style="{",".join(style)}"')
    return attrs


def render_dot(report: Report) -> str:
    g = build_graph(report)
    out = [
        "digraph netparse {",
        f"  graph [rankdir=LR, fontname=Helvetica, fontsize=11, labelloc=t, "
        f"label={quote('netparse: ' + g.title)}];",
        "  node [fontname=Helvetica, fontsize=10];",
        "  edge [fontname=Helvetica, fontsize=9];",
    ]
    for n in g.nodes:
        out.append(f"  {quote(n.key)} [{', '.join(_node_attrs(n))}];")
    for e in g.edges:
        attrs = []
        if e.label:
            attrs.append(f"label={quote(e.label)}")
        if e.dashed:
            attrs.append("style=dashed")
        tail = f" [{', '.join(attrs)}]" if attrs else ""
        out.append(f"  {quote(e.src)} -> {quote(e.dst)}{tail};")
    out.append("}")
    return "\n".join(out) + "\n"
