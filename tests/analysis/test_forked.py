"""A large dump parsed by two processes (`take(..., jobs=2)`) gives the snapshot and the
report that one process gives, also when the second process fails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.gen import generate
from netparse import snapshot, sources
from netparse.analysis import analyze_snapshot
from netparse.render import render

DUMPS = sorted((Path(__file__).parents[1] / "fixtures" / "dumps").iterdir())


def _report(path, jobs):
    snap = snapshot.take(sources.load(path), jobs=jobs)
    entries = [(e.source.model_dump_json(), e.model.model_dump_json() if e.model else None,
                e.first_line) for e in snap.entries]
    return entries, render(analyze_snapshot(snap), "json")


@pytest.fixture
def always_fork(monkeypatch):
    monkeypatch.setattr(snapshot, "_FORK_BYTES", 0)


@pytest.fixture
def pids(monkeypatch, tmp_path):
    """The processes that parsed a capture, as the child cannot tell the test in memory."""
    seen = tmp_path / "pids"
    parse_item = snapshot._parse_item

    def recorded(item, parse):
        with seen.open("a") as f:
            f.write(f"{os.getpid()}\n")
        return parse_item(item, parse)
    monkeypatch.setattr(snapshot, "_parse_item", recorded)
    return lambda: set(seen.read_text().split()) if seen.exists() else set()


@pytest.mark.parametrize("dump", DUMPS, ids=lambda p: p.name)
def test_fixture_dumps_alike_in_two_processes(dump, always_fork, pids):
    assert _report(dump, 1) == _report(dump, 2)
    assert len(pids()) == 2


def test_a_generated_dump_alike_in_two_processes(tmp_path, pids):
    generate(tmp_path / "d", containers=420, networks=4)
    assert sum(p.stat().st_size for p in (tmp_path / "d").rglob("*") if p.is_file()) \
        >= snapshot._FORK_BYTES
    one = _report(tmp_path / "d", 1)
    assert len(pids()) == 1
    assert _report(tmp_path / "d", 2) == one
    assert len(pids()) == 2


def test_a_small_dump_is_not_forked(pids):
    _report(DUMPS[0], 2)
    assert pids() == {str(os.getpid())}


def test_the_share_of_a_failed_process_is_parsed_here(always_fork, monkeypatch):
    parent = os.getpid()
    parse_item = snapshot._parse_item

    def dies_in_the_child(item, parse):
        if os.getpid() != parent:
            os._exit(3)
        return parse_item(item, parse)
    want = _report(DUMPS[0], 1)
    monkeypatch.setattr(snapshot, "_parse_item", dies_in_the_child)
    assert _report(DUMPS[0], 2) == want
