"""The HTTP server: uvicorn, with the connection bounds it lacks.

uvicorn waits for a request's line and headers as long as the client likes, and its own cap on
connections answers in plain text: some idle connections, or headers sent a byte at a time,
kept every other client out. Here each connection has `head_timeout` seconds to send a request
head (after connecting, and again after each response), one address may hold `max_per_client`
connections and all together `max_connections`; every refusal is the API's JSON error.
"""

from __future__ import annotations

import json
import logging
from collections import Counter

from uvicorn.protocols.http.h11_impl import H11Protocol

from netparse.web.errors import WebError

log = logging.getLogger("netparse.web")


def raw_error(error: WebError) -> bytes:
    """A whole HTTP/1.1 response carrying `error` as JSON, closing the connection."""
    body = json.dumps(error.body(), separators=(",", ":")).encode()
    phrase = {400: "Bad Request", 408: "Request Timeout", 503: "Service Unavailable"}
    return (f"HTTP/1.1 {error.status} {phrase.get(error.status, 'Error')}\r\n"
            f"content-type: application/json\r\ncontent-length: {len(body)}\r\n"
            f"x-content-type-options: nosniff\r\nconnection: close\r\n\r\n").encode() + body


def refusal(error: WebError):
    """An ASGI app that answers every request with `error`, then closes the connection."""
    body = json.dumps(error.body(), separators=(",", ":")).encode()

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": error.status, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
            (b"retry-after", b"5"), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    return app


class GuardedProtocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for request heads and caps on connections."""

    settings = None             # netparse.web.app.Settings; set by protocol_for
    open_by: Counter            # connections open per client address, of this server

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        s = self.settings
        self.address = self.client[0] if self.client else ""
        self.open_by[self.address] += 1
        self.head_timer = None
        self.heard = False
        mine = self.open_by[self.address]
        if mine > 2 * s.max_per_client:
            # Opening connections past twice the cap, refusals unheeded: no answer at all, so
            # that one address cannot fill the server with connections held for their refusal.
            transport.close()
            return
        if mine > s.max_per_client:
            self.app = refusal(WebError(503, f"more than {s.max_per_client} connections are "
                                        f"open from your address; close some and try again"))
        elif len(self.connections) > s.max_connections:
            self.app = refusal(WebError(503, f"the server has {s.max_connections} connections "
                                        f"open, its limit; try again in a few seconds"))
        self._await_head()

    def connection_lost(self, exc) -> None:
        self.open_by[self.address] -= 1
        if not self.open_by[self.address]:
            del self.open_by[self.address]
        if self.head_timer is not None:
            self.head_timer.cancel()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        self.heard = True
        super().data_received(data)

    def on_response_complete(self) -> None:
        # Armed before uvicorn reads a pipelined request, which then counts as the next head.
        if not self.transport.is_closing():
            self._await_head()
        super().on_response_complete()

    def send_400_response(self, msg: str) -> None:
        # A request h11 cannot read (bad syntax, a head over 64 KiB): JSON, like every error.
        if not self.transport.is_closing():
            self.transport.write(raw_error(WebError(400, "the request is not valid HTTP/1.1, "
                                                    "or its head is over 64 KiB")))
            self.transport.close()

    def _await_head(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
        self.heard = False
        self.cycle_awaited = self.cycle      # a new request head makes a new cycle
        self.head_timer = self.loop.call_later(self.settings.head_timeout, self._head_late)

    def _head_late(self) -> None:
        self.head_timer = None
        if self.cycle is not self.cycle_awaited or self.transport.is_closing():
            return
        if self.heard:      # part of a head: say why the connection ends
            self.transport.write(raw_error(WebError(
                408, f"the request line and headers did not arrive within "
                     f"{self.settings.head_timeout:g} s")))
        self.transport.close()


def protocol_for(settings) -> type[GuardedProtocol]:
    """The protocol class of one server: its settings, and its own count of connections."""
    return type("NetparseProtocol", (GuardedProtocol,), {"settings": settings,
                                                         "open_by": Counter()})


def config(settings=None, host: str = "127.0.0.1", port: int = 8000, log_level: str = "info"):
    """The uvicorn configuration `netparse serve` runs (the tests run the same one)."""
    import uvicorn

    from netparse.web.app import Settings, create_app

    settings = settings or Settings()
    # No limit_concurrency: its refusals are plain text, and the protocol caps connections.
    return uvicorn.Config(create_app(settings), host=host, port=port, log_level=log_level,
                          http=protocol_for(settings), timeout_keep_alive=5,
                          server_header=False, h11_max_incomplete_event_size=64 * 1024)
