"""The objects of one dump, each under an identity that survives a restart, a re-created
network or a reload of the firewall.

Docker names some things at random each time it makes them: veths (`veth1a2b3c4`), bridges of
user networks (`br-` and the network ID), container and endpoint IDs, MACs. Those names are
replaced by what they serve (`bridge[web-net]`, `veth[web1@web-net]`) wherever they occur, in
routes, rules and sysctl keys too, and the random values themselves are not compared; neither
are what a host changes by itself from one minute to the next (learned forwarding entries,
counters, uptimes, timestamps).

Each family of objects is read from certain kinds of capture (`FAMILIES`); a family is compared
only when both dumps hold the same of those kinds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from ipaddress import ip_network

from netparse.analysis.context import Context

# Which kinds of capture each family is read from. Both sides must hold the same of them.
FAMILIES: dict[str, tuple[str, ...]] = {
    "container": ("docker_inspect", "docker_ps"),
    "network": ("docker_network_inspect", "docker_network_ls"),
    "endpoint": ("docker_inspect",),
    "bridge": ("ip_addr", "ip_link", "brctl_show", "bridge_link"),
    "veth": ("ip_addr", "ip_link", "brctl_show", "bridge_link", "docker_inspect", "bridge_fdb",
             "inside"),
    "interface": ("ip_addr", "ip_link"),
    "route": ("ip_route", "route_n"),
    "firewall rule": ("iptables_save",),
    "firewall policy": ("iptables_save",),
    "nft rule": ("nft_ruleset",),
    "nft chain": ("nft_ruleset",),
    "sysctl": ("sysctl",),
    "ip rule": ("ip_rule",),
    "engine": ("docker_version",),
}

_DOCKER_NAME = re.compile(r"\b(?:br-[0-9a-f]{12}|veth[0-9a-f]{7})\b")
_COUNTERS = re.compile(r"^\[\d+:\d+\]\s*|\s*counter packets \d+ bytes \d+")
_LINK_LOCAL = ip_network("fe80::/10")
_MULTICAST6 = ip_network("ff00::/8")


@dataclass
class Obj:
    """One object's value, where it was read, and what a reach path cites when it goes
    through it (a rule's `capture:line`, a bridge's or a veth's name)."""

    value: object
    source: str | None = None                 # the capture it was read from
    find: object = None                       # how to find its line there: str or callable
    line: int | None = None                   # when the model knows it
    marks: set[str] = field(default_factory=set)


@dataclass
class Side:
    label: str        # "before" or "after"
    snapshot: object
    ctx: Context
    raw: dict          # (path, first_line) -> bytes, to find an object's line
    names: dict[str, str] = field(default_factory=dict)   # Docker's random names -> stable ones
    kinds: set[str] = field(default_factory=set)
    _lines: dict = field(default_factory=dict)

    def stable(self, text: str | None) -> str | None:
        """`text` with Docker's random device names replaced by what they serve."""
        if not text:
            return text
        return _DOCKER_NAME.sub(lambda m: self.names.get(m.group(0), m.group(0)), text)

    def where(self, obj: Obj) -> str | None:
        """`capture:line` of an object, or the capture alone when the line is not found."""
        if obj.source is None:
            return None
        entry = self._entry(obj.source)
        offset = entry.first_line - 1 if entry else 0
        if obj.line is not None:
            return f"{obj.source}:{obj.line + offset}"
        lines = self._text(obj.source, entry)
        if lines and obj.find is not None:
            test = obj.find if callable(obj.find) else (lambda line, s=obj.find: s in line)
            for number, line in enumerate(lines, 1):
                if test(line):
                    return f"{obj.source}:{number + offset}"
        return obj.source

    def _entry(self, path: str):
        return next((e for e in reversed(self.snapshot.entries)
                     if e.source.path == path and e.model is not None), None)

    def _text(self, path: str, entry) -> list[str] | None:
        if path not in self._lines:
            from netparse.parsers import prepare

            data = self.raw.get((path, entry.first_line if entry else 1))
            try:
                self._lines[path] = prepare(data).split("\n") if data is not None else None
            except Exception:  # noqa: BLE001 (a capture that parsed decodes; a line is a bonus)
                self._lines[path] = None
        return self._lines[path]


def side(label: str, snapshot, ctx: Context, raw: dict) -> Side:
    s = Side(label, snapshot, ctx, raw)
    s.kinds = {e.kind for e in snapshot.entries if e.model is not None and e.container is None}
    if any(e.model is not None and e.container is not None for e in snapshot.entries):
        s.kinds.add("inside")
    for b in ctx.topology.bridges:
        if b.network and b.managed:
            s.names[b.name] = f"bridge[{b.network}]"
    for c in ctx.topology.containers:
        for ep in c.endpoints:
            if ep.host_veth:
                s.names[ep.host_veth] = f"veth[{c.name}@{ep.network}]"
    return s


def objects(s: Side) -> dict[str, dict[tuple, Obj]]:
    """Every object of the dump, by family, under its stable identity."""
    found: dict[str, dict[tuple, Obj]] = {name: {} for name in FAMILIES}
    _containers(s, found)
    _networks(s, found)
    _bridges(s, found)
    _interfaces(s, found)
    _routes(s, found)
    _firewall(s, found)
    _nft(s, found)
    _sysctl(s, found)
    _ip_rules(s, found)
    _engine(s, found)
    return found


def _random_mac(mac: str | None) -> bool:
    """Locally administered: made up by the engine or the kernel, not burnt in or chosen."""
    return mac is None or bool(int(mac[:2], 16) & 2)


def _inspect_name(name: str):
    return lambda line: f'"Name": "/{name}"' in line or f'"Name": "{name}"' in line


def _containers(s: Side, found: dict) -> None:
    ctx = s.ctx
    source = ctx.inspect_source or ctx.ps_source
    for c in ctx.topology.containers:
        value = {"state": c.state, "image": c.image, "network_mode": c.network_mode,
                 "published": sorted(f"{p.host_ip or ''}:{p.host_port}->{p.container_port}/"
                                     f"{p.protocol}" for p in c.published)}
        find = _inspect_name(c.name) if source == ctx.inspect_source \
            else (lambda line, n=c.name: line.rstrip().endswith(" " + n))
        found["container"][(c.name,)] = Obj(value, source, find, marks={c.name})
        for ep in c.endpoints:
            ep_value = {"ip": f"{ep.ip}/{ep.prefix_len}" if ep.ip else None,
                        "gateway": str(ep.gateway) if ep.gateway else None,
                        "ipv6": str(ep.ipv6) if ep.ipv6 else None,
                        "mac": None if _random_mac(ep.mac) else ep.mac}
            found["endpoint"][(f"{c.name} on {ep.network}",)] = Obj(
                ep_value, ctx.inspect_source, _after(_inspect_name(c.name), f'"{ep.network}"'))
            iface = ctx.interface(ep.host_veth) if ep.host_veth else None
            veth = {"paired": ep.host_veth is not None,
                    "bridge": s.stable(_master_of(ctx, ep.host_veth)) if ep.host_veth else None,
                    "up": iface.up if iface else None,
                    "mtu": iface.mtu if iface else None}
            if c.running:
                found["veth"][(f"{c.name} on {ep.network}",)] = Obj(
                    veth, ctx.iface_source or ctx.bridge_source,
                    (lambda line, n=ep.host_veth: f": {n}@" in line or f": {n}:" in line)
                    if ep.host_veth else None, marks={ep.host_veth} if ep.host_veth else set())


def _after(first, then: str):
    """A line holding `then`, after the first line for which `first` holds."""
    state = {"seen": False}

    def test(line: str) -> bool:
        if not state["seen"]:
            state["seen"] = first(line)
            return False
        return then in line
    return test


def _master_of(ctx: Context, veth: str) -> str | None:
    iface = ctx.interface(veth)
    if iface is not None and iface.master:
        return iface.master
    for b in ctx.topology.bridges:
        if any(p.name == veth for p in b.ports):
            return b.name
    return None


def _networks(s: Side, found: dict) -> None:
    ctx = s.ctx
    for n in ctx.topology.networks:
        value = {"driver": n.driver, "subnets": sorted(str(x) for x in n.subnets),
                 "gateways": sorted(str(g) for g in n.gateways), "internal": n.internal,
                 "mtu": n.mtu}
        found["network"][(n.name,)] = Obj(value, ctx.network_source,
                                         lambda line, n=n.name: f'"Name": "{n}"' in line
                                         or line.split()[1:2] == [n], marks={n.name})


def _bridges(s: Side, found: dict) -> None:
    ctx = s.ctx
    for b in ctx.topology.bridges:
        key = b.network if b.managed and b.network else b.name
        value = {"up": b.up, "state": b.state, "mtu": b.mtu,
                 "addresses": _addresses(b.addresses, b.mac),
                 # Ports of containers are told by their veth; the others by their name.
                 "other ports": sorted(p.name for p in b.ports if p.container is None
                                       and not _DOCKER_NAME.fullmatch(p.name))}
        found["bridge"][(key,)] = Obj(value, ctx.iface_source or ctx.bridge_source,
                                      lambda line, n=b.name: f": {n}:" in line or
                                      line.startswith(n + " ") or line.startswith(n + "\t"),
                                      marks={b.name})


def _addresses(addresses, mac) -> list[str]:
    """Addresses, but a link-local one the kernel made from a random MAC."""
    return sorted(str(a) for a in addresses if a.ip not in _LINK_LOCAL or not _random_mac(mac))


def _interfaces(s: Side, found: dict) -> None:
    ctx = s.ctx
    bridges = {b.name for b in ctx.topology.bridges}
    for i in ctx.topology.interfaces:
        if i.name in bridges or i.name in s.names or _DOCKER_NAME.fullmatch(i.name):
            continue
        value = {"kind": i.kind, "up": i.up, "state": i.state, "mtu": i.mtu,
                 "master": s.stable(i.master),
                 "addresses": _addresses(i.addresses, i.mac),
                 "mac": None if _random_mac(i.mac) else i.mac}
        found["interface"][(i.name,)] = Obj(value, ctx.iface_source,
                                            lambda line, n=i.name: f": {n}:" in line
                                            or f": {n}@" in line, marks={i.name})


def _routes(s: Side, found: dict) -> None:
    ctx = s.ctx
    by_key: dict[tuple, list[str]] = {}
    first: dict[tuple, str] = {}
    for r in ctx.topology.routes:
        d = r.destination
        if d is not None and d.version == 6 and (d.subnet_of(_MULTICAST6) or
                                                  d.prefixlen == 128 and d.subnet_of(_LINK_LOCAL)):
            continue  # addresses the kernel derives from random MACs, and multicast
        dev = s.stable(r.dev)
        if d is not None and d.version == 6 and d.subnet_of(_LINK_LOCAL) and dev != r.dev:
            continue  # every container's veth has its fe80::/64
        table = r.table or "main"
        if not ctx.all_tables and table != "main":
            continue
        dest = "default" if d is not None and d.prefixlen == 0 else str(d)
        kind = "" if r.type == "unicast" else r.type + " "
        key = (f"{kind}{dest} table {table}",)
        words = [f"via {r.gateway}" if r.gateway else "", f"dev {dev}" if dev else "",
                 f"metric {r.metric}" if r.metric is not None else "",
                 f"proto {r.proto}" if r.proto else "", f"scope {r.scope}" if r.scope else "",
                 f"src {r.src}" if r.src else "", "linkdown" if r.linkdown else ""]
        by_key.setdefault(key, []).append(" ".join(w for w in words if w))
        first.setdefault(key, dest)
    for key, values in by_key.items():
        dest = first[key]
        printed = {dest, dest.rsplit("/", 1)[0]} if dest.endswith(("/32", "/128")) else {dest}
        marks = {dest, "0.0.0.0/0", "::/0"} if dest == "default" else {dest}
        found["route"][key] = Obj(sorted(values) if len(values) > 1 else values[0],
                                  ctx.route_source,
                                  lambda line, p=printed: bool(p & set(line.split()[:2])),
                                  marks=marks)


def _firewall(s: Side, found: dict) -> None:
    for e in s.snapshot.host("iptables_save"):
        model = e.model
        family = "ip6" if model.program and "ip6" in model.program else "ip"
        prefix = "ip6 " if family == "ip6" else ""
        if e is not s.ctx.firewall and family == "ip" and s.ctx.firewall is not None:
            continue  # the one the walk reads; another IPv4 save would count its rules twice
        for t in model.tables:
            for c in t.chains:
                if c.policy:
                    found["firewall policy"][(f"{prefix}{t.name} {c.name}",)] = Obj(
                        c.policy, e.source.path, line=c.line,
                        marks={f"{t.name} {c.name} policy"})
                seen: dict[str, int] = {}
                for r in c.rules:
                    text = s.stable(_COUNTERS.sub("", r.text))
                    n = seen[text] = seen.get(text, 0) + 1
                    found["firewall rule"][(f"{prefix}{t.name} {c.name}: {text}", n)] = Obj(
                        _COUNTERS.sub("", r.text), e.source.path, line=r.line,
                        marks={f"{e.source.path}:{r.line}"})


_IPTABLES_TABLES = {"filter", "nat", "mangle", "raw", "security"}


def _nft(s: Side, found: dict) -> None:
    iptables = "iptables_save" in s.kinds
    for e in s.snapshot.host("nft_ruleset"):
        for t in e.model.tables:
            own = t.family in ("ip", "ip6") and t.name in _IPTABLES_TABLES
            if own and iptables:
                continue  # the same rules as iptables-save's, compared there
            for c in t.chains:
                if c.hook:
                    # A base chain: where it hooks, and its policy (what a walk cites when a
                    # packet falls off its end).
                    found["nft chain"][(f"{t.family} {t.name} {c.name}",)] = Obj(
                        f"type {c.type} hook {c.hook} priority {c.priority}; policy "
                        f"{c.policy or 'accept'}", e.source.path, line=c.line,
                        marks={f"table {t.family} {t.name} chain {c.name} policy"})
                seen: dict[str, int] = {}
                for r in c.rules:
                    raw = r.text if r.text is not None else " ".join(x.text for x in r.statements)
                    text = s.stable(_COUNTERS.sub("", raw))
                    n = seen[text] = seen.get(text, 0) + 1
                    found["nft rule"][(f"{t.family} {t.name} {c.name}: {text}", n)] = Obj(
                        _COUNTERS.sub("", raw).strip(), e.source.path, line=r.line,
                        marks={f"{e.source.path}:{r.line + e.first_line - 1}"})


def _sysctl(s: Side, found: dict) -> None:
    entry = next((e for e in reversed(s.snapshot.host("sysctl"))
                  if e.source.path == s.ctx.sysctl_source), None)
    if entry is None:
        return
    for key, value in entry.model.settings.items():
        name = re.sub(r"(?<=\.conf\.)[^.]+(?=\.)", lambda m: s.names.get(m.group(0), m.group(0)),
                      key)
        if _DOCKER_NAME.search(name):
            continue  # a veth of no container: gone by the time anything reads it
        found["sysctl"][(name,)] = Obj(value, entry.source.path,
                                       lambda line, k=key: line.startswith(k + " ")
                                       or line.startswith(k + "="), marks={key})


def _ip_rules(s: Side, found: dict) -> None:
    for e in s.snapshot.host("ip_rule"):
        six = "-6" in (e.source.command or "") or "ip6" in e.source.path
        for r in e.model.rules:
            fields = r.model_dump(mode="json", exclude_defaults=True)
            words = [f"{k} {v}" for k, v in fields.items() if k != "priority"]
            text = s.stable(f"{r.priority}: " + " ".join(words))
            found["ip rule"][(("ip6 " if six else "") + text,)] = Obj(
                "present", e.source.path, f"{r.priority}:")


def _engine(s: Side, found: dict) -> None:
    for e in s.snapshot.host("docker_version"):
        if e.model.server_version:
            found["engine"][("docker version",)] = Obj(e.model.server_version, e.source.path,
                                                      e.model.server_version)
