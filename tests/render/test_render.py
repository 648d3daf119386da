import json

import pytest

from netparse.analysis.model import Report
from netparse.errors import NetparseError
from netparse.render import FORMATS, render, render_dot, render_json, render_mermaid, render_text
from tests.render.reports import faulty, healthy


def test_formats():
    assert FORMATS == ("text", "json", "dot", "mermaid")


@pytest.mark.parametrize("report", [healthy(), faulty()], ids=["healthy", "faulty"])
def test_dispatch(report):
    assert render(report, "text", color=False, width=90) == render_text(report, color=False,
                                                                        width=90)
    assert render(report, "json") == render_json(report)
    assert render(report, "dot", color=True) == render_dot(report)  # text options ignored
    assert render(report, "mermaid", width=10) == render_mermaid(report)
    for fmt in FORMATS:
        out = render(report, fmt, color=False)
        assert out.endswith("\n") and not out.endswith("\n\n")


@pytest.mark.parametrize("report", [healthy(), faulty()], ids=["healthy", "faulty"])
def test_json_is_the_report(report):
    text = render_json(report)
    assert Report.model_validate_json(text) == report
    assert json.loads(text)["schema_version"] == "1.2"
    assert text.startswith('{\n  "schema_version"')


def test_unknown_format_or_option():
    with pytest.raises(NetparseError, match="unknown format 'svg'; choose one of text, json"):
        render(healthy(), "svg")
    with pytest.raises(TypeError, match="colour"):
        render(healthy(), "text", colour=True)
