"""`netparse reach` and `netparse trace` as text: a matrix with its broken cells explained, and
one path hop by hop."""

from __future__ import annotations

from netparse.reach.count import ReachCounts, counts_of
from netparse.reach.model import Path, ReachReport, Verdict
from netparse.render.visible import visible, visible_model

MARK = {Verdict.REACHABLE: "ok", Verdict.UNREACHABLE: "NO", Verdict.UNKNOWN: "?"}


def _column(p: Path) -> str:
    return f"{p.to} ({p.network})" if p.network else p.to


# Past this many destinations a grid is no longer read: the matrix is summed up by network.
GRID_LIMIT = 40


def render_reach_text(report: ReachReport | ReachCounts) -> str:
    """The matrix; past GRID_LIMIT destinations by network, from the report's paths or from
    the counts `netparse.reach.summary` gives without them."""
    # Names from the input, escaped for the terminal: only the strings printed (the hops are
    # not, and a report may hold a million paths).
    firewall = visible(report.firewall) if report.firewall else \
        "not captured (paths through it are unknown)"
    lines = [f"Reachability of {visible(report.origin)}", f"firewall: {firewall}", ""]
    if isinstance(report, ReachCounts):
        return "\n".join(lines + _by_network(report)) + "\n"
    if not report.paths:
        return "\n".join(lines + ["no paths: no running container with a network"]) + "\n"
    columns = list(dict.fromkeys(visible(_column(p)) for p in report.paths))
    if len(columns) > GRID_LIMIT:
        return "\n".join(lines + _by_network(counts_of(report))) + "\n"
    sources = list(dict.fromkeys(visible(p.from_) for p in report.paths))
    cell = {(visible(p.from_), visible(_column(p))): MARK[p.verdict] for p in report.paths}
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
            lines += _broken(p)
    return "\n".join(lines) + "\n"


def _broken(p: Path, count: str = "") -> list[str]:
    port = f":{p.port}" if p.port else ""
    lines = [f"  {visible(p.from_)} → {visible(_column(p))} {p.address}{port}: {p.verdict.value}, "
             f"{p.disposition.value}" + (f" at {visible(p.breaks_at)}" if p.breaks_at else "")
             + count]
    if p.missing:
        lines.append(f"      would settle it: {visible('; '.join(p.missing))}")
    return lines


CAUSES_SHOWN = 30


def _by_network(counts: ReachCounts) -> list[str]:
    """The matrix by network: a row for each set of networks the sources are on, a column for
    each destination network (or address), each cell the count of each verdict; then each
    cause of a broken or unknown path once, with how many paths it breaks and one of them."""
    cell_of = {(c.row, c.column): c.counts for c in counts.cells}
    rows = sorted({r for r, _ in cell_of})
    columns = list(dict.fromkeys(c for _, c in cell_of))
    total = {v: sum(c.get(v, 0) for c in cell_of.values()) for v in Verdict}
    lines = [f"{counts.containers} containers, {counts.paths:,} paths: "
             + ", ".join(f"{total[v]:,} {v.value}" for v in Verdict),
             "", "By network: a row for the networks a container is on, a column for the "
                 "network (or address) it tries; each cell counts the paths ok / NO / ?", ""]
    cells = {k: " / ".join(f"{n:,} {MARK[v]}" for v in Verdict if (n := c.get(v)))
             for k, c in cell_of.items()}
    width = max(len(visible(r)) for r in rows)
    widths = [max([len(f"[{i}]")] + [len(cells.get((r, c), "-")) for r in rows])
              for i, c in enumerate(columns, 1)]
    lines.append("from \\ to".ljust(width) + "  " + "  ".join(
        f"[{i}]".ljust(w) for i, w in enumerate(widths, 1)).rstrip())
    for r in rows:
        lines.append((visible(r).ljust(width) + "  " + "  ".join(
            cells.get((r, c), "-").ljust(w) for c, w in zip(columns, widths))).rstrip())
    lines.append("")
    lines += [f"[{i}] {visible(c)}" for i, c in enumerate(columns, 1)]
    if counts.causes:
        lines += ["", "Broken and unknown paths, by cause (how many paths, and one of them):"]
        ranked = sorted(((c.path, c.count) for c in counts.causes), key=lambda f: -f[1])
        for p, n in ranked[:CAUSES_SHOWN]:
            lines += _broken(p, f" ({n:,} path{'s' if n > 1 else ''})")
        if len(ranked) > CAUSES_SHOWN:
            rest = sum(n for _, n in ranked[CAUSES_SHOWN:])
            lines.append(f"  … and {len(ranked) - CAUSES_SHOWN} causes more ({rest:,} paths): "
                         f"`--format json` has every path")
    return lines


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
