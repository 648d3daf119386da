"""Check a generated dump: it parses fully, pairs as built, and looks like the real captures.

    python -m bench.validate DUMP      (a dump from bench.gen; exits 1 on a difference)

- Parsing: every file is read as a capture and every line of it is understood.
- Analysis: every running container's endpoint is paired with the veth it was built with, from
  the capture inside the container, and a healthy host raises no finding.
- Shapes: each line of a generated text capture, with its values (numbers, addresses, MACs, ids,
  interface and container names) replaced by placeholders and its runs of blanks made one,
  occurs in some real capture of the same kind under tests/fixtures or tests/parsers/data; each
  JSON document uses only key paths, with value types, that real documents of its kind use.
"""

from __future__ import annotations

import ipaddress
import json
import re
import sys
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = [ROOT / "tests" / "fixtures" / "dumps", ROOT / "tests" / "fixtures" / "captures",
        ROOT / "tests" / "parsers" / "data"]

_SUBS = [
    (re.compile(r"\b[0-9a-f]{4}\.(?:[0-9a-f]{12}|[0-9a-f]{1,2}(?::[0-9a-f]{1,2}){5})\b"), "BRID"),
    (re.compile(r"\b[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}\b"), "MAC"),
    (re.compile(r"\b0x[0-9a-f]+\b"), "HEXNUM"),
    (re.compile(r"\bveth[0-9a-f]{7}\b"), "VETH"),
    (re.compile(r"\bbr-[0-9a-f]{12}\b|\bdocker0\b"), "BRIDGE"),
    (re.compile(r"\bnp-[A-Za-z0-9_.-]*[A-Za-z0-9]"), "NAME"),
    (re.compile(r"\b[0-9a-f]{12,64}\b"), "HEX"),
    (re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b"), "ADDR"),
    (re.compile(r"(?<=\bdev )[^\s:]+"), "IFACE"),
]
_V6 = re.compile(r"(?<![\w:])[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}(?![\w:])")
_NUMBER = re.compile(r"\d+")
# JSON objects whose keys are data (network names, container ids, ports), not field names.
_DATA_KEYS = {"Networks", "Containers", "Ports", "PortBindings", "ExposedPorts", "Labels", "Options"}


def skeleton(line: str) -> str:
    """The shape of a line: values replaced by placeholders, blanks collapsed, indent kept."""
    indent = re.match(r"[ \t]*", line).group()
    body = line[len(indent):]
    for rx, name in _SUBS:
        body = rx.sub(name, body)
    body = _V6.sub(lambda m: "ADDRSIX" if _is_v6(m.group()) else m.group(), body)
    body = _NUMBER.sub("N", body)
    return indent + re.sub(r"[ \t]+", " ", body.rstrip()) + (" " if body != body.rstrip() else "")


def _is_v6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
        return True
    except ValueError:
        return False


def json_paths(value, path: str = "", out: set | None = None) -> set[str]:
    """Key paths with value types; keys that are data (names, ids, ports) become `*`."""
    out = set() if out is None else out
    if isinstance(value, dict):
        data_keys = path.rsplit(".", 1)[-1] in _DATA_KEYS
        for key, item in value.items():
            json_paths(item, f"{path}.{'*' if data_keys else key}", out)
        if not value:
            out.add(f"{path}:{{}}")
    elif isinstance(value, list):
        for item in value:
            json_paths(item, path + "[]", out)
        if not value:
            out.add(f"{path}:[]")
    else:
        out.add(f"{path}:{type(value).__name__}")
    return out


@lru_cache(maxsize=1)
def real_shapes() -> dict[str, set[str]]:
    """Kind → the skeletons (text) or key paths (JSON) of every real capture of that kind."""
    from netparse import sources
    from netparse.parsers import detect, prepare

    shapes: dict[str, set[str]] = {}
    for base in REAL:
        for path in sorted(base.rglob("*")):
            if not path.is_file() or path.suffix not in (".txt", ".json") \
                    or path.name.startswith(("README", "manifest")):
                continue
            text = prepare(path.read_bytes())
            kind = sources.kind_of_name(path.name)[0]
            try:
                kind = kind or detect(text)
            except Exception:
                continue
            _add_shapes(shapes.setdefault(kind, set()), text)
    return shapes


def _add_shapes(into: set[str], text: str) -> None:
    if text.lstrip()[:1] in "[{" and text.strip():
        try:
            json_paths(json.loads(text), "", into)
            return
        except ValueError:
            pass
    into.update(skeleton(line) for line in text.split("\n") if line.strip())


def check_shapes(dump: Path) -> list[str]:
    """Lines or key paths of the generated captures that no real capture of their kind has."""
    from netparse import sources

    real = real_shapes()
    problems = []
    for item in sources.load(dump).items:
        mine: set[str] = set()
        _add_shapes(mine, item.data.decode())
        unknown = sorted(mine - real.get(item.kind, set()))
        problems += [f"{item.path}: {s!r} is in no real {item.kind} capture" for s in unknown]
    return problems


def check_analysis(dump: Path, truth: dict[tuple[str, str], str]) -> list[str]:
    """Lines not understood, pairings that differ from the construction, and any finding."""
    from netparse.analysis import analyze_snapshot, load
    from netparse.analysis.model import Pairing
    from netparse.snapshot import SourceStatus

    snap = load(dump)
    problems = [f"{s.path}: {s.status.value}: {s.messages[:3]}" for s in snap.sources
                if s.status is not SourceStatus.PARSED]
    report = analyze_snapshot(snap)
    seen = {}
    for c in report.topology.containers:
        for ep in c.endpoints:
            if c.running:
                seen[(c.name, ep.network)] = ep.host_veth
                if ep.host_veth and ep.evidence is not Pairing.INSIDE:
                    problems.append(f"{c.name} on {ep.network}: paired by {ep.evidence}")
    for key, veth in sorted(truth.items()):
        if seen.get(key) != veth:
            problems.append(f"{key[0]} on {key[1]}: paired with {seen.get(key)}, built with {veth}")
    problems += [f"unexpected endpoint {k}" for k in seen.keys() - truth.keys()]
    problems += [f"finding {f.code}: {f.message}" for f in report.findings]
    return problems


def truth_of(dump: Path) -> dict[tuple[str, str], str]:
    """The pairing a dump was built with, read back from its docker inspect and the captures
    inside each container (`ethN@ifH`) joined to the host's `ip addr` by ifindex, without netparse."""
    inspect = json.loads((dump / "docker_inspect.json").read_text())
    host = {}
    for line in (dump / "ip_addr.txt").read_text().splitlines():
        m = re.match(r"(\d+): ([^:@]+)@if\d+:", line)
        if m:
            host[int(m[1])] = m[2]
    truth = {}
    for c in inspect:
        if not c["State"]["Running"]:
            continue
        name = c["Name"].lstrip("/")
        inside = (dump / "containers" / name / "ip_addr.txt").read_text()
        macs = dict(re.findall(r"\d+: \S+@if(\d+):.*\n\s+link/ether (\S+)", inside))
        by_mac = {mac: int(index) for index, mac in macs.items()}
        for net, ep in c["NetworkSettings"]["Networks"].items():
            truth[(name, net)] = host[by_mac[ep["MacAddress"]]]
    return truth


def main(argv=None) -> int:
    dump = Path((argv or sys.argv[1:])[0])
    problems = check_shapes(dump) + check_analysis(dump, truth_of(dump))
    for p in problems[:50]:
        print(p)
    print(f"{dump}: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
