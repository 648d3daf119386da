"""`netparse analyze` as a command: formats, exit codes, bad input."""

import json
import subprocess
import sys

from netparse.analysis.model import Report
from tests.conftest import FIXTURES

DUMPS = FIXTURES / "dumps"


def analyze(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "netparse.cli.main", "analyze", *args],
                          capture_output=True, text=True, input=stdin)


def test_healthy_dump_exits_0_and_a_faulty_one_1():
    assert analyze(str(DUMPS / "default-bridge")).returncode == 0
    assert analyze(str(DUMPS / "veth-detached")).returncode == 1


def test_fail_on_warning_and_never():
    assert analyze(str(DUMPS / "default-bridge"), "--fail-on", "warning").returncode == 1
    assert analyze(str(DUMPS / "veth-detached"), "--fail-on", "never").returncode == 0


def test_json_report_validates_against_its_model_and_names_what_it_needs():
    out = analyze(str(DUMPS / "stray-veth"), "--format", "json")
    doc = json.loads(out.stdout)
    Report.model_validate(doc)
    assert doc["schema_version"] == "1.2"
    bridge = next(b for b in doc["topology"]["bridges"] if b["name"] == "docker0")
    assert {"name", "network", "managed", "state", "mtu", "addresses", "ports"} <= set(bridge)
    port = next(p for p in bridge["ports"] if p["name"] == "np-stray0")
    assert port["container"] is None
    c = next(c for c in doc["topology"]["containers"] if c["name"] == "np-a")
    assert {"network", "bridge", "ip", "prefix_len", "mac", "gateway", "host_veth",
            "container_iface", "evidence"} <= set(c["endpoints"][0])
    assert {"path", "kind", "status", "messages"} <= set(doc["sources"][0])
    finding = next(f for f in doc["findings"] if f["code"] == "orphan-veth")
    assert {"code", "severity", "subjects", "message", "evidence", "hint"} <= set(finding)


def test_json_report_and_its_schema_list_the_checks_not_run():
    doc = json.loads(analyze(str(DUMPS / "basic-five"), "--format", "json").stdout)
    assert {n["code"]: n["missing"] for n in doc["not_run"]}["ip-forward-off"] == [
        {"fact": "ip-forward", "captures": ["sysctl net.ipv4.ip_forward"]}]
    schema = json.loads(subprocess.run([sys.executable, "-m", "netparse.cli.main", "schema",
                                        "report"], capture_output=True, text=True).stdout)
    assert schema["properties"]["schema_version"]["const"] == "1.2"
    assert schema["properties"]["not_run"]["items"] == {"$ref": "#/$defs/NotRun"}
    assert set(schema["$defs"]["NotRun"]["properties"]) == {"code", "missing"}
    assert set(schema["$defs"]["Missing"]["properties"]) == {"fact", "captures"}


def test_text_report_is_plain_when_piped():
    out = analyze(str(DUMPS / "bridge-down"))
    assert "\x1b[" not in out.stdout
    assert "bridge-down" in out.stdout and "br-b7ea6baea7d8" in out.stdout


def test_diagram_formats():
    dot = analyze(str(DUMPS / "default-bridge"), "--format", "dot").stdout
    assert dot.startswith(("digraph", "graph")) and "vethab599f5" in dot
    mermaid = analyze(str(DUMPS / "default-bridge"), "--format", "mermaid").stdout
    assert mermaid.startswith("flowchart") and "np-web" in mermaid


def test_missing_path_exits_2_without_traceback():
    out = analyze("/nonexistent/dump")
    assert out.returncode == 2 and "Traceback" not in out.stderr and "/nonexistent/dump" in out.stderr


def test_stdin_single_capture():
    out = analyze("-", "--format", "json",
                  stdin=(DUMPS / "default-bridge" / "brctl_show.txt").read_text())
    doc = json.loads(out.stdout)
    assert [s["kind"] for s in doc["sources"]] == ["brctl_show"]
    assert doc["topology"]["bridges"][0]["name"] == "docker0"


def test_a_capture_that_fails_makes_the_report_partial(tmp_path):
    for f in (DUMPS / "default-bridge").iterdir():
        if f.is_file():
            (tmp_path / f.name).write_bytes(f.read_bytes())
    text = (tmp_path / "docker_inspect.json").read_text()
    # cut inside its first container: nothing of a container is left to read
    (tmp_path / "docker_inspect.json").write_text(text[: text.index("{") + 1])
    out = analyze(str(tmp_path), "--format", "json")
    doc = json.loads(out.stdout)
    assert doc["partial"] is True
    failed = [s for s in doc["sources"] if s["status"] == "failed"]
    assert [s["path"].rsplit("/", 1)[-1] for s in failed] == ["docker_inspect.json"]
    assert failed[0]["messages"][0].split(":")[1].isdigit()  # file:line: message
