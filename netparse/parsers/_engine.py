"""What `docker version` and `docker info` share: the outline of their text form and the one
object of their JSON form (`--format '{{json .}}'`).

The outline is `Key: value` lines, headings (`Key:`) and bare values (list entries), each under
the nearest line above it that is indented less. A key is the text before the first colon that
ends the line or is followed by white space, so ` ID: RJR7:TMSS:...` is the key ID, and
`  127.0.0.1/8`, `  https://mirror.example/` or `   10.0.0.1:2377` are bare values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from netparse.errors import ParseError
from netparse.models.base import UnparsedLine
from netparse.models.engine import OutlineLine
from netparse.parsers.jsontext import elements

_KEYED = re.compile(r"(?P<key>[^\s:][^:]*?):(?P<rest>(?:\s.*)?)")


@dataclass
class Outline:
    """The lines under no other (`top`), with the line number of every line."""

    text: str
    top: list[OutlineLine] = field(default_factory=list)
    numbers: dict[int, int] = field(default_factory=dict)  # id(line) -> its line number

    def unparsed(self, line: OutlineLine) -> list[UnparsedLine]:
        """`line` and every line under it, as not understood."""
        lines = self.text.split("\n")
        found = []

        def walk(item: OutlineLine) -> None:
            number = self.numbers[id(item)]
            found.append(UnparsedLine(line=number, text=lines[number - 1]))
            for child in item.items:
                walk(child)

        walk(line)
        return found


def outline(text: str) -> Outline:
    result = Outline(text)
    open_lines: list[tuple[int, OutlineLine]] = []  # the lines the next one may be under
    for number, raw in enumerate(text.split("\n"), 1):
        body = raw.lstrip(" \t")
        if not body.strip():
            continue
        indent = len(raw) - len(body)
        match = _KEYED.fullmatch(body)
        if match:
            # Nothing after the colon: a heading, or a value printed empty (`init version: `);
            # only the trailing spaces, which copying loses, would tell them apart.
            line = OutlineLine(key=match.group("key"), value=match.group("rest").strip() or None)
        else:
            line = OutlineLine(value=body.strip())
        while open_lines and open_lines[-1][0] >= indent:
            open_lines.pop()
        (open_lines[-1][1].items if open_lines else result.top).append(line)
        open_lines.append((indent, line))
        result.numbers[id(line)] = number
    return result


def value(section: OutlineLine | None, key: str) -> str | None:
    """The value of the first `key` line under `section`; None when missing or empty."""
    line = section.find(key) if section is not None else None
    return line.value if line is not None else None


def engine_object(text: str, keys: set[str], what: str) -> tuple[int, dict, list[UnparsedLine]]:
    """The first JSON object with one of `keys` (its line, the object), and every other value
    and line as not understood."""
    lines = text.split("\n")
    found: tuple[int, dict] | None = None
    unparsed: list[UnparsedLine] = []
    for number, item in elements(text):
        if found is None and isinstance(item, dict) and keys & item.keys():
            found = number, item
        else:
            unparsed.append(UnparsedLine(line=number, text=lines[number - 1]))
    if found is None:
        raise ParseError(f"no {what} object: none holds {' or '.join(sorted(keys))}", 1)
    return found[0], found[1], unparsed


def nonempty(value) -> str | None:
    """A JSON value that is a non-empty string, else None."""
    return value if isinstance(value, str) and value else None


def object_of(value) -> dict:
    """A JSON value that is an object, else an empty one."""
    return value if isinstance(value, dict) else {}


def list_of(value) -> list:
    """A JSON value that is an array, else an empty one."""
    return value if isinstance(value, list) else []
