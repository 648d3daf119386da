"""Each check on a small topology built by hand, and the rules every check keeps.

`host()` is one healthy Docker host: container web on docker0, paired with its veth, with the
captures a full dump has. Each test breaks one thing and asserts the one finding it gives, and
that the host as it was gives none. (Models do not validate assignment: assign ipaddress
objects, not text.)
"""

import ast
import re
from ipaddress import ip_address, ip_interface
from pathlib import Path

import pytest
from click.testing import CliRunner

import netparse
import netparse.analysis.checks as checks_module
from netparse.analysis.checks import CHECKS, Check, Problem, check, not_run, run_checks
from netparse.analysis.context import Conflict, Context
from netparse.analysis.model import (Bridge, Container, Endpoint, HostInterface, InsideView,
                                     Missing, Network, NotRun, Pairing, Port, PublishedPort,
                                     Route, Severity, Topology)
from netparse.cli.main import main
from netparse.snapshot import Entry, Snapshot, Source, SourceStatus
from tests.conftest import TESTS

WEB_PORT = PublishedPort(container_port=80, protocol="tcp", host_port=8080)


def host() -> Context:
    eth0 = HostInterface(name="eth0", ifindex=2, state="UP", up=True, carrier=True, mtu=1500,
                         addresses=["192.0.2.2/24"])
    docker0 = HostInterface(name="docker0", ifindex=3, kind="bridge", state="UP", up=True,
                            carrier=True, mtu=1500, addresses=["172.17.0.1/16"])
    veth = HostInterface(name="vethA", ifindex=5, kind="veth", master="docker0", state="UP",
                         up=True, carrier=True, mtu=1500, peer_ifindex=4, link_netnsid=0)
    web = Container(
        name="web", id="a" * 64, state="running", running=True, in_ps=True, in_inspect=True,
        endpoints=[Endpoint(network="bridge", bridge="docker0", ip="172.17.0.2", prefix_len=16,
                            mac="02:42:ac:11:00:02", gateway="172.17.0.1", host_veth="vethA",
                            host_ifindex=5, container_iface="eth0", evidence=Pairing.INSIDE)],
        published=[WEB_PORT],
        inside=InsideView(
            sources=["containers/web/ip_addr.txt", "containers/web/ip_route.txt"],
            interfaces=["lo", "eth0"], addresses={"eth0": ["172.17.0.2/16"]},
            routes=[Route(destination="0.0.0.0/0", gateway="172.17.0.1", dev="eth0"),
                    Route(destination="172.17.0.0/16", dev="eth0")]))
    topology = Topology(
        interfaces=[eth0, docker0, veth],
        bridges=[Bridge(name="docker0", network="bridge", managed=True, state="UP", up=True,
                        carrier=True, mtu=1500, addresses=["172.17.0.1/16"],
                        ports=[Port(name="vethA", ifindex=5, peer_ifindex=4, mtu=1500, up=True,
                                    container="web", network="bridge",
                                    sources=["brctl_show.txt", "ip_addr.txt"])])],
        networks=[Network(name="bridge", driver="bridge", bridge="docker0",
                          subnets=["172.17.0.0/16"], gateways=["172.17.0.1"])],
        containers=[web],
        routes=[Route(destination="0.0.0.0/0", gateway="192.0.2.1", dev="eth0"),
                Route(destination="192.0.2.0/24", dev="eth0", scope="link"),
                Route(destination="172.17.0.0/16", dev="docker0", scope="link")],
        ip_forward=True, uplink="eth0")
    return Context(snapshot=Snapshot("hand-built"), topology=topology,
                   port_bindings={"web": [WEB_PORT]},
                   iface_source="ip_addr.txt", address_source="ip_addr.txt",
                   bridge_source="brctl_show.txt", forwarding={"all": True, "default": True},
                   route_source="ip_route.txt", inspect_source="docker_inspect.json",
                   network_source="docker_network_inspect.json", sysctl_source="sysctl.txt",
                   ps_source="docker_ps.txt", firewall=healthy_firewall(), bridge_nf=True)


def healthy_firewall() -> Entry:
    """A real iptables-save of a healthy Docker host (docker0 on 172.17.0.0/16)."""
    path = TESTS / "fixtures" / "captures" / "firewall-default" / "iptables_save.txt"
    return Entry(Source(path="iptables_save.txt", kind="iptables_save",
                        status=SourceStatus.PARSED), netparse.parse(path.read_text(),
                                                                    "iptables_save"))


def web(ctx: Context) -> Container:
    return ctx.topology.containers[0]


def docker0(ctx: Context) -> Bridge:
    return ctx.topology.bridges[0]


def found(code: str, ctx: Context):
    """The findings of check `code` alone."""
    return list(next(c for c in CHECKS if c.code == code).run(ctx))


def one(code: str, ctx: Context):
    """The one finding of check `code` on `ctx`, where the healthy host gives none."""
    assert found(code, host()) == []
    (finding,) = found(code, ctx)
    return finding


UNIT_TESTS: dict[str, str] = {}


def covers(code: str):
    """Mark a test as the unit test of check `code`."""
    def mark(fn):
        UNIT_TESTS[code] = fn.__name__
        return fn
    return mark


def test_the_healthy_host_gives_no_finding_and_runs_every_check():
    ctx = host()
    assert run_checks(ctx) == []
    assert not_run(ctx) == []


def test_every_check_has_a_unit_test():
    registered = {c.code for c in CHECKS}
    assert not registered - set(UNIT_TESTS), \
        f"no unit test in {__name__} for: {', '.join(sorted(registered - set(UNIT_TESTS)))}"
    assert not set(UNIT_TESTS) - registered, f"tests of no check: {set(UNIT_TESTS) - registered}"


# --- one test per check ----------------------------------------------------------------------

@covers("bridge-down")
def test_bridge_down():
    ctx = host()
    docker0(ctx).up, docker0(ctx).state = False, "DOWN"
    f = one("bridge-down", ctx)
    assert (f.severity, f.subjects) == (Severity.ERROR, ["docker0", "web"])
    assert "administratively down" in f.message and "web" in f.message
    web(ctx).running = False  # down, but nobody uses it
    assert found("bridge-down", ctx) == []


@covers("bridge-gateway")
def test_bridge_gateway():
    ctx = host()
    docker0(ctx).addresses = [ip_interface("172.17.0.9/16")]
    f = one("bridge-gateway", ctx)
    assert (f.severity, f.subjects) == (Severity.ERROR, ["docker0", "bridge"])
    assert "lacks the gateway 172.17.0.1 of network bridge: has 172.17.0.9/16 instead" in f.message


@covers("orphan-veth")
def test_orphan_veth():
    ctx = host()
    ctx.topology.interfaces += [
        HostInterface(name="vethB", ifindex=7, kind="veth", master="docker0", peer_name="vethC"),
        HostInterface(name="vethC", ifindex=6, kind="veth", peer_name="vethB")]
    docker0(ctx).ports.append(Port(name="vethB", ifindex=7, sources=["brctl_show.txt"]))
    f = one("orphan-veth", ctx)
    assert (f.severity, f.subjects) == (Severity.WARNING, ["vethB", "docker0"])
    assert "other end (vethC) is in the host's namespace" in f.message


def stray_port(ctx: Context) -> None:
    """A veth on docker0 that no container is known to own, its peer not on the host."""
    ctx.topology.interfaces.append(HostInterface(name="vethB", ifindex=7, kind="veth",
                                                 master="docker0", peer_ifindex=6))
    docker0(ctx).ports.append(Port(name="vethB", ifindex=7, sources=["brctl_show.txt"]))


def test_orphan_veth_by_count_needs_every_running_containers_endpoints():
    ctx = host()  # docker ps and docker inspect, web in both: every endpoint is known
    stray_port(ctx)
    f = one("orphan-veth", ctx)
    assert (f.severity, f.subjects) == (Severity.WARNING, ["docker0", "vethB"])
    assert "1 veth(s) have no container behind them" in f.message
    assert found("unpaired-veth", ctx) == []
    # Without docker ps, a container not in the inspect may own it.
    ctx.ps_source = None
    assert found("orphan-veth", ctx) == []
    # A running container known only from a reference, not in docker inspect: the same.
    ctx = host()
    stray_port(ctx)
    ctx.topology.containers.append(Container(name="api", running=True, inferred=True,
                                             inferred_from=["n.json: network bridge Containers api"]))
    assert found("orphan-veth", ctx) == []


@covers("unpaired-veth")
def test_unpaired_veth():
    ctx = host()
    stray_port(ctx)
    ctx.inspect_source = None
    assert found("orphan-veth", ctx) == []
    f = one("unpaired-veth", ctx)
    assert (f.severity, f.subjects) == (Severity.INFO, ["docker0", "vethB"])
    assert "whether a container is behind it is not known" in f.message
    assert "docker inspect $(docker ps -q)" in f.hint and "ip addr` inside each container" in f.hint
    # A link seen inside a container names the veth's ifindex: it is accounted for.
    ctx.topology.containers.append(Container(name="api", running=True, endpoints=[
        Endpoint(network="bridge", bridge="docker0", host_ifindex=7)]))
    assert found("unpaired-veth", ctx) == []


def test_a_finding_on_an_inferred_object_names_the_facts_it_rests_on():
    ctx = host()
    b = docker0(ctx)
    b.inferred, b.inferred_from = True, [f"ip_addr.txt: veth{i} master docker0" for i in range(5)]
    b.up, b.state = False, "DOWN"
    f = one("bridge-down", ctx)
    assert f.evidence[-4:] == [f"bridge docker0 is inferred from ip_addr.txt: veth{i} master docker0"
                               for i in range(3)] + ["bridge docker0: 2 more such facts in the topology"]


def test_an_info_conflict_is_reported_at_info():
    ctx = host()
    ctx.conflicts.append(Conflict(subjects=["bridge"], message="subnets differ", evidence=["a", "b"],
                                  severity=Severity.INFO))
    f = one("captures-disagree", ctx)
    assert f.severity is Severity.INFO


@covers("detached-endpoint")
def test_detached_endpoint():
    ctx = host()
    ctx.interface("vethA").master = None
    f = one("detached-endpoint", ctx)
    assert (f.severity, f.subjects) == (Severity.ERROR, ["web", "vethA", "docker0"])
    assert "not on bridge docker0 (master: none)" in f.message


@covers("address-outside-subnet")
def test_address_outside_subnet():
    ctx = host()
    web(ctx).endpoints[0].ip = ip_address("10.9.9.9")
    f = one("address-outside-subnet", ctx)
    assert (f.severity, f.subjects) == (Severity.ERROR, ["web", "bridge", "172.17.0.0/16"])
    assert "web has 10.9.9.9 on network bridge, outside its subnet 172.17.0.0/16" in f.message


@covers("address-drift")
def test_address_drift():
    ctx = host()
    web(ctx).inside.addresses["eth0"] = [ip_interface("172.17.0.99/16")]
    f = one("address-drift", ctx)
    assert (f.severity, f.subjects) == (Severity.ERROR, ["web", "eth0", "bridge"])
    assert "has 172.17.0.99/16 but the engine recorded 172.17.0.2/16" in f.message


@covers("duplicate-address")
def test_duplicate_address():
    ctx = host()
    twin = web(ctx).model_copy(deep=True)
    twin.name, twin.endpoints[0].mac = "api", "02:42:ac:11:00:03"
    ctx.topology.containers.append(twin)
    f = one("duplicate-address", ctx)
    assert (f.severity, f.subjects) == (Severity.ERROR, ["172.17.0.2", "bridge", "web", "api"])
    assert "172.17.0.2 is used 2 times on network bridge" in f.message


@covers("container-default-route")
def test_container_default_route():
    ctx = host()
    web(ctx).inside.routes = web(ctx).inside.routes[1:]
    f = one("container-default-route", ctx)
    assert (f.severity, f.subjects) == (Severity.ERROR, ["web"])
    assert "web has no default route" in f.message
    assert "via 172.17.0.1" in f.hint


@covers("route-overlap")
def test_route_overlap():
    ctx = host()
    ctx.topology.routes.append(Route(destination="172.17.0.0/24", dev="eth9"))
    f = one("route-overlap", ctx)
    assert (f.severity, f.subjects) == (Severity.ERROR,
                                        ["172.17.0.0/16", "docker0", "eth9", "172.17.0.0/24"])
    assert f.message.startswith("a more specific route 172.17.0.0/24 goes via eth9, not docker0")
    # The same subnet on another device, losing on metric: what lies behind it is shadowed.
    ctx = host()
    ctx.topology.routes.append(Route(destination="172.17.0.0/16", dev="eth9", metric=100))
    f = one("route-overlap", ctx)
    assert f.severity is Severity.ERROR and "docker0's route wins on metric" in f.message
    # From routes alone, as forlinux-1422 pastes them: a static route and docker_gwbridge's at
    # the same metric. No network is known; the bridge's name says it is Docker's.
    ctx = host()
    ctx.topology.networks = []
    ctx.topology.routes = [
        Route(destination="172.17.0.0/16", gateway="10.3.33.1", dev="ens192"),
        Route(destination="172.17.0.0/16", dev="docker_gwbridge", proto="kernel", scope="link",
              src="172.17.0.1")]
    (f,) = found("route-overlap", ctx)
    assert (f.severity, f.subjects) == (Severity.ERROR, ["172.17.0.0/16", "docker_gwbridge",
                                                         "ens192"])
    assert "routed twice at the same metric, to docker_gwbridge and via ens192 (via " \
           "10.3.33.1)" in f.message and "containers on docker_gwbridge" in f.message
    # The same subnet on two devices neither of which is Docker's: a laptop's LAN on wired
    # and wireless at once, not a Docker fault.
    ctx.topology.routes = [Route(destination="192.168.1.0/24", dev="eth0", metric=100),
                           Route(destination="192.168.1.0/24", dev="wlan0", metric=600)]
    assert found("route-overlap", ctx) == []


@covers("subnet-not-routed")
def test_subnet_not_routed():
    ctx = host()
    ctx.topology.routes.pop()
    f = one("subnet-not-routed", ctx)
    assert (f.severity, f.subjects) == (Severity.ERROR, ["172.17.0.0/16", "docker0", "bridge"])
    assert "no route to 172.17.0.0/16 via docker0" in f.message


@covers("mtu-above-uplink")
def test_mtu_above_uplink():
    ctx = host()
    ctx.interface("eth0").mtu = 1400
    f = one("mtu-above-uplink", ctx)
    assert (f.severity, f.subjects) == (Severity.WARNING, ["docker0", "eth0"])
    assert "MTU up to 1500, more than eth0's 1400" in f.message


@covers("ip-forward-off")
def test_ip_forward_off():
    ctx = host()
    ctx.topology.ip_forward = False
    f = one("ip-forward-off", ctx)
    assert (f.severity, f.subjects) == (Severity.ERROR, ["net.ipv4.ip_forward", "web"])
    assert "net.ipv4.ip_forward is 0" in f.message


@covers("ps-inspect-mismatch")
def test_ps_inspect_mismatch():
    ctx = host()
    web(ctx).in_ps = False
    ctx.topology.containers.append(Container(name="late", state="running", running=True,
                                             in_ps=True))
    late, missing = sorted(found("ps-inspect-mismatch", ctx), key=lambda f: f.subjects)
    assert (missing.severity, missing.subjects) == (Severity.WARNING, ["web"])
    assert "web is in docker inspect (running) but not in docker ps" in missing.message
    assert (late.severity, late.subjects) == (Severity.INFO, ["late"])
    assert "late is in docker ps but not in docker inspect" in late.message
    assert found("ps-inspect-mismatch", host()) == []


@covers("port-mapping-missing")
def test_port_mapping_missing():
    ctx = host()
    web(ctx).published = []
    f = one("port-mapping-missing", ctx)
    assert (f.severity, f.subjects) == (Severity.ERROR, ["web", "8080->80/tcp"])
    assert "asks for 0.0.0.0:8080->80/tcp, but the engine has no such mapping" in f.message


@covers("captures-disagree")
def test_captures_disagree():
    ctx = host()
    ctx.conflicts.append(Conflict(subjects=["vethA", "docker0"],
                                  message="vethA is on docker0 according to a but not b",
                                  evidence=["a: vethA on docker0", "b: vethA not on docker0"]))
    f = one("captures-disagree", ctx)
    assert (f.severity, f.subjects) == (Severity.WARNING, ["vethA", "docker0"])
    assert f.message == "vethA is on docker0 according to a but not b"
    assert f.evidence == ["a: vethA on docker0", "b: vethA not on docker0"]


@covers("earlier-state")
def test_earlier_state():
    """A real paste: `ip addr show dev docker0` run twice, docker0's IPv4 address gone in the
    second run (tests/fixtures/pastes/time-and-hosts/moby-38942-docker0-loses-ipv4.txt)."""
    from netparse.analysis import load
    from netparse.analysis.topology import build

    paste = TESTS / "fixtures/pastes/time-and-hosts/moby-38942-docker0-loses-ipv4.txt"
    ctx = build(load(paste))
    f = one("earlier-state", ctx)
    assert (f.severity, f.subjects) == (Severity.INFO, ["ip addr"])
    assert "an earlier capture shows another state; the topology uses the latest" in f.message
    assert f.evidence == [f"earlier: {paste}:2 `ip addr show dev docker0`",
                          f"latest: {paste}:11 `ip addr show dev docker0`",
                          "order told by the transcript (the later run)"]
    assert found("captures-disagree", ctx) == []
    # The latest run is the state analysed: docker0 without its IPv4 address.
    assert [str(a) for a in ctx.bridge("docker0") and ctx.interface("docker0").addresses] \
        == ["fe80::42:6dff:fea4:799d/64"]


@covers("unknown-container")
def test_unknown_container():
    ctx = host()
    ctx.notes.append(Conflict(subjects=["ghost"], message="captures taken inside 'ghost' match "
                              "no container", evidence=["containers/ghost/ip_addr.txt"]))
    f = one("unknown-container", ctx)
    assert (f.severity, f.subjects) == (Severity.WARNING, ["ghost"])
    assert "inside 'ghost'" in f.message and "container's name" in f.hint
    # With no list of containers there is nothing to mismatch: the check is not run.
    ctx.ps_source = ctx.inspect_source = None
    assert "unknown-container" not in {f.code for f in run_checks(ctx)}
    listed = {n.code: n.missing for n in not_run(ctx)}
    assert listed["unknown-container"] == [Missing(fact="listed-containers",
                                                   captures=["docker ps", "docker inspect"])]


@covers("unpaired-endpoint")
def test_unpaired_endpoint():
    ctx = host()
    ep = web(ctx).endpoints[0]
    ep.host_veth, ep.evidence, ep.unpaired_reason = None, None, "no capture inside web"
    f = one("unpaired-endpoint", ctx)
    assert (f.severity, f.subjects) == (Severity.INFO, ["web", "bridge"])
    assert f.message == "web on bridge is not paired with a veth: no capture inside web"


# --- the firewall: real dumps of the live reach scenarios, each with one fault --------------------

def reach_dump(fault: str) -> Context:
    from netparse.analysis import load
    from netparse.analysis.topology import build

    return build(load(TESTS / "fixtures" / "reach" / fault / "dump"))


def firewall_findings(fault: str, code: str) -> list:
    return [f for f in run_checks(reach_dump(fault)) if f.code == code]


@covers("forward-blocked")
def test_forward_blocked():
    f, = firewall_findings("docker_user_drop", "forward-blocked")
    assert f.severity is Severity.ERROR
    assert {"np-e2e-r1", "np-e2e-r2"} <= set(f.subjects)
    assert "DOCKER-USER rule 1" in f.message and "-s 172.29.11.0/24 -j DROP" in f.message
    assert any("iptables_save.txt:37" in e for e in f.evidence)
    f, = firewall_findings("forward_flushed", "forward-blocked")
    assert "filter FORWARD policy" in f.message
    assert not firewall_findings("healthy", "forward-blocked")
    # Dropped on the way back because of a route: the route's own check says so, not this one.
    assert not [f for f in firewall_findings("route_over_subnet", "forward-blocked")
                if "np-e2e-r2" in f.subjects and "policy" in f.message and "r1" in f.message]


@covers("masquerade-missing")
def test_masquerade_missing():
    f, = firewall_findings("masquerade_deleted", "masquerade-missing")
    assert f.subjects[:1] == ["np-e2e-ra"] and {"np-e2e-r1", "np-e2e-r2"} <= set(f.subjects)
    assert "172.29.11.0/24" in f.message and "MASQUERADE" in f.hint
    assert not firewall_findings("healthy", "masquerade-missing")


@covers("published-port-blocked")
def test_published_port_blocked():
    found = firewall_findings("forward_flushed", "published-port-blocked")
    assert {tuple(f.subjects) for f in found} == {("np-e2e-r1", "18080->80/tcp"),
                                                 ("np-e2e-r2", "18081->80/tcp")}
    assert all("denied at filter FORWARD policy" in f.message for f in found)
    shadowed, = firewall_findings("route_over_subnet", "published-port-blocked")
    assert shadowed.subjects == ["np-e2e-r2", "18081->80/tcp"]
    assert not firewall_findings("healthy", "published-port-blocked")


@covers("port-open-past-input")
def test_port_open_past_input():
    f, = firewall_findings("input_drop", "port-open-past-input")
    assert f.severity is Severity.WARNING
    assert f.subjects == ["np-e2e-r1", "18080->80/tcp"]
    assert "filter INPUT rule 1" in f.message
    assert any("-A INPUT -p tcp -m tcp --dport 18080 -j DROP" in e for e in f.evidence)
    assert not firewall_findings("healthy", "port-open-past-input")
    # The port closed in INPUT is still reached: the traffic measured when it was captured.
    import json

    measured = json.loads((TESTS / "fixtures" / "reach" / "input_drop" / "measured.json")
                          .read_text())
    assert [m["reached"] for m in measured if m["port"] == 18080] == [True]


def test_port_open_past_input_walks_nftables_input_chains(tmp_path):
    """The same drop seen through `nft list ruleset` alone (iptables-nft's INPUT is an input
    chain of table ip filter): found, citing the chain's rule at its line."""
    import shutil

    from netparse.analysis import load
    from netparse.analysis.topology import build

    shutil.copytree(TESTS / "fixtures" / "reach" / "input_drop" / "dump", tmp_path / "dump")
    (tmp_path / "dump" / "iptables_save.txt").unlink()
    f, = [f for f in run_checks(build(load(tmp_path / "dump")))
          if f.code == "port-open-past-input"]
    assert f.subjects == ["np-e2e-r1", "18080->80/tcp"]
    assert "table ip filter chain INPUT rule 1" in f.message
    assert any("nft_ruleset.txt:" in e and "tcp dport 18080" in e and "drop" in e
               for e in f.evidence)


def test_port_open_past_input_is_not_said_of_a_port_forward_closes_too():
    """nft_own_table: its own table's input chain drops 18080, and its forward chain drops it
    as well (only r2's port is let in): the port is closed, as measured, so nothing is open
    past INPUT; r2's port 18081 is open, and no input chain drops it."""
    import json

    assert not firewall_findings("nft_own_table", "port-open-past-input")
    measured = json.loads((TESTS / "fixtures" / "reach" / "nft_own_table" / "measured.json")
                          .read_text())
    assert {m["port"]: m["reached"] for m in measured if m["port"]} == {18080: False,
                                                                         18081: True}


def test_firewall_checks_do_not_run_without_the_firewall():
    ctx = reach_dump("docker_user_drop")
    ctx.firewall = None
    assert not {"forward-blocked", "masquerade-missing", "published-port-blocked",
                "port-open-past-input"} & \
        {f.code for f in run_checks(ctx)}
    missing = {n.code: n.missing for n in not_run(ctx)}
    assert missing["forward-blocked"][0].captures == ["iptables-save or iptables -L -n -v"]
    assert missing["docker-rules-missing"][0].captures == ["iptables-save", "iptables -L"]


# --- the firewall from pastes: listings, rules files, both backends ----------------------------

PASTES = TESTS / "fixtures" / "pastes"


def paste(name: str) -> Context:
    from netparse.analysis import load
    from netparse.analysis.topology import build

    return build(load(PASTES / name))


def findings_of(name: str, code: str) -> list:
    return [f for f in run_checks(paste(name)) if f.code == code]


def listed_firewall(*names: str) -> Context:
    """host() with `iptables -L -n -v` listings of firewall-default instead of iptables-save."""
    ctx = host()
    ctx.firewall_listings = {}
    for name in names:
        path = TESTS / "fixtures" / "captures" / "firewall-default" / name
        listing = Entry(Source(path=name, kind="iptables_list", status=SourceStatus.PARSED),
                        netparse.parse(path.read_text(), "iptables_list"))
        table = "nat" if "nat" in name else "filter"
        ctx.firewall_listings.setdefault(table, []).append(listing)
    ctx.firewall = next(iter(ctx.firewall_listings.values()))[0]
    return ctx


@covers("forward-denies-bridge")
def test_forward_denies_bridge():
    f, = findings_of("firewall/coreos-344-forward-reject-without-docker-accepts.txt",
                     "forward-denies-bridge")
    assert f.severity is Severity.ERROR and f.subjects == ["docker0", "filter FORWARD rule 2"]
    assert "containers on docker0 cannot reach the outside" in f.message
    assert "rule 2 rejects their traffic, and no rule before it accepts it" in f.message
    assert "`-i docker0 ! -o docker0 -j ACCEPT`" in f.message
    assert f.evidence[0].endswith("reject-with icmp-host-prohibited")
    assert "reject-without-docker-accepts.txt:4: " in f.evidence[0]
    # The healthy host's listings, without its containers: every bridge gets out.
    ctx = listed_firewall("iptables_L_n_v_line_numbers.txt",
                          "iptables_nat_L_n_v_line_numbers.txt")
    ctx.inspect_source = None
    assert found("forward-denies-bridge", ctx) == []
    # Its FORWARD with policy DROP and Docker's rules flushed: both bridges are cut off.
    ctx.firewall_listings["filter"][0].model.chain("FORWARD").rules.clear()
    ctx._indexes.clear()
    denied = found("forward-denies-bridge", ctx)
    assert {f.subjects[0] for f in denied} == {"docker0", "br-0e0800e9bca1"}
    assert all("filter FORWARD policy drops" in f.message for f in denied)
    # With every capture the walk has, forward-blocked says it for each container instead.
    assert found("forward-denies-bridge", host()) == []


def test_a_listing_without_v_does_not_run_the_checks_that_need_interfaces():
    ctx = listed_firewall("iptables_L_n.txt")
    missing = {n.code: n.missing for n in not_run(ctx)}
    for code in ("forward-blocked", "forward-denies-bridge", "masquerade-missing"):
        assert [m.fact for m in missing[code]] == ["firewall-interfaces"], code
    assert "docker-rules-missing" not in missing


@covers("iptables-both-backends")
def test_iptables_both_backends():
    for name, line in (("firewall/incus-docker-2-legacy-warning-grep.txt", 2),
                       ("firewall/csf-firewall-1-nft-and-legacy.txt", 4)):
        f, = findings_of(name, "iptables-both-backends")
        assert f.severity is Severity.WARNING
        assert "not in the nft listing" in f.message and "incomplete" in f.message
        assert f.evidence == [f"{PASTES / name}:{line}: # Warning: iptables-legacy tables "
                              f"present, use iptables-legacy to see them"]
    assert found("iptables-both-backends", host()) == []


@covers("docker-rules-missing")
def test_docker_rules_missing():
    f, = findings_of("firewall/moby-13381-nat-table-empty.txt", "docker-rules-missing")
    # Nothing says Docker runs there: a note, not a warning.
    assert f.severity is Severity.INFO and f.subjects == ["nat"]
    assert "holds no rule at all" in f.message and "--iptables=false" in f.message
    assert found("docker-rules-missing", host()) == []
    ctx = host()
    forward = ctx.firewall.model.table("filter").chain("FORWARD")
    forward.rules = [r for r in forward.rules if r.target.name != "DOCKER-USER"]
    f = one("docker-rules-missing", ctx)
    assert f.severity is Severity.WARNING and f.subjects == ["FORWARD", "DOCKER-USER"]
    assert "never applied" in f.message
    ctx = host()
    ctx.firewall.model.table("filter").chain("FORWARD").rules.clear()
    codes = {tuple(f.subjects) for f in found("docker-rules-missing", ctx)}
    assert codes == {("FORWARD", "DOCKER-USER"), ("FORWARD", "DOCKER")}
    # MASQUERADE gone, with no container to walk (else masquerade-missing says it).
    ctx = host()
    ctx.inspect_source = None
    postrouting = ctx.firewall.model.table("nat").chain("POSTROUTING")
    postrouting.rules = [r for r in postrouting.rules if "172.17.0.0/16" not in r.text]
    f, = found("docker-rules-missing", ctx)
    assert f.subjects == ["bridge", "nat POSTROUTING"] and "172.17.0.0/16" in f.message


@covers("rules-not-running")
def test_rules_not_running():
    f, = findings_of("firewall/moby-48560-rules-v4-forward-reject.txt", "rules-not-running")
    assert f.severity is Severity.WARNING
    assert "is a saved rules file, not the running host's tables" in f.message
    assert "no `# Generated by iptables-save` line" in f.message
    assert "filter FORWARD rule 2 rejects what containers on docker0 send" in f.message
    assert "the FORWARD jump to DOCKER-USER" in f.message
    f, = findings_of("firewall/moby-34531-rules-file-docker-chains.txt", "rules-not-running")
    assert f.severity is Severity.INFO and "saved rules file" in f.message
    f, = findings_of("firewall/csf-firewall-1-nft-and-legacy.txt", "rules-not-running")
    assert "lists chain INPUT twice" in f.message
    assert found("rules-not-running", host()) == []


def test_a_rules_file_read_with_cat_is_no_running_host():
    from netparse.analysis.topology import saved_file

    path = TESTS / "fixtures" / "captures" / "firewall-default" / "iptables_save.txt"
    model = netparse.parse(path.read_text(), "iptables_save")
    read = Entry(Source(path="t.txt", kind="iptables_save", status=SourceStatus.PARSED,
                        command="sudo cat /etc/iptables/rules.v4"), model)
    assert "read from a file (`sudo cat /etc/iptables/rules.v4`)" in saved_file(read)
    assert saved_file(Entry(Source(path="etc/iptables/rules.v4", kind="iptables_save",
                                   status=SourceStatus.PARSED), model))
    assert saved_file(Entry(Source(path="iptables_save.txt", kind="iptables_save",
                                   status=SourceStatus.PARSED), model)) is None


@covers("bridge-no-address")
def test_bridge_no_address():
    ctx = host()
    ctx.topology.networks = []  # no network: bridge-gateway cannot say it
    docker0(ctx).network = None
    ctx.interface("docker0").addresses = [ip_interface("fe80::42:c7ff:fec7:fa12/64")]
    f = one("bridge-no-address", ctx)
    assert (f.severity, f.subjects) == (Severity.ERROR, ["docker0"])
    assert "docker0 has no IPv4 address (only fe80::42:c7ff:fec7:fa12/64)" in f.message
    ctx.interface("docker0").addresses = []
    (f,) = found("bridge-no-address", ctx)
    assert "(no address at all)" in f.message
    # A global IPv6 address alone is an IPv6-only network, not a missing gateway.
    ctx.interface("docker0").addresses = [ip_interface("fd00:1::1/64")]
    assert found("bridge-no-address", ctx) == []
    # With the network's gateway known, bridge-gateway says it, and this one does not.
    ctx = host()
    ctx.interface("docker0").addresses = docker0(ctx).addresses = []
    assert found("bridge-no-address", ctx) == []
    assert [f.code for f in run_checks(ctx)] == ["bridge-gateway"]


@covers("default-route-covered")
def test_default_route_covered():
    ctx = host()
    ctx.topology.routes += [Route(destination="0.0.0.0/1", gateway="10.8.0.1", dev="tun0"),
                            Route(destination="128.0.0.0/1", gateway="10.8.0.1", dev="tun0")]
    f = one("default-route-covered", ctx)
    assert (f.severity, f.subjects) == (Severity.INFO, ["0.0.0.0/1", "128.0.0.0/1", "tun0"])
    assert "they win over the default route via eth0" in f.message
    ctx.topology.routes.pop()  # one half alone covers half of the space only
    assert found("default-route-covered", ctx) == []


@covers("default-via-port")
def test_default_via_port():
    ctx = host()
    ctx.topology.routes[0] = Route(destination="0.0.0.0/0", dev="vethA")
    f = one("default-via-port", ctx)
    assert (f.severity, f.subjects) == (Severity.ERROR, ["0.0.0.0/0", "vethA", "docker0"])
    assert "vethA is a port of bridge docker0; the host's outbound traffic" in f.message
    # Beside the host's own default route, at a higher metric: a fault in waiting.
    ctx.topology.routes.insert(0, Route(destination="0.0.0.0/0", gateway="192.0.2.1", dev="eth0"))
    ctx.topology.routes[1].metric = 4242
    (f,) = found("default-via-port", ctx)
    assert f.severity is Severity.WARNING and "loses on metric to the default route via eth0" \
        in f.message
    # A veth with its peer in another namespace and no master: a Docker-named one leads into a
    # container; an LXC guest's own eth0@if8 is its uplink, not a fault.
    ctx = host()
    ctx.topology.interfaces.append(HostInterface(name="veth0f1ec05", kind="veth", up=True,
                                                 peer_ifindex=9, link_netnsid=1))
    ctx.topology.routes[0] = Route(destination="0.0.0.0/0", dev="veth0f1ec05")
    (f,) = found("default-via-port", ctx)
    assert "the host end of a veth whose other end (ifindex 9) is in another namespace" in f.message
    ctx.interface("eth0").kind, ctx.interface("eth0").peer_ifindex = "veth", 8
    ctx.interface("eth0").link_netnsid = 0
    ctx.topology.routes[0] = Route(destination="0.0.0.0/0", gateway="192.0.2.1", dev="eth0")
    assert found("default-via-port", ctx) == []


@covers("veth-without-master")
def test_veth_without_master():
    # As coreos-1785 pastes it: two veths, docker0 only named as the first one's master.
    ctx = host()
    ctx.topology.interfaces.append(HostInterface(
        name="veth9a1b35b", ifindex=169, kind="veth", state="UP", up=True, peer_ifindex=168))
    f = one("veth-without-master", ctx)
    assert (f.severity, f.subjects) == (Severity.ERROR, ["veth9a1b35b", "docker0"])
    assert "veth9a1b35b is up and its peer (ifindex 168) is in another namespace, but it is on " \
           "no bridge, while vethA is on docker0" in f.message
    ctx.interface("veth9a1b35b").up = False  # down: a container stopping, not cut off
    assert found("veth-without-master", ctx) == []
    # Without a sibling on a Docker bridge nothing says where it belongs.
    ctx.interface("veth9a1b35b").up = True
    ctx.interface("vethA").master = None
    assert [f.code for f in found("veth-without-master", ctx)] == []


@covers("masquerade-off")
def test_masquerade_off():
    ctx = host()
    ctx.masquerade_off.add("bridge")
    f = one("masquerade-off", ctx)
    assert (f.severity, f.subjects) == (Severity.INFO, ["bridge", "172.17.0.0/16", "web"])
    assert "network bridge does not masquerade: its containers (web) leave the host with " \
           "their own addresses in 172.17.0.0/16" in f.message
    ctx.network("bridge").internal = True  # no way out anyway
    assert found("masquerade-off", ctx) == []


@covers("forwarding-default-off")
def test_forwarding_default_off():
    ctx = host()
    ctx.forwarding["default"] = False
    f = one("forwarding-default-off", ctx)
    assert (f.severity, f.subjects) == (Severity.INFO, ["net.ipv4.conf.default.forwarding"])
    assert "a bridge created from now on" in f.message
    # The value alone, as nixpkgs-118656 pastes it: the running interfaces are not known.
    ctx.forwarding, ctx.topology.ip_forward = {"default": False}, None
    (f,) = found("forwarding-default-off", ctx)
    assert "whether the running ones forward is not in the capture" in f.message
    assert "ip-forward-off" in {n.code for n in not_run(ctx)}


@covers("ipv6-default-no-gateway")
def test_ipv6_default_no_gateway():
    ctx = host()
    web(ctx).inside.routes += [Route(destination="fd00:1::/64", dev="eth0"),
                               Route(destination="::/0", dev="eth0", metric=1024)]
    f = one("ipv6-default-no-gateway", ctx)
    assert (f.severity, f.subjects) == (Severity.ERROR, ["web", "eth0"])
    assert "web's IPv6 default route has no gateway on eth0" in f.message
    web(ctx).inside.routes[-1].gateway = ip_address("fd00:2::1")  # on no on-link prefix
    (f,) = found("ipv6-default-no-gateway", ctx)
    assert "goes via fd00:2::1, which is on no on-link prefix" in f.message
    web(ctx).inside.routes[-1].gateway = ip_address("fe80::1")
    assert found("ipv6-default-no-gateway", ctx) == []
    # A tunnel needs no gateway.
    web(ctx).inside.routes[-1] = Route(destination="::/0", dev="tun0")
    assert found("ipv6-default-no-gateway", ctx) == []


@covers("loopback-down")
def test_loopback_down():
    ctx = host()
    ctx.topology.interfaces.append(HostInterface(name="lo", kind="loopback", state="DOWN",
                                                 up=False, addresses=[]))
    f = one("loopback-down", ctx)
    assert (f.severity, f.subjects) == (Severity.ERROR, ["lo"])
    assert f.message.startswith("lo is down and has no 127.0.0.1 on the host")
    ctx.topology.interfaces.pop()
    web(ctx).inside.addresses["lo"] = []
    (f,) = found("loopback-down", ctx)
    assert f.subjects == ["web", "lo"] and "lo has no 127.0.0.1 in web's namespace" in f.message
    # `ip -6 addr` shows lo with ::1 and no IPv4 anywhere: nothing is missing.
    web(ctx).inside.addresses = {"lo": [ip_interface("::1/128")],
                                 "eth0": [ip_interface("fe80::1/64")]}
    assert found("loopback-down", ctx) == []


@covers("container-no-interface")
def test_container_no_interface():
    ctx = host()
    web(ctx).inside.interfaces = ["lo", "sit0"]
    f = one("container-no-interface", ctx)
    assert (f.severity, f.subjects) == (Severity.ERROR, ["web", "bridge"])
    assert "web is on network bridge but has no interface for it inside: only lo, sit0" \
        in f.message
    web(ctx).endpoints = []  # --network none: lo alone is right
    assert found("container-no-interface", ctx) == []


def test_duplicate_address_inside_and_between_fragments():
    # An address added inside one container that is another's primary.
    ctx = host()
    api = web(ctx).model_copy(deep=True)
    api.name, api.inside = "api", None
    api.endpoints[0].ip, api.endpoints[0].mac = ip_address("172.17.0.3"), "02:42:ac:11:00:03"
    ctx.topology.containers.append(api)
    web(ctx).inside.addresses["eth0"].append(ip_interface("172.17.0.3/16"))
    (f,) = found("duplicate-address", ctx)
    assert f.subjects == ["172.17.0.3", "bridge", "web", "api"]
    assert "containers/web/ip_addr.txt: web eth0 inet 172.17.0.3/16" in f.evidence
    # Two fragments of inspect whose containers are known by no name of their own: two
    # holders still, and running is unknown rather than false.
    ctx = host()
    twin = web(ctx).model_copy(deep=True)
    twin.inside, twin.running = None, None
    web(ctx).running = None
    ctx.topology.containers.append(twin)
    ip_finding, mac_finding = found("duplicate-address", ctx)
    assert "172.17.0.2 is used 2 times on network bridge: web, web" in ip_finding.message
    assert mac_finding.subjects == ["02:42:ac:11:00:02", "web"]


def test_ip_forward_off_from_all_forwarding_and_per_bridge():
    # `net.ipv4.conf.all.forwarding = 0` alone, as codingecho pastes it: no container is
    # known, and a fault still.
    ctx = host()
    ctx.topology.ip_forward, ctx.forwarding = False, {"all": False}
    ctx.inspect_source, ctx.topology.containers = None, []
    (f,) = found("ip-forward-off", ctx)
    assert (f.severity, f.subjects) == (Severity.ERROR, ["net.ipv4.conf.all.forwarding"])
    assert f.message == ("net.ipv4.conf.all.forwarding is 0: containers on bridge networks "
                         "cannot reach beyond the host")
    # Forwarding on, but not on the bridge the containers' traffic comes in on.
    ctx = host()
    ctx.forwarding["docker0"] = False
    (f,) = found("ip-forward-off", ctx)
    assert f.subjects == ["net.ipv4.conf.docker0.forwarding", "docker0", "web"]


def test_container_default_route_uses_the_networks_gateway():
    ctx = host()
    web(ctx).endpoints[0].gateway = None  # known from a network's Containers: no gateway
    assert found("container-default-route", ctx) == []
    web(ctx).inside.routes[0].gateway = ip_address("172.17.0.254")
    (f,) = found("container-default-route", ctx)
    assert "goes via 172.17.0.254, which is not the gateway of any of its networks" in f.message


# --- what every check keeps to -----------------------------------------------------------------

def test_a_check_whose_fact_is_missing_is_not_run_and_says_what_would_run_it():
    ctx = host()
    docker0(ctx).addresses = [ip_interface("172.17.0.9/16")]  # would give bridge-gateway
    ctx.iface_source = None                      # but there is no ip addr or ip link
    assert "bridge-gateway" not in {f.code for f in run_checks(ctx)}
    listed = {n.code: n for n in not_run(ctx)}
    assert listed["bridge-gateway"] == NotRun(code="bridge-gateway", missing=[
        Missing(fact="whole-interfaces", captures=["ip addr or ip link, not filtered"])])
    assert listed["detached-endpoint"].missing[0].fact == "whole-interfaces"

    ctx = host()
    ctx.topology.ip_forward = None
    assert not_run(ctx) == [NotRun(code="ip-forward-off", missing=[
        Missing(fact="ip-forward", captures=["sysctl net.ipv4.ip_forward"])])]
    ctx.address_source = None
    assert {n.code: n.missing for n in not_run(ctx)}["bridge-no-address"] == [
        Missing(fact="host-addresses", captures=["ip addr, not filtered"])]


def test_inside_facts_ask_for_captures_inside_the_containers():
    ctx = host()
    web(ctx).inside = None
    missing = {n.code: [m.captures for m in n.missing] for n in not_run(ctx)}
    assert missing == {
        "address-drift": [["ip addr inside each container"]],
        "container-default-route": [["ip route inside each container",
                                     "route -n inside each container"]],
        "ipv6-default-no-gateway": [["ip route inside each container",
                                     "route -n inside each container"]],
        "container-no-interface": [["ip addr inside each container",
                                    "ip link inside each container"]]}


def test_a_misspelt_field_of_the_result_fails_at_once():
    with pytest.raises(TypeError, match="hnit"):
        Problem(subjects=["web"], message="m", hnit="restart it")
    problem = Problem(subjects=["web"], message="m")
    with pytest.raises(AttributeError):
        problem.hint = "restart it"  # frozen
    as_dict = Check("test-dict", Severity.INFO, "", (), lambda ctx: iter([{"subjects": ["web"]}]))
    with pytest.raises(TypeError, match="test-dict yielded dict"):
        list(as_dict.run(host()))


def test_a_code_is_registered_once():
    with pytest.raises(ValueError, match="bridge-down"):
        check("bridge-down", Severity.ERROR, "again")(lambda ctx: iter(()))
    assert [c.code for c in CHECKS].count("bridge-down") == 1


def check_sources() -> dict[str, str]:
    """{file: source} of the checks module, or of each module of the checks package."""
    path = Path(checks_module.__file__)
    files = sorted(path.parent.glob("*.py")) if path.name == "__init__.py" else [path]
    return {p.name: p.read_text() for p in files}


def test_no_check_reads_the_captures_behind_the_topology():
    for name, source in check_sources().items():
        reads = [node.lineno for node in ast.walk(ast.parse(source))
                 if isinstance(node, ast.Attribute) and node.attr == "snapshot"]
        assert not reads, f"{name} reads .snapshot on line(s) {reads}: give the Context what " \
                          f"the check needs while it is built"


def test_readme_table_of_checks_is_what_netparse_checks_markdown_prints():
    readme = (TESTS.parent / "README.md").read_text()
    m = re.search(r"<!-- checks:start[^>]*-->\n(.*?)<!-- checks:end -->", readme, re.S)
    assert m, "README.md has lost its <!-- checks:start --> and <!-- checks:end --> markers"
    made = CliRunner().invoke(main, ["checks", "--markdown"]).output
    assert m.group(1) == made, "README's table of checks is out of date: put the output of " \
                               "`netparse checks --markdown` between its markers"


@covers("no-docker-bridge")
def test_no_docker_bridge():
    ctx = host()
    ctx.topology.bridges, ctx.topology.networks = [], []
    ctx.topology.routes = [r for r in ctx.topology.routes if r.dev != "docker0"]
    f = one("no-docker-bridge", ctx)
    assert (f.severity, f.subjects) == (Severity.INFO, ["docker0"])
    assert "no Docker bridge with an IPv4 address is up on this host" in f.message
    assert f.evidence == ["ip_route.txt: 2 IPv4 routes of the main table, on eth0; none on "
                          "docker0, docker_gwbridge or br-<id>"]
    # A bridge named as Docker names them is enough, known or not.
    ctx.topology.routes.append(Route(destination="172.18.0.0/16", dev="br-0123456789ab"))
    assert found("no-docker-bridge", ctx) == []
    # A part of the table (`ip route show dev eth0`) proves nothing by what it lacks.
    ctx.topology.routes.pop()
    ctx.used["routes"] = Entry(Source(path="ip_route.txt", kind="ip_route",
                                      status=SourceStatus.PARSED, command="ip route show dev eth0"))
    assert found("no-docker-bridge", ctx) == []
    ctx.used["routes"].source.command = "ip route show table main"
    assert len(found("no-docker-bridge", ctx)) == 1
    ctx.used["routes"].source.filtered = "| grep eth0"
    assert found("no-docker-bridge", ctx) == []
    # IPv6 routes alone say nothing of IPv4 bridges.
    ctx = host()
    ctx.topology.bridges, ctx.topology.networks = [], []
    ctx.topology.routes = [Route(destination="::/0", gateway="fe80::1", dev="eth0")]
    assert found("no-docker-bridge", ctx) == []


@covers("bridge-id-zero")
def test_bridge_id_zero():
    ctx = host()
    ctx.topology.bridges.append(Bridge(name="br-273b57b3079d", network="273b57b3079d",
                                       managed=True, mac="00:00:00:00:00:00"))
    f = one("bridge-id-zero", ctx)
    assert (f.severity, f.subjects) == (Severity.INFO, ["br-273b57b3079d"])
    assert f.message.startswith("br-273b57b3079d has no port and an all-zero bridge id")
    assert f.evidence == ["brctl_show.txt: br-273b57b3079d MAC 00:00:00:00:00:00, no ports"]
    docker0(ctx).mac = "00:00:00:00:00:00"  # docker0 has a port: its id comes from it
    assert [f.subjects for f in found("bridge-id-zero", ctx)] == [["br-273b57b3079d"]]
    docker0(ctx).ports = []
    (f,) = found("bridge-id-zero", ctx)
    assert f.subjects == ["docker0", "br-273b57b3079d"] and " have no port" in f.message
    # Not Docker's: not said.
    ctx = host()
    ctx.topology.bridges.append(Bridge(name="virbr0", managed=False, mac="00:00:00:00:00:00"))
    assert found("bridge-id-zero", ctx) == []


@covers("bridge-nf-off")
def test_bridge_nf_off():
    ctx = host()
    ctx.bridge_nf = False
    ctx.bridge_nf_off = ["sysctl.txt: net.bridge.bridge-nf-call-iptables = 0"]
    f = one("bridge-nf-off", ctx)
    assert (f.severity, f.subjects) == (Severity.INFO, ["net.bridge.bridge-nf-call-iptables"])
    assert f.message.startswith("bridge-nf-call-iptables is disabled: iptables does not see "
                                "traffic bridged between containers of one bridge, so --icc=false")
    assert f.evidence == ctx.bridge_nf_off
    # docker info's warnings alone, as openwrt-11505 pastes them.
    ctx.bridge_nf = None
    ctx.bridge_nf_off = ["docker_info.txt: WARNING: bridge-nf-call-iptables is disabled",
                         "docker_info.txt: WARNING: bridge-nf-call-ip6tables is disabled"]
    (f,) = found("bridge-nf-off", ctx)
    assert f.subjects == ["net.bridge.bridge-nf-call-iptables",
                          "net.bridge.bridge-nf-call-ip6tables"]
    assert "iptables and ip6tables do not see" in f.message
    ctx.bridge_nf_off = []
    assert "bridge-nf-off" in {n.code for n in not_run(ctx)}


def test_bridge_nf_from_docker_info_and_sysctl():
    """The Context's facts: docker info's warnings, and the sysctl key winning over them."""
    from netparse.analysis.topology import build
    from netparse.snapshot import take
    from netparse.sources import from_files

    info = (TESTS / "fixtures/pastes/sysctl/openwrt-11505-docker-info-warnings-only.txt").read_bytes()
    ctx = build(take(from_files({"dump/docker_info.txt": info})))
    assert ctx.bridge_nf_off == [
        "dump/docker_info.txt: WARNING: bridge-nf-call-iptables is disabled",
        "dump/docker_info.txt: WARNING: bridge-nf-call-ip6tables is disabled"]
    sysctl = (TESTS / "fixtures/captures/host-kinds/sysctl.txt").read_bytes()
    ctx = build(take(from_files({"dump/docker_info.txt": info, "dump/sysctl.txt": sysctl})))
    assert ctx.bridge_nf is True and ctx.bridge_nf_off == []


def _broken() -> Context:
    """docker0's route and address gone, and the container's veth off the bridge."""
    ctx = host()
    ctx.topology.routes.pop()
    ctx.interface("docker0").addresses = []
    ctx.topology.bridges[0].addresses = []
    ctx.interface("vethA").master = None
    return ctx


def _no_gateway_known() -> Context:
    ctx = _broken()
    ctx.topology.networks[0].gateways = []
    return ctx


@pytest.mark.parametrize("part, view, absent, broken", [
    ("routes", "filtered through `ip route | grep default`", ["subnet-not-routed"], _broken),
    ("interfaces", "filtered through `ip addr | grep -A1 docker0`",
     ["detached-endpoint", "bridge-gateway"], _broken),
    ("interfaces", "filtered through `ip addr | grep -A1 docker0`", ["bridge-no-address"],
     _no_gateway_known),
])
def test_a_view_of_a_listing_never_proves_an_absence(part, view, absent, broken):
    """What a check concludes from absence (no route on the bridge, no address on it, no veth
    on the host) needs the whole listing: with only a view, the check is not run, and says so."""
    ctx = broken()
    assert set(absent) <= {f.code for f in run_checks(ctx)}
    ctx.views[part] = view
    assert not set(absent) & {f.code for f in run_checks(ctx)}
    skipped = {n.code: n for n in not_run(ctx)}
    for code in absent:
        assert any("not filtered" in " ".join(m.captures) for m in skipped[code].missing), \
            skipped[code]
