"""Names and file names that would drive a terminal: the text report, the diagrams and the
CLI's errors show their control characters as escapes, and the JSON report keeps them exactly.

The hostile dump is the real veth-detached dump with container np-b renamed in the engine's
captures, its folder of captures renamed to match, and a file of another name added.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import tarfile

import pytest

from netparse.render.visible import visible
from tests.expected import FIXTURES

SEQUENCES = {
    "window title": "\x1b]0;pwned\x07",
    "clipboard write": "\x1b]52;c;cHduZWQ=\x07",
    "hyperlink": "\x1b]8;;mailto:x@evil.example\x1b\\click\x1b]8;;\x1b\\",
    "full reset": "\x1bc",
    "DCS": "\x1bP1$qm\x1b\\",
    "clear screen": "\x1b[2J\x1b[H",
    "C1 CSI and OSC": "\x9b2J\x9d0;t\x9c\x85",
    "bidi": "\u202eexe.txt\u202c\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u202a\u202b\u202d",
    "carriage return, backspace": "\rok\x08\x7f",
    "forged section": "\nFindings (0)\n  no faults found\n",
}
NAME = "np-b" + "".join(SEQUENCES.values())
FILE = "notes" + "".join(SEQUENCES.values()) + ".txt"
BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def hostile_dump(root):
    """veth-detached with np-b named NAME (inspect, network inspect, ps, its folder) and its
    image and hostname holding the sequences too, plus a file named FILE."""
    src = FIXTURES / "dumps/veth-detached"
    dump = root / "dump"
    shutil.copytree(src, dump)
    inspect = json.loads((dump / "docker_inspect.json").read_text())
    (record,) = [c for c in inspect if c["Name"] == "/np-b"]
    record["Name"] = "/" + NAME
    record["Image"] += SEQUENCES["window title"] + SEQUENCES["bidi"]
    record["Config"]["Hostname"] += SEQUENCES["clipboard write"]
    (dump / "docker_inspect.json").write_text(json.dumps(inspect, indent=4))
    networks = json.loads((dump / "docker_network_inspect.json").read_text())
    for net in networks:
        for endpoint in net["Containers"].values():
            if endpoint["Name"] == "np-b":
                endpoint["Name"] = NAME
    (dump / "docker_network_inspect.json").write_text(json.dumps(networks, indent=4))
    for ps in ("docker_ps.txt", "docker_ps_a.txt"):
        text, count = re.subn(r"np-b$", lambda _: NAME, (dump / ps).read_text(), flags=re.M)
        assert count == 1
        (dump / ps).write_text(text)
    (dump / "containers/np-b").rename(dump / "containers" / NAME)
    (dump / FILE).write_text("a note\n")
    return dump


def tar_of(folder, path):
    with tarfile.open(path, "w:gz") as tar:
        tar.add(folder, arcname="dump")
    return path


def netparse(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "netparse.cli.main", *args],
                          capture_output=True, timeout=120)


def raw_controls(data: bytes, *, colour: bool = False) -> set[str]:
    """The characters of `data` (UTF-8) a terminal would act on or not show, but the line
    ends; with `colour`, the report's own SGR sequences (ESC [ ... m) are allowed."""
    for byte in b"\x1b\x07\x08\r\x7f":
        if not colour or byte != 0x1B:
            assert bytes([byte]) not in data, bytes([byte])
    text = data.decode("utf-8")         # a raw C1 byte would not decode
    if colour:
        text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return {repr(ch) for ch in text if ch != "\n" and not ch.isprintable()}


@pytest.fixture(scope="module")
def dump(tmp_path_factory):
    return hostile_dump(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def archive(dump, tmp_path_factory):
    return tar_of(dump, tmp_path_factory.mktemp("archive") / "dump.tar.gz")


@pytest.mark.parametrize("colour", ["--no-color", "--color"])
@pytest.mark.parametrize("what", ["folder", "archive"])
def test_the_text_report_shows_every_control_character_as_an_escape(dump, archive, what, colour):
    done = netparse("analyze", "--fail-on", "never", colour, str(dump if what == "folder"
                                                                 else archive))
    assert done.returncode == 0, done.stderr
    assert raw_controls(done.stdout, colour=colour == "--color") == set()
    assert not BIDI & set(done.stdout.decode())
    plain = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout.decode())
    # The forged section is text on the line of the name, not a line of its own: the one
    # heading is the report's, after the sections before it.
    headings = [line for line in plain.splitlines() if line.startswith("Findings (")]
    assert len(headings) == 1 and plain.index(headings[0]) > plain.index("Unpaired endpoints")


def test_on_a_terminal_as_in_a_pipe(dump):
    import os
    import pty
    import termios

    master, slave = pty.openpty()
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.ONLCR              # keep the line ends as the program wrote them
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "netparse.cli.main", "analyze", "--fail-on",
                             "never", str(dump)], stdout=slave, stderr=slave, env=env)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:                     # EIO: the program closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert proc.wait(60) == 0
    assert b"\x1b[" in out                  # in colour: it knew it was on a terminal
    assert raw_controls(out, colour=True) == set() and not BIDI & set(out.decode())


def test_names_and_file_names_are_all_there_made_visible(dump):
    from netparse import analyze
    from netparse.render import render_text

    text = render_text(analyze(str(dump)), color=False, width=2000)
    assert visible(NAME) in text and NAME not in text
    assert visible(FILE) in text
    for words in ("\\x1b]0;pwned\\x07", "\\x1b]52;c;", "\\x1b]8;;mailto:", "\\x1bc",
                  "\\x1bP1$qm\\x1b\\", "\\x1b[2J", "\\x9b2J", "\\u202eexe.txt", "\\u2066",
                  "\\rok\\x08\\x7f", "\\nFindings (0)\\n  no faults found\\n"):
        assert words in text, words


@pytest.mark.parametrize("what", ["folder", "archive"])
def test_the_json_report_keeps_the_exact_text(dump, archive, what):
    done = netparse("analyze", "--fail-on", "never", "--format", "json",
                    str(dump if what == "folder" else archive))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    (container,) = [c for c in report["topology"]["containers"] if c["name"] == NAME]
    assert container["image"].endswith(SEQUENCES["window title"] + SEQUENCES["bidi"])
    paths = {s["path"] for s in report["sources"]}
    prefix = f"{dump}/" if what == "folder" else f"{archive}!dump/"
    assert {prefix + FILE, prefix + f"containers/{NAME}/ip_addr.txt"} <= paths


@pytest.mark.parametrize("fmt", ["dot", "mermaid"])
def test_the_diagrams_show_the_escapes(dump, fmt):
    done = netparse("analyze", "--fail-on", "never", "--format", fmt, str(dump))
    assert done.returncode == 0, done.stderr
    assert raw_controls(done.stdout) == set() and not BIDI & set(done.stdout.decode())
    assert re.search(r"np-b\\+x1b\]0", done.stdout.decode())   # DOT doubles the backslash


def test_a_fleet_summary_shows_the_dump_names_made_visible(dump, tmp_path):
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    shutil.copytree(dump, fleet / ("host" + SEQUENCES["window title"] + SEQUENCES["bidi"]))
    shutil.copytree(FIXTURES / "dumps/veth-detached", fleet / "plain")
    done = netparse("analyze", "--fail-on", "never", str(fleet))
    assert done.returncode == 0, done.stderr
    assert raw_controls(done.stdout) == set() and not BIDI & set(done.stdout.decode())
    assert "host\\x1b]0;pwned\\x07\\u202e" in done.stdout.decode()


def test_cli_errors_show_the_file_name_and_line_made_visible(tmp_path):
    empty = tmp_path / FILE
    empty.write_bytes(b"")
    garbage = tmp_path / "garbage.txt"
    garbage.write_text("[" + SEQUENCES["window title"] + SEQUENCES["forged section"] + "\n")
    for args in (("parse", str(empty)), ("parse", "--kind", "docker_inspect", str(garbage)),
                 ("analyze", str(tmp_path / ("missing" + SEQUENCES["clear screen"])))):
        done = netparse(*args)
        assert done.returncode == 2 and done.stdout == b"", args
        assert raw_controls(done.stderr) == set(), args
        assert done.stderr.decode().count("\n") == 1, args   # one line, nothing forged after it
        assert b"Traceback" not in done.stderr
    assert "x1b" in netparse("parse", str(empty)).stderr.decode()


def test_visible_escapes_only_what_a_terminal_would_act_on():
    assert visible("np-web_1.2 café 名前 \\ ok") == "np-web_1.2 café 名前 \\ ok"
    assert visible("\t\x00\x1b\x9b\u202e\u2028\ufeff") == \
        "\\t\\x00\\x1b\\x9b\\u202e\\u2028\\ufeff"


def test_an_archive_in_memory_with_hostile_member_names(tmp_path):
    # The same names reaching the renderer from tar members only (no file system in between).
    buf = io.BytesIO()
    src = FIXTURES / "dumps/veth-detached"
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for path in sorted(src.rglob("*")):
            if path.is_file():
                name = "d/" + path.relative_to(src).as_posix().replace("np-a", "np-a" + NAME[4:])
                tar.add(path, arcname=name)
        info = tarfile.TarInfo("d/" + FILE)
        info.size = 7
        tar.addfile(info, io.BytesIO(b"a note\n"))
    (tmp_path / "d.tar.gz").write_bytes(buf.getvalue())
    done = netparse("analyze", "--fail-on", "never", str(tmp_path / "d.tar.gz"))
    assert done.returncode == 0, done.stderr
    assert raw_controls(done.stdout) == set() and not BIDI & set(done.stdout.decode())
    assert "np-a\\x1b]0;pwned" in done.stdout.decode()
