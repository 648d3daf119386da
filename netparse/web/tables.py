"""Each capture model as readable tables for the page: the columns a support engineer looks at.

Only what the models hold is shown, as text; the template escapes it. A kind without a table
here falls back on its top-level lists, one column per field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from netparse.models.base import Capture, Model


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)


def _s(value: Any) -> str:
    """A value as the page shows it: empty for None, enums by their value, lists one per line."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (list, tuple)):
        return "\n".join(_s(v) for v in value)
    if isinstance(value, dict):
        return "\n".join(f"{k}={_s(v)}" for k, v in value.items())
    return str(value)


def _ports(mappings) -> str:
    out = []
    for p in mappings:
        inner = f"{p.container_port}" + (f"-{p.container_port_end}" if p.container_port_end else "")
        inner += f"/{_s(p.protocol)}"
        if p.host_port is not None or p.host_ip is not None:
            host = "" if p.host_ip is None else (f"[{p.host_ip}]:" if p.host_ip.version == 6
                                                 else f"{p.host_ip}:")
            port = "" if p.host_port is None else str(p.host_port)
            if p.host_port_end:
                port += f"-{p.host_port_end}"
            out.append(f"{host}{port} → {inner}")
        else:
            out.append(inner)
    return "\n".join(out)


def _interfaces(model) -> list[Table]:
    table = Table("Interfaces", ["#", "name", "state", "master", "MTU", "MAC", "addresses", "peer",
                                 "kind"])
    for i in model.interfaces:
        state = _s(i.state) or ("UP" if i.is_up else "")
        peer = f"if{i.peer_ifindex}" if i.peer_ifindex is not None else (i.parent or "")
        if i.link_netnsid is not None:
            peer += f" (netnsid {i.link_netnsid})"
        table.rows.append([_s(i.ifindex), i.name, state, _s(i.master), _s(i.mtu), _s(i.mac),
                           "\n".join(str(a.address) for a in i.addresses), peer.strip(),
                           _s(i.link_kind)])
    return [table]


def _brctl(model) -> list[Table]:
    table = Table("Bridges", ["bridge", "bridge id", "STP", "interfaces"])
    for b in model.bridges:
        table.rows.append([b.name, b.bridge_id, _s(b.stp), _s(b.interfaces)])
    return [table]


def _route_n(model) -> list[Table]:
    table = Table(f"Routes ({_s(model.family)})",
                  ["destination", "gateway", "genmask", "flags", "metric", "interface"])
    for r in model.routes:
        dest = _s(r.destination) if r.destination is not None else _s(r.destination_name)
        gateway = _s(r.gateway) if r.gateway is not None else _s(r.gateway_name)
        table.rows.append([dest, gateway, _s(r.genmask), "".join(_s(f) for f in r.flags),
                           _s(r.metric), _s(r.iface)])
    return [table]


def _ip_route(model) -> list[Table]:
    table = Table("Routes", ["type", "destination", "via", "dev", "proto", "scope", "src",
                             "metric", "table", "flags"])
    for r in model.routes:
        via = _s(r.gateway)
        dev = _s(r.dev)
        if r.nexthops:
            via = "\n".join(_s(n.gateway) for n in r.nexthops)
            dev = "\n".join(_s(n.dev) for n in r.nexthops)
        table.rows.append([_s(r.type), _s(r.destination), via, dev, _s(r.proto), _s(r.scope),
                           _s(r.src), _s(r.metric), _s(r.table) or "main",
                           " ".join(_s(f) for f in r.flags)])
    return [table]


def _bridge_fdb(model) -> list[Table]:
    table = Table("Forwarding database", ["MAC", "dev", "master", "VLAN", "state", "flags", "dst"])
    for e in model.entries:
        flags = [_s(f) for f in e.flags] + (["self"] if e.self_ else [])
        table.rows.append([_s(e.mac), _s(e.dev), _s(e.master), _s(e.vlan), _s(e.state),
                           " ".join(flags), _s(e.dst)])
    return [table]


def _bridge_link(model) -> list[Table]:
    table = Table("Bridge ports", ["#", "name", "peer", "master", "state", "MTU", "up", "cost"])
    for p in model.ports:
        peer = f"if{p.peer_ifindex}" if p.peer_ifindex is not None else _s(p.peer)
        table.rows.append([_s(p.ifindex), p.name, peer, _s(p.master), _s(p.state), _s(p.mtu),
                           _s(p.up), _s(p.cost)])
    return [table]


def _docker_ps(model) -> list[Table]:
    table = Table("Containers", ["name", "id", "image", "status", "ports", "networks"])
    for c in model.containers:
        table.rows.append([_s(c.names), _s(c.id), _s(c.image), _s(c.status or c.state),
                           _ports(c.ports), _s(c.networks)])
    return [table]


def _docker_inspect(model) -> list[Table]:
    table = Table("Containers", ["name", "id", "state", "network mode", "networks", "ports"])
    for c in model.containers:
        nets = []
        for ep in c.networks:
            ip = f"{ep.ip_address}/{ep.ip_prefix_len}" if ep.ip_address else "no address"
            nets.append(f"{ep.name}: {ip}" + (f" {ep.mac_address}" if ep.mac_address else ""))
        state = c.state.status if c.state is not None else None
        table.rows.append([_s(c.name), (c.id or "")[:12], _s(state), _s(c.network_mode),
                           "\n".join(nets), _ports(c.ports or c.port_bindings)])
    return [table]


def _docker_network_ls(model) -> list[Table]:
    table = Table("Networks", ["id", "name", "driver", "scope"])
    for n in model.networks:
        table.rows.append([_s(n.id), _s(n.name), _s(n.driver), _s(n.scope)])
    return [table]


def _docker_network_inspect(model) -> list[Table]:
    table = Table("Networks", ["name", "id", "driver", "subnets", "gateways", "bridge",
                               "containers"])
    for n in model.networks:
        config = n.ipam.config if n.ipam is not None else []
        bridge = n.options.get("com.docker.network.bridge.name", "")
        members = [" ".join(x for x in (c.name or c.id[:12], _s(c.ipv4_address)) if x)
                   for c in n.containers]
        table.rows.append([n.name, n.id[:12], _s(n.driver), _s([c.subnet for c in config]),
                           _s([c.gateway for c in config]), bridge, "\n".join(members)])
    return [table]


def _sysctl(model) -> list[Table]:
    table = Table("Settings", ["key", "value"])
    for key, value in model.settings.items():
        table.rows.append([key, value])
    tables = [table]
    if model.errors:
        errors = Table("Messages", ["line", "key", "message"])
        errors.rows = [[_s(e.line), _s(e.key), e.message] for e in model.errors]
        tables.append(errors)
    return tables


_TABLES = {
    "brctl_show": _brctl, "route_n": _route_n, "ip_route": _ip_route, "ip_addr": _interfaces,
    "ip_link": _interfaces, "bridge_fdb": _bridge_fdb, "bridge_link": _bridge_link,
    "docker_ps": _docker_ps, "docker_inspect": _docker_inspect,
    "docker_network_ls": _docker_network_ls, "docker_network_inspect": _docker_network_inspect,
    "sysctl": _sysctl,
}


def _generic(model: Capture) -> list[Table]:
    tables = []
    for name, value in model:
        if name == "unparsed" or not isinstance(value, list) or not value:
            continue
        if isinstance(value[0], Model):
            columns = list(type(value[0]).model_fields)
            table = Table(name, columns)
            table.rows = [[_s(getattr(item, c)) for c in columns] for item in value]
        else:
            table = Table(name, [name], [[_s(v)] for v in value])
        tables.append(table)
    return tables


def tables_of(model: Capture) -> list[Table]:
    """The tables that show `model` on the page."""
    build = _TABLES.get(model.kind, _generic)
    try:
        tables = build(model)
    except AttributeError:  # a model that changed shape: show its fields rather than nothing
        tables = _generic(model)
    return [_without_empty_columns(t) for t in tables]


def _without_empty_columns(table: Table) -> Table:
    """Columns that this capture never fills (`kind` without `ip -d`, ...) only take room."""
    if not table.rows:
        return table
    keep = [i for i in range(len(table.columns)) if any(row[i] for row in table.rows)]
    return Table(table.title, [table.columns[i] for i in keep],
                 [[row[i] for i in keep] for row in table.rows])
