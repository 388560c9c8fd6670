"""The endpoint answers over the entailed view (embedded store, and a remote one loaded with
``lexgraph load --to``), and LEXGRAPH_ENTAILMENT=off leaves it out."""

from __future__ import annotations

from typing import Iterator

import httpx
import pytest

from .conftest import SHARED
from .servers import Server, start_lexgraph

ENTAILED = "https://w3id.org/lexgraph/graph/entailed"
PREFIXES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct:  <http://purl.org/dc/terms/>
PREFIX lg:   <https://w3id.org/lexgraph/def/>
"""
EVENTS = "SELECT ?e WHERE { ?e a lg:Event }"
BY_SUBCLASS = f"""SELECT DISTINCT ?e WHERE {{ ?c rdfs:subClassOf* lg:Event . GRAPH ?g {{ ?e a ?c }} FILTER (?g != <{ENTAILED}>) }}"""
"""Every event, as a researcher had to ask before: the asserted instances of every subclass."""


def values(server: Server, query: str) -> set[tuple[str, ...]]:
    response = httpx.post(server.url + "/sparql", content=PREFIXES + query, trust_env=False, timeout=30,
                          headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert response.headers["x-result-capped"] == "false"
    names = body["head"]["vars"]
    return {tuple(row[n]["value"] for n in names if n in row) for row in body["results"]["bindings"]}


@pytest.fixture(scope="module")
def plain_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with LEXGRAPH_ENTAILMENT=off."""
    server = start_lexgraph(tmp_path_factory.mktemp("no-entailment"), {**SHARED, "LEXGRAPH_ENTAILMENT": "off"})
    yield server
    server.stop()


def test_every_event_is_an_event(server: Server) -> None:
    expected = values(server, BY_SUBCLASS)
    assert len(expected) > 100
    assert values(server, EVENTS) == expected


def count(server: Server, query: str) -> int:
    ((n,),) = values(server, query)
    return int(n)


UNLABELLED = "SELECT (COUNT(*) AS ?n) WHERE { ?x skos:prefLabel ?l FILTER NOT EXISTS { ?x rdfs:label ?l } }"
UNSUBJECTED = """SELECT (COUNT(*) AS ?n) WHERE { VALUES ?p { lg:concerns lg:treaty lg:act lg:organization } ?e ?p ?x
  FILTER NOT EXISTS { ?e dct:subject ?x } }"""


def test_names_and_what_things_are_about(server: Server) -> None:
    assert count(server, "SELECT (COUNT(*) AS ?n) WHERE { ?x skos:prefLabel ?l }") > 100
    assert count(server, UNLABELLED) == 0  # every preferred label is an rdfs:label
    assert count(server, "SELECT (COUNT(*) AS ?n) WHERE { ?e lg:treaty ?x }") > 10
    assert count(server, UNSUBJECTED) == 0  # and what each claim is about, its dct:subject


def test_the_entailed_graph_is_a_named_graph_of_the_store(server: Server) -> None:
    graphs = {g for (g,) in values(server, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert ENTAILED in graphs
    (row,) = values(server, "SELECT (COUNT(*) AS ?all) (COUNT(DISTINCT *) AS ?distinct) WHERE { ?s ?p ?o }")
    assert row[0] == row[1]  # the default graph holds each triple once


def test_off_leaves_the_view_out(plain_server: Server, embedded_server: Server) -> None:
    assert values(plain_server, EVENTS) < values(embedded_server, EVENTS)
    assert values(plain_server, BY_SUBCLASS) == values(embedded_server, BY_SUBCLASS)  # the same data
    graphs = {g for (g,) in values(plain_server, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert ENTAILED not in graphs and len(graphs) > 5
    health = [httpx.get(s.url + "/health", trust_env=False, timeout=30).json()["graphs"] for s in (plain_server, embedded_server)]
    assert health[0] + 1 == health[1]
    assert count(plain_server, UNLABELLED) > 100 and count(plain_server, UNSUBJECTED) > 10


ASSERTED_TYPINGS = f"""SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE {{ GRAPH ?g {{ ?x a ?c }} FILTER (?g != <{ENTAILED}>)
  FILTER (STRSTARTS(STR(?c), "https://w3id.org/lexgraph/def/")) }} GROUP BY ?c"""


@pytest.mark.parametrize("view", ["on", "off"])
def test_class_pages_count_instances_as_asserted_and_with_subclasses(
        view: str, embedded_server: Server, plain_server: Server) -> None:
    """A class's "instances" are what is typed with the class itself, never by the entailed
    view (lg:Event has none of its own); "with subclasses" counts every event either way."""
    server = embedded_server if view == "on" else plain_server
    asserted = {c: int(n) for c, n in values(server, ASSERTED_TYPINGS)}
    terms = httpx.get(server.url + "/def", trust_env=False, timeout=30).json()
    classes = {t["iri"]: t["usage"] for t in terms if t["kind"] == "class"}
    assert len(classes) > 10
    assert {c: u["instances"] for c, u in classes.items() if u["instances"]} == \
        {c: n for c, n in asserted.items() if c in classes}
    event = classes["https://w3id.org/lexgraph/def/Event"]
    assert event["instances"] == 0 and event["instances_with_subclasses"] == len(values(embedded_server, BY_SUBCLASS))
