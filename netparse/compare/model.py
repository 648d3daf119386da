"""What `netparse diff` answers: the object changes between two dumps, and what they did to the
findings and to reachability.

These models are the versioned JSON contract (`netparse schema diff`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from netparse.analysis.model import Finding
from netparse.models.base import IPAddress, Model
from netparse.reach.model import Disposition, Verdict

DIFF_VERSION = "1.0"

Value = str | int | bool | list[str] | dict[str, str | int | bool | list[str] | None] | None


class Mark(StrEnum):
    ADDED = "+"
    REMOVED = "-"
    CHANGED = "~"


class Change(Model):
    """One object that is on one side only, or on both with other values."""

    kind: str = Field(description="container, network, bridge, endpoint, veth, interface, "
                                  "route, firewall rule, firewall policy, nft rule, nft chain, "
                                  "sysctl, ip rule, engine")
    subject: str = Field(description="The object's stable identity: a name, `container on "
                                     "network`, `table destination`, `table chain: rule`, a key")
    change: Mark = Field(description="+ added, - removed, ~ changed")
    before: Value = Field(description="Its value before (for ~, the attributes that changed); "
                                      "null when added")
    after: Value = Field(description="Its value after; null when removed")
    evidence: list[str] = Field(default_factory=list,
                                description="Where each side's value was read: `before: "
                                            "capture:line`, `after: capture:line`")


class FindingChanges(Model):
    new: list[Finding] = Field(default_factory=list, description="Findings of AFTER only")
    resolved: list[Finding] = Field(default_factory=list, description="Findings of BEFORE only")


class PathChange(Model):
    """A path of `netparse reach` whose verdict is not the same on both sides."""

    from_: str = Field(alias="from", serialization_alias="from",
                       description="Container name, or the client address")
    to: str
    network: str | None = None
    address: IPAddress
    port: int | None = None
    protocol: str = "icmp"
    verdict: Verdict | None = Field(description="Its verdict after; null when the path is gone "
                                                "(its container stopped, removed or renumbered)")
    disposition: Disposition | None = None
    breaks_at: str | None = Field(None, description="What breaks it after (lost paths)")
    before_verdict: Verdict | None = Field(description="Its verdict before; null when the path "
                                                       "is new")
    explained_by: list[str] = Field(default_factory=list,
                                    description="The changes that explain it, each `kind: "
                                                "subject` of an entry of `changes`")

    model_config = {"populate_by_name": True}


class Reachability(Model):
    lost: list[PathChange] = Field(default_factory=list,
                                   description="Reachable before, not after")
    gained: list[PathChange] = Field(default_factory=list,
                                     description="Reachable after, not before")


class DiffReport(Model):
    schema_version: Literal["1.0"] = DIFF_VERSION
    before: str = Field(description="What was read as BEFORE")
    after: str = Field(description="What was read as AFTER")
    changes: list[Change] = Field(default_factory=list)
    findings: FindingChanges = Field(default_factory=FindingChanges)
    reachability: Reachability = Field(default_factory=Reachability)
    incomplete: list[str] = Field(default_factory=list,
                                  description="What could not be compared, and why: a capture "
                                              "on one side only, a verdict unknown on one side. "
                                              "Never read as unchanged")
