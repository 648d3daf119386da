r"""`ip link` (also `ip -o link`, `ip -d link`, `ip -j link`, BusyBox `ip link`) → IpLink: the
same interfaces as `ip addr` without addresses, read by `netparse.parsers.interfaces`.

Sample, lines 5-7 of tests/fixtures/captures/default-bridge/ip_o_link.txt (`ip -o link`)::

    5: docker0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default \    link/ether 02:42:93:a0:2d:5e brd ff:ff:ff:ff:ff:ff
    50: vethab599f5@if49: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master docker0 state UP mode DEFAULT group default \    link/ether ee:c9:3b:7d:22:20 brd ff:ff:ff:ff:ff:ff link-netnsid 0
    52: veth838a99c@if51: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master docker0 state UP mode DEFAULT group default \    link/ether de:f8:35:9e:bb:6b brd ff:ff:ff:ff:ff:ff link-netnsid 1

>>> m = parse(SAMPLE)
>>> [(i.name, i.master, i.peer_ifindex) for i in m.interfaces]
[('docker0', None, None), ('vethab599f5', 'docker0', 49), ('veth838a99c', 'docker0', 51)]
"""

from __future__ import annotations

from netparse.models.base import typed
from netparse.models.link import IpLink
from netparse.parsers._common import docstring_sample
from netparse.parsers.interfaces import parse_interfaces

KIND = "ip_link"
MODEL = IpLink
SAMPLE = docstring_sample(__doc__)


def parse(text: str) -> IpLink:
    interfaces, unparsed = parse_interfaces(text)
    return typed(IpLink, {"interfaces": interfaces, "unparsed": unparsed})
