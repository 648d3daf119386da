"""Tell which command produced a text, from its content alone.

Each kind gets a score from 0 to 100: a header that only that command prints scores 100 (on one of
the first lines: a warning, a prompt or a sentence may stand above it); JSON, or text whose lines
are mostly JSON (a fragment cut out of a document), is told by its keys; otherwise the score is
the share of non-blank lines that look like that command's lines. The best score wins; a tie, or
no score of at least 50, is an error that names the candidates.
"""

from __future__ import annotations

import json
import re

from netparse.errors import DetectError
from netparse.kinds import KINDS
from netparse.rawtext import json_int

_SAMPLE_LINES = 200
_HEADER_LINES = 5  # a table's header may follow a warning, a prompt or a sentence
_FRAGMENT_CHARS = 4000
_JSON_START = re.compile(r"\{|\[\s*[\[\]{]")
_KEY = re.compile(r'"([A-Za-z_]\w*)"\s*:')
# A line of pretty-printed JSON: a member, a string of an array, brackets alone.
_JSON_LINE = re.compile(r'\s*("(?:[^"\\]|\\.)*"\s*(:.*|,?\s*$)|[\[\]{}]+,?\s*$)')

# A header only one command prints is decisive; then the column titles of a custom table
# (`docker ps --format 'table ...'`); then the share of lines that look like each kind's lines.
_HEADERS = tuple((kind.name, re.compile(rx)) for kind in KINDS.values()
                 for rx in kind.detect.headers)
_TITLES = tuple((kind.name, kind.detect.titles) for kind in KINDS.values() if kind.detect.titles)
_LINE_RULES = tuple((kind.name, re.compile(kind.detect.line)) for kind in KINDS.values()
                    if kind.detect.line)
_JSON_KEYS = tuple((kind.name, keys) for kind in KINDS.values() for keys in kind.detect.json)


def scores(text: str) -> dict[str, int]:
    """Every kind that the text could be, with its score (0-100)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if _JSON_START.match(stripped):  # not a prompt such as `[root@host ~]# brctl show`
        return _json_scores(stripped)
    lines = [ln for ln in text.splitlines()[:_SAMPLE_LINES] if ln.strip()]
    if not lines:
        return {}
    for line in lines[:_HEADER_LINES]:
        if header := _header(line.strip()):
            return {header: 100}
    json_lines = sum(1 for ln in lines if _JSON_LINE.match(ln))
    if 2 * json_lines >= len(lines):
        share = round(100 * json_lines / len(lines))
        found = _kind_of_keys(_keys_from_text(text[:_FRAGMENT_CHARS]))
        if found:
            return {found: share}
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


def _header(line: str) -> str | None:
    """The kind whose header `line` is, or whose custom table's titles it holds."""
    for kind, rx in _HEADERS:
        if rx.match(line):
            return kind
    titles = {t.strip() for t in re.split(r"\s{2,}", line)}
    for kind, known in _TITLES if len(titles) >= 2 else ():
        if titles <= known:
            return kind
    return None


def _json_scores(text: str) -> dict[str, int]:
    items = _first_json_items(text)
    if not items:
        return {}
    keys = set().union(*(item.keys() for item in items if isinstance(item, dict)))
    found = _kind_of_keys(keys)
    if not found and len(items) == 1 and items[0] and all(
            isinstance(v, dict) for v in items[0].values()):
        # A map keyed by names (`{{json .NetworkSettings.Networks}}`): its members' keys tell.
        found = _kind_of_keys(set().union(*(v.keys() for v in items[0].values())))
    return {found: 100} if found else {}


def _kind_of_keys(keys) -> str | None:
    """The first kind in the registry's order whose keys are there (`ip -j addr` before
    `ip -j link`, whose objects hold fewer keys; a container's inspect before a network's)."""
    keys = set(keys)
    return next((kind for kind, wanted in _JSON_KEYS if wanted <= keys), None)


def _first_json_items(text: str) -> list:
    """The first objects of a JSON array, of concatenated arrays, or of JSON lines."""
    decoder = json.JSONDecoder(parse_int=json_int)
    try:
        value, _ = decoder.raw_decode(text)
    except (ValueError, RecursionError):  # RecursionError: nested too deeply to decode
        # Truncated or damaged: still tell the kind from the first complete line, if any.
        first = text.splitlines()[0]
        try:
            value = json.loads(first, parse_int=json_int)
        except (ValueError, RecursionError):
            return [dict.fromkeys(_keys_from_text(text[:_FRAGMENT_CHARS]))]
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value[:20] if isinstance(v, dict)]
    return []


def _keys_from_text(text: str) -> set[str]:
    """Quoted keys of damaged JSON or of a fragment, so a truncated inspect still gets its kind."""
    return set(_KEY.findall(text))


def closest(found: dict[str, int]) -> str:
    """`; closest: ip_addr (7%), ip_link (6%)`, best first, or nothing when no kind scored."""
    ranked = ", ".join(f"{k} ({s}%)" for k, s in sorted(found.items(), key=lambda kv: -kv[1]))
    return f"; closest: {ranked}" if ranked else ""


def detect(text: str) -> str:
    """The kind of `text`, or a DetectError that lists the candidates."""
    found = scores(text)
    if not found:
        raise DetectError("cannot tell which command produced this text", line=1)
    best = max(found.values())
    winners = sorted(k for k, s in found.items() if s == best)
    ranked = ", ".join(f"{k} ({s}%)" for k, s in sorted(found.items(), key=lambda kv: -kv[1]))
    if best < 50:
        raise DetectError(f"cannot tell which command produced this text{closest(found)}",
                          line=1, candidates=tuple(found))
    if len(winners) > 1:
        raise DetectError(f"text could be any of: {ranked}; name the kind",
                          line=1, candidates=tuple(winners))
    return winners[0]
