"""Two dumps compared: object changes, findings new and resolved, paths lost and gained, and
what could not be compared."""

from __future__ import annotations

from dataclasses import dataclass

from netparse.analysis.model import Report
from netparse.compare.model import Change, FindingChanges, Mark, PathChange, Reachability
from netparse.compare.objects import FAMILIES, Obj, Side, objects
from netparse.errors import NetparseError
from netparse.reach.model import Path, Verdict

# The container-to-container matrix grows as the square of the containers (about 1 ms a path):
# beyond this many paths a side, only the paths to `--to` and from `--client` are compared.
MATRIX_LIMIT = 4000
_EXAMPLES = 5


@dataclass
class Changed:
    """A change with the objects behind it, to link the paths it explains."""

    kind: str
    subject: str
    mark: Mark
    before: Obj | None
    after: Obj | None

    @property
    def label(self) -> str:
        return f"{self.kind}: {self.subject}"


def changes(b: Side, a: Side, incomplete: list[str]) -> list[Changed]:
    ob, oa = objects(b), objects(a)
    found: list[Changed] = []
    neither = []
    for family, kinds in FAMILIES.items():
        kb, ka = b.kinds & set(kinds), a.kinds & set(kinds)
        if kb != ka:
            incomplete.append(_one_side(family, kb, ka))
            continue
        if not kb:
            neither.append(family)
            continue
        before, after = ob[family], oa[family]
        for key in sorted(before.keys() | after.keys(), key=str):
            x, y = before.get(key), after.get(key)
            subject = key[0]
            if y is None:
                found.append(Changed(family, subject, Mark.REMOVED, x, None))
            elif x is None:
                found.append(Changed(family, subject, Mark.ADDED, None, y))
            elif x.value != y.value and _stable_value(b, x) != _stable_value(a, y):
                found.append(Changed(family, subject, Mark.CHANGED, x, y))
    if neither:
        incomplete.append(f"not compared, captured in neither dump: {', '.join(neither)}")
    return found


def _stable_value(s: Side, obj: Obj):
    """A rule's value is its text as written, with the names of that dump: compared by the
    stable form."""
    return s.stable(obj.value) if isinstance(obj.value, str) else obj.value


def _one_side(family: str, kb: set[str], ka: set[str]) -> str:
    def said(kinds: set[str]) -> str:
        return ", ".join(sorted(kinds)) or "nothing"
    return (f"{family}: not compared, the dumps hold different captures of it (before: "
            f"{said(kb)}; after: {said(ka)})")


def change_model(c: Changed, b: Side, a: Side) -> Change:
    before = c.before.value if c.before else None
    after = c.after.value if c.after else None
    if c.mark is Mark.CHANGED and isinstance(before, dict) and isinstance(after, dict):
        keys = [k for k in before if before[k] != after.get(k)]
        before, after = {k: before[k] for k in keys}, {k: after.get(k) for k in keys}
    evidence = []
    if c.before and (where := b.where(c.before)):
        evidence.append(f"before: {where}")
    if c.after and (where := a.where(c.after)):
        evidence.append(f"after: {where}")
    return Change(kind=c.kind, subject=c.subject, change=c.mark, before=before, after=after,
                  evidence=evidence)


# --- findings ------------------------------------------------------------------------------------

def findings(b: Side, rb: Report, a: Side, ra: Report, incomplete: list[str]) -> FindingChanges:
    not_run_b = {n.code for n in rb.not_run}
    not_run_a = {n.code for n in ra.not_run}
    one_side = not_run_b ^ not_run_a
    for code in sorted(one_side):
        ran = "after" if code in not_run_b else "before"
        incomplete.append(f"findings of {code}: not compared, the check ran on the {ran} "
                          f"dump only (the other lacks what it needs)")

    def keyed(s: Side, report: Report) -> dict:
        out: dict = {}
        for f in report.findings:
            if f.code in one_side:
                continue
            key = (f.code, tuple(sorted(s.stable(x) for x in f.subjects)))
            out.setdefault(key, []).append(f)
        return out

    kb, ka = keyed(b, rb), keyed(a, ra)
    new, resolved = [], []
    for key in kb.keys() | ka.keys():
        x, y = kb.get(key, []), ka.get(key, [])
        new += y[len(x):]
        resolved += x[len(y):]
    order = lambda f: (f.severity.rank, f.code, f.subjects)  # noqa: E731
    return FindingChanges(new=sorted(new, key=order), resolved=sorted(resolved, key=order))


# --- reachability --------------------------------------------------------------------------------

def paths(s: Side, to, client, incomplete: list[str]) -> dict | None:
    """The side's paths by (from, to, address, port, protocol); None when they cannot be walked."""
    from netparse.reach import Walker, client_path, container_path, facts_of

    try:
        walker = Walker(facts_of(s.ctx))
    except NetparseError as exc:
        incomplete.append(f"reachability: not compared, the {s.label} dump cannot be walked: {exc}")
        return None
    running = [c for c in s.ctx.topology.containers if c.running and c.endpoints]
    size = sum(1 for c in running for d in running if c is not d
               for ep in d.endpoints if ep.ip is not None)
    found: list[Path] = []
    if size > MATRIX_LIMIT:
        incomplete.append(f"reachability between containers: not compared, {size} paths in the "
                          f"{s.label} dump (more than {MATRIX_LIMIT}); `netparse reach` walks "
                          f"them all")
    else:
        for x in running:
            for y in running:
                if x is not y:
                    found += [container_path(walker, x.name, y.name, ep.network, ep.ip)
                              for ep in y.endpoints if ep.ip is not None]
    for text in to:
        target = address_of(text)
        found += [container_path(walker, x.name, str(target), None, target) for x in running]
    if client is not None:
        outside = address_of(client)
        for c in running:
            for p in c.published:
                family = p.host_ip is None or p.host_ip.version == outside.version
                if p.host_port is not None and p.protocol in ("tcp", "udp") and family:
                    found.append(client_path(walker, outside, c.name, p))
    return {(p.from_, p.to, str(p.address), p.port, p.protocol): p for p in found}


def address_of(text: str):
    from ipaddress import ip_address

    try:
        return ip_address(str(text).split("/")[0])
    except ValueError:
        raise NetparseError(f"{text!r} is not an IP address") from None


def reachability(pb: dict, pa: dict, changed: list[Changed], b: Side, a: Side,
                 incomplete: list[str]) -> Reachability:
    lost, gained, unknown_one, unknown_both = [], [], [], []
    for key in sorted(pb.keys() | pa.keys(), key=str):
        x, y = pb.get(key), pa.get(key)
        vx = x.verdict if x else None
        vy = y.verdict if y else None
        if vx == vy and vx is not Verdict.UNKNOWN:
            continue
        if vx is Verdict.UNKNOWN and vy is Verdict.UNKNOWN:
            unknown_both.append(x)
            continue
        if Verdict.UNKNOWN in (vx, vy):
            unknown_one.append((x, y))
            continue
        if vx is Verdict.REACHABLE:
            lost.append(_path_change(x, y, changed, b, a))
        elif vy is Verdict.REACHABLE:
            gained.append(_path_change(x, y, changed, b, a))
    if unknown_one:
        examples = "; ".join(
            f"{(x or y).from_} → {(x or y).to} {(x or y).address}: "
            f"{x.verdict.value if x else 'absent'} before, {y.verdict.value if y else 'absent'} "
            f"after" + _settle(x, y) for x, y in unknown_one[:_EXAMPLES])
        more = f" (and {len(unknown_one) - _EXAMPLES} more)" if len(unknown_one) > _EXAMPLES else ""
        incomplete.append(f"reachability: {len(unknown_one)} paths unknown on one side only, "
                          f"not compared: {examples}{more}")
    if unknown_both:
        settle = sorted({m for p in unknown_both for m in p.missing})
        incomplete.append(f"reachability: {len(unknown_both)} paths unknown in both dumps"
                          + (f" (would settle them: {'; '.join(settle)})" if settle else ""))
    return Reachability(lost=lost, gained=gained)


def _settle(x: Path | None, y: Path | None) -> str:
    missing = sorted({m for p in (x, y) if p is not None for m in p.missing})
    return f" (would settle it: {'; '.join(missing)})" if missing else ""


def _path_change(x: Path | None, y: Path | None, changed: list[Changed], b: Side,
                 a: Side) -> PathChange:
    p = y or x
    return PathChange(from_=p.from_, to=p.to, network=p.network, address=p.address, port=p.port,
                      protocol=p.protocol, verdict=y.verdict if y else None,
                      disposition=y.disposition if y else None,
                      breaks_at=(y.breaks_at if y and y.verdict is not Verdict.REACHABLE
                                 else x.breaks_at if x else None),
                      before_verdict=x.verdict if x else None,
                      explained_by=[c.label for c in changed if _explains(c, x, y, b, a)])


def _explains(c: Changed, x: Path | None, y: Path | None, b: Side, a: Side) -> bool:
    """Whether change `c` is on the way of the path, as walked before (`x`) or after (`y`)."""
    walks = [(p, o) for p, o in ((x, c.before), (y, c.after)) if p is not None]
    hops = [h for p, _ in walks for h in p.hops]
    breaks = " ".join(p.breaks_at or "" for p, _ in walks)
    p = y or x
    container = p.to.split(" (")[0]
    if c.kind in ("firewall rule", "nft rule"):
        return any(o is not None and h.evidence in o.marks for p, o in walks for h in p.hops)
    if c.kind in ("firewall policy", "nft chain"):
        return any(m in breaks for o in (c.before, c.after) if o for m in o.marks)
    if c.kind == "route":
        marks = (c.before or c.after).marks
        return any(h.step == "route" and h.text.split(" ")[0] in marks for h in hops)
    if c.kind == "sysctl":
        key = c.subject
        short = key.rsplit(".", 1)[-1]
        return any(key in t or ("-" in short and short in t)
                   for t in [breaks] + [h.text for h in hops])
    if c.kind in ("bridge", "veth"):
        names = {n for o in (c.before, c.after) if o for n in o.marks}
        return any(h.step == "bridge" and any(n in h.text or n == h.at for n in names)
                   for h in hops)
    if c.kind == "interface":
        return any(h.step == "route" and c.subject in h.text.split() for h in hops)
    if c.kind == "container":
        return c.subject in (p.from_, container) and (c.mark is not Mark.CHANGED or (
            (c.before.value or {}).get("state") != (c.after.value or {}).get("state")))
    if c.kind == "endpoint":
        return c.subject in (f"{container} on {p.network}",) or (
            y is None and c.subject.startswith(f"{p.from_} on "))
    if c.kind == "network":
        return p.network == c.subject and c.mark is not Mark.CHANGED
    if c.kind == "ip rule":
        return "policy routing" in breaks
    return False
