"""Reports built by hand for the renderer tests (names and numbers as on a real Docker host)."""

from __future__ import annotations

from netparse.analysis.model import (Bridge, Container, Endpoint, Finding, HostInterface, Network,
                                     Port, Report, Source, Topology)

HOSTILE = '<script>alert(1)</script> "q" \\'


def healthy() -> Report:
    """docker0 with two paired containers and one endpoint left unpaired."""
    return Report(
        origin="tests/fixtures/dumps/default-bridge",
        sources=[
            Source(path="ip_addr.txt", kind="ip_addr", status="parsed", command="ip addr"),
            Source(path="brctl_show.txt", kind="brctl_show", status="parsed"),
            Source(path="containers/np-web/ip_addr.txt", kind="ip_addr", status="partial",
                   container="np-web", messages=["line 7 not understood: 'garbage'"]),
            Source(path="notes.txt", status="ignored", messages=["not a capture netparse reads"]),
        ],
        topology=Topology(
            interfaces=[HostInterface(name="eth0", ifindex=2, kind="ether", up=True,
                                      addresses=["10.0.2.15/24"])],
            uplink="eth0",
            ip_forward=True,
            networks=[Network(name="bridge", id="a67a3a91e6c1", driver="bridge", bridge="docker0",
                              subnets=["172.17.0.0/16"], gateways=["172.17.0.1"])],
            bridges=[Bridge(
                name="docker0", network="bridge", managed=True, state="UP", up=True, mtu=1500,
                mac="02:42:93:a0:2d:5e", addresses=["172.17.0.1/16"],
                ports=[
                    Port(name="vethf73d2ff", ifindex=18, peer_ifindex=17, up=True,
                         container="np-app", network="bridge"),
                    Port(name="veth35b9344", ifindex=16, peer_ifindex=15, up=True,
                         container="np-web", network="bridge"),
                ])],
            containers=[
                Container(name="np-web", id="3f2c9d", state="running", running=True,
                          network_mode="default", endpoints=[Endpoint(
                              network="bridge", bridge="docker0", ip="172.17.0.2", prefix_len=16,
                              mac="02:42:ac:11:00:02", host_veth="veth35b9344", host_ifindex=16,
                              container_iface="eth0", evidence="inside")]),
                Container(name="np-app", state="running", running=True, network_mode="default",
                          endpoints=[Endpoint(
                              network="bridge", bridge="docker0", ip="172.17.0.3", prefix_len=16,
                              mac="02:42:ac:11:00:03", host_veth="vethf73d2ff", host_ifindex=18,
                              evidence="fdb")]),
                Container(name="np-db", state="running", running=True, network_mode="default",
                          endpoints=[Endpoint(
                              network="bridge", ip="172.17.0.4", prefix_len=16,
                              mac="02:42:ac:11:00:04",
                              unpaired_reason="no capture inside np-db and no fdb entry "
                                              "for 02:42:ac:11:00:04")]),
            ],
        ),
    )


def faulty() -> Report:
    """A user-defined bridge in trouble: findings of each severity, a hostile container name."""
    return Report(
        origin="support-case-1234.tar.gz",
        partial=True,
        sources=[
            Source(path="docker_inspect.json", kind="docker_inspect", status="parsed"),
            Source(path="route_n.txt", kind="route_n", status="failed",
                   messages=["route_n.txt:3: not a route line"]),
        ],
        topology=Topology(
            ip_forward=False,
            networks=[Network(name="appnet", id="ac3e0514d837", driver="bridge",
                              bridge="br-ac3e0514d837", subnets=["172.18.0.0/16"])],
            bridges=[
                Bridge(name="br-ac3e0514d837", network="appnet", managed=True, state="DOWN",
                       up=False, mtu=1500, addresses=["172.18.0.1/16"],
                       ports=[Port(name="veth15e0a98@if14", ifindex=15, peer_ifindex=14, up=False,
                                   container=HOSTILE, network="appnet"),
                              Port(name="veth9c1d2e0", ifindex=21, peer_ifindex=20, up=True)]),
                Bridge(name="lxcbr0", managed=False, state="UP", up=True, mtu=1500),
            ],
            containers=[
                Container(name=HOSTILE, state="running", running=True, network_mode="appnet",
                          endpoints=[Endpoint(network="appnet", bridge="br-ac3e0514d837",
                                              ip="172.18.0.2", prefix_len=16,
                                              host_veth="veth15e0a98", evidence="netnsid")]),
                Container(name="metrics", state="running", running=True, network_mode="host"),
                Container(name="old-job", state="exited", running=False, network_mode="appnet",
                          endpoints=[Endpoint(network="appnet",
                                              unpaired_reason="container is not running")]),
                Container(name="ghost", state="running", running=True, network_mode="appnet",
                          endpoints=[Endpoint(network="appnet", ip="172.18.0.9", prefix_len=16,
                                              host_veth="veth0000001", evidence="fdb")]),
            ],
        ),
        findings=[
            Finding(code="ip-forward-off", severity="warning", subjects=["host"],
                    message="IPv4 forwarding is disabled",
                    evidence=["sysctl.txt: net.ipv4.ip_forward = 0"],
                    hint="sysctl -w net.ipv4.ip_forward=1"),
            Finding(code="no-default-route", severity="info", subjects=[],
                    message="No default route could be read", hint=""),
            Finding(code="bridge-down", severity="error", subjects=["br-ac3e0514d837", "appnet"],
                    message="Bridge br-ac3e0514d837 of network appnet is down",
                    evidence=["ip_link.txt: 5: br-ac3e0514d837: <BROADCAST,MULTICAST> state DOWN"],
                    hint="ip link set br-ac3e0514d837 up"),
            Finding(code="veth-down", severity="warning", subjects=["veth15e0a98", HOSTILE],
                    message=f"The host side of {HOSTILE}'s veth is down",
                    evidence=["ip_link.txt: 15: veth15e0a98@if14: state DOWN"]),
            Finding(code="foreign-bridge", severity="info", subjects=["lxcbr0"],
                    message="lxcbr0 is not managed by Docker"),
        ],
    )
