"""`docker network ls` on real captures: the default table, --no-trunc, --format table and JSON."""

import json
import pathlib
import re

import pytest

import netparse
from tests.conftest import FIXTURES

DATA = pathlib.Path(__file__).parent / "data" / "docker"
TABLES = sorted([*FIXTURES.glob("dumps/*/docker_network_ls.txt"),
                 DATA / "docker_network_ls_no_trunc.txt", DATA / "docker_network_ls_format_table.txt"])
JSON_LINES = DATA / "docker_network_ls_format_json.txt"


def parse(path, **kw):
    return netparse.parse(path.read_bytes(), "docker_network_ls", **kw)


def ident(path):
    return str(path.relative_to(path.parents[1]))


@pytest.mark.parametrize("path", TABLES + [JSON_LINES], ids=ident)
def test_every_line_is_a_network(path):
    model = parse(path, strict=True)
    lines = [ln for ln in path.read_text().splitlines() if ln.strip()]
    if path.suffix == ".txt" and not lines[0].startswith("{"):
        lines = lines[1:]
    assert len(model.networks) == len(lines)
    assert [n.name for n in model.networks][:3] == ["bridge", "host", "none"]
    assert [n.driver for n in model.networks][:3] == ["bridge", "host", "null"]
    assert all(n.scope == "local" for n in model.networks)
    assert netparse.detect(path.read_bytes()) == "docker_network_ls"


@pytest.mark.parametrize("path", TABLES, ids=ident)
def test_ids_are_the_first_column(path):
    model = parse(path)
    rows = [ln.split()[0] for ln in path.read_text().splitlines()[1:] if ln.strip()]
    assert [n.id for n in model.networks] == rows


def test_no_trunc_ids():
    short = parse(FIXTURES / "dumps/bridge-down/docker_network_ls.txt").networks
    full = parse(DATA / "docker_network_ls_no_trunc.txt").networks
    assert all(re.fullmatch(r"[0-9a-f]{64}", n.id) for n in full)
    # the predefined networks keep their ids across runs of the scenario
    assert [n.id[:12] for n in full[:3]] == [n.id for n in short[:3]]


def test_format_table_and_json_taken_together_agree():
    table = parse(DATA / "docker_network_ls_format_table.txt").networks
    lines = parse(JSON_LINES).networks
    raw = [json.loads(ln) for ln in JSON_LINES.read_text().splitlines()]
    assert [n.id for n in table] == [n.id for n in lines] == [r["ID"] for r in raw]
    for row, line in zip(table, lines):
        assert (row.ipv6, row.internal, row.created_at) == (line.ipv6, line.internal,
                                                           line.created_at)
        assert row.ipv6 is False and row.internal is False and row.labels is None
    assert table[-1].name == "np-base"
    assert table[0].created_at.isoformat() == "2026-11-29T04:38:36.309466+00:00"
    assert all(n.ipv4 is False for n in lines)  # client 28 adds IPv4 to the JSON
    # the table was asked without an IPv4 column
    assert all(n.ipv4 is None for n in table)
    assert all(n.extra == {} for n in table + lines)


def test_a_bad_boolean_is_unparsed():
    lines = (DATA / "docker_network_ls_format_table.txt").read_text().splitlines()
    at = lines[0].index("IPV6")
    lines[2] = lines[2][:at] + "maybe" + lines[2][at + 5:]
    model = netparse.parse("\n".join(lines), "docker_network_ls")
    assert len(model.networks) == 4 and model.networks[1].ipv6 is None
    assert [u.line for u in model.unparsed] == [3]
