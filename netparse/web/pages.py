"""The page's templates, rendered to a string: in the server for small pages, in a worker
process for a page of results (which can be as large as the upload)."""

from __future__ import annotations

import re
from functools import cache

from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape

from netparse import __version__


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
    """The page: the form (with `text` and `kind` as sent), and `error` or `result` if any."""
    from netparse.kinds import KINDS

    context.setdefault("text", "")
    context.setdefault("kind", "")
    return render("index.html", kinds=KINDS, **context)
