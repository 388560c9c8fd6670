"""Pages for people and data for programs at the graph's own IRIs.

* ``/id/{id}``: an entity (every IRI under https://w3id.org/lexgraph/id/). Browsers get an
  HTML page (facts, claims with their sources' quotes, incoming links, disagreements,
  neighbourhood); programs get its triples in Turtle (default) or JSON-LD, as Wikidata's
  entity data does; ``format=turtle|jsonld`` overrides Accept.
* ``/def`` and ``/def/{term}``: the ontology's classes and properties; ``/vocab`` and
  ``/vocab/{concept}``: the vocabularies' concepts. HTML for browsers, JSON otherwise.
* ``/search?q=``: entities, concepts and terms by label or quote (:mod:`lexgraph.search`).

Pages need no JavaScript (their Content-Security-Policy allows none) and every value from the
graph is escaped; their HTML is made in :mod:`.html_pages`. The descriptions come from
:mod:`lexgraph.entity`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from ..entity import Catalog, Ref, Term, describe, ref
from ..media import GRAPH_FORMATS, NotAcceptable, choose, prefers_html
from ..prefixes import ID_IRI, PREFIX_IRIS
from ..results import write_graph
from ..search import EmptyQuery, LabelIndex, page_path, short_name
from ..traverse import UnknownNode, neighbours
from .errors import VARY_ACCEPT, error_response
from .html_pages import (entity_description, entity_page, html_response, ontology_index, search_page, term_page,
                         vocab_index)
from .layout import esc
from .state import get_state

router = APIRouter(tags=["pages"])

LG, LGV = PREFIX_IRIS["lg"], PREFIX_IRIS["lgv"]
RDF_FORMATS = tuple(f for f in GRAPH_FORMATS if f.name in ("turtle", "jsonld"))
NEIGHBOURS_SHOWN = 40
_SEARCH_DESCRIPTION = "Search the lexgraph knowledge graph: treaties, laws, articles, bodies and sources by name or quote."


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
