"""Seeded mutations of real captures: the damage of a careless copy, a full disk or a bad cable.

`mutants(data, seed)` gives the same list for the same seed, every run.
"""

from __future__ import annotations

import json
import random
import re

# Words that parsers treat specially, numbers at and past their bounds, addresses that are not.
NASTY = [b"", b"-1", b"99999999999999999999999", b"300.300.300.300", b"::::", b"fe80::1%eth0",
         b"1.2.3.4/99", b"nan", b"\xc3\xbc", b"\\", b"@", b"if", b"@if", b"<>", b"0x", b"/", b":",
         b"a@if", b"x@ifzz", b"1:", b"-", b"*", b"default", b"via", b"dev", b"inet", b"inet6",
         b"link/ether", b"master", b"state", b"null", b"true", b"{}", b"[]", b'""', b"0", b"65536",
         b"/128", b"::/0", b"0.0.0.0", b"ff:ff:ff:ff:ff", b"8000.zz", b"UP", b"Exited (x)", b"->",
         b"0.0.0.0:-1->80/tcp", b"1e400", b"\t", b"nexthop", b"valid_lft", b"peer", b"brd",
         b"-5sec", b"forever", b"=", b"sysctl:", b"\x7f", b"\x1b[31m", b"\r"]
# Values of another type for JSON captures.
ODD_JSON = [None, True, False, 0, -1, 1.5, 10**30, "", "x", "1.2.3.4", "::1", [], {}, ["a"],
            {"a": "b"}, [None], [1, 2], "0001-01-01T00:00:00Z", "not-a-date", "80/tcp",
            {"80/tcp": "x"}, {"80/tcp": [1]}, {"80/tcp": [{"HostPort": 5}]}]
_TOKEN = re.compile(rb"[^\s\"',:{}\[\]]+")


def mutants(data: bytes, seed: str, *, huge: int = 100_000) -> list[tuple[str, bytes]]:
    """(name, mutated bytes) for `data`: byte, line, token and (for JSON) value mutations."""
    rng = random.Random(seed)
    lines = data.split(b"\n")
    out: list[tuple[str, bytes]] = []

    def line_at() -> int:
        return rng.randrange(len(lines))

    for _ in range(3):
        out.append(("truncate", data[:rng.randrange(len(data))]))
    for _ in range(2):
        i = line_at()
        out.append(("drop line", b"\n".join(lines[:i] + lines[i + 1:])))
    for _ in range(2):
        i = line_at()
        out.append(("duplicate line", b"\n".join(lines[:i + 1] + lines[i:])))
    i, j = line_at(), line_at()
    swapped = list(lines)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    out.append(("swap lines", b"\n".join(swapped)))
    i, j = sorted((line_at(), line_at()))
    out.append(("lines cut out", b"\n".join(lines[:i] + lines[j:])))
    for _ in range(3):
        flipped = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(flipped))
            flipped[at] ^= 1 << rng.randrange(8)
        out.append(("flip bits", bytes(flipped)))
    for _ in range(2):
        changed = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            changed[rng.randrange(len(changed))] = rng.choice(b" \t\n:/.,-{}[]\"0123456789abcxyz@<>=")
        out.append(("replace bytes", bytes(changed)))
    at = rng.randrange(len(data))
    out.append(("insert binary", data[:at] + rng.randbytes(16) + data[at:]))
    i = line_at()
    repeat = huge // max(1, len(lines[i])) + 1
    out.append(("huge line", b"\n".join(lines[:i] + [lines[i] * repeat] + lines[i + 1:])))
    i = line_at()
    out.append(("long word", b"\n".join(lines[:i] + [lines[i] + b"x" * huge] + lines[i + 1:])))
    for _ in range(4):
        changed = data
        for _ in range(rng.randint(1, 3)):
            tokens = list(_TOKEN.finditer(changed))
            if not tokens:
                break
            token = rng.choice(tokens)
            changed = changed[:token.start()] + rng.choice(NASTY) + changed[token.end():]
        out.append(("replace words", changed))
    out.extend(("JSON value", m) for m in _json_mutants(data, rng))
    return out


def _json_mutants(data: bytes, rng: random.Random, count: int = 6) -> list[bytes]:
    """A JSON capture with values replaced by values of another type, or keys removed."""
    try:
        documents = [json.loads(data)]
        lines = False
    except ValueError:
        try:
            documents = [json.loads(line) for line in data.splitlines() if line.strip()]
        except ValueError:
            return []
        lines = True
    if not all(isinstance(d, (dict, list)) for d in documents) or not documents:
        return []
    out = []
    for _ in range(count):
        changed = json.loads(json.dumps(documents))
        index = rng.randrange(len(changed))
        paths = list(_paths(changed[index]))
        if not paths:
            continue
        *parents, last = rng.choice(paths)
        node = changed[index]
        for key in parents:
            node = node[key]
        if rng.random() < 0.8:
            node[last] = rng.choice(ODD_JSON)
        else:
            del node[last]
        text = ("\n".join(json.dumps(d) for d in changed) if lines
                else json.dumps(changed[0], indent=4))
        out.append(text.encode())
    return out


def _paths(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key)
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*path, index)
            yield from _paths(item, (*path, index))
