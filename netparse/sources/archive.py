"""Reading .tar (plain, gzip, bzip2, xz) and .zip archives in memory, never extracting to disk.

An archive is read twice: once to list its members (so the layout, a plain dump or a sosreport,
is known before anything is kept), then to read the members that are wanted. Every read is
bounded (see `netparse.sources.limits`): decompression stops with a LimitError as soon as more
bytes come out than allowed. A damaged archive is a SourceError.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable
from typing import BinaryIO

from netparse.errors import LimitError, SourceError
from netparse.sources import limits
from netparse.sources.formats import Entry, archive_format
from netparse.sources.limits import read_bounded
from netparse.sources.names import shown
from netparse.sources.zipnames import name as zip_name, open_zip

__all__ = ["Entry", "archive_format", "list_members", "read_members"]

Opener = Callable[[], BinaryIO]


class _Bounded(io.RawIOBase):
    """A reader that fails once more than `limit` bytes came through."""

    def __init__(self, raw: BinaryIO, limit: int, where: str):
        self.raw, self.limit, self.where, self.count = raw, limit, where, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        self.count += len(data)
        if self.count > self.limit:
            raise LimitError(self.where, f"archive expands to more than "
                             f"{self.limit // limits.MiB} MiB (compression bomb?); not read")
        buffer[:len(data)] = data
        return len(data)


_DAMAGED = (tarfile.TarError, zipfile.BadZipFile, EOFError, zlib.error, lzma.LZMAError,
            OSError, ValueError, NotImplementedError)


def _damaged(where: str, exc: Exception) -> SourceError:
    detail = str(exc) or type(exc).__name__
    return SourceError(where, f"damaged or unreadable archive: {detail}")


def list_members(where: str, fmt: str, opener: Opener) -> list[Entry]:
    """Every member of the archive, without its data."""
    if fmt == "damaged":
        raise SourceError(where, "damaged or unreadable archive: not a tar or zip archive")
    if fmt == "zst":
        raise SourceError(where, "zstd-compressed archives are not supported; "
                          "send a .tar.gz, .tar.xz or .zip")
    try:
        if fmt == "zip":
            return _zip_list(where, opener)
        return _tar_list(where, fmt, opener)
    except SourceError:
        raise
    except _DAMAGED as exc:
        raise _damaged(where, exc) from None


def read_members(where: str, fmt: str, opener: Opener, wanted: list[Entry]) -> dict[object, bytes]:
    """The data of the `wanted` members, by their key."""
    keys = {e.key: e for e in wanted}
    if not keys:
        return {}
    try:
        if fmt == "zip":
            return _zip_read(where, opener, keys)
        return _tar_read(where, fmt, opener, keys)
    except SourceError:
        raise
    except _DAMAGED as exc:
        raise _damaged(where, exc) from None


def _check_count(where: str, count: int) -> None:
    if count > limits.MAX_ENTRIES:
        raise LimitError(where, f"archive holds more than {limits.MAX_ENTRIES} entries; not read")


# ---------------------------------------------------------------------------------------------
# tar


def _tar_stream(where: str, fmt: str, raw: BinaryIO) -> tarfile.TarFile:
    most = None  # bytes the tar can hold: a plain one no more than its own
    if fmt == "gz":
        raw = gzip.GzipFile(fileobj=raw, mode="rb")
    elif fmt == "bz2":
        raw = bz2.BZ2File(raw, mode="rb")
    elif fmt == "xz":
        raw = lzma.LZMAFile(raw, mode="rb")
    else:
        most = _length(raw)
    bounded = io.BufferedReader(_Bounded(raw, limits.MAX_ARCHIVE_BYTES, where))
    return tarfile.open(fileobj=bounded, mode="r|", tarinfo=_checked_headers(where, most))


def _length(raw: BinaryIO) -> int | None:
    try:
        here = raw.tell()
        end = raw.seek(0, io.SEEK_END)
        raw.seek(here)
    except (AttributeError, OSError, io.UnsupportedOperation):
        return None
    return end - here


# Longest data of a header that names or describes the next member (GNU long name, pax):
# real ones are a few hundred bytes, and tarfile reads it into memory whole.
_MAX_HEADER_DATA = limits.MiB
_META_TYPES = (tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK, tarfile.XHDTYPE,
               tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE)


def _checked_headers(where: str, most: int | None) -> type[tarfile.TarInfo]:
    """TarInfo refusing a member whose declared size reaches past what the archive can hold.
    Reading a stream, tarfile skips a member a block at a time for as long as its header says,
    even past the end of the data, where no byte comes for the bound on decompression to count
    (a 30 KB tar declaring 2^80 bytes never ended)."""
    class Checked(tarfile.TarInfo):
        def _proc_member(self, tar):  # tarfile's hook for subclasses
            if self.type in _META_TYPES and self.size > _MAX_HEADER_DATA:
                raise SourceError(f"{where}!{shown(self.name)}", f"damaged or unreadable "
                                  f"archive: a tar header declares {_bytes(self.size)} of names or "
                                  f"attributes")
            member = super()._proc_member(tar)
            _check_declared(where, member, tar.offset, most)
            return member
    return Checked


def _check_declared(where: str, member: tarfile.TarInfo, end: int, most: int | None) -> None:
    """`end`: where the next header would be, past the member's declared data."""
    at = f"{where}!{shown(member.name)}"
    if most is not None and end > most:
        raise SourceError(at, f"damaged or unreadable archive: member declares "
                              f"{_bytes(member.size)}, more than the archive holds")
    if end > limits.MAX_ARCHIVE_BYTES:
        raise LimitError(at, f"archive member declares {_bytes(member.size)}: the archive would "
                             f"expand to more than {limits.MAX_ARCHIVE_BYTES // limits.MiB} MiB "
                             f"(compression bomb?); not read")


def _bytes(size: int) -> str:
    return f"{size:,} bytes"


def _tar_type(info: tarfile.TarInfo) -> str:
    if info.isreg():
        return "file"
    if info.isdir():
        return "dir"
    if info.issym():
        return "symlink"
    if info.islnk():
        return "hardlink"
    if info.ischr() or info.isblk():
        return "device"
    if info.isfifo():
        return "fifo"
    return "other"


def _tar_list(where: str, fmt: str, opener: Opener) -> list[Entry]:
    entries = []
    with opener() as raw, _tar_stream(where, fmt, raw) as tar:
        for index, info in enumerate(tar):
            _check_count(where, index + 1)
            entries.append(Entry(shown(info.name), _tar_type(info), info.size, index,
                                 shown(info.linkname)))
    if not entries:
        raise SourceError(where, "damaged or unreadable archive: no member found")
    return entries


def _tar_read(where: str, fmt: str, opener: Opener, keys: dict) -> dict[object, bytes]:
    found: dict[object, bytes] = {}
    with opener() as raw, _tar_stream(where, fmt, raw) as tar:
        for index, info in enumerate(tar):
            if index in keys and info.isreg():
                name = keys[index].name
                _check_member_size(where, name, info.size)
                handle = tar.extractfile(info)
                found[index] = read_bounded(handle, limits.MAX_FILE_BYTES, f"{where}!{name}",
                                            "archive member")
                if len(found) == len(keys):
                    break
    return found


def _check_member_size(where: str, name: str, size: int) -> None:
    if size > limits.MAX_FILE_BYTES:
        raise LimitError(f"{where}!{name}", f"archive member of {size / limits.MiB:.0f} MiB, over "
                         f"the {limits.MAX_FILE_BYTES // limits.MiB} MiB limit for a capture; "
                         f"archive not read")


# ---------------------------------------------------------------------------------------------
# zip


def _zip_type(info: zipfile.ZipInfo) -> str:
    mode = info.external_attr >> 16
    if info.is_dir():
        return "dir"
    if mode and stat.S_ISLNK(mode):
        return "symlink"
    if mode and (stat.S_ISCHR(mode) or stat.S_ISBLK(mode)):
        return "device"
    if mode and stat.S_ISFIFO(mode):
        return "fifo"
    if mode and stat.S_ISSOCK(mode):
        return "socket"
    return "file"


def _zip_list(where: str, opener: Opener) -> list[Entry]:
    entries = []
    with opener() as raw:
        archive, misflagged = open_zip(raw)
        with archive:
            infos = archive.infolist()
            _check_count(where, len(infos))
            for index, info in enumerate(infos):
                name = shown(zip_name(info, index in misflagged).replace("\\", "/"))
                entry = Entry(name, _zip_type(info), info.file_size, index)
                if info.flag_bits & 0x1:
                    entry.note = "encrypted archive member"
                entries.append(entry)
    return entries


def _zip_read(where: str, opener: Opener, keys: dict) -> dict[object, bytes]:
    found: dict[object, bytes] = {}
    with opener() as raw:
        archive, _ = open_zip(raw)
        with archive:
            infos = archive.infolist()
            for index, entry in keys.items():
                info = infos[index]
                _check_member_size(where, entry.name, info.file_size)
                with archive.open(info) as handle:
                    found[index] = read_bounded(handle, limits.MAX_FILE_BYTES,
                                                f"{where}!{entry.name}", "archive member")
    return found
