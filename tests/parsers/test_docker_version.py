"""`docker version` on real captures: Docker CLI 28.2.2 against Engine 20.10.24, as text, as
JSON, with the API forced down to 1.40 (tests/fixtures/captures/host-kinds), and with no engine
to answer (data/engine)."""

import json
import pathlib

import pytest

import netparse
from netparse.errors import ParseError
from tests.conftest import FIXTURES

HOST = FIXTURES / "captures" / "host-kinds"
DATA = pathlib.Path(__file__).parent / "data" / "engine"
FACTS = {"client_version", "client_api_version", "client_api_downgraded_from", "context",
         "server_version", "server_api_version", "server_min_api_version", "components"}


def parse(text, **kw):
    return netparse.parse(text, "docker_version", **kw)


def facts(model) -> dict:
    return model.model_dump(include=FACTS)


def test_text_and_json_give_the_same_facts():
    text = parse((HOST / "docker_version.txt").read_text(), strict=True)
    assert facts(text) == facts(parse((HOST / "docker_version_format_json.txt").read_text()))
    assert facts(text) == {
        "client_version": "28.2.2", "client_api_version": "1.41",
        "client_api_downgraded_from": "1.50", "context": "default",
        "server_version": "20.10.24+dfsg1", "server_api_version": "1.41",
        "server_min_api_version": "1.12",
        "components": {"Engine": "20.10.24+dfsg1", "containerd": "1.6.20~ds1",
                       "runc": "1.1.5+ds1", "docker-init": "0.19.0"}}


def test_the_text_is_kept_whole():
    model = parse((HOST / "docker_version.txt").read_text())
    client, server = model.outline
    assert (client.key, server.key) == ("Client", "Server")
    assert [c.key for c in server.items] == ["Engine", "containerd", "runc", "docker-init"]
    assert server.find("docker-init").find("GitCommit").value is None  # printed empty
    assert server.find("Engine").find("Built").value == "Thu May  7 21:09:36 2026"


def test_the_json_is_kept_whole():
    text = (HOST / "docker_version_format_json.txt").read_text()
    assert parse(text).engine == json.loads(text)


def test_an_older_api_shows_in_the_clients_api_version_only():
    older = parse((HOST / "docker_version_api_1.40.txt").read_text(), strict=True)
    newer = parse((HOST / "docker_version.txt").read_text())
    assert (older.client_api_version, older.client_api_downgraded_from) == ("1.40", "1.50")
    assert facts(older) == {**facts(newer), "client_api_version": "1.40"}


def test_no_engine_gives_the_client_and_reports_the_error():
    model = parse((DATA / "docker_version_no_engine.txt").read_text())
    assert (model.client_version, model.client_api_version) == ("28.2.2", "1.50")
    assert model.server_version is None and model.components == {}
    assert [u.text for u in model.unparsed] == [
        "Cannot connect to the Docker daemon at unix:///nonexistent.sock. Is the docker daemon "
        "running?"]
    as_json = parse((DATA / "docker_version_format_json_no_engine.txt").read_text(), strict=True)
    assert facts(as_json) == facts(model)


def test_an_engine_before_17_06_prints_its_lines_under_server():
    """No components: the Engine's lines are the server's own (a real capture, re-indented)."""
    text = (HOST / "docker_version.txt").read_text()
    old = text.split(" containerd:")[0].replace(" Engine:\n", "").replace("\n  ", "\n ")
    model = parse(old, strict=True)
    assert (model.server_version, model.server_api_version) == ("20.10.24+dfsg1", "1.41")
    assert model.components == {}


def test_a_prompt_is_reported_and_an_api_version_not_read_too():
    text = (HOST / "docker_version.txt").read_text()
    model = parse("$ docker version\n" + text.replace("1.41 (downgraded from 1.50)", "1.41 (?)"))
    assert [u.line for u in model.unparsed] == [1, 4]
    assert model.client_api_version is None and model.server_version == "20.10.24+dfsg1"


def test_json_without_a_version_object_is_an_error():
    with pytest.raises(ParseError, match="no `docker version` object"):
        parse('[{"ifname": "lo"}]')


@pytest.mark.parametrize("name", ["docker_version.txt", "docker_version_api_1.40.txt",
                                  "docker_version_format_json.txt"])
def test_detected(name):
    assert netparse.detect((HOST / name).read_bytes()) == "docker_version"
