#!/bin/sh
# Real `ip addr` / `ip link` outputs for what the Docker fixtures (tests/fixtures) do not show:
# a veth pair inside one namespace (`v1@v2`), a veth whose peer was moved to a named namespace
# (`link-netns NAME`) and one moved to an unnamed one (`link-netnsid N`), a macvlan on a parent
# (`mv0@v2`), a bridge and its ports, a VXLAN device (detail line that is not key/value pairs),
# tun/tap devices (`link/none`), an alias and an altname, a DORMANT link mode, and addresses with
# a peer, a label of their own (`v2:web`), secondary, noprefixroute, metric, lifetimes and a
# deprecated IPv6 address. Each is printed plain, with -d, -o, -j and by BusyBox.
# Everything runs in private network and mount namespaces (unshare -n -m), so neither the host's
# network nor its /run/netns is touched; the namespaces go away with the shell.
# Needs root, iproute2, busybox, util-linux.
# Usage: sh tests/parsers/data/link/capture.sh   (writes beside this script)
set -eu
out=$(cd "$(dirname "$0")" && pwd)

unshare -n -m --propagation private sh -eu -c '
out=$1
mount -t tmpfs tmpfs /run
ip link set lo up
ip link add br0 type bridge
ip link add v1 type veth peer name v2
ip link set v1 master br0
ip link add mv0 link v2 type macvlan mode bridge
ip link add vx0 type vxlan id 42 dstport 4789 local 127.0.0.1 nolearning
ip link set vx0 master br0
ip tuntap add tun0 mode tun
ip tuntap add tap0 mode tap
ip link add c1 type veth peer name c2
ip netns add other
ip link set c2 netns other
ip link add u1 type veth peer name u2
unshare -n sleep 1000 & other=$!
sleep 1
ip link set u2 netns "$other"
ip link set dev v2 alias "uplink to the lab"
ip link property add dev v2 altname lab-uplink
ip link set dev tap0 mode dormant
for i in br0 v1 v2 mv0 vx0 tun0 tap0 c1 u1; do ip link set "$i" up; done
ip addr add 10.0.0.1/24 brd + dev v2
ip addr add 10.0.0.2/24 dev v2
ip addr add 10.0.0.3/24 dev v2 label v2:web
ip addr add 10.0.1.1/24 dev v2 noprefixroute metric 50
ip addr add 10.0.2.1/24 dev mv0 valid_lft 3600 preferred_lft 1800
ip addr add 10.9.9.1 peer 10.9.9.2/32 dev tun0
ip -6 addr add 2001:db8::1/64 dev v2 nodad
ip -6 addr add 2001:db8:1::1/64 dev v2 nodad preferred_lft 0
ip -6 addr add 2001:db8:2::1/64 dev br0
sleep 2
ip addr > "$out/ip_addr_netns.txt"
ip -d addr > "$out/ip_d_addr_netns.txt"
ip -o addr > "$out/ip_o_addr_netns.txt"
ip -j addr > "$out/ip_j_addr_netns.json"
ip link > "$out/ip_link_netns.txt"
ip -d link > "$out/ip_d_link_netns.txt"
ip -o -d link > "$out/ip_o_d_link_netns.txt"
ip -j -d link > "$out/ip_j_d_link_netns.json"
ip -s link > "$out/ip_s_link_netns.txt"
busybox ip addr > "$out/busybox_ip_addr_netns.txt"
busybox ip link > "$out/busybox_ip_link_netns.txt"
kill "$other"
' sh "$out"
