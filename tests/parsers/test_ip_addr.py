"""`ip addr` on real captures: peer corpus (iproute2, BusyBox), Docker dumps and variants, and a
private namespace with the cases Docker does not make (tests/parsers/data/link/capture.sh)."""

import json
import pathlib
import re

import pytest

import netparse
from netparse.errors import ParseError
from netparse.models.link import AddressFamily, LinkFlag, LinkState
from tests.conftest import CORPUS, FIXTURES

DATA = pathlib.Path(__file__).parent / "data" / "link"
CORPUS_FILES = [CORPUS / n for n in (
    "ntc-templates/busybox_ip_address_show.txt", "ntc-templates/linux_ip_address_show.txt",
    "ntc-templates/linux_ip_address_show2.txt",
    "ttp_templates/ip_address_show_multiple_addresses.txt",
    "other/ryan4yin_ip_addr_after_compose_excerpt.txt", "other/zdq0394_container_busybox_ip_a.txt",
    "other/zdq0394_host_ip_a_veth_excerpt.txt", "other/zdq0394_netns_ip_a.txt")]
FIXTURE_FILES = sorted(
    [*FIXTURES.glob("*/*/ip_addr*.txt"), *FIXTURES.glob("*/*/containers/*/ip_addr*.txt"),
     *FIXTURES.glob("*/*/busybox_ip_addr.txt"), *FIXTURES.glob("*/*/ip_o_addr.txt"),
     *FIXTURES.glob("*/*/ip_j_addr.json")])
DATA_FILES = sorted(p for p in DATA.glob("*") if "addr" in p.name)
HEADER = re.compile(r"^(\d+): ([^:\s]+)", re.M)
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="no peer corpus")


def parse(path, **kw):
    return netparse.parse(path.read_bytes(), "ip_addr", **kw)


def by_name(model):
    return {i.name: i for i in model.interfaces}


def short(path):
    return "/".join(path.parts[-3:])


@pytest.mark.parametrize("path", FIXTURE_FILES + DATA_FILES + [p for p in CORPUS_FILES
                                                                 if p.exists()],
                         ids=short)
def test_parses_fully_and_is_detected(path):
    model = parse(path, strict=True)
    assert netparse.detect(path.read_bytes()) == "ip_addr"
    text = path.read_text()
    if not text.lstrip().startswith("["):
        # One interface per header, in order; `ip -o addr` repeats it on each address line.
        headers = list(dict.fromkeys((int(i), n.split("@")[0]) for i, n in HEADER.findall(text)))
        assert [(i.ifindex, i.name) for i in model.interfaces] == headers
        assert sum(len(i.addresses) for i in model.interfaces) == len(
            re.findall(r"\binet6? ", text))


@needs_corpus
def test_iproute2_docker_bridge_vrf_and_labels():
    ifs = by_name(parse(CORPUS / "ntc-templates/linux_ip_address_show.txt"))
    bridge = ifs["br-218f5e637867"]
    assert bridge.flags == [LinkFlag.NO_CARRIER, LinkFlag.BROADCAST, LinkFlag.MULTICAST,
                            LinkFlag.UP]
    assert bridge.is_up and not bridge.has_carrier and bridge.state is LinkState.DOWN
    assert bridge.qlen is None and bridge.group == "default"
    assert str(bridge.addresses[0].address) == "172.21.0.1/16"
    assert str(bridge.addresses[0].broadcast) == "172.21.255.255"
    gpd0 = ifs["gpd0"]
    assert (gpd0.link_type, gpd0.mac, gpd0.broadcast_mac, gpd0.qlen) == ("none", None, None, 500)
    brblue = ifs["brblue"]
    assert brblue.master == "vrf-blue" and brblue.is_up and brblue.has_carrier
    # The second address is labelled with another interface's name.
    assert [(str(a.address), a.label) for a in brblue.addresses] == [
        ("10.0.0.1/24", "brblue"), ("192.168.0.1/25", "brred")]
    ens32 = ifs["ens32"].addresses[0]
    assert ens32.dynamic and (ens32.valid_lft, ens32.preferred_lft) == (1307, 1307)
    assert ifs["lo"].addresses[0].valid_lft is None  # forever


@needs_corpus
def test_secondary_altname_noprefixroute():
    ifs = by_name(parse(CORPUS / "ntc-templates/linux_ip_address_show2.txt"))
    eth0 = ifs["eth0"].addresses
    assert [(str(a.address), a.secondary, a.dynamic) for a in eth0 if a.family == "inet"] == [
        ("192.168.121.241/24", False, True), ("192.168.121.45/24", True, False)]
    assert ifs["ens33"].altnames == ["enp2s1"]
    assert [a.noprefixroute for a in ifs["ens33"].addresses] == [True, True]
    assert [a.label for a in ifs["ens33"].addresses] == ["ens33", None]  # IPv6: no label


@needs_corpus
def test_busybox_headers_with_and_without_state():
    ntc = by_name(parse(CORPUS / "ntc-templates/busybox_ip_address_show.txt"))
    assert (ntc["eth0"].state, ntc["eth0"].group, ntc["eth0"].qlen) == (LinkState.UP, None, None)
    old = by_name(parse(CORPUS / "other/zdq0394_container_busybox_ip_a.txt"))
    eth0 = old["eth0"]
    assert (eth0.state, eth0.peer_ifindex, eth0.parent) == (None, 15, None)
    assert LinkFlag.M_DOWN in eth0.flags and eth0.has_carrier
    assert old["lo"].qlen == 1


@needs_corpus
def test_host_veths_name_their_container_peer():
    host = parse(CORPUS / "other/zdq0394_host_ip_a_veth_excerpt.txt").interfaces
    assert [(i.name, i.ifindex, i.peer_ifindex, i.master, i.link_netnsid) for i in host] == [
        ("veth15e0a98", 15, 14, "docker0", 0), ("veth138e121", 17, 16, "docker0", 1)]
    container = by_name(parse(CORPUS / "other/zdq0394_netns_ip_a.txt"))["eth0"]
    assert (container.ifindex, container.peer_ifindex) == (14, 15)
    assert container.link_netnsid == 0 and container.mac == "02:42:ac:11:00:02"


@pytest.mark.parametrize("scenario", sorted(p.parent.name for p in FIXTURES.glob(
    "dumps/*/ip_addr.txt")))
def test_container_eth0_pairs_with_a_host_veth(scenario):
    dump = FIXTURES / "dumps" / scenario
    host = {i.ifindex: i for i in parse(dump / "ip_addr.txt").interfaces}
    containers = sorted(dump.glob("containers/*/ip_addr.txt"))
    for path in containers:
        for eth in (i for i in parse(path).interfaces if i.name.startswith("eth")):
            veth = host[eth.peer_ifindex]
            assert veth.name.startswith("veth") and veth.peer_ifindex == eth.ifindex
            assert veth.link_netnsid is not None


def test_namespace_addresses():
    ifs = by_name(parse(DATA / "ip_addr_netns.txt"))
    v2 = ifs["v2"]
    assert (v2.parent, v2.peer_ifindex, v2.altnames) == ("v1", None, ["lab-uplink"])
    rows = [(str(a.address), a.label, a.secondary, a.noprefixroute, a.metric, a.flags)
            for a in v2.addresses if a.family is AddressFamily.INET]
    assert rows == [("10.0.0.1/24", "v2", False, False, None, []),
                    ("10.0.1.1/24", "v2", False, True, 50, []),
                    ("10.0.0.2/24", "v2", True, False, None, []),
                    ("10.0.0.3/24", "v2:web", True, False, None, [])]
    deprecated = v2.addresses[4]
    assert (str(deprecated.address), deprecated.flags) == ("2001:db8:1::1/64",
                                                           ["nodad", "deprecated"])
    assert (deprecated.valid_lft, deprecated.preferred_lft) == (None, 0)
    mv0 = ifs["mv0"]
    assert mv0.parent == "v2" and mv0.addresses[0].dynamic
    assert 0 < mv0.addresses[0].preferred_lft < mv0.addresses[0].valid_lft <= 3600
    tun = ifs["tun0"].addresses[0]
    assert (str(tun.address), str(tun.peer)) == ("10.9.9.1/32", "10.9.9.2/32")
    assert ifs["tun0"].link_type == "none" and ifs["tun0"].mac is None
    assert (ifs["c1"].peer_ifindex, ifs["c1"].link_netns, ifs["c1"].link_netnsid) == (9, "other",
                                                                                       None)
    assert (ifs["u1"].link_netnsid, ifs["u1"].state) == (1, LinkState.LOWERLAYERDOWN)
    assert ifs["v1"].master == "br0"


def test_json_gives_the_same_interfaces_as_text():
    text = parse(DATA / "ip_addr_netns.txt")
    from_json = parse(DATA / "ip_j_addr_netns.json")
    # JSON has only the id of a named namespace.
    c1 = by_name(text)["c1"]
    c1.link_netns, c1.link_netnsid = None, by_name(from_json)["c1"].link_netnsid
    assert from_json.interfaces == text.interfaces


def test_oneline_gives_the_same_addresses_as_text():
    text = by_name(parse(DATA / "ip_addr_netns.txt"))
    oneline = parse(DATA / "ip_o_addr_netns.txt").interfaces
    assert [i.name for i in oneline] == [n for n, i in text.items() if i.addresses]
    for interface in oneline:
        assert interface.ifindex == text[interface.name].ifindex
        assert interface.addresses == text[interface.name].addresses
        assert interface.flags == [] and not interface.is_up and interface.has_carrier


def test_busybox_gives_the_same_addresses_as_iproute2():
    iproute2 = by_name(parse(DATA / "ip_addr_netns.txt"))
    busybox = by_name(parse(DATA / "busybox_ip_addr_netns.txt"))
    assert list(busybox) == list(iproute2)
    for name, interface in busybox.items():
        # BusyBox prints no metric and names nodad only as `flags 02`.
        expected = [a.model_copy(update={"metric": None}) for a in iproute2[name].addresses]
        assert interface.addresses == expected
        assert interface.state is None and interface.link_netnsid is None
        assert (interface.mac, interface.master) == (iproute2[name].mac, iproute2[name].master)
    assert busybox["tun0"].link_type == "[65534]"


@pytest.mark.parametrize("scenario", sorted(p.parent.name for p in FIXTURES.glob(
    "captures/*/ip_o_addr.txt")))
def test_fixture_variants_agree(scenario):
    folder = FIXTURES / "captures" / scenario
    oneline = parse(folder / "ip_o_addr.txt").interfaces
    from_json = by_name(parse(folder / "ip_j_addr.json"))
    assert oneline
    for interface in oneline:
        other = from_json[interface.name]
        assert interface.ifindex == other.ifindex
        # Taken one after the other: an address may leave `tentative` in between.
        assert [(a.address, a.scope, a.label, a.broadcast) for a in interface.addresses] == \
            [(a.address, a.scope, a.label, a.broadcast) for a in other.addresses]


def test_lines_before_the_first_header_are_unparsed():
    text = (DATA / "ip_addr_netns.txt").read_text().split("\n", 6)[6]
    model = netparse.parse(text, "ip_addr")
    assert text.startswith("2: br0:")
    full = parse(DATA / "ip_addr_netns.txt")
    assert model.interfaces == full.interfaces[1:] and model.unparsed == []
    headless = (DATA / "ip_addr_netns.txt").read_text().split("\n", 1)[1]
    model = netparse.parse(headless, "ip_addr")
    assert [u.line for u in model.unparsed] == [1, 2, 3, 4, 5]
    assert model.interfaces == full.interfaces[1:]
    with pytest.raises(ParseError) as error:
        netparse.parse(headless, "ip_addr", strict=True)
    assert error.value.line == 1


def test_damaged_json_is_an_error_with_its_line():
    text = (DATA / "ip_j_addr_netns.json").read_text()
    with pytest.raises(ParseError) as error:
        netparse.parse(text[:len(text) // 2], "ip_addr")
    assert error.value.line == 1 and "JSON" in error.value.message


def test_json_item_that_does_not_validate_is_unparsed():
    items = json.loads((DATA / "ip_j_addr_netns.json").read_text())
    items[1]["addr_info"][0]["local"] = "2001:db8:2::1::"
    text = json.dumps(items, indent=2)
    model = netparse.parse(text, "ip_addr")
    assert [i.name for i in model.interfaces] == [i["ifname"] for i in items if i["ifindex"] != 2]
    # reported at the line the interface starts on, the `{` before its first key
    lines = text.split("\n")
    assert [u.line for u in model.unparsed] == [lines.index('    "ifindex": 2,')]
    assert lines[model.unparsed[0].line - 1] == "  {"
    assert model.unparsed[0].text.startswith("interface br0: address: ")


@pytest.mark.parametrize("name", ["ip_addr_netns.txt", "ip_o_addr_netns.txt"])
def test_address_that_does_not_validate_is_unparsed_with_its_lifetimes(name):
    text = (DATA / name).read_text()
    assert text.count("10.0.0.2/24") == 1
    model = netparse.parse(text.replace("10.0.0.2/24", "10.0.0.300/24"), "ip_addr")
    lines = text.split("\n")
    at = next(n for n, line in enumerate(lines, 1) if "10.0.0.2/24" in line)
    lifetimes = [at + 1] if lines[at].strip().startswith("valid_lft") else []
    assert [u.line for u in model.unparsed] == [at] + lifetimes
    full = by_name(parse(DATA / name))
    assert by_name(model)["v2"].addresses == [a for a in full["v2"].addresses
                                              if str(a.address) != "10.0.0.2/24"]
