"""The statements of one nft rule, from its text or from `nft -j`'s expressions."""

from __future__ import annotations

import json
import re

from netparse.models.nft import Statement

# Matches netparse types: what Docker, iptables-nft and firewalld write.
TYPED_KEYS = {"iifname", "oifname", "iif", "oif", "meta l4proto", "meta nfproto", "meta mark",
              "ip saddr", "ip daddr", "ip protocol", "ip6 saddr", "ip6 daddr", "ip6 nexthdr",
              "ct state", "ct status", "tcp dport", "tcp sport", "udp dport", "udp sport",
              "th dport", "th sport", "sctp dport", "sctp sport", "fib daddr type",
              "fib saddr type"}
_ONE_WORD = {"iifname", "oifname", "iif", "oif", "iiftype", "oiftype", "mark", "l4proto",
             "nfproto", "skuid", "skgid", "pkttype"}
_TWO_WORDS = {"meta", "ip", "ip6", "tcp", "udp", "sctp", "th", "ct", "icmp", "icmpv6", "ether",
              "vlan", "arp", "udplite", "dccp", "esp", "ah", "comp", "socket", "rt", "osf"}
_OPS = {"==", "!=", "<", ">", "<=", ">=", "eq", "ne", "lt", "gt", "le", "ge"}
_VERDICTS = {"accept", "drop", "return", "continue", "queue", "reject"}
_NAT = {"dnat", "snat", "masquerade", "redirect"}
_STARTS = _ONE_WORD | _TWO_WORDS | _VERDICTS | _NAT | {"counter", "jump", "goto", "comment",
                                                      "fib"}
_NAT_FLAGS = {"random", "fully-random", "persistent"}
_NOT_VALUES = _VERDICTS | _NAT | {"counter", "jump", "goto", "comment"}


def tokens(text: str) -> list[str] | None:
    """Words of a rule; a quoted string or a `{ ... }` set is one word. None when a quote or a
    brace is not closed."""
    found: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t":
            i += 1
            continue
        j = i
        depth = 0
        while j < n and (depth or text[j] not in " \t"):
            if text[j] == '"':
                k = text.find('"', j + 1)
                if k < 0:
                    return None
                j = k
            elif text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
                if depth < 0:
                    return None
            j += 1
        if depth:
            return None
        found.append(text[i:j])
        i = j
    return found


def unquote(word: str) -> str:
    return word[1:-1] if len(word) >= 2 and word[0] == word[-1] == '"' else word


def elements(word: str) -> list[str]:
    """`{ a, b }` → [a, b]; a quoted word without its quotes; `a,b` (ct state) → [a, b]."""
    if word.startswith("{") and word.endswith("}"):
        return [unquote(e.strip()) for e in split_top(word[1:-1]) if e.strip()]
    if word.startswith('"'):
        return [unquote(word)]
    return word.split(",")


def split_top(text: str) -> list[str]:
    """`text` split at the commas outside quotes and braces."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, c in enumerate(text):
        if c == '"':
            quoted = not quoted
        elif not quoted and c in "{}":
            depth += 1 if c == "{" else -1
        elif not quoted and not depth and c == ",":
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def statements(text: str) -> tuple[list[Statement], str | None] | None:
    """The statements of a rule's text and its comment; None when it cannot be split."""
    words = tokens(text)
    if words is None:
        return None
    found: list[Statement] = []
    comment = None
    i = 0
    while i < len(words):
        word = words[i]
        if word == "comment" and i + 1 < len(words) and words[i + 1].startswith('"'):
            comment = unquote(words[i + 1])
            i += 2
        elif word == "counter":
            j = i + 1
            packets = bytes_ = None
            if words[j:j + 1] == ["packets"]:
                four = words[j:j + 4]
                if len(four) < 4 or four[2] != "bytes" or not (four[1].isdigit()
                                                               and four[3].isdigit()):
                    return None  # cut short or damaged
                packets, bytes_ = int(four[1]), int(four[3])
                j += 4
            found.append(Statement(text=" ".join(words[i:j]), type="counter", packets=packets,
                                   bytes=bytes_))
            i = j
        elif word in ("jump", "goto") and i + 1 < len(words):
            found.append(Statement(text=f"{word} {words[i + 1]}", type="verdict", verdict=word,
                                   chain=words[i + 1]))
            i += 2
        elif word in _VERDICTS:
            j = _until_start(words, i + 1)
            if word == "reject" and words[i + 1:i + 2] == ["with"]:
                j = i + 2  # `reject with tcp reset`, `with icmpx type admin-prohibited`
                while j < len(words) and words[j] not in _NOT_VALUES:
                    j += 1
            found.append(Statement(text=" ".join(words[i:j]), type="verdict", verdict=word))
            i = j
        elif word in _NAT:
            i = _nat(words, i, found)
        else:
            i = _match(words, i, found)
    return found, comment


def _until_start(words: list[str], j: int) -> int:
    while j < len(words) and words[j] not in _STARTS:
        j += 1
    return j


def _nat(words: list[str], i: int, found: list[Statement]) -> int:
    j = i + 1
    if j < len(words) and words[j] in ("ip", "ip6"):
        j += 1
    to = None
    if j + 1 < len(words) and words[j] == "to":
        to = words[j + 1]
        j += 2
    while j < len(words) and words[j] in _NAT_FLAGS:
        j += 1
    found.append(Statement(text=" ".join(words[i:j]), type="nat", nat=words[i], to=to))
    return j


def _match(words: list[str], i: int, found: list[Statement]) -> int:
    """`KEY [OP] VALUE` or `KEY vmap VALUE`; anything else up to the next statement is kept as
    one unknown statement."""
    word = words[i]
    if word in _ONE_WORD:
        key_end = i + 1
    elif word == "fib":
        key_end = i + 1
        while key_end < len(words) and words[key_end] != "type" and key_end - i < 5:
            key_end += 1
        key_end += 1
    elif word in _TWO_WORDS and i + 1 < len(words):
        key_end = i + 2
    else:
        key_end = None
    if key_end is not None and key_end < len(words):
        key = " ".join(words[i:key_end])
        j = key_end
        op = "=="
        if words[j] in _OPS and j + 1 < len(words):
            op = {"eq": "==", "ne": "!=", "lt": "<", "gt": ">", "le": "<=", "ge": ">="}.get(
                words[j], words[j])
            j += 1
        if words[j] == "vmap" and j + 1 < len(words):
            found.append(Statement(text=" ".join(words[i:j + 2]), type="vmap", key=key,
                                   values=elements(words[j + 1])))
            return j + 2
        if words[j] not in _NOT_VALUES:  # `ip protocol icmp`: a value may look like a key
            kind = "match" if key in TYPED_KEYS else "unknown"
            found.append(Statement(text=" ".join(words[i:j + 1]), type=kind, key=key, op=op,
                                   values=elements(words[j])))
            return j + 1
    j = _until_start(words, i + 1)
    found.append(Statement(text=" ".join(words[i:j]), type="unknown"))
    return j


# --- nft -j ---------------------------------------------------------------------------------

def _key(left) -> str | None:
    if not isinstance(left, dict) or len(left) != 1:
        return None
    (name, value), = left.items()
    if not isinstance(value, dict):
        return None
    if name == "meta":
        key = value.get("key")
        return key if key in _ONE_WORD - {"mark", "l4proto", "nfproto"} else f"meta {key}"
    if name == "payload" and "protocol" in value:
        return f"{value['protocol']} {value.get('field')}"
    if name == "ct":
        return f"ct {value.get('key')}"
    if name == "fib":
        flags = value.get("flags", [])
        return " ".join(["fib", *(flags if isinstance(flags, list) else [flags]),
                         str(value.get("result"))])
    return None


def _value(right) -> list[str] | None:
    if isinstance(right, (str, int)) and not isinstance(right, bool):
        return [str(right)]
    if isinstance(right, list):
        flat = [_value(r) for r in right]
        return None if None in flat else [v for part in flat for v in part]
    if isinstance(right, dict) and len(right) == 1:
        (name, value), = right.items()
        if name == "prefix" and isinstance(value, dict):
            return [f"{value.get('addr')}/{value.get('len')}"]
        if name == "set":
            return _value(value if isinstance(value, list) else [value])
        if name == "range" and isinstance(value, list) and len(value) == 2:
            return [f"{value[0]}-{value[1]}"]
    return None


def json_statement(expr) -> Statement:
    """One expression of a JSON rule as a statement (`text` holds it as compact JSON)."""
    text = json.dumps(expr, separators=(",", ":"))
    if not isinstance(expr, dict) or len(expr) != 1:
        return Statement(text=text, type="unknown")
    (name, body), = expr.items()
    if name == "match" and isinstance(body, dict):
        key, values = _key(body.get("left")), _value(body.get("right"))
        if key is not None and values is not None:
            op = {"in": "=="}.get(body.get("op"), body.get("op"))
            return Statement(text=text, type="match" if key in TYPED_KEYS else "unknown",
                             key=key, op=op, values=values)
    elif name == "counter":
        body = body if isinstance(body, dict) else {}
        packets, bytes_ = body.get("packets"), body.get("bytes")
        if all(isinstance(v, int) or v is None for v in (packets, bytes_)):
            return Statement(text=text, type="counter", packets=packets, bytes=bytes_)
    elif name in ("jump", "goto") and isinstance(body, dict) and isinstance(
            body.get("target"), str):
        return Statement(text=text, type="verdict", verdict=name, chain=body["target"])
    elif name in _VERDICTS and name != "reject" and body is None:
        return Statement(text=text, type="verdict", verdict=name)
    elif name == "vmap" and isinstance(body, dict):
        key, values = _key(body.get("key")), _value(body.get("data"))
        if key is not None and values is not None:
            return Statement(text=text, type="vmap", key=key, values=values)
    elif name in _NAT and (body is None or isinstance(body, dict)):
        to = None
        if body and "addr" in body:
            to = str(body["addr"]) + (f":{body['port']}" if "port" in body else "")
        elif body and "port" in body:
            to = f":{body['port']}"
        return Statement(text=text, type="nat", nat=name, to=to)
    return Statement(text=text, type="unknown")


_HANDLE = re.compile(r"\s+# handle (\d+)$")


def handle(line: str) -> tuple[str, int | None]:
    """A line without its `# handle N` (nft -a), and N."""
    m = _HANDLE.search(line)
    return (line[:m.start()], int(m.group(1))) if m else (line, None)
