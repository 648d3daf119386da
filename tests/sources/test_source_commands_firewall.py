"""Firewall command lines: listings are captures of their kind, changes are not."""

import pytest

from netparse.sources import kind_of_name
from netparse.sources.commands import identify


@pytest.mark.parametrize("cmdline, kind", [
    ("iptables-save", "iptables_save"),
    ("iptables-save -c", "iptables_save"),
    ("iptables-save --counters -t nat", "iptables_save"),
    ("sudo iptables-save -t filter", "iptables_save"),
    ("ip6tables-save", "iptables_save"),
    ("iptables-legacy-save", "iptables_save"),
    ("iptables-nft-save -c", "iptables_save"),
    ("/usr/sbin/ip6tables-legacy-save", "iptables_save"),
    ("iptables -S", "iptables_save"),
    ("iptables -t nat -S DOCKER", "iptables_save"),
    ("iptables -S -v", "iptables_save"),
    ("iptables -L", "iptables_list"),
    ("iptables -L -n", "iptables_list"),
    ("iptables -L -n -v --line-numbers", "iptables_list"),
    ("iptables -t nat -L -n -v -x", "iptables_list"),
    ("iptables -nvL --line-numbers", "iptables_list"),
    ("iptables -vnxL -t nat", "iptables_list"),
    ("iptables -L FORWARD -nv", "iptables_list"),
    ("iptables -w -L -n", "iptables_list"),
    ("iptables -w 5 -L -n", "iptables_list"),
    ("ip6tables -L -n -v", "iptables_list"),
    ("iptables-legacy -L -n", "iptables_list"),
    ("iptables --list --numeric --verbose", "iptables_list"),
    ("nft list ruleset", "nft_ruleset"),
    ("nft -a list ruleset", "nft_ruleset"),
    ("nft -j list ruleset", "nft_ruleset"),
    ("nft --json list ruleset | jq .", "nft_ruleset"),
    ("nft list table ip filter", "nft_ruleset"),
    ("sudo nft -nn list ruleset inet", "nft_ruleset"),
])
def test_firewall_listings_are_captures(cmdline, kind):
    command = identify(cmdline)
    assert command.capture and command.kind == kind, command.reason


@pytest.mark.parametrize("cmdline", [
    "iptables -A FORWARD -j DROP",
    "iptables -I DOCKER-USER -s 172.17.0.0/16 -j DROP",
    "iptables -D DOCKER-USER 1",
    "iptables -t nat -F",
    "iptables -N np-chain",
    "iptables -P FORWARD ACCEPT",
    "iptables -L -Z",
    "iptables -Z",
    "iptables",
    "iptables -L -S",
    "iptables-save -f /tmp/rules",
    "iptables-save > /tmp/rules",
    "iptables-restore < rules",
    "iptables -V",
    "nft add rule ip filter FORWARD drop",
    "nft flush ruleset",
    "nft -f /etc/nftables.conf",
    "nft -c -f rules.nft",
    "nft list tables",
    "nft",
])
def test_firewall_changes_are_not_captures(cmdline):
    command = identify(cmdline)
    assert not command.capture and command.kind is None
    assert command.reason


@pytest.mark.parametrize("name, kind", [
    ("iptables_save.txt", "iptables_save"), ("ip6tables_save.txt", "iptables_save"),
    ("iptables_legacy_save.txt", "iptables_save"), ("nft_ruleset.txt", "nft_ruleset"),
    ("iptables_-t_nat_-nvL", "iptables_list"),  # as a sosreport names it
    ("iptables_-vnxL", "iptables_list"), ("nft_list_ruleset", "nft_ruleset"),
    ("ip6tables-save", "iptables_save"),
])
def test_file_names_of_firewall_captures(name, kind):
    assert kind_of_name(name)[0] == kind
