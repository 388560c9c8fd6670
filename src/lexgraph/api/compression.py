"""gzip content coding for what browsers load: HTML pages and static files.

Only for clients that say they accept it (``Accept-Encoding``) and only for text-like types of
at least :data:`MIN_BYTES` (compressing a PNG or a 300-byte answer gains nothing). Answers that
may be compressed carry ``Vary: Accept-Encoding`` either way, so a shared cache never hands a
gzip body to a client that did not ask for one.

:class:`CompressHTML` wraps the FastAPI app only, never the query hot path in front of it
(:class:`lexgraph.api.query_endpoint.LexgraphASGI` sends query requests past it), so SPARQL
answers are untouched.
"""

from __future__ import annotations

import gzip
from typing import Any, Awaitable, Callable, MutableMapping

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MIN_BYTES = 1024
HTML_LEVEL = 6
"""Pages are made per request, so a middle level: most of level 9's gain at half its cost."""
_TEXT_LIKE = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an ``Accept-Encoding`` value allows gzip (RFC 9110 12.5.3): ``gzip`` (or
    ``x-gzip``) or ``*`` with a non-zero ``q``; an explicit ``gzip;q=0`` refuses it whatever
    ``*`` says.

    >>> accepts_gzip("gzip, deflate, br"), accepts_gzip("br;q=1, gzip;q=0, *"), accepts_gzip(None)
    (True, False, False)
    """
    star = None
    for part in (accept_encoding or "").split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        name = name.strip().lower()
        if name in ("gzip", "x-gzip"):
            return q > 0
        if name == "*":
            star = q > 0
    return bool(star)


def compressible(content_type: str) -> bool:
    """Whether a media type is text-like, so worth compressing."""
    return content_type.lower().startswith(_TEXT_LIKE)


def gzip_bytes(data: bytes, level: int = 9) -> bytes:
    """``data`` gzipped, with no time stamp, so the same bytes give the same body."""
    return gzip.compress(data, compresslevel=level, mtime=0)


def with_vary(value: str | None, name: str = "Accept-Encoding") -> str:
    """A ``Vary`` header value with ``name`` added (once)."""
    names = [v.strip() for v in (value or "").split(",") if v.strip()]
    return ", ".join(names if name.lower() in (n.lower() for n in names) else [*names, name])


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    return next((v for n, v in headers if n.lower() == name), None)


class CompressHTML:
    """ASGI middleware: HTML answers gzipped for clients that accept it (each page is made per
    request, so compressed per request); every other answer passes through untouched, as it
    comes, chunk by chunk."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        asked = _header(list(scope.get("headers", [])), b"accept-encoding")
        accepted = accepts_gzip(asked.decode("latin-1") if asked else None)
        start: Message | None = None
        chunks: list[bytes] = []

        async def send_page(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                html = (_header(headers, b"content-type") or b"").startswith(b"text/html")
                if not html or _header(headers, b"content-encoding") is not None:
                    await send(message)
                    return
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._send_html(start, b"".join(chunks), accepted, send)

        await self.app(scope, receive, send_page)

    @staticmethod
    async def _send_html(start: Message, body: bytes, accepted: bool, send: Send) -> None:
        headers = [(n, v) for n, v in start.get("headers", []) if n.lower() != b"vary"]
        vary = _header(list(start.get("headers", [])), b"vary")
        headers.append((b"vary", with_vary(vary.decode("latin-1") if vary else None).encode("latin-1")))
        if accepted and len(body) >= MIN_BYTES:
            body = gzip_bytes(body, HTML_LEVEL)
            headers = [(n, v) for n, v in headers if n.lower() != b"content-length"]
            headers += [(b"content-encoding", b"gzip"), (b"content-length", str(len(body)).encode())]
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})
