"""`netparse collect` and its sh script on this host, as it is, take `ip rule`, `ip -6 rule`,
`docker version`, `docker info` and the sysctl settings of forwarding, bridge netfilter,
rp_filter and route_localnet, and each parses in full to what the host says without netparse.

Nothing is built and nothing changed, so no lab is needed: only a reachable engine and root.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import netparse
from netparse.kinds import KINDS
from tests.e2e import lab

NEW_FILES = {"ip_rule.txt": "ip_rule", "ip6_rule.txt": "ip_rule",
             "docker_version.txt": "docker_version", "docker_info.txt": "docker_info",
             "sysctl.txt": "sysctl"}


@pytest.fixture(scope="module")
def dumps(tmp_path_factory) -> dict[str, Path]:
    reason = lab.why_not_here()
    if reason:
        if os.environ.get("NETPARSE_E2E") == "1":
            pytest.fail(f"NETPARSE_E2E=1 but the live tests cannot run: {reason}", pytrace=False)
        pytest.skip(f"live Docker tests skipped: {reason} (NETPARSE_E2E=1 makes this a failure)")
    folder = tmp_path_factory.mktemp("host-kinds")
    script = folder / "netparse-collect.sh"
    script.write_text(subprocess.run([sys.executable, "-m", "netparse.cli.main", "collect",
                                      "--script"], capture_output=True, text=True,
                                     check=True).stdout)
    for argv in ([sys.executable, "-m", "netparse.cli.main", "collect", "-i", "skip",
                  str(folder / "python")], ["sh", str(script), "-i", "skip", str(folder / "sh")]):
        done = subprocess.run(argv, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    return {how: folder / how for how in ("python", "sh")}


def sh(*argv: str) -> str:
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("how", ["python", "sh"])
def test_the_new_files_are_collected_and_parse_in_full(dumps, how):
    manifest = json.loads((dumps[how] / "manifest.json").read_text())
    ran = {e["file"]: e for e in manifest["commands"]}
    for name, kind in NEW_FILES.items():
        assert ran[name]["exit_status"] == 0 and ran[name]["kept"], (name, ran[name])
        model = netparse.parse((dumps[how] / name).read_bytes(), kind, strict=True)
        assert model.kind == kind
    report = netparse.analyze(dumps[how])
    status = {Path(s.path).name: s.status.value for s in report.sources}
    assert {status[name] for name in NEW_FILES} == {"parsed"}


@pytest.mark.parametrize("how", ["python", "sh"])
def test_what_they_hold_is_what_the_host_says(dumps, how):
    def read(name):
        return netparse.parse((dumps[how] / name).read_bytes(), NEW_FILES[name])

    for name, family in (("ip_rule.txt", "-4"), ("ip6_rule.txt", "-6")):
        truth = json.loads(sh("ip", family, "-j", "rule", "show"))
        assert [(r.priority, r.table) for r in read(name).rules] == \
            [(r["priority"], r.get("table")) for r in truth]
    version = read("docker_version.txt")
    assert (version.client_version, version.server_version, version.server_api_version) == tuple(
        sh("docker", "version", "--format",
           "{{.Client.Version}} {{.Server.Version}} {{.Server.APIVersion}}").split())
    info = read("docker_info.txt")
    assert (info.server_version, info.storage_driver, info.kernel_version) == tuple(
        sh("docker", "info", "--format", "{{.ServerVersion}}|{{.Driver}}|{{.KernelVersion}}")
        .strip().split("|"))
    sysctl = read("sysctl.txt")
    proc = Path("/proc/sys/net")
    assert sysctl.ip_forward is (proc.joinpath("ipv4/ip_forward").read_text().strip() == "1")
    bridge = proc / "bridge/bridge-nf-call-iptables"
    assert sysctl.bridge_nf_call_iptables == (bridge.read_text().strip() == "1"
                                              if bridge.exists() else None)
    # Every interface's own, with `all` and `default`, as the kernel names them; containers'
    # veths and networks' bridges may come and go while the test runs.
    lasting = {p.name for p in (proc / "ipv4/conf").iterdir()
               if not p.name.startswith(("veth", "br-", "np-"))}
    assert {"all", "default"} <= lasting <= set(sysctl.rp_filter)


def test_a_key_that_is_not_there_leaves_the_others():
    """Without br_netfilter there is no net.bridge: the pattern then matches fewer keys, and
    sysctl still exits 0 (`sysctl KEY...` fails on a missing key)."""
    words = shlex.split(KINDS["sysctl"].collect.command)
    pattern = words[-1].replace(r"bridge\.bridge-nf", r"nobridge\.bridge-nf")
    done = subprocess.run([*words[:-1], pattern], capture_output=True, text=True)
    assert done.returncode == 0 and "net.bridge." not in done.stdout
    assert "net.ipv4.ip_forward = " in done.stdout
