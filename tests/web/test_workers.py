"""Work that holds the interpreter runs in worker processes: the time limit always fires and
kills it, and while it runs the page and other requests are answered."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import replace

import httpx
import pytest

from netparse.web.app import Settings
from tests.web.conftest import DUMPS, as_form, dump_files, running

MiB = 1024 * 1024
BRCTL = (DUMPS / "veth-detached/brctl_show.txt").read_text()
PIDS = "NETPARSE_TEST_PIDS"     # where a held job writes its process id


def hold(files) -> None:
    """What a parse of hostile input can do: hold the interpreter (a C loop never lets go of
    the GIL) far past any time limit."""
    with open(os.environ[PIDS], "a") as out:
        out.write(f"{os.getpid()}\n")
    sum(range(10**13))


def hold_or_slow_when_marked():
    """Worker set-up: an upload starting with `hold` is held, one with `slow` takes 0.4 s."""
    from netparse.web import work

    original = work.analyze_files

    def analyze(files, kind=None):
        if any(data.startswith(b"hold") for data in files.values()):
            hold(files)
        if any(data.startswith(b"slow") for data in files.values()):
            time.sleep(0.4)
        return original(files, kind)

    work.analyze_files = analyze


SETTINGS = Settings(work_timeout=3.0, workers=1, large_input=MiB,
                    worker_init=hold_or_slow_when_marked)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    pids = tmp_path_factory.mktemp("workers") / "pids"
    pids.write_text("")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(PIDS, str(pids))      # the workers inherit it
        with running(SETTINGS) as url:
            warm_up(url)
            yield url, pids


def held(pids) -> list[int]:
    """The processes of the held jobs so far."""
    return [int(pid) for pid in pids.read_text().split()]


def warm_up(url: str) -> None:
    """Wait until both lanes' workers have started (on a busy machine that can take more than
    the time limit, which would make the first requests 503)."""
    deadline = time.monotonic() + 60
    for files in ({"brctl_show.txt": BRCTL.encode()}, {"notes.txt": b"x" * (2 * MiB)}):
        while httpx.post(f"{url}/api/analyze", files=as_form(files),
                         timeout=30).status_code == 503:
            assert time.monotonic() < deadline, "the workers did not start"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def post_large(url: str, results: list) -> None:
    started = time.monotonic()
    r = httpx.post(f"{url}/api/analyze",
                   files={"files": ("ip_addr.txt", b"hold" + b"x" * (2 * MiB))}, timeout=30)
    results.append((r.status_code, r.json(), time.monotonic() - started))


def test_a_job_that_holds_the_interpreter_is_killed_at_the_time_limit(server):
    url, pids = server
    results: list = []
    before = len(held(pids))
    post_large(url, results)
    ((status, body, took),) = results
    assert status == 503 and "longer than 3 s" in body["error"]
    assert took < SETTINGS.work_timeout + 2
    (pid,) = held(pids)[before:]
    deadline = time.monotonic() + 5
    while alive(pid):
        assert time.monotonic() < deadline, "the worker still runs after its job was given up"
        time.sleep(0.05)
    # Its replacement takes the next job.
    warm_up(url)
    post_large(url, results)
    warm_up(url)
    assert results[-1][0] == 503 and len(held(pids)) == before + 2 and held(pids)[-1] != pid


def test_others_are_served_while_large_jobs_hold_their_worker(server):
    url, pids = server
    results: list = []
    before = len(held(pids))
    heavy = [threading.Thread(target=post_large, args=(url, results)) for _ in range(2)]
    for t in heavy:
        t.start()
    deadline = time.monotonic() + 5
    while len(held(pids)) == before:    # one held, the other waiting for the large lane
        assert time.monotonic() < deadline
        time.sleep(0.05)
    # Large inputs go to the worker of lower priority.
    (pid,) = held(pids)[before:]
    assert os.getpriority(os.PRIO_PROCESS, pid) == os.getpriority(os.PRIO_PROCESS, 0) + 10
    with httpx.Client(base_url=url, timeout=10) as other:
        for _ in range(3):
            started = time.monotonic()
            assert other.get("/").status_code == 200
            r = other.post("/api/analyze", files=as_form(dump_files("veth-detached")))
            assert r.status_code == 200 and r.json()["topology"]["containers"]
            r = other.post("/api/parse", data={"text": BRCTL})
            assert r.status_code == 200
            assert time.monotonic() - started < 2.5
    for t in heavy:
        t.join(30)
    assert sorted(status for status, _, _ in results) == [503, 503]
    warm_up(url)


def test_a_client_with_many_jobs_waiting_does_not_hold_up_another(server):
    url, _ = server
    done: list[str] = []
    slow = as_form({"brctl_show.txt": b"slow\n" + BRCTL.encode()})

    def post(who: str, local: str, files) -> None:
        transport = httpx.HTTPTransport(local_address=local)
        with httpx.Client(base_url=url, timeout=30, transport=transport) as c:
            assert c.post("/api/analyze", files=files).status_code == 200
        done.append(who)

    greedy = [threading.Thread(target=post, args=("greedy", "127.0.0.2", slow))
              for _ in range(4)]
    for t in greedy:
        t.start()
    time.sleep(0.2)                     # one of them runs, three wait
    post("other", "127.0.0.3", as_form({"brctl_show.txt": BRCTL.encode()}))
    for t in greedy:
        t.join(30)
    # One worker: first in line after the job running, not after the three waiting.
    assert done.index("other") <= 2, done
