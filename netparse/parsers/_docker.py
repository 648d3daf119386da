"""What the docker parsers share: fixed-width tables, JSON lines and concatenated JSON arrays."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from netparse.errors import ParseError
from netparse.models.base import UnparsedLine
from netparse.rawtext import json_int

# Titles are separated by two spaces or more; one space joins the words of a title.
_TITLE = re.compile(r"\S+(?: \S+)*")


class Table:
    """The columns of a table printed by Go's tabwriter, from its header line."""

    def __init__(self, header: str):
        self.titles = [m.group() for m in _TITLE.finditer(header)]
        self.starts = [m.start() for m in _TITLE.finditer(header)]

    def cut(self, line: str) -> dict[str, str] | None:
        """The cells of a row by title, or None when the row does not line up with the header."""
        if line[:self.starts[0]].strip():
            return None
        for start in self.starts[1:]:
            # tabwriter pads every cell, so a column always starts right after a space.
            if start < len(line) and line[start - 1] != " ":
                return None
        ends = self.starts[1:] + [len(line)]
        return {title: line[start:end].strip()
                for title, start, end in zip(self.titles, self.starts, ends)}


def table_rows(text: str, known_titles: set[str], first_titles: set[str]
               ) -> Iterator[tuple[int, str, dict[str, str] | None]]:
    """(line number, line, cells or None) for each row of one or more tables pasted together.

    The first non-blank line is the header. A later line whose titles are all known and whose
    first title is one of `first_titles` starts a new table (two outputs pasted together).
    A header with a title that is not known (a damaged one) is given as a row with cells None;
    its columns are still cut.
    """
    table: Table | None = None
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        titles = _TITLE.findall(line)
        if table is None or (titles[0] in first_titles and set(titles) <= known_titles):
            if not set(titles) & known_titles:
                raise ParseError(f"no table header: none of {', '.join(sorted(first_titles))} "
                                 f"in the first line", number)
            table = Table(line)
            if not set(titles) <= known_titles:
                yield number, line, None
            continue
        yield number, line, table.cut(line)


def json_lines(text: str) -> Iterator[tuple[int, str, dict | None]]:
    """(line number, line, object or None) for each non-blank line of `--format '{{json .}}'`."""
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line, parse_int=json_int)
        except (ValueError, RecursionError):  # RecursionError: nested too deeply to decode
            value = None
        yield number, line, value if isinstance(value, dict) else None


_SPACE = re.compile(r"\s*")


def json_items(text: str) -> Iterator[tuple[int, Any]]:
    """(line number, value) for each element of each JSON array in `text`, and each object.

    Several outputs pasted one after the other are read in turn. A line outside any JSON value
    (a shell prompt, a message) is given as (line number, None). JSON that does not decode raises
    ParseError at the line where decoding stopped.
    """
    decoder = json.JSONDecoder(parse_int=json_int)
    counted = [0, 1]  # a position and its line: values are read in order, so count onwards

    def line_of(pos: int) -> int:
        if pos < counted[0]:
            return text.count("\n", 0, pos) + 1
        counted[1] += text.count("\n", counted[0], pos)
        counted[0] = pos
        return counted[1]

    def decode(pos: int) -> tuple[Any, int]:
        try:
            return decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise ParseError(f"JSON does not decode: {exc.msg} (line {exc.lineno}, column "
                             f"{exc.colno})", exc.lineno) from None
        except RecursionError:
            raise ParseError("JSON nested too deeply to decode", line_of(pos)) from None

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
                value, pos = decode(pos)
                yield line_of(start), value
                pos = skip(pos)
                if pos >= len(text):
                    raise ParseError(f"JSON ends before the array opened on line "
                                     f"{line_of(opened)} is closed", line_of(len(text) - 1))
                if text[pos] == "]":
                    pos = skip(pos + 1)
                    break
                if text[pos] != ",":
                    raise ParseError(f"JSON does not decode: expected ',' or ']' (line "
                                     f"{line_of(pos)})", line_of(pos))
                pos = skip(pos + 1)
        elif text[pos] == "{":
            start = pos
            value, pos = decode(pos)
            yield line_of(start), value
            pos = skip(pos)
        else:
            end = text.find("\n", pos)
            end = len(text) if end < 0 else end
            yield line_of(pos), None
            pos = skip(end)


def validation_message(exc: ValidationError) -> str:
    """The first problem pydantic found, with where it is in the object."""
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else error["msg"]


_GO_TIME = re.compile(r"(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)? ([+-]\d\d)(\d\d)(?: \S+)?")


def go_time(value: str) -> datetime | None:
    """A time as Go prints it (`2026-11-29 04:38:36.3094 +0000 UTC`); None if it is not one."""
    match = _GO_TIME.fullmatch(value.strip())
    if not match:
        return None
    day, clock, fraction, hours, minutes = match.groups()
    fraction = (fraction or "")[:7]
    return datetime.fromisoformat(f"{day}T{clock}{fraction}{hours}:{minutes}")


def read_rows(text: str, json_titles: dict[str, str], known_titles: set[str],
              first_titles: set[str], convert: Callable[[dict[str, str]], tuple[Any, bool]]
              ) -> tuple[list, list[UnparsedLine]]:
    """The items of a `docker ... ls`-style output, table or JSON lines, and the lines not
    understood. `convert` turns one row's cells into (item or None, every cell understood)."""
    if text.lstrip().startswith("{"):
        rows = ((number, line, json_cells(value, json_titles) if value is not None else None)
                for number, line, value in json_lines(text))
    else:
        rows = table_rows(text, known_titles, first_titles)
    items: list = []
    unparsed: list[UnparsedLine] = []
    for number, line, cells in rows:
        item, understood = (None, False) if cells is None else convert(cells)
        if item is not None:
            items.append(item)
        if not understood:
            unparsed.append(UnparsedLine(line=number, text=line))
    return items, unparsed


def json_cells(value: dict, titles: dict[str, str]) -> dict[str, str]:
    """A `--format '{{json .}}'` object as the cells of the table form, by column title."""
    # null (Platform on some engines) is an empty cell.
    return {titles.get(key, key): "" if item is None else
            item if isinstance(item, str) else json.dumps(item)
            for key, item in value.items()}

