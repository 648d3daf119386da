"""One command as a process of its own: wall time, CPU time and peak RSS.

The peak comes from a launcher, not from this process's `wait4`: Linux counts in a child's
`ru_maxrss` the memory of the process it was forked from, so a benchmark that has parsed a
large input would report its own size for every child it starts. The launcher is a fresh
interpreter; the command is forked from it and reports only its own peak (and the launcher's
small one, below any command measured here).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

_LAUNCH = r"""
import json, os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(json.dumps([time.perf_counter() - start, usage.ru_utime + usage.ru_stime,
                  usage.ru_maxrss * 1024, os.waitstatus_to_exitcode(status)]))
"""


def run(cmd: list[str], cwd=None, env=None) -> tuple[float, float, int, int]:
    """(wall s, CPU s, peak RSS bytes, exit code) of `cmd`, its standard output discarded; the
    wall time from its fork to its end, without the launcher's start."""
    done = subprocess.run([sys.executable, "-c", _LAUNCH, *cmd], cwd=cwd, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True)
    wall, cpu, peak, code = json.loads(done.stdout)
    return wall, cpu, peak, code


if __name__ == "__main__":  # python -m bench.child CMD...: what run() measures, as JSON
    print(json.dumps(run(sys.argv[1:], env=os.environ)))
