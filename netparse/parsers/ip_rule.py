"""`ip rule` (also `ip -6 rule`, `ip -d rule`, BusyBox `ip rule`) and `ip -j rule` → IpRule.

A line is the priority, a colon and a tab, then the selectors and the action as words, in the
order iproute2's print_rule writes them. The words are read in any order; a line with a word
that is neither a known key with its value nor a known flag goes to `unparsed` whole. `ip -j
rule` objects are written back into those words and read the same way, so both forms give the
same model.

Sample, lines 1, 4, 6, 9 and 10 of tests/fixtures/captures/host-kinds/ip_rule_policy.txt::

    0:	from all lookup local
    120:	not from 10.3.0.0/16 lookup main
    131:	from all fwmark 0x10/0xf0 lookup 102
    142:	from all iif np-hk-gone [detached] lookup 105
    150:	from all to 198.51.100.0/24 unreachable

>>> rules = parse(SAMPLE).rules
>>> [(r.priority, r.action.value, r.table) for r in rules]
[(0, 'lookup', 'local'), (120, 'lookup', 'main'), (131, 'lookup', '102'), (142, 'lookup', '105'), (150, 'unreachable', None)]
>>> rules[1].invert, rules[2].fwmark, rules[2].fwmask, rules[3].iif_detached, str(rules[4].dst)
(True, 16, 240, True, '198.51.100.0/24')
>>> parse('[{"priority":150,"src":"all","dst":"198.51.100.0","dstlen":24,'
...       '"action":"unreachable"}]').rules[0].dst
IPv4Network('198.51.100.0/24')
"""

from __future__ import annotations

import re

from netparse.errors import ParseError
from netparse.models.base import UnparsedLine
from netparse.models.rule import IpRule, Rule, RuleAction
from netparse.parsers._common import docstring_sample
from netparse.parsers._addr import network
from netparse.parsers.jsontext import elements, starts_json

KIND = "ip_rule"
MODEL = IpRule
SAMPLE = docstring_sample(__doc__)

_LINE = re.compile(r"\s*(\d+):\s+(\S.*)")
_ACTIONS = {a.value: a for a in RuleAction if a not in (RuleAction.LOOKUP, RuleAction.GOTO)}
# Selectors and attributes kept as printed, in `options`.
_OPTIONS = {"tos", "dsfield", "uidrange", "ipproto", "sport", "dport", "tun_id",
            "suppress_ifgroup", "realms", "dscp", "flowlabel"}


def parse(text: str) -> IpRule:
    if starts_json(text):
        return _parse_json(text)
    rules: list[Rule] = []
    unparsed: list[UnparsedLine] = []
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            rule = read_line(line)
            if rule is None:
                unparsed.append(UnparsedLine(line=number, text=line))
            else:
                rules.append(rule)
    if not rules:
        raise ParseError("no rule line: expected lines such as `0:\tfrom all lookup local`",
                         unparsed[0].line if unparsed else 1)
    return IpRule(rules=rules, unparsed=unparsed)


def read_line(line: str) -> Rule | None:
    """The rule of one `ip rule` line, or None when a word of it is not understood."""
    match = _LINE.fullmatch(line.rstrip())
    if not match:
        return None
    try:
        return Rule(**_fields(int(match.group(1)), match.group(2).split()))
    except ValueError:  # pydantic's ValidationError is one too
        return None


def _fields(priority: int, words: list[str]) -> dict:
    fields: dict = {"priority": priority, "options": {}}

    def put(key: str, value) -> None:
        if key in fields:
            raise ValueError(f"{key!r} twice")
        fields[key] = value

    if words[:1] == ["not"]:
        fields["invert"] = True
        words = words[1:]
    if words[:1] != ["from"]:
        raise ValueError("no `from`")  # iproute2 always prints it
    i = 0
    while i < len(words):
        word = words[i]
        following = words[i + 1] if i + 1 < len(words) else None
        i += 1
        if word in _ACTIONS:
            put("action", _ACTIONS[word])
            continue
        if following is None:
            raise ValueError(f"{word!r} without a value")
        i += 1
        if word in ("from", "to"):
            put("src" if word == "from" else "dst", None if following == "all" else
                network(following))
        elif word == "fwmark":
            mark, _, mask = following.partition("/")
            put("fwmark", int(mark, 0))
            if mask:
                put("fwmask", int(mask, 0))
        elif word in ("iif", "oif"):
            put(word, following)
            if i < len(words) and words[i] == "[detached]":
                put(f"{word}_detached", True)
                i += 1
        elif word == "lookup":
            if following == "[l3mdev-table]":
                put("l3mdev", True)
            else:
                put("table", following)
        elif word == "suppress_prefixlength":
            put("suppress_prefixlength", int(following))
        elif word == "goto":
            put("action", RuleAction.GOTO)
            put("goto", None if following == "none" else int(following))
            if i < len(words) and words[i] == "[unresolved]":
                put("unresolved", True)
                i += 1
        elif word == "proto":
            put("proto", following)
        elif word in _OPTIONS:
            if word in fields["options"]:
                raise ValueError(f"{word!r} twice")
            fields["options"][word] = following
        else:
            raise ValueError(f"unknown word {word!r}")
    return fields


# --- ip -j rule ---------------------------------------------------------------------------------

def _parse_json(text: str) -> IpRule:
    lines: list[str] = []  # split only when an element is reported
    rules: list[Rule] = []
    unparsed: list[UnparsedLine] = []
    for number, item in elements(text):
        words = json_line(item) if isinstance(item, dict) else None
        rule = read_line(words) if words is not None else None
        if rule is None:
            lines = lines or text.split("\n")
            unparsed.append(UnparsedLine(line=number, text=lines[number - 1]))
        else:
            rules.append(rule)
    return IpRule(rules=rules, unparsed=unparsed)


_KNOWN = {"priority", "not", "src", "srclen", "dst", "dstlen", "tos", "fwmark", "fwmask", "iif",
          "iif_detached", "oif", "oif_detached", "l3mdev", "uid_start", "uid_end", "ipproto",
          "sport", "sport_mask", "sport_start", "sport_end", "dport", "dport_mask", "dport_start",
          "dport_end", "tun_id", "table", "suppress_prefixlen", "suppress_ifgroup", "flow_from",
          "flow_to", "goto", "unresolved", "nop", "action", "protocol", "dscp", "dscp_mask",
          "flowlabel", "flowlabel_mask"}


def json_line(item: dict) -> str | None:
    """An `ip -j rule` object as the line `ip rule` prints for it, in print_rule's order; None
    when it holds a key that is not known."""
    if not item.keys() <= _KNOWN or "priority" not in item:
        return None
    words: list[str] = []

    def put(key: str, word: str | None = None, flag: str | None = None) -> None:
        if key in item:
            words.extend([word or key, f"{item[key]}"])
            if flag and flag in item:
                words.append(f"[{flag.split('_')[-1]}]")

    def masked(key: str, mask: str, full: str) -> str:
        value = f"{item[key]}"
        return value if item.get(mask, full) == full else f"{value}/{item[mask]}"

    if "not" in item:
        words.append("not")
    for key, word in (("src", "from"), ("dst", "to")):
        if key in item:
            length = item.get(f"{key}len")
            words += [word, f"{item[key]}" + (f"/{length}" if length is not None else "")]
    put("tos")
    if "fwmark" in item:
        words += ["fwmark", masked("fwmark", "fwmask", "0xffffffff")]
    put("iif", flag="iif_detached")
    put("oif", flag="oif_detached")
    if "l3mdev" in item:
        words += ["lookup", "[l3mdev-table]"]
    if "uid_start" in item:
        words += ["uidrange", f"{item['uid_start']}-{item.get('uid_end')}"]
    put("ipproto")
    for port in ("sport", "dport"):
        if f"{port}_start" in item:
            words += [port, f"{item[f'{port}_start']}-{item.get(f'{port}_end')}"]
        elif port in item:  # with a mask, printed in hex
            mask = item.get(f"{port}_mask", "0xffff")
            words += [port, f"{item[port]}" if mask == "0xffff" else f"{_hex(item[port])}/{mask}"]
    put("tun_id")
    put("table", "lookup")
    put("suppress_prefixlen", "suppress_prefixlength")
    put("suppress_ifgroup")
    if "flow_to" in item:
        words += ["realms", (f"{item['flow_from']}/" if "flow_from" in item else "") +
                  f"{item['flow_to']}"]
    put("goto", flag="unresolved")
    if "nop" in item:
        words.append("nop")
    if "action" in item:
        words.append(f"{item['action']}")
    put("protocol", "proto")
    if "dscp" in item:
        words += ["dscp", masked("dscp", "dscp_mask", "0x3f")]
    if "flowlabel" in item:
        words += ["flowlabel", masked("flowlabel", "flowlabel_mask", "0xfffff")]
    return f"{item['priority']}:\t" + " ".join(words)


def _hex(value) -> str:
    return hex(value) if isinstance(value, int) else f"{value}"
