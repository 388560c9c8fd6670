"""The SPARQL 1.1 Service Description of the endpoint, with VoID statistics.

Built from plain SPARQL over the store (so it works the same for the embedded and the
remote store): triples, classes, properties, and per-graph triple counts.
"""

from __future__ import annotations

import pyoxigraph as ox

from .media import GRAPH_FORMATS, SOLUTION_FORMATS
from .store.base import GraphStore
from .store.select import select

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
FORMAT_IRIS = {
    "json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "tsv": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "turtle": "http://www.w3.org/ns/formats/Turtle",
    "ntriples": "http://www.w3.org/ns/formats/N-Triples",
    "jsonld": "http://www.w3.org/ns/formats/JSON-LD",
    "rdfxml": "http://www.w3.org/ns/formats/RDF_XML",
    "trig": "http://www.w3.org/ns/formats/TriG",
    "nquads": "http://www.w3.org/ns/formats/N-Quads",
}

_STATS = {
    "graphs": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "classes": "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c",
    "properties": "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p",
    "subjects": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }",
}


def _lit(value: int | str) -> ox.Literal:
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    return ox.Literal(value)


THIS_SERVICE = ox.NamedNode("urn:lexgraph:this-service")
"""Stands for the endpoint in a description computed once, until :func:`with_endpoint` names
it for one request (the address depends on how the request reached the service)."""


def with_endpoint(triples: list[ox.Triple], endpoint_url: str) -> list[ox.Triple]:
    """``triples`` with :data:`THIS_SERVICE` replaced by ``endpoint_url``."""
    service = ox.NamedNode(endpoint_url)
    return [ox.Triple(service if t.subject == THIS_SERVICE else t.subject, t.predicate,
                      service if t.object == THIS_SERVICE else t.object) for t in triples]


async def describe_service(store: GraphStore, endpoint_url: str | None = None) -> list[ox.Triple]:
    """The service description of ``endpoint_url`` (default :data:`THIS_SERVICE`) as triples."""
    stats = {name: await select(store, q) for name, q in _STATS.items()}
    service = ox.NamedNode(endpoint_url) if endpoint_url else THIS_SERVICE
    dataset = ox.BlankNode("dataset")
    default_graph = ox.BlankNode("defaultGraph")
    sd, void = (lambda n: ox.NamedNode(SD + n)), (lambda n: ox.NamedNode(VOID + n))
    triples = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, DCT_TITLE, _lit("lexgraph SPARQL endpoint (read-only)")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, RDF_TYPE, void("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, sd("Graph")),
        ox.Triple(default_graph, void("triples"), _lit(int(stats["triples"][0]["n"]))),
        ox.Triple(default_graph, void("distinctSubjects"), _lit(int(stats["subjects"][0]["n"]))),
        ox.Triple(default_graph, void("classes"), _lit(len(stats["classes"]))),
        ox.Triple(default_graph, void("properties"), _lit(len(stats["properties"]))),
    ]
    for fmt in (*SOLUTION_FORMATS, *GRAPH_FORMATS):
        triples.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMAT_IRIS[fmt.name])))
    for i, row in enumerate(stats["graphs"]):
        named, graph = ox.BlankNode(f"named{i}"), ox.BlankNode(f"graph{i}")
        triples += [
            ox.Triple(dataset, sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, sd("NamedGraph")),
            ox.Triple(named, sd("name"), ox.NamedNode(row["g"])),
            ox.Triple(named, sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, sd("Graph")),
            ox.Triple(graph, void("triples"), _lit(int(row["n"]))),
        ]
    for i, row in enumerate(stats["classes"]):
        part = ox.BlankNode(f"class{i}")
        triples += [
            ox.Triple(default_graph, void("classPartition"), part),
            ox.Triple(part, void("class"), ox.NamedNode(row["c"])),
            ox.Triple(part, void("entities"), _lit(int(row["n"]))),
        ]
    for i, row in enumerate(stats["properties"]):
        part = ox.BlankNode(f"property{i}")
        triples += [
            ox.Triple(default_graph, void("propertyPartition"), part),
            ox.Triple(part, void("property"), ox.NamedNode(row["p"])),
            ox.Triple(part, void("triples"), _lit(int(row["n"]))),
        ]
    return triples
