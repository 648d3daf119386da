"""Synthetic, internally consistent dumps of a Docker host, at any size.

    python -m bench.gen OUT --containers 1000 --networks 20 [--routes 100000] [--seed 1]

N containers over M user bridge networks plus the default `bridge` (docker0); every 7th container
is also on a second network, every 50th is exited, every 10th running one publishes a port. Each
endpoint gets a veth pair with consistent ifindexes (`eth0@ifH` inside, `vethX@ifC` on the host),
its container's link-netnsid, the MAC Docker derives from the IP, and the host routes, fdb, bridge
ports and in-container captures that go with it. `--routes` adds that many routes via the uplink
(a BGP or Kubernetes host). Docker's iptables rules for these networks and ports are
written as `iptables-save` and `nft list ruleset` print them (`--no-firewall` leaves them out). The files are the canonical dump of tests/fixtures/README.md, in the
layouts of the real captures there (the JSON documents are real records with their values
replaced); `bench.validate` checks that against the fixtures.

`generate` also returns the ground truth: which host veth each endpoint must be paired with.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import ipaddress
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "dumps"
_TEMPLATE_DUMP = FIXTURES / "user-networks"

UPLINK_IP = "192.0.2.2"
UPLINK_GW = "192.0.2.1"
UPLINK_MAC = "02:fc:00:00:00:01"


def _hex(*parts, n: int = 64) -> str:
    return hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()[:n]


def _mac(*parts) -> str:
    raw = bytearray(hashlib.sha256("/".join(map(str, parts)).encode()).digest()[:6])
    raw[0] = (raw[0] & 0xFC) | 0x02  # unicast, locally administered, as the kernel makes them
    return ":".join(f"{b:02x}" for b in raw)


def _link_local(mac: str) -> str:
    b = [int(x, 16) for x in mac.split(":")]
    b[0] ^= 0x02
    eui = b[:3] + [0xFF, 0xFE] + b[3:]
    words = [(eui[i] << 8) | eui[i + 1] for i in range(0, 8, 2)]
    return str(ipaddress.IPv6Address((0xFE80 << 112) | sum(w << (48 - 16 * i)
                                                           for i, w in enumerate(words))))


@dataclass
class Net:
    name: str
    id: str
    bridge: str
    subnet: ipaddress.IPv4Network
    bridge_mac: str
    bridge_ifindex: int
    next_host: int = 2

    @property
    def gateway(self) -> ipaddress.IPv4Address:
        return self.subnet.network_address + 1

    def take(self) -> ipaddress.IPv4Address:
        ip = self.subnet.network_address + self.next_host
        self.next_host += 1
        return ip


@dataclass
class Ep:
    net: Net
    ip: ipaddress.IPv4Address
    mac: str
    inner: str            # eth0, eth1 inside the container
    inner_ifindex: int
    veth: str
    veth_ifindex: int
    veth_mac: str
    endpoint_id: str


@dataclass
class Ctr:
    index: int
    name: str
    id: str
    running: bool
    netnsid: int | None
    endpoints: list[Ep] = field(default_factory=list)
    port: int | None = None  # published host port (-> 80/tcp)


@dataclass
class Dump:
    path: Path
    networks: list[Net]
    containers: list[Ctr]
    routes: int

    def truth(self) -> dict[tuple[str, str], str]:
        """(container, network) → the host veth it must be paired with."""
        return {(c.name, e.net.name): e.veth for c in self.containers if c.running
                for e in c.endpoints}


def plan(containers: int, networks: int, routes: int = 0, seed: int = 1) -> tuple:
    if not 0 <= networks <= 250:
        raise ValueError("networks: 0 to 250 user networks")
    nets = [Net("bridge", _hex(seed, "net", 0), "docker0", ipaddress.IPv4Network("172.17.0.0/16"),
                _mac(seed, "brmac", 0), 3)]
    for j in range(1, networks + 1):
        nid = _hex(seed, "net", j)
        nets.append(Net(f"np-net{j}", nid, f"br-{nid[:12]}",
                        ipaddress.IPv4Network(f"10.{j}.0.0/16"), _mac(seed, "brmac", j), 3 + j))
    ifindex = 4 + networks
    used_veths: set[str] = set()
    ctrs: list[Ctr] = []
    netnsid = 0
    for i in range(containers):
        running = i % 50 != 8
        c = Ctr(i, f"np-c{i:05d}", _hex(seed, "ctr", i), running, netnsid if running else None)
        if running:
            netnsid += 1
        homes = [nets[i % len(nets)]]
        if i % 7 == 3 and len(nets) > 1:
            homes.append(nets[(i + 1) % len(nets)])
        for k, net in enumerate(homes):
            ip = net.take()
            mac = "02:42:" + ":".join(f"{b:02x}" for b in ip.packed)
            veth, n = "", 0
            while not veth or veth in used_veths:
                veth = "veth" + _hex(seed, "veth", i, k, n, n=7)
                n += 1
            used_veths.add(veth)
            c.endpoints.append(Ep(net, ip, mac, f"eth{k}", ifindex, veth, ifindex + 1,
                                  _mac(seed, "vethmac", i, k), _hex(seed, "ep", i, k)))
            if running:
                ifindex += 2
        if running and i % 10 == 0:
            c.port = 20000 + i
        ctrs.append(c)
    return nets, ctrs


def generate(out: str | os.PathLike, containers: int = 10, networks: int = 2, routes: int = 0,
             seed: int = 1, firewall: bool = True) -> Dump:
    """Write a dump folder at `out` and return what it holds."""
    nets, ctrs = plan(containers, networks, routes, seed)
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    live = [c for c in ctrs if c.running]
    write = _Writer(root)
    write("brctl_show.txt", _brctl(nets, live))
    write("route_n.txt", _route_n(nets, routes))
    write("ip_addr.txt", _ip_addr(nets, live))
    write("ip_route.txt", _ip_route(nets, live, routes))
    write("ip_link.txt", _ip_link(nets, live))
    write("bridge_fdb.txt", _bridge_fdb(nets, live))
    write("bridge_link.txt", _bridge_link(live))
    write("docker_ps.txt", _docker_ps(live, full=False))
    write("docker_ps_a.txt", _docker_ps(ctrs, full=True))
    write("docker_inspect.json", _docker_inspect(ctrs, seed))
    write("docker_network_ls.txt", _docker_network_ls(nets, seed))
    write("docker_network_inspect.json", _docker_network_inspect(nets, ctrs))
    write("sysctl.txt", ["net.ipv4.ip_forward = 1"])
    if firewall:
        write("iptables_save.txt", _iptables_save(nets, live))
        write("nft_ruleset.txt", _nft_ruleset(nets, live))
    for c in live:
        write(f"containers/{c.name}/ip_addr.txt", _inside_ip_addr(c))
        write(f"containers/{c.name}/route_n.txt", _inside_route_n(c))
    return Dump(root, nets, ctrs, routes)


class _Writer:
    def __init__(self, root: Path):
        self.root = root

    def __call__(self, name: str, lines) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = lines if isinstance(lines, str) else "\n".join(lines) + "\n"
        path.write_text(text, encoding="utf-8")


# --- host, iproute2 / net-tools / bridge-utils -----------------------------------------------------

def _ports_by_bridge(nets: list[Net], live: list[Ctr]) -> dict[str, list[Ep]]:
    found: dict[str, list[Ep]] = {n.bridge: [] for n in nets}
    for c in live:
        for e in c.endpoints:
            found[e.net.bridge].append(e)
    return found


def _brctl(nets, live) -> list[str]:
    lines = ["bridge name\tbridge id\t\tSTP enabled\tinterfaces"]
    ports = _ports_by_bridge(nets, live)
    for n in sorted(nets, key=lambda n: n.bridge):
        bid = "8000." + n.bridge_mac.replace(":", "")
        veths = sorted(e.veth for e in ports[n.bridge])
        lines.append(f"{n.bridge}\t\t{bid}\tno\t\t{veths[0] if veths else ''}")
        lines.extend("\t\t\t\t\t\t\t" + v for v in veths[1:])
    return lines


def _route_n_row(dest, gw, mask, flags, iface, metric=0) -> str:
    return f"{dest:<15} {gw:<15} {mask:<15} {flags:<5} {metric:<6} {0:<2} {0:>7} {iface}"


def _extra_routes(routes: int):
    """(destination /24, gateway) of the routes a BGP or Kubernetes host learns via its uplink;
    from 11.0.0.0 up, clear of the Docker subnets."""
    base = int(ipaddress.IPv4Address("11.0.0.0"))
    for i in range(routes):
        yield ipaddress.IPv4Network((base + (i << 8), 24)), f"192.0.2.{3 + i % 4}"


def _route_n(nets, routes) -> list[str]:
    lines = ["Kernel IP routing table",
             "Destination     Gateway         Genmask         Flags Metric Ref    Use Iface",
             _route_n_row("0.0.0.0", UPLINK_GW, "0.0.0.0", "UG", "eth0")]
    for dest, gw in _extra_routes(routes):
        lines.append(_route_n_row(str(dest.network_address), gw, "255.255.255.0", "UG", "eth0"))
    for n in nets:
        lines.append(_route_n_row(str(n.subnet.network_address), "0.0.0.0", str(n.subnet.netmask),
                                  "U", n.bridge))
    lines.append(_route_n_row("192.0.2.0", "0.0.0.0", "255.255.255.0", "U", "eth0"))
    return lines


def _ip_addr(nets, live) -> list[str]:
    lines = [
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000",
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00",
        "    inet 127.0.0.1/8 scope host lo",
        "       valid_lft forever preferred_lft forever",
        "    inet6 ::1/128 scope host ",
        "       valid_lft forever preferred_lft forever",
        "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP group default qlen 1000",
        f"    link/ether {UPLINK_MAC} brd ff:ff:ff:ff:ff:ff",
        f"    inet {UPLINK_IP}/24 brd 192.0.2.255 scope global eth0",
        "       valid_lft forever preferred_lft forever",
        f"    inet6 {_link_local(UPLINK_MAC)}/64 scope link ",
        "       valid_lft forever preferred_lft forever",
    ]
    for n in nets:
        lines += [
            f"{n.bridge_ifindex}: {n.bridge}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc "
            f"noqueue state UP group default ",
            f"    link/ether {n.bridge_mac} brd ff:ff:ff:ff:ff:ff",
            f"    inet {n.gateway}/{n.subnet.prefixlen} brd {n.subnet.broadcast_address} scope "
            f"global {n.bridge}",
            "       valid_lft forever preferred_lft forever",
            f"    inet6 {_link_local(n.bridge_mac)}/64 scope link ",
            "       valid_lft forever preferred_lft forever",
        ]
    for c in live:
        for e in c.endpoints:
            lines += [
                f"{e.veth_ifindex}: {e.veth}@if{e.inner_ifindex}: <BROADCAST,MULTICAST,UP,LOWER_UP>"
                f" mtu 1500 qdisc noqueue master {e.net.bridge} state UP group default ",
                f"    link/ether {e.veth_mac} brd ff:ff:ff:ff:ff:ff link-netnsid {c.netnsid}",
                f"    inet6 {_link_local(e.veth_mac)}/64 scope link ",
                "       valid_lft forever preferred_lft forever",
            ]
    return lines


_COMMON = ("addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 "
           "tso_max_size 524280 tso_max_segs 65535 gro_max_size 65536 ")


def _bridge_details(n: Net) -> str:
    bid = "8000." + ":".join(f"{int(b, 16):x}" for b in n.bridge_mac.split(":"))
    return ("    bridge forward_delay 1500 hello_time 200 max_age 2000 ageing_time 30000 stp_state 0 "
            f"priority 32768 vlan_filtering 0 bridge_id {bid} designated_root {bid} root_port 0 "
            "root_path_cost 0 topology_change 0 topology_change_detected 0 hello_timer    0.00 "
            "tcn_timer    0.00 topology_change_timer    0.00 gc_timer  224.95 group_fwd_mask 0 "
            "group_address 01:80:c2:00:00:00 mcast_snooping 1 no_linklocal_learn 0 "
            "mcast_vlan_snooping 0 mcast_router 1 mcast_query_use_ifaddr 0 mcast_querier 0 "
            "mcast_hash_elasticity 16 mcast_hash_max 4096 mcast_last_member_count 2 "
            "mcast_startup_query_count 2 mcast_last_member_interval 100 "
            "mcast_membership_interval 26000 mcast_querier_interval 25500 "
            "mcast_query_interval 12500 mcast_query_response_interval 1000 "
            "mcast_startup_query_interval 3124 mcast_stats_enabled 0 mcast_igmp_version 2 "
            "mcast_mld_version 1 nf_call_iptables 0 nf_call_ip6tables 0 nf_call_arptables 0 "
            + _COMMON)


def _slave_details(e: Ep, port_no: int) -> str:
    bid = "8000." + ":".join(f"{int(b, 16):x}" for b in e.net.bridge_mac.split(":"))
    return ("    bridge_slave state forwarding priority 32 cost 2 hairpin off guard off root_block "
            f"off fastleave off learning on flood on port_id 0x{0x8000 + port_no:x} port_no "
            f"0x{port_no:x} designated_port {0x8000 + port_no} designated_cost 0 "
            f"designated_bridge {bid} designated_root {bid} hold_timer    0.00 "
            "message_age_timer    0.00 forward_delay_timer    0.00 topology_change_ack 0 "
            "config_pending 0 proxy_arp off proxy_arp_wifi off mcast_router 1 mcast_fast_leave off "
            "mcast_flood on bcast_flood on mcast_to_unicast off neigh_suppress off group_fwd_mask 0"
            " group_fwd_mask_str 0x0 vlan_tunnel off isolated off locked off "
            + _COMMON.replace("numtxqueues 1 numrxqueues 1", "numtxqueues 2 numrxqueues 2"))


def _ip_link(nets, live) -> list[str]:
    lines = [
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group "
        "default qlen 1000",
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00 promiscuity 0  allmulti 0 "
        "minmtu 0 maxmtu 0 " + _COMMON,
        "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP mode "
        "DEFAULT group default qlen 1000",
        f"    link/ether {UPLINK_MAC} brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 "
        "maxmtu 65535 " + _COMMON.replace("524280", "65536") + "parentbus virtio parentdev virtio2 ",
    ]
    for n in nets:
        lines += [
            f"{n.bridge_ifindex}: {n.bridge}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc "
            "noqueue state UP mode DEFAULT group default ",
            f"    link/ether {n.bridge_mac} brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 "
            "minmtu 68 maxmtu 65535 ",
            _bridge_details(n),
        ]
    port_no: dict[str, int] = {}
    for c in live:
        for e in c.endpoints:
            port_no[e.net.bridge] = port_no.get(e.net.bridge, 0) + 1
            lines += [
                f"{e.veth_ifindex}: {e.veth}@if{e.inner_ifindex}: <BROADCAST,MULTICAST,UP,LOWER_UP>"
                f" mtu 1500 qdisc noqueue master {e.net.bridge} state UP mode DEFAULT group default ",
                f"    link/ether {e.veth_mac} brd ff:ff:ff:ff:ff:ff link-netnsid {c.netnsid} "
                "promiscuity 1  allmulti 1 minmtu 68 maxmtu 65535 ",
                "    veth ",
                _slave_details(e, port_no[e.net.bridge]),
            ]
    return lines


def _ip_route(nets, live, routes) -> list[str]:
    veths = [e for c in live for e in c.endpoints]
    lines = [f"default via {UPLINK_GW} dev eth0 "]
    lines += [f"{d} via {gw} dev eth0 " for d, gw in _extra_routes(routes)]
    lines += [f"{n.subnet} dev {n.bridge} proto kernel scope link src {n.gateway} " for n in nets]
    lines += [
        f"192.0.2.0/24 dev eth0 proto kernel scope link src {UPLINK_IP} ",
        "local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1 ",
        "local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1 ",
        "broadcast 127.255.255.255 dev lo table local proto kernel scope link src 127.0.0.1 ",
    ]
    for n in nets:
        lines += [f"local {n.gateway} dev {n.bridge} table local proto kernel scope host src "
                  f"{n.gateway} ",
                  f"broadcast {n.subnet.broadcast_address} dev {n.bridge} table local proto kernel "
                  f"scope link src {n.gateway} "]
    lines += [f"local {UPLINK_IP} dev eth0 table local proto kernel scope host src {UPLINK_IP} ",
              f"broadcast 192.0.2.255 dev eth0 table local proto kernel scope link src {UPLINK_IP} "]
    devices = ["eth0", *(n.bridge for n in nets), *(e.veth for e in veths)]
    lines += [f"fe80::/64 dev {d} proto kernel metric 256 pref medium" for d in devices]
    lines.append("local ::1 dev lo table local proto kernel metric 0 pref medium")
    lines += [f"anycast fe80:: dev {d} table local proto kernel metric 0 pref medium"
              for d in devices]
    macs = [("eth0", UPLINK_MAC), *((n.bridge, n.bridge_mac) for n in nets),
            *((e.veth, e.veth_mac) for e in veths)]
    lines += [f"local {_link_local(m)} dev {d} table local proto kernel metric 0 pref medium"
              for d, m in macs]
    lines += [f"multicast ff00::/8 dev {d} table local proto kernel metric 256 pref medium"
              for d in devices]
    return lines


def _bridge_fdb(nets, live) -> list[str]:
    lines = ["33:33:00:00:00:01 dev eth0 self permanent",
             "01:00:5e:00:00:01 dev eth0 self permanent"]
    for n in nets:
        lines += [f"33:33:00:00:00:01 dev {n.bridge} self permanent",
                  f"01:00:5e:00:00:01 dev {n.bridge} self permanent",
                  f"{n.bridge_mac} dev {n.bridge} master {n.bridge} permanent"]
    for c in live:
        for e in c.endpoints:
            lines += [f"{e.mac} dev {e.veth} master {e.net.bridge} ",
                      f"{e.veth_mac} dev {e.veth} master {e.net.bridge} permanent",
                      f"33:33:00:00:00:01 dev {e.veth} self permanent",
                      f"01:00:5e:00:00:01 dev {e.veth} self permanent"]
    return lines


def _bridge_link(live) -> list[str]:
    return [f"{e.veth_ifindex}: {e.veth}@if{e.inner_ifindex}: <BROADCAST,MULTICAST,UP,LOWER_UP> "
            f"mtu 1500 master {e.net.bridge} state forwarding priority 32 cost 2 "
            for c in live for e in c.endpoints]


def _table(rows: list[list[str]]) -> list[str]:
    """Go's tabwriter as docker prints it: columns padded to their widest cell plus 3 spaces."""
    widths = [max(len(r[i]) for r in rows) + 3 for i in range(len(rows[0]) - 1)]
    return ["".join(cell.ljust(w) for cell, w in zip(r, widths)) + r[-1] for r in rows]


def _docker_ps(ctrs, full: bool) -> list[str]:
    rows = [["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]]
    for c in reversed(ctrs):  # newest first
        ports = (f"0.0.0.0:{c.port}->80/tcp, [::]:{c.port}->80/tcp" if c.port and c.running
                 else "")
        status = "Up 6 seconds" if c.running else "Exited (3) 6 seconds ago"
        command = '"sleep 1000000"' if c.running else '"sh -c \'exit 3\'"'
        rows.append([c.id if full else c.id[:12], "netparse/bb", command, "7 seconds ago",
                     status, ports, c.name])
    return _table(rows)


def _docker_network_ls(nets, seed) -> list[str]:
    rows = [["NETWORK ID", "NAME", "DRIVER", "SCOPE"]]
    extra = [(_hex(seed, "host"), "host", "host"), (_hex(seed, "none"), "none", "null")]
    for nid, name, driver in sorted([(n.id, n.name, "bridge") for n in nets] + extra,
                                    key=lambda t: t[1]):
        rows.append([nid[:12], name, driver, "local"])
    return _table(rows)


# --- iptables-save: Docker's rules, as tests/fixtures/reach/healthy holds them -------------------

_SAVED = "Tue Dec  1 12:41:09 2026"


def _iptables_save(nets, live) -> list[str]:
    """The filter and nat tables Docker (27, iptables-nft) writes for these networks and
    published ports, line for line as in tests/fixtures/reach/healthy/dump/iptables_save.txt:
    the newest network's rules first, a published port's DNAT to its first endpoint."""
    newest = list(reversed(nets))
    published = [(c, c.endpoints[0]) for c in live if c.port and c.endpoints]
    lines = [f"# Generated by iptables-save v1.8.9 (nf_tables) on {_SAVED}", "*filter",
             ":INPUT ACCEPT [0:0]", ":FORWARD DROP [3:204]", ":OUTPUT ACCEPT [0:0]",
             ":DOCKER - [0:0]", ":DOCKER-ISOLATION-STAGE-1 - [0:0]",
             ":DOCKER-ISOLATION-STAGE-2 - [0:0]", ":DOCKER-USER - [0:0]",
             "-A FORWARD -j DOCKER-USER", "-A FORWARD -j DOCKER-ISOLATION-STAGE-1"]
    for n in newest:
        b = n.bridge
        lines += [f"-A FORWARD -o {b} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
                  f"-A FORWARD -o {b} -j DOCKER", f"-A FORWARD -i {b} ! -o {b} -j ACCEPT",
                  f"-A FORWARD -i {b} -o {b} -j ACCEPT"]
    lines += [f"-A DOCKER -d {e.ip}/32 ! -i {e.net.bridge} -o {e.net.bridge} -p tcp -m tcp "
              f"--dport 80 -j ACCEPT" for c, e in published]
    lines += [f"-A DOCKER-ISOLATION-STAGE-1 -i {n.bridge} ! -o {n.bridge} -j "
              f"DOCKER-ISOLATION-STAGE-2" for n in newest]
    lines += ["-A DOCKER-ISOLATION-STAGE-1 -j RETURN"]
    lines += [f"-A DOCKER-ISOLATION-STAGE-2 -o {n.bridge} -j DROP" for n in newest]
    lines += ["-A DOCKER-ISOLATION-STAGE-2 -j RETURN", "-A DOCKER-USER -j RETURN", "COMMIT",
              f"# Completed on {_SAVED}",
              f"# Generated by iptables-save v1.8.9 (nf_tables) on {_SAVED}", "*nat",
              ":PREROUTING ACCEPT [0:0]", ":INPUT ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]",
              ":POSTROUTING ACCEPT [0:0]", ":DOCKER - [0:0]",
              "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER",
              "-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER"]
    lines += [f"-A POSTROUTING -s {n.subnet} ! -o {n.bridge} -j MASQUERADE" for n in newest]
    lines += [f"-A POSTROUTING -s {e.ip}/32 -d {e.ip}/32 -p tcp -m tcp --dport 80 -j MASQUERADE"
              for c, e in published]
    lines += [f"-A DOCKER -i {n.bridge} -j RETURN" for n in newest]
    lines += [f"-A DOCKER ! -i {e.net.bridge} -p tcp -m tcp --dport {c.port} -j DNAT "
              f"--to-destination {e.ip}:80" for c, e in published]
    lines += ["COMMIT", f"# Completed on {_SAVED}"]
    return lines


def _nft_ruleset(nets, live) -> list[str]:
    """The same rules as `nft list ruleset` prints them on that iptables-nft host, line for line
    as in tests/fixtures/reach/healthy/dump/nft_ruleset.txt: iptables-nft's two tables and no
    other (a host whose firewall is Docker's alone)."""
    newest = list(reversed(nets))
    published = [(c, c.endpoints[0]) for c in live if c.port and c.endpoints]
    count = "counter packets 0 bytes 0"
    lines = ["table ip nat {", "\tchain DOCKER {"]
    lines += [f'\t\tiifname "{n.bridge}" {count} return' for n in newest]
    lines += [f'\t\tiifname != "{e.net.bridge}" tcp dport {c.port} {count} dnat to {e.ip}:80'
              for c, e in published]
    lines += ["\t}", "", "\tchain POSTROUTING {",
              "\t\ttype nat hook postrouting priority srcnat; policy accept;"]
    lines += [f'\t\toifname != "{n.bridge}" ip saddr {n.subnet} {count} masquerade'
              for n in newest]
    lines += [f"\t\tip saddr {e.ip} ip daddr {e.ip} tcp dport 80 {count} masquerade"
              for c, e in published]
    lines += ["\t}", "", "\tchain PREROUTING {",
              "\t\ttype nat hook prerouting priority dstnat; policy accept;",
              f"\t\tfib daddr type local {count} jump DOCKER", "\t}", "", "\tchain OUTPUT {",
              "\t\ttype nat hook output priority -100; policy accept;",
              f"\t\tip daddr != 127.0.0.0/8 fib daddr type local {count} jump DOCKER", "\t}",
              "}", "table ip filter {", "\tchain DOCKER {"]
    lines += [f'\t\tiifname != "{e.net.bridge}" oifname "{e.net.bridge}" ip daddr {e.ip} '
              f"tcp dport 80 {count} accept" for c, e in published]
    lines += ["\t}", "", "\tchain DOCKER-ISOLATION-STAGE-1 {"]
    lines += [f'\t\tiifname "{n.bridge}" oifname != "{n.bridge}" {count} jump '
              f"DOCKER-ISOLATION-STAGE-2" for n in newest]
    lines += [f"\t\t{count} return", "\t}", "", "\tchain DOCKER-ISOLATION-STAGE-2 {"]
    lines += [f'\t\toifname "{n.bridge}" {count} drop' for n in newest]
    lines += [f"\t\t{count} return", "\t}", "", "\tchain FORWARD {",
              "\t\ttype filter hook forward priority filter; policy drop;",
              f"\t\t{count} jump DOCKER-USER", f"\t\t{count} jump DOCKER-ISOLATION-STAGE-1"]
    for n in newest:
        b = n.bridge
        lines += [f'\t\toifname "{b}" ct state related,established {count} accept',
                  f'\t\toifname "{b}" {count} jump DOCKER',
                  f'\t\tiifname "{b}" oifname != "{b}" {count} accept',
                  f'\t\tiifname "{b}" oifname "{b}" {count} accept']
    lines += ["\t}", "", "\tchain DOCKER-USER {", f"\t\t{count} return", "\t}", "}"]
    return lines


# --- docker JSON: real records with their values replaced -----------------------------------------

def _templates() -> dict:
    inspect = json.loads((_TEMPLATE_DUMP / "docker_inspect.json").read_text())
    networks = json.loads((_TEMPLATE_DUMP / "docker_network_inspect.json").read_text())
    by_name = {c["Name"]: c for c in inspect}
    nets = {n["Name"]: n for n in networks}
    return {"running": by_name["/np-api"], "exited": by_name["/np-exited"],
            "bridge": nets["bridge"], "user": nets["np-front"]}


def _docker_inspect(ctrs, seed) -> str:
    t = _templates()
    out = []
    for c in ctrs:
        d = copy.deepcopy(t["running" if c.running else "exited"])
        old = d["Id"]
        d["Id"] = c.id
        d["Name"] = "/" + c.name
        for key in ("ResolvConfPath", "HostnamePath", "HostsPath", "LogPath"):
            d[key] = d[key].replace(old, c.id)
        d["Config"]["Hostname"] = c.id[:12]
        d["State"]["Pid"] = 10000 + c.index if c.running else 0
        first = c.endpoints[0].net
        d["HostConfig"]["NetworkMode"] = "default" if first.name == "bridge" else first.name
        ns = d["NetworkSettings"]
        sandbox = _hex(seed, "sandbox", c.index)
        ns["SandboxID"] = sandbox
        ns["SandboxKey"] = f"/var/run/docker/netns/{sandbox[:12]}"
        if c.port:
            d["HostConfig"]["PortBindings"] = {"80/tcp": [{"HostIp": "", "HostPort": str(c.port)}]}
            d["Config"]["ExposedPorts"] = {"80/tcp": {}}
            if c.running:
                ns["Ports"] = {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": str(c.port)},
                                          {"HostIp": "::", "HostPort": str(c.port)}]}
        template_ep = next(iter(d["NetworkSettings"]["Networks"].values()))
        ns["Networks"] = {}
        for e in c.endpoints:
            ep = copy.deepcopy(template_ep)
            ep.update(IPAMConfig=None, NetworkID=e.net.id, DriverOpts=None,
                      Aliases=None if e.net.name == "bridge" else [c.id[:12]])
            if c.running:
                ep.update(EndpointID=e.endpoint_id, Gateway=str(e.net.gateway),
                          IPAddress=str(e.ip), IPPrefixLen=e.net.subnet.prefixlen,
                          MacAddress=e.mac, IPv6Gateway="", GlobalIPv6Address="",
                          GlobalIPv6PrefixLen=0)
            ns["Networks"][e.net.name] = ep
        bridge = ns["Networks"].get("bridge") if c.running else None
        # The engine repeats the default bridge's endpoint at the top of NetworkSettings.
        ns.update(EndpointID=bridge["EndpointID"] if bridge else "",
                  Gateway=bridge["Gateway"] if bridge else "",
                  IPAddress=bridge["IPAddress"] if bridge else "",
                  IPPrefixLen=bridge["IPPrefixLen"] if bridge else 0,
                  MacAddress=bridge["MacAddress"] if bridge else "")
        out.append(d)
    return json.dumps(out, indent=4) + "\n"


def _docker_network_inspect(nets, ctrs) -> str:
    t = _templates()
    out = []
    for n in nets:
        d = copy.deepcopy(t["bridge" if n.name == "bridge" else "user"])
        d["Name"], d["Id"] = n.name, n.id
        config = {"Subnet": str(n.subnet), "Gateway": str(n.gateway)}
        d["IPAM"]["Config"] = [config]
        if n.name != "bridge":
            d["Options"], d["EnableIPv6"] = {}, False
        d["Containers"] = {
            c.id: {"Name": c.name, "EndpointID": e.endpoint_id, "MacAddress": e.mac,
                   "IPv4Address": f"{e.ip}/{n.subnet.prefixlen}", "IPv6Address": ""}
            for c in ctrs if c.running for e in c.endpoints if e.net is n}
        out.append(d)
    return json.dumps(out, indent=4) + "\n"


# --- inside each container: BusyBox ----------------------------------------------------------------

def _inside_ip_addr(c: Ctr) -> list[str]:
    lines = ["1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000",
             "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00",
             "    inet 127.0.0.1/8 scope host lo",
             "       valid_lft forever preferred_lft forever"]
    for e in c.endpoints:
        lines += [f"{e.inner_ifindex}: {e.inner}@if{e.veth_ifindex}: "
                  "<BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue ",
                  f"    link/ether {e.mac} brd ff:ff:ff:ff:ff:ff",
                  f"    inet {e.ip}/{e.net.subnet.prefixlen} brd {e.net.subnet.broadcast_address} "
                  f"scope global {e.inner}",
                  "       valid_lft forever preferred_lft forever"]
    return lines


def _inside_route_n(c: Ctr) -> list[str]:
    first = c.endpoints[0]
    lines = ["Kernel IP routing table",
             "Destination     Gateway         Genmask         Flags Metric Ref    Use Iface",
             _route_n_row("0.0.0.0", str(first.net.gateway), "0.0.0.0", "UG", first.inner)]
    for e in c.endpoints:
        lines.append(_route_n_row(str(e.net.subnet.network_address), "0.0.0.0",
                                  str(e.net.subnet.netmask), "U", e.inner))
    return lines


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--containers", "-n", type=int, default=10)
    ap.add_argument("--networks", "-m", type=int, default=2)
    ap.add_argument("--routes", "-r", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-firewall", action="store_true", help="no iptables_save.txt nor nft_ruleset.txt")
    a = ap.parse_args(argv)
    dump = generate(a.out, a.containers, a.networks, a.routes, a.seed, not a.no_firewall)
    size = sum(p.stat().st_size for p in dump.path.rglob("*") if p.is_file())
    print(f"{dump.path}: {len(dump.containers)} containers, {len(dump.networks)} networks, "
          f"{sum(len(c.endpoints) for c in dump.containers if c.running)} veths, "
          f"{size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
