"""Errors that carry where the problem is, so the CLI can print `file:line: message`."""

from __future__ import annotations


class NetparseError(Exception):
    """Base of every error netparse raises on bad input."""


class ParseError(NetparseError):
    """Input that a parser cannot turn into a model.

    `line` is 1-based; 0 means the problem is with the input as a whole.
    """

    def __init__(self, message: str, line: int = 0, source: str | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.source = source

    def located(self, source: str) -> "ParseError":
        """The same error, naming the file it came from."""
        return type(self)(self.message, self.line, source)

    def __reduce__(self):
        # Pickled with its fields, so it crosses a process pool or a cluster intact.
        return type(self), (self.message, self.line, self.source)

    def __str__(self) -> str:
        where = self.source or "<input>"
        return f"{where}:{self.line}: {self.message}"


class SourceError(NetparseError):
    """Input that cannot be read at all: a missing path, a damaged archive, one over the limits."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message

    def __reduce__(self):
        return type(self), (self.path, self.message)


class LimitError(SourceError):
    """Input over one of the bounds of `netparse.sources.limits` (size, count, compression)."""


class HostsError(SourceError):
    """Input that holds captures of several hosts, which are never analysed as one: `hosts`
    gives each host's captures as `path:first-last` line ranges."""

    def __init__(self, path: str, message: str, hosts: dict[str, list[str]] | None = None):
        super().__init__(path, message)
        self.hosts = hosts or {}

    def __reduce__(self):
        return type(self), (self.path, self.message, self.hosts)


class DetectError(ParseError):
    """Text whose command cannot be told, or is ambiguous."""

    def __init__(self, message: str, line: int = 0, source: str | None = None,
                 candidates: tuple[str, ...] = ()):
        super().__init__(message, line, source)
        self.candidates = candidates

    def located(self, source: str) -> "DetectError":
        return DetectError(self.message, self.line, source, self.candidates)

    def __reduce__(self):
        return type(self), (self.message, self.line, self.source, self.candidates)
