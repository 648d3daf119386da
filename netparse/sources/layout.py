"""The layout rules of a dump, the same for a folder, an archive and an upload: which entries
are captures (by path, name and content), which container each was taken in, and why the others
are left out. See README.md beside this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from netparse.errors import LimitError
from netparse.sources import limits
from netparse.sources.formats import Entry
from netparse.sources.content import examine
from netparse.sources.items import Ignored, SourceSet
from netparse.sources.names import hidden, hidden_in, kind_of_name, not_a_capture_by_name
from netparse.sources.sosreport import sos_capture


_DRIVE = re.compile(r"[A-Za-z]:/")
_TYPE_REASONS = {
    "symlink": "symbolic link{target}: not followed",
    "hardlink": "hard link{target}: not followed",
    "device": "device file: not read",
    "fifo": "named pipe: not read",
    "socket": "socket: not read",
    "other": "special file: not read",
}


def tree(origin: str, entries: list[Entry], where: Callable[[str], str],
          read: Callable[[list[Entry]], Mapping[object, bytes | str]], *,
          strict_sizes: bool) -> SourceSet:
    """Apply the layout rules to the entries of a folder, archive or upload, then read them."""
    result = SourceSet(origin)
    safe: list[tuple[Entry, list[str]]] = []
    for entry in entries:
        parts = [p for p in entry.name.split("/") if p not in ("", ".")]
        if entry.name.startswith("/") or _DRIVE.match(entry.name) or ".." in parts:
            result.ignored.append(Ignored(where(entry.name),
                                          "unsafe path (absolute, or with '..'): not read"))
        elif parts:
            safe.append((entry, parts))
    # One order whatever the walk, the archiver or the browser gave: a folder's files, then its
    # subfolders' (so a folder, its archive and its upload give the same report).
    safe.sort(key=lambda pair: (len(pair[1]), pair[1]))
    visible = [(e, parts) for e, parts in safe if not hidden_in(parts)]
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
                hit = sos_capture(parts[strip:])
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
            reason = not_a_capture_by_name(rel[-1])
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
            result.ignored.append(Ignored(
                where(entry.name), f"{limits.size_text(entry.size)}, over the "
                f"{limits.size_text(limits.MAX_FILE_BYTES)} limit for a capture (set by "
                f"{limits.MAX_FILE_VARIABLE}): not read", limit=True, kind=item[1],
                container=item[3]))
    if len(kept) > limits.MAX_FILES:
        raise LimitError(origin, f"more than {limits.MAX_FILES} files to read; not read")
    total = sum(entry.size for entry, *_ in kept)
    if total > limits.MAX_TOTAL_BYTES:
        raise LimitError(origin, f"{total / limits.MiB:.0f} MiB of captures, over the "
                         f"{limits.MAX_TOTAL_BYTES // limits.MiB} MiB limit")
    limits.check_parse_memory(origin, [(entry.size, kind) for entry, kind, *_ in kept])
    manifest = next((entry for entry, parts in visible if parts[strip:] == ["manifest.json"]
                     and entry.type == "file" and entry.size <= _MANIFEST_BYTES), None)
    data = read([entry for entry, *_ in kept] + ([manifest] if manifest and not sos else []))
    times = _times(data.get(manifest.key)) if manifest and not sos else {}
    for entry, kind, command, container in kept:
        content = data.get(entry.key, "cannot be read")
        path = where(entry.name)
        if isinstance(content, str):
            result.ignored.append(Ignored(path, content))
            continue
        examine(result, path, content, kind, command, container, sos=sos,
                taken_at=times.get("/".join(entry.name.split("/")[strip:])))
    return result


_MANIFEST_BYTES = 4 * 1024 * 1024


def _times(data) -> dict[str, str]:
    """When the collector started each file's command, by the file's path in the dump, from its
    `manifest.json` (`{"commands": [{"file": ..., "started_at": ...}]}`); {} when it has none."""
    import json

    try:
        manifest = json.loads(data)
        entries = manifest.get("commands", [])
        return {e["file"]: e["started_at"] for e in entries
                if isinstance(e, dict) and isinstance(e.get("file"), str)
                and isinstance(e.get("started_at"), str)}
    except (TypeError, ValueError, AttributeError, RecursionError):
        return {}  # not the collector's: the captures keep the order of their names


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
    tops: dict[str, bool] = {}   # top hidden path: is a folder
    for entry, parts in safe:
        hidden_at = next((i for i, p in enumerate(parts) if hidden(p)), None) \
            if hidden_in(parts) else None
        if hidden_at is not None:
            top = "/".join(parts[:hidden_at + 1])
            folder = entry.type == "dir" or hidden_at < len(parts) - 1
            tops[top] = tops.get(top, False) or folder
        elif entry.type == "unreadable":
            ignored.append(Ignored(where(entry.name), f"cannot be read: {entry.note}"))
        elif entry.type in _TYPE_REASONS:
            target = f" to {entry.target}" if entry.target else ""
            ignored.append(Ignored(where(entry.name),
                                   _TYPE_REASONS[entry.type].format(target=target)))
    for top, folder in sorted(tops.items()):
        what = "hidden folder" if folder else "hidden file"
        ignored.append(Ignored(where(top), f"{what}: not read"))
    return ignored
