"""README's table of the checks, made from the registered checks and their facts, so that the
two cannot drift apart (`netparse checks --markdown`; a test compares it with README)."""

from __future__ import annotations

from netparse.analysis.checks import CHECKS
from netparse.analysis.checks.facts import FACTS


def table() -> str:
    lines = ["| code | severity | what it means | needs |", "| --- | --- | --- | --- |"]
    for c in CHECKS:
        needs = ", ".join(f.name for f in c.needs) or "-"
        lines.append(f"| `{c.code}` | {c.severity.value} | {c.summary} | {needs} |")
    lines += ["", "| fact | what it is | from any of |", "| --- | --- | --- |"]
    # The facts of facts.py, then any a check's own module declares.
    for f in dict.fromkeys([*FACTS, *(f for c in CHECKS for f in c.needs)]):
        commands = ", ".join(f"`{command}`" for command in f.commands)
        lines.append(f"| {f.name} | {f.about} | {commands}{f.where} |")
    return "\n".join(lines) + "\n"
