"""How a check is declared and run.

A check is a generator over the Context that yields a `Problem` for each thing wrong; the
`check` decorator registers it with its code, severity, meaning and the facts it needs, and
turns each Problem into the report's `Finding`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from netparse.analysis.checks.facts import Fact
from netparse.analysis.context import Context
from netparse.analysis.model import Bridge, Finding, Missing, NotRun, Severity


@dataclass(frozen=True, slots=True)
class Problem:
    """What a check found. A misspelt field is a TypeError where it is made."""

    subjects: Sequence[str]         # names of what it is about; repeats are dropped
    message: str
    evidence: Sequence[str] = ()    # facts, each naming the capture it comes from
    hint: str = ""
    severity: Severity | None = None  # when not the check's own


@dataclass(frozen=True)
class Check:
    code: str
    severity: Severity
    summary: str                    # what README and `netparse checks` say it means
    needs: tuple[Fact, ...]
    find: Callable[[Context], Iterator[Problem]]

    def missing(self, ctx: Context) -> list[Fact]:
        return [fact for fact in self.needs if fact.left_out(ctx) or not fact.present(ctx)]

    def run(self, ctx: Context) -> Iterator[Finding]:
        with _run(ctx):
            for p in self.find(ctx):
                if not isinstance(p, Problem):
                    raise TypeError(f"check {self.code} yielded {type(p).__name__}, not a Problem")
                subjects = list(dict.fromkeys(p.subjects))
                evidence = list(p.evidence)
                evidence += [fact for fact in inferred_facts(ctx, subjects) if fact not in evidence]
                yield Finding(code=self.code, severity=p.severity or self.severity,
                              subjects=subjects, message=p.message, evidence=evidence,
                              hint=p.hint)


CHECKS: list[Check] = []


def check(code: str, severity: Severity, summary: str, needs: tuple[Fact, ...] = ()):
    """Register a check. It runs only when every fact in `needs` is present, so it need not
    test for their captures itself."""
    def register(fn: Callable[[Context], Iterator[Problem]]):
        if any(c.code == code for c in CHECKS):
            raise ValueError(f"check {code} is registered twice")
        CHECKS.append(Check(code, severity, summary, tuple(needs), fn))
        return fn
    return register


def run_checks(ctx: Context) -> list[Finding]:
    """The findings of every check whose facts are present, errors first."""
    with _run(ctx):
        findings = [f for c in CHECKS if not c.missing(ctx) for f in c.run(ctx)]
    return sorted(findings, key=lambda f: (f.severity.rank, f.code, f.subjects))


def not_run(ctx: Context) -> list[NotRun]:
    """The checks left out, each with the captures that would let it run."""
    return [NotRun(code=c.code, missing=[Missing(fact=f.name, captures=_wanted(ctx, f))
                                         for f in missing])
            for c in CHECKS if (missing := c.missing(ctx))]


def _wanted(ctx: Context, fact: Fact) -> list[str]:
    """The captures that would let a check run; those a limit left out say so."""
    left_out = fact.left_out(ctx)
    if not left_out:
        return fact.captures()
    why = "; ".join(f"{e.source.path} was left out: {'; '.join(e.source.messages)}"
                    for e in left_out[:3])
    more = f" (and {len(left_out) - 3} more)" if len(left_out) > 3 else ""
    return [f"{command} ({why}{more})" for command in fact.captures()]


def inferred_facts(ctx: Context, subjects: Sequence[str]) -> list[str]:
    """For each subject that is an inferred object, the facts it was inferred from: a finding
    that rests on one says so."""
    facts = []
    for name in subjects:
        for what, found in (("bridge", ctx.bridge(name)), ("network", ctx.network(name)),
                            ("container", ctx.container(name)), ("interface", ctx.interface(name))):
            if found is not None and found.inferred:
                facts += [f"{what} {name} is inferred from {fact}"
                          for fact in found.inferred_from[:_FACTS_SHOWN]]
                if len(found.inferred_from) > _FACTS_SHOWN:
                    facts.append(f"{what} {name}: {len(found.inferred_from) - _FACTS_SHOWN} "
                                 f"more such facts in the topology")
    return facts


_FACTS_SHOWN = 3


def docker_bridges(ctx: Context) -> Iterator[Bridge]:
    """Bridges Docker manages: no other bridge raises a bridge finding."""
    for b in ctx.topology.bridges:
        if b.managed:
            yield b


_RUN = "checks run"


@contextmanager
def _run(ctx: Context):
    """While checks run on `ctx`, what `once` builds is kept and shared between them; then it
    is dropped, since the topology may change before the next run."""
    if _RUN in ctx._indexes:
        yield
        return
    ctx._indexes[_RUN] = {}
    try:
        yield
    finally:
        ctx._indexes.pop(_RUN, None)


def once(ctx: Context, key: str, build: Callable[[], object]):
    """`build()`, made once for every check of a run (an index over the topology, so that a
    check asking for each bridge does not read every container each time)."""
    kept = ctx._indexes.get(_RUN)
    if kept is None:
        return build()
    if key not in kept:
        kept[key] = build()
    return kept[key]


def running_endpoints(ctx: Context, bridge: str | None) -> list:
    """(container, endpoint) of each running container's endpoint on `bridge`, in order."""
    def build():
        index: dict = {}
        for c in ctx.topology.containers:
            if c.running:
                for ep in c.endpoints:
                    index.setdefault(ep.bridge, []).append((c, ep))
        return index
    return once(ctx, "running endpoints", build).get(bridge, [])


def users(ctx: Context, bridge: str | None) -> list[str]:
    """Running containers with an endpoint on `bridge`."""
    return sorted({c.name for c, _ in running_endpoints(ctx, bridge)})
