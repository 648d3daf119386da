"""iptables rules: `iptables-save` / `ip6tables-save` (and `iptables -S`), and `iptables -L`.

Every rule keeps its text and line number, so that a later reader can cite "chain X rule N:
<text>"; the typed fields say what the rule matches, as far as netparse reads it. A match module
or target option netparse does not read is kept verbatim and marked `unknown`, never dropped.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from netparse.models.base import Capture, IPAddress, IPNetwork, Model


class Counters(Model):
    """Packets and bytes (`[p:b]` of iptables-save -c, the pkts/bytes columns of iptables -L)."""

    packets: int
    bytes: int


class InterfaceMatch(Model):
    """`-i`/`-o` (and physdev's interfaces): `! -i docker0`, `-o veth+`."""

    name: str = Field(description="As written, without the `+` of a wildcard")
    negated: bool = False
    wildcard: bool = Field(False, description="`name+`: every interface whose name starts so")


class AddressMatch(Model):
    """`-s`/`-d`: `! -d 127.0.0.0/8`."""

    network: IPNetwork
    negated: bool = False


class ProtocolMatch(Model):
    """`-p tcp`, `! -p udp`, `-p 47` (a number stays text, as printed: iptables 1.8.9 lists
    every protocol by number with -n, `0` for all, `6` for tcp)."""

    name: str
    negated: bool = False


class PortRange(Model):
    first: int
    last: int


class PortMatch(Model):
    """`--dport 80`, `! --sport 1024:65535`, multiport's `--dports 80,443,8000:8080`."""

    ranges: list[PortRange]
    negated: bool = False


class WordsMatch(Model):
    """A negatable list of words: `--ctstate RELATED,ESTABLISHED`, `--dst-type LOCAL`."""

    values: list[str]
    negated: bool = False


class FlagMatch(Model):
    """A negatable flag: physdev's `--physdev-is-bridged`, `! --physdev-is-in`."""

    negated: bool = False


class SetMatch(Model):
    """`-m set [!] --match-set NAME src,dst`."""

    name: str
    directions: list[str] = Field(description="`src`/`dst` of each dimension of the set")
    negated: bool = False


class Option(Model):
    """An option netparse does not type: its name (with dashes), value words and `!`."""

    name: str
    values: list[str] = Field(default_factory=list)
    negated: bool = False


class Match(Model):
    """One match module of a rule, `-m NAME` and its options (or the options that follow `-p tcp`
    without `-m`). Known options are typed; the others are in `options`."""

    module: str
    text: str = Field(description="As written: `-m conntrack --ctstate RELATED,ESTABLISHED`")
    unknown: bool = Field(False, description="A module netparse does not read: only `text` "
                                             "and `options` hold what it matches")
    sport: PortMatch | None = None
    dport: PortMatch | None = None
    ports: PortMatch | None = Field(None, description="multiport's `--ports` (either way)")
    ctstate: WordsMatch | None = Field(None, description="conntrack's --ctstate, state's --state")
    src_type: WordsMatch | None = None
    dst_type: WordsMatch | None = None
    physdev_in: InterfaceMatch | None = None
    physdev_out: InterfaceMatch | None = None
    physdev_is_in: FlagMatch | None = None
    physdev_is_out: FlagMatch | None = None
    physdev_is_bridged: FlagMatch | None = None
    match_set: SetMatch | None = None
    comment: str | None = None
    options: list[Option] = Field(default_factory=list)


class NatRange(Model):
    """`--to-destination 192.0.2.2:80`, `--to-source 10.0.0.1-10.0.0.9:1024-2048`,
    `--to-destination [fd00::2]:80`, `--to-ports 8080`."""

    first: IPAddress | None = None
    last: IPAddress | None = None
    ports: PortRange | None = None


class Target(Model):
    """`-j NAME` (or `-g NAME`: go to a chain, not coming back) and the target's options."""

    name: str
    goto: bool = False
    text: str = Field(description="As written: `-j DNAT --to-destination 192.0.2.2:80`")
    to_destination: list[NatRange] = Field(default_factory=list)
    to_source: list[NatRange] = Field(default_factory=list)
    to_ports: NatRange | None = None
    reject_with: str | None = None
    options: list[Option] = Field(default_factory=list)


class Rule(Model):
    """One rule of a chain, in order (`number` counts from 1 within the chain)."""

    line: int
    number: int
    text: str = Field(description="The line as printed")
    counters: Counters | None = Field(None, description="`[p:b]` (iptables-save -c) or `-c p b` "
                                                         "(iptables -S -v)")
    source: AddressMatch | None = None
    destination: AddressMatch | None = None
    in_interface: InterfaceMatch | None = None
    out_interface: InterfaceMatch | None = None
    protocol: ProtocolMatch | None = None
    fragment: FlagMatch | None = Field(None, description="`-f`: second and further fragments")
    matches: list[Match] = Field(default_factory=list)
    target: Target | None = Field(None, description="None: the rule only counts")


class Chain(Model):
    name: str
    line: int
    policy: str | None = Field(None, description="ACCEPT/DROP of a built-in chain; None for a "
                                                 "user chain (`-`)")
    counters: Counters | None = Field(None, description="The policy's counters")
    rules: list[Rule] = Field(default_factory=list)


class Table(Model):
    name: str | None = Field(description="`*filter`; None for `iptables -S`, which names none")
    line: int
    chains: list[Chain] = Field(default_factory=list)
    committed: bool = Field(False, description="Its COMMIT line was there")
    generated: str | None = Field(None, description="The `# Generated by ...` line before it")
    completed: str | None = Field(None, description="The `# Completed on ...` line after it")

    def chain(self, name: str) -> Chain | None:
        return next((c for c in self.chains if c.name == name), None)


class WarningLine(Model):
    """A `# Warning: ...` line iptables printed among the rules."""

    line: int
    text: str


class IptablesSave(Capture):
    """`iptables-save [-c] [-t T]`, `ip6tables-save`, `iptables-legacy-save`, `iptables-nft-save`,
    and `iptables -S` (the same rules without table headers)."""

    kind: Literal["iptables_save"] = "iptables_save"
    program: str | None = Field(None, description="From the `# Generated by` line: "
                                                  "`iptables-save`, `ip6tables-save`")
    version: str | None = Field(None, description="`1.8.9`")
    backend: Literal["nf_tables", "legacy"] | None = Field(
        None, description="`(nf_tables)` or `(legacy)` after the version; iptables before 1.8 "
                          "and -legacy-save print no backend, read as legacy")
    warnings: list[WarningLine] = Field(
        default_factory=list,
        description="`# Warning: iptables-legacy tables present, use iptables-legacy-save to "
                    "see them`: rules in the other backend, not in this capture")
    tables: list[Table] = Field(default_factory=list)

    def table(self, name: str | None) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)


class ListAddress(Model):
    """A source or destination column: `0.0.0.0/0`, `!127.0.0.0/8`, `anywhere`,
    `!loopback/8` (names when listed without -n)."""

    text: str = Field(description="As printed, without the `!`")
    network: IPNetwork | None = Field(None, description="None when a name is printed")
    negated: bool = False


class ListRule(Model):
    line: int
    number: int = Field(description="The num column, or the position in the chain without it")
    text: str
    counters: Counters | None = Field(None, description="With -v; `1234K` read as 1234000")
    target: str | None = Field(None, description="None: the rule only counts")
    protocol: ProtocolMatch
    opt: str = Field(description="`--`, `-f` or `!f`; empty for ip6tables")
    in_interface: InterfaceMatch | None = Field(None, description="None: any (`*`, `any`) or "
                                                                  "not listed (no -v)")
    out_interface: InterfaceMatch | None = None
    source: ListAddress
    destination: ListAddress
    extra: str = Field("", description="What the matches and target print after the addresses: "
                                       "`tcp dpt:80 to:172.17.0.2:80`, verbatim")


class ListChain(Model):
    name: str
    line: int
    policy: str | None = Field(None, description="Built-in chains only")
    counters: Counters | None = Field(None, description="The policy's counters (with -v)")
    references: int | None = Field(None, description="User chains: `(2 references)`")
    rules: list[ListRule] = Field(default_factory=list)


class IptablesList(Capture):
    """`iptables [-t T] -L [-n] [-v] [-x] [--line-numbers]` (and ip6tables)."""

    kind: Literal["iptables_list"] = "iptables_list"
    verbose: bool = Field(description="-v: counters and the in/out columns are listed")
    line_numbers: bool = Field(description="--line-numbers: the num column is listed")
    exact: bool = Field(False, description="-x: counters not rounded to K, M, G (the pkts and "
                                           "bytes titles are wider)")
    numeric: bool | None = Field(None, description="-n, as the in/out columns tell (`*` for any "
                                                   "interface, `any` without -n); None when "
                                                   "they are not listed")
    warnings: list[WarningLine] = Field(default_factory=list)
    chains: list[ListChain] = Field(default_factory=list)

    def chain(self, name: str) -> ListChain | None:
        return next((c for c in self.chains if c.name == name), None)
