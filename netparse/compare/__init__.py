"""`netparse diff BEFORE AFTER`: what changed on the host between two dumps, and what it broke.

    >>> from netparse.compare import diff
    >>> report = diff("before/", "after/", to=["8.8.8.8"])
    >>> [p.explained_by for p in report.reachability.lost]

Behaviour first: the findings new and resolved, and the paths of `netparse reach` lost and
gained, each lost path with the object changes on its way. Then the object changes, each under
an identity that Docker's random names do not touch (`netparse.compare.objects`). What one dump
holds and the other does not is said in `incomplete`, never taken for "unchanged".
"""

from __future__ import annotations

from netparse.compare.model import DIFF_VERSION, DiffReport

__all__ = ["DIFF_VERSION", "DiffReport", "diff", "diff_sources"]


def diff(before, after, *, to=(), client=None, stdin=None) -> DiffReport:
    """Compare two dumps, each anything `netparse analyze` takes (a folder, an archive, a
    transcript, a sosreport; `-` for `stdin` on one side at most)."""
    from netparse import sources

    return diff_sources(sources.load(before, stdin=stdin), sources.load(after, stdin=stdin),
                        to=to, client=client)


def diff_sources(before, after, *, to=(), client=None) -> DiffReport:
    """Compare two `netparse.sources.SourceSet`s (what the web page receives)."""
    from netparse.compare.changes import (address_of, change_model, changes, findings, paths,
                                       reachability)
    from netparse.parsers import no_cyclic_gc

    for text in to:
        address_of(text)  # a bad address is bad input, before any work
    if client is not None:
        address_of(client)
    incomplete: list[str] = []
    with no_cyclic_gc():
        b, rb = _side("before", before)
        a, ra = _side("after", after)
        changed = changes(b, a, incomplete)
        found = findings(b, rb, a, ra, incomplete)
        pb = paths(b, to, client, incomplete)
        pa = paths(a, to, client, incomplete)
        if pb is not None and pa is not None:
            reach = reachability(pb, pa, changed, b, a, incomplete)
        else:
            from netparse.compare.model import Reachability
            reach = Reachability()
        return DiffReport(before=b.snapshot.origin, after=a.snapshot.origin,
                          changes=[change_model(c, b, a) for c in changed], findings=found,
                          reachability=reach, incomplete=_once(incomplete))


def _side(label: str, source_set):
    from netparse.analysis import analyze_snapshot
    from netparse.analysis.topology import build
    from netparse.compare.objects import side
    from netparse.snapshot import take

    raw = {(i.path, i.first_line): i.data for i in source_set.items}
    snapshot = take(source_set)
    report = analyze_snapshot(snapshot)
    return side(label, snapshot, build(snapshot), raw), report


def _once(lines: list[str]) -> list[str]:
    return list(dict.fromkeys(lines))
