"""The outermost layer every response passes through, whichever part of the service made it.

It sets what must hold for all answers, so no route can forget it: ``nosniff`` on every
answer; on every HTML page a Content-Security-Policy header with ``frame-ancestors 'none'``
(a page's own policy is kept and completed; a page without one gets :data:`DEFAULT_CSP`);
CORS headers for browser notebooks, on errors too; the CORS preflight (``OPTIONS``) answered
here with 204; ``HEAD`` wherever ``GET`` works (the layers below see a ``GET``; the answer keeps
the GET's status and headers, Content-Length included, and loses its body); and a JSON 500 if
anything below fails before it has answered.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, MutableMapping

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("lexgraph.api")

DEFAULT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
EXPOSED = b"X-Result-Count, X-Result-Capped, X-Result-Limit, Retry-After"
ALLOWED_METHODS = b"GET, HEAD, POST, OPTIONS"
ALLOWED_HEADERS = b"Accept, Content-Type"
_INTERNAL_ERROR = b'{"error":"internal_error","message":"internal server error"}'


def _complete_csp(policy: bytes) -> bytes:
    return policy if b"frame-ancestors" in policy else policy.rstrip(b"; ") + b"; frame-ancestors 'none'"


def finish_headers(headers: list[tuple[bytes, bytes]], cross_origin: bool) -> list[tuple[bytes, bytes]]:
    """``headers`` of a response with what every answer of the service carries."""
    names = {name.lower() for name, _ in headers}
    out = [(n, _complete_csp(v)) if n.lower() == b"content-security-policy" else (n, v) for n, v in headers]
    if b"x-content-type-options" not in names:
        out.append((b"x-content-type-options", b"nosniff"))
    content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
    if content_type.startswith(b"text/html") and b"content-security-policy" not in names:
        out.append((b"content-security-policy", DEFAULT_CSP.encode()))
    if cross_origin and b"access-control-allow-origin" not in names:
        out += [(b"access-control-allow-origin", b"*"), (b"access-control-expose-headers", EXPOSED)]
    return out


class Envelope:
    """ASGI middleware around the whole service (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cross_origin = any(name == b"origin" for name, _ in scope["headers"])
        if scope["method"] == "OPTIONS":
            await self._preflight(send, cross_origin)
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        started = False

        async def send_finished(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = finish_headers(list(message.get("headers", [])), cross_origin)
            elif head and message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the GET's body, left out; only its end is sent
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        try:
            await self.app(scope, receive, send_finished)
        except Exception:
            if started:
                raise
            log.exception("unhandled error")
            await self._respond(send, 500, _INTERNAL_ERROR, cross_origin)

    async def _preflight(self, send: Send, cross_origin: bool) -> None:
        headers = [(b"allow", ALLOWED_METHODS), (b"content-length", b"0")]
        if cross_origin:
            headers += [(b"access-control-allow-methods", ALLOWED_METHODS),
                        (b"access-control-allow-headers", ALLOWED_HEADERS), (b"access-control-max-age", b"3600")]
        await send({"type": "http.response.start", "status": 204, "headers": finish_headers(headers, cross_origin)})
        await send({"type": "http.response.body", "body": b""})

    async def _respond(self, send: Send, status: int, body: bytes, cross_origin: bool) -> None:
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": finish_headers(headers, cross_origin)})
        await send({"type": "http.response.body", "body": body})
