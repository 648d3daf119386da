"""Limits never lie: a capture that a limit leaves out takes every check that needed it with it,
and the default limits take the largest host in whole.

The dumps are bench.gen's healthy hosts (their captures follow real ones line by line, and
tests/bench holds them to it): on them any finding is a false one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.gen import generate
from netparse.analysis import analyze
from netparse.analysis.checks import CHECKS
from netparse.errors import LimitError
from netparse.sources import limits
from netparse.sources.names import kind_of_name


@pytest.fixture(scope="module")
def dump(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("limits") / "d40", containers=40, networks=3).path


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_the_healthy_dump_has_no_finding_and_runs_the_firewall_checks(dump):
    report = analyze(dump)
    assert report.findings == []
    ran = {c.code for c in CHECKS} - {n.code for n in report.not_run}
    assert {"forward-blocked", "masquerade-missing", "published-port-blocked",
            "orphan-veth"} <= ran


@pytest.mark.parametrize("name", ["docker_inspect.json", "docker_network_inspect.json",
                                  "ip_link.txt", "ip_addr.txt", "ip_route.txt", "route_n.txt",
                                  "bridge_fdb.txt", "brctl_show.txt", "iptables_save.txt",
                                  "docker_ps.txt"])
def test_a_capture_over_the_file_limit_takes_its_checks_with_it(dump, monkeypatch, name):
    size = (dump / name).stat().st_size
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", size - 1)
    left = [p for p in _files(dump) if p.stat().st_size >= size]
    report = analyze(dump)
    assert report.findings == []
    ignored = {os.path.basename(s.path): s for s in report.sources if s.status == "ignored"}
    assert set(ignored) == {p.name for p in left}
    for p in left:
        source = ignored[p.name]
        assert source.kind == kind_of_name(p.name)[0]
        assert "over the" in source.messages[0] and "limit for a capture" in source.messages[0]
    # Every check that needs a fact of a kind left out is not run, and says which file it was.
    kinds = {kind_of_name(p.name)[0] for p in left}
    not_run = {n.code: n for n in report.not_run}
    for check in CHECKS:
        spoiled = [f for f in check.needs if not f.inside and set(f.kinds) & kinds]
        if spoiled:
            assert check.code in not_run, check.code
            said = [c for m in not_run[check.code].missing for c in m.captures]
            assert any(f"{p.name} was left out" in c for c in said for p in left), said


def test_an_inside_capture_over_the_limit_stops_the_inside_checks(dump, monkeypatch):
    inside = _files(dump / "containers")
    biggest = max(p.stat().st_size for p in inside)
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", biggest - 1)
    report = analyze(dump)
    assert report.findings == []
    needs_inside = {c.code for c in CHECKS if any(f.inside for f in c.needs)}
    assert needs_inside <= {n.code for n in report.not_run}


@pytest.mark.parametrize("limit, value, message", [
    ("MAX_FILES", 10, "more than 10 files to read"),
    ("MAX_TOTAL_BYTES", 100_000, "MiB of captures, over the"),
    ("MAX_ENTRIES", 10, "folder holds more than 10 entries"),
    ("MAX_PARSE_MEMORY", 1 * limits.MiB, "over the 1 MiB limit"),
])
def test_a_dump_past_the_other_limits_is_refused_not_cut(dump, monkeypatch, limit, value,
                                                         message):
    monkeypatch.setattr(limits, limit, value)
    with pytest.raises(LimitError, match=message):
        analyze(dump)


def test_the_default_limits_take_a_host_of_10000_containers(tmp_path):
    """What a generated host holds grows linearly with its containers (one folder of inside
    captures each, one inspect record each): two sizes give the growth, and 10,000 containers
    must fit every default limit, as must the largest host the limits are made for."""
    sizes = {}
    for n in (20, 40):
        root = generate(tmp_path / f"d{n}", containers=n, networks=3).path
        files = _files(root)
        sizes[n] = {
            "files": len(files),
            "entries": len(files) + sum(1 for p in root.rglob("*") if p.is_dir()),
            "total": sum(p.stat().st_size for p in files),
            "largest": max(p.stat().st_size for p in files),
            "memory": sum(limits.parse_memory(p.stat().st_size, kind_of_name(p.name)[0])
                          for p in files),
        }

    def at(count: int, what: str) -> float:
        per = (sizes[40][what] - sizes[20][what]) / 20
        return sizes[20][what] + per * (count - 20)

    for count in (10_000, limits.HOST_CONTAINERS):
        assert at(count, "files") <= limits.MAX_FILES
        assert at(count, "entries") <= limits.MAX_ENTRIES
        assert at(count, "total") <= limits.MAX_TOTAL_BYTES
        assert at(count, "largest") <= limits.MAX_FILE_BYTES
        assert at(count, "total") <= limits.MAX_ARCHIVE_BYTES
    assert at(10_000, "memory") <= limits.MAX_PARSE_MEMORY
