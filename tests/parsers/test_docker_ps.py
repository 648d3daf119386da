"""`docker ps` (and `podman ps`) on real captures, the peer corpus and hand-edited samples."""

import json
import pathlib
import re
from ipaddress import IPv4Address, IPv6Address

import pytest

import netparse
from netparse.errors import ParseError
from netparse.models.docker import ContainerState, PortMapping, Protocol
from tests.conftest import CORPUS, FIXTURES, corpus_file

DATA = pathlib.Path(__file__).parent / "data" / "docker"
HANDMADE = FIXTURES / "handmade"
TABLES = sorted([*FIXTURES.glob("dumps/*/docker_ps*.txt"),
                 *FIXTURES.glob("captures/*/docker_ps_[!f]*.txt"),
                 *FIXTURES.glob("captures/*/docker_ps_format_table.txt"),
                 DATA / "docker_ps_a_no_trunc_s.txt", DATA / "docker_ps_format_table_wide.txt",
                 *DATA.glob("podman/podman_ps*.txt"), *HANDMADE.glob("docker_ps*.txt")])
JSON_LINES = sorted([*FIXTURES.glob("captures/*/docker_ps_format_json.txt"),
                     DATA / "docker_ps_format_json_less_than_a_second.txt"])
INSIGHTS = CORPUS / "other" / "insights-core_docker_ps_notrunc_size.txt"


def parse(path, **kw):
    return netparse.parse(path.read_bytes(), "docker_ps", **kw)


def rows(path):
    return [ln for ln in path.read_text().splitlines()[1:] if ln.strip()]


def by_name(path):
    return {c.name: c for c in parse(path).containers}


def ident(path):
    return str(path.relative_to(path.parents[1]))


@pytest.mark.parametrize("path", TABLES, ids=ident)
def test_every_row_is_a_container(path):
    model = parse(path, strict=True)
    assert len(model.containers) == len(rows(path))
    header = path.read_text().splitlines()[0]
    if header.rstrip().endswith("NAMES"):
        assert [c.names for c in model.containers] == [[r.split()[-1]] for r in rows(path)]
    assert netparse.detect(path.read_bytes()) == "docker_ps"


@pytest.mark.parametrize("path", JSON_LINES, ids=ident)
def test_json_lines_keep_every_field(path):
    model = parse(path, strict=True)
    lines = [json.loads(ln) for ln in path.read_text().splitlines()]
    assert len(model.containers) == len(lines)
    for container, line in zip(model.containers, lines):
        assert container.id == line["ID"]
        assert container.names == line["Names"].split(",")
        assert container.networks == line["Networks"].split(",")
        assert container.status == line["Status"]
        assert container.state == ContainerState(line["State"])
        assert container.created == line["RunningFor"]
        assert container.created_at.strftime("%Y-%m-%d %H:%M:%S +0000 UTC") == line["CreatedAt"]
        assert container.size == line["Size"]
        assert container.local_volumes == int(line["LocalVolumes"])
        assert f'"{container.command}"' == line["Command"]
        assert container.platform is None and container.extra == {}
    assert netparse.detect(path.read_bytes()) == "docker_ps"


def test_json_lines_and_table_taken_together_agree():
    folder = FIXTURES / "captures" / "user-networks"
    table = by_name(folder / "docker_ps_s.txt")
    lines = by_name(folder / "docker_ps_format_json.txt")
    assert table.keys() == lines.keys()
    for name, container in table.items():
        assert container.ports == lines[name].ports
        assert container.state == lines[name].state, name
        assert container.exit_code == lines[name].exit_code
        assert lines[name].id == container.id


def test_no_trunc_and_size_from_the_corpus():
    corpus_file(INSIGHTS)
    model = netparse.parse(INSIGHTS.read_bytes(), strict=True)
    httpd, yum = model.containers
    assert re.fullmatch(r"[0-9a-f]{64}", httpd.id) and re.fullmatch(r"[0-9a-f]{64}", yum.id)
    assert httpd.image == "rhel7_httpd"
    assert re.fullmatch(r"[0-9a-f]{64}", yum.image)  # an image given by its id
    assert httpd.command == "/usr/sbin/httpd -DFOREGROUND"
    assert yum.command == "/bin/sh -c 'yum install -y vsftpd-2.2.2-6.el6'"
    assert httpd.size == "796 B (virtual 669.2 MB)"
    assert yum.size == "4.751 MB (virtual 200.4 MB)"
    assert (httpd.state, httpd.exit_code) == (ContainerState.running, None)
    assert (yum.status, yum.state, yum.exit_code) == (
        "Exited (137) 18 hours ago", ContainerState.exited, 137)
    assert httpd.ports == [PortMapping(host_ip=IPv4Address("0.0.0.0"), host_port=8080,
                                       container_port=80, protocol=Protocol.tcp)]
    assert yum.ports == []
    assert yum.name == "tender_rosalind"


def test_no_trunc_ids_match_the_short_ones():
    folder = FIXTURES / "dumps" / "user-networks"
    short = by_name(folder / "docker_ps.txt")
    full = by_name(folder / "docker_ps_a.txt")
    assert set(short) < set(full)  # -a adds the created and exited containers
    for name, container in short.items():
        assert len(full[name].id) == 64 and full[name].id.startswith(container.id)


def test_size_column():
    for container in parse(FIXTURES / "captures/default-bridge/docker_ps_s.txt").containers:
        assert container.size == "0B (virtual 1.98MB)"


def test_every_state_the_engine_prints():
    containers = by_name(FIXTURES / "dumps/user-networks/docker_ps_a.txt")
    seen = {name: (c.status, c.state, c.exit_code, c.health) for name, c in containers.items()}
    assert seen["np-restarting"] == ("Restarting (1) Less than a second ago",
                                     ContainerState.restarting, 1, None)
    assert seen["np-paused"] == ("Up 5 seconds (Paused)", ContainerState.paused, None, None)
    assert seen["np-created"] == ("Created", ContainerState.created, None, None)
    assert seen["np-exited"] == ("Exited (3) 6 seconds ago", ContainerState.exited, 3, None)
    assert seen["np-db"] == ("Up 6 seconds", ContainerState.running, None, None)


def test_up_less_than_a_second():
    containers = by_name(DATA / "docker_ps_a_no_trunc_s.txt")
    assert containers["np-c"].status == "Up Less than a second"
    assert containers["np-c"].state is ContainerState.running
    assert containers["np-c"].created == "Less than a second ago"


def test_health_dead_and_removal():
    containers = by_name(HANDMADE / "docker_ps_a_statuses.txt")
    seen = {name: (c.state, c.health) for name, c in containers.items()}
    assert seen["np-isolated"] == (ContainerState.running, "healthy")
    assert seen["np-hostnet"] == (ContainerState.running, "unhealthy")
    assert seen["np-api"] == (ContainerState.running, "starting")
    assert seen["np-created"] == (ContainerState.dead, None)
    assert seen["np-exited"] == (ContainerState.removing, None)
    assert seen["np-paused"] == (ContainerState.paused, None)


def test_ports_of_the_default_bridge():
    web = by_name(FIXTURES / "dumps/default-bridge/docker_ps.txt")["np-web"]
    v4, v6 = IPv4Address("0.0.0.0"), IPv6Address("::")
    assert web.ports == [
        PortMapping(host_ip=v4, host_port=8000, host_port_end=8002, container_port=8000,
                    container_port_end=8002),
        PortMapping(host_ip=v6, host_port=8000, host_port_end=8002, container_port=8000,
                    container_port_end=8002),
        PortMapping(host_ip=IPv4Address("127.0.0.1"), host_port=9000, container_port=9000),
        PortMapping(host_ip=v4, host_port=5353, container_port=53, protocol=Protocol.udp),
        PortMapping(host_ip=v6, host_port=5353, container_port=53, protocol=Protocol.udp),
        PortMapping(host_ip=v4, host_port=8080, container_port=80),
        PortMapping(host_ip=v6, host_port=8080, container_port=80),
    ]
    assert all(p.published for p in web.ports)


def test_ipv6_only_bindings():
    containers = by_name(FIXTURES / "dumps/user-networks/docker_ps.txt")
    assert containers["np-db"].ports == [
        PortMapping(host_ip=IPv6Address("::1"), host_port=5432, container_port=5432)]
    assert [(str(p.host_ip), p.host_port, p.container_port) for p in containers["np-proxy"].ports] \
        == [("::", 8081, 80), ("0.0.0.0", 8443, 443), ("::", 8443, 443)]
    assert containers["np-api"].ports == []


def test_unpublished_sctp_and_old_ipv6_ports():
    containers = by_name(HANDMADE / "docker_ps_ports.txt")
    db, app = containers["np-db"].ports, containers["np-app"].ports
    assert db == [PortMapping(container_port=80),
                  PortMapping(container_port=53, protocol=Protocol.udp),
                  PortMapping(container_port=8000, container_port_end=8010),
                  PortMapping(container_port=9000, protocol=Protocol.sctp)]
    assert not any(p.published for p in db)
    assert app[1] == PortMapping(host_ip=IPv6Address("::"), host_port=8080, container_port=80)
    assert app[2] == PortMapping(host_ip=IPv4Address("0.0.0.0"), host_port=5000,
                                 container_port=5000, protocol=Protocol.sctp)


def test_truncated_and_quoted_commands():
    containers = by_name(HANDMADE / "docker_ps_command_truncated.txt")
    assert containers["np-web"].command == "nginx -g 'daemon of…"
    assert containers["np-app"].command == 'sh -c "sleep 100000…'
    assert containers["np-db"].command == "sleep 1000000"
    # the widened COMMAND column moves the others; they are still read
    assert containers["np-web"].created == "5 seconds ago"
    assert len(containers["np-web"].ports) == 7


def test_format_table_with_some_columns():
    containers = parse(FIXTURES / "captures/user-networks/docker_ps_format_table.txt").containers
    proxy = containers[-1]
    assert proxy.names == ["np-proxy"] and proxy.status == "Up 12 seconds"
    assert len(proxy.ports) == 3
    assert proxy.id is None and proxy.image is None and proxy.command is None
    assert containers[0].state is ContainerState.restarting


def test_format_table_with_other_columns():
    containers = by_name(DATA / "docker_ps_format_table_wide.txt")
    c = containers["np-c"]
    assert (c.id, c.image, c.created) == ("9fa921c0120d", "netparse/bb", "Less than a second ago")
    assert c.created_at.isoformat() == "2026-11-29T04:45:20+00:00"
    assert c.state is ContainerState.running and c.status is None
    assert c.networks == ["np-base"] and c.local_volumes == 0
    assert c.mounts is None and c.labels is None
    assert containers["np-a"].networks == ["bridge"]


def test_podman():
    containers = by_name(DATA / "podman/podman_ps_a.txt")
    assert containers["np-pod-run"].status == "Up 5 seconds ago"
    assert containers["np-pod-run"].state is ContainerState.running
    assert containers["np-pod-paused"].state is ContainerState.paused
    assert (containers["np-pod-exit"].state, containers["np-pod-exit"].exit_code) == (
        ContainerState.exited, 3)
    # podman neither quotes COMMAND nor cuts it with …
    assert containers["np-pod-created"].command == "sh -c sleep 10000..."
    full = by_name(DATA / "podman/podman_ps_a_no_trunc.txt")
    assert full["np-pod-created"].command == "sh -c sleep 1000000 && echo done"
    assert by_name(DATA / "podman/podman_ps_a_s.txt")["np-pod-run"].size == "12B (virtual 1.98MB)"


def test_podman_headers_alone():
    for name in ("podman_ps_a_empty.txt", "podman_ps_a_pod_empty.txt"):
        model = parse(DATA / "podman" / name, strict=True)
        assert model.containers == [] and model.unparsed == []


def test_podman_json_is_refused():
    with pytest.raises(ParseError, match="podman"):
        parse(DATA / "podman/podman_ps_a_format_json.json")


def test_two_outputs_pasted_together():
    first = (FIXTURES / "dumps/user-networks/docker_ps.txt").read_text()
    second = (FIXTURES / "dumps/default-bridge/docker_ps_a.txt").read_text()
    model = netparse.parse(first + second, "docker_ps", strict=True)
    assert [c.name for c in model.containers] == [
        "np-restarting", "np-paused", "np-isolated", "np-hostnet", "np-db", "np-api",
        "np-proxy", "np-db", "np-app", "np-web"]
    assert len(model.containers[-1].id) == 64


def test_a_row_out_of_line_is_unparsed():
    lines = (FIXTURES / "dumps/default-bridge/docker_ps.txt").read_text().splitlines()
    lines[2] = lines[2].replace("   netparse/bb", " netparse/bb", 1)  # column shifted left
    model = netparse.parse("\n".join(lines), "docker_ps")
    assert [c.name for c in model.containers] == ["np-db", "np-web"]
    assert [(u.line, u.text) for u in model.unparsed] == [(3, lines[2])]
    with pytest.raises(ParseError) as error:
        netparse.parse("\n".join(lines), "docker_ps", strict=True)
    assert error.value.line == 3


def test_a_cell_not_understood_keeps_the_container_and_reports_the_line():
    lines = (FIXTURES / "dumps/default-bridge/docker_ps.txt").read_text().splitlines()
    at = lines[0].index("PORTS")
    lines[1] = lines[1][:at] + "8080->" + lines[1][at + 6:]  # a port with no container side
    model = netparse.parse("\n".join(lines), "docker_ps")
    assert [c.name for c in model.containers] == ["np-db", "np-app", "np-web"]
    assert [u.line for u in model.unparsed] == [2]


def test_text_without_a_header_is_refused():
    rows_only = "\n".join(rows(FIXTURES / "dumps/default-bridge/docker_ps.txt"))
    with pytest.raises(ParseError, match="header"):
        netparse.parse(rows_only, "docker_ps")


def test_a_json_line_cut_short_is_unparsed():
    lines = (FIXTURES / "captures/user-networks/docker_ps_format_json.txt").read_text().splitlines()
    lines[-1] = lines[-1][:100]
    model = netparse.parse("\n".join(lines), "docker_ps")
    assert len(model.containers) == len(lines) - 1
    assert [u.line for u in model.unparsed] == [len(lines)]


def test_containers_built_from_typed_values_are_those_validation_gives(monkeypatch):
    """Rows are built without validating their values again (`typed`); with CHECK_TYPED each is
    validated too and any difference (value, type, the fields set) fails."""
    import netparse.models.base as base

    monkeypatch.setattr(base, "CHECK_TYPED", True)
    built = sum(len(parse(path).containers) for path in [*TABLES, *JSON_LINES, INSIGHTS]
                if path.is_file())
    assert built > 50
