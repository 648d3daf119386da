"""Table templates run TTP's compiled line regexes directly: the rows and their lines are the
ones TTP's own run gives, on every text file of the tests and of the peer corpus."""

import pytest

from netparse.parsers import ip_route, route_n
from netparse.parsers._common import as_list, numbered_rows
from netparse.parsers._ttp import Template
from tests.conftest import CORPUS, TESTS

FILES = sorted(p for p in [*TESTS.rglob("*.txt"), *CORPUS.rglob("*.txt")] if p.is_file())


@pytest.mark.parametrize("module", [route_n, ip_route], ids=["route_n", "ip_route"])
def test_direct_rows_are_ttps_rows(module):
    template = module._TEMPLATE
    compared = 0
    for path in FILES:
        text = module._INDENT.sub("", path.read_text(errors="replace"))
        direct = template.table(text)
        assert direct is not None, path
        assert direct == numbered_rows(as_list(template.run(text).get("lines")),
                                       template.understood(text)), path
        compared += bool(direct)
    assert compared > 50


def test_two_template_lines_on_one_line_and_other_templates_go_through_ttp():
    assert Template("interfaces.ttp").table("1: lo: <LOOPBACK> mtu 1\n") is None  # nested groups
    both = route_n._TEMPLATE
    # Every line regex of route_n matches one shape only; a line matched twice is TTP's to solve.
    regexes = both._table
    both._table = regexes + regexes[-1:]
    try:
        assert both.table("fe80::/64 :: U 256 2 0 eth0\n") is None
    finally:
        both._table = regexes


@pytest.mark.parametrize("module", [route_n, ip_route], ids=["route_n", "ip_route"])
def test_one_pass_scan_gives_the_rows_of_table(module):
    template = module._TEMPLATE
    for path in FILES:
        text = module._INDENT.sub("", path.read_text(errors="replace"))
        assert [(line, dict(zip(template.fields[index], values)))
                for line, index, values in template.scan(text)] == template.table(text), path


@pytest.mark.parametrize("kind", ["route_n", "ip_route"])
def test_models_built_from_typed_values_are_those_validation_gives(kind, monkeypatch):
    """`typed` skips validation for values the parser made of the declared types; with
    CHECK_TYPED it validates them too and fails on any difference (value, type, order, the
    fields set)."""
    import netparse.models.base as base
    from netparse.errors import ParseError
    from netparse.parsers import parse

    monkeypatch.setattr(base, "CHECK_TYPED", True)
    parsed = 0
    for path in FILES:
        try:
            parsed += len(getattr(parse(path.read_bytes(), kind), "routes"))
        except ParseError:
            continue
    assert parsed > 300


def test_models_typed_from_the_same_keys_share_one_fields_set_until_one_is_set():
    from netparse.models.base import SharedFields
    from netparse.parsers import parse

    routes = parse((TESTS / "fixtures/dumps/basic-five/route_n.txt").read_text(), "route_n").routes
    first, second = next((a, b) for a in routes for b in routes
                         if a is not b and a.model_fields_set == b.model_fields_set)
    assert type(first.model_fields_set) is SharedFields
    assert first.model_fields_set is second.model_fields_set
    unset = next(name for name in type(first).model_fields if name not in first.model_fields_set)
    before = set(second.model_fields_set)
    setattr(first, unset, getattr(first, unset))
    assert unset in first.model_fields_set
    assert second.model_fields_set == before and unset not in second.model_fields_set
    assert first.model_dump(exclude_unset=True).keys() - second.model_dump(exclude_unset=True).keys() == {unset}
