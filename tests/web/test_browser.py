"""The page in a real browser: Debian's chromium, headless, driven by Playwright, against a live
`netparse serve` on loopback. Screenshots of each state go to tests/artifacts/.

Skipped when playwright or chromium is missing, unless NETPARSE_BROWSER=1 (CI), which makes a
missing browser a failure.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request

import pytest

from tests.web.conftest import ARTIFACTS, DUMPS, XSS, cli_json, dump_files, xss_dump

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
REQUIRED = os.environ.get("NETPARSE_BROWSER") == "1"


def _missing(reason: str):
    if REQUIRED:
        pytest.fail(f"{reason} (NETPARSE_BROWSER=1 asks for the browser tests)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install playwright; never `playwright "
                 "install`: the tests use Debian's chromium)")
    if not os.access(CHROMIUM, os.X_OK):
        _missing(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright):
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
    yield b
    b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`netparse serve` as a user starts it, on a free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "netparse.cli.main", "serve", "--port",
                                 str(port)], stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"netparse serve did not start:\n{log.read_text()}")
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(10)
    assert "Traceback" not in log.read_text()


class Watch:
    """What a page did that it must not: dialogs (an executed alert), requests to anywhere but
    the server (a CDN), Content-Security-Policy violations, script errors."""

    def __init__(self, page, base: str):
        self.problems: list[str] = []
        page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        # A page answered 4xx is logged as a failed load: only a failed script, style or
        # image is a problem (an error page is a state the tests look at).
        page.on("console", lambda m: self.problems.append(f"console: {m.text}")
                if m.type in ("error", "warning")
                and not m.text.startswith("Failed to load resource") else None)
        page.on("response", lambda r: self.problems.append(f"{r.status} for {r.url}")
                if r.status >= 400 and r.request.resource_type != "document" else None)
        page.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:"))
                else self.problems.append(f"request to {r.url}"))


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    watch = Watch(page, server)
    page.goto(server + "/")
    yield page
    assert watch.problems == []
    context.close()


def shot(page, name: str, **opts) -> pathlib.Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), **opts)
    return path


def pack(folder: pathlib.Path, dest: pathlib.Path) -> pathlib.Path:
    with tarfile.open(dest, "w:gz") as tar:
        tar.add(folder, arcname=folder.name)
    return dest


def write_dump(files: dict[str, bytes], root: pathlib.Path) -> pathlib.Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root / next(iter(files)).split("/", 1)[0]


def test_the_empty_page(page):
    assert page.locator("textarea#text").is_visible()
    assert page.locator("#kind option").count() > 10
    shot(page, "01-empty", full_page=True)


def test_paste_a_real_brctl_show_shows_the_bridges_table(page):
    text = (DUMPS / "user-networks/brctl_show.txt").read_text()
    page.fill("#text", text)
    page.click("#analyse")
    table = page.locator('table[data-table="Bridges"]')
    table.wait_for()
    names = table.locator("tbody tr td:first-child").all_inner_texts()
    assert names == [line.split()[0] for line in text.splitlines()[1:] if line[:1].strip()]
    ports = table.locator("tbody tr td:last-child").all_inner_texts()
    assert any("veth" in p for p in ports)
    assert page.locator("svg.topology text", has_text="docker0").count() == 1
    shot(page, "02-paste-brctl-show", full_page=True)


def test_upload_a_real_dump_archive_diagram_findings_and_download(page, tmp_path):
    archive = pack(DUMPS / "veth-detached", tmp_path / "veth-detached.tar.gz")
    page.set_input_files("#files", str(archive))
    page.click("#analyse")
    page.locator("#summary").wait_for()
    svg = page.locator("svg.topology")
    assert svg.is_visible()
    cut = svg.locator("g.node.port.error", has_text="veth376f8f8")
    assert cut.count() == 1 and "on no bridge" in cut.text_content()
    for name in ("host", "docker0", "br-cb16fb5b0fc8", "np-a", "np-b", "np-c"):
        assert svg.locator("g.node text.name", has_text=re.compile(f"^{name}$")).count() == 1
    findings = page.locator("#findings article.finding")
    first = findings.first
    assert "error" in first.get_attribute("class")
    assert first.locator("code.code").inner_text() == "detached-endpoint"
    assert "ip link set veth376f8f8 master docker0" in first.locator(".hint").inner_text()
    assert first.locator(".evidence li").count() >= 2
    shot(page, "03-dump-findings")
    svg.scroll_into_view_if_needed()
    svg.screenshot(path=str(ARTIFACTS / "04-dump-topology.png"))
    shot(page, "05-dump-full", full_page=True)
    shot(page, "05-dump-overview", full_page=True, clip={"x": 0, "y": 0, "width": 1440,
                                                         "height": 1560})
    with page.expect_download() as info:
        page.click("#download")
    download = info.value
    assert download.suggested_filename == "netparse-report.json"
    assert pathlib.Path(download.path()).read_text() == cli_json("veth-detached.tar.gz", tmp_path)


def test_upload_a_folder_keeps_its_layout(page, tmp_path):
    folder = write_dump(dump_files("address-drift"), tmp_path)
    page.set_input_files("#folder", str(folder))
    assert re.match(r"\d+ files chosen", page.locator("#chosen").inner_text())
    page.click("#analyse")
    page.locator("#summary").wait_for()
    assert page.locator("#summary h1").inner_text() == "address-drift"
    inside = page.locator("details.capture .where", has_text="inside np-a")
    assert inside.count() >= 1
    data = page.locator("#report-json").text_content()
    assert json.loads(data) == cli_json("address-drift", tmp_path)
    assert page.locator("#findings code.code", has_text="address-drift").count() >= 1
    shot(page, "06-folder-upload")


def test_a_hostile_container_name_is_inert(page, tmp_path):
    # The real veth-detached dump with np-b renamed `<script>alert(1)</script>` (xss_dump).
    folder = write_dump(xss_dump(), tmp_path / "in")
    archive = pack(folder, tmp_path / "xss.tar.gz")
    page.set_input_files("#files", str(archive))
    page.click("#analyse")
    page.locator("#summary").wait_for()
    shown = page.get_by_text(XSS, exact=False)
    assert shown.count() >= 4
    assert page.locator("svg.topology text", has_text=XSS).count() >= 1
    scripts = page.eval_on_selector_all(
        "script", "els => els.map(e => e.getAttribute('src') || e.id)")
    assert scripts == ["/static/app.js", "report-json", "reach-json"]
    assert page.locator("#reach-matrix th", has_text=XSS).count() >= 2  # its row and column
    assert page.evaluate("document.querySelectorAll('[onerror],[onload],[onclick]').length") == 0
    page.locator("#findings").scroll_into_view_if_needed()
    shot(page, "07-xss-name-as-text")


def test_an_error_is_shown_in_words(page):
    page.fill("#text", "hello\nthis is no command output\n")
    page.click("#analyse")
    error = page.locator("#error")
    error.wait_for()
    assert "422" in error.inner_text()
    assert "not the output of a command netparse reads" in error.inner_text()
    assert page.locator("#text").input_value().startswith("hello")
    shot(page, "08-error")


REACH = DUMPS.parent / "reach"
CLIENT = "10.99.29.1"


def test_reachability_matrix_and_a_trace(page, tmp_path):
    archive = pack(REACH / "docker_user_drop" / "dump", tmp_path / "dump.tar.gz")
    page.set_input_files("#files", str(archive))
    page.click(".reach-options > summary")
    page.fill("#reach_to", CLIENT)
    page.fill("#reach_client", CLIENT)
    page.fill("#trace_from", "np-e2e-r1")
    page.fill("#trace_to", CLIENT)
    page.click("#analyse")
    matrix = page.locator("#reach-matrix")
    matrix.wait_for()
    assert matrix.is_visible()
    matrix.scroll_into_view_if_needed()
    page.locator("#reach .matrix-wrap").screenshot(path=str(ARTIFACTS / "09-reach-matrix.png"))
    # The row of np-e2e-r1: every cell blocked by the DOCKER-USER drop.
    row = matrix.locator("tbody tr").filter(has=page.locator("th", has_text=re.compile(
        r"^np-e2e-r1$")))
    cells = row.locator("td.cell.unreachable")
    assert cells.count() == 6       # four containers on three networks, and the outside
    assert set(cells.locator(".at").all_inner_texts()) == {"filter DOCKER-USER rule 1"}
    # A reachable cell opens its folded path, hop by hop.
    ok = matrix.locator("td.cell.reachable a").first
    anchor = ok.get_attribute("href")[1:]
    ok.click()
    details = page.locator(f"details#{anchor}")
    assert details.evaluate("d => d.open") and details.locator("table.hops").is_visible()
    # The trace asked for: where it breaks, and the hops that led there.
    trace = page.locator("#trace")
    assert "breaks at filter DOCKER-USER rule 1" in trace.inner_text()
    assert trace.locator("table.hops tbody tr").count() >= 3
    trace.scroll_into_view_if_needed()
    trace.screenshot(path=str(ARTIFACTS / "10-trace.png"))
    with page.expect_download() as info:
        page.click("button[data-json=reach-json]")
    download = pathlib.Path(info.value.path()).read_text()
    assert json.loads(page.locator("#reach-json").text_content()) == download
    assert json.loads(download)["paths"][0]["from"] == "np-e2e-r5"


def test_reachability_without_javascript(browser, server, tmp_path):
    context = browser.new_context(viewport={"width": 1440, "height": 900},
                                  java_script_enabled=False)
    page = context.new_page()
    watch = Watch(page, server)
    page.goto(server + "/")
    page.set_input_files("#files", str(pack(REACH / "healthy" / "dump", tmp_path / "d.tar.gz")))
    page.click(".reach-options > summary")
    page.fill("#reach_client", CLIENT)
    page.fill("#trace_from", "np-e2e-r5")
    page.fill("#trace_to", "np-e2e-r4")
    page.click("#analyse")
    page.locator("#reach-matrix").wait_for()
    assert page.locator("#reach-matrix td.cell").count() >= 20
    blocked = page.locator("#reach-matrix td.cell.unreachable a").first
    anchor = blocked.get_attribute("href")[1:]
    blocked.click()
    assert page.url.endswith(f"#{anchor}")
    details = page.locator(f"details#{anchor}")
    assert details.evaluate("d => d.open")   # a broken path is shown unfolded
    assert details.locator("code.breaks-at").is_visible()
    assert "reachable" in page.locator("#trace .verdict").inner_text()
    page.locator("#reach").screenshot(path=str(ARTIFACTS / "11-reach-no-script.png"))
    assert watch.problems == []
    context.close()


def test_compare_two_dumps_and_download_the_diff(page, server, tmp_path):
    """The live engine's pair: healthy before, a DOCKER-USER drop after, uploaded as archives."""
    page.click("header nav a[href='/diff']")
    page.locator("#diff-form").wait_for()
    page.set_input_files("#before_files", str(pack(REACH / "healthy" / "dump",
                                                   tmp_path / "before.tar.gz")))
    page.set_input_files("#after_files", str(pack(REACH / "docker_user_drop" / "dump",
                                                  tmp_path / "after.tar.gz")))
    page.fill("#to", CLIENT)
    page.click("#compare")
    lost = page.locator("#lost li.path-change")
    lost.first.wait_for()
    cli = subprocess.run([sys.executable, "-m", "netparse.cli.main", "diff", "before.tar.gz",
                          "after.tar.gz", "--to", CLIENT, "--format", "json"],
                         cwd=tmp_path, capture_output=True, text=True)
    expected = json.loads(cli.stdout)
    assert lost.count() == len(expected["reachability"]["lost"]) == 4
    assert "breaks at filter DOCKER-USER rule 1" in lost.first.inner_text()
    shot(page, "12-diff", full_page=True)
    # "because of" leads to the rule added, in the table of changes.
    lost.first.locator(".because a").click()
    assert page.url.endswith("#change-1")
    row = page.locator("tr#change-1")
    assert row.locator("td.mark").inner_text() == "+"
    assert "iptables_save.txt:37" in row.inner_text()
    with page.expect_download() as info:
        page.click("#download-diff")
    assert info.value.suggested_filename == "netparse-diff.json"
    download = pathlib.Path(info.value.path()).read_text()
    assert json.loads(page.locator("#diff-json").text_content()) == download
    assert download == cli.stdout       # the archives' names are the same in both
