"""Copy rdflib graphs into an in-memory pyoxigraph store, for fast SPARQL over them.

rdflib parses with line numbers and feeds pyshacl; pyoxigraph answers SPARQL. The ontology
and the data go into separate named graphs so checks can tell declarations from use;
queries see their union as the default graph.
"""

from __future__ import annotations

from typing import Iterator

import pyoxigraph as ox
from rdflib import Graph

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
