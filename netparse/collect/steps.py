"""What a dump holds: every command the collectors run, and how inspect output is redacted.

Which kinds the collectors take, with which command and into which file, is each kind's
registry entry (netparse.kinds); this module adds the lists they run over, the tool versions and
the redaction. `netparse.collect.run` executes these steps with subprocess;
`netparse.collect.script` writes them into the `sh` script. Both read the same tuples, so the
two collectors cannot drift apart.

Commands are strings of shell words (single quotes allowed): Python splits them with `shlex`,
the script hands them to `sh -c`. A step `over` a list gets the list's items appended as
arguments (`docker inspect ID...`); the list is the output of one of `LISTS`, one item a line.
"""

from __future__ import annotations

from dataclasses import dataclass

from netparse.kinds import KINDS


@dataclass(frozen=True)
class Step:
    file: str                 # where the output goes, relative to the dump folder
    command: str              # shell words
    over: str | None = None   # name of a list in LISTS whose items are appended as arguments


#: Queries whose output is a list of IDs, one a line; not kept as captures.
LISTS: dict[str, str] = {
    "containers": "docker ps -aq --no-trunc",
    "networks": "docker network ls -q --no-trunc",
}

#: The host's captures, in the order they are taken: every kind the registry says is collected,
#: into its canonical file (netparse.kinds).
HOST: tuple[Step, ...] = tuple(Step(c.file, c.command, c.over)
                               for k in KINDS.values() if k.collect
                               for c in (k.collect, *k.also))

#: Taken inside each running container's network namespace, into containers/<name>/.
INSIDE: tuple[Step, ...] = tuple(Step(k.collect.file, k.collect.inside)
                                 for k in KINDS.values() if k.collect and k.collect.inside)

#: One line per container (over "containers"): what decides whether and how to enter it.
NAMESPACES = ("docker inspect --format '{{.State.Pid}} {{.State.Running}} {{.State.Paused}} "
              "{{.State.Restarting}} {{.HostConfig.NetworkMode}} {{.Name}}'")

#: How to run an INSIDE command in a container: nsenter (root: the host's tools in the
#: container's namespace) or docker exec (the container's own tools). {pid} and {name} are
#: replaced.
ENTER: dict[str, str] = {
    "nsenter": "nsenter -t {pid} -n",
    "exec": "docker exec {name}",
}

#: Tool versions for the manifest: the first line each prints.
TOOLS: tuple[tuple[str, str], ...] = (
    ("kernel", "uname -r"),
    ("iproute2", "ip -V"),
    ("net-tools", "route --version"),
    ("bridge-utils", "brctl --version"),
    ("procps", "sysctl --version"),
    ("util-linux", "nsenter --version"),
    ("docker-client", "docker --version"),
    ("docker-engine", "docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})'"),
)

#: Files that are `docker ... inspect` output, redacted with --redact.
INSPECT_FILES = ("docker_inspect.json", "docker_network_inspect.json")

#: Seconds a command may run before it is stopped.
TIMEOUT = 20

#: A container folder is named after the container when the name is this safe; else its ID.
SAFE_NAME = r"[A-Za-z0-9][A-Za-z0-9_.-]*"


# --- redaction -----------------------------------------------------------------------------------
#
# Like sosreport's docker plugin, which masks `*inspect*` output line by line: values whose name
# looks like a secret become ********. Written as POSIX extended regular expressions that mean the
# same to Python's `re` and to `sed -E`, so the script masks exactly what `netparse collect` does.

MASK = "********"
_WORDS = ("pass", "pwd", "secret", "token", "key", "credential", "auth", "private", "cert")
_SECRET = "(" + "|".join("".join(f"[{c.upper()}{c}]" for c in w) for w in _WORDS) + ")"
_STRING = r'([^"\\]|\\.)*'   # the inside of a JSON string


@dataclass(frozen=True)
class Redaction:
    pattern: str              # ERE; replaced wherever it matches on a line
    replacement: str          # with \1 for the first group
    unless: str | None = None  # lines matching this ERE are left alone


REDACTIONS: tuple[Redaction, ...] = (
    # "Env": ["DB_PASSWORD=...", ...] (and `--api-key=...` in Cmd/Args)
    Redaction(rf'"([A-Za-z0-9_.-]*{_SECRET}[A-Za-z0-9_.-]*)={_STRING}"', rf'"\1={MASK}"'),
    # "Labels": {"com.example.api-token": "..."}; SandboxKey is the engine's, a path.
    Redaction(rf'"([^"\\]*{_SECRET}[^"\\]*)": "{_STRING}"', rf'"\1": "{MASK}"',
              unless='"SandboxKey": '),
)
