"""Work that holds the interpreter runs in worker processes: the time limit always fires and
kills it, while it runs the page and other clients' requests are answered, and one client
cannot take every worker."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import httpx
import pytest

from netparse.web.app import Settings
from tests.web.conftest import DUMPS, as_form, dump_files, running

MiB = 1024 * 1024
BRCTL = (DUMPS / "veth-detached/brctl_show.txt").read_text()
LOG = "NETPARSE_TEST_WORKERS"   # a folder where the workers say they started, and what they hold


def note(name: str) -> None:
    with open(Path(os.environ[LOG]) / name, "a") as out:
        out.write(f"{os.getpid()}\n")


def hold(files) -> None:
    """What a parse of hostile input can do: hold the interpreter (a C loop never lets go of
    the GIL) far past any time limit."""
    note("held")
    sum(range(10**13))


def hold_or_slow_when_marked():
    """Worker set-up: an upload starting with `hold` is held, one with `slow` takes 1 s."""
    from netparse.web import work

    original = work.analyze_files

    def analyze(files, kind=None, host=None):
        if any(data.startswith(b"hold") for data in files.values()):
            hold(files)
        if any(data.startswith(b"slow") for data in files.values()):
            time.sleep(1)
        return original(files, kind, host)

    work.analyze_files = analyze
    note("started")


SETTINGS = Settings(work_timeout=3.0, workers=2, large_input=MiB,
                    worker_init=hold_or_slow_when_marked)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("workers")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(LOG, str(log))        # the workers inherit it
        with running(SETTINGS) as url:
            warm_up(log)
            yield url, log


def pids(log: Path, name: str) -> list[int]:
    path = log / name
    return [int(pid) for pid in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    """Running: neither gone nor a zombie (killed, not yet reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def warm_up(log: Path) -> None:
    """Wait until the three workers (two, and one for large inputs) have started: on a busy
    machine that can take longer than the time limit, and the first requests would be 503."""
    deadline = time.monotonic() + 60
    while sum(map(alive, pids(log, "started"))) < 3:
        assert time.monotonic() < deadline, "the workers did not start"
        time.sleep(0.1)
    time.sleep(0.3)                     # from set-up done to ready


def post(url: str, files: dict, results: list, source: str = "127.0.0.1") -> None:
    started = time.monotonic()
    with httpx.Client(base_url=url, timeout=30,
                      transport=httpx.HTTPTransport(local_address=source)) as client:
        r = client.post("/api/analyze", files=as_form(files))
    results.append((r.status_code, r.json(), time.monotonic() - started))


def held_large(url: str, results: list) -> None:
    post(url, {"ip_addr.txt": b"hold" + b"x" * (2 * MiB)}, results, "127.0.0.3")


def wait_held(log: Path, count: int) -> list[int]:
    deadline = time.monotonic() + 10
    while len(pids(log, "held")) < count:
        assert time.monotonic() < deadline, "the job was not started"
        time.sleep(0.05)
    return pids(log, "held")


def others_are_served(url: str) -> None:
    with httpx.Client(base_url=url, timeout=10) as other:
        for _ in range(3):
            started = time.monotonic()
            assert other.get("/").status_code == 200
            r = other.post("/api/analyze", files=as_form(dump_files("veth-detached")))
            assert r.status_code == 200 and r.json()["topology"]["containers"]
            assert other.post("/api/parse", data={"text": BRCTL}).status_code == 200
            # Served while the held job still holds its worker, not after its time limit.
            assert time.monotonic() - started < SETTINGS.work_timeout


def test_a_job_that_holds_the_interpreter_is_killed_at_the_time_limit(server):
    url, log = server
    results: list = []
    before = len(pids(log, "held"))
    held_large(url, results)
    ((status, body, took),) = results
    assert status == 503 and "longer than 3 s" in body["error"]
    assert took < SETTINGS.work_timeout + 2
    (pid,) = pids(log, "held")[before:]
    deadline = time.monotonic() + 5
    while alive(pid):
        assert time.monotonic() < deadline, "the worker still runs after its job was given up"
        time.sleep(0.05)
    # Its replacement takes the next job.
    warm_up(log)
    held_large(url, results)
    assert results[-1][0] == 503
    assert pids(log, "held")[before + 1:] != [pid] and len(pids(log, "held")) == before + 2
    warm_up(log)


def test_others_are_served_while_large_jobs_hold_their_worker(server):
    url, log = server
    results: list = []
    before = len(pids(log, "held"))
    heavy = [threading.Thread(target=held_large, args=(url, results)) for _ in range(2)]
    for t in heavy:
        t.start()
    (pid,) = wait_held(log, before + 1)[before:]    # the other waits for the large lane
    # Large inputs go to the worker of lower priority.
    assert os.getpriority(os.PRIO_PROCESS, pid) == os.getpriority(os.PRIO_PROCESS, 0) + 10
    others_are_served(url)
    for t in heavy:
        t.join(30)
    assert sorted(status for status, _, _ in results) == [503, 503]
    warm_up(log)


def test_one_client_cannot_hold_every_worker_with_small_slow_inputs(server):
    url, log = server
    results: list = []
    before = len(pids(log, "held"))
    greedy = [threading.Thread(target=post, args=(url, {"ip_addr.txt": b"hold\n"}, results,
                                                  "127.0.0.4")) for _ in range(2)]
    for t in greedy:
        t.start()
    wait_held(log, before + 1)
    others_are_served(url)
    for t in greedy:
        t.join(30)
    assert sorted(status for status, _, _ in results) == [503, 503]
    assert len(pids(log, "held")) == before + 1     # the second never ran beside the first
    warm_up(log)


def test_clients_with_many_jobs_waiting_do_not_hold_up_another(server):
    url, _ = server
    done: list[str] = []
    slow = {"brctl_show.txt": b"slow\n" + BRCTL.encode()}

    def one(who: str, source: str, files) -> None:
        post(url, files, [], source)
        done.append(who)

    greedy = [threading.Thread(target=one, args=(who, source, slow))
              for who, source in (("a", "127.0.0.2"), ("b", "127.0.0.6")) for _ in range(4)]
    for t in greedy:
        t.start()
    time.sleep(0.2)                     # a and b have a job running each, and three waiting
    one("other", "127.0.0.5", {"brctl_show.txt": BRCTL.encode()})
    for t in greedy:
        t.join(30)
    # The next free worker went to the client served longest ago, not to a waiting job of a
    # or b that came first.
    assert done.index("other") <= 2, done
