#!/bin/sh
# Real outputs for formats that the Docker fixtures (tests/fixtures) do not show:
#   - bridge: the detail line of `bridge -d link show`, fdb entries of a VXLAN port (dst, port),
#     static, extern_learn and learned (no state word) entries, `used` from `-s`, and
#     `bridge fdb show dev X`, which leaves the dev word out;
#   - sysctl: `sysctl -a` run as an unprivileged user with stderr kept (permission denied lines
#     among the settings, multi-line values), and `cannot stat` for a key that does not exist.
# The bridge part runs in a private network namespace (unshare -n), so the host's network is
# not touched; the namespace goes away with the shell. Needs root, iproute2, procps, util-linux.
# Usage: sh tests/parsers/data/bridge_sysctl/capture.sh   (writes beside this script)
set -eu
out=$(cd "$(dirname "$0")" && pwd)

unshare -n sh -eu -c '
out=$1
ip link add br0 type bridge
ip link add v1 type veth peer name v2
ip link set v1 master br0
ip link add vx0 type vxlan id 42 dstport 4789 local 127.0.0.1 nolearning
ip link set vx0 master br0
ip link set br0 up; ip link set v1 up; ip link set v2 up
bridge fdb add 02:00:00:00:00:0b dev v1 master dynamic
bridge fdb add 02:00:00:00:00:0e dev v1 master static
bridge fdb add 02:00:00:00:00:0f dev v1 master extern_learn
bridge fdb add 02:00:00:00:00:0c dev v2 self
bridge fdb append 00:00:00:00:00:00 dev vx0 dst 10.0.0.2 self permanent
bridge fdb add 02:00:00:00:00:0d dev vx0 dst 10.0.0.3 port 4790 self
sleep 1
bridge link show > "$out/bridge_link_netns.txt"
bridge -d link show > "$out/bridge_link_d_netns.txt"
bridge -s -s -d link show > "$out/bridge_link_ssd_netns.txt"
bridge fdb show > "$out/bridge_fdb_netns.txt"
bridge -s fdb show > "$out/bridge_fdb_s_netns.txt"
bridge fdb show dev v1 > "$out/bridge_fdb_dev_netns.txt"
' sh "$out"

setpriv --reuid=nobody --regid=nogroup --clear-groups sysctl -a > "$out/sysctl_a_nonroot.txt" 2>&1
sysctl net.ipv4.ip_forward net.ipv4.conf.np-gone0.forwarding net.ipv4.conf.all.forwarding > "$out/sysctl_missing_key.txt" 2>&1 || true
