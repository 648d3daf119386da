"""`netparse reach` and `netparse trace` as text: a matrix with its broken cells explained, and
one path hop by hop."""

from __future__ import annotations

from netparse.reach.model import Path, ReachReport, Verdict
from netparse.render.visible import visible_model

MARK = {Verdict.REACHABLE: "ok", Verdict.UNREACHABLE: "NO", Verdict.UNKNOWN: "?"}


def _column(p: Path) -> str:
    return f"{p.to} ({p.network})" if p.network else p.to


def render_reach_text(report: ReachReport) -> str:
    report = visible_model(report)  # names from the input, escaped for the terminal
    lines = [f"Reachability of {report.origin}",
             f"firewall: {report.firewall or 'not captured (paths through it are unknown)'}", ""]
    sources = list(dict.fromkeys(p.from_ for p in report.paths))
    columns = list(dict.fromkeys(_column(p) for p in report.paths))
    cell = {(p.from_, _column(p)): MARK[p.verdict] for p in report.paths}
    if not report.paths:
        return "\n".join(lines + ["no paths: no running container with a network"]) + "\n"
    width = max(len(s) for s in sources)
    lines.append("from \\ to".ljust(width) + "  " + "  ".join(
        f"[{i}]" for i in range(1, len(columns) + 1)))
    for s in sources:
        row = [cell.get((s, c), "-").center(len(f"[{i}]")) for i, c in enumerate(columns, 1)]
        lines.append(s.ljust(width) + "  " + "  ".join(row))
    lines.append("")
    lines += [f"[{i}] {c}" for i, c in enumerate(columns, 1)]
    broken = [p for p in report.paths if p.verdict is not Verdict.REACHABLE]
    if broken:
        lines += ["", "Broken and unknown paths:"]
        for p in broken:
            port = f":{p.port}" if p.port else ""
            lines.append(f"  {p.from_} → {_column(p)} {p.address}{port}: {p.verdict.value}, "
                         f"{p.disposition.value}" + (f" at {p.breaks_at}" if p.breaks_at else ""))
            if p.missing:
                lines.append(f"      would settle it: {'; '.join(p.missing)}")
    return "\n".join(lines) + "\n"


def render_trace_text(path: Path) -> str:
    path = visible_model(path)
    port = f":{path.port}" if path.port else ""
    address = "" if path.to == str(path.address) else f" {path.address}{port}"
    lines = [f"{path.from_} → {_column(path)}{address} ({path.protocol})"]
    direction = None
    for hop in path.hops:
        if hop.direction != direction:
            direction = hop.direction
            lines.append(f"  {direction}:")
        where = f"  [{hop.evidence}]" if hop.evidence else ""
        lines.append(f"    {hop.at:<14} {hop.step:<16} {hop.text}{where}")
    lines.append(f"  verdict: {path.verdict.value} ({path.disposition.value})"
                 + (f", breaks at {path.breaks_at}" if path.breaks_at else ""))
    if path.missing:
        lines.append(f"  would settle it: {'; '.join(path.missing)}")
    return "\n".join(lines) + "\n"
