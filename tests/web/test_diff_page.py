"""The page comparing two dumps (`/diff`): the live engine's before and after pairs shown in
the order that matters (what broke, what changed, what was not compared), the download being
the JSON of /api/diff byte for byte, errors naming their side, and hostile names as text."""

from __future__ import annotations

import html
import re

import pytest
from markupsafe import escape

from netparse.web.app import Settings
from tests.conftest import FIXTURES
from tests.web.conftest import XSS, dump_files, running, tar_gz, xss_dump
from tests.web.test_reach_page import embedded, embedded_json

REACH = FIXTURES / "reach"
UNCHANGED = FIXTURES / "diff" / "unchanged"
CLIENT = "10.99.29.1"   # the outside client of the live scenarios


def files_of(root) -> dict[str, bytes]:
    return {f"dump/{p.relative_to(root).as_posix()}": p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def sides(before: dict[str, bytes], after: dict[str, bytes]) -> list:
    return ([("before", (n, d, "application/octet-stream")) for n, d in before.items()]
            + [("after", (n, d, "application/octet-stream")) for n, d in after.items()])


def section(page: str, ident: str) -> str:
    m = re.search(rf'<section[^>]* id="{ident}"[^>]*>(.*?)</section>', page, re.S)
    assert m, f"no section {ident}"
    return m.group(1)


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def error_of(page: str) -> str:
    return text_of(section(page, "error"))


@pytest.fixture(scope="module")
def user_drop(client):
    """The DOCKER-USER drop: healthy before, the drop after, with the outside client asked."""
    form = sides(files_of(REACH / "healthy" / "dump"),
                 files_of(REACH / "docker_user_drop" / "dump"))
    page = client.post("/diff", data={"to": CLIENT, "client": CLIENT}, files=form)
    assert page.status_code == 200, error_of(page.text)
    api = client.post("/api/diff", data={"to": CLIENT, "client": CLIENT}, files=form)
    assert api.status_code == 200
    return page.text, api


def test_the_empty_page_has_two_sides_and_is_linked_from_the_main_page(client):
    page = client.get("/diff")
    assert page.status_code == 200
    for name in ("before", "after"):
        assert f'name="{name}_text"' in page.text
        assert len(re.findall(rf'<input type="file" id="{name}_\w+" name="{name}"', page.text)) == 2
    assert 'name="to"' in page.text and 'name="client"' in page.text
    assert 'action="/diff"' in page.text and 'enctype="multipart/form-data"' in page.text
    assert 'href="/diff"' in client.get("/").text


def test_the_download_is_the_json_of_the_api_byte_for_byte(user_drop):
    page, api = user_drop
    assert embedded(page, "diff-json") == api.text
    assert 'data-json="diff-json" data-filename="netparse-diff.json"' in page


def test_what_broke_comes_first_then_what_changed(user_drop):
    page, api = user_drop
    order = [page.index(f'id="{s}"') for s in ("summary", "behaviour", "changes")]
    assert order == sorted(order)
    # Every path lost, as the API lists them, each linked to the change that explains it.
    lost = api.json()["reachability"]["lost"]
    assert lost
    behaviour = section(page, "behaviour")
    lost_list = re.search(r'<ul class="path-changes lost" id="lost">(.*?)\n</ul>', behaviour,
                          re.S).group(1)
    parts = re.split(r'<li class="path-change" id="(lost-\d+)">', lost_list)[1:]
    items = list(zip(parts[::2], parts[1::2]))
    assert len(items) == len(lost)
    changes = api.json()["changes"]
    for (anchor, body), p in zip(items, lost):
        text = text_of(body)
        assert " ".join(text.split()).startswith(f"- {p['from']} → {p['to']}")
        assert p["breaks_at"] in text and "denied" in text
        for reason in p["explained_by"]:
            n = next(i for i, c in enumerate(changes, 1)
                     if f"{c['kind']}: {c['subject']}" == reason)
            assert f'<a href="#change-{n}">{escape(reason)}</a>' in body
    # The new findings, with their evidence.
    new = section(page, "behaviour").split('id="findings-new"', 1)[1]
    codes = re.findall(r'<code class="code">(.*?)</code>', new.split('id="findings-resolved"')[0])
    assert sorted(codes) == sorted(f["code"] for f in api.json()["findings"]["new"])
    # The change: the rule added, after only, and where it was read.
    row = re.search(r'<tr class="added" id="change-1">(.*?)</tr>', section(page, "changes"),
                    re.S).group(1)
    cells = [text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells == ["+", "firewall rule", "filter DOCKER-USER: -A DOCKER-USER -s "
                     "172.29.11.0/24 -j DROP", "", "-A DOCKER-USER -s 172.29.11.0/24 -j DROP",
                     "after: dump/iptables_save.txt:37"]
    # The fields asked are kept in the form for the next try.
    assert f'name="client" value="{CLIENT}"' in page


def test_an_unchanged_host_shows_no_change(client):
    form = sides(files_of(UNCHANGED / "before"), files_of(UNCHANGED / "after"))
    page = client.post("/diff", files=form)
    assert page.status_code == 200
    assert embedded(page.text, "diff-json") == client.post("/api/diff", files=form).text
    assert '<p class="none" id="no-change">No change' in page.text
    assert 'class="path-change"' not in page.text and 'id="change-1"' not in page.text


def test_pasted_sides_and_what_was_not_compared(client):
    """One capture pasted on each side: the firewall rule added is found; the captures neither
    side holds are said, not taken as unchanged; the page's JSON is the API's for the same
    pastes sent as files."""
    before = (REACH / "healthy" / "dump" / "iptables_save.txt").read_text()
    after = (REACH / "docker_user_drop" / "dump" / "iptables_save.txt").read_text()
    page = client.post("/diff", data={"before_text": before, "after_text": after},
                       files=[("before", ("", b"", "application/octet-stream"))])
    assert page.status_code == 200, error_of(page.text)
    api = client.post("/api/diff", files=[("before", ("pasted text", before.encode())),
                                          ("after", ("pasted text", after.encode()))])
    assert embedded(page.text, "diff-json") == api.text
    report = embedded_json(page.text, "diff-json")
    assert [c["subject"] for c in report["changes"]] == [
        "filter DOCKER-USER: -A DOCKER-USER -s 172.29.11.0/24 -j DROP"]
    assert report["incomplete"]
    listed = re.findall(r"<li>(.*?)</li>", section(page.text, "incomplete"))
    assert [html.unescape(x) for x in listed] == report["incomplete"]
    assert "<textarea" in page.text and escape(after.splitlines()[0]) in page.text


@pytest.mark.parametrize("data, files, status, message", [
    ({}, [("after", ("x.txt", b"y"))], 400, "before: nothing to compare"),
    ({"before_text": "x"}, [("before", ("a.txt", b"y")), ("after", ("b.txt", b"y"))], 400,
     "before: paste text or upload files, not both at once"),
    ({"before_text": "hello\nthis is no command output\n",
      "after_text": (REACH / "healthy/dump/brctl_show.txt").read_text()}, [], 422,
     "before: no output of a command netparse reads was found (pasted text: not the output"),
    ({"before_text": (REACH / "healthy/dump/brctl_show.txt").read_text()},
     [("after", ("dump.tar.gz", tar_gz(files_of(REACH / "healthy" / "dump"))[:300]))], 422,
     "after: dump.tar.gz: damaged or unreadable archive"),
    ({"before_text": (REACH / "healthy/dump/brctl_show.txt").read_text(),
      "after_text": (REACH / "healthy/dump/brctl_show.txt").read_text(), "to": "example.org"},
     [], 400, "'example.org' is not an IP address"),
])
def test_a_bad_side_is_named_in_the_page(client, data, files, status, message):
    r = client.post("/diff", data=data, files=files or [("x", ("", b""))])
    assert r.status_code == status
    assert message in error_of(r.text)
    assert 'id="diff-form"' in r.text and 'id="summary"' not in r.text
    if data.get("before_text"):     # the paste is kept
        assert str(escape(data["before_text"].splitlines()[0])) in r.text


def test_the_api_names_the_side_of_a_damaged_archive(client):
    broken = tar_gz(files_of(REACH / "healthy" / "dump"))[:300]
    r = client.post("/api/diff", files=[("before", ("dump.tar.gz", broken)),
                                        ("after", ("brctl_show.txt", b"bridge name"))])
    assert r.status_code == 422
    assert r.json()["error"].startswith("before: dump.tar.gz: damaged or unreadable archive")


def test_over_the_size_limit_is_413_in_the_page():
    small = Settings(max_body=256 * 1024, max_text=16 * 1024, workers=1)
    with running(small) as url:
        import httpx

        with httpx.Client(base_url=url, timeout=30) as c:
            r = c.post("/diff", data={"before_text": "x" * 20_000, "after_text": "y"})
            assert r.status_code == 413
            assert "the field 'before_text' is larger than" in error_of(r.text)
            big = files_of(REACH / "healthy" / "dump")
            r = c.post("/diff", files=sides(big, {"a/x": b"z" * 300_000}))
            assert r.status_code == 413 and "limit of this server" in error_of(r.text)
            assert 'id="diff-form"' in r.text


def test_hostile_names_and_pastes_stay_text(client):
    """The real veth-detached dump before, and the same with container np-b renamed to a
    script tag after; a paste that tries to close the textarea."""
    page = client.post("/diff", files=sides(dump_files("veth-detached"), xss_dump())).text
    assert XSS not in page and "<script>alert" not in page
    changes = section(page, "changes")
    assert f"<td>{escape(XSS)}</td>" in changes              # the container added, as text
    assert f"<td>endpoint</td><td>{escape(XSS)} on bridge</td>" in changes
    raw = re.search(r'id="diff-json">(.*?)</script>', page, re.S).group(1)
    assert "<" not in raw
    assert any(c["subject"] == XSS for c in embedded_json(page, "diff-json")["changes"])
    scripts = re.findall(r"<script\b([^>]*)>", page)
    assert scripts == [' src="/static/app.js" defer', ' type="application/json" id="diff-json"']
    hostile = '</textarea><script>alert(2)</script>\x1b]0;title\x07'
    r = client.post("/diff", data={"before_text": hostile, "after_text": hostile,
                                   "to": '"><b>x', "client": "1.2.3.4"})
    assert r.status_code == 422
    assert "<script>alert" not in r.text and "<b>x" not in r.text
    assert str(escape(hostile)) in r.text
