"""Sources: find the captures in whatever a customer sent, and say which command each one is.

    >>> from netparse import sources
    >>> found = sources.load("dump.tar.gz")
    >>> [(item.path, item.kind, item.container) for item in found.items]
    >>> [(i.path, i.reason) for i in found.ignored]

`load` takes a folder, a .tar/.tar.gz/.tgz/.tar.bz2/.tar.xz/.zip archive of one, a sosreport
(folder or archive), a single file (one capture, or a terminal transcript holding several) or
`-` for standard input. `from_files` takes uploaded files by relative path. Both return a
`SourceSet`: the raw captures (`Item`, not parsed; `netparse.parsers.parse` does that) and what
was left out (`Ignored`, each with its reason). A file that cannot be a capture is never fatal;
a path that does not exist or a damaged archive raises `netparse.errors.SourceError`, one over
the limits (`netparse.sources.limits`) its subclass `LimitError`.

The rules, by input (see README.md beside this module for the details):

- Folder: a file's kind comes from its name when it is a canonical one (`CANONICAL_NAMES`, e.g.
  `ip_addr.txt`, `docker_inspect.json`) or a command with `_` for spaces (`ip_-d_address`);
  otherwise it is left to detection by content. `containers/<name or id>/<file>` holds captures
  taken inside that container's network namespace (`Item.container`). Hidden files and folders,
  symbolic links, empty and binary files, README/manifest/scripts are ignored with a reason. A
  folder or archive whose only entry is one folder is read as that folder.
- Archive: the same rules, read in memory; members with an absolute path or `..`, links and
  devices are ignored with a reason.
- Transcript: any file (or standard input) holding prompt lines followed by outputs is split
  into one item per command (see `netparse.sources.transcript`).
- sosreport (a tree with `sos_commands/`): the outputs of the commands netparse reads are taken
  from `sos_commands/*/` by their file names (sosreport names them after the command); the rest
  of the report is counted in one `Ignored` line.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import stat
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO

from netparse import rawtext
from netparse.errors import LimitError, ParseError, SourceError
from netparse.sources import limits, transcript
from netparse.sources.archive import Entry, archive_format, list_members, read_bounded, read_members
from netparse.sources.commands import identify, kind_of_command, unmangle_sos_name

__all__ = ["CANONICAL_NAMES", "Ignored", "Item", "SourceSet", "from_files", "kind_of_command",
           "load"]


@dataclass(frozen=True)
class Item:
    """One capture: the raw output of one command."""

    path: str              # where it came from: "dump/ip_addr.txt", "dump.tgz!dump/ip_addr.txt"
    data: bytes            # the raw output, not decoded (netparse.parsers.prepare decodes)
    kind: str | None       # the kind when the name or the command line tells it, else None
    command: str | None    # the command line when known (transcript, sosreport file name)
    container: str | None  # container (name, ID, "pid:N", "netns:X") whose namespace it was
    #                        taken in; None for the host
    first_line: int = 1    # line of the original file where `data` starts (transcripts)
    filtered: bool = False  # piped through grep/head/...: some lines may be missing


@dataclass
class Ignored:
    """Something left out, and why. `path` may end in `:LINE` for a part of a transcript."""

    path: str
    reason: str


@dataclass
class SourceSet:
    origin: str
    items: list[Item] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)


#: File names (without extension) that say which command a file holds.
CANONICAL_NAMES: dict[str, tuple[str, str | None]] = {
    "brctl_show": ("brctl_show", None),
    "route_n": ("route_n", None),
    "ip_addr": ("ip_addr", None),
    "ip_route": ("ip_route", None),
    "ip_link": ("ip_link", None),
    "bridge_fdb": ("bridge_fdb", None),
    "bridge_link": ("bridge_link", None),
    "docker_ps": ("docker_ps", None),
    "docker_ps_a": ("docker_ps", "docker ps -a"),
    "docker_inspect": ("docker_inspect", None),
    "docker_network_ls": ("docker_network_ls", None),
    "docker_network_inspect": ("docker_network_inspect", None),
    "sysctl": ("sysctl", None),
}
_CAPTURE_SUFFIXES = ("", ".txt", ".json", ".out", ".log")

# Names that are never captures.
_NOT_CAPTURES = re.compile(r"(readme|license|licence|copying|changelog)(\..*)?|manifest\.json|"
                           r".*\.(sh|bash|py|pyc|pl|rb|ps1|bat|exe|dll|so|png|jpe?g|gif|svg|pdf|"
                           r"pcap|pcapng|html?|css|js|ya?ml|toml|ini|conf|cfg|xml|docx?|xlsx?|odt)",
                           re.I)
_SOS_SKIPPED = ("images", "volumes")   # docker inspect of images and volumes in a sosreport


def kind_of_name(name: str) -> tuple[str | None, str | None]:
    """(kind, command) told by a file name: a canonical name, or a command with `_` for spaces."""
    stem, suffix = posixpath.splitext(name)
    if suffix.lower() not in _CAPTURE_SUFFIXES:
        return None, None
    if stem.lower() in CANONICAL_NAMES:
        return CANONICAL_NAMES[stem.lower()]
    command = identify(unmangle_sos_name(stem))
    if command.kind is not None and not command.filtered:
        return command.kind, None
    return None, None


# ---------------------------------------------------------------------------------------------
# Entry points


def load(path: str | os.PathLike, *, stdin: BinaryIO | None = None) -> SourceSet:
    """The captures in `path`: a folder, an archive, a sosreport, one file, or "-" for stdin."""
    if os.fspath(path) == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        return _single("<stdin>", "<stdin>", _read_stdin(stream))
    where = os.fspath(path)
    try:
        info = os.stat(where)
    except FileNotFoundError:
        raise SourceError(where, "no such file or folder") from None
    except OSError as exc:
        raise SourceError(where, exc.strerror or str(exc)) from None
    if stat.S_ISDIR(info.st_mode):
        return _folder(where)
    if not stat.S_ISREG(info.st_mode):
        raise SourceError(where, "not a file or a folder")
    try:
        with open(where, "rb") as handle:
            head = handle.read(512)
    except OSError as exc:
        raise SourceError(where, exc.strerror or str(exc)) from None
    fmt = archive_format(where, head)
    if fmt is not None:
        return _archive(where, fmt, lambda: open(where, "rb"))
    if info.st_size > limits.MAX_FILE_BYTES:
        raise LimitError(where, too_large(f"file of {info.st_size / limits.MiB:.0f} MiB"))
    with open(where, "rb") as handle:
        data = read_bounded(handle, limits.MAX_FILE_BYTES, where)
    return _single(where, where, data)


def too_large(what: str) -> str:
    """Why a single capture is refused for its size, and how to raise the limit."""
    return (f"{what} is too large to be a capture (limit {limits.MAX_FILE_BYTES / limits.MiB:g} "
            f"MiB, set by {limits.MAX_FILE_VARIABLE}); not read")


def _read_stdin(stream: BinaryIO) -> bytes:
    """Standard input, up to the size of one capture unless it is an archive (which may hold
    up to MAX_TOTAL_BYTES of captures): a larger text is refused once that much was read."""
    data = stream.read(limits.MAX_FILE_BYTES + 1)
    if len(data) <= limits.MAX_FILE_BYTES:
        return data
    if archive_format("<stdin>", data[:512]) in (None, "damaged"):
        raise LimitError("<stdin>", too_large(f"standard input of more than "
                                               f"{limits.MAX_FILE_BYTES / limits.MiB:g} MiB"))
    rest = stream.read(limits.MAX_TOTAL_BYTES - len(data) + 1)
    if len(data) + len(rest) > limits.MAX_TOTAL_BYTES:
        raise LimitError("<stdin>", f"standard input is larger than "
                                    f"{limits.MAX_TOTAL_BYTES // limits.MiB} MiB; not read")
    return data + rest


def from_files(files: Mapping[str, bytes], origin: str = "upload") -> SourceSet:
    """The captures in uploaded files, keyed by relative path with `/`; the rules of a folder.
    A single archive is opened like `load` opens one."""
    if len(files) == 1:
        (name, data), = files.items()
        fmt = archive_format(name, data[:512])
        if fmt is not None:
            return _archive(name, fmt, lambda: io.BytesIO(data))
    total = sum(len(d) for d in files.values())
    if total > limits.MAX_TOTAL_BYTES:
        raise LimitError(origin, f"upload of {total / limits.MiB:.0f} MiB is over the "
                         f"{limits.MAX_TOTAL_BYTES // limits.MiB} MiB limit")
    entries = [Entry(name.replace("\\", "/"), "file", len(data), name)
               for name, data in files.items()]
    return _tree(origin, entries, lambda name: name, lambda wanted: {e.key: files[e.key]
                                                                     for e in wanted},
                 strict_sizes=False)


# ---------------------------------------------------------------------------------------------
# Layouts


def _single(origin: str, where: str, data: bytes) -> SourceSet:
    fmt = archive_format(where, data[:512])
    if fmt is not None and where == "<stdin>":
        return _archive(where, fmt, lambda: io.BytesIO(data))
    result = SourceSet(origin)
    kind, command = kind_of_name(posixpath.basename(where.replace(os.sep, "/")))
    _examine(result, where, data, kind, command, None, sos=False)
    return result


def _archive(where: str, fmt: str, opener: Callable[[], BinaryIO]) -> SourceSet:
    members = list_members(where, fmt, opener)
    for entry in members:
        if entry.note:
            entry.type = "unreadable"
    return _tree(where, members, lambda name: f"{where}!{name}",
                 lambda wanted: read_members(where, fmt, opener, wanted), strict_sizes=True)


def _folder(root: str) -> SourceSet:
    entries: list[Entry] = []
    pending = [""]
    while pending:
        rel = pending.pop()
        try:
            with os.scandir(os.path.join(root, rel) if rel else root) as listing:
                found = sorted(listing, key=lambda d: d.name)
        except OSError as exc:
            entries.append(Entry(rel, "unreadable", note=exc.strerror or str(exc)))
            continue
        for dirent in found:
            name = f"{rel}/{dirent.name}" if rel else dirent.name
            try:
                mode = dirent.stat(follow_symlinks=False)
            except OSError as exc:
                entries.append(Entry(name, "unreadable", note=exc.strerror or str(exc)))
                continue
            if stat.S_ISLNK(mode.st_mode):
                entries.append(Entry(name, "symlink", target=_readlink(dirent.path)))
            elif stat.S_ISDIR(mode.st_mode):
                entries.append(Entry(name, "dir"))
                if not _hidden(dirent.name):
                    pending.append(name)
            elif stat.S_ISREG(mode.st_mode):
                entries.append(Entry(name, "file", mode.st_size, name))
            elif stat.S_ISCHR(mode.st_mode) or stat.S_ISBLK(mode.st_mode):
                entries.append(Entry(name, "device"))
            elif stat.S_ISFIFO(mode.st_mode):
                entries.append(Entry(name, "fifo"))
            else:
                entries.append(Entry(name, "socket" if stat.S_ISSOCK(mode.st_mode) else "other"))
            if len(entries) > limits.MAX_ENTRIES:
                raise LimitError(root, f"folder holds more than {limits.MAX_ENTRIES} entries; "
                                 f"not read")
    prefix = "" if os.path.normpath(root) == "." else root.rstrip("/" + os.sep) + "/"
    return _tree(root, entries, lambda name: prefix + name,
                 lambda wanted: _read_files(root, wanted), strict_sizes=False)


def _readlink(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def _read_files(root: str, wanted: list[Entry]) -> dict[object, bytes | str]:
    found: dict[object, bytes | str] = {}
    for entry in wanted:
        path = os.path.join(root, *entry.name.split("/"))
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with open(fd, "rb") as handle:
                found[entry.key] = read_bounded(handle, limits.MAX_FILE_BYTES, path)
        except OSError as exc:
            found[entry.key] = f"cannot be read: {exc.strerror or exc}"
    return found


def _hidden(part: str) -> bool:
    return part.startswith(".") or part == "__MACOSX"


_TYPE_REASONS = {
    "symlink": "symbolic link{target}: not followed",
    "hardlink": "hard link{target}: not followed",
    "device": "device file: not read",
    "fifo": "named pipe: not read",
    "socket": "socket: not read",
    "other": "special file: not read",
}


def _tree(origin: str, entries: list[Entry], where: Callable[[str], str],
          read: Callable[[list[Entry]], Mapping[object, bytes | str]], *,
          strict_sizes: bool) -> SourceSet:
    """Apply the layout rules to the entries of a folder, archive or upload, then read them."""
    result = SourceSet(origin)
    safe: list[tuple[Entry, list[str]]] = []
    for entry in entries:
        parts = [p for p in entry.name.split("/") if p not in ("", ".")]
        if entry.name.startswith("/") or re.match(r"[A-Za-z]:/", entry.name) or ".." in parts:
            result.ignored.append(Ignored(where(entry.name),
                                          "unsafe path (absolute, or with '..'): not read"))
        elif parts:
            safe.append((entry, parts))
    # One order whatever the walk, the archiver or the browser gave: a folder's files, then its
    # subfolders' (so a folder, its archive and its upload give the same report).
    safe.sort(key=lambda pair: (len(pair[1]), pair[1]))
    visible = [(e, parts) for e, parts in safe if not any(_hidden(p) for p in parts)]
    strip = _top_folders(visible)
    sos = any(parts[strip:][:1] == ["sos_commands"] and e.type == "file" for e, parts in visible)

    wanted: list[tuple[Entry, str | None, str | None, str | None]] = []
    if sos:
        # Everything but the captures is counted, not listed: a sosreport has thousands of files.
        skipped = 0
        shown = {id(entry) for entry, _ in visible}
        for entry, parts in safe:
            hit = None
            if entry.type == "file" and id(entry) in shown:
                hit = _sos_capture(parts[strip:])
            if hit is not None:
                wanted.append((entry, *hit))
            elif entry.type != "dir":
                skipped += 1
        root = "/".join(visible[0][1][:strip]) if strip else ""
        result.ignored.append(Ignored(
            where(root) if root else origin,
            f"sosreport: {skipped} other files are not outputs of commands netparse reads"))
    else:
        result.ignored.extend(_not_visible(safe, where))
        for entry, parts in visible:
            if entry.type != "file":
                continue
            rel = parts[strip:]
            reason = _not_a_capture_by_name(rel[-1])
            if reason:
                result.ignored.append(Ignored(where(entry.name), reason))
                continue
            container = rel[-2] if len(rel) >= 3 and rel[-3] == "containers" else None
            wanted.append((entry, *kind_of_name(rel[-1]), container))

    kept = []
    for item in wanted:
        entry = item[0]
        if entry.size <= limits.MAX_FILE_BYTES:
            kept.append(item)
        elif strict_sizes:
            raise LimitError(where(entry.name), f"archive member of "
                             f"{entry.size / limits.MiB:.0f} MiB, over the "
                             f"{limits.MAX_FILE_BYTES // limits.MiB} MiB limit for a capture; "
                             f"archive not read")
        else:
            result.ignored.append(Ignored(where(entry.name), f"{entry.size / limits.MiB:.0f} "
                                                             f"MiB: too large to be a capture"))
    if len(kept) > limits.MAX_FILES:
        raise LimitError(origin, f"more than {limits.MAX_FILES} files to read; not read")
    total = sum(entry.size for entry, *_ in kept)
    if total > limits.MAX_TOTAL_BYTES:
        raise LimitError(origin, f"{total / limits.MiB:.0f} MiB of captures, over the "
                         f"{limits.MAX_TOTAL_BYTES // limits.MiB} MiB limit")
    data = read([entry for entry, *_ in kept])
    for entry, kind, command, container in kept:
        content = data.get(entry.key, "cannot be read")
        path = where(entry.name)
        if isinstance(content, str):
            result.ignored.append(Ignored(path, content))
            continue
        _examine(result, path, content, kind, command, container, sos=sos)
    return result


def _top_folders(visible: list[tuple[Entry, list[str]]]) -> int:
    """How many leading folders hold everything: a tree holding one folder only is that folder
    ("dump.tgz" holding "dump/..."), unless it is `containers` or `sos_commands`."""
    strip = 0
    files = [parts for entry, parts in visible if entry.type == "file"]
    while files:
        tops = {parts[strip] for _, parts in visible if len(parts) > strip}
        if (len(tops) == 1 and all(len(p) > strip + 1 for p in files)
                and next(iter(tops)) not in ("containers", "sos_commands")):
            strip += 1
        else:
            break
    return strip


def _not_visible(safe: list[tuple[Entry, list[str]]], where: Callable[[str], str]) -> list[Ignored]:
    """Why hidden files, links, devices and unreadable entries are left out."""
    ignored = []
    hidden: dict[str, bool] = {}   # top hidden path: is a folder
    for entry, parts in safe:
        hidden_at = next((i for i, p in enumerate(parts) if _hidden(p)), None)
        if hidden_at is not None:
            top = "/".join(parts[:hidden_at + 1])
            folder = entry.type == "dir" or hidden_at < len(parts) - 1
            hidden[top] = hidden.get(top, False) or folder
        elif entry.type == "unreadable":
            ignored.append(Ignored(where(entry.name), f"cannot be read: {entry.note}"))
        elif entry.type in _TYPE_REASONS:
            target = f" to {entry.target}" if entry.target else ""
            ignored.append(Ignored(where(entry.name),
                                   _TYPE_REASONS[entry.type].format(target=target)))
    for top, folder in sorted(hidden.items()):
        what = "hidden folder" if folder else "hidden file"
        ignored.append(Ignored(where(top), f"{what}: not read"))
    return ignored


def _not_a_capture_by_name(name: str) -> str | None:
    if _NOT_CAPTURES.fullmatch(name):
        return "not a capture (by its name)"
    if name.lower().endswith(_ARCHIVE_NAMES):
        return "archive inside the folder: not opened (send it on its own)"
    return None


_ARCHIVE_NAMES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".zip",
                  ".gz", ".xz", ".bz2", ".zst", ".7z", ".rar")


def _sos_capture(rel: list[str]) -> tuple[str | None, str, str | None] | None:
    """(kind, command, container) of a sosreport file that holds a capture, else None."""
    if len(rel) < 3 or rel[0] != "sos_commands":
        return None
    if len(rel) >= 4 and rel[2] in _SOS_SKIPPED:
        return None
    command_line = unmangle_sos_name(rel[-1])
    if len(rel) >= 5 and rel[2] == "namespaces":
        # The folder keeps the namespace's name whole; in the file name its `_` are ambiguous.
        prefix = f"ip_netns_exec_{rel[3]}_"
        if rel[-1].startswith(prefix):
            command_line = f"ip netns exec {rel[3]} {unmangle_sos_name(rel[-1][len(prefix):])}"
    command = identify(command_line)
    if not command.capture:
        return None
    kind, container = command.kind, command.container
    if kind is None and len(rel) >= 4 and rel[2] == "containers":
        kind = "docker_inspect"
    elif kind is None and len(rel) >= 4 and rel[2] == "networks":
        kind = "docker_network_inspect"
    return kind, command.line, container


# ---------------------------------------------------------------------------------------------
# One file's content


def _examine(result: SourceSet, path: str, data: bytes, kind: str | None, command: str | None,
             container: str | None, *, sos: bool) -> None:
    """Add the file's captures (one, or one per command of a transcript) or say why none."""
    if not data.strip():
        result.ignored.append(Ignored(path, "empty file"))
        return
    if archive_format(path, data[:512]) not in (None, "damaged"):
        result.ignored.append(Ignored(path, "archive inside the folder: not opened "
                                            "(send it on its own)"))
        return
    text = _decode(data)
    if text is None or "\x00" in text:
        result.ignored.append(Ignored(path, "binary data, not text"))
        return
    if not sos:
        found = transcript.split(text)
        if found is not None:
            _add_transcript(result, path, found, container)
            return
    if kind is None and command is None:
        from netparse.parsers import prepare
        from netparse.parsers.detect import scores

        if not scores(prepare(text)):
            first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
            result.ignored.append(Ignored(path, f"not the output of a command netparse reads "
                                                f"(starts with {first[:60]!r})"))
            return
    result.items.append(Item(path, data, kind, command, container))


def _decode(data: bytes) -> str | None:
    """The text of a file, line ends untouched (a lone `\r` in a `script` log is a redraw, not a
    line end); None when it is not text."""
    try:
        text = rawtext.decode(data)
    except ParseError:
        return None
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")  # old Mac line ends
    return text[1:] if text.startswith("\ufeff") else text


def _add_transcript(result: SourceSet, path: str, found: transcript.Transcript,
                    container: str | None) -> None:
    ignored: list[tuple[int, Ignored]] = []
    for segment in found.segments:
        command = segment.command
        at = f"{path}:{segment.line}"
        if command.capture:
            if segment.output:
                data = ("\n".join(segment.output) + "\n").encode("utf-8")
                result.items.append(Item(path, data, command.kind, command.line,
                                         segment.container or container, segment.first_line,
                                         command.filtered))
            elif segment.style == "prompt":
                ignored.append((segment.line, Ignored(at, f"`{segment.text}`: no output")))
        elif command.reason != "no command":  # a comment typed at the prompt
            ignored.append((segment.line, Ignored(at, f"`{segment.text}`: {command.reason}")))
    for line, count in found.stray:
        what = "line" if count == 1 else f"{count} lines"
        ignored.append((line, Ignored(f"{path}:{line}", f"{what} outside any command's output")))
    result.ignored.extend(i for _, i in sorted(ignored, key=lambda pair: pair[0]))
