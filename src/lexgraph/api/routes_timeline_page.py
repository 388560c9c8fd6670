"""The timeline page: ``GET /timeline`` for a browser (``Accept`` preferring ``text/html``).

Programs get JSON, CSV or Turtle from the same URL (:mod:`lexgraph.api.routes_timeline`);
a browser gets this server-rendered HTML page instead: the party's events drawn on a time
axis by vis-timeline (bundled from npm by ``scripts/build-frontend.sh`` into
``static/vis-timeline/`` and served by us; no CDN), and the same events as an HTML table, so
everything but the drawing works without JavaScript.

- Events are coloured by class (treaty action, legal act event, policy event…), one row per
  class; contested events (part of an ``lg:Disagreement``) get a dashed red border and a
  "contested" label, on the axis and in the table.
- A day is drawn as a box at that day; a month or year is drawn as a range over its whole
  month or year (never as its first day), as :func:`lexgraph.timeline.parse_date` reads it.
- Every event links to its entity page, ``/id/<the IRI after https://w3id.org/lexgraph/id/>``.
- Every value from the graph is HTML-escaped in the table; the drawing gets the events as
  JSON in a ``<script type="application/json">`` element and builds item content with
  ``textContent``, never as HTML.
"""

from __future__ import annotations

import html
import json
import urllib.parse
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse

from ..errors import UserError
from ..prefixes import ID_IRI
from ..store.base import GraphStore
from ..timeline import Event, Ref, Timeline, TimelineIndex, parse_date, timeline
from .errors import VARY_ACCEPT, status_of

STATIC_PREFIX = "/static"
VIS_DIR = Path(__file__).parent / "static" / "vis-timeline"
"""Where scripts/build-frontend.sh puts the vis-timeline bundle (generated, not in git)."""

# Everything the page loads comes from this server; it fetches nothing after loading.
_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'")
_HEADERS = {**VARY_ACCEPT, "Content-Security-Policy": _CSP}

_CLASS_KEYS = {"TreatyAction": "treaty-action", "LegalActEvent": "legal-act-event", "PolicyEvent": "policy-event",
               "InstitutionEvent": "institution-event", "TreatyEvent": "treaty-event", "TreatyStatus": "treaty-status"}
_CLASS_ORDER = list(_CLASS_KEYS.values())


def entity_href(iri: str) -> str | None:
    """The entity page of a data IRI (``/id/treaty/wct``); None for IRIs outside the data namespace."""
    if not iri.startswith(ID_IRI):
        return None
    return "/id/" + urllib.parse.quote(iri[len(ID_IRI):], safe="/-._~!$&'()*+,;=:@")


def _class_key(cls: Ref) -> str:
    local = cls.iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return _CLASS_KEYS.get(local, "other")


def _span(event: Event) -> tuple[str, str | None]:
    """Start and (exclusive) end on the axis: a day is a point, a month or year its whole period."""
    period = parse_date(event.date)
    if event.precision == "day":
        return period.earliest.isoformat(), None
    return period.earliest.isoformat(), (period.latest + timedelta(days=1)).isoformat()


def _items(result: Timeline) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The events and class rows for vis-timeline, as plain JSON data."""
    items, classes = [], {}
    for number, event in enumerate(result.events):
        key = _class_key(event.cls)
        classes.setdefault(key, event.cls.label)
        start, end = _span(event)
        items.append({
            "id": number, "group": key, "start": start, "end": end, "date": event.date, "precision": event.precision,
            "label": event.label, "href": entity_href(event.iri), "iri": event.iri,
            "contested": bool(event.disagreements),
            "sources": list(dict.fromkeys(e.source.label for e in event.evidence)),
        })
    order = {k: i for i, k in enumerate(_CLASS_ORDER)}
    groups = [{"id": k, "content": label} for k, label in sorted(classes.items(), key=lambda kv: (order.get(kv[0], 99), kv[1]))]
    return items, groups


def _json_for_script(value: object) -> str:
    """JSON that is safe inside a <script> element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _link(ref: Ref | None) -> str:
    if ref is None:
        return ""
    href = entity_href(ref.iri)
    return f'<a href="{_e(href)}">{_e(ref.label)}</a>' if href else _e(ref.label)


def _row(event: Event) -> str:
    key = _class_key(event.cls)
    href = entity_href(event.iri)
    name = f'<a href="{_e(href)}">{_e(event.label)}</a>' if href else _e(event.label)
    contested = ""
    if event.disagreements:
        notes = "".join(f"<li>{_e(d.kind.label if d.kind else 'disagreement')}"
                        f"{': ' + _e(d.note) if d.note else ''}</li>" for d in event.disagreements)
        contested = f'<span class="contested-label">contested</span><ul class="notes">{notes}</ul>'
    evidence = "".join(
        f"<li>{_link(ev.source)}{' (' + _e(ev.locator) + ')' if ev.locator else ''}: <q>{_e(ev.quote)}</q></li>"
        for ev in event.evidence)
    return (f'<tr class="kind-{key}{" contested" if event.disagreements else ""}">'
            f'<td class="date"><time>{_e(event.date)}</time> <small>({_e(event.precision)})</small></td>'
            f'<td><span class="swatch kind-{key}"></span>{_e(event.cls.label)}</td>'
            f"<td>{name}</td><td>{_link(event.about)}</td>"
            f'<td><ul class="evidence">{evidence}</ul></td><td>{contested}</td></tr>')


def _form(party: str | None, treaty: str | None, date_from: str | None, date_to: str | None) -> str:
    def field(name: str, label: str, value: str | None, hint: str) -> str:
        return (f'<label>{label} <input name="{name}" value="{_e(value or "")}" placeholder="{_e(hint)}"'
                f'{" required" if name == "party" else ""}></label>')
    return ('<form method="get" action="/timeline" class="filters">'
            + field("party", "Party", party, "Kazakhstan") + field("treaty", "Treaty", treaty, "WCT (optional)")
            + field("from", "From", date_from, "YYYY[-MM[-DD]]") + field("to", "To", date_to, "YYYY[-MM[-DD]]")
            + '<button type="submit">Show</button></form>')


def _page(title: str, body: str, script: bool) -> str:
    vis = ""
    if script:
        vis = (f'<link rel="stylesheet" href="{STATIC_PREFIX}/vis-timeline/vis-timeline-graph2d.min.css">\n')
    scripts = (f'<script src="{STATIC_PREFIX}/vis-timeline/vis-timeline-graph2d.min.js"></script>\n'
               f'<script src="{STATIC_PREFIX}/timeline.js"></script>\n') if script else ""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{_e(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
{vis}<link rel="stylesheet" href="{STATIC_PREFIX}/timeline.css">
</head>
<body>
{body}
{scripts}</body>
</html>
"""


def timeline_html(result: Timeline, treaty: str | None, date_from: str | None, date_to: str | None) -> str:
    """The page for one timeline."""
    items, groups = _items(result)
    contested = sum(1 for e in result.events if e.disagreements)
    scope = f" about {_link(result.treaty)}" if result.treaty else ""
    missing = "" if (VIS_DIR / "vis-timeline-graph2d.min.js").is_file() else (
        '<p class="missing">The timeline drawing\'s vis-timeline bundle has not been built on this server: '
        "run <code>bash scripts/build-frontend.sh</code>. The table below lists every event.</p>")
    legend = "".join(f'<li><span class="swatch kind-{_e(g["id"])}"></span>{_e(g["content"])}</li>' for g in groups)
    undated = ""
    if result.undated_left_out:
        links = "".join(f"<li>{_link(r)}</li>" for r in result.undated_left_out)
        undated = (f"<details><summary>{len(result.undated_left_out)} undated claims left out (no place on a time "
                   f"axis)</summary><ul>{links}</ul></details>")
    rows = "".join(_row(e) for e in result.events)
    config = {"items": items, "groups": groups}
    body = f"""<header>
  <h1>Timeline: {_link(result.party)}</h1>
  <p>{len(result.events)} dated events{scope}, as the sources state them ({contested} contested: part of a
     disagreement between sources). A day is drawn at that day; a month or year the source gives no finer
     is drawn over the whole month or year. Click an event to open it. Drag to move, Ctrl + wheel to zoom.</p>
  {_form(result.party.label, treaty, date_from, date_to)}
</header>
{missing}
<ul class="legend">{legend}<li><span class="swatch contested-swatch"></span>contested</li></ul>
<div id="timeline" aria-label="The events on a time axis"></div>
<noscript><p>The drawing needs JavaScript; the table below lists the same events.</p></noscript>
<script type="application/json" id="timeline-data">{_json_for_script(config)}</script>
<h2>Events</h2>
<table class="events">
<thead><tr><th>Date</th><th>Class</th><th>Event</th><th>About</th><th>Sources and quotes</th><th>Contested</th></tr></thead>
<tbody>{rows}</tbody>
</table>
{undated}
<p class="api">The same timeline for programs: <code>GET /timeline?party=…</code> with <code>Accept:
application/json</code>, <code>text/csv</code> or <code>text/turtle</code> (see <a href="/docs">/docs</a>).</p>"""
    return _page(f"Timeline: {result.party.label}", body, script=True)


def _problem_html(message: str, party: str | None, treaty: str | None, date_from: str | None,
                  date_to: str | None) -> str:
    body = f"""<header>
  <h1>Timeline</h1>
  <p>A party's dated events (treaty actions, legal-act events, policy events) on a time axis.</p>
  {_form(party, treaty, date_from, date_to)}
</header>
<p class="problem">{_e(message)}</p>"""
    return _page("Timeline", body, script=False)


async def timeline_page(store: GraphStore, party: str | None, treaty: str | None, date_from: str | None,
                        date_to: str | None, index: TimelineIndex | None = None) -> HTMLResponse:
    """The page for browsers: the timeline, or the form with what was wrong (404 unknown party or
    treaty, 422 bad parameter); without a party, just the form."""
    if not party:
        return HTMLResponse(_problem_html("Name a party (a state or organisation), for example Kazakhstan.",
                                          party, treaty, date_from, date_to), headers=_HEADERS)
    try:
        result = await timeline(store, party, treaty or None, date_from, date_to, index)
    except UserError as exc:
        return HTMLResponse(_problem_html(str(exc), party, treaty, date_from, date_to), status_code=status_of(exc),
                            headers=_HEADERS)
    return HTMLResponse(timeline_html(result, treaty, date_from, date_to), headers=_HEADERS)
