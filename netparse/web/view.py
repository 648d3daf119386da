"""A result arranged for the page: summary, findings, diagram, inferred objects, reachability,
one section per capture."""

from __future__ import annotations

from dataclasses import dataclass, field

from netparse.analysis.model import Finding, NotRun
from netparse.kinds import KINDS
from netparse.render.visible import visible_model
from netparse.render.view import InferredItem, inferred_items, sorted_findings
from netparse.snapshot import Source, SourceStatus
from netparse.web.diagram import Diagram, diagram
from netparse.web.paths import Options, ReachView, TraceView, reach_view, trace_view
from netparse.web.tables import Table, tables_of
from netparse.web.work import Result


@dataclass
class CaptureView:
    anchor: str
    source: Source
    title: str
    tables: list[Table] = field(default_factory=list)
    unparsed: list[tuple[int, str]] = field(default_factory=list)  # line in the file, text
    first_line: int = 1             # where the output starts in its file (transcripts)

    @property
    def status(self) -> str:
        return self.source.status.value

    @property
    def open(self) -> bool:
        """Shown unfolded: what went wrong, and the host's captures of a readable size."""
        if self.status != "parsed":
            return True
        return self.source.container is None and sum(len(t.rows) for t in self.tables) <= 60


@dataclass
class PageView:
    origin: str
    partial: bool
    findings: list[Finding]
    not_run: list[NotRun]           # checks the captures did not allow
    counts: dict[str, int]          # findings by severity
    diagram: Diagram
    captures: list[CaptureView]
    ignored: list[Source]
    report_json: str
    inferred: list[InferredItem] = field(default_factory=list)  # with the facts they rest on
    reach: ReachView | None = None  # who reaches whom, when the dump has containers to walk
    trace: TraceView | None = None  # the path asked for in the form
    containers: list[str] = field(default_factory=list)  # names the trace fields may take


def build(result: Result, options: Options | None = None) -> PageView:
    report = result.report
    captures, ignored = [], []
    for n, entry in enumerate(result.snapshot.entries, 1):
        source = entry.source
        if source.status is SourceStatus.IGNORED:
            ignored.append(source)
            continue
        kind = KINDS.get(source.kind or "")
        title = source.command or (kind.title if kind else source.kind or "capture")
        view = CaptureView(f"capture-{n}", source, title, first_line=entry.first_line)
        if entry.model is not None:
            view.tables = tables_of(entry.model)
            offset = entry.first_line - 1
            view.unparsed = [(u.line + offset, u.text) for u in entry.model.unparsed]
        captures.append(view)
    captures.sort(key=lambda c: c.source.container is not None)  # the host's first, stable
    findings = sorted_findings(report.findings)
    counts = {s: sum(1 for f in findings if f.severity.value == s)
              for s in ("error", "warning", "info")}
    options = options or Options()
    return PageView(report.origin, report.partial, findings, report.not_run, counts,
                    diagram(report), captures, ignored, result.json,
                    inferred_items(visible_model(report)),
                    reach_view(result.snapshot, report, options),
                    trace_view(result.snapshot, options),
                    sorted(c.name for c in report.topology.containers))
