"""`bridge fdb show` on real captures: Docker dumps, and a bridge with a VXLAN port in a private
network namespace (tests/parsers/data/bridge_sysctl/capture.sh)."""

import pathlib
from ipaddress import IPv4Address

import pytest

import netparse
from netparse.models.bridge import FdbFlag, FdbState
from netparse.kinds.detect import scores
from tests.conftest import FIXTURES

DATA = pathlib.Path(__file__).parent / "data" / "bridge_sysctl"
DUMPS = sorted(FIXTURES.glob("dumps/*/bridge_fdb.txt"))
NETNS = sorted(DATA.glob("bridge_fdb*_netns.txt"))


def parse(path, **kw):
    return netparse.parse(path.read_bytes(), "bridge_fdb", **kw)


@pytest.mark.parametrize("path", DUMPS + NETNS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_line_is_an_entry(path):
    lines = [ln for ln in path.read_text().splitlines() if ln.strip()]
    model = parse(path, strict=True)
    assert [e.mac for e in model.entries] == [ln.split()[0].lower() for ln in lines]
    assert all(e.other == [] for e in model.entries)
    assert netparse.detect(path.read_bytes()) == "bridge_fdb"


@pytest.mark.parametrize("path", DUMPS, ids=lambda p: p.parent.name)
def test_docker_dump_entries(path):
    model = parse(path)
    for entry, line in zip(model.entries, path.read_text().splitlines()):
        assert entry.dev == line.split()[2]
        # Each line is either the device's own table or the bridge's, never both.
        assert entry.self_ == (" self " in line)
        assert (entry.master is None) == entry.self_
        if line.endswith(" "):  # no state word: learned from traffic
            assert entry.state is FdbState.DYNAMIC
        else:
            assert entry.state is FdbState(line.split()[-1])


def test_learned_container_macs_are_dynamic():
    model = parse(FIXTURES / "dumps/user-networks/bridge_fdb.txt")
    learned = [e for e in model.entries if e.state is FdbState.DYNAMIC]
    assert learned, "the user-networks dump has containers that talked"
    for entry in learned:
        assert entry.master.startswith("br-") and entry.dev.startswith("veth")
        assert entry.mac.startswith("02:42:")  # MACs Docker gives containers


def test_vxlan_remote_and_flags():
    entries = {e.mac: e for e in parse(DATA / "bridge_fdb_netns.txt").entries}
    remote = entries["02:00:00:00:00:0d"]
    assert (remote.dev, remote.dst, remote.port, remote.self_, remote.state) == \
        ("vx0", IPv4Address("10.0.0.3"), 4790, True, FdbState.PERMANENT)
    assert entries["00:00:00:00:00:00"].dst == IPv4Address("10.0.0.2")
    assert entries["02:00:00:00:00:0f"].flags == [FdbFlag.EXTERN_LEARN]
    assert entries["02:00:00:00:00:0f"].state is FdbState.DYNAMIC
    assert entries["02:00:00:00:00:0e"].state is FdbState.STATIC
    assert entries["02:00:00:00:00:0b"].state is FdbState.DYNAMIC


def test_stats_add_used_and_updated_only():
    plain = parse(DATA / "bridge_fdb_netns.txt").entries
    stats = parse(DATA / "bridge_fdb_s_netns.txt").entries
    assert any(e.used is not None for e in stats)
    for p, s in zip(plain, stats, strict=True):
        assert s.model_copy(update={"used": None, "updated": None}) == p
        # iproute2 prints `used` only for entries of the bridge (and of the VXLAN device).
        assert (s.used is None) == (s.updated is None)
    learned = next(e for e in stats if e.mac == "02:00:00:00:00:0e")
    assert (learned.used, learned.updated) == (1, 1)


def test_show_dev_leaves_dev_out():
    model = parse(DATA / "bridge_fdb_dev_netns.txt", strict=True)
    assert all(e.dev is None for e in model.entries)
    assert {e.master for e in model.entries if not e.self_} == {"br0"}


def test_self_serialises_by_name_and_alias():
    entry = parse(DATA / "bridge_fdb_netns.txt").entries[0]
    assert entry.self_ and entry.model_dump(by_alias=True)["self"] is True
    assert type(entry).model_validate(entry.model_dump(by_alias=True)) == entry


def test_foreign_lines_are_unparsed_with_their_numbers():
    fdb = (FIXTURES / "dumps/default-bridge/bridge_fdb.txt").read_text()
    route = (FIXTURES / "dumps/default-bridge/ip_route.txt").read_text()
    model = netparse.parse(fdb + route, "bridge_fdb")
    first = fdb.count("\n") + 1
    assert [u.line for u in model.unparsed] == \
        [first + i for i, ln in enumerate(route.splitlines()) if ln.strip()]
    assert len(model.entries) == len(fdb.splitlines())


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*/*/ip_route*.txt"))
                         + sorted(FIXTURES.glob("*/*/route_n.txt")), ids=str)
def test_routes_are_not_fdb(path):
    assert "bridge_fdb" not in scores(path.read_text())
