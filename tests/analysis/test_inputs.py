"""`netparse analyze` reads every input form into the same topology."""

import subprocess
import sys
import tarfile
import zipfile

import netparse
from tests.conftest import FIXTURES
from tests.sources.test_source_sosreport import _build

DUMP = FIXTURES / "dumps/veth-detached"
TRANSCRIPT = FIXTURES / "transcripts/session_pasted.md"


def essentials(report):
    return ({(c.name, ep.network, ep.host_veth, ep.evidence) for c in report.topology.containers
             for ep in c.endpoints},
            sorted((f.code, tuple(f.subjects)) for f in report.findings))


def test_tar_gz_and_zip_give_the_folders_report(tmp_path):
    folder = netparse.analyze(DUMP)
    tgz = tmp_path / "dump.tar.gz"
    with tarfile.open(tgz, "w:gz") as tar:
        tar.add(DUMP, arcname="veth-detached")
    zipped = tmp_path / "dump.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        for f in DUMP.rglob("*"):
            if f.is_file():
                z.write(f, f.relative_to(DUMP))
    assert essentials(netparse.analyze(tgz)) == essentials(folder)
    assert essentials(netparse.analyze(zipped)) == essentials(folder)


def test_transcript_pairs_the_container_from_its_own_capture():
    report = netparse.analyze(TRANSCRIPT)
    assert not report.partial
    c = next(c for c in report.topology.containers if c.name == "np-src-t")
    assert [(ep.host_veth, ep.evidence.value) for ep in c.endpoints] == [("veth81b93e6", "inside")]
    inside = [s for s in report.sources if s.container == "np-src-t"]
    assert inside and all(s.status.value == "parsed" for s in inside)


def test_transcript_on_stdin():
    out = subprocess.run([sys.executable, "-m", "netparse.cli.main", "analyze", "-",
                          "--format", "json"], input=TRANSCRIPT.read_bytes(), capture_output=True)
    report = netparse.analysis.model.Report.model_validate_json(out.stdout)
    assert essentials(report) == essentials(netparse.analyze(TRANSCRIPT))


def test_sosreport_layout(tmp_path):
    root = _build(tmp_path / "sosreport-host-2026")
    report = netparse.analyze(root)
    kinds = {s.kind for s in report.sources if s.status.value == "parsed"}
    assert {"ip_addr", "ip_route", "ip_link", "brctl_show", "docker_ps", "docker_inspect",
            "sysctl", "route_n"} <= kinds
    names = {c.name for c in report.topology.containers}
    assert {"np-api", "np-db", "np-proxy"} <= names
    assert {b.name for b in report.topology.bridges} >= {"docker0", "br-83fffaaa1fe9"}
