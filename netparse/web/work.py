"""What the web layer asks of the library, run in a small pool of threads with a time limit.

Everything here is the library's own pipeline (sources → parsers → snapshot → analysis →
render); this module only turns what a form holds into its inputs and its errors into HTTP
statuses.
"""

from __future__ import annotations

import asyncio
import logging
import posixpath
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from netparse import sources
from netparse.analysis import analyze_snapshot
from netparse.analysis.model import Report
from netparse.errors import DetectError, LimitError, NetparseError, ParseError, SourceError
from netparse.models.base import Capture
from netparse.render import render_json
from netparse.snapshot import Snapshot, take
from netparse.sources.archive import archive_format
from netparse.web.errors import WebError

log = logging.getLogger("netparse.web")

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


def parse_text(text: str, kind: str | None) -> Capture:
    """One capture into its model, as `netparse parse` does."""
    from netparse.parsers import parse

    kind = _check_kind(kind)
    try:
        return parse(text, kind)
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


def analyze_files(files: dict[str, bytes], kind: str | None = None) -> Result:
    """An upload (files by relative path, one archive, or one transcript) analysed as
    `netparse analyze` analyses the same dump."""
    kind = _check_kind(kind)
    try:
        if kind is not None:
            if len(files) != 1:
                raise WebError(400, "a command can be chosen for one capture only, "
                               "not for several files")
            (name, data), = files.items()
            if archive_format(name, data[:512]) is not None:
                raise WebError(400, "a command can be chosen for one capture, not for an archive")
            found = sources.SourceSet(name, [sources.Item(name, data, kind, None, None)])
        else:
            found = sources.from_files(files, origin_of(list(files)))
    except LimitError as exc:
        raise WebError(413, str(exc)) from None
    except SourceError as exc:
        raise WebError(422, str(exc)) from None
    snapshot = take(found)
    report = analyze_snapshot(snapshot)
    return Result(snapshot, report, render_json(report))


def analyze_text(text: str, kind: str | None = None) -> Result:
    """Pasted text: one capture, or a terminal transcript holding several."""
    return analyze_files({PASTE_NAME: text.encode("utf-8")}, kind)


class Pool:
    """A few worker threads, so parsing never blocks the server loop; a job that takes longer
    than `timeout` seconds (waiting included) answers 503. Python cannot stop a thread: the
    job runs on and holds its worker, which is why there are few of them."""

    def __init__(self, workers: int, timeout: float):
        self.executor = ThreadPoolExecutor(workers, thread_name_prefix="netparse-web")
        self.timeout = timeout

    async def run(self, fn, *args):
        future = self.executor.submit(_guarded, fn, *args)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except asyncio.TimeoutError:
            future.cancel()
            raise WebError(503, f"the work took longer than {self.timeout:g} s and was given up; "
                           f"try fewer files, or the command line") from None

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


def _guarded(fn, *args):
    try:
        return fn(*args)
    except (WebError, NetparseError):
        raise
    except Exception as exc:
        # The message may quote the input: log where it failed, never what it said.
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        where = (f"{posixpath.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno}"
                 if tb else "?")
        log.error("internal error: %s at %s", type(exc).__name__, where)
        raise WebError(500, f"internal error ({type(exc).__name__}); the input was not kept") \
            from None
