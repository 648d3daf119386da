"""Linux bridges: `brctl show`, `bridge link show`, `bridge fdb show`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from netparse.models.base import Capture, MacAddress, Model


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
