"""The query editor page: YASGUI, served from our own static files, with the named queries
as ready-made tabs."""

from __future__ import annotations

import html
import json

from ..catalog import NamedQuery
from ..namespaces import PREFIXES, ID

STATIC_PREFIX = "/static"


def _json_for_script(value: object) -> str:
    """JSON that is safe inside a <script> element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def editor_page(queries: list[NamedQuery], endpoint_url: str) -> str:
    """The editor's HTML; all script and style come from this server."""
    config = {
        "endpoint": endpoint_url,
        "prefixes": {name: str(ns) for name, ns in PREFIXES.items()} | {"id": str(ID)},
        "queries": [{"name": q.name, "title": q.title, "question": q.question, "query": q.text} for q in queries],
    }
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>lexgraph SPARQL query editor</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{STATIC_PREFIX}/yasgui/yasgui.min.css">
<link rel="stylesheet" href="{STATIC_PREFIX}/editor.css">
</head>
<body>
<header>
  <h1>lexgraph SPARQL endpoint</h1>
  <p>Read-only SPARQL 1.1 endpoint at <code>{html.escape(endpoint_url)}</code>.
     Each tab is a named question researchers ask; edit and run it, or open a new tab.
     Queries are limited in time and size; see the service description (<code>Accept: text/turtle</code>).</p>
</header>
<noscript><p>The editor needs JavaScript. You can still query the endpoint with any SPARQL client,
or with <code>GET {html.escape(endpoint_url)}?query=…</code>.</p></noscript>
<main id="yasgui"></main>
<script type="application/json" id="lexgraph-config">{_json_for_script(config)}</script>
<script src="{STATIC_PREFIX}/yasgui/yasgui.min.js"></script>
<script src="{STATIC_PREFIX}/editor.js"></script>
</body>
</html>
"""
