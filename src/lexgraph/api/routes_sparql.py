"""``/sparql``: the SPARQL 1.1 Protocol for queries, the service description, the editor page;
``/``: the home page for browsers (:mod:`.home_page`), the service description for programs."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..errors import LexgraphError
from ..media import negotiate, prefers_html
from ..results import write_graph
from .errors import VARY_ACCEPT, error_response
from .home_page import home_page
from .pages import EDITOR_CSP, editor_page
from .state import ServiceState, get_state

router = APIRouter()

_DOC = """SPARQL 1.1 Protocol query endpoint (read-only).

* **GET** with `query` (and optional `default-graph-uri`, `named-graph-uri`, `timeout` in
  seconds, `format` = json | xml | csv | tsv | turtle | ntriples | jsonld | rdfxml | trig | nquads).
* **POST** `application/x-www-form-urlencoded` with the same parameters, or
  `application/sparql-query` with the query as the body.
* Without a query: the editor page for browsers, else the SPARQL Service Description (with VoID).

Answers: SELECT/ASK as SPARQL JSON (default), XML, CSV, TSV; CONSTRUCT/DESCRIBE as Turtle
(default), N-Triples, JSON-LD, RDF/XML, TriG, N-Quads. A capped answer carries
`X-Result-Capped: true`. Errors are JSON: 400 (bad, refused or too complex query, with line and
column; `unknown_graph` for a dataset IRI the store lacks, never fetched; `update_not_allowed`),
406, 408 (request not received in time), 413 (body or query too large), 415, 429 (this client's
concurrent queries or query time per minute used up, with `Retry-After`), 502 (a remote store's
answer broke off), 503 (time limit with `limit_s`, `executor_failed`, `store_unavailable`).
"""


def endpoint_url(request: Request, state: ServiceState) -> str:
    """This endpoint's address: the configured public URL, else the one this request used
    (never one remembered from another request, whose Host header may be anyone's)."""
    if state.settings.public_url:
        return state.settings.public_url + "/sparql"
    return str(request.url_for("sparql"))


async def _no_query(request: Request, state: ServiceState) -> Response:
    accept = request.headers.get("accept")
    if prefers_html(accept):
        return HTMLResponse(editor_page(state.named_queries, endpoint_url(request, state)),
                            headers={**VARY_ACCEPT, "Content-Security-Policy": EDITOR_CSP})
    fmt = negotiate("graph", accept, request.query_params.get("format"))
    triples = await state.description(endpoint_url(request, state))
    return Response(write_graph(triples, fmt), media_type=fmt.content_type, headers=VARY_ACCEPT)


@router.api_route("/sparql", methods=["GET", "POST"], name="sparql", summary="SPARQL query endpoint", description=_DOC)
async def sparql(request: Request, state: ServiceState = Depends(get_state)) -> Response:
    """Reached only without a query: requests with one are answered by the query endpoint
    (:mod:`lexgraph.api.query_endpoint`) before FastAPI routing."""
    try:
        return await _no_query(request, state)
    except LexgraphError as exc:
        return error_response(exc)


@router.get("/", include_in_schema=False)
async def home(request: Request, state: ServiceState = Depends(get_state)) -> Response:
    """Browsers get the home page, or the editor for an old editor link (``/?query=…``, moved
    into the fragment the editor reads); programs get the service description, as at /sparql."""
    try:
        if prefers_html(request.headers.get("accept")):
            if "query" in request.query_params:
                return RedirectResponse("/sparql#" + request.url.query, status_code=303)
            return await home_page(state)
        return await _no_query(request, state)
    except LexgraphError as exc:
        return error_response(exc)
