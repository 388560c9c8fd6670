"""``/docs``: the OpenAPI manual, drawn by Swagger UI from our own copy of swagger-ui-dist (no
CDN) inside the site's layout. Swagger UI starts from static/docs.js, so the page needs no
inline script; static/docs.css and docs.js make it pass WCAG 2.1 A/AA (contrast, names)."""

from __future__ import annotations

import json

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from .layout import page

router = APIRouter()

SWAGGER_DIR = "swagger-ui"
DESCRIPTION = ("The lexgraph HTTP API: the SPARQL 1.1 query endpoint, downloads, timelines, entity and ontology "
               "pages, each operation with its parameters, answers and errors, and a form to try it.")
DOCS_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
"""Swagger UI sets style attributes (hence 'unsafe-inline' for styles only) and asks only this
server for the description and for "Try it out"."""


@router.get("/docs", include_in_schema=False)
async def docs() -> HTMLResponse:
    """The API manual for people; /openapi.json is the description for programs."""
    config = json.dumps({"url": "/openapi.json"})
    body = (f'<h1 class="visually-hidden">lexgraph API documentation</h1>\n'
            '<noscript><p>This manual needs JavaScript; the description itself is '
            '<a href="/openapi.json">/openapi.json</a>.</p></noscript>\n'
            '<div id="swagger-ui"></div>\n'
            f'<script type="application/json" id="docs-config">{config}</script>')
    html = page("API documentation", DESCRIPTION, body, current="docs",
                stylesheets=(f"{SWAGGER_DIR}/swagger-ui.css", "docs.css"),
                scripts=(f"{SWAGGER_DIR}/swagger-ui-bundle.js", "docs.js"))
    return HTMLResponse(html, headers={"Content-Security-Policy": DOCS_CSP})
