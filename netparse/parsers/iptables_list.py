"""`iptables [-t T] -L [-n] [-v] [-x] [--line-numbers]` (and ip6tables) → IptablesList.

Each chain's column header says which columns its rules have (num with --line-numbers; pkts,
bytes, in and out with -v). A rule is split on white space, as no column holds a space; the
target column is empty for a rule without one, which the position of the opt column (`--`,
`-f`, `!f`) tells. What follows the destination (`tcp dpt:80`, `ctstate ...`, `/* comment */`)
is kept verbatim in `extra`. Counters without -x are rounded (`12K`): they are read as 12000.

Sample, lines 4-7 of tests/fixtures/captures/firewall-default/iptables_L_n_v_line_numbers.txt
(iptables 1.8.9, `-L -n -v --line-numbers`; the header keeps its trailing spaces)::

    Chain FORWARD (policy DROP 0 packets, 0 bytes)
    num   pkts bytes target     prot opt in     out     source               destination         
    1        0     0 DOCKER-USER  0    --  *      *       0.0.0.0/0            0.0.0.0/0           
    2        0     0 DOCKER-ISOLATION-STAGE-1  0    --  *      *       0.0.0.0/0            0.0.0.0/0           

>>> listing = parse(SAMPLE)
>>> listing.verbose, listing.line_numbers, listing.chain("FORWARD").policy
(True, True, 'DROP')
>>> [(r.number, r.target, r.in_interface) for r in listing.chain("FORWARD").rules]
[(1, 'DOCKER-USER', None), (2, 'DOCKER-ISOLATION-STAGE-1', None)]
"""

from __future__ import annotations

import re
from ipaddress import ip_network

from netparse.models.base import UnparsedLine
from netparse.models.iptables import (Counters, IptablesList, ListAddress, ListChain, ListRule,
                                      ProtocolMatch, WarningLine)
from netparse.parsers._common import docstring_sample
from netparse.parsers._iptables import WARNING, interface

KIND = "iptables_list"
MODEL = IptablesList
SAMPLE = docstring_sample(__doc__)

_CHAIN = re.compile(r"Chain (\S+) \((?:policy (\S+)(?: (\S+) packets, (\S+) bytes)?"
                    r"|(\d+) references?)\)")
_HEADER = re.compile(r"(num\s+)?(pkts\s+bytes\s+)?target\s+prot\s+opt\s+(in\s+out\s+)?"
                     r"source\s+destination")
_OPT = re.compile(r"[-!][-f]")
_NUMBER = re.compile(r"(\d+)([KMGTP]?)")
_SCALE = {"": 1, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15}


def parse(text: str) -> IptablesList:
    listing = IptablesList(verbose=False, line_numbers=False)
    unparsed: list[UnparsedLine] = []
    chain: ListChain | None = None
    columns: re.Match | None = None
    seen_header = False
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line:
            continue
        m = _CHAIN.fullmatch(line)
        if m:
            chain = _chain(m, number)
            if chain is not None:
                listing.chains.append(chain)
                columns = None
                continue
        elif WARNING.fullmatch(line):
            listing.warnings.append(WarningLine(line=number, text=line))
            continue
        elif chain is not None and columns is None and _HEADER.fullmatch(line):
            columns = _HEADER.fullmatch(line)
            if not seen_header:
                listing.verbose, listing.line_numbers = bool(columns.group(2)), \
                    bool(columns.group(1))
                listing.exact = bool(re.search(r"pkts {2,}bytes", line))
                seen_header = True
            continue
        elif chain is not None and columns is not None:
            read = _rule(raw, number, len(chain.rules) + 1, columns)
            if read is not None:
                rule, any_word = read
                chain.rules.append(rule)
                if listing.numeric is None and any_word:
                    listing.numeric = any_word == "*"
                continue
        unparsed.append(UnparsedLine(line=number, text=raw))
    listing.unparsed = unparsed
    return listing


def _count(text: str) -> int | None:
    m = _NUMBER.fullmatch(text)
    return int(m.group(1)) * _SCALE[m.group(2)] if m else None


def _chain(m: re.Match, number: int) -> ListChain | None:
    name, policy, packets, bytes_, references = m.groups()
    counters = None
    if packets is not None:
        if _count(packets) is None or _count(bytes_) is None:
            return None
        counters = Counters(packets=_count(packets), bytes=_count(bytes_))
    return ListChain(name=name, line=number, policy=policy, counters=counters,
                     references=int(references) if references is not None else None)


def _address(text: str) -> ListAddress:
    negated = text.startswith("!")
    text = text[1:] if negated else text
    try:
        network = ip_network(text, strict=False)
    except ValueError:
        network = None
    return ListAddress(text=text, network=network, negated=negated)


def _rule(raw: str, number: int, position: int, columns: re.Match) -> tuple[ListRule, str | None] | None:
    """The rule, and the word it prints for any interface (`*` with -n, `any`), if it does."""
    line = raw.strip()
    words = line.split()
    rule: dict = {"line": number, "text": line, "number": position}
    if columns.group(1):
        if not words or not words[0].isdigit():
            return None
        rule["number"] = int(words.pop(0))
    if columns.group(2):
        counts = [_count(w) for w in words[:2]]
        if len(counts) < 2 or None in counts:
            return None
        rule["counters"] = Counters(packets=counts[0], bytes=counts[1])
        words = words[2:]
    # target prot opt, or prot opt when the rule has no target
    if len(words) >= 3 and _OPT.fullmatch(words[2]):
        rule["target"], protocol, rule["opt"] = words[:3]
        words = words[3:]
    elif len(words) >= 2 and _OPT.fullmatch(words[1]):
        protocol, rule["opt"] = words[:2]
        words = words[2:]
    elif words:
        # ip6tables prints no opt: a target is there when the first word starts where the
        # target column does (`%-9s ` then `!` or a space before the protocol).
        skipped = len(line.split()) - len(words)
        column = _word_start(raw, skipped - 1) + len(line.split()[skipped - 1]) + 1 \
            if skipped else 0
        if columns.group(1) and not columns.group(2):
            column = max(column, 5)  # `%-4u `
        if _word_start(raw, skipped) < column + 10 and len(words) >= 2:
            rule["target"], protocol = words[:2]
            words = words[2:]
        else:
            protocol = words.pop(0)
        rule["opt"] = ""
    else:
        return None
    negated = protocol.startswith("!") and len(protocol) > 1
    rule["protocol"] = ProtocolMatch(name=protocol[1:] if negated else protocol, negated=negated)
    any_word = None
    if columns.group(3):
        if len(words) < 2:
            return None
        for key, word in zip(("in_interface", "out_interface"), words[:2]):
            if word in ("*", "any"):
                any_word = word
            else:
                rule[key] = interface(word[1:], True) if word.startswith("!") else interface(word)
        words = words[2:]
    if len(words) < 2:
        return None
    rule["source"], rule["destination"] = _address(words[0]), _address(words[1])
    # extra: the rest of the line as printed (its own spacing kept)
    rule["extra"] = _after_words(line, len(line.split()) - len(words) + 2)
    return ListRule(**rule), any_word


def _word_start(line: str, index: int) -> int:
    m = re.match(r"\s*(?:\S+\s+){%d}" % index, line)
    return m.end() if m else 0


def _after_words(line: str, count: int) -> str:
    """`line` after its first `count` words, without the spaces in between."""
    m = re.match(r"\s*(?:\S+\s+){%d}" % count, line + " ")
    return line[m.end():].strip() if m else ""
