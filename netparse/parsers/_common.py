"""Helpers shared by parser modules."""

from __future__ import annotations

from collections.abc import Iterable

from netparse.models.base import UnparsedLine


def unparsed_lines(text: str, understood: Iterable[int]) -> list[UnparsedLine]:
    """Non-blank lines of `text` whose (1-based) numbers are not in `understood`."""
    seen = set(understood)
    return [UnparsedLine(line=n, text=line)
            for n, line in enumerate(text.split("\n"), 1)
            if n not in seen and line.strip()]


def as_list(value) -> list:
    """TTP gives a dict for one match and a list for several; callers want a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def numbered_rows(rows: list[dict], understood: Iterable[int]) -> list[tuple[int, dict]]:
    """Pair the rows of a one-group `method="table"` template with the lines they came from.

    Such a template gives one row per matched line, in input order, so the n-th row is the n-th
    understood line; a row that turns out to be bad can then be reported with its line number.
    Line 0 is given to every row when the counts differ (a template that breaks that rule).
    """
    lines = sorted(understood)
    if len(lines) != len(rows):
        return [(0, row) for row in rows]
    return list(zip(lines, rows))


def template_rows(template, text: str) -> tuple[list[tuple[int, dict]], set[int]]:
    """The numbered rows of a one-group table template over `text`, and the lines understood.

    The template's own regexes are run directly when they can be (`Template.table`); when two
    of its lines match one input line, TTP decides as usual.
    """
    rows = template.table(text)
    if rows is not None:
        return rows, {line for line, _ in rows}
    understood = template.understood(text)
    return numbered_rows(as_list(template.run(text).get("lines")), understood), understood


def docstring_sample(doc: str | None) -> str:
    """The literal block of a parser module's docstring (the indented lines after the line that
    ends in `::`) as capture text: the sample its doctest parses. Empty under `python -OO`."""
    if not doc:
        return ""
    lines = doc.split("\n")
    start = next(n for n, line in enumerate(lines) if line.endswith("::")) + 2
    block = []
    for line in lines[start:]:
        if not line.startswith("    "):
            break
        block.append(line[4:])
    return "\n".join(block) + "\n"
