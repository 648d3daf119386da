"""`netparse diff` as text: what it broke first (findings, paths), then what changed, then what
could not be compared."""

from __future__ import annotations

import json

from netparse.compare.model import DiffReport, PathChange
from netparse.render.visible import visible_model


def value_text(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return ", ".join(f"{k}: {value_text(v) if not isinstance(v, list) else json.dumps(v)}"
                         for k, v in value.items())
    return json.dumps(value)


def _path(p: PathChange) -> str:
    port = f":{p.port}" if p.port else ""
    to = f"{p.to} ({p.network})" if p.network else p.to
    return f"{p.from_} → {to} {p.address}{port}"


def render_diff_text(report: DiffReport) -> str:
    report = visible_model(report)  # names from the input, escaped for the terminal
    lines = [f"Changes from {report.before} to {report.after}", ""]
    r, f = report.reachability, report.findings
    if not (report.changes or f.new or f.resolved or r.lost or r.gained):
        lines.append("no change" + (" in what could be compared (see below)"
                                    if report.incomplete else ""))
    if r.lost:
        lines.append(f"Paths lost ({len(r.lost)}):")
        for p in r.lost:
            now = p.verdict.value if p.verdict else "gone"
            lines.append(f"  - {_path(p)}: {now}"
                         + (f", {p.disposition.value}" if p.disposition else "")
                         + (f" at {p.breaks_at}" if p.breaks_at else ""))
            for c in p.explained_by:
                lines.append(f"      because of {c}")
        lines.append("")
    if r.gained:
        lines.append(f"Paths gained ({len(r.gained)}):")
        for p in r.gained:
            lines.append(f"  + {_path(p)}")
            for c in p.explained_by:
                lines.append(f"      because of {c}")
        lines.append("")
    for title, mark, items in (("New findings", "+", f.new), ("Resolved findings", "-",
                                                               f.resolved)):
        if items:
            lines.append(f"{title} ({len(items)}):")
            lines += [f"  {mark} {x.severity.value}: {x.code}: {x.message}" for x in items]
            lines.append("")
    if report.changes:
        lines.append(f"Object changes ({len(report.changes)}):")
        for c in report.changes:
            lines.append(f"  {c.change.value} {c.kind} {c.subject}")
            if c.before is not None:
                lines.append(f"      before: {value_text(c.before)}")
            if c.after is not None:
                lines.append(f"      after:  {value_text(c.after)}")
            for e in c.evidence:
                lines.append(f"      [{e}]")
        lines.append("")
    if report.incomplete:
        lines.append("Not compared:")
        lines += [f"  ? {x}" for x in report.incomplete]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
