"""What a file's name says: the kind of capture it holds, or that it holds none."""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache

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


@lru_cache(maxsize=1024)  # a dump holds the same few names thousands of times
def kind_of_name(name: str) -> tuple[str | None, str | None]:
    """(kind, command) told by a file name: a canonical name, or a command with `_` for spaces,
    either with a word of time before or after it (`ip_addr_before.txt`, `2-route_n.txt`)."""
    stem, suffix = posixpath.splitext(name)
    if suffix.lower() not in CAPTURE_SUFFIXES:
        return None, None
    for part in dict.fromkeys((stem, _without_moment(stem))):
        if part.lower() in CANONICAL_NAMES:
            return CANONICAL_NAMES[part.lower()]
        command = identify(unmangle_sos_name(part))
        if command.kind is not None and not command.filtered:
            return command.kind, None
    return None, None


# Words of a file name that say when it was taken, earliest first: before < (none) < after.
_EARLY = "before|old|orig|original|pre|prev|previous|earlier|first|initial"
_LATE = "after|new|post|now|current|later|fixed|final|last|second"
_MOMENT = re.compile(rf"(?:^(?P<head>{_EARLY}|{_LATE}|\d{{1,3}})[_.-]+)?(?P<stem>.+?)"
                     rf"(?:[_.-]+(?P<tail>{_EARLY}|{_LATE}|\d{{1,3}}))?$", re.I)


def _without_moment(stem: str) -> str:
    m = _MOMENT.fullmatch(stem)
    return m.group("stem") if m else stem


def moment_in_name(path: str) -> tuple[int, int]:
    """Where a file's name places it in time among captures of one command: (0, 0) for
    `before`/`old`/..., (2, 0) for `after`/`new`/..., (1, N) for a number (`ip_addr_2.txt`,
    `2-ip_addr.txt`, `ip_addr.txt.2`), (1, 0) when it says nothing of it."""
    name = re.split(r"[/!]", path)[-1]
    stem, suffix = posixpath.splitext(name)
    if suffix.lower() not in CAPTURE_SUFFIXES:
        stem = name  # ip_addr.txt.old, ip_addr.txt.2
    else:
        stem = stem.lower()
    m = _MOMENT.fullmatch(stem)
    word = (m.group("head") or m.group("tail") or "").lower() if m else ""
    if re.fullmatch(_EARLY, word):
        return 0, 0
    if re.fullmatch(_LATE, word):
        return 2, 0
    if word.isdigit():
        return 1, int(word)
    return 1, 0


@lru_cache(maxsize=1024)
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


def hidden_in(parts: list[str]) -> bool:
    """Whether any of a path's parts (none holding `/`) is `hidden`: one scan of the path
    instead of a call per part, for the tens of thousands of files of a large dump."""
    return "/." in "/" + "/".join(parts) or "__MACOSX" in parts


def shown(name: str) -> str:
    """A name that can be printed and written as JSON: the bytes of a name that is not UTF-8
    (which Python keeps as lone surrogates) as `\\xNN`."""
    if name.isascii():
        return name  # no surrogate in it
    try:
        data = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that no undecodable byte gave
        data = name.encode("utf-8", "backslashreplace")
    return data.decode("utf-8", "backslashreplace")
