"""Whole-graph downloads, the named queries, and a health check."""

from __future__ import annotations

import base64

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, JSONResponse

from ..errors import LexgraphError
from ..exports import EXPORT_FORMATS
from .errors import error_response
from .state import ServiceState, get_state

router = APIRouter()


@router.get("/data", summary="Downloads of the whole graph, with size and SHA-256")
async def downloads(request: Request, state: ServiceState = Depends(get_state)) -> JSONResponse:
    try:
        exports = await state.exports.all()
    except LexgraphError as exc:
        return error_response(exc)
    return JSONResponse([
        {"format": e.format.name, "media_type": e.format.media_type,
         "url": str(request.url_for("download", filename=e.filename)), "bytes": e.size, "sha256": e.sha256}
        for e in exports
    ])


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


@router.get("/health", summary="Whether the service can answer: 200 when its store answers, else 503 with the reason")
async def health(state: ServiceState = Depends(get_state)) -> JSONResponse:
    try:
        await state.store.ping()
    except LexgraphError as exc:
        return error_response(exc, {"status": "unavailable", "store": state.store.kind})
    return JSONResponse({"status": "ok", "store": state.store.kind, "graphs": len(state.graphs)})
