"""`sysctl KEY...`, `sysctl -a`, `sysctl -p` → Sysctl.

sysctl prints a value of several lines (kernel.core_modes, dev.cdrom.info) as several lines with
the same key; consecutive lines of one key are joined back into one value. A key that comes back
later (two captures pasted together) keeps its last value, and the earlier lines are reported in
`overridden`. `sysctl: ...` messages (permission denied, cannot stat a missing key) are kept in
`errors`: the rest of the output is still good.

Sample, lines 368-370 of tests/fixtures/captures/default-bridge/sysctl_a.txt::

    net.ipv4.ip_forward = 1
    net.ipv4.ip_forward_update_priority = 1
    net.ipv4.ip_forward_use_pmtu = 0

>>> m = parse(SAMPLE)
>>> m.settings["net.ipv4.ip_forward"]
'1'
"""

from __future__ import annotations

import re

from netparse.errors import ParseError
from netparse.models.base import UnparsedLine
from netparse.models.sysctl import Sysctl, SysctlError
from netparse.parsers._common import as_list, docstring_sample, unparsed_lines
from netparse.parsers._ttp import Template

KIND = "sysctl"
MODEL = Sysctl
SAMPLE = docstring_sample(__doc__)
_TEMPLATE = Template("sysctl.ttp")
_ERROR_KEY = re.compile(r"""key ['"]([^'"]+)['"]|/proc/sys/([^:\s]+)""")


def parse(text: str) -> Sysctl:
    result, understood_lines = _TEMPLATE.run_lines(text)
    items = as_list(result.get("lines"))
    understood = sorted(understood_lines)
    if len(items) != len(understood):
        # Every template line starts an item, so this would be a template bug.
        raise ParseError(f"sysctl: {len(items)} items for {len(understood)} lines", 0)
    lines = text.split("\n")
    settings: dict[str, str] = {}
    value_lines: dict[str, list[int]] = {}  # the lines of each key's current value
    errors: list[SysctlError] = []
    overridden: list[UnparsedLine] = []
    previous_key = None
    for number, item in zip(understood, items):
        if "error" in item:
            errors.append(SysctlError(line=number, key=_error_key(item["error"]),
                                      message=item["error"]))
            previous_key = None
            continue
        key, value = item["key"], item.get("value", "")
        if key == previous_key:
            settings[key] += "\n" + value
            value_lines[key].append(number)
        else:
            overridden.extend(UnparsedLine(line=n, text=lines[n - 1])
                              for n in value_lines.get(key, ()))
            settings[key] = value
            value_lines[key] = [number]
        previous_key = key
    return Sysctl(settings=settings, errors=errors, overridden=overridden,
                  unparsed=unparsed_lines(text, understood))


def _error_key(message: str) -> str | None:
    match = _ERROR_KEY.search(message)
    if not match:
        return None
    return match.group(1) or match.group(2).replace("/", ".")
