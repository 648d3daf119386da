"""Terminal transcripts: several commands and their outputs in one text, as people paste them.

A command line is recognised by its prompt:

    user@host:~$ ip addr          [root@host ~]# route -n        host:~ # brctl show
    root@3f2a1b9c0d4e:/# ip addr  / # ip route                    bash-5.1# sysctl -a
    $ docker ps                   # ip addr   (only when what follows `#` is a command netparse
                                                reads, otherwise it is a comment)

or, without a prompt, by a line that is nothing but a command netparse reads (`ip addr`,
`=== ip route ===`) at the start of the text or after a blank line. The output of a command is
every line up to the next command line; a markdown fence (```` ``` ````) or a comment line (`#`
at the start of the line) ends it. Blank lines around an output are dropped, blank lines inside
it are kept. Terminal control sequences (colours, bracketed paste, `\\r` redraws) of a raw
`script` log are removed, keeping the line count, so line numbers stay those of the file.

Where the command ran: `docker exec NAME cmd`, `nsenter -t PID -n cmd` and `ip netns exec NS cmd`
name it; `docker exec -it NAME sh` (and `nsenter -t PID -n` alone) opens a shell there, until
`exit` or until the prompt of the shell that opened it comes back; a prompt whose host is a
12-hex container ID (Docker's default hostname) names that container.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from netparse.sources.commands import Command, identify
from netparse.rawtext import render_line as _render

__all__ = ["Segment", "Transcript", "clean_lines", "split"]

_VENV = r"(?:\([^()\s]+\)\s)?"
# Prompts, anchored at the start of the line; `prompt` is the prompt itself, `cmd` what was typed.
_PROMPTS = tuple(re.compile(rx) for rx in (
    # user@host:~$   root@host:/tmp#   user@host ~ %   user@host$
    # (no user name when the container has no /etc/passwd entry: @3f2a1b9c0d4e:/#)
    _VENV + r"(?P<prompt>(?P<user>[\w.-]*)@(?P<host>[\w.-]+)(?:[: ](?:[~/][^\s$#%]*)?)?\s?"
            r"[$#%])(?:\s+(?P<cmd>.*))?$",
    # [root@host ~]#   [user@host dir]$
    _VENV + r"(?P<prompt>\[(?P<user>[\w.-]+)@(?P<host>[\w.-]+)(?:\s[^\]]*)?\]\s?[$#])"
            r"(?:\s+(?P<cmd>.*))?$",
    # host:~ #   host:/etc>
    r"(?P<prompt>(?P<host>[\w.-]+):[~/][^\s$#>]*\s?[$#>])(?:\s+(?P<cmd>.*))?$",
    # / #   ~ $   (busybox, alpine)
    r"(?P<prompt>[~/][^\s$#]*\s[$#])(?:\s+(?P<cmd>.*))?$",
    # bash-5.1#   sh-4.4$
    r"(?P<prompt>(?:ba|z|k|da)?sh-\d[\d.]*[$#])(?:\s+(?P<cmd>.*))?$",
))
_DOLLAR = re.compile(r"\$(?:\s+(?P<cmd>.*))?$")
_WORD = re.compile(r"(?:[A-Za-z_][\w.+-]*=\S*\s+)*[A-Za-z_./][\w./+-]*(?:\s|$)")
# A command line without a prompt: a comment (`# ip addr:`), a banner (`=== ip addr ===`) or the
# command alone. `cmd` runs to the end of the line; what may close it (`_*_END`, written for the
# line read backwards) is cut off by `_cut`. One regex with a lazy `cmd` before the closing
# part tried every end for `cmd`, in time square in the line's length (cube for the banner).
_HASH = re.compile(r"#+\s*(?P<cmd>.*)")
_HASH_END = re.compile(r"[\s#:]*")
_BANNER = re.compile(r"(?:[=*>-]{3,}|#{3,})\s*(?P<cmd>.+)")
_BANNER_END = re.compile(r"\s*(?:[=*<-]{3,}|#{3,})?[\s:]*")
_PLAIN = re.compile(r"(?P<cmd>(?:sudo\s+|busybox\s+)?(?:ip|bridge|brctl|route|netstat|sysctl|"
                    r"docker|podman|nsenter)\s.*|route|netstat|docker ps|ip a|ip r|ip l)[\s:]*$")
_PLAIN_END = re.compile(r"[\s:]*")
_FENCE = re.compile(r"\s*(```|~~~)")
# Any line that `_command_line` could take for a command line, in one pass over the whole text:
# most files are a single output with none, and are then left without looking at each line.
# (The leading newline lets the regex engine skip to line starts, and the lookahead drops the
# indented and JSON lines that most captures are made of at their first character.)
_COMMAND_SHAPES = "|".join(f"(?:{re.sub(r'[(][?]P<[^>]+>', '(?:', rx.pattern)})"
                           for rx in (*_PROMPTS, _DOLLAR, re.compile("#"), _BANNER, _PLAIN))
_MAYBE_COMMAND = re.compile(r'\n(?![ \t\n"{}\],])(?:' + _COMMAND_SHAPES + ")", re.M)
_MAYBE_FIRST = re.compile(f"(?:{_COMMAND_SHAPES})", re.M)  # the first line has no newline
_TERMINAL = re.compile(r"[\r\b\x07\x1b]")
_HEX_ID = re.compile(r"[0-9a-f]{12}")


@dataclass
class Segment:
    """One command of a transcript and the lines of its output."""

    line: int                  # line of the command (1-based)
    text: str                  # the command as typed (continuation lines joined)
    command: Command
    container: str | None      # where it ran, from the command or the shell it was typed in
    style: str                 # "prompt", or "header" for a command line without a prompt
    first_line: int = 0        # line where the output starts (0: no output)
    output: list[str] = field(default_factory=list)


@dataclass
class Transcript:
    segments: list[Segment]
    stray: list[tuple[int, int]]   # text outside any output: (first line, number of lines)


@dataclass
class _Shell:
    container: str | None
    entry: str | None              # prompt of the shell that opened this one
    inner: str | None = None       # first prompt seen inside


def clean_lines(text: str) -> list[str]:
    """The lines of `text` as a terminal showed them: no control sequences, `\\r` and backspace
    applied. One output line per `\\n`, so line numbers are kept."""
    return [_render(line) for line in text.split("\n")]


def _command_line(lines: list[str], i: int) -> tuple[str, str | None, str | None] | None:
    """(style, prompt key, typed text) when line `i` is a command line."""
    line = lines[i]
    for rx in _PROMPTS:
        m = rx.match(line)
        if m:
            host = m.groupdict().get("host")
            user = m.groupdict().get("user")
            key = f"{user}@{host}" if user is not None else (host or m.group("prompt"))
            return "prompt", key, (m.group("cmd") or "").strip()
    m = _DOLLAR.match(line)
    if m and (not m.group("cmd") or _WORD.match(m.group("cmd"))):
        return "prompt", "$", (m.group("cmd") or "").strip()
    if line.startswith("#"):
        cmd = _cut(_HASH, _HASH_END, line)
        return ("header", None, cmd) if cmd and _reads(cmd) else None
    after_blank = i == 0 or not lines[i - 1].strip() or bool(_FENCE.match(lines[i - 1]))
    cmd = _cut(_BANNER, _BANNER_END, line)
    if cmd and _reads(cmd):
        return "header", None, cmd
    cmd = _cut(_PLAIN, _PLAIN_END, line)
    if cmd and after_blank and _reads(cmd):
        return "header", None, cmd
    return None


def _cut(rx: re.Pattern, end: re.Pattern, line: str) -> str | None:
    """The `cmd` of `rx` in `line` without what `end` matches at its end (matched on `cmd`
    reversed: anchored, it runs once)."""
    m = rx.match(line)
    if not m:
        return None
    cmd = m.group("cmd")
    return cmd[:len(cmd) - end.match(cmd[::-1]).end()]


def _reads(text: str) -> bool:
    command = identify(text)
    return command.capture or (command.shell and command.container is not None)


def split(text: str) -> Transcript | None:
    """The commands of a transcript with their outputs; None when `text` is not a transcript
    (no command line with a prompt, and no command line netparse reads)."""
    if not (_TERMINAL.search(text) or _MAYBE_FIRST.match(text) or _MAYBE_COMMAND.search(text)):
        return None
    lines = clean_lines(text)
    segments: list[Segment] = []
    stray: list[tuple[int, int]] = []
    shells: list[_Shell] = []
    current: Segment | None = None
    stray_at = 0

    def close():
        nonlocal current
        if current is not None:
            while current.output and not current.output[-1].strip():
                current.output.pop()
            if not current.output:
                current.first_line = 0
            current = None

    def end_stray(number: int):
        nonlocal stray_at
        if stray_at:
            stray.append((stray_at, number - stray_at))
            stray_at = 0

    i = 0
    while i < len(lines):
        line = lines[i]
        number = i + 1
        if _FENCE.match(line):
            if current is not None and current.output:
                close()
            end_stray(number)
            i += 1
            continue
        found = _command_line(lines, i)
        if found is not None:
            style, key, typed = found
            close()
            end_stray(number)
            # A command continued on the next lines with a trailing backslash.
            while typed.endswith("\\") and i + 1 < len(lines):
                i += 1
                nxt = lines[i]
                nxt = nxt[2:] if nxt.startswith("> ") else nxt  # the shell's PS2
                typed = typed[:-1].rstrip() + " " + nxt.strip()
            command = identify(typed) if typed else None
            container = _where(shells, key, command)
            if command is not None:
                current = Segment(number, typed, command, container, style)
                segments.append(current)
                _follow_shells(shells, key, command, container, typed)
            i += 1
            continue
        if line.startswith("#") and (current is None or current.command.capture):
            close()  # a comment between outputs
            end_stray(number)
        elif current is not None:
            if line.strip() or current.output:
                if not current.output:
                    current.first_line = number
                current.output.append(line)
        elif line.strip():
            stray_at = stray_at or number
        else:
            end_stray(number)
        i += 1
    close()
    end_stray(len(lines) + 1)

    prompts = sum(1 for s in segments if s.style == "prompt")
    if not any(s.command.capture for s in segments) and prompts < 2:
        return None
    return Transcript(segments, stray)


def _where(shells: list[_Shell], key: str | None, command: Command | None) -> str | None:
    """The container a command ran in; pops the shells that the prompt shows were left."""
    if key is not None:
        while shells and shells[-1].entry == key and shells[-1].inner not in (None, key):
            shells.pop()
        if shells and shells[-1].inner is None:
            shells[-1].inner = key
    if command is not None and command.container:
        return command.container
    for shell in reversed(shells):
        if shell.container:
            return shell.container
    if key and "@" in key:
        host = key.split("@", 1)[1]
        if _HEX_ID.fullmatch(host):
            return host
    return None


def _follow_shells(shells: list[_Shell], key: str | None, command: Command,
                   container: str | None, typed: str) -> None:
    if command.shell:
        shells.append(_Shell(command.container or container, key))
    elif shells and typed.split()[:1] in (["exit"], ["logout"]):
        shells.pop()
