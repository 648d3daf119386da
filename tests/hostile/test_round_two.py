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
# A tar member declaring more than the archive holds


def _lying_tar(size: int, *, pad: int = 30_000) -> bytes:
    """A tar whose one member declares `size` bytes and holds none: 30 KB of zeros follow."""
    info = tarfile.TarInfo("dump/ip_addr.txt")
    info.size = size
    return info.tobuf(format=tarfile.GNU_FORMAT) + bytes(pad)


@pytest.mark.parametrize("power", [36, 40, 80])
@pytest.mark.parametrize("compress", [False, True])
def test_tar_member_declaring_more_than_the_archive_is_refused_at_once(power, compress,
                                                                       tmp_path):
    data = _lying_tar(2 ** power)
    path = tmp_path / ("dump.tar.gz" if compress else "dump.tar")
    path.write_bytes(gzip.compress(data) if compress else data)
    status, stderr, peak, seconds = _timed(["analyze", str(path)], tmp_path)
    assert status == 2 and "Traceback" not in stderr
    # Skipped a block at a time, 2^36 bytes took minutes and 2^80 never ended.
    assert seconds < 10, seconds
    assert peak < BASELINE_MIB, peak
    member = f"{path}!dump/ip_addr.txt"
    if compress:
        assert stderr.startswith(f"netparse: {member}: archive member declares {2 ** power:,} "
                                 f"bytes: the archive would expand to more than "
                                 f"{limits.MAX_ARCHIVE_BYTES // limits.MiB} MiB")
    else:
        assert stderr.startswith(f"netparse: {member}: damaged or unreadable archive: member "
                                 f"declares {2 ** power:,} bytes, more than the archive holds")


def test_tar_size_given_by_a_pax_header_is_checked_too():
    info = tarfile.TarInfo("dump/ip_addr.txt")
    info.pax_headers = {"size": str(2 ** 80)}
    data = info.tobuf(format=tarfile.PAX_FORMAT) + bytes(1024)
    with pytest.raises(SourceError, match="member declares 1,208,925,819,614,629,174,706,176 "
                                          "bytes, more than the archive holds"):
        sources.load("-", stdin=io.BytesIO(data))


def test_tar_long_name_header_is_not_read_whole(tmp_path):
    """A GNU long-name header is read into memory: one declaring 512 MiB of zeros (half a MiB
    compressed) is refused before it is read."""
    info = tarfile.TarInfo("././@LongLink")
    info.type = tarfile.GNUTYPE_LONGNAME
    info.size = 512 * 1024 * 1024
    path = tmp_path / "dump.tar.gz"
    with gzip.open(path, "wb") as out:
        out.write(info.tobuf(format=tarfile.GNU_FORMAT))
        for _ in range(512):
            out.write(bytes(1024 * 1024))
    status, stderr, peak, _ = _timed(["analyze", str(path)], tmp_path)
    assert status == 2 and "Traceback" not in stderr
    assert "a tar header declares 536,870,912 bytes of names or attributes" in stderr
    assert peak < BASELINE_MIB, peak


# ---------------------------------------------------------------------------------------------
# What an input may cost to parse


def _zip(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _repeated(name: str, mib: float) -> bytes:
    capture = (DUMP / name).read_bytes()
    return capture * int(mib * MiB // len(capture))


CONTAINERS = ("containers/a/", "containers/b/", "containers/c/")


def test_captures_that_would_take_gigabytes_to_parse_are_refused_unread(tmp_path):
    """Four 60 MiB `ip addr` captures, 1.5 MB zipped, each under the file limit: parsed, they
    took 6.3 GiB."""
    capture = _repeated("ip_addr.txt", 60)
    path = _zip(tmp_path / "dump.zip", {f"dump/{where}ip_addr.txt": capture
                                        for where in ("", *CONTAINERS)})
    assert path.stat().st_size < 2 * MiB
    status, stderr, peak, seconds = _timed(["analyze", str(path)], tmp_path)
    assert (status, stderr) == (2, f"netparse: {path}: 240 MiB of captures may take 7.5 GiB "
                                   f"to parse, over the 4096 MiB limit (set by "
                                   f"NETPARSE_MAX_MEMORY_MIB); not read\n")
    assert peak < BASELINE_MIB and seconds < 10, (peak, seconds)


def test_the_memory_limit_is_set_by_the_environment(tmp_path):
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "ip_addr.txt").write_bytes(_repeated("ip_addr.txt", 0.1))  # 32 times: 3.2 MiB
    status, stderr, _ = run(["analyze", str(dump)], tmp_path=tmp_path,
                            env={limits.MEMORY_VARIABLE: "3"})
    assert status == 2 and stderr.endswith("over the 3 MiB limit (set by NETPARSE_MAX_MEMORY_MIB)"
                                           "; not read\n"), stderr
    status, stderr, _ = run(["analyze", str(dump)], tmp_path=tmp_path,
                            env={limits.MEMORY_VARIABLE: "4"})
    assert status in (0, 1), stderr


@pytest.mark.parametrize("name, kind", [("ip_addr.txt", "ip_addr"), ("route_n.txt", "route_n"),
                                        ("docker_inspect.json", "docker_inspect")])
def test_parsing_stays_within_its_measured_factor(name, kind, tmp_path):
    """Four captures of 2 MiB: the command's peak is within what the limits count for them
    (the models of all four are kept until the report is made)."""
    capture = _repeated(name, 2)
    if kind == "docker_inspect":  # one JSON array, not several pasted one after the other
        records = json.loads((DUMP / name).read_text())
        capture = json.dumps(records * (len(capture) // len((DUMP / name).read_bytes())),
                             indent=4).encode()
    path = _zip(tmp_path / "dump.zip", {f"dump/{where}{name}": capture
                                        for where in ("", *CONTAINERS)})
    status, stderr, peak = run(["analyze", str(path)], tmp_path=tmp_path)
    assert status in (0, 1) and "Traceback" not in stderr, stderr
    counted = 4 * limits.parse_memory(len(capture), kind) / MiB
    assert peak < BASELINE_MIB + counted, (peak, counted)


def test_a_single_capture_is_counted_by_its_kind(tmp_path, monkeypatch):
    """A capture read whole (one file, standard input) is counted by its name's kind, else by
    the kind its first lines look like, else at the most."""
    size = (DUMP / "route_n.txt").stat().st_size
    monkeypatch.setattr(limits, "MAX_PARSE_MEMORY", 40 * size)  # route -n: 39 times its size
    assert sources.load(DUMP / "route_n.txt").items
    monkeypatch.setattr(limits, "MAX_PARSE_MEMORY", 38 * size)
    with pytest.raises(LimitError, match=f"set by {limits.MEMORY_VARIABLE}"):
        sources.load(DUMP / "route_n.txt")
    inspect = (DUMP / "docker_inspect.json").read_bytes()
    monkeypatch.setattr(limits, "MAX_PARSE_MEMORY", 10 * len(inspect))
    assert sources.load("-", stdin=io.BytesIO(inspect)).items  # told by its content: 6 times
    with pytest.raises(LimitError):
        sources.load("-", stdin=io.BytesIO(b"?\n" * (len(inspect) // 2)))


# ---------------------------------------------------------------------------------------------
# Lines that made the transcript's regexes backtrack


# Each took time square (or cube) in its length: 48 KB of the first took 8 s.
BACKTRACKING_LINES = {
    "comment": "# #: " * 100_000 + "x",
    "comment, command first": "# ip addr" + " #:" * 100_000 + "x",
    "banner": "=== ip addr" + " " * 300_000 + "x",
    "banner with colons": "=== ip addr" + " :" * 150_000 + "x",
    "command alone": "ip addr" + " " * 300_000 + "x",
    "command alone, colons": "route -n" + " :" * 150_000 + "x",
}

SPLIT_IN_A_CHILD = """
import sys, time
from netparse.sources import transcript
text = "\\n" + sys.stdin.read() + "\\nfoo\\n"
started = time.perf_counter()
transcript.split(text)
print(time.perf_counter() - started)
"""


@pytest.mark.parametrize("name", sorted(BACKTRACKING_LINES))
def test_prompt_like_line_splits_in_linear_time(name):
    line = BACKTRACKING_LINES[name]
    assert len(line) > 300_000
    # In a child: a regression would run for hours.
    done = subprocess.run([sys.executable, "-c", SPLIT_IN_A_CHILD], input=line, text=True,
                          capture_output=True, timeout=60, check=True)
    # Linear: well under a second; backtracking: hours. The bound leaves room for a busy machine.
    assert float(done.stdout) < 5.0, (name, done.stdout)


def test_redraws_of_a_long_line_take_linear_time():
    """A long line redrawn after `\\r` piece by piece, with an erase in line (which sends it to
    the emulation that erases): each piece copied the whole line."""
    from netparse.rawtext import render_line

    def seconds(count: int) -> float:
        line = "x" * count + "\x1b[K" + "\ry" * count
        started = time.perf_counter()
        assert render_line(line) == "y" + "x" * (count - 1)
        return time.perf_counter() - started

    # Four times the line: about four times the time (it was sixteen).
    # Noise on a busy machine: the larger run's best against the smaller's worst.
    assert min(seconds(100_000) for _ in range(2)) < 8 * max(seconds(25_000) for _ in range(2))


# ---------------------------------------------------------------------------------------------
# JSON integers longer than Python converts (4,300 digits)

HUGE = "9" * 5000


def test_huge_integer_in_docker_inspect_is_a_line_lost_at_its_place():
    # inspect JSON is read as far as it goes: the line is lost, the container kept as partial
    text = json.dumps([{"Id": "ab" * 32, "Name": "/web", "State": {"Pid": 0},
                        "NetworkSettings": {}, "HostConfig": {}}], indent=1).replace(
        '"Pid": 0', f'"Pid": {HUGE}')
    line = text[:text.index(HUGE)].count("\n") + 1
    for kind in ("docker_inspect", None):  # detection reads the same JSON
        model = netparse.parse(text, kind)
        assert [(u.line, u.text) for u in model.unparsed] == [(line, text.split("\n")[line - 1])]
        [web] = model.containers
        assert web.name == "web" and web.partial and web.state.pid is None


def test_huge_integer_in_docker_network_inspect_is_a_line_lost_at_its_place():
    text = (f'[{{"Name": "web", "Id": "{"cd" * 32}", "Driver": "bridge", "Scope": "local", '
            f'"EnableIPv6": {HUGE}}}]')
    model = netparse.parse(text, "docker_network_inspect")
    assert [(u.line, u.text) for u in model.unparsed] == [
        (1, text), (1, "JSON ends before the object opened on line 1 is closed")]
    [web] = model.networks
    assert (web.name, web.driver, web.partial) == ("web", "bridge", True)


@pytest.mark.parametrize("kind", ["ip_addr", "ip_link"])
def test_huge_integer_in_ip_json_is_a_parse_error(kind):
    text = (f'[{{"ifindex": 1, "ifname": "lo", "flags": ["UP"], "mtu": 65536}},'
            f'{{"ifindex": 2, "ifname": "eth0", "flags": ["UP"], "mtu": {HUGE}}}]')
    with pytest.raises(ParseError, match="a number of more than 4300 digits") as error:
        netparse.parse(text, kind)
    assert error.value.line == 1


def test_huge_integer_in_a_json_line_of_docker_ps_is_unparsed():
    line = json.dumps({"ID": "ab12", "Names": "web", "Image": "nginx", "Command": '"nginx"',
                       "CreatedAt": "2024-01-01 00:00:00 +0000 UTC", "Status": "Up 1 second",
                       "Ports": "", "Size": 0, "Networks": "bridge", "State": "running"})
    model = netparse.parse(line.replace('"Size": 0', f'"Size": {HUGE}') + "\n", "docker_ps")
    assert model.model_dump_json()


@pytest.mark.parametrize("name, text", [
    ("docker_inspect.json", f'[{{"Id": "x", "State": {{"Pid": {HUGE}}}, "HostConfig": {{}}}}]'),
    ("ip_addr.json", f'[{{"ifindex": {HUGE}, "ifname": "lo", "flags": []}}]'),
])
def test_huge_integer_gives_no_traceback_from_the_command(name, text, tmp_path):
    path = tmp_path / name
    path.write_text(text)
    status, stderr, _ = run(["parse", str(path)], tmp_path=tmp_path)
    assert "Traceback" not in stderr and status in (0, 2), stderr


# ---------------------------------------------------------------------------------------------
# Names that are not UTF-8


def _capture() -> bytes:
    return (DUMP / "ip_addr.txt").read_bytes()


def _report(args, tmp_path) -> dict:
    status, stderr, _ = run(["analyze", "--format", "json", *args], tmp_path=tmp_path)
    assert status in (0, 1) and "Traceback" not in stderr, stderr
    return json.loads((tmp_path / "stdout").read_text())


def test_tar_member_name_not_utf8_is_shown_escaped(tmp_path):
    path = tmp_path / "dump.tar"
    with tarfile.open(path, "w", format=tarfile.GNU_FORMAT, encoding="utf-8",
                      errors="surrogateescape") as tar:
        for name in ("dump/ip_addr.txt", "dump/r\udcffoute.txt"):
            info = tarfile.TarInfo(name)
            info.size = len(_capture())
            tar.addfile(info, io.BytesIO(_capture()))
    paths = [s["path"] for s in _report([str(path)], tmp_path)["sources"]]
    assert f"{path}!dump/r\\xffoute.txt" in paths


def test_zip_member_flagged_utf8_that_is_not_is_read(tmp_path):
    """One such name made the whole zip "damaged"."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("dump/ip_addr.txt", _capture())
        archive.writestr("dump/r\u00e9sum\u00e9.txt", _capture())  # flagged UTF-8
    data = buffer.getvalue().replace("é".encode(), b"\xff\xfe")  # same length, not UTF-8
    path = tmp_path / "dump.zip"
    path.write_bytes(data)
    with pytest.raises(UnicodeDecodeError):
        zipfile.ZipFile(path)
    report = _report([str(path)], tmp_path)
    assert {s["path"]: s["status"] for s in report["sources"]} == {
        f"{path}!dump/ip_addr.txt": "parsed",
        f"{path}!dump/r\\xff\\xfesum\\xff\\xfe.txt": "parsed"}


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file names must be UTF-8")
def test_folder_names_not_utf8_are_shown_escaped(tmp_path):
    root = os.path.join(os.fsencode(tmp_path), b"dump\xff")
    os.makedirs(os.path.join(root, b"containers", b"w\xfeb"))
    for name in (b"ip_addr.txt", b"route\xff.txt", os.path.join(b"containers", b"w\xfeb",
                                                                  b"ip_addr.txt")):
        with open(os.path.join(root, name), "wb") as out:
            out.write(_capture())
    report = _report([os.fsdecode(root)], tmp_path)
    top = f"{tmp_path}/dump\\xff"
    assert report["origin"] == top
    assert {s["path"]: s.get("container") for s in report["sources"]} == {
        f"{top}/ip_addr.txt": None, f"{top}/route\\xff.txt": None,
        f"{top}/containers/w\\xfeb/ip_addr.txt": "w\\xfeb"}
    # The text report and a folder of such dumps print too.
    for args in ([os.fsdecode(root)], [str(tmp_path)]):
        status, stderr, _ = run(["analyze", *args], tmp_path=tmp_path)
        assert status in (0, 1) and "Traceback" not in stderr, stderr
        assert "dump\\xff" in (tmp_path / "stdout").read_text()


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
