"""The hot path: SPARQL query requests at ``/sparql``, as a plain ASGI app.

Query requests (GET with ``query``, every POST) are answered here, in front of FastAPI's
routing and middleware, because per-request overhead decides the speed of small lookups.
Everything else at ``/sparql`` (the editor page, the service description) falls through to
the FastAPI app. Errors use the same table and JSON shape as the rest of the service
(:mod:`lexgraph.api.errors`).

Every step is bounded before the next one starts: the URL and body by size, the body by time
(a client that stalls half-way is answered 408), the query text by size before the guard
tokenises it (and a long one is checked in a thread, off the event loop), and a query that
misses the cache by the client's share of the executors (:mod:`lexgraph.fairness`).
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any, Awaitable, Callable, MutableMapping
from urllib.parse import unquote_to_bytes

from ..cache import cache_key
from ..errors import BodyTimeout, LexgraphError, PayloadTooLarge, UsageError
from ..fairness import ClientLimits
from ..sparql import prepare
from .errors import error_body, error_headers, log_error, status_of
from .protocol import read_get, read_post
from .state import ServiceState

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

_HAS_OPERATION = re.compile(rb"(?:^|&)(?:query|update)=")
OFF_LOOP_QUERY_CHARS = 4096
"""Queries longer than this are checked in a thread, so the event loop keeps serving."""


def is_query_request(scope: Scope) -> bool:
    """Whether this request is for the query hot path."""
    if scope["type"] != "http" or scope["path"] != "/sparql":
        return False
    method = scope["method"]
    return method == "POST" or (method == "GET" and bool(_HAS_OPERATION.search(scope["query_string"])))


def client_of(scope: Scope) -> str:
    """The client a request counts against: its network address."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def query_params(query_string: bytes) -> list[tuple[str, str]]:
    """The URL's parameters, in order, each name and value percent-decoded and then read as
    UTF-8 (``+`` is a space; an empty field is skipped, a field without ``=`` has an empty
    value): what ``urllib.parse.parse_qsl(..., keep_blank_values=True)`` gives, except that
    bytes sent unencoded are read as UTF-8 too, not as Latin-1. Decoding a lookup's URL
    this way takes a fifth of urllib's time, a tenth of the web process's time per request."""
    try:
        return [(_unquote_plus(name), _unquote_plus(value))
                for name, _, value in (field.partition(b"=") for field in query_string.split(b"&") if field)]
    except UnicodeDecodeError:
        raise UsageError("the URL parameters are not valid UTF-8") from None


def _unquote_plus(raw: bytes) -> str:
    raw = raw.replace(b"+", b" ")
    if b"%" in raw:
        try:  # each %XX becomes \xXX for Python's C decoder (backslashes doubled first)
            raw = raw.replace(b"\\", b"\\\\").replace(b"%", b"\\x").decode("unicode_escape").encode("latin-1")
        except UnicodeDecodeError:  # a % without two hex digits after it, kept as it is
            raw = unquote_to_bytes(raw)
    return raw.decode("utf-8")


async def _body(receive: Receive, headers: dict[bytes, bytes], limit: int, timeout_s: float) -> bytes:
    declared = headers.get(b"content-length", b"")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the request body is {int(declared)} bytes; the limit is {limit}")
    chunks: list[bytes] = []
    size = 0
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        try:
            message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
        except asyncio.TimeoutError:
            raise BodyTimeout(f"the request body did not arrive within {timeout_s:g} s "
                              "(LEXGRAPH_BODY_TIMEOUT_S)") from None
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the request body passes the limit of {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


class QueryEndpoint:
    """Answers SPARQL 1.1 Protocol query requests from the store, through the answer cache."""

    def __init__(self, state: ServiceState) -> None:
        self.state = state
        self.cache = state.cache
        settings = state.settings
        self.clients = ClientLimits(settings.client_concurrency, settings.client_query_s_per_min)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope["headers"])
        try:  # anything else is a bug, answered as JSON 500 by the envelope (api/envelope.py)
            status, body, content_type, response_headers = await self._answer(scope, receive, headers)
        except LexgraphError as exc:
            status, body = status_of(exc), json.dumps(error_body(exc)).encode()
            log_error(exc, status)
            content_type = "application/json"
            response_headers = [(k.lower().encode(), v.encode()) for k, v in error_headers(exc, status).items()]
        response_headers += [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": response_headers})
        await send({"type": "http.response.body", "body": body})

    async def _answer(
        self, scope: Scope, receive: Receive, headers: dict[bytes, bytes]
    ) -> tuple[int, bytes, str, list[tuple[bytes, bytes]]]:
        settings = self.state.settings
        if len(scope["query_string"]) > settings.max_body_bytes:
            raise PayloadTooLarge(f"the query string passes the limit of {settings.max_body_bytes} bytes")
        params = query_params(scope["query_string"])
        if scope["method"] == "POST":
            body = await _body(receive, headers, settings.max_body_bytes, settings.body_timeout_s)
            content_type = headers.get(b"content-type")
            call = read_post(params, content_type.decode("latin-1") if content_type else None, body)
        else:
            call = read_get(params)
        accept = headers.get(b"accept")
        accept_text = accept.decode("latin-1") if accept else None
        if call.query is not None and len(call.query) > OFF_LOOP_QUERY_CHARS:
            request = await asyncio.to_thread(prepare, call, accept_text, settings, self.state.graphs)
        else:
            request = prepare(call, accept_text, settings, self.state.graphs)
        key = cache_key(request)
        answer = self.cache.get(key)
        if answer is None:
            generation = self.cache.generation
            ticket = self.clients.admit(client_of(scope))
            try:
                answer = await self.state.store.query(request)
            finally:
                self.clients.release(ticket)
            self.cache.put(key, answer, generation)
        extra = [(b"vary", b"Accept"), (b"x-result-count", str(answer.count).encode()),
                 (b"x-result-capped", b"true" if answer.capped else b"false")]
        if answer.capped:
            extra.append((b"x-result-limit", str(request.max_results).encode()))
        return 200, answer.body, answer.content_type, extra


class LexgraphASGI:
    """The service as uvicorn sees it: query requests to :class:`QueryEndpoint`, the rest to FastAPI."""

    def __init__(self, api: Any, endpoint: QueryEndpoint) -> None:
        self.api = api
        self.endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if is_query_request(scope):
            await self.endpoint(scope, receive, send)
        else:
            await self.api(scope, receive, send)
