"""The query editor page: YASGUI, served from our own static files, with the named queries
as ready-made tabs."""

from __future__ import annotations

import html
import json
from pathlib import Path

from ..catalog import NamedQuery
from ..prefixes import ID_IRI, PREFIX_IRIS

STATIC_PREFIX = "/static"
YASGUI_DIR = Path(__file__).parent / "static" / "yasgui"
"""Where scripts/build-frontend.sh puts the YASGUI bundle (generated, not in git)."""

# Scripts, styles, fonts and images come from this server only. Queries (connect-src) may go
# to another endpoint if the user types one into YASGUI's endpoint field; the page itself
# asks no other server for anything. Sent as a header (with frame-ancestors, which a <meta>
# policy cannot carry).
EDITOR_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self' data:; connect-src *; object-src 'none'; base-uri 'none'; form-action 'self'; "
              "frame-ancestors 'none'")


def _json_for_script(value: object) -> str:
    """JSON that is safe inside a <script> element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def editor_page(queries: list[NamedQuery], endpoint_url: str) -> str:
    """The editor's HTML; all script and style come from this server."""
    if not (YASGUI_DIR / "yasgui.min.js").is_file():
        missing = ('<p class="missing">The editor\'s YASGUI bundle has not been built on this server: '
                   "run <code>bash scripts/build-frontend.sh</code>.</p>")
    else:
        missing = ""
    config = {
        "endpoint": endpoint_url,
        "prefixes": PREFIX_IRIS | {"id": ID_IRI},
        "queries": [{"name": q.name, "title": q.title, "question": q.question, "query": q.text} for q in queries],
    }
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>lexgraph SPARQL query editor</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{STATIC_PREFIX}/yasgui/yasgui.min.css">
<link rel="stylesheet" href="{STATIC_PREFIX}/editor.css">
</head>
<body>
<header>
  <h1>lexgraph SPARQL endpoint</h1>
  <p>Read-only SPARQL 1.1 endpoint at <code>{html.escape(endpoint_url)}</code>.
     Each tab is a named question researchers ask; edit and run it, or open a new tab.
     The share button gives a link that opens the query again.
     Queries are limited in time and size; see the service description (<code>Accept: text/turtle</code>).</p>
</header>
{missing}
<noscript><p>The editor needs JavaScript. You can still query the endpoint with any SPARQL client,
or with <code>GET {html.escape(endpoint_url)}?query=…</code>.</p></noscript>
<main id="yasgui"></main>
<script type="application/json" id="lexgraph-config">{_json_for_script(config)}</script>
<script src="{STATIC_PREFIX}/yasgui/yasgui.min.js"></script>
<script src="{STATIC_PREFIX}/editor.js"></script>
</body>
</html>
"""
