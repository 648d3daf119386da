"""Each parser beside its peers and the floor, on the same text, in one process.

    python -m bench.parsers [--containers 1000] [--routes 20000] [--rounds 7] [--json FILE]

Rounds are interleaved (every parser of every input once per round, in turn) and each figure
is the median of the rounds of the CPU time of this process (`time.process_time`, which time
spent waiting for a CPU does not count), so a moment of load on the shared machine touches all
of them alike. Peers found in the environment (bench/requirements.txt) are run, the others left out;
`floor` is bench/floor.py, hand-written typed parsers of the same fields.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path


def _inputs(work: Path, containers: int, routes: int) -> dict[str, str]:
    from bench.run import _dump

    big = _dump(work, 10, 2, routes)
    host = _dump(work, containers, 20, 0)
    inside = host / "containers" / "np-c00001"
    ip_route = "".join(line for line in (big / "ip_route.txt").read_text().splitlines(True)
                       if " table " not in line and ":" not in line)
    return {"route_n": (big / "route_n.txt").read_text(), "ip_route": ip_route,
            "ip_addr": (host / "ip_addr.txt").read_text(),
            "ip_link": (host / "ip_link.txt").read_text(),
            "inside_ip_addr": (inside / "ip_addr.txt").read_text(),
            "inside_route_n": (inside / "route_n.txt").read_text(),
            "brctl_show": (host / "brctl_show.txt").read_text(),
            "bridge_fdb": (host / "bridge_fdb.txt").read_text(),
            "bridge_link": (host / "bridge_link.txt").read_text(),
            "docker_ps": (host / "docker_ps.txt").read_text()}


def _jc(name):
    import jc
    return lambda text: jc.parse(name, text, quiet=True)


def _ntc(template_name):
    import textfsm
    import ntc_templates
    template = (Path(ntc_templates.__file__).parent / "templates" / template_name).read_text()
    return lambda text: textfsm.TextFSM(io.StringIO(template)).ParseText(text)


def _ttp_templates(command):
    from ttp import ttp
    from ttp_templates import get_template
    template = get_template(platform="linux", command=command)
    name = re.search(r'<template name="([^"]+)"', template)
    parser = ttp(template=template, log_level="CRITICAL")

    def run(text):
        parser.clear_result()
        parser.add_input(text, template_name=name[1] if name else "_root_template_")
        parser.parse(one=True)
        result = parser.result()
        parser.clear_input()
        return result
    return run


def _insights(module, cls):
    import importlib
    from insights.tests import context_wrap
    parser = getattr(importlib.import_module(f"insights.parsers.{module}"), cls)
    return lambda text: parser(context_wrap(text))


def _floor(name):
    from bench import floor
    return getattr(floor, name)


def _netparse(kind):
    from netparse.parsers import parse
    return lambda text: parse(text, kind)


# input, lines key, times, netparse kind, peers
CASES = [
    ("route -n", "route_n", 1, "route_n",
     [("jc", _jc, "route"), ("insights-core", _insights, ("route", "Route")),
      ("floor", _floor, "route_n")]),
    ("route -n (in a container) ×200", "inside_route_n", 200, "route_n",
     [("jc", _jc, "route"), ("floor", _floor, "route_n")]),
    ("ip route", "ip_route", 1, "ip_route",
     [("jc", _jc, "ip_route"), ("ntc-templates", _ntc, "linux_ip_route_show.textfsm"),
      ("insights-core", _insights, ("ip", "RouteDevices"))]),
    ("ip addr (host)", "ip_addr", 1, "ip_addr",
     [("ttp_templates", _ttp_templates, "ip address show"),
      ("ntc-templates", _ntc, "linux_ip_address_show.textfsm"),
      ("insights-core", _insights, ("ip", "IpAddr")), ("floor", _floor, "ip_addr")]),
    ("ip addr (in a container) ×200", "inside_ip_addr", 200, "ip_addr",
     [("ttp_templates", _ttp_templates, "ip address show"),
      ("insights-core", _insights, ("ip", "IpAddr")), ("floor", _floor, "ip_addr")]),
    ("ip link (host)", "ip_link", 1, "ip_link",
     [("ntc-templates", _ntc, "linux_ip_link_show.textfsm"),
      ("insights-core", _insights, ("ip", "IpLinkInfo"))]),
    ("brctl show", "brctl_show", 1, "brctl_show",
     [("insights-core", _insights, ("brctl_show", "BrctlShow"))]),
    ("bridge fdb", "bridge_fdb", 1, "bridge_fdb", []),
    ("bridge link", "bridge_link", 1, "bridge_link", []),
    ("docker ps", "docker_ps", 1, "docker_ps",
     [("insights-core", _insights, ("docker_list", "DockerListContainers"))]),
]


def run(work: Path, containers: int, routes: int, rounds: int,
        only: set[str] | None = None) -> list[dict]:
    texts = _inputs(work, containers, routes)
    runners = []  # (case index, name, fn)
    rows = []
    for index, (title, key, times, kind, peers) in enumerate(CASES):
        text = texts[key]
        rows.append({"input": title, "lines": text.count("\n") * times, "times": {},
                     "errors": {}})
        for name, make, arg in [("netparse", _netparse, kind), *peers]:
            if only is not None and not (name in only or title in only or kind in only):
                continue
            try:
                fn = make(*arg) if isinstance(arg, tuple) else make(arg)
            except ImportError:
                continue

            def call(fn=fn, text=text, times=times):
                for _ in range(times):
                    result = fn(text)
                if not result:
                    raise ValueError("no result")
            try:
                call()  # warm: imports, templates compiled, validators built
            except Exception as exc:  # a peer that cannot read the input says so in the table
                rows[index]["errors"][name] = f"{type(exc).__name__}: {exc}"[:70]
                continue
            runners.append((index, name, call))
    samples: dict[tuple[int, str], list[float]] = {}
    # The cyclic GC is off for every parser, as netparse turns it off while it parses: the
    # objects made are not cyclic, and its collections would grow with what earlier runs left.
    gc.disable()
    for _ in range(rounds):
        for index, name, call in runners:
            start = time.process_time()
            call()
            samples.setdefault((index, name), []).append(time.process_time() - start)
        gc.collect()
    gc.enable()
    for (index, name), times in samples.items():
        rows[index]["times"][name] = statistics.median(times)
    return rows


def markdown(rows: list[dict]) -> str:
    out = ["| input | lines | netparse | peer | peer time | netparse ÷ peer |",
           "| --- | ---: | ---: | --- | ---: | ---: |"]
    for r in rows:
        ours = r["times"].get("netparse")
        if ours is None:
            continue
        others = [(n, t) for n, t in r["times"].items() if n != "netparse"]
        if not others and not r["errors"]:
            out.append(f"| {r['input']} | {r['lines']:,} | {ours * 1000:.1f} ms | – | – | – |")
        for name, t in others:
            out.append(f"| {r['input']} | {r['lines']:,} | {ours * 1000:.1f} ms | {name} | "
                       f"{t * 1000:.1f} ms | {ours / t:.2f} |")
        for name, why in r["errors"].items():
            out.append(f"| {r['input']} | {r['lines']:,} | {ours * 1000:.1f} ms | {name} | "
                       f"fails: {why} | – |")
    return "\n".join(out)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--containers", type=int, default=1000)
    ap.add_argument("--routes", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--work", default="/tmp/netparse-bench")
    ap.add_argument("--json")
    ap.add_argument("--only", help="comma-separated parsers, kinds or inputs to run")
    a = ap.parse_args(argv)
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    rows = run(work, a.containers, a.routes, a.rounds,
               set(a.only.split(",")) if a.only else None)
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=2))
    print(markdown(rows))
    print(f"\nmedian of {a.rounds} interleaved rounds; load average {load:.2f} before, "
          f"{os.getloadavg()[0]:.2f} after; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
