"""Time each stage of `netparse analyze` in this process: read, parse (per kind), topology,
checks, render. Prints one JSON object; the runner starts it once per dump so that every
measurement begins from a fresh interpreter.

    python -m bench.stages DUMP [--format text|json]
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict


def measure(path: str, fmt: str = "text") -> dict:
    clock = time.perf_counter
    t0 = clock()
    from netparse import sources
    from netparse.analysis import checks, topology
    from netparse.analysis.model import Report
    from netparse.parsers import no_cyclic_gc, parse
    from netparse.render import render
    from netparse.snapshot import Snapshot, _parse_item, take
    imports = clock() - t0

    # As netparse.analysis.load and analyze_snapshot do: the cyclic GC paused while building.
    paused = no_cyclic_gc()
    paused.__enter__()
    t = clock()
    found = sources.load(path)
    read = clock() - t

    parse_time: dict[str, float] = defaultdict(float)
    lines: dict[str, int] = defaultdict(int)
    files: dict[str, int] = defaultdict(int)
    snap = Snapshot(origin=found.origin)
    for item in found.items:
        t = clock()
        entry = _parse_item(item, parse)
        spent = clock() - t
        kind = entry.kind or "?"
        parse_time[kind] += spent
        lines[kind] += item.data.count(b"\n")
        files[kind] += 1
        snap.entries.append(entry)
    # The ignored items, as `take` adds them (no parsing).
    snap.entries += take(type(found)(found.origin, [], found.ignored)).entries

    t = clock()
    ctx = topology.build(snap)
    topo = clock() - t
    t = clock()
    findings = checks.run_checks(ctx)
    check_time = clock() - t
    report = Report(origin=snap.origin, partial=snap.partial, sources=snap.sources,
                    topology=ctx.topology, findings=findings)
    paused.__exit__(None, None, None)
    t = clock()
    with no_cyclic_gc():  # as the command does
        out = render(report, fmt, **({"color": False} if fmt == "text" else {}))
    render_time = clock() - t
    return {
        "imports": imports, "read": read, "parse": sum(parse_time.values()),
        "parse_by_kind": dict(parse_time), "lines_by_kind": dict(lines),
        "files_by_kind": dict(files), "topology": topo, "checks": check_time,
        "render": render_time, "output_bytes": len(out.encode()),
        "findings": len(findings), "containers": len(report.topology.containers),
    }


def main(argv=None) -> None:
    args = argv or sys.argv[1:]
    fmt = args[args.index("--format") + 1] if "--format" in args else "text"
    print(json.dumps(measure(args[0], fmt)))


if __name__ == "__main__":
    main()
