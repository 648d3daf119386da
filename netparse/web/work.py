"""What the web layer asks of the library: the jobs the server's worker processes run
(`netparse.web.pool`), each returning text that is cheap to send back (the page of results is
`netparse.web.pages.results`).

Everything here is the library's own pipeline (sources → parsers → snapshot → analysis →
render); this module only turns what a form holds into its inputs and its errors into HTTP
statuses.
"""

from __future__ import annotations

from dataclasses import dataclass

from netparse import sources
from netparse.analysis import analyze_snapshot
from netparse.analysis.model import Report
from netparse.errors import DetectError, HostsError, LimitError, ParseError, SourceError
from netparse.models.base import Capture
from netparse.render import render_json
from netparse.snapshot import Snapshot, take
from netparse.sources.formats import archive_format
from netparse.web.errors import WebError

PASTE_NAME = "pasted text"


@dataclass
class Result:
    snapshot: Snapshot
    report: Report
    json: str       # the report exactly as `netparse analyze --format json` prints it


def _check_kind(kind: str | None) -> str | None:
    from netparse.kinds import KINDS

    if kind and kind not in KINDS:
        raise WebError(400, f"unknown kind {kind!r}; known kinds: {', '.join(KINDS)}")
    return kind or None


def parse_text(text: str | bytes, kind: str | None) -> Capture:
    """One capture into its model, as `netparse parse` does."""
    from netparse.parsers import parse

    kind = _check_kind(kind)
    try:
        sources.check_memory(PASTE_NAME, text if isinstance(text, bytes) else
                             text.encode("utf-8"), kind)
        return parse(text, kind)
    except LimitError as exc:
        raise WebError(413, str(exc)) from None
    except DetectError as exc:
        raise WebError(422, exc.message, exc.line, exc.candidates) from None
    except ParseError as exc:
        raise WebError(422, exc.message, exc.line) from None


def origin_of(names: list[str]) -> str:
    """What an upload is called in the report: the file's name when there is one, the folder
    when all files are in one (as `netparse analyze FOLDER` names it), else "upload"."""
    if len(names) == 1:
        return names[0]
    tops = {name.split("/", 1)[0] for name in names}
    if len(tops) == 1 and all("/" in name for name in names):
        return tops.pop()
    return "upload"


def analyze_files(files: dict[str, bytes], kind: str | None = None,
                  host: str | None = None) -> Result:
    """An upload (files by relative path, one archive, or one transcript) analysed as
    `netparse analyze [--host HOST]` analyses the same dump."""
    snapshot = snapshot_of(files, kind, host)
    report = analyze_snapshot(snapshot)
    return Result(snapshot, report, render_json(report))


def snapshot_of(files: dict[str, bytes], kind: str | None = None,
                host: str | None = None) -> Snapshot:
    """The captures of an upload, parsed, as `netparse analyze` reads the same dump; of `host`
    only when it holds several hosts (refused, naming them, when none is chosen)."""
    kind = _check_kind(kind)
    try:
        if kind is not None:
            if len(files) != 1:
                raise WebError(400, "a command can be chosen for one capture only, "
                               "not for several files")
            (name, data), = files.items()
            if archive_format(name, data[:512]) is not None:
                raise WebError(400, "a command can be chosen for one capture, not for an archive")
            sources.check_memory(name, data, kind)  # what parsing it may cost, as the CLI checks
            found = sources.SourceSet(name, [sources.Item(name, data, kind, None, None)])
        else:
            found = sources.from_files(files, origin_of(list(files)), host=host)
    except LimitError as exc:
        raise WebError(413, str(exc)) from None
    except HostsError as exc:
        raise WebError(422, str(exc), hosts=tuple(exc.hosts)) from None
    except SourceError as exc:
        raise WebError(422, str(exc)) from None
    return take(found)


def analyze_text(text: str, kind: str | None = None, host: str | None = None) -> Result:
    """Pasted text: one capture, or a terminal transcript holding several."""
    return analyze_files({PASTE_NAME: text.encode("utf-8")}, kind, host)


def parse_json(text: str, kind: str | None) -> str:
    """`POST /api/parse`: the model as `netparse parse` prints it."""
    return parse_text(text, kind).model_dump_json(indent=2)


def analyze_json(files: dict[str, bytes], kind: str | None, host: str | None = None) -> str:
    """`POST /api/analyze`: the report as `netparse analyze --format json` prints it."""
    return analyze_files(files, kind, host).json


def reach_json(files: dict[str, bytes], to: list[str], client: str | None) -> str:
    """`POST /api/reach`: the paths as `netparse reach --format json` prints them."""
    return reach_json_of(snapshot_of(files), to, client)


def trace_json(files: dict[str, bytes], source: str, target: str, port: int | None) -> str:
    """`POST /api/trace`: one path as `netparse trace --format json` prints it."""
    return trace_json_of(snapshot_of(files), source, target, port)


def reach_json_of(snapshot: Snapshot, to: list[str], client: str | None) -> str:
    """The paths of a snapshot already read, as `/api/reach` answers (the page shows these)."""
    from netparse.reach import reach

    return reach(snapshot, to=to, client=client).model_dump_json(indent=2, by_alias=True) + "\n"


def trace_json_of(snapshot: Snapshot, source: str, target: str, port: int | None) -> str:
    """One path of a snapshot already read, as `/api/trace` answers."""
    from netparse.reach import trace

    return trace(snapshot, source, target, port).model_dump_json(indent=2, by_alias=True) + "\n"


def diff_report(before: dict[str, bytes], after: dict[str, bytes], to: list[str],
                client: str | None, *, need_captures: bool = False):
    """Two uploads compared as `netparse diff` compares them; an error names the side it is
    in. With `need_captures` (the page), a side in which nothing could be read is refused
    rather than compared as a host with nothing on it."""
    from netparse.compare import diff_sources

    sets = []
    for label, files in (("before", before), ("after", after)):
        try:
            found = sources.from_files(files, origin_of(list(files)))
        except LimitError as exc:
            raise WebError(413, f"{label}: {exc}") from None
        except SourceError as exc:
            raise WebError(422, f"{label}: {exc}") from None
        if need_captures and not found.items:
            reasons = "; ".join(f"{i.path}: {i.reason}" for i in found.ignored)
            raise WebError(422, f"{label}: no output of a command netparse reads was found"
                           + (f" ({reasons})" if reasons else ""))
        sets.append(found)
    return diff_sources(*sets, to=to, client=client)


def diff_json(before: dict[str, bytes], after: dict[str, bytes], to: list[str],
              client: str | None) -> str:
    """`POST /api/diff`: two uploads compared as `netparse diff --format json` compares them."""
    return diff_json_of(diff_report(before, after, to, client))


def diff_json_of(report) -> str:
    """A diff as `/api/diff` answers it (the page offers these bytes for download)."""
    return report.model_dump_json(indent=2, by_alias=True) + "\n"
