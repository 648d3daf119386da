"""The matrix counted, as the text shows a large one: the paths of each verdict by network, and
each cause of a broken or unknown path once, with how many paths it breaks and the first of them.

`counts_of` counts the paths of a report; `netparse.reach.summary` counts the same from the
walks of the classes of containers and their sizes, without a model for each path.
"""

from __future__ import annotations

from pydantic import Field

from netparse.models.base import Model
from netparse.reach.model import Path, ReachReport, Verdict

NO_NETWORK = "(no network)"


class Cell(Model):
    row: str = Field(description="The networks the sources are on, joined with ' + '")
    column: str = Field(description="The destination's network, or the address tried")
    counts: dict[Verdict, int]


class Cause(Model):
    count: int
    path: Path = Field(description="The first path it breaks")


class ReachCounts(Model):
    origin: str
    firewall: str | None = None
    containers: int = Field(description="Containers tried on a network")
    paths: int
    cells: list[Cell] = Field(description="In the order of their first path")
    causes: list[Cause] = Field(description="In the order of their first path")


def cause_of(verdict, disposition, breaks_at, missing) -> tuple:
    return verdict, disposition, breaks_at, tuple(missing)


class Tally:
    """Counts added in any order, each with the place of its first path in the report's order
    (`order`, comparable within one tally): what comes first is what the report's order gives."""

    def __init__(self):
        self.cells: dict = {}
        self.causes: dict = {}
        self.total = 0

    def add(self, row: str, column: str, verdict: Verdict, count: int, order, cause=None,
            example=None) -> None:
        """`count` paths of `verdict`; `example` makes the first of them (a Path, or a function
        giving it, called only if it is the first of its cause)."""
        if count <= 0:
            return
        self.total += count
        cell = self.cells.get((row, column))
        if cell is None:
            cell = self.cells[(row, column)] = [order, {}]
        elif order < cell[0]:
            cell[0] = order
        cell[1][verdict] = cell[1].get(verdict, 0) + count
        if verdict is Verdict.REACHABLE:
            return
        found = self.causes.get(cause)
        if found is None:
            self.causes[cause] = [order, example, count]
        else:
            if order < found[0]:
                found[0], found[1] = order, example
            found[2] += count

    def counts(self, origin: str, firewall: str | None, containers: int) -> ReachCounts:
        cells = sorted(self.cells.items(), key=lambda kv: kv[1][0])
        causes = sorted(self.causes.values(), key=lambda f: f[0])
        return ReachCounts(
            origin=origin, firewall=firewall, containers=containers, paths=self.total,
            cells=[Cell(row=r, column=c, counts={v: n for v in Verdict if (n := cell[1].get(v))})
                   for (r, c), cell in cells],
            causes=[Cause(count=n, path=p if isinstance(p, Path) else p())
                    for _, p, n in causes])


def counts_of(report: ReachReport) -> ReachCounts:
    """The counts of every path of `report`."""
    networks: dict[str, set] = {}
    for p in report.paths:
        if p.network is not None:
            networks.setdefault(p.to, set()).add(p.network)
    row_of = {name: " + ".join(sorted(nets)) for name, nets in networks.items()}
    tally = Tally()
    for i, p in enumerate(report.paths):
        tally.add(row_of.get(p.from_) or NO_NETWORK,
                  p.network if p.network is not None else p.to, p.verdict, 1, (i,),
                  cause_of(p.verdict, p.disposition, p.breaks_at, p.missing), p)
    return tally.counts(report.origin, report.firewall, len(networks))
