"""The hot path: SPARQL query requests at ``/sparql``, as a plain ASGI app.

Query requests (GET with ``query``, every POST) are answered here, in front of FastAPI's
routing and middleware, because per-request overhead decides the speed of small lookups.
Everything else at ``/sparql`` (the editor page, the service description, CORS preflight)
falls through to the FastAPI app. Errors use the same table and JSON shape as the rest of
the service (:mod:`lexgraph.api.errors`).
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Awaitable, Callable, MutableMapping
from urllib.parse import parse_qsl

from ..cache import cache_key
from ..errors import LexgraphError, PayloadTooLarge, UsageError
from ..sparql import prepare
from .errors import error_body, status_of
from .protocol import read_get, read_post
from .state import ServiceState

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

log = logging.getLogger("lexgraph.api")
_HAS_QUERY = re.compile(rb"(?:^|&)query=")
_EXPOSE = b"X-Result-Count, X-Result-Capped, X-Result-Limit"


def is_query_request(scope: Scope) -> bool:
    """Whether this request is for the query hot path."""
    if scope["type"] != "http" or scope["path"] != "/sparql":
        return False
    method = scope["method"]
    return method == "POST" or (method == "GET" and bool(_HAS_QUERY.search(scope["query_string"])))


def _params(query_string: bytes) -> list[tuple[str, str]]:
    try:
        return parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise UsageError("the URL parameters are not valid UTF-8") from None


async def _body(receive: Receive, headers: dict[bytes, bytes], limit: int) -> bytes:
    declared = headers.get(b"content-length", b"")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the request body is {int(declared)} bytes; the limit is {limit}")
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope["headers"])
        response_headers = [(b"vary", b"Accept")]
        if b"origin" in headers:
            response_headers += [(b"access-control-allow-origin", b"*"), (b"access-control-expose-headers", _EXPOSE)]
        try:
            status, body, content_type, extra = await self._answer(scope, receive, headers)
        except LexgraphError as exc:
            status, body = status_of(exc), json.dumps(error_body(exc)).encode()
            content_type, extra = "application/json", [(b"retry-after", b"1")] if status == 503 else []
            if status >= 500 and exc.code not in ("query_timeout", "server_busy"):
                log.error("%s: %s", type(exc).__name__, exc)
        except Exception:
            log.exception("unhandled error on /sparql")
            status, body = 500, b'{"error":"internal_error","message":"internal server error"}'
            content_type, extra = "application/json", []
        response_headers += extra
        response_headers += [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": response_headers})
        await send({"type": "http.response.body", "body": body})

    async def _answer(
        self, scope: Scope, receive: Receive, headers: dict[bytes, bytes]
    ) -> tuple[int, bytes, str, list[tuple[bytes, bytes]]]:
        settings = self.state.settings
        if len(scope["query_string"]) > settings.max_body_bytes:
            raise PayloadTooLarge(f"the query string passes the limit of {settings.max_body_bytes} bytes")
        params = _params(scope["query_string"])
        if scope["method"] == "POST":
            body = await _body(receive, headers, settings.max_body_bytes)
            content_type = headers.get(b"content-type")
            call = read_post(params, content_type.decode("latin-1") if content_type else None, body)
        else:
            call = read_get(params)
        accept = headers.get(b"accept")
        request = prepare(call, accept.decode("latin-1") if accept else None, settings, self.state.graphs)
        key = cache_key(request)
        answer = self.cache.get(key)
        if answer is None:
            generation = self.cache.generation
            answer = await self.state.store.query(request)
            self.cache.put(key, answer, generation)
        extra = [(b"x-result-count", str(answer.count).encode()),
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
