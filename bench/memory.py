"""Memory that parsing takes, per kind, as a multiple of the capture's size.

    python -m bench.memory [--mib 32] [--out /tmp/netparse-memory]

Writes one large capture of each kind with `bench.gen` (about --mib MiB; the kinds the
generator cannot make that large are real rows repeated), then parses each in a fresh
interpreter and prints, per kind: the capture's size, the peak resident memory that parsing
added (its growth over the process holding the capture's bytes), that peak over the size (the
factor that `netparse.sources.limits` budgets with), and what the model keeps once parsed.
Under some 16 MiB the interpreter's own start-up peak hides the growth.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from bench import gen

MiB = 1024 * 1024
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"

# Run in a fresh interpreter: peak (ru_maxrss) before and after parsing, and what is still
# resident once the text is freed and only the model is held.
_CHILD = """
import gc, json, resource, sys
from netparse.parsers import parse, get_kind, no_cyclic_gc
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()
def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
kind, path = sys.argv[1:]
get_kind(kind).module()
data = open(path, "rb").read()
size, before = len(data), max(peak(), rss())
with no_cyclic_gc():
    model = parse(data, kind)
del data
gc.collect()
print(json.dumps({"grew": peak() - before, "kept": rss() - (before - size)}))
"""


def captures(out: Path, mib: int) -> dict[str, Path]:
    """One capture of each kind, about `mib` MiB, written under `out`."""
    out.mkdir(parents=True, exist_ok=True)
    def n(count: int) -> int:  # a count that gives about `mib` MiB where it gives 32
        return max(1, count * mib // 32)

    nets, ctrs = gen.plan(n(100_000), 250)
    live = [c for c in ctrs if c.running]
    texts = {
        "ip_addr": gen._ip_addr(nets, live),
        "ip_link": gen._ip_link(nets, live[:n(30_000)]),
        "bridge_fdb": gen._bridge_fdb(nets, live),
        "bridge_link": gen._bridge_link(live + live),
        "brctl_show": gen._brctl(nets, live * 12),
        "docker_ps": gen._docker_ps(ctrs + ctrs, full=True),
        "docker_inspect": gen._docker_inspect(ctrs[:n(5_000)], 1),
        "docker_network_inspect": gen._docker_network_inspect(nets, ctrs[:n(80_000)]),
        "route_n": gen._route_n(nets, n(400_000)),
        "ip_route": gen._ip_route(nets, live[:1], n(600_000)),
    }
    found = {}
    for kind, lines in texts.items():
        found[kind] = out / f"{kind}.txt"
        found[kind].write_text(lines if isinstance(lines, str) else "\n".join(lines) + "\n")
    found.update(_repeated(out, mib))
    return found


def _repeated(out: Path, mib: int) -> dict[str, Path]:
    """docker network ls and sysctl -a: real rows, renamed and repeated."""
    ls = (FIXTURES / "dumps/user-networks/docker_network_ls.txt").read_text().splitlines()
    sysctl = (FIXTURES / "captures/default-bridge/sysctl_a.txt").read_text().splitlines()
    rows_ls = [ls[0]] + [f"{n:06x}{row[6:]}" for n in range(mib * MiB // len("".join(ls)))
                         for row in ls[1:]]
    rows_sysctl = [f"h{n}.{row}" for n in range(mib * MiB // len("".join(sysctl)))
                   for row in sysctl if " = " in row]
    found = {"docker_network_ls": out / "docker_network_ls.txt", "sysctl": out / "sysctl.txt"}
    found["docker_network_ls"].write_text("\n".join(rows_ls) + "\n")
    found["sysctl"].write_text("\n".join(rows_sysctl) + "\n")
    return found


def measure(kind: str, path: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", _CHILD, kind, str(path)], check=True,
                          capture_output=True, text=True)
    result = json.loads(done.stdout)
    size = path.stat().st_size
    return {"kind": kind, "mib": size / MiB, "peak_mib": result["grew"] / MiB,
            "factor": result["grew"] / size, "kept": result["kept"] / size}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mib", type=int, default=32)
    ap.add_argument("--out", default="/tmp/netparse-memory")
    args = ap.parse_args(argv)
    print(f"{'kind':<24}{'MiB':>7}{'peak MiB':>10}{'factor':>8}{'kept':>6}")
    for kind, path in sorted(captures(Path(args.out), args.mib).items()):
        r = measure(kind, path)
        print(f"{kind:<24}{r['mib']:>7.1f}{r['peak_mib']:>10.0f}{r['factor']:>8.1f}"
              f"{r['kept']:>6.1f}", flush=True)


if __name__ == "__main__":
    main()
