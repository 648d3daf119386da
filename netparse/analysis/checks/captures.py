"""The captures themselves: where they disagree, what they could not place or join."""

from __future__ import annotations

from netparse.analysis.checks.base import Problem, check
from netparse.analysis.checks.facts import CONTAINERS, LISTED_CONTAINERS
from netparse.analysis.context import Context
from netparse.analysis.model import Severity


# Any two captures can disagree: this one needs no fact. A capture inside a container names an
# unknown one only against the engine's own list of containers.
@check("captures-disagree", Severity.WARNING,
       "Two captures disagree about the same thing (a port on a bridge, an interface, a "
       "route, the same command captured twice): they were taken at different times, or the "
       "host changed in between.")
def captures_disagree(ctx: Context):
    for conflict in ctx.conflicts:
        yield Problem(subjects=conflict.subjects, message=conflict.message,
                      evidence=conflict.evidence, severity=conflict.severity,
                      hint="take all captures in one go (netparse collect) and analyse again")


@check("earlier-state", Severity.INFO,
       "The same command was captured more than once and an earlier capture shows another "
       "state (before/after, or a command run again in a transcript); the latest is analysed.")
def earlier_state(ctx: Context):
    for note in ctx.earlier:
        yield Problem(subjects=note.subjects, message=note.message, evidence=note.evidence,
                      hint="what changed between the two may be the fault or its fix: compare "
                           "them")


@check("unknown-container", Severity.WARNING,
       "Captures were taken inside a container the engine does not list.",
       needs=(LISTED_CONTAINERS,))
def unknown_container(ctx: Context):
    for note in ctx.notes:
        yield Problem(subjects=note.subjects, message=note.message, evidence=note.evidence,
                      hint="name the folder after the container's name or id")


@check("unpaired-endpoint", Severity.INFO,
       "A running container's endpoint could not be joined to its veth without guessing; the "
       "message says why and what to capture.",
       needs=(CONTAINERS,))
def unpaired_endpoint(ctx: Context):
    for c in ctx.topology.containers:
        if not c.running:
            continue
        for ep in c.endpoints:
            if ep.host_veth is None and ep.unpaired_reason:
                yield Problem(subjects=[c.name, ep.network],
                              message=f"{c.name} on {ep.network} is not paired with a veth: "
                                      f"{ep.unpaired_reason}",
                              evidence=[f"{ctx.inspect_source}: {c.name} {ep.network} "
                                        f"MAC {ep.mac or '-'} IP {ep.ip or '-'}"])
