"""The library's front door: parse, detect, errors, strict mode, and the command line."""

import json
import subprocess
import sys

import pytest

import netparse
from netparse.errors import DetectError, ParseError
from netparse.kinds import KINDS
from netparse.sources.names import CANONICAL_NAMES
from tests.conftest import FIXTURES

DUMP = FIXTURES / "dumps/default-bridge"


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "netparse.cli.main", *args], input=stdin,
                          capture_output=True, text=True)


@pytest.mark.parametrize("name,kind", [
    (path.name, CANONICAL_NAMES[path.name.rsplit(".", 1)[0]][0]) for path in sorted(DUMP.iterdir())
    if path.name.rsplit(".", 1)[0] in CANONICAL_NAMES])
def test_every_canonical_capture_is_detected_by_content(name, kind):
    assert netparse.detect((DUMP / name).read_bytes()) == kind


def test_undetectable_text_names_the_candidates():
    with pytest.raises(DetectError) as err:
        netparse.detect("hello\nworld\n")
    assert err.value.line == 1


@pytest.mark.parametrize("text,line,words", [
    ("", 1, "empty"),
    ("   \n\n", 1, "empty"),
    ("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
     "Is the docker daemon running?\n", 1, "error message"),
    ("bridge name\tbridge id\tSTP enabled\tinterfaces\n\x00\x01\x02binary", 2, "binary"),
])
def test_bad_input_is_a_parse_error_with_a_line(text, line, words):
    with pytest.raises(ParseError) as err:
        netparse.parse(text)
    assert err.value.line == line and words in err.value.message


def test_truncated_json_names_where_it_stops():
    text = (DUMP / "docker_inspect.json").read_text()
    with pytest.raises(ParseError) as err:
        # cut inside its first container: nothing of one is left to read as far as it goes
        netparse.parse(text[: text.index("{") + 1], "docker_inspect")
    assert err.value.line > 1


def test_utf16_with_bom_and_crlf_parse_like_the_original():
    raw = (DUMP / "brctl_show.txt").read_text()
    damaged = raw.replace("\n", "\r\n").encode("utf-16")
    assert netparse.parse(damaged) == netparse.parse(raw)


def test_cli_parse_prints_json_model():
    out = run("parse", str(DUMP / "brctl_show.txt"))
    assert out.returncode == 0
    assert json.loads(out.stdout)["bridges"][0]["name"] == "docker0"


def test_cli_parse_reads_stdin_and_reports_bad_input_without_traceback():
    out = run("parse", "-", stdin="Error response from daemon: No such container: x\n")
    assert out.returncode == 2
    assert out.stderr.startswith("<stdin>:1: ") and "Traceback" not in out.stderr


def test_cli_strict_names_file_and_line():
    out = run("parse", "--strict", "--kind", "brctl_show", str(DUMP / "route_n.txt"))
    assert out.returncode == 2
    assert out.stderr.startswith(f"{DUMP / 'route_n.txt'}:1: ")


def test_cli_kinds_and_schema():
    out = run("kinds")
    assert all(k in out.stdout for k in KINDS)
    schema = json.loads(run("schema", "ip_addr").stdout)
    assert "Interface" in schema["$defs"]
    assert run("schema", "nope").returncode == 2
