"""Damage that captures suffer on their way from the customer's terminal to netparse.

Each function takes the text of a real capture and gives the bytes that arrive.
"""

from __future__ import annotations

import re
import textwrap

_COLOURED = re.compile(r"(?:[0-9a-f]{2}:){5}[0-9a-f]{2}"     # MACs (`ip -c`: yellow)
                       r"|\b\d{1,3}(?:\.\d{1,3}){3}\b"        # IPv4 addresses (magenta)
                       r"|\b(?:docker0|eth0|lo|veth\w+|br-[0-9a-f]+)\b")  # names (cyan)


def powershell_utf16(text: str) -> bytes:
    """`cmd > file` in Windows PowerShell 5: UTF-16 LE with a BOM, CRLF line ends."""
    return text.replace("\n", "\r\n").encode("utf-16")


def utf16_without_bom(text: str) -> bytes:
    return text.encode("utf-16-le")


def utf16_big_endian(text: str) -> bytes:
    return text.encode("utf-16-be")


def utf8_bom(text: str) -> bytes:
    """PowerShell 7's `Out-File -Encoding utf8BOM`, Notepad's "UTF-8 with BOM"."""
    return b"\xef\xbb\xbf" + text.encode()


def crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode()


def cr_only(text: str) -> bytes:
    """Classic Mac line ends."""
    return text.replace("\n", "\r").encode()


def ansi_colours(text: str) -> bytes:
    """Colour codes as `ip -c` writes them around names and addresses, and as `grep --color`
    highlights a match."""
    coloured = _COLOURED.sub(lambda m: f"\x1b[36m{m.group()}\x1b[0m", text)
    return coloured.replace("UP", "\x1b[01;31m\x1b[KUP\x1b[m\x1b[K").encode()


def tabs_to_spaces(text: str) -> bytes:
    """An editor or a chat client that turns tabs into spaces (8-column stops)."""
    return text.expandtabs(8).encode()


def trailing_spaces_removed(text: str) -> bytes:
    return "\n".join(line.rstrip() for line in text.split("\n")).encode()


def mail_wrapped(text: str, width: int = 80) -> bytes:
    """A mail client that wraps long lines at the last space before `width` (a word longer
    than the line is left whole)."""
    lines = []
    for line in text.split("\n"):
        if len(line) <= width:
            lines.append(line)
        else:
            lines.extend(textwrap.wrap(line, width, break_long_words=False,
                                       break_on_hyphens=False, expand_tabs=False,
                                       replace_whitespace=False) or [line])
    return "\n".join(lines).encode()


def progress_cleared(text: str) -> bytes:
    """Progress output of another tool redrawn with `\\r` on the first line and cleared with
    erase-line (`\\r\\x1b[K`) before the capture starts, as curl, pv and apt do."""
    return ("Fetching 10%\rFetching 55%\rFetching 100%\r\x1b[K" + text).encode()


def progress_overwritten(text: str) -> bytes:
    """The same, redrawn without clearing: what is left on screen mixes both."""
    return ("Fetching 10%\rFetching 55%\rFetching 100%\r" + text).encode()


#: Damage after which the capture must read exactly as the original.
LOSSLESS = {f.__name__: f for f in (powershell_utf16, utf16_without_bom, utf16_big_endian,
                                     utf8_bom, crlf, cr_only, ansi_colours, tabs_to_spaces,
                                     trailing_spaces_removed, progress_cleared)}
#: Damage that may lose information: the capture reads as the original or the damage is reported.
LOSSY = {f.__name__: f for f in (mail_wrapped, progress_overwritten)}
