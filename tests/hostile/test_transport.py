"""Encodings and transport damage on every real capture: each reads exactly as the original, or
the damage is reported (unparsed lines, or a ParseError naming the line)."""

from __future__ import annotations

import json
import shutil

import pytest

import netparse
from netparse.errors import ParseError
from netparse.parsers import prepare
from tests.expected import FIXTURES, capture_files
from tests.hostile import damage

CAPTURES = capture_files()
TEXTS = {path: path.read_text() for path in CAPTURES}


def _name(path) -> str:
    return str(path.relative_to(FIXTURES))


def _model(data) -> dict:
    return netparse.parse(data).model_dump(mode="json")


def _squeezed(value):
    """The model with every run of white space in a string made one space."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return [_squeezed(v) for v in value]
    if isinstance(value, dict):
        return {k: _squeezed(v) for k, v in value.items()}
    return value


ORIGINALS = {path: _model(text) for path, text in TEXTS.items()}


def test_the_damage_changes_the_bytes():
    # Each kind of damage does happen to the captures (no damage that never applies).
    for name, harm in {**damage.LOSSLESS, **damage.LOSSY}.items():
        changed = [p for p, text in TEXTS.items() if harm(text) != text.encode()]
        assert changed, name


@pytest.mark.parametrize("name", sorted(damage.LOSSLESS))
def test_lossless_damage_reads_as_the_original(name):
    harm = damage.LOSSLESS[name]
    wrong = []
    for path, text in TEXTS.items():
        got, want = _model(harm(text)), ORIGINALS[path]
        if name == "tabs_to_spaces":
            # A tab inside a value (sysctl's `4096\t131072\t6291456`) cannot be told from
            # spaces any more; the value is the same up to white space.
            got, want = _squeezed(got), _squeezed(want)
        if got != want:
            wrong.append(_name(path))
    assert wrong == []


@pytest.mark.parametrize("name", sorted(damage.LOSSY))
def test_lossy_damage_reads_as_the_original_or_is_reported(name):
    harm = damage.LOSSY[name]
    silent, outcomes = [], {"same": 0, "unparsed": 0, "error": 0}
    for path, text in TEXTS.items():
        data = harm(text)
        lines = prepare(data).split("\n")
        try:
            got = _model(data)
        except ParseError as error:
            assert 1 <= error.line <= len(lines), (_name(path), str(error))
            outcomes["error"] += 1
            continue
        if got == ORIGINALS[path]:
            outcomes["same"] += 1
        elif got["unparsed"]:
            for item in got["unparsed"]:
                assert lines[item["line"] - 1] == item["text"], _name(path)
            outcomes["unparsed"] += 1
        else:
            silent.append(_name(path))
    assert silent == []
    # The damage does reach the parsers: some captures come out different and say so.
    assert outcomes["unparsed"] + outcomes["error"] > 0, outcomes


def test_wrapped_lines_are_the_ones_reported():
    path = FIXTURES / "dumps/basic-five/ip_addr.txt"
    wrapped = damage.mail_wrapped(path.read_text()).decode()
    continuations = [n for n, line in enumerate(wrapped.split("\n"), 1)
                     if line and not line[0].isdigit() and not line[0].isspace()]
    assert continuations
    reported = [u.line for u in netparse.parse(wrapped).unparsed]
    assert set(continuations) <= set(reported)


# --- the text preparation these rely on ----------------------------------------------------------

def test_utf16_without_bom_is_recognised():
    assert prepare("1: lo: <UP>\n".encode("utf-16-le")) == "1: lo: <UP>\n"
    assert prepare("1: lo: <UP>\n".encode("utf-16-be")) == "1: lo: <UP>\n"


def test_text_with_some_nul_bytes_is_not_taken_for_utf16():
    with pytest.raises(ParseError, match="binary"):
        netparse.parse(b"bridge name\x00bridge id\tSTP enabled\tinterfaces\n", "brctl_show")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_capture_cut_inside_a_character_loses_that_character_only(encoding):
    text = 'CONTAINER ID   COMMAND\n0123456789ab   "sleep 1000000…"\n'
    data = text.encode(encoding)
    # Cut inside `…` (three bytes in UTF-8), or inside the last `\n` (two bytes in UTF-16).
    cut, left = (data[:-3], text[:-3]) if encoding == "utf-8" else (data[:-1], text[:-1])
    assert prepare(cut) == left


def test_bytes_that_do_not_decode_are_an_error_at_their_line():
    with pytest.raises(ParseError) as error:
        netparse.parse(b"Kernel IP routing table\n\xff\xfe\xfd garbage\n", "route_n")
    assert error.value.line == 2 and "UTF-8" in error.value.message


def test_progress_redraw_keeps_what_the_terminal_showed_and_the_line_count():
    text = "a\nFetching 10%\rFetching 100%\r\x1b[Kb\nc\r\n"
    assert prepare(text) == "a\nb\nc\n"
    assert prepare("done 100%\rok\n") == "okne 100%\n"
    assert prepare("done 100%\rok\x1b[K\n") == "ok\n"
    assert prepare("done 100%\r\x1b[2Kok\n") == "ok\n"


def test_colour_codes_are_removed():
    assert prepare("1: \x1b[36mlo: \x1b[0m<LOOPBACK>\n") == "1: lo: <LOOPBACK>\n"


def test_lone_cr_line_ends_are_line_ends():
    assert prepare("a\rb\rc") == "a\nb\nc"


def test_dump_saved_by_powershell_gives_the_same_report(tmp_path):
    dump = FIXTURES / "dumps/default-bridge"
    copy = tmp_path / "dump"
    shutil.copytree(dump, copy)
    for path in copy.rglob("*"):
        if path.is_file() and path.suffix in (".txt", ".json") and path.name != "manifest.json":
            path.write_bytes(damage.powershell_utf16(path.read_text()))
    want = json.loads(netparse.analyze(dump).model_dump_json().replace(str(dump), "DUMP"))
    got = json.loads(netparse.analyze(copy).model_dump_json().replace(str(copy), "DUMP"))
    assert got == want


def test_analysis_says_when_lines_look_wrapped_by_a_mail_client(tmp_path):
    dump = FIXTURES / "dumps/default-bridge"
    for name in ("ip_addr.txt", "ip_link.txt", "ip_route.txt", "bridge_link.txt"):
        (tmp_path / name).write_bytes(damage.mail_wrapped((dump / name).read_text()))
    # A line that is not understood, but was not wrapped: no such guess.
    (tmp_path / "route_n.txt").write_text((dump / "route_n.txt").read_text()
                                          + "0.0.0.0 is where it all goes\n")
    sources = {s.path.rsplit("/", 1)[-1]: s for s in netparse.analyze(tmp_path).sources}
    for name in ("ip_addr.txt", "ip_link.txt", "ip_route.txt", "bridge_link.txt"):
        assert sources[name].status.value == "partial"
        assert "look wrapped at" in sources[name].messages[0], name
        assert any(": not understood: " in m for m in sources[name].messages)
    assert sources["route_n.txt"].status.value == "partial"
    assert not any("wrapped" in m for m in sources["route_n.txt"].messages)
