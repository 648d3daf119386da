"""A folder of dumps: each analysed on its own (in a process pool with --jobs), a report for
each and a summary, the worst exit status; what a cluster needs: results that pickle."""

import json
import pickle
import shutil
import subprocess
import sys
import tarfile

import pytest

import netparse
from netparse.batch import analyze_many, dumps_in
from netparse.errors import DetectError, LimitError, ParseError, SourceError
from tests.conftest import FIXTURES

DUMPS = FIXTURES / "dumps"


@pytest.fixture
def fleet(tmp_path):
    """Copies of three real dumps: two folders and an archive, plus a README."""
    root = tmp_path / "fleet"
    root.mkdir()
    shutil.copytree(DUMPS / "default-bridge", root / "host-a")
    shutil.copytree(DUMPS / "veth-detached", root / "host-b")
    with tarfile.open(root / "host-c.tar.gz", "w:gz") as tar:
        tar.add(DUMPS / "stray-veth", arcname="stray-veth")
    (root / "README.md").write_text("fleet of three hosts\n")
    return root


def cli(*args):
    return subprocess.run([sys.executable, "-m", "netparse.cli.main", "analyze", *args],
                          capture_output=True, text=True)


def test_a_folder_of_dumps_is_told_from_a_dump(fleet):
    assert dumps_in(fleet) == [str(fleet / "host-a"), str(fleet / "host-b"),
                               str(fleet / "host-c.tar.gz")]
    assert dumps_in(DUMPS / "user-networks") is None      # captures and containers/
    assert dumps_in(DUMPS / "default-bridge" / "ip_addr.txt") is None
    assert dumps_in("-") is None


def test_a_folder_holding_one_dump_is_still_that_dump(tmp_path):
    shutil.copytree(DUMPS / "default-bridge", tmp_path / "only")
    assert dumps_in(tmp_path) is None


def test_jobs_gives_the_reports_of_each_dump_alone_and_a_summary(fleet):
    out = cli(str(fleet), "--jobs", "2")
    assert out.returncode == 1  # host-b's detached veth is an error
    assert "Traceback" not in out.stderr
    for name in ("host-a", "host-b", "host-c.tar.gz"):
        assert f"=== {fleet / name}\n" in out.stdout
    table = out.stdout.split("=== summary: 3 dumps")[1].splitlines()[2:]
    rows = {line.split()[0]: line.split() for line in table}
    assert rows["host-a"][1] == "ok" and rows["host-b"][1] == "findings"
    assert rows["host-b"][4] == "1"  # one error: detached-endpoint
    # Each report is the one of the dump analysed alone.
    alone = cli(str(fleet / "host-b"), "--no-color").stdout
    assert alone in out.stdout


def test_the_exit_status_is_the_worst_of_the_dumps(fleet, tmp_path):
    shutil.rmtree(fleet / "host-b")
    assert cli(str(fleet), "-j", "2").returncode == 0
    (fleet / "broken.tar.gz").write_bytes(b"\x1f\x8b not really gzip")
    out = cli(str(fleet), "-j", "2")
    assert out.returncode == 2 and "unreadable" in out.stdout
    assert cli(str(fleet), "--fail-on", "warning").returncode == 2


def test_json_holds_every_report_and_the_same_results_with_one_process(fleet):
    doc = json.loads(cli(str(fleet), "-f", "json", "-j", "3").stdout)
    assert [d["exit_status"] for d in doc["dumps"]] == [0, 1, 0]
    codes = [sorted(f["code"] for f in d["report"]["findings"]) for d in doc["dumps"]]
    one = analyze_many(dumps_in(fleet), jobs=1, fmt="json")
    assert codes == [sorted(f["code"] for f in json.loads(r.output)["findings"]) for r in one]


def test_report_snapshot_and_errors_survive_pickling():
    report = netparse.analyze(DUMPS / "user-networks")
    assert pickle.loads(pickle.dumps(report)) == report
    snapshot = netparse.load(DUMPS / "veth-detached")
    copy = pickle.loads(pickle.dumps(snapshot))
    assert copy.sources == snapshot.sources
    assert [e.model for e in copy.entries] == [e.model for e in snapshot.entries]
    for error in (ParseError("bad", 3, "f.txt"), DetectError("which?", 1, None, ("a", "b")),
                  SourceError("dump/", "missing"), LimitError("x.tgz", "too big")):
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error) and str(back) == str(error)
        assert vars(back) == vars(error)
