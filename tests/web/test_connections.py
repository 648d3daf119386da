"""Connections that never send a request, or send it a byte at a time, on a live server with
raw sockets: they are closed after the head timeout, one address cannot take the server's
connections, and every refusal is the API's JSON error."""

from __future__ import annotations

import json
import socket
import time
import urllib.parse
from contextlib import ExitStack
from dataclasses import replace

import httpx
import pytest

from netparse.web.app import Settings
from tests.web.conftest import running

HEAD_TIMEOUT = 1.0
SETTINGS = Settings(head_timeout=HEAD_TIMEOUT, max_per_client=8, max_connections=60)
GET = b"GET / HTTP/1.1\r\nHost: test\r\n\r\n"


@pytest.fixture(scope="module")
def server():
    with running(SETTINGS) as url:
        yield url


def connect(url: str, source: str = "127.0.0.1") -> socket.socket:
    parts = urllib.parse.urlsplit(url)
    return socket.create_connection((parts.hostname, parts.port), timeout=10,
                                    source_address=(source, 0))


def answer(s: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    raw = b""
    while chunk := s.recv(65536):
        raw += chunk
    return raw


def json_error(raw: bytes, status: int) -> str:
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d " % status), head
    assert b"content-type: application/json" in head.lower()
    error = json.loads(body)
    assert set(error) == {"status", "error"} and error["status"] == status
    return error["error"]


def test_idle_connections_from_one_address_do_not_keep_others_out():
    # The attack of the issue: 199 connections that never send a request, held open (the head
    # timeout is long here). One address keeps its share, the rest are closed at once, and a
    # request from elsewhere is answered as if they were not there.
    settings = replace(SETTINGS, head_timeout=60.0)
    with running(settings) as url, ExitStack() as stack:
        assert httpx.get(url, timeout=30).status_code == 200     # the page is compiled
        idle = [stack.enter_context(connect(url, "127.0.0.2")) for _ in range(199)]
        started = time.monotonic()
        r = httpx.get(url, timeout=5)
        assert r.status_code == 200 and time.monotonic() - started < 5
        kept = 0
        for s in idle:
            s.settimeout(0.2)
            try:
                assert s.recv(1) == b""     # closed, without a word (it asked nothing)
            except TimeoutError:
                kept += 1
        assert kept == 2 * settings.max_per_client   # its share, and as many awaiting refusal


def test_a_connection_that_sends_nothing_is_closed_after_the_head_timeout(server):
    with connect(server) as s:
        started = time.monotonic()
        assert answer(s) == b""
        assert HEAD_TIMEOUT - 0.1 < time.monotonic() - started < HEAD_TIMEOUT + 1.5


def test_headers_sent_a_byte_at_a_time_are_answered_408(server):
    import select

    with connect(server) as s:
        started = time.monotonic()
        s.sendall(b"POST /api/parse HTTP/1.1\r\nHost: test\r\nX-Slow: ")
        while not select.select([s], [], [], 0.1)[0]:   # a byte every 0.1 s, never done
            assert time.monotonic() - started < HEAD_TIMEOUT + 3, "still waiting"
            s.sendall(b"a")
        raw = answer(s)
        assert time.monotonic() - started < HEAD_TIMEOUT + 1.5
    assert json_error(raw, 408) == (f"the request line and headers did not arrive within "
                                    f"{HEAD_TIMEOUT:g} s")


def test_a_stalled_second_request_on_a_kept_alive_connection_is_408(server):
    with connect(server) as s:
        s.sendall(GET)
        first = s.recv(65536)
        assert first.startswith(b"HTTP/1.1 200 ")
        while b"</html>" not in first:
            first += s.recv(65536)
        s.sendall(b"GET / HTTP/1.1\r\n")           # and then nothing
        raw = answer(s)
    assert "did not arrive within" in json_error(raw, 408)


def test_over_its_share_an_address_is_refused_in_json(server):
    with ExitStack() as stack:
        held = [stack.enter_context(connect(server, "127.0.0.3"))
                for _ in range(SETTINGS.max_per_client)]
        extra = stack.enter_context(connect(server, "127.0.0.3"))
        extra.sendall(GET)
        raw = answer(extra)
        assert json_error(raw, 503) == ("more than 8 connections are open from your address; "
                                        "close some and try again")
        assert b"retry-after: 5" in raw
        # The address's own held connections, and other addresses, are still served.
        held[0].sendall(GET)
        assert held[0].recv(12) == b"HTTP/1.1 200"
        assert httpx.get(server, timeout=5).status_code == 200


def test_an_address_ignoring_its_refusals_is_cut_off_at_once(server):
    with ExitStack() as stack:
        for _ in range(2 * SETTINGS.max_per_client):
            stack.enter_context(connect(server, "127.0.0.4"))
        flood = stack.enter_context(connect(server, "127.0.0.4"))
        flood.settimeout(0.5)
        assert flood.recv(1) == b""             # closed well before the head timeout


def test_a_full_server_refuses_in_json_and_serves_again_once_the_idle_are_closed():
    settings = Settings(head_timeout=HEAD_TIMEOUT, max_per_client=8, max_connections=10)
    with running(settings) as url, ExitStack() as stack:
        for n in range(10):
            stack.enter_context(connect(url, f"127.0.0.{10 + n}"))
        with connect(url) as s:
            s.sendall(GET)
            assert json_error(answer(s), 503) == ("the server has 10 connections open, its "
                                                  "limit; try again in a few seconds")
        time.sleep(HEAD_TIMEOUT + 0.5)             # the idle ones are gone by now
        assert httpx.get(url, timeout=5).status_code == 200


def test_a_request_http_cannot_read_is_400_in_json(server):
    with connect(server) as s:
        s.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        assert "not valid HTTP/1.1" in json_error(answer(s), 400)
    with connect(server) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: test\r\nX-Big: " + b"a" * (70 * 1024))  # unended
        assert "64 KiB" in json_error(answer(s), 400)
