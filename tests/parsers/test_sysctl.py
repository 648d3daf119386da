"""sysctl output on real captures: Docker dumps, `sysctl -a` as root and as an unprivileged user."""

import pathlib
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netparse
from netparse.parsers import sysctl as sysctl_parser
from tests.conftest import FIXTURES

DATA = pathlib.Path(__file__).parent / "data" / "bridge_sysctl"
NONROOT = DATA / "sysctl_a_nonroot.txt"
CAPTURES = sorted(FIXTURES.glob("dumps/*/sysctl.txt")) + sorted(
    FIXTURES.glob("captures/*/sysctl_a.txt")) + sorted(DATA.glob("sysctl*.txt"))


def parse(text, **kw):
    return netparse.parse(text, "sysctl", **kw)


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_parses_fully_and_is_detected(path):
    text = path.read_text()
    model = parse(text, strict=True)
    pairs = [ln.split(" = ", 1) for ln in text.splitlines() if " = " in ln]
    assert set(model.settings) == {k for k, _ in pairs}
    assert len(model.errors) == sum(ln.startswith("sysctl: ") for ln in text.splitlines())
    assert model.overridden == []
    assert netparse.detect(path.read_bytes()) == "sysctl"


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("captures/*/sysctl_a.txt")),
                         ids=lambda p: p.parent.name)
def test_docker_host_settings(path):
    model = parse(path.read_text())
    assert model.ip_forward is True and model.bridge_nf_call_iptables is True
    assert model.get("net/ipv4/ip_forward") == "1"
    # Values keep their tabs; a key with nothing after `=` has an empty value.
    assert model.settings["net.ipv4.ip_local_port_range"].split("\t") == ["32768", "60999"]
    assert model.settings["net.ipv4.ip_local_reserved_ports"] == ""
    assert model.settings["net.ipv4.tcp_available_congestion_control"].split(" ")[0] == "reno"


def test_unprivileged_sysctl_a():
    text = NONROOT.read_text()
    model = parse(text, strict=True)
    denied = [(n, ln) for n, ln in enumerate(text.splitlines(), 1) if ln.startswith("sysctl: ")]
    assert len(denied) > 5
    assert [(e.line, e.key) for e in model.errors] == [
        (n, re.search(r"'(.+)'", ln).group(1)) for n, ln in denied]
    assert all(e.key not in model.settings for e in model.errors)
    # One value of three lines, printed as three lines of the same key.
    assert model.settings["kernel.core_modes"] == "file\npipe\nsocket"
    assert model.settings["kernel.domainname"] == "(none)"
    assert model.ip_forward is True


def test_missing_key_is_an_error_not_a_refusal():
    text = (DATA / "sysctl_missing_key.txt").read_text()
    model = parse(text, strict=True)
    assert model.settings == {"net.ipv4.ip_forward": "1", "net.ipv4.conf.all.forwarding": "1"}
    assert [(e.line, e.key) for e in model.errors] == [(2, "net.ipv4.conf.np-gone0.forwarding")]
    # Alone, the message still says something (the key does not exist): it is parsed, not refused.
    alone = netparse.parse(text.splitlines()[1] + "\n")
    assert alone.kind == "sysctl" and alone.settings == {} and len(alone.errors) == 1
    assert alone.get("net.ipv4.conf.np-gone0.forwarding") is None


def test_sysctl_conf_style_gives_the_same_settings():
    text = (FIXTURES / "captures/default-bridge/sysctl_a.txt").read_text()
    compact = re.sub(r"^(\S+) = ?", r"\1=", text, flags=re.M)
    assert compact != text
    assert parse(compact, strict=True).settings == parse(text).settings


def test_a_key_seen_again_keeps_the_last_value_and_reports_the_first():
    first = (FIXTURES / "dumps/default-bridge/sysctl.txt").read_text()
    later = (FIXTURES / "captures/default-bridge/sysctl_a.txt").read_text()
    model = parse(first + later)
    assert [(o.line, o.text) for o in model.overridden] == [(1, first.strip())]
    assert model.settings == parse(later).settings


def test_foreign_lines_are_unparsed():
    route = (FIXTURES / "dumps/default-bridge/route_n.txt").read_text()
    model = parse(route + NONROOT.read_text())
    assert [u.line for u in model.unparsed] == list(range(1, route.count("\n") + 1))


HOST_KINDS = FIXTURES / "captures" / "host-kinds"


def test_the_collectors_keys_on_a_docker_host():
    model = parse((HOST_KINDS / "sysctl.txt").read_text(), strict=True)
    assert (model.ip_forward, model.bridge_nf_call_iptables, model.bridge_nf_call_ip6tables) == \
        (True, True, True)
    interfaces = {"all", "default", "lo", "eth0", "docker0"}
    for values in (model.ipv4_forwarding, model.ipv6_forwarding, model.route_localnet,
                   model.rp_filter):
        assert interfaces <= set(values)
    assert set(model.ipv4_forwarding.values()) == {True}
    assert set(model.route_localnet.values()) == {False} and set(model.rp_filter.values()) == {0}


def test_forwarding_off_everywhere_when_ip_forward_is_off():
    model = parse((HOST_KINDS / "sysctl_forwarding_off.txt").read_text(), strict=True)
    assert (model.ip_forward, model.bridge_nf_call_iptables, model.bridge_nf_call_ip6tables) == \
        (False, False, False)
    assert set(model.ipv4_forwarding.values()) == {False}
    assert set(model.ipv6_forwarding.values()) == {True}  # IPv6 forwarding is its own setting


def test_per_interface_values_and_a_name_with_a_dot():
    model = parse((HOST_KINDS / "sysctl_netns.txt").read_text(), strict=True)
    assert model.rp_filter == {"all": 1, "default": 0, "lo": 0, "np-hk-v0": 0, "np-hk-v1": 0,
                               "np-hk.0": 2, "np-hk.1": 0}
    assert {k for k, v in model.route_localnet.items() if v} == {"np-hk.1"}
    assert {k for k, v in model.ipv6_forwarding.items() if v} == {"np-hk.1"}
    assert model.per_interface("ipv4", "rp_filter")["np-hk.0"] == "2"
    # Written with slashes (as /proc/sys names them), a dot is the name's own.
    slashed = parse("net/ipv4/conf/np-hk.0/rp_filter = 2\nnet/ipv4/conf/all/rp_filter = x\n")
    assert slashed.rp_filter == {"np-hk.0": 2, "all": None}
    assert parse("net.ipv4.ip_forward = 1\n").rp_filter == {}


def test_large_sysctl_a_takes_linear_time():
    # Fifteen hosts' worth of keys: the size of `sysctl -a` on a host with many interfaces.
    # Timed against one host's worth in the same process, so a loaded machine slows both.
    text = NONROOT.read_text()

    def hosts(n: int) -> str:
        return "".join(re.sub(r"^(?!sysctl: )", f"h{i}.", text, flags=re.M) for i in range(n))

    def seconds(n: int) -> float:
        big = hosts(n)
        start = time.perf_counter()
        model = parse(big)
        elapsed = time.perf_counter() - start
        assert len(model.settings) == n * len(parse(text).settings)
        return elapsed

    one, fifteen = min(seconds(1) for _ in range(3)), seconds(15)
    assert fifteen < 40 * one + 0.05, f"15 hosts {fifteen:.3f}s, one {one:.3f}s"


_REAL_LINES = NONROOT.read_text().splitlines()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_REAL_LINES), st.text(max_size=30)), max_size=40))
def test_every_line_is_accounted_for(lines):
    text = "\n".join(lines).replace("\r", "")
    model = sysctl_parser.parse(text)
    numbers = [n for n, ln in enumerate(text.split("\n"), 1) if ln.strip()]
    seen = ([u.line for u in model.unparsed] + [e.line for e in model.errors]
            + [o.line for o in model.overridden])
    assert set(seen) <= set(numbers)
    values = sum(v.count("\n") + 1 for v in model.settings.values())
    assert len(seen) + values == len(numbers)
