"""Tell which command produced a text, from its content alone.

Each kind gets a score from 0 to 100: a header that only that command prints scores 100, otherwise
the share of non-blank lines that look like that command's lines. The best score wins; a tie, or no
score of at least 50, is an error that names the candidates.
"""

from __future__ import annotations

import json
import re

from netparse.errors import DetectError
from netparse.kinds import KINDS
from netparse.rawtext import json_int

_SAMPLE_LINES = 200

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
    if stripped[:1] and stripped[:1] in "[{":
        return _json_scores(stripped)
    lines = [ln for ln in text.splitlines()[:_SAMPLE_LINES] if ln.strip()]
    if not lines:
        return {}
    first = lines[0].strip()
    for kind, rx in _HEADERS:
        if rx.match(first):
            return {kind: 100}
    titles = {t.strip() for t in re.split(r"\s{2,}", first)}
    for kind, known in _TITLES if len(titles) >= 2 else ():
        if titles <= known:
            return {kind: 100}
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


def _json_scores(text: str) -> dict[str, int]:
    items = _first_json_items(text)
    if not items:
        return {}
    keys = set().union(*(item.keys() for item in items if isinstance(item, dict)))
    # The first kind in the registry's order whose keys are there (`ip -j addr` before
    # `ip -j link`, whose objects hold fewer keys).
    return next(({kind: 100} for kind, wanted in _JSON_KEYS if wanted <= keys), {})


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
            return _keys_from_text(text[:4000])
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value[:20] if isinstance(v, dict)]
    return []


def _keys_from_text(text: str) -> list[dict]:
    """Quoted keys of damaged JSON, as one dict, so a truncated inspect still gets its kind."""
    return [{k: None for k in re.findall(r'"([A-Za-z_]+)"\s*:', text)}]


def detect(text: str) -> str:
    """The kind of `text`, or a DetectError that lists the candidates."""
    found = scores(text)
    if not found:
        raise DetectError("cannot tell which command produced this text", line=1)
    best = max(found.values())
    winners = sorted(k for k, s in found.items() if s == best)
    ranked = ", ".join(f"{k} ({s}%)" for k, s in sorted(found.items(), key=lambda kv: -kv[1]))
    if best < 50:
        raise DetectError(f"cannot tell which command produced this text; closest: {ranked}",
                          line=1, candidates=tuple(found))
    if len(winners) > 1:
        raise DetectError(f"text could be any of: {ranked}; name the kind",
                          line=1, candidates=tuple(winners))
    return winners[0]
