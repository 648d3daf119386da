"""A live server on loopback for the web tests, and real dumps packed as a customer sends them."""

from __future__ import annotations

import functools
import importlib
import io
import pathlib
import subprocess
import sys
import tarfile
import threading
import time
import zipfile
from contextlib import contextmanager

import pytest

from tests.conftest import FIXTURES

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install -e '.[test]'")
httpx = pytest.importorskip("httpx", reason="httpx is not installed: pip install -e '.[test]'")

DUMPS = FIXTURES / "dumps"
ARTIFACTS = pathlib.Path(__file__).parent.parent / "artifacts"


@contextmanager
def running(settings=None):
    """The server of `netparse serve` with `settings`, on a free loopback port, in a thread."""
    import uvicorn

    from netparse.web.server import config

    server = uvicorn.Server(config(settings, port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)


@pytest.fixture(scope="session")
def base_url():
    with running() as url:
        yield url


@pytest.fixture(scope="session")
def client(base_url):
    with httpx.Client(base_url=base_url, timeout=60) as c:
        yield c


def patched(module: str, **values):
    """A `Settings.worker_init` that sets attributes of `module` in each worker process, as
    monkeypatch would in this one (the library runs in the server's workers)."""
    return functools.partial(_set_attributes, module, values)


def _set_attributes(module: str, values: dict) -> None:
    target = importlib.import_module(module)
    for name, value in values.items():
        setattr(target, name, value)


def dump_files(name: str, prefix: str | None = None) -> dict[str, bytes]:
    """The files of a real dump by relative path, under `prefix/` (the dump's name by default),
    as a browser sends a folder."""
    root = DUMPS / name
    prefix = name if prefix is None else prefix
    return {(f"{prefix}/" if prefix else "") + p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def tar_gz(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 1_700_000_000
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def cli_json(path: str, cwd: pathlib.Path) -> str:
    """What `netparse analyze --format json PATH` prints, run in `cwd`."""
    out = subprocess.run([sys.executable, "-m", "netparse.cli.main", "analyze", "--format", "json",
                          "--fail-on", "never", path], cwd=cwd, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout


def as_form(files: dict[str, bytes]) -> list:
    return [("files", (name, data, "application/octet-stream")) for name, data in files.items()]


XSS = "<script>alert(1)</script>"


def xss_dump() -> dict[str, bytes]:
    """The real veth-detached dump with container np-b renamed to a script tag in the engine's
    captures (docker inspect, docker network inspect, docker ps): a hostile name, real data."""
    import re

    files = dump_files("veth-detached")
    rules = {
        "docker_inspect.json": (r'"Name": "/np-b"', f'"Name": "/{XSS}"'),
        "docker_network_inspect.json": (r'"Name": "np-b"', f'"Name": "{XSS}"'),
        "docker_ps.txt": (r"np-b$", XSS),
        "docker_ps_a.txt": (r"np-b$", XSS),
    }
    for name, (pattern, new) in rules.items():
        key = f"veth-detached/{name}"
        text, count = re.subn(pattern, new, files[key].decode(), flags=re.M)
        assert count == 1, (name, count)
        files[key] = text.encode()
    return files
