"""The timeline page: ``GET /timeline`` for a browser (``Accept`` preferring ``text/html``).

Programs get JSON, CSV or Turtle from the same URL (:mod:`lexgraph.api.routes_timeline`);
a browser gets this server-rendered HTML page instead: the party's events drawn on a time
axis by vis-timeline (bundled from npm by ``scripts/build-frontend.sh`` into
``static/vis-timeline/`` and served by us; no CDN), and the same events as an HTML table, so
everything but the drawing works without JavaScript.

- Events are coloured by class (treaty action, legal act event, policy event…), one row per
  class; contested events (part of an ``lg:Disagreement``) get a dashed red border and a
  "contested" label, on the axis and in the table.
- A day is drawn as a box starting at that day; a month or year is drawn as a bar over its whole
  month or year (never as its first day), as :func:`lexgraph.timeline.parse_date` reads it,
  with its label running on after the bar.
- No label is cut: labels wrap, and rows stack by the label's width as well as the bar's, so
  events that share a year stand one above the other (``timeline.css`` lets a bar's label
  overflow it, which vis-timeline counts when it stacks).
- The drawing has a fixed height set by the style sheet before any script runs (rows beyond
  it scroll inside it), so drawing shifts nothing on the page. Screens narrower than
  :data:`WIDE_MEDIA` get no drawing (its bundle is not even loaded): the table turns into a
  vertical list of the events.
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
from typing import Any

from fastapi.responses import HTMLResponse

from ..errors import UserError
from ..prefixes import ID_IRI
from ..store.base import GraphStore
from ..timeline import Event, Ref, Timeline, TimelineIndex, parse_date, timeline
from . import layout
from .errors import VARY_ACCEPT, status_of
from .static_assets import STATIC_DIR, static_url

VIS_DIR = STATIC_DIR / "vis-timeline"
"""Where scripts/build-frontend.sh puts the vis-timeline bundle (generated, not in git)."""
VIS_JS, VIS_CSS = "vis-timeline/vis-timeline-graph2d.min.js", "vis-timeline/vis-timeline-graph2d.min.css"
WIDE_MEDIA = "(min-width: 40rem)"
"""Screens this wide get the drawing; narrower ones the events as a vertical list (timeline.js
and timeline.css use the same width)."""

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
            f'<td class="class"><span class="swatch kind-{key}"></span>{_e(event.cls.label)}</td>'
            f'<td class="event">{name}</td><td class="about">{_link(event.about)}</td>'
            f'<td class="evidence"><ul class="evidence">{evidence}</ul></td><td class="contested">{contested}</td></tr>')


def _form(party: str | None, treaty: str | None, date_from: str | None, date_to: str | None) -> str:
    def field(name: str, label: str, value: str | None, hint: str) -> str:
        return (f'<label>{label} <input name="{name}" value="{_e(value or "")}" placeholder="{_e(hint)}"'
                f'{" required" if name == "party" else ""}></label>')
    return ('<form method="get" action="/timeline" class="filters">'
            + field("party", "Party", party, "Kazakhstan") + field("treaty", "Treaty", treaty, "WCT (optional)")
            + field("from", "From", date_from, "YYYY[-MM[-DD]]") + field("to", "To", date_to, "YYYY[-MM[-DD]]")
            + '<button type="submit">Show</button></form>')


def _page(title: str, description: str, body: str, script: bool) -> str:
    """The page in the site's layout. The drawing's bundle is loaded by ``timeline.js`` only on a
    screen wide enough for a time axis (its style sheet, by media query, likewise); a narrow
    screen gets the events as a vertical list instead (``timeline.css``)."""
    head = (f'<link rel="stylesheet" href="{_e(static_url(VIS_CSS))}" media="{WIDE_MEDIA}">\n'
            f'<link rel="stylesheet" href="{_e(static_url("timeline.css"))}">\n') if script else (
            f'<link rel="stylesheet" href="{_e(static_url("timeline.css"))}">\n')
    return layout.page(title, description, body, current="timeline", scripts=("timeline.js",) if script else (),
                       head_extra=head)


def _description(result: Timeline) -> str:
    kinds = sorted({e.cls.label for e in result.events})
    scope = f" about {result.treaty.label}" if result.treaty else ""
    return (f"{result.party.label}: {len(result.events)} dated events{scope} ({', '.join(kinds) or 'none'}) "
            "on a time axis and in a table, each with its source documents and their verbatim words.")


def timeline_html(result: Timeline, treaty: str | None, date_from: str | None, date_to: str | None) -> str:
    """The page for one timeline."""
    items, groups = _items(result)
    contested = sum(1 for e in result.events if e.disagreements)
    scope = f" about {_link(result.treaty)}" if result.treaty else ""
    built = (VIS_DIR / "vis-timeline-graph2d.min.js").is_file()
    missing = "" if built else (
        '<p class="missing">The timeline drawing\'s vis-timeline bundle has not been built on this server: '
        "run <code>bash scripts/build-frontend.sh</code>. The table below lists every event.</p>")
    legend = "".join(f'<li><span class="swatch kind-{_e(g["id"])}"></span>{_e(g["content"])}</li>' for g in groups)
    undated = ""
    if result.undated_left_out:
        links = "".join(f"<li>{_link(r)}</li>" for r in result.undated_left_out)
        undated = (f"<details><summary>{len(result.undated_left_out)} undated claims left out (no place on a time "
                   f"axis)</summary><ul>{links}</ul></details>")
    rows = "".join(_row(e) for e in result.events)
    config = {"items": items, "groups": groups, "script": static_url(VIS_JS) if built else None}
    body = f"""<h1>Timeline: {_link(result.party)}</h1>
<p class="intro">{len(result.events)} dated events{scope}, as the sources state them ({contested} contested: part of a
   disagreement between sources).<span class="axis-only"> A day is drawn at that day; a month or year the source
   gives no finer is drawn as a bar over the whole month or year, its label after it.</span> Click an event to open
   it.</p>
{_form(result.party.label, treaty, date_from, date_to)}
{missing}
<ul class="legend">{legend}<li><span class="swatch contested-swatch"></span>contested</li></ul>
<section class="drawing" aria-labelledby="drawing-title">
<h2 id="drawing-title" class="visually-hidden">The events on a time axis</h2>
<div class="tools" role="group" aria-label="Zoom the time axis">
  <button type="button" data-zoom="in">Zoom in</button> <button type="button" data-zoom="out">Zoom out</button>
  <button type="button" data-zoom="all">Whole span</button>
  <span class="hint">Drag to move, Ctrl + wheel to zoom, wheel to scroll the rows.</span>
</div>
<div id="timeline" style="--events: {len(result.events)}"></div>
</section>
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
    return _page(f"Timeline: {result.party.label}", _description(result), body, script=True)


_FORM_DESCRIPTION = ("A party's dated events (treaty actions, legal-act events, policy events) on a time axis, "
                     "each with its sources and their verbatim words.")


def _problem_html(message: str, party: str | None, treaty: str | None, date_from: str | None,
                  date_to: str | None) -> str:
    body = f"""<h1>Timeline</h1>
<p class="intro">{_FORM_DESCRIPTION}</p>
{_form(party, treaty, date_from, date_to)}
<p class="problem">{_e(message)}</p>"""
    return _page("Timeline", _FORM_DESCRIPTION, body, script=False)


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
