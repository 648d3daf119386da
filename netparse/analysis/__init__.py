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
        return Report(origin=snapshot.origin, partial=snapshot.partial, sources=snapshot.sources,
                      topology=ctx.topology, findings=run_checks(ctx), not_run=not_run(ctx))


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
