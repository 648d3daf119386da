"""`netparse analyze` at host scale: whole processes, rounds interleaved, medians.

    python -m bench.scale [SIZES...] [--rounds N] [--keep DIR]   # default 1000 2000 10000, 3

Each size is a dump of bench.gen over 20 user networks with its iptables-save (so that the
firewall checks walk every container's way out); each round runs `netparse analyze DUMP
--fail-on never > /dev/null` once per size, in turn, so that a change in the machine's load
falls on every size alike. Reported per size: the median wall time and CPU time (user + system,
which a loaded machine stretches less than the wall time), the largest peak RSS, and both over
the dump's size, with the growth against the size before. The load average is printed before
and after: on a shared machine read the CPU times and the ratios first.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

from bench import child
from bench.gen import generate


def _dump(root: Path, size: int) -> Path:
    path = root / f"d{size}"
    if not path.exists():
        generate(path, containers=size, networks=20)
    return path


def _bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def run_once(dump: Path) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MiB) of one `netparse analyze`, in a process of its own."""
    wall, cpu, peak, code = child.run([sys.executable, "-m", "netparse.cli.main", "analyze",
                                       str(dump), "--fail-on", "never"])
    if code != 0:
        raise SystemExit(f"netparse analyze {dump} exited with {code}")
    return wall, cpu, peak / 2**20


def main(argv: list[str]) -> None:
    rounds = 3
    keep = None
    sizes = []
    args = iter(argv)
    for a in args:
        if a == "--rounds":
            rounds = int(next(args))
        elif a == "--keep":
            keep = Path(next(args))
        else:
            sizes.append(int(a))
    sizes = sizes or [1000, 2000, 10000]
    with tempfile.TemporaryDirectory() as tmp:
        root = keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        dumps = {n: _dump(root, n) for n in sizes}
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
              f"{os.cpu_count()} CPUs", flush=True)
        runs: dict[int, list] = {n: [] for n in sizes}
        for _ in range(rounds):
            for n in sizes:
                runs[n].append(run_once(dumps[n]))
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print("| containers | dump | wall (median) | CPU (median) | peak RSS | RSS / dump "
              "| CPU × vs the size before |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        before = None
        for n in sizes:
            wall = statistics.median(r[0] for r in runs[n])
            cpu = statistics.median(r[1] for r in runs[n])
            peak = max(r[2] for r in runs[n])
            size = _bytes(dumps[n]) / 2**20
            growth = f"×{cpu / before[1]:.2f} for ×{n / before[0]:g}" if before else ""
            print(f"| {n:,} | {size:.1f} MiB | {wall:.2f} s | {cpu:.2f} s | {peak:.0f} MiB | "
                  f"{peak / size:.1f}× | {growth} |")
            before = (n, cpu)


if __name__ == "__main__":
    main(sys.argv[1:])
