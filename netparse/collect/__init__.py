"""Collect a dump on a live Docker host: the captures `netparse analyze` reads, in its layout.

    >>> from netparse.collect import collect, script
    >>> path, manifest = collect("dump")                 # or collect("dump", archive=True)
    >>> [e for e in manifest["commands"] if e.get("exit_status")]
    >>> open("collect.sh", "w").write(script())          # the same, for a host without Python

`netparse.collect.steps` names every command, once; `run` executes them with subprocess and
`script` writes them into a POSIX `sh` script, so both collectors take the same dump. Nothing
they run changes the host: they only read (`ip addr`, `docker inspect`, `nsenter -n ip addr`).
"""

from __future__ import annotations

from netparse.collect.run import MANIFEST, CollectError, collect, redact
from netparse.collect.script import script

__all__ = ["MANIFEST", "CollectError", "collect", "redact", "script"]
