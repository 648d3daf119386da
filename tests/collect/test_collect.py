"""`netparse collect` and its sh script without a Docker engine: missing tools, a stopped engine,
a command that hangs, archives, redaction. Both collectors run in the same prepared PATH and must
write the same manifest. (tests/e2e runs them against a live engine.)"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from netparse.collect import collect, redact, script, steps
from netparse.kinds import KINDS
from netparse.collect.script import _sed_expression
from netparse.sources import kind_of_name
from tests.conftest import FIXTURES

DATA = Path(__file__).parent / "data"

# What the sh script itself needs besides the shell's builtins.
CORE = ("sh", "sed", "awk", "tr", "head", "date", "mkdir", "rm", "cat", "mktemp", "uname", "id",
        "grep", "basename", "dirname", "ls", "mv", "cp", "tar", "gzip", "timeout", "sleep")
BUSYBOX = shutil.which("busybox")


def _busybox_is_complete() -> bool:
    if not BUSYBOX:
        return False
    applets = subprocess.run([BUSYBOX, "--list"], capture_output=True, text=True).stdout.split()
    return set(CORE) <= set(applets)


SHELLS = ["system"] + (["busybox"] if _busybox_is_complete() else [])


def make_path(tmp_path: Path, flavour: str, extra: dict[str, str] | None = None) -> str:
    """A PATH holding the core utilities (the system's, or BusyBox applets) and `extra`
    programs (name -> file to link, or text of a script), and nothing else."""
    bin_dir = tmp_path / f"bin-{flavour}"
    bin_dir.mkdir()
    for name in CORE:
        target = BUSYBOX if flavour == "busybox" else shutil.which(name)
        assert target, f"{name} is needed to run the sh script"
        (bin_dir / name).symlink_to(target)
    for name, what in (extra or {}).items():
        path = bin_dir / name
        if what.startswith("#!"):
            path.write_text(what)
            path.chmod(0o755)
        else:
            path.symlink_to(what)
    return str(bin_dir)


def env_with(path: str, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    env.update(PATH=path, **more)
    return env


def run_python(out: Path, env: dict[str, str], **options) -> dict:
    path, manifest = collect(out, env=env, progress=False, **options)
    if path.is_dir():
        assert json.loads((path / "manifest.json").read_text()) == manifest
    return manifest


def run_sh(out: Path, env: dict[str, str], *args: str, flavour: str = "system") -> dict:
    program = out.parent / "netparse-collect.sh"
    program.write_text(script())
    shell = [BUSYBOX, "sh"] if flavour == "busybox" else [shutil.which("sh")]
    done = subprocess.run([*shell, str(program), *args, str(out)], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "netparse-collect: wrote" in done.stderr
    if "-a" in args:
        return {}
    return json.loads((out / "manifest.json").read_text())


def shape(manifest: dict) -> list[tuple]:
    """What both collectors must agree on: each command, its file, and how it went."""
    return [(e["file"], e["command"], e.get("skipped"), e.get("exit_status"), e.get("timed_out"),
             e.get("kept")) for e in manifest["commands"]]


def files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


# --- the command list ----------------------------------------------------------------------------

def test_every_step_writes_a_file_analyze_reads_by_its_name():
    assert [kind_of_name(s.file)[0] for s in steps.HOST] == [
        k.name for k in KINDS.values() if k.collect for _ in (k.collect, *k.also)]
    assert [kind_of_name(s.file)[0] for s in steps.INSIDE] == [
        k.name for k in KINDS.values() if k.collect and k.collect.inside]
    assert {"ip_addr", "route_n"} <= {kind_of_name(s.file)[0] for s in steps.INSIDE}


def test_the_script_holds_every_command_of_the_list():
    text = script()
    for step in (*steps.HOST, *steps.INSIDE):
        assert f" {step.file} " in text and step.command.split()[0] in text
    assert "@@" not in text


@pytest.mark.parametrize("shell", ["dash", "busybox", "bash"])
def test_the_script_is_valid_posix_sh(tmp_path, shell):
    command = {"dash": ["dash"], "busybox": [BUSYBOX or "busybox", "sh"],
               "bash": ["bash", "--posix"]}[shell]
    if not shutil.which(command[0]):
        pytest.skip(f"{command[0]} is not installed")
    program = tmp_path / "c.sh"
    program.write_text(script())
    done = subprocess.run([*command, "-n", str(program)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_cli_prints_the_script():
    done = subprocess.run([sys.executable, "-m", "netparse.cli.main", "collect", "--script"],
                          capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout == script()


# --- failures recorded, collection goes on -------------------------------------------------------

@pytest.mark.parametrize("flavour", SHELLS)
def test_missing_tools_are_recorded_and_the_dump_is_still_written(tmp_path, flavour):
    env = env_with(make_path(tmp_path, flavour))
    py = run_python(tmp_path / "py", env)
    sh = run_sh(tmp_path / "sh", env, flavour=flavour)
    assert shape(py) == shape(sh)
    skipped = {e["file"]: e["skipped"] for e in py["commands"]}
    assert skipped["brctl_show.txt"] == "brctl: command not found"
    assert skipped["ip_addr.txt"] == "ip: command not found"
    assert skipped["docker_inspect.json"] == "could not list containers: docker: command not found"
    assert skipped[None] == "docker: command not found"
    assert files(tmp_path / "py") == files(tmp_path / "sh") == {"manifest.json"}
    for m in (py, sh):
        assert m["tools"]["docker-client"]["skipped"] == "docker: command not found"
        assert m["tools"]["kernel"]["version"] == os.uname().release
        assert m["options"]["inside"] in ("nsenter", "exec")


# iptables-save as on a host whose legacy tables are empty: iptables-legacy-save prints nothing.
FAKE_SAVE = """#!/bin/sh
printf '*filter\\n:INPUT ACCEPT [0:0]\\nCOMMIT\\n'
"""
FAKE_EMPTY = """#!/bin/sh
exit 0
"""


@pytest.mark.parametrize("flavour", SHELLS)
def test_an_absent_or_silent_firewall_command_is_recorded_not_failed(tmp_path, flavour):
    env = env_with(make_path(tmp_path, flavour, {"iptables-save": FAKE_SAVE,
                                                 "iptables-legacy-save": FAKE_EMPTY}))
    py = run_python(tmp_path / "py", env)
    sh = run_sh(tmp_path / "sh", env, flavour=flavour)
    assert shape(py) == shape(sh)
    for m in (py, sh):
        entries = {e["file"]: e for e in m["commands"]}
        assert entries["iptables_save.txt"]["exit_status"] == 0
        assert entries["iptables_save.txt"]["kept"] is True
        assert entries["ip6tables_save.txt"]["skipped"] == "ip6tables-save: command not found"
        assert entries["nft_ruleset.txt"]["skipped"] == "nft: command not found"
        legacy = entries["iptables_legacy_save.txt"]
        assert legacy["exit_status"] == 0 and legacy["kept"] is False
    assert {"iptables_save.txt", "manifest.json"} == files(tmp_path / "py") == files(tmp_path / "sh")
    assert kind_of_name("iptables_save.txt")[0] == "iptables_save"


@pytest.mark.skipif(not shutil.which("docker"), reason="the docker CLI is not installed")
@pytest.mark.parametrize("flavour", SHELLS)
def test_a_stopped_engine_is_recorded_with_the_clients_error(tmp_path, flavour):
    env = env_with(make_path(tmp_path, flavour, {"docker": shutil.which("docker")}),
                   DOCKER_HOST=f"unix://{tmp_path}/no-engine.sock")
    py = run_python(tmp_path / "py", env)
    sh = run_sh(tmp_path / "sh", env, flavour=flavour)
    assert shape(py) == shape(sh)
    for m in (py, sh):
        ps = next(e for e in m["commands"] if e["file"] == "docker_ps_a.txt")
        assert ps["exit_status"] != 0 and ps["kept"] is False and not ps["timed_out"]
        assert "Cannot connect to the Docker daemon" in ps["stderr"]
        inspect = next(e for e in m["commands"] if e["file"] == "docker_inspect.json")
        assert re.fullmatch(r"could not list containers: `docker ps -aq --no-trunc` exited \d+",
                            inspect["skipped"])
        assert m["tools"]["docker-client"]["version"].startswith("Docker version")
    assert "docker_ps_a.txt" not in files(tmp_path / "py")


# A stand-in for docker (not a BusyBox applet, which BusyBox's sh would run instead): it lists
# nothing, hangs on `docker network ls`, and says what it was asked otherwise.
FAKE_DOCKER = """#!/bin/sh
case "$*" in
    *" -q "* | *" -aq "*) exit 0 ;;
    "network ls") exec sleep 60 ;;
esac
echo "stdout of docker $*"
"""


@pytest.mark.parametrize("flavour", SHELLS)
def test_a_hanging_command_is_stopped_and_the_rest_is_collected(tmp_path, flavour):
    env = env_with(make_path(tmp_path, flavour, {"docker": FAKE_DOCKER}))
    start = time.monotonic()
    py = run_python(tmp_path / "py", env, timeout=1)
    sh = run_sh(tmp_path / "sh", env, "-t", "1", flavour=flavour)
    assert time.monotonic() - start < 20   # stopped after 1 s each time
    assert shape(py) == shape(sh)
    for m in (py, sh):
        ls = next(e for e in m["commands"] if e["file"] == "docker_network_ls.txt")
        assert ls["timed_out"] is True and ls["exit_status"] is None and ls["kept"] is False
        assert ls["stderr"].endswith("(stopped after 1 s)\n")
        assert 0.9 <= ls["duration_s"] < 10
        ps = next(e for e in m["commands"] if e["file"] == "docker_ps_a.txt")
        assert ps["exit_status"] == 0 and ps["kept"] is True
        inspect = next(e for e in m["commands"] if e["file"] == "docker_inspect.json")
        assert inspect["skipped"] == "docker ps -aq --no-trunc listed no containers"
    assert files(tmp_path / "py") == files(tmp_path / "sh") == {"manifest.json", "docker_ps_a.txt"}
    assert (tmp_path / "py/docker_ps_a.txt").read_text() == (tmp_path / "sh/docker_ps_a.txt").read_text()


@pytest.mark.parametrize("flavour", SHELLS)
def test_archive_holds_one_folder_with_the_dump(tmp_path, flavour):
    env = env_with(make_path(tmp_path, flavour, {"docker": FAKE_DOCKER}))
    run_python(tmp_path / "py", env, archive=True, timeout=1)
    run_sh(tmp_path / "sh", env, "-a", "-t", "1", flavour=flavour)
    for name in ("py", "sh"):
        archive = tmp_path / f"{name}.tar.gz"
        assert not (tmp_path / name).exists()
        assert archive.stat().st_mode & 0o077 == 0
        with tarfile.open(archive) as tar:
            names = sorted(m.name for m in tar.getmembers() if m.isfile())
            manifest = json.load(tar.extractfile(f"{name}/manifest.json"))
        assert names == [f"{name}/docker_ps_a.txt", f"{name}/manifest.json"]
        assert manifest["options"]["archive"] is True


@pytest.mark.parametrize("how", ["python", "sh"])
def test_an_existing_dump_is_never_overwritten(tmp_path, how):
    out = tmp_path / "dump"
    out.mkdir()
    (out / "ip_addr.txt").write_text("kept\n")
    if how == "python":
        done = subprocess.run([sys.executable, "-m", "netparse.cli.main", "collect", str(out)],
                              capture_output=True, text=True)
    else:
        (tmp_path / "c.sh").write_text(script())
        done = subprocess.run(["sh", str(tmp_path / "c.sh"), str(out)], capture_output=True,
                              text=True)
    assert done.returncode == 2 and "already exists" in done.stderr
    assert "Traceback" not in done.stderr
    assert (out / "ip_addr.txt").read_text() == "kept\n" and files(out) == {"ip_addr.txt"}


def test_cli_needs_a_folder():
    done = subprocess.run([sys.executable, "-m", "netparse.cli.main", "collect"],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "OUTDIR" in done.stderr


# --- redaction -----------------------------------------------------------------------------------

INSPECTS = sorted(FIXTURES.glob("dumps/*/docker*inspect.json"))
SECRETS = ("correct", "horse", "tok_live_0123456789", "wJalrXUtnFEMIfakeEXAMPLEKEY", "hunter2",
           "labelpass123", "cmdline-key-42", "s.Xq7fake0token")


@pytest.mark.parametrize("path", INSPECTS, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_redact_leaves_inspect_output_without_secrets_as_it_is(path):
    text = path.read_text()
    assert redact(text) == text   # SandboxKey and the rest of the engine's fields stay


def differences(a, b, where=""):
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        return [d for k in a for d in differences(a[k], b[k], f"{where}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{where}[{i}]")]
    return [] if a == b else [(where, b)]


def test_redact_masks_the_secret_looking_values_of_a_real_capture_and_nothing_else():
    text = (DATA / "docker_inspect_secrets.json").read_text()
    masked = redact(text)
    assert not [s for s in SECRETS if s in masked]
    changed = dict(differences(json.loads(text), json.loads(masked)))
    assert changed == {
        "[0].Args[3]": "--api-key=********",
        "[0].Config.Env[0]": "DB_PASSWORD=********",
        "[0].Config.Env[1]": "API_TOKEN=********",
        "[0].Config.Env[2]": "AWS_SECRET_ACCESS_KEY=********",
        "[0].Config.Env[3]": "MYSQL_ROOT_PWD=********",
        "[0].Config.Env[6]": "EMPTY_SECRET=********",
        "[0].Config.Cmd[4]": "--api-key=********",
        "[0].Config.Labels.com.example.db-password": "********",
    }
    network = (DATA / "docker_network_inspect_secrets.json").read_text()
    changed = dict(differences(json.loads(network), json.loads(redact(network))))
    assert changed == {"[0].Labels.com.example.vault-token": "********"}


def test_redacted_inspect_gives_the_same_network_model():
    import netparse

    for name in ("docker_inspect_secrets.json", "docker_network_inspect_secrets.json"):
        text = (DATA / name).read_text()
        before, after = netparse.parse(text), netparse.parse(redact(text))
        items = "containers" if before.kind == "docker_inspect" else "networks"
        for b, a in zip(getattr(before, items), getattr(after, items)):
            keep = {"networks", "ip_address", "mac_address", "ports", "state", "name", "id",
                    "driver", "ipam", "containers", "options"}
            assert b.model_dump(include=keep) == a.model_dump(include=keep)


@pytest.mark.parametrize("sed", ["sed", "busybox"])
def test_the_script_redacts_exactly_like_python(sed):
    command = [BUSYBOX, "sed"] if sed == "busybox" else [shutil.which("sed")]
    if not command[0]:
        pytest.skip(f"{sed} is not installed")
    expressions = " ".join(f"-e {_sed_expression(r)}" for r in steps.REDACTIONS)
    assert f"sed -E {expressions}" in script()
    for path in (DATA / "docker_inspect_secrets.json", DATA / "docker_network_inspect_secrets.json",
                 *INSPECTS):
        text = path.read_text()
        done = subprocess.run(["sh", "-c", f'"$0" "$@" -E {expressions}', *command], input=text,
                              capture_output=True, text=True)
        assert done.returncode == 0 and done.stdout == redact(text), path


# --- which containers are entered, and how -------------------------------------------------------

# A stand-in for docker that lists six containers and answers the collectors' question about
# them (`docker inspect --format '{{.State.Pid}} {{.State.Running}} {{.State.Paused}}
# {{.State.Restarting}} {{.HostConfig.NetworkMode}} {{.Name}}'`) with one of each kind.
STATES_DOCKER = """#!/bin/sh
case "$*" in
    "ps -aq --no-trunc") printf 'c1\\nc2\\nc3\\nc4\\nc5\\nc6\\n' ;;
    "inspect --format "*) printf '%s\\n' "101 true true false bridge /np-paused" \\
        "0 true false true bridge /np-restarting" "102 true false false host /np-hostnet" \\
        "103 true false false container:c1 /np-shared" "104 false false false bridge /np-exited" \\
        "105 true false false bridge /np-running" ;;
    exec*) echo "stdout of docker $*" ;;
    *) exit 1 ;;
esac
"""
REASONS = {
    "np-restarting": "restarting: no network namespace to enter",
    "np-hostnet": "uses the host's network namespace (--network host)",
    "np-shared": "shares the network namespace of c1",
}


@pytest.mark.parametrize("mode", ["exec", "nsenter", "skip"])
def test_both_collectors_enter_the_same_containers_the_same_way(tmp_path, mode):
    env = env_with(make_path(tmp_path, "system", {"docker": STATES_DOCKER}))
    py = run_python(tmp_path / "py", env, inside=mode, timeout=5)
    sh = run_sh(tmp_path / "sh", env, "-i", mode, "-t", "5")
    assert shape(py) == shape(sh)
    inside = {}
    for e in py["commands"]:
        if (e["file"] or "").startswith("containers/"):
            inside.setdefault(e["file"].split("/")[1], set()).add(e.get("skipped") or e["command"])
    expected = {name: {reason} for name, reason in REASONS.items()}
    if mode == "exec":
        expected["np-paused"] = {"paused: docker exec refuses a paused container"}
        expected["np-running"] = {"docker exec np-running ip addr", "docker exec np-running route -n"}
    elif mode == "nsenter":   # nsenter is not on this PATH: said so, per capture
        expected["np-paused"] = expected["np-running"] = {"nsenter: command not found"}
    else:
        expected["np-paused"] = expected["np-running"] = {"not entered (--inside skip)"}
    assert inside == expected
    if mode == "exec":
        assert files(tmp_path / "py") == files(tmp_path / "sh") == {
            "manifest.json", "containers/np-running/ip_addr.txt",
            "containers/np-running/route_n.txt"}


def test_auto_enters_with_nsenter_only_as_root(monkeypatch):
    from netparse.collect import run

    env = {"PATH": os.path.dirname(shutil.which("sh"))}
    monkeypatch.setattr(run.os, "geteuid", lambda: 1000)
    assert run.resolve_inside("auto", env) == ("exec", "not root: nsenter cannot enter namespaces")
    monkeypatch.setattr(run.os, "geteuid", lambda: 0)
    assert run.resolve_inside("auto", {"PATH": "/nonexistent"}) == ("exec", "nsenter: command not found")
    assert run.resolve_inside("exec", env) == ("exec", None)
