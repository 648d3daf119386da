"""Mutation fuzzing of every real capture: whatever the damage, a model (with what was not
understood in `unparsed`, by line) or a ParseError naming a line of the input; never any other
exception, and each parse in bounded time."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
import time

import pytest

import netparse
from netparse.errors import ParseError
from netparse.parsers import prepare
from netparse.render import render
from netparse.sources import kind_of_name
from tests.expected import FIXTURES, capture_files
from tests.hostile.mutate import mutants

CAPTURES = capture_files()
DUMPS = sorted(p for p in (FIXTURES / "dumps").iterdir() if p.is_dir())
# Seconds one parse of one mutant may take. The largest mutants are about 100 KB; the slowest
# parse measured takes 20 ms, so this only fails on a parse that has gone wrong (a backtracking
# regex runs for minutes), not on a machine that other work slows down.
TIME_LIMIT = 5.0
# How a JSON element its model refuses is reported (netparse.parsers.jsontext.read_elements),
# and where inspect JSON read as far as it goes was cut (jsontext.fragments).
_REFUSED = re.compile(r"(container|network|interface)\b.*: .|JSON ends before the "
                      r"(object|array) opened on line \d+ is closed$")


def _name(path) -> str:
    return str(path.relative_to(FIXTURES))


@pytest.fixture(scope="module", autouse=True)
def _compiled_templates():
    # Compiling a TTP template takes a second the first time: not the parse being timed.
    for path in CAPTURES:
        netparse.parse(path.read_bytes())


def check(data: bytes, kind: str | None) -> str:
    """Parse `data`; fail on anything but a model or a ParseError within the input."""
    try:
        lines = prepare(data).split("\n")
    except ParseError as error:
        assert 1 <= error.line <= data.count(b"\n") + 1, str(error)
        return "error"
    try:
        model = netparse.parse(data, kind)
    except ParseError as error:  # DetectError too
        assert 1 <= error.line <= len(lines), str(error)
        return "error"
    if kind is not None:
        assert model.kind == kind
    # In JSON, an element its model refuses is reported at the line it starts on, with why.
    json_capture = "".join(lines).lstrip()[:1] in ("[", "{")
    for item in model.unparsed:
        assert 1 <= item.line <= len(lines), item
        assert item.text == lines[item.line - 1] or (json_capture and _REFUSED.match(item.text)), \
            item
    return "unparsed" if model.unparsed else "model"


@pytest.mark.parametrize("path", CAPTURES, ids=_name)
def test_mutants_parse_or_fail_cleanly(path):
    kind = kind_of_name(path.name)[0]
    outcomes = []
    for name, data in mutants(path.read_bytes(), _name(path)):
        for as_kind in {None, kind}:
            started = time.perf_counter()
            try:
                outcomes.append(check(data, as_kind))
            except Exception as exc:
                raise AssertionError(f"{name} mutant, kind {as_kind}: {exc!r}") from exc
            took = time.perf_counter() - started
            assert took < TIME_LIMIT, f"{name} mutant, kind {as_kind}: {took:.1f} s"
    # The mutations do reach the parsers: not everything is refused before parsing.
    assert "model" in outcomes or "unparsed" in outcomes


# Lines that may come again with nothing new to say: headers of outputs pasted together.
_HEADERS = re.compile(r"Kernel IP(v6)? routing table|Destination\s|bridge name\s|"
                      r"(CONTAINER ID|NETWORK ID|NAMES)\s")


@pytest.mark.parametrize("path", [p for p in CAPTURES if p.suffix == ".txt"], ids=_name)
def test_a_line_pasted_twice_is_read_or_reported(path):
    """Nothing silently dropped: a line twice gives another model, or is reported."""
    kind = kind_of_name(path.name)[0]
    text = path.read_text()
    original = netparse.parse(text, kind)
    lines = text.split("\n")
    candidates = [n for n, line in enumerate(lines) if line.strip() and not _HEADERS.match(line)]
    rng = random.Random(_name(path))
    for n in rng.sample(candidates, min(8, len(candidates))):
        doubled = "\n".join(lines[:n + 1] + lines[n:])
        try:
            model = netparse.parse(doubled, kind)
        except ParseError:
            continue
        assert model.unparsed or model != original, f"line {n + 1} twice: {lines[n]!r}"


def _mutated_dump(dump, target, seed: str):
    """A copy of `dump` with about half of its captures mutated."""
    shutil.copytree(dump, target)
    files = sorted(p for p in target.rglob("*") if p.is_file() and p.suffix in (".txt", ".json")
                   and p.name != "manifest.json")
    rng = random.Random(seed)
    for number, path in enumerate(files):
        if rng.random() < 0.5:
            _, data = rng.choice(mutants(path.read_bytes(), f"{seed}:{number}", huge=20_000))
            path.write_bytes(data)
    return target


@pytest.mark.parametrize("dump", DUMPS, ids=lambda p: p.name)
def test_analysis_of_mutated_dumps(dump, tmp_path):
    for round in range(2):
        mutated = _mutated_dump(dump, tmp_path / f"round{round}", f"{dump.name}:{round}")
        report = netparse.analyze(mutated)
        for fmt in ("text", "json", "dot", "mermaid"):
            assert render(report, fmt)


CLI = [sys.executable, "-m", "netparse.cli.main"]


@pytest.mark.parametrize("dump", DUMPS[::5], ids=lambda p: p.name)
def test_cli_on_mutated_dumps_never_prints_a_traceback(dump, tmp_path):
    mutated = _mutated_dump(dump, tmp_path / "dump", f"cli:{dump.name}")
    done = subprocess.run([*CLI, "analyze", str(mutated)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    for path in sorted(mutated.glob("*.txt"))[:4]:
        done = subprocess.run([*CLI, "parse", str(path)], capture_output=True, text=True,
                              timeout=60)
        assert done.returncode in (0, 2) and "Traceback" not in done.stderr, done.stderr
        if done.returncode == 2:
            # `file:line: message`, the file named as given.
            assert done.stderr.startswith(f"{path}:"), done.stderr
        else:
            json.loads(done.stdout)


# Lines TTP joins into one value (a bridge's ports, an interface's detail lines), repeated:
# joined as growing strings they took time in the square of their number (200,000 took 25 s).
JOINED = {
    "brctl_show": ("bridge name\tbridge id\t\tSTP enabled\tinterfaces\n"
                   "docker0\t\t8000.024293a02d5e\tno\t\tveth0\n", "\t\t\t\t\t\t\tveth{:07x}\n"),
    "ip_link": ("5: docker0: <BROADCAST,UP> mtu 1500 qdisc noqueue state UP mode DEFAULT "
                "group default \n    link/ether 02:42:93:a0:2d:5e brd ff:ff:ff:ff:ff:ff\n",
                "    bridge_slave state forwarding priority {}\n"),
}


@pytest.mark.parametrize("kind", sorted(JOINED))
def test_long_runs_of_joined_lines_take_linear_time(kind):
    head, line = JOINED[kind]

    def seconds(count: int) -> float:
        text = head + "".join(line.format(n) for n in range(count))
        started = time.perf_counter()
        netparse.parse(text, kind)
        return time.perf_counter() - started

    # Four times the lines: about four times the time (it was twelve to seventeen).
    assert seconds(200_000) < 8 * seconds(50_000)
