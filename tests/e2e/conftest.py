"""Fixtures of the live tests: the engine, the image, and one built and collected scenario at a time.

The tests build containers, networks and veths on the engine they find, so they are opt-in:
they run only with NETPARSE_E2E=1 (as .ci/run sets it), and are skipped otherwise, even on a
host where they could run. Opted in, a missing engine (or root, or a tool) fails them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import netparse
from tests.e2e import lab
from tests.e2e.scenarios import ALL, Scenario


HERE = Path(__file__).parent
OPT_IN = ("live Docker tests are opt-in: set NETPARSE_E2E=1 to run them (they build containers, "
          "networks and veths on this host's engine)")


def pytest_collection_modifyitems(config, items):
    # Decided before any fixture runs, so nothing touches the engine without the opt-in.
    if os.environ.get("NETPARSE_E2E") == "1":
        return
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.skip(reason=OPT_IN))


@pytest.fixture(scope="session")
def engine():
    reason = lab.why_not_here()
    if reason:
        pytest.fail(f"NETPARSE_E2E=1 but the live tests cannot run: {reason}", pytrace=False)
    with lab.exclusive():
        lab.sweep()
        lab.remove_image()
        lab.import_image()
        yield
        lab.sweep()
        lab.remove_image()


@pytest.fixture(scope="session")
def collector_script(engine, tmp_path_factory) -> Path:
    """The sh script, as `netparse collect --script` prints it."""
    path = tmp_path_factory.mktemp("script") / "netparse-collect.sh"
    done = subprocess.run([sys.executable, "-m", "netparse.cli.main", "collect", "--script"],
                          capture_output=True, text=True, check=True)
    path.write_text(done.stdout)
    return path


@dataclass
class Live:
    scenario: Scenario
    lab: lab.Lab
    facts: dict
    truth: lab.Truth
    dumps: dict[str, Path] = field(default_factory=dict)
    manifests: dict[str, dict] = field(default_factory=dict)
    reports: dict = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _collect(how: str, args: tuple[str, ...], folder: Path, script: Path) -> Path:
    out = folder / how
    if how == "python":
        argv = [sys.executable, "-m", "netparse.cli.main", "collect", *args, str(out)]
    else:
        argv = ["sh", str(script), *args, str(out)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{how} collector failed: {done.stderr}"
    archive = out.with_name(out.name + ".tar.gz")
    return archive if archive.exists() else out


def _manifest(dump: Path) -> dict:
    if dump.is_dir():
        return json.loads((dump / "manifest.json").read_text())
    with tarfile.open(dump) as tar:
        stem = dump.name.removesuffix(".tar.gz")
        return json.load(tar.extractfile(f"{stem}/manifest.json"))


@pytest.fixture(scope="module", params=ALL, ids=str)
def live(request, engine, collector_script, tmp_path_factory) -> Live:
    """A scenario built on the engine, collected by both collectors, analysed; torn down (by
    name) before the next one is built, and also when building or a test fails."""
    scenario: Scenario = request.param
    built = lab.Lab()
    request.addfinalizer(built.cleanup)
    start = time.monotonic()
    facts = scenario.build(built)
    result = Live(scenario, built, facts, truth=lab.read_truth(built))
    result.seconds["build"] = time.monotonic() - start
    folder = tmp_path_factory.mktemp(scenario.name)
    for how, args in (("python", scenario.python_args), ("sh", scenario.sh_args)):
        start = time.monotonic()
        result.dumps[how] = _collect(how, args, folder, collector_script)
        result.seconds[how] = time.monotonic() - start
        result.manifests[how] = _manifest(result.dumps[how])
        result.reports[how] = netparse.analyze(result.dumps[how])
    # The scenario must not have changed while it was collected.
    assert lab.read_truth(built) == result.truth
    return result
