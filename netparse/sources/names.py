"""What a file's name says: the kind of capture it holds, or that it holds none."""

from __future__ import annotations

import posixpath
import re

from netparse.kinds import KINDS
from netparse.sources.commands import identify, unmangle_sos_name

#: File names (without extension) that say which command a file holds: each kind's own name,
#: the file the collector writes it to, and the other names its registry entry declares.
CANONICAL_NAMES: dict[str, tuple[str, str | None]] = {
    stem: (kind.name, command) for kind in KINDS.values() for stem, command in kind.files.items()}
CAPTURE_SUFFIXES = ("", ".txt", ".json", ".out", ".log")

# Names that are never captures.
NOT_CAPTURES = re.compile(r"(readme|license|licence|copying|changelog)(\..*)?|manifest\.json|"
                           r".*\.(sh|bash|py|pyc|pl|rb|ps1|bat|exe|dll|so|png|jpe?g|gif|svg|pdf|"
                           r"pcap|pcapng|html?|css|js|ya?ml|toml|ini|conf|cfg|xml|docx?|xlsx?|odt)",
                           re.I)


def kind_of_name(name: str) -> tuple[str | None, str | None]:
    """(kind, command) told by a file name: a canonical name, or a command with `_` for spaces."""
    stem, suffix = posixpath.splitext(name)
    if suffix.lower() not in CAPTURE_SUFFIXES:
        return None, None
    if stem.lower() in CANONICAL_NAMES:
        return CANONICAL_NAMES[stem.lower()]
    command = identify(unmangle_sos_name(stem))
    if command.kind is not None and not command.filtered:
        return command.kind, None
    return None, None


def not_a_capture_by_name(name: str) -> str | None:
    if NOT_CAPTURES.fullmatch(name):
        return "not a capture (by its name)"
    if name.lower().endswith(ARCHIVE_NAMES):
        return "archive inside the folder: not opened (send it on its own)"
    return None


ARCHIVE_NAMES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".zip",
                  ".gz", ".xz", ".bz2", ".zst", ".7z", ".rar")


def hidden(part: str) -> bool:
    return part.startswith(".") or part == "__MACOSX"


def shown(name: str) -> str:
    """A name that can be printed and written as JSON: the bytes of a name that is not UTF-8
    (which Python keeps as lone surrogates) as `\\xNN`."""
    try:
        data = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that no undecodable byte gave
        data = name.encode("utf-8", "backslashreplace")
    return data.decode("utf-8", "backslashreplace")
