"""Worker processes for the server's parsing, analysis and rendering, with a time limit that
always fires.

Each job runs in a process of its own (`netparse.web.worker`), never in the server's: a parse
that holds the interpreter holds only its worker, and one that overruns the time limit is killed
and its worker replaced. (In threads, as before, an overrun job ran on, and held the GIL from
everyone else.) Jobs go in two lanes: inputs under `large` bytes to `workers` processes, larger
ones to one process at a lower CPU priority, so that a client sending large captures waits on
itself and slows no one else. One client (address) runs at most `size - 1` jobs at once in a
lane of `size` workers (and at least one), so that small inputs that are slow to parse cannot
take all the workers either. A free worker goes to the waiting job whose client has the fewest
jobs running, and among those whose client was served longest ago: a client with many jobs
queued has them run in turn with the others', not before them.
"""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pipe

from netparse.web.errors import WebError

log = logging.getLogger("netparse.web")

LARGE_NICE = 10     # the large lane's niceness: about a tenth of a CPU when small jobs want it


class Worker:
    """A worker process and the server's end of its connection. `ready` and `call` block: run
    them in a thread."""

    def __init__(self, nice: int, init=None):
        here, there = Pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "netparse.web.worker", str(there.fileno()), str(nice)],
            pass_fds=[there.fileno()], stdin=subprocess.DEVNULL,
            start_new_session=True)     # Ctrl-C is for the server, which stops its workers
        there.close()
        self.conn = here
        here.send(sys.path)
        here.send(init)

    def ready(self) -> bool:
        """Wait until the process has imported the library: False if it died first."""
        return self._receive() == "ready"

    def call(self, fn, args) -> tuple:
        """The job's outcome (see `netparse.web.worker`), or ("gone", exit status) when the
        process died or was killed."""
        try:
            self.conn.send((fn, args))
        except OSError:
            pass                        # it is gone: say so below
        return self._receive()

    def _receive(self):
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            self.conn.close()
            self.process.wait()
            return ("gone", self.process.returncode)

    def kill(self) -> None:
        self.process.kill()     # the thread waiting on it sees the connection close, and reaps it


class Lane:
    """`size` workers of one priority, started with the server and replaced when killed, and
    the jobs waiting for one."""

    def __init__(self, size: int, nice: int, init, threads: ThreadPoolExecutor):
        self.size, self.nice, self.init, self.threads = size, nice, init, threads
        self.per_client = max(1, size - 1)
        self.workers: set[Worker] = set()
        self.idle: list[Worker] = []
        self.waiting: list[tuple[str, asyncio.Future]] = []
        self.busy: Counter = Counter()      # jobs running, by client
        self.started: dict[str, int] = {}   # when each client with jobs last had one started
        self.starts = 0
        self.closed = False

    def fill(self) -> None:
        """Start processes until there are `size`; each is handed out once it is ready."""
        loop = asyncio.get_running_loop()
        while len(self.workers) < self.size:
            worker = Worker(self.nice, self.init)
            self.workers.add(worker)
            ready = loop.run_in_executor(self.threads, worker.ready)
            ready.add_done_callback(lambda done, w=worker: self._started(w, done))

    def _started(self, worker: Worker, ready: asyncio.Future) -> None:
        if self.closed:
            return
        if not ready.cancelled() and ready.result():
            self.idle.append(worker)
            self._dispatch()
            return
        # Not started (its set-up failed): the next job's fill tries again.
        log.error("a worker process ended as it started (exit status %s)",
                  worker.process.returncode)
        self.workers.discard(worker)

    def _dispatch(self) -> None:
        """Idle workers to the fairest waiting jobs whose client is under its share."""
        self.waiting = [(c, f) for c, f in self.waiting if not f.cancelled()]
        while self.idle:
            turns = [i for i, (c, _) in enumerate(self.waiting) if self.busy[c] < self.per_client]
            if not turns:
                return
            turn = min(turns, key=lambda i: (self.busy[self.waiting[i][0]],
                                             self.started.get(self.waiting[i][0], 0)))
            client, future = self.waiting.pop(turn)
            self._count(client)
            future.set_result(self.idle.pop())

    def _count(self, client: str) -> None:
        self.busy[client] += 1
        self.starts += 1
        self.started[client] = self.starts

    async def acquire(self, client: str) -> Worker:
        self.fill()
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((client, future))
        self._dispatch()
        try:
            return await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release(future.result(), client, killed=False)   # came as we gave up
            else:
                self.waiting.remove((client, future))
            raise

    def release(self, worker: Worker, client: str, *, killed: bool) -> None:
        """`client`'s job is over; its worker is free again, or dead and replaced."""
        self.busy[client] -= 1
        if not self.busy[client]:
            del self.busy[client]
            if all(c != client for c, _ in self.waiting):
                del self.started[client]
        if killed:
            self.workers.discard(worker)
            self.fill()
        else:
            self.idle.append(worker)
            self._dispatch()

    def close(self) -> None:
        self.closed = True
        for worker in self.workers:
            worker.kill()
        for worker in self.idle:        # the others are reaped by their threads
            worker.process.wait(5)


class Pool:
    def __init__(self, workers: int, timeout: float, large: int, init=None):
        # A thread per worker to wait on it, and as many for those being killed or started.
        self.threads = ThreadPoolExecutor(2 * (workers + 1), thread_name_prefix="netparse-web")
        self.small = Lane(workers, 0, init, self.threads)
        self.big = Lane(1, LARGE_NICE, init, self.threads)
        self.large = large
        self.timeout = timeout

    def start(self) -> None:
        """Start the workers now rather than at the first request (in the server's loop)."""
        self.small.fill()
        self.big.fill()

    async def run(self, fn, *args, client: str = "", size: int = 0):
        """`fn(*args)` in a worker: its value, or its WebError or NetparseError raised here.
        Over the time limit (waiting for a worker included) it is 503, and the worker killed."""
        lane = self.big if size >= self.large else self.small
        try:
            async with asyncio.timeout(self.timeout):
                worker = await lane.acquire(client)
                try:
                    answer = await asyncio.get_running_loop().run_in_executor(
                        self.threads, worker.call, fn, args)
                except BaseException:   # over time, or the server stops: end the job now
                    worker.kill()
                    lane.release(worker, client, killed=True)
                    raise
        except TimeoutError:
            raise WebError(503, f"the work took longer than {self.timeout:g} s and was given "
                                f"up; try fewer files, or the command line") from None
        lane.release(worker, client, killed=answer[0] == "gone")
        if answer[0] == "ok":
            return answer[1]
        if answer[0] == "error":
            raise answer[1]
        if answer[0] == "bug":
            log.error("internal error: %s at %s", answer[1], answer[2])
            raise WebError(500, f"internal error ({answer[1]}); the input was not kept")
        log.error("a worker process ended during a job (exit status %s)", answer[1])
        raise WebError(500, "the work stopped before it finished (out of memory?); the input "
                            "was not kept")

    def close(self) -> None:
        self.small.close()
        self.big.close()
        self.threads.shutdown(wait=False, cancel_futures=True)
