"""The entailed view: what the subclass and subproperty hierarchies entail, materialised at
load into one named graph of the store, so the default graph (the union of all graphs)
answers ``?e a lg:Event`` with every event and ``?x rdfs:label ?l`` with everything labelled.

The graph holds only triples that no other graph asserts: the union has no duplicates, and
"what is asserted" is everything outside it. It is rebuilt whole whenever the store's files
change, from every hierarchy axiom the store holds (the ontology's, and any a data file
brings). The rule itself (rdfs7, rdfs9; never domain or range) is :mod:`lexgraph.entailment`'s,
shared with validation. ``LEXGRAPH_ENTAILMENT=off`` leaves the graph out.
"""

from __future__ import annotations

from typing import Literal

import pyoxigraph as ox

from ..entailment import ancestors, entailed
from ..prefixes import BASE_IRI, PREFIX_IRIS

Entailment = Literal["rdfs", "off"]
ENTAILMENTS: tuple[Entailment, ...] = ("rdfs", "off")

ENTAILED_GRAPH = BASE_IRI + "graph/entailed"
"""The named graph of the entailed triples (beside ``…/graph/ontology/…`` and ``…/graph/data/…``)."""

_GRAPH = ox.NamedNode(ENTAILED_GRAPH)
_TYPE = ox.NamedNode(PREFIX_IRIS["rdf"] + "type")
_SUB_CLASS = ox.NamedNode(PREFIX_IRIS["rdfs"] + "subClassOf")
_SUB_PROPERTY = ox.NamedNode(PREFIX_IRIS["rdfs"] + "subPropertyOf")

_Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _asserted(store: ox.Store, s: object, p: object, o: object) -> set[tuple[_Term, _Term, _Term]]:
    """The triples matching a pattern in the graphs other than the entailed one."""
    return {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(s, p, o, None)  # type: ignore[arg-type]
            if q.graph_name != _GRAPH}


def entailed_triples(store: ox.Store) -> set[tuple[_Term, _Term, _Term]]:
    """The triples the store's hierarchies entail from what its other graphs assert, less
    those already asserted. Only what a hierarchy can extend is read (the triples of a
    predicate with a superproperty, the typings in a class with a superclass), and what is
    asserted is read once per predicate (per class for typings) that an entailed triple has."""
    super_properties = ancestors((s, o) for s, _, o in _asserted(store, None, _SUB_PROPERTY, None))
    super_classes = ancestors((s, o) for s, _, o in _asserted(store, None, _SUB_CLASS, None))
    found: set[tuple[_Term, _Term, _Term]] = set()
    patterns = [(None, p, None) for p in super_properties] + [(None, _TYPE, c) for c in super_classes]
    for pattern in patterns:
        found.update(entailed(_asserted(store, *pattern), super_properties, super_classes, _TYPE))  # type: ignore[arg-type]
    kinds = {(p, o if p == _TYPE else None) for _, p, o in found}
    asserted = set().union(*(_asserted(store, None, p, o) for p, o in kinds))
    return found - asserted


def materialise(store: ox.Store, entailment: Entailment) -> int:
    """Rebuild the store's entailed graph (none with ``off``); returns its number of triples."""
    store.remove_graph(_GRAPH)
    if entailment == "off":
        return 0
    triples = entailed_triples(store)
    # Not one transaction (a million quads would sit in memory twice): the callers make a
    # store whose build or update was cut short be rebuilt whole.
    store.bulk_extend(ox.Quad(s, p, o, _GRAPH) for s, p, o in triples)  # type: ignore[arg-type]
    return len(triples)
