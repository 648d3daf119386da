"""Parsers: one module per command, text in, model out.

Every parser module defines `KIND`, `MODEL` (its Capture subclass) and `parse(text) -> MODEL`.
This package adds what all of them share: cleaning the text, refusing what is not command output,
detection by content, and strict mode.
"""

from __future__ import annotations

import gc
import re
from contextlib import contextmanager

from netparse.rawtext import prepare
from netparse.errors import ParseError
from netparse.models.base import Capture
from netparse.kinds import KINDS, Kind, get_kind

__all__ = ["KINDS", "Kind", "detect", "parse", "prepare"]

# Outputs people capture by mistake instead of the command's output. sysctl's own messages
# (`sysctl: cannot stat /proc/sys/...: No such file or directory`) are part of its output.
_ERROR_LINES = re.compile(
    r"(?!sysctl: (cannot|permission|reading|setting) )"
    r"(Cannot connect to the Docker daemon|Error response from daemon|"
    r"Got permission denied while trying to connect|"
    r".*: command not found|.*: not found$|.*No such file or directory|"
    r"Error: No such (object|container|network)|Command \".*\" is unknown|"
    r"Error: (argument|either) |Object \".*\" is unknown|bash: |sh: \d+: )")
# Each of those messages holds one of these words: a head without any holds none of them.
_ERROR_WORDS = ("Cannot connect", "Error", "Got permission", "not found", "No such file",
                "is unknown", "sh: ")


def __getattr__(name: str):
    # Detection compiles its patterns on import: only a capture of unknown kind needs them.
    if name == "detect":
        from netparse.kinds.detect import detect

        return detect
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f]")
# The same characters, each looked for on its own: a character scan per control is many times
# faster than the regex class over a large capture; the regex then finds where.
_BINARY_CHARS = tuple(map(chr, (*range(0x00, 0x09), *range(0x0e, 0x20))))


def _refuse_non_output(text: str) -> None:
    if not text or text.isspace():
        raise ParseError("empty input: no command output to parse", 1)
    # The first five lines: those of the text up to its fifth newline (splitlines also cuts
    # at other separators, so the head may hold more lines than five, never fewer).
    end = -1
    for _ in range(5):
        end = text.find("\n", end + 1)
        if end < 0:
            break
    head = text if end < 0 else text[:end]
    if any(word in head for word in _ERROR_WORDS):
        for number, line in enumerate(head.splitlines()[:5], 1):
            if _ERROR_LINES.match(line.strip()):
                raise ParseError(f"the capture holds an error message, not command output: "
                                 f"{line.strip()[:200]}", number)
    binary = any(ch in text for ch in _BINARY_CHARS) and _BINARY.search(text)
    if binary:
        raise ParseError("binary data, not command output", text.count("\n", 0, binary.start()) + 1)


@contextmanager
def no_cyclic_gc():
    """Pause the cyclic garbage collector. Parsing a large capture makes hundreds of thousands
    of objects, none in a cycle; each collection that their number triggers walks all of them,
    which made parsing time grow faster than the input. Reference counting still frees them."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            if _freeze:
                # What was built stays until the process ends or drops it: out of the
                # collector's sight, so that the first collection does not walk all of it.
                gc.freeze()
            gc.enable()


_freeze = False
# Each kind's parser module, once looked up: a dump parses thousands of small captures.
_MODULES: dict = {}


def freeze_on_resume() -> None:
    """From now on, move every object to the collector's permanent generation when the
    collector comes back on (gc.freeze). For a process that analyses and exits, or a batch
    worker: a long-lived server frees its reports and is better off without it."""
    global _freeze
    _freeze = True


def parse(text: str | bytes, kind: str | None = None, *, strict: bool = False) -> Capture:
    """Parse the output of one command into its model.

    With no `kind` the command is detected from the content. Lines the parser did not understand
    are kept in the result's `unparsed`; with `strict=True` the first of them raises ParseError.
    """
    text = prepare(text)
    _refuse_non_output(text)
    if kind is None:
        from netparse.kinds.detect import detect

        kind = detect(text)
    module = _MODULES.get(kind)
    if module is None:
        module = _MODULES[kind] = get_kind(kind).module()
    paused = gc.isenabled()  # no_cyclic_gc, inline: this runs for every capture of a dump
    gc.disable()
    try:
        result = module.parse(text)
    finally:
        if paused:
            if _freeze:
                gc.freeze()
            gc.enable()
    if strict and result.unparsed:
        first = result.unparsed[0]
        more = f" (and {len(result.unparsed) - 1} more)" if len(result.unparsed) > 1 else ""
        raise ParseError(f"{kind}: line not understood{more}: {first.text.strip()[:200]}",
                         first.line)
    return result
