"""Many dumps at once: a folder of dumps (each a subfolder or an archive) analysed in a process
pool, one report per dump and a summary line for each.

    >>> from netparse.batch import dumps_in, analyze_many
    >>> results = analyze_many(dumps_in("fleet/"), jobs=4)
    >>> [(r.path, r.exit_status) for r in results]

Every function here is plain: it reads the paths it is given and returns data, so the same work
can be spread over a cluster with any engine that maps a function over a list (see README).
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass, field

from netparse.errors import NetparseError


@dataclass
class DumpResult:
    """One dump of a batch: its rendered report, or why it could not be read."""

    path: str
    output: str = ""                 # the report in the requested format
    exit_status: int = 0             # as `netparse analyze` on this dump alone: 0, 1 or 2
    error: str | None = None         # set when the dump could not be read (exit status 2)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def dumps_in(path: str | os.PathLike) -> list[str] | None:
    """The dumps in a folder of dumps, sorted; None when `path` is not one (it is a dump itself,
    a file, or `-`).

    A folder of dumps holds subfolders or archives and no capture of its own: not a file named
    like a capture, not a `containers/` or `sos_commands/` folder. A folder holding one subfolder
    and nothing else is a dump packed one level down, as `netparse analyze` reads it.
    """
    from netparse.sources.names import NOT_CAPTURES, kind_of_name
    from netparse.sources.formats import archive_format

    where = os.fspath(path)
    if where == "-" or not os.path.isdir(where):
        return None
    folders, archives = [], []
    with os.scandir(where) as listing:
        entries = sorted(listing, key=lambda d: d.name)
    for entry in entries:
        if entry.name.startswith(".") or entry.name == "__MACOSX":
            continue
        mode = entry.stat(follow_symlinks=False).st_mode
        if stat.S_ISDIR(mode):
            if entry.name in ("containers", "sos_commands"):
                return None
            folders.append(entry.path)
        elif stat.S_ISREG(mode):
            with open(entry.path, "rb") as handle:
                head = handle.read(512)
            if archive_format(entry.name, head) not in (None, "damaged"):
                archives.append(entry.path)
            elif kind_of_name(entry.name)[0] is not None or not NOT_CAPTURES.fullmatch(entry.name):
                return None  # a capture, or a file that may be one: this is a dump
    if len(folders) == 1 and not archives:
        return None
    found = folders + archives
    return sorted(found) if found else None


def analyze_one(path: str, fmt: str = "text", fail_on: str = "error",
                render_opts: dict | None = None) -> DumpResult:
    """Analyse and render one dump; never raises for bad input (the error is in the result)."""
    from netparse.analysis import analyze
    from netparse.analysis.model import Severity
    from netparse.parsers import no_cyclic_gc
    from netparse.render import render

    start = time.perf_counter()
    try:
        report = analyze(path)
    except NetparseError as exc:
        return DumpResult(path, exit_status=2, error=str(exc),
                          seconds=time.perf_counter() - start)
    except OSError as exc:
        return DumpResult(path, exit_status=2, error=f"{path}: {exc.strerror or exc}",
                          seconds=time.perf_counter() - start)
    with no_cyclic_gc():
        output = render(report, fmt, **(render_opts or {}))
    status = 0
    if fail_on != "never":
        limit = Severity(fail_on).rank
        status = 1 if any(f.severity.rank <= limit for f in report.findings) else 0
    endpoints = [e for c in report.topology.containers for e in c.endpoints]
    counts = {"containers": len(report.topology.containers),
              "endpoints": len(endpoints),
              "paired": sum(1 for e in endpoints if e.host_veth),
              **{s.value: sum(1 for f in report.findings if f.severity is s) for s in Severity},
              "sources failed": sum(1 for s in report.sources if s.status.value == "failed")}
    return DumpResult(path, output, status, None, counts, time.perf_counter() - start)


def analyze_many(paths: list[str], jobs: int = 1, fmt: str = "text", fail_on: str = "error",
                 render_opts: dict | None = None) -> list[DumpResult]:
    """`analyze_one` over `paths`, in `jobs` processes; results in the order of `paths`."""
    args = [(p, fmt, fail_on, render_opts) for p in paths]
    if jobs <= 1 or len(paths) <= 1:
        return [analyze_one(*a) for a in args]
    from concurrent.futures import ProcessPoolExecutor  # only when it is used

    from netparse.parsers import freeze_on_resume

    with ProcessPoolExecutor(max_workers=min(jobs, len(paths)),
                             initializer=freeze_on_resume) as pool:
        return list(pool.map(_analyze_args, args, chunksize=1))


def _analyze_args(args: tuple) -> DumpResult:
    return analyze_one(*args)


def summary(results: list[DumpResult], strip: str = "") -> str:
    """One line per dump: status, containers, endpoints paired, findings by severity, time."""
    from netparse.render.visible import visible

    head = ("dump", "status", "containers", "paired", "error", "warning", "info", "seconds")
    rows = []
    for r in results:
        name = visible(r.path[len(strip):] if strip and r.path.startswith(strip) else r.path)
        if r.error:
            rows.append((name, "unreadable", "-", "-", "-", "-", "-", f"{r.seconds:.2f}"))
            continue
        c = r.counts
        status = "findings" if r.exit_status else "ok"
        if c.get("sources failed"):
            status += " (partial)"
        rows.append((name, status, str(c["containers"]), f"{c['paired']}/{c['endpoints']}",
                     str(c["error"]), str(c["warning"]), str(c["info"]), f"{r.seconds:.2f}"))
    widths = [max(len(str(row[i])) for row in [head, *rows]) for i in range(len(head))]
    lines = []
    for row in [head, *rows]:
        cells = [str(v).ljust(w) if i < 2 else str(v).rjust(w)
                 for i, (v, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"
