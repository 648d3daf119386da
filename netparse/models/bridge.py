"""Linux bridges: `brctl show`, `bridge link show`, `bridge fdb show`."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import ConfigDict, Field

from netparse.models.base import Capture, IPAddress, MacAddress, Model
from netparse.models.link import LinkFlag


class BrctlBridge(Model):
    name: str
    bridge_id: str = Field(description="As printed: priority and MAC in hex, e.g. 8000.0242c1cb9e18")
    priority: int = Field(description="Bridge priority, the first four hex digits of the id")
    mac: MacAddress = Field(description="Bridge MAC, the last twelve hex digits of the id")
    stp: bool
    interfaces: list[str] = Field(default_factory=list, description="Ports, in capture order")


class BrctlShow(Capture):
    """`brctl show`."""

    kind: Literal["brctl_show"] = "brctl_show"
    bridges: list[BrctlBridge] = Field(default_factory=list)


class FdbState(StrEnum):
    """Neighbour state of an fdb entry, as `bridge fdb` names it."""

    PERMANENT = "permanent"  # local address of the bridge or a port
    STATIC = "static"
    STALE = "stale"
    DYNAMIC = "dynamic"      # learned and reachable; iproute2 prints no word for it


class FdbFlag(StrEnum):
    """Flag words of an fdb entry other than `self`."""

    ROUTER = "router"
    EXTERN_LEARN = "extern_learn"
    OFFLOAD = "offload"
    MASTER = "master"        # the bare `master` word, without a bridge name after it
    STICKY = "sticky"
    LOCKED = "locked"
    ACTIVITY_NOTIFY = "activity_notify"
    INACTIVE = "inactive"


class FdbEntry(Model):
    """One line of `bridge fdb show`."""

    model_config = ConfigDict(populate_by_name=True)

    mac: MacAddress
    dev: str | None = Field(None, description="Port or device the entry belongs to "
                                              "(left out by `bridge fdb show dev X`)")
    dst: IPAddress | None = Field(
        None, description="Remote tunnel endpoint (VXLAN)")
    vlan: int | None = None
    port: int | None = Field(None, description="Remote UDP port (VXLAN)")
    vni: int | None = None
    src_vni: int | None = None
    via: str | None = Field(None, description="Outgoing device for the remote (`via DEV`, or "
                                              "`ifindex N` when it is in another namespace)")
    nhid: int | None = Field(None, description="Nexthop group id")
    link_netnsid: int | None = None
    used: int | None = Field(None, description="Seconds since last used (`bridge -s`)")
    updated: int | None = Field(None, description="Seconds since last updated (`bridge -s`)")
    self_: bool = Field(False, alias="self",
                        description="Entry of the device's own table (`self`), not the bridge's")
    flags: list[FdbFlag] = Field(default_factory=list)
    master: str | None = Field(None, description="Bridge whose table holds the entry")
    state: FdbState | None = Field(
        FdbState.DYNAMIC,
        description="None when iproute2 printed a raw `state=0x..` (kept in other)")
    other: list[str] = Field(default_factory=list, description="Words of the line not understood "
                                                               "as one of the fields above")


class BridgeFdb(Capture):
    """`bridge fdb show` (also with `-s`)."""

    kind: Literal["bridge_fdb"] = "bridge_fdb"
    entries: list[FdbEntry] = Field(default_factory=list)


class PortState(StrEnum):
    """STP state of a bridge port."""

    DISABLED = "disabled"
    LISTENING = "listening"
    LEARNING = "learning"
    FORWARDING = "forwarding"
    BLOCKING = "blocking"


class BridgePort(Model):
    """One interface of `bridge link show`, with its detail line (`-d`) if any."""

    ifindex: int
    name: str
    peer_ifindex: int | None = Field(None, description="From `name@ifN`: the peer's ifindex, "
                                                       "in the peer's namespace")
    peer: str | None = Field(None, description="What follows `@` when it is not `ifN`: "
                                               "the peer's name, or NONE")
    flags: list[LinkFlag] = Field(default_factory=list)
    other_flags: list[str] = Field(default_factory=list,
                                   description="Flag words that are not known kernel flags")
    mtu: int | None = None
    master: str | None = Field(None, description="Bridge the port belongs to")
    state: PortState | None = Field(None, description="None when no state is printed, or when "
                                                      "it is a number (kept in options)")
    priority: int | None = None
    cost: int | None = None
    options: dict[str, str] = Field(
        default_factory=dict, description="Other settings as printed: the detail line of `-d` "
        "(hairpin off, learning on, ...) and words such as hwmode")

    @property
    def up(self) -> bool:
        return LinkFlag.UP in self.flags


class BridgeLink(Capture):
    """`bridge link show` (also `-d`, `-s`)."""

    kind: Literal["bridge_link"] = "bridge_link"
    ports: list[BridgePort] = Field(default_factory=list)
