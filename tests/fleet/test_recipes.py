"""The README's fleet recipes, run as they stand (the code blocks are read from README.md, so the
two cannot drift): Dask on a `distributed.LocalCluster` of two worker processes and Ray on a Ray
of its own, over a fleet of generated dumps, two of them with a fault, give the reports of the
sequential run, `analyze_many(paths, jobs=1)`, compared as JSON.

Skipped when an engine is missing (`pip install -e '.[test,fleet,ray]'`), unless
NETPARSE_FLEET=1 (as `.ci/run` sets it), which makes a missing engine a failure.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from bench.gen import generate
from netparse.batch import analyze_many, dumps_in
from netparse.render import render

ROOT = Path(__file__).resolve().parent.parent.parent
REQUIRED = os.environ.get("NETPARSE_FLEET") == "1"

# (containers, networks) of each generated host; the faults are put in below.
HOSTS = [(5, 1), (8, 2), (12, 2), (15, 3), (20, 2), (10, 1)]


def engine(name: str, extra: str):
    try:
        return importlib.import_module(name)
    except ImportError:
        reason = f"{name} is not installed: pip install -e '.[{extra}]'"
        if REQUIRED:
            pytest.fail(f"{reason} (NETPARSE_FLEET=1 asks for the fleet tests)")
        pytest.skip(reason)


def recipe(first_line: str) -> str:
    """The python block of the README's fleet section that starts with `first_line`."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Many dumps: a fleet", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    found = [b for b in blocks if b.startswith(first_line + "\n")]
    assert len(found) == 1, f"README: no single recipe starting {first_line!r}"
    return found[0]


@pytest.fixture(scope="module")
def fleet(tmp_path_factory) -> Path:
    """A folder holding `fleet/`: six generated hosts; host-1 has IP forwarding off and host-3
    two containers' inside `ip addr` swapped (each names the other's veth)."""
    root = tmp_path_factory.mktemp("fleet")
    for i, (containers, networks) in enumerate(HOSTS):
        generate(root / "fleet" / f"host-{i}", containers, networks, seed=40 + i)
    sysctl = root / "fleet" / "host-1" / "sysctl.txt"
    sysctl.write_text(sysctl.read_text().replace("ip_forward = 1", "ip_forward = 0"))
    inside = root / "fleet" / "host-3" / "containers"
    a, b = sorted(p.name for p in inside.iterdir())[:2]
    ta, tb = ((inside / n / "ip_addr.txt").read_text() for n in (a, b))
    (inside / a / "ip_addr.txt").write_text(tb)
    (inside / b / "ip_addr.txt").write_text(ta)
    return root


@pytest.fixture
def in_fleet(fleet, monkeypatch):
    """In the folder that holds `fleet/`, as the recipes read it; the sequential results."""
    monkeypatch.chdir(fleet)
    paths = dumps_in("fleet/")
    assert len(paths) == len(HOSTS)
    results = analyze_many(paths, jobs=1, fmt="json")
    errors = {r.path: sorted({f["code"] for f in json.loads(r.output)["findings"]
                              if f["severity"] == "error"}) for r in results}
    # The faults show, so that a report given for the wrong dump would not compare equal.
    assert errors["fleet/host-1"] == ["ip-forward-off", "published-port-blocked"]
    assert "detached-endpoint" in errors["fleet/host-3"]
    assert not any(errors[p] for p in paths if p not in ("fleet/host-1", "fleet/host-3"))
    return paths, results


def test_the_dask_recipe_on_a_local_cluster_gives_the_sequential_reports(in_fleet, request):
    engine("dask.bag", "fleet")
    distributed = engine("distributed", "fleet")
    paths, sequential = in_fleet
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                       dashboard_address=None)
    request.addfinalizer(cluster.close)
    space = {"cluster": cluster}
    try:
        exec(recipe("import dask.bag as db"), space)
        client = space["client"]
        # The work ran in the two worker processes, not here.
        pids = client.run(os.getpid)
        executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
    finally:
        if "client" in space:
            space["client"].close()
    assert len(set(pids.values())) == 2 and os.getpid() not in pids.values()
    assert sum(executed.values()) >= len(paths)
    assert space["paths"] == paths
    assert [render(r, "json") for r in space["reports"]] == [r.output for r in sequential]
    assert space["errors"] == {
        r.path: [f["code"] for f in json.loads(r.output)["findings"] if f["severity"] == "error"]
        for r in sequential}


def test_the_ray_recipe_on_a_local_ray_gives_the_sequential_results(in_fleet, monkeypatch,
                                                                     request):
    ray = engine("ray", "ray")
    paths, sequential = in_fleet
    # Ray's sockets live under its temp folder (a Unix socket path is at most 107 bytes) and it
    # writes an auth token under ~/.ray: both go to a short folder of the test's own.
    own = tempfile.mkdtemp(prefix="np-ray-")
    request.addfinalizer(lambda: shutil.rmtree(own, ignore_errors=True))
    monkeypatch.setenv("RAY_TMPDIR", own)
    monkeypatch.setenv("HOME", own)
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    monkeypatch.delenv("RAY_ADDRESS", raising=False)  # a Ray of its own, never one found
    request.addfinalizer(ray.shutdown)
    space = {"address": None}
    exec(recipe("import ray"), space)
    assert space["paths"] == paths
    results = space["results"]
    assert [r.path for r in results] == paths
    assert [r.output for r in results] == [r.output for r in sequential]
    assert [(r.exit_status, r.error, r.counts) for r in results] == [
        (r.exit_status, r.error, r.counts) for r in sequential]
    assert [r.exit_status for r in results] == [0, 1, 0, 1, 0, 0]
