"""Bounds on what netparse reads from a folder, an archive or standard input.

Captures are small (a busy host's `docker inspect` is a few MiB), but the bounds are derived from
the largest host there can be (HOST_CONTAINERS), so that no real dump is refused or cut; they
are there so that a damaged upload, a compression bomb or captures too large to parse fail fast
with a clear message instead of filling memory. They are read at call time, so a test can lower
them.
"""

import io
import os
from typing import BinaryIO

from netparse.errors import LimitError

MiB = 1024 * 1024
GiB = 1024 * MiB

#: Environment variables that set MAX_FILE_BYTES and MAX_PARSE_MEMORY, in MiB (worker
#: processes inherit them).
MAX_FILE_VARIABLE = "NETPARSE_MAX_FILE_MIB"
MEMORY_VARIABLE = "NETPARSE_MAX_MEMORY_MIB"


def _mib_from_environment(variable: str, default: int) -> int:
    value = os.environ.get(variable, "")
    return int(value) * MiB if value.isdigit() and int(value) > 0 else default * MiB


#: The largest host the limits are made for. Docker's default address pools give 31 bridge
#: networks (172.17-31.0.0/16 and 192.168.0.0/16 cut into /20s) and a Linux bridge holds at most
#: 1,024 ports (BR_MAX_PORTS): about 32,000 containers, each with one endpoint.
HOST_CONTAINERS = 32_768

#: Captures taken inside one container (the collector takes ip addr and route -n; room for ip
#: route and ip link beside them), and the most taken on the host itself.
INSIDE_FILES = 4
HOST_FILES = 1_000

#: The largest record of one container in `docker inspect` (a real one with labels, mounts and
#: an environment is 5 to 15 KiB; bench.gen's are 6.6 KiB).
CONTAINER_BYTES = 16 * 1024

#: Largest single file read: the `docker inspect` of the largest host (512 MiB). In a folder a
#: bigger file is left out, and every check that needed its kind of capture does not run (the
#: report says why); in an archive it is an error, as in a compression bomb; a single file (or
#: standard input that is not an archive) is refused before it is read.
MAX_FILE_BYTES = _mib_from_environment(MAX_FILE_VARIABLE,
                                       HOST_CONTAINERS * CONTAINER_BYTES // MiB)

#: Memory that parsing takes, as a multiple of the capture's size: the peak growth of a
#: process parsing a generated capture of 22 to 38 MiB, over its size (`python -m
#: bench.memory`), plus a tenth. Most of it is the model (a pydantic object per route, address
#: or row, with its strings), which the snapshot keeps until the report is made; short lines
#: cost the most (ip route: some 40 bytes a route). A kind not known before reading counts at
#: the most.
PARSE_FACTORS = {
    "ip_route": 82, "bridge_fdb": 48, "brctl_show": 47, "docker_network_ls": 42, "route_n": 39,
    "ip_addr": 32, "bridge_link": 27, "sysctl": 25, "ip_link": 22, "docker_ps": 16,
    "docker_network_inspect": 8, "docker_inspect": 6,
}

#: The most memory that parsing one input (a file, folder, archive, upload or standard input)
#: may take by PARSE_FACTORS, checked from the sizes before anything is parsed.
MAX_PARSE_MEMORY = _mib_from_environment(MEMORY_VARIABLE, 4096)

#: Largest total of the files read from one folder, archive or upload, and of standard input:
#: the largest host's `docker inspect` and as much again for the rest (a generated dump's other
#: captures take half of it).
MAX_TOTAL_BYTES = 2 * HOST_CONTAINERS * CONTAINER_BYTES

#: Most files read from one folder, archive or upload: the largest host's (131,072 inside its
#: containers and 1,000 on the host).
MAX_FILES = HOST_CONTAINERS * INSIDE_FILES + HOST_FILES

#: Most entries listed in one folder or archive, read or not (a sosreport holds tens of
#: thousands of files, of which only a few dozen are read): the largest host's files and a
#: folder for each of its containers, with room to spare.
MAX_ENTRIES = 2 * (MAX_FILES + HOST_CONTAINERS)

#: Most uncompressed bytes streamed through while reading a compressed tar archive, counting the
#: members that are skipped (such as a sosreport's logs). Decompression stops there.
MAX_ARCHIVE_BYTES = max(1024 * MiB, 2 * MAX_TOTAL_BYTES)


def size_text(size: int) -> str:
    """A size as a person reads it: 67 MiB, 19 KiB, 512 bytes."""
    for unit, name in ((GiB, "GiB"), (MiB, "MiB"), (1024, "KiB")):
        if size >= unit:
            return f"{size / unit:.0f} {name}" if size % unit == 0 or size >= 10 * unit \
                else f"{size / unit:.1f} {name}"
    return f"{size} bytes"


def parse_memory(size: int, kind: str | None) -> int:
    """What parsing a capture of `size` bytes may take, at most."""
    return size * PARSE_FACTORS.get(kind, max(PARSE_FACTORS.values()))


def check_parse_memory(where: str, captures: list[tuple[int, str | None]]) -> None:
    """LimitError when parsing these captures (size, kind) may take more than
    MAX_PARSE_MEMORY: parsed one after the other, each keeps its model."""
    need = sum(parse_memory(size, kind) for size, kind in captures)
    if need > MAX_PARSE_MEMORY:
        size = sum(size for size, _ in captures)
        raise LimitError(where, f"{size / MiB:.0f} MiB of captures may take {need / GiB:.1f} "
                                f"GiB to parse, over the {MAX_PARSE_MEMORY // MiB} MiB limit "
                                f"(set by {MEMORY_VARIABLE}); not read")


def check_memory(where: str, data: bytes, kind: str | None) -> None:
    """LimitError when parsing one capture may take more memory than an input may (see
    `check_parse_memory`). Its kind, when not given, is told from its first lines."""
    if kind is None and parse_memory(len(data), None) > MAX_PARSE_MEMORY:
        kind = _likely_kind(data[:65536])
    check_parse_memory(where, [(len(data), kind)])


def _likely_kind(head: bytes) -> str | None:
    from netparse import rawtext
    from netparse.errors import ParseError
    from netparse.kinds.detect import scores

    try:
        found = scores(rawtext.prepare(head))
    except ParseError:
        return None
    best = max(found, key=lambda k: (found[k], PARSE_FACTORS.get(k, 0)), default=None)
    return best if best is not None and found[best] >= 50 else None


def read_bounded(stream: BinaryIO, limit: int, where: str, what: str = "file") -> bytes:
    """All of `stream`, or a SourceError once it is longer than `limit` bytes."""
    try:
        size = os.fstat(stream.fileno()).st_size
    except (AttributeError, OSError, io.UnsupportedOperation):
        size = None
    if size is not None and size < limit:
        # A file: read what it holds rather than ask for `limit` bytes, which allocates them.
        data = stream.read(size + 1)
        if len(data) > size:  # it grew meanwhile
            data += stream.read(limit + 1 - len(data))
    else:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise LimitError(where, f"{what} is larger than {limit // MiB} MiB; not read")
    return data
