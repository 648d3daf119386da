"""Policy routing rules: `ip rule` (iproute2 and BusyBox), `ip -6 rule`, `ip -j rule`."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from netparse.models.base import Capture, IPNetwork, Model


class RuleAction(StrEnum):
    """What a rule does with a packet its selectors match."""

    LOOKUP = "lookup"            # look the destination up in `table`
    GOTO = "goto"                # go on at the rule of priority `goto`
    NOP = "nop"                  # nothing: a placeholder
    BLACKHOLE = "blackhole"      # drop silently
    UNREACHABLE = "unreachable"  # drop, answering "network unreachable"
    PROHIBIT = "prohibit"        # drop, answering "administratively prohibited"


class Rule(Model):
    """One line of `ip rule`: `PRIORITY: [not] from SRC [to DST] [selectors] ACTION`."""

    priority: int = Field(description="Rules are tried from the lowest priority up")
    invert: bool = Field(False, description="`not`: the rule applies to packets its selectors "
                                            "do not match")
    src: IPNetwork | None = Field(None, description="`from`; None for `from all`")
    dst: IPNetwork | None = Field(None, description="`to`; None when not printed (any)")
    fwmark: int | None = Field(None, description="`fwmark MARK[/MASK]`: the packet's mark")
    fwmask: int | None = Field(None, description="The mask after `/`; None means all bits")
    iif: str | None = Field(None, description="Incoming interface (`iif`)")
    iif_detached: bool = Field(False, description="`[detached]`: no interface of that name now")
    oif: str | None = Field(None, description="Outgoing interface (`oif`), for sockets bound to it")
    oif_detached: bool = False
    action: RuleAction = RuleAction.LOOKUP
    table: str | None = Field(None, description="`lookup TABLE`: a name from rt_tables (local, "
                                                "main, default) or a number, as printed")
    l3mdev: bool = Field(False, description="`lookup [l3mdev-table]`: the table of the VRF of "
                                            "the packet's device")
    suppress_prefixlength: int | None = Field(
        None, description="A route found in `table` with a prefix this long or shorter is ignored "
                          "(`suppress_prefixlength 0`: use the table but not its default route)")
    goto: int | None = Field(None, description="Priority `goto` jumps to; None for `goto none`")
    unresolved: bool = Field(False, description="`[unresolved]`: no rule has the `goto` priority")
    proto: str | None = Field(None, description="Who installed the rule (printed by `ip -d rule`, "
                                                "or when not the kernel)")
    options: dict[str, str] = Field(
        default_factory=dict,
        description="Other selectors and attributes, as printed: tos, uidrange, ipproto, sport, "
                    "dport, tun_id, suppress_ifgroup, realms, dscp, flowlabel, map-to")


class IpRule(Capture):
    """`ip rule [show|list]`, `ip -6 rule`, `ip -d rule`, `ip -j rule`, `busybox ip rule`."""

    kind: Literal["ip_rule"] = "ip_rule"
    rules: list[Rule] = Field(default_factory=list, description="In the order printed (priority)")

    def tables(self) -> list[str]:
        """The tables the rules look routes up in, each once, in rule order."""
        return list(dict.fromkeys(r.table for r in self.rules if r.table is not None))
