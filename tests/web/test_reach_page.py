"""Reachability on the page: the matrix and the trace drawn from the JSON that /api/reach and
/api/trace answer, checked against the live scenarios' dumps and what real traffic did there
(tests/fixtures/reach/<fault>/measured.json); inferred objects and checks not run as the CLI
shows them."""

from __future__ import annotations

import html
import json
import re

import pytest
from markupsafe import escape

from netparse.analysis import analyze
from netparse.render import render
from tests.conftest import FIXTURES
from tests.web.conftest import DUMPS, XSS, as_form, dump_files, xss_dump

REACH = FIXTURES / "reach"
CLIENT = "10.99.29.1"  # the outside client of the live scenarios, behind np-e2e-h0


def scenario_files(name: str, drop: tuple[str, ...] = ()) -> dict[str, bytes]:
    root = REACH / name / "dump"
    return {f"dump/{p.relative_to(root).as_posix()}": p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name not in drop}


def embedded(page: str, ident: str) -> str:
    """The JSON text a script element of the page holds (as a JSON string)."""
    m = re.search(rf'<script type="application/json" id="{ident}">(.*?)</script>', page, re.S)
    assert m, f"no {ident} in the page"
    return json.loads(m.group(1))


def embedded_json(page: str, ident: str):
    return json.loads(embedded(page, ident))


def matrix(page: str) -> dict[tuple[str, str], tuple[str, str, str, str]]:
    """(row, column) → (verdict class, anchor, word, where) for each cell of the matrix."""
    table = re.search(r'<table class="matrix" id="reach-matrix">(.*?)</table>', page, re.S)
    assert table, "no matrix in the page"
    head = re.search(r"<thead>(.*?)</thead>", table.group(1), re.S).group(1)
    columns = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
               for c in re.findall(r'<th scope="col">(.*?)</th>', head, re.S)]
    cells = {}
    for row in re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", table.group(1), re.S):
        name, rest = row.split("</th>", 1)
        tds = re.findall(r'<td class="cell (\w+)">(.*?)</td>', rest, re.S)
        assert len(tds) == len(columns)
        for column, (css, body) in zip(columns, tds):
            if css == "none":
                continue
            anchor = re.search(r'href="#(path-\d+)"', body).group(1)
            word = re.search(r'<span class="word">(.*?)</span>', body).group(1)
            at = re.search(r'<span class="at">(.*?)</span>', body)
            cells[(html.unescape(name), column)] = (css, anchor, html.unescape(word),
                                                    html.unescape(at.group(1)) if at else "")
    return cells


def column_of(path: dict) -> str:
    return f"{path['to']} {path['network']}" if path["network"] else path["to"]


@pytest.fixture(scope="module")
def user_drop(client):
    """The DOCKER-USER drop scenario, with the client and the outside asked for, and a trace."""
    files = scenario_files("docker_user_drop")
    fields = {"reach_to": CLIENT, "reach_client": CLIENT, "trace_from": "np-e2e-r1",
              "trace_to": CLIENT}
    page = client.post("/", data=fields, files=as_form(files))
    assert page.status_code == 200
    return files, page.text


def test_the_matrix_shows_the_json_of_the_api(client, user_drop):
    files, page = user_drop
    api = client.post("/api/reach", data={"to": CLIENT, "client": CLIENT}, files=as_form(files))
    assert api.status_code == 200
    assert embedded(page, "reach-json") == api.text
    paths = api.json()["paths"]
    cells = matrix(page)
    assert len(cells) == len(paths)
    for i, p in enumerate(paths, 1):
        css, anchor, word, _ = cells[(p["from"], column_of(p))]
        assert (css, anchor) == (p["verdict"], f"path-{i}")
        assert word == ("reachable" if p["verdict"] == "reachable" else
                        "unknown" if p["verdict"] == "unknown" else p["disposition"])
    # Rows: the containers and the client; columns: containers, the outside, published ports.
    rows = {r for r, _ in cells}
    assert CLIENT in rows and "np-e2e-r1" in rows
    columns = {c for _, c in cells}
    assert CLIENT in columns and "np-e2e-r4 np-e2e-rb" in columns
    assert "np-e2e-r1 (10.99.29.254:18080->80/tcp)" in columns


@pytest.mark.parametrize("scenario", sorted(p.parent.name for p in REACH.glob("*/measured.json")))
def test_every_cell_is_what_the_traffic_did(client, scenario):
    page = client.post("/", data={"reach_to": CLIENT, "reach_client": CLIENT},
                       files=as_form(scenario_files(scenario))).text
    paths = {(p["from"], p["to"], p["address"], p["port"]): p
             for p in embedded_json(page, "reach-json")["paths"]}
    cells = matrix(page)
    measured = json.loads((REACH / scenario / "measured.json").read_text())
    for m in measured:
        p = paths[(m["from"], m["to"], m["address"], m["port"])]
        css = cells[(p["from"], column_of(p))][0]
        assert css == ("reachable" if m["reached"] else "unreachable"), m


def test_a_blocked_cell_says_where_and_links_to_its_hops(user_drop):
    _, page = user_drop
    css, anchor, word, at = matrix(page)[("np-e2e-r1", CLIENT)]
    assert (css, word, at) == ("unreachable", "denied", "filter DOCKER-USER rule 1")
    block = re.search(rf'<details class="path unreachable" id="{anchor}" open>(.*?)</details>',
                      page, re.S).group(1)
    assert "-A DOCKER-USER -s 172.29.11.0/24 -j DROP" in html.unescape(block)
    assert re.search(r"iptables_save\.txt:37</td>", block)
    # A reachable one is there too, folded.
    ok = next(v for v in matrix(page).values() if v[0] == "reachable")
    assert f'<details class="path reachable" id="{ok[1]}">' in page


def test_without_the_firewall_cells_are_unknown_with_what_would_settle_them(client):
    files = scenario_files("docker_user_drop", drop=("iptables_save.txt", "nft_ruleset.txt"))
    page = client.post("/", data={"reach_to": CLIENT}, files=as_form(files)).text
    cells = matrix(page)
    unknown = [v for v in cells.values() if v[0] == "unknown"]
    assert unknown and all(v[2] == "unknown" for v in unknown)
    assert all(v[3] == "needs iptables-save (iptables_save.txt)" for v in unknown)
    assert "<strong>not captured</strong>" in page
    # None is wrong: what the page calls reachable or blocked, the traffic did.
    measured = json.loads((REACH / "docker_user_drop" / "measured.json").read_text())
    paths = {(p["from"], p["to"], p["address"], p["port"]): p
             for p in embedded_json(page, "reach-json")["paths"]}
    for m in measured:
        p = paths.get((m["from"], m["to"], m["address"], m["port"]))
        if p is not None and p["verdict"] != "unknown":
            assert (p["verdict"] == "reachable") == m["reached"], m


def test_the_trace_asked_for_is_the_json_of_the_api(client, user_drop):
    files, page = user_drop
    api = client.post("/api/trace", data={"from": "np-e2e-r1", "to": CLIENT},
                      files=as_form(files))
    assert api.status_code == 200
    assert embedded(page, "trace-json") == api.text
    trace = re.search(r'<div class="trace" id="trace">(.*?)</div>', page, re.S).group(1)
    text = html.unescape(trace)
    assert f"Trace np-e2e-r1 → {CLIENT}" in text
    assert "breaks at <code class=\"breaks-at\">filter DOCKER-USER rule 1: -A DOCKER-USER " \
           "-s 172.29.11.0/24 -j DROP → DROP</code>" in text
    hops = re.findall(r"<tr class=\"(forward|reply)\"><td>\w*</td><td>(.*?)</td><td>(.*?)</td>",
                      trace)
    assert [(d, at, step) for d, at, step in hops] == [
        (h["direction"], h["at"], h["step"]) for h in api.json()["hops"]]
    # The form keeps what was asked, for the next try.
    assert 'name="trace_from" value="np-e2e-r1"' in page
    assert f'name="reach_client" value="{CLIENT}"' in page
    assert '<option value="np-e2e-r1">' in page


def test_a_trace_to_a_published_port(client):
    files = scenario_files("healthy")
    page = client.post("/", data={"trace_from": CLIENT, "trace_to": "np-e2e-r1",
                                  "trace_port": "18080"}, files=as_form(files)).text
    path = embedded_json(page, "trace-json")
    assert path["verdict"] == "reachable" and path["port"] == 18080
    assert any("DNAT to 172.29.11.2:80" in h["text"] for h in path["hops"])
    assert "Trace 10.99.29.1 → np-e2e-r1:18080" in html.unescape(page)


@pytest.mark.parametrize("fields, message", [
    ({"trace_from": "nobody", "trace_to": CLIENT}, "'nobody' is neither a container"),
    ({"trace_from": "np-e2e-r1", "trace_to": CLIENT, "trace_port": "²"},
     "port '²' is not a port number"),
    ({"trace_from": "np-e2e-r1", "trace_to": CLIENT, "trace_port": "70000"},
     "port '70000' is not a port number"),
    ({"trace_from": "np-e2e-r1"}, "give both where the path starts and where it goes"),
])
def test_a_trace_that_cannot_be_made_is_said_in_words(client, fields, message):
    r = client.post("/", data=fields, files=as_form(scenario_files("healthy")))
    assert r.status_code == 200
    trace = re.search(r'<div class="trace" id="trace">(.*?)</div>', r.text, re.S).group(1)
    assert message in html.unescape(trace) and 'role="alert"' in trace
    assert 'id="reach-matrix"' in r.text       # the rest of the page is still there


def test_the_api_refuses_a_port_that_is_no_number(client):
    r = client.post("/api/trace", data={"from": "np-e2e-r1", "to": CLIENT, "port": "²"},
                    files=as_form(scenario_files("healthy")))
    assert r.status_code == 400 and "not a port number" in r.json()["error"]


def test_an_outside_address_that_is_none_is_said_in_words(client):
    r = client.post("/", data={"reach_to": "example.org"}, files=as_form(scenario_files("healthy")))
    assert r.status_code == 200
    assert "The paths could not be worked out: &#39;example.org&#39; is not an IP address" in r.text
    assert 'id="findings"' in r.text


def test_a_paste_without_containers_has_no_reachability(client):
    text = (DUMPS / "user-networks/brctl_show.txt").read_text()
    page = client.post("/", data={"text": text}).text
    assert 'id="reach"' not in page and 'id="reach-json"' not in page


def test_a_dump_with_containers_gets_the_matrix_without_asking(client):
    page = client.post("/", files=as_form(dump_files("user-networks"))).text
    cells = matrix(page)
    report = analyze(str(DUMPS / "user-networks"))
    running = [c for c in report.topology.containers if c.running and c.endpoints]
    assert {r for r, _ in cells} == {c.name for c in running}
    assert '<details class="reach-options">' in page   # folded: nothing was asked


def test_too_many_paths_are_not_drawn(monkeypatch):
    from netparse.web import pages, paths

    monkeypatch.setattr(paths, "MAX_PATHS", 10)
    status, page = pages.results(scenario_files("healthy"), "", "", paths.Options())
    assert status == 200
    assert re.search(r'<p class="none" id="reach-skipped">2\d paths are too many to draw here; '
                     r"<code>netparse reach</code>", page)
    assert 'id="reach-matrix"' not in page


def test_hostile_names_and_fields_stay_text(client):
    hostile = '"><script>alert(2)</script>'
    page = client.post("/", data={"trace_from": hostile, "trace_to": XSS, "reach_to": hostile},
                       files=as_form(xss_dump())).text
    assert XSS not in page and "<script>alert" not in page
    assert str(escape(hostile)) in page            # in the form's values and the messages
    page = client.post("/", files=as_form(xss_dump())).text
    assert XSS not in page
    assert XSS in {r for r, _ in matrix(page)}      # a row, read back as the text it is
    raw = re.search(r'id="reach-json">(.*?)</script>', page, re.S).group(1)
    assert "<" not in raw
    assert any(p["from"] == XSS for p in embedded_json(page, "reach-json")["paths"])


# Inferred objects and checks not run: the page says what the CLI says.

def test_inferred_objects_are_listed_as_the_cli_lists_them(client):
    page = client.post("/", files=as_form(dump_files("basic-five"))).text
    table = re.search(r'<table class="data inferred" data-table="Inferred objects" id="inferred">'
                      r"(.*?)</table>", page, re.S).group(1)
    rows = re.findall(r"<tr><td>(\w+)</td><td>(.*?) <span class=\"mark\">\(inferred\)</span></td>",
                      table)
    text = render(analyze(str(DUMPS / "basic-five")), "text", color=False, width=200)
    listed = re.search(r"^Inferred from references \(\d+\)\n((?:  .*\n)*)", text, re.M).group(1)
    cli = re.findall(r"^  (\w+) (\S+(?: on \S+)?)\s", listed, re.M)
    assert rows and rows == cli


def test_inferred_objects_carry_their_facts_and_mark_the_diagram():
    """The real dump's result, with docker0 and np-db set as inferred on a copy of its model,
    each from a line of the dump."""
    from netparse.web import pages, work
    from netparse.web.view import build

    files = dump_files("default-bridge")
    result = work.analyze_files(files)
    lines = files["default-bridge/ip_addr.txt"].decode().splitlines()
    n = next(i for i, line in enumerate(lines, 1) if "master docker0" in line)
    fact = f"default-bridge/ip_addr.txt:{n}: {lines[n - 1].strip()}"
    report = result.report.model_copy(deep=True)
    report.topology.bridges[0].inferred = True
    report.topology.bridges[0].inferred_from = [fact, "x.txt:1: \x1b[31m<b>red</b>"]
    db = next(c for c in report.topology.containers if c.name == "np-db")
    db.inferred = True
    result.report = report
    page = pages.index(result=build(result))
    table = re.search(r'data-table="Inferred objects" id="inferred">(.*?)</table>', page,
                      re.S).group(1)
    assert f"<li>{html.escape(fact)}</li>" in table
    assert "<li>x.txt:1: \\x1b[31m&lt;b&gt;red&lt;/b&gt;</li>" in table
    assert re.search(r"<td>container</td><td>np-db <span class=\"mark\">\(inferred\)</span></td>"
                     r"<td><span class=\"none\">no fact recorded</span>", table)
    for name in ("docker0", "np-db"):
        box = re.search(rf'<g class="node (\w+)[^"]*?inferred">(?:(?!</g>).)*?>{name}</text>'
                        r'<text [^>]*>\(inferred\)</text>', page, re.S)
        assert box, name
    assert not re.search(r'<g class="node [^"]*inferred">(?:(?!</g>).)*?>np-app</text>', page,
                         re.S)


def test_checks_not_run_read_as_in_the_cli(client):
    page = client.post("/", files=as_form(dump_files("default-bridge"))).text
    block = re.search(r'<div class="not-run">(.*?)</div>', page, re.S).group(1)
    items = [html.unescape(f"{code}  needs {needs}")
             for code, needs in re.findall(r"<li><code>(.*?)</code> needs (.*?)</li>", block)]
    text = render(analyze(str(DUMPS / "default-bridge")), "text", color=False, width=200)
    listed = re.search(r"^Checks not run \(\d+\)\n((?:  .*\n?)*)", text, re.M).group(1)
    cli = [re.sub(r"\s{2,}", "  ", line.strip()) for line in listed.splitlines()]
    assert items and items == cli
