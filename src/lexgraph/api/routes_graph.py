"""``/graph/…``: neighbourhoods, paths and hierarchies over the graph view (:mod:`lexgraph.traverse`).

Answers are JSON by default and a Turtle subgraph (the triples of the answer's edges) with
``Accept: text/turtle``. An unknown node is 404, a bad parameter 422 (the message states the
bound), a capped answer says so with ``truncated`` and its limit, and no path is an empty list.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Callable, Literal

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ..media import NotAcceptable, pick
from ..traverse import (BadReference, UnknownNode, ancestors, descendants, hierarchy_edges,
                        neighbours, paths, subgraph, turtle)
from .errors import VARY_ACCEPT, error_response
from .state import get_state

router = APIRouter(prefix="/graph", tags=["graph"])

JSON, TURTLE = "application/json", "text/turtle"
_ID = "https://w3id.org/lexgraph/id/"
_LG = "@prefix lg: <https://w3id.org/lexgraph/def/> .\n"


# --------------------------------------------------------------------------- models


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True, populate_by_name=True)


class NodeOut(_Out):
    iri: str = Field(description="The node's IRI.")
    id: str | None = Field(description="The IRI relative to https://w3id.org/lexgraph/id/, for data nodes.")
    label: str | None = Field(description="English skos:prefLabel, rdfs:label or lg:name; null for most claims.")
    types: list[str] = Field(description="rdf:type values, as prefixed names where a prefix fits.")


class ReachedNodeOut(NodeOut):
    distance: int = Field(description="Hops from the start node.")


class EdgeOut(_Out):
    subject: str
    predicate: str = Field(description="The predicate IRI.")
    predicate_label: str = Field(description="The ontology's English rdfs:label of the predicate, else its prefixed name.")
    object: str


class PathEdgeOut(EdgeOut):
    hop: int = Field(description="Which hop of the path (1 = from the first node) the triple makes.")
    direction: Literal["forward", "backward"] = Field(
        description="forward: the triple points along the path; backward: the path walks it against its direction.")


class NeighboursOut(_Out):
    node: NodeOut
    depth: int
    direction: Literal["both", "out", "in"]
    predicates: list[str] = Field(description="The predicate IRIs followed; empty means all.")
    nodes: list[ReachedNodeOut] = Field(description="Nodes within depth, the start node excepted, nearest first.")
    edges: list[EdgeOut] = Field(description="The triples walked, in their real direction.")
    limit: int = Field(description="The most nodes an answer holds.")
    truncated: bool = Field(description="True when more nodes were within reach than the limit allowed.")

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "node": {"iri": _ID + "party/kazakhstan", "id": "party/kazakhstan", "label": "Kazakhstan", "types": ["lg:State"]},
        "depth": 1, "direction": "in", "predicates": ["https://w3id.org/lexgraph/def/party"],
        "nodes": [{"iri": _ID + "treaty-action/kz-berne-accession-wipoarticle", "id": "treaty-action/kz-berne-accession-wipoarticle",
                   "label": None, "types": ["lg:TreatyAction"], "distance": 1}],
        "edges": [{"subject": _ID + "treaty-action/kz-berne-accession-wipoarticle",
                   "predicate": "https://w3id.org/lexgraph/def/party", "predicate_label": "acting party",
                   "object": _ID + "party/kazakhstan"}],
        "limit": 1, "truncated": True}]})


class PathOut(_Out):
    length: int = Field(description="Hops from the first node to the last.")
    nodes: list[NodeOut]
    edges: list[PathEdgeOut] = Field(description="Every triple between consecutive nodes of the path.")


class PathsOut(_Out):
    source: NodeOut
    target: NodeOut
    max_paths: int
    max_length: int
    paths: list[PathOut] = Field(description="Shortest first; empty when no path within max_length exists.")
    truncated: bool = Field(description="True when more paths within max_length exist than max_paths.")

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "source": {"iri": _ID + "treaty/trips/article/51", "id": "treaty/trips/article/51",
                   "label": "TRIPS Agreement, Article 51", "types": ["lg:Article"]},
        "target": {"iri": _ID + "act/kz/code-on-customs-regulation/article/458", "id": "act/kz/code-on-customs-regulation/article/458",
                   "label": "Code on Customs Regulation of Kazakhstan, Article 458", "types": ["lg:Article"]},
        "max_paths": 1, "max_length": 6,
        "paths": [{"length": 3, "nodes": [
            {"iri": _ID + "treaty/trips/article/51", "id": "treaty/trips/article/51",
             "label": "TRIPS Agreement, Article 51", "types": ["lg:Article"]},
            {"iri": _ID + "provision/customs-code-458-5-registered-and-unregistered-objects-checklist",
             "id": "provision/customs-code-458-5-registered-and-unregistered-objects-checklist",
             "label": None, "types": ["lg:Provision"]},
            {"iri": _ID + "act/kz/code-on-customs-regulation/article/458/paragraph/5",
             "id": "act/kz/code-on-customs-regulation/article/458/paragraph/5",
             "label": "Code on Customs Regulation of Kazakhstan, Article 458, paragraph 5", "types": ["lg:Paragraph"]},
            {"iri": _ID + "act/kz/code-on-customs-regulation/article/458", "id": "act/kz/code-on-customs-regulation/article/458",
             "label": "Code on Customs Regulation of Kazakhstan, Article 458", "types": ["lg:Article"]}], "edges": [
            {"subject": _ID + "provision/customs-code-458-5-registered-and-unregistered-objects-checklist",
             "predicate": "https://w3id.org/lexgraph/def/implementsTreatyArticle", "predicate_label": "implements treaty article",
             "object": _ID + "treaty/trips/article/51", "hop": 1, "direction": "backward"},
            {"subject": _ID + "provision/customs-code-458-5-registered-and-unregistered-objects-checklist",
             "predicate": "https://w3id.org/lexgraph/def/act", "predicate_label": "act concerned",
             "object": _ID + "act/kz/code-on-customs-regulation/article/458/paragraph/5", "hop": 2, "direction": "forward"},
            {"subject": _ID + "act/kz/code-on-customs-regulation/article/458/paragraph/5",
             "predicate": "http://data.europa.eu/eli/ontology#is_part_of", "predicate_label": "eli:is_part_of",
             "object": _ID + "act/kz/code-on-customs-regulation/article/458", "hop": 3, "direction": "forward"}]}],
        "truncated": True}]})


class SourceOut(_Out):
    iri: str
    label: str | None
    date: str | None = Field(description="The source document's lg:date, as precise as it gives it.")


class ClaimOut(_Out):
    iri: str
    types: list[str]
    as_of: str | None = Field(description="lg:asOf; null means as of the source's date.")
    from_: str | None = Field(alias="from", description="lg:from")
    until: str | None = Field(description="lg:until")
    sources: list[SourceOut] = Field(description="The sources of the claim's evidence.")


class StepOut(_Out):
    child: NodeOut
    parent: NodeOut
    predicate: str
    predicate_label: str
    claims: list[ClaimOut] = Field(description="The claims that make this step (parent-body); empty for direct triples.")
    edges: list[EdgeOut] = Field(description="The triples that make this step.")


class HierarchyOut(_Out):
    node: NodeOut
    relation: Literal["part-of", "edition-of", "parent-body"]
    direction: Literal["ancestors", "descendants"]
    chains: list[list[StepOut]] = Field(
        description="Ancestors: each chain climbs from the node to a top; descendants: each descends to a leaf.")
    limit: int = Field(description="The most chains an answer holds.")
    truncated: bool

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "node": {"iri": _ID + "org/kz-customs-authority", "id": "org/kz-customs-authority",
                 "label": "Customs authority of Kazakhstan", "types": ["org:FormalOrganization"]},
        "relation": "parent-body", "direction": "ancestors",
        "chains": [[{
            "child": {"iri": _ID + "org/kz-customs-authority", "id": "org/kz-customs-authority",
                      "label": "Customs authority of Kazakhstan", "types": ["org:FormalOrganization"]},
            "parent": {"iri": _ID + "org/kz-ministry-of-finance", "id": "org/kz-ministry-of-finance",
                       "label": "Ministry of Finance of Kazakhstan", "types": ["org:FormalOrganization"]},
            "predicate": "https://w3id.org/lexgraph/def/parent", "predicate_label": "parent",
            "claims": [{"iri": _ID + "subordination/kz-customs-authority-ministry-of-finance-cable2005",
                        "types": ["lg:Subordination"], "as_of": None, "from": None, "until": None,
                        "sources": [{"iri": _ID + "source/cable-almaty-000753",
                                     "label": "US Embassy Almaty cable ALMATY 000753, Kazakhstan: Special 301 (2005)",
                                     "date": "2005"}]}],
            "edges": [
                {"subject": _ID + "subordination/kz-customs-authority-ministry-of-finance-cable2005",
                 "predicate": "https://w3id.org/lexgraph/def/organization", "predicate_label": "organisation concerned",
                 "object": _ID + "org/kz-customs-authority"},
                {"subject": _ID + "subordination/kz-customs-authority-ministry-of-finance-cable2005",
                 "predicate": "https://w3id.org/lexgraph/def/parent", "predicate_label": "parent",
                 "object": _ID + "org/kz-ministry-of-finance"}]}]],
        "limit": 1000, "truncated": False}]})


class ErrorOut(BaseModel):
    error: str = Field(description="A stable code: not_found, invalid_parameters, not_acceptable …")
    message: str = Field(description="For people; a bad parameter's message names it and states its bound.")


def _responses(turtle_example: str) -> dict[int | str, dict[str, Any]]:
    """The non-JSON and error answers of a graph route, for OpenAPI."""
    return {
        200: {"content": {TURTLE: {"schema": {"type": "string"}, "example": turtle_example}},
              "description": "JSON (default) or, with `Accept: text/turtle`, the answer's triples as Turtle."},
        404: {"model": ErrorOut, "description": "No such node in the graph."},
        406: {"model": ErrorOut, "description": "Accept allows neither application/json nor text/turtle."},
        422: {"model": ErrorOut, "description": "A parameter is missing or out of bounds; the message states the bound."},
    }


# --------------------------------------------------------------------------- parameters

NodeParam = Annotated[str, Query(
    description="A full IRI, a prefixed name (lgv:ratification) or an id relative to https://w3id.org/lexgraph/id/.",
    examples=["treaty/berne-convention"])]
RelationParam = Annotated[Literal["part-of", "edition-of", "parent-body"], Query(
    description="part-of: eli:is_part_of, then lg:editionOf (a part of an edition is part of the code); "
                "edition-of: lg:editionOf; parent-body: organisation → parent through lg:Subordination claims, "
                "with each claim's lg:asOf / lg:from / lg:until and sources.")]


# --------------------------------------------------------------------------- helpers


def _wants_turtle(request: Request) -> bool:
    """JSON unless Turtle is preferred; NotAcceptable when neither is accepted."""
    return pick(request.headers.get("accept"), (JSON, TURTLE)) == TURTLE


async def _answer(request: Request, compute: Callable[[Any], Any], model: type[_Out],
                  triples: Callable[[Any, Any], list[ox.Triple]]) -> Response:
    """Run ``compute`` on the current view (in a thread: paths can take a moment) and answer
    in the negotiated format, mapping lexgraph's errors to 404 / 406 / 422."""
    try:
        as_turtle = _wants_turtle(request)
        view = await get_state(request).view.get()
        result = await asyncio.to_thread(compute, view)
    except (NotAcceptable, UnknownNode, BadReference) as exc:
        return error_response(exc)
    if as_turtle:
        return Response(turtle(triples(view, result)), media_type=f"{TURTLE}; charset=utf-8", headers=VARY_ACCEPT)
    body = model.model_validate(result, from_attributes=True).model_dump(mode="json", by_alias=True)
    return JSONResponse(body, headers=VARY_ACCEPT)


# --------------------------------------------------------------------------- routes


@router.get("/neighbours", response_model=NeighboursOut, summary="Nodes and edges around a node",
            responses=_responses(_LG + "<https://w3id.org/lexgraph/id/treaty-action/kz-berne-accession-wipoarticle> "
                                 "lg:party <https://w3id.org/lexgraph/id/party/kazakhstan> ."))
async def get_neighbours(
    request: Request,
    node: NodeParam,
    depth: Annotated[int, Query(ge=1, le=3, description="Hops to walk, 1 to 3.")] = 1,
    predicate: Annotated[list[str] | None, Query(
        description="Follow only these predicates (repeatable; IRI or prefixed name such as eli:is_part_of).",
        examples=[["lg:party"]])] = None,
    direction: Annotated[Literal["both", "out", "in"], Query(
        description="out: follow triples from the node; in: triples pointing at it; both.")] = "both",
    limit: Annotated[int, Query(ge=1, le=1000, description="The most nodes to return (1 to 1000), start node excepted.")] = 100,
) -> Response:
    """Breadth-first neighbourhood: claims (treaty actions, provisions …) are nodes, literals are
    not. A neighbourhood cut at `limit` says so with `truncated: true`.

    Example: `/graph/neighbours?node=party/kazakhstan&predicate=lg:party&direction=in`"""
    return await _answer(request, lambda v: neighbours(v, node, depth, predicate, direction, limit), NeighboursOut,
                         lambda v, r: subgraph(v, r.edges))


@router.get("/paths", response_model=PathsOut, summary="Shortest paths between two nodes",
            responses=_responses(_LG + "<https://w3id.org/lexgraph/id/provision/customs-code-458-5-registered-and-unregistered-objects-checklist> "
                                 "lg:implementsTreatyArticle <https://w3id.org/lexgraph/id/treaty/trips/article/51> ."))
async def get_paths(
    request: Request,
    source: Annotated[str, Query(alias="from", description="The first node (IRI, prefixed name or id).",
                                 examples=["treaty/trips/article/51"])],
    target: Annotated[str, Query(alias="to", description="The last node (IRI, prefixed name or id).",
                                 examples=["act/kz/code-on-customs-regulation"])],
    max_paths: Annotated[int, Query(alias="max", ge=1, le=20, description="The most paths to return, 1 to 20.")] = 5,
    max_length: Annotated[int, Query(ge=1, le=8, description="The longest path, in hops, 1 to 8.")] = 6,
    via_terms: Annotated[bool, Query(
        description="Also step through vocabulary concepts, classes and ontology terms (off: they link "
                    "everything of one kind, so a path through them says only that two things share a category).")] = False,
) -> Response:
    """Shortest simple paths, shortest first; among equally short ones, those through less
    connected nodes first. Triples are walked both ways and reported in their real direction.
    No path within `max_length` is an empty list, not an error.

    Example: `/graph/paths?from=treaty/trips/article/51&to=act/kz/code-on-customs-regulation&max=3`"""
    return await _answer(request, lambda v: paths(v, source, target, max_paths, max_length, via_terms), PathsOut,
                         lambda v, r: subgraph(v, [e for p in r.paths for e in p.edges]))


def _hierarchy_triples(view: Any, result: Any) -> list[ox.Triple]:
    edges, claims = hierarchy_edges(result)
    return subgraph(view, edges, claims)


_HIERARCHY_TURTLE = (_LG + "<https://w3id.org/lexgraph/id/subordination/kz-customs-authority-ministry-of-finance-cable2005> "
                     "lg:organization <https://w3id.org/lexgraph/id/org/kz-customs-authority> ; "
                     "lg:parent <https://w3id.org/lexgraph/id/org/kz-ministry-of-finance> .")


@router.get("/ancestors", response_model=HierarchyOut, summary="The chains above a node in a hierarchy",
            responses=_responses(_HIERARCHY_TURTLE))
async def get_ancestors(request: Request, node: NodeParam, relation: RelationParam) -> Response:
    """Every chain from the node up to a top of the hierarchy, each step with the claims (and
    their time spans and sources) that make it.

    Example: `/graph/ancestors?node=org/kz-customs-authority&relation=parent-body`"""
    return await _answer(request, lambda v: ancestors(v, node, relation), HierarchyOut, _hierarchy_triples)


@router.get("/descendants", response_model=HierarchyOut, summary="The chains below a node in a hierarchy",
            responses=_responses(_HIERARCHY_TURTLE))
async def get_descendants(request: Request, node: NodeParam, relation: RelationParam) -> Response:
    """Every chain from the node down to a leaf of the hierarchy.

    Example: `/graph/descendants?node=act/kz/criminal-code&relation=part-of`"""
    return await _answer(request, lambda v: descendants(v, node, relation), HierarchyOut, _hierarchy_triples)
