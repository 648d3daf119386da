"""Start-up: the CPU time of one short command, netparse's beside jc's, before and after.

    python -m bench.startup [--rounds 9] [--checkout PATH ...]

Each command runs in a process of its own, round after round (interleaved, so that a change in
the machine's load falls on all of them alike); each figure is the median over the rounds of
the process's CPU time (user + system, from `wait4`), which time spent waiting for a CPU does
not count. Every checkout's bytecode is compiled first (`compileall`), as an installed package's
is: where PYTHONDONTWRITEBYTECODE is set, each start would otherwise compile netparse again.
`--checkout` adds another tree of netparse (a copy of an earlier commit) to run beside this one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMALL_DUMP = ROOT / "tests" / "fixtures" / "dumps" / "default-bridge"


def _cpu(argv: list[str], env: dict, stdin: Path | None) -> float:
    with open(stdin or os.devnull, "rb") as given, open(os.devnull, "wb") as null:
        process = subprocess.Popen(argv, stdin=given, stdout=null, stderr=subprocess.PIPE,
                                   env=env)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        error = process.stderr.read()
        process.stderr.close()
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)}: exit {process.returncode}: {error.decode()[:500]}")
    return usage.ru_utime + usage.ru_stime


def commands(work: Path, checkouts: dict[str, Path]) -> list[tuple[str, list[str], dict, Path | None]]:
    capture = work / "route_n.txt"
    capture.write_text("".join((SMALL_DUMP / "route_n.txt").read_text().splitlines(True)[:3]))
    env = dict(os.environ)
    found = [("python -c pass", [sys.executable, "-c", "pass"], env, None)]
    jc = shutil.which("jc") or str(Path(sys.executable).parent / "jc")
    if Path(jc).exists():
        found.append(("jc --route", [jc, "--route"], env, capture))
    for name, tree in checkouts.items():
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "netparse")],
                       check=True, stdout=subprocess.DEVNULL)
        tree_env = dict(env, PYTHONPATH=str(tree))
        main = [sys.executable, "-m", "netparse.cli.main"]
        found += [(f"netparse parse ({name})", [*main, "parse", str(capture)], tree_env, None),
                  (f"netparse analyze small dump ({name})",
                   [*main, "analyze", str(SMALL_DUMP), "--fail-on", "never"], tree_env, None)]
    return found


# `--parts`: what the imports of `netparse parse` cost on their own, in the same rounds.
PARTS = {
    "import click": "import click",
    "import pydantic": "import pydantic",
    "pydantic: a model and its first validation":
        "from pydantic import BaseModel\nclass A(BaseModel):\n    x: int\nA(x=1)",
    "import netparse.parsers (models, kinds)": "import netparse.parsers",
    "netparse.parsers.parse of the capture": "from netparse.parsers import parse\n"
                                           "parse(open(FILE).read(), 'route_n')",
}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--checkout", action="append", default=[],
                    help="NAME=PATH of another netparse tree to run beside this one")
    ap.add_argument("--work", default="/tmp/netparse-bench")
    ap.add_argument("--parts", action="store_true",
                    help="also time the imports of `netparse parse` one by one (this tree)")
    a = ap.parse_args(argv)
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    checkouts = {"this tree": ROOT}
    for item in a.checkout:
        name, _, path = item.partition("=")
        checkouts[name] = Path(path)
    runs = commands(work, checkouts)
    if a.parts:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        runs += [(name, [sys.executable, "-c", code.replace("FILE", repr(str(work / "route_n.txt")))],
                  env, None) for name, code in PARTS.items()]
    times: dict[str, list[float]] = {name: [] for name, *_ in runs}
    load = os.getloadavg()[0]
    for _ in range(a.rounds):
        for name, argv, env, stdin in runs:
            times[name].append(_cpu(argv, env, stdin))
    print("| command | median CPU time | ÷ jc --route |")
    print("| --- | ---: | ---: |")
    jc = statistics.median(times["jc --route"]) if times.get("jc --route") else None
    for name, found in times.items():
        median = statistics.median(found)
        ratio = f"{median / jc:.2f}" if jc else "–"
        print(f"| `{name}` | {median * 1000:.0f} ms | {ratio} |")
    print(f"\nmedian of {a.rounds} interleaved rounds; load average {load:.2f} before, "
          f"{os.getloadavg()[0]:.2f} after; Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
