"""Group templates are put together without TTP's general result assembly (`_ttp._Groups`): the
result is TTP's own on every text file of the tests and of the peer corpus, and on damaged
copies of them; an input the fast path leaves to TTP still gives TTP's result."""

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from netparse.parsers._ttp import Template
from tests.conftest import CORPUS, TESTS

FILES = sorted(p for p in [*TESTS.rglob("*.txt"), *CORPUS.rglob("*.txt")] if p.is_file())
TEMPLATES = ["interfaces.ttp", "brctl_show.ttp", "bridge_fdb.ttp", "bridge_link.ttp",
             "sysctl.ttp"]
_INDENT = re.compile(r"^[ \t]+(?=\S)", re.M)


def _ttp(template: Template, text: str):
    result = template.run_ttp(text)
    return {k: v for k, v in result.items() if v not in ({}, [])}


def _texts(path):
    raw = path.read_text(errors="replace")
    return raw, _INDENT.sub("\t", raw)


@pytest.mark.parametrize("name", TEMPLATES)
def test_fast_result_is_ttps(name):
    template = Template(name)
    direct = 0
    for path in FILES:
        for text in _texts(path):
            fast = template._groups_of().run("\n" + text + "\n\n")
            # One alternation of a group's line regexes reads what they read one by one.
            assert fast == template._groups_of().run("\n" + text + "\n\n", one_pass=False), path
            if fast is None:
                continue
            direct += 1
            assert fast == _ttp(template, text), path
            assert template.run(text) == fast
            assert template.run_lines(text)[1] == template.understood(text), path
    assert direct > 100


@pytest.mark.parametrize("name", TEMPLATES)
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_fast_result_is_ttps_on_damaged_text(name, data):
    path = data.draw(st.sampled_from([p for p in FILES if p.stat().st_size < 20_000]))
    lines = _texts(path)[1].split("\n")
    # Lines dropped, repeated and moved: the orders TTP's group logic has to decide.
    picks = data.draw(st.lists(st.integers(0, max(len(lines) - 1, 0)), max_size=40))
    text = "\n".join(lines[i] for i in picks) + "\n"
    template = Template(name)
    fast = template._groups_of().run("\n" + text + "\n\n")
    assert fast == template._groups_of().run("\n" + text + "\n\n", one_pass=False)
    if fast is not None:
        assert fast == _ttp(template, text)


def test_two_template_lines_on_one_line_go_to_ttp():
    template = Template("interfaces.ttp")
    groups = template._groups_of()
    name, child, lines = groups.groups[0]
    groups.groups[0] = (name, child, lines + lines[:1])
    try:
        assert groups.run("\n1: lo: <LOOPBACK> mtu 1\n\n", one_pass=False) is None
    finally:
        groups.groups[0] = (name, child, lines)


def test_shipped_patterns_are_the_templates_own():
    from pathlib import Path

    from netparse.parsers import _ttp

    shipped = (Path(_ttp.__file__).parent / "_patterns.py").read_text()
    assert shipped == _ttp.shipped_patterns(), "run `python -m netparse.parsers._ttp`"


def test_a_template_edited_since_is_compiled_by_ttp(monkeypatch):
    from netparse.parsers import _patterns

    template = Template("bridge_fdb.ttp")
    monkeypatch.setitem(_patterns.PATTERNS, "bridge_fdb.ttp",
                        {**_patterns.PATTERNS["bridge_fdb.ttp"], "covers": "(?!)", "sha1": "0"})
    assert template.understood("02:42:ac:11:00:02 dev veth0 master docker0\n") == {1}


def test_parsing_imports_no_ttp():
    import subprocess
    import sys

    code = ("import sys, netparse; "
            "netparse.parse(open('tests/fixtures/dumps/default-bridge/route_n.txt').read()); "
            "netparse.parse(open('tests/fixtures/dumps/default-bridge/ip_addr.txt').read()); "
            "print('ttp' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent.parent)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("kind", ["ip_addr", "ip_link"])
def test_interfaces_built_from_typed_values_are_those_validation_gives(kind, monkeypatch):
    """`ip addr`/`ip link` models are built with `typed` from values the parser made of the
    declared types; with CHECK_TYPED each is validated too and must be the same object, and
    the whole result what it is without the check (a validation error would drop an
    interface)."""
    import netparse.models.base as base
    from netparse.errors import ParseError
    from netparse.parsers import parse

    parsed = 0
    for path in FILES:
        data = path.read_bytes()
        try:
            plain = parse(data, kind)
        except ParseError:
            continue
        monkeypatch.setattr(base, "CHECK_TYPED", True)
        checked = parse(data, kind)
        monkeypatch.setattr(base, "CHECK_TYPED", False)
        assert checked.model_dump() == plain.model_dump(), path
        parsed += sum(1 + len(i.addresses) for i in plain.interfaces)
    assert parsed > 1000
