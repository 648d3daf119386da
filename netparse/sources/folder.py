"""Walk a folder into entries, without following links, and read the files the layout wants."""

from __future__ import annotations

import os
import stat

from netparse.errors import LimitError
from netparse.sources import limits
from netparse.sources.formats import Entry
from netparse.sources.limits import read_bounded
from netparse.sources.items import SourceSet
from netparse.sources.layout import tree
from netparse.sources.names import hidden, shown


def read_folder(root: str) -> SourceSet:
    entries: list[Entry] = []
    pending = [""]
    while pending:
        rel = pending.pop()
        try:
            with os.scandir(os.path.join(root, rel) if rel else root) as listing:
                found = sorted(listing, key=lambda d: d.name)
        except OSError as exc:
            entries.append(Entry(shown(rel), "unreadable", note=exc.strerror or str(exc)))
            continue
        for dirent in found:
            name = f"{rel}/{dirent.name}" if rel else dirent.name
            show = shown(name)  # the name as printed; `name` opens the file
            try:
                mode = dirent.stat(follow_symlinks=False)
            except OSError as exc:
                entries.append(Entry(show, "unreadable", note=exc.strerror or str(exc)))
                continue
            if stat.S_ISLNK(mode.st_mode):
                entries.append(Entry(show, "symlink", target=shown(_readlink(dirent.path))))
            elif stat.S_ISDIR(mode.st_mode):
                entries.append(Entry(show, "dir"))
                if not hidden(dirent.name):
                    pending.append(name)
            elif stat.S_ISREG(mode.st_mode):
                entries.append(Entry(show, "file", mode.st_size, name))
            elif stat.S_ISCHR(mode.st_mode) or stat.S_ISBLK(mode.st_mode):
                entries.append(Entry(show, "device"))
            elif stat.S_ISFIFO(mode.st_mode):
                entries.append(Entry(show, "fifo"))
            else:
                entries.append(Entry(show, "socket" if stat.S_ISSOCK(mode.st_mode) else "other"))
            if len(entries) > limits.MAX_ENTRIES:
                raise LimitError(root, f"folder holds more than {limits.MAX_ENTRIES} entries; "
                                 f"not read")
    prefix = "" if os.path.normpath(root) == "." else shown(root.rstrip("/" + os.sep)) + "/"
    return tree(shown(root), entries, lambda name: prefix + name,
                 lambda wanted: _read_files(root, wanted), strict_sizes=False)


def _readlink(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def _read_files(root: str, wanted: list[Entry]) -> dict[object, bytes | str]:
    found: dict[object, bytes | str] = {}
    for entry in wanted:
        path = os.path.join(root, *entry.key.split("/"))
        try:
            # Not blocking: a file swapped for a named pipe since the walk would wait for ever.
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
            with open(fd, "rb") as handle:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    found[entry.key] = "not a file any more: not read"
                    continue
                found[entry.key] = read_bounded(handle, limits.MAX_FILE_BYTES, shown(path))
        except OSError as exc:
            found[entry.key] = f"cannot be read: {exc.strerror or exc}"
    return found
