"""The home page at ``/`` for browsers: what the graph holds (live counts by kind), the
source documents with their reliability notes, the parties with their timelines and in-force
views, a search box, and the ways in (ontology, editor, downloads, API docs).

The values come from :mod:`lexgraph.overview`; labels from the label index the other pages use."""

from __future__ import annotations

from fastapi.responses import HTMLResponse

from ..entity import Ref, ref
from ..overview import Overview, PartyCount, SourceNote
from ..search import LabelIndex, page_path
from .layout import esc
from .page_links import in_force_href, timeline_href
from .html_pages import html_response, link
from .state import ServiceState

DESCRIPTION = ("A knowledge graph of treaties, laws and institutions in which every fact names its source document "
               "and quotes it: browse, search, see timelines and what was in force, or query it with SPARQL.")

WAYS_IN: tuple[tuple[str, str, str], ...] = (
    ("/sparql", "SPARQL editor", "ask your own questions, starting from ready-made ones"),
    ("/def", "Ontology", "every class and property, with definitions and usage counts"),
    ("/vocab", "Vocabularies", "the controlled values: event kinds, statuses, reliability concerns"),
    ("/data", "Downloads", "the whole graph as Turtle, N-Quads or JSON-LD, with sizes and SHA-256"),
    ("/docs", "API docs", "every endpoint of this service, to call from programs"),
)


def _kinds(view: Overview) -> str:
    rows = "".join(f'<tr><th scope="row">{link(Ref(k.cls, k.name, page_path(k.cls)))}</th>'
                   f'<td class="count">{k.count}</td></tr>' for k in view.kinds)
    return (f'<section id="holds"><h2>What the graph holds</h2><table class="counts"><thead><tr><th scope="col">kind</th>'
            f'<th scope="col">how many</th></tr></thead><tbody>{rows}</tbody></table>'
            '<p>Counted in the store now, each kind with its subclasses.</p></section>')


def _party(party: PartyCount, index: LabelIndex) -> str:
    me = ref(index, party.iri)
    named = f"named in {party.statements} statements" if party.statements else "no statement names it as a party"
    return (f'<li>{link(me)} <span class="via">({named})</span>: <a href="{esc(timeline_href(party.iri))}">timeline</a> · '
            f'<a href="{esc(in_force_href(party.iri))}">what was in force on a day</a></li>')


def _parties(view: Overview, index: LabelIndex) -> str:
    if not view.parties:
        return '<section id="parties"><h2>Parties</h2><p>The graph names no party.</p></section>'
    items = "".join(_party(p, index) for p in view.parties)
    return (f'<section id="parties"><h2>Parties</h2><p>States and organisations bound by treaties or with laws of '
            f'their own: their dated events, and what bound them on a given day.</p><ul class="parties">{items}</ul></section>')


def _source(source: SourceNote, index: LabelIndex) -> str:
    when = source.date or (f"not before {source.not_before}" if source.not_before else "undated")
    concerns = ", ".join(link(ref(index, c)) for c in source.concerns)
    concerns_html = f'<p class="concerns">Concerns: {concerns}.</p>' if concerns else ""
    notes = "".join(f"<p>{esc(n)}</p>" for n in source.notes)
    return (f'<li class="source-doc"><h3>{link(ref(index, source.iri))}</h3><p class="via">Date: {esc(when)}</p>'
            f"{concerns_html}{notes}</li>")


def _sources(view: Overview, index: LabelIndex) -> str:
    items = "".join(_source(s, index) for s in view.sources)
    return (f'<section id="sources"><h2>Source documents ({len(view.sources)})</h2>'
            f"<p>Every fact in the graph quotes one of these. Read what each is before you rely on it.</p>"
            f'<ul class="sources">{items}</ul></section>')


def _ways_in() -> str:
    items = "".join(f'<li><a href="{href}">{esc(name)}</a>: {esc(what)}</li>' for href, name, what in WAYS_IN)
    return f'<section id="ways-in"><h2>Other ways in</h2><ul>{items}</ul></section>'


def home_body(view: Overview, index: LabelIndex) -> str:
    """The HTML inside ``main``."""
    documents = next((k.count for k in view.kinds if k.cls.endswith("SourceDocument")), len(view.sources))
    search = ('<form action="/search" method="get" class="big" role="search"><label for="home-q">Search by name or '
              'quoted words</label><br><input id="home-q" type="search" name="q" placeholder="e.g. Berne Convention, '
              'Patent Law, ten years"> <button type="submit">Search</button></form>')
    return (f"<h1>lexgraph</h1><p class=\"lead\">A knowledge graph of treaties, laws and institutions, read from "
            f"{documents} source documents. Every fact names the document it comes from and quotes its words; "
            f"where sources disagree, the graph says so.</p>{search}"
            + _kinds(view) + _parties(view, index) + _sources(view, index) + _ways_in())


async def home_page(state: ServiceState) -> HTMLResponse:
    view, index = await state.overview.get(), await state.labels.get()
    return html_response("Home", DESCRIPTION, home_body(view, index), current="home")
