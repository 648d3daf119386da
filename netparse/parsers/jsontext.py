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
from typing import Any, NamedTuple, TypeVar

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


# ---------------------------------------------------------------------------------------------
# Fragments: JSON read as far as it goes


class Piece(NamedTuple):
    """A value read from JSON that may be cut: where it starts, and whether it was read whole
    (its own brackets, none of its lines elided or lost)."""

    line: int
    value: Any
    whole: bool


_TOKEN = re.compile(r'\s*(?:("(?:[^"\\\x00-\x1f]|\\.)*")|(-?(?:0|[1-9]\d*)(?:\.\d+)?'
                    r'(?:[eE][+-]?\d+)?)(?![\w.])|(true|false|null)\b|([{}\[\]:,]))')
_MAX_DEPTH = 500  # deeper than any capture; the json module gives up near 1000 too
_OUTER, _IMPLIED = "outer", "implied"  # a top-level array; the braces a fragment lacks


def read_pieces(text: str, name: Callable[[Piece], str | None],
                build: Callable[[Piece], T | None]) -> tuple[list[T], list[UnparsedLine]]:
    """As `read_elements`, for the JSON of `docker inspect` and `docker network inspect` as
    people paste it: whole, or as far as it goes. `name` and `build` get each element as a
    Piece: its value, its line and whether it was read whole.

    JSON that decodes is read as `read_elements` reads it. Otherwise the text is read line by
    line as a fragment (`fragments`): members without their object's braces, a `"Networks": {…}`
    block, lines elided (`....`, `Output Omitted`), a document cut off; what was lost is
    reported at its line. When not even a fragment holds an element, the JSON's error is raised.
    """
    try:
        built = _whole(text, name, build)
        strict = None
    except ParseError as exc:
        built, strict = None, exc
    if built is not None:
        return built
    pieces, lost = fragments(text)
    if strict is not None and not any(name(piece) for piece in pieces):
        raise strict
    return _built(text, pieces, lost, name, build)


def _whole(text: str, name, build) -> tuple[list, list[UnparsedLine]] | None:
    """`read_pieces` of JSON that decodes, each element built as soon as it is decoded (a large
    document's decoded values are never all held at once); None when a line outside the values
    is JSON (a fragment pasted after a document), which only `fragments` reads."""
    lines: list[str] = []
    lost: list[UnparsedLine] = []
    items: list = []
    unparsed: list[UnparsedLine] = []
    for number, value in elements(text):
        if value is None:
            lines = lines or text.split("\n")
            if _is_json(lines[number - 1]):
                return None
            lost.append(UnparsedLine(line=number, text=lines[number - 1]))
        else:
            lines = _build(Piece(number, value, True), name, build, text, lines, items, unparsed)
    return items, sorted(lost + unparsed, key=lambda u: u.line)


def _built(text: str, pieces: list[Piece], lost: list, name, build):
    lines: list[str] = []  # split only when a line is reported: the JSON can be large
    unparsed: list[UnparsedLine] = []
    for u in lost:
        if not isinstance(u, UnparsedLine):
            lines = lines or text.split("\n")
            u = UnparsedLine(line=u, text=lines[u - 1])
        unparsed.append(u)
    items: list = []
    for piece in pieces:
        lines = _build(piece, name, build, text, lines, items, unparsed)
    unparsed.sort(key=lambda u: u.line)
    return items, unparsed


def _build(piece: Piece, name, build, text: str, lines: list[str], items: list,
           unparsed: list[UnparsedLine]) -> list[str]:
    """Build one piece into `items`, or say why not in `unparsed`; gives `lines`, the text's
    lines once one had to be quoted."""
    label = name(piece)
    if label is None:
        lines = lines or text.split("\n")
        unparsed.append(UnparsedLine(line=piece.line, text=lines[piece.line - 1]))
        return lines
    try:
        item = build(piece)
    except ValueError as exc:
        unparsed.append(UnparsedLine(line=piece.line, text=f"{label}: {_reason(exc)}"))
        return lines
    if item is not None:
        items.append(item)
    return lines


def _is_json(line: str) -> bool:
    """Whether a line is JSON through and through (a member of a fragment, a bracket)."""
    _, found, rest = _tokens(line)
    return found and not rest


def _tokens(line: str) -> tuple[list[tuple[str, Any]], bool, bool]:
    """The JSON tokens of one line, up to the first thing that is not JSON; whether any was
    found; whether something was left that is not JSON (an elision, a sentence, a cut)."""
    tokens: list[tuple[str, Any]] = []
    pos, end = 0, len(line.rstrip())
    while pos < end:
        match = _TOKEN.match(line, pos)
        if not match:
            return tokens, bool(tokens), True
        string, number, word, mark = match.groups()
        if mark:
            tokens.append((mark, None))
        else:
            try:
                value = json.loads(string or number or word)
            except ValueError:  # a bad escape, a number longer than int() reads
                return tokens, bool(tokens), True
            tokens.append(("key" if string else "value", value))
        pos = match.end()
    return tokens, bool(tokens), False


def fragments(text: str) -> tuple[list[Piece], list[int | UnparsedLine]]:
    """The values of JSON read line by line as far as it goes, and what was lost: line numbers
    of lines that are not JSON (wholly or in part), and a note where the text ends inside a
    value.

    A line that is not JSON outside any value ends a fragment (`Container 2:` between two
    pasted blocks); inside one, it was elided and the value is not whole. Members at the top
    (`"Networks": {…}`) are an object whose braces were not pasted; in such an object the
    first key coming again starts the next object (`grep -e "Id\\|IPAddress"` of several
    containers). A closing bracket with nothing open closes what was opened before the paste
    began. Missing and extra commas are of no matter.
    """
    pieces: list[Piece] = []
    lost: list[int | UnparsedLine] = []
    # Each open value: [kind (dict, list, _OUTER, _IMPLIED), value, pending key, line opened].
    stack: list[list] = []
    element: dict = {}  # the element being read: its line and whether it is whole so far

    def finish(value: Any) -> None:
        pieces.append(Piece(element["line"], value, element["whole"]))
        element.clear()

    def put(value: Any, line: int) -> None:
        if not stack or stack[-1][0] == _OUTER:
            element.setdefault("line", line)
            element.setdefault("whole", True)
            finish(value)
            return
        top = stack[-1]
        if isinstance(top[1], list):
            top[1].append(value)
        elif top[2] is not None:
            top[1][top[2]] = value
            top[2] = None

    def close() -> None:
        kind, value, _, _ = stack.pop()
        if kind == _IMPLIED:
            finish(value)
        elif kind != _OUTER:
            put(value, 0)

    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        tokens, any_json, rest = _tokens(line)
        if rest and not any_json and stack and stack[-1][0] == _IMPLIED:
            close()  # a fragment ends at a line that is not JSON
        for i, (kind, value) in enumerate(tokens):
            followed_by_colon = i + 1 < len(tokens) and tokens[i + 1][0] == ":"
            if kind in "{[":
                if len(stack) >= _MAX_DEPTH:
                    raise ParseError("JSON nested too deeply to decode", number)
                if not stack and kind == "[":
                    stack.append([_OUTER, None, None, number])
                    continue
                if not stack or stack[-1][0] == _OUTER:
                    element.update(line=number, whole=True)
                stack.append([kind, {} if kind == "{" else [], None, number])
            elif kind in "}]":
                if stack:
                    close()
            elif kind == "key" and followed_by_colon:
                if not stack or stack[-1][0] == _OUTER:
                    element.update(line=number, whole=False)
                    stack.append([_IMPLIED, {}, None, number])
                top = stack[-1]
                if isinstance(top[1], dict):
                    if top[0] == _IMPLIED and top[1] and value == next(iter(top[1])) \
                            and value in top[1]:
                        close()  # the first key again: the next object of a grep
                        element.update(line=number, whole=False)
                        stack.append([_IMPLIED, {}, None, number])
                        top = stack[-1]
                    top[2] = value
            elif kind in ("key", "value"):
                put(value, number)
        if rest:
            lost.append(number)
            if element:
                element["whole"] = False
    # Only the braces a fragment lacks left open: its end, nothing lost. Else the text was cut.
    # The outermost value that was cut, else the array around the elements.
    cut = next((entry for entry in stack if entry[0] in ("{", "[")),
               next((entry for entry in stack if entry[0] == _OUTER), None))
    if cut is not None:
        what = "object" if cut[0] == "{" else "array"
        lost.append(UnparsedLine(line=text.rstrip().count("\n") + 1,
                                 text=f"JSON ends before the {what} opened on line {cut[3]} "
                                      f"is closed"))
        if element:
            element["whole"] = False
    while stack:
        close()
    return pieces, lost
