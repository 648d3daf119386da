"""What the first bytes of a file say it is (an archive, and which), and the entries of a
folder or archive: kept apart from the archive readers, whose compression modules a folder of
plain captures never needs."""

from __future__ import annotations

from dataclasses import dataclass

ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz",
                    ".zip", ".tar.zst", ".tzst")


@dataclass
class Entry:
    """A file, folder, link or special file of a folder or archive."""

    name: str                  # as stored, for messages
    type: str                  # file, dir, symlink, hardlink, device, fifo, socket, other
    size: int = 0
    key: object = None         # how the reader finds it again
    target: str = ""           # where a link points
    note: str = ""             # why it cannot be read (encrypted zip member, ...)


def archive_format(name: str, head: bytes) -> str | None:
    """"zip", "tar", "gz", "bz2", "xz", "zst" from the first bytes; "damaged" for a file named like
    an archive whose bytes are not one; None for anything else."""
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    if head[:2] == b"\x1f\x8b":
        return "gz"
    if head[:3] == b"BZh":
        return "bz2"
    if head[:6] == b"\xfd7zXZ\x00":
        return "xz"
    if head[:4] == b"\x28\xb5\x2f\xfd":
        return "zst"
    if head[257:262] == b"ustar":
        return "tar"
    if name.lower().endswith(ARCHIVE_SUFFIXES):
        return "tar" if name.lower().endswith(".tar") and len(head) >= 512 else "damaged"
    return None
