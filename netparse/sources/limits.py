"""Bounds on what netparse reads from a folder, an archive or standard input.

Captures are small (a busy host's `docker inspect` is a few MiB); the bounds are there so that
a damaged upload or a compression bomb fails fast with a clear message instead of filling memory.
They are read at call time, so a test can lower them.
"""

import os

MiB = 1024 * 1024

#: Environment variable that sets MAX_FILE_BYTES, in MiB (worker processes inherit it).
MAX_FILE_VARIABLE = "NETPARSE_MAX_FILE_MIB"


def _mib_from_environment(default: int) -> int:
    value = os.environ.get(MAX_FILE_VARIABLE, "")
    return int(value) * MiB if value.isdigit() and int(value) > 0 else default * MiB


#: Largest single file read; parsing takes some 40 times its size in memory. In a folder a
#: bigger file is ignored (it cannot be a capture); in an archive it is an error, as in a
#: compression bomb; a single file (or standard input that is not an archive) is refused before
#: it is read.
MAX_FILE_BYTES = _mib_from_environment(64)

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
