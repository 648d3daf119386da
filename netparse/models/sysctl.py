"""Kernel settings: `sysctl KEY...`, `sysctl -a`, `sysctl -p`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from netparse.models.base import Capture, Model, UnparsedLine


class SysctlError(Model):
    """A `sysctl: ...` message printed among the settings (stderr captured with 2>&1)."""

    line: int
    key: str | None = Field(None, description="The key the message is about, when it names one")
    message: str = Field(description="The text after `sysctl: `")


class Sysctl(Capture):
    """`sysctl` output: one `key = value` per line."""

    kind: Literal["sysctl"] = "sysctl"
    settings: dict[str, str] = Field(
        default_factory=dict,
        description="Value of each key, as printed (tabs inside kept, trailing white space "
                    "dropped, `(none)` kept, empty when nothing follows `=`). sysctl prints a "
                    "value of several lines as several lines with the same key; those are "
                    "joined with newlines.")
    errors: list[SysctlError] = Field(default_factory=list)
    overridden: list[UnparsedLine] = Field(
        default_factory=list,
        description="Lines whose key appears again further down: the later value is kept")

    def get(self, key: str, default: str | None = None) -> str | None:
        """The value of `key`, written with dots or slashes (`net/ipv4/ip_forward`)."""
        for candidate in (key, key.replace("/", "."), key.replace(".", "/")):
            if candidate in self.settings:
                return self.settings[candidate]
        return default

    def flag(self, key: str) -> bool | None:
        """A 0/1 setting as a bool; None when missing or not 0/1."""
        return {"0": False, "1": True}.get((self.get(key) or "").strip())

    @property
    def ip_forward(self) -> bool | None:
        return self.flag("net.ipv4.ip_forward")

    @property
    def bridge_nf_call_iptables(self) -> bool | None:
        """Whether bridged IPv4 traffic goes through iptables (br_netfilter loaded and on)."""
        return self.flag("net.bridge.bridge-nf-call-iptables")
