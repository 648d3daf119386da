"""Bounds on what netparse reads from a folder, an archive or standard input.

Captures are small (a busy host's `docker inspect` is a few MiB); the bounds are there so that
a damaged upload or a compression bomb fails fast with a clear message instead of filling memory.
They are read at call time, so a test can lower them.
"""

MiB = 1024 * 1024

#: Largest single file read. In a folder a bigger file is ignored (it cannot be a capture); in an
#: archive it is an error, as in a compression bomb.
MAX_FILE_BYTES = 64 * MiB

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
