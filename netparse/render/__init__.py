"""Renderers: a `Report` as text, JSON, Graphviz DOT or Mermaid.

    >>> from netparse.render import render
    >>> print(render(report, "text", color=False))
"""

from __future__ import annotations

from netparse.analysis.model import Report
from netparse.errors import NetparseError

FORMATS = ("text", "json", "dot", "mermaid")

__all__ = ["FORMATS", "render", "render_dot", "render_json", "render_mermaid", "render_text"]


def render_json(report: Report) -> str:
    """The report as the documented JSON (`netparse schema report`)."""
    return report.model_dump_json(indent=2) + "\n"


def render_text(report: Report, *, color: bool | None = None, width: int | None = None) -> str:
    from netparse.render.text import render_text as _render

    return _render(report, color=color, width=width)


def render_dot(report: Report) -> str:
    from netparse.render.dot import render_dot as _render

    return _render(report)


def render_mermaid(report: Report) -> str:
    from netparse.render.mermaid import render_mermaid as _render

    return _render(report)


def render(report: Report, fmt: str, **opts) -> str:
    """The report in format `fmt` (one of FORMATS).

    `color` and `width` shape the text format; the others have no use for them and ignore them,
    so a caller can pass its terminal settings whatever the format. Every format ends with one
    newline: write it as it is (`click.echo(..., nl=False)`).
    """
    unknown = set(opts) - {"color", "width"}
    if unknown:
        raise TypeError(f"unknown render option(s): {', '.join(sorted(unknown))}")
    if fmt == "text":
        return render_text(report, **opts)
    if fmt == "json":
        return render_json(report)
    if fmt == "dot":
        return render_dot(report)
    if fmt == "mermaid":
        return render_mermaid(report)
    raise NetparseError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
