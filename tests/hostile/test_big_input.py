"""A 200 MB input is refused before it fills memory: by its size for a file, once the size of a
capture has come for standard input. Peak memory of the real command is measured."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from netparse.errors import LimitError
from netparse.sources import limits
from tests.expected import FIXTURES

MiB = 1024 * 1024
BIG = 200 * MiB
CLI = [sys.executable, "-m", "netparse.cli.main"]
# Peak resident memory of a netparse command that reads nothing large (measured: about 30 MiB).
BASELINE_MIB = 80
# The per-file limit these tests hold the 200 MiB file against (the default, made for the
# largest host, is 512 MiB: tests/analysis/test_limits.py).
LIMIT = {limits.MAX_FILE_VARIABLE: "64"}


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    """A 200 MiB file that starts with a real capture; the rest is a hole (no disk used)."""
    path = tmp_path_factory.mktemp("big") / "ip_addr.txt"
    with open(path, "wb") as handle:
        handle.write((FIXTURES / "dumps/basic-five/ip_addr.txt").read_bytes())
        handle.truncate(BIG)
    return path


# Runs a command and writes its peak resident memory (KiB) and exit status to a file. A small
# process of its own, because a child's peak counts the memory of the process it was forked
# from (pytest's, here) until it execs.
MEASURE = """
import resource, subprocess, sys
status = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    out.write(f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss} {status}")
"""


def run(args: list[str], *, stdin_from=None, env=None, tmp_path) -> tuple[int, str, float]:
    """(exit status, standard error, peak resident memory in MiB) of `netparse ARGS`; standard
    input is piped from the file `stdin_from` by cat(1), as `cat FILE | netparse ...` does."""
    out, err, usage = tmp_path / "stdout", tmp_path / "stderr", tmp_path / "usage"
    feeder = None
    stdin = subprocess.DEVNULL
    if stdin_from is not None:
        feeder = subprocess.Popen(["cat", str(stdin_from)], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        stdin = feeder.stdout
    try:
        with open(out, "wb") as stdout, open(err, "wb") as stderr:
            # In a session of its own, so that a timeout stops netparse too, not only the
            # process measuring it (a regression could otherwise run on for ever).
            child = subprocess.Popen([sys.executable, "-c", MEASURE, str(usage), *CLI, *args],
                                     stdin=stdin, stdout=stdout, stderr=stderr,
                                     env={**os.environ, **LIMIT, **(env or {})},
                                     start_new_session=True)
            try:
                child.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
                raise
    finally:
        if feeder is not None:
            feeder.stdout.close()  # cat stops once no one can read what it writes
            feeder.wait(timeout=60)
    peak, status = usage.read_text().split()
    return int(status), err.read_text(), int(peak) / 1024


@pytest.mark.parametrize("command", ["parse", "analyze"])
def test_file_is_refused_by_its_size_before_it_is_read(command, big_file, tmp_path):
    status, stderr, peak = run([command, str(big_file)], tmp_path=tmp_path)
    assert status == 2
    assert stderr.startswith(f"netparse: {big_file}: file of 200 MiB is too large to be a "
                             f"capture (limit 64 MiB, set by NETPARSE_MAX_FILE_MIB)")
    assert "Traceback" not in stderr
    assert peak < BASELINE_MIB, peak


@pytest.mark.parametrize("command", ["parse", "analyze"])
def test_standard_input_is_refused_once_a_capture_size_has_come(command, big_file, tmp_path):
    status, stderr, peak = run([command, "-"], stdin_from=big_file, tmp_path=tmp_path)
    assert status == 2
    assert stderr.startswith("netparse: <stdin>: standard input of more than 64 MiB is too "
                             "large to be a capture")
    # What was read (64 MiB) and no more; far from the 200 MiB sent.
    assert peak < BASELINE_MIB + 64, peak


def test_the_limit_is_set_by_the_environment(tmp_path):
    capture = FIXTURES / "captures/default-bridge/sysctl_a.txt"  # 25 KB
    big = tmp_path / "sysctl.txt"
    big.write_bytes(capture.read_bytes() * 50)  # 1.2 MiB
    status, stderr, _ = run(["parse", str(big)], env={limits.MAX_FILE_VARIABLE: "1"},
                            tmp_path=tmp_path)
    assert status == 2 and "(limit 1 MiB, set by NETPARSE_MAX_FILE_MIB)" in stderr
    status, stderr, _ = run(["parse", str(big)], env={limits.MAX_FILE_VARIABLE: "2"},
                            tmp_path=tmp_path)
    assert status == 0, stderr


def test_big_file_in_a_dump_is_left_out_unread(big_file, tmp_path):
    dump = tmp_path / "dump"
    dump.mkdir()
    for name in ("brctl_show.txt", "route_n.txt", "docker_ps.txt"):
        (dump / name).write_bytes((FIXTURES / "dumps/basic-five" / name).read_bytes())
    os.link(big_file, dump / "ip_addr.txt")
    status, stderr, peak = run(["analyze", "--format", "json", str(dump)], tmp_path=tmp_path)
    assert status in (0, 1), stderr
    report = json.loads((tmp_path / "stdout").read_text())
    left_out = [s for s in report["sources"] if s["status"] == "ignored"]
    assert [(s["kind"], s["messages"]) for s in left_out] == [
        ("ip_addr", ["200 MiB, over the 64 MiB limit for a capture (set by "
                     "NETPARSE_MAX_FILE_MIB): not read"])]
    # No check that needed the host's interfaces ran: each says which capture was left out.
    said = [c for n in report["not_run"] for m in n["missing"] if m["fact"] == "interfaces"
            for c in m["captures"]]
    assert said and all("ip_addr.txt was left out" in c for c in said)
    assert peak < BASELINE_MIB, peak


def test_archive_on_standard_input_may_be_larger_than_one_capture(monkeypatch, tmp_path):
    import io
    import tarfile

    from netparse import sources

    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 4096)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        tar.add(FIXTURES / "dumps/basic-five", arcname="dump", recursive=True,
                filter=lambda info: None if info.size > 4096 else info)
    assert len(buffer.getvalue()) > 4096
    found = sources.load("-", stdin=io.BytesIO(buffer.getvalue()))
    assert {item.kind for item in found.items} >= {"brctl_show", "route_n", "ip_addr"}
    with pytest.raises(LimitError, match="too large to be a capture"):
        sources.load("-", stdin=io.BytesIO(b"Kernel IP routing table\n" * 200))
