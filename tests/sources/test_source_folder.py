"""Folders, single files and uploads, built from the real fixture dumps."""

import os
import shutil

import pytest

import netparse
from netparse import sources
from netparse.errors import LimitError, NetparseError, SourceError
from netparse.sources import limits
from tests.conftest import CORPUS, FIXTURES
from tests.test_corpus import UNREAD

DUMPS = sorted(p for p in (FIXTURES / "dumps").iterdir() if p.is_dir())
USER_NETWORKS = FIXTURES / "dumps" / "user-networks"
CAPTURES = FIXTURES / "captures" / "user-networks"
NOT_CAPTURES = {"README.md", "manifest.json"}


def _captures_of(dump):
    return sorted(p for p in dump.rglob("*") if p.is_file() and p.name not in NOT_CAPTURES)


def test_there_are_dumps():
    assert len(DUMPS) >= 2


@pytest.mark.parametrize("dump", DUMPS, ids=[d.name for d in DUMPS])
def test_dump_folder(dump):
    found = sources.load(dump)
    files = _captures_of(dump)
    assert found.origin == str(dump)
    assert sorted(i.path for i in found.items) == sorted(str(p) for p in files)
    assert sorted((i.path, i.reason) for i in found.ignored) == sorted(
        (str(dump / n), "not a capture (by its name)") for n in NOT_CAPTURES
        if (dump / n).exists())
    for item in found.items:
        rel = os.path.relpath(item.path, dump).split(os.sep)
        # canonical names tell the kind, and the content agrees
        assert item.kind is not None, item.path
        assert netparse.detect(item.data) == item.kind, item.path
        assert item.container == (rel[1] if rel[0] == "containers" else None)
        assert item.data == open(item.path, "rb").read()
        assert item.first_line == 1 and item.command in (None, "docker ps -a")


def test_docker_ps_a_says_its_command():
    found = sources.load(USER_NETWORKS)
    by_name = {os.path.basename(i.path): i for i in found.items if "containers" not in i.path}
    assert by_name["docker_ps_a.txt"].command == "docker ps -a"
    assert by_name["docker_ps.txt"].command is None


def test_other_names_are_left_to_detection(tmp_path):
    """Files named freely keep kind None, unless their name is a command line."""
    found = sources.load(CAPTURES)
    kinds = {os.path.relpath(i.path, CAPTURES): i.kind for i in found.items}
    assert kinds["ip_o_link.txt"] is None and kinds["docker_ps_no_trunc.txt"] is None
    assert kinds["ip_link.txt"] == "ip_link" and kinds["route.txt"] == "route_n"
    assert kinds["containers/np-api/ip_addr_iproute2.txt"] is None
    assert {i.container for i in found.items if "containers" in i.path} == {
        "np-api", "np-db", "np-isolated", "np-paused", "np-proxy"}
    for item in found.items:
        if item.kind is not None:
            assert netparse.detect(item.data) == item.kind


def _copy(src, dst):
    shutil.copytree(src, dst, symlinks=True)
    return dst


def test_files_that_are_not_captures(tmp_path):
    dump = _copy(USER_NETWORKS, tmp_path / "dump")
    (dump / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (dump / ".git").mkdir()
    for n in range(3):
        (dump / ".git" / f"obj{n}").write_bytes(b"x")
    (dump / "empty.txt").write_bytes(b"")
    (dump / "blank.txt").write_bytes(b"\n  \n")
    (dump / "core.bin").write_bytes(bytes(range(256)))
    (dump / "collect.sh").write_bytes(b"#!/bin/sh\nip addr > ip_addr.txt\n")
    (dump / "notes.txt").write_bytes((USER_NETWORKS / "README.md").read_bytes())
    (dump / "link_to_ip_addr.txt").symlink_to(dump / "ip_addr.txt")
    (dump / "outside").symlink_to("/etc")
    os.mkfifo(dump / "pipe")
    # a real capture under a name that says nothing: kept, for detection by content
    (dump / "from_customer.txt").write_bytes((CAPTURES / "ip_o_link.txt").read_bytes())
    found = sources.load(dump)
    reasons = {os.path.relpath(i.path, dump): i.reason for i in found.ignored}
    assert reasons == {
        ".DS_Store": "hidden file: not read",
        ".git": "hidden folder: not read",
        "empty.txt": "empty file",
        "blank.txt": "empty file",
        "core.bin": "binary data, not text",
        "collect.sh": "not a capture (by its name)",
        "notes.txt": reasons["notes.txt"],
        "link_to_ip_addr.txt": f"symbolic link to {dump / 'ip_addr.txt'}: not followed",
        "outside": "symbolic link to /etc: not followed",
        "pipe": "named pipe: not read",
        "README.md": "not a capture (by its name)",
        "manifest.json": "not a capture (by its name)",
    }
    assert reasons["notes.txt"].startswith("not the output of a command netparse reads")
    extra = [i for i in found.items if i.path.endswith("from_customer.txt")]
    assert [(i.kind, i.command, i.container) for i in extra] == [(None, None, None)]
    assert len(found.items) == len(_captures_of(USER_NETWORKS)) + 1


def test_a_folder_holding_one_folder_is_that_folder(tmp_path):
    _copy(USER_NETWORKS, tmp_path / "upload" / "case-1234" / "dump")
    found = sources.load(tmp_path / "upload")
    containers = {i.container for i in found.items}
    assert containers == {None, "np-api", "np-db", "np-isolated", "np-proxy"}
    assert all(i.path.startswith(f"{tmp_path}/upload/case-1234/dump/") for i in found.items)


def test_a_folder_of_container_captures_only(tmp_path):
    _copy(USER_NETWORKS / "containers", tmp_path / "containers")
    found = sources.load(tmp_path)
    assert {i.container for i in found.items} == {"np-api", "np-db", "np-isolated", "np-proxy"}


def test_same_command_twice_as_two_files(tmp_path):
    shutil.copy(USER_NETWORKS / "ip_route.txt", tmp_path / "ip_route.txt")
    shutil.copy(FIXTURES / "dumps" / "default-bridge" / "ip_route.txt", tmp_path / "ip_route.out")
    found = sources.load(tmp_path)
    assert [(os.path.basename(i.path), i.kind) for i in found.items] == [
        ("ip_route.out", "ip_route"), ("ip_route.txt", "ip_route")]
    assert found.items[0].data != found.items[1].data


def test_single_file():
    path = USER_NETWORKS / "docker_network_inspect.json"
    found = sources.load(path)
    assert [(i.path, i.kind, i.data) for i in found.items] == [
        (str(path), "docker_network_inspect", path.read_bytes())]
    other = sources.load(CAPTURES / "netstat_rne.txt")
    assert [i.kind for i in other.items] == [None]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no peer corpus")
def test_single_corpus_files_are_one_capture_each():
    for path in sorted(CORPUS.rglob("*.txt")):
        found = sources.load(path)
        if str(path.relative_to(CORPUS)) in UNREAD:
            # ifconfig: no kind reads it, so it is set aside, never parsed as the closest kind
            [ignored] = found.ignored
            assert found.items == [] and "closest: ip_addr (" in ignored.reason, path
            continue
        assert len(found.items) == 1 and found.ignored == [], path


def test_missing_path():
    with pytest.raises(SourceError) as error:
        sources.load("/nonexistent/dump")
    assert str(error.value) == "/nonexistent/dump: no such file or folder"
    assert isinstance(error.value, NetparseError) and not isinstance(error.value, LimitError)


def test_from_files_follows_the_folder_rules():
    files = {os.path.relpath(p, USER_NETWORKS.parent).replace(os.sep, "/"): p.read_bytes()
             for p in USER_NETWORKS.rglob("*") if p.is_file()}
    files["../etc/passwd"] = b"root:x:0:0::/root:/bin/bash\n"
    files["/etc/hosts"] = b"127.0.0.1 localhost\n"
    found = sources.from_files(files)
    assert found.origin == "upload"
    folder = sources.load(USER_NETWORKS)
    assert sorted((os.path.relpath(i.path, USER_NETWORKS.parent), i.kind, i.container, i.data)
                  for i in folder.items) == sorted(
        (i.path, i.kind, i.container, i.data) for i in found.items)
    unsafe = [(i.path, i.reason) for i in found.ignored if "unsafe" in i.reason]
    assert sorted(unsafe) == [("../etc/passwd", "unsafe path (absolute, or with '..'): not read"),
                              ("/etc/hosts", "unsafe path (absolute, or with '..'): not read")]


def test_big_files_in_a_folder_are_ignored(tmp_path, monkeypatch):
    dump = _copy(USER_NETWORKS, tmp_path / "dump")
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 10_000)
    found = sources.load(dump)
    big = {os.path.basename(i.path) for i in found.ignored if "over the" in i.reason}
    assert all(i.limit and i.kind for i in found.ignored if "over the" in i.reason)
    assert big == {p.name for p in _captures_of(dump) if p.stat().st_size > 10_000}
    assert big  # docker_inspect.json at least


@pytest.mark.parametrize("limit, value, message", [
    ("MAX_TOTAL_BYTES", 50_000, "MiB of captures, over the 0 MiB limit"),
    ("MAX_FILES", 5, "more than 5 files to read"),
    ("MAX_ENTRIES", 5, "folder holds more than 5 entries"),
])
def test_folder_over_the_limits(tmp_path, monkeypatch, limit, value, message):
    dump = _copy(USER_NETWORKS, tmp_path / "dump")
    monkeypatch.setattr(limits, limit, value)
    with pytest.raises(LimitError, match=message) as error:
        sources.load(dump)
    assert str(error.value).startswith(str(dump))


def test_unreadable_file(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    dump = _copy(USER_NETWORKS, tmp_path / "dump")
    (dump / "ip_addr.txt").chmod(0)
    found = sources.load(dump)
    assert [i.reason for i in found.ignored if i.path.endswith("ip_addr.txt")] == [
        "cannot be read: Permission denied"]


def test_upload_with_windows_separators_and_config_files():
    files = {"dump\\ip_addr.txt": (USER_NETWORKS / "ip_addr.txt").read_bytes(),
             "dump\\containers\\np-api\\route_n.txt":
                 (USER_NETWORKS / "containers" / "np-api" / "route_n.txt").read_bytes(),
             # settings from a file are not the kernel's live settings
             "dump\\sysctl.conf": (USER_NETWORKS / "sysctl.txt").read_bytes()}
    found = sources.from_files(files)
    assert [(i.path, i.kind, i.container) for i in found.items] == [
        ("dump/ip_addr.txt", "ip_addr", None),
        ("dump/containers/np-api/route_n.txt", "route_n", "np-api")]
    assert [(i.path, i.reason) for i in found.ignored] == [
        ("dump/sysctl.conf", "not a capture (by its name)")]
