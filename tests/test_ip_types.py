"""The address unions of the models take objects as they are and still validate anything else."""

from ipaddress import IPv4Network, IPv6Interface, IPv6Network

import pytest
from pydantic import ValidationError

from netparse.models.link import Address
from netparse.models.route import IpRouteEntry


def test_objects_are_kept_text_is_read_and_the_wrong_type_is_refused():
    net = IPv6Network("fe80::/64")
    route = IpRouteEntry(family="inet6", destination=net)
    assert route.destination is net
    assert IpRouteEntry(family="inet", destination="10.0.0.0/8").destination == \
        IPv4Network("10.0.0.0/8")
    with pytest.raises(ValidationError):
        IpRouteEntry(family="inet", destination="02:42:ac:11:00:02")
    with pytest.raises(ValidationError):
        IpRouteEntry(family="inet", destination="10.0.0.1/8")  # host bits set
    address = Address(family="inet6", address="fe80::1/64")
    assert address.address == IPv6Interface("fe80::1/64")
    assert IpRouteEntry.model_validate_json(route.model_dump_json()) == route
