"""The page's templates, rendered to a string: in the server for small pages, in a worker
process for a page of results (`results`, which can be as large as the upload)."""

from __future__ import annotations

import re
from functools import cache

from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape

from netparse import __version__
from netparse.errors import NetparseError
from netparse.web import work
from netparse.web.diffview import DiffForm, build_diff
from netparse.web.errors import WebError
from netparse.web.paths import Options
from netparse.web.view import build


def _ticks(text: str) -> Markup:
    """`code` in a description as <code>, everything else escaped."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


@cache
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("netparse.web", "templates"),
                      autoescape=True)
    env.globals.update(version=__version__)
    env.filters["ticks"] = _ticks
    return env


def render(template: str, **context) -> str:
    return _environment().get_template(template).render(**context)


def index(**context) -> str:
    """The page: the form (with `text`, `kind` and the reachability `options` as sent), and
    `error` or `result` if any."""
    from netparse.kinds import KINDS

    context.setdefault("text", "")
    context.setdefault("kind", "")
    context.setdefault("host", "")
    if context.get("options") is None:
        context["options"] = Options()
    return render("index.html", kinds=KINDS, **context)


def results(files: dict[str, bytes], text: str, kind: str,
            options: Options | None = None, host: str = "") -> tuple[int, str]:
    """`POST /`: the status and the page with the results of a paste or an upload, or with
    what went wrong. `host` chooses one host of a paste that holds several, as `netparse
    analyze --host` does."""
    try:
        if files and text.strip():
            raise WebError(400, "paste text or upload files, not both at once")
        if files:
            result = work.analyze_files(files, kind or None, host or None)
        elif text.strip():
            result = work.analyze_text(text, kind or None, host or None)
        else:
            raise WebError(400, "nothing to analyse: paste a command's output or choose files")
        view = build(result, options or Options())
        if not view.captures:
            reasons = "; ".join(f"{s.path}: {' '.join(s.messages)}" for s in view.ignored)
            raise WebError(422, f"no output of a command netparse reads was found ({reasons})")
    except WebError as exc:
        return exc.status, index(error=exc, text=text, kind=kind, options=options, host=host)
    return 200, index(result=view, text=text, kind=kind, options=options, host=host)


def diff_page(**context) -> str:
    """The page of `netparse diff`: the two-sided form (`form`, as sent), and `error` or
    `result` if any."""
    if context.get("form") is None:
        context["form"] = DiffForm()
    return render("diff.html", **context)


def _side(label: str, files: dict[str, bytes], text: str) -> dict[str, bytes]:
    if files and text.strip():
        raise WebError(400, f"{label}: paste text or upload files, not both at once")
    if files:
        return files
    if text.strip():
        return {work.PASTE_NAME: text.encode("utf-8")}
    raise WebError(400, f"{label}: nothing to compare: paste a command's output or choose files")


def diff_results(form: DiffForm) -> tuple[int, str]:
    """`POST /diff`: the status and the page comparing the two sides, or saying what is wrong
    with one of them."""
    shown = form.for_page()
    try:
        before = _side("before", form.before_files, form.before_text)
        after = _side("after", form.after_files, form.after_text)
        try:
            report = work.diff_report(before, after, form.to, form.client or None,
                                      need_captures=True)
        except NetparseError as exc:  # a target that is no address
            raise WebError(400, str(exc)) from None
        view = build_diff(report, work.diff_json_of(report))
    except WebError as exc:
        return exc.status, diff_page(error=exc, form=shown)
    return 200, diff_page(result=view, form=shown)
