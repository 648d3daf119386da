"""A diff arranged for the page (`POST /diff`): what it broke first (findings, paths lost and
gained, each with the changes that explain it), then the object changes, then what could not be
compared; and the JSON of `/api/diff`, byte for byte, for the download."""

from __future__ import annotations

from dataclasses import dataclass, field

from netparse.analysis.model import Finding
from netparse.compare.model import Change, DiffReport, PathChange
from netparse.render.diff import value_text
from netparse.render.view import sorted_findings
from netparse.render.visible import visible_model
from netparse.web.errors import WebError


@dataclass
class DiffForm:
    """What the diff form sent: each side as files or a paste, and the reach targets."""

    before_files: dict[str, bytes] = field(default_factory=dict)
    before_text: str = ""
    after_files: dict[str, bytes] = field(default_factory=dict)
    after_text: str = ""
    to: list[str] = field(default_factory=list)
    client: str = ""

    @classmethod
    def of(cls, fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> DiffForm:
        form = cls(before_text=fields.get("before_text", ""),
                   after_text=fields.get("after_text", ""),
                   to=(fields.get("to") or "").replace(",", " ").split(),
                   client=(fields.get("client") or "").strip())
        for name, filename, data in files:
            side = {"before": form.before_files, "after": form.after_files}.get(name)
            if side is None:
                continue
            filename = filename or "upload"
            if filename in side:
                raise WebError(400, f"{name}: two files are named {filename!r}")
            side[filename] = data
        return form

    @property
    def size(self) -> int:
        return (len(self.before_text) + len(self.after_text)
                + sum(map(len, self.before_files.values()))
                + sum(map(len, self.after_files.values())))

    def for_page(self) -> DiffForm:
        """What the page shows back: the pastes and fields, not the files."""
        return DiffForm(before_text=self.before_text, after_text=self.after_text, to=self.to,
                        client=self.client)


@dataclass
class ChangeView:
    anchor: str
    change: Change
    before: list[str]       # the value, one line per attribute
    after: list[str]

    @property
    def css(self) -> str:
        return {"+": "added", "-": "removed", "~": "changed"}[self.change.change.value]


@dataclass
class PathView:
    anchor: str
    path: PathChange
    title: str
    explained_by: list[tuple[str, str | None]]  # the change as its text, and its anchor


@dataclass
class DiffView:
    before: str
    after: str
    new: list[Finding]
    resolved: list[Finding]
    lost: list[PathView]
    gained: list[PathView]
    changes: list[ChangeView]
    incomplete: list[str]
    json: str               # exactly what /api/diff answers

    @property
    def nothing(self) -> bool:
        return not (self.new or self.resolved or self.lost or self.gained or self.changes)


def _lines(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, dict):
        return [f"{k}: {value_text(v)}" for k, v in value.items()]
    return [value_text(value)]


def _title(p: PathChange) -> str:
    to = f"{p.to} ({p.network})" if p.network else p.to
    port = f":{p.port}" if p.port else ""
    address = "" if p.to == str(p.address) else f" {p.address}"
    return f"{p.from_} → {to}{address}{port} · {p.protocol}"


def build_diff(report: DiffReport, json: str) -> DiffView:
    shown = visible_model(report)   # control characters written out; the JSON keeps them
    changes = [ChangeView(f"change-{n}", c, _lines(c.before), _lines(c.after))
               for n, c in enumerate(shown.changes, 1)]
    # A path names its changes as `kind: subject`, as the text report prints them.
    anchors = {f"{v.change.kind}: {v.change.subject}": v.anchor for v in changes}

    def paths(items: list[PathChange], prefix: str) -> list[PathView]:
        return [PathView(f"{prefix}-{n}", p, _title(p),
                         [(c, anchors.get(c)) for c in p.explained_by])
                for n, p in enumerate(items, 1)]

    return DiffView(shown.before, shown.after, sorted_findings(shown.findings.new),
                    sorted_findings(shown.findings.resolved),
                    paths(shown.reachability.lost, "lost"),
                    paths(shown.reachability.gained, "gained"), changes, shown.incomplete, json)
