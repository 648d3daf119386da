"""Hostile input, round two: inputs of a few KB that cost minutes, gigabytes or a traceback.
Each is built here, small, and held to its bound: time, the command's own peak memory, exit
status, and a message instead of a traceback."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import tarfile
import time
import zipfile

import pytest

import netparse
from netparse import sources
from netparse.errors import LimitError, ParseError, SourceError
from netparse.sources import limits
from tests.expected import FIXTURES
from tests.hostile.test_big_input import BASELINE_MIB, CLI, run

DUMP = FIXTURES / "dumps/basic-five"
MiB = 1024 * 1024


def _timed(args, tmp_path, **kwargs) -> tuple[int, str, float, float]:
    """(exit status, standard error, peak MiB, seconds) of `netparse ARGS`."""
    started = time.perf_counter()
    status, stderr, peak = run(args, tmp_path=tmp_path, **kwargs)
    return status, stderr, peak, time.perf_counter() - started


# ---------------------------------------------------------------------------------------------
# The command's own input and output


def _shell(command: str, tmp_path, timeout: float = 60) -> tuple[int, str]:
    """(exit status, standard error) of `netparse ...` with the shell's redirections; the shell
    execs it, so that the timeout stops it."""
    done = subprocess.run(["sh", "-c", "exec " + command.replace("netparse", " ".join(CLI))],
                          cwd=tmp_path, capture_output=True, text=True, timeout=timeout)
    return done.returncode, done.stderr


@pytest.mark.parametrize("command", ["parse", "analyze"])
def test_closed_standard_input(command, tmp_path):
    status, stderr = _shell(f"netparse {command} - <&-", tmp_path)
    assert (status, stderr) == (2, "netparse: <stdin>: standard input is closed\n")


@pytest.mark.parametrize("args", [f"parse {DUMP}/ip_addr.txt", f"analyze {DUMP}",
                                  f"analyze --format json {DUMP}", "schema report", "kinds"])
def test_output_to_a_full_device(args, tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    status, stderr = _shell(f"netparse {args} > /dev/full", tmp_path)
    assert (status, stderr) == (2, "netparse: cannot write the output: No space left on "
                                   "device\n")


def test_closed_standard_output(tmp_path):
    status, stderr = _shell(f"netparse analyze {DUMP} >&-", tmp_path)
    assert (status, stderr) == (2, "netparse: standard output is closed\n")


@pytest.mark.parametrize("command, message", [("parse", "not a file"),
                                              ("analyze", "not a file or a folder")])
def test_named_pipe_is_refused_unopened(command, message, tmp_path):
    os.mkfifo(tmp_path / "pipe")
    # Opened, it would wait for a writer for ever (the timeout would fail the test).
    status, stderr = _shell(f"netparse {command} pipe", tmp_path, timeout=30)
    assert (status, stderr) == (2, f"netparse: pipe: {message}\n")


def test_serve_on_a_busy_port_says_so_in_one_line(tmp_path):
    pytest.importorskip("uvicorn")
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        status, stderr = _shell(f"netparse serve --port {port}", tmp_path)
    assert (status, stderr) == (2, f"netparse: cannot listen on 127.0.0.1:{port}: Address "
                                   f"already in use\n")
