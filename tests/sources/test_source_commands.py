"""Command lines to capture kinds: `kind_of_command` and `identify`."""

import json

import pytest

import netparse
from netparse.sources import kind_of_command
from netparse.sources.commands import NewContainer, identify, new_container
from tests.conftest import FIXTURES


@pytest.mark.parametrize("cmdline, kind", [
    ("ip -d address", "ip_addr"),
    ("ip addr", "ip_addr"),
    ("ip a", "ip_addr"),
    ("ip a s", "ip_addr"),
    ("ip -o -4 addr", "ip_addr"),
    ("ip -j addr", "ip_addr"),
    ("ip --json --pretty address show dev eth0", "ip_addr"),
    ("/sbin/ip addr list", "ip_addr"),
    ("busybox ip addr", "ip_addr"),
    ("ip link", "ip_link"),
    ("ip -s -d link", "ip_link"),
    ("ip -d link show", "ip_link"),
    ("ip l show type bridge", "ip_link"),
    ("ip route show table all", "ip_route"),
    ("ip r", "ip_route"),
    ("ip -6 route", "ip_route"),
    ("ip -4 ro ls", "ip_route"),
    ("brctl show", "brctl_show"),
    ("brctl show docker0", "brctl_show"),
    ("bridge -s -s -d link show", "bridge_link"),
    ("bridge link", "bridge_link"),
    ("bridge fdb show", "bridge_fdb"),
    ("bridge -s -s -d -t fdb show", "bridge_fdb"),
    ("bridge fdb show br docker0", "bridge_fdb"),
    ("route -n", "route_n"),
    ("route", "route_n"),
    ("route -6 -n", "route_n"),
    ("route -nee", "route_n"),
    ("route -A inet6", "route_n"),
    ("netstat -rn", "route_n"),
    ("netstat -nr", "route_n"),
    ("netstat -rne", "route_n"),
    ("netstat --route", "route_n"),
    ("docker ps", "docker_ps"),
    ("docker ps -a --no-trunc", "docker_ps"),
    ("docker ps -a -s", "docker_ps"),
    ("docker ps -a --format '{{json .}}'", "docker_ps"),
    ("docker ps --format 'table {{.Names}}\\t{{.Status}}'", "docker_ps"),
    ("docker container ls -a", "docker_ps"),
    ("podman ps -a", "docker_ps"),
    ("docker -H unix:///run/docker.sock ps", "docker_ps"),
    ("docker network ls", "docker_network_ls"),
    ("docker network ls --no-trunc", "docker_network_ls"),
    ("docker network inspect x", "docker_network_inspect"),
    ("docker network inspect $(docker network ls -q --no-trunc)", "docker_network_inspect"),
    ("docker inspect --type network bridge", "docker_network_inspect"),
    ("docker container inspect web1", "docker_inspect"),
    ("docker inspect --type=container web1", "docker_inspect"),
    ("sysctl -a", "sysctl"),
    ("sysctl net.ipv4.ip_forward", "sysctl"),
    ("sysctl -a -r bridge", "sysctl"),
    ("sudo ip -j addr", "ip_addr"),
    ("sudo -u root route -n", "route_n"),
    ("LANG=C ip route", "ip_route"),
    ("ip a | grep inet", "ip_addr"),
    ("ip addr 2>&1 | head -20", "ip_addr"),
    ("sysctl -a 2>/dev/null | grep -E '^net\\.(ipv4|bridge)\\.'", "sysctl"),
    ("docker inspect web1 | jq .", None),
    ("ip a;", "ip_addr"),
    ("ip a # the host", "ip_addr"),
    ("ip rule", "ip_rule"),
    ("ip -6 rule show", "ip_rule"),
    ("ip -j ru list", "ip_rule"),
    ("docker version", "docker_version"),
    ("docker version --format '{{json .}}'", "docker_version"),
    ("docker info", "docker_info"),
    ("docker system info --format json", "docker_info"),
    ("sudo docker info 2>&1", "docker_info"),
])
def test_kind_of_command(cmdline, kind):
    assert kind_of_command(cmdline) == kind


@pytest.mark.parametrize("cmdline", ["docker inspect x", "docker inspect web1 db1"])
def test_docker_inspect_is_a_capture_whose_kind_the_content_decides(cmdline):
    command = identify(cmdline)
    assert command.capture and command.kind is None
    assert command.choices == ("docker_inspect", "docker_network_inspect")


@pytest.mark.parametrize("cmdline", [
    "docker inspect $(docker ps -aq --no-trunc)", "docker inspect `docker ps -q`",
    "sudo docker inspect $(sudo docker container ls -q)",
])
def test_docker_inspect_of_the_listed_containers_is_of_containers(cmdline):
    command = identify(cmdline)
    assert command.capture and command.kind == "docker_inspect" and command.filtered is None


@pytest.mark.parametrize("cmdline, kind, view", [
    # the seed note (/work/shared/seed/000_498e87f2abc7201a.txt, line 101)
    ('''docker inspect $(docker ps -q) | grep -e "IPAddress\\|Id"''', "docker_inspect",
     '''| grep -e "IPAddress\\|Id"'''),
    ("docker inspect web1 | jq '.[0].NetworkSettings.Networks'", None,
     "| jq '.[0].NetworkSettings.Networks'"),
    ("docker inspect -f '{{json .NetworkSettings}}' web1", "docker_inspect",
     "-f '{{json .NetworkSettings}}'"),
    ('''docker inspect --format="{{json .NetworkSettings.Networks}}" web1 | head -5''',
     "docker_inspect", '''--format="{{json .NetworkSettings.Networks}}" | head -5'''),
    ("docker network inspect -f '{{json .Containers}}' bridge", "docker_network_inspect",
     "-f '{{json .Containers}}'"),
    ("ip addr | grep -A 2 docker0:", "ip_addr", "| grep -A 2 docker0:"),
    ("route -n | tail -n +3 | sort", "route_n", "| tail -n +3 | sort"),
])
def test_a_filter_is_kept_as_typed(cmdline, kind, view):
    command = identify(cmdline)
    assert command.capture and command.kind == kind and command.filtered == view


@pytest.mark.parametrize("cmdline", [
    "ls", "ls -l /sys/class/net", "cat /etc/hosts", "ps aux", "systemctl status docker",
    "uname -a", "date", "exit", "cd /tmp", "journalctl -u docker",
    "netstat -W -neopa", "netstat -tlnp", "ss -tlnp", "ip neigh", "ip rule add table 100", "ip -br a",
    "ip route get 1.1.1.1", "ip addr add 10.0.0.1/24 dev eth0", "ip link set eth0 up",
    "ip addr on the host", "ip -V", "route add default gw 10.0.0.1", "route -C",
    "brctl showmacs docker0", "brctl", "bridge vlan show", "bridge fdb add x dev y",
    "sysctl -w net.ipv4.ip_forward=1", "sysctl net.ipv4.ip_forward=1",
    "sysctl -n net.ipv4.ip_forward",
    "sysctl -p", "docker ps -q", "docker ps --format '{{.Names}}'", "docker network ls -q",
    "docker inspect -f '{{.State.Pid}}' web1", "docker inspect --type image busybox",
    "docker images", "docker logs web1", "docker info --format '{{.ServerVersion}}'",
    "docker version -f '{{.Server.Version}}'", "docker system df", "ip rule save",
    "ip a > /tmp/ip.txt", "ip a >> out",
    "ip a &> out", "ip a; ip r", "ip a && ip r", "docker inspect web1 | sed 1d",
    "route -n | awk '{print $2}'", "ip a 'unbalanced", "", "# a comment",
])
def test_not_a_capture(cmdline):
    command = identify(cmdline)
    assert not command.capture and command.kind is None
    assert command.reason


def test_command_is_the_part_before_the_pipe_and_the_pipe_is_noted():
    command = identify("sudo bridge fdb show | grep -v permanent | head")
    assert command.line == "sudo bridge fdb show"
    assert command.kind == "bridge_fdb" and command.filtered == "| grep -v permanent | head"
    assert identify("ip addr | jq .").filtered is None
    assert not identify("ip addr | cat").filtered
    assert not identify("ip addr | tee ip.txt").filtered


@pytest.mark.parametrize("cmdline, container", [
    ("docker exec web1 ip addr", "web1"),
    ("docker exec -u root -e X=1 web1 route -n", "web1"),
    ("docker container exec -it 3f2a1b9c0d4e ip route", "3f2a1b9c0d4e"),
    ("podman exec web1 ip addr", "web1"),
    ("docker exec web1 sh -c 'ip route'", "web1"),
    ("sudo docker exec web1 ip -o addr", "web1"),
    ("nsenter -t 4242 -n ip addr", "pid:4242"),
    ("nsenter --target=4242 --net ip addr", "pid:4242"),
    ("nsenter -n -t 4242 -- route -n", "pid:4242"),
    ("nsenter -t $(docker inspect -f '{{.State.Pid}}' np-proxy) -n ip addr", "np-proxy"),
    ("nsenter -t `docker inspect --format '{{.State.Pid}}' web1` -n ip r", "web1"),
    ("nsenter --net=/var/run/docker/netns/6350a6379ba9 ip addr", "netns:6350a6379ba9"),
    ("nsenter --net=/proc/4242/ns/net route -n", "pid:4242"),
    ("ip netns exec cni-1 ip -d address show", "netns:cni-1"),
    ("ip -n cni-1 route", "netns:cni-1"),
    # the host's own namespace, or no network namespace entered
    # `docker run IMAGE CMD`: CMD runs in a new container, keyed by what the line says of it
    ("docker run --rm busybox ip a", "run:busybox"),
    ("docker run --net=front --name web1 -e X=1 alpine:3 ip route", "run:alpine:3 --name web1 --network front"),
    ("docker run -p 8080:80 --network bridge busybox ip addr", "run:busybox"),
    ("docker run --network container:web1 busybox ip addr", "web1"),
    ("docker run --network host busybox ip addr", None),
    ("nsenter -t 1 -n ip addr", None),
    ("nsenter -t 4242 -m ip addr", None),
    ("ip addr", None),
])
def test_container_of_a_command(cmdline, container):
    command = identify(cmdline)
    assert command.capture
    assert command.container == container


@pytest.mark.parametrize("cmdline, container", [
    ("docker exec -it web1 sh", "web1"),
    ("docker exec -it web1 /bin/bash", "web1"),
    ("nsenter -t 4242 -n", "pid:4242"),
    ("docker run -it busybox", "run:busybox"),
    ("docker run -it --name web1 ubuntu:16.04 bash", "run:ubuntu:16.04 --name web1"),
    ("sudo -i", None),
    ("bash", None),
])
def test_commands_that_open_a_shell(cmdline, container):
    command = identify(cmdline)
    assert command.shell and not command.capture
    assert command.container == container


@pytest.mark.parametrize("cmdline, reason", [
    ("docker run -it -d ubuntu:16.04", "starts a container in the background"),
    ("docker run -dp 80:80 nginx ip addr", "starts a container in the background"),
    ("docker run nginx", "starts a container"),
])
def test_docker_run_without_output_to_read(cmdline, reason):
    command = identify(cmdline)
    assert not command.capture and not command.shell
    assert command.reason == reason


def test_the_container_docker_run_started_is_read_back_from_its_key():
    assert new_container(identify("docker run -it busybox").container) == \
        NewContainer("busybox", None, "bridge")
    assert new_container(identify("docker run --name web1 --net front alpine ip r").container) \
        == NewContainer("alpine", "web1", "front")
    assert new_container("web1") is None and new_container(None) is None


def _manifest_entries():
    for manifest in sorted(FIXTURES.glob("*/*/manifest.json")):
        for entry in json.loads(manifest.read_text())["commands"]:
            if entry.get("kept") and entry.get("command"):
                yield manifest.parent / entry["file"], entry["command"]


MANIFEST = list(_manifest_entries())


def test_fixtures_list_their_commands():
    assert len(MANIFEST) >= 20


@pytest.mark.parametrize("path, cmdline", MANIFEST,
                         ids=[str(p.relative_to(FIXTURES)) for p, _ in MANIFEST])
def test_real_command_lines_name_the_kind_of_their_output(path, cmdline):
    """Each fixture was made by a real command line (its manifest says which): the kind read from
    the command line is the kind detected from the output, and a capture taken in a container's
    namespace names that container."""
    command = identify(cmdline)
    assert command.capture, command.reason
    if command.kind is not None:
        assert command.kind == netparse.detect(path.read_bytes())
    if path.parent.parent.name == "containers":
        assert command.container == path.parent.name
    else:
        assert command.container is None
