"""Models written back in their command's own text format, spaced as the real tools space it.

Each `render_<kind>` takes a model and gives the text its command prints for it; the property
tests parse that text again. `tests/hostile/test_roundtrip.py` checks the renderers against real
captures: a real capture, parsed and rendered, gives the capture back.
"""

from __future__ import annotations

import json
from ipaddress import IPv6Address

from netparse.models.bridge import BridgeFdb, BridgeLink, BrctlShow, FdbFlag, FdbState
from netparse.models.docker import (DockerInspect, DockerNetworkInspect, DockerNetworkLs,
                                    DockerPs, PortMapping)
from netparse.models.link import AddressFamily, Interface, IpAddr, IpLink
from netparse.models.engine import DockerInfo, DockerVersion, OutlineLine
from netparse.models.route import IpRoute, IpRouteEntry, Nexthop, RouteTable, RouteType
from netparse.models.iptables import IptablesList, IptablesSave
from netparse.models.nft import NftRuleset
from netparse.models.rule import IpRule, RuleAction
from netparse.models.sysctl import Sysctl

# --- bridges ---------------------------------------------------------------------------------


def render_brctl_show(model: BrctlShow) -> str:
    lines = ["bridge name\tbridge id\t\tSTP enabled\tinterfaces"]
    for bridge in model.bridges:
        first, *rest = bridge.interfaces or [""]
        lines.append(f"{bridge.name}\t\t{bridge.bridge_id}\t{'yes' if bridge.stp else 'no'}"
                     f"\t\t{first}")
        lines.extend("\t" * 7 + port for port in rest)
    return "\n".join(lines) + "\n"


_FDB_FLAGS = [f for f in FdbFlag]


def render_bridge_fdb(model: BridgeFdb) -> str:
    lines = []
    for e in model.entries:
        words = [e.mac]
        for key, value in (("dev", e.dev), ("dst", e.dst), ("vlan", e.vlan), ("port", e.port),
                           ("vni", e.vni), ("src_vni", e.src_vni), ("via", e.via),
                           ("nhid", e.nhid), ("link-netnsid", e.link_netnsid)):
            if value is not None:
                words += [key, str(value)]
        if e.used is not None:
            words += ["used", f"{e.used}/{e.updated}"]
        if e.self_:
            words.append("self")
        words += [f.value for f in sorted(e.flags, key=_FDB_FLAGS.index)]
        if e.master is not None:
            words += ["master", e.master]
        words += e.other
        state = "" if e.state is FdbState.DYNAMIC else e.state.value
        lines.append(" ".join(words) + " " + state)
    return "\n".join(lines) + "\n"


def render_bridge_link(model: BridgeLink) -> str:
    lines = []
    for p in model.ports:
        peer = f"@if{p.peer_ifindex}" if p.peer_ifindex is not None else (
            f"@{p.peer}" if p.peer else "")
        flags = ",".join([f.value for f in p.flags] + p.other_flags)
        words = [f"{p.ifindex}: {p.name}{peer}: <{flags}> mtu {p.mtu}"]
        if p.master:
            words.append(f"master {p.master}")
        if p.state:
            words.append(f"state {p.state.value}")
        for key in ("priority", "cost"):
            if getattr(p, key) is not None:
                words.append(f"{key} {getattr(p, key)}")
        lines.append(" ".join(words) + " ")
        if p.options:  # `bridge -d link`: the port's settings on a line of their own
            lines.append("    " + " ".join(f"{k} {v}" for k, v in p.options.items()) + " ")
    return "\n".join(lines) + "\n"


# --- sysctl ------------------------------------------------------------------------------------


def render_sysctl(model: Sysctl) -> str:
    """`sysctl -a` (procps): `key = value`; a value of several lines is one line each."""
    lines: list[str] = []
    errors = sorted(model.errors, key=lambda e: e.line)
    settings = iter(model.settings.items())

    def flush_errors():
        while errors and errors[0].line == len(lines) + 1:
            lines.append(f"sysctl: {errors.pop(0).message}")

    for key, value in settings:
        for part in value.split("\n"):
            flush_errors()
            lines.append(f"{key} = {part}")
    flush_errors()
    lines.extend(f"sysctl: {e.message}" for e in errors)
    return "\n".join(lines) + "\n"


# --- routes ------------------------------------------------------------------------------------


def _dash(value) -> str:
    return "-" if value is None else str(value)


def render_route_n(model: RouteTable) -> str:
    """`route -n` for an IPv4 table (or `netstat -rn` when the routes hold MSS, Window and irtt
    instead of Metric, Ref and Use), `route -6 -n` for an IPv6 one (net-tools' printf formats)."""
    rows = []
    if model.family == "inet6":
        rows += ["Kernel IPv6 routing table",
                 "Destination                    Next Hop                   Flag Met Ref  Use If"]
        for r in model.routes:
            rows.append(f"{r.destination!s:<30} {r.gateway or '::'!s:<26} {_flags(r):<4} "
                        f"{r.metric:<3} {_dash(r.ref):<1} {r.use:>6} {r.iface or '-'}")
        return "\n".join(rows) + "\n"
    netstat = any(r.metric is None for r in model.routes)
    rows.append("Kernel IP routing table")
    rows.append("Destination     Gateway         Genmask         Flags   MSS Window  irtt Iface"
                if netstat else
                "Destination     Gateway         Genmask         Flags Metric Ref    Use Iface")
    for r in model.routes:
        gateway = "-" if r.reject else str(r.gateway or "0.0.0.0")
        head = f"{r.destination.network_address!s:<15} {gateway:<15} {r.genmask!s:<15} {_flags(r):<5}"
        if netstat:
            rows.append(f"{head} {_dash(r.mss):>5} {_dash(r.window):<6} {_dash(r.irtt):>5} "
                        f"{r.iface or ('-' if r.reject else '*')}")
        else:
            rows.append(f"{head} {r.metric:<6} {_dash(r.ref):<2} {r.use:>7} "
                        f"{r.iface or ('-' if r.reject else '*')}")
    return "\n".join(rows) + "\n"


def _flags(route) -> str:
    return "".join(f.value for f in route.flags)


def render_ip_route(model: IpRoute) -> str:
    """`ip route` / `ip -6 route` / `ip route show table all` (iproute2's print_route order)."""
    lines = []
    for r in model.routes:
        words = [] if r.type is RouteType.UNICAST else [r.type.value]
        words.append(_route_destination(r))
        words += _route_words(r.gateway, r.dev, r.options.get("nhid"))
        for key, value in (("table", r.table), ("proto", r.proto), ("scope", r.scope),
                           ("src", r.src), ("metric", r.metric)):
            if value is not None:
                words.append(f"{key} {value}")
        words += [f.value for f in r.flags]
        words += [f"{k} {v}" for k, v in r.options.items() if k != "nhid"]
        # The preference comes last, and iproute2 ends that line without a space.
        lines.append(" ".join(words) + (f" pref {r.pref}" if r.pref else " "))
        lines += [_nexthop(n) for n in r.nexthops]
    return "\n".join(lines) + "\n"


def _route_destination(r: IpRouteEntry) -> str:
    if r.destination.prefixlen == 0 and r.type in (RouteType.UNICAST, RouteType.UNREACHABLE,
                                                   RouteType.PROHIBIT, RouteType.BLACKHOLE):
        return "default"
    if r.destination.prefixlen == r.destination.max_prefixlen:
        return str(r.destination.network_address)
    return str(r.destination)


def _route_words(gateway, dev, nhid) -> list[str]:
    words = [f"nhid {nhid}"] if nhid else []
    if gateway is not None:
        words.append(f"via {gateway}")
    if dev is not None:
        words.append(f"dev {dev}")
    return words


def _nexthop(n: Nexthop) -> str:
    words = ["\tnexthop", *_route_words(n.gateway, n.dev, None)]
    if n.weight is not None:
        words.append(f"weight {n.weight}")
    words += [f.value for f in n.flags]
    return " ".join(words) + " "


# --- interfaces --------------------------------------------------------------------------------

# Address flags in the order iproute2 prints them (its table of IFA_F_* bits); `dynamic` stands
# for the absence of `permanent`.
_ADDRESS_FLAG_ORDER = ["secondary", "temporary", "nodad", "optimistic", "dadfailed", "home",
                       "deprecated", "tentative", "dynamic", "mngtmpaddr", "noprefixroute",
                       "autojoin", "stable-privacy"]


def render_ip_addr(model: IpAddr) -> str:
    return "".join(_interface(i, link=False) for i in model.interfaces)


def render_ip_link(model: IpLink) -> str:
    return "".join(_interface(i, link=True) for i in model.interfaces)


def _interface(i: Interface, *, link: bool) -> str:
    at = f"@if{i.peer_ifindex}" if i.peer_ifindex is not None else (
        f"@{i.parent}" if i.parent else "")
    flags = ",".join([f.value for f in i.flags] + i.other_flags)
    words = [f"{i.ifindex}: {i.name}{at}: <{flags}> mtu {i.mtu}"]
    # BusyBox prints neither state nor group.
    for key, value in (("qdisc", i.qdisc), ("master", i.master), ("state", i.state),
                       ("mode", i.mode), ("group", i.group)):
        if value is not None:
            words.append(f"{key} {value}")
    lines = [" ".join(words) + (f" qlen {i.qlen}" if i.qlen is not None else " ")]
    words = [f"    link/{i.link_type}"]
    if i.mac or i.link_address:
        words.append(i.mac or i.link_address)
    if i.broadcast_mac or i.link_broadcast:
        words += ["brd", i.broadcast_mac or i.link_broadcast]
    if i.link_netnsid is not None:
        words += ["link-netnsid", str(i.link_netnsid)]
    if i.link_netns is not None:
        words += ["link-netns", i.link_netns]
    lines.append(" ".join(words) + (" " if len(words) == 1 else ""))
    if i.alias is not None:
        lines.append(f"    alias {i.alias}")
    lines += [f"    altname {name}" for name in i.altnames]
    for a in i.addresses:
        words = [f"    {a.family.value} {a.address}"]
        if a.peer is not None:
            words = [f"    {a.family.value} {a.address.ip} peer {a.peer}"]
        for key, value in (("brd", a.broadcast), ("any", a.anycast), ("metric", a.metric),
                           ("scope", a.scope)):
            if value is not None:
                words.append(f"{key} {value}")
        flags = list(a.flags)
        if a.secondary and a.family is AddressFamily.INET:
            flags.append("secondary")
        if a.dynamic:
            flags.append("dynamic")
        if a.noprefixroute:
            flags.append("noprefixroute")
        words += sorted(flags, key=_ADDRESS_FLAG_ORDER.index)
        if a.family is AddressFamily.INET:
            lines.append(" ".join(words + [a.label]))
        else:
            lines.append(" ".join(words) + " ")
        lines.append(f"       valid_lft {_lifetime(a.valid_lft)} "
                     f"preferred_lft {_lifetime(a.preferred_lft)}")
    return "\n".join(lines) + "\n"


def _lifetime(seconds: int | None) -> str:
    return "forever" if seconds is None else f"{seconds}sec"


# --- docker tables -----------------------------------------------------------------------------


def tabwriter(rows: list[list[str]]) -> str:
    """Rows as the Docker CLI aligns them: Go's tabwriter with minwidth 10 and padding 3; the
    last cell of a row is not padded."""
    widths = [max(10, max(len(row[c]) for row in rows) + 3) for c in range(len(rows[0]) - 1)]
    return "".join("".join(cell.ljust(w) for cell, w in zip(row, widths)) + row[-1] + "\n"
                   for row in rows)


def _port(p: PortMapping) -> str:
    container = f"{p.container_port}" + (f"-{p.container_port_end}" if p.container_port_end
                                         else "") + f"/{p.protocol.value}"
    if p.host_port is None:
        return container
    host = f"[{p.host_ip}]" if isinstance(p.host_ip, IPv6Address) else str(p.host_ip)
    return (f"{host}:{p.host_port}" + (f"-{p.host_port_end}" if p.host_port_end else "")
            + f"->{container}")


def render_docker_ps(model: DockerPs) -> str:
    """`docker ps` (`-a`, `--no-trunc`): CONTAINER ID, IMAGE, COMMAND, CREATED, STATUS, PORTS,
    NAMES."""
    rows = [["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]]
    for c in model.containers:
        rows.append([c.id, c.image, json.dumps(c.command), c.created, c.status,
                     ", ".join(_port(p) for p in c.ports), ",".join(c.names)])
    return tabwriter(rows)


def render_docker_ps_json(model: DockerPs) -> str:
    """`docker ps --format '{{json .}}'`: one object per container, every value a string."""
    lines = []
    for c in model.containers:
        lines.append(json.dumps({
            "Command": json.dumps(c.command), "CreatedAt": _go_time(c.created_at), "ID": c.id,
            "Image": c.image, "Labels": c.labels or "", "LocalVolumes": str(c.local_volumes),
            "Mounts": c.mounts or "", "Names": ",".join(c.names),
            "Networks": ",".join(c.networks), "Ports": ", ".join(_port(p) for p in c.ports),
            "Platform": c.platform, "RunningFor": c.created, "Size": c.size or "",
            "State": c.state.value, "Status": c.status}, separators=(",", ":"), sort_keys=True)
            # Go's encoding/json escapes these for HTML.
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
    return "\n".join(lines) + "\n"


def _go_time(when) -> str:
    """A time as Go's String() prints it: `2026-11-29 04:44:35.1234 +0000 UTC`."""
    text = when.strftime("%Y-%m-%d %H:%M:%S")
    if when.microsecond:
        text += f".{when.microsecond:06d}".rstrip("0")
    return text + " " + when.strftime("%z") + " UTC"


def render_docker_network_ls(model: DockerNetworkLs) -> str:
    rows = [["NETWORK ID", "NAME", "DRIVER", "SCOPE"]]
    rows += [[n.id, n.name, n.driver, n.scope] for n in model.networks]
    return tabwriter(rows)


# --- docker JSON -------------------------------------------------------------------------------


def _engine(model, names: dict[str, str]) -> dict:
    """A model's fields under the engine's names (`names`: field → key), unset ones left out,
    then the keys the model kept as they were."""
    out = {}
    for field, key in names.items():
        value = getattr(model, field)
        if value is None or value == [] or value == {}:
            continue
        out[key] = _json_value(value)
    out.update(model.model_extra or {})
    return out


def _json_value(value):
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, (bool, int, float, str, dict)) or value is None:
        return value
    return str(value)


def _bindings(ports: list[PortMapping]) -> dict:
    """Mappings as the engine keys them: `{"80/tcp": [{"HostIp": ..., "HostPort": ...}]}`."""
    out: dict = {}
    for p in ports:
        key = f"{p.container_port}" + (f"-{p.container_port_end}" if p.container_port_end
                                       else "") + f"/{p.protocol.value}"
        if p.host_port is None and p.host_ip is None:
            out.setdefault(key, None)
            continue
        port = f"{p.host_port}" + (f"-{p.host_port_end}" if p.host_port_end else "")
        binding = {"HostIp": "" if p.host_ip is None else str(p.host_ip),
                   "HostPort": "" if p.host_port is None else port}
        out[key] = (out.get(key) or []) + [binding]
    return out


_ENDPOINT = {"ipam_config": "IPAMConfig", "links": "Links", "aliases": "Aliases",
             "mac_address": "MacAddress", "network_id": "NetworkID", "endpoint_id": "EndpointID",
             "gateway": "Gateway", "ip_address": "IPAddress", "ip_prefix_len": "IPPrefixLen",
             "ipv6_gateway": "IPv6Gateway", "global_ipv6_address": "GlobalIPv6Address",
             "global_ipv6_prefix_len": "GlobalIPv6PrefixLen", "dns_names": "DNSNames"}
_IPAM_CONFIG = {"ipv4_address": "IPv4Address", "ipv6_address": "IPv6Address",
                "link_local_ips": "LinkLocalIPs"}
_STATE = {"status": "Status", "running": "Running", "paused": "Paused",
          "restarting": "Restarting", "dead": "Dead", "pid": "Pid", "exit_code": "ExitCode",
          "started_at": "StartedAt", "finished_at": "FinishedAt"}


def engine_container(c) -> dict:
    """One container of `docker inspect`, as the engine writes it."""
    out = {"Id": c.id}
    if c.created is not None:
        out["Created"] = _json_value(c.created)
    if c.name is not None:
        out["Name"] = "/" + c.name
    if c.state is not None:
        out["State"] = _engine(c.state, _STATE)
    if c.image is not None:
        out["Image"] = c.image
    if c.restart_count is not None:
        out["RestartCount"] = c.restart_count
    extra = dict(c.model_extra or {})
    config = dict(extra.pop("Config", None) or {})
    host = dict(extra.pop("HostConfig", None) or {})
    settings = dict(extra.pop("NetworkSettings", None) or {})
    if c.hostname is not None:
        config["Hostname"] = c.hostname
    if c.network_mode is not None:
        host["NetworkMode"] = c.network_mode
    host["PortBindings"] = _bindings(c.port_bindings)
    if c.sandbox_id is not None:
        settings["SandboxID"] = c.sandbox_id
    if c.sandbox_key is not None:
        settings["SandboxKey"] = c.sandbox_key
    settings["Ports"] = _bindings(c.ports)
    if c.default_endpoint is not None:
        own = _engine(c.default_endpoint, _ENDPOINT)
        settings.update({k: v for k, v in own.items() if k in (
            "EndpointID", "Gateway", "GlobalIPv6Address", "GlobalIPv6PrefixLen", "IPAddress",
            "IPPrefixLen", "IPv6Gateway", "MacAddress")})
    settings["Networks"] = {}
    for ep in c.networks:
        endpoint = _engine(ep, _ENDPOINT)
        if ep.ipam_config is not None:
            endpoint["IPAMConfig"] = _engine(ep.ipam_config, _IPAM_CONFIG)
        settings["Networks"][ep.name] = endpoint
    out.update({"Config": config, "HostConfig": host, "NetworkSettings": settings})
    out.update(extra)
    return out


def render_docker_inspect(model: DockerInspect) -> str:
    return json.dumps([engine_container(c) for c in model.containers], indent=4) + "\n"


_NETWORK = {"name": "Name", "id": "Id", "created": "Created", "scope": "Scope",
            "driver": "Driver", "internal": "Internal", "enable_ipv6": "EnableIPv6",
            "attachable": "Attachable", "ingress": "Ingress", "options": "Options",
            "labels": "Labels"}
_MEMBER = {"name": "Name", "endpoint_id": "EndpointID", "mac": "MacAddress",
           "ipv4_address": "IPv4Address", "ipv6_address": "IPv6Address"}
_IPAM = {"subnet": "Subnet", "gateway": "Gateway", "ip_range": "IPRange"}


def engine_network(n) -> dict:
    """One network of `docker network inspect`, as the engine writes it."""
    out = {}
    for field, key in _NETWORK.items():
        value = getattr(n, field)
        if value is not None:
            out[key] = _json_value(value)
    if n.ipam is not None:
        ipam = _engine(n.ipam, {"driver": "Driver", "options": "Options"})
        ipam["Config"] = [_engine(c, _IPAM) for c in n.ipam.config]
        out["IPAM"] = ipam
    out["Containers"] = {m.id: _engine(m, _MEMBER) for m in n.containers}
    out.update(n.model_extra or {})
    return out


def render_docker_network_inspect(model: DockerNetworkInspect) -> str:
    return json.dumps([engine_network(n) for n in model.networks], indent=4) + "\n"


# --- firewalls -----------------------------------------------------------------------------


def render_iptables_save(model: IptablesSave) -> str:
    """iptables-save (a table with a name) or iptables -S (a table without one); rules as
    written, since each keeps its line. Warnings go where they were: before the first table
    (iptables -S) or after the last (iptables-save)."""
    first = model.tables[0].line if model.tables else 0
    lines = [w.text for w in model.warnings if w.line < first]
    for t in model.tables:
        if t.name is None:
            lines += [f"-P {c.name} {c.policy}" + (f" -c {c.counters.packets} {c.counters.bytes}"
                                                    if c.counters else "")
                      for c in t.chains if c.policy]
            lines += [f"-N {c.name}" for c in t.chains if not c.policy]
        else:
            lines += [t.generated] if t.generated else []
            lines.append(f"*{t.name}")
            lines += [f":{c.name} {c.policy or '-'}" + (f" [{c.counters.packets}:"
                                                        f"{c.counters.bytes}]" if c.counters else "")
                      for c in t.chains]
        lines += [r.text for c in t.chains for r in c.rules]
        if t.committed:
            lines.append("COMMIT")
        lines += [t.completed] if t.completed else []
    lines += [w.text for w in model.warnings if w.line >= first]
    return "\n".join(lines) + "\n"


def _iptables_number(n: int, exact: bool, table: bool = True) -> str:
    """xtables_print_num: `%8llu ` with -x; else `%5llu `, or rounded to K, M, G, T."""
    if exact:
        return f"{n:8d} " if table else f"{n} "
    suffix = ""
    if n > 99999:
        for suffix in "KMGT":
            n = (n + 500) // 1000
            if n <= 9999:
                break
    return f"{n:{5 - len(suffix)}d}{suffix} " if table else f"{n}{suffix} "


def render_iptables_list(model: IptablesList) -> str:
    """iptables -L with the columns of the model's options, as iptables 1.8 pads them."""
    blocks = [w.text for w in model.warnings]
    head = (f"{'num':<4} " if model.line_numbers else "")
    if model.verbose:
        head += f"{'pkts':>8} {'bytes':>10} " if model.exact else f"{'pkts':>5} {'bytes':>5} "
    head += f"{'target':<9}  prot opt" + (f" {'in':<6} {'out':<6} " if model.verbose else "")
    head += f" {'source':<19}  {'destination':<19} "
    anyname = "*" if model.numeric is not False else "any"
    chains = []
    for c in model.chains:
        if c.policy is None:
            lines = [f"Chain {c.name} ({c.references} references)"]
        elif c.counters:
            lines = [f"Chain {c.name} (policy {c.policy} "
                     f"{_iptables_number(c.counters.packets, model.exact, False)}packets, "
                     f"{_iptables_number(c.counters.bytes, model.exact, False)}bytes)"]
        else:
            lines = [f"Chain {c.name} (policy {c.policy})"]
        lines.append(head)
        for r in c.rules:
            line = f"{r.number:<4} " if model.line_numbers else ""
            if r.counters:
                line += _iptables_number(r.counters.packets, model.exact)
                line += _iptables_number(r.counters.bytes, model.exact)
            line += f"{r.target or '':<9} " + ("!" if r.protocol.negated else " ")
            line += f"{r.protocol.name:<4} {r.opt:<2} "
            if model.verbose:
                iface = [("!" if i.negated else "") + i.name + ("+" if i.wildcard else "")
                         if i else anyname for i in (r.in_interface, r.out_interface)]
                line += f" {iface[0]:<6} {iface[1]:<6} "
            for a in (r.source, r.destination):
                line += ("!" if a.negated else " ") + f"{a.text:<19} "
            lines.append(line + (f" {r.extra}" if r.extra else ""))
        chains.append("\n".join(lines))
    return "\n".join(blocks + ["\n\n".join(chains)]) + "\n"


def _nft_handle(handle) -> str:
    return f" # handle {handle}" if handle is not None else ""


# How many elements of a named set nft prints on a line, by the key's type (nftables'
# calculate_delimiter): addresses two, numbers sixteen, anything else (names, maps) one.
_NFT_PER_LINE = {"ipv4_addr": 2, "ct_state": 2, "ct_status": 2, "pkt_type": 2,
                 "inet_service": 16, "inet_proto": 16, "integer": 16, "mark": 16,
                 "nf_proto": 16, "ifindex": 16, "uid": 16, "gid": 16}


def _nft_elements(s) -> str:
    per_line = _NFT_PER_LINE.get((s.type or "").split(" : ")[0].strip(), 1)
    text = ""
    for i, element in enumerate(s.elements):
        if i:
            text += ",\n\t\t\t     " if i % per_line == 0 else ", "
        text += element
    return text


def render_nft_ruleset(model: NftRuleset) -> str:
    """nft list ruleset: sets and maps, then chains, a blank line between blocks."""
    if model.json_format:
        return render_nft_ruleset_json(model)
    lines = list(model.warnings)
    for t in model.tables:
        lines.append(f"table {t.family} {t.name} {{{_nft_handle(t.handle)}")
        if t.flags:
            lines.append(f"\tflags {','.join(t.flags)}")
        blocks = []
        for s in t.sets:
            block = [f"\t{'map' if s.map else 'set'} {s.name} {{{_nft_handle(s.handle)}"]
            block += [f"\t\ttype {s.type}"] if s.type else []
            block += [f"\t\tflags {','.join(s.flags)}"] if s.flags else []
            block += [f"\t\telements = {{ {_nft_elements(s)} }}"] if s.elements else []
            blocks.append(block + ["\t}"])
        for c in t.chains:
            block = [f"\tchain {c.name} {{{_nft_handle(c.handle)}"]
            if c.type:
                device = f' device "{c.device}"' if c.device else ""
                block.append(f"\t\ttype {c.type} hook {c.hook}{device} priority {c.priority};"
                             + (f" policy {c.policy};" if c.policy else ""))
            block += [f"\t\t{r.text}{_nft_handle(r.handle)}" for r in c.rules]
            blocks.append(block + ["\t}"])
        for i, block in enumerate(blocks):
            lines += ([""] if i else []) + block
        lines.append("}")
    return "\n".join(lines) + "\n"


def render_nft_ruleset_json(model: NftRuleset) -> str:
    """nft -j list ruleset: the statements' expressions are kept as their JSON text."""
    meta = {"version": model.version, "release_name": model.release,
            "json_schema_version": model.schema_version}
    items: list = [{"metainfo": {k: v for k, v in meta.items() if v is not None}}] \
        if model.version else []
    for t in model.tables:
        items.append({"table": {"family": t.family, "name": t.name, "handle": t.handle,
                                **({"flags": t.flags} if t.flags else {})}})
        for c in t.chains:
            chain = {"family": t.family, "table": t.name, "name": c.name, "handle": c.handle}
            if c.type:
                chain.update(type=c.type, hook=c.hook, prio=int(c.priority), policy=c.policy)
                chain.update({"dev": c.device} if c.device else {})
            items.append({"chain": chain})
        for c in t.chains:
            for r in c.rules:
                rule = {"family": t.family, "table": t.name, "chain": c.name,
                        "handle": r.handle, "expr": [json.loads(x.text) for x in r.statements]}
                rule.update({"comment": r.comment} if r.comment is not None else {})
                items.append({"rule": rule})
    return json.dumps({"nftables": items}) + "\n"


# --- ip rule -----------------------------------------------------------------------------------


def _c_hex(value: int) -> str:
    return f"{value:#x}" if value else "0"  # C's %#x prints no 0x for zero


def _rule_network(network) -> str:
    host = network.prefixlen == network.max_prefixlen
    return str(network.network_address) if host else str(network)


def render_ip_rule(model: IpRule) -> str:
    """`ip rule` / `ip -6 rule` / `ip -d rule` (iproute2 6.1's print_rule order)."""
    lines = []
    for r in model.rules:
        options = r.options

        def option(*names: str) -> list[str]:
            return [f"{name} {options[name]}" for name in names if name in options]

        words = ["not"] if r.invert else []
        words.append(f"from {_rule_network(r.src)}" if r.src else "from all")
        if r.dst:
            words.append(f"to {_rule_network(r.dst)}")
        words += option("tos")
        if r.fwmark is not None:
            words.append(f"fwmark {_c_hex(r.fwmark)}" +
                         (f"/{_c_hex(r.fwmask)}" if r.fwmask is not None else ""))
        for name, detached in (("iif", r.iif_detached), ("oif", r.oif_detached)):
            if getattr(r, name) is not None:
                words.append(f"{name} {getattr(r, name)}" + (" [detached]" if detached else ""))
        if r.l3mdev:
            words.append("lookup [l3mdev-table]")
        words += option("uidrange", "ipproto", "sport", "dport", "tun_id")
        if r.table is not None:
            words.append(f"lookup {r.table}")
        if r.suppress_prefixlength is not None:
            words.append(f"suppress_prefixlength {r.suppress_prefixlength}")
        words += option("suppress_ifgroup", "realms")
        if r.action is RuleAction.GOTO:
            words.append(f"goto {'none' if r.goto is None else r.goto}" +
                         (" [unresolved]" if r.unresolved else ""))
        elif r.action is not RuleAction.LOOKUP:
            words.append(r.action.value)
        if r.proto is not None:
            words.append(f"proto {r.proto}")
        words += option("dscp", "flowlabel")
        lines.append(f"{r.priority}:\t" + " ".join(words))
    return "\n".join(lines) + "\n"


# --- docker version / docker info --------------------------------------------------------------


def _engine_json(engine: dict) -> str:
    """`--format '{{json .}}'`: Go's encoder without HTML escaping, one line."""
    return json.dumps(engine, separators=(",", ":"), ensure_ascii=False) + "\n"


def _tabwriter_blocks(rows: list[tuple[str, str | None]]) -> list[str]:
    """Go's tabwriter with minwidth 20 and padding 1 over (cell, value) rows, a value of None
    being a line without a tab: each run of lines with a tab is one column."""
    out: list[str] = []
    run: list[tuple[str, str]] = []

    def flush():
        width = max([20] + [len(cell) + 1 for cell, _ in run])
        out.extend(cell.ljust(width) + value for cell, value in run)
        run.clear()

    for cell, value in rows:
        if value is None:
            flush()
            out.append(cell)
        else:
            run.append((cell, value))
    flush()
    return out


def render_docker_version(model: DockerVersion) -> str:
    """`docker version`: the CLI's template through its tabwriter; or its JSON form."""
    if model.engine:
        return _engine_json(model.engine)
    rows: list[tuple[str, str | None]] = []

    def walk(line: OutlineLine, depth: int) -> None:
        cell = " " * depth + (f"{line.key}:" if line.key is not None else line.value)
        if depth and line.key is not None and (line.value is not None or not line.items):
            rows.append((cell, line.value or ""))  # no items: a value printed empty
        else:
            rows.append((cell + (f" {line.value}" if depth == 0 and line.value else ""), None))
        for item in line.items:
            walk(item, depth + 1)

    for number, top in enumerate(model.outline):
        if number:
            rows.append(("", None))
        walk(top, 0)
    return "\n".join(_tabwriter_blocks(rows)) + "\n"


def render_docker_info(model: DockerInfo) -> str:
    """`docker info 2>&1` as docker 29 prints it (fprintln: `Key: value`); the client's keys
    padded, a client plugin's lines and the address pools indented two more; or its JSON."""
    if model.engine:
        return _engine_json(model.engine)
    lines: list[str] = []

    def walk(line: OutlineLine, indent: int, path: tuple) -> None:
        if line.key is None:
            text = line.value
        elif line.value is None and (line.items or not path):
            text = f"{line.key}:"
        else:  # a value, or nothing under it: a value printed empty
            label = f"{line.key}:"
            if path == ("Client",):
                label = label.ljust(11)
            elif path[:2] == ("Client", "Plugins") and len(path) == 3:
                label = label.ljust(9)
            text = f"{label} {line.value or ''}"
        lines.append(" " * indent + text)
        step = 2 if line.key == "Default Address Pools" or path == ("Client", "Plugins") else 1
        for item in line.items:
            walk(item, indent + step, (*path, line.key))

    for top in model.outline:
        if top.key == "Server" and lines:
            lines.append("")
        walk(top, 0, ())
    if any(top.key == "Server" for top in model.outline):
        lines.append("")  # the server's part ends with an empty line
    lines += model.errors + model.warnings
    return "\n".join(lines) + "\n"


RENDERERS = {
    "brctl_show": render_brctl_show, "bridge_fdb": render_bridge_fdb,
    "bridge_link": render_bridge_link, "sysctl": render_sysctl, "route_n": render_route_n,
    "ip_route": render_ip_route, "ip_addr": render_ip_addr, "ip_link": render_ip_link,
    "docker_ps": render_docker_ps, "docker_network_ls": render_docker_network_ls,
    "docker_inspect": render_docker_inspect,
    "docker_network_inspect": render_docker_network_inspect,
    "iptables_save": render_iptables_save,
    "iptables_list": render_iptables_list,
    "nft_ruleset": render_nft_ruleset,
    "ip_rule": render_ip_rule, "docker_version": render_docker_version,
    "docker_info": render_docker_info,
}
