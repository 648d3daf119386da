"""Reading JSON captures, for every parser that takes JSON.

Arrays (`docker inspect`, `ip -j addr`), several of them pasted one after the other, and objects
one per line (`docker ps --format '{{json .}}'`). Every element comes with the line it starts on,
and every problem has one wording:

- `JSON does not decode: <why> (line L, column C)`, why as the json module says it, or
  `Expecting ',' or ']'` after an element of an array, or `a number of more than 4300 digits`
  (which int() refuses with a bare ValueError)
- `JSON nested too deeply to decode` (the json module gives up with RecursionError)
- `JSON ends before the array opened on line L is closed`
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from typing import Any

from netparse.errors import ParseError

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"\s*")
_JSON_SPACE = " \t\n\r"  # what json.loads allows around a value


def elements(text: str) -> Iterator[tuple[int, Any]]:
    """(line number, value) for each element of each JSON array in `text`, and each object.

    Several outputs pasted one after the other are read in turn. A line outside any JSON value
    (a shell prompt, a message) is given as (line number, None). JSON that does not decode raises
    ParseError at the line where decoding stopped.
    """
    counted = [0, 1]  # a position and its line: values are read in order, so count onwards

    def line_of(pos: int) -> int:
        if pos < counted[0]:
            return text.count("\n", 0, pos) + 1
        counted[1] += text.count("\n", counted[0], pos)
        counted[0] = pos
        return counted[1]

    def skip(pos: int) -> int:
        return _SPACE.match(text, pos).end()

    pos = skip(0)
    while pos < len(text):
        if text[pos] == "[":
            opened = pos
            pos = skip(pos + 1)
            if text.startswith("]", pos):
                pos = skip(pos + 1)
                continue
            while True:
                start = pos
                value, pos = _decode(text, pos)
                yield line_of(start), value
                pos = skip(pos)
                if pos >= len(text):
                    raise ParseError(f"JSON ends before the array opened on line "
                                     f"{line_of(opened)} is closed", line_of(len(text) - 1))
                if text[pos] == "]":
                    pos = skip(pos + 1)
                    break
                if text[pos] != ",":
                    raise _undecodable("Expecting ',' or ']'", text, pos)
                pos = skip(pos + 1)
        elif text[pos] == "{":
            start = pos
            value, pos = _decode(text, pos)
            yield line_of(start), value
            pos = skip(pos)
        else:
            end = text.find("\n", pos)
            end = len(text) if end < 0 else end
            yield line_of(pos), None
            pos = skip(end)


def object_lines(text: str) -> Iterator[tuple[int, str, dict | None]]:
    """(line number, line, object or None) for each non-blank line of JSON lines; None for a
    line that is not one JSON object, for the caller to report as not understood."""
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        stripped = line.strip(_JSON_SPACE)
        try:
            value, end = _decode(stripped, 0)
        except ParseError:
            value, end = None, 0
        whole = end == len(stripped) and isinstance(value, dict)
        yield number, line, value if whole else None


def _decode(text: str, pos: int) -> tuple[Any, int]:
    try:
        return _DECODER.raw_decode(text, pos)
    except json.JSONDecodeError as exc:
        raise _undecodable(exc.msg, text, exc.pos) from None
    except RecursionError:
        raise ParseError("JSON nested too deeply to decode", text.count("\n", 0, pos) + 1) from None
    except ValueError:  # an integer longer than int() reads (sys.get_int_max_str_digits)
        digits = sys.get_int_max_str_digits()
        long = re.compile(rf"\d{{{digits + 1},}}(?![\d.eE])").search(text, pos)
        raise _undecodable(f"a number of more than {digits} digits", text,
                           long.start() if long else pos) from None


def _undecodable(why: str, text: str, pos: int) -> ParseError:
    line = text.count("\n", 0, pos) + 1
    column = pos - text.rfind("\n", 0, pos)
    return ParseError(f"JSON does not decode: {why} (line {line}, column {column})", line)
