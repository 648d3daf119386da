"""Real pastes from public threads (tests/fixtures/pastes/) and the seed log: fragments of
inspect JSON read as far as they go, tables with lines above their header, text that is no
capture netparse reads set aside, never parsed as the closest kind."""

from ipaddress import IPv4Address, IPv4Interface, IPv4Network

import pytest

import netparse
from netparse.errors import DetectError
from netparse.kinds.detect import scores
from tests.conftest import FIXTURES, TESTS

PASTES = FIXTURES / "pastes"
SEED = TESTS.parent.parent / "shared" / "seed" / "000_498e87f2abc7201a.txt"


def paste(name: str) -> str:
    return (PASTES / name).read_text()


def seed_lines(first: int, last: int) -> str:
    """Lines first..last of the seed log, as they are there."""
    if not SEED.exists():
        pytest.skip(f"no seed log at {SEED}")
    return "".join(SEED.read_text().splitlines(keepends=True)[first - 1:last])


def unparsed(model) -> list[int]:
    return [u.line for u in model.unparsed]


# What each paste is told to be from its content alone.
KINDS = {
    "fragments/hub-feedback-1050-api-networks-fragment.txt": "docker_network_inspect",
    "fragments/libnetwork-723-networksettings-networks-list.txt": "docker_inspect",
    "fragments/moby-19086-two-containers-same-ip-networks.txt": "docker_inspect",
    "fragments/moby-8042-networksettings-1.2-and-brctl.txt": "docker_inspect",
    "fragments/ui-for-docker-254-networksettings-dotted.txt": "docker_inspect",
    "endpoints-partial/dokemon-11-network-inspect-empty-containers.txt": "docker_network_inspect",
    "endpoints-partial/moby-26413-overlay-network-inspect-one-task.txt":
        "docker_network_inspect",
    "firewall/coreos-344-forward-reject-without-docker-accepts.txt": "iptables_list",
    "firewall/csf-firewall-1-nft-and-legacy.txt": "iptables_list",
    "firewall/incus-docker-2-legacy-warning-grep.txt": "iptables_list",
    "firewall/moby-13381-nat-table-empty.txt": "iptables_list",
    "firewall/moby-14185-nat-list-resolved-names.txt": "iptables_list",
    "firewall/moby-34531-rules-file-docker-chains.txt": "iptables_save",
    "firewall/moby-48560-rules-v4-forward-reject.txt": "iptables_save",
    "tables/dockerfiles-6-docker-ps-1.0-unfenced.txt": "docker_ps",
    "tables/moby-31324-network-ls-warning-above-header.txt": "docker_network_ls",
    "tables/opencti-66-network-ls-swarm-ingress.txt": "docker_network_ls",
    "tables/vscode-docker-4274-network-list-alias.txt": "docker_network_ls",
}


@pytest.mark.parametrize("name", sorted(KINDS))
def test_paste_is_told_by_its_content(name):
    assert netparse.detect(paste(name)) == KINDS[name]


@pytest.mark.parametrize("name", sorted(n for n in KINDS if n.startswith("firewall/")))
def test_iptables_listing_is_not_taken_for_ip_link(name):
    assert "ip_link" not in scores(paste(name))


def test_seed_grep_of_inspect_is_three_containers_with_ids_and_addresses():
    # `docker inspect $(docker ps -q) | grep -e "IPAddress\|Id"` (lines 102-107)
    model = netparse.parse(seed_lines(102, 107), "docker_inspect", strict=True)
    assert netparse.detect(seed_lines(102, 107)) == "docker_inspect"
    assert [(c.id[:12], str(c.default_endpoint.ip_address)) for c in model.containers] == [
        ("8f407c2e9a2b", "172.17.0.4"), ("6a28e596819e", "172.17.0.3"),
        ("115d73223caf", "172.17.0.2")]
    assert all(c.partial and c.name is None and len(c.id) == 64 for c in model.containers)


def test_two_networks_blocks_are_two_endpoints_with_one_address():
    model = netparse.parse(paste("fragments/moby-19086-two-containers-same-ip-networks.txt"),
                           "docker_inspect")
    assert unparsed(model) == [1, 16]  # the author's labels `Container 1:`, `Container 2:`
    assert [c.id for c in model.containers] == ["endpoint 16b37d1ca29d", "endpoint dec22518804c"]
    for container in model.containers:
        assert container.partial and container.name == container.id
        [bridge] = container.networks
        assert (bridge.name, bridge.ip_interface, bridge.mac_address) == (
            "bridge", IPv4Interface("172.17.0.115/16"), "02:42:ac:11:00:73")


def test_old_networks_list_layout_keyed_by_its_sandbox():
    model = netparse.parse(paste("fragments/libnetwork-723-networksettings-networks-list.txt"),
                           "docker_inspect", strict=True)
    [container] = model.containers
    assert container.partial and container.id == "sandbox 3cb6067f0d79"
    [vpc] = container.networks
    assert (vpc.name, vpc.ip_interface, vpc.gateway) == (
        "nfvpc", IPv4Interface("100.66.27.67/32"), IPv4Address("100.66.26.107"))


def test_docker_1_2_settings_with_an_inserted_line_and_a_table_after():
    model = netparse.parse(paste("fragments/moby-8042-networksettings-1.2-and-brctl.txt"))
    # the author's sentences, the proposed `---->  "interface"` line and the brctl table
    assert unparsed(model) == [1, 9, 12, 14, 15, 16]
    [container] = model.containers
    assert container.partial and container.id == "fragment at line 2"
    endpoint = container.default_endpoint
    assert (endpoint.name, endpoint.ip_interface, endpoint.gateway) == (
        "bridge", IPv4Interface("172.17.0.2/16"), IPv4Address("172.17.42.1"))
    assert "interface" not in container.model_dump_json()


def test_dotted_settings_cut_off_keep_what_they_show():
    model = netparse.parse(paste("fragments/ui-for-docker-254-networksettings-dotted.txt"))
    assert [(u.line, u.text.strip()) for u in model.unparsed] == [
        (4, "...."), (7, "...."), (7, "JSON ends before the object opened on line 1 is closed")]
    [container] = model.containers
    [core] = container.networks
    assert container.partial
    assert (core.name, core.ip_address, core.gateway, core.ip_prefix_len, core.mac_address) == (
        "core_default", IPv4Address("172.20.0.2"), IPv4Address("172.20.0.1"), None, None)


def test_api_response_cut_in_the_middle_of_a_network():
    model = netparse.parse(paste("fragments/hub-feedback-1050-api-networks-fragment.txt"))
    assert unparsed(model) == [1]  # the request's URL
    [bridge] = model.networks
    assert bridge.partial and (bridge.name, bridge.bridge_name) == ("bridge", "docker0")
    [config] = bridge.ipam.config
    assert (config.subnet, config.gateway) == (IPv4Network("172.17.0.0/16"),
                                               IPv4Address("172.17.0.1"))


@pytest.mark.parametrize("name, line", [
    ("endpoints-partial/dokemon-11-network-inspect-empty-containers.txt", 1),
    ("endpoints-partial/moby-26413-overlay-network-inspect-one-task.txt", 1)])
def test_network_inspect_after_a_line_of_text_is_whole(name, line):
    model = netparse.parse(paste(name))
    assert unparsed(model) == [line]
    [network] = model.networks
    assert not network.partial


def test_overlay_network_with_a_swarm_id():
    model = netparse.parse(
        paste("endpoints-partial/moby-26413-overlay-network-inspect-one-task.txt"))
    [network] = model.networks
    assert (network.id, network.bridge_name) == ("7m2rjx0a97n88wzr4nu8772r3", None)
    [task] = network.containers
    assert task.ipv4_address == IPv4Interface("10.0.9.3/24")


def test_network_ls_with_a_prompt_and_a_warning_above_its_header():
    model = netparse.parse(paste("tables/moby-31324-network-ls-warning-above-header.txt"))
    assert [(u.line, u.text) for u in model.unparsed] == [
        (1, "$ docker network ls"), (2, 'system root pool is not available on Windows"')]
    assert [(n.id, n.name, n.scope) for n in model.networks if n.driver == "overlay"] == [
        ("uel22ez5o3ai", "go-demo", "swarm"), ("5566fk8ycoug", "ingress", "swarm")]
    assert len(model.networks) == 6


def test_network_ls_with_a_swarm_ingress():
    model = netparse.parse(paste("tables/opencti-66-network-ls-swarm-ingress.txt"), strict=True)
    assert ("khb0xa5hueuq", "ingress") in [(n.id, n.name) for n in model.networks]


def test_network_list_alias_with_its_prompt():
    model = netparse.parse(paste("tables/vscode-docker-4274-network-list-alias.txt"))
    assert [(u.line, u.text) for u in model.unparsed] == [(1, "$ docker network list")]
    assert [n.name for n in model.networks] == ["bridge", "host", "none"]


def test_docker_ps_of_docker_1_0():
    model = netparse.parse(paste("tables/dockerfiles-6-docker-ps-1.0-unfenced.txt"), strict=True)
    [container] = model.containers
    assert (container.name, container.command) == ("ansible_test", "/usr/sbin/sshd -D")
    assert [(p.host_port, p.container_port) for p in container.ports] == [(49153, 22)]


def test_brctl_show_after_a_prompt():
    model = netparse.parse(paste("reference-only/forlinux-326-brctl-zero-bridge-ids.txt"))
    assert unparsed(model) == [1]
    assert [b.name for b in model.bridges][-1] == "docker0" and len(model.bridges) == 4


@pytest.mark.parametrize("kind, first, last, above, count", [
    ("docker_network_ls", 18, 22, [1], 3),       # the prompt
    ("brctl_show", 25, 29, [1], 1),              # the prompt
    ("route_n", 32, 37, [1, 2], 2),              # a comment and the prompt inside a container
    ("docker_ps", 75, 81, [1], 5)])              # the prompt
def test_seed_tables_with_lines_above_their_header(kind, first, last, above, count):
    text = seed_lines(first, last)
    assert netparse.detect(text) == kind
    model = netparse.parse(text)
    assert unparsed(model) == above
    items = next(v for k, v in model if isinstance(v, list) and k != "unparsed")
    assert len(items) == count


def test_text_too_far_from_every_kind_names_the_closest():
    # a paste of `ip a show docker0` twice with commands and prose between: no kind scores 50
    text = paste("time-and-hosts/forlinux-924-docker0-no-address-until-restart.txt")
    found = scores(text)
    assert found and max(found.values()) < 50
    with pytest.raises(DetectError) as error:
        netparse.parse(text)
    assert "closest: ip_addr (" in error.value.message
