"""The query editor page: YASGUI, served from our own static files, beside a searchable list of
the named queries (static/editor.js loads the one chosen into the editor and runs it)."""

from __future__ import annotations

import json
from pathlib import Path

from ..catalog import NamedQuery
from ..prefixes import ID_IRI, ONTOLOGY_IRI, PREFIX_IRIS
from ..search import VOCAB_IRI
from .layout import esc, page

YASGUI_DIR = Path(__file__).parent / "static" / "yasgui"
"""Where scripts/build-frontend.sh puts the YASGUI bundle (generated, not in git)."""

# Scripts, styles, fonts and images come from this server only. Queries (connect-src) may go
# to another endpoint if the user types one into YASGUI's endpoint field; the page itself
# asks no other server for anything. Sent as a header (with frame-ancestors, which a <meta>
# policy cannot carry).
EDITOR_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
              "font-src 'self' data:; connect-src *; object-src 'none'; base-uri 'none'; form-action 'self'; "
              "frame-ancestors 'none'")

DESCRIPTION = ("Run SPARQL queries on lexgraph's graph of treaties, laws and institutions in the browser: "
               "a searchable list of researchers' questions, each a ready-made query, and your own.")

PAGE_NAMESPACES = {"id": ID_IRI, "def": PREFIX_IRIS["lg"], "vocab": PREFIX_IRIS["lgv"],
                   "ontology": ONTOLOGY_IRI, "vocabularies": VOCAB_IRI}
"""The IRIs whose pages this server serves (/id/…, /def/…, /vocab/…, as
:func:`lexgraph.search.page_path` names them): result links to them open those pages."""

KEYS = (
    ("Ctrl+Enter (⌘+Enter on a Mac)", "runs the query"),
    ("Tab, Shift+Tab", "leave the query box: Tab goes on to the share and run buttons"),
    ("Esc", "leaves the query box"),
    ("Ctrl+] and Ctrl+[", "indent and unindent the line"),
    ("Ctrl+Space", "completes a prefix or a variable"),
    ("Ctrl+/", "comments the line out or in"),
)
"""The keyboard shortcuts of the query box, as the page states them (editor.js sets Tab)."""


def _json_for_script(value: object) -> str:
    """JSON that is safe inside a <script> element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _query_list(queries: list[NamedQuery]) -> str:
    items = "".join(
        f'<li><button type="button" data-query="{i}"><span class="query-title">{esc(q.title)}</span>'
        f'<span class="query-question">{esc(q.question)}</span></button></li>'
        for i, q in enumerate(queries))
    return f"""<nav class="query-list" aria-labelledby="query-list-heading">
  <h2 id="query-list-heading">Questions</h2>
  <p class="hint">Choose one to load its query into the editor and run it.</p>
  <label for="query-filter">Filter the questions</label>
  <input id="query-filter" type="search" autocomplete="off" aria-describedby="query-count">
  <p id="query-count" role="status">{len(queries)} questions</p>
  <ul id="query-items">{items}</ul>
</nav>"""


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
        "pages": PAGE_NAMESPACES,
        "queries": [{"name": q.name, "title": q.title, "question": q.question, "query": q.text} for q in queries],
    }
    keys = "".join(f"<li><kbd>{esc(key)}</kbd> {esc(what)}</li>" for key, what in KEYS)
    body = f"""<div class="editor-intro">
<h1>SPARQL query editor</h1>
<p>Read-only SPARQL 1.1 endpoint at <code>{esc(endpoint_url)}</code>. Choose a question to run its query,
   or write your own. Links in the results open this server's pages. The share button gives a link that
   opens the query again. Queries are limited in time and size; see the service description
   (<code>Accept: text/turtle</code>) and the <a href="/docs">API docs</a>.</p>
<details class="editor-keys" id="editor-keys">
  <summary>Keys: <kbd>Ctrl+Enter</kbd> runs the query, <kbd>Tab</kbd> moves on from the query box to
    the run button. All shortcuts</summary>
  <ul>{keys}</ul>
</details>
</div>
{missing}
<noscript><p>The editor needs JavaScript. You can still query the endpoint with any SPARQL client,
or with <code>GET {esc(endpoint_url)}?query=…</code>.</p></noscript>
<div class="editor-layout">
{_query_list(queries)}
<section class="editor-main" aria-label="Query editor and results">
  <button type="button" id="new-tab">New tab</button>
  <div id="yasgui"></div>
</section>
</div>
<script type="application/json" id="lexgraph-config">{_json_for_script(config)}</script>"""
    return page("SPARQL query editor", DESCRIPTION, body, current="sparql",
                stylesheets=("yasgui/yasgui.min.css", "editor.css"), scripts=("yasgui/yasgui.min.js", "editor.js"))
