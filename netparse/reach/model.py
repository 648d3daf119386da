"""What `netparse reach` and `netparse trace` answer: paths, each with its verdict and hops.

These models are the versioned JSON contract (`netparse schema reach`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from netparse.models.base import IPAddress, Model

REACH_VERSION = "1.0"


class Verdict(StrEnum):
    REACHABLE = "reachable"
    UNREACHABLE = "unreachable"
    UNKNOWN = "unknown"


class Disposition(StrEnum):
    """How a packet's walk ends, in Batfish's spirit."""

    DELIVERED = "delivered"          # to the container or the host address asked for
    EXITS_HOST = "exits host"        # leaves through an interface toward an outside address
    DENIED = "denied"                # a rule or a policy dropped or rejected it
    NO_ROUTE = "no route"            # no route, or a route of type unreachable/blackhole/prohibit
    NOT_FORWARDED = "not forwarded"  # forwarding is off on the host
    LINK_DOWN = "link down"          # a bridge, a veth or a port on the way is down or detached
    REPLY_LOST = "reply lost"        # the way there works, the reply cannot come back
    UNKNOWN = "unknown"              # depends on something not captured or not modelled


class Hop(Model):
    """One decision on the way: a route used, a rule that decided, an address rewritten."""

    direction: Literal["forward", "reply"] = "forward"
    at: str = Field(description="Where it happened: a container, the host, a bridge")
    step: str = Field(description="route, bridge, netfilter, nat, deliver, container-route")
    text: str = Field(description="What happened, with the rule or route responsible")
    evidence: str | None = Field(None, description="The capture (and line) it comes from")


class Path(Model):
    from_: str = Field(alias="from", serialization_alias="from",
                       description="Container name, or the client address")
    to: str = Field(description="Container name, or an address")
    network: str | None = Field(None, description="The destination's network, for containers")
    address: IPAddress = Field(description="Destination IP as sent")
    port: int | None = Field(None, description="Destination port (published host port), or "
                                               "null for a ping")
    protocol: str = "icmp"
    verdict: Verdict
    disposition: Disposition
    hops: list[Hop] = Field(default_factory=list)
    breaks_at: str | None = Field(None, description="The rule, route or link that breaks the "
                                                    "path; null when reachable")
    missing: list[str] = Field(default_factory=list,
                               description="What would settle an unknown verdict")

    model_config = {"populate_by_name": True}


def made(cls, fields: dict):
    """A model from values that are already what its fields hold (what `model_construct`
    does, without looking at each field's aliases and defaults: a report holds a million).
    Every field is set, so every model of the class shares one set of them."""
    m = cls.__new__(cls)
    object.__setattr__(m, "__dict__", fields)
    object.__setattr__(m, "__pydantic_fields_set__", _ALL[cls])
    object.__setattr__(m, "__pydantic_extra__", None)
    object.__setattr__(m, "__pydantic_private__", None)
    return m


_ALL = {Hop: set(Hop.model_fields), Path: set(Path.model_fields)}


class ReachReport(Model):
    schema_version: Literal["1.0"] = REACH_VERSION
    origin: str
    firewall: str | None = Field(None, description="The firewall capture the paths went through")
    paths: list[Path] = Field(default_factory=list)
