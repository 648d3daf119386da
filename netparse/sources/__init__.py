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
- Hosts: captures that name several hosts (prompts, Ansible/pssh blocks, `==> host/file <==`)
  raise `netparse.errors.HostsError` naming each host and its lines, unless `host=` chooses one
  (see `netparse.sources.hosts`).
- sosreport (a tree with `sos_commands/`): the outputs of the commands netparse reads are taken
  from `sos_commands/*/` by their file names (sosreport names them after the command); the rest
  of the report is counted in one `Ignored` line.
"""

from __future__ import annotations

import io
import os
import posixpath
import stat
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from netparse.sources.items import SourceSet

from netparse.errors import LimitError, SourceError
from netparse.sources import limits

# The readers are imported when first used (`from netparse.sources import X` or `sources.X`
# imports the module that holds X): `netparse parse` needs two names of them, not the
# archive, transcript and folder readers, whose imports and patterns cost more than a parse.
_HOMES = {"Entry": "formats", "archive_format": "formats", "list_members": "archive",
          "read_bounded": "limits", "read_members": "archive", "kind_of_command": "commands",
          "check_memory": "limits", "examine": "content", "read_folder": "folder",
          "one_host": "hosts", "Ignored": "items", "Item": "items", "SourceSet": "items",
          "tree": "layout", "CANONICAL_NAMES": "names", "kind_of_name": "names",
          "shown": "names"}


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


__all__ = ["CANONICAL_NAMES", "Ignored", "Item", "SourceSet", "check_memory", "from_files",
           "kind_of_command", "kind_of_name", "load", "stdin_stream", "too_large"]


def load(path: str | os.PathLike, *, stdin: BinaryIO | None = None,
         host: str | None = None) -> SourceSet:
    """The captures in `path`: a folder, an archive, a sosreport, one file, or "-" for stdin.
    Captures of several hosts raise HostsError unless `host` chooses one (`hosts.one_host`)."""
    from netparse.sources.hosts import one_host

    return one_host(_load(path, stdin), host)


def _load(path: str | os.PathLike, stdin: BinaryIO | None) -> SourceSet:
    from netparse.sources.formats import archive_format
    from netparse.sources.limits import read_bounded
    from netparse.sources.folder import read_folder
    from netparse.sources.names import shown

    if os.fspath(path) == "-":
        return _single("<stdin>", "<stdin>", _read_stdin(stdin or stdin_stream()))
    where = os.fspath(path)
    try:
        info = os.stat(where)
    except FileNotFoundError:
        raise SourceError(where, "no such file or folder") from None
    except OSError as exc:
        raise SourceError(where, exc.strerror or str(exc)) from None
    if stat.S_ISDIR(info.st_mode):
        return read_folder(where)
    if not stat.S_ISREG(info.st_mode):
        raise SourceError(where, "not a file or a folder")
    try:
        with open(where, "rb") as handle:
            head = handle.read(512)
    except OSError as exc:
        raise SourceError(where, exc.strerror or str(exc)) from None
    fmt = archive_format(where, head)
    if fmt is not None:
        return _archive(shown(where), fmt, lambda: open(where, "rb"))
    if info.st_size > limits.MAX_FILE_BYTES:
        raise LimitError(where, too_large(f"file of {info.st_size / limits.MiB:.0f} MiB"))
    with open(where, "rb") as handle:
        data = read_bounded(handle, limits.MAX_FILE_BYTES, where)
    return _single(shown(where), shown(where), data)


def stdin_stream() -> BinaryIO:
    """Standard input, or a SourceError when the command was given none (`<&-`)."""
    if sys.stdin is None:
        raise SourceError("<stdin>", "standard input is closed")
    return sys.stdin.buffer


def too_large(what: str) -> str:
    """Why a single capture is refused for its size, and how to raise the limit."""
    return (f"{what} is too large to be a capture (limit {limits.MAX_FILE_BYTES / limits.MiB:g} "
            f"MiB, set by {limits.MAX_FILE_VARIABLE}); not read")


def _read_stdin(stream: BinaryIO) -> bytes:
    """Standard input, up to the size of one capture unless it is an archive (which may hold
    up to MAX_TOTAL_BYTES of captures): a larger text is refused once that much was read."""
    from netparse.sources.formats import archive_format

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


def from_files(files: Mapping[str, bytes], origin: str = "upload", *,
               host: str | None = None) -> SourceSet:
    """The captures in uploaded files, keyed by relative path with `/`; the rules of a folder.
    A single archive is opened like `load` opens one; `host` as for `load`."""
    from netparse.sources.hosts import one_host

    return one_host(_from_files(files, origin), host)


def _from_files(files: Mapping[str, bytes], origin: str) -> SourceSet:
    from netparse.sources.formats import Entry, archive_format
    from netparse.sources.layout import tree

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
    return tree(origin, entries, lambda name: name, lambda wanted: {e.key: files[e.key]
                                                                     for e in wanted},
                 strict_sizes=False)


# ---------------------------------------------------------------------------------------------
# Layouts


def _single(origin: str, where: str, data: bytes) -> SourceSet:
    from netparse.sources.formats import archive_format
    from netparse.sources.content import examine
    from netparse.sources.items import SourceSet
    from netparse.sources.limits import check_memory
    from netparse.sources.names import kind_of_name

    fmt = archive_format(where, data[:512])
    if fmt is not None and where == "<stdin>":
        return _archive(where, fmt, lambda: io.BytesIO(data))
    result = SourceSet(origin)
    kind, command = kind_of_name(posixpath.basename(where.replace(os.sep, "/")))
    check_memory(where, data, kind)
    examine(result, where, data, kind, command, None, sos=False)
    return result


def _archive(where: str, fmt: str, opener: Callable[[], BinaryIO]) -> SourceSet:
    from netparse.sources.archive import list_members, read_members
    from netparse.sources.layout import tree

    members = list_members(where, fmt, opener)
    for entry in members:
        if entry.note:
            entry.type = "unreadable"
    return tree(where, members, lambda name: f"{where}!{name}",
                 lambda wanted: read_members(where, fmt, opener, wanted), strict_sizes=True)
