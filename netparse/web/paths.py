"""Reachability on the page: the matrix of who reaches whom, and one path hop by hop.

Both are drawn from the JSON that `POST /api/reach` and `POST /api/trace` answer for the same
dump and fields (`netparse.web.work.reach_json_of`, `trace_json_of`); the page embeds that JSON
as it is, and shows the models read back from it, so what the page says is what the API says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from netparse.analysis.model import Report
from netparse.errors import NetparseError
from netparse.reach.model import Path, ReachReport, Verdict
from netparse.render.visible import visible_model
from netparse.snapshot import Snapshot
from netparse.web import work

# Above this many paths the matrix is no use to read and costly to draw: the page says so and
# points at the API and the CLI, which give them all.
MAX_PATHS = 1000


@dataclass
class Options:
    """What the form asks of reachability: extra targets, a client, one trace."""

    to: list[str] = field(default_factory=list)
    client: str = ""
    trace_from: str = ""
    trace_to: str = ""
    trace_port: str = ""

    @classmethod
    def of(cls, fields: dict[str, str]) -> Options:
        return cls(to=(fields.get("reach_to") or "").replace(",", " ").split(),
                   client=(fields.get("reach_client") or "").strip(),
                   trace_from=(fields.get("trace_from") or "").strip(),
                   trace_to=(fields.get("trace_to") or "").strip(),
                   trace_port=(fields.get("trace_port") or "").strip())

    @property
    def asked(self) -> bool:
        return bool(self.to or self.client or self.trace_from or self.trace_to or self.trace_port)


@dataclass
class Cell:
    anchor: str     # the id of the path's hops on the page
    path: Path
    word: str       # reachable, or how it ends: denied, no route, unknown…
    where: str      # for a broken cell, where it breaks, short; for an unknown one, what it needs

    @property
    def css(self) -> str:
        return self.path.verdict.value


@dataclass
class Column:
    to: str
    network: str | None

    @property
    def key(self) -> str:
        return f"{self.to} ({self.network})" if self.network else self.to


@dataclass
class ReachView:
    json: str = ""                                  # exactly what POST /api/reach answers
    origin: str = ""
    firewall: str | None = None
    columns: list[Column] = field(default_factory=list)
    rows: list[tuple[str, list[Cell | None]]] = field(default_factory=list)
    paths: list[tuple[str, Path]] = field(default_factory=list)   # (anchor, path), all of them
    counts: dict[str, int] = field(default_factory=dict)           # paths by verdict
    error: str | None = None                        # the dump or the fields did not allow it
    skipped: str | None = None                      # too many paths to draw


@dataclass
class TraceView:
    json: str = ""                                  # exactly what POST /api/trace answers
    path: Path | None = None
    asked: str = ""                                 # FROM → TO[:PORT] as asked
    error: str | None = None


def port_of(text: str) -> int | None:
    """A port number as typed in a form, or None when it is not one."""
    if not re.fullmatch(r"[0-9]{1,5}", text):
        return None
    port = int(text)
    return port if 1 <= port <= 65535 else None


def short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def where(path: Path) -> str:
    """A cell's few words on where a path breaks (a chain and rule number, a device), or on
    what would settle an unknown one."""
    if path.verdict is Verdict.REACHABLE:
        return ""
    if path.verdict is Verdict.UNKNOWN:
        return short("needs " + "; ".join(path.missing)) if path.missing else \
            short(path.breaks_at or "")
    # `filter DOCKER-USER rule 1: -A DOCKER-USER … → DROP` → `filter DOCKER-USER rule 1`
    text = path.breaks_at or ""
    head = re.match(r"(\w+ \S+ (?:rule \d+|policy))\b", text)
    return short(head.group(1) if head else text)


def word(path: Path) -> str:
    if path.verdict is Verdict.REACHABLE:
        return "reachable"
    if path.verdict is Verdict.UNKNOWN:
        return "unknown"
    return path.disposition.value


def count_paths(report: Report, options: Options) -> int:
    """How many paths `reach` would walk for this report: from each running container with an
    endpoint to every address of the others and to each extra target, and from the client to
    every published port."""
    running = [c for c in report.topology.containers if c.running and c.endpoints]
    addresses = [sum(1 for e in c.endpoints if e.ip is not None) for c in running]
    total = sum(addresses)
    n = sum(total - own + len(options.to) for own in addresses)
    if options.client:
        n += sum(len(c.published) for c in running)
    return n


def reach_view(snapshot: Snapshot, report: Report, options: Options) -> ReachView | None:
    """The matrix for the page; None when there is nothing to walk (no running container with
    a network, and no client asked for)."""
    n = count_paths(report, options)
    if n == 0 and not options.client:
        return None
    if n > MAX_PATHS:
        return ReachView(skipped=f"{n} paths are too many to draw here; `netparse reach` or "
                                 f"`POST /api/reach` on the same dump gives them all")
    try:
        text = work.reach_json_of(snapshot, options.to, options.client or None)
    except NetparseError as exc:
        return ReachView(error=str(exc))
    shown = visible_model(ReachReport.model_validate_json(text))  # names as they print
    view = ReachView(json=text, origin=shown.origin, firewall=shown.firewall)
    columns: dict[str, Column] = {}
    cells: dict[tuple[str, str], Cell] = {}
    sources: list[str] = []
    for i, p in enumerate(shown.paths, 1):
        anchor = f"path-{i}"
        view.paths.append((anchor, p))
        column = Column(p.to, p.network)
        columns.setdefault(column.key, column)
        if p.from_ not in sources:
            sources.append(p.from_)
        cells.setdefault((p.from_, column.key), Cell(anchor, p, word(p), where(p)))
        view.counts[p.verdict.value] = view.counts.get(p.verdict.value, 0) + 1
    view.columns = list(columns.values())
    view.rows = [(s, [cells.get((s, c.key)) for c in view.columns]) for s in sources]
    return view


def trace_view(snapshot: Snapshot, options: Options) -> TraceView | None:
    """The path asked for in the form's trace fields; None when none was asked for."""
    if not (options.trace_from or options.trace_to or options.trace_port):
        return None
    port = f":{options.trace_port}" if options.trace_port else ""
    asked = f"{options.trace_from or '?'} → {options.trace_to or '?'}{port}"
    view = TraceView(asked=asked)
    if not options.trace_from or not options.trace_to:
        view.error = "give both where the path starts and where it goes"
        return view
    port_number = None
    if options.trace_port:
        port_number = port_of(options.trace_port)
        if port_number is None:
            view.error = f"port {options.trace_port!r} is not a port number (1 to 65535)"
            return view
    try:
        view.json = work.trace_json_of(snapshot, options.trace_from, options.trace_to,
                                       port_number)
    except NetparseError as exc:
        view.error = str(exc)
        return view
    view.path = visible_model(Path.model_validate_json(view.json))
    return view
