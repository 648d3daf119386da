"""The topology as a Mermaid flowchart, for Markdown tickets and wikis."""

from __future__ import annotations

import re

from netparse.analysis.model import Report
from netparse.render.graph import build_graph

PREFIX = {"host": "host", "uplink": "up_", "bridge": "br_", "port": "port_", "container": "ct_"}
SHAPES = {"host": ('[["', '"]]'), "uplink": ('{{"', '"}}'), "bridge": ('["', '"]'),
          "port": ('(["', '"])'), "container": ('("', '")')}
CLASSES = [
    "classDef error fill:#ffe0e0,stroke:#cc0000,stroke-width:2px,color:#000",
    "classDef warning fill:#fff0d9,stroke:#e07000,stroke-width:2px,color:#000",
    "classDef muted stroke-dasharray:5 5,color:#666",
    "classDef inferred stroke-dasharray:2 3",
]

# Mermaid decodes `#name;` and `#123;` entities in labels; `#` itself is escaped first so a
# name cannot smuggle one in. `<`/`>` would be read as HTML in labels.
_ESCAPES = {ord("#"): "#35;", ord('"'): "#quot;", ord("&"): "#amp;", ord("<"): "#lt;",
            ord(">"): "#gt;", ord("`"): "#96;", ord(";"): "#59;", ord("|"): "#124;"}
_ESCAPES.update({c: " " for c in [*range(32), 127]})


def escape(text: str) -> str:
    return text.translate(_ESCAPES)


def _ids(keys: list[tuple[str, str, str]]) -> dict[str, str]:
    """A Mermaid id ([A-Za-z0-9_] only) for each (key, role, name), unique."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for key, role, name in keys:
        base = PREFIX[role] + ("" if role == "host" else re.sub(r"[^A-Za-z0-9_]", "_", name))
        ident, n = base, 1
        while ident in taken:
            n += 1
            ident = f"{base}_{n}"
        taken.add(ident)
        ids[key] = ident
    return ids


def render_mermaid(report: Report) -> str:
    g = build_graph(report)
    ids = _ids([(n.key, n.role, n.lines[0]) for n in g.nodes])
    out = ["flowchart LR", f"  %% netparse: {escape(g.title)}"]
    for n in g.nodes:
        left, right = SHAPES[n.role]
        out.append(f"  {ids[n.key]}{left}{'<br/>'.join(escape(x) for x in n.lines)}{right}")
    for e in g.edges:
        arrow = "-.->" if e.dashed else "-->"
        label = f'|"{escape(e.label)}"|' if e.label else ""
        out.append(f"  {ids[e.src]} {arrow}{label} {ids[e.dst]}")
    out += [f"  {c}" for c in CLASSES]
    for cls in ("error", "warning", "muted", "inferred"):
        members = [ids[n.key] for n in g.nodes
                   if (n.severity is not None and n.severity.value == cls)
                   or (cls == "muted" and n.muted and n.severity is None)
                   or (cls == "inferred" and n.inferred and not n.muted and n.severity is None)]
        if members:
            out.append(f"  class {','.join(members)} {cls}")
    return "\n".join(out) + "\n"
