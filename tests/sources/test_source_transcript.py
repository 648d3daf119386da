"""Terminal transcripts: a real recorded session (tests/fixtures/transcripts, see its README),
and transcripts of other prompt styles built around real captures."""

import io

import pytest

import netparse
from netparse import sources
from netparse.sources import transcript
from tests.conftest import CORPUS, FIXTURES

TRANSCRIPTS = FIXTURES / "transcripts"
TYPESCRIPT = TRANSCRIPTS / "session.typescript"
PASTED = TRANSCRIPTS / "session_pasted.md"
DUMP = FIXTURES / "dumps" / "user-networks"

# What the recorded session holds, read from the file: the line where each output starts,
# kind, command (before any pipe), container, piped through grep.
SESSION = [
    (8, "ip_addr", "ip addr", None, None),
    (37, "ip_route", "ip route show table all", None, None),
    (65, "route_n", "route -n", None, None),
    (71, "brctl_show", "brctl show", None, None),
    (74, "bridge_link", "bridge link show", None, None),
    (76, "sysctl", "sysctl -a 2>/dev/null", None, "| grep -E 'ip_forward|bridge-nf-call-iptables'"),
    (81, "docker_ps", "docker ps", None, None),
    (84, "docker_network_ls", "docker network ls", None, None),
    (89, "docker_inspect", "docker inspect np-src-t", None, None),
    (282, "docker_network_inspect", "docker network inspect bridge", None, None),
    (327, "ip_addr", "docker exec np-src-t ip addr", "np-src-t", None),
    (336, "route_n", "docker exec np-src-t route -n", "np-src-t", None),
    (341, "ip_route", "nsenter -t $(docker inspect -f '{{.State.Pid}}' np-src-t) -n ip route",
     "np-src-t", None),
    # inside `docker exec -it np-src-t sh`, BusyBox prompt `/ # `
    (350, "ip_route", "ip route", "np-src-t", None),
    (353, "route_n", "netstat -rn", "np-src-t", None),
    # inside `docker exec -it -e PS1=... np-src-t sh`, prompt `@2503a4116a94:/# `
    (365, "ip_addr", "ip addr", "np-src-t", None),
    (374, "route_n", "route -n", "np-src-t", None),
    # back on the host: the same command as above, kept apart
    (380, "ip_route", "ip route", None, None),
]
SESSION_IGNORED = [
    (1, "line outside any command's output"),     # script's "Script started on ..."
    (3, "`uname -a`: not a command netparse reads"),
    (5, "`date -u`: not a command netparse reads"),
    (343, "`docker exec -it np-src-t sh`: opens a shell"),
    (357, "`exit`: not a command netparse reads"),
    (358, "`docker exec -it -e PS1='\\u@\\h:\\w\\$ ' np-src-t sh`: opens a shell"),
    (378, "`exit`: not a command netparse reads"),
    (383, "`ls /sys/class/net`: not a command netparse reads"),
    (385, "`exit`: not a command netparse reads"),
]


def _summary(found):
    return [(i.first_line, i.kind, i.command, i.container, i.filtered) for i in found.items]


def test_recorded_session():
    found = sources.load(TYPESCRIPT)
    assert _summary(found) == SESSION
    assert all(i.path == str(TYPESCRIPT) for i in found.items)
    assert [(i.path, i.reason) for i in found.ignored] == [
        (f"{TYPESCRIPT}:{line}", reason) for line, reason in SESSION_IGNORED]


def test_first_line_is_where_the_output_starts_in_the_file():
    raw = TYPESCRIPT.read_bytes().split(b"\n")
    for item in sources.load(TYPESCRIPT).items:
        first = item.data.split(b"\n")[0]
        # the raw line also holds the terminal's control sequences and \r
        assert first.rstrip() in raw[item.first_line - 1], item.first_line
        assert b"# " in raw[item.first_line - 2]  # the prompt line before it


@pytest.mark.parametrize("index", range(len(SESSION)))
def test_every_output_of_the_session_parses_fully(index):
    item = sources.load(TYPESCRIPT).items[index]
    model = netparse.parse(item.data, item.kind, strict=not item.filtered)
    assert model.unparsed == []
    if item.kind is None:
        assert model.kind == "docker_inspect"


def test_outputs_are_those_the_terminal_showed():
    """The pasted copy was cleaned with sed (see the README); the outputs are the same bytes."""
    recorded = sources.load(TYPESCRIPT).items
    pasted = sources.load(PASTED).items
    assert [i.data for i in pasted] == [i.data for i in recorded]
    assert [i.data.count(b"\r") + i.data.count(b"\x1b") for i in recorded] == [0] * len(recorded)


def test_pasted_session_with_fences_prose_and_a_comment():
    found = sources.load(PASTED)
    # Two lines of markdown before the session; five more before `docker exec ... ip addr`
    # (a fence, prose, a fence), one more (a comment line) before `docker exec -it`.
    shift = [2 if line < 327 else 7 if line < 343 else 8 for line, *_ in SESSION]
    assert _summary(found) == [(line + d, *rest) for (line, *rest), d in zip(SESSION, shift)]
    reasons = {i.path.rsplit(":", 1)[1]: i.reason for i in found.ignored}
    assert reasons["1"] == "line outside any command's output"      # the prose before the fence
    assert reasons["330"] == "line outside any command's output"    # "And from inside ..."
    assert "3" not in reasons and "328" not in reasons             # fences are not text
    # The comment line ends the output of the nsenter command (two route lines).
    nsenter = found.items[12]
    assert nsenter.command.startswith("nsenter")
    assert nsenter.data.decode().splitlines() == [
        "default via 172.17.0.1 dev eth0 ", "172.17.0.0/16 dev eth0 proto kernel scope link src "
        "172.17.0.2 "]


def test_prompt_with_a_container_id_names_the_container():
    """The shell part of the session alone, without the `docker exec` that opened it: the prompt's
    host name is the container's ID."""
    lines = PASTED.read_text().split("\n")
    start = lines.index("@2503a4116a94:/# ip addr")
    end = lines.index("@2503a4116a94:/# exit")
    found = sources.from_files({"inside.txt": "\n".join(lines[start:end]).encode()})
    assert [(i.kind, i.container, i.first_line) for i in found.items] == [
        ("ip_addr", "2503a4116a94", 2), ("route_n", "2503a4116a94", 11)]


def test_standard_input():
    found = sources.load("-", stdin=io.BytesIO(PASTED.read_bytes()))
    assert found.origin == "<stdin>"
    assert [i.path for i in found.items] == ["<stdin>"] * len(SESSION)
    assert [i.kind for i in found.items] == [k for _, k, *_ in SESSION]


def test_standard_input_with_one_capture():
    data = (DUMP / "brctl_show.txt").read_bytes()
    found = sources.load("-", stdin=io.BytesIO(data))
    assert [(i.path, i.kind, i.data) for i in found.items] == [("<stdin>", None, data)]
    assert found.ignored == []


def test_transcript_in_a_folder(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "session.md").write_bytes(PASTED.read_bytes())
    (tmp_path / "containers" / "web1").mkdir(parents=True)
    (tmp_path / "containers" / "web1" / "shell.txt").write_bytes(
        b"/ # ip addr\n" + (DUMP / "containers" / "np-api" / "ip_addr.txt").read_bytes())
    found = sources.load(tmp_path)
    inside = [i for i in found.items if i.path.endswith("shell.txt")]
    assert [(i.kind, i.container, i.first_line) for i in inside] == [("ip_addr", "web1", 2)]
    session = [i for i in found.items if i.path.endswith("session.md")]
    assert len(session) == len(SESSION)


# ---------------------------------------------------------------------------------------------
# Other prompt styles, around real outputs

CAPTURE = {
    "ip_addr": DUMP / "ip_addr.txt",
    "route_n": DUMP / "route_n.txt",
    "brctl_show": DUMP / "brctl_show.txt",
    "docker_ps": DUMP / "docker_ps.txt",
    "ip_route": DUMP / "ip_route.txt",
    "docker_network_inspect": DUMP / "docker_network_inspect.json",
    "sysctl": DUMP / "sysctl.txt",
}


def _session(*parts):
    """A transcript of (command line, kind of real output or None) pairs; returns the bytes and
    the line where each output starts."""
    lines, starts = [], []
    for line, kind in parts:
        lines.append(line)
        if kind is not None:
            starts.append(len(lines) + 1)
            lines.extend(CAPTURE[kind].read_text().rstrip("\n").split("\n"))
    return ("\n".join(lines) + "\n").encode(), starts


@pytest.mark.parametrize("prompt", [
    "user@host:~$ ", "root@host:~# ", "root@host:/etc# ", "[root@host ~]# ", "[user@host tmp]$ ",
    "(venv) user@host:~/work$ ", "host:~ # ", "/ # ", "~ $ ", "bash-5.1# ", "sh-4.4$ ", "$ ",
    "# ", "user@host ~ % ",
])
def test_prompt_styles(prompt):
    data, starts = _session((f"{prompt}ip addr", "ip_addr"), (f"{prompt}route -n", "route_n"),
                            (f"{prompt}sudo brctl show", "brctl_show"))
    found = sources.from_files({"t.txt": data})
    assert [(i.kind, i.first_line) for i in found.items] == list(zip(
        ["ip_addr", "route_n", "brctl_show"], starts))
    assert found.items[0].data == CAPTURE["ip_addr"].read_bytes()
    assert found.items[2].command == "sudo brctl show"
    assert found.ignored == []


def test_headers_without_prompts():
    data, starts = _session(("=== ip addr ===", "ip_addr"), ("", None),
                            ("--- route -n ---", "route_n"), ("", None),
                            ("docker ps", "docker_ps"), ("", None), ("# ip route", "ip_route"),
                            ("## sysctl net.ipv4.ip_forward", "sysctl"))
    found = sources.from_files({"t.txt": data})
    assert [(i.kind, i.first_line) for i in found.items] == list(zip(
        ["ip_addr", "route_n", "docker_ps", "ip_route", "sysctl"], starts))
    assert found.items[2].data == CAPTURE["docker_ps"].read_bytes()
    assert found.ignored == []


def test_comments_are_not_commands():
    data, starts = _session(("# ip addr on the host, before the restart", None),
                            ("$ ip addr", "ip_addr"),
                            ("# now the routes", None),
                            ("# route -n", "route_n"))
    found = sources.from_files({"t.txt": data})
    assert [(i.kind, i.command, i.first_line) for i in found.items] == [
        ("ip_addr", "ip addr", starts[0]), ("route_n", "route -n", starts[1])]
    # the comment line ended the ip addr output
    assert found.items[0].data == CAPTURE["ip_addr"].read_bytes()
    assert found.ignored == []


def test_same_command_twice_is_kept_apart():
    data, starts = _session(("$ ip route show table all", "ip_route"), ("$ date", None),
                            ("$ ip route show table all", "ip_route"))
    found = sources.from_files({"t.txt": data})
    assert [(i.kind, i.first_line) for i in found.items] == [("ip_route", s) for s in starts]
    date_line = starts[1] - 2
    assert [(i.path, i.reason) for i in found.ignored] == [
        (f"t.txt:{date_line}", "`date`: not a command netparse reads")]


def test_continuation_lines_and_empty_outputs():
    data, starts = _session(("$ docker network \\", None),
                            ("> inspect bridge", "docker_network_inspect"),
                            ("$ ip addr", None), ("$ route -n", "route_n"))
    found = sources.from_files({"t.txt": data})
    assert [(i.kind, i.command, i.first_line) for i in found.items] == [
        ("docker_network_inspect", "docker network inspect bridge", starts[0]),
        ("route_n", "route -n", starts[1])]
    ip_addr_line = starts[1] - 2
    assert [(i.path, i.reason) for i in found.ignored] == [
        (f"t.txt:{ip_addr_line}", "`ip addr`: no output")]


def test_commands_in_a_container_shell():
    data, _ = _session(("root@host:~# docker exec -it web1 sh", None), ("/ # ip addr", "ip_addr"),
                       ("/ # exit", None), ("root@host:~# ip route", "ip_route"),
                       ("root@host:~# nsenter -t 4242 -n", None),
                       ("root@host:~# route -n", "route_n"),
                       ("root@host:~# logout", None), ("root@host:~# brctl show", "brctl_show"))
    found = sources.from_files({"t.txt": data})
    assert [(i.kind, i.container) for i in found.items] == [
        ("ip_addr", "web1"), ("ip_route", None), ("route_n", "pid:4242"), ("brctl_show", None)]


def test_leaving_a_container_shell_without_exit():
    """After Ctrl-D the host's prompt comes back: the commands are the host's again."""
    data, _ = _session(("root@host:~# docker exec -it web1 sh", None), ("/ # ip addr", "ip_addr"),
                       ("root@host:~# ip route", "ip_route"))
    found = sources.from_files({"t.txt": data})
    assert [(i.kind, i.container) for i in found.items] == [("ip_addr", "web1"), ("ip_route", None)]


def _real_outputs():
    files = [p for d in ("dumps", "captures") for p in (FIXTURES / d).rglob("*")
             if p.is_file() and p.suffix in (".txt", ".json") and p.name != "manifest.json"]
    files += [p for p in CORPUS.rglob("*.txt")] if CORPUS.is_dir() else []
    return sorted(files)


REAL = _real_outputs()


@pytest.mark.parametrize("path", REAL, ids=[p.name for p in REAL])
def test_no_real_output_looks_like_a_transcript(path):
    """No line of any real capture (fixtures and the peer corpus) is taken for a prompt."""
    text = path.read_text(encoding="utf-8", errors="replace")
    assert transcript.split(text) is None
    lines = transcript.clean_lines(text)
    assert [n for n in range(len(lines)) if transcript._command_line(lines, n)] == []


def test_windows_line_ends():
    crlf = PASTED.read_bytes().replace(b"\n", b"\r\n")
    found = sources.from_files({"session.txt": crlf})
    assert _summary(found) == _summary(sources.load(PASTED))
    assert [i.data for i in found.items] == [i.data for i in sources.load(PASTED).items]
