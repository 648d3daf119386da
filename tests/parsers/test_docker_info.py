"""`docker info` on real captures: Docker CLI 28.2.2 against Engine 20.10.24, as text and JSON,
with the API forced down to 1.24, with the engine's warnings (net.ipv4.ip_forward and
bridge-nf-call-ip(6)tables at 0; tests/fixtures/captures/host-kinds), and with no engine to
answer (data/engine)."""

import json
import pathlib
from ipaddress import IPv4Network

import pytest

import netparse
from netparse.errors import ParseError
from netparse.models.engine import AddressPool
from tests.conftest import FIXTURES

HOST = FIXTURES / "captures" / "host-kinds"
DATA = pathlib.Path(__file__).parent / "data" / "engine"
WARNINGS = ["WARNING: IPv4 forwarding is disabled", "WARNING: bridge-nf-call-iptables is disabled",
            "WARNING: bridge-nf-call-ip6tables is disabled"]


def parse(text, **kw):
    return netparse.parse(text, "docker_info", **kw)


def facts(model) -> dict:
    return model.model_dump(exclude={"outline", "engine", "unparsed"})


def read(name, **kw):
    return parse((HOST / name).read_text(), **kw)


def test_the_facts():
    model = read("docker_info.txt", strict=True)
    assert facts(model) == {
        "kind": "docker_info", "client_version": "28.2.2", "context": "default",
        "server_version": "20.10.24+dfsg1", "storage_driver": "vfs",
        "logging_driver": "json-file", "cgroup_driver": "cgroupfs", "cgroup_version": "1",
        "kernel_version": "6.18.44-fc-v1045", "operating_system": "Debian GNU/Linux 12 (bookworm)",
        "os_type": "linux", "architecture": "x86_64", "docker_root_dir": "/var/lib/docker",
        "firewall_backend": None, "security_options": ["seccomp"], "default_address_pools": [],
        "ipv4_forwarding": None, "bridge_nf_iptables": None, "bridge_nf_ip6tables": None,
        "warnings": [], "errors": []}


@pytest.mark.parametrize("text, json_form", [
    ("docker_info.txt", "docker_info_format_json.txt"),
    ("docker_info_warnings.txt", "docker_info_warnings_format_json.txt")])
def test_text_and_json_give_the_same_facts_but_the_forwarding_flag(text, json_form):
    from_text, from_json = read(text, strict=True), read(json_form, strict=True)
    assert from_text.ipv4_forwarding is None  # the text does not print it
    assert facts(from_json) == {**facts(from_text), "ipv4_forwarding": from_json.ipv4_forwarding}


def test_the_engines_warnings_in_both_forms():
    assert read("docker_info_warnings.txt").warnings == WARNINGS
    as_json = read("docker_info_warnings_format_json.txt")
    assert as_json.warnings == WARNINGS and as_json.ipv4_forwarding is False
    assert as_json.warned("bridge-nf-call-iptables is disabled")
    assert read("docker_info_format_json.txt").ipv4_forwarding is True
    assert not read("docker_info.txt").warned("IPv4 forwarding")


def test_an_older_api_prints_no_seccomp_profile():
    older = read("docker_info_api_1.24.txt", strict=True)
    assert older.security_options == ["seccomp"]
    seccomp = older.outline[1].find("Security Options").items[0]
    assert (seccomp.value, seccomp.items) == ("seccomp", [])
    profile = read("docker_info.txt").outline[1].find("Security Options").items[0].items
    assert [(p.key, p.value) for p in profile] == [("Profile", "default")]


def test_the_text_is_kept_whole():
    text = (HOST / "docker_info.txt").read_text()
    model = read("docker_info.txt")

    def count(lines):
        return sum(1 + count(line.items) for line in lines)

    assert count(model.outline) == sum(1 for line in text.splitlines() if line.strip())
    server = model.outline[1]
    assert server.find("Containers").find("Running").value is not None
    assert server.find("init version").value is None  # `init version: `, printed empty
    assert server.find("ID").value == "RJR7:TMSS:YXER:H6SZ:PD5H:DBYO:JBKB:3FFI:VDCL:I6HT:NNVK:3YKX"
    assert [i.value for i in server.find("Insecure Registries").items] == ["127.0.0.0/8"]


def test_the_json_is_kept_whole():
    text = (HOST / "docker_info_format_json.txt").read_text()
    assert read("docker_info_format_json.txt").engine == json.loads(text)


def test_no_engine_gives_the_client_and_no_engine_facts():
    model = parse((DATA / "docker_info_no_engine.txt").read_text())
    assert (model.client_version, model.server_version) == ("28.2.2", None)
    assert [u.line for u in model.unparsed] == [7]  # Cannot connect to the Docker daemon ...
    as_json = parse((DATA / "docker_info_format_json_no_engine.txt").read_text(), strict=True)
    # The JSON holds the zero values of an engine that did not answer: IPv4Forwarding false.
    assert as_json.engine["IPv4Forwarding"] is False and as_json.ipv4_forwarding is None
    assert facts(as_json) == facts(model)


def test_address_pools_from_both_forms():
    text = (HOST / "docker_info.txt").read_text().replace(
        " Live Restore Enabled: false\n", " Live Restore Enabled: false\n Default Address Pools:\n"
        "   Base: 10.123.0.0/16, Size: 24\n   Base: 10.124.0.0/33, Size: 24\n")
    model = parse(text)
    assert model.default_address_pools == [AddressPool(base=IPv4Network("10.123.0.0/16"),
                                                       size=24)]
    assert [u.text for u in model.unparsed] == ["   Base: 10.124.0.0/33, Size: 24"]
    engine = json.loads((HOST / "docker_info_format_json.txt").read_text())
    engine["DefaultAddressPools"] = [{"Base": "10.123.0.0/16", "Size": 24}, {"Base": 5}]
    model = parse(json.dumps(engine))
    assert model.default_address_pools == [AddressPool(base=IPv4Network("10.123.0.0/16"),
                                                       size=24)]
    assert [u.line for u in model.unparsed] == [1]


def test_a_prompt_is_reported():
    model = parse("$ docker info\n" + (HOST / "docker_info.txt").read_text())
    assert [u.line for u in model.unparsed] == [1] and model.storage_driver == "vfs"


def test_nothing_of_docker_info_is_an_error():
    with pytest.raises(ParseError, match="no `Key: value` line"):
        parse("just some words\n")


@pytest.mark.parametrize("name", ["docker_info.txt", "docker_info_api_1.24.txt",
                                  "docker_info_warnings.txt", "docker_info_format_json.txt"])
def test_detected(name):
    assert netparse.detect((HOST / name).read_bytes()) == "docker_info"
