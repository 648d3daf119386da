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
    filtered: str | None = None  # the filter as typed (`| grep x`, `-f '{{json .X}}'`): a view
    #                              of the command's output, what is absent from it proves nothing
    host: str | None = None      # the host a transcript's prompt or block header names
    taken_at: str | None = None  # when the collector's manifest says the command started


@dataclass
class Ignored:
    """Something left out, and why. `path` may end in `:LINE` for a part of a transcript."""

    path: str
    reason: str
    # A capture left out by a limit (netparse.sources.limits): its kind as far as its name
    # tells (None: any), and the container it was taken in. Every check that needed such a
    # capture is then not run.
    limit: bool = False
    kind: str | None = None
    container: str | None = None


@dataclass
class SourceSet:
    origin: str
    items: list[Item] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)
