"""`ip route` on real captures: Docker dumps, peer corpus (jc, ntc-templates, genieparser,
ryan4yin) and a private namespace with multipath, reject and metric-laden routes (data/route/)."""

import pathlib
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

import pytest

import netparse
from netparse.models.route import AddressFamily, IpRouteFlag, RouteType
from netparse.parsers import ip_route
from tests.conftest import CORPUS, FIXTURES

DATA = pathlib.Path(__file__).parent / "data" / "route"
FIXTURE_ROUTES = sorted([*FIXTURES.glob("dumps/*/ip_route.txt"),
                         *FIXTURES.glob("captures/*/ip_route.txt"),
                         *FIXTURES.glob("captures/*/ip_6_route.txt"),
                         *FIXTURES.glob("captures/*/containers/*/ip_route.txt")])
NETNS_ROUTES = sorted(p for p in DATA.glob("*ip_*route*.txt"))
CORPUS_ROUTES = [CORPUS / name for name in (
    "jc/centos-7.7_ip_route.txt", "ntc-templates/linux_ip_route_show.txt",
    "ntc-templates/linux_ip_route_show2.txt", "ntc-templates/linux_ip_route_show_linkdown.txt",
    "other/genieparser_IpRouteShowTableAll_golden_output.txt",
    "other/ryan4yin_ip_route_after_compose.txt")]
ALL = FIXTURE_ROUTES + NETNS_ROUTES + [p for p in CORPUS_ROUTES if p.exists()]


def parse(path, **kw):
    return netparse.parse(path.read_bytes(), "ip_route", **kw)


def corpus(name):
    path = CORPUS / name
    if not path.exists():
        pytest.skip("no peer corpus")
    return parse(path, strict=True)


def test_there_are_captures_of_every_source():
    assert len(FIXTURE_ROUTES) >= 15 and len(NETNS_ROUTES) == 6


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_route_line_is_a_route(path):
    """One route per unindented line, one nexthop per `nexthop`, type and destination as printed."""
    text = path.read_text()
    model = parse(path, strict=True)
    route_lines = [ln for ln in text.splitlines() if ln.strip() and not ln[0].isspace()]
    assert len(model.routes) == len(route_lines)
    assert sum(len(r.nexthops) for r in model.routes) == text.count("nexthop ")
    for route, line in zip(model.routes, route_lines):
        words = line.split()
        if words[0] in RouteType.__members__.values():
            assert route.type == words.pop(0)
        else:
            assert route.type is RouteType.UNICAST
        if words[0] == "default":
            assert route.is_default
        else:
            assert route.destination == route.destination.__class__(words[0])
            assert route.family is (AddressFamily.INET6 if ":" in words[0] else AddressFamily.INET)
        assert route.linkdown == ("linkdown" in words[1:] and "nexthop" not in words)
    assert netparse.detect(path.read_bytes()) == "ip_route"


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("dumps/*/ip_route.txt")),
                         ids=lambda p: p.parent.name)
def test_docker_host_routes(path):
    """`ip route show table all`: IPv4 main, IPv4 local, then IPv6; `default` of each family."""
    routes = parse(path).routes
    defaults = [r for r in routes if r.is_default]
    assert [(r.family, r.gateway) for r in defaults] == [
        (AddressFamily.INET, IPv4Address("192.0.2.1")),
        (AddressFamily.INET6, IPv6Address("fd00::1"))]
    assert defaults[0].destination == IPv4Network("0.0.0.0/0") and defaults[0].dev == "eth0"
    assert defaults[1].destination == IPv6Network("::/0") and defaults[1].metric == 1024
    assert defaults[1].pref == "medium" and defaults[0].pref is None
    docker0 = next(r for r in routes if r.dev == "docker0" and r.family is AddressFamily.INET)
    assert docker0.destination == IPv4Network("172.17.0.0/16") and docker0.table is None
    assert (docker0.proto, docker0.scope, docker0.src) == ("kernel", "link",
                                                           IPv4Address("172.17.0.1"))
    for route in routes:
        assert (route.table == "local") == (route.type in (
            RouteType.LOCAL, RouteType.BROADCAST, RouteType.ANYCAST, RouteType.MULTICAST))


def test_linkdown_bridge(fixtures):
    """A Docker bridge with no container attached has no carrier: its routes are linkdown."""
    routes = parse(fixtures / "captures/user-networks/ip_route.txt").routes
    assert [r.dev for r in routes if r.linkdown] == ["docker0"]
    ipv6 = parse(fixtures / "captures/user-networks/ip_6_route.txt").routes
    assert [r.dev for r in ipv6 if IpRouteFlag.LINKDOWN in r.flags] == ["docker0"]


@pytest.mark.parametrize("name", ["ip_route_netns.txt", "ip_o_route_netns.txt",
                                  "ip_route_table_all_netns.txt"])
def test_ipv4_multipath(name):
    """`default` alone, its paths on `nexthop` lines (on the same line with `ip -o`)."""
    route = next(r for r in parse(DATA / name).routes if r.is_default)
    assert route.family is AddressFamily.INET and route.gateway is None and route.dev is None
    assert [(n.gateway, n.dev, n.weight, n.flags) for n in route.nexthops] == [
        (IPv4Address("10.1.0.1"), "a0", 1, []),
        (IPv4Address("10.2.0.1"), "a1", 3, [IpRouteFlag.LINKDOWN])]
    assert not route.linkdown  # one path is still up


def test_ipv6_multipath():
    route = next(r for r in parse(DATA / "ip_6_route_netns.txt").routes if r.is_default)
    assert route.family is AddressFamily.INET6 and route.destination == IPv6Network("::/0")
    assert (route.metric, route.pref) == (1024, "medium")
    assert [(n.gateway, n.weight) for n in route.nexthops] == [
        (IPv6Address("2001:db8:1::1"), 1), (IPv6Address("2001:db8:2::1"), 1)]


def test_reject_types_and_other_tables():
    routes = {str(r.destination): r for r in parse(DATA / "ip_route_table_all_netns.txt").routes}
    assert routes["10.66.0.0/16"].type is RouteType.BLACKHOLE
    assert routes["10.67.0.0/16"].type is RouteType.PROHIBIT
    assert routes["10.67.0.0/16"].metric == 5 and routes["10.67.0.0/16"].dev is None
    assert routes["10.68.0.0/16"].type is RouteType.UNREACHABLE
    assert (routes["10.69.0.0/16"].type, routes["10.69.0.0/16"].table) == (RouteType.THROW, "100")
    assert routes["10.70.0.0/16"].table == "100" and routes["10.9.0.0/16"].table is None
    assert routes["2001:db8:66::/48"].type is RouteType.BLACKHOLE
    assert routes["2001:db8:66::/48"].dev == "lo"


def test_flags_and_options():
    routes = {str(r.destination): r for r in parse(DATA / "ip_route_netns.txt").routes}
    assert routes["10.9.0.0/16"].flags == [IpRouteFlag.ONLINK]
    host = routes["10.10.0.5/32"]
    assert host.flags == [IpRouteFlag.LINKDOWN] and host.linkdown and host.metric == 7
    assert host.options == {"mtu": "lock 1400", "rtt": "10ms", "advmss": "1360"}
    assert routes["10.80.0.0/16"].options == {"nhid": "10"}
    assert routes["10.80.0.0/16"].gateway == IPv4Address("10.1.0.1")
    ipv6 = {str(r.destination): r for r in parse(DATA / "ip_6_route_netns.txt").routes}
    assert ipv6["2001:db8:99::/48"].options["expires"].endswith("sec")
    assert ipv6["2001:db8:77::/48"].pref == "high"


def test_details():
    """`ip -d route` prints `unicast`, `proto boot scope global` and the `nh_info` of `nhid`."""
    routes = parse(DATA / "ip_d_route_netns.txt").routes
    assert routes[0].type is RouteType.UNICAST and routes[0].family is AddressFamily.INET
    assert (routes[0].proto, routes[0].scope, len(routes[0].nexthops)) == ("boot", "global", 2)
    nhid = next(r for r in routes if "nhid" in r.options)
    assert nhid.options["nh_info"] == "id 10 via 10.1.0.1 dev a0 scope link proto unspec"
    plain = parse(DATA / "ip_route_netns.txt").routes
    assert [(r.type, r.destination, r.gateway, r.nexthops) for r in routes] == [
        (r.type, r.destination, r.gateway, r.nexthops) for r in plain]


def test_busybox_default_takes_its_family_from_the_routes_around_it():
    """BusyBox prints a multipath default as `default` and nothing else."""
    routes = parse(DATA / "busybox_ip_route_netns.txt").routes
    assert routes[0].is_default and routes[0].family is AddressFamily.INET
    assert routes[0].nexthops == [] and routes[0].gateway is None
    assert routes[1].scope == "link" and routes[1].src == IPv4Address("10.1.0.2")  # double space


def test_default_without_gateway_and_unreachable_default():
    show2 = corpus("ntc-templates/linux_ip_route_show2.txt").routes
    assert show2[0].is_default and show2[0].family is AddressFamily.INET
    assert (show2[0].dev, show2[0].scope, show2[0].gateway) == ("wlan0", "link", None)
    show = corpus("ntc-templates/linux_ip_route_show.txt").routes
    unreachable = show[2]
    assert unreachable.type is RouteType.UNREACHABLE and unreachable.is_default
    assert unreachable.family is AddressFamily.INET and unreachable.metric == 4278198272
    assert show[1].flags == [IpRouteFlag.ONLINK]
    assert show[9].proto == "kernel" and show[9].src == IPv4Address("192.168.1.1")  # double spaces
    assert show[11].flags == [IpRouteFlag.ONLINK]  # last line, no trailing newline


def test_table_all_from_genieparser():
    routes = corpus("other/genieparser_IpRouteShowTableAll_golden_output.txt").routes
    assert [r.linkdown for r in routes].count(True) == 1
    assert routes[3].dev == "br-d19b23fac393"
    assert [(r.type, r.table) for r in routes[5:]] == [
        (RouteType.BROADCAST, "local"), (RouteType.LOCAL, "local"), (RouteType.BROADCAST, "local")]


def test_trailing_spaces_and_missing_newline():
    routes = corpus("other/ryan4yin_ip_route_after_compose.txt").routes
    assert [r.dev for r in routes] == ["wlp4s0", "docker0", "br-ac3e0514d837", "wlp4s0"]
    last = corpus("jc/centos-7.7_ip_route.txt").routes[-1]
    assert last.linkdown and last.dev == "docker0"


def test_a_route_with_a_word_not_understood_goes_to_unparsed_with_its_nexthops():
    """A word that is neither a known key nor a flag makes the whole route unparsed, so a
    multipath route never loses a path silently."""
    text = (DATA / "ip_route_netns.txt").read_text()
    changed = text.replace("weight 3 linkdown", "weight 3 linkdown notaflag", 1)
    model = ip_route.parse(changed)
    assert [u.line for u in model.unparsed] == [1, 2, 3]
    assert len(model.routes) == len(parse(DATA / "ip_route_netns.txt").routes) - 1


def test_route_table_output_is_not_ip_route():
    path = DATA / "route_n_netns.txt"
    model = parse(path)
    assert model.routes == [] and len(model.unparsed) == len(path.read_text().splitlines())


def test_dead_nexthop():
    """A nexthop whose device is down is `dead linkdown`; the route keeps it."""
    routes = {str(r.destination): r for r in parse(DATA / "ip_route_netns.txt").routes}
    route = routes["10.90.0.0/16"]
    assert route.dev is None and not route.linkdown
    assert [(n.dev, n.flags) for n in route.nexthops] == [
        ("a0", []), ("a2", [IpRouteFlag.DEAD, IpRouteFlag.LINKDOWN])]


def test_a_remark_at_the_end_of_a_route_is_said_at_its_line_and_the_route_read():
    """forlinux-1422: the author's `# …` after two routes (iproute2 prints no `#`)."""
    path = FIXTURES / "pastes/routes/forlinux-1422-docker-pool-also-static-route.txt"
    model = parse(path)
    routes = [(str(r.destination), str(r.gateway), r.dev, str(r.src)) for r in model.routes]
    assert routes[2:4] == [("172.17.0.0/16", "10.3.33.1", "ens192", "None"),
                           ("172.17.0.0/16", "None", "docker_gwbridge", "172.17.0.1")]
    assert [(u.line, u.text) for u in model.unparsed] == [
        (1, "ip route"),
        (4, "# DHCP sent static route: a remark after the route, not route syntax; the route "
            "is read without it"),
        (5, "# Swarm create a conflicting route: a remark after the route, not route syntax; "
            "the route is read without it")]


def test_a_route_not_understood_before_its_remark_is_unparsed_as_it_reads():
    model = ip_route.parse("10.0.0.0/8 dev eth0 notaflag # remark\n")
    assert model.routes == [] and [u.text for u in model.unparsed] == [
        "10.0.0.0/8 dev eth0 notaflag # remark"]
