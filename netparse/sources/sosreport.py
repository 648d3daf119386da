"""Which files of a sosreport hold the outputs of commands netparse reads.

sosreport names each output after its command (`sos_commands/networking/ip_-d_address`); the
command line is read back from the name and identified like a typed one.
"""

from __future__ import annotations

from netparse.sources.commands import identify, unmangle_sos_name

SOS_SKIPPED = ("images", "volumes")   # docker inspect of images and volumes in a sosreport


def sos_capture(rel: list[str]) -> tuple[str | None, str, str | None] | None:
    """(kind, command, container) of a sosreport file that holds a capture, else None."""
    if len(rel) < 3 or rel[0] != "sos_commands":
        return None
    if len(rel) >= 4 and rel[2] in SOS_SKIPPED:
        return None
    command_line = unmangle_sos_name(rel[-1])
    if len(rel) >= 5 and rel[2] == "namespaces":
        # The folder keeps the namespace's name whole; in the file name its `_` are ambiguous.
        prefix = f"ip_netns_exec_{rel[3]}_"
        if rel[-1].startswith(prefix):
            command_line = f"ip netns exec {rel[3]} {unmangle_sos_name(rel[-1][len(prefix):])}"
    command = identify(command_line)
    if not command.capture:
        return None
    kind, container = command.kind, command.container
    if kind is None and len(rel) >= 4 and rel[2] == "containers":
        kind = "docker_inspect"
    elif kind is None and len(rel) >= 4 and rel[2] == "networks":
        kind = "docker_network_inspect"
    return kind, command.line, container
