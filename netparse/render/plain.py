"""The uncoloured text report laid out with plain strings, as rich would lay it out.

Without colour, rich only copies the characters and wraps the lines; at thousands of ports that
is most of the report's time, and importing rich a tenth of a second more. Here a line that fits
is written as it is, and only what must be wrapped (a line longer than the width, a grid whose
last column has too little room) goes through rich, imported then, so that the text is the same
byte for byte.
"""

from __future__ import annotations

import io
import re

# Characters the report draws itself, one cell wide as rich counts them (the tree's guides, the
# separator, the ifindex arrow): a line made of these and ASCII is as wide as it is long.
_WIDE = re.compile(r"[^\x00-\x7f│├└─·↔]")  # any other character


def _narrow(text: str) -> bool:
    """Every character of `text` takes one cell."""
    return not _WIDE.search(text) and text.isprintable()


def cell_len(text: str) -> int:
    """Cells `text` takes on a terminal, as rich counts them."""
    if text.isascii() or not _WIDE.search(text):
        return len(text)
    from rich.cells import cell_len as rich_cell_len

    return rich_cell_len(text)


class PlainText:
    """The part of rich's `Text` the report is built with, keeping the characters only."""

    __slots__ = ("_parts", "style", "no_wrap")

    def __init__(self, text: str = "", style: str | None = None):
        self._parts = [text]
        self.style = style
        self.no_wrap = False

    @classmethod
    def assemble(cls, *pieces) -> PlainText:
        texts = [piece[0] if isinstance(piece, tuple) else piece for piece in pieces]
        return cls("".join([t if type(t) is str else t.plain for t in texts]))

    def append(self, text, style: str | None = None) -> PlainText:
        self._parts.append(text if type(text) is str else text.plain)
        return self

    @property
    def plain(self) -> str:
        parts = self._parts
        if len(parts) == 1:
            return parts[0]
        text = "".join(parts)
        self._parts = [text]
        return text

    @property
    def cell_len(self) -> int:
        return cell_len(self.plain)

    def rstrip(self) -> None:
        self._parts = [self.plain.rstrip()]

    def __bool__(self) -> bool:
        return any(self._parts)


_WORD = re.compile(r"\s*\S+\s*")  # a word and the spaces round it, as rich divides a line
_END_SPACE = re.compile(r"\s+$")


def _word_wrap(line: str, width: int) -> list[str] | None:
    """`line` (one cell per character) word-wrapped at `width` as rich wraps it, or None for a
    word longer than the width, which rich folds."""
    breaks = []
    offset = 0
    for match in _WORD.finditer(line):
        start, word = match.start(), match.group()
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width:
            return None
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    lines = [line[a:b] for a, b in zip([0, *breaks], [*breaks, len(line)])]
    for i, piece in enumerate(lines):
        if len(piece) > width:  # the spaces that end it beyond the width go
            space = _END_SPACE.search(piece)
            if space:
                lines[i] = piece[:len(piece) - min(len(space.group()), len(piece) - width)]
    return lines


def _rich_console(width: int, file):
    from rich.console import Console

    # As netparse.render.text makes it, without colour.
    return Console(file=file, force_terminal=False, no_color=False, color_system=None,
                   width=width, height=50, markup=False, emoji=False, highlight=False,
                   legacy_windows=False, soft_wrap=False)


def _fits(line: str, width: int) -> bool:
    return "\t" not in line and cell_len(line) <= width


class Grid:
    """Borderless columns, as `Table.grid(padding=(0, 2))` with every column but the last
    `no_wrap` and the last folding (one column: a text), drawn inside `Padding(grid, (0, 0, 0,
    2))` when `Indented`."""

    def __init__(self, columns: int):
        self.columns = columns
        self.rows: list[tuple[str, ...]] = []

    def add_row(self, *cells) -> None:
        self.rows.append(tuple(c if type(c) is str else c.plain for c in cells))


class Indented:
    def __init__(self, grid: Grid):
        self.grid = grid


class PlainOut:
    """Where the plain report is written, `width` columns wide."""

    def __init__(self, width: int):
        self.width = width
        self.out = io.StringIO()
        self._console = None

    def rich(self):
        """rich's console on the same output, for what only rich lays out."""
        if self._console is None:
            self._console = _rich_console(self.width, self.out)
        return self._console

    def wrap(self, text: str, width: int) -> list[str]:
        """`Text(text).wrap(console, width, overflow="fold")`, as plain strings."""
        if "\n" not in text and _fits(text, width):
            return [text]
        if width > 0 and _narrow(text.replace("\n", "")):
            lines = [piece for line in text.split("\n") for piece in _word_wrap(line, width) or
                     [None]]
            if None not in lines:
                return lines
        from rich.text import Text

        return [line.plain for line in Text(text).wrap(self.rich(), width, overflow="fold")]

    def print(self, part=None) -> None:
        """As `console.print(part)` (a blank line without one)."""
        if part is None:
            self.out.write("\n")
        elif isinstance(part, Indented):
            self._grid(part.grid)
        elif part.no_wrap:
            self.out.write(part.plain + "\n")
        else:
            # rich prints a text as its lines wrapped at the width.
            text = part.plain
            if all(_fits(line, self.width) for line in text.split("\n")):
                self.out.write(text + "\n")
            else:
                self.out.write("\n".join(self.wrap(text, self.width)) + "\n")

    def _grid(self, grid: Grid) -> None:
        rows = grid.rows
        if not rows:
            self.rich().print(_rich_grid(grid))
            return
        fixed = [max(cell_len(r[i]) for r in rows) for i in range(grid.columns - 1)]
        lead = 2 + sum(fixed) + 2 * len(fixed)
        room = self.width - lead
        last = max(cell_len(line) for r in rows for line in r[-1].split("\n"))
        if not all(fixed) or not last or any(
                "\n" in c or "\t" in c for r in rows for c in r[:-1]) or any(
                "\t" in r[-1] for r in rows) or (last > room and fixed and
                                                 room < max(20, self.width // 3)):
            # The grid would shrink the first columns too: rich lays that out.
            self.rich().print(_rich_grid(grid))
            return
        write = self.out.write
        gap = " " * lead
        for row in rows:
            write("  ")
            for cell, width in zip(row, fixed):
                write(cell + " " * (width - cell_len(cell) + 2))
            lines = [piece for line in row[-1].split("\n") for piece in
                     (self.wrap(line, room) if last > room else (line,))]
            write(lines[0])
            for line in lines[1:]:
                write("\n" + gap + line)
            write("\n")


def _rich_grid(grid: Grid):
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    if grid.columns == 1:  # one text, indented
        return Padding(Text(grid.rows[0][0]) if grid.rows else Text(), (0, 0, 0, 2))
    table = Table.grid(padding=(0, 2))
    for i in range(grid.columns):
        table.add_column(no_wrap=i < grid.columns - 1, overflow="fold")
    for row in grid.rows:
        table.add_row(*(Text(cell) for cell in row))
    return Padding(table, (0, 0, 0, 2))
