#!/bin/sh
# Real routing-table outputs for routes the Docker fixtures (tests/fixtures) do not show: reject
# routes (blackhole, unreachable, prohibit, throw), multipath routes with their nexthop lines,
# a nexthop and a route that are linkdown, a dead nexthop, onlink, route metrics (mtu lock,
# advmss, rtt), an expiring IPv6 route, a nexthop object (nhid), another table, and the
# link-local network that `route` prints by its /etc/networks name. Each is printed by net-tools (route, netstat),
# BusyBox and iproute2 (also `ip -o route`, which puts the nexthops on the route's line, and
# `route -F -C`, which adds the header of the routing cache that kernels no longer keep).
# Everything runs in a private network namespace (unshare -n), so the host's network is not
# touched; the namespace goes away with the shell. Needs root, iproute2, net-tools, busybox,
# util-linux.
# Usage: sh tests/parsers/data/route/capture.sh   (writes beside this script)
set -eu
out=$(cd "$(dirname "$0")" && pwd)

unshare -n sh -eu -c '
out=$1
ip link set lo up
ip link add a0 type veth peer name b0
ip link add a1 type veth peer name b1
ip link add a2 type veth peer name b2
for i in a0 b0 a1 b1 a2 b2; do ip link set "$i" up; done
ip addr add 10.1.0.2/24 dev a0
ip addr add 10.2.0.2/24 dev a1
ip addr add 10.3.0.2/24 dev a2
ip -6 addr add 2001:db8:1::2/64 dev a0 nodad
ip -6 addr add 2001:db8:2::2/64 dev a1 nodad
ip route add default nexthop via 10.1.0.1 dev a0 weight 1 nexthop via 10.2.0.1 dev a1 weight 3
ip route add 10.9.0.0/16 via 10.9.0.1 dev a0 onlink
ip route add 10.90.0.0/16 nexthop via 10.1.0.1 dev a0 nexthop via 10.3.0.1 dev a2
ip route add 10.10.0.5 via 10.2.0.1 dev a1 metric 7 mtu lock 1400 advmss 1360 rtt 10ms
ip route add 169.254.0.0/16 dev a0 scope link metric 1000
ip route add blackhole 10.66.0.0/16
ip route add prohibit 10.67.0.0/16 metric 5
ip route add unreachable 10.68.0.0/16
ip route add throw 10.69.0.0/16 table 100
ip route add 10.70.0.0/16 via 10.1.0.1 dev a0 table 100
ip nexthop add id 10 via 10.1.0.1 dev a0
ip route add 10.80.0.0/16 nhid 10
ip -6 route add default nexthop via 2001:db8:1::1 dev a0 nexthop via 2001:db8:2::1 dev a1
ip -6 route add 2001:db8:99::/48 via 2001:db8:1::1 dev a0 expires 600
ip -6 route add 2001:db8:77::/48 via 2001:db8:1::1 dev a0 pref high
ip -6 route add blackhole 2001:db8:66::/48
ip -6 route add unreachable 2001:db8:68::/48
ip -6 route add prohibit 2001:db8:67::/48
# b1 down: a1 loses its carrier, so its routes and the nexthop through it are linkdown.
# a2 down: its own routes go, and the nexthop through it is dead (and linkdown).
ip link set b1 down
ip link set a2 down
sleep 1
ip route > "$out/ip_route_netns.txt"
ip route show table all > "$out/ip_route_table_all_netns.txt"
ip -6 route > "$out/ip_6_route_netns.txt"
ip -d route > "$out/ip_d_route_netns.txt"
ip -o route > "$out/ip_o_route_netns.txt"
busybox ip route > "$out/busybox_ip_route_netns.txt"
route -n > "$out/route_n_netns.txt"
route -n -F -C > "$out/route_n_fib_cache_netns.txt"
route > "$out/route_netns.txt"
route -ee -n > "$out/route_een_netns.txt"
route -6 -n > "$out/route_6_n_netns.txt"
route -6 > "$out/route_6_netns.txt"
netstat -rn > "$out/netstat_rn_netns.txt"
netstat -rnee > "$out/netstat_rnee_netns.txt"
busybox route -n > "$out/busybox_route_n_netns.txt"
busybox route > "$out/busybox_route_netns.txt"
busybox route -e > "$out/busybox_route_e_netns.txt"
busybox route -A inet6 > "$out/busybox_route_6_netns.txt"
' sh "$out"
