"""The HTTP API on a live server: /api/parse gives `netparse parse`'s model, /api/analyze gives
`netparse analyze --format json`'s report byte for byte, errors are JSON with a status."""

import json

import pytest

import netparse
from netparse.render import render_json
from tests.conftest import FIXTURES
from tests.web.conftest import DUMPS, as_form, cli_json, dump_files, tar_gz, zip_bytes

TRANSCRIPTS = FIXTURES / "transcripts"


def test_parse_a_real_brctl_show_gives_the_model(client):
    text = (DUMPS / "veth-detached/brctl_show.txt").read_text()
    r = client.post("/api/parse", data={"text": text})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.json() == json.loads(netparse.parse(text).model_dump_json())
    assert [b["name"] for b in r.json()["bridges"]] == ["br-cb16fb5b0fc8", "docker0"]


def test_parse_as_multipart_with_a_kind(client):
    text = (DUMPS / "default-bridge/route_n.txt").read_bytes()
    r = client.post("/api/parse", files={"text": (None, text)}, data={"kind": "route_n"})
    assert r.status_code == 200, r.text
    assert r.json()["kind"] == "route_n" and r.json()["routes"]


def test_parse_takes_the_text_as_a_file_part_too(client):
    # As `curl -F text=@brctl_show.txt` sends it.
    data = (DUMPS / "veth-detached/brctl_show.txt").read_bytes()
    r = client.post("/api/parse", files={"text": ("brctl_show.txt", data)})
    assert r.status_code == 200 and r.json()["kind"] == "brctl_show"


def test_parse_keeps_lines_not_understood_with_their_numbers(client):
    lines = (DUMPS / "veth-detached/brctl_show.txt").read_text().splitlines()
    lines.insert(2, "this line is not brctl output")
    r = client.post("/api/parse", data={"text": "\n".join(lines) + "\n", "kind": "brctl_show"})
    assert r.status_code == 200
    assert r.json()["unparsed"] == [{"line": 3, "text": "this line is not brctl output"}]


@pytest.mark.parametrize("data,status,words", [
    ({"text": "hello\nworld\n"}, 422, "cannot tell which command"),
    ({"text": ""}, 422, "empty"),
    ({"text": "Cannot connect to the Docker daemon at unix:///var/run/docker.sock.\n"}, 422,
     "error message"),
    ({"text": "x", "kind": "nope"}, 400, "unknown kind"),
    ({"kind": "brctl_show"}, 400, "'text' is missing"),
])
def test_parse_errors_are_json_with_status_and_message(client, data, status, words):
    r = client.post("/api/parse", data=data)
    assert r.status_code == status
    body = r.json()
    assert body["status"] == status and isinstance(body["error"], str)
    assert words in json.dumps(body)
    assert "Traceback" not in r.text


def test_truncated_json_names_the_line(client):
    text = (DUMPS / "veth-detached/docker_inspect.json").read_text()
    cut = text[: text.index("{") + 1]  # nothing of a container left to read as far as it goes
    r = client.post("/api/parse", data={"text": cut, "kind": "docker_inspect"})
    assert r.status_code == 422 and r.json()["line"] > 1


def test_analyze_a_folder_upload_matches_the_cli(client):
    r = client.post("/api/analyze", files=as_form(dump_files("veth-detached")))
    assert r.status_code == 200, r.text
    assert r.text == cli_json("veth-detached", DUMPS)
    report = r.json()
    assert {f["code"] for f in report["findings"]} >= {"detached-endpoint"}
    assert any(s["container"] == "np-a" for s in report["sources"])


@pytest.mark.parametrize("pack,suffix", [(tar_gz, ".tar.gz"), (zip_bytes, ".zip")])
def test_analyze_an_archive_matches_the_cli_on_the_same_archive(client, tmp_path, pack, suffix):
    archive = pack(dump_files("veth-detached"))
    (tmp_path / f"veth-detached{suffix}").write_bytes(archive)
    r = client.post("/api/analyze", files={"files": (f"veth-detached{suffix}", archive)})
    assert r.status_code == 200, r.text
    assert r.text == cli_json(f"veth-detached{suffix}", tmp_path)


def test_analyze_a_terminal_transcript_matches_the_cli(client):
    data = (TRANSCRIPTS / "session.typescript").read_bytes()
    r = client.post("/api/analyze", files={"files": ("session.typescript", data)})
    assert r.status_code == 200, r.text
    assert r.text == cli_json("session.typescript", TRANSCRIPTS)
    assert len(r.json()["sources"]) > 5


@pytest.mark.parametrize("dump", sorted(p.name for p in DUMPS.iterdir() if p.is_dir()))
def test_every_real_dump_gives_the_report_of_the_library(client, dump, monkeypatch):
    r = client.post("/api/analyze", files=as_form(dump_files(dump)))
    assert r.status_code == 200, r.text
    monkeypatch.chdir(DUMPS)
    assert r.text == render_json(netparse.analyze(dump))


def test_names_with_slashes_keep_the_layout_without_a_top_folder(client):
    files = dump_files("veth-detached", prefix="")
    r = client.post("/api/analyze", files=as_form(files))
    report = r.json()
    assert report["origin"] == "upload"
    inside = {s["path"]: s["container"] for s in report["sources"] if s["container"]}
    assert inside["containers/np-b/ip_addr.txt"] == "np-b"
    endpoint = next(c for c in report["topology"]["containers"] if c["name"] == "np-a")
    assert endpoint["endpoints"][0]["evidence"] == "inside"


@pytest.mark.parametrize("files,status,words", [
    ([], 400, "no file"),
    ([("files", ("d.tar.gz", b"\x1f\x8b\x08\x00 not really gzip"))], 422, "damaged"),
    ([("files", ("a.txt", b"x")), ("files", ("a.txt", b"y"))], 400, "two files"),
])
def test_analyze_errors_are_json(client, files, status, words):
    r = client.post("/api/analyze", files=files or {"other": (None, "x")})
    assert r.status_code == status and r.json()["status"] == status
    assert words in r.json()["error"]


def test_kind_for_one_file_only(client):
    files = as_form({"a.txt": b"x", "b.txt": b"y"})
    r = client.post("/api/analyze", files=files, data={"kind": "sysctl"})
    assert r.status_code == 400 and "one capture" in r.json()["error"]


def test_unknown_paths_are_json_404(client):
    r = client.get("/api/nothing")
    assert r.status_code == 404 and r.json() == {"status": 404, "error": "Not Found"}


def test_openapi_document_and_docs_page(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/parse", "/api/analyze"} <= set(spec["paths"])
    body = spec["paths"]["/api/analyze"]["post"]["requestBody"]["content"]
    assert "files" in body["multipart/form-data"]["schema"]["properties"]
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/api/analyze" in page.text and "413" in page.text
    assert "cdn" not in page.text.lower() and "<script>" not in page.text


def test_not_a_form_is_415(client):
    r = client.post("/api/parse", content=b'{"text": "x"}',
                    headers={"content-type": "application/json"})
    assert r.status_code == 415 and r.json()["status"] == 415


# --- reach and trace: the same JSON as the CLI on the same dump ----------------------------------

REACH = FIXTURES / "reach" / "docker_user_drop"


def _reach_files() -> dict[str, bytes]:
    root = REACH / "dump"
    return {f"dump/{p.relative_to(root).as_posix()}": p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _cli(*args: str) -> str:
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "netparse.cli.main", *args], cwd=REACH,
                          capture_output=True, text=True).stdout


def test_reach_matches_the_cli(client):
    r = client.post("/api/reach", files=as_form(_reach_files()),
                    data={"to": "10.99.29.1", "client": "10.99.29.1"})
    assert r.status_code == 200, r.text
    assert r.text == _cli("reach", "dump", "--to", "10.99.29.1", "--client", "10.99.29.1",
                          "--format", "json")
    denied = [p for p in r.json()["paths"] if p["disposition"] == "denied"]
    assert any("DOCKER-USER" in p["breaks_at"] for p in denied)


def test_trace_matches_the_cli_and_refuses_an_unknown_container(client):
    r = client.post("/api/trace", files=as_form(_reach_files()),
                    data={"from": "np-e2e-r1", "to": "10.99.29.1"})
    assert r.status_code == 200, r.text
    assert r.text == _cli("trace", "dump", "np-e2e-r1", "10.99.29.1", "--format", "json")
    assert r.json()["verdict"] == "unreachable"
    r = client.post("/api/trace", files=as_form(_reach_files()),
                    data={"from": "nobody", "to": "np-e2e-r1", "port": "x"})
    assert r.status_code == 400 and "port" in r.json()["error"]
    r = client.post("/api/trace", files=as_form(_reach_files()),
                    data={"from": "nobody", "to": "np-e2e-r1"})
    assert r.status_code == 400 and "neither a container of the dump" in r.json()["error"]


def _side_form(field: str, root) -> list:
    return [(field, (f"dump/{p.relative_to(root).as_posix()}", p.read_bytes(),
                     "application/octet-stream"))
            for p in sorted(root.rglob("*")) if p.is_file()]


def test_diff_matches_the_cli(client):
    reach = FIXTURES / "reach"
    r = client.post("/api/diff", files=_side_form("before", reach / "healthy" / "dump")
                    + _side_form("after", reach / "docker_user_drop" / "dump"),
                    data={"to": "10.99.29.1"})
    assert r.status_code == 200, r.text
    cli = json.loads(_cli("diff", str(reach / "healthy" / "dump"),
                          str(reach / "docker_user_drop" / "dump"), "--to", "10.99.29.1",
                          "--format", "json"))
    got = r.json()
    assert (got["before"], got["after"]) == ("dump", "dump")
    for part in ("changes", "findings", "reachability", "incomplete"):
        assert json.dumps(got[part]).replace("dump/", "") == \
            json.dumps(cli[part]).replace(str(reach / "healthy" / "dump") + "/", "") \
            .replace(str(reach / "docker_user_drop" / "dump") + "/", "")
    assert got["reachability"]["lost"]
    one = client.post("/api/diff", files=_side_form("before", reach / "healthy" / "dump"))
    assert one.status_code == 400 and "'after'" in one.json()["error"]
