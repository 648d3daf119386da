"""Reading JSON captures, for every parser that takes JSON.

Arrays (`docker inspect`, `ip -j addr`), several of them pasted one after the other, and objects
one per line (`docker ps --format '{{json .}}'`). Every element comes with the line it starts on,
and every problem has one wording:

- `JSON does not decode: <why> (line L, column C)`, why as the json module says it, or
  `Expecting ',' or ']'` after an element of an array, or `a number of more than 4300 digits`
  (which int() refuses with a bare ValueError)
- `JSON nested too deeply to decode` (the json module gives up with RecursionError)
- `JSON ends before the array opened on line L is closed`

An element its model refuses is no error: `read_elements` keeps the others and reports it.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from pydantic import ValidationError

from netparse.errors import ParseError
from netparse.models.base import UnparsedLine

T = TypeVar("T")

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"\s*")
_JSON_SPACE = " \t\n\r"  # what json.loads allows around a value


_JSON_START = re.compile(r"\s*(\{|\[\s*[\[\]{])")


def starts_json(text: str) -> bool:
    """Whether `text` starts as JSON does: `{`, or `[` and an element, not a prompt such as
    `[root@host ~]# ...`."""
    return _JSON_START.match(text) is not None


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


def read_elements(text: str, name: Callable[[Any], str | None], build: Callable[[Any], T | None]
                  ) -> tuple[list[T], list[UnparsedLine]]:
    """The elements of a JSON capture as `build` makes them, and what was not understood.

    `name(element)` is what a report calls the element (`container web1`), or None when it is
    not one of this kind (a network in `docker inspect`): that one, and any line outside the
    JSON, is reported by its first line as it reads. An element that `build` refuses (it raises
    ValueError, pydantic's ValidationError included) is reported at the line it starts on, as
    `<name>: <why>`, and the others are kept. `build` gives None for an element that holds
    nothing to keep.
    """
    lines: list[str] = []  # split only when a line is reported: the JSON can be large
    items: list[T] = []
    unparsed: list[UnparsedLine] = []
    for number, element in elements(text):
        label = name(element)
        if label is None:
            lines = lines or text.split("\n")
            unparsed.append(UnparsedLine(line=number, text=lines[number - 1]))
            continue
        try:
            item = build(element)
        except ValueError as exc:
            unparsed.append(UnparsedLine(line=number, text=f"{label}: {_reason(exc)}"))
            continue
        if item is not None:
            items.append(item)
    return items, unparsed


def _reason(exc: ValueError) -> str:
    """The first problem pydantic found, where it is in the element and, if short, the value;
    or the error's text."""
    if not isinstance(exc, ValidationError):
        return str(exc)
    error = exc.errors()[0]
    # pydantic names the member of a union it tried (`lax-or-strict[...]`): not a place.
    where = ".".join(str(part) for part in error["loc"]
                     if not (isinstance(part, str) and "[" in part))
    why = error["msg"]
    value = error.get("input")
    if isinstance(value, (str, int, float)) and len(repr(value)) <= 80:
        why += f", got {value!r}"  # a container or a list would be too long to say
    return f"{where}: {why}" if where else why


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
