"""In-memory pyoxigraph stores for the checks: SPARQL over the ontology and the data, and the
terms passed between pyoxigraph and rdflib (pyshacl, the reference validator, reads rdflib).

The ontology and the data go into separate named graphs so checks can tell declarations from
use; queries see their union as the default graph.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from .prefixes import BASE_IRI

ONTOLOGY_GRAPH = BASE_IRI + "graph/ontology"
DATA_GRAPH = BASE_IRI + "graph/data"


def add_graph(store: ox.Store, graph: Graph, graph_iri: str) -> None:
    """Load an rdflib graph into the named graph ``graph_iri`` of ``store``."""
    payload = graph.serialize(format="nt", encoding="utf-8")
    store.load(payload, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph_iri))


def store_of(ontology: Graph, data: Graph) -> ox.Store:
    """A fresh in-memory store holding ``ontology`` and ``data`` in their named graphs."""
    store = ox.Store()
    add_graph(store, ontology, ONTOLOGY_GRAPH)
    add_graph(store, data, DATA_GRAPH)
    return store


def term_text(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str | None:
    """A term as a reader wants it: the IRI, ``_:id`` or the literal's lexical form."""
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def select_rows(store: ox.Store, query: str) -> Iterator[dict[str, str | None]]:
    """Run a SELECT over the union of the store's graphs; yield rows as name → text."""
    solutions = store.query(query, use_default_graph_as_union=True)
    if not isinstance(solutions, ox.QuerySolutions):
        raise TypeError("expected a SELECT query")
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        yield {name: term_text(solution[name]) for name in names}


OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


@contextmanager
def quiet_literals() -> Iterator[None]:
    """rdflib logs every ill-typed literal it reads (a date such as "May 2001"^^xsd:date): the
    checks report those themselves."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def to_rdflib(term: OxTerm) -> Node:
    """A pyoxigraph term as rdflib reads the same term from Turtle (blank nodes keep their id;
    a simple literal has no datatype)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def from_rdflib(node: Node) -> OxTerm:
    """An rdflib term (of a graph made by :func:`rdflib_graph`) as the store's term."""
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype or XSD.string)))
    raise TypeError(f"not an RDF term: {node!r}")


def rdflib_graph(store: ox.Store) -> Graph:
    """Every triple of ``store`` (all graphs) in one rdflib graph, with the same blank nodes."""
    graph = Graph()
    with quiet_literals():
        for quad in store:
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))  # type: ignore[arg-type]
    return graph
