"""Which kind of capture a command line produces.

`identify("sudo docker exec web1 ip -d addr | grep inet")` reads the line the way a shell would
(quotes, pipes, redirections, wrappers such as `sudo`, `docker exec`, `nsenter`, `ip netns exec`)
and says whether its output is a capture netparse reads, of which kind, and in which container's
network namespace it was taken. The check is strict on purpose: a line only counts when the
command would really print that output (`ip addr add ...` or `ip route get ...` do not), so that
prose such as "# ip addr on the host" is not taken for a command.

A capture command piped through grep, head, tail, sort, uniq or jq (other than `jq .`), or
`docker inspect` with a `--format` template that prints network settings, gives a view of the
command's output: `Command.filtered` holds the filter as typed, and what is absent from such an
output proves nothing. `docker inspect NAME` may show a container or a network: `choices` names
both and the content chooses; `docker inspect $(docker ps -q)` shows containers.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from netparse.kinds import KINDS

__all__ = ["Command", "NewContainer", "identify", "kind_of_command", "new_container",
           "unmangle_sos_name"]


@dataclass(frozen=True)
class Command:
    """What a command line is, as far as captures are concerned."""

    line: str                     # the command as typed, without the pipe that follows it
    kind: str | None = None       # the capture kind, when the command line tells it
    capture: bool = False         # its output is a capture (kind may still be None: docker inspect)
    container: str | None = None  # namespace it ran in: container name or ID, pid:N, netns:X
    filtered: str | None = None   # the filter as typed (`| grep x`, `-f '{{json .X}}'`): the
    #                               output is a view of the command's, lines or keys may be missing
    shell: bool = False           # opens an interactive shell inside `container`
    reason: str | None = None     # why the output is not a capture
    choices: tuple[str, ...] = () # when `kind` is None: the kinds the content chooses from


def kind_of_command(cmdline: str) -> str | None:
    """The capture kind a command line produces, or None (unknown, not a capture, or decided by
    content as for `docker inspect NAME`, which can be a container or a network)."""
    return identify(cmdline).kind


class _Op(str):
    """A shell operator token (`|`, `;`, `&&`, a redirection), told apart from words."""


# ---------------------------------------------------------------------------------------------
# Shell words


def _tokenize(text: str) -> tuple[list[str], list[int], int] | None:
    """Words and operators of a command line, the offset where each starts and where the command
    ends (a `#` comment may follow); None when a quote is not closed."""
    tokens: list[str] = []
    starts: list[int] = []
    i, n = 0, len(text)
    word: list[str] | None = None
    start = 0

    def end_word():
        nonlocal word
        if word is not None:
            tokens.append("".join(word))
            starts.append(start)
            word = None

    while i < n:
        c = text[i]
        if c in " \t":
            end_word()
            i += 1
            continue
        if c == "#" and word is None:
            n = i  # a comment up to the end of the line
            break
        if c in "|&;<>":
            # `2>` and `2>&1`: a redirection whose fd was read as a word
            fd = ""
            if c in "<>" and word is not None and "".join(word).isdigit() and i > 0 \
                    and text[i - 1].isdigit():
                fd = "".join(word)
                word = None
            else:
                end_word()
            op_start = i - len(fd)
            for op in ("&>>", "&>", ">>", ">&", "<&", "&&", "||", "|&", ";;", "|", "&", ";", ">",
                       "<"):
                if text.startswith(op, i):
                    break
            i += len(op)
            if op in (">&", "<&"):
                m = re.match(r"\d+|-", text[i:])
                if m:
                    op += m.group()
                    i += m.end()
            tokens.append(_Op(fd + op))
            starts.append(op_start)
            continue
        if word is None:
            word, start = [], i
        if c == "'":
            j = text.find("'", i + 1)
            if j < 0:
                return None
            word.append(text[i + 1:j])
            i = j + 1
        elif c == '"':
            j = i + 1
            buf = []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n and text[j + 1] in '"\\$`':
                    j += 1
                buf.append(text[j])
                j += 1
            if j >= n:
                return None
            word.append("".join(buf))
            i = j + 1
        elif c == "\\":
            word.append(text[i + 1:i + 2])
            i += 2
        elif text.startswith("$(", i) or c == "`":
            j = _substitution_end(text, i)
            if j is None:
                return None
            word.append(text[i:j])
            i = j
        else:
            word.append(c)
            i += 1
    end_word()
    return tokens, starts, n


def _substitution_end(text: str, i: int) -> int | None:
    """End offset of the `$(...)` or backquoted substitution starting at `i`."""
    if text[i] == "`":
        j = text.find("`", i + 1)
        return None if j < 0 else j + 1
    depth, j, quote = 0, i + 1, None
    while j < len(text):
        c = text[j]
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return None


# ---------------------------------------------------------------------------------------------
# Command lines

# Programs a capture can be piped through; the output stays the command's own lines.
_FILTERS = {"grep", "egrep", "fgrep", "rg", "head", "tail", "sort", "uniq"}
_PASS_THROUGH = {"cat", "less", "more", "tee"}
_JSON_PRETTY = {"jq", "json_pp"}
_SHELLS = {"sh", "bash", "ash", "dash", "zsh", "ksh"}


def identify(cmdline: str) -> Command:
    """Read a command line: see the module docstring."""
    text = cmdline.strip()
    parsed = _tokenize(text)
    if parsed is None:
        return Command(text, reason="unbalanced quotes")
    tokens, starts, end = parsed
    text = text[:end].rstrip()
    if not tokens:
        return Command(text, reason="no command")

    # One command per line: `a; b` or `a && b` mixes several outputs.
    for index, tok in enumerate(tokens):
        if isinstance(tok, _Op) and tok in (";", "&&", "||", "&", ";;"):
            if any(not isinstance(t, _Op) for t in tokens[index + 1:]):
                return Command(text, reason="several commands on one line")
            text = text[:starts[index]].rstrip()
            tokens, starts = tokens[:index], starts[:index]
            break
    if not tokens:
        return Command(text, reason="no command")

    stages: list[list[str]] = [[]]
    cut = len(text)
    for tok, at in zip(tokens, starts):
        if isinstance(tok, _Op) and tok in ("|", "|&"):
            if len(stages) == 1:
                cut = at
            stages.append([])
        else:
            stages[-1].append(tok)
    line = text[:cut].strip()

    argv, redirect = _strip_redirections(stages[0])
    if redirect:
        return Command(line, reason=redirect)
    if not argv:
        return Command(line, reason="no command")

    filtered = False
    for stage in stages[1:]:
        words, _ = _strip_redirections(stage)
        if not words:
            return Command(line, reason="empty pipe")
        prog = posixpath.basename(words[0])
        if prog in _FILTERS:
            filtered = True
        elif prog in _PASS_THROUGH:
            pass
        elif prog in _JSON_PRETTY and all(w in (".", "-M", "-C", "-r", "--tab") for w in words[1:]):
            pass
        elif prog == "jq":
            filtered = True  # `jq '.[0].NetworkSettings'`: a part of the document
        elif words[:3] == ["python3", "-m", "json.tool"] or words[:3] == ["python", "-m",
                                                                           "json.tool"]:
            pass
        else:
            return Command(line, reason=f"output transformed by {prog}")

    result = _identify_argv(argv, None)
    view = text[cut:].strip() if filtered else None
    if result.capture and result.template is not None:
        m = _FORMAT_OPTION.search(line)
        typed = m.group(1) if m else f"--format {result.template!r}"
        view = f"{typed} {view}" if view else typed
    return Command(line, result.kind, result.capture, result.container,
                   view if result.capture else None, result.shell, result.reason, result.choices)


_FORMAT_OPTION = re.compile(r"(?<!\S)((?:-f|--format)(?:=|\s+)(?:'[^']*'|\"(?:[^\"\\]|\\.)*\"|\S+))")


def _strip_redirections(words: list[str]) -> tuple[list[str], str | None]:
    """The words without redirections; a reason when standard output went to a file."""
    out: list[str] = []
    skip = False
    reason = None
    for index, tok in enumerate(words):
        if skip:
            skip = False
            continue
        if isinstance(tok, _Op):
            fd = re.match(r"\d*", tok).group()
            op = tok[len(fd):]
            target = None
            if op in (">&", "<&") or re.fullmatch(r"[<>]&(\d+|-)", op):
                continue  # 2>&1, >&2: between descriptors
            if index + 1 < len(words) and not isinstance(words[index + 1], _Op):
                target = words[index + 1]
                skip = True
            writes_stdout = op in (">", ">>", "&>", "&>>") and fd in ("", "1") \
                or op in ("&>", "&>>")
            if writes_stdout and target != "/dev/stdout":
                reason = "standard output went to a file"
            continue
        out.append(tok)
    return out, reason


@dataclass
class _Result:
    kind: str | None = None
    capture: bool = False
    container: str | None = None
    shell: bool = False
    reason: str | None = None
    template: str | None = None  # the value of `--format '{{...}}'`: the output is a view
    choices: tuple[str, ...] = ()  # the kinds it may be when the content must tell


_NOT_READ = "not a command netparse reads"


def _not_read(argv: list[str]) -> _Result:
    return _Result(reason=_NOT_READ)


def _identify_argv(argv: list[str], container: str | None) -> _Result:
    # Wrappers that run another command: strip them, noting the namespace they enter.
    while argv and re.fullmatch(r"[A-Za-z_]\w*=.*", argv[0]):
        argv = argv[1:]  # LANG=C ip addr
    if not argv:
        return _Result(reason="no command")
    prog = posixpath.basename(argv[0])
    rest = argv[1:]
    if prog in ("sudo", "doas"):
        rest = _skip_options(rest, with_arg={"-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U",
                                             "-T", "--user", "--group", "--host", "--prompt",
                                             "--chdir", "--role", "--type"})
        if not rest or rest[:1] == ["su"]:
            return _Result(container=container, shell=True, reason="opens a shell")
        return _identify_argv(rest, container)
    if prog in ("command", "exec", "nohup", "time", "busybox"):
        rest = _skip_options(rest, with_arg=set())
        return _identify_argv(rest, container) if rest else _not_read(argv)
    if prog == "env":
        rest = _skip_options(rest, with_arg={"-u", "--unset", "-C", "--chdir", "-S"})
        return _identify_argv(rest, container) if rest else _not_read(argv)
    if prog == "timeout":
        rest = _skip_options(rest, with_arg={"-s", "--signal", "-k", "--kill-after"})
        return _identify_argv(rest[1:], container) if len(rest) > 1 else _not_read(argv)
    if prog in _SHELLS:
        if len(rest) >= 2 and rest[0] == "-c":
            inner = identify(rest[1])
            if inner.capture or inner.shell:
                return _Result(inner.kind, inner.capture, inner.container or container,
                               inner.shell, inner.reason)
            return _Result(reason=inner.reason)
        if all(a.startswith("-") for a in rest):
            return _Result(container=container, shell=True, reason="opens a shell")
        return _Result(reason="runs a script")
    if prog == "nsenter":
        return _nsenter(rest, container)
    if prog == "su" and all(a.startswith("-") or a == "root" for a in rest):
        return _Result(container=container, shell=True, reason="opens a shell")

    handler = _PROGRAMS.get(prog)
    if handler is None:
        return _not_read(argv)
    return handler(rest, container)


def _skip_options(args: list[str], with_arg: set[str]) -> list[str]:
    """`args` after the leading options (and a `--`), the options in `with_arg` taking a value."""
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "-":
        if args[i] == "--":
            return args[i + 1:]
        if args[i] in with_arg:
            i += 1
        i += 1
    return args[i:]


# The kind each program and object word names (`ip address`, `docker network ls`), as the
# registry declares them; the handlers below read each program's own syntax around them.
_KIND_OF = {words: kind.name for kind in KINDS.values() for words in kind.words}


def _objects(program: str) -> tuple[tuple[str, str], ...]:
    """(object word, kind) of every kind that `program OBJECT` lists (`ip route`)."""
    return tuple((words.split()[1], kind) for words, kind in _KIND_OF.items()
                 if words.split()[0] == program and len(words.split()) == 2)


def _capture(kind: str | None, container: str | None) -> _Result:
    return _Result(kind=kind, capture=True, container=container)


def _matches(word: str, name: str, shortest: int = 1) -> bool:
    """iproute2's abbreviation rule: `word` is a prefix of `name`."""
    return len(word) >= shortest and name.startswith(word)


def _show_word(word: str) -> bool:
    return any(_matches(word, name) for name in ("show", "list", "lst")) \
        and not any(_matches(word, name) for name in ("add", "change", "replace", "delete"))


# iproute2's global options in the order ip.c tries them (the first abbreviation match wins),
# with whether each takes a value.
_IP_OPTIONS = (("loops", True), ("family", True), ("human", False), ("human-readable", False),
               ("iec", False), ("stats", False), ("statistics", False), ("details", False),
               ("resolve", False), ("oneline", False), ("timestamp", False), ("tshort", False),
               ("Version", False), ("force", False), ("batch", True), ("brief", False),
               ("json", False), ("pretty", False), ("rcvbuf", True), ("color", False),
               ("colour", False), ("help", False), ("netns", True), ("Numeric", False),
               ("all", False), ("echo", False), ("compressvlans", False))


def _iproute_options(args: list[str], container: str | None):
    """(remaining args, container, flags, reason) after the global options of `ip`/`bridge`."""
    flags: set[str] = set()
    i = 0
    while i < len(args) and args[i].startswith("-") and len(args[i]) > 1:
        name = args[i][2:] if args[i].startswith("--") else args[i][1:]
        name = name.partition("=")[0]
        i += 1
        if name in ("4", "6", "0", "B", "M", "I", "D"):
            continue
        option = next((o for o in _IP_OPTIONS if _matches(name, o[0])), None)
        if option is None:
            return [], container, flags, f"unknown option {args[i - 1]}"
        full, takes_value = option
        if full in ("Version", "help", "batch"):
            return [], container, flags, f"-{full} does not list anything"
        if takes_value:
            if i >= len(args):
                return [], container, flags, f"option -{full} without its value"
            if full == "netns":
                container = f"netns:{args[i]}"
            i += 1
        flags.add(full)
    return args[i:], container, flags, None


def _ip(args: list[str], container: str | None) -> _Result:
    args, container, flags, reason = _iproute_options(args, container)
    if reason:
        return _Result(reason=reason)
    if not args:
        return _Result(reason="no object named")
    obj, rest = args[0], args[1:]
    if "brief" in flags and obj[:1] in ("a", "l"):
        return _Result(reason="the brief format (-br) is not read")
    if _matches(obj, "netns", 2) and rest[:1] and _matches(rest[0], "exec", 1) and len(rest) > 2:
        return _identify_argv(rest[2:], f"netns:{rest[1]}")
    return _listing(obj, rest, _objects("ip"), container)


def _bridge(args: list[str], container: str | None) -> _Result:
    args, container, flags, reason = _iproute_options(args, container)
    if reason:
        return _Result(reason=reason)
    if not args:
        return _Result(reason="no object named")
    obj, rest = args[0], args[1:]
    return _listing(obj, rest, _objects("bridge"), container)


def _listing(obj: str, rest: list[str], objects, container: str | None) -> _Result:
    """`ip OBJECT [show|list ...]` / `bridge OBJECT [show ...]`: a capture of the object's kind;
    any other verb (`add`, `get`, ...) changes or queries and is not one."""
    for name, kind in objects:
        if _matches(obj, name):
            if not rest or _show_word(rest[0]):
                return _capture(kind, container)
            return _Result(reason=f"`{name} {rest[0]}` is not a listing")
    return _Result(reason=_NOT_READ)


def _brctl(args: list[str], container: str | None) -> _Result:
    if args[:1] == ["show"]:
        return _capture(_KIND_OF["brctl show"], container)
    return _Result(reason=_NOT_READ)


def _route(args: list[str], container: str | None) -> _Result:
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-A", "--family"):
            i += 2
            continue
        if arg.startswith("--"):
            if arg in ("--numeric", "--extend", "--verbose", "--fib", "--inet", "--inet6"):
                i += 1
                continue
            return _Result(reason=f"{arg} is not a routing table listing")
        if arg.startswith("-") and len(arg) > 1:
            if set(arg[1:]) <= set("nevF46"):
                i += 1
                continue
            return _Result(reason=f"{arg} is not a routing table listing")
        return _Result(reason=f"`{arg}` changes the routing table")
    return _capture(_KIND_OF["route"], container)


def _netstat(args: list[str], container: str | None) -> _Result:
    route = False
    for arg in args:
        if arg in ("--route", "-r") or (arg.startswith("-") and not arg.startswith("--")
                                        and "r" in arg[1:]):
            route = True
    if route:
        return _capture(_KIND_OF["netstat -r"], container)
    return _Result(reason="netstat without -r lists sockets, not routes")


def _sysctl(args: list[str], container: str | None) -> _Result:
    i = 0
    keys = False
    while i < len(args):
        arg = args[i]
        if arg in ("-r", "--pattern"):
            i += 2
            continue
        if arg in ("-a", "-A", "-X", "--all", "-e", "--ignore", "-q", "--quiet"):
            i += 1
            continue
        if arg.startswith("-"):
            # -n/-N print only values or names; -w/-p/--system change settings.
            return _Result(reason=f"{arg} is not a listing of settings")
        if "=" in arg:
            return _Result(reason="changes a setting")
        keys = True
        i += 1
    if not keys and not any(a in ("-a", "-A", "-X", "--all") for a in args):
        return _Result(reason="no setting named")
    return _capture(_KIND_OF["sysctl"], container)


# docker's global options that take a value (`docker -H host ps`).
_DOCKER_GLOBAL_ARG = {"-H", "--host", "-c", "--context", "--config", "-l", "--log-level",
                      "--tlscacert", "--tlscert", "--tlskey", "--url", "--connection", "--root",
                      "--runroot"}
_EXEC_ARG = {"-u", "--user", "-e", "--env", "--env-file", "-w", "--workdir", "--detach-keys"}


def _docker(args: list[str], container: str | None) -> _Result:
    args = _skip_options(args, with_arg=_DOCKER_GLOBAL_ARG)
    if not args:
        return _Result(reason="no command")
    sub, rest = args[0], args[1:]
    if sub in ("container", "network", "system") and rest:
        sub, rest = f"{sub} {rest[0]}", rest[1:]
    if sub in ("exec", "container exec"):
        return _docker_exec(rest, container)
    if sub in ("run", "container run"):
        return _docker_run(rest, container)
    if sub in ("version", "info", "system info"):
        return _docker_report(rest, _KIND_OF[f"docker {sub}"], container)
    kind = _KIND_OF.get(f"docker {sub}")
    if kind is not None and sub.split()[-1] in ("ps", "ls", "list"):
        return _docker_listing(rest, kind, container, {"-n", "--last", "-f", "--filter"}
                               if kind == _KIND_OF["docker ps"] else {"-f", "--filter"})
    if sub in ("inspect", "container inspect", "network inspect"):
        opts, names = _split_options(rest, {"-f", "--format", "--type"})
        template = opts.get("-f", opts.get("--format"))
        if template is not None and not _NETWORK_TEMPLATE.search(template):
            return _Result(reason="--format prints a template without network settings")
        if not names:
            return _Result(reason="no object named")
        typed = opts.get("--type", sub.split()[0] if " " in sub else None)
        if typed is None and (all(_CONTAINER_LIST.fullmatch(n) for n in names)
                              or "NetworkSettings" in (template or "")):
            typed = "container"  # docker inspect $(docker ps -q), -f '{{json .NetworkSettings}}'
        if typed is None:
            # A container or a network: the content tells.
            result = _capture(None, container)
            result.choices = (_KIND_OF["docker container inspect"],
                              _KIND_OF["docker network inspect"])
        else:
            kind = _KIND_OF.get(f"docker {typed} inspect")
            if kind is None:
                return _Result(reason=f"objects of type {typed} are not read")
            result = _capture(kind, container)
        if template is not None:
            result.template = template
        return result
    return _Result(reason=_NOT_READ)


# A template that prints (part of) the network settings: a view of the JSON document.
_NETWORK_TEMPLATE = re.compile(r"json|Network|IPAddress|IPAM|Gateway|MacAddress|Containers|"
                               r"Ports|IPv[46]|Subnet|EndpointID")
# `$(docker ps -q)`, `$(docker container ls -aq)`: the IDs of containers.
_CONTAINER_LIST = re.compile(r"(?:\$\(|`)\s*(?:sudo\s+)?(?:docker|podman)\s+"
                             r"(?:ps|container\s+(?:ls|list|ps))\b[^)`]*(?:\)|`)")


def _split_options(args: list[str], with_arg: set[str]) -> tuple[dict[str, str], list[str]]:
    """Options (`--x=v`, `--x v`, `-x v`, flags) and the other words."""
    opts: dict[str, str] = {}
    words: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("-") and len(arg) > 1:
            name, eq, value = arg.partition("=")
            if not eq and name in with_arg and i + 1 < len(args):
                value = args[i + 1]
                i += 1
            elif not eq and not name.startswith("--") and name[:2] in with_arg and len(name) > 2:
                name, value = name[:2], name[2:]  # -fVALUE
            opts[name] = value
        else:
            words.append(arg)
        i += 1
    return opts, words


def _docker_listing(args: list[str], kind: str, container: str | None,
                    with_arg: set[str]) -> _Result:
    opts, words = _split_options(args, with_arg | {"--format"})
    if words:
        return _Result(reason=f"unexpected argument {words[0]}")
    if "-q" in opts or "--quiet" in opts:
        return _Result(reason="--quiet lists IDs only")
    fmt = opts.get("--format")
    if fmt is not None and not (fmt.startswith("table") or "json" in fmt):
        return _Result(reason="--format with a custom template: not read")
    return _capture(kind, container)


def _docker_report(args: list[str], kind: str, container: str | None) -> _Result:
    """`docker version` / `docker info`: the text, or the whole of it as JSON."""
    opts, words = _split_options(args, {"-f", "--format", "--kubeconfig"})
    if words:
        return _Result(reason=f"unexpected argument {words[0]}")
    fmt = opts.get("--format", opts.get("-f"))
    if fmt is not None and re.sub(r"\s", "", fmt) not in ("{{json.}}", "json"):
        return _Result(reason="--format with another template than {{json .}}: not read")
    return _capture(kind, container)


def _docker_exec(args: list[str], container: str | None) -> _Result:
    i = 0
    while i < len(args) and args[i].startswith("-"):
        arg = args[i]
        if arg == "--":
            i += 1
            break
        if arg in _EXEC_ARG:
            i += 1
        i += 1
    if i >= len(args):
        return _Result(reason="no container named")
    name, command = args[i], args[i + 1:]
    if name[:1] in "[<" and name[-1:] not in "]>":
        # A placeholder left for the reader, `[container ID]`: one name of several words.
        end = next((j for j, word in enumerate(command) if word[-1:] in "]>"), None)
        if end is not None:
            name, command = " ".join([name, *command[:end + 1]]), command[end + 1:]
    if not command:
        return _Result(reason="no command")
    return _enter(command, name)


# `docker run` options that take a value (the short ones also at the end of a cluster: -dp 80:80).
_RUN_ARG = {"-a", "--attach", "-c", "--cpu-shares", "-e", "--env", "-h", "--hostname", "-l",
            "--label", "-m", "--memory", "-p", "--publish", "-u", "--user", "-v", "--volume",
            "-w", "--workdir", "--name", "--network", "--net", "--network-alias", "--net-alias",
            "--add-host", "--annotation", "--blkio-weight", "--blkio-weight-device",
            "--cap-add", "--cap-drop", "--cgroup-parent", "--cgroupns", "--cidfile", "--cpus",
            "--cpu-period", "--cpu-quota", "--cpu-rt-period", "--cpu-rt-runtime",
            "--cpuset-cpus", "--cpuset-mems", "--detach-keys", "--device",
            "--device-cgroup-rule", "--device-read-bps", "--device-read-iops",
            "--device-write-bps", "--device-write-iops", "--dns", "--dns-opt", "--dns-option",
            "--dns-search", "--domainname", "--entrypoint", "--env-file", "--expose", "--gpus",
            "--group-add", "--health-cmd", "--health-interval", "--health-retries",
            "--health-start-period", "--health-start-interval", "--health-timeout", "--ip",
            "--ip6", "--ipc", "--isolation", "--kernel-memory", "--label-file", "--link",
            "--link-local-ip", "--log-driver", "--log-opt", "--mac-address",
            "--memory-reservation", "--memory-swap", "--memory-swappiness", "--mount",
            "--oom-score-adj", "--pid", "--pids-limit", "--platform", "--pull", "--restart",
            "--runtime", "--security-opt", "--shm-size", "--stop-signal", "--stop-timeout",
            "--storage-opt", "--sysctl", "--tmpfs", "--ulimit", "--userns", "--uts",
            "--volume-driver", "--volumes-from"}
_RUN_SHORT_ARG = {"a", "c", "e", "h", "l", "m", "p", "u", "v", "w"}
# A new container's namespace, as the key of the captures taken in it: `run:IMAGE`, with the
# name and network that `docker run` gave it (`run:busybox --name web1 --network front`).
_RUN_KEY = re.compile(r"run:(?P<image>\S+)(?: --name (?P<name>\S+))?(?: --network (?P<network>\S+))?")


@dataclass(frozen=True)
class NewContainer:
    """A container that `docker run IMAGE [CMD]` started, known from its command line."""

    image: str
    name: str | None       # --name, else the engine made one up that the line does not show
    network: str           # --network/--net, else the default bridge network


def new_container(key: str | None) -> NewContainer | None:
    """The container a capture's key names when `docker run` started it (see `_docker_run`)."""
    m = _RUN_KEY.fullmatch(key or "")
    if m is None:
        return None
    return NewContainer(m.group("image"), m.group("name"), m.group("network") or "bridge")


def _docker_run(args: list[str], container: str | None) -> _Result:
    """`docker run [OPTIONS] IMAGE [CMD]`: CMD runs inside a new container, on the default
    bridge network unless --network says otherwise; `-it IMAGE` alone opens a shell there."""
    opts: dict[str, str] = {}
    flags: set[str] = set()
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "-":
        arg = args[i]
        if arg == "--":
            i += 1
            break
        name, eq, value = arg.partition("=")
        if name.startswith("--"):
            if not eq and name in _RUN_ARG:
                i += 1
                value = args[i] if i < len(args) else ""
            opts[name] = value
        elif not eq and name in _RUN_ARG:
            i += 1
            opts[name] = args[i] if i < len(args) else ""
        else:
            # A cluster of short flags (-it, -dp 80:80): one taking a value ends it.
            for j, letter in enumerate(name[1:]):
                if letter in _RUN_SHORT_ARG:
                    rest = name[j + 2:]
                    if not rest:
                        i += 1
                        rest = args[i] if i < len(args) else ""
                    opts[f"-{letter}"] = rest
                    break
                flags.add(letter)
        i += 1
    if i >= len(args):
        return _Result(reason="no image named")
    image, command = args[i], args[i + 1:]
    if "d" in flags or "--detach" in opts:
        return _Result(reason="starts a container in the background")
    network = opts.get("--network", opts.get("--net"))
    if network in ("host",):
        inside = container  # the host's own namespace
    elif network and network.startswith("container:"):
        inside = network.split(":", 1)[1]
    else:
        inside = f"run:{image}" + (f" --name {opts['--name']}" if opts.get("--name") else "") \
            + (f" --network {network}" if network and network not in ("bridge", "default")
               else "")
    interactive = "i" in flags or "--interactive" in opts
    if not command:
        if interactive:
            return _Result(container=inside, shell=True, reason="opens a shell")
        return _Result(reason="starts a container")
    if inside is None:
        return _identify_argv(command, None)
    return _enter(command, inside)


def _enter(command: list[str], container: str) -> _Result:
    """The command run inside `container`; a bare shell opens a session there."""
    if not command or (posixpath.basename(command[0]) in _SHELLS
                       and all(a.startswith("-") for a in command[1:])):
        return _Result(container=container, shell=True, reason="opens a shell")
    result = _identify_argv(command, container)
    if result.capture and result.container is None:
        result.container = container
    return result


def _nsenter(args: list[str], container: str | None) -> _Result:
    target = None
    net: str | None = None
    i = 0
    while i < len(args) and args[i].startswith("-"):
        arg = args[i]
        if arg == "--":
            i += 1
            break
        name, eq, value = arg.partition("=")
        if name in ("-t", "--target"):
            if not eq:
                i += 1
                value = args[i] if i < len(args) else ""
            target = value
        elif name.startswith("-t") and not name.startswith("--"):
            target = name[2:]
        elif name in ("-n", "--net"):
            net = value or ""
        elif name.startswith("-") and not name.startswith("--") and "n" in name[1:] \
                and "t" not in name[1:] and name[1:].isalpha():
            net = ""  # -mun, -a ... clusters of namespace flags
        elif name in ("-a", "--all"):
            net = ""
        elif name in ("-S", "--setuid", "-G", "--setgid", "-r", "--root", "-w", "--wd") and not eq:
            i += 1
        i += 1
    command = args[i:]
    if net is None:
        inside = None  # the network namespace is not entered
    elif net:
        inside = _namespace_name(net)
    elif target and target.strip() != "1":
        inside = _pid_name(target)
    else:
        inside = None  # pid 1's namespace is the host's own
    if not command:
        return _Result(container=inside or container, shell=True, reason="opens a shell")
    if inside is None:
        return _identify_argv(command, container)
    return _enter(command, inside)


def _pid_name(target: str) -> str:
    # -t $(docker inspect -f '{{.State.Pid}}' web1): the container is named in the substitution.
    m = re.fullmatch(r"\$\((.*)\)|`(.*)`", target.strip(), re.S)
    if m:
        inner = _tokenize(m.group(1) or m.group(2) or "")
        words = [w for w in inner[0] if not isinstance(w, _Op)] if inner else []
        if len(words) >= 2 and posixpath.basename(words[0]) in ("docker", "podman"):
            rest = words[1:]
            if rest[:1] == ["container"]:
                rest = rest[1:]
            if rest[:1] == ["inspect"]:
                _, names = _split_options(rest[1:], {"-f", "--format", "--type"})
                if len(names) == 1:
                    return names[0]
    return f"pid:{target}"


def _namespace_name(path: str) -> str:
    m = re.fullmatch(r"/proc/(\d+)/ns/net", path)
    if m:
        return f"pid:{m.group(1)}"
    return f"netns:{posixpath.basename(path.rstrip('/'))}"


# --- firewalls ---------------------------------------------------------------------------------

_SAVE_OPTIONS = {"-c", "--counters"}
_SAVE_ARG = {"-t", "--table", "-M", "--modprobe"}


def _iptables_save(args: list[str], container: str | None) -> _Result:
    """`iptables-save [-c] [-t TABLE]` (and ip6tables-save, -legacy-save, -nft-save)."""
    i = 0
    while i < len(args):
        arg, _, value = args[i].partition("=")
        if arg in _SAVE_ARG:
            i += 1 if value else 2
            continue
        if arg in _SAVE_OPTIONS:
            i += 1
            continue
        if arg in ("-f", "--file"):
            return _Result(reason="the rules went to a file")
        return _Result(reason=f"{args[i]} is not an option of a listing")
    return _capture(_KIND_OF["iptables-save"], container)


# iptables options that only shape a listing; any other (-A, -I, -D, -F, -Z, ...) changes rules.
_LIST_FLAGS = {"-n": None, "--numeric": None, "-v": None, "--verbose": None, "-x": None,
               "--exact": None, "--line-numbers": None, "-4": None, "-6": None,
               "-L": "iptables -L", "--list": "iptables -L", "-S": "iptables -S",
               "--list-rules": "iptables -S"}


def _iptables(args: list[str], container: str | None) -> _Result:
    """`iptables [-t T] -L [CHAIN] [-n] [-v] [-x] [--line-numbers]`, `iptables -S`."""
    listing = None
    i = 0
    while i < len(args):
        arg, eq, _ = args[i].partition("=")
        if arg in ("-t", "--table", "-w", "--wait", "-W", "--wait-interval"):
            takes = arg in ("-t", "--table") or (i + 1 < len(args) and args[i + 1].isdigit())
            i += 1 + (takes and not eq)
            continue
        flags = [arg] if arg.startswith("--") or len(arg) == 2 else \
            [f"-{c}" for c in arg[1:]] if arg.startswith("-") else [arg]
        if flags[-1] == "-t" and all(f in _LIST_FLAGS for f in flags[:-1]):  # -nvt nat
            flags, i = flags[:-1], i + 1
        for flag in flags:
            if flag not in _LIST_FLAGS and not (listing and not flag.startswith("-")):
                return _Result(reason=f"{flag} is not a listing" if flag.startswith("-")
                               else f"unexpected argument {flag}")
            if _LIST_FLAGS.get(flag):
                if listing:
                    return _Result(reason="two listings on one line")
                listing = _LIST_FLAGS[flag]
        i += 1
    if listing is None:
        return _Result(reason="no listing (-L or -S)")
    return _capture(_KIND_OF[listing], container)


_NFT_FLAGS = set("ajnNsyt")


def _nft(args: list[str], container: str | None) -> _Result:
    """`nft [-a] [-j] [-n] list ruleset|table|chain ...`; any other command changes or checks."""
    i = 0
    while i < len(args) and args[i].startswith("-"):
        arg = args[i]
        if arg in ("-f", "--file", "-i", "--interactive", "-c", "--check", "-v", "--version"):
            return _Result(reason=f"{arg} does not list the ruleset")
        if not (arg in ("--handle", "--json", "--numeric", "--stateless", "--terse")
                or set(arg[1:]) <= _NFT_FLAGS and not arg.startswith("--")):
            return _Result(reason=f"unknown option {arg}")
        i += 1
    if args[i:i + 1] != ["list"] or i + 1 >= len(args):
        return _Result(reason="not a listing of the ruleset")
    if args[i + 1] in ("ruleset", "table", "chain"):
        return _capture(_KIND_OF["nft list ruleset"], container)
    return _Result(reason=f"`list {args[i + 1]}` is not read")


_PROC_SYS = re.compile(r"/proc/sys/(?P<key>net/[\w./-]+)")


def proc_sys_key(cmdline: str | None) -> str | None:
    """The sysctl key that `cat /proc/sys/net/ipv4/ip_forward` reads (`net.ipv4.ip_forward`),
    or None when the line reads no such file. The file holds the value alone."""
    command = identify(cmdline or "")
    words = command.line.split()
    while words and words[0] in ("sudo", "doas"):
        words = words[1:]
    if command.kind != _KIND_OF["sysctl"] or len(words) != 2 \
            or posixpath.basename(words[0]) != "cat":
        return None
    m = _PROC_SYS.fullmatch(posixpath.normpath(words[1]))
    return m.group("key").replace("/", ".") if m else None


def _cat(args: list[str], container: str | None) -> _Result:
    """`cat /proc/sys/net/...`: one kernel setting, as `sysctl KEY` reads it."""
    if len(args) == 1 and _PROC_SYS.fullmatch(posixpath.normpath(args[0])):
        return _capture(_KIND_OF["sysctl"], container)
    return _not_read(args)


_PROGRAMS = {
    "cat": _cat,
    "ip": _ip,
    "bridge": _bridge,
    "brctl": _brctl,
    "route": _route,
    "netstat": _netstat,
    "sysctl": _sysctl,
    "docker": _docker,
    "podman": _docker,
    "nft": _nft,
    **{f"{family}{backend}": _iptables for family in ("iptables", "ip6tables")
       for backend in ("", "-legacy", "-nft")},
    **{f"{family}{backend}-save": _iptables_save for family in ("iptables", "ip6tables")
       for backend in ("", "-legacy", "-nft")},
}


def unmangle_sos_name(name: str) -> str:
    """The command line a sosreport file was named after (`ip_-d_address` -> `ip -d address`).

    sosreport replaces every run of characters other than letters, digits, `-`, `.` and `/` by
    `_`, and `/` by `.`; underscores of the original command cannot be told apart from spaces.
    """
    return name.replace("_", " ")
