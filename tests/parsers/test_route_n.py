"""`route` / `netstat -r` tables on real captures: Docker dumps, peer corpus (jc, genieparser) and a
private namespace with reject routes, metrics and an expiring IPv6 route (data/route/)."""

import pathlib
import re
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

import pytest

import netparse
from netparse.models.route import AddressFamily, RouteFlag
from netparse.parsers import route_n
from tests.conftest import CORPUS, FIXTURES

DATA = pathlib.Path(__file__).parent / "data" / "route"
FIXTURE_TABLES = sorted(
    [*FIXTURES.glob("dumps/*/route_n.txt"), *FIXTURES.glob("dumps/*/containers/*/route_n.txt"),
     *FIXTURES.glob("captures/*/containers/*/route_n*.txt"),
     *(p for name in ("route.txt", "route_6_n.txt", "netstat_rn.txt", "netstat_rne.txt",
                      "busybox_route_n.txt") for p in FIXTURES.glob(f"captures/*/{name}"))])
NETNS_TABLES = sorted(p for p in DATA.glob("*.txt") if "ip_" not in p.name
                      and "cache" not in p.name)
CORPUS_TABLES = [CORPUS / "jc" / name for name in (
    "centos-7.7_netstat-r.txt", "centos-7.7_netstat-rne.txt", "centos-7.7_netstat-rnee.txt",
    "centos-7.7_route-6-n.txt", "centos-7.7_route-6.txt", "centos-7.7_route-vn.txt",
    "centos-7.7_route.txt", "nixos_route-ee.txt", "ubuntu-18.04_route.txt")] + [
    CORPUS / "other" / "genieparser_Route_golden_output.txt"]
ALL = FIXTURE_TABLES + NETNS_TABLES + [p for p in CORPUS_TABLES if p.exists()]


def parse(path, **kw):
    return netparse.parse(path.read_bytes(), "route_n", **kw)


def routes_by_destination(path):
    return {str(r.destination or r.destination_name): r for r in parse(path).routes}


def test_there_are_captures_of_every_source():
    assert len(FIXTURE_TABLES) >= 20 and len(NETNS_TABLES) == 11


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_row_is_a_route(path):
    """One route per row under the header, in order, flags letter for letter, detected."""
    lines = [ln.split() for ln in path.read_text().splitlines() if ln.strip()]
    assert lines[0][0] == "Kernel" and lines[1][0] == "Destination"
    model = parse(path, strict=True)
    rows = lines[2:]
    assert len(model.routes) == len(rows)
    flags_at = 2 if model.family is AddressFamily.INET6 else 3
    for route, row in zip(model.routes, rows):
        assert "".join(route.flags) == row[flags_at]
        assert route.destination is not None or route.destination_name == row[0].split("/")[0]
        assert route.reject == ("!" in row[flags_at])
    assert model.family is (AddressFamily.INET6 if "IPv6" in lines[0][1] else AddressFamily.INET)
    assert netparse.detect(path.read_bytes()) == "route_n"


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("dumps/*/route_n.txt")),
                         ids=lambda p: p.parent.name)
def test_docker_host_table(path):
    routes = routes_by_destination(path)
    default = routes["0.0.0.0/0"]
    assert default.is_default and default.gateway == IPv4Address("192.0.2.1")
    assert default.flags == [RouteFlag.UP, RouteFlag.GATEWAY] and default.iface == "eth0"
    docker0 = [r for r in parse(path).routes if r.iface == "docker0"]
    assert [str(r.destination) for r in docker0] == ["172.17.0.0/16"]
    assert docker0[0].gateway is None and docker0[0].gateway_name is None
    assert docker0[0].genmask == IPv4Address("255.255.0.0") and docker0[0].prefixlen == 16
    assert (docker0[0].metric, docker0[0].ref, docker0[0].use) == (0, 0, 0)


def test_container_without_routes(fixtures):
    model = parse(fixtures / "dumps/user-networks/containers/np-isolated/route_n.txt",
                  strict=True)
    assert model.family is AddressFamily.INET and model.routes == []


def test_numeric_and_named_tables_agree():
    """`route` prints `default` where `route -n` prints 0.0.0.0, and a network name (from
    /etc/networks) where `route -n` prints its address."""
    numeric = parse(DATA / "route_n_netns.txt").routes
    named = parse(DATA / "route_netns.txt").routes
    assert named[0].destination_name == "default" and named[0].is_default
    assert numeric[0].destination_name is None and numeric[0].is_default
    assert named[-1].destination is None and named[-1].destination_name == "link-local"
    assert named[-1].prefixlen == 16 and numeric[-1].destination == IPv4Network("169.254.0.0/16")
    for a, b in zip(numeric[1:-1], named[1:-1]):
        assert a == b


@pytest.mark.parametrize("name", ["centos-7.7_route.txt", "ubuntu-18.04_route.txt"])
def test_gateway_names(name):
    path = CORPUS / "jc" / name
    if not path.exists():
        pytest.skip("no peer corpus")
    routes = parse(path).routes
    assert routes[0].is_default and routes[0].destination_name == "default"
    assert routes[0].gateway is None and routes[0].gateway_name in ("gateway", "_gateway")


def test_host_route_by_name():
    path = CORPUS / "jc" / "ubuntu-18.04_route.txt"
    if not path.exists():
        pytest.skip("no peer corpus")
    host = parse(path).routes[2]
    assert host.destination is None and host.destination_name == "_gateway"
    assert host.prefixlen == 32 and host.flags == [RouteFlag.UP, RouteFlag.HOST]


def test_reject_routes_net_tools():
    """Reject rows print `-` for the gateway, Ref and Iface; a blackhole route has no `!` but
    its Iface is `*`."""
    routes = routes_by_destination(DATA / "route_n_netns.txt")
    prohibit, unreachable = routes["10.67.0.0/16"], routes["10.68.0.0/16"]
    assert prohibit.reject and prohibit.flags == [RouteFlag.REJECT]
    assert (prohibit.gateway, prohibit.gateway_name, prohibit.ref, prohibit.iface) == (
        None, None, None, None)
    assert (prohibit.metric, prohibit.use) == (5, 0) and unreachable.metric == 0
    blackhole = routes["10.66.0.0/16"]
    assert not blackhole.reject and blackhole.iface is None and blackhole.ref == 0


def test_reject_routes_busybox():
    """BusyBox prints `*` for no gateway (without -n) and for the Iface of reject routes."""
    for name in ("busybox_route_netns.txt", "busybox_route_n_netns.txt"):
        routes = routes_by_destination(DATA / name)
        prohibit = routes["10.67.0.0/16"]
        assert prohibit.reject and prohibit.iface is None and prohibit.gateway is None
        assert prohibit.gateway_name is None and prohibit.ref == 0 and prohibit.metric == 5
        assert routes["10.1.0.0/24"].gateway is None and routes["10.1.0.0/24"].iface == "a0"


@pytest.mark.parametrize("name", ["netstat_rn_netns.txt", "busybox_route_e_netns.txt"])
def test_mss_window_irtt_columns(name):
    """`netstat -rn` and `route -e` print MSS Window irtt instead of Metric Ref Use."""
    routes = routes_by_destination(DATA / name)
    host = routes["10.10.0.5/32"]
    assert host.flags == [RouteFlag.UP, RouteFlag.GATEWAY, RouteFlag.HOST]
    assert (host.mss, host.window, host.irtt) == (1400, 0, 10)
    assert (host.metric, host.ref, host.use) == (None, None, None)
    prohibit = routes["10.67.0.0/16"]
    expected = (None, None, None) if name.startswith("netstat") else (0, 0, 0)
    assert (prohibit.mss, prohibit.window, prohibit.irtt) == expected


@pytest.mark.parametrize("name", ["route_een_netns.txt", "netstat_rnee_netns.txt"])
def test_both_column_sets(name):
    routes = routes_by_destination(DATA / name)
    host = routes["10.10.0.5/32"]
    assert (host.metric, host.ref, host.use, host.mss, host.window, host.irtt) == (
        7, 0, 0, 1400, 0, 10)
    prohibit = routes["10.67.0.0/16"]
    assert (prohibit.metric, prohibit.ref, prohibit.use, prohibit.iface, prohibit.mss) == (
        5, None, 0, None, None)


def test_cut_iface_is_kept_as_printed():
    path = CORPUS / "jc" / "centos-7.7_netstat-rnee.txt"
    if not path.exists():
        pytest.skip("no peer corpus")
    assert [r.iface for r in parse(path).routes] == ["ens33", "docker", "ens33"]


@pytest.mark.parametrize("path", [*sorted(FIXTURES.glob("captures/*/route_6_n.txt")),
                                  DATA / "route_6_n_netns.txt"], ids=lambda p: p.parent.name)
def test_ipv6_table(path):
    model = parse(path)
    assert model.family is AddressFamily.INET6
    defaults = [r for r in model.routes if r.is_default]
    assert [r.reject for r in defaults][-1] is True  # the kernel's catch-all `!n` on lo
    catch_all = defaults[-1]
    assert catch_all.metric == -1 and catch_all.flags == [RouteFlag.REJECT, RouteFlag.NONEXTHOP]
    assert catch_all.iface == "lo" and catch_all.gateway is None
    via = [r for r in defaults if r.gateway is not None]
    assert via and all(r.flags[:2] == [RouteFlag.UP, RouteFlag.GATEWAY] for r in via)
    assert all(r.genmask is None for r in model.routes)
    local = [r for r in model.routes if r.destination == IPv6Network("::1/128")]
    assert local[0].flags == [RouteFlag.UP, RouteFlag.NONEXTHOP] and local[0].prefixlen == 128


def test_expiring_ipv6_route():
    routes = routes_by_destination(DATA / "route_6_n_netns.txt")
    expiring = routes["2001:db8:99::/48"]
    assert expiring.flags == [RouteFlag.UP, RouteFlag.GATEWAY, RouteFlag.EXPIRES]
    assert expiring.gateway == IPv6Address("2001:db8:1::1")


def test_long_ipv6_destination_overflows_its_column():
    path = CORPUS / "jc" / "centos-7.7_route-6-n.txt"
    if not path.exists():
        pytest.skip("no peer corpus")
    route = parse(path).routes[17]
    assert route.destination == IPv6Network("2600:1700:bab0:d40:884b:cf32:dbd6:f640/128")
    assert (route.metric, route.ref, route.use, route.iface) == (0, 1, 0, "lo")


def test_ipv6_names():
    """`route -6` prints `[::]`, host names (overflowing the column) and `gateway`."""
    path = CORPUS / "jc" / "centos-7.7_route-6.txt"
    if not path.exists():
        pytest.skip("no peer corpus")
    routes = parse(path).routes
    assert routes[0].destination == IPv6Network("::/96") and routes[0].gateway is None
    # glibc prints the IPv4-mapped prefix in dotted form.
    assert routes[1].destination == IPv6Network("::ffff:0.0.0.0/96")
    host = routes[8]
    assert host.destination is None and host.prefixlen == 128
    assert host.destination_name == "unknown000c293b580e.attlocal.net" and host.iface == "ens33"
    assert routes[13].is_default and routes[13].gateway_name == "gateway"
    assert routes[15].destination_name == "localhost"
    numeric = parse(CORPUS / "jc" / "centos-7.7_route-6-n.txt").routes
    assert [r.destination for r in routes if r.destination] == [
        n.destination for r, n in zip(routes, numeric) if r.destination]


def test_ipv6_names_netns():
    named = parse(DATA / "route_6_netns.txt").routes
    numeric = parse(DATA / "route_6_n_netns.txt").routes
    assert named == numeric  # only `[::]` differs from `::`, and it is no gateway either way


def test_busybox_ipv6_table():
    """BusyBox: `Flags Metric Ref Use Iface` header, padded Iface, no `e` letter."""
    busybox = parse(DATA / "busybox_route_6_netns.txt").routes
    net_tools = parse(DATA / "route_6_n_netns.txt").routes
    assert [(r.destination, r.gateway, r.metric, r.iface) for r in busybox] == [
        (r.destination, r.gateway, r.metric, r.iface) for r in net_tools]
    assert [r.flags for r in busybox] == [
        [f for f in r.flags if f is not RouteFlag.EXPIRES] for r in net_tools]


def test_rows_without_header_use_the_route_n_columns():
    lines = (DATA / "route_n_netns.txt").read_text().splitlines(keepends=True)
    headless = route_n.parse("".join(lines[2:]))
    assert headless.routes == parse(DATA / "route_n_netns.txt").routes
    assert headless.unparsed == []


def test_a_second_table_of_the_other_family_is_reported_not_mixed():
    v4 = (DATA / "route_n_netns.txt").read_text()
    v6 = (DATA / "route_6_n_netns.txt").read_text()
    model = route_n.parse(v4 + v6)
    assert model.family is AddressFamily.INET
    assert model.routes == parse(DATA / "route_n_netns.txt").routes
    first = v4.count("\n") + 1
    assert [u.line for u in model.unparsed] == list(range(first, first + v6.count("\n")))


def test_routing_cache_is_reported_not_read_as_routes():
    """`route -F -C`: the table, then the (empty, on current kernels) routing cache, whose
    `Source Destination Gateway` rows would otherwise look like routes."""
    path = DATA / "route_n_fib_cache_netns.txt"
    model = parse(path)
    assert model.routes == parse(DATA / "route_n_netns.txt").routes
    cache_at = len(model.routes) + 3
    assert [(u.line, u.text.split()[0]) for u in model.unparsed] == [(cache_at, "Kernel"),
                                                                     (cache_at + 1, "Source")]
    assert netparse.detect(path.read_bytes()) == "route_n"
    cache_only = "".join(path.read_text().splitlines(keepends=True)[cache_at - 1:])
    with pytest.raises(netparse.ParseError, match="routing cache"):
        route_n.parse(cache_only)


def test_route_flag_letters_match_the_template():
    letters = re.search(r'FLAGS = r"\[([^\]]+)\]\+"',
                        (pathlib.Path(route_n.__file__).with_name("route_n.ttp")).read_text())
    assert set(letters.group(1)) == {f.value for f in RouteFlag}
    assert all(f"`{f.value}`" in RouteFlag.__doc__ for f in RouteFlag)


def test_ip_route_output_is_not_a_route_table():
    with pytest.raises(netparse.ParseError):
        parse(DATA / "ip_route_netns.txt")


def test_html_left_at_a_line_end_is_said_at_its_line_and_the_row_read():
    """moby-24796: `ens3<br/>` at two line ends; the device is ens3, never a second one."""
    path = FIXTURES / "pastes/routes/moby-24796-lan-subnet-on-bridge-and-nic.txt"
    model = parse(path)
    assert {r.iface for r in model.routes} == {"ens3", "br-c2a15a4ad6d2"}
    said = "<br/>: HTML left at the line's end, not part of the table; the row is read without it"
    assert [(u.line, u.text) for u in model.unparsed if u.line != 6] == [(4, said), (12, said)]


def test_a_row_not_understood_keeps_its_html_as_it_reads():
    model = route_n.parse("Kernel IP routing table\n0.0.0.0 x<br/>\n")
    assert [(u.line, u.text) for u in model.unparsed] == [(2, "0.0.0.0 x<br/>")]
