"""Run a TTP template shipped beside the parsers, and tell which input lines it understood.

Templates are read from package data and compiled once per thread (a TTP parser object is not
safe to share between threads). Input is always handed to TTP as text that starts with a newline,
so TTP never mistakes it for a file or folder path.
"""

from __future__ import annotations

import os
import re
import threading
from operator import itemgetter


def _point_ttp_cache_away_from_site_packages() -> None:
    # TTP pickles its function table next to its own code unless told otherwise, and reads
    # TTPCACHEFOLDER at import time, so this must run before the first `import ttp`.
    if "TTPCACHEFOLDER" in os.environ:
        return
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "netparse", "ttp")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        # Unwritable home: TTP then fails to save its cache and says nothing, which is fine.
        pass
    os.environ["TTPCACHEFOLDER"] = folder


_first = itemgetter(0)
_NAMED_GROUP = re.compile(r"\(\?P<[^>]+>")


class Template:
    """One `.ttp` file of this package."""

    def __init__(self, filename: str):
        self.filename = filename
        self._text: str | None = None
        self._data: dict | None = None
        self._covers_regex: re.Pattern[str] | None = None
        self._table_regexes: list | bool | None = None
        self._group_lines: _Groups | bool | None = None
        self._scanner: _Scanner | bool | None = None
        self.fields: list[tuple[str, ...]] = []
        self._local = threading.local()
        self._lock = threading.Lock()

    @property
    def text(self) -> str:
        if self._text is None:
            # Beside this module (not through importlib.resources, whose import costs more
            # than a small parse).
            path = os.path.join(os.path.dirname(__file__), self.filename)
            with open(path, encoding="utf-8") as handle:
                self._text = handle.read()
        return self._text

    def _parser(self):
        parser = getattr(self._local, "parser", None)
        if parser is None:
            _point_ttp_cache_away_from_site_packages()
            from ttp import ttp

            parser = ttp(template=self.text, log_level="CRITICAL")
            self._local.parser = parser
        return parser

    def _load(self) -> None:
        """The template's line regexes: those shipped in `_patterns.py` when they were made from
        this very template text, else TTP's compile of it (a template edited since). Only the
        one-pass scanner is compiled here; the others when first used."""
        if self._data is not None:
            return
        with self._lock:
            if self._data is not None:
                return
            from netparse.parsers._patterns import PATTERNS

            shipped = PATTERNS.get(self.filename)
            data = shipped if shipped and shipped["sha1"] == _sha1(self.text) else None
            if data is None:
                data = patterns_of(self._parser(), self.text)
            scan = data.get("scan")
            if scan:
                self._scanner = _Scanner(*scan)
                # The variable names of each table line, in the order `scan` gives them.
                self.fields = self._scanner.fields
            else:
                self._scanner, self.fields = False, []
            self._data = data

    @property
    def _table(self):
        self._load()
        if self._table_regexes is None:
            table = self._data["table"]
            self._table_regexes = [(re.compile(p), names) for p, names in table] \
                if table else False
        return self._table_regexes

    @_table.setter
    def _table(self, value):
        self._table_regexes = value

    @property
    def _groups(self):
        self._load()
        if self._group_lines is None:
            groups = self._data["groups"]
            scans = self._data.get("group_scans") or [None] * len(groups or ())
            self._group_lines = _Groups([(name, child, [_Line(*line) for line in lines])
                                         for name, child, lines in groups],
                                        [_Scanner(*scan) if scan else None for scan in scans]
                                        ) if groups else False
        return self._group_lines

    @property
    def _covers(self):
        self._load()
        if self._covers_regex is None:
            self._covers_regex = re.compile(self._data["covers"])
        return self._covers_regex

    def run(self, text: str) -> list[dict] | dict:
        """Parse `text`; TTP's result for the single input, as TTP shapes it.

        The template's line regexes are run directly and the rows put together here when the
        template is of the simple shape that `_Groups` knows and the input holds no case it
        leaves to TTP; otherwise TTP runs it.
        """
        return self.run_lines(text)[0]

    def run_lines(self, text: str) -> tuple[list[dict] | dict, set[int]]:
        """`run` and `understood` of `text` together: when the line regexes are run directly,
        their matches are the lines understood, and the text is scanned once."""
        groups = self._groups_of()
        if groups:
            data = "\n" + text + "\n\n"
            starts: list[int] = []
            result = groups.run(data, starts)
            if result is not None:
                return result, _line_numbers(data, starts)
        return self.run_ttp(text), self.understood(text)

    def _groups_of(self):
        return self._groups

    def run_ttp(self, text: str) -> list[dict] | dict:
        """`run` through TTP itself."""
        parser = self._parser()
        parser.clear_result()
        parser.set_input("\n" + text)
        parser.parse(one=True)
        result = parser.result()
        # result() hands out TTP's own lists, so they are cleared on the next run, not now.
        parser.clear_input()
        return result[0][0] if result and result[0] else {}

    def table(self, text: str) -> list[tuple[int, dict]] | None:
        """(line number, row) for each line of `text` that a line of the template matches, in
        input order: what `run` gives, with the line of each row, for a template of one
        `method="table"` group whose variables have no functions.

        TTP compiles the template into one regex per line; for such a template every match is
        a row of its own, so its regexes are run here directly and TTP's general result
        assembly, which costs more than the matching itself, is skipped. None when that does
        not hold: another kind of template, or a line that two template lines match (TTP then
        chooses between them); the caller then uses `run` and `understood`.
        """
        self._load()
        if not self._table:
            return None
        data = "\n" + text + "\n\n"
        found: list[tuple[int, dict]] = []
        for regex, names in self._table:
            if names is None:
                found += [(m.start(), m.groupdict()) for m in regex.finditer(data)]
            else:
                found += [(m.start(), {names[k]: v for k, v in m.groupdict().items()})
                          for m in regex.finditer(data)]
        if len(self._table) > 1:
            found.sort(key=lambda item: item[0])
        rows: list[tuple[int, dict]] = []
        line, at = 0, 0
        for start, row in found:
            if start + 1 == at:
                return None  # two template lines match this line
            line += data.count("\n", at, start + 1)
            at = start + 1
            rows.append((line, row))
        return rows

    def scan(self, text: str) -> list[tuple[int, int, tuple]] | None:
        """(line number, template line, its values in order) for each line of `text` that a
        line of a one-group `method="table"` template matches: what `table` gives, as tuples,
        from one pass over the text instead of one per template line.

        The line regexes are tried as one alternation, so a line that two template lines
        match is read by the first of them (`table` leaves such a line to TTP, which gives a
        row for each). The shipped templates' lines do not overlap: `tests/parsers/
        test_ttp_table.py` holds `scan` to `table` on every test and corpus file. None where
        `table` gives None for the template.
        """
        self._load()
        scanner = self._scanner
        if not scanner:
            return None
        data = "\n" + text + "\n\n"
        rows: list[tuple[int, int, tuple]] = []
        line, at = 0, 0
        count = data.count
        spans, last_of = scanner.spans, scanner.last_of
        # The loop of `_Scanner.found`, written out with the line count: this runs once per
        # route of a table of any size.
        for match in scanner.regex.finditer(data):
            start = match.start()
            index = last_of[match.lastindex]
            line += count("\n", at, start + 1)
            at = start + 1
            span = spans[index]
            rows.append((line, index, match.group(*span) if len(span) > 1
                         else (match.group(span[0]),)))
        return rows

    def understood(self, text: str) -> set[int]:
        """1-based numbers of the lines of `text` that some line of the template matches."""
        self._load()
        data = "\n" + text + "\n"
        lines: set[int] = set()
        newline_at = 0
        number = 0
        # Every TTP line regex starts with `\n`, so a match start is the newline before its line.
        for match in self._covers.finditer(data):
            start = match.start()
            number += data.count("\n", newline_at, start + 1)
            newline_at = start + 1
            lines.add(number)
        return lines


def _scan_data(table: list[tuple[str, dict | None]] | None) -> tuple | None:
    """What `scan` needs of a table template: its line regexes as one alternation, the group
    numbers of each template line in it and the variable names they hold (None when a
    pattern has a capturing group of its own, which `scan` leaves to `table`)."""
    if not table:
        return None
    plain, spans, fields = [], [], []
    number = 0
    for pattern, names in table:
        regex = re.compile(pattern)
        stripped = _NAMED_GROUP.sub("(", pattern)
        if re.compile(stripped).groups != len(regex.groupindex) or not regex.groupindex:
            return None
        plain.append(stripped)
        spans.append(tuple(range(number + 1, number + regex.groups + 1)))
        fields.append(tuple((names or {}).get(g, g)
                            for g in sorted(regex.groupindex, key=regex.groupindex.get)))
        number += regex.groups
    return "|".join(f"(?:{p})" for p in plain), spans, fields


def _line_numbers(data: str, starts: list[int]) -> set[int]:
    """1-based numbers of the lines whose regex matches start at `starts` in `data` (each match
    starts at the newline before its line, and `data` is the text after one newline)."""
    lines: set[int] = set()
    number, newline_at = 0, 0
    for start in sorted(set(starts)):
        number += data.count("\n", newline_at, start + 1)
        newline_at = start + 1
        lines.add(number)
    return lines


def _sha1(text: str) -> str:
    import hashlib

    return hashlib.sha1(text.encode()).hexdigest()


def patterns_of(parser, text: str) -> dict:
    """What this module needs of a TTP-compiled template, as plain data (`_patterns.py`)."""
    table = _table_regexes(parser)
    groups = _group_lines(parser)
    return {"sha1": _sha1(text), "covers": _coverage_regex(parser).pattern,
            "table": table, "groups": groups, "scan": _scan_data(table),
            "group_scans": [_scan_data([(line[0], line[2]) for line in lines]) if len(lines) > 1
                            else None for _, _, lines in groups] if groups else None}


def _table_regexes(parser) -> list[tuple[str, dict | None]] | None:
    """The line regexes of a template that is one `method="table"` group of plain variables,
    each with the renaming of its groups to variable names (None when they are the same)."""
    groups = [g for t in parser._templates for g in t.groups]
    if len(parser._templates) != 1 or len(groups) != 1:
        return None
    group = groups[0]
    template_vars = parser._templates[0].vars  # the <vars> patterns, and what goes to results
    if (group.method != "table" or group.children or group.re or group.end_re or group.funcs
            or group.has_start_re_default or group.default != "_Not_Given_"
            or template_vars.get("_vars_to_results_") or template_vars.get("_var_functions_")):
        return None
    found = []
    for item in group.start_re:
        variables = item["VARIABLES"]
        names = {name: v.var_name_original for name, v in variables.items()}
        if (item["ACTION"] != "start" or item["IS_LINE"] or not variables
                or set(variables) != set(item["REGEX"].groupindex)
                or any(v.functions or v.SAVEACTION != "add" or v.var_name_original.startswith("_")
                       or v.var_name_original == "ignore" for v in variables.values())):
            return None
        found.append((item["REGEX"].pattern,
                      None if all(k == v for k, v in names.items()) else names))
    return found


def _coverage_regex(parser) -> re.Pattern[str]:
    """All line regexes of a compiled TTP template, as one alternation without named groups."""
    patterns: list[str] = []

    def walk(group) -> None:
        for item in group.start_re + group.re + group.end_re:
            pattern = _NAMED_GROUP.sub("(?:", item["REGEX"].pattern)
            if pattern not in patterns:
                patterns.append(pattern)
        for child in group.children:
            walk(child)

    for template in parser._templates:
        for group in template.groups:
            walk(group)
    return re.compile("|".join(f"(?:{p})" for p in patterns))


_JOIN_FUNCTIONS = [{"args": [], "kwargs": {}, "name": "to_list"},
                   {"args": [], "kwargs": {}, "name": "joinmatches"}]


class _Line:
    """One compiled template line: its regex, what it does to its group, its variables."""

    __slots__ = ("regex", "action", "names", "listed", "child")

    def __init__(self, pattern: str, action: str, names: dict | None, listed: list[str],
                 child: bool):
        self.regex = re.compile(pattern)
        self.action = action  # start, add or join
        self.names = names  # regex group -> variable, None when the same
        # `to_list | joinmatches` on a start line: the value starts a list that join lines extend.
        self.listed = listed
        self.child = child

    def values(self, match: re.Match) -> dict:
        values = match.groupdict()
        return values if self.names is None else {self.names[k]: v for k, v in values.items()}


def _line(item: dict, child: bool) -> tuple:
    names = {name: v.var_name_original for name, v in item["VARIABLES"].items()}
    listed = [v.var_name_original for v in item["VARIABLES"].values()
              if v.functions] if item["ACTION"] != "join" else []
    return (item["REGEX"].pattern, item["ACTION"],
            None if all(k == v for k, v in names.items()) else names, listed, child)


def _group_lines(parser) -> list | None:
    """The groups of a template `_Groups` can run, as plain data; None for another one."""
    if len(parser._templates) != 1:
        return None
    template = parser._templates[0]
    if template.vars.get("_vars_to_results_") or template.vars.get("_var_functions_"):
        return None
    groups = []
    for group in template.groups:
        if not _plain_group(group) or len(group.children) > 1:
            return None
        lines = [_line(item, False) for item in group.start_re + group.re]
        child_name = None
        for child in group.children:
            if not _plain_group(child) or child.children or any(
                    item["ACTION"] == "join" for item in child.re):
                return None
            child_name = child.name.rsplit(".", 1)[-1]
            lines += [_line(item, True) for item in child.start_re + child.re]
        if any(not _plain_line(item) for item in group.start_re + group.re) or any(
                not _plain_line(item) for c in group.children for item in c.start_re + c.re):
            return None
        groups.append((group.name, child_name, lines))
    return groups


class _Scanner:
    """A template's (table) or a group's line regexes as one alternation (`_scan_data`): each
    match gives its template line's index and its values by variable name."""

    __slots__ = ("regex", "spans", "fields", "last_of")

    def __init__(self, pattern: str, spans: list[tuple[int, ...]], fields: list[tuple[str, ...]]):
        self.regex = re.compile(pattern)
        self.spans = spans
        self.fields = fields
        self.last_of = {g: i for i, span in enumerate(spans) for g in span}

    def found(self, data: str, lines: list[_Line]) -> list[tuple[int, _Line, dict]]:
        spans, fields, last_of = self.spans, self.fields, self.last_of
        found = []
        for match in self.regex.finditer(data):
            index = last_of[match.lastindex]
            span = spans[index]
            values = match.group(*span) if len(span) > 1 else (match.group(span[0]),)
            found.append((match.start(), lines[index], dict(zip(fields[index], values))))
        return found


class _Groups:
    """TTP's result for templates of top groups of plain lines, each with at most one child
    group of start and plain lines: what TTP gives, without its general result assembly.

    Matches are taken in input order, group by group, as TTP does. A group's lines are matched
    as one alternation when `_scan_data` could make one, so a line that two template lines
    match is read by the first of them; the shipped templates' lines do not overlap, and
    `tests/parsers/test_ttp_groups.py` holds the alternation to the regexes run one by one
    (which leave such a line to TTP) on every test and corpus file. Each start line opens a row
    (a child's start line a row of its parent's list); a plain line fills what its row does not
    have yet; a `to_list | joinmatches` line adds to its list. Lines before a group's first
    start are not read. Two template lines on one input line, or a parent's line after its
    child has started (TTP then merges into rows already saved), are left to TTP (`run` gives
    None). `tests/parsers/test_ttp_groups.py` holds this to TTP's own result.
    """

    def __init__(self, groups: list[tuple[str, str | None, list[_Line]]],
                 scanners: list[_Scanner | None] | None = None):
        self.groups = groups  # (name, child name, lines)
        self.scanners = scanners or [None] * len(groups)

    def run(self, data: str, starts: list[int] | None = None, one_pass: bool = True
            ) -> dict | None:
        """The result, or None for TTP to decide; `starts` gets where every match starts.
        `one_pass=False` runs each line regex on its own (the tests compare the two)."""
        result: dict = {}
        for (name, child_name, lines), scanner in zip(self.groups, self.scanners):
            if scanner and one_pass:
                found = scanner.found(data, lines)
            else:
                found = []
                for line in lines:
                    found += [(m.start(), line, line.values(m)) for m in line.regex.finditer(data)]
                found.sort(key=_first)
            if starts is not None:
                starts += [item[0] for item in found]
            rows = self._rows(found, child_name)
            if rows is None:
                return None
            rows = [row for row in rows if row]  # TTP keeps no empty row
            if rows:
                result[name] = rows[0] if len(rows) == 1 else rows
        return result

    @staticmethod
    def _rows(found: list, child_name: str | None) -> list[dict] | None:
        rows: list[dict] = []
        row: dict | None = None
        child: dict | None = None
        children: list[dict] = []
        at = -1
        for start, line, values in found:
            if start == at:
                return None  # two template lines match this line
            at = start
            for key in line.listed:
                values[key] = [values[key]]
            if line.child:
                if row is None:
                    continue  # before the group's first start
                if line.action == "start":
                    if not children:
                        row[child_name] = children
                    child = values
                    children.append(child)
                elif child is not None:
                    for key, value in values.items():
                        child.setdefault(key, value)
                continue
            if line.action == "start":
                if children:
                    _close(row, child_name, children)
                row, child, children = values, None, []
                rows.append(row)
                continue
            if row is None:
                continue
            if child is not None:
                return None  # a parent's line after its child started
            if line.action == "join":
                for key, value in values.items():
                    if key not in row:
                        row[key] = [value]
                    elif isinstance(row[key], list):
                        row[key].append(value)
                    else:
                        return None
            else:
                if line.listed:
                    return None
                for key, value in values.items():
                    row.setdefault(key, value)
        if children:
            _close(row, child_name, children)
        return rows


def _close(row: dict, child_name: str | None, children: list[dict]) -> None:
    if len(children) == 1:
        row[child_name] = children[0]  # TTP gives one child row as a dict, several as a list


def _plain_group(group) -> bool:
    return (group.method == "group" and not group.end_re and not group.funcs
            and not group.has_start_re_default and group.default == "_Not_Given_")


def _plain_line(item: dict) -> bool:
    variables = item["VARIABLES"]
    if item["IS_LINE"] or item["ACTION"] not in ("start", "add", "join"):
        return False
    if set(variables) != set(item["REGEX"].groupindex):
        return False
    for v in variables.values():
        if v.var_name_original.startswith("_") or v.var_name_original == "ignore":
            return False
        if v.functions and (v.functions != _JOIN_FUNCTIONS or v.SAVEACTION != "join"):
            return False
        if not v.functions and v.SAVEACTION not in ("start", "add"):
            return False
    return True


TEMPLATES = ("brctl_show.ttp", "bridge_fdb.ttp", "bridge_link.ttp", "interfaces.ttp",
             "ip_route.ttp", "route_n.ttp", "sysctl.ttp")


def shipped_patterns() -> str:
    """The text of `_patterns.py`: every template's line regexes as TTP compiles them, so that
    parsing needs neither TTP's import nor its compile; a template whose text changed since is
    compiled by TTP again (and `tests/parsers/test_ttp_groups.py` asks for this file anew)."""
    import pprint

    data = {}
    for name in TEMPLATES:
        template = Template(name)
        data[name] = patterns_of(template._parser(), template.text)
    return ('"""Generated by `python -m netparse.parsers._ttp` from the `.ttp` files beside it: '
            'do not edit."""\n\nPATTERNS = ' + pprint.pformat(data, width=100, sort_dicts=True)
            + "\n")


if __name__ == "__main__":
    from pathlib import Path

    (Path(__file__).parent / "_patterns.py").write_text(shipped_patterns())
