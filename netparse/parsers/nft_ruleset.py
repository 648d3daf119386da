"""`nft list ruleset` (also with `-a`) and `nft -j list ruleset` → NftRuleset.

Text is read line by line with the block it is in: a table holds chains, sets, maps and flags;
a chain its `type ... hook ... priority ...; policy ...;` line and one rule a line; a set or map
its type, flags and elements (which may run over several lines). A block netparse does not read
(flowtable, ct helper, counter, quota) and any line it does not understand are unparsed. Rules
are split into statements (`netparse.parsers._nft_rule`). JSON (`nft -j`) is one object whose
`nftables` list holds the metainfo, tables, chains, sets, maps and rules.

Sample, lines 1-2, 4, 7, 9-10, 12, 15 and 26 of tests/fixtures/captures/firewall-default/nft_ruleset.txt
(nftables 1.0.6, the tables iptables-nft makes for Docker 20.10)::

    table ip nat {
    	chain DOCKER {
    		iifname "docker0" counter packets 0 bytes 0 return
    	}
    	chain POSTROUTING {
    		type nat hook postrouting priority srcnat; policy accept;
    		oifname != "docker0" ip saddr 172.17.0.0/16 counter packets 1 bytes 84 masquerade
    	}
    }

>>> ruleset = parse(SAMPLE)
>>> chain = ruleset.table("ip", "nat").chain("POSTROUTING")
>>> chain.hook, chain.policy, [s.type for s in chain.rules[0].statements]
('postrouting', 'accept', ['match', 'match', 'counter', 'nat'])
>>> chain.rules[0].statements[1].key, chain.rules[0].statements[1].values
('ip saddr', ['172.17.0.0/16'])
"""

from __future__ import annotations

import json
import re

from netparse.errors import ParseError
from netparse.models.base import UnparsedLine
from netparse.models.nft import NftChain, NftRule, NftRuleset, NftSet, NftTable
from netparse.parsers._common import docstring_sample
from netparse.parsers._nft_rule import handle, json_statement, split_top, statements, unquote
from netparse.parsers.jsontext import starts_json

KIND = "nft_ruleset"
MODEL = NftRuleset
SAMPLE = docstring_sample(__doc__)

_TABLE = re.compile(r"table (?:(ip|ip6|inet|arp|bridge|netdev) )?(\S+) \{")
_BLOCK = re.compile(r"(chain|set|map) (\S+) \{")
_OTHER_BLOCK = re.compile(r"\S+(?: \S+)* \{")
_HOOK = re.compile(r"type (\S+) hook (\S+)(?: device (\S+))? priority ([^;]+);"
                   r"(?: policy (\S+);)?")
_WARNING = re.compile(r"# Warning: .*")


def parse(text: str) -> NftRuleset:
    if starts_json(text):
        return _parse_json(text)
    return _Reader(text).read()


class _Reader:
    def __init__(self, text: str):
        self.lines = text.split("\n")
        self.ruleset = NftRuleset()
        self.unparsed: list[UnparsedLine] = []
        self.table: NftTable | None = None
        self.block: NftChain | NftSet | None = None
        self.skip = 0  # depth inside a block netparse does not read
        self.elements: list[str] | None = None  # a set's elements still being read

    def read(self) -> NftRuleset:
        for number, raw in enumerate(self.lines, 1):
            line = raw.strip()
            if line and not self._line(number, line):
                self.unparsed.append(UnparsedLine(line=number, text=raw))
        self.ruleset.unparsed = self.unparsed
        return self.ruleset

    def _line(self, number: int, line: str) -> bool:
        if self.skip:
            self.skip += line.endswith("{") - (line == "}")
            return False
        if self.elements is not None:
            return self._more_elements(line)
        body, handle_ = handle(line)
        if self.table is None:
            m = _TABLE.fullmatch(body)
            if m:
                self.table = NftTable(family=m.group(1) or "ip", name=m.group(2), line=number,
                                      handle=handle_)
                self.ruleset.tables.append(self.table)
                return True
            if _WARNING.fullmatch(line):
                self.ruleset.warnings.append(line)
                return True
            return False
        if self.block is None:
            return self._table_line(number, body, handle_)
        if body == "}":
            self.block = None
            return True
        if isinstance(self.block, NftChain):
            return self._chain_line(number, body, handle_)
        return self._set_line(body)

    def _table_line(self, number: int, body: str, handle_: int | None) -> bool:
        if body == "}":
            self.table = None
            return True
        m = _BLOCK.fullmatch(body)
        if m:
            if m.group(1) == "chain":
                self.block = NftChain(name=m.group(2), line=number, handle=handle_)
                self.table.chains.append(self.block)
            else:
                self.block = NftSet(name=m.group(2), line=number, handle=handle_,
                                    map=m.group(1) == "map")
                self.table.sets.append(self.block)
            return True
        if body.startswith("flags ") and not self.table.chains and not self.table.sets:
            self.table.flags = body[6:].split(",")
            return True
        if _OTHER_BLOCK.fullmatch(body):
            self.skip = 1
        return False

    def _chain_line(self, number: int, body: str, handle_: int | None) -> bool:
        chain = self.block
        m = _HOOK.fullmatch(body)
        if m and chain.type is None and not chain.rules:
            chain.type, chain.hook, device, chain.priority, chain.policy = m.groups()
            chain.device = unquote(device) if device else None
            chain.priority = chain.priority.strip()
            return True
        if body.startswith("policy ") and body.endswith(";") and chain.policy is None:
            chain.policy = body[7:-1].strip()
            return True
        split = statements(body)
        if split is None or not split[0] and split[1] is None:
            return False
        if all(s.type == "unknown" for s in split[0]) and split[1] is None:
            return False  # nothing in it understood (the tail of a wrapped line): not a rule
        chain.rules.append(NftRule(line=number, number=len(chain.rules) + 1, text=body,
                                   handle=handle_, statements=split[0], comment=split[1]))
        return True

    def _set_line(self, body: str) -> bool:
        nft_set = self.block
        if body.startswith("type ") and nft_set.type is None:
            nft_set.type = body[5:]
            return True
        if body.startswith("flags ") and not nft_set.flags:
            nft_set.flags = [f.strip() for f in body[6:].split(",")]
            return True
        if body.startswith("elements = {"):
            self.elements = []
            return self._more_elements(body[len("elements = {"):])
        return False

    def _more_elements(self, text: str) -> bool:
        text = text.strip()
        done = text.endswith("}")
        if done:
            text = text[:-1]
        self.elements += [e.strip() for e in split_top(text) if e.strip()]
        if done:
            self.block.elements, self.elements = self.elements, None
        return True


# --- nft -j -----------------------------------------------------------------------------------

def _parse_json(text: str) -> NftRuleset:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"nft -j: not JSON: {exc}", _error_line(exc)) from None
    items = document.get("nftables") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise ParseError("nft -j: no `nftables` list", 1)
    ruleset = NftRuleset(json_format=True)
    tables: dict[tuple, NftTable] = {}
    position = _Positions(text)
    for item in items:
        if not isinstance(item, dict) or len(item) != 1:
            ruleset.unparsed.append(UnparsedLine(line=1, text=json.dumps(item)[:200]))
            continue
        (name, body), = item.items()
        line = position.next(name)
        if not isinstance(body, dict) or not _json_item(ruleset, tables, name, body, line):
            ruleset.unparsed.append(UnparsedLine(line=line, text=json.dumps(item)[:200]))
    return ruleset


def _error_line(exc: Exception) -> int:
    return getattr(exc, "lineno", 1) or 1


class _Positions:
    """The line on which each item of the `nftables` list starts, found in order."""

    def __init__(self, text: str):
        self.text = text
        self.at = 0

    def next(self, name: str) -> int:
        m = re.compile(r'\{\s*"%s"\s*:' % re.escape(name)).search(self.text, self.at)
        if m is None:
            return 1
        self.at = m.end()
        return self.text.count("\n", 0, m.start()) + 1


def _json_item(ruleset: NftRuleset, tables: dict, name: str, body: dict, line: int) -> bool:
    if name == "metainfo":
        ruleset.version = str(body.get("version")) if body.get("version") else None
        ruleset.release = body.get("release_name") if isinstance(body.get("release_name"),
                                                                   str) else None
        schema = body.get("json_schema_version")
        ruleset.schema_version = schema if isinstance(schema, int) else None
        return True
    family, table_name = body.get("family"), body.get("table", body.get("name"))
    if not isinstance(family, str) or not isinstance(table_name, str):
        return False
    handle_ = body.get("handle") if isinstance(body.get("handle"), int) else None
    if name == "table":
        flags = body.get("flags", [])
        table = NftTable(family=family, name=table_name, line=line, handle=handle_,
                         flags=flags if isinstance(flags, list) else [str(flags)])
        tables[(family, table_name)] = table
        ruleset.tables.append(table)
        return True
    table = tables.get((family, table_name))
    if table is None or not isinstance(body.get("name", body.get("chain")), str):
        return False
    if name == "chain":
        prio = body.get("prio")
        table.chains.append(NftChain(
            name=body["name"], line=line, handle=handle_, type=body.get("type"),
            hook=body.get("hook"), priority=None if prio is None else str(prio),
            policy=body.get("policy"), device=body.get("dev")))
        return True
    if name in ("set", "map"):
        kind = body.get("type")
        kind = " . ".join(kind) if isinstance(kind, list) else kind
        if name == "map":
            kind = f"{kind} : {body.get('map')}"
        flags = body.get("flags", [])
        table.sets.append(NftSet(name=body["name"], line=line, handle=handle_, map=name == "map",
                                 type=kind, flags=flags if isinstance(flags, list) else [flags],
                                 elements=[_element(e) for e in body.get("elem", [])]))
        return True
    if name == "rule":
        chain = table.chain(body.get("chain"))
        expr = body.get("expr", [])
        if chain is None or not isinstance(expr, list):
            return False
        comment = body.get("comment") if isinstance(body.get("comment"), str) else None
        chain.rules.append(NftRule(line=line, number=len(chain.rules) + 1, handle=handle_,
                                   statements=[json_statement(e) for e in expr],
                                   comment=comment))
        return True
    return False


def _element(element) -> str:
    """A set element as text: a value, or `key : value` of a map."""
    if isinstance(element, list) and len(element) == 2:
        key, value = element
        return f"{_element(key)} : {_element(value)}"
    if isinstance(element, dict) and len(element) == 1:
        (name, body), = element.items()
        if name in ("jump", "goto") and isinstance(body, dict):
            return f"{name} {body.get('target')}"
        if name == "prefix" and isinstance(body, dict):
            return f"{body.get('addr')}/{body.get('len')}"
        if body is None:
            return name
    if isinstance(element, str):
        return json.dumps(element) if not element.startswith("@") else element
    return json.dumps(element, separators=(",", ":"))
