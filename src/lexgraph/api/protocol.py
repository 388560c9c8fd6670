"""Read a SPARQL 1.1 Protocol query request: which query, which graphs, what limits.

Pure functions over the method, URL parameters, content type and body, so every error case
of the protocol is tested without a server: more than one query, an update on the query
endpoint, a missing or wrong media type, a body that is not UTF-8.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from ..errors import UnsupportedMediaType, UsageError
from ..sparql import SparqlCall
from ..sparql_guard import UpdateNotAllowed

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"


def _media_type(content_type: str | None) -> tuple[str, dict[str, str]]:
    if not content_type:
        return "", {}
    main, *params = content_type.split(";")
    parsed = {}
    for param in params:
        key, _, value = param.partition("=")
        parsed[key.strip().lower()] = value.strip().strip('"').lower()
    return main.strip().lower(), parsed


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"the request body is not valid UTF-8 (byte {exc.start})") from None


def _single(params: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise UsageError(f"more than one '{name}' parameter; send exactly one")
    return values[0] if values else None


def _call(params: list[tuple[str, str]], query: str | None) -> SparqlCall:
    if any(k == "update" for k, _ in params):
        raise UpdateNotAllowed("'update' was sent to the query endpoint, which answers queries only")
    return SparqlCall(
        query=query,
        default_graphs=tuple(v for k, v in params if k == "default-graph-uri"),
        named_graphs=tuple(v for k, v in params if k == "named-graph-uri"),
        timeout=_single(params, "timeout"),
        formats=tuple(v for k, v in params if k == "format"),
    )


def read_get(url_params: list[tuple[str, str]]) -> SparqlCall:
    """A GET request: everything is in the URL."""
    return _call(url_params, _single(url_params, "query"))


def read_post(url_params: list[tuple[str, str]], content_type: str | None, body: bytes) -> SparqlCall:
    """A POST request: form-encoded parameters, or the query itself as the body."""
    media, params = _media_type(content_type)
    charset = params.get("charset", "utf-8")
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"charset={charset} is not supported; send UTF-8")
    if media == FORM:
        text = _decode(body)
        try:
            form = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), encoding="utf-8", errors="strict")
        except UnicodeDecodeError as exc:
            raise UsageError(f"a form parameter is not valid UTF-8 once percent-decoded (byte {exc.start})") from None
        except ValueError as exc:
            raise UsageError(f"the form body cannot be read: {exc}") from None
        if _single(url_params, "query") is not None:
            raise UsageError("more than one 'query' parameter: one in the URL and one in the form body")
        params_all = url_params + form
        return _call(params_all, _single(form, "query"))
    if media == SPARQL_QUERY:
        if _single(url_params, "query") is not None:
            raise UsageError("more than one query: a 'query' URL parameter and a query in the body")
        return _call(url_params, _decode(body))
    if media == SPARQL_UPDATE:
        raise UpdateNotAllowed("a SPARQL update was sent to the query endpoint, which answers queries only")
    if not media:
        raise UnsupportedMediaType(
            f"a POST needs a Content-Type: {FORM} or {SPARQL_QUERY}"
        )
    raise UnsupportedMediaType(f"Content-Type {media} is not accepted; use {FORM} or {SPARQL_QUERY}")
