"""Tell which command produced a text, from its content alone.

Each kind gets a score from 0 to 100: a header that only that command prints scores 100, otherwise
the share of non-blank lines that look like that command's lines. The best score wins; a tie, or no
score of at least 50, is an error that names the candidates.
"""

from __future__ import annotations

import json
import re

from netparse.errors import DetectError

_SAMPLE_LINES = 200

# (kind, regex for the first non-blank line): a header is decisive.
_HEADERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rx)) for kind, rx in (
        ("brctl_show", r"bridge name\s+bridge id\s+STP enabled"),
        ("route_n", r"Kernel IP(v6)? routing table"),
        ("route_n", r"Destination\s+(Gateway|Next Hop)\s+(Genmask\s+)?Flag"),
        ("docker_network_ls", r"NETWORK ID\s+NAME\s+DRIVER"),
        ("docker_ps", r"CONTAINER ID\s+(IMAGE|NAMES)"),
    ))

# Column titles of `docker ps --format 'table ...'` and of `docker network ls --format 'table ...'`.
_PS_TITLES = {"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES", "SIZE",
              "NETWORKS", "LABELS", "MOUNTS", "RUNNING FOR", "LOCAL VOLUMES", "STATE", "CREATED AT",
              "PLATFORM"}
_NET_TITLES = {"NETWORK ID", "NAME", "DRIVER", "SCOPE", "IPV4", "IPV6", "INTERNAL", "CREATED AT",
               "LABELS"}

_IFACE_HEAD = r"\d+:\s+\S+?:?\s+<[^>]*>"
_LINE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rx)) for kind, rx in (
        ("ip_link", _IFACE_HEAD + r".*\b(qdisc|state)\b|\s+link/\S+|\s+(alias|altname|"
         r"permaddr|veth|bridge|bridge_slave|vxlan|macvlan|ipvlan|bond|openvswitch|vrf|"
         r"dummy|tun|gre|ipip|sit|can|nlmon|team|geneve|wireguard)\b|\s+\S+\s+\S+"),
        ("ip_addr", _IFACE_HEAD + r"|\s+link/\S+|\s+(inet6?|valid_lft|altname)\s|\d+:\s+\S+\s+inet6?\s"),
        # `ip link` prints `mtu N qdisc ...`; `bridge link` goes on with master, state, hwmode.
        ("bridge_link", _IFACE_HEAD + r"\s+mtu\s+\d+\s+"
         r"(master\s+\S+\s*$|(master\s+\S+\s+)?(state|hwmode)\s)|\s+hairpin\s+o(n|ff)\s"),
        ("ip_route", r"(?!([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}\s)"  # an fdb line's MAC
         r"(?!\d+:\s)"  # `ip -o addr`: `1: lo    inet 127.0.0.1/8 scope host lo`
         r"((unicast\s+)?default|unreachable|blackhole|prohibit|throw|local|broadcast|"
         r"multicast|anycast|nat|(unicast\s+)?[0-9a-fA-F:.]+(/\d+)?)\s.*"
         r"\b(dev|via|proto|scope|table|metric|nexthop|nhid)\b"
         r"|\s+(nexthop|nh_info)\s|(unreachable|blackhole|prohibit)\s+\S+\s*$"
         r"|default\s*$"),  # a multipath route: its paths are on the nexthop lines below
        ("bridge_fdb", r"([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}\s+(dev|vlan|master|self|permanent|"
         r"static|stale|dst|port|vni|src_vni|via|nhid|link-netnsid|used|router|extern_learn|"
         r"offload|sticky|locked)\b"),
        ("sysctl", r"[\w.\-/*]+\s*=\s*\S*|sysctl: "),
    ))


def scores(text: str) -> dict[str, int]:
    """Every kind that the text could be, with its score (0-100)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] and stripped[:1] in "[{":
        return _json_scores(stripped)
    lines = [ln for ln in text.splitlines()[:_SAMPLE_LINES] if ln.strip()]
    if not lines:
        return {}
    first = lines[0].strip()
    for kind, rx in _HEADERS:
        if rx.match(first):
            return {kind: 100}
    titles = {t.strip() for t in re.split(r"\s{2,}", first)}
    if len(titles) >= 2 and titles <= _PS_TITLES:
        return {"docker_ps": 100}
    if len(titles) >= 2 and titles <= _NET_TITLES:
        return {"docker_network_ls": 100}
    result: dict[str, int] = {}
    for kind, rx in _LINE_RULES:
        hits = sum(1 for ln in lines if rx.match(ln))
        if hits:
            result[kind] = round(100 * hits / len(lines))
    # `ip addr` and `ip link` print the same headers: addresses decide.
    if "ip_addr" in result and "ip_link" in result:
        if any(re.match(r"\s+inet6?\s|\d+:\s+\S+\s+inet6?\s", ln) for ln in lines):
            result["ip_link"] = min(result["ip_link"], result["ip_addr"] - 1)
        else:
            result["ip_addr"] = min(result["ip_addr"], result["ip_link"] - 1)
    if result.get("bridge_link", 0) >= 50:
        # bridge link headers also match the looser interface rules.
        result.pop("ip_link", None)
        result.pop("ip_addr", None)
    return result


def _json_scores(text: str) -> dict[str, int]:
    items = _first_json_items(text)
    if not items:
        return {}
    keys = set().union(*(item.keys() for item in items if isinstance(item, dict)))
    if "IPAM" in keys or {"Driver", "Scope", "Containers"} <= keys:
        return {"docker_network_inspect": 100}
    if "NetworkSettings" in keys or "HostConfig" in keys:
        return {"docker_inspect": 100}
    if "ifname" in keys or "ifindex" in keys:
        return {"ip_addr": 100} if "addr_info" in keys else {"ip_link": 100}
    if "Names" in keys and ("Image" in keys or "ID" in keys):
        return {"docker_ps": 100}
    if {"ID", "Name", "Driver", "Scope"} <= keys:
        return {"docker_network_ls": 100}  # --format '{{json .}}'
    return {}


def _first_json_items(text: str) -> list:
    """The first objects of a JSON array, of concatenated arrays, or of JSON lines."""
    decoder = json.JSONDecoder()
    try:
        value, _ = decoder.raw_decode(text)
    except (ValueError, RecursionError):  # RecursionError: nested too deeply to decode
        # Truncated or damaged: still tell the kind from the first complete line, if any.
        first = text.splitlines()[0]
        try:
            value = json.loads(first)
        except (ValueError, RecursionError):
            return _keys_from_text(text[:4000])
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value[:20] if isinstance(v, dict)]
    return []


def _keys_from_text(text: str) -> list[dict]:
    """Quoted keys of damaged JSON, as one dict, so a truncated inspect still gets its kind."""
    return [{k: None for k in re.findall(r'"([A-Za-z_]+)"\s*:', text)}]


def detect(text: str) -> str:
    """The kind of `text`, or a DetectError that lists the candidates."""
    found = scores(text)
    if not found:
        raise DetectError("cannot tell which command produced this text", line=1)
    best = max(found.values())
    winners = sorted(k for k, s in found.items() if s == best)
    ranked = ", ".join(f"{k} ({s}%)" for k, s in sorted(found.items(), key=lambda kv: -kv[1]))
    if best < 50:
        raise DetectError(f"cannot tell which command produced this text; closest: {ranked}",
                          line=1, candidates=tuple(found))
    if len(winners) > 1:
        raise DetectError(f"text could be any of: {ranked}; name the kind",
                          line=1, candidates=tuple(winners))
    return winners[0]
