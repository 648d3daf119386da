"""How `netparse reach` grows with the number of containers: the matrix is every container to
every address of every other, so its paths grow as the square; containers that cannot walk
differently share one walk per (class, class, network).

    python -m bench.reach [SIZES...] [--before TREE] [--rounds N]   # default 100 200 1000
    python -m bench.reach --diff [SIZES...]   # `netparse diff` against analysing both dumps

Each size is a dump of bench.gen over 5 networks with its iptables-save (Docker's rules for its
networks and ports, as in tests/fixtures/reach/healthy). `netparse reach` runs in a process of
its own, as a user runs it, once with `--format text` and once with `--format json`, its output
sent to /dev/null; reported: the median wall and CPU time (user + system) and the peak RSS.
With `--before TREE` (a source tree of netparse, e.g. `git archive main | tar -x -C TREE`), the
same runs of that tree come in the same rounds, interleaved (a change in the machine's load
falls on both alike), with the ratio of CPU times; `--before-max N` leaves out the sizes over N
for that tree (walking every pair of 1,000 containers takes about an hour and 27 GB), and
`--json-max N` the JSON runs over N (3 GB of JSON at 1,000 containers).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import child
from bench.gen import generate


def paths_of(dump) -> int:
    """The matrix's paths: every running container to every address of every other."""
    live = [c for c in dump.containers if c.running]
    addresses = sum(len(c.endpoints) for c in live)
    return (len(live) - 1) * addresses


def run_once(tree: Path | None, dump: Path, fmt: str) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MiB) of one `netparse reach`, in a process of its own, with
    netparse imported from `tree` (None: the one installed)."""
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    wall, cpu, peak, code = child.run([sys.executable, "-m", "netparse.cli.main", "reach",
                                       str(dump), "--format", fmt], cwd=tree or None, env=env)
    if code != 0:
        raise SystemExit(f"netparse reach {dump} exited with {code}")
    return wall, cpu, peak / 2**20


def _timed(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "netparse.cli.main", *args], capture_output=True)
    return time.perf_counter() - start


def measure_diff(size: int, root: Path) -> dict:
    """`netparse diff` of a dump and the same dump with a DOCKER-USER drop added, next to
    `netparse analyze` of each (best of 2 each)."""
    before, after = root / f"b{size}", root / f"a{size}"
    generate(before, containers=size, networks=5)
    shutil.copytree(before, after)
    rules = (after / "iptables_save.txt").read_text()
    (after / "iptables_save.txt").write_text(
        rules.replace("-A DOCKER-USER -j RETURN", "-A DOCKER-USER -s 10.0.0.0/8 -j DROP\n"
                      "-A DOCKER-USER -j RETURN", 1))
    analyze = min(_timed("analyze", str(before), "--fail-on", "never")
                  + _timed("analyze", str(after), "--fail-on", "never") for _ in range(2))
    diff = min(_timed("diff", str(before), str(after), "--fail-on", "never") for _ in range(2))
    return {"containers": size, "analyze both": round(analyze, 2), "diff": round(diff, 2)}


def main(argv: list[str]) -> None:
    if argv[:1] == ["--diff"]:
        with tempfile.TemporaryDirectory() as tmp:
            print("| containers | analyze both (s) | diff (s) |")
            print("| --- | --- | --- |")
            for size in [int(a) for a in argv[1:]] or [100, 1000]:
                r = measure_diff(size, Path(tmp))
                print(f"| {r['containers']} | {r['analyze both']} | {r['diff']} |", flush=True)
        return
    before, before_max, json_max, rounds, sizes = None, None, None, 1, []
    args = iter(argv)
    for a in args:
        if a == "--before":
            before = Path(next(args)).resolve()
        elif a == "--before-max":
            before_max = int(next(args))
        elif a == "--json-max":
            json_max = int(next(args))
        elif a == "--rounds":
            rounds = int(next(args))
        else:
            sizes.append(int(a))
    sizes = sizes or [100, 200, 1000]
    sides = [("after", None)] + ([("before", before)] if before else [])
    with tempfile.TemporaryDirectory() as tmp:
        dumps = {n: generate(Path(tmp) / f"d{n}", containers=n, networks=5) for n in sizes}
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
              f"{os.cpu_count()} CPUs", flush=True)
        runs: dict = {}
        for _ in range(rounds):
            for n in sizes:
                for fmt in ("text", "json"):
                    for side, tree in sides:
                        if side == "before" and before_max is not None and n > before_max or \
                                fmt == "json" and json_max is not None and n > json_max:
                            continue
                        r = run_once(tree, dumps[n].path, fmt)
                        runs.setdefault((n, fmt, side), []).append(r)
                        print(f"  {side} {n} {fmt}: {r[0]:.1f} s wall, {r[1]:.1f} s CPU, "
                              f"{r[2]:.0f} MiB", file=sys.stderr, flush=True)
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print("| containers | paths | format | wall | CPU | peak RSS | wall before | CPU before "
              "| peak RSS before | CPU before / after |")
        print("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for n in sizes:
            for fmt in ("text", "json"):
                a = runs.get((n, fmt, "after"))
                if a is None:
                    continue
                b = runs.get((n, fmt, "before"))
                cells = [f"{n:,}", f"{paths_of(dumps[n]):,}", fmt, *_stats(a)]
                if b:
                    cpu = statistics.median(r[1] for r in a)
                    cells += [*_stats(b), f"×{statistics.median(r[1] for r in b) / cpu:.1f}"]
                else:
                    cells += ["", "", "", ""]
                print("| " + " | ".join(cells) + " |")


def _stats(runs: list) -> list[str]:
    return [f"{statistics.median(r[0] for r in runs):.2f} s",
            f"{statistics.median(r[1] for r in runs):.2f} s",
            f"{max(r[2] for r in runs):.0f} MiB"]


if __name__ == "__main__":
    main(sys.argv[1:])
