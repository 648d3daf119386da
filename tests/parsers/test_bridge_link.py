"""`bridge link show` on real captures: Docker dumps and a private-namespace bridge (`-d`)."""

import pathlib

import pytest

import netparse
from netparse.models.bridge import PortState
from netparse.models.link import LinkFlag
from netparse.kinds.detect import scores
from tests.conftest import FIXTURES

DATA = pathlib.Path(__file__).parent / "data" / "bridge_sysctl"
DUMPS = sorted(FIXTURES.glob("dumps/*/bridge_link.txt"))
NETNS = sorted(DATA.glob("bridge_link*_netns.txt"))


def parse(path, **kw):
    return netparse.parse(path.read_bytes(), "bridge_link", **kw)


@pytest.mark.parametrize("path", [p for p in DUMPS + NETNS if p.read_text().strip()],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_parses_fully_and_is_detected(path):
    model = parse(path, strict=True)
    headers = [ln for ln in path.read_text().splitlines() if ln[:1].isdigit()]
    assert [p.ifindex for p in model.ports] == [int(ln.split(":")[0]) for ln in headers]
    assert [",".join(p.flags) for p in model.ports] == [ln.split("<")[1].split(">")[0]
                                                        for ln in headers]
    assert all(isinstance(f, LinkFlag) for p in model.ports for f in p.flags)
    assert all(p.other_flags == [] for p in model.ports)
    assert netparse.detect(path.read_bytes()) == "bridge_link"


@pytest.mark.parametrize("path", DUMPS, ids=lambda p: p.parent.name)
def test_docker_ports_agree_with_brctl_show(path):
    ports = parse(path).ports if path.read_text().strip() else []
    brctl = netparse.parse((path.parent / "brctl_show.txt").read_bytes(), "brctl_show")
    assert sorted((p.master, p.name) for p in ports) == \
        sorted((b.name, i) for b in brctl.bridges for i in b.interfaces)
    lines = [ln.split() for ln in path.read_text().splitlines() if ln.strip()]
    for port, words in zip(ports, lines, strict=True):
        name, _, peer = words[1].rstrip(":").partition("@")
        assert port.name == name
        # A container's veth names its peer by ifindex (the peer is in the container);
        # a stray veth pair on the host names its peer.
        if peer.startswith("if"):
            assert (port.peer_ifindex, port.peer) == (int(peer[2:]), None)
        else:
            assert (port.peer_ifindex, port.peer) == (None, peer)
        assert port.state is PortState(words[words.index("state") + 1])
        assert port.mtu == 1500 and (port.priority, port.cost) == (32, 2)
        assert port.up == ("UP" in words[2].strip("<>").split(",")) and port.options == {}


def test_detail_line_fills_options():
    ports = parse(DATA / "bridge_link_d_netns.txt").ports
    assert [(p.name, p.peer, p.master, p.state, p.cost) for p in ports] == [
        ("v1", "v2", "br0", PortState.FORWARDING, 2), ("vx0", None, "br0", PortState.DISABLED, 100)]
    for port in ports:
        assert port.options["hairpin"] == "off" and port.options["learning"] == "on"
        assert port.options["mcast_router"] == "1"
    assert ports[0].up and not ports[1].up
    plain = parse(DATA / "bridge_link_netns.txt").ports
    assert [p.model_copy(update={"options": {}}) for p in ports] == plain


def test_stats_flags_change_nothing():
    assert parse(DATA / "bridge_link_ssd_netns.txt") == parse(DATA / "bridge_link_d_netns.txt")


def test_detail_line_without_its_header_is_unparsed():
    text = (DATA / "bridge_link_d_netns.txt").read_text().split("\n", 1)[1]
    model = netparse.parse(text, "bridge_link")
    assert [u.line for u in model.unparsed] == [1]
    assert [p.name for p in model.ports] == ["vx0"]


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*/*/ip_link.txt"))
                         + sorted(FIXTURES.glob("*/*/ip_o_link.txt"))
                         + sorted(FIXTURES.glob("*/*/ip_addr.txt")), ids=str)
def test_ip_link_is_not_bridge_link(path):
    assert "bridge_link" not in scores(path.read_text())
