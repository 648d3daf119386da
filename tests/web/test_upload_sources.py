"""Uploads read from memory (`netparse.sources.from_files`): the rules of a folder, archives
opened from their bytes, and limits raised as LimitError so the server can answer 413."""

import io
import tarfile
import zipfile

import pytest

from netparse import sources
from netparse.errors import LimitError, SourceError
from netparse.sources import limits
from tests.conftest import FIXTURES

DUMP = FIXTURES / "dumps/veth-detached"


def dump_files(prefix="veth-detached/"):
    return {prefix + p.relative_to(DUMP).as_posix(): p.read_bytes()
            for p in sorted(DUMP.rglob("*")) if p.is_file()}


def tar_gz(files, extra=()):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info in extra:
            tar.addfile(info, io.BytesIO(b"x" * info.size) if info.isreg() else None)
    return buf.getvalue()


def test_an_archive_from_bytes_reads_like_the_files_in_it():
    files = dump_files()
    from_archive = sources.from_files({"veth-detached.tar.gz": tar_gz(files)})
    plain = sources.from_files(files)
    assert [(i.kind, i.container, i.data) for i in from_archive.items] \
        == [(i.kind, i.container, i.data) for i in plain.items]
    assert {i.container for i in plain.items} >= {None, "np-a"}
    assert from_archive.items[0].path.startswith("veth-detached.tar.gz!veth-detached/")


def test_an_upload_in_any_order_reads_like_the_folder_and_its_archive():
    files = dump_files()
    folder = sources.load(DUMP)
    shuffled = sources.from_files(dict(reversed(list(files.items()))))
    archived = sources.from_files({"d.tar.gz": tar_gz(dict(reversed(list(files.items()))))})
    expected = [i.path[len(str(DUMP)) + 1:] for i in folder.items]
    assert [i.path.split("/", 1)[1] for i in shuffled.items] == expected
    assert [i.path.split("!", 1)[1].split("/", 1)[1] for i in archived.items] == expected
    assert expected[0] == "brctl_show.txt" and expected[-1] == "containers/np-c/route_n.txt"
    assert [i.path for i in shuffled.ignored] == ["veth-detached/README.md",
                                                  "veth-detached/manifest.json"]


def test_unsafe_archive_members_are_refused_with_a_reason():
    evil = []
    for name, kind in (("../escape.txt", tarfile.REGTYPE), ("/etc/passwd", tarfile.REGTYPE),
                       ("veth-detached/link.txt", tarfile.SYMTYPE)):
        info = tarfile.TarInfo(name)
        info.type = kind
        info.size = 3 if kind == tarfile.REGTYPE else 0
        info.linkname = "/etc/shadow" if kind == tarfile.SYMTYPE else ""
        evil.append(info)
    found = sources.from_files({"d.tar.gz": tar_gz(dump_files(), evil)})
    reasons = {i.path.split("!", 1)[1]: i.reason for i in found.ignored}
    assert "unsafe path" in reasons["../escape.txt"]
    assert "unsafe path" in reasons["/etc/passwd"]
    assert "symbolic link" in reasons["veth-detached/link.txt"]
    read = {i.path.split("!", 1)[1] for i in found.items}
    assert not read & {"../escape.txt", "/etc/passwd", "veth-detached/link.txt"}


def test_a_compression_bomb_stops_with_a_limit_error(monkeypatch):
    monkeypatch.setattr(limits, "MAX_ARCHIVE_BYTES", 4 * limits.MiB)
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 64 * limits.MiB)
    bomb = tar_gz({"dump/ip_addr.txt": b"\n" * (16 * limits.MiB)})
    assert len(bomb) < 64 * 1024
    with pytest.raises(LimitError, match="compression bomb"):
        sources.from_files({"bomb.tar.gz": bomb})


def test_an_archive_member_over_the_file_limit_is_a_limit_error(monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1024)
    with pytest.raises(LimitError, match="archive member"):
        sources.from_files({"d.zip": _zip({"dump/ip_addr.txt": b"x" * 4096})})


def test_a_damaged_archive_is_a_source_error_but_no_limit_error():
    with pytest.raises(SourceError) as err:
        sources.from_files({"d.tar.gz": tar_gz(dump_files())[:200]})
    assert not isinstance(err.value, LimitError)


def _zip(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()
