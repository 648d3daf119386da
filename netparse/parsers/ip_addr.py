"""`ip addr` (also `ip -o addr`, `ip -d addr`, `ip -j addr`, BusyBox `ip addr`) → IpAddr: the
interfaces and their addresses, read by `netparse.parsers.interfaces`.

Sample, lines 1-4 and 11-14 of tests/fixtures/dumps/default-bridge/ip_addr.txt::

    1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
        link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
        inet 127.0.0.1/8 scope host lo
           valid_lft forever preferred_lft forever
    4: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1400 qdisc pfifo_fast state UP group default qlen 1000
        link/ether 02:fc:00:00:00:01 brd ff:ff:ff:ff:ff:ff
        inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0
           valid_lft forever preferred_lft forever

>>> m = parse(SAMPLE)
>>> [(i.name, [str(a.address) for a in i.addresses]) for i in m.interfaces]
[('lo', ['127.0.0.1/8']), ('eth0', ['192.0.2.2/24'])]
"""

from __future__ import annotations

from netparse.models.base import typed
from netparse.models.link import IpAddr
from netparse.parsers._common import docstring_sample
from netparse.parsers.interfaces import parse_interfaces

KIND = "ip_addr"
MODEL = IpAddr
SAMPLE = docstring_sample(__doc__)


def parse(text: str) -> IpAddr:
    interfaces, unparsed = parse_interfaces(text)
    return typed(IpAddr, {"interfaces": interfaces, "unparsed": unparsed})
