"""A snapshot: every capture of one dump, parsed, with how each went.

The same command captured twice stays two entries; the topology decides what to make of them.
A capture that fails to parse is kept as a failed entry, so the report is partial, not absent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import Field

from netparse.errors import DetectError, ParseError
from netparse.models.base import Capture, Model, typed

_MAX_LINE_MESSAGES = 20


class SourceStatus(StrEnum):
    PARSED = "parsed"
    PARTIAL = "partial"    # parsed, with lines the parser did not understand
    FAILED = "failed"      # could not be parsed; the report goes on without it
    IGNORED = "ignored"    # not a capture netparse reads


class Source(Model):
    """One capture of the dump and how it went: the report lists them under `sources`."""

    path: str
    kind: str | None = None
    status: SourceStatus
    container: str | None = Field(None, description="Taken inside this container's namespace")
    command: str | None = None
    messages: list[str] = Field(default_factory=list)
    filtered: str | None = Field(
        None, description="The filter the output went through, as typed (`| grep x`, "
                          "`-f '{{json .NetworkSettings}}'`): a view of the command's output, "
                          "so that something absent from it proves nothing")
    host: str | None = Field(
        None, description="The host that a transcript's prompt or block header names")
    taken_at: str | None = Field(
        None, description="When the command started, from the collector's manifest")
    order: int | None = Field(
        None, description="Place in time among the captures of the same kind taken in the same "
                          "place (the host or a container), 1 for the earliest; the last is the "
                          "one analysed. None when there is one")
    ordered_by: str | None = Field(
        None, description="What told that order: `manifest` (its times), `name` (before/after, "
                          "old/new, numbers in the file names) or `transcript` (where each run "
                          "is in it); None when nothing did and the order is that of the files")


@dataclass
class Entry:
    source: Source
    model: Capture | None = None
    first_line: int = 1  # line of the source file where the capture starts (transcripts)
    left_out: bool = False  # a capture that a limit kept from being read

    @property
    def kind(self) -> str | None:
        return self.source.kind

    @property
    def container(self) -> str | None:
        return self.source.container


@dataclass
class Snapshot:
    origin: str
    entries: list[Entry] = field(default_factory=list)
    # host(): the parsed host-side entries by kind, and the list and length it was made of
    # (entries are only ever added, while the snapshot is built).
    _hosts: tuple = field(default=(None, -1, {}), init=False, repr=False, compare=False)

    @property
    def sources(self) -> list[Source]:
        return [e.source for e in self.entries]

    @property
    def partial(self) -> bool:
        return any(e.source.status is SourceStatus.FAILED for e in self.entries)

    def host(self, kind: str) -> list[Entry]:
        """Parsed host-side captures of `kind`, in the order they were found."""
        made_of, size, found = self._hosts
        if made_of is not self.entries or size != len(self.entries):
            found = {}
            for e in self.entries:
                if e.model is not None and e.container is None:
                    found.setdefault(e.kind, []).append(e)
            self._hosts = self.entries, len(self.entries), found
        return list(found.get(kind, ()))

    def before_latest(self) -> Snapshot | None:
        """The host as it was before its latest captures: for each command captured more than
        once in a known order, the latest capture left out. None when there is no such command."""
        groups: dict[tuple, list[Entry]] = {}
        for e in self.entries:
            if e.model is not None and e.source.ordered_by:
                groups.setdefault((e.kind, e.container, e.source.command), []).append(e)
        latest = {id(in_time(group)[-1]) for group in groups.values() if len(group) > 1}
        if not latest:
            return None
        return Snapshot(self.origin, [e for e in self.entries if id(e) not in latest])

    def inside(self) -> dict[str, list[Entry]]:
        """Parsed captures taken inside containers, by the container key they were filed under."""
        found: dict[str, list[Entry]] = {}
        for e in self.entries:
            if e.model is not None and e.container is not None:
                found.setdefault(e.container, []).append(e)
        return found


def take(source_set) -> Snapshot:
    """Parse every item of a `netparse.sources.SourceSet`. The items are taken out of the set
    as they are parsed, so each capture's bytes are freed once its model is made, not held
    beside all the models until the end."""
    from netparse.parsers import parse

    snap = Snapshot(origin=source_set.origin)
    items, source_set.items = source_set.items[::-1], []
    while items:
        snap.entries.append(_parse_item(items.pop(), parse))
    _order(snap.entries)
    for ignored in source_set.ignored:
        snap.entries.append(Entry(Source(path=ignored.path, status=SourceStatus.IGNORED,
                                         kind=ignored.kind, container=ignored.container,
                                         messages=[ignored.reason]), left_out=ignored.limit))
    return snap


def in_time(entries: list[Entry]) -> list[Entry]:
    """Captures of one kind in one place, earliest first: by `Source.order` (see `_order`)."""
    return sorted(entries, key=lambda e: e.source.order or 0)


def _order(entries: list[Entry]) -> None:
    """Place the captures of each kind, taken in the same place (the host, or a container), in
    time (captures of two hosts are never analysed together: see `netparse.sources.hosts`):
    by the manifest's times when each has one, else by what their file names say (before/after,
    old/new, numbers), else by where each is in its transcript; files that none of these tell
    apart keep the order they were found in, and `ordered_by` stays None."""
    from netparse.sources.names import moment_in_name

    groups: dict[tuple, list[tuple[int, Entry]]] = {}
    for index, e in enumerate(entries):
        if e.source.kind is not None and e.source.status is not SourceStatus.IGNORED:
            groups.setdefault((e.kind, e.container), []).append((index, e))
    for group in groups.values():
        if len(group) < 2:
            continue
        timed = all(e.source.taken_at for _, e in group)

        def key(pair):
            index, e = pair
            return ((e.source.taken_at if timed else ""), moment_in_name(e.source.path), index)
        group.sort(key=key)
        told = set()
        for (_, a), (_, b) in zip(group, group[1:]):
            if timed and a.source.taken_at != b.source.taken_at:
                told.add("manifest")
            elif moment_in_name(a.source.path) != moment_in_name(b.source.path):
                told.add("name")
            elif a.source.path == b.source.path and a.first_line != b.first_line:
                told.add("transcript")
            else:
                told.add(None)
        by = None if None in told else "manifest" if "manifest" in told else \
            "name" if "name" in told else "transcript"
        for place, (_, e) in enumerate(group, 1):
            e.source.order = place
            e.source.ordered_by = by


def _wrapped_at(data: bytes, model: Capture, parse) -> int | None:
    """The width a capture's lines look wrapped at (by a mail client): none is longer than 80
    characters, and put back at the end of the line above, most of the lines not understood
    are. None when it does not look so. Only said, never used: a guess is not a capture."""
    from netparse.parsers import prepare

    lines = prepare(data).split("\n")
    width = max(len(line) for line in lines)
    if not 60 <= width <= 80:
        return None
    bad = {u.line for u in model.unparsed}
    joined: list[str] = []
    for number, line in enumerate(lines, 1):
        if number in bad and joined and len(joined[-1]) >= width - 20:
            joined[-1] += " " + line.strip()
        else:
            joined.append(line)
    try:
        again = parse("\n".join(joined), model.kind)
    except ParseError:
        return None
    return width if 2 * len(again.unparsed) < len(model.unparsed) else None


def _parse_item(item, parse) -> Entry:
    offset = item.first_line - 1
    common = dict(path=item.path, container=item.container, command=item.command,
                  filtered=item.filtered, host=item.host, taken_at=item.taken_at)
    try:
        model = parse(item.data, item.kind)
    except DetectError as exc:
        if item.kind is None:
            return Entry(Source(**common, status=SourceStatus.IGNORED,
                                messages=[f"not a capture netparse reads: {exc.message}"]))
        return Entry(Source(**common, kind=item.kind, status=SourceStatus.FAILED,
                            messages=[f"{item.path}:{exc.line + offset}: {exc.message}"]))
    except ParseError as exc:
        return Entry(Source(**common, kind=item.kind, status=SourceStatus.FAILED,
                            messages=[f"{item.path}:{exc.line + offset}: {exc.message}"]))
    messages = [f"{item.path}:{u.line + offset}: not understood: {u.text.strip()[:160]}"
                for u in model.unparsed[:_MAX_LINE_MESSAGES]]
    if len(model.unparsed) > _MAX_LINE_MESSAGES:
        messages.append(f"... and {len(model.unparsed) - _MAX_LINE_MESSAGES} more lines not understood")
    if model.unparsed and (width := _wrapped_at(item.data, model, parse)):
        messages.insert(0, f"{item.path}: its lines look wrapped at {width} columns (by a mail "
                           f"client?): the lines not understood go on the line above them; "
                           f"send the capture as an attachment")
    status = SourceStatus.PARTIAL if model.unparsed else SourceStatus.PARSED
    # Built without validation: every value here is already a str, None or SourceStatus (a
    # dump holds thousands of captures).
    return Entry(typed(Source, {**common, "kind": model.kind, "status": status,
                                "messages": messages}), model, item.first_line)
