"""The benchmark: netparse at several dump sizes, and its parsers beside their peers.

    python -m bench.run [--sizes 10,100,1000,2000,5000] [--routes 100000] [--repeat 3]
                        [--work /tmp/netparse-bench] [--json results.json] [--skip-peers]

Run it with the interpreter of an environment that has bench/requirements.txt installed (the
peers: jc, ttp_templates, ntc-templates with TextFSM); without them the peer table is left out.
The machine may be shared: every table gives ratios measured in the same run next to the
absolute numbers, and each figure is the best of --repeat runs.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss * 1024)
        proc.returncode = os.waitstatus_to_exitcode(status)
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


def jobs_table(work: Path, dumps: int, containers: int, repeat: int) -> list[dict]:
    """`netparse analyze FLEET --jobs N` over a folder of `dumps` dumps, for N = 1, 2, ... CPUs."""
    from bench.gen import generate

    fleet = work / f"fleet-{dumps}x{containers}"
    for i in range(dumps):
        if not (fleet / f"host-{i:03d}" / "sysctl.txt").exists():
            generate(fleet / f"host-{i:03d}", containers, 5, 0, seed=100 + i)
    rows = []
    for jobs in sorted({1, 2, os.cpu_count() or 1}):
        wall, peak = _process(_netparse("analyze", str(fleet), "--jobs", str(jobs)), repeat)
        rows.append({"jobs": jobs, "dumps": dumps, "containers": containers, "wall": wall})
        print(f"  --jobs {jobs}: {wall:.2f} s", file=sys.stderr)
    return rows


# --- parsers against their peers, in this process -------------------------------------------------

def _best(fn, repeat: int) -> float:
    fn()  # warm: templates compiled, modules imported
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _peers() -> dict:
    found = {}
    try:
        import jc

        found["jc"] = jc
    except ImportError:
        pass
    try:
        from ttp import ttp
        from ttp_templates import get_template

        found["ttp_templates"] = (ttp, get_template)
    except ImportError:
        pass
    try:
        import textfsm
        import ntc_templates

        found["ntc"] = (textfsm, Path(ntc_templates.__file__).parent / "templates")
    except ImportError:
        pass
    return found


def peers_table(work: Path, routes: int, containers: int, networks: int, repeat: int) -> list[dict]:
    from netparse.parsers import parse

    peers = _peers()
    big = _dump(work, 10, 2, routes)
    host = _dump(work, containers, networks, 0)
    route_n = (big / "route_n.txt").read_text()
    # `ip route`: the main IPv4 table, the output every peer is written for.
    ip_route = "".join(line for line in (big / "ip_route.txt").read_text().splitlines(True)
                       if " table " not in line and ":" not in line)
    ip_addr = (host / "ip_addr.txt").read_text()
    inside = (host / "containers" / "np-c00001" / "ip_addr.txt").read_text()
    cases = [("route -n", "route_n", route_n, [("jc", "jc:route")]),
             ("ip route", "ip_route", ip_route,
              [("jc", "jc:ip_route"), ("ntc-templates", "ntc:linux_ip_route_show.textfsm")]),
             ("ip addr (host)", "ip_addr", ip_addr,
              [("ttp_templates", "ttp:ip address show"),
               ("ntc-templates", "ntc:linux_ip_address_show.textfsm")]),
             ("ip addr (in a container) ×200", "ip_addr", inside,
              [("ttp_templates", "ttp:ip address show"),
               ("ntc-templates", "ntc:linux_ip_address_show.textfsm")])]
    rows = []
    for title, kind, text, others in cases:
        times = 200 if "×" in title else 1
        lines = text.count("\n") * times

        def ours(text=text, kind=kind, times=times):
            for _ in range(times):
                parse(text, kind)
        mine = _best(ours, repeat)
        row = {"input": title, "lines": lines, "netparse": mine, "peers": {}}
        for name, spec in others:
            fn = _peer_fn(peers, spec, text, times)
            if fn is None:
                continue
            try:
                row["peers"][name] = _best(fn, repeat)
            except Exception as exc:  # a peer that cannot read the input says so in the table
                row["peers"][name] = f"error: {type(exc).__name__}: {exc}"[:80]
        rows.append(row)
        print(f"  {title}: netparse {mine:.3f} s", file=sys.stderr)
    return rows


def _peer_fn(peers: dict, spec: str, text: str, times: int):
    tool, _, what = spec.partition(":")
    if tool == "jc" and "jc" in peers:
        jc = peers["jc"]

        def run():
            for _ in range(times):
                result = jc.parse(what, text, quiet=True)
            if not result:
                raise ValueError("no result")
        return run
    if tool == "ttp" and "ttp_templates" in peers:
        ttp, get_template = peers["ttp_templates"]
        template = get_template(platform="linux", command=what)
        name = re.search(r'<template name="([^"]+)"', template)
        parser = ttp(template=template, log_level="CRITICAL")

        def run():
            for _ in range(times):
                parser.clear_result()
                parser.add_input(text, template_name=name[1] if name else "_root_template_")
                parser.parse(one=True)
                result = parser.result()
                parser.clear_input()
            if not result or not result[0]:
                raise ValueError("no result")
        return run
    if tool == "ntc" and "ntc" in peers:
        textfsm, folder = peers["ntc"]
        template = (folder / what).read_text()

        def run():
            for _ in range(times):
                result = textfsm.TextFSM(io.StringIO(template)).ParseText(text)
            if not result:
                raise ValueError("no result")
        return run
    return None


# --- report ---------------------------------------------------------------------------------------

def markdown(results: dict) -> str:
    out = []
    sizes = results["sizes"]
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
    if results.get("peers"):
        out.append("")
        out.append("| input | lines | netparse | peer | peer time | netparse ÷ peer |")
        out.append("| --- | ---: | ---: | --- | ---: | ---: |")
        for r in results["peers"]:
            for name, t in r["peers"].items():
                if isinstance(t, str):
                    out.append(f"| {r['input']} | {r['lines']:,} | {r['netparse']:.3f} s | {name} "
                               f"| {t} | – |")
                else:
                    out.append(f"| {r['input']} | {r['lines']:,} | {r['netparse']:.3f} s | {name} "
                               f"| {t:.3f} s | {r['netparse'] / t:.2f} |")
    if results.get("jobs"):
        one = results["jobs"][0]["wall"]
        out.append("")
        out.append("| folder of dumps | --jobs | wall | speed-up |")
        out.append("| --- | ---: | ---: | ---: |")
        for r in results["jobs"]:
            out.append(f"| {r['dumps']} × {r['containers']} containers | {r['jobs']} | "
                       f"{r['wall']:.2f} s | ×{one / r['wall']:.2f} |")
    out.append("")
    out.append("| start-up | best wall time |")
    out.append("| --- | ---: |")
    for what, t in results["startup"].items():
        out.append(f"| `{what}` | {t * 1000:.0f} ms |")
    return "\n".join(out)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10,100,1000,2000,5000")
    ap.add_argument("--networks", type=int, default=20)
    ap.add_argument("--routes", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", default="/tmp/netparse-bench")
    ap.add_argument("--json")
    ap.add_argument("--skip-peers", action="store_true")
    a = ap.parse_args(argv)
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in a.sizes.split(",")]
    results = {"python": sys.version.split()[0], "cpus": os.cpu_count(),
               "load": os.getloadavg()[0]}
    print("start-up", file=sys.stderr)
    results["startup"] = startup(work, a.repeat)
    print("sizes", file=sys.stderr)
    results["sizes"] = sizes_table(sizes, a.networks, work, a.repeat)
    print("jobs", file=sys.stderr)
    results["jobs"] = jobs_table(work, 8, 250, a.repeat)
    if not a.skip_peers:
        print("peers", file=sys.stderr)
        results["peers"] = peers_table(work, a.routes, min(max(sizes), 5000), a.networks,
                                       a.repeat)
    results["load_after"] = os.getloadavg()[0]
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=2))
    print(markdown(results))
    print(f"\nload average {results['load']:.2f} before, {results['load_after']:.2f} after; "
          f"{results['cpus']} CPUs; Python {results['python']}")


if __name__ == "__main__":
    main()
