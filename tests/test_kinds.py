"""Every kind in the registry has all its parts; a kind that lacks one fails here, by name.

Adding a kind is: its parser module (and template), its model, one entry in `netparse.kinds`,
its fixtures with their reviewed expected models, a strategy and a writer for the property tests,
and README's table regenerated with `netparse kinds --markdown`.
"""

from __future__ import annotations

import doctest
import json
import re
import subprocess
import sys

import pytest

import netparse
from netparse.kinds import KINDS, markdown
from netparse.sources.commands import identify
from netparse.sources.names import kind_of_name
from tests.conftest import TESTS
from tests.expected import EXPECTED, capture_files, expected_path
from tests.hostile import render, strategies

NAMES = sorted(KINDS)


def _fixtures(kind: str) -> list:
    """Real captures whose reviewed expected model is of `kind`."""
    found = []
    for capture in capture_files():
        expected = expected_path(capture)
        if expected.exists() and json.loads(expected.read_text()).get("kind") == kind:
            found.append(capture)
    return found


@pytest.mark.parametrize("name", NAMES)
def test_kind_has_a_parser_module(name):
    module = KINDS[name].module()
    assert getattr(module, "KIND", None) == name, f"{module.__name__}.KIND is not {name!r}"
    assert callable(getattr(module, "parse", None)), f"{module.__name__} has no parse()"
    assert hasattr(module, "MODEL"), f"{module.__name__} has no MODEL"


@pytest.mark.parametrize("name", NAMES)
def test_kind_has_a_model_with_its_literal(name):
    model = KINDS[name].module().MODEL
    assert model.model_fields["kind"].default == name, f"{model.__name__}.kind is not {name!r}"


@pytest.mark.parametrize("name", NAMES)
def test_kind_has_a_detection_rule_that_tells_its_fixtures(name):
    rule = KINDS[name].detect
    assert rule.headers or rule.line or rule.json, f"{name} has no detection rule"
    for capture in _fixtures(name):
        assert netparse.detect(capture.read_bytes()) == name, capture


@pytest.mark.parametrize("name", NAMES)
def test_kind_has_command_words_that_name_it(name):
    kind = KINDS[name]
    assert kind.words, f"{name} declares no command words"
    for words in kind.words:
        found = {identify(line).kind for line in (words, f"{words} x")}
        assert name in found, f"`{words}` is not identified as {name}"


@pytest.mark.parametrize("name", NAMES)
def test_kind_has_a_canonical_file_name(name):
    for stem, command in KINDS[name].files.items():
        assert kind_of_name(f"{stem}.txt") == (name, command)


@pytest.mark.parametrize("name", NAMES)
def test_kind_is_collected_or_says_why_not(name):
    kind = KINDS[name]
    if kind.collect is None:
        assert kind.not_collected, f"{name} is not collected and does not say why"
        return
    for collect in kind.collects:
        assert kind_of_name(collect.file)[0] == name
        line = collect.command + (" x" if collect.over else "")
        command = identify(line)
        assert command.capture and command.kind in (name, None), \
            f"the collector's `{line}` does not print {name}"


@pytest.mark.parametrize("name", NAMES)
def test_kind_docstring_examples_hold(name):
    module = KINDS[name].module()
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{module.__name__}: {result.failed} docstring examples fail"


@pytest.mark.parametrize("name", NAMES)
def test_kind_has_a_strategy_and_a_writer(name):
    assert name in strategies.STRATEGIES, f"no hypothesis strategy for {name} (tests/hostile)"
    assert name in render.RENDERERS, f"no writer for {name} (tests/hostile/render.py)"


@pytest.mark.parametrize("name", NAMES)
def test_kind_has_a_real_fixture_with_a_reviewed_model(name):
    assert _fixtures(name), (f"no capture of {name} under tests/fixtures with an expected model "
                             f"in {EXPECTED}")


@pytest.mark.parametrize("name", NAMES)
def test_kind_has_a_readme_row(name):
    assert f"| `{name}` |" in (TESTS.parent / "README.md").read_text(), f"README has no row for {name}"


def test_readme_table_is_the_generated_one():
    text = (TESTS.parent / "README.md").read_text()
    found = re.search(r"<!-- kinds:start[^>]*-->\n(.*?)<!-- kinds:end -->", text, re.S)
    assert found, "README has no kinds table between its markers"
    assert found.group(1) == markdown(), "README's table of kinds is stale: paste " \
                                         "`netparse kinds --markdown` between its markers"


def test_the_command_prints_the_table():
    out = subprocess.run([sys.executable, "-m", "netparse.cli.main", "kinds", "--markdown"],
                         capture_output=True, text=True, check=True).stdout
    assert out == markdown()
