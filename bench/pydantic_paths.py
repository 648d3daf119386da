"""How fast pydantic builds the same 20,000 `Route` models by each of its paths (interleaved
rounds, medians): per object `Route(**fields)`, `Route.model_validate(fields)`, one
`TypeAdapter(list[Route])` over the list, and `Route.model_construct(**fields)` (no validation).

    python -m bench.pydantic_paths [--rounds 9]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time
from ipaddress import IPv4Address, IPv4Network

from pydantic import TypeAdapter

from netparse.models.route import Route, RouteFlag


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=9)
    a = ap.parse_args(argv)
    rows = [{"destination": IPv4Network(((10 << 24) + (i << 8), 24)), "prefixlen": 24,
             "gateway": IPv4Address("192.0.2.1"), "genmask": IPv4Address("255.255.255.0"),
             "flags": [RouteFlag("U"), RouteFlag("G")], "metric": 0, "ref": 0, "use": 0,
             "iface": "eth0"} for i in range(20_000)]
    adapter = TypeAdapter(list[Route])
    paths = {
        "Route(**fields)": lambda: [Route(**r) for r in rows],
        "Route.model_validate(fields)": lambda: [Route.model_validate(r) for r in rows],
        "TypeAdapter(list[Route])": lambda: adapter.validate_python(rows),
        "Route.model_construct(**fields)": lambda: [Route.model_construct(**r) for r in rows],
    }
    for fn in paths.values():
        fn()
    times: dict[str, list[float]] = {k: [] for k in paths}
    load = os.getloadavg()[0]
    gc.disable()
    for _ in range(a.rounds):
        for name, fn in paths.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    gc.enable()
    base = statistics.median(times["Route(**fields)"])
    print("| path | 20,000 routes | per model | vs Route(**fields) |")
    print("| --- | ---: | ---: | ---: |")
    for name, t in times.items():
        m = statistics.median(t)
        print(f"| `{name}` | {m * 1000:.1f} ms | {m / 20_000 * 1e6:.2f} µs | {m / base:.2f} |")
    print(f"\nmedian of {a.rounds} interleaved rounds; load average {load:.2f} before, "
          f"{os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
