"""Map lexgraph's exceptions to HTTP in one table, with one JSON error shape.

Every error body is ``{"error": <stable code>, "message": <for people>}`` plus fields that
help (``line``/``column`` of a query error, ``limit_s`` of a timeout); never a stack trace,
a path or an internal address.
"""

from __future__ import annotations

import logging
import math

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import (
    BadGateway,
    BodyTimeout,
    InvalidParameter,
    LexgraphError,
    NotFound,
    PayloadTooLarge,
    QuerySyntaxError,
    QueryTimeout,
    RateLimited,
    ServerBusy,
    StoreUnavailable,
    UnsupportedMediaType,
    UserError,
)
from ..media import NotAcceptable
from ..sparql_guard import QueryRefused

log = logging.getLogger("lexgraph.api")

STATUS: tuple[tuple[type[LexgraphError], int], ...] = (
    (RateLimited, 429),
    (BadGateway, 502),
    (BodyTimeout, 408),
    (QueryTimeout, 503),
    (ServerBusy, 503),
    (StoreUnavailable, 503),
    (NotAcceptable, 406),
    (UnsupportedMediaType, 415),
    (PayloadTooLarge, 413),
    (NotFound, 404),
    (InvalidParameter, 422),
    (UserError, 400),
    (LexgraphError, 500),
)
"""First match wins, so subclasses come before their parents."""

VARY_ACCEPT = {"Vary": "Accept"}


def status_of(exc: LexgraphError) -> int:
    for cls, status in STATUS:
        if isinstance(exc, cls):
            return status
    return 500


def error_body(exc: LexgraphError) -> dict[str, object]:
    body: dict[str, object] = {"error": exc.code, "message": str(exc)}
    if isinstance(exc, (QuerySyntaxError, QueryRefused)) and exc.line is not None:
        body["line"], body["column"] = exc.line, exc.column
    if isinstance(exc, (QueryTimeout, ServerBusy)):
        body["limit_s"] = exc.limit_s
    if isinstance(exc, RateLimited):
        body["retry_after_s"] = round(exc.retry_after_s, 1)
    return body


def error_headers(exc: LexgraphError, status: int) -> dict[str, str]:
    """When to come back (429, 503) and whether the connection is done with (408)."""
    headers = dict(VARY_ACCEPT)
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after_s)))
    elif status == 503:
        headers["Retry-After"] = "1"
    if isinstance(exc, BodyTimeout):
        headers["Connection"] = "close"
    return headers


def log_error(exc: LexgraphError, status: int) -> None:
    """Errors of the service itself are logged; a client's own mistakes and limits are not."""
    if status >= 500 and not isinstance(exc, (QueryTimeout, ServerBusy)):
        log.error("%s: %s", type(exc).__name__, exc)


def error_response(exc: LexgraphError, extra: dict[str, object] | None = None) -> JSONResponse:
    """The JSON answer for ``exc``, with ``extra`` fields a route adds to the error shape."""
    status = status_of(exc)
    log_error(exc, status)
    return JSONResponse({**error_body(exc), **(extra or {})}, status_code=status, headers=error_headers(exc, status))


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers; called once by the app factory."""

    @app.exception_handler(LexgraphError)
    async def _lexgraph(_request: Request, exc: LexgraphError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed"}
        return JSONResponse(
            {"error": codes.get(exc.status_code, "http_error"), "message": str(exc.detail)},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return JSONResponse({"error": "invalid_parameters", "message": problems}, status_code=422)

    @app.exception_handler(Exception)
    async def _bug(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return JSONResponse({"error": "internal_error", "message": "internal server error"}, status_code=500)
