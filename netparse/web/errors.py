"""The one error the web layer raises: an HTTP status and a message meant for the user."""

from __future__ import annotations


class WebError(Exception):
    def __init__(self, status: int, message: str, line: int | None = None,
                 candidates: tuple[str, ...] = (), hosts: tuple[str, ...] = ()):
        super().__init__(message)
        self.status = status
        self.message = message
        self.line = line
        self.candidates = candidates
        self.hosts = hosts  # a paste of several hosts: the ones to choose from

    def __reduce__(self):
        # Pickled with its fields: it comes back from a worker process (netparse.web.pool).
        return type(self), (self.status, self.message, self.line, self.candidates, self.hosts)

    def body(self) -> dict:
        """The JSON the API answers with."""
        out: dict = {"status": self.status, "error": self.message}
        if self.line is not None:
            out["line"] = self.line
        if self.candidates:
            out["candidates"] = list(self.candidates)
        if self.hosts:
            out["hosts"] = list(self.hosts)
        return out
