"""Archives built in tmp_path from the real fixture dumps, read in memory."""

import io
import os
import tarfile
import zipfile

import pytest

from netparse import sources
from netparse.errors import LimitError, SourceError
from netparse.sources import limits
from tests.conftest import FIXTURES

DUMP = FIXTURES / "dumps" / "user-networks"
NOT_CAPTURES = {"README.md", "manifest.json"}


def _members(folder=DUMP, top="dump"):
    """(name in the archive, bytes) of every file of the dump, under one top folder."""
    return sorted((f"{top}/{p.relative_to(folder).as_posix()}", p.read_bytes())
                  for p in folder.rglob("*") if p.is_file())


def _tar(path, members, mode="w:gz", extra=()):
    with tarfile.open(path, mode) as tar:
        folders = sorted({n.rsplit("/", 1)[0] for n, _ in members
                          if "/" in n and ".." not in n and not n.startswith("/")})
        for folder in folders:
            info = tarfile.TarInfo(folder)
            info.type = tarfile.DIRTYPE
            tar.addfile(info)
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info, data in extra:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def _zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return path


def _expected():
    folder = sources.load(DUMP)
    return sorted((os.path.relpath(i.path, DUMP), i.kind, i.container, i.data)
                  for i in folder.items)


def _got(found, archive):
    prefix = f"{archive}!dump/"
    assert all(i.path.startswith(prefix) for i in found.items)
    return sorted((i.path[len(prefix):], i.kind, i.container, i.data) for i in found.items)


@pytest.mark.parametrize("name, mode", [
    ("dump.tar.gz", "w:gz"), ("dump.tgz", "w:gz"), ("dump.tar", "w"),
    ("dump.tar.bz2", "w:bz2"), ("dump.tar.xz", "w:xz"),
])
def test_tar_archives_read_like_the_folder(tmp_path, name, mode):
    archive = _tar(tmp_path / name, _members(), mode)
    found = sources.load(archive)
    assert found.origin == str(archive)
    assert _got(found, archive) == _expected()
    assert sorted(i.path for i in found.ignored) == sorted(
        f"{archive}!dump/{n}" for n in NOT_CAPTURES)


def test_zip_archive_reads_like_the_folder(tmp_path):
    archive = _zip(tmp_path / "dump.zip", _members())
    found = sources.load(archive)
    assert _got(found, archive) == _expected()


def test_archive_named_by_its_content_not_its_suffix(tmp_path):
    archive = _tar(tmp_path / "capture.bin", _members())
    assert _got(sources.load(archive), archive) == _expected()


def test_archive_without_a_top_folder(tmp_path):
    archive = _zip(tmp_path / "flat.zip", [(n.split("/", 1)[1], d) for n, d in _members()])
    found = sources.load(archive)
    assert sorted((i.path.split("!", 1)[1], i.kind, i.container, i.data)
                  for i in found.items) == _expected()


def test_tar_made_from_inside_the_folder(tmp_path):
    """`tar czf dump.tgz .` names members ./ip_addr.txt, ./containers/..."""
    archive = _tar(tmp_path / "dot.tgz", _members(top="."))
    found = sources.load(archive)
    assert sorted((i.path.split("!./", 1)[1], i.kind, i.container, i.data)
                  for i in found.items) == _expected()


def test_upload_of_one_archive(tmp_path):
    archive = _tar(tmp_path / "dump.tgz", _members())
    found = sources.from_files({"dump.tgz": archive.read_bytes()})
    assert _got(found, "dump.tgz") == _expected()


def test_archive_on_standard_input(tmp_path):
    archive = _zip(tmp_path / "dump.zip", _members())
    found = sources.load("-", stdin=io.BytesIO(archive.read_bytes()))
    assert _got(found, "<stdin>") == _expected()


def _link(name, target, kind=tarfile.SYMTYPE):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info


def test_unsafe_members_links_and_devices_are_not_read(tmp_path):
    ip_addr = (DUMP / "ip_addr.txt").read_bytes()
    device = tarfile.TarInfo("dump/null")
    device.type = tarfile.CHRTYPE
    device.devmajor, device.devminor = 1, 3
    fifo = tarfile.TarInfo("dump/pipe")
    fifo.type = tarfile.FIFOTYPE
    extra = [(_link("dump/passwd", "/etc/passwd"), None),
             (_link("dump/ip_addr_again.txt", "dump/ip_addr.txt", tarfile.LNKTYPE), None),
             (device, None), (fifo, None)]
    members = _members() + [("../escape.txt", ip_addr), ("/etc/cron.d/evil", ip_addr),
                            ("dump/../../up.txt", ip_addr)]
    archive = _tar(tmp_path / "evil.tgz", members, extra=extra)
    found = sources.load(archive)
    reasons = {i.path.split("!", 1)[1]: i.reason for i in found.ignored}
    unsafe = "unsafe path (absolute, or with '..'): not read"
    assert reasons == {
        "../escape.txt": unsafe, "/etc/cron.d/evil": unsafe, "dump/../../up.txt": unsafe,
        "dump/passwd": "symbolic link to /etc/passwd: not followed",
        "dump/ip_addr_again.txt": "hard link to dump/ip_addr.txt: not followed",
        "dump/null": "device file: not read",
        "dump/pipe": "named pipe: not read",
        "dump/README.md": "not a capture (by its name)",
        "dump/manifest.json": "not a capture (by its name)",
    }
    assert _got(found, archive) == _expected()


def test_zip_with_unsafe_names_and_a_symlink(tmp_path):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in _members():
            archive.writestr(name, data)
        archive.writestr("../../etc/passwd", b"root:x:0:0::/root:/bin/sh\n")
        archive.writestr("C:/Windows/evil.txt", b"x\n")
        link = zipfile.ZipInfo("dump/link")
        link.external_attr = (0o120777 << 16)
        archive.writestr(link, "/etc/shadow")
    found = sources.load(path)
    reasons = {i.path.split("!", 1)[1]: i.reason for i in found.ignored}
    assert reasons["../../etc/passwd"].startswith("unsafe path")
    assert reasons["C:/Windows/evil.txt"].startswith("unsafe path")
    assert reasons["dump/link"].startswith("symbolic link")
    assert _got(found, path) == _expected()


class _Zeros(io.RawIOBase):
    """`size` zero bytes, produced as they are read."""

    def __init__(self, size):
        self.left = size

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.left)
        buffer[:n] = bytes(n)
        self.left -= n
        return n


BOMB = 300 * 1024 * 1024


def test_zip_bomb(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 64 * limits.MiB)  # the member's own limit
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in _members():
            archive.writestr(name, data)
        with archive.open("dump/ip_route.log", "w", force_zip64=True) as member:
            zeros = _Zeros(BOMB)
            while chunk := zeros.read(1 << 20):
                member.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(LimitError) as error:
        sources.load(path)
    assert str(error.value) == (f"{path}!dump/ip_route.log: archive member of 300 MiB, over the "
                                f"64 MiB limit for a capture; archive not read")


def test_tar_gz_bomb(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 64 * limits.MiB)  # the member's own limit
    path = tmp_path / "bomb.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("dump/ip_addr.txt")
        info.size = BOMB
        tar.addfile(info, io.BufferedReader(_Zeros(BOMB)))
    with pytest.raises(SourceError, match="archive member of 300 MiB, over the 64 MiB limit"):
        sources.load(path)


def test_decompression_stops_at_the_bound(tmp_path, monkeypatch):
    """Even members that are skipped count: a member that would take decompression past the
    bound is refused by its header, before it is skipped."""
    path = tmp_path / "sosreport.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("sosreport-host/var/log/messages")
        info.size = 8 * 1024 * 1024
        tar.addfile(info, io.BufferedReader(_Zeros(info.size)))
    monkeypatch.setattr(limits, "MAX_ARCHIVE_BYTES", 2 * 1024 * 1024)
    with pytest.raises(LimitError) as error:
        sources.load(path)
    assert str(error.value) == (f"{path}!sosreport-host/var/log/messages: archive member "
                                f"declares 8,388,608 bytes: the archive would expand to more "
                                f"than 2 MiB (compression bomb?); not read")


@pytest.mark.parametrize("limit, value, message", [
    ("MAX_TOTAL_BYTES", 50_000, "MiB of captures, over the 0 MiB limit"),
    ("MAX_FILES", 5, "more than 5 files to read"),
    ("MAX_ENTRIES", 5, "archive holds more than 5 entries"),
])
@pytest.mark.parametrize("kind", ["tgz", "zip"])
def test_archive_over_the_limits(tmp_path, monkeypatch, limit, value, message, kind):
    path = (_tar(tmp_path / "dump.tgz", _members()) if kind == "tgz"
            else _zip(tmp_path / "dump.zip", _members()))
    monkeypatch.setattr(limits, limit, value)
    with pytest.raises(LimitError, match=message) as error:
        sources.load(path)
    assert str(error.value).startswith(str(path))


def test_truncated_archive(tmp_path):
    archive = _tar(tmp_path / "dump.tar.gz", _members())
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[:5000])
    with pytest.raises(SourceError) as error:
        sources.load(cut)
    assert str(error.value).startswith(f"{cut}: damaged or unreadable archive: ")


@pytest.mark.parametrize("name, data", [
    ("dump.zip", b"PK\x03\x04 this is not a zip"),
    ("dump.tgz", b"ip addr\n1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536\n"),
    ("dump.tar.gz", b"\x1f\x8b\x08\x00 garbage"),
    ("dump.tar.xz", b"\xfd7zXZ\x00 garbage"),
    ("dump.tar", b""),
])
def test_damaged_archives(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(SourceError) as error:
        sources.load(path)
    assert str(error.value).startswith(f"{path}: damaged or unreadable archive")
    assert not isinstance(error.value, LimitError)


def test_zstd_is_refused_clearly(tmp_path):
    path = tmp_path / "sosreport.tar.zst"
    path.write_bytes(b"\x28\xb5\x2f\xfd" + bytes(20))
    with pytest.raises(SourceError, match="zstd-compressed archives are not supported"):
        sources.load(path)


def test_archive_inside_a_folder_is_not_opened(tmp_path):
    folder = tmp_path / "upload"
    folder.mkdir()
    _tar(folder / "dump.tgz", _members())
    _zip(folder / "other.dat", _members())
    (folder / "ip_addr.txt").write_bytes((DUMP / "ip_addr.txt").read_bytes())
    found = sources.load(folder)
    assert [os.path.basename(i.path) for i in found.items] == ["ip_addr.txt"]
    assert sorted((os.path.basename(i.path), i.reason) for i in found.ignored) == [
        ("dump.tgz", "archive inside the folder: not opened (send it on its own)"),
        ("other.dat", "archive inside the folder: not opened (send it on its own)")]
