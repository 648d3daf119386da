"""nftables: `nft list ruleset` and `nft -j list ruleset`.

Rules are read as statements: the matches, counters, verdicts and NAT statements that Docker,
iptables-nft and firewalld write are typed; any other statement is kept verbatim and marked
`unknown`, never dropped.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from netparse.models.base import Capture, Model


class Statement(Model):
    """One statement of a rule: a match (`iifname != "docker0"`, `ip saddr 172.17.0.0/16`,
    `ct state established,related`, `tcp dport 8080`), `counter`, a verdict (`accept`,
    `jump DOCKER`), a verdict map (`oifname vmap @jumps`), NAT (`dnat to 192.0.2.2:80`,
    `masquerade`), or one netparse does not read (`unknown`)."""

    text: str = Field(description="As written (JSON: the expression, as JSON)")
    type: Literal["match", "counter", "verdict", "vmap", "nat", "comment", "unknown"]
    key: str | None = Field(None, description="What a match or vmap looks at: `iifname`, "
                                              "`ip saddr`, `ct state`, `tcp dport`, ...")
    op: str | None = Field(None, description="`==` (implicit in text), `!=`, `<`, ...")
    values: list[str] = Field(default_factory=list,
                              description="What it is compared with, each element of a "
                                          "`{ ... }` set, or `@name` of a named set or map")
    verdict: str | None = Field(None, description="accept, drop, return, jump, goto, ...")
    chain: str | None = Field(None, description="Of jump and goto")
    nat: str | None = Field(None, description="dnat, snat, masquerade, redirect")
    to: str | None = Field(None, description="A NAT statement's `to` address and port")
    packets: int | None = None
    bytes: int | None = None


class NftRule(Model):
    line: int = Field(description="Its line; for JSON, the line its object starts on")
    number: int = Field(description="Position in its chain, from 1")
    text: str | None = Field(None, description="The rule as written; None in JSON")
    handle: int | None = Field(None, description="`# handle N` (nft -a) or JSON's handle")
    statements: list[Statement] = Field(default_factory=list)
    comment: str | None = None


class NftChain(Model):
    name: str
    line: int
    handle: int | None = None
    type: str | None = Field(None, description="A base chain's type: filter, nat, route")
    hook: str | None = None
    priority: str | None = Field(None, description="As written: `filter`, `dstnat`, `-100`, "
                                                   "`srcnat + 1`")
    policy: str | None = None
    device: str | None = None
    rules: list[NftRule] = Field(default_factory=list)


class NftSet(Model):
    """A named set or map (`map: true`)."""

    name: str
    line: int
    map: bool = False
    handle: int | None = None
    type: str | None = Field(None, description="`ipv4_addr`, `ifname : verdict`, ...")
    flags: list[str] = Field(default_factory=list)
    elements: list[str] = Field(default_factory=list,
                                description="Each element as written (`\"docker0\" : jump x`)")


class NftTable(Model):
    family: str = Field(description="ip, ip6, inet, arp, bridge, netdev")
    name: str
    line: int
    handle: int | None = None
    flags: list[str] = Field(default_factory=list)
    chains: list[NftChain] = Field(default_factory=list)
    sets: list[NftSet] = Field(default_factory=list)

    def chain(self, name: str) -> NftChain | None:
        return next((c for c in self.chains if c.name == name), None)


class NftRuleset(Capture):
    """`nft list ruleset` (text, with or without -a) and `nft -j list ruleset` (JSON)."""

    kind: Literal["nft_ruleset"] = "nft_ruleset"
    json_format: bool = Field(False, description="Read from `nft -j`")
    version: str | None = Field(None, description="JSON's metainfo: nft's version")
    release: str | None = Field(None, description="JSON's metainfo: the release name")
    schema_version: int | None = Field(None, description="JSON's metainfo: json_schema_version")
    warnings: list[str] = Field(default_factory=list,
                                description="`# Warning: table ip nat is managed by iptables-nft,"
                                            " do not touch!` (standard error, when captured)")
    tables: list[NftTable] = Field(default_factory=list)

    def table(self, family: str, name: str) -> NftTable | None:
        return next((t for t in self.tables if (t.family, t.name) == (family, name)), None)
