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
                   iface_source="ip_addr.txt", bridge_source="brctl_show.txt",
                   route_source="ip_route.txt", inspect_source="docker_inspect.json",
                   network_source="docker_network_inspect.json", sysctl_source="sysctl.txt",
                   ps_source="docker_ps.txt", firewall=healthy_firewall())


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
    # The same subnet on another device, losing on metric: a warning, not yet an error.
    ctx = host()
    ctx.topology.routes.append(Route(destination="172.17.0.0/16", dev="eth9", metric=100))
    f = one("route-overlap", ctx)
    assert f.severity is Severity.WARNING and "losing on metric" in f.message


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


def test_firewall_checks_do_not_run_without_the_firewall():
    ctx = reach_dump("docker_user_drop")
    ctx.firewall = None
    assert not {"forward-blocked", "masquerade-missing", "published-port-blocked",
                "port-open-past-input"} & \
        {f.code for f in run_checks(ctx)}
    missing = {n.code: n.missing for n in not_run(ctx)}
    assert missing["forward-blocked"][0].captures == ["iptables-save"]


# --- what every check keeps to -----------------------------------------------------------------

def test_a_check_whose_fact_is_missing_is_not_run_and_says_what_would_run_it():
    ctx = host()
    docker0(ctx).addresses = [ip_interface("172.17.0.9/16")]  # would give bridge-gateway
    ctx.iface_source = None                      # but there is no ip addr or ip link
    assert "bridge-gateway" not in {f.code for f in run_checks(ctx)}
    listed = {n.code: n for n in not_run(ctx)}
    assert listed["bridge-gateway"] == NotRun(code="bridge-gateway", missing=[
        Missing(fact="interfaces", captures=["ip addr", "ip link"])])
    assert listed["detached-endpoint"].missing[0].fact == "interfaces"

    ctx = host()
    ctx.topology.ip_forward = None
    assert not_run(ctx) == [NotRun(code="ip-forward-off", missing=[
        Missing(fact="ip-forward", captures=["sysctl net.ipv4.ip_forward"])])]


def test_inside_facts_ask_for_captures_inside_the_containers():
    ctx = host()
    web(ctx).inside = None
    missing = {n.code: [m.captures for m in n.missing] for n in not_run(ctx)}
    assert missing == {
        "address-drift": [["ip addr inside each container"]],
        "container-default-route": [["ip route inside each container",
                                     "route -n inside each container"]]}


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
