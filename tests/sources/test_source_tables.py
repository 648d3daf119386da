"""A routing table printed more than once in one capture (`route -n` before and after, pasted
together): each table is a capture of its own, in the order of the file, the last one the state.
On the real paste routes/moby-24796 and on real tables of tests/parsers/data/route/."""

import netparse
from netparse import sources
from tests.conftest import FIXTURES

ROUTES = FIXTURES.parent / "parsers" / "data" / "route"
BEFORE_AFTER = FIXTURES / "pastes" / "routes" / "moby-24796-lan-subnet-on-bridge-and-nic.txt"


def test_two_tables_in_one_paste_are_two_captures_in_time():
    found = sources.load(BEFORE_AFTER)
    assert [(i.first_line, i.kind) for i in found.items] == [(1, None), (7, None)]
    snap = netparse.load(BEFORE_AFTER)
    assert [(e.kind, e.first_line, e.source.order, e.source.ordered_by) for e in snap.entries] \
        == [("route_n", 1, 1, "transcript"), ("route_n", 7, 2, "transcript")]
    # The author's sentence between them stays with the first, said at its line.
    assert [u.line for u in snap.entries[0].model.unparsed] == [4, 6]


def test_the_later_table_is_the_state_and_the_earlier_one_an_earlier_state():
    report = netparse.analyze(BEFORE_AFTER)
    assert sorted((f.code, f.severity.value) for f in report.findings) == [
        ("earlier-state", "info"), ("route-overlap", "error")]
    overlap = next(f for f in report.findings if f.code == "route-overlap")
    assert overlap.evidence[0].endswith("nic.txt:7: 192.168.122.0/24 dev ens3 metric 100")


def test_one_table_of_each_family_stays_one_capture():
    text = (ROUTES / "route_n_netns.txt").read_bytes() + (ROUTES / "route_6_n_netns.txt").read_bytes()
    found = sources.from_files({"dump/route_n.txt": text})
    assert [(i.first_line, i.kind) for i in found.items] == [(1, "route_n")]


def test_a_file_named_route_n_with_two_tables_of_one_family():
    first = (ROUTES / "route_n_netns.txt").read_bytes()
    second = (ROUTES / "busybox_route_n_netns.txt").read_bytes()
    found = sources.from_files({"dump/route_n.txt": first + second})
    at = first.count(b"\n") + 1
    assert [(i.first_line, i.kind, i.data) for i in found.items] == [
        (1, "route_n", first), (at, "route_n", second)]


def test_a_route_n_run_in_a_transcript_whose_output_holds_two_tables():
    first = (ROUTES / "route_n_netns.txt").read_text()
    second = (ROUTES / "busybox_route_n_netns.txt").read_text()
    found = sources.from_files({"log.txt": ("$ route -n\n" + first + second).encode()})
    at = 2 + first.count("\n")
    assert [(i.first_line, i.kind, i.command) for i in found.items] == [
        (2, "route_n", "route -n"), (at, "route_n", "route -n")]
    assert found.items[1].data.decode() == second
