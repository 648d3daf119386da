"""One host at a time: a paste that holds captures of several hosts (two prompts naming two
hosts, Ansible's or pssh's blocks, `==> host/file <==` of head or tail) is never merged into one
host. It is refused, naming each host and where its captures are, unless one host is chosen;
then only that host's captures are kept and the others are listed as left out."""

from __future__ import annotations

from netparse.errors import HostsError, SourceError
from netparse.sources.items import Ignored, Item, SourceSet


def one_host(found: SourceSet, host: str | None) -> SourceSet:
    """`found` with the captures of one host: all of them when they name at most one host and
    none was chosen, else those of `host` (HostsError when several and none chosen)."""
    hosts: dict[str, list[Item]] = {}
    for item in found.items:
        if item.host is not None:
            hosts.setdefault(item.host, []).append(item)
    if host is None:
        if len(hosts) < 2:
            return found
        where = {name: [_lines(item, found.origin) for item in items]
                 for name, items in hosts.items()}
        listed = "; ".join(f"{name} ({', '.join(ranges)})" for name, ranges in where.items())
        raise HostsError(found.origin, f"holds captures of {len(hosts)} hosts, which are never "
                                       f"analysed as one: {listed}; choose one (--host NAME)",
                         where)
    if host not in hosts:
        named = ", ".join(hosts) if hosts else "none"
        raise SourceError(found.origin, f"no capture of host {host!r} (hosts named: {named})")
    kept: list[Item] = []
    for item in found.items:
        if item.host == host or (item.host is None and len(hosts) == 1):
            kept.append(item)
            continue
        at = f"{item.path}:{item.first_line}"
        if item.host is None:
            reason = f"no host named: it may be of {' or '.join(hosts)}; left out with {host} chosen"
        else:
            reason = f"taken on {item.host}; left out with {host} chosen"
        found.ignored.append(Ignored(at, f"`{item.command}`: {reason}" if item.command
                                     else reason))
    found.items = kept
    return found


def _lines(item: Item, origin: str) -> str:
    last = item.first_line + max(item.data.rstrip(b"\n").count(b"\n"), 0)
    span = f"{item.first_line}-{last}" if last > item.first_line else f"{item.first_line}"
    return f"lines {span}" if item.path == origin else f"{item.path}:{span}"
