"""How `netparse reach` grows with the number of containers: the matrix is every container to
every address of every other, so its paths grow as the square; each is walked there and back.

    python -m bench.reach [SIZES...]       # default 25 50 100 200

Each size is a dump of bench.gen with a real iptables-save of a healthy Docker host beside it
(tests/fixtures/reach/healthy); the command runs in a process of its own, as a user runs it, and
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

FIREWALL = Path(__file__).resolve().parent.parent / "tests/fixtures/reach/healthy/dump/iptables_save.txt"


def measure(size: int, root: Path) -> dict:
    dump = root / f"d{size}"
    generate(dump, containers=size, networks=5)
    shutil.copy(FIREWALL, dump / "iptables_save.txt")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "netparse.cli.main", "reach", str(dump),
                           "--format", "json"], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"containers": size, "paths": len(json.loads(done.stdout)["paths"]),
            "seconds": round(seconds, 2), "peak_mib": round(max(peak, before) / 1024)}


def main(argv: list[str]) -> None:
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
