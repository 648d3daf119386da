"""What the docker parsers share: fixed-width tables and their JSON-lines form, Go times."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from netparse.errors import ParseError
from netparse.models.base import UnparsedLine
from netparse.parsers.jsontext import object_lines

# Lines that may stand above a table's header (warnings, a prompt, a sentence) before the text
# is taken for something else.
_MAX_ABOVE = 5
# Titles are separated by two spaces or more; one space joins the words of a title.
_TITLE = re.compile(r"\S+(?: \S+)*")


class Table:
    """The columns of a table printed by Go's tabwriter, from its header line."""

    def __init__(self, header: str):
        self.titles = [m.group() for m in _TITLE.finditer(header)]
        self.starts = [m.start() for m in _TITLE.finditer(header)]
        # (title, start, end) of each column; the last one runs to the end of the line.
        self._columns = list(zip(self.titles, self.starts, [*self.starts[1:], None]))

    def cut(self, line: str) -> dict[str, str] | None:
        """The cells of a row by title, or None when the row does not line up with the header."""
        if line[:self.starts[0]].strip():
            return None
        length = len(line)
        for start in self.starts[1:]:
            # tabwriter pads every cell, so a column always starts right after a space.
            if start < length and line[start - 1] != " ":
                return None
        return {title: line[start:end].strip() for title, start, end in self._columns}


def table_rows(text: str, known_titles: set[str], first_titles: set[str]
               ) -> Iterator[tuple[int, str, dict[str, str] | None]]:
    """(line number, line, cells or None) for each row of one or more tables pasted together.

    The header is the first line with a known title; the lines above it (an engine warning, a
    prompt, a sentence) are given as rows with cells None. A later line whose titles are all known
    and whose first title is one of `first_titles` starts a new table (two outputs pasted
    together). A header with a title that is not known (a damaged one) is given as a row with
    cells None; its columns are still cut.
    """
    table: Table | None = None
    above: list[tuple[int, str]] = []
    header_starts = tuple(first_titles)
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.lstrip()
        if not stripped:
            continue
        if table is not None and not stripped.startswith(header_starts):
            yield number, line, table.cut(line)  # a row: a header starts with a first title
            continue
        titles = _TITLE.findall(line)
        if table is None and not set(titles) & known_titles:
            if len(above) == _MAX_ABOVE:
                first = above[0][0] if above else number
                raise ParseError(f"no table header: none of {', '.join(sorted(first_titles))} "
                                 f"in the first {_MAX_ABOVE + 1} lines", first)
            above.append((number, line))
            continue
        if table is None or (titles[0] in first_titles and set(titles) <= known_titles):
            table = Table(line)
            yield from ((n, stray, None) for n, stray in above)
            above = []
            if not set(titles) <= known_titles:
                yield number, line, None
            continue
        yield number, line, table.cut(line)
    if table is None:
        raise ParseError(f"no table header: none of {', '.join(sorted(first_titles))} "
                         f"in the text", above[0][0] if above else 1)


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
                for number, line, value in object_lines(text))
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

