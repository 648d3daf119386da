"""A sosreport layout built in tmp_path from real fixture captures, under sosreport's file names
(the command with `_` for spaces)."""

import os
import tarfile

import pytest

import netparse
from netparse import sources
from tests.conftest import CORPUS, FIXTURES

DUMP = FIXTURES / "dumps" / "user-networks"
CAPTURES = FIXTURES / "captures" / "user-networks"
HOST = FIXTURES / "captures" / "host-kinds"

# sosreport file -> the real capture put there: each capture was made by that very command (see
# the fixtures' manifest.json), or differs only in flags that do not change the kind.
READ = {
    "sos_commands/networking/ip_-o_addr": CAPTURES / "ip_o_addr.txt",
    "sos_commands/networking/ip_route_show_table_all": DUMP / "ip_route.txt",
    "sos_commands/networking/ip_-6_route_show_table_all": CAPTURES / "ip_6_route.txt",
    "sos_commands/networking/ip_-d_link_show": DUMP / "ip_link.txt",
    "sos_commands/networking/bridge_fdb_show": DUMP / "bridge_fdb.txt",
    "sos_commands/networking/bridge_link_show": DUMP / "bridge_link.txt",
    "sos_commands/networking/brctl_show": DUMP / "brctl_show.txt",
    "sos_commands/networking/netstat_-rn": CAPTURES / "netstat_rn.txt",
    "sos_commands/networking/namespaces/cni_a1/ip_netns_exec_cni_a1_ip_addr":
        CAPTURES / "containers" / "np-api" / "ip_addr_iproute2.txt",
    "sos_commands/docker/docker_ps": DUMP / "docker_ps.txt",
    "sos_commands/docker/docker_ps_-a_--no-trunc": DUMP / "docker_ps_a.txt",
    "sos_commands/docker/docker_network_ls": DUMP / "docker_network_ls.txt",
    "sos_commands/docker/docker_network_inspect_bridge":
        CAPTURES / "docker_network_inspect_bridge.json",
    "sos_commands/docker/containers/docker_inspect_np-api": DUMP / "docker_inspect.json",
    "sos_commands/kernel/sysctl_-a": CAPTURES / "sysctl_a.txt",
    "sos_commands/networking/ip_-4_rule_list": HOST / "ip_rule.txt",
    "sos_commands/docker/docker_info": HOST / "docker_info.txt",
    "sos_commands/docker/docker_version": HOST / "docker_version.txt",
}
KINDS = {
    "ip_-o_addr": ("ip_addr", "ip -o addr", None),
    "ip_route_show_table_all": ("ip_route", "ip route show table all", None),
    "ip_-6_route_show_table_all": ("ip_route", "ip -6 route show table all", None),
    "ip_-d_link_show": ("ip_link", "ip -d link show", None),
    "bridge_fdb_show": ("bridge_fdb", "bridge fdb show", None),
    "bridge_link_show": ("bridge_link", "bridge link show", None),
    "brctl_show": ("brctl_show", "brctl show", None),
    "netstat_-rn": ("route_n", "netstat -rn", None),
    # the namespace's name comes from its folder: underscores in the file name are ambiguous
    "ip_netns_exec_cni_a1_ip_addr": ("ip_addr", "ip netns exec cni_a1 ip addr", "netns:cni_a1"),
    "docker_ps": ("docker_ps", "docker ps", None),
    "docker_ps_-a_--no-trunc": ("docker_ps", "docker ps -a --no-trunc", None),
    "docker_network_ls": ("docker_network_ls", "docker network ls", None),
    "docker_network_inspect_bridge": ("docker_network_inspect", "docker network inspect bridge",
                                      None),
    # `docker inspect` could be a container or a network: the containers/ folder tells
    "docker_inspect_np-api": ("docker_inspect", "docker inspect np-api", None),
    "sysctl_-a": ("sysctl", "sysctl -a", None),
    "ip_-4_rule_list": ("ip_rule", "ip -4 rule list", None),
    "docker_info": ("docker_info", "docker info", None),
    "docker_version": ("docker_version", "docker version", None),
}
# Files a sosreport holds that are not read. Their content is borrowed from real captures of
# other commands on purpose: the file name alone must keep them out.
SKIPPED = {
    "sos_commands/networking/netstat_-W_-neopa": CAPTURES / "netstat_rne.txt",
    "sos_commands/networking/ip_-s_-s_neigh_show": DUMP / "ip_route.txt",
    "sos_commands/networking/ip_-s_-s_xfrm_policy": DUMP / "ip_route.txt",
    "sos_commands/docker/docker_system_df": DUMP / "docker_network_ls.txt",
    "sos_commands/docker/images/docker_inspect_netparse.bb": DUMP / "docker_inspect.json",
    "sos_commands/docker/docker_ps_-q": DUMP / "docker_ps.txt",
    "sos_logs/sos.log": DUMP / "README.md",
    "sos_reports/manifest.json": DUMP / "manifest.json",
    "version.txt": DUMP / "sysctl.txt",
    "etc/hosts": DUMP / "README.md",
    "proc/net/route": DUMP / "route_n.txt",
    "var/log/messages": DUMP / "README.md",
}
if CORPUS.is_dir():
    SKIPPED["sos_commands/networking/ifconfig_-a"] = CORPUS / "jc" / "centos-7.7_ifconfig.txt"


def _build(root):
    for name, source in {**READ, **SKIPPED}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(source.read_bytes())
    # a command that printed nothing
    (root / "sos_commands" / "networking" / "ip_-d_address").write_bytes(b"")
    # sosreport's shortcuts at the top, and hidden files copied from /etc
    (root / "ip_addr").symlink_to("sos_commands/networking/ip_-o_addr")
    (root / "etc" / "skel").mkdir(parents=True)
    (root / "etc" / "skel" / ".bashrc").write_bytes((DUMP / "README.md").read_bytes())
    return root


OTHER_FILES = len(SKIPPED) + 2


def _check(found, prefix):
    got = {i.path[len(prefix):]: i for i in found.items}
    assert sorted(got) == sorted(READ)
    for name, item in got.items():
        assert (item.kind, item.command, item.container) == KINDS[name.rsplit("/", 1)[1]], name
        assert item.data == READ[name].read_bytes()
        assert netparse.detect(item.data) == item.kind
    ignored = {i.path: i.reason for i in found.ignored}
    assert ignored == {
        prefix + "sos_commands/networking/ip_-d_address": "empty file",
        prefix.rstrip("/"): f"sosreport: {OTHER_FILES} other files are not outputs of commands "
                            f"netparse reads",
    }


def test_sosreport_folder(tmp_path):
    root = _build(tmp_path / "sosreport-vm-2026-11-29-abcdef")
    _check(sources.load(root), f"{root}/")


def test_sosreport_archive(tmp_path):
    root = _build(tmp_path / "sosreport-vm-2026-11-29-abcdef")
    archive = tmp_path / "sosreport-vm-2026-11-29-abcdef.tar.xz"
    with tarfile.open(archive, "w:xz") as tar:
        tar.add(root, arcname=root.name)
    _check(sources.load(archive), f"{archive}!{root.name}/")


def test_sosreport_without_its_top_folder(tmp_path):
    root = _build(tmp_path / "sos")
    found = sources.from_files({str(p.relative_to(root)).replace(os.sep, "/"): p.read_bytes()
                                for p in root.rglob("*") if p.is_file()})
    assert sorted(i.path for i in found.items) == sorted(READ)
    assert [i.path for i in found.ignored if i.reason.startswith("sosreport")] == ["upload"]


@pytest.mark.parametrize("name, kind", [
    ("ip_-d_address", "ip_addr"), ("ip_address", "ip_addr"), ("ip_-s_-d_link", "ip_link"),
    ("bridge_-s_-s_-d_link_show", "bridge_link"), ("bridge_-s_-s_-d_-t_fdb_show", "bridge_fdb"),
    ("bridge_-d_fdb_show", "bridge_fdb"), ("route_-n", "route_n"), ("sysctl_-a", "sysctl"),
    ("docker_ps_-a", "docker_ps"), ("netstat_-W_-neopa", None), ("ip_-s_-s_neigh_show", None),
    ("bridge_-d_vlan_show", None), ("tc_-s_qdisc_show", None), ("docker_info", "docker_info"),
    ("ip_-4_rule_list", "ip_rule"), ("ip_-6_rule_list", "ip_rule"),
    ("docker_version", "docker_version"), ("docker_system_df", None),
])
def test_sosreport_names(name, kind):
    assert sources.kind_of_command(name.replace("_", " ")) == kind
