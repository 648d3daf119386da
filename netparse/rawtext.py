"""Captured bytes to text: the encoding (UTF-8, or UTF-16 as PowerShell's `>` writes it), and
what a terminal showed rather than the codes that drew it (colours, `\\r` redraws, backspaces).

Shared by the sources (which file is text, transcripts) and the parsers' text preparation. The
line count is kept, so line numbers stay those of the file.
"""

from __future__ import annotations

import heapq
import re

from netparse.errors import ParseError


def decode(data: bytes) -> str:
    """The text of `data`, UTF-8 or UTF-16 (see utf16); a BOM is kept. A character cut by the
    end of the data (a truncated capture) is left out; anything else that does not decode is a
    ParseError at its line."""
    encoding = utf16(data) or "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.end == len(data) and exc.reason in ("unexpected end of data", "truncated data"):
            return data[:exc.start].decode(encoding)
        line = data[:exc.start].decode(encoding, "replace").count("\n") + 1
        what = "UTF-8 text (binary data?)" if encoding == "utf-8" else "UTF-16 text"
        raise ParseError(f"not {what}", line) from None


def utf16(data: bytes) -> str | None:
    """The UTF-16 codec of `data`: by its BOM (PowerShell's `>`), or without one when a NUL
    byte stands beside every character; None for anything else."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = data[:512]
    if len(sample) < 4 or b"\x00" not in sample:  # UTF-16 text has NULs beside its ASCII
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
        return "utf-16-be"
    return None


ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]"        # CSI: colours, cursor, bracketed paste
                     r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: window title
                     r"|\x1b[P^_][^\x1b]*\x1b\\"         # DCS, PM, APC
                     r"|\x1b[()*+][0-9A-Za-z]|\x1b.?")
CONTROLS = re.compile(r"[\r\b\x07\x1b]")


# Erase in line (`ESC [ K`, `ESC [ 1 K`, `ESC [ 2 K`), which progress meters send after `\r`.
_ERASE = re.compile(r"\x1b\[([012]?)K")


def render_line(line: str) -> str:
    """One line as shown: escape sequences removed, `\\r` and backspace move the cursor, erase
    in line clears."""
    line = line.rstrip("\r")
    if "\x1b" in line:
        if "\r" in line and _ERASE.search(line):
            return _render_erasing(line)
        line = ESCAPES.sub("", line)
    if not any(c in line for c in "\r\b\x07"):
        return line
    cells: list[str] = []
    col = 0
    for c in line:
        if c == "\r":
            col = 0
        elif c == "\b":
            col = max(col - 1, 0)
        elif c != "\x07":
            if col < len(cells):
                cells[col] = c
            else:
                cells.append(c)
            col += 1
    return "".join(cells)


def _render_erasing(line: str) -> str:
    """render_line for a line that erases: each piece drawn in turn, then cleared as told.
    Cells cleared left of the cursor are cleared once, not again at each erase (which took time
    square in the line's length)."""
    cells: list[str] = []
    col = 0
    blank = 0                 # cells[:blank] are spaces, but for those in `written`
    written: list[int] = []   # heap of the cells below `blank` written since
    for piece in re.split(r"(\r|\x1b\[[012]?K)", line):
        erase = _ERASE.fullmatch(piece)
        if piece == "\r":
            col = 0
        elif erase:
            mode = erase.group(1)
            if mode in ("1", "2"):  # clear left of the cursor
                cells.extend(" " * (col - len(cells)))
                while written and written[0] < col:
                    cells[heapq.heappop(written)] = " "
                cells[blank:col] = " " * max(col - blank, 0)
                blank = max(blank, col)
            if mode != "1":  # clear from the cursor to the end
                del cells[col:]
                blank = min(blank, col)
        elif piece:
            text = render_line(piece)
            cells.extend(" " * (col - len(cells)))
            cells[col:col + len(text)] = text
            for cell in range(col, min(col + len(text), blank)):
                heapq.heappush(written, cell)
            col += len(text)
    return "".join(cells)


def render(text: str) -> str:
    """`text` with every line rendered (see render_line); unchanged when it has no controls."""
    if not any(ch in text for ch in "\r\b\x07\x1b"):  # CONTROLS, one fast scan each
        return text
    return "\n".join(render_line(line) for line in text.split("\n"))


def prepare(text: str | bytes) -> str:
    """Text as the parsers expect it: decoded, no BOM, `\\n` line ends, and what a terminal
    showed rather than the codes that drew it (colours of `ip -c`, `\\r` redraws of progress
    output). The line count is kept."""
    if isinstance(text, bytes):
        text = decode(text)
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\n" not in text:
            text = text.replace("\r", "\n")  # old Mac line ends
    return render(text)


def json_int(digits: str) -> int | str:
    """A JSON integer, as `json.JSONDecoder(parse_int=json_int)` reads it. One longer than
    Python converts (4,300 digits) stays text that no integer field accepts, so the model
    refuses it where it stands instead of a ValueError escaping the decoder."""
    try:
        return int(digits)
    except ValueError:
        return f"{digits[:20]}... ({len(digits)} digits)"
