"""Zip archives with a member name flagged as UTF-8 that is not.

zipfile decodes such a name strictly and refuses the whole archive. Here the archive is read
through a view with that flag cleared (in the central directory and in the member's own
header), so zipfile decodes the name as cp437, which any bytes are; `name` gives it back as
the bytes it was, for `netparse.sources.names.shown` to escape.
"""

from __future__ import annotations

import bisect
import io
import struct
import zipfile
from typing import BinaryIO

_END = struct.Struct("<4s4H2LH")         # end of central directory record
_ENTRY = struct.Struct("<4s6H3L5H2L")   # central directory entry
_UTF8 = 0x800                           # general purpose flag: the name is UTF-8
_FLAGS_IN_ENTRY, _FLAGS_IN_HEADER = 8, 6


def open_zip(raw: BinaryIO) -> tuple[zipfile.ZipFile, set[int]]:
    """The archive, and the indexes of the members whose name was flagged UTF-8 but is not."""
    try:
        return zipfile.ZipFile(raw), set()
    except UnicodeDecodeError:
        raw.seek(0)
        patches, misflagged = _misflagged(raw)
        if not misflagged:
            raise
        return zipfile.ZipFile(_Patched(raw, patches)), misflagged


def name(info: zipfile.ZipInfo, misflagged: bool) -> str:
    """The member's name; one that was not UTF-8 keeps its bytes as surrogates."""
    if misflagged:
        return info.filename.encode("cp437").decode("utf-8", "surrogateescape")
    return info.filename


def _misflagged(raw: BinaryIO) -> tuple[dict[int, int], set[int]]:
    """({offset: byte} clearing the flag, indexes of those members). Zip64 is not looked at."""
    size = raw.seek(0, io.SEEK_END)
    tail_at = max(0, size - 65536 - _END.size)
    raw.seek(tail_at)
    tail = raw.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + _END.size > len(tail):
        return {}, set()
    cd_size, cd_offset = _END.unpack_from(tail, at)[5:7]
    start = tail_at + at - cd_size
    shift = start - cd_offset  # bytes before the archive (a self-extractor's)
    raw.seek(start)
    directory = raw.read(cd_size)
    patches: dict[int, int] = {}
    misflagged: set[int] = set()
    pos = index = 0
    while pos + _ENTRY.size <= len(directory):
        fields = _ENTRY.unpack_from(directory, pos)
        flags, name_len, extra_len, comment_len, header = (fields[3], *fields[10:13], fields[16])
        raw_name = directory[pos + _ENTRY.size:pos + _ENTRY.size + name_len]
        if flags & _UTF8 and not _is_utf8(raw_name):
            misflagged.add(index)
            _clear(patches, start + pos + _FLAGS_IN_ENTRY, flags)
            raw.seek(header + shift + _FLAGS_IN_HEADER)
            own = raw.read(2)
            if len(own) == 2:
                _clear(patches, header + shift + _FLAGS_IN_HEADER, int.from_bytes(own, "little"))
        pos += _ENTRY.size + name_len + extra_len + comment_len
        index += 1
    return patches, misflagged


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _clear(patches: dict[int, int], offset: int, flags: int) -> None:
    patches[offset], patches[offset + 1] = (flags & ~_UTF8).to_bytes(2, "little")


class _Patched(io.RawIOBase):
    """`raw` with some bytes replaced."""

    def __init__(self, raw: BinaryIO, patches: dict[int, int]):
        self.raw, self.patches, self.offsets = raw, patches, sorted(patches)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()

    def readinto(self, buffer) -> int:
        at = self.raw.tell()
        data = self.raw.read(len(buffer))
        buffer[:len(data)] = data
        first = bisect.bisect_left(self.offsets, at)
        for offset in self.offsets[first:bisect.bisect_left(self.offsets, at + len(data))]:
            buffer[offset - at] = self.patches[offset]
        return len(data)
