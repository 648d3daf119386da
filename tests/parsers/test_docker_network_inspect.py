"""`docker network inspect` on real captures, the peer corpus and a hand-edited gateway."""

import json
import pathlib
from ipaddress import IPv4Address, IPv4Interface, IPv4Network, IPv6Interface, IPv6Network

import pytest

import netparse
from netparse.models.docker import DockerNetworkInspect
from tests.conftest import CORPUS, FIXTURES, corpus_file

DATA = pathlib.Path(__file__).parent / "data" / "docker"
HANDMADE = FIXTURES / "handmade"
CAPTURES = sorted([*FIXTURES.glob("dumps/*/docker_network_inspect.json"),
                   *FIXTURES.glob("captures/*/docker_network_inspect_bridge.json")])
ALL = CAPTURES + [DATA / "docker_network_inspect_concatenated.json",
                  HANDMADE / "docker_network_inspect_gateway_prefix.json"]
ZDQ = CORPUS / "other" / "zdq0394_docker_network_inspect_bridge.txt"


def parse(path, **kw):
    return netparse.parse(path.read_bytes(), "docker_network_inspect", **kw)


def by_name(path):
    return {n.name: n for n in parse(path).networks}


def ident(path):
    return str(path.relative_to(path.parents[1]))


@pytest.mark.parametrize("path", CAPTURES, ids=ident)
def test_networks_match_the_engine(path):
    model = parse(path, strict=True)
    raw = json.loads(path.read_text())
    assert [n.id for n in model.networks] == [r["Id"] for r in raw]
    for network, engine in zip(model.networks, raw):
        assert network.name == engine["Name"] and network.driver == engine["Driver"]
        assert network.enable_ipv6 == engine["EnableIPv6"]
        assert network.options == engine["Options"]
        assert [str(c.subnet) for c in network.ipam.config] == [
            c["Subnet"] for c in engine["IPAM"]["Config"]]
        assert [c.id for c in network.containers] == list(engine["Containers"])
        for endpoint in network.containers:
            peer = engine["Containers"][endpoint.id]
            assert endpoint.name == peer["Name"]
            assert str(endpoint.ipv4_address or "") == peer["IPv4Address"]
            assert str(endpoint.ipv6_address or "") == peer["IPv6Address"]
            assert (endpoint.mac or "") == peer["MacAddress"]
        assert network.model_extra == {"ConfigFrom": {"Network": ""}, "ConfigOnly": False}
    assert netparse.detect(path.read_bytes()) == "docker_network_inspect"


@pytest.mark.parametrize("path", ALL, ids=ident)
def test_model_round_trips_through_json(path):
    model = parse(path)
    assert DockerNetworkInspect.model_validate_json(model.model_dump_json()) == model


def test_bridge_names_and_mtu():
    networks = by_name(FIXTURES / "dumps/bridge-down/docker_network_inspect.json")
    base = networks["np-base"]
    assert networks["bridge"].bridge_name == "docker0"  # from its option
    assert base.options == {} and base.bridge_name == f"br-{base.id[:12]}"
    assert networks["host"].bridge_name is None and networks["none"].bridge_name is None
    assert networks["bridge"].mtu == 1500 and base.mtu is None
    assert base.ipam.config[0].subnet == IPv4Network("172.30.10.0/24")
    assert base.ipam.config[0].gateway == IPv4Address("172.30.10.1")
    [c] = base.containers
    assert c.name == "np-c" and c.ipv4_address == IPv4Interface("172.30.10.2/24")


def test_dual_stack_network():
    back = by_name(FIXTURES / "dumps/user-networks/docker_network_inspect.json")["np-back"]
    assert back.enable_ipv6
    v4, v6 = back.ipam.config
    assert v4.subnet == IPv4Network("172.30.2.0/24") and v6.subnet == IPv6Network("fd00:db8:1::/64")
    assert v6.gateway is None  # the engine picked it and does not print it
    api = next(c for c in back.containers if c.name == "np-api")
    assert api.ipv6_address == IPv6Interface("fd00:db8:1::2/64")
    assert api.ipv4_address == IPv4Interface("172.30.2.10/24")


def test_host_and_none_endpoints_have_no_address():
    networks = by_name(FIXTURES / "dumps/user-networks/docker_network_inspect.json")
    for name in ("host", "none"):
        [c] = networks[name].containers
        assert c.endpoint_id and c.mac is None and c.ipv4_address is None


def test_corpus_bridge_without_gateway():
    corpus_file(ZDQ)
    [bridge] = netparse.parse(ZDQ.read_bytes(), strict=True).networks
    assert bridge.bridge_name == "docker0" and bridge.mtu == 1500
    assert bridge.ipam.config[0].gateway is None and bridge.containers == []
    assert bridge.created.utcoffset().total_seconds() == 8 * 3600


def test_gateway_written_with_a_prefix():
    base = by_name(HANDMADE / "docker_network_inspect_gateway_prefix.json")["np-base"]
    assert base.ipam.config[0].gateway == IPv4Address("172.30.10.1")


def test_several_outputs_pasted_together():
    model = parse(DATA / "docker_network_inspect_concatenated.json", strict=True)
    assert [n.name for n in model.networks] == ["bridge", "np-base"]
    assert [c.name for c in model.networks[0].containers] == ["np-a", "np-b"]


def test_truncated_json_is_read_as_far_as_it_goes():
    path = FIXTURES / "dumps/bridge-down/docker_network_inspect.json"
    text = path.read_text()
    cut = text[:text.index('"Driver"', text.index('"np-base"')) + 13]  # inside a string
    model = netparse.parse(cut, "docker_network_inspect")
    whole = netparse.parse(text, "docker_network_inspect").networks
    *before, last = model.networks
    assert before == whole[:len(before)] and not any(n.partial for n in before)
    # the string cut in the middle is lost, and the network it was in is partial
    assert last.partial and last.id == whole[len(before)].id
    end = cut.count("\n") + 1
    opened = cut.count("\n", 0, cut.rindex("\n    {")) + 2
    assert [(u.line, u.text) for u in model.unparsed] == [
        (end, cut.split("\n")[-1]),
        (end, f"JSON ends before the object opened on line {opened} is closed")]
