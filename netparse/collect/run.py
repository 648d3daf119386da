"""The Python collector: run the steps of `netparse.collect.steps` on this host, write the dump.

Every command runs with a timeout, its standard input closed, `LC_ALL=C` (so that net-tools and
friends print what the parsers read), in its own process group (so that a hung command and its
children are stopped together). Nothing raises on a failing command: a missing tool, an exit
status, a time-out and the standard error all go into `manifest.json`, and collection goes on.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

from netparse import __version__
from netparse.collect import steps
from netparse.errors import NetparseError

MANIFEST = "manifest.json"
_STDERR_LIMIT = 64 * 1024
_TOOL_TIMEOUT = 5
INSIDE_MODES = ("auto", "nsenter", "exec", "skip")


class CollectError(NetparseError):
    """The dump cannot be written (the destination exists, is not writable, ...)."""


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def redact(text: str) -> str:
    """Mask secret-looking values in `docker inspect` output (see steps.REDACTIONS)."""
    rules = [(re.compile(r.pattern), r.replacement, re.compile(r.unless) if r.unless else None)
             for r in steps.REDACTIONS]
    lines = text.split("\n")
    for i, line in enumerate(lines):
        for pattern, replacement, unless in rules:
            if unless is None or not unless.search(line):
                line = pattern.sub(replacement, line)
        lines[i] = line
    return "\n".join(lines)


class _Progress:
    """A progress bar on a terminal; nothing otherwise."""

    def __init__(self, enabled: bool | None):
        from rich.console import Console

        console = Console(stderr=True)
        self.bar = None
        if enabled if enabled is not None else console.is_terminal:
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn,
                                       TextColumn, TimeElapsedColumn)

            self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                                transient=True)
            self.task = self.bar.add_task("collecting", total=0)

    def __enter__(self):
        if self.bar:
            self.bar.start()
        return self

    def __exit__(self, *exc):
        if self.bar:
            self.bar.stop()

    def grow(self, n: int) -> None:
        if self.bar:
            self.bar.update(self.task, total=self.bar.tasks[0].total + n)

    def doing(self, what: str) -> None:
        if self.bar:
            self.bar.update(self.task, description=what[:60])

    def done(self) -> None:
        if self.bar:
            self.bar.advance(self.task)


class Collector:
    def __init__(self, out: Path, *, timeout: float, env: dict[str, str], progress: _Progress):
        self.out = out
        self.timeout = timeout
        self.env = env
        self.progress = progress
        self.entries: list[dict] = []

    def _found(self, program: str) -> bool:
        return shutil.which(program, path=self.env.get("PATH", os.defpath)) is not None

    def run(self, command: str, file: str | None, *, timeout: float | None = None,
            merge: bool = False, record: bool = True) -> tuple[dict, bytes]:
        """Run `command`; stdout to `file` (under the dump) or returned when `file` is None.
        The entry goes into the manifest unless `record` is false."""
        self.progress.doing(command)
        argv = shlex.split(command)
        entry: dict = {"file": file, "command": command}
        if record:
            self.entries.append(entry)
        if not self._found(argv[0]):
            entry["skipped"] = f"{argv[0]}: command not found"
            self.progress.done()
            return entry, b""
        timeout = timeout or self.timeout
        target = self.out / file if file else None
        if target:
            target.parent.mkdir(parents=True, exist_ok=True)
        entry["started_at"] = _now()
        start = time.monotonic()
        timed_out = False
        with open(target, "wb") if target else open(os.devnull, "rb") as sink:
            try:
                proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                        stdout=sink if target else subprocess.PIPE,
                                        stderr=subprocess.STDOUT if merge else subprocess.PIPE,
                                        env=self.env, start_new_session=True)
            except OSError as exc:
                entry["skipped"] = f"{argv[0]}: {exc.strerror or exc}"
                del entry["started_at"]
                self.progress.done()
                return entry, b""
            try:
                out, err = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except OSError:
                    pass
                out, err = proc.communicate()
        entry["duration_s"] = round(time.monotonic() - start, 3)
        entry["exit_status"] = None if timed_out else proc.returncode
        entry["timed_out"] = timed_out
        entry["stderr"] = (err or b"")[:_STDERR_LIMIT].decode("utf-8", "replace")
        if timed_out:
            entry["stderr"] += f"(stopped after {timeout:g} s)\n"
        if target:
            entry["kept"] = target.stat().st_size > 0
            if not entry["kept"]:
                target.unlink()   # an empty file is not a capture
        self.progress.done()
        return entry, out or b""

    def skip(self, file: str | None, command: str | None, reason: str) -> None:
        self.entries.append({"file": file, "command": command, "skipped": reason})
        self.progress.done()

    # --- the dump ------------------------------------------------------------------------------

    def tools(self) -> dict:
        found = {}
        for name, command in steps.TOOLS:
            entry, out = self.run(command, None, timeout=min(_TOOL_TIMEOUT, self.timeout),
                                  merge=True, record=False)
            if "skipped" in entry:
                found[name] = {"command": command, "skipped": entry["skipped"]}
                continue
            first = next((ln.strip() for ln in out.decode("utf-8", "replace").splitlines()
                          if ln.strip()), None)
            found[name] = {"command": command, "exit_status": entry["exit_status"],
                           "version": first}
        return found

    def lists(self) -> dict[str, list[str] | str]:
        """Each list's items, or the reason it could not be had."""
        got: dict[str, list[str] | str] = {}
        for name, command in steps.LISTS.items():
            entry, out = self.run(command, None)
            if "skipped" in entry:
                got[name] = f"could not list {name}: {entry['skipped']}"
            elif entry["exit_status"] != 0:
                got[name] = f"could not list {name}: `{command}` " + (
                    "timed out" if entry["timed_out"] else f"exited {entry['exit_status']}")
            else:
                got[name] = out.decode("utf-8", "replace").split()
        return got

    def host(self, lists: dict[str, list[str] | str]) -> None:
        for step in steps.HOST:
            if step.over is None:
                self.run(step.command, step.file)
                continue
            items = lists[step.over]
            if isinstance(items, str):
                self.skip(step.file, step.command, items)
            elif not items:
                self.skip(step.file, step.command, f"{steps.LISTS[step.over]} listed no {step.over}")
            else:
                self.run(" ".join([step.command, *items]), step.file)

    def inside(self, lists: dict[str, list[str] | str], mode: str) -> None:
        ids = lists["containers"]
        if isinstance(ids, str) or not ids:
            return
        entry, out = self.run(" ".join([steps.NAMESPACES, *ids]), None)
        if "skipped" in entry:
            return
        for line in out.decode("utf-8", "replace").splitlines():
            fields = line.split()
            if len(fields) != 6:
                continue
            pid, running, paused, restarting, network_mode, name = fields
            name = name.lstrip("/")
            if running != "true":
                continue   # no namespace to look into
            folder = f"containers/{name}"
            self.progress.grow(len(steps.INSIDE))
            reason = _why_not_inside(mode, pid, paused, restarting, network_mode, name)
            for step in steps.INSIDE:
                file = f"{folder}/{step.file}"
                if reason:
                    self.skip(file, None, reason)
                else:
                    enter = steps.ENTER[mode].replace("{pid}", pid).replace("{name}", name)
                    self.run(f"{enter} {step.command}", file)


def _why_not_inside(mode, pid, paused, restarting, network_mode, name) -> str | None:
    """Why a running container's namespace is not entered, or None (the same rules as the script)."""
    if restarting == "true":
        return "restarting: no network namespace to enter"
    if network_mode == "host":
        return "uses the host's network namespace (--network host)"
    if network_mode.startswith("container:"):
        return f"shares the network namespace of {network_mode[len('container:'):]}"
    if not re.fullmatch(steps.SAFE_NAME, name):
        return "container name unusable as a folder name"
    if mode == "skip":
        return "not entered (--inside skip)"
    if mode == "nsenter" and pid in ("", "0"):
        return "no process ID to enter"
    if mode == "exec" and paused == "true":
        return "paused: docker exec refuses a paused container"
    return None


def resolve_inside(mode: str, env: dict[str, str]) -> tuple[str, str | None]:
    """The way into containers for `auto`: nsenter as root, else docker exec; with the reason."""
    if mode != "auto":
        return mode, None
    path = env.get("PATH", os.defpath)
    if os.geteuid() != 0:
        return "exec", "not root: nsenter cannot enter namespaces"
    if shutil.which("nsenter", path=path) is None:
        return "exec", "nsenter: command not found"
    return "nsenter", None


def collect(outdir: str | os.PathLike, *, archive: bool = False, redact_secrets: bool = False,
            timeout: float = steps.TIMEOUT, inside: str = "auto", progress: bool | None = None,
            env: dict[str, str] | None = None) -> tuple[Path, dict]:
    """Collect a dump of this host into `outdir` (a folder, or a .tar.gz with `archive`).

    Returns the path written and the manifest. Raises CollectError only when the dump cannot be
    written at all; a command that fails is recorded in the manifest.
    """
    if inside not in INSIDE_MODES:
        raise CollectError(f"--inside must be one of {', '.join(INSIDE_MODES)}")
    env = dict(os.environ if env is None else env)
    env["LC_ALL"] = "C"
    dest = Path(outdir)
    if archive:
        if not dest.name.endswith((".tar.gz", ".tgz")):
            dest = dest.with_name(dest.name + ".tar.gz")
        if dest.exists():
            raise CollectError(f"{dest}: already exists")
        stem = re.sub(r"\.(tar\.gz|tgz)$", "", dest.name) or "dump"
        with tempfile.TemporaryDirectory(prefix="netparse-collect-") as tmp:
            folder = Path(tmp) / stem
            manifest = _collect_into(folder, redact_secrets, timeout, inside, progress, env,
                                     archive=True)
            try:
                with tarfile.open(dest, "w:gz") as tar:
                    tar.add(folder, arcname=stem)
                os.chmod(dest, 0o600)   # as private as the folder it replaces
            except OSError as exc:
                raise CollectError(f"{dest}: {exc.strerror or exc}") from None
        return dest, manifest
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise CollectError(f"{dest}: already exists and is not an empty folder")
    return dest, _collect_into(dest, redact_secrets, timeout, inside, progress, env, archive=False)


def _collect_into(folder: Path, redact_secrets: bool, timeout: float, inside: str,
                  progress: bool | None, env: dict[str, str], *, archive: bool) -> dict:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise CollectError(f"{folder}: {exc.strerror or exc}") from None
    mode, why = resolve_inside(inside, env)
    started, start = _now(), time.monotonic()
    manifest: dict = {
        "collector": f"netparse collect {__version__}",
        "format": 1,
        "started_at": started,
        "host": {"hostname": os.uname().nodename, "euid": os.geteuid()},
        "options": {"timeout_s": timeout, "inside": mode, "inside_reason": why,
                    "redact": redact_secrets, "archive": archive},
    }
    with _Progress(progress) as bar:
        bar.grow(len(steps.TOOLS) + len(steps.LISTS) + len(steps.HOST) + 1)
        c = Collector(folder, timeout=timeout, env=env, progress=bar)
        try:
            manifest["tools"] = c.tools()
            lists = c.lists()
            c.host(lists)
            c.inside(lists, mode)
        finally:
            manifest["commands"] = c.entries
            if redact_secrets:
                for name in steps.INSPECT_FILES:
                    path = folder / name
                    if path.exists():
                        path.write_text(redact(path.read_text("utf-8", "replace")), "utf-8")
            manifest["finished_at"] = _now()
            manifest["duration_s"] = round(time.monotonic() - start, 3)
            with open(folder / MANIFEST, "w", encoding="utf-8") as f:
                json.dump(manifest, f, indent=2)
                f.write("\n")
    return manifest
