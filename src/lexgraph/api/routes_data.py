"""Whole-graph downloads (a page for browsers, JSON for programs), the named queries, a
health check, and robots.txt."""

from __future__ import annotations

import base64

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response

from ..errors import LexgraphError
from ..exports import EXPORT_FORMATS
from ..media import prefers_html
from .errors import error_response
from .html_pages import html_response
from .layout import esc
from .state import ServiceState, get_state

router = APIRouter()


@router.get(
    "/data",
    summary="Downloads of the whole graph, with size and SHA-256",
    description="Each download's format, media type, URL, size in bytes and SHA-256, as JSON. A browser "
                "(`Accept` preferring `text/html`) gets the same list as a page, a link per file.",
    responses={200: {"content": {"application/json": {}, "text/html": {"schema": {"type": "string"}}}}},
)
async def downloads(request: Request, state: ServiceState = Depends(get_state)) -> Response:
    try:
        exports = await state.exports.all()
    except LexgraphError as exc:
        return error_response(exc)
    listed = [{"format": e.format.name, "media_type": e.format.media_type,
               "url": str(request.url_for("download", filename=e.filename)), "bytes": e.size, "sha256": e.sha256}
              for e in exports]
    if prefers_html(request.headers.get("accept")):
        return _downloads_page(listed)
    return JSONResponse(listed)


def _downloads_page(listed: list[dict[str, object]]) -> Response:
    """The same list for a person: a link per format, its size and its SHA-256 to check it by."""
    rows = "".join(f'<tr><th scope="row"><a href="{esc(d["url"])}" download>{esc(str(d["url"]).rsplit("/", 1)[-1])}</a></th>'
                   f'<td>{esc(d["format"])} (<code>{esc(d["media_type"])}</code>)</td>'
                   f'<td class="count">{int(d["bytes"]):,}</td><td><code>{esc(d["sha256"])}</code></td></tr>'  # type: ignore[call-overload]
                   for d in listed)
    body = ("<h1>Downloads</h1><p>The whole graph (ontology, data and the entailed view) in three formats, "
            "made from the store this server answers from. Check a file with <code>sha256sum</code>; programs get "
            "this list as JSON (<code>Accept: application/json</code>).</p>"
            '<table class="terms"><thead><tr><th scope="col">file</th><th scope="col">format</th>'
            f'<th scope="col">bytes</th><th scope="col">SHA-256</th></tr></thead><tbody>{rows}</tbody></table>')
    return html_response("Downloads", "The whole lexgraph graph as Turtle, N-Quads and JSON-LD files, with sizes and "
                         "SHA-256 digests.", body, current="data")


ROBOTS = "User-agent: *\nDisallow: /sparql?\nDisallow: /graph/\nDisallow: /data/\n"
"""Crawlers are welcome on the pages; not on query answers, the graph API or the downloads."""


@router.get("/robots.txt", include_in_schema=False)
async def robots() -> PlainTextResponse:
    return PlainTextResponse(ROBOTS)


@router.get("/data/{filename}", name="download", summary="One download (lexgraph.ttl, lexgraph.nq, lexgraph.jsonld)")
async def download(filename: str, state: ServiceState = Depends(get_state)) -> object:
    fmt = next((f for f in EXPORT_FORMATS if filename == f"lexgraph.{f.extension}"), None)
    if fmt is None:
        names = ", ".join(f"lexgraph.{f.extension}" for f in EXPORT_FORMATS)
        return JSONResponse({"error": "not_found", "message": f"no download {filename!r}; try {names}"}, status_code=404)
    try:
        export = await state.exports.get(fmt)
    except LexgraphError as exc:
        return error_response(exc)
    digest = base64.b64encode(bytes.fromhex(export.sha256)).decode()
    return FileResponse(
        export.path, media_type=fmt.content_type, filename=export.filename,
        headers={"ETag": f'"{export.sha256}"', "Repr-Digest": f"sha-256=:{digest}:", "Digest": f"SHA-256={digest}"},
    )


@router.get("/queries", summary="The named queries, as the editor shows them")
async def queries(state: ServiceState = Depends(get_state)) -> JSONResponse:
    return JSONResponse([
        {"name": q.name, "title": q.title, "question": q.question, "parameters": list(q.parameters), "query": q.text}
        for q in state.named_queries
    ])


@router.get("/health", summary="Whether the service can answer: 200 when its store answers, else 503 with the reason",
            description="`derived` gives, for each value the service derives from the store at start (`labels`, "
                        "`catalog`, `timelines`, `view`, `overview`), the seconds its build took, or null while it "
                        "is still being built (a request that needs it then waits for it).")
async def health(state: ServiceState = Depends(get_state)) -> JSONResponse:
    try:
        await state.store.ping()
    except LexgraphError as exc:
        return error_response(exc, {"status": "unavailable", "store": state.store.kind})
    return JSONResponse({"status": "ok", "store": state.store.kind, "graphs": len(state.graphs),
                         "derived": state.derived_seconds()})
