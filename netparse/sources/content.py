"""One file's content: its captures (one, or one per command of a transcript), or why none."""

from __future__ import annotations

import re

from netparse import rawtext
from netparse.errors import ParseError
from netparse.sources import transcript
from netparse.sources.formats import archive_format
from netparse.sources.commands import proc_sys_key
from netparse.sources.items import Ignored, Item, SourceSet


def examine(result: SourceSet, path: str, data: bytes, kind: str | None, command: str | None,
             container: str | None, *, sos: bool, taken_at: str | None = None) -> None:
    """Add the file's captures (one, or one per command of a transcript) or say why none."""
    if not data or data.isspace():  # not data.strip(): no copy of a large file
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
            _add_transcript(result, path, found, container, text)
            return
    if kind is None and command is None:
        from netparse.kinds.detect import closest, scores

        found = scores(rawtext.prepare(text))
        if not found or max(found.values()) < 50:
            # Too far from every kind: set aside, never parsed as the closest one.
            first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
            result.ignored.append(Ignored(path, f"not the output of a command netparse reads "
                                                f"(starts with {first[:60]!r}){closest(found)}"))
            return
    if kind in (None, "route_n") and _maybe_tables(text):
        lines = text.split("\n")
        starts = _tables_again(lines)
        if starts:
            for a, b in zip(starts, [*starts[1:], len(lines)]):
                part = "\n".join(lines[a:b]) + ("\n" if b < len(lines) else "")
                result.items.append(Item(path, part.encode("utf-8"), kind, command, container,
                                         a + 1, taken_at=taken_at))
            return
    result.items.append(Item(path, data, kind, command, container, taken_at=taken_at))


# A routing table's banner, or its header when no banner is above it; group 1 or 2 tells the
# family (IPv4 tables have a Genmask column).
_TABLE_START = re.compile(r"[ \t]*(?:Kernel (IP|IPv6) routing table|Destination[ \t]+"
                          r"(?:Gateway|Next Hop)[ \t]+(Genmask)?)")


def _maybe_tables(text: str) -> bool:
    """Two banners or headers of a routing table may be in `text` (a quick look first: most
    captures hold no such line)."""
    return text.count("routing table") + text.count("Destination ") >= 2


def _tables_again(lines: list[str]) -> list[int]:
    """Where each table starts (0-based; the first part from line 0) when one capture holds the
    same routing table more than once (`route -n` before and after, pasted as one): each is a
    capture of its own, in the order of the file, so the last is the state and the others
    earlier states. [] when it holds one table (or one of each family, which `route_n` reads)."""
    starts: list[tuple[int, str]] = []
    banner = None  # the family of the banner just above, if the last line was one
    for i, line in enumerate(lines):
        found = _TABLE_START.match(line)
        if found is None:
            banner = None if line.strip() else banner
            continue
        if found.group(1):
            family = found.group(1)
        else:
            family = "IP" if found.group(2) else "IPv6"
            if banner == family:
                banner = None
                continue  # the header under its banner
        banner = family if found.group(1) else None
        starts.append((i, family))
    families = [family for _, family in starts]
    if len(set(families)) == len(families):
        return []
    return [0, *(i for i, _ in starts[1:])]


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
                    container: str | None, text: str) -> None:
    ignored: list[tuple[int, Ignored]] = []
    lead = _leading_capture(found, text)
    for segment in found.segments:
        command = segment.command
        at = f"{path}:{segment.line}"
        where = segment.container or container
        if command.capture and segment.output and _placeholder(where):
            ignored.append((segment.line, Ignored(
                at, f"`{segment.text}`: taken inside a container named only by a placeholder "
                    f"({where}): which one is not known")))
        elif command.capture:
            if segment.output:
                data = ("\n".join(segment.output) + "\n").encode("utf-8")
                kind = command.kind or _choose(command.choices, segment.output)
                key = proc_sys_key(command.line)
                values = [line for line in segment.output if line.strip()]
                if key is not None and len(values) == 1 == len(segment.output):
                    # The file holds the value alone: the line `sysctl KEY` would print.
                    data = f"{key} = {values[0].strip()}\n".encode("utf-8")
                starts = _tables_again(segment.output) if kind == "route_n" else []
                for a, b in zip(starts, [*starts[1:], len(segment.output)]):
                    part = ("\n".join(segment.output[a:b]) + "\n").encode("utf-8")
                    result.items.append(Item(path, part, kind, command.line, where,
                                             segment.first_line + a, command.filtered,
                                             segment.host))
                if not starts:
                    result.items.append(Item(path, data, kind, command.line, where,
                                             segment.first_line, command.filtered, segment.host))
            elif segment.style == "prompt":
                ignored.append((segment.line, Ignored(at, f"`{segment.text}`: no output")))
        elif command.reason != "no command":  # a comment typed at the prompt
            ignored.append((segment.line, Ignored(at, f"`{segment.text}`: {command.reason}")))
    if lead is not None:
        start, data, kind = lead
        result.items.append(Item(path, data, kind, None, container, start))
    for line, count in found.stray:
        if lead is not None and line == lead[0]:
            continue
        what = "line" if count == 1 else f"{count} lines"
        ignored.append((line, Ignored(f"{path}:{line}", f"{what} outside any command's output")))
    result.ignored.extend(i for _, i in sorted(ignored, key=lambda pair: pair[0]))


def _leading_capture(found: transcript.Transcript, text: str) -> tuple[int, bytes, str] | None:
    """The text above the first command line, when a kind reads it well (a `NetworkSettings`
    fragment pasted above `# brctl show`): (its first line, its text, the kind). No command
    line tells its kind, so the content does, as for a file of one capture."""
    if not found.stray or not found.segments or found.stray[0][0] > found.segments[0].line:
        return None
    start, count = found.stray[0]
    lines = transcript.clean_lines(text)[start - 1:start - 1 + count]
    from netparse.kinds.detect import scores

    block = "\n".join(lines) + "\n"
    try:
        found_kinds = scores(rawtext.prepare(block))
    except ParseError:
        return None
    best = max(found_kinds, key=found_kinds.get, default=None)
    if best is None or found_kinds[best] < 50:
        return None
    return start, block.encode("utf-8"), best


def _placeholder(container: str | None) -> bool:
    """`[container ID]`, `<container>`: a name left for the reader to fill in."""
    return bool(container) and container[0] in "[<" and container[-1] in "]>"


def _choose(choices: tuple[str, ...], output: list[str]) -> str | None:
    """Of the kinds a command line allows (`docker inspect NAME`: a container or a network),
    the one its output scores best for; the first when none scores (a view through grep)."""
    if not choices:
        return None
    from netparse.kinds.detect import scores

    found = scores(rawtext.prepare("\n".join(output)))
    return max(choices, key=lambda kind: (found.get(kind, 0), -choices.index(kind)))
