"""`docker inspect <container>...` on real captures and hand-edited samples of other engines."""

import json
import pathlib
from ipaddress import IPv4Address, IPv4Interface, IPv6Address, IPv6Interface

import pytest

import netparse
from netparse.models.docker import ContainerState, DockerInspect, PortMapping, Protocol
from tests.conftest import FIXTURES

DATA = pathlib.Path(__file__).parent / "data" / "docker"
HANDMADE = FIXTURES / "handmade"
DUMPS = sorted(FIXTURES.glob("dumps/*/docker_inspect.json"))
ALL = DUMPS + sorted([*DATA.glob("docker_inspect*.json"), *HANDMADE.glob("docker_inspect*.json")])
LIFTED = {"HostConfig": {"NetworkMode", "PortBindings"}, "Config": {"Hostname"},
          "NetworkSettings": {"SandboxID", "SandboxKey", "Ports", "Networks"}}


def parse(path, **kw):
    return netparse.parse(path.read_bytes(), "docker_inspect", **kw)


def by_name(path):
    return {c.name: c for c in parse(path).containers}


def ident(path):
    return str(path.relative_to(path.parents[1]))


def raw_containers(path):
    decoder, text, pos, items = json.JSONDecoder(), path.read_text(), 0, []
    while pos < len(text.rstrip()):
        value, pos = decoder.raw_decode(text, pos)
        items += value
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return items


@pytest.mark.parametrize("path", ALL, ids=ident)
def test_every_container_is_read(path):
    model = parse(path, strict=True)
    raw = raw_containers(path)
    assert [c.id for c in model.containers] == [r["Id"] for r in raw]
    assert [c.name for c in model.containers] == [r["Name"].lstrip("/") for r in raw]
    assert netparse.detect(path.read_bytes()) == "docker_inspect"


@pytest.mark.parametrize("path", DUMPS, ids=ident)
def test_network_fields_match_the_engine(path):
    for container, raw in zip(parse(path).containers, raw_containers(path)):
        settings = raw["NetworkSettings"]
        assert container.network_mode == raw["HostConfig"]["NetworkMode"]
        assert container.hostname == raw["Config"]["Hostname"]
        assert container.sandbox_key == (settings["SandboxKey"] or None)
        assert container.state.status == ContainerState(raw["State"]["Status"])
        assert container.state.pid == raw["State"]["Pid"]
        assert [e.name for e in container.networks] == list(settings["Networks"])
        for endpoint in container.networks:
            engine = settings["Networks"][endpoint.name]
            assert str(endpoint.ip_address or "") == engine["IPAddress"]
            assert str(endpoint.gateway or "") == engine["Gateway"]
            assert (endpoint.mac_address or "") == engine["MacAddress"]
            assert str(endpoint.global_ipv6_address or "") == engine["GlobalIPv6Address"]
            assert (endpoint.network_id or "") == engine["NetworkID"]
            if endpoint.ip_address:
                assert endpoint.ip_interface == IPv4Interface(
                    f"{engine['IPAddress']}/{engine['IPPrefixLen']}")
        published = [(b["HostIp"], b["HostPort"], port)
                     for port, binds in settings["Ports"].items() for b in binds or []]
        assert [(str(p.host_ip), str(p.host_port), f"{p.container_port}/{p.protocol}")
                for p in container.ports if p.published] == published


@pytest.mark.parametrize("path", ALL, ids=ident)
def test_no_engine_key_is_lost(path):
    for container, raw in zip(parse(path).containers, raw_containers(path)):
        extra = container.model_extra
        typed = {"Id", "Name", "Created", "State", "Image", "RestartCount"}
        assert set(raw) == set(extra) | typed | ({"Config", "HostConfig", "NetworkSettings"}
                                                 & set(raw))
        for key, lifted in LIFTED.items():
            rest = {k: v for k, v in raw[key].items() if k not in lifted}
            if key == "NetworkSettings" and container.default_endpoint is not None:
                moved = {"EndpointID", "Gateway", "GlobalIPv6Address", "GlobalIPv6PrefixLen",
                         "IPAddress", "IPPrefixLen", "IPv6Gateway", "MacAddress"}
                rest = {k: v for k, v in rest.items() if k not in moved}
            assert extra.get(key, {}) == rest
        for endpoint in container.networks:
            assert set(endpoint.model_extra) <= {"DriverOpts"}


@pytest.mark.parametrize("path", ALL, ids=ident)
def test_model_round_trips_through_json(path):
    model = parse(path)
    again = DockerInspect.model_validate_json(model.model_dump_json())
    assert again == model


def test_default_bridge_ports_and_bindings():
    web = by_name(FIXTURES / "dumps/default-bridge/docker_inspect.json")["np-web"]
    assert web.network_mode == "default"
    assert PortMapping(host_ip=IPv4Address("127.0.0.1"), host_port=9000,
                       container_port=9000) in web.port_bindings
    # `-p 5353:53/udp` binds every address: no HostIp in the request, two bindings when running
    assert PortMapping(host_port=5353, container_port=53, protocol=Protocol.udp) \
        in web.port_bindings
    udp = [p for p in web.ports if p.protocol is Protocol.udp]
    assert [str(p.host_ip) for p in udp] == ["0.0.0.0", "::"]
    # a range is asked for and bound port by port
    assert [p.container_port for p in web.port_bindings if 8000 <= p.container_port <= 8002] \
        == [8000, 8001, 8002]
    bridge = web.networks[0]
    assert web.default_endpoint.ip_address == bridge.ip_address
    assert web.default_endpoint.mac_address == bridge.mac_address
    assert web.default_endpoint.name == "bridge"


def test_every_state_and_network_mode():
    containers = by_name(FIXTURES / "dumps/user-networks/docker_inspect.json")
    api = containers["np-api"]
    assert [e.name for e in api.networks] == ["np-back", "np-front"]
    back = api.networks[0]
    assert back.ip_interface == IPv4Interface("172.30.2.10/24")
    assert back.ipv6_interface == IPv6Interface("fd00:db8:1::2/64")
    assert back.ipv6_gateway == IPv6Address("fd00:db8:1::1")
    assert back.aliases[0] == "api" and back.ipam_config.ipv4_address == IPv4Address("172.30.2.10")
    assert api.networks[1].ipam_config is None

    hostnet = containers["np-hostnet"]
    assert hostnet.network_mode == "host" and hostnet.sandbox_key.endswith("/default")
    assert hostnet.networks[0].ip_address is None and hostnet.networks[0].mac_address is None

    created = containers["np-created"]
    assert created.state.status is ContainerState.created
    assert created.state.started_at is None  # Go's zero time
    assert created.sandbox_key is None and created.ports == []
    assert created.port_bindings == [PortMapping(host_port=8090, container_port=80)]
    assert created.networks[0].network_id is None  # not connected until started

    restarting = containers["np-restarting"]
    assert restarting.state.restarting and restarting.state.exit_code == 1
    assert restarting.restart_count >= 3
    assert containers["np-paused"].state.paused
    assert containers["np-exited"].state.exit_code == 3
    assert containers["np-exited"].networks[0].endpoint_id is None

    assert containers["np-db"].ports == [
        PortMapping(host_ip=IPv6Address("::1"), host_port=5432, container_port=5432)]
    assert all(c.default_endpoint is None for c in containers.values())


def test_several_outputs_pasted_together():
    model = parse(DATA / "docker_inspect_concatenated.json", strict=True)
    assert [c.name for c in model.containers] == ["np-a", "np-c"]


def test_api_1_20_has_only_the_settings_endpoint():
    containers = by_name(DATA / "docker_inspect_api_1.20.json")
    for name in ("np-a", "np-b"):
        assert containers[name].networks == []
        assert containers[name].default_endpoint.name == "bridge"
        assert containers[name].default_endpoint.ip_interface.network.prefixlen == 16
    assert containers["np-a"].default_endpoint.ip_address == IPv4Address("172.17.0.2")
    # np-c is on np-base only: API 1.20 shows no address for it
    assert containers["np-c"].default_endpoint is None and containers["np-c"].networks == []
    assert containers["np-c"].sandbox_key is not None


def test_networks_as_a_list_of_names():
    containers = by_name(HANDMADE / "docker_inspect_networks_list.json")
    [a] = containers["np-a"].networks
    assert (a.name, a.ip_address, a.mac_address) == ("bridge", IPv4Address("172.17.0.2"),
                                                     "02:42:ac:11:00:02")
    [c] = containers["np-c"].networks
    assert c.name == "np-base" and c.ip_address is None


def test_newer_engine_without_settings_address():
    containers = by_name(HANDMADE / "docker_inspect_api_1.44.json")
    assert all(c.default_endpoint is None for c in containers.values())
    assert containers["np-c"].networks[0].dns_names == ["np-c", containers["np-c"].id[:12]]
    assert containers["np-a"].networks[0].dns_names == []
    assert containers["np-a"].networks[0].ip_address == IPv4Address("172.17.0.2")


def test_truncated_json_is_read_as_far_as_it_goes():
    path = FIXTURES / "dumps/user-networks/docker_inspect.json"
    text = path.read_text()
    cut = text[:len(text) // 2]
    model = netparse.parse(cut, "docker_inspect")
    whole = parse(path).containers
    *before, last = model.containers
    assert before == whole[:len(before)] and not any(c.partial for c in before)
    # the container the cut falls in: what was read of it, marked partial
    assert last.partial and last.id == whole[len(before)].id
    assert last.name == whole[len(before)].name
    end = cut.count("\n") + 1  # the cut falls inside the value `false` of its last line
    opened = cut.count("\n", 0, cut.rindex('\n    {')) + 2
    assert [(u.line, u.text) for u in model.unparsed] == [
        (end, cut.split("\n")[-1]),
        (end, f"JSON ends before the object opened on line {opened} is closed")]


def test_an_array_left_open_keeps_its_containers_and_says_so():
    path = DATA / "docker_inspect_concatenated.json"
    text = path.read_text().rstrip()
    cut = text[:-1]
    model = netparse.parse(cut, "docker_inspect")
    assert model.containers == parse(path).containers
    second = text.count("\n", 0, text.rindex("\n[")) + 2
    assert [(u.line, u.text) for u in model.unparsed] == [
        (cut.rstrip().count("\n") + 1,
         f"JSON ends before the array opened on line {second} is closed")]


def test_elements_that_are_not_containers_are_unparsed():
    networks = (FIXTURES / "dumps/bridge-down/docker_network_inspect.json").read_text()
    containers = (FIXTURES / "dumps/bridge-down/docker_inspect.json").read_text()
    model = netparse.parse(containers + networks, "docker_inspect")
    assert len(model.containers) == 3
    offset = containers.count("\n")
    assert [u.line - offset for u in model.unparsed] == [
        n + 1 for n, line in enumerate(networks.splitlines()) if line == "    {"]


def test_blank_text_is_not_taken_for_json():
    with pytest.raises(netparse.DetectError):
        netparse.detect(" \n")
