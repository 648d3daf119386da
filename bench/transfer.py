"""Would a second process speed up one dump? For each large capture of a dump: the time to
parse it here, against the time to send its parsed models back from a worker process
(`pickle.dumps` there, `pickle.loads` here), which is what a pool of parsers would add.

    python -m bench.transfer DUMP [--rounds 5]

Medians of interleaved rounds, CPU time of this process, the cyclic GC off as netparse has it
while it parses.
"""

from __future__ import annotations

import argparse
import gc
import os
import pickle
import statistics
import time
from pathlib import Path

from netparse.parsers import parse

FILES = ("docker_inspect.json", "ip_link.txt", "ip_addr.txt", "ip_route.txt", "bridge_fdb.txt",
         "docker_ps.txt")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dump")
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args(argv)
    texts = {}
    for name in FILES:
        path = Path(a.dump) / name
        if path.exists():
            text = path.read_text()
            texts[name] = (text, name.split(".")[0])  # the file's stem is its kind
    clock = time.process_time
    times: dict[str, dict[str, list[float]]] = {n: {"parse": [], "dumps": [], "loads": []}
                                                for n in texts}
    load = os.getloadavg()[0]
    gc.disable()
    for _ in range(a.rounds):
        for name, (text, kind) in texts.items():
            t = clock()
            result = parse(text, kind)
            times[name]["parse"].append(clock() - t)
            t = clock()
            blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            times[name]["dumps"].append(clock() - t)
            t = clock()
            pickle.loads(blob)
            times[name]["loads"].append(clock() - t)
            del result, blob
    gc.enable()
    print("| capture | parse | pickle.dumps (worker) | pickle.loads (here) | sent back ÷ parse |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, t in times.items():
        p, d, lo = (statistics.median(t[k]) for k in ("parse", "dumps", "loads"))
        print(f"| {name} | {p * 1000:.0f} ms | {d * 1000:.0f} ms | {lo * 1000:.0f} ms "
              f"| {lo / p:.2f} |")
    print(f"\nmedian of {a.rounds} interleaved rounds (CPU time); load average {load:.2f} "
          f"before, {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
