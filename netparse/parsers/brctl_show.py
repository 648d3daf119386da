"""`brctl show` → BrctlShow.

Columns are separated by tabs or spaces, and a 15-character `br-<12 hex>` name pushes the others
to the right, so the template matches fields, not offsets. A line that starts with white space
continues the bridge above with one more port.

Sample, lines 1-4 of tests/fixtures/dumps/default-bridge/brctl_show.txt::

    bridge name	bridge id		STP enabled	interfaces
    docker0		8000.024293a02d5e	no		veth838a99c
    							vethab599f5
    							vethd999e61

>>> m = parse(SAMPLE)
>>> [(b.name, b.stp, b.interfaces) for b in m.bridges]
[('docker0', False, ['veth838a99c', 'vethab599f5', 'vethd999e61'])]
"""

from __future__ import annotations

import re

from netparse.models.bridge import BrctlBridge, BrctlShow
from netparse.parsers._common import as_list, docstring_sample, unparsed_lines
from netparse.parsers._ttp import Template

KIND = "brctl_show"
MODEL = BrctlShow
SAMPLE = docstring_sample(__doc__)
_TEMPLATE = Template("brctl_show.ttp")
_INDENT = re.compile(r"^[ \t]+(?=\S)", re.M)


def parse(text: str) -> BrctlShow:
    normalised = _INDENT.sub("\t", text)
    result, understood = _TEMPLATE.run_lines(normalised)
    bridges = []
    for row in as_list(result.get("bridges")):
        prio, mac = row["bridge_id"].split(".")
        bridges.append(BrctlBridge(
            name=row["name"],
            bridge_id=row["bridge_id"],
            priority=int(prio, 16),
            mac=":".join(mac[i:i + 2] for i in range(0, 12, 2)),
            stp=row["stp"] == "yes",
            interfaces=row.get("interfaces", []),
        ))
    return BrctlShow(bridges=bridges,
                     unparsed=unparsed_lines(text, understood))
