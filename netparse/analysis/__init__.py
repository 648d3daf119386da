"""Analysis: build the topology from a snapshot and run the checks over it."""

from __future__ import annotations

from netparse.analysis.model import Report


def analyze_snapshot(snapshot) -> Report:
    """The report for a snapshot: its sources, the topology and the findings."""
    from netparse.analysis.checks import not_run, run_checks
    from netparse.analysis.topology import build
    from netparse.parsers import no_cyclic_gc

    with no_cyclic_gc():
        ctx = build(snapshot)
        findings = run_checks(ctx)
        if ctx.earlier and (before := snapshot.before_latest()) is not None:
            findings += _gone_since(run_checks(build(before)), findings)
        return Report(origin=snapshot.origin, partial=snapshot.partial, sources=snapshot.sources,
                      topology=ctx.topology, findings=findings, not_run=not_run(ctx))


def _gone_since(before: list, now: list) -> list:
    """The faults the earlier captures show and the latest do not: the fault a paste's "before"
    proves, or what its "after" fixed. Said as earlier states, never as faults of the host now."""
    from netparse.analysis.model import Finding, Severity

    seen = {(f.code, tuple(f.subjects)) for f in now}
    return [Finding(code="earlier-state", severity=Severity.INFO, subjects=f.subjects,
                    message=f"the earlier captures show what the latest no longer do: "
                            f"{f.code} ({f.severity.value}): {f.message}",
                    evidence=f.evidence, hint="fixed since, or changed by what happened between "
                                              "the captures")
            for f in before if f.severity is not Severity.INFO
            and f.code != "captures-disagree" and (f.code, tuple(f.subjects)) not in seen]


def load(path, *, stdin=None, host=None):
    """Find and parse every capture under `path` (folder, archive, transcript, sosreport, `-`);
    of one host only when it holds several (`host`, see `netparse.sources.hosts`)."""
    from netparse import sources
    from netparse.parsers import no_cyclic_gc
    from netparse.snapshot import take

    with no_cyclic_gc():
        return take(sources.load(path, stdin=stdin, host=host))


def analyze(path, *, stdin=None, host=None) -> Report:
    """Load `path` and analyse it: the library's form of `netparse analyze`. A paste of several
    hosts raises `netparse.errors.HostsError` unless `host` names the one to analyse."""
    return analyze_snapshot(load(path, stdin=stdin, host=host))


__all__ = ["Report", "analyze", "analyze_snapshot", "load"]
