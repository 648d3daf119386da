"""Terminal transcripts: several commands and their outputs in one text, as people paste them.

A command line is recognised by its prompt:

    user@host:~$ ip addr          [root@host ~]# route -n        host:~ # brctl show
    root@3f2a1b9c0d4e:/# ip addr  / # ip route                    bash-5.1# sysctl -a
    -> % docker ps                ➜ ~ $ ip addr
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
12-hex container ID (Docker's default hostname), or a container named earlier in the transcript
(by `docker exec` or in `docker ps`), names that container.

On which host: a prompt naming a host (`user@web1:~$`, `[root@web1 ~]#`, `web1:~ #`) says it for
the commands typed at it (`Segment.host`; None for `$`, `/ #` and the like). Tools that run one
command on several hosts print one block per host, each opened by a header line: Ansible
(`web1 | CHANGED | rc=0 >>`), pssh/parallel-ssh (`[1] 12:00:00 [SUCCESS] web1`), and head or
tail of several files (`==> web1/ip_addr.txt <==`, the host being the file's folder). Each block
is a segment of its own, of the command the tool ran (`ansible all -a 'ip addr'`, `pssh -i ...
'ip addr'`) or the kind the file's name tells; the same command run again is a segment again.

A comment that names a command netparse reads (`# ip addr show on the host, one of them`) and is
followed at once by that command's output (not by a command line) opens that output too.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass, field

from netparse.sources.commands import Command, identify
from netparse.sources.names import kind_of_name
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
    # -> %   ➜ ~ $   (zsh themes that open the prompt with an arrow)
    r"(?P<prompt>(?:->|=>|\u279c|\u2192|\u00bb)\s+(?:[~/][^\s$#%]*\s+)?[$#%])(?:\s+(?P<cmd>.*))?$",
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
_TERMINAL = "\r\b\x07\x1b"


def _terminal(text: str) -> bool:
    """A character of a terminal's redraws or colours is in `text` (one fast scan for each: a
    regex class takes a tenth of a second over a 60 MB docker inspect)."""
    return any(ch in text for ch in _TERMINAL)


_HEX_ID = re.compile(r"[0-9a-f]{12}")
# Headers of one host's (or file's) block in the output of a tool that ran a command on several.
_ANSIBLE = re.compile(r"(?P<host>[\w.:\[\]-]+) \| (?P<status>CHANGED|SUCCESS|FAILED|UNREACHABLE!?)"
                      r" \| rc=(?P<rc>-?\d+) >>\s*$")
_PSSH = re.compile(r"\[\d+\] \d\d:\d\d:\d\d \[(?P<status>SUCCESS|FAILURE)\] (?P<host>[\w.:@\[\]-]+)"
                   r"(?P<rest>.*)$")
_HEAD_TAIL = re.compile(r"==> (?P<path>.+) <==\s*$")
_PSSH_OPTS = {"-h", "--hosts", "-H", "--host", "-l", "--user", "-p", "--par", "-o", "--outdir",
              "-e", "--errdir", "-t", "--timeout", "-O", "--option", "-x", "--extra-args", "-X",
              "--extra-arg"}
_COMMAND_NAMES = re.compile(r"\b(?:sudo\s+)?(?:ip|bridge|brctl|route|netstat|sysctl|docker|"
                            r"podman|iptables|ip6tables|nft)\b")


@dataclass
class Segment:
    """One command of a transcript and the lines of its output."""

    line: int                  # line of the command (1-based)
    text: str                  # the command as typed (continuation lines joined)
    command: Command
    container: str | None      # where it ran, from the command or the shell it was typed in
    style: str                 # "prompt", "header" (a command line without a prompt),
    #                            "comment" (a comment naming the command) or "block" (one host's
    #                            block of an Ansible, pssh or head/tail output)
    first_line: int = 0        # line where the output starts (0: no output)
    output: list[str] = field(default_factory=list)
    host: str | None = None    # the host its prompt or block header names
    blocks: bool = False       # its output is split into blocks, one per host or file


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
    if not (_terminal(text) or _MAYBE_FIRST.match(text) or _MAYBE_COMMAND.search(text)
            or _maybe_block(text)):
        return None
    lines = clean_lines(text)
    segments: list[Segment] = []
    stray: list[tuple[int, int]] = []
    shells: list[_Shell] = []
    known: set[str] = set()           # containers named so far (docker exec, docker ps)
    current: Segment | None = None
    runner: Segment | None = None     # the command whose output is split into blocks
    host: str | None = None           # the host of the last prompt that named one
    stray_at = 0

    def close():
        nonlocal current
        if current is not None:
            while current.output and not current.output[-1].strip():
                current.output.pop()
            if not current.output:
                current.first_line = 0
            if current.style == "comment" and not _confirmed(current):
                stray.append((current.line + 1, len(current.output)))
                segments.remove(current)
            if current.command.kind == "docker_ps":
                known.update(_ps_names(current.output))
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
        block = _block(line, runner)
        if block is not None:
            close()
            end_stray(number)
            current = block
            current.line = number
            segments.append(current)
            if runner is not None:
                runner.blocks = True
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
            container = _where(shells, key, command, known)
            prompt_host = _host(key, container, known)
            if prompt_host is not None and not shells:
                host = prompt_host
            runner = None
            if command is not None:
                current = Segment(number, typed, command, container, style,
                                  host=prompt_host if container is None else host)
                segments.append(current)
                _follow_shells(shells, key, command, container, typed)
                if command.container:
                    known.add(command.container)
                if not command.capture:
                    runner = current
            i += 1
            continue
        if line.startswith("#") and (current is None or current.command.capture):
            close()  # a comment between outputs
            end_stray(number)
            # Only in a transcript already: a capture may start with a comment of its own
            # (`# Generated by iptables-save`).
            mention = _mentioned(line) if any(s.style == "prompt" for s in segments) else None
            if mention is not None and i + 1 < len(lines) and lines[i + 1].strip() \
                    and _command_line(lines, i + 1) is None and not _FENCE.match(lines[i + 1]):
                current = Segment(number, mention.line, mention, _where(shells, None, mention,
                                  known), "comment", host=host if shells else None)
                segments.append(current)
        elif current is not None:
            if line.strip() or current.output:
                if current.style == "block" and line.startswith("Stderr:") \
                        and _PSSH.match(current.text):
                    close()  # pssh prints a host's standard error after its output
                    stray_at = number
                else:
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
    return Transcript(segments, sorted(stray))


_MAYBE_BLOCK = re.compile(r"^(?:" + "|".join(re.sub(r"[(][?]P<[^>]+>", "(?:", rx.pattern)
                                             for rx in (_ANSIBLE, _PSSH, _HEAD_TAIL)) + ")", re.M)
# Each of those headers holds one of these words: a scan for them is much faster than the regex
# tried at every line start, which runs only when one is there. Each word is looked for only
# where a character of it is: one scan for a character is faster still, and most captures lack
# `|` and `>`.
_BLOCK_WORDS = ((" | rc=", "|"), ("[SUCCESS] ", "["), ("[FAILURE] ", "["), ("==> ", ">"))


def _maybe_block(text: str) -> bool:
    return (any(char in text and word in text for word, char in _BLOCK_WORDS)
            and _MAYBE_BLOCK.search(text) is not None)


def _block(line: str, runner: Segment | None) -> Segment | None:
    """A segment for one host's or file's block, when `line` opens one."""
    if not line or line[0] in " \t":
        return None
    m = _ANSIBLE.match(line)
    if m:
        inner = _runner_command(runner, "ansible")
        failed = m.group("rc") != "0" or m.group("status").startswith(("FAILED", "UNREACHABLE"))
        return _block_segment(line, inner, m.group("host"), "ansible",
                              f"the command failed there ({m.group('status')}, rc={m.group('rc')})"
                              if failed else None)
    m = _PSSH.match(line)
    if m:
        inner = _runner_command(runner, "pssh")
        failed = m.group("status") == "FAILURE"
        host = re.sub(r":\d+$", "", m.group("host"))  # pssh adds the port it was given
        return _block_segment(line, inner, host, "pssh",
                              f"the command failed there ({m.group('rest').strip() or 'FAILURE'})"
                              if failed else None)
    m = _HEAD_TAIL.match(line)
    if m:
        path = m.group("path").strip()
        folder, name = posixpath.split(path)
        kind, _ = kind_of_name(name)
        if kind is None and folder == "":
            folder = path  # `==> web1 <==`: a file named after its host
        text = f"==> {path} <=="
        # `tail` or `head` without `-n +1` or a count shows part of each file.
        command = Command(text, kind, True, None, _head_tail_view(runner))
        return Segment(0, text, command, None, "block", host=folder or None)
    return None


def _block_segment(line: str, inner: Command | None, host: str, tool: str,
                   failed: str | None) -> Segment:
    text = line.strip()
    if failed is not None:
        command = Command(text, reason=f"{host}: {failed}")
    elif inner is None:
        command = Command(text, None, True)   # the command is not shown: the content tells
    else:
        command = inner
    return Segment(0, text, command, inner.container if inner else None, "block", host=host)


def _runner_command(runner: Segment | None, tool: str) -> Command | None:
    """The command that Ansible or pssh ran on each host (`ansible all -a 'ip addr'`), when the
    line that started it is in the transcript and names a command netparse reads."""
    if runner is None:
        return None
    try:
        words = shlex.split(runner.text, comments=True)
    except ValueError:
        return None
    while words and words[0] in ("sudo", "time"):
        words = words[1:]
    prog = posixpath.basename(words[0]) if words else ""
    inner = None
    if tool == "ansible" and prog == "ansible":
        for j, word in enumerate(words[:-1]):
            if word in ("-a", "--args"):
                inner = words[j + 1]
    elif tool == "pssh" and prog in ("pssh", "parallel-ssh"):
        j = 1
        while j < len(words) and words[j].startswith("-"):
            j += 2 if words[j] in _PSSH_OPTS else 1
        inner = " ".join(words[j:]) or None
    if inner is None:
        return None
    command = identify(inner)
    return command if command.capture else Command(inner, reason=command.reason)


def _head_tail_view(runner: Segment | None) -> str | None:
    """What `head`/`tail` left out: None when it printed whole files (`tail -n +1`)."""
    if runner is None:
        return "==> <== (head or tail of several files; the command is not shown)"
    words = runner.text.split()
    if "+1" in words or "-n+1" in words or "--lines=+1" in words or "-c+1" in words:
        return None
    return runner.text


def _mentioned(line: str) -> Command | None:
    """The command a comment names in its prose (`# ip addr show on the host, one of them`)."""
    for m in _COMMAND_NAMES.finditer(line):
        words = line[m.start():].split()
        for end in range(1, len(words) + 1):  # the shortest: the prose goes on after it
            command = identify(" ".join(words[:end]))
            if command.capture and command.kind is not None:
                return command
    return None


def _confirmed(segment: Segment) -> bool:
    """A comment's output is taken only when its content looks like the command it names."""
    from netparse.kinds.detect import scores

    from netparse.rawtext import prepare

    return scores(prepare("\n".join(segment.output))).get(segment.command.kind, 0) >= 50


def _ps_names(output: list[str]) -> set[str]:
    """Container IDs and names of a `docker ps` table (first and last column)."""
    names = set()
    for row in output[1:]:
        cells = row.split()
        if len(cells) >= 2 and _HEX_ID.fullmatch(cells[0][:12]):
            names.update((cells[0][:12], cells[-1]))
    return names


def _host(key: str | None, container: str | None, known: set[str]) -> str | None:
    """The host a prompt names (`user@web1`, `web1:~ #`), unless it is a container's."""
    if key is None or container is not None:
        return None
    name = key.split("@", 1)[1] if "@" in key else key
    if not re.fullmatch(r"[\w.-]+", name) or _HEX_ID.fullmatch(name) or name in known:
        return None
    return name


def _where(shells: list[_Shell], key: str | None, command: Command | None,
           known: set[str] = frozenset()) -> str | None:
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
        if _HEX_ID.fullmatch(host) or host in known:
            return host
    return None


def _follow_shells(shells: list[_Shell], key: str | None, command: Command,
                   container: str | None, typed: str) -> None:
    if command.shell:
        shells.append(_Shell(command.container or container, key))
    elif shells and typed.split()[:1] in (["exit"], ["logout"]):
        shells.pop()
