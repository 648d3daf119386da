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
