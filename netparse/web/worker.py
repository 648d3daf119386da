"""A worker process of the server: runs one job at a time, sent by `netparse.web.pool`.

    python -m netparse.web.worker FD NICE

FD is this end of the connection to the server. The first messages are the server's sys.path and
an optional callable to run once (tests use it), after which the worker says "ready". Each next
message is a job, `(fn, args)`, answered with ("ok", value), ("error", WebError or
NetparseError) or ("bug", exception type, where). The server kills this process when a job
overruns its time limit; it exits by itself when the server goes away.
"""

from __future__ import annotations

import os
import posixpath
import sys
from multiprocessing.connection import Connection


def outcome(fn, args) -> tuple:
    from netparse.errors import NetparseError
    from netparse.web.errors import WebError

    try:
        return ("ok", fn(*args))
    except (WebError, NetparseError) as exc:
        return ("error", exc)
    except Exception as exc:
        # The message may quote the input: only where it failed goes back to be logged.
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        where = (f"{posixpath.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno}"
                 if tb else "?")
        return ("bug", type(exc).__name__, where)


def main(fd: int, nice: int) -> None:
    conn = Connection(fd)
    if nice:
        os.nice(nice)
    try:
        sys.path[:] = conn.recv()       # before the callable, which may come from there
        init = conn.recv()
        import netparse.web.work  # noqa: F401  (imported once, before the first job)

        if init is not None:
            init()
        conn.send("ready")
        while True:
            fn, args = conn.recv()
            conn.send(outcome(fn, args))
    except (EOFError, OSError, KeyboardInterrupt):
        return  # the server closed the connection or is gone


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
