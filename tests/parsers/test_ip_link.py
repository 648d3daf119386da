"""`ip link` on real captures: peer corpus, Docker dumps (`ip -d link`) and variants, and a
private namespace with the device kinds Docker does not make (tests/parsers/data/link)."""

import pathlib
import re

import pytest

import netparse
from netparse.models.link import LinkFlag, LinkState
from tests.conftest import CORPUS, FIXTURES

DATA = pathlib.Path(__file__).parent / "data" / "link"
CORPUS_FILES = [CORPUS / n for n in (
    "ntc-templates/busybox_ip_link_show.txt", "ntc-templates/linux_ip_link_show.txt",
    "ntc-templates/linux_ip_link_show_2.txt")]
FIXTURE_FILES = sorted([*FIXTURES.glob("*/*/ip_link*.txt"), *FIXTURES.glob("*/*/ip_o_link.txt"),
                        *FIXTURES.glob("*/*/ip_j_link.json")])
DATA_FILES = sorted(p for p in DATA.glob("*") if "link" in p.name and "_s_" not in p.name)
DUMPS = sorted(FIXTURES.glob("dumps/*/ip_link.txt"))
HEADER = re.compile(r"^(\d+): ([^:\s]+)", re.M)
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="no peer corpus")


def parse(path, **kw):
    return netparse.parse(path.read_bytes(), "ip_link", **kw)


def by_name(model):
    return {i.name: i for i in model.interfaces}


def without_timers(interface):
    """Bridge timers tick between two commands."""
    return interface.model_copy(update={
        "link_info": {k: v for k, v in interface.link_info.items() if not k.endswith("timer")},
        "slave_info": {k: v for k, v in interface.slave_info.items() if not k.endswith("timer")}})


@pytest.mark.parametrize("path", FIXTURE_FILES + DATA_FILES + [p for p in CORPUS_FILES
                                                                 if p.exists()],
                         ids=lambda p: "/".join(p.parts[-3:]))
def test_parses_fully_and_is_detected(path):
    model = parse(path, strict=True)
    assert netparse.detect(path.read_bytes()) == "ip_link"
    assert all(i.addresses == [] for i in model.interfaces)
    text = path.read_text()
    if not text.lstrip().startswith("["):
        assert [(i.ifindex, i.name) for i in model.interfaces] == [
            (int(i), n.split("@")[0]) for i, n in HEADER.findall(text)]
        assert all(i.link_type for i in model.interfaces)


@needs_corpus
def test_busybox_alias_and_link_void():
    ifs = by_name(parse(CORPUS / "ntc-templates/busybox_ip_link_show.txt"))
    assert [i.alias for i in ifs.values()] == [None, "WAN", "LAN", "WAN2", "Priority Queue"]
    imq0 = ifs["imq0"]
    assert (imq0.link_type, imq0.mac, imq0.qlen, imq0.mode) == ("void", None, 11000, "DEFAULT")


@needs_corpus
def test_dormant_mode_and_permaddr():
    wlan0 = by_name(parse(CORPUS / "ntc-templates/linux_ip_link_show_2.txt"))["wlan0"]
    assert (wlan0.mode, wlan0.state, wlan0.permaddr) == ("DORMANT", LinkState.DOWN,
                                                         "cc:cc:cc:cc:cc:cc")
    assert wlan0.is_up and not wlan0.has_carrier
    vrf = by_name(parse(CORPUS / "ntc-templates/linux_ip_link_show.txt"))
    assert [i.name for i in vrf.values() if i.master == "vrf-red"] == ["brred"]
    assert LinkFlag.MASTER in vrf["vrf-red"].flags


@pytest.mark.parametrize("path", DUMPS, ids=lambda p: p.parent.name)
def test_details_of_docker_bridges_and_veths(path):
    ifs = parse(path).interfaces
    brctl = netparse.parse((path.parent / "brctl_show.txt").read_bytes(), "brctl_show")
    ports = {(b.name, p) for b in brctl.bridges for p in b.interfaces}
    slaves = {(i.master, i.name): i for i in ifs if i.slave_kind == "bridge"}
    assert ports <= set(slaves)
    # A restarting container's veth comes and goes between two commands, without carrier.
    assert all(not slaves[k].has_carrier for k in set(slaves) - ports)
    assert sorted(i.name for i in ifs if i.link_kind == "bridge") == \
        sorted(b.name for b in brctl.bridges)
    for interface in ifs:
        assert interface.details["addrgenmode"] == "eui64"
        assert int(interface.details["numtxqueues"]) >= 1
        assert interface.detail_lines == []
        if interface.link_kind == "bridge":
            assert interface.link_info["stp_state"] == ("1" if any(
                b.stp for b in brctl.bridges if b.name == interface.name) else "0")
        if interface.slave_kind:
            assert interface.link_kind == "veth" and interface.master
            assert interface.slave_info["state"] in ("forwarding", "disabled")
            if not interface.has_carrier:
                assert interface.slave_info["state"] == "disabled"
    docker0 = next(i for i in ifs if i.name == "docker0")
    assert docker0.link_info["bridge_id"] == "8000." + docker0.mac.replace(":0", ":").lstrip("0")


@pytest.mark.parametrize("path", DUMPS, ids=lambda p: p.parent.name)
def test_ip_link_and_ip_addr_agree(path):
    link = by_name(parse(path))
    addr = by_name(netparse.parse((path.parent / "ip_addr.txt").read_bytes(), "ip_addr"))
    # A restarting container's veth comes and goes between two commands, without carrier.
    assert all(not link[n].has_carrier for n in set(link) - set(addr))
    assert all(not addr[n].has_carrier for n in set(addr) - set(link))
    fields = ("ifindex", "peer_ifindex", "parent", "flags", "mtu", "master", "state", "mac",
              "link_netnsid")
    both = [n for n in link if n in addr]
    # Not vacuous, whatever the number of containers: at most one such veth is missing from
    # one side, so the host's own devices, every bridge and the containers' veths are compared.
    assert len(both) >= max(len(link), len(addr)) - 1
    assert {"lo", "eth0", "docker0"} | {n for n, i in link.items() if i.link_kind == "bridge"} \
        <= set(both)
    assert any(link[n].link_kind == "veth" for n in both)
    assert [[getattr(link[n], f) for f in fields] for n in both] == \
        [[getattr(addr[n], f) for f in fields] for n in both]


def test_namespace_device_kinds():
    ifs = by_name(parse(DATA / "ip_d_link_netns.txt"))
    assert {n: (i.link_kind, i.slave_kind) for n, i in ifs.items()} == {
        "lo": (None, None), "br0": ("bridge", None), "v2": ("veth", None),
        "v1": ("veth", "bridge"), "mv0": ("macvlan", None), "vx0": ("vxlan", "bridge"),
        "tun0": ("tun", None), "tap0": ("tun", None), "c1": ("veth", None), "u1": ("veth", None)}
    assert ifs["mv0"].link_info == {"mode": "bridge", "bcqueuelen": "1000",
                                    "usedbcqueuelen": "1000"}
    # `srcport 0 0` and flag words: not key/value pairs, kept as printed.
    assert ifs["vx0"].link_info == {}
    assert ifs["vx0"].detail_lines == [
        "vxlan id 42 local 127.0.0.1 srcport 0 0 dstport 4789 nolearning ttl auto ageing 300 "
        "udpcsum noudp6zerocsumtx noudp6zerocsumrx"]
    assert ifs["vx0"].slave_info["cost"] == "100" and ifs["v1"].slave_info["cost"] == "2"
    assert ifs["tun0"].link_info["type"] == "tun" and ifs["tap0"].link_info["type"] == "tap"
    assert (ifs["tap0"].mode, ifs["tun0"].link_type) == ("DORMANT", "none")
    assert (ifs["v2"].alias, ifs["v2"].altnames) == ("uplink to the lab", ["lab-uplink"])
    assert ifs["c1"].link_netns == "other" and ifs["u1"].link_netnsid == 1
    assert ifs["lo"].details["minmtu"] == "0" and ifs["v1"].details["promiscuity"] == "1"


def test_detail_and_oneline_forms_agree():
    plain = parse(DATA / "ip_link_netns.txt").interfaces
    detailed = parse(DATA / "ip_d_link_netns.txt").interfaces
    oneline = parse(DATA / "ip_o_d_link_netns.txt").interfaces
    assert [without_timers(i) for i in oneline] == [without_timers(i) for i in detailed]
    bare = {"link_kind": None, "link_info": {}, "slave_kind": None, "slave_info": {},
            "details": {}, "detail_lines": [], "alias": None}
    assert [i.model_copy(update=bare) for i in detailed] == \
        [i.model_copy(update={"alias": None}) for i in plain]


def test_json_details_match_text():
    text = by_name(parse(DATA / "ip_d_link_netns.txt"))
    from_json = by_name(parse(DATA / "ip_j_d_link_netns.json"))
    assert list(from_json) == list(text)
    for name, interface in from_json.items():
        expected = text[name]
        assert (interface.link_kind, interface.slave_kind) == (expected.link_kind,
                                                               expected.slave_kind)
        assert interface.details == expected.details
        same = ("flags", "mtu", "qdisc", "master", "state", "mode", "qlen", "mac", "alias",
                "altnames", "peer_ifindex", "parent")
        assert [getattr(interface, f) for f in same] == [getattr(expected, f) for f in same]
    assert from_json["vx0"].link_info["id"] == "42"
    assert from_json["v1"].slave_info["state"] == "forwarding"
    assert from_json["v1"].slave_info["learning"] == "on"


def test_statistics_lines_are_unparsed_not_dropped():
    path = DATA / "ip_s_link_netns.txt"
    model = parse(path)
    lines = path.read_text().split("\n")
    assert [u.line for u in model.unparsed] == [
        n for n, line in enumerate(lines, 1) if re.match(r"\s+(RX|TX):|\s+\d", line)]
    assert model.interfaces == parse(DATA / "ip_link_netns.txt").interfaces
