"""How `netparse reach` grows with the number of containers: the matrix is every container to
every address of every other, so its paths grow as the square; each is walked there and back.

    python -m bench.reach [SIZES...]       # default 25 50 100 200
    python -m bench.reach --diff [SIZES...]   # `netparse diff` against analysing both dumps

Each size is a dump of bench.gen with its iptables-save (Docker's rules for its networks and
ports, as in tests/fixtures/reach/healthy); the command runs in a process of its own, as a user runs it, and
its wall time and peak memory are reported with the number of paths.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.gen import generate


def measure(size: int, root: Path) -> dict:
    dump = root / f"d{size}"
    generate(dump, containers=size, networks=5)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "netparse.cli.main", "reach", str(dump),
                           "--format", "json"], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"containers": size, "paths": len(json.loads(done.stdout)["paths"]),
            "seconds": round(seconds, 2), "peak_mib": round(max(peak, before) / 1024)}


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
    sizes = [int(a) for a in argv] or [25, 50, 100, 200]
    with tempfile.TemporaryDirectory() as tmp:
        print("| containers | paths | seconds | peak MiB |")
        print("| --- | --- | --- | --- |")
        for size in sizes:
            r = measure(size, Path(tmp))
            print(f"| {r['containers']} | {r['paths']} | {r['seconds']} | {r['peak_mib']} |",
                  flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
