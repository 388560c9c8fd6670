"""uvicorn's HTTP protocols with what lexgraph needs below the app.

* JSON answers to requests uvicorn cannot parse: it answers a malformed request (bad request
  line, bad header, bad chunking) itself, before the app sees it, in plain text; every error
  of lexgraph is JSON, so these are too.
* A deadline for the request line and headers: uvicorn waits for them forever, so a client
  that opens connections and sends nothing, or trickles its headers, would hold them all.
  Headers not complete within ``LEXGRAPH_BODY_TIMEOUT_S`` get a JSON 408 and the connection
  is closed (the body has the same deadline, enforced by the query endpoint).
* A response's head and body in one write (:class:`HeadWithBody`; httptools only).
"""

from __future__ import annotations

import asyncio
import json
from functools import lru_cache
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..config import load_settings
from .envelope import finish_headers


@lru_cache(maxsize=1)
def header_timeout_s() -> float:
    """The deadline for a request's line and headers (settings are checked at start-up)."""
    return load_settings().body_timeout_s


def json_error(transport: Any, status: bytes, code: str, message: str) -> None:
    """Write a JSON error and close the connection (its request stream cannot be trusted)."""
    body = json.dumps({"error": code, "message": message}).encode()
    headers = finish_headers([(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                              (b"connection", b"close")], cross_origin=False)
    transport.write(b"HTTP/1.1 " + status + b"\r\n" + b"".join(n + b": " + v + b"\r\n" for n, v in headers) + b"\r\n" + body)
    transport.close()


class HeadWithBody:
    """A response's transport as uvicorn's request cycle sees it: the head (status line and
    headers, the cycle's first write) is held back and leaves with the first bytes of the body
    in one write, as one TCP segment, instead of two. Each write is a system call that also
    wakes the client; for a small answer the head's own write cost about a tenth of the web
    process's time per request (py-spy, lookups at 100k triples).

    Nothing waits on it: a head not followed by a body in the same turn of the event loop (a
    HEAD request, an interim 100 Continue, a body still being computed) leaves at the next
    turn, and before the connection is closed."""

    def __init__(self, transport: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._head: bytes | None = None
        self._first = True

    def write(self, data: bytes) -> None:
        if self._first:
            self._first = False
            self._head = data
            self._loop.call_soon(self._flush)
        elif self._head is not None:
            head, self._head = self._head, None
            self._transport.writelines((head, data))
        else:
            self._transport.write(data)

    def _flush(self) -> None:
        if self._head is not None:
            head, self._head = self._head, None
            if not self._transport.is_closing():
                self._transport.write(head)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class _Deadlines:
    """Mixed into a uvicorn protocol: JSON 400s, and the header deadline (armed when a
    connection opens and after each response, disarmed once a request's headers are in)."""

    transport: Any
    loop: asyncio.AbstractEventLoop
    _header_timer: asyncio.TimerHandle | None = None
    _started = False
    """Whether any byte of the awaited request has arrived."""

    def send_400_response(self, msg: str) -> None:
        json_error(self.transport, b"400 Bad Request", "bad_request", f"{msg.rstrip('.')}: the HTTP request is malformed")

    def _arm(self) -> None:
        self._disarm()
        self._started = False
        self._header_timer = self.loop.call_later(header_timeout_s(), self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        """A request begun and not finished gets a 408; an idle connection is just closed
        (an answer nobody asked for could be taken for the answer to a later request)."""
        self._header_timer = None
        if self.transport.is_closing():
            return
        if not self._started:
            self.transport.close()
            return
        json_error(self.transport, b"408 Request Timeout", "header_timeout",
                   f"the request line and headers did not arrive within {header_timeout_s():g} s "
                   "(LEXGRAPH_BODY_TIMEOUT_S)")

    def data_received(self, data: bytes) -> None:
        self._started = True
        super().data_received(data)  # type: ignore[misc]

    def connection_made(self, transport: Any) -> None:  # type: ignore[override]
        super().connection_made(transport)  # type: ignore[misc]
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)  # type: ignore[misc]

    def on_response_complete(self) -> None:
        self._arm()  # for the next request; a pipelined one already read is let through below
        super().on_response_complete()  # type: ignore[misc]
        if self.transport.is_closing() or self._request_in_progress():
            self._disarm()

    def _request_in_progress(self) -> bool:
        raise NotImplementedError


class JsonErrorsH11Protocol(_Deadlines, H11Protocol):
    def _request_in_progress(self) -> bool:
        return self.conn.their_state is not h11.IDLE  # IDLE: waiting for a request line and headers

    def handle_events(self) -> None:
        super().handle_events()
        if self._request_in_progress():
            self._disarm()


try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # httptools is optional; uvicorn then speaks HTTP through h11
    PROTOCOL = "lexgraph.api.http_protocol:JsonErrorsH11Protocol"
else:
    class JsonErrorsHttpToolsProtocol(_Deadlines, HttpToolsProtocol):
        def _request_in_progress(self) -> bool:
            return self.cycle is not None and not self.cycle.response_complete

        def on_headers_complete(self) -> None:
            self._disarm()
            super().on_headers_complete()
            self.cycle.transport = HeadWithBody(self.transport, self.loop)  # type: ignore[union-attr]

    PROTOCOL = "lexgraph.api.http_protocol:JsonErrorsHttpToolsProtocol"
