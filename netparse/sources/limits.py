"""Bounds on what netparse reads from a folder, an archive or standard input.

Captures are small (a busy host's `docker inspect` is a few MiB); the bounds are there so that
a damaged upload, a compression bomb or captures too large to parse fail fast with a clear
message instead of filling memory. They are read at call time, so a test can lower them.
"""

import os

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


#: Largest single file read. In a folder a bigger file is ignored (it cannot be a capture); in
#: an archive it is an error, as in a compression bomb; a single file (or standard input that
#: is not an archive) is refused before it is read.
MAX_FILE_BYTES = _mib_from_environment(MAX_FILE_VARIABLE, 64)

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

#: Largest total of the files read from one folder, archive or upload, and of standard input.
MAX_TOTAL_BYTES = 256 * MiB

#: Most files read from one folder, archive or upload.
MAX_FILES = 10_000

#: Most entries listed in one folder or archive, read or not (a sosreport holds tens of
#: thousands of files, of which only a few dozen are read).
MAX_ENTRIES = 200_000

#: Most uncompressed bytes streamed through while reading a compressed tar archive, counting the
#: members that are skipped (such as a sosreport's logs). Decompression stops there.
MAX_ARCHIVE_BYTES = 1024 * MiB


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
