"""The benchmark: its parsers beside their peers and the floor, and `netparse analyze` at host
scale against its targets, in one run.

    python bench/run.py [--scale 1000,2000,10000] [--rounds 3] [--routes 100000]
                        [--sizes 10,100,1000] [--repeat 3] [--work /tmp/netparse-bench]
                        [--json results.json] [--skip-peers] [--readme]
                        [--fleet 8x250] [--jobs 1,2,4] [--skip-jobs] [--only-jobs]

`--scale` sizes are analysed in interleaved rounds (bench/scale.py) with their peak memory, and
checked against the targets (TARGETS); each size that misses one has the stages of its run
(bench/stages.py) printed as its profile. `--readme` writes that part into bench/README.md
between its `scale:start` and `scale:end` markers.

Run it with the interpreter of an environment that has bench/requirements.txt installed (the
peers: jc, ttp_templates, ntc-templates with TextFSM, insights-core); without them the peer
table is left out.
The machine may be shared: every table gives ratios measured in the same run next to the
absolute numbers, and each figure is the best of --repeat runs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/run.py` as well as `python -m bench.run`
    sys.path.insert(0, str(ROOT))

from bench import child  # noqa: E402  (after the path above)

# Analyze at host scale: seconds of wall time by size, growth, and memory over the dump.
TARGETS = {"wall": {1000: 0.6, 10000: 5.0}, "growth": 2.2, "rss_over_dump": 8.0}


def _dump(work: Path, containers: int, networks: int, routes: int) -> Path:
    from bench.gen import generate

    path = work / f"c{containers}-m{networks}-r{routes}"
    if not (path / "sysctl.txt").exists():
        generate(path, containers, networks, routes)
    return path


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _process(cmd: list[str], repeat: int) -> tuple[float, int]:
    """Best wall time (s) and the largest peak RSS (bytes) of `cmd` as a whole process."""
    times, peaks = [], []
    for _ in range(repeat):
        wall, _, peak, _ = child.run(cmd, cwd=ROOT)
        times.append(wall)
        peaks.append(peak)
    return min(times), max(peaks)


def _netparse(*args: str) -> list[str]:
    return [sys.executable, "-m", "netparse.cli.main", *args]


def _stages(path: Path, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-m", "bench.stages", str(path)], cwd=ROOT,
                             capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout))
    best = min(runs, key=lambda r: r["read"] + r["parse"] + r["topology"] + r["checks"]
               + r["render"])
    return best


def sizes_table(sizes: list[int], networks: int, work: Path, repeat: int) -> list[dict]:
    rows = []
    for n in sizes:
        path = _dump(work, n, networks, 0)
        wall, peak = _process(_netparse("analyze", str(path), "--fail-on", "never"), repeat)
        stages = _stages(path, repeat)
        rows.append({"containers": n, "dump_bytes": _size(path), "wall": wall, "peak_rss": peak,
                     **stages})
        print(f"  {n} containers: {wall:.2f} s, {peak / 1e6:.0f} MB", file=sys.stderr)
    return rows


def startup(work: Path, repeat: int) -> dict:
    small = work / "small-brctl_show.txt"
    small.write_text((ROOT / "tests/fixtures/dumps/default-bridge/brctl_show.txt").read_text())
    repeat = max(repeat, 7)
    return {
        "python -c pass": _process([sys.executable, "-c", "pass"], repeat)[0],
        "python -I -S -c pass": _process([sys.executable, "-I", "-S", "-c", "pass"], repeat)[0],
        "netparse --help": _process(_netparse("--help"), repeat)[0],
        "netparse parse brctl_show.txt": _process(_netparse("parse", str(small)), repeat)[0],
        "netparse parse ip_addr.txt": _process(
            _netparse("parse", str(ROOT / "tests/fixtures/dumps/default-bridge/ip_addr.txt")),
            repeat)[0],
    }


def jobs_table(work: Path, dumps: int, containers: int, repeat: int,
               jobs: list[int] | None = None) -> list[dict]:
    """`netparse analyze FLEET --jobs N` over a folder of `dumps` dumps, for each N in `jobs`
    (default 1, 2 and the CPU count), rounds interleaved (every N once per round, in turn) so
    that a change of load on a shared machine falls on every N alike; median and best."""
    from statistics import median

    from bench.gen import generate

    fleet = work / f"fleet-{dumps}x{containers}"
    for i in range(dumps):
        if not (fleet / f"host-{i:03d}" / "sysctl.txt").exists():
            generate(fleet / f"host-{i:03d}", containers, 5, 0, seed=100 + i)
    jobs = sorted(set(jobs or [1, 2, os.cpu_count() or 1]))
    walls: dict[int, list[float]] = {n: [] for n in jobs}
    cpus: dict[int, list[float]] = {n: [] for n in jobs}
    for _ in range(repeat):
        for n in jobs:
            wall, cpu = _timed(_netparse("analyze", str(fleet), "--jobs", str(n)))
            walls[n].append(wall)
            cpus[n].append(cpu)
            print(f"  --jobs {n}: {wall:.2f} s, CPU {cpu:.2f} s, load {os.getloadavg()[0]:.2f}",
                  file=sys.stderr)
    return [{"jobs": n, "dumps": dumps, "containers": containers, "wall": median(walls[n]),
             "best": min(walls[n]), "cpu": median(cpus[n]), "rounds": len(walls[n])}
            for n in jobs]


def _timed(cmd: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system, its worker processes included) of `cmd`."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def scale_table(sizes: list[int], work: Path, rounds: int) -> list[dict]:
    """`netparse analyze` of bench.scale's dumps, sizes interleaved round by round: median wall
    and CPU time, largest peak RSS, and the stages of one run per size (its profile)."""
    import statistics

    from bench import scale

    dumps = {n: scale._dump(work / "scale", n) for n in sizes}
    runs: dict[int, list] = {n: [] for n in sizes}
    for r in range(rounds):
        for n in sizes:
            runs[n].append(scale.run_once(dumps[n]))
        print(f"  round {r + 1}/{rounds}", file=sys.stderr)
    rows = []
    for n in sizes:
        rows.append({"containers": n, "dump_bytes": _size(dumps[n]),
                     "wall": statistics.median(x[0] for x in runs[n]),
                     "cpu": statistics.median(x[1] for x in runs[n]),
                     "peak_rss": max(x[2] for x in runs[n]) * 2**20,
                     "stages": _stages(dumps[n], 1)})
    return rows


def scale_misses(rows: list[dict]) -> list[str]:
    """Each target that `rows` miss, in words; empty when all are met."""
    misses = []
    by_n = {r["containers"]: r for r in rows}
    for n, limit in TARGETS["wall"].items():
        if n in by_n and by_n[n]["wall"] >= limit:
            misses.append(f"{n:,} containers in {by_n[n]['wall']:.2f} s, over {limit:g} s")
    for before, after in zip(rows, rows[1:]):
        size = after["containers"] / before["containers"]
        growth = (after["cpu"] / before["cpu"]) / size
        if growth > TARGETS["growth"] / 2:
            misses.append(f"CPU ×{after['cpu'] / before['cpu']:.2f} from {before['containers']:,} "
                          f"to {after['containers']:,} containers (×{size:g}): not linear")
    for r in rows:
        ratio = r["peak_rss"] / r["dump_bytes"]
        if ratio >= TARGETS["rss_over_dump"]:
            misses.append(f"{r['containers']:,} containers: peak RSS {ratio:.1f}× the dump, over "
                          f"{TARGETS['rss_over_dump']:g}×")
    return misses


def scale_markdown(results: dict) -> str:
    rows = results["scale"]
    out = [f"{results['cpus']} CPUs, load average {results['scale_load'][0]:.1f} before and "
           f"{results['scale_load'][1]:.1f} after; "
           f"{'medians of ' + str(results['rounds']) + ' rounds' if results['rounds'] > 1 else '1 round'}:",
           "",
           "| containers | dump | wall | CPU | peak RSS | RSS / dump | CPU × vs the size before |",
           "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    before = None
    for r in rows:
        growth = (f"×{r['cpu'] / before['cpu']:.2f} for ×{r['containers'] / before['containers']:g}"
                  if before else "")
        out.append(f"| {r['containers']:,} | {r['dump_bytes'] / 2**20:.1f} MiB | {r['wall']:.2f} s | "
                   f"{r['cpu']:.2f} s | {r['peak_rss'] / 2**20:.0f} MiB | "
                   f"{r['peak_rss'] / r['dump_bytes']:.1f}× | {growth} |")
        before = r
    out += ["", "Stages of one run per size (bench/stages.py, seconds):", "",
            "| containers | imports | read | parse | topology | checks | render |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        st = r["stages"]
        out.append(f"| {r['containers']:,} | " + " | ".join(
            f"{st[k]:.2f}" for k in ("imports", "read", "parse", "topology", "checks", "render"))
                   + " |")
    misses = scale_misses(rows)
    out.append("")
    targets = (f"Targets: 1,000 containers under {TARGETS['wall'][1000]:g} s, 10,000 under "
               f"{TARGETS['wall'][10000]:g} s, growth linear (CPU at most ×"
               f"{TARGETS['growth']:g} for ×2), peak RSS under {TARGETS['rss_over_dump']:g}× the dump.")
    out.append(targets)
    if misses:
        out += ["", "Missed (the stages above are their profile):", ""]
        out += [f"- {m}" for m in misses]
    else:
        out += ["", "All met."]
    return "\n".join(out)


def write_readme(text: str) -> None:
    readme = ROOT / "bench" / "README.md"
    doc = readme.read_text()
    start, end = "<!-- scale:start -->", "<!-- scale:end -->"
    if start not in doc or end not in doc:
        raise SystemExit(f"{readme}: no {start} ... {end} markers")
    head, rest = doc.split(start, 1)
    readme.write_text(head + start + "\n" + text + "\n" + end + rest.split(end, 1)[1])


# --- parsers against their peers, in this process -------------------------------------------------

def peers_table(work: Path, routes: int, containers: int, repeat: int) -> list[dict]:
    """Each parser beside its peers and the floor (bench/parsers.py), in this process."""
    from bench import parsers

    return parsers.run(work, containers, routes, max(repeat, 5))


# --- report ---------------------------------------------------------------------------------------

def jobs_markdown(rows: list[dict]) -> str:
    one = rows[0]
    out = [f"| folder of dumps | --jobs | wall (median of {one.get('rounds', 1)}) | best | "
           "speed-up (median) | CPU time (median) |",
           "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        cpu = f"{r['cpu']:.2f} s" if "cpu" in r else ""
        out.append(f"| {r['dumps']} × {r['containers']} containers | {r['jobs']} | "
                   f"{r['wall']:.2f} s | {r.get('best', r['wall']):.2f} s | "
                   f"×{one['wall'] / r['wall']:.2f} | {cpu} |")
    return "\n".join(out)


def markdown(results: dict) -> str:
    out = []
    if results.get("scale"):
        out.append(scale_markdown(results))
        out.append("")
    sizes = results.get("sizes")
    if not sizes:
        return "\n".join(out + _rest_markdown(results))
    out.append("| containers | dump | wall (process) | peak RSS | RSS / dump | read | parse | "
               "topology | checks | render | ×time vs half size |")
    out.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    by_n = {r["containers"]: r for r in sizes}
    for r in sizes:
        half = by_n.get(r["containers"] // 2)
        growth = f"×{r['wall'] / half['wall']:.2f}" if half else ""
        out.append(f"| {r['containers']:,} | {r['dump_bytes'] / 1e6:.1f} MB | {r['wall']:.2f} s | "
                   f"{r['peak_rss'] / 1e6:.0f} MB | {r['peak_rss'] / r['dump_bytes']:.1f}× | "
                   f"{r['read']:.2f} | {r['parse']:.2f} | {r['topology']:.2f} | "
                   f"{r['checks']:.2f} | {r['render']:.2f} | {growth} |")
    largest = sizes[-1]
    out.append("")
    out.append(f"Parsers at {largest['containers']:,} containers (lines per second, whole dump):")
    out.append("")
    out.append("| kind | files | lines | time | lines/s |")
    out.append("| --- | ---: | ---: | ---: | ---: |")
    for kind, spent in sorted(largest["parse_by_kind"].items(), key=lambda kv: -kv[1]):
        lines = largest["lines_by_kind"][kind]
        out.append(f"| {kind} | {largest['files_by_kind'][kind]:,} | {lines:,} | {spent:.3f} s | "
                   f"{lines / spent:,.0f} |")
    return "\n".join(out + _rest_markdown(results))


def _rest_markdown(results: dict) -> list[str]:
    out = []
    if results.get("peers"):
        from bench.parsers import markdown as peers_markdown

        out.append("")
        out.append(peers_markdown(results["peers"]))
    if results.get("jobs"):
        out.append("")
        out.append(jobs_markdown(results["jobs"]))
    if results.get("startup"):
        out.append("")
        out.append("| start-up | best wall time |")
        out.append("| --- | ---: |")
        for what, t in results["startup"].items():
            out.append(f"| `{what}` | {t * 1000:.0f} ms |")
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", default="1000,2000,10000",
                    help="containers of the dumps analysed at host scale ('' for none)")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds of --scale")
    ap.add_argument("--sizes", default="", help="dump sizes for the per-kind parse table")
    ap.add_argument("--networks", type=int, default=20)
    ap.add_argument("--routes", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", default="/tmp/netparse-bench")
    ap.add_argument("--json")
    ap.add_argument("--skip-peers", action="store_true")
    ap.add_argument("--fleet", default="8x250", help="the --jobs table's folder: DUMPSxCONTAINERS")
    ap.add_argument("--jobs", help="the --jobs values measured, e.g. 1,2,4 (default 1,2,CPUs)")
    ap.add_argument("--only-jobs", action="store_true", help="only the --jobs table")
    ap.add_argument("--skip-jobs", action="store_true", help="no --jobs table")
    ap.add_argument("--readme", action="store_true",
                    help="write the host-scale part into bench/README.md")
    a = ap.parse_args(argv)
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    dumps, containers = (int(x) for x in a.fleet.split("x"))
    jobs = [int(n) for n in a.jobs.split(",")] if a.jobs else None
    if a.only_jobs:
        load = os.getloadavg()[0]
        rows = jobs_table(work, dumps, containers, a.repeat, jobs)
        if a.json:
            Path(a.json).write_text(json.dumps({"jobs": rows}, indent=2))
        print(jobs_markdown(rows))
        print(f"\n{a.repeat} interleaved rounds; load average {load:.2f} before, "
              f"{os.getloadavg()[0]:.2f} after; {os.cpu_count()} CPUs; "
              f"Python {sys.version.split()[0]}")
        return
    results = {"python": sys.version.split()[0], "cpus": os.cpu_count(),
               "load": os.getloadavg()[0], "rounds": a.rounds}
    print("start-up", file=sys.stderr)
    results["startup"] = startup(work, a.repeat)
    if not a.skip_peers:
        print("peers", file=sys.stderr)
        results["peers"] = peers_table(work, a.routes, 1000, a.repeat)
    scale = [int(s) for s in a.scale.split(",") if s]
    if scale:
        print("analyze at host scale", file=sys.stderr)
        before = os.getloadavg()[0]
        results["scale"] = scale_table(scale, work, a.rounds)
        results["scale_load"] = (before, os.getloadavg()[0])
    sizes = [int(s) for s in a.sizes.split(",") if s]
    if sizes:
        print("sizes", file=sys.stderr)
        results["sizes"] = sizes_table(sizes, a.networks, work, a.repeat)
    if not a.skip_jobs:
        print("jobs", file=sys.stderr)
        results["jobs"] = jobs_table(work, dumps, containers, a.repeat, jobs)
    results["load_after"] = os.getloadavg()[0]
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=2))
    print(markdown(results))
    print(f"\nload average {results['load']:.2f} before, {results['load_after']:.2f} after; "
          f"{results['cpus']} CPUs; Python {results['python']}")
    if a.readme and scale:
        write_readme(scale_markdown(results))


if __name__ == "__main__":
    main()
