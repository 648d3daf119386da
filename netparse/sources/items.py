"""What sources find: the raw captures, and what was left out with the reason."""

from __future__ import annotations

from dataclasses import dataclass, field


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
