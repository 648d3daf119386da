"""The kinds of capture netparse reads, each declared once.

Everything the package knows about a kind comes from its entry here: its name and title, the
commands that print it, the command words that name it on a command line
(`netparse.sources.commands`), the file names that hold it in a dump (`netparse.sources.names`),
how its content is recognised (`netparse.kinds.detect`), and whether and how the collector takes
it (`netparse.collect.steps`). Its parser is `netparse.parsers.<name>` and its model the parser
module's `MODEL`; both are imported only when the kind is used, so listing or detecting kinds stays
cheap. `tests/test_kinds.py` fails, naming the kind, when any of these is missing.

    >>> KINDS["ip_addr"].title
    'ip addr'
    >>> KINDS["docker_ps"].files
    {'docker_ps': None, 'docker_ps_a': 'docker ps -a'}
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType

__all__ = ["KINDS", "Collect", "Detect", "Kind", "get_kind", "markdown"]


@dataclass(frozen=True)
class Collect:
    """How the collectors take a kind: the file they write, the command, and what it runs over."""

    file: str                 # relative to the dump folder (and to containers/<name>/ inside)
    command: str              # shell words; single quotes allowed
    over: str | None = None   # a list of `netparse.collect.steps.LISTS` appended as arguments
    inside: str | None = None  # the command run in each container's namespace, when taken there


@dataclass(frozen=True)
class Detect:
    """How the kind is told from its content alone (see `netparse.kinds.detect`)."""

    headers: tuple[str, ...] = ()   # regexes for the first non-blank line: decisive
    titles: frozenset[str] = frozenset()  # column titles a custom table of it may have
    line: str | None = None         # regex for a line of it: the share of such lines scores
    json: tuple[frozenset[str], ...] = ()  # key sets, any of which an object of it holds


@dataclass(frozen=True)
class Kind:
    name: str
    title: str                      # the short command, as the page and report call it
    summary: str
    commands: tuple[str, ...]       # command lines that print it, for people
    words: tuple[str, ...]          # program and object words that name it on a command line
    detect: Detect
    collect: Collect | None         # None: not collected, and `not_collected` says why
    notes: str = ""                 # README: which variants of the output are read
    files: dict[str, str | None] = field(default_factory=dict)  # file stem -> command it implies
    not_collected: str = ""
    also_collect: tuple[Collect, ...] = ()  # more files of the kind (`ip -6 rule show`)

    def __post_init__(self):
        stems = {self.name: None, **self.files}
        for collect in self.collects:
            stems.setdefault(collect.file.rsplit(".", 1)[0], None)
        object.__setattr__(self, "files", stems)

    @property
    def collects(self) -> tuple[Collect, ...]:
        """Every file the collectors take of this kind, the main one first."""
        return (self.collect, *self.also_collect) if self.collect else ()

    @property
    def module_name(self) -> str:
        return f"netparse.parsers.{self.name}"

    def module(self) -> ModuleType:
        return importlib.import_module(self.module_name)


_IFACE_HEAD = r"\d+:\s+\S+?:?\s+<[^>]*>"
# The settings the collector takes: forwarding, bridge netfilter, reverse-path filter and
# routing of 127/8, with every interface's own (`sysctl -a -r` wants an extended regex).
_SYSCTL_KEYS = (r"'^net\.(ipv4\.ip_forward|bridge\.bridge-nf-call-ip6?tables|"
                r"ipv4\.conf\.[^.]+\.(forwarding|route_localnet|rp_filter)|"
                r"ipv6\.conf\.[^.]+\.forwarding)$'")

# In the order the collector takes them; detection by JSON keys tries them in this order too.
KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("brctl_show", "brctl show", "Linux bridges and their ports", ("brctl show",),
         words=("brctl show",),
         notes="tab or space aligned, continuation lines, bridges without ports",
         detect=Detect(headers=(r"bridge name\s+bridge id\s+STP enabled",)),
         collect=Collect("brctl_show.txt", "brctl show")),
    Kind("route_n", "route -n", "the kernel routing table, net-tools format",
         ("route -n", "route", "route -vn", "route -ee", "route -6 [-n]", "netstat -r[n][e][e]",
          "busybox route -n"),
         words=("route", "netstat -r"),
         detect=Detect(headers=(r"Kernel IP(v6)? routing table",
                                r"Destination\s+(Gateway|Next Hop)\s+(Genmask\s+)?Flag")),
         collect=Collect("route_n.txt", "route -n", inside="route -n")),
    Kind("ip_addr", "ip addr", "interfaces with their addresses",
         ("ip addr", "ip a", "ip address show", "ip -d addr", "ip -o addr", "ip -j addr",
          "busybox ip addr"),
         words=("ip address",),
         detect=Detect(line=_IFACE_HEAD + r"|\s+link/\S+|\s+(inet6?|valid_lft|altname)\s"
                                          r"|\d+:\s+\S+\s+inet6?\s",
                       json=(frozenset({"ifname", "addr_info"}),
                             frozenset({"ifindex", "addr_info"}))),
         collect=Collect("ip_addr.txt", "ip addr", inside="ip addr")),
    Kind("ip_route", "ip route", "the routing table, iproute2 format",
         ("ip route", "ip -6 route", "ip route show table all"),
         words=("ip route",), notes="all route types, multipath",
         detect=Detect(line=r"(?!([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}\s)"  # an fdb line's MAC
                            r"(?!\d+:\s)"  # `ip -o addr`: `1: lo    inet 127.0.0.1/8 scope host lo`
                            r"((unicast\s+)?default|unreachable|blackhole|prohibit|throw|local|"
                            r"broadcast|multicast|anycast|nat|(unicast\s+)?[0-9a-fA-F:.]+(/\d+)?)"
                            r"\s.*\b(dev|via|proto|scope|table|metric|nexthop|nhid)\b"
                            r"|\s+(nexthop|nh_info)\s|(unreachable|blackhole|prohibit)\s+\S+\s*$"
                            r"|default\s*$"),  # a multipath route: its paths follow
         collect=Collect("ip_route.txt", "ip route show table all")),
    Kind("ip_rule", "ip rule", "policy routing rules: which table a packet's route is looked up in",
         ("ip rule [show|list]", "ip -6 rule", "ip -d rule", "ip -j rule", "busybox ip rule"),
         words=("ip rule",),
         files={"ip6_rule": "ip -6 rule show"},
         detect=Detect(line=r"\s*\d+:\s+(not\s+)?from\s+\S+",
                       json=(frozenset({"priority", "src"}),)),
         collect=Collect("ip_rule.txt", "ip rule show"),
         also_collect=(Collect("ip6_rule.txt", "ip -6 rule show"),)),
    Kind("ip_link", "ip link", "interfaces without addresses",
         ("ip link", "ip -d link", "ip -o link", "ip -j link", "busybox ip link"),
         words=("ip link",),
         detect=Detect(line=_IFACE_HEAD + r".*\b(qdisc|state)\b|\s+link/\S+|\s+(alias|altname|"
                       r"permaddr|veth|bridge|bridge_slave|vxlan|macvlan|ipvlan|bond|openvswitch|"
                       r"vrf|dummy|tun|gre|ipip|sit|can|nlmon|team|geneve|wireguard)\b"
                       r"|\s+(RX|TX)[:\s]|\s+\d+(\s+\d+)*\s*$",  # ip -s link: counters
                       json=(frozenset({"ifname"}), frozenset({"ifindex"}))),
         collect=Collect("ip_link.txt", "ip -d link show")),
    Kind("bridge_fdb", "bridge fdb", "forwarding database of bridges",
         ("bridge fdb show", "bridge -s fdb show"), words=("bridge fdb",),
         detect=Detect(line=r"([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}\s+(dev|vlan|master|self|"
                            r"permanent|static|stale|dst|port|vni|src_vni|via|nhid|link-netnsid|"
                            r"used|router|extern_learn|offload|sticky|locked)\b"),
         collect=Collect("bridge_fdb.txt", "bridge fdb show")),
    Kind("bridge_link", "bridge link", "bridge ports and their state",
         ("bridge link show", "bridge -d link show", "bridge -s -s -d link show"),
         words=("bridge link",),
         # `ip link` prints `mtu N qdisc ...`; `bridge link` goes on with master, state, hwmode.
         detect=Detect(line=_IFACE_HEAD + r"\s+mtu\s+\d+\s+(master\s+\S+\s*$|(master\s+\S+\s+)?"
                                          r"(state|hwmode)\s)|\s+hairpin\s+o(n|ff)\s"),
         collect=Collect("bridge_link.txt", "bridge link show")),
    Kind("sysctl", "sysctl", "kernel settings",
         ("sysctl net.ipv4.ip_forward", "sysctl -a", "sysctl -a -r PATTERN", "sysctl -p"),
         words=("sysctl",),
         detect=Detect(line=r"[\w.\-/*]+\s*=\s*\S*|sysctl: "),
         # By pattern: per-interface keys cannot be named beforehand, and a key that is missing
         # (br_netfilter not loaded) makes `sysctl KEY...` fail; this takes what is there.
         collect=Collect("sysctl.txt", "sysctl -a -r " + _SYSCTL_KEYS)),
    Kind("docker_ps", "docker ps", "containers as the engine lists them",
         ("docker ps [-a] [--no-trunc] [-s]", "docker ps --format 'table …'",
          "docker ps --format '{{json .}}'", "podman ps"),
         words=("docker ps", "docker container ls", "docker container list",
                "docker container ps"),
         files={"docker_ps_a": "docker ps -a"},
         detect=Detect(headers=(r"CONTAINER ID\s+(IMAGE|NAMES)",),
                       titles=frozenset({"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS",
                                         "PORTS", "NAMES", "SIZE", "NETWORKS", "LABELS", "MOUNTS",
                                         "RUNNING FOR", "LOCAL VOLUMES", "STATE", "CREATED AT",
                                         "PLATFORM"}),
                       json=(frozenset({"Names", "Image"}), frozenset({"Names", "ID"}))),
         collect=Collect("docker_ps_a.txt", "docker ps -a --no-trunc")),
    Kind("docker_inspect", "docker inspect",
         "containers' configuration and network settings (JSON)",
         ("docker inspect <container>...", "docker container inspect"),
         words=("docker container inspect",),  # plain `docker inspect`: the content tells
         notes="of containers, one or several concatenated arrays",
         # The whole document, or a fragment of it: a `"Networks"` block, `{{json
         # .NetworkSettings}}`, Docker 1.2's NetworkSettings, `| grep -e "IPAddress\|Id"`.
         detect=Detect(json=(frozenset({"NetworkSettings"}), frozenset({"HostConfig"}),
                             frozenset({"SandboxKey"}), frozenset({"EndpointID", "IPAddress"}),
                             frozenset({"IPAddress", "IPPrefixLen"}),
                             frozenset({"Id", "IPAddress"}))),
         collect=Collect("docker_inspect.json", "docker inspect", over="containers")),
    Kind("docker_network_ls", "docker network ls", "Docker networks, one line each",
         ("docker network ls",), words=("docker network ls", "docker network list"),
         detect=Detect(headers=(r"NETWORK ID\s+NAME\s+DRIVER",),
                       titles=frozenset({"NETWORK ID", "NAME", "DRIVER", "SCOPE", "IPV4", "IPV6",
                                         "INTERNAL", "CREATED AT", "LABELS"}),
                       json=(frozenset({"ID", "Name", "Driver", "Scope"}),)),
         collect=Collect("docker_network_ls.txt", "docker network ls")),
    Kind("docker_network_inspect", "docker network inspect",
         "Docker networks' IPAM, options and endpoints (JSON)",
         ("docker network inspect <network>...",), words=("docker network inspect",),
         # A fragment too: its endpoints alone (`"Containers": {…}`) name IPv4Address.
         detect=Detect(json=(frozenset({"IPAM"}), frozenset({"Driver", "Scope", "Containers"}),
                             frozenset({"EndpointID", "IPv4Address"}))),
         collect=Collect("docker_network_inspect.json", "docker network inspect",
                         over="networks")),
    Kind("iptables_save", "iptables-save", "firewall rules, iptables-save format",
         ("iptables-save [-c] [-t T]", "ip6tables-save", "iptables-legacy-save",
          "iptables-nft-save", "iptables -S [-v]"),
         words=("iptables-save", "ip6tables-save", "iptables-legacy-save", "iptables-nft-save",
                "ip6tables-legacy-save", "ip6tables-nft-save", "iptables -S"),
         notes="nf_tables or legacy header, counters, typed matches and targets",
         files={"ip6tables_save": "ip6tables-save",
                "iptables_legacy_save": "iptables-legacy-save"},
         # `*filter`, `:CHAIN POLICY [p:b]`, a rule (`[p:b] -A ...`), `-P`/`-N` of iptables -S
         detect=Detect(headers=(r"# Generated by ip6?tables(-legacy|-nft)?-save v",),
                       line=r"\*(filter|nat|mangle|raw|security)\s*$|:\S+ (\S+) \[\d+:\d+\]\s*$"
                            r"|(\[\d+:\d+\] )?-A \S+( |$)|-[PN] \S+|COMMIT\s*$"
                            r"|# (Completed on|Warning: iptables-legacy tables) "),
         collect=Collect("iptables_save.txt", "iptables-save"),
         also_collect=(Collect("ip6tables_save.txt", "ip6tables-save"),
               Collect("iptables_legacy_save.txt", "iptables-legacy-save"))),
    Kind("iptables_list", "iptables -L", "firewall chains as iptables lists them",
         ("iptables [-t T] -L -n -v [-x] [--line-numbers]", "iptables -L -n", "ip6tables -L"),
         words=("iptables -L", "ip6tables -L", "iptables --list", "ip6tables --list"),
         notes="with or without -v, -n, -x, --line-numbers",
         # The warning iptables -L prints first (nf_tables with legacy tables) is also -S's.
         detect=Detect(headers=(r"Chain \S+ \((policy \S+|\d+ references?)",),
                       line=r"Chain \S+ \(|(num\s+)?(pkts\s+bytes\s+)?target\s+prot\s+opt"
                            r"|\s*(\d+[KMGTP]?\s+)*(\S+\s+)?!?\w+\s+[-!][-f]\s"  # a rule: ... prot opt
                            r"|# Warning: iptables-legacy tables present"),
         collect=None,
         not_collected="iptables-save holds the same rules, unabridged"),
    Kind("nft_ruleset", "nft list ruleset", "nftables tables, chains, sets and rules",
         ("nft list ruleset", "nft -a list ruleset", "nft -j list ruleset"),
         words=("nft list ruleset",),
         notes="text or JSON",
         detect=Detect(headers=(r"table (ip|ip6|inet|arp|bridge|netdev) \S+ \{",
                                r"# Warning: table \S+ \S+ is managed by iptables-nft"),
                       json=(frozenset({"nftables"}),)),
         collect=Collect("nft_ruleset.txt", "nft list ruleset")),
    Kind("docker_version", "docker version", "client and engine versions and API versions",
         ("docker version", "docker version --format '{{json .}}'"),
         words=("docker version",),
         notes="engines before 17.06 too, without components",
         detect=Detect(line=r"(Client|Server)(:\s.*|:)$|\s+[\w.-]+:$|\s+(Version|API version|"
                            r"Go version|Git commit|GitCommit|Built|OS/Arch|Context|Experimental|"
                            r"Platform):.*",
                       json=(frozenset({"Client"}),)),
         collect=Collect("docker_version.txt", "docker version")),
    Kind("docker_info", "docker info", "the engine: storage and cgroup drivers, kernel, "
                                       "firewall backend, security options and its warnings",
         ("docker info", "docker system info", "docker info --format '{{json .}}'"),
         words=("docker info", "docker system info"),
         notes="its warnings only with standard error captured too, `2>&1`; the JSON form "
               "always holds them",
         detect=Detect(headers=(r"Containers:\s+\d+$",),  # clients before 17.06
                       # any `Key: value` line but those only `docker version` prints
                       line=r"(Client|Server)(:\s.*|:)$|(WARNING|ERROR): |(?!\s+(API version|"
                            r"Go version|Git commit|GitCommit|Built|OS/Arch):)"
                            r"\s+[A-Za-z][\w ./()-]*:(\s.*)?$",
                       json=(frozenset({"ServerVersion"}), frozenset({"ClientInfo"}))),
         # The JSON form: the text one prints the engine's warnings on standard error.
         collect=Collect("docker_info.txt", "docker info --format '{{json .}}'")),
)}


def get_kind(name: str) -> Kind:
    from netparse.errors import NetparseError

    try:
        return KINDS[name]
    except KeyError:
        raise NetparseError(
            f"unknown kind {name!r}; known kinds: {', '.join(KINDS)}") from None


def markdown() -> str:
    """README's table of kinds (`netparse kinds --markdown`): what each reads, and the file the
    collector writes it to."""
    rows = ["| kind | reads | in a dump |", "| --- | --- | --- |"]
    for k in KINDS.values():
        reads = ", ".join(f"`{c}`" for c in k.commands) + (f" ({k.notes})" if k.notes else "")
        if k.collect is None:
            dump = f"not collected: {k.not_collected}"
        else:
            over = {"containers": " of every container", "networks": " of every network"}
            dump = "; ".join(f"`{c.file}`: `{c.command}`{over.get(c.over, '')}"
                             for c in k.collects)
            if k.collect.inside:
                dump += f"; also inside each running container, `{k.collect.inside}`"
        # A pipe in a cell, in code or not, would end the cell.
        reads, dump = reads.replace("|", "\\|"), dump.replace("|", "\\|")
        rows.append(f"| `{k.name}` | {reads} | {dump} |")
    return "\n".join(rows) + "\n"
