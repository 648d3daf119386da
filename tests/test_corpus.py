"""Every real output in the shared peer corpus parses with the parser of its command, fully."""

import pytest

import netparse
from tests.conftest import CORPUS
from tests.reach import mobydoc

# Corpus files by the kind of their command. ifconfig outputs are in the corpus too, but no
# netparse kind reads ifconfig, so they are not listed.
KIND_OF = {
    "jc/centos-7.7_ip_route.txt": "ip_route",
    "jc/centos-7.7_netstat-r.txt": "route_n",
    "jc/centos-7.7_netstat-rne.txt": "route_n",
    "jc/centos-7.7_netstat-rnee.txt": "route_n",
    "jc/centos-7.7_route-6-n.txt": "route_n",
    "jc/centos-7.7_route-6.txt": "route_n",
    "jc/centos-7.7_route-vn.txt": "route_n",
    "jc/centos-7.7_route.txt": "route_n",
    "jc/nixos_route-ee.txt": "route_n",
    "jc/ubuntu-18.04_route.txt": "route_n",
    "ntc-templates/busybox_ip_address_show.txt": "ip_addr",
    "ntc-templates/busybox_ip_link_show.txt": "ip_link",
    "ntc-templates/linux_ip_address_show.txt": "ip_addr",
    "ntc-templates/linux_ip_address_show2.txt": "ip_addr",
    "ntc-templates/linux_ip_link_show.txt": "ip_link",
    "ntc-templates/linux_ip_link_show_2.txt": "ip_link",
    "ntc-templates/linux_ip_route_show.txt": "ip_route",
    "ntc-templates/linux_ip_route_show2.txt": "ip_route",
    "ntc-templates/linux_ip_route_show_linkdown.txt": "ip_route",
    "ttp_templates/ip_address_show_multiple_addresses.txt": "ip_addr",
    "other/genieparser_IpRouteShowTableAll_golden_output.txt": "ip_route",
    "other/genieparser_Route_golden_output.txt": "route_n",
    "other/insights-core_brctl_show_spaces.txt": "brctl_show",
    "other/insights-core_brctl_show_tabs.txt": "brctl_show",
    "other/insights-core_docker_ps_notrunc_size.txt": "docker_ps",
    "other/ryan4yin_brctl_show_after_compose.txt": "brctl_show",
    "other/ryan4yin_ip_addr_after_compose_excerpt.txt": "ip_addr",
    "other/ryan4yin_ip_route_after_compose.txt": "ip_route",
    "other/zdq0394_brctl_show_tabs_mixed.txt": "brctl_show",
    "other/zdq0394_container_busybox_ip_a.txt": "ip_addr",
    "other/zdq0394_docker_network_inspect_bridge.txt": "docker_network_inspect",
    "other/zdq0394_host_ip_a_veth_excerpt.txt": "ip_addr",
    "other/zdq0394_netns_ip_a.txt": "ip_addr",
}
UNREAD = {"jc/centos-7.7_ifconfig.txt", "jc/ubuntu-16.04_ifconfig.txt",
          "jc/ubuntu-18.04_ifconfig.txt", "other/genieparser_Ifconfig_golden_output.txt"}

corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no peer corpus at {CORPUS}")


@corpus
def test_every_corpus_file_is_listed():
    found = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*.txt")
             if p.relative_to(CORPUS).parts[0] != "moby"}
    assert found == set(KIND_OF) | UNREAD


@corpus
@pytest.mark.parametrize("name", sorted(KIND_OF))
def test_corpus_file_parses_fully(name):
    text = (CORPUS / name).read_bytes()
    model = netparse.parse(text, KIND_OF[name], strict=True)
    assert model.kind == KIND_OF[name]
    assert model.model_dump(mode="json")  # the model serialises


@corpus
@pytest.mark.parametrize("name", sorted(KIND_OF))
def test_corpus_file_kind_is_detected(name):
    assert netparse.detect((CORPUS / name).read_bytes()) == KIND_OF[name]


# The listings of moby's generated firewall documents (tests/fixtures/moby/, one folder per
# Docker rule layout): `iptables -vL --line-numbers` (with and without -n) and `iptables -S`,
# as each Docker version wrote its rules. Their kind is told by content.
MOBY = [(doc, block) for path in mobydoc.documents("iptables")
        for doc in [mobydoc.load(path)] for block in doc.listings()]


def test_there_are_moby_listings():
    assert len({d.version for d, _ in MOBY}) >= 4 and len(MOBY) >= 150


@pytest.mark.parametrize("doc,block", MOBY, ids=[f"{d.where}:{b.line}" for d, b in MOBY])
def test_moby_listing_is_told_and_parses_fully(doc, block):
    kind = netparse.detect(block.text)
    assert kind in mobydoc.FIREWALL
    netparse.parse(block.text, kind, strict=True)
