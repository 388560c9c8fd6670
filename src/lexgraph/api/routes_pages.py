"""Pages for people and data for programs at the graph's own IRIs.

* ``/id/{id}``: an entity (every IRI under https://w3id.org/lexgraph/id/). Browsers get an
  HTML page (facts, claims with their sources' quotes, incoming links, disagreements,
  neighbourhood); programs get its triples in Turtle (default) or JSON-LD, as Wikidata's
  entity data does; ``format=turtle|jsonld`` overrides Accept.
* ``/def`` and ``/def/{term}``: the ontology's classes and properties; ``/vocab`` and
  ``/vocab/{concept}``: the vocabularies' concepts. HTML for browsers, JSON otherwise.
* ``/search?q=``: entities, concepts and terms by label or quote (:mod:`lexgraph.search`).

Pages need no JavaScript (their Content-Security-Policy allows none) and every value from the
graph is escaped. The descriptions come from :mod:`lexgraph.entity`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from ..entity import Catalog, Claim, Entity, Evidence, Fact, Link, Ref, Term, Value, describe, ref
from ..media import GRAPH_FORMATS, NotAcceptable, choose, prefers_html
from ..prefixes import ID_IRI, ONTOLOGY_IRI, PREFIX_IRIS
from ..results import write_graph
from ..search import VOCAB_IRI, EmptyQuery, LabelIndex, page_path, short_name
from ..traverse import UnknownNode, neighbours
from . import layout
from .errors import VARY_ACCEPT, error_response
from .layout import esc
from .page_links import in_force_href, timeline_href
from .state import get_state

router = APIRouter(tags=["pages"])

LG, LGV = PREFIX_IRIS["lg"], PREFIX_IRIS["lgv"]
RDF_FORMATS = tuple(f for f in GRAPH_FORMATS if f.name in ("turtle", "jsonld"))
NEIGHBOURS_SHOWN = 40
_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'")
_SEARCH_DESCRIPTION = "Search the lexgraph knowledge graph: treaties, laws, articles, bodies and sources by name or quote."
_HTML_HEADERS = {**VARY_ACCEPT, "Content-Security-Policy": _CSP, "X-Content-Type-Options": "nosniff"}


# --------------------------------------------------------------------------- models


class ErrorOut(BaseModel):
    error: str = Field(description="A stable code: not_found, invalid_parameters, not_acceptable …")
    message: str


class SearchHitOut(BaseModel):
    iri: str
    id: str | None = Field(description="The IRI relative to https://w3id.org/lexgraph/id/, for entities.")
    label: str = Field(description="The label pages show (English skos:prefLabel first); the id when it has none.")
    kind: Literal["entity", "concept", "term"] = Field(description="A data entity, a vocabulary concept or an ontology term.")
    types: list[str] = Field(description="rdf:type values, as prefixed names.")
    page: str | None = Field(description="This service's page for it (HTML for browsers, RDF or JSON for programs).")
    matched: str = Field(description="The label or quote that matched, as the graph writes it.")
    field: Literal["preferred", "alternative", "quote"] = Field(
        description="preferred: skos:prefLabel or rdfs:label; alternative: skos:altLabel, lg:shortName, lg:name, "
                    "foaf:name or dct:title; quote: the lg:quote of its evidence.")
    match: Literal["exact", "prefix", "substring"]

    model_config = {"json_schema_extra": {"examples": [{
        "iri": ID_IRI + "treaty/wct", "id": "treaty/wct", "label": "WIPO Copyright Treaty", "kind": "entity",
        "types": ["lg:Treaty"], "page": "/id/treaty/wct", "matched": "WCT", "field": "alternative", "match": "exact"}]}}


class UsageOut(BaseModel):
    instances: int = Field(description="Things typed with the class itself.")
    instances_with_subclasses: int = Field(description="Things typed with the class or any subclass.")
    triples: int = Field(description="Triples with the property as predicate, or data triples pointing at the concept.")


class TermOut(BaseModel):
    iri: str
    name: str = Field(description="The local name: TreatyAction, treaty, ratification.")
    kind: str = Field(description="class, object property, datatype property, annotation property, concept or concept scheme.")
    label: str | None
    definition: str | None = Field(description="skos:definition.")
    broader: list[str] = Field(description="rdfs:subClassOf / rdfs:subPropertyOf; for concepts, skos:inScheme.")
    alignments: list[str] = Field(description="The broader terms from reused vocabularies (PROV, ELI, ORG, schema.org …).")
    narrower: list[str]
    domain: list[str]
    range: list[str]
    usage: UsageOut
    page: str | None

    model_config = {"json_schema_extra": {"examples": [{
        "iri": LG + "TreatyAction", "name": "TreatyAction", "kind": "class", "label": "treaty action",
        "definition": "An act by one party on one treaty …", "broader": [LG + "Event"], "alignments": [],
        "narrower": [], "domain": [], "range": [],
        "usage": {"instances": 35, "instances_with_subclasses": 35, "triples": 0}, "page": "/def/TreatyAction"}]}}


def _term_out(term: Term) -> dict[str, Any]:
    return TermOut(iri=term.iri, name=term.name, kind=term.kind, label=term.label, definition=term.definition,
                   broader=list(term.broader), alignments=list(term.alignments), narrower=list(term.narrower),
                   domain=list(term.domain), range=list(term.range),
                   usage=UsageOut(instances=term.instances, instances_with_subclasses=term.instances_with_subclasses,
                                  triples=term.triples), page=page_path(term.iri)).model_dump()


_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "Not in the graph (an HTML page for browsers)."},
}


# --------------------------------------------------------------------------- shared state


async def _index(request: Request) -> LabelIndex:
    return await get_state(request).labels.get()


async def _catalog(request: Request) -> Catalog:
    return await get_state(request).catalog.get()


def _browser(request: Request) -> bool:
    return prefers_html(request.headers.get("accept"))


# --------------------------------------------------------------------------- HTML


def _href(r: Ref) -> str | None:
    if r.page:
        return r.page
    return r.iri if r.iri.startswith(("http://", "https://")) else None


def link(r: Ref, text: str | None = None) -> str:
    href = _href(r)
    shown = esc(text if text is not None else r.label)
    return f'<a href="{esc(href)}">{shown}</a>' if href else shown


def html_response(title: str, description: str, body: str, *, current: str = "", status: int = 200,
                  alternates: str = "") -> HTMLResponse:
    """A page in the site's layout (:mod:`.layout`), with the pages' security headers."""
    text = layout.page(title, description, body, current=current, stylesheets=("pages.css",), head_extra=alternates)
    return HTMLResponse(text, status_code=status, headers=_HTML_HEADERS)


def _value(fact: Fact) -> str:
    v = fact.value
    if v.ref is not None and v.facts:  # a node of its own (a penalty, a time limit): its page and its facts
        return link(v.ref) + _value(Fact(fact.predicate, Value("", facts=v.facts)))
    if v.ref is not None:
        return link(v.ref)
    if v.facts:
        return "<dl class=\"nested\">" + "".join(f"<dt>{link(f.predicate)}</dt><dd>{_value(f)}</dd>" for f in v.facts) + "</dl>"
    extra = ""
    if v.lang:
        extra = f' <span class="tag">@{esc(v.lang)}</span>'
    elif v.datatype:
        extra = f' <span class="tag">{esc(v.datatype)}</span>'
    return f'<span class="literal">{esc(v.text)}</span>{extra}'


def _facts_table(facts: tuple[Fact, ...] | list[Fact]) -> str:
    rows = "".join(f"<tr><th scope=\"row\">{link(f.predicate)}</th><td>{_value(f)}</td></tr>" for f in facts)
    return f'<table class="facts"><tbody>{rows}</tbody></table>' if rows else "<p>None.</p>"


def _evidence(items: tuple[Evidence, ...]) -> str:
    out = []
    for e in items:
        source = link(e.source) if e.source else "an unnamed source"
        where = f", {esc(e.locator)}" if e.locator else ""
        quote = f"<blockquote>{esc(e.quote)}</blockquote>" if e.quote else ""
        out.append(f'<li class="evidence">{quote}<p class="source">— {source}{where}</p></li>')
    return f'<ul class="evidence">{"".join(out)}</ul>' if out else ""


def _claim_title(claim: Claim) -> str:
    kinds = [f.value.text for f in claim.facts if f.predicate.iri in (LG + "eventKind", LG + "penaltyKind", LG + "indicator")]
    dates = [f.value.text for f in claim.facts if f.predicate.iri in (LG + "date", LG + "asOf")]
    parts = [", ".join(t.label for t in claim.types)] + kinds[:1] + dates[:1]
    return ": ".join(p for p in parts[:2] if p) + (f" ({dates[0]})" if dates else "")


_PARTY_PROPERTIES = (LG + "party", PREFIX_IRIS["eli"] + "jurisdiction")


def _party_views(entity: Entity) -> str:
    """For a party (a state, or what treaty actions or acts name as party or jurisdiction):
    links to its timeline and in-force view."""
    is_party = any(t.iri == LG + "State" for t in entity.types) or any(
        g.predicate.iri in _PARTY_PROPERTIES and g.through is None for g in entity.incoming)
    if not is_party:
        return ""
    name = esc(entity.ref.label)
    return (f'<p class="party-views">Views: <a href="{esc(timeline_href(entity.ref.iri))}">{name}\'s timeline</a> · '
            f'<a href="{esc(in_force_href(entity.ref.iri))}">what bound {name} on a given day</a></p>')


def entity_description(entity: Entity) -> str:
    """The page's meta description: what the entity is, and what the page shows of it."""
    kinds = ", ".join(t.label for t in entity.types) or "Entity"
    return (f"{kinds}: {entity.ref.label}. Its facts, the claims about it with quotes from their sources, "
            "and what links to it in the lexgraph knowledge graph.")


def entity_page(entity: Entity, neighbourhood: list[tuple[Ref, list[tuple[str, Ref]]]], truncated: bool) -> str:
    """The HTML body of an entity page."""
    me = entity.ref
    types = ", ".join(link(t) for t in entity.types) or "no type"
    rdf_links = (f'<a href="{esc(me.page)}?format=turtle">Turtle</a> · '
                 f'<a href="{esc(me.page)}?format=jsonld">JSON-LD</a>')
    parts = [f"""<h1>{esc(me.label)}</h1>
<p class="iri"><code>{esc(me.iri)}</code></p>
<p class="types">Type: {types}. Data: {rdf_links}. Terms: <a href="/def">ontology</a>.</p>{_party_views(entity)}""",
             f'<section id="facts"><h2>Facts</h2>{_facts_table([f for f in entity.facts if f.predicate.iri != PREFIX_IRIS["rdf"] + "type"])}</section>']
    if entity.evidence:
        parts.append(f'<section id="evidence"><h2>Evidence</h2>{_evidence(entity.evidence)}</section>')
    if entity.claims:
        items = []
        for c in entity.claims:
            via = ", ".join(link(v) for v in c.via)
            items.append(f"""<li class="claim"><h3>{link(c.ref, _claim_title(c) or c.ref.label)}</h3>
<p class="claim-id"><code>{esc(c.ref.label if c.ref.label != _claim_title(c) else c.ref.iri)}</code> · links here by {via}</p>
{_facts_table(c.facts)}{_evidence(c.evidence)}</li>""")
        parts.append(f'<section id="claims"><h2>Claims about it ({len(entity.claims)})</h2><ul class="claims">{"".join(items)}</ul></section>')
    if entity.disagreements:
        items = []
        for d in entity.disagreements:
            kind = link(d.kind) if d.kind else "disagreement"
            between = ", ".join(link(b) for b in d.between)
            note = f"<p>{esc(d.note)}</p>" if d.note else ""
            items.append(f'<li class="disagreement"><p><strong>{kind}</strong> ({link(d.ref, "details")}) between {between}</p>{note}</li>')
        parts.append(f'<section id="disagreements"><h2>Disagreements</h2><ul>{"".join(items)}</ul></section>')
    if entity.incoming:
        parts.append(_incoming(entity))
    if neighbourhood:
        items = []
        for other, via in neighbourhood:
            ways = "; ".join(f"{'→' if d == 'out' else '←'} {link(p)}" for d, p in via)
            items.append(f"<li>{link(other)} <span class=\"via\">{ways}</span></li>")
        more = "<p>The neighbourhood is cut short.</p>" if truncated else ""
        parts.append(f'<section id="neighbourhood"><h2>Neighbourhood</h2><ul class="links">{"".join(items)}</ul>{more}'
                     f'<p><a href="/graph/neighbours?node={esc(entity.id)}">as JSON</a></p></section>')
    return "\n".join(parts)


def _link_row(item: Link) -> str:
    """One thing that links here: its date, its label (for a claim without one, what kind of
    event or status it is, and what else it is about) and its classes."""
    kinds = ", ".join(k.label for k in item.kinds)
    date = f'<time class="date">{esc(item.date)}</time> ' if item.date else ""
    named = item.subject.label != short_name(item.subject.iri) or item.concept is None
    text = item.subject.label if named else item.concept.label  # type: ignore[union-attr]
    about = f' <span class="via">· {link(item.about)}</span>' if item.about else ""
    tag = f' <span class="tag">{esc(kinds)}</span>' if kinds else ""
    return f"<li>{date}{link(item.subject, text)}{about}{tag}</li>"


def _incoming(entity: Entity) -> str:
    """What links to the entity, one list per property, dated things first in date order."""
    total = sum(g.total for g in entity.incoming)
    groups = []
    for g in entity.incoming:
        name = link(g.predicate) + (f" › {link(g.through)}" if g.through else "")
        pattern = f"?thing <{g.predicate.iri}> " + (f"[ <{g.through.iri}> <{entity.ref.iri}> ]" if g.through
                                                     else f"<{entity.ref.iri}>")
        every = "/sparql#" + urlencode({"query": f"SELECT ?thing WHERE {{ {pattern} }}"})
        more = (f'<p class="via">The first {len(g.links)} of {g.total} are listed; '
                f'<a href="{esc(every)}">list them all in the SPARQL editor</a>.</p>' if g.total > len(g.links) else "")
        groups.append(f'<section class="link-group"><h3>As {name} ({g.total})</h3>'
                      f'<ul class="links">{"".join(_link_row(i) for i in g.links)}</ul>{more}</section>')
    return (f'<section id="incoming"><h2>Links to it ({total})</h2><p>Things that name {esc(entity.ref.label)}, '
            f'grouped by the property they name it with.</p>{"".join(groups)}</section>')


def _iri_list(catalog: Catalog, index: LabelIndex, iris: tuple[str, ...]) -> str:
    out = []
    for iri in iris:
        term = catalog.get(iri)
        r = Ref(iri, (term.label if term and term.label else None) or index.label(iri) or short_name(iri), page_path(iri))
        out.append(link(r) + ("" if r.page else f" <code>{esc(short_name(iri))}</code>"))
    return ", ".join(out) or "—"


def term_page(term: Term, catalog: Catalog, index: LabelIndex) -> str:
    rows = [("Kind", esc(term.kind)), ("Definition", esc(term.definition or "—"))]
    if term.kind in ("concept", "concept scheme"):
        rows.append(("In scheme", _iri_list(catalog, index, term.broader)))
        rows.append(("Used by", f'<span class="count">{term.triples}</span> data triples'))
    else:
        rows.append(("Broader", _iri_list(catalog, index, term.broader)))
        rows.append(("Aligned with", _iri_list(catalog, index, term.alignments)))
        rows.append(("Narrower", _iri_list(catalog, index, term.narrower)))
        if term.kind == "class":
            rows.append(("Instances", f'<span class="count">{term.instances}</span> '
                                      f'({term.instances_with_subclasses} with subclasses)'))
        else:
            rows += [("Domain", _iri_list(catalog, index, term.domain)), ("Range", _iri_list(catalog, index, term.range)),
                     ("Used in", f'<span class="count">{term.triples}</span> triples')]
    table = "".join(f'<tr><th scope="row">{k}</th><td>{v}</td></tr>' for k, v in rows)
    members = ""
    if term.kind == "concept scheme":
        items = "".join(f"<li>{link(Ref(m.iri, m.label or m.name, page_path(m.iri)))} — {esc(m.definition or '')}</li>"
                        for m in catalog.members(term.iri))
        members = f"<h2>Concepts</h2><ul>{items}</ul>" if items else ""
    back = '<a href="/vocab">all vocabularies</a>' if term.iri.startswith(LGV) else '<a href="/def">the whole ontology</a>'
    return (f'<h1>{esc(term.label or term.name)}</h1><p class="iri"><code>{esc(term.iri)}</code></p>'
            f'<table class="facts"><tbody>{table}</tbody></table>{members}<p>See {back}.</p>')


def _plural(kind: str) -> str:
    return kind + "es" if kind.endswith("s") else kind[:-1] + "ies" if kind.endswith("y") else kind + "s"


def ontology_index(catalog: Catalog) -> str:
    groups: dict[str, list[Term]] = {}
    for term in catalog.ontology_terms():
        groups.setdefault(term.kind, []).append(term)
    toc = " · ".join(f'<a href="#{esc(k.replace(" ", "-"))}">{esc(_plural(k))}</a>' for k in groups)
    sections = []
    for kind, terms in groups.items():
        rows = []
        for t in terms:
            usage = (f"{t.instances_with_subclasses} instances" if kind == "class" else f"{t.triples} triples")
            aligned = ", ".join(f"<code>{esc(short_name(a))}</code>" for a in t.alignments)
            rows.append(f'<tr><td><a href="/def/{esc(t.name)}">{esc(t.label or t.name)}</a><br><code>lg:{esc(t.name)}</code></td>'
                        f"<td>{esc(t.definition or '')}</td><td>{aligned}</td><td class=\"count\">{usage}</td></tr>")
        sections.append(f'<section id="{esc(kind.replace(" ", "-"))}"><h2>{esc(_plural(kind).capitalize())} '
                        f'({len(terms)})</h2><table class="terms"><thead><tr><th>term</th><th>definition</th>'
                        f'<th>aligned with</th><th>used</th></tr></thead><tbody>{"".join(rows)}</tbody></table></section>')
    return (f'<h1>lexgraph ontology</h1><p class="iri"><code>{esc(ONTOLOGY_IRI)}</code></p>'
            f'<p>Every class and property of the ontology, with its definition, the reused terms it specialises '
            f'and how often the data uses it. Controlled values: <a href="/vocab">the vocabularies</a>.</p>'
            f"<p>{toc}</p>{''.join(sections)}")


def vocab_index(catalog: Catalog) -> str:
    schemes = [t for t in catalog.concepts() if t.kind == "concept scheme" and t.iri != VOCAB_IRI]
    parts = []
    for scheme in schemes:
        items = "".join(f'<li>{link(Ref(m.iri, m.label or m.name, page_path(m.iri)))} <span class="count">({m.triples})</span></li>'
                        for m in catalog.members(scheme.iri))
        parts.append(f'<section><h2>{link(Ref(scheme.iri, scheme.label or scheme.name, page_path(scheme.iri)))}</h2>'
                     f"<p>{esc(scheme.definition or '')}</p><ul class=\"links\">{items}</ul></section>")
    return (f'<h1>lexgraph vocabularies</h1><p class="iri"><code>{esc(VOCAB_IRI)}</code></p>'
            f"<p>The controlled values of the ontology; each count is how many data triples use the concept.</p>{''.join(parts)}")


def search_page(q: str, hits: list[Any], message: str | None = None) -> str:
    form = (f'<form action="/search" method="get" class="big"><input type="search" name="q" value="{esc(q)}" '
            f'aria-label="Search"> <button type="submit">Search</button></form>')
    if message:
        return f'<h1>Search</h1>{form}<p class="error">{esc(message)}</p>'
    if not q:
        return f"<h1>Search</h1>{form}<p>Search treaties, laws, articles, bodies and sources by name or by quoted words.</p>"
    items = []
    for h in hits:
        r = Ref(h.iri, h.label, h.page)
        matched = "" if h.matched == h.label else f' <span class="matched">{esc(h.field)}: “{esc(h.matched[:200])}”</span>'
        types = ", ".join(short_name(t) for t in h.types)
        items.append(f'<li>{link(r)} <span class="tag">{esc(types or h.kind)}</span>{matched}</li>')
    results = f'<ol class="hits">{"".join(items)}</ol>' if items else "<p>Nothing matches.</p>"
    return f'<h1>Search: {esc(q)}</h1>{form}{results}'


def _not_found_page(what: str) -> HTMLResponse:
    return html_response("Not found", f"{what} is not in the graph.", f"<h1>Not found</h1><p>{esc(what)} is not in the graph. "
                                      f'Try <a href="/search">search</a>.</p>', status=404)


def _not_found(request: Request, what: str) -> Response:
    if _browser(request):
        return _not_found_page(what)
    return JSONResponse({"error": "not_found", "message": f"{what} is not in the graph"}, status_code=404, headers=VARY_ACCEPT)


# --------------------------------------------------------------------------- RDF negotiation


def rdf_format(accept: str | None, format_param: str | None) -> Any:
    """Turtle (the default) or JSON-LD; :class:`NotAcceptable` for anything else."""
    return choose(RDF_FORMATS, accept, format_param, also_offered=("text/html",))


# --------------------------------------------------------------------------- routes


_RDF_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "An HTML page for browsers; the entity's triples (its blank nodes included) for programs.",
          "content": {
              "text/html": {"schema": {"type": "string"}},
              "text/turtle": {"schema": {"type": "string"}, "example":
                              "<https://w3id.org/lexgraph/id/treaty/wct> a lg:Treaty ;\n"
                              "  skos:prefLabel \"WIPO Copyright Treaty\"@en ;\n  lg:shortName \"WCT\"@en ."},
              "application/ld+json": {"schema": {"type": "object"}}}},
    404: {"model": ErrorOut, "description": "No such entity (an HTML page for browsers)."},
    406: {"model": ErrorOut, "description": "Accept allows none of text/html, text/turtle, application/ld+json."},
}


@router.get("/id/{entity_id:path}", summary="An entity: HTML page, Turtle or JSON-LD", responses=_RDF_RESPONSES,
            response_class=Response)
async def entity(
    request: Request,
    entity_id: str,
    format: Annotated[Literal["turtle", "jsonld"] | None, Query(
        description="turtle or jsonld: overrides Accept (for links from the page).")] = None,
) -> Response:
    """Every IRI under `https://w3id.org/lexgraph/id/` resolves here, e.g. `/id/treaty/berne-convention`.

    Browsers (Accept preferring text/html) get a page: label, types, facts, the claims that
    point at it with their sources' quotes, incoming links, disagreements and neighbours.
    Programs get Turtle (default) or JSON-LD (`Accept: application/ld+json`): the entity's
    outgoing triples and its evidence blank nodes."""
    accept = request.headers.get("accept")
    html_wanted = format is None and _browser(request)
    try:
        fmt = None if html_wanted else rdf_format(accept, format)
    except NotAcceptable as exc:
        return error_response(exc)
    index = await _index(request)
    found = await describe(request.app.state.lexgraph.store, index, ID_IRI + entity_id)
    if found is None:
        return _not_found(request, f"<{ID_IRI}{entity_id}>") if fmt is None else JSONResponse(
            {"error": "not_found", "message": f"<{ID_IRI}{entity_id}> is not in the graph"}, status_code=404, headers=VARY_ACCEPT)
    if fmt is not None:
        return Response(write_graph(found.triples, fmt), media_type=fmt.content_type, headers=VARY_ACCEPT)
    near, truncated = await _neighbourhood(request, index, found.ref.iri)
    alternates = (f'<link rel="alternate" type="text/turtle" href="{esc(found.ref.page)}?format=turtle">\n'
                  f'<link rel="alternate" type="application/ld+json" href="{esc(found.ref.page)}?format=jsonld">\n')
    return html_response(found.ref.label, entity_description(found), entity_page(found, near, truncated),
                         alternates=alternates)


async def _neighbourhood(request: Request, index: LabelIndex, iri: str) -> tuple[list[tuple[Ref, list[tuple[str, Ref]]]], bool]:
    view = await get_state(request).view.get()
    try:
        found = neighbours(view, iri, 1, None, "both", NEIGHBOURS_SHOWN)
    except UnknownNode:
        return [], False
    ways: dict[str, list[tuple[str, Ref]]] = {}
    for e in found.edges:
        other, direction = (e.object, "out") if e.subject == iri else (e.subject, "in")
        ways.setdefault(other, []).append((direction, Ref(e.predicate, e.predicate_label, page_path(e.predicate))))
    out = [(ref(index, n.iri), ways.get(n.iri, [])) for n in found.nodes]
    return sorted(out, key=lambda item: item[0].label.casefold()), found.truncated


@router.get("/def", summary="The ontology: every class and property", response_model=list[TermOut],
            responses={200: {"content": {"text/html": {}}}})
async def ontology(request: Request) -> Response:
    """An index of the ontology's classes and properties (pyLODE-style page for browsers),
    with definitions, alignments to reused vocabularies and usage counts."""
    catalog = await _catalog(request)
    if _browser(request):
        return html_response("Ontology", "The lexgraph ontology: every class and property with its "
                             "definition, alignments to reused vocabularies and usage counts.",
                             ontology_index(catalog), current="def")
    return JSONResponse([_term_out(t) for t in catalog.ontology_terms()], headers=VARY_ACCEPT)


@router.get("/def/{name}", summary="One class or property of the ontology", response_model=TermOut,
            responses={**_ERRORS, 200: {"content": {"text/html": {}}}})
async def ontology_term(request: Request, name: str) -> Response:
    """For example `/def/TreatyAction`: label, definition, broader terms and alignments,
    domain and range, and how often the data uses it."""
    return await _term(request, LG + name, f"lg:{name}")


@router.get("/vocab", summary="The controlled vocabularies", response_model=list[TermOut],
            responses={200: {"content": {"text/html": {}}}})
async def vocabularies(request: Request) -> Response:
    """Every concept scheme and its concepts, with how many data triples use each concept."""
    catalog = await _catalog(request)
    if _browser(request):
        return html_response("Vocabularies", "The controlled vocabularies of the lexgraph ontology: "
                             "each concept scheme, its concepts and how often the data uses them.",
                             vocab_index(catalog), current="vocab")
    return JSONResponse([_term_out(t) for t in catalog.concepts()], headers=VARY_ACCEPT)


@router.get("/vocab/{name}", summary="One concept (or concept scheme) of the vocabularies", response_model=TermOut,
            responses={**_ERRORS, 200: {"content": {"text/html": {}}}})
async def vocabulary_concept(request: Request, name: str) -> Response:
    """For example `/vocab/ratification`: label, definition, scheme and usage count."""
    return await _term(request, LGV + name, f"lgv:{name}")


async def _term(request: Request, iri: str, shown: str) -> Response:
    catalog = await _catalog(request)
    term = catalog.get(iri)
    if term is None:
        return _not_found(request, shown)
    if _browser(request):
        current = "vocab" if iri.startswith(LGV) else "def"
        description = f"{term.kind.capitalize()} {shown} of the lexgraph ontology: {term.definition or term.label or term.name}"
        return html_response(term.label or term.name, description, term_page(term, catalog, await _index(request)),
                             current=current)
    return JSONResponse(_term_out(term), headers=VARY_ACCEPT)


@router.get("/search", summary="Find entities by label or quote", response_model=list[SearchHitOut],
            responses={200: {"content": {"text/html": {}}},
                       422: {"model": ErrorOut, "description": "q is missing or has no letter or digit."}})
async def search(
    request: Request,
    q: Annotated[str | None, Query(description="Words to find, in any language the labels carry; case, accents and "
                                               "punctuation are ignored. Required (browsers without it get the form).",
                                   examples=["on arbitration"])] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="The most results, 1 to 100.")] = 20,
) -> Response:
    """Ranked: exact match, then prefix, then substring; within each, preferred labels before
    alternative labels and names before evidence quotes; then entities before concepts before
    terms, closest (shortest) text first.

    Example: `/search?q=wct` → the WIPO Copyright Treaty first (its short name matches exactly)."""
    browser = _browser(request)
    if q is None and browser:
        return html_response("Search", _SEARCH_DESCRIPTION, search_page("", []), current="search")
    try:
        hits = (await _index(request)).search(q or "", limit)
    except EmptyQuery as exc:
        if browser:
            return html_response("Search", _SEARCH_DESCRIPTION, search_page(q or "", [], str(exc)),
                                 current="search", status=422)
        return JSONResponse({"error": exc.code, "message": str(exc)}, status_code=422, headers=VARY_ACCEPT)
    if browser:
        return html_response(f"Search: {q}", f"What the lexgraph knowledge graph holds that matches “{q}”: "
                             "entities, concepts and terms by label or quote.", search_page(q or "", hits), current="search")
    return JSONResponse([SearchHitOut(iri=h.iri, id=h.id, label=h.label, kind=h.kind, types=[short_name(t) for t in h.types],
                                      page=h.page, matched=h.matched, field=h.field, match=h.match).model_dump()
                         for h in hits], headers=VARY_ACCEPT)
