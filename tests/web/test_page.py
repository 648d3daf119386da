"""The page as the server renders it: the form, the results of a paste or an upload, escaping
of hostile names, and the headers that keep a browser strict. (The browser tests drive it.)"""

import html
import json
import re

from tests.conftest import FIXTURES
from tests.web.conftest import DUMPS, XSS, as_form, cli_json, dump_files, xss_dump

TRANSCRIPT = FIXTURES / "transcripts/session_pasted.md"


def test_the_empty_page_has_the_form_and_strict_headers(client):
    r = client.get("/")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp and "object-src 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    for needle in ('name="text"', 'name="files"', 'name="kind"', 'value="brctl_show"',
                   'enctype="multipart/form-data"'):
        assert needle in r.text
    assert not re.search(r"https?://", r.text), "nothing may come from another site"


def test_no_inline_script_and_every_asset_is_served_here(client):
    page = client.post("/", files=as_form(dump_files("veth-detached"))).text
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.S)
    for attrs, body in scripts:
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
    assert not re.search(r"\son[a-z]+=", page), "no inline event handlers"
    assert not re.search(r"\sstyle=", page), "no inline style attributes"
    for asset, ctype in (("/static/app.js", "javascript"), ("/static/style.css", "text/css"),
                         ("/static/favicon.svg", "image/svg+xml")):
        r = client.get(asset)
        assert r.status_code == 200 and ctype in r.headers["content-type"]
        assert f'"{asset}"' in page


def test_a_pasted_brctl_show_gives_the_bridges_table(client):
    text = (DUMPS / "user-networks/brctl_show.txt").read_text()
    r = client.post("/", data={"text": text})
    assert r.status_code == 200
    table = re.search(r'<table class="data" data-table="Bridges">.*?</table>', r.text, re.S).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    names = [re.search(r"<td>(.*?)</td>", row).group(1) for row in rows]
    assert names == [line.split()[0] for line in text.splitlines()[1:] if line[:1].strip()]
    assert r.headers["cache-control"] == "no-store"


def test_a_dump_upload_shows_findings_diagram_and_the_cli_report(client):
    r = client.post("/", files=as_form(dump_files("veth-detached")))
    assert r.status_code == 200
    page = r.text
    findings = re.findall(r'<article class="finding (\w+)">.*?<code class="code">(.*?)</code>',
                          page, re.S)
    ranks = {"error": 0, "warning": 1, "info": 2}
    assert findings[0] == ("error", "detached-endpoint")
    assert [ranks[s] for s, _ in findings] == sorted(ranks[s] for s, _ in findings)
    svg = re.search(r"<svg [^>]*class=\"topology\".*?</svg>", page, re.S).group(0)
    for name in ("docker0", "br-cb16fb5b0fc8", "veth376f8f8", "np-a", "np-b", "np-c", "eth0"):
        assert f">{name}</text>" in svg
    assert re.search(r'<g class="node port error">.*?>veth376f8f8</text>', svg, re.S)
    embedded = re.search(r'<script type="application/json" id="report-json">(.*?)</script>',
                         page, re.S).group(1)
    assert json.loads(embedded) == cli_json("veth-detached", DUMPS)


def test_the_checks_the_captures_did_not_allow_are_listed(client):
    page = client.post("/", files=as_form(dump_files("basic-five"))).text
    block = re.search(r'<div class="not-run">(.*?)</div>', page, re.S).group(1)
    items = re.findall(r"<li><code>(.*?)</code> needs (.*?)</li>", block)
    report = json.loads(cli_json("basic-five", DUMPS))
    assert [code for code, _ in items] == [n["code"] for n in report["not_run"]]
    assert dict(items)["ip-forward-off"] == "ip-forward (sysctl net.ipv4.ip_forward)"
    # A dump with every capture a check needs (the firewall too) lists none.
    root = FIXTURES / "reach" / "healthy" / "dump"
    full = {f"dump/{p.relative_to(root).as_posix()}": p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}
    assert 'class="not-run"' not in client.post("/", files=as_form(full)).text


def test_a_hostile_container_name_is_shown_as_text(client):
    # The real veth-detached dump with np-b renamed `<script>alert(1)</script>` (see xss_dump).
    page = client.post("/", files=as_form(xss_dump())).text
    assert XSS not in page
    assert "<script>alert" not in page
    escaped = html.escape(XSS, quote=False)
    assert page.count(escaped) >= 4   # findings, diagram, docker ps and docker inspect tables
    assert re.search(r"<text [^>]*>" + re.escape(escaped) + "</text>", page)
    embedded = re.search(r'id="report-json">(.*?)</script>', page, re.S).group(1)
    assert "<" not in embedded and XSS in json.loads(embedded)


def test_a_pasted_transcript_gives_one_capture_per_command_with_file_line_numbers(client):
    lines = TRANSCRIPT.read_text().splitlines()
    at = lines.index("root@vm:~# brctl show") + 2   # after the header line
    lines.insert(at, "this line is not brctl output")
    r = client.post("/", data={"text": "\n".join(lines) + "\n"})
    assert r.status_code == 200
    kinds = re.findall(r'<details class="capture \w+" id="capture-\d+" data-kind="(\w*)"', r.text)
    assert {"brctl_show", "ip_addr", "route_n", "docker_ps", "sysctl"} <= set(kinds)
    unparsed = re.findall(r'<li><span class="ln">(\d+)</span><code>(.*?)</code></li>', r.text)
    assert (str(at + 1), "this line is not brctl output") in unparsed


def test_the_command_can_be_chosen(client):
    text = (DUMPS / "default-bridge/route_n.txt").read_text()
    r = client.post("/", data={"text": text, "kind": "route_n"})
    assert r.status_code == 200 and 'data-kind="route_n"' in r.text
    assert '<option value="route_n" selected>' in r.text
    wrong = client.post("/", data={"text": text, "kind": "docker_inspect"})
    assert 'class="capture partial"' in wrong.text
    assert "<h3>Lines not understood (5)</h3>" in wrong.text


def test_errors_are_shown_on_the_page(client):
    r = client.post("/", data={"text": ""})
    assert r.status_code == 400 and 'id="error"' in r.text and "nothing to analyse" in r.text
    r = client.post("/", files={"files": ("d.tar.gz", b"\x1f\x8b\x08 damaged")})
    assert r.status_code == 422 and "damaged" in r.text
    r = client.get("/nowhere")
    assert r.status_code == 404 and 'id="error"' in r.text


def test_a_paste_of_several_hosts_is_refused_with_them_named_and_one_can_be_chosen(client):
    # Ansible's output of `ip addr` on two hosts of this project's Docker host
    # (tests/fixtures/transcripts/README.md).
    text = (FIXTURES / "transcripts" / "ansible-two-hosts-ip-addr.log").read_text()
    refused = client.post("/", data={"text": text})
    assert refused.status_code == 422 and 'id="error"' in refused.text
    hosts = re.findall(r'<datalist id="host-names">(.*?)</datalist>', refused.text)
    names = re.findall(r'<option value="([^"]+)">', hosts[0])
    assert len(names) == 2 and all(name in refused.text for name in names)
    # The field keeps the paste's hosts to pick from; one chosen, that host is analysed.
    chosen = client.post("/", data={"text": text, "host": names[1]})
    assert chosen.status_code == 200, chosen.text[:2000]
    assert f'name="host" value="{names[1]}"' in chosen.text
    assert 'data-kind="ip_addr"' in chosen.text
    unknown = client.post("/", data={"text": text, "host": "nowhere"})
    assert unknown.status_code == 422 and "nowhere" in unknown.text
