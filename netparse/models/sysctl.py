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

    @property
    def bridge_nf_call_ip6tables(self) -> bool | None:
        """Whether bridged IPv6 traffic goes through ip6tables (br_netfilter loaded and on)."""
        return self.flag("net.bridge.bridge-nf-call-ip6tables")

    def per_interface(self, family: str, name: str) -> dict[str, str]:
        """`net.<family>.conf.<interface>.<name>` by interface (`all`, `default` and each
        interface), as printed. sysctl writes a dot in an interface name as `/`
        (`net.ipv4.conf.eth0/100.rp_filter`); the name comes back with its dot."""
        found: dict[str, str] = {}
        for key, value in self.settings.items():
            if key.startswith("net/"):  # written with slashes: dots are the name's own
                parts = key.split("/")
                interface = "/".join(parts[3:-1])
            else:
                parts = key.split(".")
                interface = ".".join(parts[3:-1]).replace("/", ".")
            if parts[:3] == ["net", family, "conf"] and parts[-1] == name and interface:
                found.setdefault(interface, value)
        return found

    def _flags(self, family: str, name: str) -> dict[str, bool | None]:
        return {interface: {"0": False, "1": True}.get(value.strip())
                for interface, value in self.per_interface(family, name).items()}

    @property
    def ipv4_forwarding(self) -> dict[str, bool | None]:
        """`net.ipv4.conf.*.forwarding` by interface; `all` is net.ipv4.ip_forward."""
        return self._flags("ipv4", "forwarding")

    @property
    def ipv6_forwarding(self) -> dict[str, bool | None]:
        """`net.ipv6.conf.*.forwarding` by interface."""
        return self._flags("ipv6", "forwarding")

    @property
    def route_localnet(self) -> dict[str, bool | None]:
        """`net.ipv4.conf.*.route_localnet` by interface: whether 127.0.0.0/8 may be routed
        there (Docker turns it on for a bridge when it publishes ports on 127.0.0.1 without the
        userland proxy)."""
        return self._flags("ipv4", "route_localnet")

    @property
    def rp_filter(self) -> dict[str, int | None]:
        """`net.ipv4.conf.*.rp_filter` by interface: 0 off, 1 strict, 2 loose. The kernel uses
        the higher of `all` and the interface's own."""
        return {interface: int(value) if value.strip() in ("0", "1", "2") else None
                for interface, value in self.per_interface("ipv4", "rp_filter").items()}
