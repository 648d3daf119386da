"""The engine's own records: its two listings agree, its published ports are in place."""

from __future__ import annotations

from netparse.analysis.checks.base import Problem, check
from netparse.analysis.checks.facts import CONTAINER_LIST, CONTAINERS
from netparse.analysis.context import Context
from netparse.analysis.model import Severity


@check("ps-inspect-mismatch", Severity.WARNING,
       "A container is in `docker ps` but not in `docker inspect`, or the reverse: the "
       "captures were taken at different times.",
       needs=(CONTAINER_LIST, CONTAINERS))
def ps_inspect_mismatch(ctx: Context):
    for c in ctx.topology.containers:
        if c.in_ps and not c.in_inspect:
            yield Problem(severity=Severity.INFO, subjects=[c.name],
                          message=f"{c.name} is in docker ps but not in docker inspect: its "
                                  f"network settings are unknown",
                          evidence=[f"{ctx.inspect_source}: no {c.name}"],
                          hint=f"capture docker inspect {c.name}")
        elif c.in_inspect and not c.in_ps and (c.running or ctx.ps_all):
            yield Problem(subjects=[c.name],
                          message=f"{c.name} is in docker inspect ({c.state}) but not in docker ps: "
                                  f"the captures were taken at different times",
                          evidence=[f"{ctx.inspect_source}: {c.name} {c.state}"],
                          hint="take all captures in one go (netparse collect)")


@check("port-mapping-missing", Severity.ERROR,
       "A running container's published port is configured but not in place.",
       needs=(CONTAINERS,))
def port_mapping_missing(ctx: Context):
    for c in ctx.topology.containers:
        # As State.Running says: the engine counts a restarting container as running.
        if not (c.running or c.state == "restarting") \
                or (c.network_mode or "").startswith(("host", "none")):
            continue
        active = {(p.container_port, p.protocol, p.host_port) for p in c.published if p.host_port}
        for want in ctx.port_bindings.get(c.name, []):
            key = (want.container_port, want.protocol, want.host_port)
            if want.host_port and key not in active:
                yield Problem(subjects=[c.name, f"{want.host_port}->{want.container_port}/{want.protocol}"],
                              message=f"{c.name} asks for {want.host_ip or '0.0.0.0'}:{want.host_port}->"
                                      f"{want.container_port}/{want.protocol}, but the engine has no "
                                      f"such mapping in place",
                              evidence=[f"{ctx.inspect_source}: HostConfig.PortBindings "
                                        f"{want.container_port}/{want.protocol} -> {want.host_port}",
                                        f"{ctx.inspect_source}: NetworkSettings.Ports "
                                        f"{sorted(f'{a}->{h}/{p}' for a, p, h in active) or 'none'}"],
                              hint="the port was likely taken by another process when the container "
                                   "started; free it and restart the container")
