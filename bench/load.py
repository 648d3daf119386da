"""Load test of `netparse serve`: do ordinary clients keep their latency while one client posts
a large capture in a loop and another holds idle connections?

    python -m bench.load [--clients 4] [--seconds 20] [--rounds 2] [--heavy-mib 20]
                         [--idle 199] [--think 0.1] [--work /tmp/netparse-bench] [--json FILE]
    python -m bench.load --short         # a few seconds; what tests/bench/test_load.py runs

It starts `netparse serve` on a free loopback port, then alternates two phases, `--rounds`
times each: *alone*, `--clients` clients each posting a real dump of tests/fixtures/dumps (the
next one each time, as a browser uploads a folder) with a random pause of about `--think`
seconds between requests; and *beside*, the same clients while a heavy client posts a
`--heavy-mib` MiB `docker inspect` capture (bench/gen.py) to /api/analyze in a loop and an idle
client holds `--idle` connections that never send a request, reopening those the server
closes (once a second). Each client is a process of its own with a loopback address of its own
(127.0.0.x), and talks only to 127.0.0.1; every loop ends at its phase's deadline or after
10,000 requests. The clients share the machine's CPUs with the server.

It prints a table: requests, throughput, p50/p95/p99 of the ordinary clients, their errors, the
heavy client's answers, the idle connections opened, and the peak memory of the server and its
workers (RSS summed, sampled every 0.1 s). The target: the ordinary clients' p99 beside the
heavy and idle clients is within twice their p99 alone, and none of them gets an error. The exit
status is 0 when it is met, 1 when not.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
DUMPS = ROOT / "tests/fixtures/dumps"
MiB = 1024 * 1024
MAX_REQUESTS = 10_000


@dataclass
class Share:
    """What one client saw in one phase, or all of them."""

    latencies: list[float] = field(default_factory=list)    # ordinary clients, in seconds
    errors: list[str] = field(default_factory=list)
    heavy: list[tuple[int, float]] = field(default_factory=list)   # status, seconds
    idle_opened: int = 0


@dataclass
class Phase(Share):
    name: str = ""
    seconds: float = 0.0


# --- the inputs ------------------------------------------------------------------------------

def real_dumps() -> list[list[tuple]]:
    """Each real dump as the multipart files a browser sends for a folder."""
    out = []
    for root in sorted(p for p in DUMPS.iterdir() if p.is_dir()):
        out.append([("files", (f"{root.name}/{p.relative_to(root).as_posix()}", p.read_bytes(),
                               "application/octet-stream"))
                    for p in sorted(root.rglob("*")) if p.is_file()])
    return out


def heavy_capture(work: Path, mib: float) -> bytes:
    """A `docker inspect` of a generated host, of at least `mib` MiB (kept in `work`)."""
    from bench.gen import _docker_inspect, plan

    path = work / f"docker_inspect-{mib:g}MiB.json"
    if not path.exists():
        containers = int(mib * MiB / 6700) + 1      # a generated record is about 6.7 kB
        _, ctrs = plan(containers, max(1, containers // 150))
        work.mkdir(parents=True, exist_ok=True)
        path.write_text(_docker_inspect(ctrs, 1))
    return path.read_bytes()


# --- the server ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, checkout: Path = ROOT) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "netparse.cli.main", "serve", "--port",
                               str(port)], cwd=checkout, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("netparse serve did not start")


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return 0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


class Memory(threading.Thread):
    """The peak of the RSS of the server and its workers together."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.1):
            self.peak = max(self.peak, sum(_rss(p) for p in [self.pid, *_children(self.pid)]))


# --- the clients: each in a process of its own, so that none waits on another's GIL -----------

def _wait(start_at: float) -> None:
    time.sleep(max(0.0, start_at - time.monotonic()))


def _turns(url: str, source: str, timeout: float, start_at: float, deadline: float):
    """A client from the address `source`, and the number of each request it may send: from
    `start_at` until `deadline`, MAX_REQUESTS at most."""
    transport = httpx.HTTPTransport(local_address=source)
    with httpx.Client(base_url=url, timeout=timeout, transport=transport) as client:
        _wait(start_at)
        for i in range(MAX_REQUESTS):
            if time.monotonic() >= deadline:
                return
            yield client, i


def ordinary(url: str, n: int, start_at: float, deadline: float, think: float) -> Share:
    share, dumps, rng = Share(), real_dumps(), random.Random(n)
    for client, i in _turns(url, f"127.0.0.{10 + n}", 60, start_at, deadline):
        started = time.monotonic()
        try:
            r = client.post("/api/analyze", files=dumps[(n + i) % len(dumps)])
            if r.status_code != 200:
                share.errors.append(f"{r.status_code} {r.text[:200]}")
        except httpx.HTTPError as exc:
            share.errors.append(f"{type(exc).__name__}: {exc}")
        share.latencies.append(time.monotonic() - started)
        time.sleep(rng.uniform(0, 2 * think))
    return share


def heavy(url: str, data: bytes, start_at: float, deadline: float) -> Share:
    share = Share()
    files = {"files": ("docker_inspect.json", data, "application/json")}
    for client, _ in _turns(url, "127.0.0.3", 180, start_at, deadline):
        started = time.monotonic()
        try:
            status = client.post("/api/analyze", files=files).status_code
        except httpx.HTTPError:
            status = 0
        share.heavy.append((status, time.monotonic() - started))
    return share


def idle(port: int, count: int, start_at: float, deadline: float) -> Share:
    """`count` connections that never send a request; once a second, those the server closed
    are opened again."""
    share, held = Share(), []
    _wait(start_at)
    try:
        while time.monotonic() < deadline:
            while len(held) < count:
                try:
                    held.append(socket.create_connection(("127.0.0.1", port), timeout=5,
                                                         source_address=("127.0.0.2", 0)))
                    share.idle_opened += 1
                except OSError:
                    break
            time.sleep(1)
            for s in select.select(held, [], [], 0)[0]:    # closed by the server
                held.remove(s)
                s.close()
    finally:
        for s in held:
            s.close()
    return share


# --- a run -----------------------------------------------------------------------------------

def run_phase(name: str, clients, url: str, port: int, args, data: bytes | None) -> Phase:
    start_at = time.monotonic() + 1.0       # every client's process is ready by then
    deadline = start_at + args.seconds
    jobs = [clients.submit(ordinary, url, n, start_at, deadline, args.think)
            for n in range(args.clients)]
    if data is not None:
        jobs += [clients.submit(heavy, url, data, start_at, deadline),
                 clients.submit(idle, port, args.idle, start_at, deadline)]
    # Waits for the heavy client's last request too: the next phase starts quiet.
    shares = [job.result() for job in jobs]
    phase = Phase(name=name, seconds=args.seconds)
    for share in shares:
        phase.latencies += share.latencies
        phase.errors += share.errors
        phase.heavy += share.heavy
        phase.idle_opened += share.idle_opened
    return phase


def percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def summary(phases: list[Phase], name: str) -> dict:
    mine = [p for p in phases if p.name == name]
    lat = [x for p in mine for x in p.latencies]
    seconds = sum(p.seconds for p in mine)
    heavy_answers = [status for p in mine for status, _ in p.heavy]
    return {
        "requests": len(lat), "per_second": len(lat) / seconds if seconds else 0.0,
        "p50": percentile(lat, 50), "p95": percentile(lat, 95), "p99": percentile(lat, 99),
        "errors": [e for p in mine for e in p.errors],
        "heavy_answers": {str(s): heavy_answers.count(s) for s in sorted(set(heavy_answers))},
        "heavy_seconds": [round(t, 2) for p in mine for _, t in p.heavy],
        "idle_opened": sum(p.idle_opened for p in mine),
    }


def table(result: dict) -> str:
    rows = ["| phase | requests | req/s | p50 | p95 | p99 | errors | heavy client "
            "(answers) | idle connections opened |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |"]
    for name in ("alone", "beside"):
        s = result[name]
        heavy_part = ", ".join(f"{n}× {code}" for code, n in s["heavy_answers"].items()) or "-"
        rows.append(f"| {name} | {s['requests']} | {s['per_second']:.1f} | "
                    f"{s['p50'] * 1000:.0f} ms | {s['p95'] * 1000:.0f} ms | "
                    f"{s['p99'] * 1000:.0f} ms | {len(s['errors'])} | {heavy_part} | "
                    f"{s['idle_opened']} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    parser.add_argument("--rounds", type=int, default=2, help="alone/beside pairs, alternated")
    parser.add_argument("--heavy-mib", type=float, default=20.0)
    parser.add_argument("--idle", type=int, default=199, help="as in the issue")
    parser.add_argument("--think", type=float, default=0.1,
                        help="mean pause of an ordinary client between requests, in seconds")
    parser.add_argument("--work", type=Path, default=Path("/tmp/netparse-bench"))
    parser.add_argument("--json", type=Path, help="write the results here too")
    parser.add_argument("--checkout", type=Path, default=ROOT,
                        help="serve the netparse of this checkout (to compare versions)")
    parser.add_argument("--short", action="store_true",
                        help="2 clients, one round of 3 s phases, a 5 MiB capture")
    args = parser.parse_args(argv)
    if args.short:
        args.clients, args.seconds, args.rounds, args.heavy_mib = 2, 3.0, 1, 5.0
    data = heavy_capture(args.work, args.heavy_mib)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(port, args.checkout)
    memory = Memory(server.pid)
    memory.start()
    workers = args.clients + 2
    try:
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as clients:
            list(clients.map(time.sleep, [1.0] * workers))      # all started
            run_phase("warm-up", clients, url, port,
                      argparse.Namespace(**{**vars(args), "seconds": 2.0}), None)
            phases = []
            for _ in range(args.rounds):
                phases.append(run_phase("alone", clients, url, port, args, None))
                phases.append(run_phase("beside", clients, url, port, args, data))
    finally:
        memory.stop.set()
        memory.join()
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
    result = {"alone": summary(phases, "alone"), "beside": summary(phases, "beside"),
              "server_peak_rss_mib": memory.peak / MiB, "heavy_mib": len(data) / MiB,
              "clients": args.clients, "seconds": args.seconds, "rounds": args.rounds,
              "think": args.think, "idle": args.idle, "cpus": os.cpu_count()}
    ratio = result["beside"]["p99"] / result["alone"]["p99"]
    errors = len(result["alone"]["errors"]) + len(result["beside"]["errors"])
    result.update(p99_ratio=ratio, met=ratio <= 2 and errors == 0)
    print(table(result))
    print(f"\nheavy capture {result['heavy_mib']:.1f} MiB; server peak memory "
          f"{result['server_peak_rss_mib']:.0f} MiB (server and workers); p99 beside / alone "
          f"= {ratio:.2f} (target 2.00); errors of the ordinary clients: {errors}: "
          f"{'met' if result['met'] else 'MISSED'}")
    for error in (result["alone"]["errors"] + result["beside"]["errors"])[:5]:
        print(f"  error: {error}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0 if result["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
